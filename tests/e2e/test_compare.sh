# test_compare.sh — `hpml compare` end to end on small fixtures: the same
# test rows for every model, folds disjoint and covering, groups kept apart,
# compare.json's metrics equal to those recomputed from the written
# predictions (tests/ref/check_compare.py, scikit-learn), a diverging model
# reported as failed while the others finish, usage errors.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
CHECK=tests/ref/check_compare.py
# 1200 rows of the GBDT fixture with a group column (40 groups)
awk -F, 'NR == 1 { print "grp," $0; next } NR <= 1201 { print "g" (NR % 40) "," $0 }' \
    $FIX/gbdt_train.csv >$TMP/d.csv

# checked DIR ARGS... : runs compare into $TMP/DIR, then the checker
checked() {
    local dir=$1
    shift
    run compare $TMP/d.csv --out $TMP/$dir --threads 2 --bootstrap 200 "$@"
    if [ "$rc" -ne 0 ]; then
        fail "compare_$dir" "exit $rc"
        return
    fi
    pass "compare_$dir"
}

# ---- regression, one random split, three families
checked single --target y --ignore label,grp --mlp.epochs 15 --cnn.epochs 3 --cnn.conv 4:3:1 \
    --gbdt.n_trees 30
$PY $CHECK $TMP/d.csv $TMP/single
if grep -qE '^gbdt +[0-9.]+ ±[0-9.]+' $TMP/out && grep -q '^report: ' $TMP/out; then
    pass compare_table; else fail compare_table "no table row for gbdt"; fi
[ -s $TMP/single/gbdt.hpml ] && [ -s $TMP/single/report.html ] && pass compare_files ||
    fail compare_files "model or report missing"
# a written model predicts the same numbers as the comparison's predictions
run predict $TMP/single/gbdt.hpml $TMP/d.csv -o $TMP/p.csv
if [ "$rc" -eq 0 ] && $PY - "$TMP/single/predictions_gbdt.csv" "$TMP/p.csv" <<'PYEOF'
import csv, sys
cmp_rows = list(csv.DictReader(open(sys.argv[1])))
all_rows = list(csv.DictReader(open(sys.argv[2])))
sys.exit(any(abs(float(r["predicted"]) - float(all_rows[int(r["line"]) - 2]["prediction"])) > 1e-6
             for r in cmp_rows))
PYEOF
then pass compare_model_file_predicts; else fail compare_model_file_predicts "exit $rc or predictions differ"; fi

# ---- grouped 4-fold cross-validation; --json prints what compare.json holds
checked cv_group --target y --ignore label --models gbdt,mlp --group-col grp --cv 4 \
    --mlp.epochs 10 --gbdt.n_trees 20 --json
$PY $CHECK $TMP/d.csv $TMP/cv_group --group-col grp
if $PY -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(a != b or a["split"]["folds"] != 4 or "grp" in [m for m in a["models"][0]["params"]])' \
    $TMP/out $TMP/cv_group/compare.json; then pass compare_json_stdout; else
    fail compare_json_stdout "stdout JSON differs from compare.json"; fi
if $PY -c 'import json,sys; a=json.load(open(sys.argv[1])); sys.exit(a["data"]["features"] != 6)' \
    $TMP/cv_group/compare.json; then pass compare_group_col_not_a_feature; else
    fail compare_group_col_not_a_feature "the group column was used as a feature"; fi

# ---- grouped single split, classification; a diverging net fails, trees finish
checked cls_fail --target label --ignore y --models gbdt,mlp --group-col grp --mlp.optimizer sgd --mlp.lr 1000 \
    --mlp.epochs 5 --gbdt.n_trees 20
$PY $CHECK $TMP/d.csv $TMP/cls_fail --group-col grp --failed mlp
if grep -qE '^mlp +failed: .*diverged' $TMP/out; then pass compare_failed_in_table; else
    fail compare_failed_in_table "no 'mlp failed: ... diverged' row"; fi

# ---- every model failed: exit 2
run compare $TMP/d.csv --target y --ignore label,grp --models mlp --mlp.optimizer sgd --mlp.lr 1000 --mlp.epochs 3 \
    --out $TMP/allfail
[ "$rc" -eq 2 ] && pass compare_all_failed_exit || fail compare_all_failed_exit "exit $rc"

# ---- usage errors
expect_error compare_no_out 1 "expected DATA.csv, --target COL and --out DIR" \
    compare $TMP/d.csv --target y
expect_error compare_bad_model 1 "unknown model 'xgb'" \
    compare $TMP/d.csv --target y --models gbdt,xgb --out $TMP/x
expect_error compare_param_not_in_models 1 "--cnn.epochs is given but cnn is not in --models" \
    compare $TMP/d.csv --target y --models gbdt --cnn.epochs 3 --out $TMP/x
expect_error compare_bad_param 1 "--gbdt.max_depht" \
    compare $TMP/d.csv --target y --models gbdt --gbdt.max_depht 3 --out $TMP/x
expect_error compare_two_targets 1 "compare takes one target" \
    compare $TMP/d.csv --target y --target x0 --ignore grp,label --out $TMP/x
expect_error compare_cv_one 1 "--cv needs at least 2 folds" \
    compare $TMP/d.csv --target y --cv 1 --out $TMP/x
expect_error compare_cv_and_test_size 1 "leave out --test-size" \
    compare $TMP/d.csv --target y --cv 3 --test-size 0.3 --out $TMP/x

# ---- the report of a real run renders: every figure of every model in the DOM
# with data, and (plain build) a screenshot that is not blank
ids=""
for m in gbdt mlp cnn; do ids="$ids pred-$m resid-$m curve-$m imp-$m"; done
shot=()
case "$HPML" in *san*) ;; *) shot=(--screenshot "$TMP/single.png") ;; esac
/usr/bin/python3 tests/e2e/check_report.py $TMP/single/report.html $ids time memory "${shot[@]}" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 77 ]; then echo "SKIP compare_report_renders: $(head -1 "$TMP/out")"
elif [ "$rc" -eq 0 ]; then pass compare_report_renders
else fail compare_report_renders "$(head -5 "$TMP/out")"; fi
grep -q '<table' $TMP/single/report.html && grep -q 'failed: training diverged' \
    $TMP/cls_fail/report.html && pass compare_report_failed_model ||
    fail compare_report_failed_model "no table, or the failed model is not in the report"
