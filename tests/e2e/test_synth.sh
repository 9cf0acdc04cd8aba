# test_synth.sh — `hpml synth drug-response` end to end: the files, their
# determinism, reading them with info, training trees on the joined table and
# scoring held-out rows; usage and I/O errors.
source "$(dirname "$0")/lib.sh"

ARGS="--cells 60 --drugs 40 --genes 50 --descriptors 20 --seed 7"

# ---- the files: shapes from the summary line, one row per response / cell / drug
run synth drug-response $ARGS --joined --out $TMP/d
n=$(sed -n 's/^wrote \([0-9]*\) responses (60 cells x 40 drugs, .*joined.csv in .*/\1/p' $TMP/out)
if [ "$rc" -eq 0 ] && [ -n "$n" ] && [ "$n" -gt 1700 ] && [ "$n" -lt 2300 ] &&
    [ "$(wc -l <$TMP/d/responses.csv)" -eq $((n + 1)) ] &&
    [ "$(wc -l <$TMP/d/joined.csv)" -eq $((n + 1)) ] &&
    [ "$(wc -l <$TMP/d/cell_expression.csv)" -eq 61 ] &&
    [ "$(wc -l <$TMP/d/drug_descriptors.csv)" -eq 41 ] &&
    [ "$(head -1 $TMP/d/responses.csv)" = "cell_id,drug_id,ln_ic50" ] &&
    [ "$(head -1 $TMP/d/joined.csv | tr , '\n' | wc -l)" -eq $((3 + 50 + 20 + 1)) ]; then
    pass synth_files
else
    fail synth_files "exit $rc, n '$n'"
fi

# ---- the same seed: the same bytes (also with one thread); another seed: others
run synth drug-response $ARGS --joined --threads 1 --out $TMP/d2
same=1
for f in responses cell_expression drug_descriptors joined; do
    cmp -s $TMP/d/$f.csv $TMP/d2/$f.csv || same=0
done
if [ "$rc" -eq 0 ] && [ "$same" -eq 1 ]; then pass synth_same_seed_same_bytes; else
    fail synth_same_seed_same_bytes "exit $rc or files differ"; fi
run synth drug-response --cells 60 --drugs 40 --genes 50 --descriptors 20 --seed 8 --out $TMP/d3
if [ "$rc" -eq 0 ] && ! cmp -s $TMP/d/responses.csv $TMP/d3/responses.csv &&
    ! cmp -s $TMP/d/cell_expression.csv $TMP/d3/cell_expression.csv && [ ! -e $TMP/d3/joined.csv ]; then
    pass synth_other_seed_differs
else
    fail synth_other_seed_differs "exit $rc or the same files"
fi

# ---- defaults: 100 cells x 60 drugs, 200 genes, 50 descriptors
run synth drug-response -o $TMP/dflt
if [ "$rc" -eq 0 ] && grep -q "(100 cells x 60 drugs" $TMP/out &&
    [ "$(head -1 $TMP/dflt/cell_expression.csv | tr , '\n' | wc -l)" -eq 202 ] &&
    [ "$(head -1 $TMP/dflt/drug_descriptors.csv | tr , '\n' | wc -l)" -eq 51 ]; then
    pass synth_defaults
else
    fail synth_defaults "exit $rc"
fi

# ---- the joined table reads as a regression data set
expect_out synth_info "task: +regression" info $TMP/d/joined.csv --target ln_ic50

# ---- trees learn it: train on 3 rows in 4, score the 4th (same cells and drugs)
awk 'NR == 1 || NR % 4 != 0' $TMP/d/joined.csv >$TMP/train.csv
awk 'NR == 1 || NR % 4 == 0' $TMP/d/joined.csv >$TMP/test.csv
run train $TMP/train.csv --target ln_ic50 --model gbdt --n_trees 50 --ignore cell_id,drug_id \
    --threads 2 -o $TMP/m.hpml
run eval $TMP/m.hpml $TMP/test.csv --json
r2=$(grep -oE '"r2": [-0-9.e]+' "$TMP/out" | cut -d' ' -f2)
if [ "$rc" -eq 0 ] && [ -n "$r2" ] && awk -v r="$r2" 'BEGIN { exit !(r > 0.4) }'; then
    pass synth_gbdt_learns
else
    fail synth_gbdt_learns "exit $rc, r2 '$r2' not above 0.4"
fi

# ---- usage errors (exit 1) and an output directory that cannot be made (exit 2)
expect_out synth_help "Usage: hpml synth drug-response" synth --help
expect_error synth_no_kind 1 "expected drug-response --out DIR" synth --out $TMP/x
expect_error synth_unknown_kind 1 "unknown data set 'protein-folding'" synth protein-folding --out $TMP/x
expect_error synth_no_out 1 "--out DIR is required" synth drug-response
expect_error synth_few_cells 1 "parameter cells = 1 is out of range: allowed integers [2, 10000000]" \
    synth drug-response --cells 1 --out $TMP/x
expect_error synth_bad_missing 1 "parameter missing_pairs = 1.5 is out of range: allowed [0, 1)" \
    synth drug-response --missing-pairs 1.5 --out $TMP/x
expect_error synth_bad_genes 1 "option --genes: expected an integer" synth drug-response --genes many --out $TMP/x
expect_error synth_bad_seed 1 "--seed: expected a non-negative integer" synth drug-response --seed -3 --out $TMP/x
expect_error synth_bad_option 1 "unknown option --rows" synth drug-response --rows 5 --out $TMP/x
if [ ! -e $TMP/x ]; then pass synth_nothing_written_on_usage_error; else
    fail synth_nothing_written_on_usage_error "$TMP/x was created"; fi
expect_error synth_bad_dir 2 "cannot create the output directory" synth drug-response --out /nonexistent/a/b
