# test_train.sh — `hpml train | predict | eval | importance` end to end on
# small fixtures: outputs, the model file, parameters by alias and from a
# config file, and every usage and data error with its exit code.
source "$(dirname "$0")/lib.sh"

TR=$FIX/gbdt_train.csv
TE=$FIX/gbdt_test.csv

# ---- regression: train, eval, predict, importance
# the parameters of the XGBoost reference predictions (column xgb_reg of the
# test file, made by tests/ref/gen_gbdt_ref.py)
expect_out train_text "^written: +$TMP/m.hpml" \
    train $TR --target y --ignore label --n_trees 100 --eta 0.1 --max_depth 4 -o $TMP/m.hpml
expect_out train_importance_table '^x[0-9] +[0-9.e+]+ +[0-9.]+% +[0-9]+$' \
    train $TR --target y --ignore label --n_trees 100 --eta 0.1 --max_depth 4 -o $TMP/m.hpml
expect_out eval_rmse '^rmse +0\.[0-9]+$' eval $TMP/m.hpml $TE
run eval $TMP/m.hpml $TE --json
rmse=$(grep -oE '"rmse": [0-9.]+' "$TMP/out" | cut -d' ' -f2)
xgb=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { d = $c["y"] - $c["xgb_reg"]; s += d * d; n++ } END { printf "%.6f", sqrt(s / n) }' $TE)
if [ -n "$rmse" ] && awk -v r="$rmse" -v x="$xgb" 'BEGIN { exit !(r < 1.01 * x && r > 0.99 * x) }'; then
    pass eval_rmse_as_xgboost
else
    fail eval_rmse_as_xgboost "rmse '$rmse' not within 1% of XGBoost's $xgb"
fi
run predict $TMP/m.hpml $TE -o $TMP/p.csv --keep-col y
if [ "$rc" -eq 0 ] && [ "$(head -1 $TMP/p.csv)" = "y,prediction" ] &&
    [ "$(wc -l <$TMP/p.csv)" -eq 1001 ]; then
    pass predict_csv
else
    fail predict_csv "exit $rc; header '$(head -1 $TMP/p.csv 2>/dev/null)'"
fi
# the predictions file gives the same RMSE as eval
r2=$(awk -F, 'NR > 1 { d = $1 - $2; s += d * d; n++ } END { printf "%.4f", sqrt(s / n) }' $TMP/p.csv)
if [ "$r2" = "$(printf '%.4f' "$rmse")" ]; then pass predict_matches_eval; else
    fail predict_matches_eval "rmse from predictions $r2, eval $rmse"; fi
expect_out importance_top '^\(5 more features' importance $TMP/m.hpml --top 1
expect_out importance_json '^\[\{"feature": "x[0-9]", "gain": ' importance $TMP/m.hpml --json

# columns are found by name: reordered columns and extra ones predict the same
awk -F, 'BEGIN { OFS = "," } { print $8, $6, $5, $4, $3, $2, $1, "extra" }' $TE >$TMP/reordered.csv
run predict $TMP/m.hpml $TMP/reordered.csv -o $TMP/p2.csv
if [ "$rc" -eq 0 ] && cmp -s <(cut -d, -f2 $TMP/p.csv | tail -n +2) <(tail -n +2 $TMP/p2.csv); then
    pass predict_by_column_name
else
    fail predict_by_column_name "exit $rc or different predictions"
fi

# ---- determinism: 1 and 2 threads write the same bytes
run train $TR --target label --ignore y --n_trees 20 --subsample 0.8 --colsample_bytree 0.7 \
    --threads 1 -o $TMP/t1.hpml
run train $TR --target label --ignore y --n_trees 20 --subsample 0.8 --colsample_bytree 0.7 \
    --threads 2 -o $TMP/t2.hpml
if cmp -s $TMP/t1.hpml $TMP/t2.hpml; then pass model_bytes_threads; else
    fail model_bytes_threads "model files differ"; fi

# ---- classification
expect_out eval_binary '^auc +0\.9[0-9]+$' eval $TMP/t1.hpml $TE
run predict $TMP/t1.hpml $TE -o $TMP/pc.csv
if [ "$(head -1 $TMP/pc.csv)" = "predicted,prob_0,prob_1" ]; then pass predict_binary_header; else
    fail predict_binary_header "header '$(head -1 $TMP/pc.csv)'"; fi

# ---- JSON output of train: timings, params, history, importance
expect_out train_json '"train_seconds": [0-9.]+, "peak_rss_mib"' \
    train $TR --target y --ignore label --n_trees 5 --valid $TE -o $TMP/j.hpml --json
expect_out train_json_history '"history": \{"metric": "rmse", "rounds": 5, "best_round": 5' \
    train $TR --target y --ignore label --n_trees 5 --valid $TE -o $TMP/j.hpml --json

# ... the training metric (a pass over every row) at the logged rounds and the last
expect_out train_json_metric_logged '"train": \[null, [0-9.]+, null, [0-9.]+, 0\.915047355' \
    train $TR --target y --ignore label --n_trees 5 --log-every 2 -o $TMP/j.hpml --json
expect_out train_json_metric_last '"train": \[null, null, null, null, 0\.915047355' \
    train $TR --target y --ignore label --n_trees 5 -o $TMP/j.hpml --json
# ... and at the round early stopping ends on
run train $TR --target y --ignore label --n_trees 500 --eta 0.8 --max_depth 8 --lambda 0 \
    --early_stopping_rounds 5 --valid-size 0.2 -o $TMP/es.hpml
if [ "$rc" -eq 0 ] && grep -qE '^train rmse: [0-9.]+ \(last\)' "$TMP/out"; then
    pass early_stopping_last_train_metric
else
    fail early_stopping_last_train_metric "exit $rc"
fi

# ---- early stopping with a held-out fraction; log lines on stderr
run train $TR --target y --ignore label --n_trees 500 --eta 0.8 --max_depth 8 --lambda 0 \
    --early_stopping_rounds 5 --valid-size 0.2 --log-every 1 -o $TMP/es.hpml
kept=$(grep -oE 'best [0-9]+ kept' "$TMP/out" | grep -oE '[0-9]+')
if [ "$rc" -eq 0 ] && [ -n "$kept" ] && [ "$kept" -lt 500 ] && grep -q '^\[1/500\] train-rmse' "$TMP/err"; then
    pass early_stopping
else
    fail early_stopping "exit $rc, kept '$kept'"
fi

# ---- a config file; the command line wins over it
printf '# GBDT settings\ntarget = y\nignore = label\nn_trees = 3\neta = 0.5\n\nmax_depth = 2\n' >$TMP/cfg
run train $TR --config $TMP/cfg --n_trees 4 -o $TMP/c.hpml --json
if [ "$rc" -eq 0 ] && grep -q '"n_trees": 4, "learning_rate": 0.5, "max_depth": 2' "$TMP/out"; then
    pass config_file
else
    fail config_file "exit $rc"
fi
printf 'n_trees 3\n' >$TMP/badcfg
expect_error config_bad_line 1 "badcfg:1: expected 'name = value'" train $TR --target y --config $TMP/badcfg -o $TMP/x.hpml

# ---- parameter errors: named, with the allowed range, before any work
expect_error param_range 1 "parameter max_depth = 99 is out of range: allowed integers [0, 30]" \
    train $TR --target y --max_depth 99 -o $TMP/x.hpml
expect_error param_alias_range 1 "parameter eta = -1 is out of range" \
    train $TR --target y --eta -1 -o $TMP/x.hpml
expect_error param_unknown 1 "unknown option --max_deph" train $TR --target y --max_deph 3 -o $TMP/x.hpml
expect_error param_objective_task 1 "objective logistic needs a binary task" \
    train $TR --target y --objective logistic -o $TMP/x.hpml
expect_error param_lossguide 1 "needs max_leaves" \
    train $TR --target y --grow_policy lossguide --max_depth 0 -o $TMP/x.hpml
expect_error train_needs_output 1 "expected DATA.csv, --target COL and -o MODEL" train $TR --target y
expect_error train_model_kind 1 "--model svm is not available" train $TR --target y --model svm -o $TMP/x.hpml
expect_out train_help "learning_rate \(eta" train --help

# ---- data errors: a missing feature, text in a numeric feature, an unknown class
cut -d, -f2- $TE >$TMP/nox0.csv
expect_error predict_missing_feature 2 "no column named 'x0'" predict $TMP/m.hpml $TMP/nox0.csv -o $TMP/x.csv
sed '3s/^[^,]*,/oops,/' $TE >$TMP/text.csv
expect_error predict_text_in_numeric 2 "text.csv:3:1:" predict $TMP/m.hpml $TMP/text.csv -o $TMP/x.csv
awk -F, 'BEGIN { OFS = "," } NR == 3 { $8 = 2 } { print }' $TE >$TMP/newclass.csv
expect_error eval_unknown_class 2 "newclass.csv:3: target 'label' is '2', a class the model was not trained on" \
    eval $TMP/t1.hpml $TMP/newclass.csv
head -c 300 $TMP/m.hpml >$TMP/trunc.hpml
expect_error load_truncated 2 "trunc.hpml" predict $TMP/trunc.hpml $TE -o $TMP/x.csv
expect_error load_not_a_model 2 "not an hpml model file" predict $TE $TE -o $TMP/x.csv
if [ ! -e $TMP/x.csv ] && [ -z "$(ls $TMP | grep tmp)" ]; then pass no_partial_outputs; else
    fail no_partial_outputs "a partial or temporary file was left: $(ls $TMP)"; fi
