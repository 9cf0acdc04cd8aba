/* predict.c — the compact forest and blocked prediction. */
#include "gbdt/predict.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

#define MISSING_LEFT (1 << 30)
#define CATEGORICAL (1 << 29)
#define FEATURE_MASK (CATEGORICAL - 1)
#define BLOCK 64

void gbdt_forest_free(gbdt_forest *f)
{
    hpml_free(f->nodes);
    hpml_free(f->root);
    memset(f, 0, sizeof *f);
}

/* Copies tree t breadth first from node 0 into out (children adjacent);
 * returns the number of nodes written. queue: scratch of t->n_nodes ints. */
static int copy_tree(const gbdt_model *m, const gbdt_tree *t, gbdt_pnode *out, int *queue)
{
    int head = 0, tail = 0, n = 1;
    queue[tail++] = 0; /* out[i] comes from model node queue[i] */
    while (head < tail) {
        const gbdt_node *nd = &t->nodes[queue[head]];
        gbdt_pnode *p = &out[head++];
        if (nd->feature < 0) {
            *p = (gbdt_pnode){-1, 0, nd->value};
            continue;
        }
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
    int *queue = hpml_malloc_array((size_t)most, sizeof *queue);
    if (!f->nodes || !f->root || !queue) {
        hpml_free(queue);
        gbdt_forest_free(f);
        return hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the trees for prediction");
    }
    size_t at = 0;
    for (int t = 0; t < m->n_trees; t++) {
        f->root[t] = at;
        at += (size_t)copy_tree(m, &m->trees[t], f->nodes + at, queue);
    }
    f->n_trees = m->n_trees;
    hpml_free(queue);
    return HPML_OK;
}

/* The leaf value of one tree for one row (the comparisons of
 * gbdt_tree_predict). */
static inline double walk(const gbdt_pnode *nodes, const float *x, const gbdt_model *m)
{
    int i = 0;
    while (nodes[i].feature >= 0) {
        const gbdt_pnode *p = &nodes[i];
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
        i = p->left + !left;
    }
    return nodes[i].v;
}

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
            for (size_t i = b0; i < b1; i++)
                margins[i * (size_t)k + (size_t)c] += walk(nodes, x + i * nf, m);
        }
    }
}
