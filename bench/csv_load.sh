#!/usr/bin/env bash
# CSV-load benchmark: hpml's CSV reader against the anchor, pandas.read_csv
# (Debian python3-pandas), measured in the same run on the same machine.
#
#   1. A seeded synthetic file, ROWS x COLS numeric features + target
#      (default 1,000,000 x 50, ~465 MB), made by build/bench/gen_csv.
#   2. The real wide file ../shared/data/all_leukemia/all_expression.csv
#      (128 rows x 12,626 columns), if present.
#
# For each file: pandas, `hpml info --threads 1`, `hpml info --threads 2`, each
# RUNS times (interleaved, so drift in machine load hits every tool alike);
# median wall time and max peak RSS per tool. Prints a table and a BARS line,
# writes the same to bench/out/csv_load.txt and the raw runs to
# bench/out/csv_load.jsonl. Informational only: exits 0 unless a command
# failed to run.
#
# Knobs (environment): BENCH_ROWS, BENCH_COLS, BENCH_SEED, BENCH_RUNS,
# BENCH_PYTHON (interpreter that has pandas; default /usr/bin/python3, because
# Debian's pandas is not visible to a pyenv/venv python3 earlier on PATH),
# BENCH_LEUKEMIA (path of the wide file).
#
# Normally run through `make bench` or `bench/run.sh [csv_load]`.
set -euo pipefail
cd "$(dirname "$0")/.."   # repo root: every path below is relative to it

ROWS=${BENCH_ROWS:-1000000}
COLS=${BENCH_COLS:-50}
SEED=${BENCH_SEED:-42}
RUNS=${BENCH_RUNS:-3}
PY=${BENCH_PYTHON:-/usr/bin/python3}
LEUK=${BENCH_LEUKEMIA:-../shared/data/all_leukemia/all_expression.csv}
HPML=bin/hpml
GEN=build/bench/gen_csv
OUT=bench/out
SYNTH=$OUT/synth_${ROWS}x${COLS}_s${SEED}.csv
RAW=$OUT/csv_load.jsonl
REPORT=$OUT/csv_load.txt

die() { echo "csv_load: $*" >&2; exit 1; }

[ -x "$HPML" ] || die "$HPML not built (run make)"
[ -x "$GEN" ] || die "$GEN not built (run bench/run.sh, which compiles it)"
[ -x "$PY" ] || die "no $PY (set BENCH_PYTHON to a python3 that has pandas)"
# The anchor is the point of the benchmark: without pandas there is nothing to
# compare against, so this is a failure to run, not a skipped measurement.
"$PY" -c 'import pandas' 2>/dev/null ||
    die "$PY cannot import pandas (Debian: apt-get install python3-pandas)"
mkdir -p "$OUT"

# --- synthetic file: generate once, reuse while nothing that shapes it changed.
# The sidecar records the parameters, the generator source's hash and the file
# size after generation; a file whose size differs (truncated, edited) or a
# changed gen_csv.c is regenerated.
source bench/lib.sh
build_gen csv
# ~9.1 bytes per field; ask for 20% headroom before writing anything.
cached_gen csv_load "$SYNTH" "rows=$ROWS cols=$COLS seed=$SEED gen=$(gen_hash csv)" \
    $((ROWS * (COLS + 1) * 11)) "$GEN" "$ROWS" "$COLS" "$SEED"

# --- commands. pandas prints its read_csv-only time from inside the process
# (the whole-process time also pays interpreter start-up and `import pandas`).
# Warnings are silenced only to keep the output readable (the leukemia file's
# text id column triggers a DtypeWarning); they do not change what is timed.
PANDAS_CODE='import json, sys, time, warnings
warnings.simplefilter("ignore")
import pandas
t = time.perf_counter()
df = pandas.read_csv(sys.argv[1])
t = time.perf_counter() - t
print(json.dumps({"rows": len(df), "columns": df.shape[1], "read_seconds": t,
                  "pandas_version": pandas.__version__}))'

# measure LABEL CMD...: one timed run, appended to $RAW as a JSON line.
# hpml's stdout (its --json report) goes to a temp file inside measure.py, so
# neither a terminal nor a pipe slows it down and read_seconds can be parsed.
measure() {
    local label=$1; shift
    if ! "$PY" bench/measure.py "$label" -- "$@" >>"$RAW"; then
        die "$label failed: $*"
    fi
}

# bench_file NAME FILE: RUNS interleaved rounds of pandas, hpml -t1, hpml -t2.
bench_file() {
    local name=$1 file=$2 r
    # Read the file once so every tool starts from a warm page cache; the
    # benchmark measures parsing, not the disk.
    cat "$file" >/dev/null
    for ((r = 1; r <= RUNS; r++)); do
        echo "csv_load: $name round $r/$RUNS"
        measure "$name/pandas" "$PY" -c "$PANDAS_CODE" "$file"
        measure "$name/hpml-t1" "$HPML" info "$file" --threads 1 --json
        measure "$name/hpml-t2" "$HPML" info "$file" --threads 2 --json
    done
}

: >"$RAW"
# Other work on the machine skews wall times (2 threads on 2 cores most of all):
# record the load average before and after so the table can show it.
BENCH_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
export BENCH_LOAD_BEFORE
# The helper's own RSS is charged to each child by exec (see measure.py): a
# run of /bin/true shows that floor.
measure floor /bin/true
bench_file synth "$SYNTH"
if [ -f "$LEUK" ]; then
    bench_file leukemia "$LEUK"
else
    echo "csv_load: $LEUK not found; skipping the leukemia file"
fi

BENCH_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
export BENCH_LOAD_AFTER
"$PY" bench/csv_load_report.py "$RAW" "$SYNTH" "$ROWS" "$COLS" "$LEUK" | tee "$REPORT"
echo "csv_load: table written to $REPORT, raw runs to $RAW"
