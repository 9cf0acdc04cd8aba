/* bin.h — quantile binning of dataset features for histogram GBDT (internal).
 *
 * Every feature value becomes a uint8 bin code, stored row-major (a row's
 * codes share a cache line, so building a node's histograms touches one line
 * per row rather than one per feature; rows are padded to a pitch that keeps
 * each inside one line, or as few as its size allows, see gbdt_pitch_for):
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

/* The features of one joined (dimension) table of a star schema, binned per
 * dimension row rather than per fact row: a fact row's code for such a
 * feature is the code of its dimension row, key[row]. Row n_keys is all
 * zeros (missing): the row of fact rows without a dimension row. */
typedef struct gbdt_dim {
    int first, n_feat;      /* its features: first..first + n_feat - 1 */
    size_t n_keys;          /* rows of the dimension table */
    uint32_t *key;          /* n_rows: dimension row of each binned row (n_keys: none) */
    uint8_t *codes;         /* (n_keys + 1) x n_feat, row-major */
    uint8_t *codes_col;     /* n_feat x (n_keys + 1), column-major */
} gbdt_dim;

typedef struct gbdt_bins {
    int n_features;
    size_t n_rows;
    int max_bin;            /* value bins per feature, 2..255 */
    int *n_bins;            /* n_features: value bins actually used (>= 1) */
    int *categorical;       /* n_features: 1 if the feature is categorical */
    double **cuts;          /* n_features: n_bins - 1 ascending cut values (numeric) */
    uint8_t **cat_bin;      /* n_features: bin of each category code (categorical) */
    int32_t *n_categories;  /* n_features: categories of a categorical feature */
    /* Codes of the fact-table features 0..n_fact - 1 (all features without
     * joins), n = gbdt_n_fact(b): */
    uint8_t *codes;         /* n_rows x pitch, row-major: codes[i * pitch + j], j < n
                               (the padding is zero and never read) */
    size_t pitch;           /* bytes per row of codes (0: n; see gbdt_pitch) */
    uint8_t *codes_col;     /* the same, column-major: codes_col[j * n_rows + i] (one
                               feature's codes of a node's rows stay in cache while
                               the node is partitioned) */
    /* A star schema: the features after the fact table's come in blocks, one
     * per joined table with features (dims[0..n_dims)), in dataset order. */
    int n_fact;
    int n_dims;
    gbdt_dim *dims;         /* NULL without joins */
    int *feat_dim;          /* n_features: dims index of feature j, -1 for the fact table
                               (NULL without joins) */
    size_t *hist_off;       /* n_features + 1: where feature j's bins start in a node's
                               histograms (see gbdt_hist_at); NULL without joins */
} gbdt_bins;

/* Features whose codes are in b->codes (the fact table's, or all). */
static inline int gbdt_n_fact(const gbdt_bins *b) { return b->dims ? b->n_fact : b->n_features; }

/* Bytes per row of b->codes. */
static inline size_t gbdt_pitch(const gbdt_bins *b)
{
    return b->pitch ? b->pitch : (size_t)gbdt_n_fact(b);
}

/* The pitch for rows of n codes: a power of two up to 64 bytes, else a
 * multiple of 64, so that no row straddles more 64-byte cache lines than
 * its size needs (a deep node's rows are scattered: each costs a fetch of
 * its lines; 28 codes at pitch 28 straddle two lines 42% of the time) —
 * unless the padding would exceed a third of n, then n. */
size_t gbdt_pitch_for(int n);

/* One feature's codes over the binned rows: code of row r is
 * codes[key ? key[r] : r]. */
typedef struct gbdt_col {
    const uint8_t *codes;
    const uint32_t *key;
} gbdt_col;

static inline gbdt_col gbdt_column(const gbdt_bins *b, int j)
{
    if (!b->feat_dim || b->feat_dim[j] < 0)
        return (gbdt_col){b->codes_col + (size_t)j * b->n_rows, NULL};
    const gbdt_dim *D = &b->dims[b->feat_dim[j]];
    return (gbdt_col){D->codes_col + (size_t)(j - D->first) * (D->n_keys + 1), D->key};
}

static inline uint8_t gbdt_col_code(gbdt_col c, size_t r) { return c.codes[c.key ? c.key[r] : r]; }

/* Code of feature j of binned row r. */
static inline uint8_t gbdt_code(const gbdt_bins *b, int j, size_t r)
{
    return gbdt_col_code(gbdt_column(b, j), r);
}

/* A node's histograms hold HIST_BINS (256) bins per fact-table feature,
 * feature j's at j x 256; a joined table's feature has only its own bins
 * (n_bins + 1, missing first), after those: a wide dimension table of 0/1
 * columns then costs 2 bins per feature, not 256. */
static inline size_t gbdt_hist_at(const gbdt_bins *b, int j)
{
    return b->hist_off ? b->hist_off[j] : (size_t)j * 256;
}
static inline size_t gbdt_hist_width(const gbdt_bins *b, int j)
{
    return b->hist_off ? b->hist_off[j + 1] - b->hist_off[j] : 256;
}
/* Bins of all features (a node's histograms hold this many sums). */
static inline size_t gbdt_hist_total(const gbdt_bins *b)
{
    return b->hist_off ? b->hist_off[b->n_features] : (size_t)b->n_features * 256;
}

/* Room per thread (int64 values) that gbdt_hist_build needs for the key
 * sums of a star schema (0 without joins), with or without row counts. */
size_t gbdt_keysum_stride(const gbdt_bins *b, int counted);

/* Bins the rows rows[0..n) of d (rows NULL: all), max_bin in [2, 255],
 * using `threads` threads (0: all cores). The result does not depend on the
 * thread count. The features of a star schema's joined tables are binned
 * per dimension row (gbdt_dim), with the cuts the materialised join would
 * get (the same sample of fact rows), so every split, and the model, is the
 * same. *b is owned by the caller (gbdt_bins_free). */
hpml_status gbdt_bins_build(const hpml_dataset *d, const uint32_t *rows, size_t n, int max_bin,
                            int threads, gbdt_bins *b);
/* The same for one process's share of the rows: bins all[lo..hi) (all
 * NULL: rows lo..hi-1) with the cuts of all[0..n_all), which every process
 * computes alike (each holds the whole dataset). */
hpml_status gbdt_bins_build_part(const hpml_dataset *d, const uint32_t *all, size_t n_all,
                                 size_t lo, size_t hi, int max_bin, int threads, gbdt_bins *b);
void gbdt_bins_free(gbdt_bins *b);

/* Cut values for one feature from its sample values in row order (the order
 * matters once there are more than about 16 max_bin of them), NaN-free:
 * at most max_bin bins; with few distinct values, one bin per value.
 * Writes up to max_bin - 1 ascending cuts to out, returns how many, or -1
 * when out of memory. `values` is not changed. */
int gbdt_bin_cuts(float *values, size_t n, int max_bin, double *out);

/* Bin code of value x given ascending cuts[0..n_cuts): 1 + the number of
 * cuts <= x. Without branches on the comparisons (the window halves to a
 * size that depends on n_cuts alone; a value's side is a coin toss to the
 * predictor): cuts before base are <= x, the answer is within the window. */
static inline uint8_t gbdt_bin_of(double x, const double *cuts, int n_cuts)
{
    if (x != x)
        return 0;
    if (n_cuts == 0)
        return 1;
    const double *base = cuts;
    for (int n = n_cuts; n > 1;) {
        int half = n / 2;
        base = base[half] <= x ? base + half : base;
        n -= half;
    }
    return (uint8_t)((base - cuts) + (*base <= x) + 1);
}

#endif
