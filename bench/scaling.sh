#!/usr/bin/env bash
# Scaling benchmark (issue 7): `hpml train` as 1 process and as N MPI ranks (Open MPI's
# mpirun), 1 thread each, on the generated 1,000,000 x 28 binary GBDT set (500 trees, depth 8)
# and the 200,000 x 1,000 MLP set (1000 -> 500 -> 100 -> 1, Adam lr 1e-3, batch 256 and 1024).
# Reported per run: training time (CSV read excluded), speed-up over 1 process, what each rank
# gave to collectives (calls, MiB; per tree / per optimizer step), seconds inside them and
# their share of training, peak RSS per rank, and whether the model bytes equal 1 process's.
#
# The N-rank runs are `mpirun --oversubscribe --bind-to none -n N hpml train ... --threads 1
# --verbose --json`; their per-rank figures come from the `[rank r/N] ...` lines of --verbose
# (docs/mpi.md). The 1-process run is plain `hpml train ... --threads 1 --json`. Every run
# goes through bench/measure.py (wall time, CPU used by other processes) under `flock
# $BENCH_LOCK`, so timed runs of different benchmarks never overlap; one JSON line per run in
# bench/out/scaling_results.jsonl (+ one line of rank figures), the table on stdout and in
# bench/out/scaling_report.md. Informational: exits 0 unless a command failed to run.
#
# Knobs (environment; defaults = the full protocol):
#   SCALING_BENCH_SETS="gbdt mlp"
#   SCALING_BENCH_RANKS="2"          rank counts measured against 1 process
#   SCALING_BENCH_RUNS=1             repetitions (interleaved; the report takes the median)
#   SCALING_BENCH_ROWS=1000000       GBDT training rows   SCALING_BENCH_TREES=500
#   SCALING_BENCH_NN_ROWS=200000     MLP training rows    SCALING_BENCH_NN_COLS=1000
#   SCALING_BENCH_EPOCHS=3           SCALING_BENCH_BATCHES="256 1024"
#   SCALING_BENCH_GBDT_DATA, SCALING_BENCH_NN_DATA   an existing CSV instead of the generated one
#   SCALING_BENCH_TIMEOUT=3600       seconds per run
#   SCALING_BENCH_HPML=bin/hpml  BENCH_PYTHON=/usr/bin/python3  BENCH_LOCK=/tmp/hpml-bench.lock
# Quick look (~1 min):
#   SCALING_BENCH_ROWS=100000 SCALING_BENCH_TREES=20 SCALING_BENCH_NN_ROWS=20000 \
#   SCALING_BENCH_EPOCHS=1 bench/run.sh scaling
set -euo pipefail
cd "$(dirname "$0")/.." # repo root: every path below is relative to it

read -r -a SETS <<<"${SCALING_BENCH_SETS:-gbdt mlp}"
read -r -a RANKS <<<"${SCALING_BENCH_RANKS:-2}"
RUNS=${SCALING_BENCH_RUNS:-1}
ROWS=${SCALING_BENCH_ROWS:-1000000}
TREES=${SCALING_BENCH_TREES:-500}
NN_ROWS=${SCALING_BENCH_NN_ROWS:-200000}
NN_COLS=${SCALING_BENCH_NN_COLS:-1000}
EPOCHS=${SCALING_BENCH_EPOCHS:-3}
read -r -a BATCHES <<<"${SCALING_BENCH_BATCHES:-256 1024}"
LIMIT=${SCALING_BENCH_TIMEOUT:-3600}
HPML=${SCALING_BENCH_HPML:-bin/hpml}
PY=${BENCH_PYTHON:-/usr/bin/python3}
LOCK=${BENCH_LOCK:-/tmp/hpml-bench.lock}
SEED=42 # data (the seeds gbdt.sh and nn.sh use, so their cached files are shared)
GBDT_PARAMS=(--model gbdt --n_trees "$TREES" --learning_rate 0.1 --max_bin 255
    --grow_policy depthwise --max_depth 8)
NN_PARAMS=(--model mlp --layers "500,100" --activation relu --optimizer adam --lr 0.001
    --epochs "$EPOCHS" --seed 42)

OUT=bench/out
WORK=$OUT/scaling_work # models, each run's stderr
RAW=$OUT/scaling_results.jsonl
REPORT=$OUT/scaling_report.md

die() { echo "scaling: $*" >&2; exit 1; }
[ -x "$HPML" ] || die "$HPML not built (run make)"
"$HPML" --version | grep -q '(MPI: ' || die "$HPML is built without MPI (make MPI=1; docs/mpi.md)"
for t in mpirun flock timeout "$PY"; do command -v "$t" >/dev/null || die "needs $t"; done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
MPIRUN=(mpirun --oversubscribe --bind-to none)
mkdir -p "$OUT" "$WORK"

# --- data: the generators and cache of gbdt.sh and nn.sh (train files only)
source bench/lib.sh
for s in "${SETS[@]}"; do
    case $s in
    gbdt)
        GBDT_TRAIN=${SCALING_BENCH_GBDT_DATA:-}
        if [ -z "$GBDT_TRAIN" ]; then
            build_gen gbdt
            GBDT_TRAIN=$OUT/gbdt_binary_train_${ROWS}_s${SEED}.csv
            cached_gen scaling "$GBDT_TRAIN" "kind=binary rows=$ROWS seed=$SEED stream=1 gen=$(gen_hash gbdt)" \
                $((ROWS * 600)) build/bench/gen_gbdt binary "$ROWS" "$SEED" 1
        fi
        ;;
    mlp)
        NN_TRAIN=${SCALING_BENCH_NN_DATA:-}
        if [ -z "$NN_TRAIN" ]; then
            build_gen nn
            NN_TRAIN=$OUT/nn_train_${NN_ROWS}x${NN_COLS}_s${SEED}.csv
            cached_gen scaling "$NN_TRAIN" "rows=$NN_ROWS cols=$NN_COLS seed=$SEED stream=0 gen=$(gen_hash nn)" \
                $((NN_ROWS * (NN_COLS + 1) * 8)) build/bench/gen_nn "$NN_ROWS" "$NN_COLS" "$SEED" 0
        fi
        ;;
    *) die "unknown set '$s' (gbdt, mlp)" ;;
    esac
done

FAILED=0
# measure LABEL N CMD...: one timed run (N processes) under the lock, appended to $RAW, then
# its per-rank figures (from --verbose; for N = 1 from the JSON). Stderr is kept in $WORK.
measure() {
    local label=$1 n=$2
    shift 2
    local err=$WORK/${label//\//_}.err
    local launch=()
    [ "$n" -gt 1 ] && launch=("${MPIRUN[@]}" -n "$n")
    if ! flock "$LOCK" "$PY" bench/measure.py "$label" -- timeout "$LIMIT" "${launch[@]}" "$@" \
        >>"$RAW" 2>"$err"; then
        echo "scaling: $label FAILED: $*" >&2
        tail -n 5 "$err" | sed 's/^/    | /' >&2
        FAILED=1
        return 1
    fi
    if [ "$n" -gt 1 ]; then "$PY" bench/scaling_report.py ranks "$label" "$n" "$err" >>"$RAW"; fi
}

# run SET CONFIG N R MODEL1 DATA ARGS...: SET's training at CONFIG on N processes (run R);
# the model bytes compared with MODEL1 (the 1-process model of the same run)
run() {
    local set=$1 config=$2 n=$3 r=$4 model1=$5 data=$6
    shift 6
    local label=$set/$config/n$n/r$r model=$WORK/${set}_${config}_n$n.hpml
    rm -f "$model"
    echo "scaling: $label ($(date +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
    measure "$label" "$n" "$HPML" train "$data" "$@" --threads 1 -o "$model" --verbose --json || return 0
    local same=null
    [ "$n" -gt 1 ] && { cmp -s "$model" "$model1" && same=true || same=false; }
    echo "{\"label\": \"$label/model\", \"model_bytes\": $(stat -c %s "$model"), \"same_as_n1\": $same}" >>"$RAW"
}

# --- run
if [ -f "$RAW" ]; then mv "$RAW" "$RAW.prev"; fi # keep the previous run's lines
: >"$RAW"
printf '{"label": "meta", "sets": "%s", "ranks": "%s", "runs": %s, "rows": %s, "trees": %s, "nn_rows": %s, "nn_cols": %s, "epochs": %s, "batches": "%s", "gbdt_data": "%s", "nn_data": "%s", "load_before": "%s", "mpi": "%s"}\n' \
    "${SETS[*]}" "${RANKS[*]}" "$RUNS" "$ROWS" "$TREES" "$NN_ROWS" "$NN_COLS" "$EPOCHS" \
    "${BATCHES[*]}" "${GBDT_TRAIN:-}" "${NN_TRAIN:-}" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$("$HPML" --version | sed 's/.*(MPI: \(.*\))/\1/')" >>"$RAW"

for s in "${SETS[@]}"; do
    if [ "$s" = gbdt ]; then data=$GBDT_TRAIN configs=(depth8); else data=$NN_TRAIN configs=("${BATCHES[@]/#/b}"); fi
    cat "$data" >/dev/null # warm the page cache: reading the CSV is not what is measured
    for c in "${configs[@]}"; do
        if [ "$s" = gbdt ]; then args=(--target label "${GBDT_PARAMS[@]}"); else
            args=(--target y "${NN_PARAMS[@]}" --batch-size "${c#b}"); fi
        for ((r = 1; r <= RUNS; r++)); do
            m1=$WORK/${s}_${c}_n1.hpml
            for n in 1 "${RANKS[@]}"; do run "$s" "$c" "$n" "$r" "$m1" "$data" "${args[@]}"; done
        done
    done
done

BENCH_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg) "$PY" bench/scaling_report.py report "$RAW" | tee "$REPORT"
echo "scaling: table written to $REPORT, raw runs to $RAW"
[ "$FAILED" = 0 ] || die "some commands failed to run (see above and the status fields in $RAW)"
