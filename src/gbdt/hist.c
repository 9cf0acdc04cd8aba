/* hist.c — stochastic quantization and integer histogram accumulation. */
#include "gbdt/hist.h"

#include <math.h>
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
                          int32_t *qg, int32_t *qh, gbdt_quant *q)
{
    double gmax = 0, hmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(g[i]) || !isfinite(h[i]) || h[i] < 0)
            return hpml_fail(HPML_ERR_DATA,
                             "round %d: gradient %g / hessian %g of row %zu is not usable "
                             "(non-finite or negative hessian)",
                             round, (double)g[i], (double)h[i], i);
        double a = fabs(g[i]);
        gmax = a > gmax ? a : gmax;
        hmax = h[i] > hmax ? h[i] : hmax;
    }
    q->scale_g = gmax > 0 ? QUANT_MAX / gmax : 1.0;
    q->scale_h = hmax > 0 ? QUANT_MAX / hmax : 1.0;
    for (size_t i = 0; i < n; i++) {
        qg[i] = (int32_t)floor(g[i] * q->scale_g + draw(seed, round, i, 1));
        qh[i] = (int32_t)floor(h[i] * q->scale_h + draw(seed, round, i, 2));
    }
    return HPML_OK;
}

void gbdt_hist_build(const gbdt_bins *b, const uint32_t *rows, size_t n_rows, const int32_t *qg,
                     const int32_t *qh, int threads, gbdt_bin_sum *hist)
{
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : 1) if (n_rows > 4096)
    for (int j = 0; j < b->n_features; j++) {
        const uint8_t *codes = b->codes + (size_t)j * b->n_rows;
        gbdt_bin_sum *hj = hist + (size_t)j * HIST_BINS;
        memset(hj, 0, HIST_BINS * sizeof *hj);
        for (size_t k = 0; k < n_rows; k++) {
            uint32_t r = rows ? rows[k] : (uint32_t)k;
            gbdt_bin_sum *s = &hj[codes[r]];
            s->g += qg[r];
            s->h += qh[r];
            s->n++;
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
