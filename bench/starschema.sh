#!/usr/bin/env bash
# Star-schema GBDT benchmark (issue 6: train over the join, never materialise
# it). hpml trained through --join (factorised) against hpml on the
# materialised join (one CSV row per response) and XGBoost 1.7.4 hist on the
# materialised join (a float32 array in memory), same parameters, same split.
#
# Datasets:
#   tgsa   ../shared/data/drug_response_tgsa: response.csv (82,833 responses)
#          joined on cell_id to cell_expression, cell_copynumber, cell_mutation
#          (580 cells x 706 genes each) and on drug_id to
#          drug_descriptors_rdkit (170 x 208) and drug_morgan_r2_1024
#          (170 x 1,024): 3,350 features. Fact rows split 80/20 at random
#          (numpy default_rng(42)). All three tools.
#   synth  `hpml synth drug-response` at 1,000 cells x 20,000 drugs x 1,000
#          genes x 1,000 descriptors, 15% of pairs missing, seed 1 (17.0 M
#          responses, 2,001 features; cached under bench/out/starschema/).
#          Fact rows split 90/10 (seed 42). hpml --join only: the materialised
#          join is skipped when its float32 size exceeds STAR_BENCH_MAT_MAX_GB
#          (here ~136 GB), with the reason in the table.
#
# Settings (all tools): learning rate 0.1, depthwise growth, max_depth 8,
# max_bin 255, no row or column subsampling, lambda 1, min_child_weight 1,
# 2 threads; 200 trees on tgsa (XGBoost takes ~4 min there), 100 on synth
# (the issue's setting). XGBoost's base_score is the training mean (hpml's
# starting point; XGBoost 1.7 would start at 0.5).
#
# Each process runs under bench/measure.py (wall time, peak RSS via wait4),
# itself under `flock /tmp/hpml-bench.lock`, so timed runs of different
# benchmarks (and agents) never overlap. hpml processes also run under
# `timeout` and an address-space limit (prlimit --as), so a build that cannot
# fit a dataset fails cleanly instead of driving the machine out of memory.
# Every process is one JSON line in bench/out/starschema_results.jsonl; the
# table goes to stdout and bench/out/starschema_report.md, a summary with the
# bars to bench/out/starschema.json. Informational: exits 0 unless a command
# failed to run (a timeout or out-of-memory of the 17 M-response run is
# reported as a MISS, not a failure to run).
#
# Knobs (environment; defaults = the full protocol):
#   STAR_BENCH_DATASETS="tgsa synth"
#   STAR_BENCH_TOOLS="join mat xgboost"  join: hpml --join; mat: hpml on the
#                                materialised CSV; xgboost: materialised array
#   STAR_BENCH_TREES=200         trees on tgsa
#   STAR_BENCH_SYNTH_TREES=100   trees on synth
#   STAR_BENCH_THREADS=2
#   STAR_BENCH_SYNTH_CELLS=1000 STAR_BENCH_SYNTH_DRUGS=20000
#   STAR_BENCH_SYNTH_GENES=1000 STAR_BENCH_SYNTH_DESCRIPTORS=1000
#   STAR_BENCH_SYNTH_MISSING=0.15 STAR_BENCH_SYNTH_SEED=1
#   STAR_BENCH_SYNTH_TEST_FRAC=0.1
#   STAR_BENCH_MAT_MAX_GB=4      materialise only joins whose float32 size is
#                                at most this (XGBoost needs ~6x that: 5.9 GB
#                                on tgsa's 0.89 GB)
#   STAR_BENCH_TIMEOUT=3600      seconds per hpml process on tgsa
#   STAR_BENCH_SYNTH_TIMEOUT=1800  on synth (3x the 10-minute bar)
#   STAR_BENCH_AS_GB=12          address-space limit of each hpml process
#   STAR_BENCH_DATA=../shared/data  STAR_BENCH_HPML=bin/hpml
#   STAR_BENCH_GOMP_SPINCOUNT    if set, exported as GOMP_SPINCOUNT to every tool
#   BENCH_PYTHON=/usr/bin/python3  BENCH_LOCK=/tmp/hpml-bench.lock
# Development (a minute or two):
#   STAR_BENCH_TREES=10 STAR_BENCH_SYNTH_CELLS=100 STAR_BENCH_SYNTH_DRUGS=2000 \
#   STAR_BENCH_SYNTH_TREES=10 bench/run.sh starschema
set -euo pipefail
cd "$(dirname "$0")/.."   # repo root: every path below is relative to it

read -r -a DATASETS <<<"${STAR_BENCH_DATASETS:-tgsa synth}"
read -r -a TOOLS <<<"${STAR_BENCH_TOOLS:-join mat xgboost}"
TREES_TGSA=${STAR_BENCH_TREES:-200}
TREES_SYNTH=${STAR_BENCH_SYNTH_TREES:-100}
NT=${STAR_BENCH_THREADS:-2}
S_CELLS=${STAR_BENCH_SYNTH_CELLS:-1000}
S_DRUGS=${STAR_BENCH_SYNTH_DRUGS:-20000}
S_GENES=${STAR_BENCH_SYNTH_GENES:-1000}
S_DESC=${STAR_BENCH_SYNTH_DESCRIPTORS:-1000}
S_MISS=${STAR_BENCH_SYNTH_MISSING:-0.15}
S_SEED=${STAR_BENCH_SYNTH_SEED:-1}
S_TEST=${STAR_BENCH_SYNTH_TEST_FRAC:-0.1}
MAT_MAX_GB=${STAR_BENCH_MAT_MAX_GB:-4}
TIMEOUT_TGSA=${STAR_BENCH_TIMEOUT:-3600}
TIMEOUT_SYNTH=${STAR_BENCH_SYNTH_TIMEOUT:-1800}
AS_GB=${STAR_BENCH_AS_GB:-12}
DATA=${STAR_BENCH_DATA:-../shared/data}
HPML=${STAR_BENCH_HPML:-bin/hpml}
PY=${BENCH_PYTHON:-/usr/bin/python3}
LOCK=${BENCH_LOCK:-/tmp/hpml-bench.lock}
if [ -n "${STAR_BENCH_GOMP_SPINCOUNT:-}" ]; then export GOMP_SPINCOUNT=$STAR_BENCH_GOMP_SPINCOUNT; fi
# fixed by the protocol
LR=0.1
MAX_BIN=255
MAX_DEPTH=8
SPLIT_SEED=42
TGSA_TEST=0.2

OUT=bench/out
CACHE=$OUT/starschema          # splits, materialised joins, the synthetic set
WORK=$OUT/starschema_work      # models, per-process stderr
RAW=$OUT/starschema_results.jsonl
REPORT=$OUT/starschema_report.md
SUMMARY=$OUT/starschema.json

die() { echo "starschema: $*" >&2; exit 1; }
has() { local x=$1; shift; local e; for e in "$@"; do [ "$e" = "$x" ] && return 0; done; return 1; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
sizes() { local f s=""; for f in "$@"; do s+="$(stat -c %s "$f" 2>/dev/null || echo none),"; done; echo "${s%,}"; }

[ -x "$PY" ] || die "no $PY (set BENCH_PYTHON to a python3 that has numpy, pandas, xgboost)"
"$PY" -c 'import numpy, pandas' 2>/dev/null || die "$PY cannot import numpy/pandas"
if has xgboost "${TOOLS[@]}"; then
    "$PY" -c 'import xgboost' 2>/dev/null || die "$PY cannot import xgboost (Debian: apt-get install python3-xgboost)"
fi
[ -x "$HPML" ] || die "$HPML not built (run make)"
for t in flock timeout prlimit; do command -v "$t" >/dev/null || die "needs $t (util-linux / coreutils)"; done
# captured first: `... | grep -q` under pipefail fails when grep exits early
help=$("$HPML" train --help 2>&1 || true)
grep -q -- '--join' <<<"$help" || die "$HPML train has no --join (star schemas landed in cbdc98b)"
mkdir -p "$OUT" "$CACHE" "$WORK"

# cache_ok META WANT FILE...: META's first line is WANT and its second the
# FILEs' current sizes (an interrupted run never leaves a file that looks
# reusable: the meta is written last).
cache_ok() {
    local meta=$1 want=$2; shift 2
    [ -f "$meta" ] && [ "$(sed -n 1p "$meta")" = "$want" ] &&
        [ "$(sed -n 2p "$meta")" = "size=$(sizes "$@")" ]
}
cache_done() {
    local meta=$1 want=$2; shift 2
    printf '%s\nsize=%s\n' "$want" "$(sizes "$@")" >"$meta"
}

FAILED=0
# note LABEL KEY VALUE...: a JSON line of strings for the report
note() {
    "$PY" -c 'import json,sys; a=sys.argv[1:]; print(json.dumps({"label": a[0], **dict(zip(a[1::2], a[2::2]))}))' "$@" >>"$RAW"
}

# measure LABEL TIMEOUT CMD...: one timed run under the lock, appended to $RAW.
# TIMEOUT 0: none (the anchor). Returns the command's status; stderr is kept
# in $WORK/LABEL.err and shown.
measure() {
    local label=$1 limit=$2; shift 2
    local err=$WORK/${label//\//_}.err
    local wrap=()
    [ "$limit" != 0 ] && wrap=(timeout --kill-after=30 "$limit")
    local st=0
    flock "$LOCK" "$PY" bench/measure.py "$label" -- "${wrap[@]}" "$@" >>"$RAW" 2>"$err" || st=$?
    if [ -s "$err" ]; then sed 's/^/    | /' "$err" | tail -n 20 >&2; fi
    if [ "$st" != 0 ]; then
        local why
        why=$(tail -n 3 "$err" | tr '\n' ' ' | cut -c1-300)
        [ "$(tail -n 1 "$RAW" | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("status"))')" = 124 ] &&
            why="timed out after $limit s"
        note "$label/why" why "$why"
        echo "starschema: $label did not complete: $why" >&2
    fi
    return "$st"
}

hpml_params() {   # hpml_params TREES
    echo --model gbdt --n_trees "$1" --learning_rate "$LR" --max_bin "$MAX_BIN" \
        --grow_policy depthwise --max_depth "$MAX_DEPTH" --threads "$NT" --seed 0
}

# present DS: whether DS's source data is there (the synthetic set is made)
present() {
    case $1 in
    tgsa) [ -f "$DATA/drug_response_tgsa/response.csv" ] ;;
    synth) true ;;
    *) die "unknown dataset '$1' (tgsa, synth)" ;;
    esac
}

# prepare DS: sets FACT_TRAIN FACT_TEST JOIN_ARGS (--join ... pairs) JOINS
# (KEY=FILE list) TREES TIMEOUT MAT_TRAIN MAT_TEST MAT_WHY (non-empty: the
# materialised runs are skipped, and why). Call it outside an `if`, so that
# set -e stops the benchmark on any error.
prepare() {
    local ds=$1 src fact meta want frac
    MAT_WHY="" MAT_TRAIN="" MAT_TEST=""
    case $ds in
    tgsa)
        src=$DATA/drug_response_tgsa
        fact=$src/response.csv
        JOINS=("cell_id=$src/cell_expression.csv" "cell_id=$src/cell_copynumber.csv"
               "cell_id=$src/cell_mutation.csv" "drug_id=$src/drug_descriptors_rdkit.csv"
               "drug_id=$src/drug_morgan_r2_1024.csv")
        FACT_TRAIN=$CACHE/tgsa_train.csv FACT_TEST=$CACHE/tgsa_test.csv
        TREES=$TREES_TGSA TIMEOUT=$TIMEOUT_TGSA frac=$TGSA_TEST
        ;;
    synth)
        local tag="c${S_CELLS}_d${S_DRUGS}_g${S_GENES}_k${S_DESC}_m${S_MISS}_s${S_SEED}"
        src=$CACHE/synth_$tag
        fact=$src/responses.csv
        want="synth $tag code=$(hash_of src/io/synth.c src/io/synth_model.c src/io/synth_model.h)"
        local files=("$fact" "$src/cell_expression.csv" "$src/drug_descriptors.csv")
        if cache_ok "$src.meta" "$want" "${files[@]}"; then
            echo "starschema: reusing $src"
        else
            echo "starschema: generating $src ($(date +%H:%M:%S))"
            rm -f "$src.meta"
            flock "$LOCK" "$HPML" synth drug-response --cells "$S_CELLS" --drugs "$S_DRUGS" \
                --genes "$S_GENES" --descriptors "$S_DESC" --missing-pairs "$S_MISS" \
                --seed "$S_SEED" --threads "$NT" --out "$src" >/dev/null
            cache_done "$src.meta" "$want" "${files[@]}"
        fi
        JOINS=("cell_id=$src/cell_expression.csv" "drug_id=$src/drug_descriptors.csv")
        FACT_TRAIN=$src/train.csv FACT_TEST=$src/test.csv
        TREES=$TREES_SYNTH TIMEOUT=$TIMEOUT_SYNTH frac=$S_TEST
        ;;
    *) die "unknown dataset '$ds' (tgsa, synth)" ;;
    esac
    JOIN_ARGS=()
    local j
    for j in "${JOINS[@]}"; do JOIN_ARGS+=(--join "$j"); done

    # the split of the fact rows
    want="split seed=$SPLIT_SEED test=$frac code=$(hash_of bench/starschema_data.py) fact=$(sizes "$fact")"
    if cache_ok "$FACT_TEST.meta" "$want" "$FACT_TRAIN" "$FACT_TEST"; then
        echo "starschema: reusing $FACT_TRAIN, $FACT_TEST"
    else
        rm -f "$FACT_TEST.meta"
        echo "starschema: splitting $fact"
        "$PY" bench/starschema_data.py split "$fact" "$FACT_TRAIN" "$FACT_TEST" \
            --seed "$SPLIT_SEED" --test-frac "$frac"
        cache_done "$FACT_TEST.meta" "$want" "$FACT_TRAIN" "$FACT_TEST"
    fi

    # the materialised join, where it fits
    has mat "${TOOLS[@]}" || has xgboost "${TOOLS[@]}" || return 0
    local size all f32
    size=$("$PY" bench/starschema_data.py size "$FACT_TRAIN" --target ln_ic50 "${JOIN_ARGS[@]}")
    all=$("$PY" bench/starschema_data.py size "$fact" --target ln_ic50 "${JOIN_ARGS[@]}")
    note "$ds/size" json "$size" all "$all"
    f32=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["f32_bytes"])' "$size")
    if [ "$f32" -gt "$("$PY" -c "print(int($MAT_MAX_GB * 1e9))")" ]; then
        MAT_WHY=$("$PY" - "$size" "$all" "$MAT_MAX_GB" <<'EOF'
import json, sys
t, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"the materialised join would be {a['f32_bytes'] / 1e9:,.0f} GB as float32 "
      f"({a['rows']:,} responses x {a['features']:,} features; its training rows "
      f"{t['f32_bytes'] / 1e9:,.0f} GB > STAR_BENCH_MAT_MAX_GB={sys.argv[3]})")
EOF
)
        return 0
    fi
    has mat "${TOOLS[@]}" || return 0
    MAT_TRAIN=$CACHE/${ds}_train_joined.csv MAT_TEST=$CACHE/${ds}_test_joined.csv
    local dims=()
    for j in "${JOINS[@]}"; do dims+=("${j#*=}"); done
    want="joined code=$(hash_of bench/starschema_data.py) facts=$(hash_of "$FACT_TRAIN" "$FACT_TEST") dims=$(hash_of "${dims[@]}")"
    if cache_ok "$MAT_TEST.meta" "$want" "$MAT_TRAIN" "$MAT_TEST"; then
        echo "starschema: reusing $MAT_TRAIN, $MAT_TEST"
    else
        rm -f "$MAT_TEST.meta"
        echo "starschema: materialising the join into $MAT_TRAIN, $MAT_TEST"
        "$PY" bench/starschema_data.py materialise "$FACT_TRAIN" "$MAT_TRAIN" --target ln_ic50 "${JOIN_ARGS[@]}"
        "$PY" bench/starschema_data.py materialise "$FACT_TEST" "$MAT_TEST" --target ln_ic50 "${JOIN_ARGS[@]}"
        cache_done "$MAT_TEST.meta" "$want" "$MAT_TRAIN" "$MAT_TEST"
    fi
}

# run_hpml DS TOOL: train (measured), then eval on the test rows (measured).
run_hpml() {
    local ds=$1 tool=$2 model=$WORK/$1_$2.hpml
    local train=("$FACT_TRAIN" "${JOIN_ARGS[@]}") test=("$FACT_TEST" "${JOIN_ARGS[@]}")
    if [ "$tool" = mat ]; then train=("$MAT_TRAIN") test=("$MAT_TEST"); fi
    rm -f "$model"
    # shellcheck disable=SC2046
    OMP_NUM_THREADS=$NT measure "$ds/$tool/train" "$TIMEOUT" \
        prlimit --as=$((AS_GB * 1024 * 1024 * 1024)) -- \
        "$HPML" train "${train[@]}" --target ln_ic50 $(hpml_params "$TREES") -o "$model" --json || {
        # on synth, not fitting (time or memory) is the bar's MISS, not a
        # failure to run
        [ "$ds" = synth ] || FAILED=1
        return 0
    }
    OMP_NUM_THREADS=$NT measure "$ds/$tool/eval" "$TIMEOUT" \
        "$HPML" eval "$model" "${test[@]}" --threads "$NT" --json || FAILED=1
    note "$ds/$tool/model" bytes "$(stat -c %s "$model")"
}

run_xgboost() {
    local ds=$1
    OMP_NUM_THREADS=$NT measure "$ds/xgboost/run" 0 \
        "$PY" bench/starschema_xgb.py --train "$FACT_TRAIN" --test "$FACT_TEST" --target ln_ic50 \
        "${JOIN_ARGS[@]}" --threads "$NT" --trees "$TREES" --lr "$LR" --max-bin "$MAX_BIN" \
        --max-depth "$MAX_DEPTH" || FAILED=1
}

# --- run
if [ -f "$RAW" ]; then mv "$RAW" "$RAW.prev"; fi
: >"$RAW"
export BENCH_LOAD_BEFORE
BENCH_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
"$PY" -c 'import json,sys; k=sys.argv[1::2]; v=sys.argv[2::2]; print(json.dumps({"label": "meta", **dict(zip(k, v))}))' \
    datasets "${DATASETS[*]}" tools "${TOOLS[*]}" trees_tgsa "$TREES_TGSA" trees_synth "$TREES_SYNTH" \
    threads "$NT" lr "$LR" max_bin "$MAX_BIN" max_depth "$MAX_DEPTH" split_seed "$SPLIT_SEED" \
    tgsa_test "$TGSA_TEST" synth "cells=$S_CELLS drugs=$S_DRUGS genes=$S_GENES descriptors=$S_DESC missing=$S_MISS seed=$S_SEED" \
    synth_test "$S_TEST" timeout_tgsa "$TIMEOUT_TGSA" timeout_synth "$TIMEOUT_SYNTH" as_gb "$AS_GB" \
    mat_max_gb "$MAT_MAX_GB" gomp_spincount "${GOMP_SPINCOUNT:-}" \
    hpml_commit "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" >>"$RAW"
# Linux charges the spawning helper's RSS to each child at exec (measure.py)
measure floor 0 /bin/true

for ds in "${DATASETS[@]}"; do
    if ! present "$ds"; then
        echo "starschema: $ds: data not found under $DATA; skipping"
        note "$ds/skip" why "data not found under $DATA"
        continue
    fi
    prepare "$ds"
    # warm the page cache: reading the files is part of the train process,
    # but the disk is not what is measured
    cat "$FACT_TRAIN" "$FACT_TEST" "${JOINS[@]#*=}" >/dev/null
    for tool in "${TOOLS[@]}"; do
        echo "starschema: $ds $tool ($TREES trees, $NT threads, $(date +%H:%M:%S))"
        case $tool in
        join) run_hpml "$ds" join ;;
        mat | xgboost)
            if [ -n "$MAT_WHY" ]; then
                echo "starschema: $ds $tool skipped: $MAT_WHY"
                note "$ds/$tool/skip" why "$MAT_WHY"
            elif [ "$tool" = mat ]; then
                cat "$MAT_TRAIN" "$MAT_TEST" >/dev/null
                run_hpml "$ds" mat
            else
                run_xgboost "$ds"
            fi
            ;;
        *) die "unknown tool '$tool' (join, mat, xgboost)" ;;
        esac
    done
done

export BENCH_LOAD_AFTER
BENCH_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
"$PY" bench/starschema_report.py "$RAW" "$SUMMARY" | tee "$REPORT"
echo "starschema: table written to $REPORT, summary to $SUMMARY, raw runs to $RAW"
[ "$FAILED" = 0 ] || die "some commands failed to run (see above and the status fields in $RAW)"
