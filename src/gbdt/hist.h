/* hist.h — quantized gradients and integer histograms (internal).
 *
 * Each round the float gradients and hessians are scaled so the largest
 * magnitude maps to the round's quantum Q and rounded stochastically to
 * integers (unbiased: E[q] = x * scale), the random draw depending only on
 * (seed, round, row). A row's pair is packed into one int64,
 *     packed = qg * 2^32 + qh        (0 <= qh <= Q, |qg| <= Q),
 * and Q = min(2^20 - 1, (2^31 - 1) / n_rows) keeps every sum over rows within
 * 31 bits per half, so adding packed values adds both halves at once and the
 * hessian half never carries into the gradient half. A histogram bin is then
 * one int64 — one add per row and feature. Integer sums do not depend on the
 * order of the rows, so a tree is bit-for-bit the same for any number of
 * threads (and, summed across processes, of MPI ranks). Rows per bin are
 * counted only when min_samples_leaf > 1 needs them.
 */
#ifndef HPML_GBDT_HIST_H
#define HPML_GBDT_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "gbdt/bin.h"

#define QUANT_MAX ((1 << 20) - 1)
#define HIST_BINS 256
/* Loops over fewer rows than this run on one thread: starting a parallel
 * region costs more than the work (and far more when cores are shared). */
#define GBDT_PAR_ROWS 16384

/* Unpacked sums: quantized gradient, quantized hessian, rows. */
typedef struct gbdt_bin_sum {
    int64_t g, h;
    int64_t n;
} gbdt_bin_sum;

static inline int64_t gbdt_pack(int64_t g, int64_t h) { return (int64_t)((uint64_t)g << 32) + h; }
static inline int64_t gbdt_packed_h(int64_t s) { return (int64_t)(uint32_t)s; }
static inline int64_t gbdt_packed_g(int64_t s) { return (s - gbdt_packed_h(s)) / 4294967296LL; }

/* The scales of one round: real value = quantized / scale. */
typedef struct gbdt_quant {
    double scale_g, scale_h;
} gbdt_quant;

/* The quantum for n rows: min(QUANT_MAX, (2^31 - 1) / n). */
int64_t gbdt_quantum(size_t n);

/* Quantizes g[0..n), h[0..n) (rows 0..n-1 of the training set) into packed
 * pairs, with the quantum of n_total rows (n_total >= n: all rows whose sums
 * may meet, e.g. across processes). Fails if a gradient or hessian is not
 * finite or a hessian is negative. */
hpml_status gbdt_quantize(const float *g, const float *h, size_t n, size_t n_total, uint64_t seed,
                          int round, int threads, int64_t *packed, gbdt_quant *q);

/* A node's histograms: feature j's bins at gh + gbdt_hist_at(b, j) (packed
 * sums; j * HIST_BINS without joins), and the same layout of row counts in
 * cnt (NULL when not counted). */
typedef struct gbdt_hist {
    int64_t *gh;
    int64_t *cnt;
} gbdt_hist;

/* Builds the histograms of rows[0..n_rows) for the features feats[0..n_feats)
 * (ascending; feats NULL: all; other features' bins are left untouched) with
 * `threads` threads. With `spare` (room for threads - 1 more sets of
 * gbdt_hist_total sums) and no counts, the threads split the rows and
 * their sums are added; otherwise they split the features. A star schema's
 * joined-table features are built from the rows' sums per dimension row
 * (keysum: room for gbdt_keysum_stride values per thread, for as many
 * threads as `threads` or as the enclosing parallel region has; NULL
 * without joins). Integer sums: the result does not depend on the thread
 * count either way. Rows index the binned rows; the packed gradients are in
 * the order of the list: packed[k] belongs to rows[k]. */
void gbdt_hist_build(const gbdt_bins *b, const int *feats, int n_feats, const uint32_t *rows,
                     size_t n_rows, const int64_t *packed, int threads, int64_t *spare,
                     int64_t *keysum, gbdt_hist *hist);

/* sibling = parent - child, bin by bin (histogram subtraction), for the
 * features feats[0..n_feats) (NULL: all of b's): exact, so the sibling
 * equals a direct build. sibling may be parent. */
void gbdt_hist_subtract(const gbdt_bins *b, const gbdt_hist *parent, const gbdt_hist *child,
                        const int *feats, int n_feats, gbdt_hist *sibling);

#endif
