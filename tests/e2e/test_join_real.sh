# test_join_real.sh — a star schema on real data (../shared/data, when
# present): the TGSA drug responses of 20 cell lines joined on cell_id to
# their expression, copy number and mutations (706 genes each: the gene
# columns collide, so they are qualified cell_expression.TP53, ...) and on
# drug_id to the RDKit descriptors and Morgan bits (3350 features in all).
# A GBDT trained on the star schema writes the same model sections as one
# trained on the materialised join (written by pandas below, the same text
# for every value, names qualified the same way), only JOINS added; the
# predictions are the same file; the star schema peaks lower in memory.
# Plain build only: the sanitizer build adds nothing here and is slow on
# 3350 columns.
source "$(dirname "$0")/lib.sh"
DATA=${HPML_DATA:-../shared/data}/drug_response_tgsa
if [ ! -d "$DATA" ]; then
    echo "real-data join tests skipped: $DATA not found" >&2
    exit 0
fi
case "$HPML" in *san*) exit 0 ;; esac
PY=/usr/bin/python3
if ! $PY -c 'import pandas' 2>/dev/null; then
    echo "real-data join tests skipped: no pandas for $PY" >&2
    exit 0
fi

CELL_TABLES="cell_expression cell_copynumber cell_mutation"
DRUG_TABLES="drug_descriptors_rdkit drug_morgan_r2_1024"

# The fact rows of 20 cells (resp.csv) and their materialised join
# (joined.csv): every value copied as text; a column name found in two
# tables qualified "table.column", as hpml names it.
$PY - "$DATA" "$TMP" 20 <<'PY' >$TMP/py.txt 2>&1 || fail join_real_materialise "$(cat $TMP/py.txt)"
import csv, os, sys
import numpy as np
import pandas as pd

data, out, n_cells = sys.argv[1], sys.argv[2], int(sys.argv[3])
read = lambda name: pd.read_csv(os.path.join(data, name + ".csv"), dtype=str, keep_default_na=False)
resp = read("response")
cells = np.sort(resp["cell_id"].unique())
keep = set(np.random.default_rng(5).choice(cells, size=n_cells, replace=False))
resp = resp[resp["cell_id"].isin(keep)]
joins = [("cell_id", t) for t in ("cell_expression", "cell_copynumber", "cell_mutation")] + \
        [("drug_id", t) for t in ("drug_descriptors_rdkit", "drug_morgan_r2_1024")]
dims = []
for key, name in joins:
    t = read(name)
    assert t[key].is_unique, name
    cols = [c for c in t.columns if c != key]
    dims.append((key, name, cols, {k: list(v) for k, v in zip(t[key], t[cols].itertuples(index=False))}))
count = {}
for _, _, cols, _ in dims:
    for c in cols:
        count[c] = count.get(c, 0) + 1
header = list(resp.columns)
for _, name, cols, _ in dims:
    header += [name + "." + c if count[c] > 1 else c for c in cols]
with open(os.path.join(out, "resp.csv"), "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([list(resp.columns)] + resp.values.tolist())
with open(os.path.join(out, "joined.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    for row in resp.itertuples(index=False):
        r = list(row)
        for key, _, _, rows in dims:
            r += rows[getattr(row, key)]
        w.writerow(r)
print(len(resp), "rows x", len(header) - 3, "features;", sum(v > 1 for v in count.values()),
      "names qualified")
PY
grep -qE "^[0-9]+ rows x 3350 features; 706 names qualified$" $TMP/py.txt && pass join_real_materialise ||
    fail join_real_materialise "$(cat $TMP/py.txt)"
n=$(cut -d' ' -f1 $TMP/py.txt)

J=""
for t in $CELL_TABLES; do J="$J --join cell_id=$DATA/$t.csv"; done
for t in $DRUG_TABLES; do J="$J --join drug_id=$DATA/$t.csv"; done
GB="--n_trees 20 --max_depth 6 --threads 2"

run train $TMP/resp.csv --target ln_ic50 $J $GB -o $TMP/star.hpml
cp $TMP/out $TMP/star.txt
if [ "$rc" -eq 0 ] && grep -q "^data: *$n training rows x 3350 features" $TMP/out; then
    pass join_real_train
else
    fail join_real_train "exit $rc"
fi
run train $TMP/joined.csv --target ln_ic50 --ignore cell_id,drug_id $GB -o $TMP/mat.hpml
cp $TMP/out $TMP/mat.txt
[ "$rc" -eq 0 ] && pass join_real_train_materialised || fail join_real_train_materialised "exit $rc"

# every section of the materialised model, byte for byte, then JOINS
same_sections join_real_same_sections $TMP/star.hpml $TMP/mat.hpml

# the trees split on qualified gene columns and on drug columns
run importance $TMP/star.hpml
if [ "$rc" -eq 0 ] && grep -qE "^cell_(expression|copynumber|mutation)\.[A-Za-z0-9-]+ " $TMP/out &&
    ! grep -qE "^(TP53|KRAS|EGFR) " $TMP/out; then
    pass join_real_qualified_names
else
    fail join_real_qualified_names "exit $rc"
fi

run predict $TMP/star.hpml $TMP/resp.csv $J -o $TMP/ps.csv
rs=$rc
run predict $TMP/mat.hpml $TMP/joined.csv -o $TMP/pm.csv
if [ "$rs" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$(wc -l <$TMP/ps.csv)" -eq $((n + 1)) ] &&
    cmp -s $TMP/ps.csv $TMP/pm.csv; then
    pass join_real_same_predictions
else
    fail join_real_same_predictions "exit $rs/$rc or the files differ"
fi

# the star schema holds the dimension tables once, not once per response
ms=$(sed -n 's/.*peak memory \([0-9]*\) MiB.*/\1/p' $TMP/star.txt)
mm=$(sed -n 's/.*peak memory \([0-9]*\) MiB.*/\1/p' $TMP/mat.txt)
if [ -n "$ms" ] && [ -n "$mm" ] && [ "$ms" -lt "$mm" ]; then
    pass join_real_less_memory
else
    fail join_real_less_memory "peak $ms MiB (star) vs $mm MiB (materialised)"
fi
