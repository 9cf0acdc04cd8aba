/* tree.h — one regression tree: growth on binned data, prediction on raw values (internal).
 *
 * Growth: leaves waiting to be split are expanded in order of creation
 * (depthwise: level by level) or best gain first (lossguide; ties: the older
 * leaf), until no split gains more than gamma, max_depth or max_leaves.
 *
 * Nodes live in one array; node 0 is the root. A split sends a row left when
 *   numeric:      x < threshold            (threshold = a cut, a float32 value)
 *   categorical:  bin(code) <= bin         (bin from the model's category map)
 *   missing:      missing_left
 * which on binned data is simply: code == 0 ? missing_left : code <= bin.
 */
#ifndef HPML_GBDT_TREE_H
#define HPML_GBDT_TREE_H

#include "gbdt/split.h"

typedef struct gbdt_node {
    int32_t feature;        /* -1: leaf */
    int32_t left, right;    /* children (node indices) */
    uint8_t bin;            /* codes 1..bin go left */
    uint8_t missing_left;
    double threshold;       /* numeric features: x < threshold goes left */
    double value;           /* leaf: output (learning rate applied) */
    double gain, cover;     /* split gain; hessian sum of the node */
} gbdt_node;

/* Whether value v of node nd's feature goes left: NaN is missing; a
 * categorical feature's value is a category code, binned by cat_bin (n_cat
 * categories; NULL for a numeric feature). */
static inline int gbdt_node_left(const gbdt_node *nd, float v, const uint8_t *cat_bin,
                                 int32_t n_cat)
{
    if (v != v)
        return nd->missing_left;
    if (cat_bin) {
        int32_t c = (int32_t)v;
        uint8_t bin = c >= 0 && c < n_cat ? cat_bin[c] : 0;
        return bin == 0 ? nd->missing_left : bin <= nd->bin;
    }
    return (double)v < nd->threshold;
}

typedef struct gbdt_tree {
    gbdt_node *nodes;
    int n_nodes, cap;
} gbdt_tree;

typedef struct gbdt_grow_params {
    int max_depth;          /* 0: no limit */
    int max_leaves;         /* 0: no limit */
    hpml_grow_policy policy;
    double learning_rate;
    gbdt_split_params split;
    int threads;
    hpml_dist *dist;        /* processes growing the tree together, each over its own
                               rows (NULL: this one alone): histograms and row counts
                               are summed over them, so every process grows the same
                               tree */
    const int *features;    /* features a split may use (column sample), ascending; NULL: all */
    int n_features;
    size_t hist_budget;     /* bytes of histograms kept for subtraction (0: 256 MiB,
                               64 MiB over a star schema) */
    int leaf_rows;          /* nonzero: every leaf's rows end contiguous in rows (the
                               quantile renewal reads them); zero lets the last level
                               (max_depth) skip its partition */
} gbdt_grow_params;

/* Buffers a grower keeps from one tree to the next (so growing a tree
 * allocates only its nodes). Start from {0}; free with gbdt_scratch_free. */
typedef struct gbdt_scratch {
    int64_t **pool;         /* free histogram buffers of hist_bytes each */
    int n_pool, cap_pool;
    size_t hist_bytes;
    void *cand;             /* the grower's candidate array */
    size_t cap_cand;
    struct gbdt_split *per_feature;  /* split searches: cap_per_feature (candidate x feature) */
    size_t cap_per_feature;
    uint32_t *tmp;          /* partition scratch, cap_rows each */
    int64_t *tmp_packed;
    uint8_t *dir;
    size_t cap_rows;
    int64_t *spare;         /* histograms of the other threads (rows split) */
    size_t cap_spare;
    int64_t *keysum;        /* a star schema's key sums, one gbdt_keysum_stride per thread */
    size_t cap_keysum;
    size_t *part;           /* partition bookkeeping (shares' counts), cap_part */
    size_t cap_part;
    size_t *level_mid;      /* per candidate of a batch: end of its left part */
    int64_t *level_n;       /* 2 x cap_level: a level's children's row counts (summed over
                               processes) */
    double *level_vals;     /* 2 x cap_level: a last-level batch's left and right values */
    void *level_kids;       /* 2 x cap_level: a level's children (the grower's candidates) */
    void *level_ptr;        /* 2 x cap_level: pointers to them */
    int *level_sub;         /* cap_level: a pair's larger child comes by subtraction */
    int *level_open;        /* 2 x cap_level: the children whose splits are searched */
    int *level_order;       /* cap_level: a level's pairs built one per thread, in order */
    size_t cap_level;
} gbdt_scratch;
void gbdt_scratch_free(gbdt_scratch *s);

/* Grows a tree on rows[0..n) of the binned matrix b with
 * packed quantized gradients at scales q: packed[k] belongs to rows[k]. rows
 * is reordered (packed is scratch afterwards): on return leaf_value[k] is the
 * output of rows[k] (learning rate applied), and with p->leaf_rows each
 * leaf's rows are contiguous (keeping their relative order). t must be empty
 * ({0}); free with gbdt_tree_free. */
hpml_status gbdt_grow_tree(const gbdt_bins *b, uint32_t *rows, size_t n, int64_t *packed,
                           const gbdt_quant *q, const gbdt_grow_params *p, gbdt_scratch *s,
                           gbdt_tree *t, double *leaf_value);
void gbdt_tree_free(gbdt_tree *t);

/* Leaf (node index) and output of the tree for row `row` of the binned matrix. */
int gbdt_tree_leaf_binned(const gbdt_tree *t, const gbdt_bins *b, size_t row);
double gbdt_tree_predict_binned(const gbdt_tree *t, const gbdt_bins *b, size_t row);

/* Output of the tree for one row of raw values x[j] (NaN missing; categorical
 * features as codes, mapped to bins through cat_bin[j]). */
double gbdt_tree_predict(const gbdt_tree *t, const float *x, const uint8_t *const *cat_bin,
                         const int32_t *n_categories);

#endif
