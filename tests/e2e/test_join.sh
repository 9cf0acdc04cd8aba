# test_join.sh — star schemas from the command line (--join KEY=FILE[:FILE_KEY],
# --on-missing) on `hpml synth drug-response` data: train, predict, eval,
# info and compare on responses.csv + cell_expression.csv + drug_descriptors.csv
# give what the same commands give on the materialised joined.csv (GBDT model
# sections byte-equal but for JOINS, prediction files identical, MLP
# predictions within 1e-5 relative); the errors say file:line and exit
# non-zero.
source "$(dirname "$0")/lib.sh"

run synth drug-response --cells 40 --drugs 30 --genes 30 --descriptors 15 --seed 3 --joined \
    --out $TMP/d
[ "$rc" -eq 0 ] || fail join_synth "exit $rc"
D=$TMP/d
CELLS=$D/cell_expression.csv
DRUGS=$D/drug_descriptors.csv
J="--join cell_id=$CELLS --join drug_id=$DRUGS"
GB="--n_trees 20 --max_depth 5 --threads 2"

# ---- train: the star schema and the materialised join give the same model
run train $D/responses.csv --target ln_ic50 $J $GB -o $TMP/star.hpml
grep -q "993 training rows x 46 features" $TMP/out && [ "$rc" -eq 0 ] && pass join_train ||
    fail join_train "exit $rc"
run train $D/joined.csv --target ln_ic50 --ignore cell_id,drug_id $GB -o $TMP/mat.hpml
[ "$rc" -eq 0 ] || fail join_train_materialised "exit $rc"
same_sections join_gbdt_same_sections $TMP/star.hpml $TMP/mat.hpml
# one thread: the same file as two
run train $D/responses.csv --target ln_ic50 $J $GB --threads 1 -o $TMP/star1.hpml
[ "$rc" -eq 0 ] && cmp -s $TMP/star.hpml $TMP/star1.hpml && pass join_gbdt_threads_same_file ||
    fail join_gbdt_threads_same_file "exit $rc or files differ"

# ---- predict and eval need the same tables; the predictions are the same
run predict $TMP/star.hpml $D/responses.csv $J -o $TMP/ps.csv
rs=$rc
run predict $TMP/mat.hpml $D/joined.csv -o $TMP/pm.csv
if [ "$rs" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$(wc -l <$TMP/ps.csv)" -eq 994 ] &&
    cmp -s $TMP/ps.csv $TMP/pm.csv; then
    pass join_predict_same_file
else
    fail join_predict_same_file "exit $rs/$rc or the files differ"
fi
run eval $TMP/star.hpml $D/responses.csv $J --json
es=$(grep -o '"metrics": {.*}' $TMP/out)
run eval $TMP/mat.hpml $D/joined.csv --json
em=$(grep -o '"metrics": {.*}' $TMP/out)
[ -n "$es" ] && [ "$es" = "$em" ] && grep -q '"rows": 993' $TMP/out && pass join_eval_same_metrics ||
    fail join_eval_same_metrics "'$es' vs '$em'"

# ---- info: one line per joined table (a cell no row uses: 41 rows, 40 used)
(cat $CELLS; sed -n 2p $CELLS | sed 's/^cell_0001,/cell_0999,/') >$TMP/cells_extra.csv
expect_out join_info_lines \
    "^joined: +.*cells_extra.csv on cell_id: 41 rows, 31 features; 40 of its keys used$" \
    info $D/responses.csv --target ln_ic50 --join cell_id=$TMP/cells_extra.csv --join drug_id=$DRUGS
grep -qE "^joined: +.*drug_descriptors.csv on drug_id: 30 rows, 15 features; 30 of its keys used$" \
    $TMP/out && grep -qE "^features: +46$" $TMP/out && pass join_info_second_table ||
    fail join_info_second_table "no line for drug_descriptors.csv"
# a dimension table with unused keys gives the same model
run train $D/responses.csv --target ln_ic50 --join cell_id=$TMP/cells_extra.csv \
    --join drug_id=$DRUGS $GB -o $TMP/extra.hpml
same_sections join_unused_keys_same_sections $TMP/extra.hpml $TMP/mat.hpml

# ---- KEY=FILE:FILE_KEY: the cell table names its key "cell"
sed '1s/^cell_id,/cell,/' $CELLS >$TMP/cells_renamed.csv
run train $D/responses.csv --target ln_ic50 --join cell_id=$TMP/cells_renamed.csv:cell \
    --join drug_id=$DRUGS $GB -o $TMP/renamed.hpml
same_sections join_file_key_same_sections $TMP/renamed.hpml $TMP/mat.hpml
run predict $TMP/renamed.hpml $D/responses.csv --join cell_id=$TMP/cells_renamed.csv:cell \
    --join drug_id=$DRUGS -o $TMP/pr.csv
[ "$rc" -eq 0 ] && cmp -s $TMP/pr.csv $TMP/pm.csv && pass join_file_key_predict ||
    fail join_file_key_predict "exit $rc or predictions differ"
expect_error join_file_key_missing 2 "cells_renamed.csv:1:1: no column named 'cell_id' (the join key)" \
    train $D/responses.csv --target ln_ic50 --join cell_id=$TMP/cells_renamed.csv \
    --join drug_id=$DRUGS -o $TMP/x.hpml

# ---- names in two tables are qualified table.column
cp $CELLS $TMP/expr2.csv
run train $D/responses.csv --target ln_ic50 $J --join cell_id=$TMP/expr2.csv --n_trees 3 \
    --threads 2 -o $TMP/twice.hpml
run importance $TMP/twice.hpml
if [ "$rc" -eq 0 ] && grep -qE "^cell_expression\.gene_00[0-9][0-9] " $TMP/out &&
    ! grep -qE "^gene_" $TMP/out; then
    pass join_qualified_names
else
    fail join_qualified_names "exit $rc or names not qualified"
fi

# ---- a validation file laid out like the fact table
awk 'NR == 1 || NR % 5 != 0' $D/responses.csv >$TMP/rtrain.csv
awk 'NR == 1 || NR % 5 == 0' $D/responses.csv >$TMP/rvalid.csv
awk 'NR == 1 || NR % 5 != 0' $D/joined.csv >$TMP/jtrain.csv
awk 'NR == 1 || NR % 5 == 0' $D/joined.csv >$TMP/jvalid.csv
run train $TMP/rtrain.csv --valid $TMP/rvalid.csv --target ln_ic50 $J $GB \
    --early_stopping_rounds 3 -o $TMP/vstar.hpml
rs=$rc
run train $TMP/jtrain.csv --valid $TMP/jvalid.csv --target ln_ic50 --ignore cell_id,drug_id $GB \
    --early_stopping_rounds 3 -o $TMP/vmat.hpml
[ "$rs" -eq 0 ] && [ "$rc" -eq 0 ] || fail join_valid_train "exit $rs/$rc"
same_sections join_valid_same_sections $TMP/vstar.hpml $TMP/vmat.hpml

# ---- nets: the same predictions within 1e-5 relative
NN="--model mlp --layers 16 --epochs 3 --batch_size 64 --threads 1 --seed 3"
run train $D/responses.csv --target ln_ic50 $J $NN -o $TMP/nstar.hpml
rs=$rc
run train $D/joined.csv --target ln_ic50 --ignore cell_id,drug_id $NN -o $TMP/nmat.hpml
run predict $TMP/nstar.hpml $D/responses.csv $J -o $TMP/nps.csv
run predict $TMP/nmat.hpml $D/joined.csv -o $TMP/npm.csv
# relative to each value, or for values near 0 to the predictions' root mean square
bad=$(paste -d, $TMP/nps.csv $TMP/npm.csv | awk -F, 'NR > 1 { a[NR] = $1; b[NR] = $2; s += $2 * $2 }
    END { rms = sqrt(s / (NR - 1)); for (i = 2; i <= NR; i++) {
        d = a[i] - b[i]; if (d < 0) d = -d; m = b[i] < 0 ? -b[i] : b[i]; if (m < rms) m = rms
        if (d > 1e-5 * m) n++ } print n + 0 }')
if [ "$rs" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$(wc -l <$TMP/nps.csv)" -eq 994 ] && [ "$bad" -eq 0 ]; then
    pass join_mlp_same_predictions
else
    fail join_mlp_same_predictions "exit $rs/$rc, $bad predictions differ"
fi

# ---- compare --group-col cell_id: the same split, model and predictions
CMP="--target ln_ic50 --group-col cell_id --models gbdt --gbdt.n_trees 10 --bootstrap 50 --threads 2"
run compare $D/responses.csv $J $CMP --out $TMP/cs
rs=$rc
grep -q "grouped by cell_id" $TMP/out || rs=99
run compare $D/joined.csv --ignore drug_id $CMP --out $TMP/cm
if [ "$rs" -eq 0 ] && [ "$rc" -eq 0 ] &&
    cmp -s $TMP/cs/predictions_gbdt.csv $TMP/cm/predictions_gbdt.csv; then
    pass join_compare_group_col
else
    fail join_compare_group_col "exit $rs/$rc or predictions differ"
fi
same_sections join_compare_same_sections $TMP/cs/gbdt.hpml $TMP/cm/gbdt.hpml

# ---- a response whose cell the table lacks (line 995): error, drop or nan
(cat $D/responses.csv; echo "cell_x,drug_0001,1.5") >$TMP/bad.csv
expect_error join_missing_key 2 \
    "bad.csv:995: 1 row (of 994) has a cell_id with no row in $CELLS (the first is on this line: cell_id = 'cell_x')" \
    train $TMP/bad.csv --target ln_ic50 $J -o $TMP/x.hpml
[ ! -e $TMP/x.hpml ] && pass join_missing_key_no_model || fail join_missing_key_no_model "model written"
run train $TMP/bad.csv --target ln_ic50 $J $GB --on-missing drop -o $TMP/drop.hpml
same_sections join_drop_same_sections $TMP/drop.hpml $TMP/mat.hpml
expect_out join_drop_info "^rows used: +993 \(1 dropped: a key without a row in a joined table\)$" \
    info $TMP/bad.csv --target ln_ic50 $J --on-missing drop
expect_out join_nan_info "on cell_id: 40 rows, 31 features; 40 of its keys used; 1 rows without a match" \
    info $TMP/bad.csv --target ln_ic50 $J --on-missing nan
run train $TMP/bad.csv --target ln_ic50 $J $GB --on-missing nan -o $TMP/nan.hpml
grep -q "994 training rows" $TMP/out && [ "$rc" -eq 0 ] && pass join_nan_train ||
    fail join_nan_train "exit $rc"
# predict: one line per row; the unmatched one predicted with its cell's features missing
run predict $TMP/star.hpml $TMP/bad.csv $J --on-missing nan -o $TMP/pn.csv
if [ "$rc" -eq 0 ] && [ "$(wc -l <$TMP/pn.csv)" -eq 995 ] &&
    cmp -s <(head -994 $TMP/pn.csv) $TMP/pm.csv && tail -1 $TMP/pn.csv | grep -qE '^-?[0-9]'; then
    pass join_predict_nan
else
    fail join_predict_nan "exit $rc"
fi
expect_error join_predict_missing_key 2 "bad.csv:995: 1 row (of 994) has a cell_id" \
    predict $TMP/star.hpml $TMP/bad.csv $J -o $TMP/x.csv
expect_error join_predict_drop_refused 1 "--on-missing drop: predict writes one line per input row" \
    predict $TMP/star.hpml $TMP/bad.csv $J --on-missing drop -o $TMP/x.csv
# eval may leave the row out
run eval $TMP/star.hpml $TMP/bad.csv $J --on-missing drop --json
[ "$rc" -eq 0 ] && grep -q '"rows": 993' $TMP/out && [ "$(grep -o '"metrics": {.*}' $TMP/out)" = "$em" ] &&
    pass join_eval_drop || fail join_eval_drop "exit $rc"

# ---- other errors
(cat $CELLS; sed -n 2p $CELLS) >$TMP/dup.csv
expect_error join_duplicate_key 2 \
    "dup.csv:42: key 'cell_id' = 'cell_0001' is also on line 2: a table joined on a key needs one row per key" \
    train $D/responses.csv --target ln_ic50 --join cell_id=$TMP/dup.csv --join drug_id=$DRUGS -o $TMP/x.hpml
expect_error join_bad_syntax 1 "option --join: expected KEY=FILE or KEY=FILE:FILE_KEY, got 'cell_id'" \
    train $D/responses.csv --target ln_ic50 --join cell_id -o $TMP/x.hpml
expect_error join_bad_syntax_no_key 1 "got '=$CELLS'" \
    train $D/responses.csv --target ln_ic50 --join =$CELLS -o $TMP/x.hpml
expect_error join_bad_on_missing 1 "option --on-missing: expected error, drop or nan, got 'maybe'" \
    train $D/responses.csv --target ln_ic50 $J --on-missing maybe -o $TMP/x.hpml
expect_error join_no_file 2 "nofile.csv: cannot open" \
    train $D/responses.csv --target ln_ic50 --join cell_id=$TMP/nofile.csv -o $TMP/x.hpml
expect_error join_unknown_key 2 "no column named 'cell' (the key of --join cell=" \
    train $D/responses.csv --target ln_ic50 --join cell=$CELLS -o $TMP/x.hpml
expect_error join_predict_without_tables 1 \
    "needs its 2 joined tables (--join cell_id=cell_expression.csv --join drug_id=drug_descriptors.csv), got 0" \
    predict $TMP/star.hpml $D/responses.csv -o $TMP/x.csv
expect_error join_predict_wrong_order 1 "join 1 is on 'drug_id', but the model's join 1 is on 'cell_id'" \
    predict $TMP/star.hpml $D/responses.csv --join drug_id=$DRUGS --join cell_id=$CELLS -o $TMP/x.csv
expect_error join_eval_without_tables 1 "needs its 2 joined tables" \
    eval $TMP/star.hpml $D/responses.csv
expect_error join_materialised_model_with_join 1 "the model was trained on one table, but 1 table is joined" \
    predict $TMP/mat.hpml $D/joined.csv --join cell_id=$CELLS -o $TMP/x.csv
