/* predict.c — the compact forest and blocked prediction. */
#include "gbdt/predict.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

#ifndef FIXED_DEPTH_MAX /* -DFIXED_DEPTH_MAX=0 sends every tree through the deep path */
#define FIXED_DEPTH_MAX 12 /* deeper trees: a test per step whether all rows are at leaves */
#endif
#define LANES 16     /* rows walked through a tree side by side */
#define DEEP_LANES 8 /* the same for trees deeper than FIXED_DEPTH_MAX */
#define ALWAYS_INLINE inline __attribute__((always_inline))
_Static_assert(GBDT_BLOCK % LANES == 0 && GBDT_BLOCK <= 256, "rows of a block: uint8_t");

void gbdt_forest_free(gbdt_forest *f)
{
    hpml_free(f->arena);
    memset(f, 0, sizeof *f);
}

/* The smallest float >= t (t not NaN; +inf above FLT_MAX).
 *
 * Why a float threshold decides exactly as the double one: for a float x
 * and a double t (neither NaN), with u = float_at_least(t),
 *     x < t  <=>  x < u.
 * (=>) x < t <= u. (<=) if x < u but x >= t, then x is a float >= t below
 * u, against u being the smallest such float. A NaN x is below neither.
 * Infinities and subnormals need no exception: the argument only uses the
 * order of the floats (with +-inf) and the exact comparison of float with
 * double, and (float)t below is the nearest float, one step at most from u. */
static float float_at_least(double t)
{
    float u = (float)t;
    if ((double)u < t)
        u = nextafterf(u, INFINITY);
    return u;
}

/* Copies tree t breadth first from node 0 into f's arrays from `at` on
 * (children adjacent); returns the number of nodes written. queue, depth_of:
 * scratch of t->n_nodes ints. */
static int copy_tree(const gbdt_model *m, const gbdt_tree *t, gbdt_forest *f, size_t at,
                     int *queue, int *depth_of, int *depth)
{
    int head = 0, tail = 0, n = 1;
    queue[tail++] = 0; /* node at + i comes from model node queue[i] */
    depth_of[0] = 0;
    *depth = 0;
    while (head < tail) {
        const gbdt_node *nd = &t->nodes[queue[head]];
        int here = head, d = depth_of[head];
        size_t p = at + (size_t)head++;
        if (nd->feature < 0) { /* a leaf is its own (right) child: walks may step on */
            f->thr[p] = NAN;
            f->col[p] = 0;
            f->left[p] = here - 1;
            f->missing_left[p] = 0;
            f->value[p] = nd->value;
            *depth = d > *depth ? d : *depth;
            continue;
        }
        depth_of[tail] = depth_of[tail + 1] = d + 1;
        int cat = m->cat_bin && m->cat_bin[nd->feature];
        /* categorical: the block holds bins, and bin <= nd->bin goes left */
        f->thr[p] = cat ? (float)nd->bin + 0.5f : float_at_least(nd->threshold);
        f->col[p] = nd->feature * GBDT_BLOCK;
        f->left[p] = n;
        f->missing_left[p] = nd->missing_left;
        f->value[p] = 0;
        queue[tail++] = nd->left;
        queue[tail++] = nd->right;
        n += 2;
    }
    return n;
}

hpml_status gbdt_forest_build(const gbdt_model *m, gbdt_forest *f)
{
    memset(f, 0, sizeof *f);
    if (m->n_features > INT32_MAX / GBDT_BLOCK)
        return hpml_fail(HPML_ERR_ARG, "the trees use %d features; prediction handles at most %d",
                         m->n_features, INT32_MAX / GBDT_BLOCK);
    size_t total = 0;
    int most = 1;
    for (int t = 0; t < m->n_trees; t++) {
        total += (size_t)m->trees[t].n_nodes;
        most = m->trees[t].n_nodes > most ? m->trees[t].n_nodes : most;
    }
    const size_t nt = (size_t)m->n_trees;
    /* one arena, the 8-byte arrays first: value, root | thr, col, left, depth | missing_left */
    size_t per_node = sizeof(double) + sizeof(float) + 2 * sizeof(int32_t) + 1;
    size_t bytes = total * per_node + nt * (sizeof(size_t) + sizeof(int)) + 8;
    f->arena = hpml_malloc(bytes);
    int *queue = hpml_malloc_array((size_t)most, sizeof *queue);
    int *depth_of = hpml_malloc_array((size_t)most, sizeof *depth_of);
    if (!f->arena || !queue || !depth_of) {
        hpml_free(queue);
        hpml_free(depth_of);
        gbdt_forest_free(f);
        return hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the trees for prediction");
    }
    char *a = f->arena;
    f->value = (double *)a;
    a += total * sizeof(double);
    f->root = (size_t *)a;
    a += nt * sizeof(size_t);
    f->thr = (float *)a;
    a += total * sizeof(float);
    f->col = (int32_t *)a;
    a += total * sizeof(int32_t);
    f->left = (int32_t *)a;
    a += total * sizeof(int32_t);
    f->depth = (int *)a;
    a += nt * sizeof(int);
    f->missing_left = (uint8_t *)a;
    size_t at = 0;
    for (int t = 0; t < m->n_trees; t++) {
        f->root[t] = at;
        at += (size_t)copy_tree(m, &m->trees[t], f, at, queue, depth_of, &f->depth[t]);
    }
    f->n_nodes = total;
    f->n_trees = m->n_trees;
    hpml_free(queue);
    hpml_free(depth_of);
    return HPML_OK;
}

size_t gbdt_forest_scratch_floats(const gbdt_model *m)
{
    return (size_t)GBDT_BLOCK * (size_t)(m->n_features ? m->n_features : 1);
}

/* The value a split compares for category code v of a feature with bins[n]
 * (gbdt_tree_predict's mapping): its bin, NaN when missing or unseen. */
static float category_bin(float v, const uint8_t *bins, int32_t n)
{
    /* (int32_t)v is in [0, n) exactly when -1 < v < n */
    if (!(v > -1.0f && (double)v < (double)n))
        return NAN;
    uint8_t b = bins[(int32_t)v];
    return b ? (float)b : NAN;
}

/* Rows x[0..nb) (row-major, nf features) into xc[j * GBDT_BLOCK + i],
 * categorical codes replaced by their bins, the rows nb.. of the block
 * zero. Returns whether the block holds a missing value. */
static int prep_block(const gbdt_model *m, const float *x, size_t nb, float *xc)
{
    const size_t nf = (size_t)m->n_features;
    int missing = 0;
    for (size_t j = 0; j < nf; j++) {
        float *c = xc + j * GBDT_BLOCK;
        const float *s = x + j;
        for (size_t i = 0; i < nb; i++)
            c[i] = s[i * nf];
        for (size_t i = nb; i < GBDT_BLOCK; i++)
            c[i] = 0;
        if (m->cat_bin && m->cat_bin[j])
            for (size_t i = 0; i < nb; i++)
                c[i] = category_bin(c[i], m->cat_bin[j], m->n_categories[j]);
        int nan = 0;
        for (size_t i = 0; i < nb; i++)
            nan |= c[i] != c[i];
        missing |= nan;
    }
    return missing;
}

/* One step of `lanes` (<= LANES) walks of one tree (thr, col, left, ml: its arrays):
 * at[r] goes to its child for row r of xg (column-major block from the
 * group's first row); a walk at a leaf stays there. Without `missing` the
 * rows must hold no NaN. Returns whether some walk moved. */
static ALWAYS_INLINE int step_lanes(const float *restrict thr, const int32_t *restrict col,
                                    const int32_t *restrict left, const uint8_t *restrict ml,
                                    const float *restrict xg, int32_t *restrict at, int lanes,
                                    int missing)
{
    int moved = 0;
#pragma GCC unroll 16
    for (int r = 0; r < lanes; r++) {
        int32_t a = at[r];
        float v = (xg + r)[col[a]];
        int go_left = v < thr[a];
        if (missing)
            go_left |= (v != v) & ml[a];
        int32_t next = left[a] + !go_left;
        moved |= next != a;
        at[r] = next;
    }
    return moved;
}

/* Adds one tree's leaf values to the margins mg (stride k, group c) of the
 * nb rows of block xc, `lanes` rows walking side by side: for `depth`
 * steps, or (depth < 0) until each of them is at a leaf. */
static ALWAYS_INLINE void tree_margins(const float *restrict thr, const int32_t *restrict col,
                                       const int32_t *restrict left, const uint8_t *restrict ml,
                                       const double *restrict value, const float *xc, size_t nb,
                                       int depth, int lanes, size_t k, size_t c, double *mg,
                                       int missing)
{
    for (size_t i = 0; i < nb; i += (size_t)lanes) {
        int32_t at[LANES] = {0};
        if (depth >= 0) {
            for (int d = 0; d < depth; d++) /* leaves step onto themselves */
                step_lanes(thr, col, left, ml, xc + i, at, lanes, missing);
        } else {
            while (step_lanes(thr, col, left, ml, xc + i, at, lanes, missing))
                ;
        }
        size_t nr = nb - i < (size_t)lanes ? nb - i : (size_t)lanes;
        for (size_t r = 0; r < nr; r++)
            mg[(i + r) * k + c] += value[at[r]];
    }
}

/* Adds every tree's leaf values to the margins mg (GBDT_BLOCK x k) of the
 * nb rows of block xc. Trees up to FIXED_DEPTH_MAX: LANES rows walk for
 * exactly the tree's depth. Deeper (lossguide) trees: DEEP_LANES rows walk
 * until all are at leaves; a group costs its deepest row, and in such a
 * lopsided tree the deepest of 16 rows is about twice the mean path, of 8
 * 1.9 times (binary set, 255 leaves: mean path 4.4 steps, deepest of 16
 * rows 9.8, of 8 rows 8.1; measured 8 lanes ~8% faster than 16, 4 lanes
 * 25% slower than 8). */
static ALWAYS_INLINE void block_margins(const gbdt_forest *f, const float *xc, size_t nb, int k,
                                        double *mg, int missing)
{
    for (int t = 0, c = 0; t < f->n_trees; t++, c = c + 1 < k ? c + 1 : 0) {
        const size_t r0 = f->root[t];
        const float *thr = f->thr + r0;
        const int32_t *col = f->col + r0, *left = f->left + r0;
        const uint8_t *ml = f->missing_left + r0;
        const double *value = f->value + r0;
        if (f->depth[t] <= FIXED_DEPTH_MAX)
            tree_margins(thr, col, left, ml, value, xc, nb, f->depth[t], LANES, (size_t)k,
                         (size_t)c, mg, missing);
        else
            tree_margins(thr, col, left, ml, value, xc, nb, -1, DEEP_LANES, (size_t)k, (size_t)c,
                         mg, missing);
    }
}

static void block_margins_plain(const gbdt_forest *f, const float *xc, size_t nb, int k,
                                double *mg)
{
    block_margins(f, xc, nb, k, mg, 0);
}

static void block_margins_missing(const gbdt_forest *f, const float *xc, size_t nb, int k,
                                  double *mg)
{
    block_margins(f, xc, nb, k, mg, 1);
}

void gbdt_forest_margins(const gbdt_model *m, const gbdt_forest *f, const float *x, size_t n,
                         float *scratch, double *margins)
{
    const int k = m->loss.k;
    const size_t nf = (size_t)m->n_features;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < k; c++)
            margins[i * (size_t)k + (size_t)c] = m->base_margin[c];
    for (size_t b0 = 0; b0 < n; b0 += GBDT_BLOCK) {
        size_t nb = n - b0 < GBDT_BLOCK ? n - b0 : GBDT_BLOCK;
        double *mg = margins + b0 * (size_t)k;
        if (prep_block(m, x + b0 * nf, nb, scratch))
            block_margins_missing(f, scratch, nb, k, mg);
        else
            block_margins_plain(f, scratch, nb, k, mg);
    }
}
