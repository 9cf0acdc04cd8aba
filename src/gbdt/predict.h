/* predict.h — prediction of many rows with a compact copy of the trees
 * (internal).
 *
 * Each tree is laid out again with both children of a node next to each
 * other, in 16-byte nodes (the model's nodes also carry gain and cover), and
 * rows are predicted in blocks: every tree is applied to a block of rows
 * before the next tree, so a tree's nodes stay in cache while it is used,
 * sixteen rows side by side and (for trees up to depth 12) for exactly the
 * tree's depth — a leaf leads to itself — so the walks have no exit test and
 * overlap in the processor.
 * Results equal gbdt_predict_margins exactly (same comparisons, same order of
 * additions per row).
 */
#ifndef HPML_GBDT_PREDICT_H
#define HPML_GBDT_PREDICT_H

#include "gbdt/boost.h"

typedef struct gbdt_pnode {
    /* split feature with flags (bit 30: missing goes left, bit 29:
     * categorical, bit 28: a leaf) */
    int32_t feature;
    int32_t left;           /* index of the left child, the right one follows it;
                               a leaf's own index */
    double v;               /* threshold (x < v goes left), category bin, or leaf value */
} gbdt_pnode;

typedef struct gbdt_forest {
    gbdt_pnode *nodes;      /* owned: every tree's nodes */
    size_t *root;           /* owned: n_trees offsets into nodes */
    int *depth;             /* owned: n_trees depths (edges to the deepest leaf) */
    int n_trees;
} gbdt_forest;

hpml_status gbdt_forest_build(const gbdt_model *m, gbdt_forest *f);
void gbdt_forest_free(gbdt_forest *f);
/* Margins (n x k, row-major) of n rows of raw values x (row-major). */
void gbdt_forest_margins(const gbdt_model *m, const gbdt_forest *f, const float *x, size_t n,
                         double *margins);

#endif
