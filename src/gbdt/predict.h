/* predict.h — prediction of many rows with a compact copy of the trees
 * (internal).
 *
 * Each tree is laid out again breadth first, both children of a node next to
 * each other, as parallel arrays (threshold, feature column, left child, and
 * apart from them the missing-value direction and the leaf values), so that
 * one step of a walk reads 12 bytes. Thresholds are float32: x < t in double
 * equals x < t' in float for every float x, with t' the smallest float >= t
 * (see float_at_least in predict.c). Categorical splits become numeric ones:
 * a block's categorical values are replaced by their bins (unseen: NaN).
 *
 * Rows are predicted in blocks of GBDT_BLOCK, transposed to column-major:
 * every tree is applied to the block before the next tree, so the tree and
 * the block stay in cache, sixteen rows walking side by side and (for trees
 * up to depth 12) for exactly the tree's depth — a leaf leads to itself — so
 * the walks have no exit test and overlap in the processor; deeper trees are
 * walked eight rows at a time until all are at leaves. A block without
 * missing values takes a walk without the missing-value test.
 * Results equal gbdt_predict_margins exactly (same leaves, same order of
 * additions per row).
 */
#ifndef HPML_GBDT_PREDICT_H
#define HPML_GBDT_PREDICT_H

#include "gbdt/boost.h"

#define GBDT_BLOCK 128 /* rows of a prediction block (a multiple of 16) */

typedef struct gbdt_forest {
    /* n_nodes entries each, every tree's nodes from its root[t] on: */
    float *thr;             /* x < thr goes left; NaN at leaves (never left) */
    int32_t *col;           /* the split feature's column in a block: feature * GBDT_BLOCK
                               (0 at leaves) */
    int32_t *left;          /* the left child, index within its tree; the right one follows
                               it; a leaf: its own index - 1 (so a walk stays on it) */
    uint8_t *missing_left;  /* a missing value goes left */
    double *value;          /* leaves: output (learning rate applied); 0 at splits */
    size_t *root;           /* n_trees: first node of each tree */
    int *depth;             /* n_trees: edges to the deepest leaf */
    size_t n_nodes;
    int n_trees;
    void *arena;            /* owned: every array above is carved out of it */
} gbdt_forest;

hpml_status gbdt_forest_build(const gbdt_model *m, gbdt_forest *f);
void gbdt_forest_free(gbdt_forest *f);

/* Floats of scratch gbdt_forest_margins needs: one block, column-major. */
size_t gbdt_forest_scratch_floats(const gbdt_model *m);

/* Margins (n x k, row-major) of n rows of raw values x (n x n_features,
 * row-major; NaN missing, categorical features as codes). scratch:
 * gbdt_forest_scratch_floats(m) floats, owned by the caller, overwritten. */
void gbdt_forest_margins(const gbdt_model *m, const gbdt_forest *f, const float *x, size_t n,
                         float *scratch, double *margins);

#endif
