# test_info.sh — `hpml info` end to end: output on good files, and every
# malformed-input case: exit code 2 and "file:line:column:" on one stderr line.
source "$(dirname "$0")/lib.sh"

expect_out info_rows "^rows: +5$" info $FIX/small.csv
expect_out info_types "columns: +4 \\(3 numeric, 1 categorical\\)" info $FIX/small.csv
expect_out info_missing_min_mean_max '^dose +numeric +1 +0.5 +1.875 +4 *$' info $FIX/small.csv
expect_out info_categories '^cell +categorical +0 +3$' info $FIX/small.csv
expect_out info_gzip "rows:       5" info $FIX/small.csv.gz
expect_out info_tsv "delimiter:  tab" info $FIX/tabs.tsv
expect_out info_decimal_comma '^x +numeric +0 +1.5 +2 +2.5 *$' info $FIX/semicolon_decimal_comma.csv --decimal ,
expect_out info_target_regression "task:       regression" info $FIX/small.csv --target response --drop-missing-target
expect_out info_target_dropped "rows used: +4 \\(1 dropped: target missing\\)" info $FIX/small.csv --target response --drop-missing-target
expect_out info_target_classes '^T +1 +33.33%$' info $FIX/tabs.tsv --target class
expect_out info_binary_numeric "task:       binary" info $FIX/missing_target.csv --target y --drop-missing-target
expect_out info_json '"rows": 5, "columns": 4' info $FIX/small.csv --json
expect_out info_help "Usage: hpml info" info --help
expect_out version "hpml 0." --version

expect_error err_missing_file 2 "nope.csv: cannot open: No such file or directory" info $FIX/nope.csv
expect_error err_empty 2 "empty.csv:1:1: the file is empty" info $FIX/empty.csv
expect_error err_header_only 2 "header_only.csv:2:1: no data rows after the header" info $FIX/header_only.csv
expect_error err_field_count 2 "bad_fields.csv:3:11: this row has 3 fields, but the header has 4" info $FIX/bad_fields.csv
expect_error err_unterminated 2 "unterminated.csv:3:3: unterminated quote" info $FIX/unterminated.csv
expect_error err_dup_header 2 "dup_header.csv:1:5: duplicate column name 'a' (columns 1 and 3)" info $FIX/dup_header.csv
expect_error err_empty_name 2 "empty_name.csv:1:3: column 2 of the header has an empty name" info $FIX/empty_name.csv
expect_error err_stray_quote 2 "stray_quote.csv:3:4: quote character inside an unquoted field" info $FIX/stray_quote.csv
expect_error err_unknown_target 2 "small.csv:1:1: no column named 'respons' (target) in the header; did you mean 'response'?" info $FIX/small.csv --target respons
expect_error err_unknown_ignore 2 "did you mean 'dose'?" info $FIX/small.csv --target response --drop-missing-target --ignore dos
expect_error err_missing_target 2 "missing_target.csv:4: target 'y' is missing in 2 rows" info $FIX/missing_target.csv --target y
expect_error err_bad_option 1 "unknown option --bogus" info $FIX/small.csv --bogus 1
expect_error err_bad_threads 1 "option --threads" info $FIX/small.csv --threads -2
expect_error err_bad_task 1 "option --task" info $FIX/small.csv --target response --task clustering
expect_error err_regression_on_categorical 2 "cannot be a regression target" info $FIX/small.csv --target cell --task regression
expect_error err_no_file 1 "expected one data file" info
expect_error err_unknown_command 1 "unknown command 'train2'" train2

# A column numeric for its first 1500 rows and text after: read as categorical,
# every value kept, and --verbose says where the text starts.
{ echo "a,b"; for i in $(seq 1 1500); do echo "$i,$((i % 7))"; done; echo "x,7"; } >"$TMP/bump.csv"
run info "$TMP/bump.csv" --verbose
if [ "$rc" -eq 0 ] && grep -qE '^a +categorical +0 +1501$' "$TMP/out" &&
    grep -qE '^b +numeric ' "$TMP/out" &&
    grep -qF "bump.csv:1502:1: column 'a' looked numeric but holds text ('x')" "$TMP/err"; then
    pass info_type_bump_verbose
else
    fail info_type_bump_verbose "bumped column not reported as expected"
fi
