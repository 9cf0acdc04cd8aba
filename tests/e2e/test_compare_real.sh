# test_compare_real.sh — `hpml compare` on real data (../shared/data, when
# present), each model re-checked against XGBoost / PyTorch trained on the
# very same split (tests/ref/compare_vs_reference.py): ESOL solubility from
# its descriptor columns, and drug response (the materialised TGSA join of
# 60 cell lines) split by cell line. Plain build only: the sanitizer build
# adds nothing here and is slow on 900 columns.
source "$(dirname "$0")/lib.sh"
DATA=${HPML_DATA:-../shared/data}
if [ ! -d "$DATA" ]; then
    echo "real-data compare tests skipped: $DATA not found" >&2
    exit 0
fi
case "$HPML" in *san*) exit 0 ;; esac
PY=/usr/bin/python3

ESOL_IGN=mol_id,name,smiles,logS_esol_predicted
run compare $DATA/esol/esol.csv --target logS_measured --ignore $ESOL_IGN --models gbdt,mlp \
    --out $TMP/esol --threads 2
[ "$rc" -eq 0 ] && pass compare_esol || fail compare_esol "exit $rc"
$PY tests/ref/check_compare.py $DATA/esol/esol.csv $TMP/esol
$PY tests/ref/compare_vs_reference.py $DATA/esol/esol.csv $TMP/esol --target logS_measured \
    --ignore $ESOL_IGN

$PY tests/ref/join_tgsa.py $DATA/drug_response_tgsa $TMP/tgsa.csv --cells 60 >/dev/null
run compare $TMP/tgsa.csv --target ln_ic50 --group-col cell_id --ignore drug_id --models gbdt,mlp \
    --mlp.epochs 10 --out $TMP/tgsa --threads 2
[ "$rc" -eq 0 ] && pass compare_tgsa_group || fail compare_tgsa_group "exit $rc"
$PY tests/ref/check_compare.py $TMP/tgsa.csv $TMP/tgsa --group-col cell_id
$PY tests/ref/compare_vs_reference.py $TMP/tgsa.csv $TMP/tgsa --target ln_ic50 \
    --ignore cell_id,drug_id
