/* test_split.c — train/valid/test splits and k folds: exact sizes, partitions,
 * seeds, stratification, groups, invalid specs, a pinned seeded split,
 * allocation failures. */
#include <stdint.h>

#include "check.h"
#include "core/alloc.h"

/* A table and a dataset on it (target `target`, automatic task); both NULL
 * on failure. */
typedef struct fixture {
    hpml_table *t;
    hpml_dataset *d;
} fixture;

static fixture fixture_of(const char *csv, const char *target, int drop_missing)
{
    fixture f = {check_table(csv, 1), NULL};
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = target;
    sp.drop_missing_target = drop_missing;
    if (f.t && hpml_dataset_create(f.t, &sp, &f.d) != HPML_OK)
        fprintf(stderr, "dataset failed: %s\n", hpml_last_error());
    return f;
}

static void fixture_free(fixture *f)
{
    hpml_dataset_free(f->d);
    hpml_table_free(f->t);
}

/* n rows "i,y" with a continuous target: a regression dataset. */
static fixture regression_rows(size_t n)
{
    char *csv = malloc(16 + n * 32), *p = csv;
    if (!csv)
        return (fixture){NULL, NULL};
    p += sprintf(p, "i,y\n");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%zu,%zu.25\n", i, i * 7 % 1000);
    fixture f = fixture_of(csv, "y", 0);
    free(csv);
    return f;
}

/* Rows "i,y" with class A x na, B x nb, C x nc, interleaved. */
static fixture three_classes(size_t na, size_t nb, size_t nc)
{
    size_t n = na + nb + nc, left[3] = {na, nb, nc};
    char *csv = malloc(16 + n * 24), *p = csv;
    if (!csv)
        return (fixture){NULL, NULL};
    p += sprintf(p, "i,y\n");
    for (size_t i = 0, c = 0; i < n; c = (c + 1) % 3)
        if (left[c]) {
            left[c]--;
            p += sprintf(p, "%zu,%c\n", i++, "ABC"[c]);
        }
    fixture f = fixture_of(csv, "y", 0);
    free(csv);
    return f;
}

static hpml_split_spec spec_of(hpml_split_kind kind, double test, double valid, int folds,
                               uint64_t seed)
{
    hpml_split_spec sp;
    hpml_split_spec_init(&sp);
    sp.kind = kind;
    sp.test_size = test;
    sp.valid_size = valid;
    sp.folds = folds;
    sp.seed = seed;
    return sp;
}

/* Rows of one part are strictly ascending and below n; returns 0 if not. */
static int sorted_below(const uint32_t *r, size_t m, size_t n)
{
    for (size_t i = 0; i < m; i++)
        if (r[i] >= n || (i && r[i] <= r[i - 1]))
            return 0;
    return 1;
}

/* Train, valid and test of fold f are sorted and together hold 0..n-1 once
 * each. */
static void check_partition(const hpml_split *s, int f, size_t n)
{
    unsigned char *seen = calloc(n ? n : 1, 1);
    size_t total = 0;
    for (int p = HPML_PART_TRAIN; p <= HPML_PART_TEST; p++) {
        size_t m = 0;
        const uint32_t *r = hpml_split_rows(s, f, (hpml_split_part)p, &m);
        CHECK(r != NULL);
        if (!r)
            continue;
        CHECK(sorted_below(r, m, n));
        for (size_t i = 0; i < m; i++)
            if (r[i] < n)
                seen[r[i]]++;
        total += m;
    }
    CHECK(total == n);
    for (size_t i = 0; i < n; i++)
        if (seen[i] != 1) {
            fprintf(stderr, "  row %zu is in %d parts\n", i, seen[i]);
            CHECK(seen[i] == 1);
            break;
        }
    free(seen);
}

/* k folds: each fold's TRAIN is the complement of its TEST, VALID is empty,
 * the TESTs partition 0..n-1; with `balanced`, test sizes differ by <= 1. */
static void check_kfold(const hpml_split *s, int k, size_t n, int balanced)
{
    CHECK(hpml_split_n_folds(s) == k);
    unsigned char *in_test = calloc(n, 1);
    size_t lo = SIZE_MAX, hi = 0, total = 0;
    for (int f = 0; f < k; f++) {
        check_partition(s, f, n);
        size_t nv = 9, nt = 0, ntr = 0;
        hpml_split_rows(s, f, HPML_PART_VALID, &nv);
        const uint32_t *te = hpml_split_rows(s, f, HPML_PART_TEST, &nt);
        const uint32_t *tr = hpml_split_rows(s, f, HPML_PART_TRAIN, &ntr);
        CHECK(nv == 0 && nt + ntr == n && nt > 0);
        if (!te || !tr)
            continue;
        unsigned char *mine = calloc(n, 1);
        for (size_t i = 0; i < nt; i++) {
            mine[te[i]] = 1;
            in_test[te[i]]++;
        }
        for (size_t i = 0; i < ntr; i++)
            CHECK(!mine[tr[i]]);
        free(mine);
        lo = nt < lo ? nt : lo;
        hi = nt > hi ? nt : hi;
        total += nt;
    }
    CHECK(total == n);
    for (size_t i = 0; i < n; i++)
        if (in_test[i] != 1) {
            fprintf(stderr, "  row %zu is in %d test folds\n", i, in_test[i]);
            CHECK(in_test[i] == 1);
            break;
        }
    if (balanced)
        CHECK(hi - lo <= 1);
    free(in_test);
}

static size_t part_n(const hpml_split *s, int f, hpml_split_part p)
{
    size_t n = 0;
    hpml_split_rows(s, f, p, &n);
    return n;
}

/* Do two splits hold the same indices in every part of every fold? */
static int same_split(const hpml_split *a, const hpml_split *b)
{
    if (hpml_split_n_folds(a) != hpml_split_n_folds(b))
        return 0;
    for (int f = 0; f < hpml_split_n_folds(a); f++)
        for (int p = HPML_PART_TRAIN; p <= HPML_PART_TEST; p++) {
            size_t na, nb;
            const uint32_t *ra = hpml_split_rows(a, f, (hpml_split_part)p, &na);
            const uint32_t *rb = hpml_split_rows(b, f, (hpml_split_part)p, &nb);
            if (na != nb || (na && memcmp(ra, rb, na * sizeof *ra) != 0))
                return 0;
        }
    return 1;
}

/* ---------------------------------------------------------------- random */

static void test_random_sizes(void)
{
    static const struct {
        size_t n;
        double test, valid;
        size_t n_test, n_valid;
    } cases[] = {
        {10, 0.2, 0, 2, 0},
        {10, 0.2, 0.1, 2, 1},
        {7, 0.3, 0, 2, 0},           /* 2.1 */
        {9, 0.5, 0, 5, 0},           /* 4.5: halves round away from zero */
        {10, 0.25, 0, 3, 0},         /* 2.5 */
        {3, 0.1, 0, 1, 0},           /* 0.3: a part asked for gets at least 1 */
        {20, 0.1, 0.01, 2, 1},       /* 0.2 */
        {100, 0.15, 0.15, 15, 15},
        {1000, 0.333, 0.25, 333, 250},
        {2, 0.5, 0, 1, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        fixture fx = regression_rows(cases[c].n);
        hpml_split *s = NULL;
        hpml_split_spec sp = spec_of(HPML_SPLIT_RANDOM, cases[c].test, cases[c].valid, 0, 7);
        CHECK_OK(hpml_split_create(fx.d, &sp, &s));
        if (s) {
            size_t nt = part_n(s, 0, HPML_PART_TEST), nv = part_n(s, 0, HPML_PART_VALID);
            if (nt != cases[c].n_test || nv != cases[c].n_valid)
                fprintf(stderr, "  case %zu: test %zu valid %zu\n", c, nt, nv);
            CHECK(hpml_split_n_folds(s) == 1);
            CHECK(nt == cases[c].n_test && nv == cases[c].n_valid);
            CHECK(part_n(s, 0, HPML_PART_TRAIN) == cases[c].n - cases[c].n_test - cases[c].n_valid);
            check_partition(s, 0, cases[c].n);
        }
        hpml_split_free(s);
        fixture_free(&fx);
    }
}

/* Rounding small parts up to one row must not leave training empty. */
static void test_random_no_train_left(void)
{
    fixture f2 = regression_rows(2), f3 = regression_rows(3);
    hpml_split *s = NULL;
    hpml_split_spec sp = spec_of(HPML_SPLIT_RANDOM, 0.75, 0, 0, 1); /* round(1.5) = 2 of 2 */
    CHECK_FAILS(hpml_split_create(f2.d, &sp, &s), HPML_ERR_DATA,
                "2 rows are too few for test size 0.75 and valid size 0: no rows left for training");
    sp = spec_of(HPML_SPLIT_RANDOM, 0.5, 0.3, 0, 1); /* 2 + 1 of 3 */
    CHECK_FAILS(hpml_split_create(f3.d, &sp, &s), HPML_ERR_DATA, "no rows left for training");
    sp = spec_of(HPML_SPLIT_RANDOM, 0.1, 0.1, 0, 1);
    CHECK_FAILS(hpml_split_create(f2.d, &sp, &s), HPML_ERR_DATA,
                "2 rows are too few to split into 3 parts");
    CHECK(s == NULL);
    fixture_free(&f2);
    fixture_free(&f3);
}

static void test_seeds(void)
{
    fixture fx = regression_rows(100);
    hpml_split *a = NULL, *b = NULL, *c = NULL;
    hpml_split_spec sp = spec_of(HPML_SPLIT_RANDOM, 0.2, 0.1, 0, 12345);
    CHECK_OK(hpml_split_create(fx.d, &sp, &a));
    CHECK_OK(hpml_split_create(fx.d, &sp, &b));
    sp.seed = 12346;
    CHECK_OK(hpml_split_create(fx.d, &sp, &c));
    CHECK(a && b && c && same_split(a, b));
    CHECK(a && c && !same_split(a, c));
    /* AUTO on a regression target is the random split. */
    hpml_split_free(c);
    c = NULL;
    sp.seed = 12345;
    sp.kind = HPML_SPLIT_AUTO;
    CHECK_OK(hpml_split_create(fx.d, &sp, &c));
    CHECK(a && c && same_split(a, c));
    hpml_split_free(a);
    hpml_split_free(b);
    hpml_split_free(c);
    fixture_free(&fx);
}

/* regression guard: changing the RNG or the algorithm changes every user's
 * split. (10 rows, test 0.3, valid 0.2, seed 42, random: xoshiro256** seeded
 * by splitmix64, Fisher-Yates from the end with Lemire's bounded draw; the
 * first 3 of the permutation are test, the next 2 valid. Also reproduced by an
 * independent Python transcription of that algorithm.) */
static void test_pinned_split(void)
{
    static const uint32_t train[] = {0, 3, 5, 6, 7};
    static const uint32_t valid[] = {2, 8};
    static const uint32_t test[] = {1, 4, 9};
    fixture fx = regression_rows(10);
    hpml_split *s = NULL;
    hpml_split_spec sp = spec_of(HPML_SPLIT_RANDOM, 0.3, 0.2, 0, 42);
    CHECK_OK(hpml_split_create(fx.d, &sp, &s));
    if (s) {
        const uint32_t *want[3] = {train, valid, test};
        size_t want_n[3] = {5, 2, 3};
        for (int p = 0; p < 3; p++) {
            size_t m = 0;
            const uint32_t *r = hpml_split_rows(s, 0, (hpml_split_part)p, &m);
            int same = m == want_n[p] && memcmp(r, want[p], m * sizeof *r) == 0;
            if (!same) {
                fprintf(stderr, "  part %d:", p);
                for (size_t i = 0; i < m; i++)
                    fprintf(stderr, " %u", r[i]);
                fprintf(stderr, "\n");
            }
            CHECK(same);
        }
    }
    hpml_split_free(s);
    fixture_free(&fx);
}

/* ------------------------------------------------------------ stratified */

/* Count of each class (A, B, C = 0, 1, 2) in a part. */
static void class_counts(const hpml_dataset *d, const hpml_split *s, int f, hpml_split_part p,
                         size_t out[3])
{
    size_t m = 0;
    const uint32_t *r = hpml_split_rows(s, f, p, &m);
    const float *y = hpml_dataset_target(d);
    out[0] = out[1] = out[2] = 0;
    for (size_t i = 0; i < m; i++)
        out[(int)y[r[i]]]++;
}

static void test_stratified_exact(void)
{
    fixture fx = three_classes(7, 13, 30);
    CHECK(fx.d && hpml_dataset_n_classes(fx.d) == 3);
    hpml_split *s = NULL, *a = NULL;
    hpml_split_spec sp = spec_of(HPML_SPLIT_STRATIFIED, 0.2, 0.1, 0, 3);
    CHECK_OK(hpml_split_create(fx.d, &sp, &s));
    if (s) {
        check_partition(s, 0, 50);
        size_t te[3], va[3], tr[3];
        class_counts(fx.d, s, 0, HPML_PART_TEST, te);
        class_counts(fx.d, s, 0, HPML_PART_VALID, va);
        class_counts(fx.d, s, 0, HPML_PART_TRAIN, tr);
        /* test: ideal 1.4, 2.6, 6 -> floors 1, 2, 6 (9) + the largest remainder (B) = 10 */
        CHECK(te[0] == 1 && te[1] == 3 && te[2] == 6);
        /* valid: ideal 0.7, 1.3, 3 -> floors 0, 1, 3 (4) + A = 5 */
        CHECK(va[0] == 1 && va[1] == 1 && va[2] == 3);
        CHECK(tr[0] == 5 && tr[1] == 9 && tr[2] == 21);
    }
    /* AUTO on a classification target is the stratified split. */
    sp.kind = HPML_SPLIT_AUTO;
    CHECK_OK(hpml_split_create(fx.d, &sp, &a));
    CHECK(s && a && same_split(s, a));
    hpml_split_free(s);
    hpml_split_free(a);
    fixture_free(&fx);
}

/* Over many sizes and seeds: totals are round(frac * n), every class within
 * one row of its ideal share, the parts a partition. */
static void test_stratified_proportions(void)
{
    static const size_t sizes[][3] = {{4, 4, 4}, {5, 17, 40}, {3, 3, 94}, {11, 12, 13}};
    static const double fr[][2] = {{0.2, 0}, {0.25, 0.25}, {0.1, 0.3}, {0.33, 0.17}};
    for (size_t z = 0; z < 4; z++) {
        fixture fx = three_classes(sizes[z][0], sizes[z][1], sizes[z][2]);
        size_t n = sizes[z][0] + sizes[z][1] + sizes[z][2];
        for (size_t q = 0; q < 4; q++)
            for (uint64_t seed = 1; seed <= 3; seed++) {
                hpml_split *s = NULL;
                hpml_split_spec sp = spec_of(HPML_SPLIT_STRATIFIED, fr[q][0], fr[q][1], 0, seed);
                CHECK_OK(hpml_split_create(fx.d, &sp, &s));
                if (!s)
                    continue;
                check_partition(s, 0, n);
                hpml_split_part parts[2] = {HPML_PART_TEST, HPML_PART_VALID};
                for (int k = 0; k < 2; k++) {
                    size_t cnt[3];
                    class_counts(fx.d, s, 0, parts[k], cnt);
                    size_t want = fr[q][k] > 0 ? (size_t)llround(fr[q][k] * (double)n) : 0;
                    CHECK(cnt[0] + cnt[1] + cnt[2] == want);
                    for (int c = 0; c < 3; c++)
                        CHECK(fabs((double)cnt[c] - fr[q][k] * (double)sizes[z][c]) < 1.0);
                }
                hpml_split_free(s);
            }
        fixture_free(&fx);
    }
}

static void test_stratified_small_class(void)
{
    fixture fx = fixture_of("x,y\n1,a\n2,b\n3,a\n4,b\n5,z\n6,a\n", "y", 0);
    hpml_split *s = NULL;
    hpml_split_spec sp = spec_of(HPML_SPLIT_STRATIFIED, 0.3, 0, 0, 1);
    CHECK_FAILS(hpml_split_create(fx.d, &sp, &s), HPML_ERR_DATA,
                "class 'z' has 1 row: too few to stratify");
    sp.kind = HPML_SPLIT_AUTO;
    CHECK_FAILS(hpml_split_create(fx.d, &sp, &s), HPML_ERR_DATA, "class 'z' has 1 row");
    sp.kind = HPML_SPLIT_RANDOM; /* the way out the message suggests */
    CHECK_OK(hpml_split_create(fx.d, &sp, &s));
    hpml_split_free(s);
    s = NULL;
    fixture_free(&fx);

    /* 2 rows of a class: test 1 and valid 1 would leave it no training row. */
    fx = three_classes(2, 2, 2);
    sp = spec_of(HPML_SPLIT_STRATIFIED, 0.25, 0.25, 0, 1);
    CHECK_FAILS(hpml_split_create(fx.d, &sp, &s), HPML_ERR_DATA,
                "class 'A' has 2 rows: too few for the test and validation fractions");
    CHECK(s == NULL);
    fixture_free(&fx);
}

/* ----------------------------------------------------------------- group */

/* Dataset rows of group column `gcol` as table codes (categorical). */
static int32_t group_of(const fixture *fx, int gcol, uint32_t row)
{
    return hpml_table_col_codes(fx->t, gcol)[hpml_dataset_table_row(fx->d, row)];
}

/* 10 groups "g0".."g9" of sizes 1..10 (55 rows), shuffled a little. */
static fixture ten_groups(void)
{
    char csv[2048], *p = csv;
    p += sprintf(p, "x,y,g\n");
    int row = 0;
    for (int rep = 0; rep < 10; rep++)
        for (int g = 9; g >= 0; g--)
            if (rep <= g) {
                p += sprintf(p, "%d,%d.5,g%d\n", row, row * 3 % 17, g);
                row++;
            }
    return fixture_of(csv, "y", 0);
}

static void test_group_split(void)
{
    fixture fx = ten_groups();
    int gcol = fx.t ? hpml_table_find_col(fx.t, "g") : -1;
    CHECK(fx.d && hpml_dataset_n_rows(fx.d) == 55 && gcol == 2);
    for (uint64_t seed = 1; seed <= 5 && fx.d; seed++) {
        hpml_split *s = NULL;
        hpml_split_spec sp = spec_of(HPML_SPLIT_GROUP, 0.2, 0.1, 0, seed);
        sp.group_col = "g";
        CHECK_OK(hpml_split_create(fx.d, &sp, &s));
        if (!s)
            continue;
        check_partition(s, 0, 55);
        /* part_of[g]: the one part holding group g; fractions count groups. */
        int part_of[10];
        size_t groups_in[3] = {0, 0, 0};
        for (int g = 0; g < 10; g++)
            part_of[g] = -1;
        for (int p = 0; p < 3; p++) {
            size_t m;
            const uint32_t *r = hpml_split_rows(s, 0, (hpml_split_part)p, &m);
            for (size_t i = 0; i < m; i++) {
                int32_t g = group_of(&fx, gcol, r[i]);
                if (part_of[g] == -1) {
                    part_of[g] = p;
                    groups_in[p]++;
                }
                CHECK(part_of[g] == p);
            }
        }
        CHECK(groups_in[HPML_PART_TEST] == 2 && groups_in[HPML_PART_VALID] == 1 &&
              groups_in[HPML_PART_TRAIN] == 7);
        hpml_split_free(s);
    }
    fixture_free(&fx);
}

/* A numeric group column: -0 and 0 are one group. */
static void test_group_numeric(void)
{
    fixture fx = fixture_of("x,y,g\n1,1,0\n2,2,-0\n3,3,1\n4,4,2\n5,5,3\n6,6,-0.0\n", "y", 0);
    for (uint64_t seed = 1; seed <= 8 && fx.d; seed++) {
        hpml_split *s = NULL;
        hpml_split_spec sp = spec_of(HPML_SPLIT_GROUP, 0.25, 0, 0, seed); /* 1 of 4 groups */
        sp.group_col = "g";
        CHECK_OK(hpml_split_create(fx.d, &sp, &s));
        if (!s)
            continue;
        size_t nt = 0;
        const uint32_t *te = hpml_split_rows(s, 0, HPML_PART_TEST, &nt);
        int zero_in_test = nt > 0 && te[0] == 0;
        CHECK(zero_in_test ? nt == 3 && te[1] == 1 && te[2] == 5 : nt == 1);
        hpml_split_free(s);
    }
    fixture_free(&fx);
}

static void test_group_errors(void)
{
    hpml_split *s = NULL;
    hpml_split_spec sp = spec_of(HPML_SPLIT_GROUP, 0.2, 0, 0, 1);
    sp.group_col = "g";

    fixture one = fixture_of("x,y,g\n1,1,a\n2,2,a\n3,3,a\n", "y", 0);
    CHECK_FAILS(hpml_split_create(one.d, &sp, &s), HPML_ERR_DATA,
                "group column 'g' has 1 distinct value: too few for 2 parts");
    fixture_free(&one);

    fixture two = fixture_of("x,y,g\n1,1,a\n2,2,b\n3,3,a\n", "y", 0);
    sp.valid_size = 0.1;
    CHECK_FAILS(hpml_split_create(two.d, &sp, &s), HPML_ERR_DATA,
                "has 2 distinct values: too few for 3 parts");
    sp.valid_size = 0;
    sp.folds = 3;
    CHECK_FAILS(hpml_split_create(two.d, &sp, &s), HPML_ERR_DATA, "too few for 3 parts");
    sp.folds = 0;
    sp.group_col = "gg";
    CHECK_FAILS(hpml_split_create(two.d, &sp, &s), HPML_ERR_DATA, "no column named 'gg'");
    sp.group_col = "g";
    fixture_free(&two);

    fixture three = fixture_of("x,y,g\n1,1,a\n2,2,b\n3,3,c\n", "y", 0);
    sp.test_size = 0.5; /* round(1.5) = 2 groups */
    sp.valid_size = 0.3; /* 1 group */
    CHECK_FAILS(hpml_split_create(three.d, &sp, &s), HPML_ERR_DATA,
                "group column 'g' has 3 groups: none left for training");
    fixture_free(&three);

    /* A missing group value is reported at its line: row 3 of the table
     * (dataset row 2, table row 1 being dropped), after a two-line record. */
    fixture gap = fixture_of("x,y,g\n1,1,a\n\"2\n\",,b\n3,3,c\n4,4,\n5,5,a\n", "y", 1);
    CHECK(gap.d && hpml_dataset_n_rows(gap.d) == 4);
    sp.test_size = 0.2;
    sp.valid_size = 0;
    CHECK_FAILS(hpml_split_create(gap.d, &sp, &s), HPML_ERR_DATA,
                "t.csv:6: group column 'g' is missing a value");
    fixture_free(&gap);
    CHECK(s == NULL);
}

/* ---------------------------------------------------------------- k-fold */

static void test_kfold_random(void)
{
    static const struct {
        size_t n;
        int k;
        size_t sizes[5];
    } cases[] = {
        {10, 3, {4, 3, 3}},
        {11, 4, {3, 3, 3, 2}},
        {5, 5, {1, 1, 1, 1, 1}}, /* leave one out */
        {12, 2, {6, 6}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        fixture fx = regression_rows(cases[c].n);
        hpml_split *s = NULL;
        hpml_split_spec sp = spec_of(HPML_SPLIT_RANDOM, 0.2, 0, cases[c].k, 9);
        CHECK_OK(hpml_split_create(fx.d, &sp, &s));
        if (s) {
            check_kfold(s, cases[c].k, cases[c].n, 1);
            for (int f = 0; f < cases[c].k; f++)
                CHECK(part_n(s, f, HPML_PART_TEST) == cases[c].sizes[f]);
            size_t m = 1;
            CHECK(hpml_split_rows(s, cases[c].k, HPML_PART_TEST, &m) == NULL && m == 0);
            CHECK(hpml_split_rows(s, -1, HPML_PART_TRAIN, &m) == NULL);
            CHECK(hpml_split_rows(s, 0, (hpml_split_part)3, &m) == NULL);
        }
        hpml_split_free(s);
        fixture_free(&fx);
    }
}

static void test_kfold_stratified(void)
{
    fixture fx = three_classes(7, 13, 30);
    hpml_split *s = NULL, *a = NULL;
    hpml_split_spec sp = spec_of(HPML_SPLIT_STRATIFIED, 0.2, 0, 4, 5);
    CHECK_OK(hpml_split_create(fx.d, &sp, &s));
    if (s) {
        check_kfold(s, 4, 50, 1);
        size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0}, sum[3] = {0, 0, 0};
        for (int f = 0; f < 4; f++) {
            size_t cnt[3];
            class_counts(fx.d, s, f, HPML_PART_TEST, cnt);
            for (int c = 0; c < 3; c++) {
                lo[c] = cnt[c] < lo[c] ? cnt[c] : lo[c];
                hi[c] = cnt[c] > hi[c] ? cnt[c] : hi[c];
                sum[c] += cnt[c];
            }
        }
        for (int c = 0; c < 3; c++)
            CHECK(hi[c] - lo[c] <= 1);
        CHECK(sum[0] == 7 && sum[1] == 13 && sum[2] == 30);
        CHECK(lo[0] == 1 && hi[0] == 2); /* 7 over 4 folds: 2,2,2,1 in some order */
    }
    sp.kind = HPML_SPLIT_AUTO;
    CHECK_OK(hpml_split_create(fx.d, &sp, &a));
    CHECK(s && a && same_split(s, a));
    hpml_split_free(s);
    hpml_split_free(a);
    fixture_free(&fx);
}

static void test_kfold_group(void)
{
    /* Groups a..e of 5, 4, 3, 2, 1 rows into 2 folds, largest first into the
     * lighter fold (lower fold on ties): a->0 (5), b->1 (4), c->1 (7),
     * d->0 (7), e->0 (8). Loads 8 and 7 whatever the seed. */
    const char *csv = "x,y,g\n"
                      "1,1,a\n2,2,b\n3,3,c\n4,4,d\n5,5,e\n"
                      "6,6,a\n7,7,b\n8,8,c\n9,9,d\n"
                      "10,1,a\n11,2,b\n12,3,c\n"
                      "13,4,a\n14,5,b\n"
                      "15,6,a\n";
    fixture fx = fixture_of(csv, "y", 0);
    int gcol = fx.t ? hpml_table_find_col(fx.t, "g") : -1;
    for (uint64_t seed = 1; seed <= 4 && fx.d; seed++) {
        hpml_split *s = NULL;
        hpml_split_spec sp = spec_of(HPML_SPLIT_GROUP, 0.2, 0, 2, seed);
        sp.group_col = "g";
        CHECK_OK(hpml_split_create(fx.d, &sp, &s));
        if (!s)
            continue;
        check_kfold(s, 2, 15, 0);
        CHECK(part_n(s, 0, HPML_PART_TEST) == 8 && part_n(s, 1, HPML_PART_TEST) == 7);
        /* Which groups: fold 0 holds a, d, e; fold 1 holds b, c. */
        const char *want[2] = {"ade", "bc"};
        for (int f = 0; f < 2; f++) {
            size_t m;
            const uint32_t *r = hpml_split_rows(s, f, HPML_PART_TEST, &m);
            for (size_t i = 0; i < m; i++) {
                const char *g = hpml_table_col_category(fx.t, gcol, group_of(&fx, gcol, r[i]));
                CHECK(g && strchr(want[f], g[0]) != NULL);
            }
        }
        hpml_split_free(s);
    }
    fixture_free(&fx);

    /* Larger: 10 groups of 1..10 rows into 3 folds; no group in two folds. */
    fx = ten_groups();
    gcol = fx.t ? hpml_table_find_col(fx.t, "g") : -1;
    hpml_split *s = NULL;
    hpml_split_spec sp = spec_of(HPML_SPLIT_GROUP, 0.2, 0, 3, 77);
    sp.group_col = "g";
    CHECK_OK(hpml_split_create(fx.d, &sp, &s));
    if (s) {
        check_kfold(s, 3, 55, 0);
        int fold_of[10];
        for (int g = 0; g < 10; g++)
            fold_of[g] = -1;
        for (int f = 0; f < 3; f++) {
            size_t m;
            const uint32_t *r = hpml_split_rows(s, f, HPML_PART_TEST, &m);
            for (size_t i = 0; i < m; i++) {
                int32_t g = group_of(&fx, gcol, r[i]);
                CHECK(fold_of[g] == -1 || fold_of[g] == f);
                fold_of[g] = f;
            }
        }
        /* Greedy on 10..1: loads 19, 18, 18 (10+5+4, 9+6+3, 8+7+2+1). */
        size_t l0 = part_n(s, 0, HPML_PART_TEST), l1 = part_n(s, 1, HPML_PART_TEST),
               l2 = part_n(s, 2, HPML_PART_TEST);
        CHECK(l0 == 19 && l1 == 18 && l2 == 18);
    }
    hpml_split_free(s);
    fixture_free(&fx);
}

/* ---------------------------------------------------------- invalid specs */

static void test_invalid_specs(void)
{
    fixture reg = regression_rows(10);
    fixture cls = three_classes(4, 3, 3);
    hpml_split *s = NULL;
    hpml_split_spec sp;

    sp = spec_of(HPML_SPLIT_RANDOM, 0, 0, 0, 1);
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "test size must be a fraction");
    sp.test_size = 1;
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "test size must be a fraction");
    sp.test_size = -0.2;
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "test size");
    sp.test_size = NAN;
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "test size");
    sp = spec_of(HPML_SPLIT_RANDOM, 0.5, 0.5, 0, 1);
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "test + valid < 1");
    sp = spec_of(HPML_SPLIT_RANDOM, 0.7, 0.4, 0, 1);
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "test + valid < 1");
    sp = spec_of(HPML_SPLIT_RANDOM, 0.2, -0.1, 0, 1);
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "valid size");
    sp = spec_of(HPML_SPLIT_RANDOM, 0.2, 0, 1, 1);
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "got 1");
    sp.folds = -2;
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "folds must be");
    sp.folds = 11;
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG,
                "11 folds need at least 11 rows; the data has 10");
    sp = spec_of(HPML_SPLIT_GROUP, 0.2, 0, 0, 1);
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "needs a group column");
    sp.group_col = "";
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "needs a group column");
    sp.folds = 3;
    sp.group_col = NULL;
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "needs a group column");
    sp = spec_of(HPML_SPLIT_STRATIFIED, 0.2, 0, 0, 1);
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG,
                "a stratified split needs a classification target");
    sp.folds = 3;
    CHECK_FAILS(hpml_split_create(reg.d, &sp, &s), HPML_ERR_ARG, "classification target");
    sp = spec_of((hpml_split_kind)9, 0.2, 0, 0, 1);
    CHECK_FAILS(hpml_split_create(cls.d, &sp, &s), HPML_ERR_ARG, "unknown split kind 9");
    sp = spec_of(HPML_SPLIT_AUTO, 0.2, 0, 0, 1);
    CHECK_FAILS(hpml_split_create(NULL, &sp, &s), HPML_ERR_ARG, "required");
    CHECK_FAILS(hpml_split_create(cls.d, NULL, &s), HPML_ERR_ARG, "required");
    CHECK_FAILS(hpml_split_create(cls.d, &sp, NULL), HPML_ERR_ARG, "out is NULL");
    CHECK(s == NULL);
    hpml_split_free(NULL);
    fixture_free(&reg);
    fixture_free(&cls);
}

/* ---------------------------------------------------- allocation failures */

/* Every allocation failure is NOMEM, leaves *out NULL, leaks nothing. */
static void test_alloc_failures(void)
{
    fixture cls = three_classes(5, 6, 9);
    fixture grp = ten_groups();
    struct {
        const fixture *fx;
        hpml_split_spec sp;
    } cases[6];
    cases[0].fx = &cls, cases[0].sp = spec_of(HPML_SPLIT_STRATIFIED, 0.2, 0.2, 0, 1);
    cases[1].fx = &cls, cases[1].sp = spec_of(HPML_SPLIT_STRATIFIED, 0.2, 0, 3, 1);
    cases[2].fx = &cls, cases[2].sp = spec_of(HPML_SPLIT_RANDOM, 0.2, 0.1, 0, 1);
    cases[3].fx = &cls, cases[3].sp = spec_of(HPML_SPLIT_RANDOM, 0.2, 0, 4, 1);
    cases[4].fx = &grp, cases[4].sp = spec_of(HPML_SPLIT_GROUP, 0.2, 0.1, 0, 1);
    cases[5].fx = &grp, cases[5].sp = spec_of(HPML_SPLIT_GROUP, 0.2, 0, 3, 1);
    cases[4].sp.group_col = cases[5].sp.group_col = "g";
    for (int c = 0; c < 6; c++) {
        int saw_ok = 0, n_fail = 0;
        for (long k = 0; k < 200 && !saw_ok; k++) {
            hpml_split *s = (hpml_split *)&saw_ok;
            hpml_test_fail_alloc(k, 0);
            hpml_status st = hpml_split_create(cases[c].fx->d, &cases[c].sp, &s);
            hpml_test_fail_alloc(-1, 0);
            if (st == HPML_OK) {
                saw_ok = 1;
                check_partition(s, 0, hpml_dataset_n_rows(cases[c].fx->d));
                hpml_split_free(s);
            } else {
                n_fail++;
                CHECK(st == HPML_ERR_NOMEM && s == NULL && strstr(hpml_last_error(), "memory"));
            }
        }
        CHECK(saw_ok && n_fail >= 5);
    }
    fixture_free(&cls);
    fixture_free(&grp);
}

int main(void)
{
    RUN(test_random_sizes);
    RUN(test_random_no_train_left);
    RUN(test_seeds);
    RUN(test_pinned_split);
    RUN(test_stratified_exact);
    RUN(test_stratified_proportions);
    RUN(test_stratified_small_class);
    RUN(test_group_split);
    RUN(test_group_numeric);
    RUN(test_group_errors);
    RUN(test_kfold_random);
    RUN(test_kfold_stratified);
    RUN(test_kfold_group);
    RUN(test_invalid_specs);
    RUN(test_alloc_failures);
    return check_summary();
}
