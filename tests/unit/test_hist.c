/* test_hist.c — quantized gradients, integer histograms, split gain (against
 * values worked out by hand in the comments). */
#include "check.h"
#include "gbdt/hist.h"
#include "gbdt/split.h"

static void test_quantize(void)
{
    enum { N = 20000 };
    static float g[N], h[N];
    static int32_t qg[N], qh[N], qg2[N], qh2[N];
    for (int i = 0; i < N; i++) {
        g[i] = (float)((i % 201) - 100) / 100.0f * 3.0f; /* -3 .. 3 */
        h[i] = 0.25f;
    }
    gbdt_quant q, q2;
    CHECK_OK(gbdt_quantize(g, h, N, 42, 7, 1, qg, qh, &q));
    CHECK_OK(gbdt_quantize(g, h, N, 42, 7, 2, qg2, qh2, &q2));
    CHECK(memcmp(qg, qg2, sizeof qg) == 0 && memcmp(qh, qh2, sizeof qh) == 0);
    CHECK_NEAR(q.scale_g, QUANT_MAX / 3.0, 1e-9);
    CHECK(qg[200] == QUANT_MAX && qg[0] == -QUANT_MAX && qh[5] == QUANT_MAX);
    /* stochastic rounding is unbiased: the sum matches to a few units */
    double exact = 0, got = 0;
    for (int i = 0; i < N; i++) {
        exact += g[i] * q.scale_g;
        got += qg[i];
        CHECK(fabs(qg[i] - g[i] * q.scale_g) < 1.0);
    }
    CHECK(fabs(got - exact) < 4 * sqrt(N * 0.25));
    CHECK_OK(gbdt_quantize(g, h, N, 42, 8, 2, qg2, qh2, &q2)); /* another round: other draws */
    CHECK(memcmp(qg, qg2, sizeof qg) != 0);
    h[3] = -1;
    CHECK_FAILS(gbdt_quantize(g, h, N, 42, 7, 1, qg, qh, &q), HPML_ERR_DATA, "row 3");
    h[3] = NAN;
    CHECK_FAILS(gbdt_quantize(g, h, N, 42, 7, 1, qg, qh, &q), HPML_ERR_DATA, "row 3");
}

/* A hand-made binned matrix: 2 features x 6 rows. */
static void test_hist_build_and_subtract(void)
{
    /* row-major: (feature 0, feature 1) per row; feature 0 = 1 2 2 0 3 1,
     * feature 1 = 5 5 4 4 4 0 */
    uint8_t codes[12] = {1, 5, 2, 5, 2, 4, 0, 4, 3, 4, 1, 0};
    int n_bins[2] = {3, 5};
    gbdt_bins b = {.n_features = 2, .n_rows = 6, .max_bin = 255, .n_bins = n_bins, .codes = codes};
    int32_t qg[6] = {10, -20, 30, -40, 50, -60}, qh[6] = {1, 2, 3, 4, 5, 6};
    static gbdt_bin_sum all[2 * HIST_BINS], some[2 * HIST_BINS], rest[2 * HIST_BINS],
        direct[2 * HIST_BINS];
    gbdt_hist_build(&b, NULL, 6, qg, qh, 1, all);
    CHECK(all[1].g == -50 && all[1].h == 7 && all[1].n == 2);   /* rows 0, 5 */
    CHECK(all[2].g == 10 && all[2].h == 5 && all[2].n == 2);    /* rows 1, 2 */
    CHECK(all[0].g == -40 && all[3].g == 50);
    CHECK(all[HIST_BINS + 4].g == 40 && all[HIST_BINS + 4].n == 3); /* rows 2, 3, 4 */
    CHECK(all[HIST_BINS + 0].g == -60);
    /* gradients travel in the order of the row list */
    uint32_t left[2] = {1, 4}, right[4] = {0, 2, 3, 5};
    int32_t lg[2] = {-20, 50}, lh[2] = {2, 5}, rg[4] = {10, 30, -40, -60}, rh[4] = {1, 3, 4, 6};
    gbdt_hist_build(&b, left, 2, lg, lh, 2, some);
    gbdt_hist_subtract(all, some, 2, rest);
    gbdt_hist_build(&b, right, 4, rg, rh, 1, direct);
    CHECK(memcmp(rest, direct, sizeof rest) == 0);
}

static void test_split_gain(void)
{
    /* missing: (-6,2,2); bins 1..4: (-4,2), (-2,2), (3,2), (5,2); totals (-4,10,10) */
    gbdt_bin_sum h[HIST_BINS] = {{-6, 2, 2}, {-4, 2, 2}, {-2, 2, 2}, {3, 2, 2}, {5, 2, 2}};
    gbdt_bin_sum total = {-4, 10, 10};
    gbdt_quant q = {1.0, 1.0};
    gbdt_split_params p = {.lambda = 1, .alpha = 0, .gamma = 0, .min_child_weight = 0,
                           .min_samples_leaf = 1};
    gbdt_split best = {.feature = -1, .gain = p.gamma};
    gbdt_split_feature(h, 5, &total, &q, &p, 3, &best);
    /* missing left, bins 1..2 left: L (-12, 6), R (8, 4):
     * 144/7 + 64/5 - 16/11 = 31.917 (the six candidates by hand: 3.88, 6.32,
     * 0.03 with missing right; 23.69, 31.92, 15.88 with missing left) */
    CHECK(best.feature == 3 && best.bin == 2 && best.missing_left == 1);
    CHECK_NEAR(best.gain, 144.0 / 7 + 64.0 / 5 - 16.0 / 11, 1e-12);
    CHECK(best.left.g == -12 && best.left.h == 6 && best.left.n == 6 && best.right.g == 8);
    CHECK_NEAR(gbdt_leaf_value(-4, 10, &p), 4.0 / 11, 1e-15);
    /* L1: soft-threshold by 1 */
    p.alpha = 1;
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(h, 5, &total, &q, &p, 0, &best);
    CHECK(best.bin == 2 && best.missing_left == 1);
    CHECK_NEAR(best.gain, 121.0 / 7 + 49.0 / 5 - 9.0 / 11, 1e-12);
    CHECK_NEAR(gbdt_leaf_value(0.5, 3, &p), 0.0, 0);
    /* min_child_weight 5: no candidate has both sides' hessian >= 5 */
    p.alpha = 0;
    p.min_child_weight = 5;
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(h, 5, &total, &q, &p, 0, &best);
    CHECK(best.feature == -1);
    /* gamma above the best gain: no split */
    p.min_child_weight = 0;
    best = (gbdt_split){.feature = -1, .gain = 40};
    gbdt_split_feature(h, 5, &total, &q, &p, 0, &best);
    CHECK(best.feature == -1);
    /* min_samples_leaf 5: only L/R with >= 5 rows each: missing left + bins 1..2 (6 | 4)? no;
     * missing right bins 1..2 (4|6) no; ml b1 (4|6) no, mr b3 (6|4) no -> none */
    p.min_samples_leaf = 5;
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(h, 5, &total, &q, &p, 0, &best);
    CHECK(best.feature == -1);
    /* scales: the same sums at scale 2 give half the G and H */
    p.min_samples_leaf = 1;
    gbdt_quant q2 = {2.0, 2.0};
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(h, 5, &total, &q2, &p, 0, &best);
    CHECK_NEAR(best.gain, 36.0 / 4 + 16.0 / 3 - 4.0 / 6, 1e-12);
}

int main(void)
{
    RUN(test_quantize);
    RUN(test_hist_build_and_subtract);
    RUN(test_split_gain);
    return check_summary();
}
