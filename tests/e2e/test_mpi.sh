# test_mpi.sh — hpml and the communication layer under mpirun (docs/mpi.md):
# one line of output and one model file from N processes, the model equal to
# one process's, collectives exact for N = 1, 2, 3, a failure on one rank
# ending every rank within seconds with its message once, the launch checks.
# Without MPI in the build, or without a working mpirun, only the
# single-process checks run (the rest is skipped, said on stderr).
source "$(dirname "$0")/lib.sh"

san=0
case "$HPML" in
*san*)
    san=1 # each mpirun takes seconds here: the repeats with more processes are left out
    PROG=build/san/tests/mpi_dist
    # Open MPI keeps memory from MPI_Init to exit (its plugins are unloaded
    # at MPI_Finalize): those leaks are suppressed by library, which needs
    # full stacks. Only here: the other tests never start MPI.
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0
    export LSAN_OPTIONS=suppressions=$PWD/tests/mpi/lsan.supp:print_suppressions=0
    ;;
*) PROG=build/tests/mpi_dist ;;
esac
TR=$FIX/gbdt_train.csv
TE=$FIX/gbdt_test.csv

# ---- one process: the version line, and srun tasks that MPI does not connect
expect_out version_says_mpi '^hpml [0-9.]+ \((MPI: [^)]+|no MPI)\)$' --version
env SLURM_STEP_NUM_TASKS=2 SLURM_STEP_ID=0 SLURM_PROCID=0 "$HPML" --version >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "srun started 2 tasks (SLURM_STEP_NUM_TASKS)" "$TMP/err" &&
    grep -qE -- "--mpi=pmix|built without MPI" "$TMP/err" && [ ! -s "$TMP/out" ]; then
    pass srun_tasks_not_connected
else
    fail srun_tasks_not_connected "exit $rc"
fi
# ... said once: by the task SLURM numbered 0
env SLURM_STEP_NUM_TASKS=2 SLURM_STEP_ID=0 SLURM_PROCID=1 "$HPML" --version >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] && [ ! -s "$TMP/err" ]; then pass srun_tasks_said_once; else
    fail srun_tasks_said_once "exit $rc"; fi

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --oversubscribe --bind-to none)
if ! command -v mpirun >/dev/null || ! timeout 60 "${MPIRUN[@]}" -n 2 true >/dev/null 2>&1; then
    echo "test_mpi.sh: mpirun does not start 2 processes here: the mpirun tests are skipped" >&2
    exit 0
fi
if ! "$HPML" --version | grep -q '(MPI: '; then
    # a build without MPI refuses to run as several processes, said once
    timeout 20 "${MPIRUN[@]}" -n 2 "$HPML" --version >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 1 ] && [ "$(grep -c 'started 2 processes, but this hpml was built without MPI' "$TMP/err")" -eq 1 ]; then
        pass mpirun_without_mpi_refused
    else
        fail mpirun_without_mpi_refused "exit $rc"
    fi
    echo "test_mpi.sh: $HPML is built without MPI: the other mpirun tests are skipped" >&2
    exit 0
fi

# mpi NAME ARGS...: runs mpirun ARGS under `timeout 20`, leaving $TMP/out,
# $TMP/err, $rc and $secs (wall seconds).
mpi() {
    local t0 t1
    t0=$(date +%s.%N)
    timeout 20 "${MPIRUN[@]}" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}
faster_than() { awk -v s="$secs" -v l="$1" 'BEGIN { exit !(s < l) }'; }

# ---- the version, printed by rank 0 alone
for n in 2 $([ $san = 1 ] || echo 3); do
    mpi -n $n "$HPML" --version
    if [ "$rc" -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] && grep -q '^hpml .*(MPI: ' "$TMP/out"; then
        pass version_once_n$n
    else
        fail version_once_n$n "exit $rc, $(wc -l <"$TMP/out") lines"
    fi
done

# ---- every collective against its serial result, for 1, 2 and 3 processes;
# the exact int64 sum is the same for each
sums=""
for n in 1 2 3; do
    mpi -n $n "$PROG" collectives
    grep -E '^(PASS|FAIL) ' "$TMP/out" | sed "s/^\(PASS\|FAIL\) /\1 n${n}_/"
    if [ "$rc" -ne 0 ] || ! grep -q "^size $n$" "$TMP/out" || [ "$(grep -c '^PASS ' "$TMP/out")" -ne 18 ]; then
        fail collectives_n$n "exit $rc, $(grep -c '^PASS ' "$TMP/out") checks passed"
    fi
    sums="$sums $(sed -n 's/^sum //p' "$TMP/out")"
done
set -- $sums
if [ $# -eq 3 ] && [ "$1" = "$2" ] && [ "$2" = "$3" ]; then pass int64_sum_same_n1_n2_n3; else
    fail int64_sum_same_n1_n2_n3 "sums:$sums"; fi

# ---- the failure protocol: rank 1 fails at a check (status 3: bad input),
# every rank exits with code 2, the message printed once
for n in $([ $san = 1 ] || echo 2) 3; do
    mpi -n $n "$PROG" fail 1 3
    if [ "$rc" -eq 2 ] && [ "$(grep -c 'data.csv:12:3: expected a number' "$TMP/err")" -eq 1 ] &&
        faster_than 10; then
        pass check_failure_ends_all_n$n
    else
        fail check_failure_ends_all_n$n "exit $rc after $secs s"
    fi
done
# ... and when the others are busy (60 s): rank 1 does not wait for them
mpi -n 3 "$PROG" stray 1 3
if [ "$rc" -eq 2 ] && [ "$(grep -c 'data.csv:12:3: expected a number' "$TMP/err")" -eq 1 ] &&
    faster_than 10; then
    pass stray_failure_aborts_all
else
    fail stray_failure_aborts_all "exit $rc after $secs s"
fi

# ---- srun's count against MPI's (mpirun's own variable hidden, so the
# processes look started by srun with 3 tasks)
mpi -n 2 env -u OMPI_COMM_WORLD_SIZE SLURM_STEP_NUM_TASKS=3 "$HPML" --version
if [ "$rc" -eq 1 ] && [ "$(grep -c 'srun started 3 tasks (SLURM_STEP_NUM_TASKS), but MPI connects 2' "$TMP/err")" -eq 1 ]; then
    pass srun_tasks_vs_mpi_size
else
    fail srun_tasks_vs_mpi_size "exit $rc"
fi

# ---- train: one model file, equal to one process's; printed once
run train $TR --target y --ignore label --n_trees 20 --threads 1 -o $TMP/m1.hpml
for n in 2 $([ $san = 1 ] || echo 3); do
    mkdir -p $TMP/n$n
    mpi -n $n "$HPML" train $TR --target y --ignore label --n_trees 20 --threads 1 -o $TMP/n$n/m.hpml
    if [ "$rc" -eq 0 ] && cmp -s $TMP/m1.hpml $TMP/n$n/m.hpml && [ "$(ls $TMP/n$n)" = "m.hpml" ] &&
        [ "$(grep -c '^written:' "$TMP/out")" -eq 1 ]; then
        pass train_model_same_n$n
    else
        fail train_model_same_n$n "exit $rc; files: $(ls $TMP/n$n | tr '\n' ' ')"
    fi
done
# ---- trees trained by N processes, each on its share of the rows: the same
# model bytes as one process (histograms and sums exact), whatever the options
CANCER=$FIX/gbdt_cancer.csv
gbdt_same() { # NAME DATA ARGS...: one process vs 2 and 3
    local name=$1 data=$2
    shift 2
    run train "$data" "$@" --threads 1 -o $TMP/g1.hpml
    local r1=$rc
    for n in 2 $([ $san = 1 ] || echo 3); do
        rm -f $TMP/gn.hpml
        mpi -n $n "$HPML" train "$data" "$@" --threads 1 -o $TMP/gn.hpml
        if [ "$r1" -eq 0 ] && [ "$rc" -eq 0 ] && cmp -s $TMP/g1.hpml $TMP/gn.hpml; then
            pass ${name}_n$n
        else
            fail ${name}_n$n "exit $r1/$rc; $(head -c 300 "$TMP/err")"
        fi
    done
}
gbdt_same gbdt_sampled $TR --target y --ignore label --n_trees 15 --subsample 0.7 \
    --colsample_bytree 0.6 --min_samples_leaf 5 --max_bin 16
gbdt_same gbdt_lossguide_early_stop $TR --target y --ignore label --n_trees 60 \
    --grow_policy lossguide --max_leaves 12 --max_depth 0 --valid-size 0.2 --early_stopping_rounds 3
gbdt_same gbdt_valid_file $TR --target y --ignore label --n_trees 40 --valid $TE \
    --early_stopping_rounds 3 --learning_rate 0.5
gbdt_same gbdt_binary $CANCER --target y --ignore test,xgb --n_trees 15 --max_depth 4
gbdt_same gbdt_multiclass $TR --target label --task multiclass --n_trees 5 --max_depth 3
# a star schema: the dimension tables are read by every process
"$HPML" synth drug-response --cells 30 --drugs 20 --genes 12 --descriptors 6 --out $TMP/syn \
    >/dev/null 2>&1
gbdt_same gbdt_star_schema $TMP/syn/responses.csv --target ln_ic50 \
    --join cell_id=$TMP/syn/cell_expression.csv --join drug_id=$TMP/syn/drug_descriptors.csv \
    --n_trees 10 --min_samples_leaf 3
# the quantile objective: each leaf's quantile over every process's residuals
gbdt_same gbdt_quantile $TR --target y --ignore label --objective quantile --alpha 0.9 \
    --n_trees 8 --subsample 0.8

# --verbose: a timing line per rank
mpi -n 2 "$HPML" train $TR --target y --ignore label --n_trees 5 --threads 1 -o $TMP/v.hpml --verbose
if [ "$rc" -eq 0 ] && grep -q '^\[rank 0/2\] hpml train: .* exit code 0$' "$TMP/err" &&
    grep -q '^\[rank 1/2\] hpml train: .* exit code 0$' "$TMP/err" &&
    grep -q '^\[rank 1/2\] read [0-9.]* s, train' "$TMP/err"; then
    pass verbose_rank_lines
else
    fail verbose_rank_lines "exit $rc"
fi

# ---- predict: one file, equal to one process's
run predict $TMP/m1.hpml $TE -o $TMP/p1.csv
mpi -n 2 "$HPML" predict $TMP/m1.hpml $TE -o $TMP/n2/p.csv
if [ "$rc" -eq 0 ] && cmp -s $TMP/p1.csv $TMP/n2/p.csv && [ "$(wc -l <"$TMP/out")" -eq 1 ]; then
    pass predict_same_n2
else
    fail predict_same_n2 "exit $rc"
fi
mpi -n 2 "$HPML" eval $TMP/m1.hpml $TE --json
if [ "$rc" -eq 0 ] && [ "$(grep -c '"rmse"' "$TMP/out")" -eq 1 ]; then pass eval_once_n2; else
    fail eval_once_n2 "exit $rc"; fi

# ---- compare: trees trained in shares (the same models and predictions),
# nets data parallel (the same predictions within 1e-4), one report
run compare $TR --target y --ignore label --models gbdt,mlp --mlp.epochs 2 --threads 1 \
    --bootstrap 50 --out $TMP/c1
mpi -n 2 "$HPML" compare $TR --target y --ignore label --models gbdt,mlp --mlp.epochs 2 \
    --threads 1 --bootstrap 50 --out $TMP/c2
same=1
for f in gbdt.hpml predictions_gbdt.csv; do
    cmp -s $TMP/c1/$f $TMP/c2/$f || same=0
done
# predictions_mlp.csv: fold, line, truth, prediction
close=$(paste -d, $TMP/c1/predictions_mlp.csv $TMP/c2/predictions_mlp.csv | awk -F, '
    NR > 1 { n++; d = $4 - $8; if (d < 0) d = -d; s = $4 < 0 ? -$4 : $4
             if ($2 != $6 || d > 1e-4 * (s > 0.1 ? s : 0.1)) bad++ }
    END { print (n > 100 && !bad) ? 1 : 0 }')
if [ "$rc" -eq 0 ] && [ $same = 1 ] && [ "$close" = 1 ] && [ "$(grep -c '^gbdt ' "$TMP/out")" -eq 1 ]; then
    pass compare_same_n2
else
    fail compare_same_n2 "exit $rc; same=$same close=$close"
fi

# ---- synth: the files written once
mpi -n 2 "$HPML" synth drug-response --out $TMP/syn --cells 6 --drugs 5 --genes 3 --descriptors 2
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] &&
    [ "$(ls $TMP/syn | tr '\n' ' ')" = "cell_expression.csv drug_descriptors.csv responses.csv " ]; then
    pass synth_once_n2
else
    fail synth_once_n2 "exit $rc; $(ls $TMP/syn 2>&1 | tr '\n' ' ')"
fi

# ---- reading: each process parses its share of the records, the table is
# one process's. The cuts fall among quoted fields with newlines, blank lines,
# a category first seen late, text in a numeric-looking column in the last
# share only, and a last record without its newline.
awk 'BEGIN { srand(11); print "id,x1,x2,cat,y"
    for (i = 0; i < 3000; i++) {
        if (i % 97 == 5) print ""
        c = i < 2000 ? (i % 3 == 0 ? "red" : "\"gr,een\"") : (i % 5 == 0 ? "\"two\nlines\"" : "violet")
        x2 = i == 2600 ? "n/a-ish" : sprintf("%.4f", rand())
        printf "%d,%.5f,%s,%s,%.3f%s", i, rand() * 4 - 2, x2, c, rand(), i < 2999 ? "\n" : ""
    } }' >$TMP/shares.csv
gbdt_same read_shares $TMP/shares.csv --target y --n_trees 8 --max_depth 3
# ... three processes for two records: shares may be empty
printf 'a,b,y\n1,x,0.5\n2,y,0.7\n' >$TMP/two.csv
gbdt_same read_tiny $TMP/two.csv --target y --n_trees 2 --min_samples_leaf 1 --min_child_weight 0
# ... a malformed row in rank 1's share: every rank exits with code 2 within
# seconds, the one-process message (file:line:column) printed once
run train $TMP/shares.csv --target y --numeric x2 -o $TMP/bad.hpml
msg1=$(head -n 1 "$TMP/err")
for n in 2 $([ $san = 1 ] || echo 3); do
    mpi -n $n "$HPML" train $TMP/shares.csv --target y --numeric x2 -o $TMP/bad.hpml
    if [ "$rc" -eq 2 ] && [ -n "$msg1" ] && [ "$(grep -cF -- "$msg1" "$TMP/err")" -eq 1 ] &&
        grep -q ":27[0-9][0-9]:.*n/a-ish" <<<"$msg1" && grep -q "^\[rank $((n - 1))/$n\] " "$TMP/err" &&
        [ ! -e $TMP/bad.hpml ] && faster_than 10; then
        pass malformed_row_in_last_share_n$n
    else
        fail malformed_row_in_last_share_n$n "exit $rc after $secs s; one process: $msg1; $(head -c 300 "$TMP/err")"
    fi
done

# ---- failures: the same on every rank, printed once
mpi -n 3 "$HPML" train $TMP/none.csv --target y -o $TMP/none.hpml
if [ "$rc" -eq 2 ] && [ "$(grep -c 'none.csv: cannot open' "$TMP/err")" -eq 1 ] &&
    [ ! -e $TMP/none.hpml ]; then
    pass same_failure_printed_once
else
    fail same_failure_printed_once "exit $rc"
fi
# ... on rank 1 alone (its working directory lacks the file): every rank
# stops with its message, prefixed with its rank
mkdir -p $TMP/wa $TMP/wb
cp $TR $TMP/wa/d.csv
abs=$PWD/$HPML
mpi -n 1 -wdir $TMP/wa "$abs" train d.csv --target y --ignore label -o m.hpml : \
    -n 1 -wdir $TMP/wb "$abs" train d.csv --target y --ignore label -o m.hpml
if [ "$rc" -eq 2 ] && [ "$(grep -c '^\[rank 1/2\] d.csv: cannot open' "$TMP/err")" -eq 1 ] &&
    [ ! -e $TMP/wa/m.hpml ] && faster_than 10; then
    pass rank1_failure_ends_all
else
    fail rank1_failure_ends_all "exit $rc after $secs s"
fi
# ... and processes whose --config files differ (node-local files) are refused
printf 'learning_rate = 0.1\n' >$TMP/wa/c.cfg
printf 'learning_rate = 0.2\n' >$TMP/wb/c.cfg
cp $TR $TMP/wb/d.csv
mpi -n 1 -wdir $TMP/wa "$abs" train d.csv --target y --ignore label --config c.cfg -o m.hpml : \
    -n 1 -wdir $TMP/wb "$abs" train d.csv --target y --ignore label --config c.cfg -o m.hpml
if [ "$rc" -eq 1 ] && [ "$(grep -c 'the processes differ in the training parameters or data' "$TMP/err")" -eq 1 ] &&
    [ ! -e $TMP/wa/m.hpml ]; then
    pass config_differs_refused
else
    fail config_differs_refused "exit $rc"
fi
# ... and processes started with different command lines are refused
mpi -n 1 "$HPML" info $FIX/small.csv : -n 1 "$HPML" info $FIX/small.csv --json
if [ "$rc" -eq 1 ] && grep -q 'the processes differ in the hpml version or the command line: rank 1 differs from rank 0' "$TMP/err"; then
    pass command_lines_differ
else
    fail command_lines_differ "exit $rc"
fi
# srun under a real SLURM cluster: tests/e2e/test_slurm.sh
