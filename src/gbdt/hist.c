/* hist.c — stochastic quantization and integer histogram accumulation. */
#include "gbdt/hist.h"

#include <math.h>
#include <stdint.h>
#include <omp.h>
#include <string.h>

#include "core/error.h"
#include "core/rng.h"

/* Uniform in [0, 1) from (seed, round, row, stream): a pure function, so any
 * process or thread computes the same draw for the same row. */
static inline double draw(uint64_t seed, int round, size_t row, uint64_t stream)
{
    uint64_t x = hpml_mix64(seed ^ hpml_mix64(((uint64_t)(uint32_t)round << 32) ^ stream) ^
                            hpml_mix64((uint64_t)row));
    return (double)(x >> 11) * 0x1.0p-53;
}

hpml_status gbdt_quantize(const float *g, const float *h, size_t n, uint64_t seed, int round,
                          int threads, int32_t *qg, int32_t *qh, gbdt_quant *q)
{
    double gmax = 0, hmax = 0;
    size_t bad = SIZE_MAX;
    /* max and min are exact in any order: the scales do not depend on threads */
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : 1) \
    reduction(max : gmax, hmax) reduction(min : bad)
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(g[i]) || !isfinite(h[i]) || h[i] < 0)
            bad = i < bad ? i : bad;
        double a = fabs(g[i]);
        gmax = a > gmax ? a : gmax;
        hmax = h[i] > hmax ? h[i] : hmax;
    }
    if (bad != SIZE_MAX)
        return hpml_fail(HPML_ERR_DATA,
                         "round %d: gradient %g / hessian %g of row %zu is not usable "
                         "(non-finite or negative hessian)",
                         round, (double)g[bad], (double)h[bad], bad);
    q->scale_g = gmax > 0 ? QUANT_MAX / gmax : 1.0;
    q->scale_h = hmax > 0 ? QUANT_MAX / hmax : 1.0;
    const double sg = q->scale_g, sh = q->scale_h;
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : 1)
    for (size_t i = 0; i < n; i++) {
        qg[i] = (int32_t)floor(g[i] * sg + draw(seed, round, i, 1));
        qh[i] = (int32_t)floor(h[i] * sh + draw(seed, round, i, 2));
    }
    return HPML_OK;
}

void gbdt_hist_build(const gbdt_bins *b, const uint32_t *rows, size_t n_rows, const int32_t *qg,
                     const int32_t *qh, int threads, gbdt_bin_sum *hist)
{
    const int nf = b->n_features;
    const uint8_t *codes = b->codes;
    int nt = threads > 0 ? threads : 1;
    if (n_rows < 4096 || nf < 2)
        nt = 1;
    /* Each thread owns a contiguous range of features and walks all rows:
     * one cache line of codes per row, and no two threads add to one bin. */
#pragma omp parallel num_threads(nt)
    {
        int t = nt > 1 ? omp_get_thread_num() : 0;
        int j0 = nf * t / nt, j1 = nf * (t + 1) / nt;
        memset(hist + (size_t)j0 * HIST_BINS, 0, (size_t)(j1 - j0) * HIST_BINS * sizeof *hist);
        for (size_t k = 0; k < n_rows; k++) {
            uint32_t r = rows ? rows[k] : (uint32_t)k;
            const uint8_t *c = codes + (size_t)r * (size_t)nf;
            int64_t g = qg[k], h = qh[k];
            for (int j = j0; j < j1; j++) {
                gbdt_bin_sum *s = &hist[(size_t)j * HIST_BINS + c[j]];
                s->g += g;
                s->h += h;
                s->n++;
            }
        }
    }
}

void gbdt_hist_subtract(const gbdt_bin_sum *parent, const gbdt_bin_sum *child, int n_features,
                        gbdt_bin_sum *sibling)
{
    size_t n = (size_t)n_features * HIST_BINS;
    for (size_t i = 0; i < n; i++) {
        sibling[i].g = parent[i].g - child[i].g;
        sibling[i].h = parent[i].h - child[i].h;
        sibling[i].n = parent[i].n - child[i].n;
    }
}
