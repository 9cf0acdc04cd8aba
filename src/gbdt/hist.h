/* hist.h — quantized gradients and integer histograms (internal).
 *
 * Each round the float gradients and hessians are scaled so the largest
 * magnitude maps to QUANT_MAX and rounded stochastically to int32 (unbiased:
 * E[q] = x * scale), the random draw depending only on (seed, round, row).
 * Histograms then add integers: sums do not depend on the order of the rows,
 * so a tree is bit-for-bit the same for any number of threads (and, summed
 * across processes, of MPI ranks). QUANT_MAX = 2^20 - 1 keeps a relative
 * resolution of 1e-6 per row and leaves 2^43 of int64 headroom: sums over
 * 2^32 rows cannot overflow.
 */
#ifndef HPML_GBDT_HIST_H
#define HPML_GBDT_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "gbdt/bin.h"

#define QUANT_MAX ((1 << 20) - 1)
#define HIST_BINS 256

/* Sums of one bin: quantized gradient, quantized hessian, rows. */
typedef struct gbdt_bin_sum {
    int64_t g, h;
    int64_t n;
} gbdt_bin_sum;

/* The scales of one round: real value = quantized / scale. */
typedef struct gbdt_quant {
    double scale_g, scale_h;
} gbdt_quant;

/* Quantizes g[0..n), h[0..n) (rows 0..n-1 of the training set) into qg, qh.
 * Fails if a gradient or hessian is not finite or a hessian is negative. */
hpml_status gbdt_quantize(const float *g, const float *h, size_t n, uint64_t seed, int round,
                          int threads, int32_t *qg, int32_t *qh, gbdt_quant *q);

/* hist[j * HIST_BINS + b] = sums over rows[0..n_rows) of feature j's bin b
 * (all features, spread over `threads` threads: each feature's sums are one
 * thread's, so the result does not depend on the count). Rows index the
 * binned matrix (b->codes); the gradients are in the order of the list:
 * qg[k], qh[k] belong to rows[k] (read in sequence, not gathered). */
void gbdt_hist_build(const gbdt_bins *b, const uint32_t *rows, size_t n_rows, const int32_t *qg,
                     const int32_t *qh, int threads, gbdt_bin_sum *hist);

/* sibling = parent - child, bin by bin (histogram subtraction): exact, so
 * the sibling equals a direct build. */
void gbdt_hist_subtract(const gbdt_bin_sum *parent, const gbdt_bin_sum *child, int n_features,
                        gbdt_bin_sum *sibling);

#endif
