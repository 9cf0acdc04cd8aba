/* hist.c — stochastic quantization and integer histogram accumulation. */
#include "gbdt/hist.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <omp.h>
#include <string.h>

#include "core/error.h"
#include "core/rng.h"
#include "dist/dist.h"

/* hpml_mix64 (core/rng.c), repeated so that it is inlined in the per-row
 * loop below: the same function, so the same draws. */
static inline uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* floor(x) as an integer, exact for |x| < 2^62: truncation, then one down
 * for a negative non-integer. Without SSE4.1, floor() is a libm call. */
static inline int64_t floor_i64(double x)
{
    int64_t i = (int64_t)x;
    return i - ((double)i > x);
}

int64_t gbdt_quantum(size_t n)
{
    int64_t q = n > 0 ? (int64_t)(2147483647ULL / (uint64_t)n) : QUANT_MAX;
    return q < QUANT_MAX ? (q > 0 ? q : 1) : QUANT_MAX;
}

hpml_status gbdt_quantize(const float *g, const float *h, size_t n, size_t n_total, size_t row0,
                          uint64_t seed, int round, int threads, hpml_dist *dist, int64_t *packed,
                          gbdt_quant *q)
{
    float gm = 0, hm = 0;
    int any_bad = 0;
    /* max is exact in any order: the scales do not depend on threads. No
     * branch (the loop vectorizes); NaN fails every comparison, so it is
     * caught as not <= FLT_MAX and never becomes a maximum. */
#pragma omp parallel for simd schedule(static) num_threads(threads > 0 ? threads : 1) \
    reduction(max : gm, hm) reduction(| : any_bad) if (n >= GBDT_PAR_ROWS)
    for (size_t i = 0; i < n; i++) {
        float a = fabsf(g[i]), b = h[i];
        any_bad |= !(a <= FLT_MAX) | !(b >= 0 && b <= FLT_MAX);
        gm = a > gm ? a : gm;
        hm = b > hm ? b : hm;
    }
    size_t bad = SIZE_MAX; /* the first bad row, for the message */
    for (size_t i = 0; any_bad && i < n && bad == SIZE_MAX; i++)
        if (!(fabsf(g[i]) <= FLT_MAX) || !(h[i] >= 0 && h[i] <= FLT_MAX))
            bad = i;
    double gmax = gm, hmax = hm;
    /* every process's largest magnitudes (max is exact in any order), and
     * whether any process has a bad row: all stop together */
    double agree[3] = {gmax, hmax, bad != SIZE_MAX};
    hpml_status st = dist_allreduce_f64(dist, agree, 3, DIST_MAX);
    if (st != HPML_OK)
        return st;
    gmax = agree[0];
    hmax = agree[1];
    if (bad != SIZE_MAX)
        return hpml_fail(HPML_ERR_DATA,
                         "round %d: gradient %g / hessian %g of row %zu is not usable "
                         "(non-finite or negative hessian)",
                         round, (double)g[bad], (double)h[bad], row0 + bad);
    if (agree[2] != 0)
        return hpml_fail(HPML_ERR_DATA, "round %d: another process has a gradient or hessian "
                         "that is not usable (non-finite or negative hessian)", round);
    const double quantum = (double)gbdt_quantum(n_total > n ? n_total : n);
    q->scale_g = gmax > 0 ? quantum / gmax : 1.0;
    q->scale_h = hmax > 0 ? quantum / hmax : 1.0;
    const double sg = q->scale_g, sh = q->scale_h;
    /* one 64-bit draw per row: its halves are the two uniforms (32 bits are
     * plenty for rounding), a pure function of (seed, round, row) */
    const uint64_t base = hpml_mix64(seed ^ hpml_mix64((uint64_t)(uint32_t)round << 32 | 1));
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : 1) \
    if (n >= GBDT_PAR_ROWS)
    for (size_t i = 0; i < n; i++) {
        uint64_t x = mix64(base + 0x9e3779b97f4a7c15ULL * (uint64_t)(row0 + i));
        int64_t qg = floor_i64(g[i] * sg + (double)(x >> 32) * 0x1.0p-32);
        int64_t qh = floor_i64(h[i] * sh + (double)(uint32_t)x * 0x1.0p-32);
        /* |g| * sg <= quantum, so the draws cannot push past it */
        packed[i] = gbdt_pack(qg, qh);
    }
    return HPML_OK;
}

#define HIST_PREFETCH 16 /* rows ahead */
#define HIST_PAR_ROWS 1024 /* fewer rows: one thread builds the histograms */

/* The rows of one node (rows[k], or row0 + k without a list) into features
 * [a0, a1) of feats; `count` is a constant at each call, so the compiler
 * makes two loops. */
static inline void build_range(const gbdt_bins *b, const int *feats, int a0, int a1,
                               const uint32_t *rows, size_t row0, size_t n_rows,
                               const int64_t *packed, int64_t *gh, int64_t *cnt, int count)
{
    const size_t pitch = gbdt_pitch(b);
    const uint8_t *codes = b->codes;
    for (int a = a0; a < a1; a++) {
        size_t base = (size_t)(feats ? feats[a] : a) * HIST_BINS;
        memset(gh + base, 0, HIST_BINS * sizeof *gh);
        if (count)
            memset(cnt + base, 0, HIST_BINS * sizeof *cnt);
    }
    if (feats || count) { /* column sample or counts: the general loop */
        for (size_t k = 0; k < n_rows; k++) {
            size_t r = rows ? rows[k] : row0 + k;
            const uint8_t *c = codes + r * pitch;
            const int64_t v = packed[k];
            for (int a = a0; a < a1; a++) {
                int j = feats ? feats[a] : a;
                size_t at = (size_t)j * HIST_BINS + c[j];
                gh[at] += v;
                if (count)
                    cnt[at]++;
            }
        }
        return;
    }
    /* The hot loop (every feature, no counts): one add per feature and row,
     * four features per step; the features' histograms are HIST_BINS apart. */
    const int na = a1 - a0, n4 = na & ~3;
    int64_t *const h0 = gh + (size_t)a0 * HIST_BINS;
    for (size_t k = 0; k < n_rows; k++) {
        size_t r = rows ? rows[k] : row0 + k;
        const uint8_t *c = codes + r * pitch + a0;
        const int64_t v = packed[k];
        int64_t *h = h0;
        /* a deep node's rows are scattered over the matrix: fetch the codes
         * of a row some steps ahead, so they are in cache when needed */
        if (rows && k + HIST_PREFETCH < n_rows)
            __builtin_prefetch(codes + (size_t)rows[k + HIST_PREFETCH] * pitch + a0);
        int j = 0;
        for (; j < n4; j += 4, h += 4 * HIST_BINS) {
            h[c[j]] += v;
            h[HIST_BINS + c[j + 1]] += v;
            h[2 * HIST_BINS + c[j + 2]] += v;
            h[3 * HIST_BINS + c[j + 3]] += v;
        }
        for (; j < na; j++, h += HIST_BINS)
            h[c[j]] += v;
    }
}

/* The fact-table features feats[0..na) (feats NULL: 0..na-1). */
static void build_fact(const gbdt_bins *b, const int *feats, int na, const uint32_t *rows,
                       size_t n_rows, const int64_t *packed, int threads, int64_t *spare,
                       gbdt_hist *hist)
{
    int nt = threads > 0 ? threads : 1;
    if (n_rows < HIST_PAR_ROWS || na < 2)
        nt = 1;
    if (nt > 1 && spare && !hist->cnt) {
        /* Rows split: thread t sums its share of the rows into histograms of
         * its own (thread 0 into hist), then they are added up. Integer sums:
         * the same result for any split. Each row's codes are read once. */
        const size_t hb = gbdt_hist_total(b);
#pragma omp parallel num_threads(nt)
        {
            int t = omp_get_thread_num(), T = omp_get_num_threads();
            size_t k0 = n_rows * (size_t)t / (size_t)T, k1 = n_rows * (size_t)(t + 1) / (size_t)T;
            int64_t *dst = t == 0 ? hist->gh : spare + (size_t)(t - 1) * hb;
            build_range(b, feats, 0, na, rows ? rows + k0 : NULL, k0, k1 - k0, packed + k0, dst,
                        NULL, 0);
#pragma omp barrier
#pragma omp for schedule(static)
            for (int a = 0; a < na; a++) {
                size_t base = (size_t)(feats ? feats[a] : a) * HIST_BINS;
                for (int u = 1; u < T; u++) {
                    const int64_t *src = spare + (size_t)(u - 1) * hb + base;
                    for (size_t i = 0; i < HIST_BINS; i++)
                        hist->gh[base + i] += src[i];
                }
            }
        }
        return;
    }
    if (nt == 1) { /* no parallel region (it may be inside one: a level's pairs) */
        if (hist->cnt)
            build_range(b, feats, 0, na, rows, 0, n_rows, packed, hist->gh, hist->cnt, 1);
        else
            build_range(b, feats, 0, na, rows, 0, n_rows, packed, hist->gh, NULL, 0);
        return;
    }
    /* Features split: each thread owns a contiguous range of the features and
     * walks all rows, so no two threads add to one bin. */
#pragma omp parallel num_threads(nt)
    {
        int t = nt > 1 ? omp_get_thread_num() : 0;
        int a0 = na * t / nt, a1 = na * (t + 1) / nt;
        if (hist->cnt)
            build_range(b, feats, a0, a1, rows, 0, n_rows, packed, hist->gh, hist->cnt, 1);
        else
            build_range(b, feats, a0, a1, rows, 0, n_rows, packed, hist->gh, NULL, 0);
    }
}

/* Sums of the rows' packed gradients (and row counts) per dimension row of
 * D, rows [k0, k1) of the list, into sum[] (and cnt[]), n_keys + 1 each,
 * zeroed first. */
static void key_sums(const gbdt_dim *D, const uint32_t *rows, size_t k0, size_t k1,
                     const int64_t *packed, int64_t *sum, int64_t *cnt)
{
    const size_t nk = D->n_keys + 1;
    memset(sum, 0, nk * sizeof *sum);
    if (cnt)
        memset(cnt, 0, nk * sizeof *cnt);
    for (size_t k = k0; k < k1; k++) {
        uint32_t key = D->key[rows ? rows[k] : k];
        sum[key] += packed[k];
        if (cnt)
            cnt[key]++;
    }
}

/* Histograms of D's features feats[a0..a1) (global indices; NULL: all of
 * D's, a0..a1 positions within D) from the m present keys: key list[i] has
 * sums sum[i] (and counts cnt[i]). */
static void dim_range(const gbdt_bins *b, const gbdt_dim *D, const int *feats, int a0, int a1,
                      const int64_t *list, const int64_t *sum, const int64_t *cnt, size_t m,
                      gbdt_hist *hist)
{
    const int nf = D->n_feat;
    for (int a = a0; a < a1; a++) {
        int j = feats ? feats[a] : D->first + a;
        size_t base = gbdt_hist_at(b, j), width = gbdt_hist_width(b, j);
        memset(hist->gh + base, 0, width * sizeof *hist->gh);
        if (cnt)
            memset(hist->cnt + base, 0, width * sizeof *hist->cnt);
    }
    if (feats || cnt) {
        for (size_t i = 0; i < m; i++) {
            const uint8_t *c = D->codes + (size_t)list[i] * (size_t)nf;
            for (int a = a0; a < a1; a++) {
                int j = feats ? feats[a] : D->first + a;
                size_t at = gbdt_hist_at(b, j) + c[j - D->first];
                hist->gh[at] += sum[i];
                if (cnt)
                    hist->cnt[at] += cnt[i];
            }
        }
        return;
    }
    /* the hot loop (every feature, no counts): one add per feature and key */
    const size_t *off = b->hist_off + D->first + a0;
    int64_t *const gh = hist->gh;
    const int na = a1 - a0, n4 = na & ~3;
    for (size_t i = 0; i < m; i++) {
        const uint8_t *c = D->codes + (size_t)list[i] * (size_t)nf + a0;
        const int64_t v = sum[i];
        int j = 0;
        for (; j < n4; j += 4) {
            gh[off[j] + c[j]] += v;
            gh[off[j + 1] + c[j + 1]] += v;
            gh[off[j + 2] + c[j + 2]] += v;
            gh[off[j + 3] + c[j + 3]] += v;
        }
        for (; j < na; j++)
            gh[off[j] + c[j]] += v;
    }
}

/* A joined table's features feats[0..na) (NULL: all of D's): the rows'
 * gradients summed per dimension row first, then each present dimension
 * row's codes histogrammed once with its sum — O(rows + keys x features)
 * instead of O(rows x features), the same integer sums. keysum: the calling
 * thread's slots (gbdt_keysum_stride each), one per thread of the team
 * when threads > 1. */
static void build_dim(const gbdt_bins *b, const gbdt_dim *D, const int *feats, int na, const uint32_t *rows,
                      size_t n_rows, const int64_t *packed, int threads, int64_t *keysum,
                      size_t stride, gbdt_hist *hist)
{
    const size_t nk = D->n_keys + 1;
    const int count = hist->cnt != NULL;
    int nt = threads > 0 ? threads : 1;
    if (n_rows < HIST_PAR_ROWS)
        nt = 1;
    int64_t *sum = keysum, *cnt = count ? keysum + nk : NULL, *list = keysum + (count ? 2 : 1) * nk;
    size_t m = 0;
    if (nt == 1) {
        key_sums(D, rows, 0, n_rows, packed, sum, cnt);
    } else {
#pragma omp parallel num_threads(nt)
        {
            int t = omp_get_thread_num(), T = omp_get_num_threads();
            int64_t *ks = keysum + (size_t)t * stride;
            key_sums(D, rows, n_rows * (size_t)t / (size_t)T, n_rows * (size_t)(t + 1) / (size_t)T,
                     packed, ks, count ? ks + nk : NULL);
#pragma omp barrier
#pragma omp for schedule(static)
            for (size_t k = 0; k < nk; k++)
                for (int u = 1; u < T; u++) {
                    sum[k] += keysum[(size_t)u * stride + k];
                    if (count)
                        cnt[k] += keysum[(size_t)u * stride + nk + k];
                }
        }
    }
    /* compacted in place (entry m <= k): the present keys only */
    for (size_t k = 0; k < nk; k++) {
        if (sum[k] == 0 && (!count || cnt[k] == 0))
            continue;
        list[m] = (int64_t)k;
        sum[m] = sum[k];
        if (count)
            cnt[m] = cnt[k];
        m++;
    }
    if (nt == 1 || na < 2 || m * (size_t)na < HIST_PAR_ROWS) {
        dim_range(b, D, feats, 0, feats ? na : D->n_feat, list, sum, cnt, m, hist);
        return;
    }
#pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num(), T = omp_get_num_threads();
        int n = feats ? na : D->n_feat;
        dim_range(b, D, feats, n * t / T, n * (t + 1) / T, list, sum, cnt, m, hist);
    }
}

void gbdt_hist_build(const gbdt_bins *b, const int *feats, int n_feats, const uint32_t *rows,
                     size_t n_rows, const int64_t *packed, int threads, int64_t *spare,
                     int64_t *keysum, gbdt_hist *hist)
{
    const int nfact = gbdt_n_fact(b);
    /* feats is ascending: the fact table's features first, then each block */
    int na = 0;
    if (feats)
        while (na < n_feats && feats[na] < nfact)
            na++;
    else
        na = nfact;
    if (na > 0)
        build_fact(b, feats, na, rows, n_rows, packed, threads, spare, hist);
    if (!b->dims)
        return;
    const size_t stride = gbdt_keysum_stride(b, hist->cnt != NULL);
    /* inside a parallel region (a level's pairs, one thread each) every
     * thread has its own slot */
    int64_t *mine = keysum + (size_t)omp_get_thread_num() * stride;
    int a = na;
    for (int t = 0; t < b->n_dims; t++) {
        const gbdt_dim *D = &b->dims[t];
        if (!feats) {
            build_dim(b, D, NULL, D->n_feat, rows, n_rows, packed, threads, mine, stride, hist);
            continue;
        }
        int a0 = a;
        while (a < n_feats && feats[a] < D->first + D->n_feat)
            a++;
        if (a > a0)
            build_dim(b, D, feats + a0, a - a0, rows, n_rows, packed, threads, mine, stride, hist);
    }
}

void gbdt_hist_subtract(const gbdt_bins *b, const gbdt_hist *parent, const gbdt_hist *child,
                        const int *feats, int n_feats, gbdt_hist *sibling)
{
    int na = feats ? n_feats : b->n_features;
    for (int a = 0; a < na; a++) {
        int j = feats ? feats[a] : a;
        size_t base = gbdt_hist_at(b, j), end = base + gbdt_hist_width(b, j);
        for (size_t i = base; i < end; i++)
            sibling->gh[i] = parent->gh[i] - child->gh[i];
        if (sibling->cnt)
            for (size_t i = base; i < end; i++)
                sibling->cnt[i] = parent->cnt[i] - child->cnt[i];
    }
}
