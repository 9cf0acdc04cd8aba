# test_nn_multi.sh — several targets: `hpml train --target y --target label
# --model mlp|cnn` (a multi-output regression net), then predict (a column per
# target, also with Monte-Carlo dropout) and eval (per target and their mean,
# checked against the predictions file); errors; a model file of hpml 0.1.0.
source "$(dirname "$0")/lib.sh"

TR=$FIX/gbdt_train.csv
TE=$FIX/gbdt_test.csv

# ---- train: both spellings of the targets give the same bytes; --json names them
run train $TR --target y --target label --model mlp --layers 32,16 --epochs 20 --lr 0.003 \
    --valid-size 0.2 --seed 1 --threads 2 -o $TMP/m.hpml --json
if [ "$rc" -eq 0 ] && grep -q '"target": "y", "targets": \["y", "label"\]' $TMP/out &&
    grep -q '"task": "regression"' $TMP/out; then
    pass multi_train_json
else
    fail multi_train_json "exit $rc"
fi
run train $TR --target y,label --model mlp --layers 32,16 --epochs 20 --lr 0.003 \
    --valid-size 0.2 --seed 1 --threads 2 -o $TMP/m2.hpml
if [ "$rc" -eq 0 ] && cmp -s $TMP/m.hpml $TMP/m2.hpml; then pass multi_same_bytes; else
    fail multi_same_bytes "exit $rc or model files differ"; fi
expect_out multi_train_text '^targets: +y, label ' \
    train $TR --target y --target label --model cnn --conv 4:3:1 --layers 8 --epochs 2 -o $TMP/c.hpml

# ---- predict: a column per target, in target order
run predict $TMP/m.hpml $TE -o $TMP/p.csv --keep-col y,label
if [ "$rc" -eq 0 ] && [ "$(head -1 $TMP/p.csv)" = "y,label,prediction_y,prediction_label" ] &&
    [ "$(wc -l <$TMP/p.csv)" -eq 1001 ]; then
    pass multi_predict_columns
else
    fail multi_predict_columns "exit $rc; header '$(head -1 $TMP/p.csv 2>/dev/null)'"
fi

# ---- eval: each target's metrics equal those recomputed from the predictions
# file; "metrics" is their mean; the net learned y (r2 well above 0)
run eval $TMP/m.hpml $TE --json
json=$(cat $TMP/out)
num() { # num KEY-PATH-REGEX: the first number after it in the eval JSON
    printf '%s' "$json" | grep -oE "$1\": [-0-9.e]+" | head -1 | sed 's/.*: //'
}
rmse_y=$(num '"per_target": \{"y": \{"rmse')
rmse_l=$(num '"label": \{"rmse')
mae_l=$(num '"label": \{"rmse": [-0-9.e]+, "mae')
rmse_mean=$(num '"metrics": \{"rmse')
r2_y=$(num '"y": \{"rmse": [-0-9.e]+, "mae": [-0-9.e]+, "r2')
fromfile=$(awk -F, 'NR > 1 { d = $1 - $3; e = $2 - $4; sy += d * d; sl += e * e;
    al += (e < 0 ? -e : e); n++ }
    END { printf "%.5f %.5f %.5f %.5f", sqrt(sy / n), sqrt(sl / n), al / n,
          (sqrt(sy / n) + sqrt(sl / n)) / 2 }' $TMP/p.csv)
fromeval=$(awk -v a="$rmse_y" -v b="$rmse_l" -v c="$mae_l" -v d="$rmse_mean" \
    'BEGIN { printf "%.5f %.5f %.5f %.5f", a, b, c, d }')
if [ "$rc" -eq 0 ] && [ -n "$rmse_y" ] && [ -n "$rmse_l" ] && [ "$fromfile" = "$fromeval" ]; then
    pass multi_eval_matches_predictions
else
    fail multi_eval_matches_predictions "from the predictions '$fromfile', eval '$fromeval'"
fi
if [ -n "$r2_y" ] && awk -v r="$r2_y" 'BEGIN { exit !(r > 0.8) }'; then pass multi_eval_r2; else
    fail multi_eval_r2 "r2 of y '$r2_y' not above 0.8"; fi
run eval $TMP/m.hpml $TE
if [ "$rc" -eq 0 ] && grep -qE '^target +rmse +mae +r2 +pearson +spearman$' $TMP/out &&
    grep -qE "^y +$(printf '%.6g' "$rmse_y") " $TMP/out && grep -qE '^label +' $TMP/out &&
    grep -qE "^mean +$(printf '%.6g' "$rmse_mean") " $TMP/out; then
    pass multi_eval_text
else
    fail multi_eval_text "exit $rc"
fi

# ---- Monte-Carlo dropout: means, then a standard deviation per target
run train $TR --target y --target label --model mlp --layers 32 --dropout 0.2 --epochs 5 \
    -o $TMP/d.hpml
run predict $TMP/d.hpml $TE -o $TMP/mc.csv --mc-samples 20 --seed 3
if [ "$rc" -eq 0 ] &&
    [ "$(head -1 $TMP/mc.csv)" = "prediction_y,prediction_label,prediction_y_sd,prediction_label_sd" ] &&
    awk -F, 'NR > 1 && $3 > 0 && $4 > 0 { n++ } END { exit !(n == 1000) }' $TMP/mc.csv; then
    pass multi_mc_dropout_columns
else
    fail multi_mc_dropout_columns "exit $rc; header '$(head -1 $TMP/mc.csv 2>/dev/null)'"
fi

# ---- missing targets: named with their line, or dropped
expect_error multi_missing_target 2 "small.csv:5: target 'response' is missing in 1 row" \
    train $FIX/small.csv --target id,response --model mlp -o $TMP/x.hpml
expect_out multi_drop_missing '"n_train": 4' \
    train $FIX/small.csv --target id,response --drop-missing-target --model mlp --epochs 1 \
    -o $TMP/x.hpml --json
cut -d, -f1-7 $TE >$TMP/nolabel.csv
expect_error multi_eval_without_target 2 "no column named 'label' (target)" eval $TMP/m.hpml $TMP/nolabel.csv

# ---- errors: a categorical target among several, trees with several
expect_error multi_categorical_target 2 "target 'cell' is categorical (e.g. 'A549'): several targets make a multi-output regression" \
    train $FIX/small.csv --target response --target cell --drop-missing-target --model mlp -o $TMP/x.hpml
expect_error multi_gbdt 1 "gradient-boosted trees take one target; use --model mlp or cnn for several" \
    train $TR --target y --target label -o $TMP/x.hpml
expect_error multi_twice 1 "target 'y' is listed twice" \
    train $TR --target y,label,y --model mlp -o $TMP/x.hpml

# ---- one target: exactly as before, and a model file written by hpml 0.1.0
# predicts what 0.1.0 predicted
run predict $FIX/model_0.1.0_mlp.hpml $FIX/small.csv -o $TMP/old.csv
printf 'prediction\n1.32257807\n1.44023669\n1.43290234\n1.52286196\n1.42448306\n' >$TMP/want.csv
if [ "$rc" -eq 0 ] && [ "$(head -1 $TMP/old.csv)" = "prediction" ] &&
    paste -d, $TMP/old.csv $TMP/want.csv |
    awk -F, 'NR > 1 { d = $1 - $2; if (d < 0) d = -d; if (d > 1e-6 * ($2 < 0 ? -$2 : $2)) bad++ }
             END { exit bad }'; then
    pass multi_old_file_predicts
else
    fail multi_old_file_predicts "exit $rc; $(tr '\n' ' ' <$TMP/old.csv 2>/dev/null)"
fi
