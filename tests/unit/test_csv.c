/* test_csv.c — the CSV reader: dialects, types, NA, errors with locations,
 * thread-count independence, number rounding, allocation failures. */
#define _GNU_SOURCE
#include <stdint.h>
#include <zlib.h>

#include "check.h"
#include "core/alloc.h"
#include "data/numparse.h"

/* Reads csv expecting failure; returns the status and leaves the message. */
static hpml_status read_err(const char *csv, const hpml_csv_options *o)
{
    hpml_table *t = NULL;
    hpml_status s = hpml_table_read_csv_buffer(csv, strlen(csv), "bad.csv", o, &t);
    hpml_table_free(t);
    return s;
}

static const char *cat(const hpml_table *t, int c, size_t row)
{
    int32_t code = hpml_table_col_codes(t, c)[row];
    return code < 0 ? "<NA>" : hpml_table_col_category(t, c, code);
}

static void test_basic_types(void)
{
    hpml_table *t = check_table("id,x,name,flag\n1,0.5,alpha,TRUE\n2,-1e3,beta,FALSE\n3,,alpha,TRUE\n", 1);
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK(hpml_table_n_rows(t) == 3);
    CHECK(hpml_table_n_cols(t) == 4);
    CHECK(hpml_table_col_type(t, 0) == HPML_COL_NUMERIC);
    CHECK(hpml_table_col_type(t, 1) == HPML_COL_NUMERIC);
    CHECK(hpml_table_col_type(t, 2) == HPML_COL_CATEGORICAL);
    CHECK(hpml_table_col_type(t, 3) == HPML_COL_CATEGORICAL);
    const float *x = hpml_table_col_values(t, 1);
    CHECK(x[0] == 0.5f && x[1] == -1000.0f && isnan(x[2]));
    CHECK(hpml_table_col_n_missing(t, 1) == 1);
    CHECK(hpml_table_col_n_categories(t, 2) == 2);
    CHECK(strcmp(cat(t, 2, 0), "alpha") == 0 && strcmp(cat(t, 2, 1), "beta") == 0);
    CHECK(hpml_table_col_codes(t, 2)[2] == 0); /* first appearance order */
    CHECK(hpml_table_find_col(t, "name") == 2 && hpml_table_find_col(t, "nope") == -1);
    CHECK(hpml_table_delimiter(t) == ',');
    hpml_col_stats st;
    CHECK_OK(hpml_table_col_stats(t, 1, &st));
    CHECK_NEAR(st.mean, (0.5 - 1000) / 2, 1e-9);
    CHECK(st.min == -1000 && st.max == 0.5 && st.n_missing == 1);
    CHECK_FAILS(hpml_table_col_stats(t, 2, &st), HPML_ERR_ARG, "categorical");
    hpml_table_free(t);
    hpml_table_free(NULL);
}

static void test_delimiters(void)
{
    const char *texts[] = {"a\tb\tc\n1\t2\t3\n4\t5\t6\n", "a;b;c\n1,5;2;3\n4;5;6\n",
                           "a,b,c\n\"1;2\",2,3\n4,5,6\n"};
    const char want[] = {'\t', ';', ','};
    for (int i = 0; i < 3; i++) {
        hpml_table *t = check_table(texts[i], 1);
        CHECK(t && hpml_table_delimiter(t) == want[i] && hpml_table_n_cols(t) == 3 &&
              hpml_table_n_rows(t) == 2);
        hpml_table_free(t);
    }
    /* decimal comma with ';' delimiter */
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.decimal = ',';
    hpml_table *t = NULL;
    const char *eu = "a;b\n1,5;2\n-0,25;3\n";
    CHECK_OK(hpml_table_read_csv_buffer(eu, strlen(eu), "eu.csv", &o, &t));
    CHECK(t && hpml_table_col_values(t, 0)[0] == 1.5f && hpml_table_col_values(t, 0)[1] == -0.25f);
    hpml_table_free(t);
    /* a single column: no delimiter, blank line = missing value */
    t = check_table("y\n1\n\n3\n", 1);
    CHECK(t && hpml_table_n_rows(t) == 3 && isnan(hpml_table_col_values(t, 0)[1]));
    hpml_table_free(t);
}

static void test_quoting(void)
{
    const char *csv = "\xEF\xBB\xBF\"na,me\",v\r\n"
                      "\"a, b\",1\r\n"
                      "\"say \"\"hi\"\"\",2\r\n"
                      "\"two\nlines\",3\r\n"
                      "plain,\"4.5\"\r\n";
    hpml_table *t = check_table(csv, 1);
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK(strcmp(hpml_table_col_name(t, 0), "na,me") == 0);
    CHECK(hpml_table_n_rows(t) == 4);
    CHECK(strcmp(cat(t, 0, 0), "a, b") == 0);
    CHECK(strcmp(cat(t, 0, 1), "say \"hi\"") == 0);
    CHECK(strcmp(cat(t, 0, 2), "two\nlines") == 0);
    CHECK(strcmp(cat(t, 0, 3), "plain") == 0);
    CHECK(hpml_table_col_values(t, 1)[3] == 4.5f); /* quoted number is a number */
    /* lines: header 1, rows on 2, 3, 4 (spanning 4-5), 6 */
    CHECK(hpml_table_row_line(t, 0) == 2 && hpml_table_row_line(t, 2) == 4 &&
          hpml_table_row_line(t, 3) == 6);
    hpml_table_free(t);
}

static void test_blank_lines_and_lines(void)
{
    hpml_table *t = check_table("\n\na,b\n1,2\n\n3,4\n\n\n5,6", 1);
    CHECK(t && hpml_table_n_rows(t) == 3);
    if (!t)
        return;
    CHECK(hpml_table_row_line(t, 0) == 4);
    CHECK(hpml_table_row_line(t, 1) == 6);
    CHECK(hpml_table_row_line(t, 2) == 9);
    CHECK(hpml_table_col_values(t, 1)[2] == 6.0f); /* last line without newline */
    hpml_table_free(t);
}

static void test_na_tokens(void)
{
    hpml_table *t = check_table("a,b\nNA,x\nN/A,NULL\nnan,?\nNaN,null\n1,\n", 1);
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK(hpml_table_col_type(t, 0) == HPML_COL_NUMERIC);
    CHECK(hpml_table_col_n_missing(t, 0) == 4);
    CHECK(hpml_table_col_n_missing(t, 1) == 4);
    CHECK(hpml_table_col_n_categories(t, 1) == 1);
    hpml_table_free(t);

    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.na_tokens = "-999,missing"; /* empty is not NA now */
    const char *csv = "a,b\n-999,missing\n2,\n";
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), "na.csv", &o, &t));
    if (!t)
        return;
    CHECK(isnan(hpml_table_col_values(t, 0)[0]) && hpml_table_col_values(t, 0)[1] == 2.0f);
    CHECK(hpml_table_col_type(t, 1) == HPML_COL_CATEGORICAL);
    CHECK(hpml_table_col_codes(t, 1)[0] == -1 && strcmp(cat(t, 1, 1), "") == 0);
    hpml_table_free(t);
}

static void test_hints(void)
{
    const char *names[] = {"id", "v"};
    hpml_coltype_hint hints[] = {HPML_HINT_CATEGORICAL, HPML_HINT_NUMERIC};
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.hint_names = names;
    o.hints = hints;
    o.n_hints = 2;
    hpml_table *t = NULL;
    const char *csv = "id,v\n007,1\n7,2\n";
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), "h.csv", &o, &t));
    CHECK(t && hpml_table_col_type(t, 0) == HPML_COL_CATEGORICAL &&
          strcmp(cat(t, 0, 0), "007") == 0 && strcmp(cat(t, 0, 1), "7") == 0);
    hpml_table_free(t);
    const char *bad = "id,v\n1,2\n2,abc\n";
    CHECK_FAILS(read_err(bad, &o), HPML_ERR_PARSE, "bad.csv:3:3: 'abc' is not a number");
    names[1] = "vv";
    CHECK_FAILS(read_err(bad, &o), HPML_ERR_DATA, "did you mean 'v'?");
}

/* A column numeric for 3000 rows, then text: read again as categorical with
 * the original text of every row. */
static void test_type_bump(void)
{
    size_t cap = 3100 * 32, len = 0;
    char *csv = malloc(cap);
    len += (size_t)sprintf(csv + len, "k,v\n");
    for (int i = 0; i < 3000; i++)
        len += (size_t)sprintf(csv + len, "%d,%d.0\n", i, i % 7);
    len += (size_t)sprintf(csv + len, "3000,x7\n3001,\n");
    for (int threads = 1; threads <= 2; threads++) {
        hpml_table *t = check_table(csv, threads);
        CHECK(t && hpml_table_col_type(t, 1) == HPML_COL_CATEGORICAL);
        if (!t)
            continue;
        CHECK(hpml_table_n_rows(t) == 3002);
        CHECK(strcmp(cat(t, 1, 0), "0.0") == 0 && strcmp(cat(t, 1, 13), "6.0") == 0);
        CHECK(strcmp(cat(t, 1, 3000), "x7") == 0 && hpml_table_col_codes(t, 1)[3001] == -1);
        CHECK(hpml_table_col_n_categories(t, 1) == 8 && hpml_table_col_n_missing(t, 1) == 1);
        CHECK(hpml_table_col_type(t, 0) == HPML_COL_NUMERIC &&
              hpml_table_col_values(t, 0)[2999] == 2999.0f);
        hpml_table_free(t);
    }
    free(csv);
}

/* Errors: status and exact "file:line:column:" location. */
static void test_errors(void)
{
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.threads = 1;
    CHECK_FAILS(read_err("", &o), HPML_ERR_PARSE, "bad.csv:1:1: the file is empty");
    CHECK_FAILS(read_err("\n\n", &o), HPML_ERR_PARSE, "bad.csv:1:1: the file is empty");
    CHECK_FAILS(read_err("a,b,c\n", &o), HPML_ERR_PARSE, "bad.csv:2:1: no data rows");
    CHECK_FAILS(read_err("a,b,c", &o), HPML_ERR_PARSE, "no data rows");
    CHECK_FAILS(read_err("a,b,c\n1,2,3\n4,5\n", &o), HPML_ERR_PARSE,
                "bad.csv:3:4: this row has 2 fields, but the header has 3");
    CHECK_FAILS(read_err("a,b,c\n1,2,3\n4,5,6,7,8\n", &o), HPML_ERR_PARSE,
                "bad.csv:3:7: this row has 5 fields, but the header has 3");
    CHECK_FAILS(read_err("a,b\n1,2\n3,\"open\n4,5\n", &o), HPML_ERR_PARSE,
                "bad.csv:3:3: unterminated quote");
    CHECK_FAILS(read_err("a,b\n1,2\n3,x\"y\n", &o), HPML_ERR_PARSE,
                "bad.csv:3:4: quote character inside an unquoted field");
    CHECK_FAILS(read_err("a,b\n1,\"x\"y\n", &o), HPML_ERR_PARSE,
                "bad.csv:2:6: unexpected 'y' after the closing quote");
    CHECK_FAILS(read_err("a,,c\n1,2,3\n", &o), HPML_ERR_PARSE,
                "bad.csv:1:3: column 2 of the header has an empty name");
    CHECK_FAILS(read_err("a,b,a\n1,2,3\n", &o), HPML_ERR_PARSE,
                "bad.csv:1:5: duplicate column name 'a' (columns 1 and 3)");
    CHECK_FAILS(read_err("a,b\n1,1e39\n", &o), HPML_ERR_PARSE,
                "bad.csv:2:3: value '1e39' does not fit in float32");
    CHECK_FAILS(read_err("\"a\nb,c\n1,2\n", &o), HPML_ERR_PARSE, "unterminated quote in the header");
    /* column counts characters, not bytes (UTF-8) */
    CHECK_FAILS(read_err("a,b\n\xC3\xA9\xC3\xA9,1,2\n", &o), HPML_ERR_PARSE,
                "bad.csv:2:6: this row has 3 fields");
    /* a multi-line quoted field shifts later lines */
    CHECK_FAILS(read_err("a,b\n\"x\ny\",1\n2\n", &o), HPML_ERR_PARSE,
                "bad.csv:4:2: this row has 1 field, but the header has 2");
    /* options */
    o.decimal = ';';
    CHECK_FAILS(read_err("a,b\n1,2\n", &o), HPML_ERR_ARG, "decimal mark");
    hpml_csv_options_init(&o);
    o.threads = -1;
    CHECK_FAILS(read_err("a,b\n1,2\n", &o), HPML_ERR_ARG, "threads");
    hpml_table *t = (hpml_table *)1;
    CHECK_FAILS(hpml_table_read_csv("/nonexistent/x.csv", NULL, &t), HPML_ERR_IO,
                "/nonexistent/x.csv: cannot open: No such file or directory");
    CHECK(t == NULL);
    CHECK_FAILS(hpml_table_read_csv("/tmp", NULL, &t), HPML_ERR_IO, "is a directory");
}

/* --quote none reads quotes as text. */
static void test_quote_none(void)
{
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.quote = 0;
    hpml_table *t = NULL;
    const char *csv = "h,v\n5'10\",1\n\"x,2,3\n";
    CHECK_FAILS(hpml_table_read_csv_buffer(csv, strlen(csv), "q.csv", &o, &t), HPML_ERR_PARSE,
                "q.csv:3:6: this row has 3 fields");
    const char *ok = "h,v\n5'10\",1\n";
    CHECK_OK(hpml_table_read_csv_buffer(ok, strlen(ok), "q.csv", &o, &t));
    CHECK(t && strcmp(cat(t, 0, 0), "5'10\"") == 0);
    hpml_table_free(t);
}

/* Our number parser must round exactly as strtod does (then to float). */
static void test_number_rounding(void)
{
    static const char *tricky[] = {
        "0.1", "0.3", "1e23", "8.589973e9", "2.2250738585072011e-308", "4.9e-324",
        "9007199254740993", "1.00000005960464477539062499", "1.000000059604644775390625",
        "3.4028235e38", "1.17549435e-38", "1.4e-45", "123456789012345678901234567890",
        "0.000000000000000000000000000001", "-0", "7.038531e-26", "1e-7", "1E+2", ".5", "5.",
        "0.99999999999999999999", "179769313486231570000000000000000000000000000000000e-20"};
    for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++) {
        double v = 0;
        CHECK(hpml_parse_number(tricky[i], strlen(tricky[i]), '.', &v));
        double ref = strtod(tricky[i], NULL);
        if (memcmp(&v, &ref, sizeof v) != 0) {
            fprintf(stderr, "%s: got %.17g, strtod %.17g\n", tricky[i], v, ref);
            CHECK(0);
        }
    }
    static const char *not_numbers[] = {"", " ", "abc", "1e", "1.2.3", "0x10", "nan", "--1", "1 2",
                                        "e5", ".", "+", "1,5"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof *not_numbers; i++) {
        double v;
        CHECK(!hpml_parse_number(not_numbers[i], strlen(not_numbers[i]), '.', &v));
    }
    double v;
    CHECK(hpml_parse_number(" -inf ", 6, '.', &v) && isinf(v) && v < 0);
    CHECK(hpml_parse_number("Infinity", 8, '.', &v) && isinf(v) && v > 0);
    /* Random decimal strings of 1..25 digits and exponents -45..45. */
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 200000; i++) {
        char buf[64];
        int k = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (x & 1)
            buf[k++] = '-';
        int nd = 1 + (int)((x >> 8) % 25), dot = (int)((x >> 16) % (uint64_t)(nd + 1));
        for (int j = 0; j < nd; j++) {
            if (j == dot && j)
                buf[k++] = '.';
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[k++] = (char)('0' + x % 10);
        }
        if ((x >> 20) & 1)
            k += sprintf(buf + k, "e%d", (int)((x >> 24) % 91) - 45);
        buf[k] = '\0';
        double ours, ref = strtod(buf, NULL);
        if (!hpml_parse_number(buf, (size_t)k, '.', &ours) || memcmp(&ours, &ref, 8) != 0) {
            fprintf(stderr, "mismatch on '%s'\n", buf);
            CHECK(0);
            break;
        }
    }
}

/* A file big enough for several blocks and ranges: the table must not depend
 * on the thread count (values, codes, dictionaries, missing counts, lines). */
static char *make_big_csv(size_t rows, size_t *len_out)
{
    size_t cap = rows * 64 + 64, len = 0;
    char *s = malloc(cap);
    len += (size_t)sprintf(s + len, "a,b,c,d\n");
    uint64_t x = 12345;
    for (size_t i = 0; i < rows; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(x >> 33);
        if (i % 5000 == 17)
            len += (size_t)sprintf(s + len, "%u.%03u,\"q,%u\nz\",NA,%d\n", r % 1000, r % 1000,
                                   r % 13, (int)(r % 3) - 1);
        else
            len += (size_t)sprintf(s + len, "%u.%03u,c%u,%s,%d\n", r % 1000, r % 1000, r % 50,
                                   (r & 7) ? "1.5" : "", (int)(r % 3) - 1);
    }
    *len_out = len;
    return s;
}

static void test_threads_identical(void)
{
    size_t len, rows = 400000;
    char *csv = make_big_csv(rows, &len); /* ~8 MB: several ranges and blocks at 3+ threads */
    hpml_table *ref = check_table(csv, 1);
    CHECK(ref && hpml_table_n_rows(ref) == rows);
    static const int thread_counts[] = {2, 3, 7};
    for (int i = 0; i < 3 && ref; i++) {
        hpml_table *t = check_table(csv, thread_counts[i]);
        CHECK(t && hpml_table_n_rows(t) == rows);
        if (!t)
            break;
        for (int c = 0; c < 4; c++) {
            CHECK(hpml_table_col_type(t, c) == hpml_table_col_type(ref, c));
            CHECK(hpml_table_col_n_missing(t, c) == hpml_table_col_n_missing(ref, c));
            const void *a = hpml_table_col_type(t, c) == HPML_COL_NUMERIC
                                ? (const void *)hpml_table_col_values(t, c)
                                : (const void *)hpml_table_col_codes(t, c);
            const void *b = hpml_table_col_type(t, c) == HPML_COL_NUMERIC
                                ? (const void *)hpml_table_col_values(ref, c)
                                : (const void *)hpml_table_col_codes(ref, c);
            CHECK(memcmp(a, b, rows * 4) == 0);
            CHECK(hpml_table_col_n_categories(t, c) == hpml_table_col_n_categories(ref, c));
        }
        for (size_t r = 0; r < rows; r += 997)
            CHECK(hpml_table_row_line(t, r) == hpml_table_row_line(ref, r));
        hpml_table_free(t);
    }
    /* rows 17, 5017, ... span two lines: row r starts at line 2 + r + (#multi-line rows before r) */
    CHECK(ref && hpml_table_row_line(ref, 17) == 19 && hpml_table_row_line(ref, 18) == 21 &&
          hpml_table_row_line(ref, 5018) == 5022);
    CHECK(ref && hpml_table_col_type(ref, 1) == HPML_COL_CATEGORICAL &&
          hpml_table_col_n_categories(ref, 1) == 50 + 13);
    hpml_table_free(ref);
    free(csv);
}

/* The error reported with many threads is the first in the file. */
static void test_first_error_wins(void)
{
    size_t len, rows = 300000;
    char *csv = make_big_csv(rows, &len);
    /* Break two rows: one early, one late (lines 1002 and 250002). */
    char *p = csv;
    for (int l = 1; l < 1002; l++)
        p = strchr(p, '\n') + 1;
    p = strchr(p, ',');
    *p = ';';
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.delimiter = ',';
    for (int threads = 1; threads <= 4; threads++) {
        o.threads = threads;
        hpml_table *t = NULL;
        CHECK_FAILS(hpml_table_read_csv_buffer(csv, len, "big.csv", &o, &t), HPML_ERR_PARSE,
                    "big.csv:1002:");
    }
    free(csv);
}

static void test_gzip(void)
{
    char path[] = "/tmp/hpml_test_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    gzFile gz = gzdopen(fd, "wb");
    const char *csv = "a,b\n1,x\n2,y\n";
    gzwrite(gz, csv, (unsigned)strlen(csv));
    gzclose(gz);
    hpml_table *t = NULL;
    CHECK_OK(hpml_table_read_csv(path, NULL, &t));
    CHECK(t && hpml_table_n_rows(t) == 2 && strcmp(cat(t, 1, 1), "y") == 0);
    hpml_table_free(t);
    /* truncated gzip: an I/O error, not a silently shorter table */
    FILE *f = fopen(path, "r+b");
    CHECK(f && fseek(f, 0, SEEK_END) == 0);
    long size = f ? ftell(f) : 0;
    if (f)
        fclose(f);
    CHECK(truncate(path, size - 6) == 0);
    CHECK_FAILS(hpml_table_read_csv(path, NULL, &t), HPML_ERR_IO, "gzip");
    unlink(path);
}

/* Every allocation failure is reported as NOMEM and leaks nothing (ASan). */
static void test_alloc_failures(void)
{
    const char *csv = "a,b,c\n1,x,\"q\"\"\"\n2,y,3\n\n4,x,5\n";
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.threads = 1;
    int saw_ok = 0, n_fail = 0;
    for (long k = 0; k < 400 && !saw_ok; k++) {
        hpml_table *t = NULL;
        hpml_test_fail_alloc(k, 0);
        hpml_status s = hpml_table_read_csv_buffer(csv, strlen(csv), "m.csv", &o, &t);
        hpml_test_fail_alloc(-1, 0);
        if (s == HPML_OK) {
            saw_ok = 1;
            CHECK(hpml_table_n_rows(t) == 3);
        } else {
            n_fail++;
            CHECK(s == HPML_ERR_NOMEM && t == NULL && strstr(hpml_last_error(), "memory"));
        }
        hpml_table_free(t);
    }
    CHECK(saw_ok && n_fail > 10);
}

int main(void)
{
    RUN(test_basic_types);
    RUN(test_delimiters);
    RUN(test_quoting);
    RUN(test_blank_lines_and_lines);
    RUN(test_na_tokens);
    RUN(test_hints);
    RUN(test_type_bump);
    RUN(test_errors);
    RUN(test_quote_none);
    RUN(test_number_rounding);
    RUN(test_threads_identical);
    RUN(test_first_error_wins);
    RUN(test_gzip);
    RUN(test_alloc_failures);
    return check_summary();
}
