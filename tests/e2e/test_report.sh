# test_report.sh — the compare report renders in a browser. The unit-test
# binary writes its fixture reports (test_report --write DIR: a regression with
# a failed model, one with 20000 test rows (hexbin), a binary task over 5
# folds, a multiclass one); tests/e2e/check_report.py loads each in headless
# Chromium: every figure is an <svg> with data in the DOM, and a screenshot is
# produced and not blank. Without chromium the checks print SKIP and count
# neither way. The reports and screenshots stay in build/e2e/report/ to look at.
source "$(dirname "$0")/lib.sh"

# The sanitizer build writes the same bytes: its reports get the DOM check only.
case "$HPML" in
    *san*) bin=build/san/tests/test_report; out=build/e2e/report/san; shots=0 ;;
    *) bin=build/tests/test_report; out=build/e2e/report/plain; shots=1 ;;
esac
rm -rf "$out"
mkdir -p "$out"
if ! "$bin" --write "$out" >"$TMP/list" 2>"$TMP/err"; then
    fail report_fixtures "$bin --write failed"
    exit 0
fi
pass report_fixtures

while read -r html ids; do
    name=$(basename "$html" .html)
    shot=()
    [ "$shots" = 1 ] && shot=(--screenshot "$out/$name.png")
    /usr/bin/python3 tests/e2e/check_report.py "$html" $ids "${shot[@]}" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 77 ]; then
        echo "SKIP report_renders_$name: $(head -1 "$TMP/out")"
    elif [ "$rc" -eq 0 ]; then
        pass "report_renders_$name"
    else
        fail "report_renders_$name" "$(head -5 "$TMP/out")"
    fi
done <"$TMP/list"

# ---- the checker itself fails on a page without figures (a blank screenshot)
[ "$shots" = 1 ] || exit 0
echo '<!DOCTYPE html><html><body><svg class="fig" id="pred-x" data-points="0"></svg>' \
    '</body></html>' >"$TMP/blank.html"
/usr/bin/python3 tests/e2e/check_report.py "$TMP/blank.html" pred-x imp-x \
    --screenshot "$TMP/blank.png" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 77 ]; then
    echo "SKIP report_checker_fails: $(head -1 "$TMP/out")"
elif [ "$rc" -eq 1 ] && grep -q 'data-points' "$TMP/out" &&
    grep -q "no element with id 'imp-x'" "$TMP/out" && grep -q 'blank' "$TMP/out"; then
    pass report_checker_fails
else
    fail report_checker_fails "exit $rc: $(head -5 "$TMP/out")"
fi
