#!/usr/bin/env bash
# Runs the benchmarks (`make bench`): every bench/<name>.sh, or only the names
# given (`bench/run.sh csv_load`). Benchmarks print measurements and ratios
# against their anchors; they never pass or fail on the numbers. This script
# exits nonzero only if a benchmark failed to run (crashed, missing tool).
set -euo pipefail
cd "$(dirname "$0")/.."   # benchmarks expect the repo root as working directory

# Each benchmark builds its own standalone data generator (bench/lib.sh).
mkdir -p build/bench bench/out

if [ "$#" -gt 0 ]; then
    names=("$@")
else
    names=()
    for f in bench/*.sh; do
        n=$(basename "$f" .sh)
        [ "$n" = run ] || names+=("$n")
    done
fi

failed=()
for n in "${names[@]}"; do
    [ -f "bench/$n.sh" ] || { echo "bench: no benchmark bench/$n.sh" >&2; failed+=("$n"); continue; }
    echo "=== bench: $n"
    # keep going after a failure so one broken benchmark does not hide the rest
    if ! bash "bench/$n.sh"; then
        echo "=== bench: $n FAILED TO RUN" >&2
        failed+=("$n")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "bench: failed to run: ${failed[*]}" >&2
    exit 1
fi
echo "bench: done (${#names[@]} benchmark(s); results in bench/out/)"
