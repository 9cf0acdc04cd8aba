# test_nn.sh — `hpml train --model mlp|cnn`, then predict (also Monte-Carlo
# dropout) and eval, end to end on the small fixtures; parameter errors.
source "$(dirname "$0")/lib.sh"

TR=$FIX/gbdt_train.csv
TE=$FIX/gbdt_test.csv

# ---- regression MLP: learns (r2 well above 0), JSON history, predict == eval
run train $TR --target y --ignore label --model mlp --layers 64,32 --epochs 40 --lr 0.003 \
    --valid-size 0.2 --seed 1 --threads 2 -o $TMP/mlp.hpml --json
if [ "$rc" -eq 0 ] && grep -q '"kind": "mlp"' $TMP/out && grep -q '"metric": "mse", "rounds": 40' $TMP/out; then
    pass nn_train_json
else
    fail nn_train_json "exit $rc"
fi
run eval $TMP/mlp.hpml $TE --json
r2=$(grep -oE '"r2": [-0-9.e]+' "$TMP/out" | cut -d' ' -f2)
if [ -n "$r2" ] && awk -v r="$r2" 'BEGIN { exit !(r > 0.8) }'; then pass nn_eval_r2; else
    fail nn_eval_r2 "r2 '$r2' not above 0.8"; fi
rmse=$(grep -oE '"rmse": [0-9.e]+' "$TMP/out" | cut -d' ' -f2)
run predict $TMP/mlp.hpml $TE -o $TMP/p.csv --keep-col y
r3=$(awk -F, 'NR > 1 { d = $1 - $2; s += d * d; n++ } END { printf "%.4f", sqrt(s / n) }' $TMP/p.csv)
if [ "$rc" -eq 0 ] && [ "$r3" = "$(printf '%.4f' "$rmse")" ]; then pass nn_predict_matches_eval; else
    fail nn_predict_matches_eval "rmse from predictions $r3, eval $rmse"; fi

# ---- the same seed and threads: the same bytes (a CNN with batch norm and dropout)
for i in 1 2; do
    run train $TR --target y --ignore label --model cnn --conv 4:3:1 --pool 2 --layers 16 \
        --norm batch --dropout 0.1 --epochs 3 --seed 5 --threads 2 -o $TMP/c$i.hpml
done
if [ "$rc" -eq 0 ] && cmp -s $TMP/c1.hpml $TMP/c2.hpml; then pass nn_model_bytes_seed; else
    fail nn_model_bytes_seed "exit $rc or model files differ"; fi

# ---- binary and Monte-Carlo dropout
run train $TR --target label --ignore y --model mlp --layers 64,64 --dropout 0.2 --epochs 40 --lr 0.003 \
    --optimizer adamw --weight-decay 0.01 --lr-schedule cosine --warmup-epochs 1 -o $TMP/b.hpml
expect_out nn_eval_binary '^auc +0\.9[0-9]+$' eval $TMP/b.hpml $TE
run predict $TMP/b.hpml $TE -o $TMP/mc.csv --mc-samples 30 --seed 3
if [ "$rc" -eq 0 ] && [ "$(head -1 $TMP/mc.csv)" = "predicted,prob_0,prob_1,prob_0_sd,prob_1_sd" ] &&
    awk -F, 'NR > 1 && $5 > 0 { n++ } END { exit !(n > 900) }' $TMP/mc.csv; then
    pass nn_mc_dropout_columns
else
    fail nn_mc_dropout_columns "exit $rc; header '$(head -1 $TMP/mc.csv 2>/dev/null)'"
fi
expect_error nn_mc_without_dropout 1 "has no dropout" predict $TMP/mlp.hpml $TE -o $TMP/x.csv --mc-samples 5

# ---- parameter errors, before any work
expect_error nn_negative_lr 1 "parameter lr = -0.1 is out of range" \
    train $TR --target y --model mlp --lr -0.1 -o $TMP/x.hpml
expect_error nn_zero_batch 1 "parameter batch-size = 0 is out of range" \
    train $TR --target y --model mlp --batch-size 0 -o $TMP/x.hpml
expect_error nn_bad_layers 1 "parameter layers: expected layer sizes like 1000,500,100" \
    train $TR --target y --model mlp --layers 10,x -o $TMP/x.hpml
expect_error nn_gbdt_param 1 "unknown option --n_trees for --model mlp" \
    train $TR --target y --model mlp --n_trees 10 -o $TMP/x.hpml
expect_error nn_conv_too_long 1 "convolution 1 (kernel 9) is longer than its input" \
    train $TR --target y --ignore label --model cnn --conv 4:9:1 -o $TMP/x.hpml

# ---- the default CNN on narrow tables: a smaller stack that fits, said on stderr;
# convolutions the user chose are never changed
awk -F, 'NR == 1 { print "a,b,c,y"; next } NR <= 400 { print $1 "," $2 "," $3 "," $7 }' \
    $FIX/gbdt_train.csv >$TMP/narrow3.csv
cut -d, -f1,4 $TMP/narrow3.csv >$TMP/narrow1.csv
run train $TMP/narrow3.csv --target y --model cnn --epochs 2 -o $TMP/n3.hpml
if [ "$rc" -eq 0 ] && grep -q "the data gives 3: using conv 16:3:1 pool 1" $TMP/err; then
    pass nn_cnn_default_fits_narrow; else fail nn_cnn_default_fits_narrow "exit $rc"; fi
run train $TMP/narrow1.csv --target y --model cnn --epochs 2 -o $TMP/n1.hpml
if [ "$rc" -eq 0 ] && grep -q "the data gives 1: using conv 16:1:1 pool 1" $TMP/err; then
    pass nn_cnn_default_fits_one; else fail nn_cnn_default_fits_one "exit $rc"; fi
run predict $TMP/n3.hpml $TMP/narrow3.csv -o $TMP/n3.csv
[ "$rc" -eq 0 ] && [ "$(wc -l <$TMP/n3.csv)" -eq 400 ] && pass nn_cnn_narrow_predicts ||
    fail nn_cnn_narrow_predicts "exit $rc"
expect_error nn_cnn_chosen_conv_kept 1 "convolution 1 (kernel 5) is longer than its input" \
    train $TMP/narrow3.csv --target y --model cnn --conv 8:5:1 --epochs 2 -o $TMP/x.hpml
