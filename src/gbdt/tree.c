/* tree.c — depth-wise growth with histogram subtraction and a row partition. */
#include "gbdt/tree.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

void gbdt_tree_free(gbdt_tree *t)
{
    if (!t)
        return;
    hpml_free(t->nodes);
    memset(t, 0, sizeof *t);
}

static int add_node(gbdt_tree *t)
{
    if (t->n_nodes == t->cap) {
        int cap = t->cap ? t->cap * 2 : 64;
        gbdt_node *nn = hpml_realloc_array(t->nodes, (size_t)cap, sizeof *nn);
        if (!nn)
            return -1;
        t->nodes = nn;
        t->cap = cap;
    }
    memset(&t->nodes[t->n_nodes], 0, sizeof t->nodes[0]);
    t->nodes[t->n_nodes].feature = -1;
    return t->n_nodes++;
}

/* A node waiting to be split: its rows rows[begin..end), histogram, sums. */
typedef struct pending {
    int node;
    size_t begin, end;
    gbdt_bin_sum *hist;     /* owned */
    gbdt_bin_sum total;
} pending;

static void make_leaf(gbdt_tree *t, const pending *w, const gbdt_quant *q,
                      const gbdt_grow_params *p, double *leaf_value)
{
    double G = (double)w->total.g / q->scale_g, H = (double)w->total.h / q->scale_h;
    double v = p->learning_rate * gbdt_leaf_value(G, H, &p->split);
    t->nodes[w->node].value = v;
    t->nodes[w->node].cover = H;
    for (size_t k = w->begin; k < w->end; k++)
        leaf_value[k] = v;
}

/* Best split of a node over all features; per-feature searches run in
 * parallel and are combined in feature order (the lowest feature wins ties). */
static gbdt_split best_split(const gbdt_bins *b, const pending *w, const gbdt_quant *q,
                             const gbdt_grow_params *p, gbdt_split *per_feature)
{
    int nf = b->n_features;
#pragma omp parallel for schedule(dynamic, 4) num_threads(p->threads) if (nf > 8)
    for (int j = 0; j < nf; j++) {
        per_feature[j] = (gbdt_split){.feature = -1, .gain = p->split.gamma};
        gbdt_split_feature(w->hist + (size_t)j * HIST_BINS, b->n_bins[j] + 1, &w->total, q,
                           &p->split, j, &per_feature[j]);
    }
    gbdt_split best = {.feature = -1, .gain = p->split.gamma};
    for (int j = 0; j < nf; j++)
        if (per_feature[j].feature >= 0 && per_feature[j].gain > best.gain)
            best = per_feature[j];
    return best;
}

/* Stable partition of rows[begin..end), and of the gradients that travel
 * with them: rows going left first. Returns the end of the left part. tmp
 * holds n rows' worth of scratch for each of the three arrays. */
static size_t partition(const gbdt_bins *b, uint32_t *rows, int32_t *qg, int32_t *qh,
                        size_t begin, size_t end, const gbdt_split *s, uint32_t *tmp,
                        int32_t *tmp_g, int32_t *tmp_h)
{
    const uint8_t *codes = b->codes + s->feature;
    const size_t stride = (size_t)b->n_features;
    size_t l = begin, r = 0;
    for (size_t k = begin; k < end; k++) {
        uint8_t c = codes[rows[k] * stride];
        int left = c == 0 ? s->missing_left : c <= s->bin;
        if (left) {
            rows[l] = rows[k];
            qg[l] = qg[k];
            qh[l++] = qh[k];
        } else {
            tmp[r] = rows[k];
            tmp_g[r] = qg[k];
            tmp_h[r++] = qh[k];
        }
    }
    memcpy(rows + l, tmp, r * sizeof *rows);
    memcpy(qg + l, tmp_g, r * sizeof *qg);
    memcpy(qh + l, tmp_h, r * sizeof *qh);
    return l;
}

hpml_status gbdt_grow_tree(const gbdt_bins *b, uint32_t *rows, size_t n, int32_t *qg,
                           int32_t *qh, const gbdt_quant *q, const gbdt_grow_params *p,
                           gbdt_tree *t, double *leaf_value)
{
    size_t hist_bytes = (size_t)b->n_features * HIST_BINS * sizeof(gbdt_bin_sum);
    size_t max_level = (size_t)1 << (p->max_depth < 20 ? p->max_depth : 20);
    pending *level = hpml_calloc(max_level, sizeof *level);
    pending *next = hpml_calloc(max_level, sizeof *next);
    gbdt_split *per_feature = hpml_malloc_array((size_t)b->n_features, sizeof *per_feature);
    uint32_t *tmp = hpml_malloc_array(n ? n : 1, sizeof *tmp);
    int32_t *tmp_g = hpml_malloc_array(n ? n : 1, sizeof *tmp_g);
    int32_t *tmp_h = hpml_malloc_array(n ? n : 1, sizeof *tmp_h);
    hpml_status st = HPML_OK;
    size_t n_level = 0, n_next = 0;
    if (!level || !next || !per_feature || !tmp || !tmp_g || !tmp_h)
        goto nomem;
    int root = add_node(t);
    if (root < 0 || !(level[0].hist = hpml_malloc(hist_bytes)))
        goto nomem;
    level[0] = (pending){root, 0, n, level[0].hist, {0, 0, 0}};
    n_level = 1;
    gbdt_hist_build(b, rows, n, qg, qh, p->threads, level[0].hist);
    for (int k = 0; k < HIST_BINS; k++) { /* totals: any one feature's bins */
        level[0].total.g += level[0].hist[k].g;
        level[0].total.h += level[0].hist[k].h;
        level[0].total.n += level[0].hist[k].n;
    }
    for (int depth = 0; depth < p->max_depth && n_level; depth++) {
        n_next = 0;
        for (size_t i = 0; i < n_level; i++) {
            pending *w = &level[i];
            /* a level holds at most max_level nodes (2^20 for very deep trees) */
            gbdt_split s = n_next + 2 <= max_level ? best_split(b, w, q, p, per_feature)
                                                   : (gbdt_split){.feature = -1};
            if (s.feature < 0) {
                make_leaf(t, w, q, p, leaf_value);
                hpml_free(w->hist);
                w->hist = NULL;
                continue;
            }
            int l = add_node(t), r = add_node(t);
            if (l < 0 || r < 0)
                goto nomem;
            gbdt_node *nd = &t->nodes[w->node];
            nd->feature = s.feature;
            nd->left = l;
            nd->right = r;
            nd->bin = (uint8_t)s.bin;
            nd->missing_left = (uint8_t)s.missing_left;
            nd->threshold = b->categorical[s.feature] ? 0.0 : b->cuts[s.feature][s.bin - 1];
            nd->gain = s.gain;
            nd->cover = (double)w->total.h / q->scale_h;
            size_t mid = partition(b, rows, qg, qh, w->begin, w->end, &s, tmp, tmp_g, tmp_h);
            pending L = {l, w->begin, mid, NULL, s.left}, R = {r, mid, w->end, NULL, s.right};
            /* build the smaller child, subtract for the larger (reusing the parent's buffer) */
            pending *small = L.total.n <= R.total.n ? &L : &R, *large = small == &L ? &R : &L;
            if (!(small->hist = hpml_malloc(hist_bytes)))
                goto nomem;
            gbdt_hist_build(b, rows + small->begin, small->end - small->begin, qg + small->begin,
                            qh + small->begin, p->threads, small->hist);
            large->hist = w->hist;
            w->hist = NULL;
            gbdt_hist_subtract(large->hist, small->hist, b->n_features, large->hist);
            next[n_next++] = L;
            next[n_next++] = R;
        }
        pending *swap = level;
        level = next;
        next = swap;
        n_level = n_next;
        n_next = 0;
    }
    for (size_t i = 0; i < n_level; i++) { /* max depth reached */
        make_leaf(t, &level[i], q, p, leaf_value);
        hpml_free(level[i].hist);
        level[i].hist = NULL;
    }
    n_level = 0;
    goto out;
nomem:
    st = hpml_fail(HPML_ERR_NOMEM, "out of memory while growing a tree");
out:
    for (size_t i = 0; level && i < n_level; i++)
        hpml_free(level[i].hist);
    for (size_t i = 0; next && i < n_next; i++)
        hpml_free(next[i].hist);
    hpml_free(level);
    hpml_free(next);
    hpml_free(per_feature);
    hpml_free(tmp);
    hpml_free(tmp_g);
    hpml_free(tmp_h);
    return st;
}

double gbdt_tree_predict(const gbdt_tree *t, const float *x, const uint8_t *const *cat_bin,
                         const int32_t *n_categories)
{
    const gbdt_node *nd = &t->nodes[0];
    while (nd->feature >= 0) {
        float v = x[nd->feature];
        int left;
        if (v != v) {
            left = nd->missing_left;
        } else if (cat_bin && cat_bin[nd->feature]) {
            int32_t c = (int32_t)v;
            uint8_t bin = c >= 0 && c < n_categories[nd->feature] ? cat_bin[nd->feature][c] : 0;
            left = bin == 0 ? nd->missing_left : bin <= nd->bin;
        } else {
            left = (double)v < nd->threshold;
        }
        nd = &t->nodes[left ? nd->left : nd->right];
    }
    return nd->value;
}
