# test_mpi_nn.sh — nets trained data parallel under mpirun (docs/mpi.md): the
# training and validation losses per epoch of N = 2 and 3 processes equal one
# process's at the same global batch (within 1e-4 relative), the same early
# stopping epoch, the same predictions; synchronised batch norm; a process
# without rows in a short last batch; --scale-lr; one model file; the bytes
# of the gradient sums. Skipped (said on stderr) without MPI in the build or
# a working mpirun.
source "$(dirname "$0")/lib.sh"

san=0
case "$HPML" in
*san*)
    san=1 # each mpirun takes seconds here: the runs of 3 processes are left out
    # Open MPI's memory kept until exit: see test_mpi.sh
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0
    export LSAN_OPTIONS=suppressions=$PWD/tests/mpi/lsan.supp:print_suppressions=0
    ;;
esac
TR=$FIX/gbdt_train.csv
TE=$FIX/gbdt_test.csv
: >$TMP/out # what fail() shows: the JSON goes to files of its own

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --oversubscribe --bind-to none)
if ! command -v mpirun >/dev/null || ! timeout 60 "${MPIRUN[@]}" -n 2 true >/dev/null 2>&1; then
    echo "test_mpi_nn.sh: mpirun does not start 2 processes here: skipped" >&2
    exit 0
fi
if ! "$HPML" --version | grep -q '(MPI: '; then
    echo "test_mpi_nn.sh: $HPML is built without MPI: skipped" >&2
    exit 0
fi
NS="2 $([ $san = 1 ] || echo 3)"

# train N OUT.json ARGS...: hpml train ARGS --json on N processes (1: plain),
# leaving $rc, the JSON in OUT.json, stderr in $TMP/err.
train() {
    local n=$1 out=$2
    shift 2
    if [ "$n" = 1 ]; then
        "$HPML" train "$@" --json >"$out" 2>"$TMP/err"
    else
        timeout 60 "${MPIRUN[@]}" -n "$n" "$HPML" train "$@" --json >"$out" 2>"$TMP/err"
    fi
    rc=$?
}
# same_history A.json B.json [train|both]: the losses per epoch (and the
# number of epochs and the best one) of B equal A's within 1e-4 relative.
same_history() {
    python3 - "$1" "$2" "${3:-both}" <<'EOF'
import json, math, sys
a, b = (json.load(open(f))["history"] for f in sys.argv[1:3])
keys = ["train"] + (["valid"] if sys.argv[3] == "both" else [])
if a["rounds"] != b["rounds"] or a["best_round"] != b["best_round"]:
    sys.exit("epochs %d/%d, best %d/%d" % (a["rounds"], b["rounds"], a["best_round"], b["best_round"]))
for k in keys:
    for e, (x, y) in enumerate(zip(a[k], b[k])):
        if not (math.isfinite(x) and abs(x - y) <= 1e-4 * abs(x)):
            sys.exit("%s loss of epoch %d: %r against %r" % (k, e + 1, x, y))
EOF
}
# same_predictions A.hpml B.hpml: on the test rows, every column (values,
# classes, probabilities) within 1e-4 (relative to the value, at least 1)
same_predictions() {
    "$HPML" predict "$1" $TE -o $TMP/pa.csv >/dev/null 2>&1 &&
        "$HPML" predict "$2" $TE -o $TMP/pb.csv >/dev/null 2>&1 &&
        paste -d, $TMP/pa.csv $TMP/pb.csv | awk -F, 'NR > 1 {
            for (i = 1; i <= NF / 2; i++) {
                d = $i - $(i + NF / 2); d = d < 0 ? -d : d; s = $i < 0 ? -$i : $i; s = s < 1 ? 1 : s
                if (d > 1e-4 * s) bad++
            }
            n++ } END { exit !(n == 1000 && !bad) }'
}
# check NAME ARGS...: one process, then N = 2 (and 3), the histories (both
# losses) and the model's predictions equal
check() {
    local name=$1
    shift
    train 1 $TMP/h1.json "$@" -o $TMP/m1.hpml
    local r1=$rc
    for n in $NS; do
        mkdir -p $TMP/n$n && rm -f $TMP/n$n/*
        train $n $TMP/h$n.json "$@" -o $TMP/n$n/m.hpml
        if [ "$r1" -ne 0 ] || [ "$rc" -ne 0 ]; then
            fail ${name}_n$n "exit $r1 (one process), $rc ($n)"
        elif ! why=$(same_history $TMP/h1.json $TMP/h$n.json 2>&1); then
            fail ${name}_n$n "$why"
        elif ! same_predictions $TMP/m1.hpml $TMP/n$n/m.hpml; then
            fail ${name}_n$n "the predictions differ"
        elif [ "$(ls $TMP/n$n)" != "m.hpml" ] || [ "$(grep -c '"model": ' $TMP/h$n.json)" -ne 1 ]; then
            fail ${name}_n$n "files: $(ls $TMP/n$n | tr '\n' ' ')"
        else
            pass ${name}_n$n
        fi
    done
}

# ---- an MLP with dropout (masks keyed by the row's place in the global
# batch), validation and early stopping: it stops at the same epoch (14,
# keeping 11) with the same weights
check mlp_dropout_early_stop $TR --target y --ignore label --model mlp --layers 64,32 --dropout 0.2 \
    --epochs 30 --lr 0.03 --valid-size 0.2 --early-stopping-rounds 3 --seed 5 --threads 1
if grep -q '"rounds": 14, "best_round": 11' $TMP/h2.json; then pass mlp_early_stop_epoch; else
    fail mlp_early_stop_epoch "$(grep -o '"rounds": [0-9]*, "best_round": [0-9]*' $TMP/h2.json)"; fi
# ---- a layer of more weights than a bucket (1024 x 1024 + 1024 > 2^20): its
# gradient is made and summed in two bands of rows, the first band's sum
# overlapping the second's computation
check mlp_layer_in_bands $TR --target y --ignore label --model mlp --layers 1024,1024 \
    --dropout 0.1 --epochs 1 --valid-size 0.2 --seed 5 --threads 1
# ---- a CNN with dropout, a plateau schedule and a cross-entropy loss
check cnn_dropout $TR --target label --ignore y --model cnn --conv 4:3:1,8:3:1 --pool 1 --layers 16 \
    --dropout 0.1 --epochs 4 --lr 0.01 --lr-schedule plateau --plateau-patience 1 --valid-size 0.2 \
    --seed 3 --threads 1

# ---- synchronised batch norm: the same training losses. (Not predictions: a
# bias before batch norm has no gradient but rounding, which Adam follows,
# and the running means follow the bias; the outputs of training do not.)
# Batches of 2999 of 3000 rows: the last has one row, and a process none.
for args in "--model cnn --conv 4:3:1 --pool 2 --layers 16 --norm batch --dropout 0.1 --epochs 3" \
    "--model mlp --layers 16 --norm batch --epochs 3 --batch-size 2999 --lr 0.01"; do
    train 1 $TMP/b1.json $TR --target y --ignore label $args --seed 5 --threads 1 -o $TMP/b1.hpml
    r1=$rc
    for n in $NS; do
        name=batchnorm_$(echo "$args" | cut -d' ' -f2)_n$n
        train $n $TMP/bn.json $TR --target y --ignore label $args --seed 5 --threads 1 -o $TMP/bn.hpml
        if [ "$r1" -eq 0 ] && [ "$rc" -eq 0 ] && why=$(same_history $TMP/b1.json $TMP/bn.json train 2>&1); then
            pass $name
        else
            fail $name "exit $r1, $rc: $why"
        fi
    done
done

# ---- --scale-lr: one process trains as without it (the same bytes); two
# take 128 rows each a step (a global batch of 256) with the learning rate
# warming up from lr to 2 lr: not the run without it
S="$TR --target y --ignore label --model mlp --layers 32 --epochs 3 --seed 2 --threads 1"
train 1 $TMP/s0.json $S -o $TMP/s0.hpml
train 1 $TMP/s1.json $S --scale-lr 1 -o $TMP/s1.hpml
if [ "$rc" -eq 0 ] && cmp -s $TMP/s0.hpml $TMP/s1.hpml; then pass scale_lr_one_process; else
    fail scale_lr_one_process "exit $rc, or the models differ"; fi
train 2 $TMP/s2.json $S --scale-lr 1 --batch-size 128 --warmup-epochs 1 -o $TMP/s2.hpml
if [ "$rc" -eq 0 ] && grep -q '"rounds": 3' $TMP/s2.json && ! same_history $TMP/s0.json $TMP/s2.json train 2>/dev/null &&
    python3 -c 'import json,sys; a, b = (json.load(open(f))["history"]["train"][-1] for f in sys.argv[1:]); sys.exit(not b < a)' $TMP/s0.json $TMP/s2.json; then
    pass scale_lr_two_processes # the larger rate after warm-up learns faster here
else
    fail scale_lr_two_processes "exit $rc"
fi

# ---- the bytes summed a step: 769 gradients (6 -> 32 -> 16 -> 1) and the
# batch's loss, 12 steps an epoch: 4 epochs send 24 steps more than 2 (the
# start-up checks and the collective read of the data are the same in both)
comm_mib() { # EPOCHS: rank 1's MiB given to collectives in $got, the exit codes in $rcs
    timeout 60 "${MPIRUN[@]}" -n 2 "$HPML" train $TR --target y --ignore label --model mlp \
        --layers 32,16 --epochs "$1" --threads 1 -o $TMP/v.hpml --verbose >$TMP/out 2>$TMP/err
    rcs="$rcs$?"
    got=$(sed -n 's/^\[rank 1\/2\] communication: [0-9]* calls, \([0-9.]*\) MiB.*/\1/p' $TMP/err)
}
rcs=
comm_mib 2
mib2=$got
comm_mib 4
mib=$got
if [ "$rcs" = 00 ] && [ -n "$mib" ] && [ -n "$mib2" ] &&
    awk -v m="$mib" -v m2="$mib2" 'BEGIN { b = 24 * (769 * 4 + 8); d = (m - m2) * 1048576
        exit !(d >= b - 2100 && d <= b + 2100) }'; then
    pass comm_bytes_per_step
else
    fail comm_bytes_per_step "exits $rcs, $mib2 and $mib MiB"
fi
