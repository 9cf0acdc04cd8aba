# lib.sh — helpers for end-to-end CLI tests. Source it; $HPML is the binary.
# Each check prints "PASS name" or "FAIL name" (tests/run.sh counts them).
HPML=${HPML:-bin/hpml}
FIX=tests/fixtures
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# run ARGS...: runs hpml, leaving $TMP/out, $TMP/err and $rc.
run() {
    "$HPML" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

pass() { echo "PASS $1"; }
fail() {
    echo "FAIL $1"
    echo "  $2" >&2
    echo "  stdout: $(head -c 400 "$TMP/out")" >&2
    echo "  stderr: $(head -c 400 "$TMP/err")" >&2
}

# expect NAME CODE 'stderr substring' ARGS...: exit code, one-line stderr, substring.
expect_error() {
    local name=$1 code=$2 needle=$3
    shift 3
    run "$@"
    if [ "$rc" -ne "$code" ]; then
        fail "$name" "exit $rc, expected $code"
    elif ! grep -qF -- "$needle" "$TMP/err"; then
        fail "$name" "stderr lacks: $needle"
    elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
        fail "$name" "stderr is not one line"
    else
        pass "$name"
    fi
}

# expect_out NAME 'stdout regex' ARGS...: exit 0 and an extended regex matching stdout.
expect_out() {
    local name=$1 needle=$2
    shift 2
    run "$@"
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit $rc"
    elif ! grep -qE -- "$needle" "$TMP/out"; then
        fail "$name" "stdout lacks: $needle"
    else
        pass "$name"
    fi
}

# same_sections NAME STAR.hpml MAT.hpml: every section of the materialised
# model is in the star one with the same bytes, in the same order; the star
# one has one more, "JOINS", last (tests/e2e/same_sections.py).
same_sections() {
    local out
    out=$(/usr/bin/python3 tests/e2e/same_sections.py "$2" "$3" 2>&1)
    if [ $? -eq 0 ] && [ -z "$out" ] && [ -s "$2" ] && [ -s "$3" ]; then pass "$1"; else
        fail "$1" "$out"; fi
}
