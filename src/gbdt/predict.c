/* predict.c — the compact forest and blocked prediction. */
#include "gbdt/predict.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

#define MISSING_LEFT (1 << 30)
#define CATEGORICAL (1 << 29)
#define LEAF (1 << 28)
#define FEATURE_MASK (LEAF - 1)
#ifndef FIXED_DEPTH_MAX /* -DFIXED_DEPTH_MAX=0 sends every tree through the deep path */
#define FIXED_DEPTH_MAX 12 /* deeper trees: a test per step whether all rows are at leaves */
#endif
#define BLOCK 64

void gbdt_forest_free(gbdt_forest *f)
{
    hpml_free(f->nodes);
    hpml_free(f->root);
    hpml_free(f->depth);
    memset(f, 0, sizeof *f);
}

/* Copies tree t breadth first from node 0 into out (children adjacent);
 * returns the number of nodes written. queue: scratch of t->n_nodes ints. */
static int copy_tree(const gbdt_model *m, const gbdt_tree *t, gbdt_pnode *out, int *queue,
                     int *depth_of, int *depth)
{
    int head = 0, tail = 0, n = 1;
    queue[tail++] = 0; /* out[i] comes from model node queue[i] */
    depth_of[0] = 0;
    *depth = 0;
    while (head < tail) {
        const gbdt_node *nd = &t->nodes[queue[head]];
        int here = head, d = depth_of[head];
        gbdt_pnode *p = &out[head++];
        if (nd->feature < 0) { /* a leaf is its own child: walks may step on */
            *p = (gbdt_pnode){LEAF, here, nd->value};
            *depth = d > *depth ? d : *depth;
            continue;
        }
        depth_of[tail] = depth_of[tail + 1] = d + 1;
        int cat = m->cat_bin && m->cat_bin[nd->feature];
        p->feature = nd->feature | (nd->missing_left ? MISSING_LEFT : 0) | (cat ? CATEGORICAL : 0);
        p->left = n;
        p->v = cat ? (double)nd->bin : nd->threshold;
        queue[tail++] = nd->left;
        queue[tail++] = nd->right;
        n += 2;
    }
    return n;
}

hpml_status gbdt_forest_build(const gbdt_model *m, gbdt_forest *f)
{
    memset(f, 0, sizeof *f);
    size_t total = 0;
    int most = 1;
    for (int t = 0; t < m->n_trees; t++) {
        total += (size_t)m->trees[t].n_nodes;
        most = m->trees[t].n_nodes > most ? m->trees[t].n_nodes : most;
    }
    f->nodes = hpml_malloc_array(total ? total : 1, sizeof *f->nodes);
    f->root = hpml_malloc_array((size_t)(m->n_trees ? m->n_trees : 1), sizeof *f->root);
    f->depth = hpml_malloc_array((size_t)(m->n_trees ? m->n_trees : 1), sizeof *f->depth);
    int *queue = hpml_malloc_array((size_t)most, sizeof *queue);
    int *depth_of = hpml_malloc_array((size_t)most, sizeof *depth_of);
    if (!f->nodes || !f->root || !f->depth || !queue || !depth_of) {
        hpml_free(queue);
        hpml_free(depth_of);
        gbdt_forest_free(f);
        return hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the trees for prediction");
    }
    size_t at = 0;
    for (int t = 0; t < m->n_trees; t++) {
        f->root[t] = at;
        at += (size_t)copy_tree(m, &m->trees[t], f->nodes + at, queue, depth_of, &f->depth[t]);
    }
    f->n_trees = m->n_trees;
    hpml_free(queue);
    hpml_free(depth_of);
    return HPML_OK;
}

/* The next node of one row at node p: a child, or p itself at a leaf. */
static inline int step(const gbdt_pnode *p, const float *x, const gbdt_model *m)
{
    int j = p->feature & FEATURE_MASK;
    float v = x[j];
    int left;
    if (v != v) {
        left = (p->feature & MISSING_LEFT) != 0;
    } else if (p->feature & CATEGORICAL) {
        int32_t c = (int32_t)v;
        int bin = c >= 0 && c < m->n_categories[j] ? m->cat_bin[j][c] : 0;
        left = bin == 0 ? (p->feature & MISSING_LEFT) != 0 : bin <= p->v;
    } else {
        left = (double)v < p->v;
    }
    return p->left + (!left & !(p->feature & LEAF));
}

/* The leaf value of one tree for one row (the comparisons of
 * gbdt_tree_predict). */
static inline double walk(const gbdt_pnode *nodes, const float *x, const gbdt_model *m)
{
    int i = 0;
    while (!(nodes[i].feature & LEAF))
        i = step(&nodes[i], x, m);
    return nodes[i].v;
}

#define LANES 16 /* rows walked through a tree side by side */

void gbdt_forest_margins(const gbdt_model *m, const gbdt_forest *f, const float *x, size_t n,
                         double *margins)
{
    const int k = m->loss.k;
    const size_t nf = (size_t)m->n_features;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < k; c++)
            margins[i * (size_t)k + (size_t)c] = m->base_margin[c];
    for (size_t b0 = 0; b0 < n; b0 += BLOCK) {
        size_t b1 = b0 + BLOCK < n ? b0 + BLOCK : n;
        for (int t = 0; t < f->n_trees; t++) {
            const gbdt_pnode *nodes = f->nodes + f->root[t];
            const int c = t % k;
            size_t i = b0;
            /* LANES rows at a time: their walks are independent, so the
             * processor overlaps them instead of waiting on each load */
            const int depth = f->depth[t];
            for (; depth <= FIXED_DEPTH_MAX && i + LANES <= b1; i += LANES) {
                int at[LANES] = {0};
                for (int d = 0; d < depth; d++) /* leaves step onto themselves */
                    for (int r = 0; r < LANES; r++)
                        at[r] = step(&nodes[at[r]], x + (i + (size_t)r) * nf, m);
                for (int r = 0; r < LANES; r++)
                    margins[(i + (size_t)r) * (size_t)k + (size_t)c] += nodes[at[r]].v;
            }
            for (; depth > FIXED_DEPTH_MAX && i + LANES <= b1; i += LANES) {
                int at[LANES] = {0}, live = 1; /* deep trees: until every row is at a leaf */
                for (int d = 0; live; d++) {
                    live = 0;
                    for (int r = 0; r < LANES; r++) {
                        at[r] = step(&nodes[at[r]], x + (i + (size_t)r) * nf, m);
                        live |= !(nodes[at[r]].feature & LEAF);
                    }
                }
                for (int r = 0; r < LANES; r++)
                    margins[(i + (size_t)r) * (size_t)k + (size_t)c] += nodes[at[r]].v;
            }
            for (; i < b1; i++)
                margins[i * (size_t)k + (size_t)c] += walk(nodes, x + i * nf, m);
        }
    }
}
