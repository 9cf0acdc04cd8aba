# test_real_data.sh — hpml info on the real datasets in ../shared/data (when
# present: CI has them, a user's fresh clone may not), checked against pandas,
# plus the figures the foundation issue names.
source "$(dirname "$0")/lib.sh"
DATA=${HPML_DATA:-../shared/data}
if [ ! -d "$DATA" ]; then
    echo "real-data tests skipped: $DATA not found" >&2
    exit 0
fi

expect_out tgsa_rows '^rows: +82833$' info $DATA/drug_response_tgsa/response.csv
expect_out tgsa_cols '^columns: +3 \(1 numeric, 2 categorical\)$' info $DATA/drug_response_tgsa/response.csv
expect_out leukemia_wide '^columns: +12626 \(12625 numeric, 1 categorical\)$' info $DATA/all_leukemia/all_expression.csv
expect_out leukemia_bt_classes '^T4 +2 ' info $DATA/all_leukemia/all_phenotype.csv --target BT
expect_out higgs_binary '^task: +binary' info $DATA/higgs_subset/higgs_train.csv --target label

# Every CSV against pandas (only on the plain build: the sanitizer build is slow
# on the 27 MB wide file and adds nothing here).
case "$HPML" in *san*) exit 0 ;; esac
if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
    echo "FAIL pandas_available"
    exit 0
fi
for f in $DATA/*/*.csv; do
    "$HPML" info "$f" --json >"$TMP/info.json" 2>"$TMP/err" || { fail "info_$(basename "$f")" "exit $?"; continue; }
    /usr/bin/python3 tests/ref/check_info_vs_pandas.py "$f" "$TMP/info.json"
done
