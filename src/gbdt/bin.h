/* bin.h — quantile binning of dataset features for histogram GBDT (internal).
 *
 * Every feature value becomes a uint8 bin code, stored row-major (a row's
 * codes share a cache line, so building a node's histograms touches one line
 * per row rather than one per feature):
 *   code 0        missing (NaN, or a category the model has not seen)
 *   code 1..n_bins  values; a numeric value x gets 1 + #{cuts c : c <= x}
 * so "code <= b goes left" is the split "x < cuts[b - 1]" (b >= 1), with
 * cuts[] being float32 data values kept in double: a threshold that an
 * exported model (float, BRANCH_LT) reproduces exactly. cuts[n_bins - 1],
 * one past the cuts, is +infinity: the threshold of "every value left"
 * (missing right), which every finite value passes.
 * Numeric cuts are XGBoost 1.7's hist cuts (tree_method=hist, same max_bin):
 * its weighted quantile sketch (WQSketch) over the values in row order, the
 * summary pruned to min(n, 8 max_bin) and then min(n, max_bin) + 1 entries,
 * entries 1.. being the cuts (XGBoost's extra last cut, above the maximum,
 * is the open end of our last bin). At most max_bin distinct values: one
 * bin per value. When every row is in the sample (n <= BIN_SAMPLE) the cuts
 * are identical to XGBoost's on the same rows (tests/unit/test_bin.c).
 * Categorical features: each category gets its own bin, the most frequent
 * first when there are more than max_bin (the rest share the last bin).
 * Cuts come from a deterministic sample of at most BIN_SAMPLE rows taken at a
 * fixed stride of the row index, so every process and thread count agrees.
 */
#ifndef HPML_GBDT_BIN_H
#define HPML_GBDT_BIN_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

#define BIN_SAMPLE 200000

typedef struct gbdt_bins {
    int n_features;
    size_t n_rows;
    int max_bin;            /* value bins per feature, 2..255 */
    int *n_bins;            /* n_features: value bins actually used (>= 1) */
    int *categorical;       /* n_features: 1 if the feature is categorical */
    double **cuts;          /* n_features: n_bins - 1 ascending cut values (numeric) */
    uint8_t **cat_bin;      /* n_features: bin of each category code (categorical) */
    int32_t *n_categories;  /* n_features: categories of a categorical feature */
    uint8_t *codes;         /* n_rows x n_features, row-major: codes[i * n_features + j] */
    uint8_t *codes_col;     /* the same, column-major: codes_col[j * n_rows + i] (one
                               feature's codes of a node's rows stay in cache while
                               the node is partitioned) */
} gbdt_bins;

/* Bins the rows rows[0..n) of d (rows NULL: all), max_bin in [2, 255],
 * using `threads` threads (0: all cores). The result does not depend on the
 * thread count. *b is owned by the caller (gbdt_bins_free). */
hpml_status gbdt_bins_build(const hpml_dataset *d, const uint32_t *rows, size_t n, int max_bin,
                            int threads, gbdt_bins *b);
void gbdt_bins_free(gbdt_bins *b);

/* Cut values for one feature from its sample values in row order (the order
 * matters once there are more than about 16 max_bin of them), NaN-free:
 * at most max_bin bins; with few distinct values, one bin per value.
 * Writes up to max_bin - 1 ascending cuts to out, returns how many, or -1
 * when out of memory. `values` is not changed. */
int gbdt_bin_cuts(float *values, size_t n, int max_bin, double *out);

/* Bin code of value x given ascending cuts[0..n_cuts). */
static inline uint8_t gbdt_bin_of(double x, const double *cuts, int n_cuts)
{
    if (x != x)
        return 0;
    int lo = 0, hi = n_cuts; /* number of cuts <= x */
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (cuts[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint8_t)(lo + 1);
}

#endif
