/* test_metrics.c — the metrics against scikit-learn/scipy reference values
 * (metrics_ref.h, from tests/ref/gen_metrics_ref.py), closed forms, every
 * argument error, allocation failures, and the O(n) / O(n log n) AUC and
 * Spearman against plain references on 200,000 generated rows. */
#include <stdint.h>

#include "check.h"
#include "core/alloc.h"
#include "metrics_ref.h"

typedef hpml_status (*regression_fn)(const float *, const float *, size_t, double *);
typedef hpml_status (*class_fn)(const float *, const float *, size_t, int, double *);

static const struct { const char *name; regression_fn fn; } regression_fns[] = {
    {"rmse", hpml_metric_rmse},       {"mae", hpml_metric_mae},
    {"r2", hpml_metric_r2},           {"pearson", hpml_metric_pearson},
    {"spearman", hpml_metric_spearman},
};
static const struct { const char *name; class_fn fn; } class_fns[] = {
    {"auc", hpml_metric_auc},           {"logloss", hpml_metric_logloss},
    {"accuracy", hpml_metric_accuracy}, {"macro_f1", hpml_metric_macro_f1},
};
#define N_REG (sizeof regression_fns / sizeof regression_fns[0])
#define N_CLASS (sizeof class_fns / sizeof class_fns[0])
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* got must agree with the reference to 1e-12 relative (1e-15 absolute near
 * 0); on failure the case and metric are named. */
static void check_ref(double got, double want, const char *what, const char *metric)
{
    if (!(fabs(got - want) <= 1e-12 * fabs(want) + 1e-15)) {
        fprintf(stderr, "  %s %s = %.17g, sklearn/scipy %.17g\n", what, metric, got, want);
        check_failed_now = 1;
    }
}

/* Value of a metric that must succeed (NaN, and a failed check, otherwise). */
static double reg(regression_fn fn, const float *y, const float *p, size_t n)
{
    double v = NAN;
    CHECK_OK(fn(y, p, n, &v));
    return v;
}
static double cls(class_fn fn, const float *y, const float *prob, size_t n, int k)
{
    double v = NAN;
    CHECK_OK(fn(y, prob, n, k, &v));
    return v;
}

/* ------------------------------------------------------ reference values */

static void test_regression_matches_reference(void)
{
    for (size_t c = 0; c < COUNT(ref_regression_cases); c++) {
        const ref_regression *r = &ref_regression_cases[c];
        const double want[N_REG] = {r->rmse, r->mae, r->r2, r->pearson, r->spearman};
        for (size_t m = 0; m < N_REG; m++)
            check_ref(reg(regression_fns[m].fn, r->y, r->p, r->n), want[m], r->name,
                      regression_fns[m].name);
    }
}

static void test_classification_matches_reference(void)
{
    for (size_t c = 0; c < COUNT(ref_classification_cases); c++) {
        const ref_classification *r = &ref_classification_cases[c];
        const double want[N_CLASS] = {r->auc, r->logloss, r->accuracy, r->macro_f1};
        for (size_t m = 0; m < N_CLASS; m++) {
            if (m == 0 && !r->auc_defined) {
                double v;
                CHECK_FAILS(hpml_metric_auc(r->y, r->prob, r->n, r->k, &v), HPML_ERR_ARG,
                            "AUC is undefined for class");
                continue;
            }
            check_ref(cls(class_fns[m].fn, r->y, r->prob, r->n, r->k), want[m], r->name,
                      class_fns[m].name);
        }
    }
}

/* ---------------------------------------------------------- closed forms */

static void test_regression_closed_forms(void)
{
    const float y[4] = {1, 2, 3, 4}, p[4] = {2, 2, 4, 4};
    const float neg[4] = {-1, -2, -3, -4}, cube[4] = {1, 8, 27, 64};
    CHECK(reg(hpml_metric_rmse, y, y, 4) == 0);
    CHECK(reg(hpml_metric_mae, y, y, 4) == 0);
    CHECK(reg(hpml_metric_r2, y, y, 4) == 1);
    CHECK_NEAR(reg(hpml_metric_pearson, y, y, 4), 1, 1e-15);
    CHECK_NEAR(reg(hpml_metric_spearman, y, y, 4), 1, 1e-15);
    /* Errors 1,0,1,0; SS_tot 5; centred p is -1,-1,1,1. */
    CHECK_NEAR(reg(hpml_metric_rmse, y, p, 4), sqrt(0.5), 1e-15);
    CHECK_NEAR(reg(hpml_metric_mae, y, p, 4), 0.5, 1e-15);
    CHECK_NEAR(reg(hpml_metric_r2, y, p, 4), 0.6, 1e-15);
    CHECK_NEAR(reg(hpml_metric_pearson, y, p, 4), 4 / sqrt(20), 1e-15);
    CHECK_NEAR(reg(hpml_metric_spearman, y, p, 4), 4 / sqrt(20), 1e-15); /* ranks 1.5,1.5,3.5,3.5 */
    CHECK_NEAR(reg(hpml_metric_pearson, y, neg, 4), -1, 1e-15);
    CHECK_NEAR(reg(hpml_metric_spearman, y, neg, 4), -1, 1e-15);
    CHECK_NEAR(reg(hpml_metric_spearman, y, cube, 4), 1, 1e-15); /* monotone, not linear */
    CHECK(reg(hpml_metric_pearson, y, cube, 4) < 0.99);
    const float one = 3, other = 5;
    CHECK(reg(hpml_metric_rmse, &one, &other, 1) == 2);
    /* Keys that differ in one byte only: the radix sort makes a single pass
     * (an odd count, so the result has to be copied back). */
    const float half[4] = {0.75f, 0.5f, 0.875f, 0.625f}, order[4] = {3, 1, 4, 2};
    CHECK_NEAR(reg(hpml_metric_spearman, half, order, 4), 1, 1e-15);
    CHECK_NEAR(reg(hpml_metric_spearman, order, half, 4), 1, 1e-15);
}

static void test_auc_closed_forms(void)
{
    const float y[4] = {0, 0, 1, 1};
    const float perfect[4] = {0.1f, 0.2f, 0.7f, 0.9f}, reversed[4] = {0.9f, 0.7f, 0.2f, 0.1f};
    const float tied[4] = {0.3f, 0.3f, 0.3f, 0.3f}, classic[4] = {0.1f, 0.4f, 0.35f, 0.8f};
    CHECK(cls(hpml_metric_auc, y, perfect, 4, 1) == 1);
    CHECK(cls(hpml_metric_auc, y, reversed, 4, 1) == 0);
    CHECK(cls(hpml_metric_auc, y, tied, 4, 1) == 0.5);
    CHECK(cls(hpml_metric_auc, y, classic, 4, 1) == 0.75); /* sklearn's docstring example */
    /* A positive tied with a negative counts one half: (0.5 + 1 + 1 + 1) / 4. */
    const float y2[4] = {0, 1, 0, 1}, s2[4] = {0.5f, 0.5f, 0.2f, 0.9f};
    CHECK(cls(hpml_metric_auc, y2, s2, 4, 1) == 0.875);
    /* The same scores as an n x 2 matrix: only column 1 counts. */
    const float m2[8] = {0.9f, 0.5f, 0.1f, 0.5f, 0.3f, 0.2f, 0.0f, 0.9f};
    CHECK(cls(hpml_metric_auc, y2, m2, 4, 2) == 0.875);
    /* Zeros of either sign are one tie. */
    const float z[4] = {-0.0f, -0.0f, 0.0f, 0.0f};
    CHECK(cls(hpml_metric_auc, y, z, 4, 1) == 0.5);
    /* Multiclass: perfect separation in every column, then all tied. */
    const float y3[3] = {0, 1, 2};
    const float eye[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    const float flat[9] = {0.2f, 0.3f, 0.5f, 0.2f, 0.3f, 0.5f, 0.2f, 0.3f, 0.5f};
    CHECK(cls(hpml_metric_auc, y3, eye, 3, 3) == 1);
    CHECK(cls(hpml_metric_auc, y3, flat, 3, 3) == 0.5);
}

static void test_logloss_closed_forms(void)
{
    const float y[2] = {1, 0}, p[2] = {0.8f, 0.3f};
    CHECK_NEAR(cls(hpml_metric_logloss, y, p, 2, 1), -(log(0.8f) + log(1 - (double)0.3f)) / 2,
               1e-15);
    /* Clipped at 1e-15: a confident miss costs -log(1e-15), a hit ~1e-15. */
    const float one = 1, zero = 0;
    CHECK_NEAR(cls(hpml_metric_logloss, &one, &zero, 1, 1), -log(1e-15), 1e-12);
    CHECK_NEAR(cls(hpml_metric_logloss, &one, &one, 1, 1), 1e-15, 1e-16);
    /* Rows are renormalised after clipping: P(class 0) = 0.2 / 0.8. */
    const float row[2] = {0.2f, 0.6f};
    CHECK_NEAR(cls(hpml_metric_logloss, &zero, row, 1, 2), -log(0.2f / ((double)0.2f + 0.6f)),
               1e-15);
    /* An all-zero row becomes uniform. */
    const float two = 2, zeros[3] = {0, 0, 0};
    CHECK_NEAR(cls(hpml_metric_logloss, &two, zeros, 1, 3), log(3), 1e-15);
}

static void test_accuracy_and_f1_closed_forms(void)
{
    /* k == 1: p >= 0.5 is class 1. k >= 2: the first maximum wins. */
    const float y1[3] = {1, 0, 0}, p1[3] = {0.5f, 0.49f, 0.51f};
    CHECK_NEAR(cls(hpml_metric_accuracy, y1, p1, 3, 1), 2.0 / 3, 1e-15);
    const float y3[2] = {0, 0}, tie3[6] = {0.4f, 0.4f, 0.2f, 0.3f, 0.3f, 0.3f};
    CHECK(cls(hpml_metric_accuracy, y3, tie3, 2, 3) == 1);

    /* y 0,0,1,2 predicted 0,1,1,1: F1 = 2/3, 1/2, 0 -> 7/18. */
    const float y[4] = {0, 0, 1, 2};
    const float p3[12] = {1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0};
    CHECK_NEAR(cls(hpml_metric_macro_f1, y, p3, 4, 3), 7.0 / 18, 1e-15);
    /* Same with k = 5: classes 3 and 4 occur nowhere, so they are not averaged. */
    const float p5[20] = {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0};
    CHECK_NEAR(cls(hpml_metric_macro_f1, y, p5, 4, 5), 7.0 / 18, 1e-15);
    /* Class 4 predicted once but never true: it counts, with F1 0. */
    const float p5b[20] = {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    /* F1: class 0 2/3, class 1 2/3 (P 1/2, R 1), class 2 0, class 4 0. */
    CHECK_NEAR(cls(hpml_metric_macro_f1, y, p5b, 4, 5), (4.0 / 3) / 4, 1e-15);
    /* One class, always right: F1 1 (binary tasks average only classes present). */
    const float y0[3] = {0, 0, 0}, lo[3] = {0.1f, 0.2f, 0.3f};
    CHECK(cls(hpml_metric_macro_f1, y0, lo, 3, 1) == 1);
    CHECK(cls(hpml_metric_accuracy, y0, lo, 3, 1) == 1);
}

/* ---------------------------------------------------------------- errors */

static void test_regression_errors(void)
{
    const float y[3] = {1, 2, 3}, p[3] = {1, 2, 4}, c[3] = {7, 7, 7};
    const float nan_[3] = {1, NAN, 3}, inf_[3] = {1, 2, INFINITY};
    double v;
    for (size_t m = 0; m < N_REG; m++) {
        regression_fn fn = regression_fns[m].fn;
        CHECK_FAILS(fn(NULL, p, 3, &v), HPML_ERR_ARG, "must not be NULL");
        CHECK_FAILS(fn(y, NULL, 3, &v), HPML_ERR_ARG, "must not be NULL");
        CHECK_FAILS(fn(y, p, 3, NULL), HPML_ERR_ARG, "must not be NULL");
        CHECK_FAILS(fn(y, p, 0, &v), HPML_ERR_ARG, "n must be > 0");
        CHECK_FAILS(fn(nan_, p, 3, &v), HPML_ERR_ARG, "y[1] is not finite");
        CHECK_FAILS(fn(y, inf_, 3, &v), HPML_ERR_ARG, "p[2] is not finite");
        CHECK_FAILS(fn(y, p, 0, &v), HPML_ERR_ARG, "hpml_metric_");
    }
    CHECK_FAILS(hpml_metric_pearson(c, p, 3, &v), HPML_ERR_ARG, "undefined: y is constant");
    CHECK_FAILS(hpml_metric_pearson(y, c, 3, &v), HPML_ERR_ARG, "undefined: p is constant");
    CHECK_FAILS(hpml_metric_spearman(c, p, 3, &v), HPML_ERR_ARG, "undefined: y is constant");
    CHECK_FAILS(hpml_metric_spearman(y, c, 3, &v), HPML_ERR_ARG, "undefined: p is constant");
    CHECK_FAILS(hpml_metric_r2(c, p, 3, &v), HPML_ERR_ARG, "R² is undefined: y is constant");
    /* A constant prediction is fine for R² (and a single row for RMSE). */
    CHECK_NEAR(reg(hpml_metric_r2, y, c, 3), 1 - (36.0 + 25 + 16) / 2, 1e-15);
}

static void test_classification_errors(void)
{
    const float y[3] = {0, 1, 1}, p[3] = {0.2f, 0.6f, 0.9f};
    const float nan_y[3] = {0, NAN, 1}, big_y[3] = {0, 2, 1}, frac_y[3] = {0, 0.5f, 1};
    const float neg_y[3] = {-1, 0, 1}, hi_p[3] = {0.2f, 1.5f, 0.9f};
    const float lo_p[3] = {0.2f, -0.1f, 0.9f}, nan_p[3] = {NAN, 0.5f, 0.9f};
    double v;
    for (size_t m = 0; m < N_CLASS; m++) {
        class_fn fn = class_fns[m].fn;
        CHECK_FAILS(fn(NULL, p, 3, 1, &v), HPML_ERR_ARG, "must not be NULL");
        CHECK_FAILS(fn(y, NULL, 3, 1, &v), HPML_ERR_ARG, "must not be NULL");
        CHECK_FAILS(fn(y, p, 3, 1, NULL), HPML_ERR_ARG, "must not be NULL");
        CHECK_FAILS(fn(y, p, 0, 1, &v), HPML_ERR_ARG, "n must be > 0");
        CHECK_FAILS(fn(y, p, 3, 0, &v), HPML_ERR_ARG, "k must be >= 1, got 0");
        CHECK_FAILS(fn(y, p, 3, -2, &v), HPML_ERR_ARG, "k must be >= 1");
        CHECK_FAILS(fn(nan_y, p, 3, 1, &v), HPML_ERR_ARG, "y[1] is not finite");
        CHECK_FAILS(fn(big_y, p, 3, 1, &v), HPML_ERR_ARG, "y[1] = 2 is not a class index in [0, 2)");
        CHECK_FAILS(fn(frac_y, p, 3, 1, &v), HPML_ERR_ARG, "y[1] = 0.5 is not a class index");
        CHECK_FAILS(fn(neg_y, p, 3, 1, &v), HPML_ERR_ARG, "y[0] = -1 is not a class index");
        CHECK_FAILS(fn(y, hi_p, 3, 1, &v), HPML_ERR_ARG, "prob[1][0] = 1.5 is not a probability");
        CHECK_FAILS(fn(y, lo_p, 3, 1, &v), HPML_ERR_ARG, "prob[1][0] = -0.1");
        CHECK_FAILS(fn(y, nan_p, 3, 1, &v), HPML_ERR_ARG, "prob[0][0] = nan");
        CHECK_FAILS(fn(y, p, 0, 1, &v), HPML_ERR_ARG, "hpml_metric_");
    }
    /* y = 2 is fine with k = 3, not with k = 2; row/column named for k > 1. */
    const float m3[6] = {0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 2.0f};
    CHECK_FAILS(hpml_metric_accuracy(big_y, m3, 3, 2, &v), HPML_ERR_ARG, "not a class index in [0, 2)");
    CHECK_FAILS(hpml_metric_accuracy(y, m3, 2, 3, &v), HPML_ERR_ARG, "prob[1][2] = 2");

    const float ones[3] = {1, 1, 1}, y3[3] = {0, 2, 0};
    const float m3ok[9] = {0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f, 0.6f, 0.2f, 0.2f};
    CHECK_FAILS(hpml_metric_auc(ones, p, 3, 1, &v), HPML_ERR_ARG,
                "hpml_metric_auc: AUC is undefined: y holds only class 1");
    CHECK_FAILS(hpml_metric_auc(ones, m3ok, 3, 3, &v), HPML_ERR_ARG, "y holds only class 1");
    CHECK_FAILS(hpml_metric_auc(y3, m3ok, 3, 3, &v), HPML_ERR_ARG,
                "AUC is undefined for class 1: y holds no row of that class");
    /* The other metrics are defined with one class in y. */
    CHECK_NEAR(cls(hpml_metric_accuracy, ones, p, 3, 1), 2.0 / 3, 1e-15);
}

/* Allocation i = 0, 1, ... fails in turn until the call needs fewer: each
 * failure must be HPML_ERR_NOMEM with a message and leak nothing (the
 * sanitizer build checks leaks); then the call succeeds with the right value. */
static void check_alloc_failures(int m, const float *y, const float *x, size_t n, int k,
                                 double want)
{
    double v = NAN;
    hpml_status s = HPML_ERR_NOMEM;
    long i;
    for (i = 0; i < 50 && s == HPML_ERR_NOMEM; i++) {
        hpml_test_fail_alloc(i, 0);
        s = m < 0 ? hpml_metric_spearman(y, x, n, &v) : class_fns[m].fn(y, x, n, k, &v);
        hpml_test_fail_alloc(-1, 0);
        if (s == HPML_ERR_NOMEM)
            CHECK(strstr(hpml_last_error(), "out of memory") != NULL);
    }
    CHECK(s == HPML_OK && i > 1);
    CHECK(v == want);
}

static void test_allocation_failures(void)
{
    const float y[6] = {0, 1, 2, 0, 1, 2}, p[6] = {3, 1, 2, 2, 5, 4};
    const float prob[18] = {0.5f, 0.3f, 0.2f, 0.1f, 0.8f, 0.1f, 0.2f, 0.2f, 0.6f,
                            0.4f, 0.4f, 0.2f, 0.3f, 0.4f, 0.3f, 0.1f, 0.1f, 0.8f};
    check_alloc_failures(-1, y, p, 6, 0, reg(hpml_metric_spearman, y, p, 6));
    check_alloc_failures(0, y, prob, 6, 3, cls(hpml_metric_auc, y, prob, 6, 3));
    check_alloc_failures(3, y, prob, 6, 3, cls(hpml_metric_macro_f1, y, prob, 6, 3));
}

/* ------------------------------------------------- large randomized test */

#define BIG_N 200000
#define SUB_N 2000

static uint64_t lcg_state;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(lcg_state >> 33);
}

/* Scores on 1001 levels in [0, 1] (so heavy ties, and zeros of both signs),
 * y with P(1) rising with the score; k == 4 columns for the multiclass check,
 * column c leaning towards class c (64 + 32 levels: ties there too). */
static void make_data(float *y, float *s, float *y4, float *prob4, size_t n)
{
    lcg_state = 12345;
    for (size_t i = 0; i < n; i++) {
        int level = (int)(lcg() % 1001);
        s[i] = (float)level * 0.001f;
        if (level == 0 && (lcg() & 1))
            s[i] = -0.0f;
        y[i] = (float)(lcg() % 1001 < (uint32_t)level);
        y4[i] = (float)(lcg() % 4);
        for (int c = 0; c < 4; c++)
            prob4[4 * i + c] = (float)(lcg() % 64 + (c == (int)y4[i]) * (lcg() % 32)) / 128.0f;
    }
}

/* Plain AUC by comparing every positive with every negative. */
static double auc_pairs(const float *y, const float *s, size_t stride, size_t n, int cls)
{
    double wins = 0, pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        if ((int)y[i] != cls)
            continue;
        pos++;
        for (size_t j = 0; j < n; j++) {
            if ((int)y[j] == cls)
                continue;
            float a = s[i * stride], b = s[j * stride];
            wins += a > b ? 1 : a == b ? 0.5 : 0;
        }
    }
    neg = (double)n * pos - pos * pos; /* pos * (n - pos) */
    return wins / neg;
}

/* Average ranks by counting, O(n^2). */
static void ranks_by_counting(const float *x, size_t n, double *r)
{
    for (size_t i = 0; i < n; i++) {
        double less = 0, eq = 0;
        for (size_t j = 0; j < n; j++) {
            less += x[j] < x[i];
            eq += x[j] == x[i];
        }
        r[i] = less + (eq + 1) / 2;
    }
}

static double pearson_d(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= n;
    mb /= n;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

/* AUC of scores on the 1001 levels by histogram: exact integer counts. */
static double auc_histogram(const float *y, const float *s, size_t n)
{
    static uint64_t pos[1001], neg[1001];
    memset(pos, 0, sizeof pos);
    memset(neg, 0, sizeof neg);
    for (size_t i = 0; i < n; i++) {
        int level = (int)lround(s[i] * 1000.0);
        (y[i] == 1 ? pos : neg)[level]++;
    }
    uint64_t below = 0, u2 = 0, np_ = 0, nn = 0;
    for (int l = 0; l < 1001; l++) {
        u2 += pos[l] * (2 * below + neg[l]);
        below += neg[l];
        np_ += pos[l];
        nn += neg[l];
    }
    return (double)u2 / (2.0 * (double)np_ * (double)nn);
}

static void test_large_random_against_plain(void)
{
    float *y = malloc(BIG_N * sizeof *y), *s = malloc(BIG_N * sizeof *s);
    float *y4 = malloc(BIG_N * sizeof *y4), *prob4 = malloc(4 * BIG_N * sizeof *prob4);
    double *ra = malloc(SUB_N * sizeof *ra), *rb = malloc(SUB_N * sizeof *rb);
    CHECK(y && s && y4 && prob4 && ra && rb);
    if (!(y && s && y4 && prob4 && ra && rb))
        goto done;
    make_data(y, s, y4, prob4, BIG_N);

    /* Whole set: binary AUC against the histogram count (both exact). */
    double auc = cls(hpml_metric_auc, y, s, BIG_N, 1);
    CHECK_NEAR(auc, auc_histogram(y, s, BIG_N), 1e-15);
    CHECK(auc > 0.6 && auc < 0.95);

    /* Subsample: every metric against the O(n^2) definitions. */
    CHECK_NEAR(cls(hpml_metric_auc, y, s, SUB_N, 1), auc_pairs(y, s, 1, SUB_N, 1), 1e-13);
    double macro = 0;
    for (int c = 0; c < 4; c++)
        macro += auc_pairs(y4, prob4 + c, 4, SUB_N, c);
    CHECK_NEAR(cls(hpml_metric_auc, y4, prob4, SUB_N, 4), macro / 4, 1e-13);
    ranks_by_counting(s, SUB_N, ra);
    ranks_by_counting(prob4, SUB_N, rb); /* first SUB_N values of the matrix: also tied */
    CHECK_NEAR(reg(hpml_metric_spearman, s, prob4, SUB_N), pearson_d(ra, rb, SUB_N), 1e-12);

    /* Whole set, Spearman: y (0/1) against the scores; ranks by histogram. */
    {
        static double level_rank[1001];
        static uint64_t cnt[1001];
        memset(cnt, 0, sizeof cnt);
        size_t n1 = 0;
        for (size_t i = 0; i < BIG_N; i++) {
            cnt[lround(s[i] * 1000.0)]++;
            n1 += y[i] == 1;
        }
        uint64_t below = 0;
        for (int l = 0; l < 1001; l++) {
            level_rank[l] = (double)below + ((double)cnt[l] + 1) / 2;
            below += cnt[l];
        }
        double *rs = malloc(BIG_N * sizeof *rs), *ry = malloc(BIG_N * sizeof *ry);
        CHECK(rs && ry);
        if (rs && ry) {
            size_t n0 = BIG_N - n1;
            for (size_t i = 0; i < BIG_N; i++) {
                rs[i] = level_rank[lround(s[i] * 1000.0)];
                ry[i] = y[i] == 1 ? n0 + (n1 + 1) / 2.0 : (n0 + 1) / 2.0;
            }
            double rho = reg(hpml_metric_spearman, y, s, BIG_N);
            CHECK_NEAR(rho, pearson_d(ry, rs, BIG_N), 1e-12);
            CHECK(rho > 0.3);
        }
        free(rs);
        free(ry);
    }

    /* Deterministic: the same bits twice; AUC (exact counts) is unchanged by
     * reversing the rows. */
    double again = cls(hpml_metric_auc, y, s, BIG_N, 1);
    CHECK(memcmp(&again, &auc, sizeof auc) == 0);
    for (size_t i = 0; i < BIG_N / 2; i++) {
        float t = y[i];
        y[i] = y[BIG_N - 1 - i];
        y[BIG_N - 1 - i] = t;
        t = s[i];
        s[i] = s[BIG_N - 1 - i];
        s[BIG_N - 1 - i] = t;
    }
    CHECK(cls(hpml_metric_auc, y, s, BIG_N, 1) == auc);
done:
    free(y);
    free(s);
    free(y4);
    free(prob4);
    free(ra);
    free(rb);
}

int main(void)
{
    RUN(test_regression_matches_reference);
    RUN(test_classification_matches_reference);
    RUN(test_regression_closed_forms);
    RUN(test_auc_closed_forms);
    RUN(test_logloss_closed_forms);
    RUN(test_accuracy_and_f1_closed_forms);
    RUN(test_regression_errors);
    RUN(test_classification_errors);
    RUN(test_allocation_failures);
    RUN(test_large_random_against_plain);
    return check_summary();
}
