#!/usr/bin/env bash
# Neural-net benchmark: hpml's MLP against PyTorch 1.13 (Debian python3-torch),
# measured in the same run on the same machine.
#
# Protocol: MLP 1000 -> 500 -> 100 -> 1 (ReLU), Adam lr 1e-3, squared error,
# 3 epochs, batch 64, 256 and 1024, at 1 and 2 threads, on a generated
# regression set: 200,000 training rows x 1,000 Gaussian features + `y`, and
# 20,000 test rows from another seed stream of the same generator
# (build/bench/gen_nn from bench/gen_nn.c, cached in bench/out/). Reported:
# training samples/s, test RMSE, peak RSS, and hpml / PyTorch ratios.
#
# PyTorch: one process per thread setting (bench/nn_anchor.py), which reads the
# data once and trains the batch sizes in sequence. With more than one thread
# it runs twice, with the default environment and with OMP_WAIT_POLICY=PASSIVE
# (its OpenMP threads otherwise spin against OpenBLAS's), and the report
# compares hpml with the faster of the two per batch size. hpml: one `hpml
# train` process per (batch, threads), with its defaults, then `hpml eval` and
# `hpml predict` on the test file (the RMSE recomputed from the predictions as
# a cross-check). Every process runs under bench/measure.py (wall time, peak
# RSS from os.wait4); every run is a JSON line in bench/out/nn_results.jsonl,
# the table goes to stdout and bench/out/nn_report.md. Informational only:
# exits 0 unless a command failed to run.
#
# Knobs (environment; defaults = the full protocol):
#   NN_BENCH_ROWS=200000        training rows
#   NN_BENCH_TEST_ROWS=20000    test rows
#   NN_BENCH_COLS=1000          features (the MLP's input width)
#   NN_BENCH_SEED=42            generator seed (train stream 0, test stream 1)
#   NN_BENCH_EPOCHS=3
#   NN_BENCH_BATCHES="64 256 1024"
#   NN_BENCH_THREADS="1 2"
#   NN_BENCH_TOOLS="hpml pytorch"
#   NN_BENCH_WAIT="default passive"  PyTorch settings tried when threads > 1
#   NN_BENCH_HPML=bin/hpml       the hpml binary to measure
#   BENCH_PYTHON=/usr/bin/python3  (Debian's torch/numpy/pandas are visible only to it)
# Quick look: NN_BENCH_ROWS=20000 NN_BENCH_TEST_ROWS=5000 NN_BENCH_EPOCHS=1 bench/run.sh nn
set -euo pipefail
cd "$(dirname "$0")/.."   # repo root: every path below is relative to it

ROWS=${NN_BENCH_ROWS:-200000}
TEST_ROWS=${NN_BENCH_TEST_ROWS:-20000}
COLS=${NN_BENCH_COLS:-1000}
SEED=${NN_BENCH_SEED:-42}
EPOCHS=${NN_BENCH_EPOCHS:-3}
read -r -a BATCHES <<<"${NN_BENCH_BATCHES:-64 256 1024}"
read -r -a THREADS <<<"${NN_BENCH_THREADS:-1 2}"
read -r -a TOOLS <<<"${NN_BENCH_TOOLS:-hpml pytorch}"
read -r -a WAITS <<<"${NN_BENCH_WAIT:-default passive}"
PY=${BENCH_PYTHON:-/usr/bin/python3}
# Fixed by the protocol
LAYERS=500,100
LR=0.001
TRAIN_SEED=42

HPML=${NN_BENCH_HPML:-bin/hpml}
GEN=build/bench/gen_nn
OUT=bench/out
WORK=$OUT/nn_work            # anchor lines, hpml models and predictions
RAW=$OUT/nn_results.jsonl
REPORT=$OUT/nn_report.md

die() { echo "nn: $*" >&2; exit 1; }
has() { local x=$1; shift; local e; for e in "$@"; do [ "$e" = "$x" ] && return 0; done; return 1; }

[ -x "$PY" ] || die "no $PY (set BENCH_PYTHON to a python3 that has torch, numpy and pandas)"
"$PY" -c 'import numpy, pandas' 2>/dev/null || die "$PY cannot import numpy/pandas"
# The anchor is the point of the benchmark: a missing one is a failure to
# run, not a skipped measurement (leave it out with NN_BENCH_TOOLS instead).
if has pytorch "${TOOLS[@]}"; then
    "$PY" -c 'import torch' 2>/dev/null || die "$PY cannot import torch (Debian: apt-get install python3-torch)"
fi
for t in "${TOOLS[@]}"; do has "$t" hpml pytorch || die "unknown tool '$t' (hpml, pytorch)"; done
for w in "${WAITS[@]}"; do has "$w" default passive || die "unknown NN_BENCH_WAIT '$w' (default, passive)"; done
mkdir -p "$OUT" "$WORK" build/bench

# hpml takes part when `hpml train --help` offers the mlp model and eval and
# predict answer --help; otherwise it is reported as "not available" and only
# the anchor runs (an older or broken build must not stop the anchor).
HPML_OK=0
HPML_WHY="not requested"
if has hpml "${TOOLS[@]}"; then
    HPML_OK=1 HPML_WHY=""
    if [ ! -x "$HPML" ]; then
        HPML_OK=0; HPML_WHY="$HPML not built (run make)"
    else
        # captured first: `... | grep -q` under pipefail fails when grep exits
        # before the writer is done (SIGPIPE)
        help=$("$HPML" train --help 2>&1 || true)
        if ! grep -qw mlp <<<"$help"; then
            HPML_OK=0; HPML_WHY="'$HPML train --help' does not offer --model mlp yet"
        else
            for c in predict eval; do
                if ! "$HPML" "$c" --help >/dev/null 2>&1; then
                    HPML_OK=0; HPML_WHY="$HPML has no '$c' command"; break
                fi
            done
        fi
    fi
    [ "$HPML_OK" = 1 ] || echo "nn: hpml not available: $HPML_WHY"
fi
# Option names: the contract's (--batch-size, --lr); the underscore spellings
# the rest of hpml's CLI uses are taken if the help lists only those.
opt() { # opt NAME ALT...: the first of the names that `hpml train --help` lists
    local n
    for n in "$@"; do grep -q -- "$n\b" <<<"$help" && { echo "$n"; return; }; done
    echo "$1"
}
if [ "$HPML_OK" = 1 ]; then
    O_BATCH=$(opt --batch-size --batch_size)
    O_LR=$(opt --lr --learning_rate)
    O_LAYERS=$(opt --layers --hidden --hidden_layers)
    HPML_PREDICT_THREADS=0 HPML_EVAL_THREADS=0
    if grep -q -- '--threads' <<<"$("$HPML" predict --help 2>&1)"; then HPML_PREDICT_THREADS=1; fi
    if grep -q -- '--threads' <<<"$("$HPML" eval --help 2>&1)"; then HPML_EVAL_THREADS=1; fi
fi

# --- generator: standalone C (bench/lib.sh builds it and caches its files)
source bench/lib.sh
build_gen nn
gen_hash=$(gen_hash nn)
TRAIN=$OUT/nn_train_${ROWS}x${COLS}_s${SEED}.csv
TEST=$OUT/nn_test_${TEST_ROWS}x${COLS}_s${SEED}.csv
# ~7.5 bytes per field
cached_gen nn "$TRAIN" "rows=$ROWS cols=$COLS seed=$SEED stream=0 gen=$gen_hash" \
    $((ROWS * (COLS + 1) * 8)) "$GEN" "$ROWS" "$COLS" "$SEED" 0
cached_gen nn "$TEST" "rows=$TEST_ROWS cols=$COLS seed=$SEED stream=1 gen=$gen_hash" \
    $((TEST_ROWS * (COLS + 1) * 8)) "$GEN" "$TEST_ROWS" "$COLS" "$SEED" 1

# The matrix products of a step alone (bench/gemm_ceiling.c, OpenBLAS's
# sgemm as hpml calls it): the ceiling of any MLP built on them.
CEILING=build/bench/gemm_ceiling
if [ ! -x "$CEILING" ] || [ bench/gemm_ceiling.c -nt "$CEILING" ]; then
    # shellcheck disable=SC2046 # pkg-config's words are separate flags
    gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$CEILING" bench/gemm_ceiling.c \
        $(pkg-config --cflags --libs openblas)
fi

FAILED=0
# measure LABEL CMD...: one timed run, appended to $RAW as a JSON line. A
# command that fails is recorded (status != 0) and the benchmark goes on.
measure() {
    local label=$1; shift
    if ! "$PY" bench/measure.py "$label" -- "$@" >>"$RAW"; then
        echo "nn: $label FAILED: $*" >&2
        FAILED=1
        return 1
    fi
}

# run_pytorch THREADS WAIT: one process, all batch sizes. Its per-batch lines
# go to a work file first (measure.py keeps the child's stdout for itself)
# and are appended to $RAW after the process line.
run_pytorch() {
    local nt=$1 wait=$2 label="pytorch/t$1/$2"
    local lines=$WORK/pytorch_t${nt}_${wait}.jsonl
    local envs=(env -u OMP_WAIT_POLICY OMP_NUM_THREADS="$nt")
    [ "$wait" = passive ] && envs+=(OMP_WAIT_POLICY=PASSIVE)
    rm -f "$lines"
    local b=${BATCHES[*]}
    measure "$label" "${envs[@]}" "$PY" bench/nn_anchor.py run --train "$TRAIN" --test "$TEST" \
        --target y --threads "$nt" --batches "${b// /,}" --epochs "$EPOCHS" --lr "$LR" \
        --seed "$TRAIN_SEED" --layers "$LAYERS" --setting "$wait" --label "$label" \
        --out "$lines" || true
    [ -f "$lines" ] && cat "$lines" >>"$RAW"
    return 0
}

# run_hpml BATCH THREADS: train, eval, predict (each measured), then the RMSE
# recomputed from the predictions file. hpml's own defaults otherwise: no
# OMP_WAIT_POLICY (removed if the caller's environment has one).
run_hpml() {
    local b=$1 nt=$2 label="hpml/t$2/b$1"
    local model=$WORK/hpml_b${b}_t${nt}.hpml preds=$WORK/hpml_b${b}_t${nt}.preds.csv
    local envs=(env -u OMP_WAIT_POLICY OMP_NUM_THREADS="$nt")
    local pt=() et=()
    [ "$HPML_PREDICT_THREADS" = 1 ] && pt=(--threads "$nt")
    [ "$HPML_EVAL_THREADS" = 1 ] && et=(--threads "$nt")
    rm -f "$model" "$preds"
    measure "$label/train" "${envs[@]}" "$HPML" train "$TRAIN" --target y --model mlp \
        "$O_LAYERS" "$LAYERS" --activation relu --optimizer adam "$O_LR" "$LR" \
        --epochs "$EPOCHS" "$O_BATCH" "$b" --threads "$nt" --seed "$TRAIN_SEED" \
        --json -o "$model" || return 0
    measure "$label/eval" "${envs[@]}" "$HPML" eval "$model" "$TEST" "${et[@]}" --json || true
    if measure "$label/predict" "${envs[@]}" "$HPML" predict "$model" "$TEST" -o "$preds" "${pt[@]}" --json; then
        "$PY" bench/nn_anchor.py score --test "$TEST" --target y --preds "$preds" \
            --label "$label/score" >>"$RAW" || FAILED=1
    fi
    echo "{\"label\": \"$label/model\", \"model_bytes\": $(stat -c %s "$model" 2>/dev/null || echo null)}" >>"$RAW"
}

# --- run
if [ -f "$RAW" ]; then mv "$RAW" "$RAW.prev"; fi   # keep the previous run's lines
: >"$RAW"
export BENCH_LOAD_BEFORE
BENCH_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
printf '{"label": "meta", "rows": %s, "test_rows": %s, "cols": %s, "seed": %s, "epochs": %s, "batches": "%s", "threads": "%s", "tools": "%s", "waits": "%s", "layers": "%s", "lr": %s, "train_seed": %s, "train_bytes": %s, "test_bytes": %s, "hpml_available": %s, "hpml_why": "%s"}\n' \
    "$ROWS" "$TEST_ROWS" "$COLS" "$SEED" "$EPOCHS" "${BATCHES[*]}" "${THREADS[*]}" "${TOOLS[*]}" \
    "${WAITS[*]}" "$LAYERS" "$LR" "$TRAIN_SEED" "$(stat -c %s "$TRAIN")" "$(stat -c %s "$TEST")" \
    "$([ "$HPML_OK" = 1 ] && echo true || echo false)" "$HPML_WHY" >>"$RAW"
# Linux charges the spawning helper's RSS to each child at exec (see
# measure.py): a run of /bin/true shows that floor.
measure floor /bin/true

# warm the page cache: reading the CSV is not what is measured
cat "$TRAIN" "$TEST" >/dev/null
for nt in "${THREADS[@]}"; do
    # PyTorch first, then hpml, thread count by thread count, so drift in
    # machine load hits both tools alike
    if has pytorch "${TOOLS[@]}"; then
        waits=(default)
        [ "$nt" -gt 1 ] && waits=("${WAITS[@]}")
        for w in "${waits[@]}"; do
            echo "nn: pytorch threads=$nt $w, batches ${BATCHES[*]} ($(date +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
            run_pytorch "$nt" "$w"
        done
    fi
    if [ "$HPML_OK" = 1 ]; then
        for b in "${BATCHES[@]}"; do
            echo "nn: hpml threads=$nt batch=$b ($(date +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
            run_hpml "$b" "$nt"
        done
    fi
    for b in "${BATCHES[@]}"; do
        OPENBLAS_NUM_THREADS=$nt OMP_NUM_THREADS=$nt "$CEILING" "$COLS" "$LAYERS,1" "$b" \
            "ceiling/t$nt/b$b" >>"$RAW" || { echo "nn: gemm_ceiling failed" >&2; FAILED=1; }
    done
done

export BENCH_LOAD_AFTER
BENCH_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
"$PY" bench/nn_report.py "$RAW" | tee "$REPORT"
echo "nn: table written to $REPORT, raw runs to $RAW"
[ "$FAILED" = 0 ] || die "some commands failed to run (see above and the status fields in $RAW)"
