/* test_bin.c — GBDT feature binning: cuts against hand-computed values and
 * against XGBoost's, codes, categorical bins, thread-count independence. */
#include "check.h"
#include "core/alloc.h"
#include "gbdt/bin.h"

static void test_cuts_few_distinct(void)
{
    float v[] = {3, 1, 2, 2, 3, -0.0f, 0};
    double cuts[8];
    int k = gbdt_bin_cuts(v, 7, 8, cuts);
    CHECK(k == 3 && cuts[0] == 1 && cuts[1] == 2 && cuts[2] == 3); /* 0 | 1 | 2 | 3 */
    CHECK(gbdt_bin_of(-0.0, cuts, k) == 1 && gbdt_bin_of(0.5, cuts, k) == 1);
    CHECK(gbdt_bin_of(1, cuts, k) == 2 && gbdt_bin_of(2.5, cuts, k) == 3);
    CHECK(gbdt_bin_of(3, cuts, k) == 4 && gbdt_bin_of(1e30, cuts, k) == 4);
    CHECK(gbdt_bin_of(NAN, cuts, k) == 0 && gbdt_bin_of(-1e30, cuts, k) == 1);
}

/* 1..20 in 8 bins: the final prune keeps the values whose mid-rank v - 1/2 is
 * nearest to 1 + 18k/8 (k = 1..7; a tie goes up), as XGBoost does. */
static void test_cuts_nearest_rank(void)
{
    float v[20];
    for (int i = 0; i < 20; i++)
        v[i] = (float)(20 - i);
    double cuts[8];
    int k = gbdt_bin_cuts(v, 20, 8, cuts);
    const double want[7] = {4, 6, 8, 11, 13, 15, 17};
    CHECK(k == 7);
    for (int i = 0; i < k && i < 7; i++)
        CHECK(cuts[i] == want[i]);
    CHECK(v[0] == 20 && v[19] == 1); /* the values are left as they were */
}

/* Cases XGBoost 1.7.4 gave (tests/ref/gen_gbdt_ref.py, xgb_cuts): 1000
 * values, more than the sketch's queue holds, in either order; a heavy value
 * (500 zeros, then 1..500) gets no bin of its own as the minimum. */
static void test_cuts_xgboost_small(void)
{
    float v[1000];
    double cuts[10];
    const double want[9] = {101, 201, 305, 405, 505, 597, 693, 795, 899};
    for (int order = 0; order < 2; order++) {
        for (int i = 0; i < 1000; i++)
            v[i] = (float)(order ? 999 - i : i);
        int k = gbdt_bin_cuts(v, 1000, 10, cuts);
        CHECK(k == 9);
        for (int i = 0; i < k && i < 9; i++)
            CHECK(cuts[i] == want[i]);
    }
    for (int i = 0; i < 1000; i++)
        v[i] = i < 500 ? 0.0f : (float)(i - 499);
    int k = gbdt_bin_cuts(v, 1000, 4, cuts);
    CHECK(k == 3 && cuts[0] == 129 && cuts[1] == 243 && cuts[2] == 371);
}

/* The values test_cuts_match_xgboost calls lcg (as gen_gbdt_ref.py makes them). */
static void lcg_values(int variant, size_t n, float *out)
{
    uint64_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t r = x >> 33;
        out[i] = variant == 1 && r % 3 == 0 ? 0.0f : (float)(r % 20011);
    }
}

/* hpml's cuts of one feature: `source` is lcg (values from lcg_values) or a
 * fixture whose training rows (test == 0, or all) hold the column. Returns
 * the number of cuts, -1 on failure. */
static int cuts_of(const char *source, const char *column, int max_bin, double *cuts)
{
    if (strcmp(source, "lcg") == 0) {
        size_t n = 50000;
        float *v = malloc(n * sizeof *v);
        lcg_values(atoi(column), n, v);
        int k = gbdt_bin_cuts(v, n, max_bin, cuts);
        free(v);
        return k;
    }
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/%s", source);
    hpml_table *t = NULL;
    hpml_dataset *d = NULL;
    int k = -1;
    CHECK_OK(hpml_table_read_csv(path, NULL, &t));
    if (!t)
        return -1;
    hpml_dataset_spec spec;
    hpml_dataset_spec_init(&spec);
    spec.target = "y";
    spec.features = &column;
    spec.n_features = 1;
    CHECK_OK(hpml_dataset_create(t, &spec, &d));
    size_t nr = hpml_table_n_rows(t), n = 0;
    int tc = hpml_table_find_col(t, "test");
    const float *test = tc >= 0 ? hpml_table_col_values(t, tc) : NULL;
    uint32_t *rows = malloc(nr * sizeof *rows);
    for (size_t i = 0; i < nr; i++)
        if (!test || test[i] == 0)
            rows[n++] = (uint32_t)i;
    gbdt_bins b;
    if (d && gbdt_bins_build(d, rows, n, max_bin, 1, &b) == HPML_OK) {
        k = b.n_bins[0] - 1;
        memcpy(cuts, b.cuts[0], (size_t)k * sizeof *cuts);
        CHECK(b.cuts[0][k] == INFINITY); /* the "every value left" threshold */
        gbdt_bins_free(&b);
    }
    free(rows);
    hpml_dataset_free(d);
    hpml_table_free(t);
    return k;
}

/* The cuts equal XGBoost 1.7.4's (tree_method=hist) for features of the real
 * data sets (diabetes, breast cancer) at a few max_bin, of the synthetic
 * training set (3000 rows, missing values) and of 50000 generated values
 * (the sketch's levels at work): tests/fixtures/xgb_cuts.txt, made by
 * tests/ref/gen_gbdt_ref.py. */
static void test_cuts_match_xgboost(void)
{
    FILE *f = fopen("tests/fixtures/xgb_cuts.txt", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    static char line[1 << 16];
    int n_lists = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *save = NULL, *source = strtok_r(line, " \n", &save);
        char *column = strtok_r(NULL, " \n", &save);
        int max_bin = atoi(strtok_r(NULL, " \n", &save));
        int n_want = atoi(strtok_r(NULL, " \n", &save));
        double cuts[256];
        int k = cuts_of(source, column, max_bin, cuts), bad = k != n_want;
        for (int i = 0; i < n_want && !bad; i++) {
            char *tok = strtok_r(NULL, " \n", &save);
            bad = !tok || cuts[i] != (double)strtof(tok, NULL);
        }
        if (bad)
            fprintf(stderr, "%s %s max_bin %d: %d cuts, XGBoost has %d (or a value differs)\n",
                    source, column, max_bin, k, n_want);
        CHECK(!bad);
        n_lists++;
    }
    fclose(f);
    CHECK(n_lists == 42);
}

static void test_build_codes(void)
{
    hpml_table *t = check_table("x,c,y\n1.5,a,0\n,b,1\n0.5,a,0\n2.5,,1\n1.5,c,0\n", 1);
    hpml_dataset_spec spec;
    hpml_dataset_spec_init(&spec);
    spec.target = "y";
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_dataset_create(t, &spec, &d));
    gbdt_bins b;
    CHECK_OK(gbdt_bins_build(d, NULL, 5, 255, 1, &b));
    /* x: distinct 0.5, 1.5, 2.5 -> cuts 1.5, 2.5 */
    CHECK(b.n_bins[0] == 3 && b.cuts[0][0] == 1.5 && b.cuts[0][1] == 2.5);
    const uint8_t want_x[5] = {2, 0, 1, 3, 2};
    for (int i = 0; i < 5; i++) /* row-major: feature 0 of row i */
        CHECK(b.codes[i * gbdt_pitch(&b)] == want_x[i]);
    /* c: categories a, b, c (codes 0, 1, 2) -> bins 1, 2, 3; missing 0 */
    CHECK(b.categorical[1] && b.n_bins[1] == 3);
    const uint8_t want_c[5] = {1, 2, 1, 0, 3};
    for (int i = 0; i < 5; i++)
        CHECK(b.codes[i * gbdt_pitch(&b) + 1] == want_c[i]);
    gbdt_bins_free(&b);
    /* a row subset */
    uint32_t rows[2] = {3, 0};
    CHECK_OK(gbdt_bins_build(d, rows, 2, 255, 1, &b));
    CHECK(b.n_rows == 2 && b.n_bins[0] == 2 && b.codes[0] == 2 && b.codes[gbdt_pitch(&b)] == 1);
    gbdt_bins_free(&b);
    CHECK_FAILS(gbdt_bins_build(d, NULL, 5, 256, 1, &b), HPML_ERR_ARG, "max_bin");
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* More categories than bins: the most frequent keep their own bins. */
static void test_many_categories(void)
{
    char csv[4096] = "c,y\n";
    size_t len = strlen(csv);
    /* k0 x5, k1 x4, k2 x3, k3 x2, k4 x1 */
    for (int k = 0; k < 5; k++)
        for (int r = 0; r < 5 - k; r++)
            len += (size_t)snprintf(csv + len, sizeof csv - len, "k%d,%d\n", 4 - k, r & 1);
    hpml_table *t = check_table(csv, 1); /* k4 appears first, so its code is 0 */
    hpml_dataset_spec spec;
    hpml_dataset_spec_init(&spec);
    spec.target = "y";
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_dataset_create(t, &spec, &d));
    gbdt_bins b;
    CHECK_OK(gbdt_bins_build(d, NULL, hpml_dataset_n_rows(d), 3, 1, &b));
    CHECK(b.n_bins[0] == 3);
    /* codes: k4=0 (x5), k3=1 (x4), k2=2 (x3), k1=3 (x2), k0=4 (x1) */
    CHECK(b.cat_bin[0][0] == 1 && b.cat_bin[0][1] == 2 && b.cat_bin[0][2] == 3 &&
          b.cat_bin[0][3] == 3 && b.cat_bin[0][4] == 3);
    gbdt_bins_free(&b);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* Codes and cuts do not depend on the thread count (big enough to sample). */
static void test_threads_identical(void)
{
    size_t n = 250000, cap = n * 40 + 64, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv, cap, "a,b,c,y\n");
    uint64_t x = 7;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(x >> 33);
        len += (size_t)snprintf(csv + len, cap - len, "%u.%u,%s,c%u,%u\n", r % 5000, r % 7,
                                (r & 15) ? "1.25" : "", r % 300, r & 1);
    }
    hpml_table *t = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, len, "big.csv", NULL, &t));
    hpml_dataset_spec spec;
    hpml_dataset_spec_init(&spec);
    spec.target = "y";
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_dataset_create(t, &spec, &d));
    gbdt_bins b1, b2;
    CHECK_OK(gbdt_bins_build(d, NULL, n, 255, 1, &b1));
    CHECK_OK(gbdt_bins_build(d, NULL, n, 255, 2, &b2));
    CHECK(memcmp(b1.codes, b2.codes, 3 * n) == 0);
    size_t mismatched = 0; /* the column-major copy is the transpose */
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 3; j++)
            mismatched +=
                b1.codes_col[(size_t)j * n + i] != b1.codes[i * gbdt_pitch(&b1) + (size_t)j];
    CHECK(mismatched == 0);
    CHECK(b1.n_bins[0] == 255 && b2.n_bins[0] == 255);
    CHECK(memcmp(b1.cuts[0], b2.cuts[0], 254 * sizeof(double)) == 0);
    CHECK(b1.n_bins[1] == 1); /* one value (1.25) and missing */
    CHECK(b1.n_bins[2] == 255); /* 300 categories, 255 bins */
    /* every bin of a is used and bins are roughly equal-count (sampled cuts) */
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++)
        count[b1.codes[i * gbdt_pitch(&b1)]]++; /* feature a */
    CHECK(count[0] == 0);
    for (int k = 1; k <= 255; k++)
        CHECK(count[k] > n / 255 / 2 && count[k] < n / 255 * 2);
    gbdt_bins_free(&b1);
    gbdt_bins_free(&b2);
    hpml_dataset_free(d);
    hpml_table_free(t);
    free(csv);
}

/* Every allocation failure while binning fails cleanly with HPML_ERR_NOMEM
 * (ASan checks for leaks), the sketch's levels included (1000 values in 4
 * bins overflow its queue). */
static void test_alloc_failures(void)
{
    char csv[16384] = "x,y\n";
    size_t len = strlen(csv);
    for (int i = 0; i < 1000; i++)
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%d,%d\n", (i * 37) % 1000, i & 1);
    hpml_table *t = check_table(csv, 1);
    hpml_dataset_spec spec;
    hpml_dataset_spec_init(&spec);
    spec.target = "y";
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_dataset_create(t, &spec, &d));
    int failed = 0, done = 0;
    for (long k = 0; k < 200 && !done; k++) {
        gbdt_bins b;
        hpml_test_fail_alloc(k, 0);
        hpml_status s = gbdt_bins_build(d, NULL, 1000, 4, 1, &b);
        hpml_test_fail_alloc(-1, 0);
        if (s == HPML_OK) {
            done = 1;
            CHECK(b.n_bins[0] == 4);
            gbdt_bins_free(&b);
        } else {
            failed++;
            CHECK(s == HPML_ERR_NOMEM && strstr(hpml_last_error(), "memory"));
        }
    }
    /* 14 allocations come before the first of the sketch's levels: those failed too */
    CHECK(done && failed > 14);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

int main(void)
{
    RUN(test_cuts_few_distinct);
    RUN(test_cuts_nearest_rank);
    RUN(test_cuts_xgboost_small);
    RUN(test_cuts_match_xgboost);
    RUN(test_build_codes);
    RUN(test_many_categories);
    RUN(test_threads_identical);
    RUN(test_alloc_failures);
    return check_summary();
}
