#!/usr/bin/env bash
# GBDT benchmark: hpml against XGBoost 1.7.4 (tree_method=hist; Debian
# python3-xgboost) and scikit-learn HistGradientBoosting, at matched settings,
# measured in the same run on the same machine.
#
# Settings: 500 trees, learning rate 0.1, 255 bins, no subsampling; growth
# depthwise (max depth 8) and lossguide (255 leaves, no depth limit); 2 threads
# and 1 thread. Datasets:
#   binary      generated 1,000,000 x 28, target `label` (HIGGS-like, AUC ~0.81)
#   regression  generated 1,000,000 x 50, target `y` (RMSE floor 2.37)
#               (both + a 200,000-row test file from another seed stream, made
#               by build/bench/gen_gbdt from bench/gen_gbdt.c, cached)
#   higgs       ../shared/data/higgs_subset (7,000 train / 500 test, `label`)
#   drug        ../shared/data/drug_response_tgsa joined: response + expression
#               + RDKit descriptors (82,833 x 914, `ln_ic50`), split 80/20 at
#               random with seed 42 (made once by bench/gbdt_join.py, cached)
#
# Each configuration runs in its own process under bench/measure.py (wall
# time, peak RSS from os.wait4); every run is one JSON line in
# bench/out/gbdt_results.jsonl. Train time excludes CSV parsing: each tool
# times its training call inside the process (anchors: xgboost.train / fit;
# hpml: "train_seconds" of `hpml train --json`). The table goes to stdout and
# bench/out/gbdt_report.md. Informational only: exits 0 unless a command
# failed to run.
#
# Knobs (environment; defaults = the full protocol):
#   GBDT_BENCH_ROWS=1000000     training rows of the generated sets
#   GBDT_BENCH_TEST_ROWS=ROWS/5 test rows of the generated sets
#   GBDT_BENCH_TREES=500        trees (all datasets)
#   GBDT_BENCH_SEED=42          generator seed
#   GBDT_BENCH_DATASETS="binary regression higgs drug"
#   GBDT_BENCH_TOOLS="hpml xgboost sklearn"
#   GBDT_BENCH_POLICIES="depthwise lossguide"
#   GBDT_BENCH_THREADS="2 1"
#   GBDT_BENCH_RUNS=1           repetitions of each configuration (interleaved)
#   GBDT_BENCH_DATA=../shared/data
#   GBDT_BENCH_HPML=bin/hpml     the hpml binary to measure
#   GBDT_BENCH_GOMP_SPINCOUNT   if set, exported as GOMP_SPINCOUNT to every tool
#                               (default: unset; each tool's own default: hpml
#                               uses 1000, libgomp's default spins far longer)
#   BENCH_PYTHON=/usr/bin/python3  (Debian's xgboost/sklearn are visible only to it)
# Quick look: GBDT_BENCH_ROWS=100000 GBDT_BENCH_TREES=20 bench/run.sh gbdt
set -euo pipefail
cd "$(dirname "$0")/.."   # repo root: every path below is relative to it

ROWS=${GBDT_BENCH_ROWS:-1000000}
TEST_ROWS=${GBDT_BENCH_TEST_ROWS:-$((ROWS / 5))}
TREES=${GBDT_BENCH_TREES:-500}
SEED=${GBDT_BENCH_SEED:-42}
RUNS=${GBDT_BENCH_RUNS:-1}
read -r -a DATASETS <<<"${GBDT_BENCH_DATASETS:-binary regression higgs drug}"
read -r -a TOOLS <<<"${GBDT_BENCH_TOOLS:-hpml xgboost sklearn}"
read -r -a POLICIES <<<"${GBDT_BENCH_POLICIES:-depthwise lossguide}"
read -r -a THREADS <<<"${GBDT_BENCH_THREADS:-2 1}"
DATA=${GBDT_BENCH_DATA:-../shared/data}
if [ -n "${GBDT_BENCH_GOMP_SPINCOUNT:-}" ]; then export GOMP_SPINCOUNT=$GBDT_BENCH_GOMP_SPINCOUNT; fi
PY=${BENCH_PYTHON:-/usr/bin/python3}
# Fixed by the protocol
LR=0.1
MAX_BIN=255
MAX_DEPTH=8
MAX_LEAVES=255

HPML=${GBDT_BENCH_HPML:-bin/hpml}
GEN=build/bench/gen_gbdt
OUT=bench/out
WORK=$OUT/gbdt_work          # hpml models and predictions
RAW=$OUT/gbdt_results.jsonl
REPORT=$OUT/gbdt_report.md

die() { echo "gbdt: $*" >&2; exit 1; }
has() { local x=$1; shift; local e; for e in "$@"; do [ "$e" = "$x" ] && return 0; done; return 1; }

[ -x "$PY" ] || die "no $PY (set BENCH_PYTHON to a python3 that has xgboost and sklearn)"
"$PY" -c 'import numpy, pandas' 2>/dev/null || die "$PY cannot import numpy/pandas"
# The anchors are the point of the benchmark: a missing one is a failure to
# run, not a skipped measurement (leave it out with GBDT_BENCH_TOOLS instead).
if has xgboost "${TOOLS[@]}"; then
    "$PY" -c 'import xgboost' 2>/dev/null || die "$PY cannot import xgboost (Debian: apt-get install python3-xgboost)"
fi
# sklearn also computes every AUC (the anchors' and the check of hpml's predictions)
"$PY" -c 'import sklearn' 2>/dev/null || die "$PY cannot import sklearn (Debian: apt-get install python3-sklearn)"
mkdir -p "$OUT" "$WORK" build/bench

# Unless `hpml --help` lists train, predict and eval (and each answers
# --help), hpml is reported as "not available" and only the anchors run
# (the commands landed while this benchmark was written; an older or broken
# build must not stop the anchors).
HPML_OK=0
HPML_WHY="not requested"
if has hpml "${TOOLS[@]}"; then
    HPML_OK=1 HPML_WHY=""
    if [ ! -x "$HPML" ]; then
        HPML_OK=0; HPML_WHY="$HPML not built (run make)"
    else
        # captured first: `... | grep -q` under pipefail fails when grep exits
        # before the writer is done (SIGPIPE)
        help=$("$HPML" --help 2>&1 || true)
        for c in train predict eval; do
            if ! grep -Eq "^[[:space:]]+$c([[:space:]]|$)" <<<"$help" ||
               ! "$HPML" "$c" --help >/dev/null 2>&1; then
                HPML_OK=0; HPML_WHY="$HPML has no '$c' command yet"; break
            fi
        done
    fi
    [ "$HPML_OK" = 1 ] || echo "gbdt: hpml not available: $HPML_WHY"
fi
# predict/eval take --threads if their help lists it (the contract does not require it)
HPML_PREDICT_THREADS=0
HPML_EVAL_THREADS=0
if [ "$HPML_OK" = 1 ]; then
    if grep -q -- '--threads' <<<"$("$HPML" predict --help 2>&1)"; then HPML_PREDICT_THREADS=1; fi
    if grep -q -- '--threads' <<<"$("$HPML" eval --help 2>&1)"; then HPML_EVAL_THREADS=1; fi
fi

# --- generator: standalone C (bench/lib.sh builds it and caches its files)
source bench/lib.sh
build_gen gbdt

gen_hash=$(gen_hash gbdt)
# prepare DS: sets TRAIN TEST TARGET TASK for dataset DS (generating or
# joining it first if needed); returns 1 if the data is absent.
prepare() {
    local ds=$1 meta
    case $ds in
    binary | regression)
        TASK=$ds
        TARGET=$([ "$ds" = binary ] && echo label || echo y)
        TRAIN=$OUT/gbdt_${ds}_train_${ROWS}_s${SEED}.csv
        TEST=$OUT/gbdt_${ds}_test_${TEST_ROWS}_s${SEED}.csv
        # ~0.5 KB per row at most (regression: ~425 bytes)
        cached_gen gbdt "$TRAIN" "kind=$ds rows=$ROWS seed=$SEED stream=1 gen=$gen_hash" \
            $((ROWS * 600)) "$GEN" "$ds" "$ROWS" "$SEED" 1
        cached_gen gbdt "$TEST" "kind=$ds rows=$TEST_ROWS seed=$SEED stream=2 gen=$gen_hash" \
            $((TEST_ROWS * 600)) "$GEN" "$ds" "$TEST_ROWS" "$SEED" 2
        ;;
    higgs)
        TASK=binary TARGET=label
        TRAIN=$DATA/higgs_subset/higgs_train.csv
        TEST=$DATA/higgs_subset/higgs_test.csv
        [ -f "$TRAIN" ] && [ -f "$TEST" ] || return 1
        ;;
    drug)
        TASK=regression TARGET=ln_ic50
        local src=$DATA/drug_response_tgsa
        [ -f "$src/response.csv" ] || return 1
        TRAIN=$OUT/gbdt_drug_train.csv
        TEST=$OUT/gbdt_drug_test.csv
        # keyed by the join code and the input files' contents
        meta="drug seed=42 test=0.2 code=$(sha256sum bench/gbdt_join.py | cut -c1-16) data=$(
            cat "$src/response.csv" "$src/cell_expression.csv" "$src/drug_descriptors_rdkit.csv" |
            sha256sum | cut -c1-16)"
        if [ -f "$TRAIN" ] && [ -f "$TEST.meta" ] && [ "$(sed -n 1p "$TEST.meta")" = "$meta" ] &&
           [ "$(sed -n 2p "$TEST.meta")" = "size=$(stat -c %s "$TRAIN"),$(stat -c %s "$TEST")" ]; then
            echo "gbdt: reusing $TRAIN, $TEST"
        else
            echo "gbdt: joining $src into $TRAIN, $TEST"
            rm -f "$TEST.meta"
            "$PY" bench/gbdt_join.py "$src" "$TRAIN" "$TEST" --seed 42 --test-frac 0.2
            printf '%s\nsize=%s\n' "$meta" "$(stat -c %s "$TRAIN"),$(stat -c %s "$TEST")" >"$TEST.meta"
        fi
        ;;
    *) die "unknown dataset '$ds' (binary, regression, higgs, drug)" ;;
    esac
}

FAILED=0
# measure LABEL CMD...: one timed run, appended to $RAW as a JSON line. A
# command that fails is recorded (status != 0) and the benchmark goes on.
measure() {
    local label=$1; shift
    if ! "$PY" bench/measure.py "$label" -- "$@" >>"$RAW"; then
        echo "gbdt: $label FAILED: $*" >&2
        FAILED=1
        return 1
    fi
}

# run_anchor TOOL DS POLICY THREADS
run_anchor() {
    local tool=$1 ds=$2 policy=$3 nt=$4
    OMP_NUM_THREADS=$nt measure "$ds/$policy/t$nt/$tool" \
        "$PY" bench/gbdt_anchor.py run --tool "$tool" --task "$TASK" \
        --train "$TRAIN" --test "$TEST" --target "$TARGET" --policy "$policy" \
        --threads "$nt" --trees "$TREES" --lr "$LR" --max-bin "$MAX_BIN" \
        --max-depth "$MAX_DEPTH" --max-leaves "$MAX_LEAVES" || true
}

# run_hpml DS POLICY THREADS: train, predict, eval (three processes, each
# measured), then the metric recomputed from the predictions file.
run_hpml() {
    local ds=$1 policy=$2 nt=$3 label="$1/$2/t$3/hpml"
    local model=$WORK/${ds}_${policy}_t${nt}.hpml preds=$WORK/${ds}_${policy}_t${nt}.preds.csv
    local grow=(--grow_policy depthwise --max_depth "$MAX_DEPTH")
    [ "$policy" = lossguide ] && grow=(--grow_policy lossguide --max_leaves "$MAX_LEAVES" --max_depth 0)
    local pt=() et=()
    [ "$HPML_PREDICT_THREADS" = 1 ] && pt=(--threads "$nt")
    [ "$HPML_EVAL_THREADS" = 1 ] && et=(--threads "$nt")
    rm -f "$model" "$preds"
    export OMP_NUM_THREADS=$nt
    # the task is left to hpml's inference (0/1 -> binary, numbers -> regression)
    measure "$label/train" "$HPML" train "$TRAIN" --target "$TARGET" \
        --model gbdt --n_trees "$TREES" --learning_rate "$LR" --max_bin "$MAX_BIN" \
        "${grow[@]}" --threads "$nt" -o "$model" --json || { unset OMP_NUM_THREADS; return 0; }
    if measure "$label/predict" "$HPML" predict "$model" "$TEST" -o "$preds" "${pt[@]}" --json; then
        "$PY" bench/gbdt_anchor.py score --task "$TASK" --test "$TEST" --target "$TARGET" \
            --preds "$preds" --label "$label/score" >>"$RAW" || FAILED=1
    fi
    measure "$label/eval" "$HPML" eval "$model" "$TEST" "${et[@]}" --json || true
    unset OMP_NUM_THREADS
    echo "{\"label\": \"$label/model\", \"model_bytes\": $(stat -c %s "$model" 2>/dev/null || echo null)}" >>"$RAW"
}

# --- run
if [ -f "$RAW" ]; then mv "$RAW" "$RAW.prev"; fi   # keep the previous run's lines
: >"$RAW"
export BENCH_LOAD_BEFORE
BENCH_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
printf '{"label": "meta", "rows": %s, "test_rows": %s, "trees": %s, "seed": %s, "runs": %s, "datasets": "%s", "tools": "%s", "policies": "%s", "threads": "%s", "lr": %s, "max_bin": %s, "max_depth": %s, "max_leaves": %s, "gomp_spincount": "%s", "hpml_available": %s, "hpml_why": "%s"}\n' \
    "$ROWS" "$TEST_ROWS" "$TREES" "$SEED" "$RUNS" "${DATASETS[*]}" "${TOOLS[*]}" "${POLICIES[*]}" \
    "${THREADS[*]}" "$LR" "$MAX_BIN" "$MAX_DEPTH" "$MAX_LEAVES" "${GOMP_SPINCOUNT:-}" \
    "$([ "$HPML_OK" = 1 ] && echo true || echo false)" "$HPML_WHY" >>"$RAW"
# Linux charges the spawning helper's RSS to each child at exec (see
# measure.py): a run of /bin/true shows that floor.
measure floor /bin/true

for ds in "${DATASETS[@]}"; do
    if ! prepare "$ds"; then
        echo "gbdt: $ds: data not found under $DATA; skipping"
        continue
    fi
    # warm the page cache: reading the CSV is not what is measured
    cat "$TRAIN" "$TEST" >/dev/null
    for policy in "${POLICIES[@]}"; do
        for nt in "${THREADS[@]}"; do
            for ((r = 1; r <= RUNS; r++)); do
                # interleaved, so drift in machine load hits every tool alike
                for tool in "${TOOLS[@]}"; do
                    echo "gbdt: $ds $policy threads=$nt $tool (run $r/$RUNS, $(date +%H:%M:%S))"
                    case $tool in
                    hpml) if [ "$HPML_OK" = 1 ]; then run_hpml "$ds" "$policy" "$nt"; fi ;;
                    xgboost | sklearn) run_anchor "$tool" "$ds" "$policy" "$nt" ;;
                    *) die "unknown tool '$tool' (hpml, xgboost, sklearn)" ;;
                    esac
                done
            done
        done
    done
done

export BENCH_LOAD_AFTER
BENCH_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
"$PY" bench/gbdt_report.py "$RAW" | tee "$REPORT"
echo "gbdt: table written to $REPORT, raw runs to $RAW"
[ "$FAILED" = 0 ] || die "some commands failed to run (see above and the status fields in $RAW)"
