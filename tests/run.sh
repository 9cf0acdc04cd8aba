#!/usr/bin/env bash
# Runs every test: unit tests and end-to-end CLI tests, on the plain build and on
# the ASan+UBSan build. Each test prints "PASS name" or "FAIL name"; this script
# counts them and ends with the line "N passed, N failed". Exit status 0 only if
# nothing failed (a test binary that crashes counts as a failure too).
set -u
cd "$(dirname "$0")/.."
export HPML_ROOT=$PWD
pass=0
fail=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# run LABEL CMD... : runs one test program, tallies its PASS/FAIL lines.
run() {
    local label=$1; shift
    local out="$log/out"
    "$@" >"$out" 2>"$log/err"
    local rc=$?
    local p f
    p=$(grep -c '^PASS ' "$out")
    f=$(grep -c '^FAIL ' "$out")
    grep '^FAIL ' "$out" | sed "s|^|[$label] |"
    if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
        sed "s|^|[$label] |" "$log/err" | tail -n 40
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
            echo "[$label] FAIL: exited with status $rc"
            f=1
        fi
    fi
    echo "[$label] $p passed, $f failed"
    pass=$((pass + p))
    fail=$((fail + f))
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# One binary per tests/unit/test_*.c (stale binaries of removed tests are not run).
for build in build build/san; do
    for src in tests/unit/test_*.c; do
        t=$build/tests/$(basename "$src" .c)
        if [ -x "$t" ]; then
            run "$build ${t##*/}" "$t"
        else
            echo "[$build ${t##*/}] FAIL: not built"
            fail=$((fail + 1))
        fi
    done
done
for s in tests/e2e/test_*.sh; do
    run "bin/hpml ${s##*/}" env HPML=bin/hpml bash "$s"
    run "build/san/hpml ${s##*/}" env HPML=build/san/hpml bash "$s"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
