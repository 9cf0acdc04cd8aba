/* test_hist.c — quantized gradients, integer histograms, split gain (against
 * values worked out by hand in the comments). */
#include "check.h"
#include "gbdt/hist.h"
#include "gbdt/split.h"

static void test_quantize(void)
{
    enum { N = 20000 };
    static float g[N], h[N];
    static int64_t pk[N], pk2[N];
    for (int i = 0; i < N; i++) {
        g[i] = (float)((i % 201) - 100) / 100.0f * 3.0f; /* -3 .. 3 */
        h[i] = 0.25f;
    }
    /* the quantum keeps sums over all rows within 31 bits */
    CHECK(gbdt_quantum(1000) == QUANT_MAX);
    CHECK(gbdt_quantum(N) == 2147483647 / N);
    CHECK(gbdt_quantum(1000000) == 2147);
    CHECK(gbdt_quantum((size_t)1 << 40) == 1);
    const int64_t Q = gbdt_quantum(N);
    gbdt_quant q, q2;
    CHECK_OK(gbdt_quantize(g, h, N, N, 42, 7, 1, pk, &q));
    CHECK_OK(gbdt_quantize(g, h, N, N, 42, 7, 2, pk2, &q2));
    CHECK(memcmp(pk, pk2, sizeof pk) == 0);
    CHECK_NEAR(q.scale_g, Q / 3.0, 1e-9);
    CHECK(gbdt_packed_g(pk[200]) == Q && gbdt_packed_g(pk[0]) == -Q && gbdt_packed_h(pk[5]) == Q);
    /* stochastic rounding is unbiased: the sum matches to a few units */
    double exact = 0, got = 0;
    int64_t sum = 0;
    for (int i = 0; i < N; i++) {
        exact += g[i] * q.scale_g;
        got += (double)gbdt_packed_g(pk[i]);
        sum += pk[i];
        CHECK(fabs((double)gbdt_packed_g(pk[i]) - g[i] * q.scale_g) < 1.0);
    }
    CHECK(fabs(got - exact) < 4 * sqrt(N * 0.25));
    /* packed sums are the sums of the halves */
    CHECK(gbdt_packed_g(sum) == (int64_t)got && gbdt_packed_h(sum) == (int64_t)N * Q);
    CHECK_OK(gbdt_quantize(g, h, N, N, 42, 8, 2, pk2, &q2)); /* another round: other draws */
    CHECK(memcmp(pk, pk2, sizeof pk) != 0);
    /* more rows elsewhere (n_total): a smaller quantum */
    CHECK_OK(gbdt_quantize(g, h, N, 4 * (size_t)N, 42, 7, 1, pk2, &q2));
    CHECK_NEAR(q2.scale_g, gbdt_quantum(4 * (size_t)N) / 3.0, 1e-9);
    h[3] = -1;
    CHECK_FAILS(gbdt_quantize(g, h, N, N, 42, 7, 1, pk, &q), HPML_ERR_DATA, "row 3");
    h[3] = NAN;
    CHECK_FAILS(gbdt_quantize(g, h, N, N, 42, 7, 1, pk, &q), HPML_ERR_DATA, "row 3");
}

static void pack_all(const int32_t *g, const int32_t *h, int n, int64_t *out)
{
    for (int i = 0; i < n; i++)
        out[i] = gbdt_pack(g[i], h[i]);
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
    int64_t pk[6];
    pack_all(qg, qh, 6, pk);
    static int64_t all_gh[2 * HIST_BINS], all_n[2 * HIST_BINS], some_gh[2 * HIST_BINS],
        some_n[2 * HIST_BINS], rest_gh[2 * HIST_BINS], rest_n[2 * HIST_BINS],
        direct_gh[2 * HIST_BINS], direct_n[2 * HIST_BINS], plain[2 * HIST_BINS];
    gbdt_hist all = {all_gh, all_n}, some = {some_gh, some_n}, rest = {rest_gh, rest_n},
              direct = {direct_gh, direct_n}, nocount = {plain, NULL};
    gbdt_hist_build(&b, NULL, 0, NULL, 6, pk, 1, NULL, NULL, &all);
    CHECK(gbdt_packed_g(all_gh[1]) == -50 && gbdt_packed_h(all_gh[1]) == 7 && all_n[1] == 2);
    CHECK(gbdt_packed_g(all_gh[2]) == 10 && gbdt_packed_h(all_gh[2]) == 5 && all_n[2] == 2);
    CHECK(gbdt_packed_g(all_gh[0]) == -40 && gbdt_packed_g(all_gh[3]) == 50);
    CHECK(gbdt_packed_g(all_gh[HIST_BINS + 4]) == 40 && all_n[HIST_BINS + 4] == 3);
    CHECK(gbdt_packed_g(all_gh[HIST_BINS + 0]) == -60);
    gbdt_hist_build(&b, NULL, 0, NULL, 6, pk, 2, NULL, NULL, &nocount); /* without counts: same sums */
    CHECK(memcmp(plain, all_gh, sizeof plain) == 0);
    /* gradients travel in the order of the row list */
    uint32_t left[2] = {1, 4}, right[4] = {0, 2, 3, 5};
    int32_t lg[2] = {-20, 50}, lh[2] = {2, 5}, rg[4] = {10, 30, -40, -60}, rh[4] = {1, 3, 4, 6};
    int64_t lp[2], rp[4];
    pack_all(lg, lh, 2, lp);
    pack_all(rg, rh, 4, rp);
    gbdt_hist_build(&b, NULL, 0, left, 2, lp, 2, NULL, NULL, &some);
    gbdt_hist_subtract(&b, &all, &some, NULL, 0, &rest);
    gbdt_hist_build(&b, NULL, 0, right, 4, rp, 1, NULL, NULL, &direct);
    CHECK(memcmp(rest_gh, direct_gh, sizeof rest_gh) == 0);
    CHECK(memcmp(rest_n, direct_n, sizeof rest_n) == 0);
    /* a subset of features touches only those */
    int feats[1] = {1};
    plain[5] = 12345;
    gbdt_hist_build(&b, feats, 1, NULL, 6, pk, 1, NULL, NULL, &nocount);
    CHECK(plain[5] == 12345 && memcmp(plain + HIST_BINS, all_gh + HIST_BINS, HIST_BINS * 8) == 0);
}

/* Rows split across threads (each with its own sums, added after) gives
 * exactly the sums of one thread, for all features and for a subset. */
static void test_hist_rows_split(void)
{
    enum { N = 5000, NF = 5 };
    static uint8_t codes[N * NF];
    static int64_t pk[N], one[NF * HIST_BINS], two[NF * HIST_BINS], spare[3 * NF * HIST_BINS];
    static uint32_t rows[N / 2];
    int n_bins[NF] = {255, 255, 3, 255, 17};
    for (int i = 0; i < N * NF; i++)
        codes[i] = (uint8_t)((i * 2654435761u >> 7) % (unsigned)(n_bins[i % NF] + 1));
    for (int i = 0; i < N; i++)
        pk[i] = gbdt_pack((i * 7919) % 2001 - 1000, (i * 104729) % 1000);
    for (int i = 0; i < N / 2; i++)
        rows[i] = (uint32_t)(2 * i + (i % 3 == 0));
    gbdt_bins b = {.n_features = NF, .n_rows = N, .max_bin = 255, .n_bins = n_bins, .codes = codes};
    gbdt_hist h1 = {one, NULL}, h2 = {two, NULL};
    gbdt_hist_build(&b, NULL, 0, NULL, N, pk, 1, NULL, NULL, &h1);
    gbdt_hist_build(&b, NULL, 0, NULL, N, pk, 2, spare, NULL, &h2);
    CHECK(memcmp(one, two, sizeof one) == 0);
    gbdt_hist_build(&b, NULL, 0, rows, N / 2, pk, 1, NULL, NULL, &h1);
    gbdt_hist_build(&b, NULL, 0, rows, N / 2, pk, 4, spare, NULL, &h2);
    CHECK(memcmp(one, two, sizeof one) == 0);
    int feats[2] = {1, 4};
    memset(two, 0x5a, sizeof two);
    gbdt_hist_build(&b, feats, 2, rows, N / 2, pk, 3, spare, NULL, &h2);
    CHECK(memcmp(one + HIST_BINS, two + HIST_BINS, HIST_BINS * 8) == 0);
    CHECK(memcmp(one + 4 * HIST_BINS, two + 4 * HIST_BINS, HIST_BINS * 8) == 0);
    CHECK(two[0] == 0x5a5a5a5a5a5a5a5aLL); /* feature 0 untouched */
}

/* Packed histogram of one feature from (g, h) pairs, and counts. */
static void pack_bins(const gbdt_bin_sum *s, int n, int64_t *gh, int64_t *cnt)
{
    for (int i = 0; i < n; i++) {
        gh[i] = gbdt_pack(s[i].g, s[i].h);
        cnt[i] = s[i].n;
    }
}

static void test_split_gain(void)
{
    /* missing: (-6,2,2); bins 1..4: (-4,2), (-2,2), (3,2), (5,2); totals (-4,10,10) */
    gbdt_bin_sum h[5] = {{-6, 2, 2}, {-4, 2, 2}, {-2, 2, 2}, {3, 2, 2}, {5, 2, 2}};
    static int64_t gh[HIST_BINS], cnt[HIST_BINS];
    pack_bins(h, 5, gh, cnt);
    gbdt_bin_sum total = {-4, 10, 10};
    gbdt_quant q = {1.0, 1.0};
    gbdt_split_params p = {.lambda = 1, .alpha = 0, .gamma = 0, .min_child_weight = 0,
                           .min_samples_leaf = 1};
    gbdt_split best = {.feature = -1, .gain = p.gamma};
    gbdt_split_feature(gh, NULL, 5, &total, &q, &p, 3, &best);
    /* missing left, bins 1..2 left: L (-12, 6), R (8, 4):
     * 144/7 + 64/5 - 16/11 = 31.917 (the six candidates by hand: 3.88, 6.32,
     * 0.03 with missing right; 23.69, 31.92, 15.88 with missing left) */
    CHECK(best.feature == 3 && best.bin == 2 && best.missing_left == 1);
    CHECK_NEAR(best.gain, 144.0 / 7 + 64.0 / 5 - 16.0 / 11, 1e-12);
    CHECK(best.left.g == -12 && best.left.h == 6 && best.right.g == 8);
    best = (gbdt_split){.feature = -1, .gain = p.gamma}; /* with counts: the same, and n */
    gbdt_split_feature(gh, cnt, 5, &total, &q, &p, 3, &best);
    CHECK(best.bin == 2 && best.missing_left == 1 && best.left.n == 6 && best.right.n == 4);
    CHECK_NEAR(gbdt_leaf_value(-4, 10, &p), 4.0 / 11, 1e-15);
    /* L1: soft-threshold by 1 */
    p.alpha = 1;
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(gh, NULL, 5, &total, &q, &p, 0, &best);
    CHECK(best.bin == 2 && best.missing_left == 1);
    CHECK_NEAR(best.gain, 121.0 / 7 + 49.0 / 5 - 9.0 / 11, 1e-12);
    CHECK_NEAR(gbdt_leaf_value(0.5, 3, &p), 0.0, 0);
    /* min_child_weight 5: no candidate has both sides' hessian >= 5 */
    p.alpha = 0;
    p.min_child_weight = 5;
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(gh, NULL, 5, &total, &q, &p, 0, &best);
    CHECK(best.feature == -1);
    /* gamma above the best gain: no split */
    p.min_child_weight = 0;
    best = (gbdt_split){.feature = -1, .gain = 40};
    gbdt_split_feature(gh, NULL, 5, &total, &q, &p, 0, &best);
    CHECK(best.feature == -1);
    /* min_samples_leaf 5 (counts needed): every candidate leaves a side with
     * 4 rows or fewer (sizes 2|8, 4|6, 6|4, 8|2 and with missing left 4|6,
     * 6|4, 8|2) except none: no split */
    p.min_samples_leaf = 5;
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(gh, cnt, 5, &total, &q, &p, 0, &best);
    CHECK(best.feature == -1);
    /* min_samples_leaf 4: the best candidate with 4+ rows a side is 4|6
     * missing left (bins 0..1 left: L (-10, 4), R (6, 6)) */
    p.min_samples_leaf = 4;
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(gh, cnt, 5, &total, &q, &p, 0, &best);
    CHECK(best.feature == 0 && best.left.n >= 4 && best.right.n >= 4);
    /* scales: the same sums at scale 2 give half the G and H */
    p.min_samples_leaf = 1;
    gbdt_quant q2 = {2.0, 2.0};
    best = (gbdt_split){.feature = -1, .gain = 0};
    gbdt_split_feature(gh, NULL, 5, &total, &q2, &p, 0, &best);
    CHECK_NEAR(best.gain, 36.0 / 4 + 16.0 / 3 - 4.0 / 6, 1e-12);
}

int main(void)
{
    RUN(test_quantize);
    RUN(test_hist_build_and_subtract);
    RUN(test_hist_rows_split);
    RUN(test_split_gain);
    return check_summary();
}
