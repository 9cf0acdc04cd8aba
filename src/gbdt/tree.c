/* tree.c — depth-wise growth with histogram subtraction and a row partition. */
#include "gbdt/tree.h"

#include <limits.h>
#include <omp.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "dist/dist.h"

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

/* A leaf that may still be split: its rows rows[begin..end), its histogram
 * (NULL once dropped to save memory), sums and best split. */
typedef struct candidate {
    int node, depth;
    size_t begin, end;
    int64_t *hist;          /* owned (or NULL): packed sums, then counts if counted */
    gbdt_bin_sum total;
    gbdt_split split;       /* feature -1: cannot be split */
    int buf;                /* which buffer holds its rows and gradients (0: the caller's) */
} candidate;

/* The grower's state for one tree. */
typedef struct grower {
    const gbdt_bins *b;
    const gbdt_grow_params *p;
    const gbdt_quant *q;
    gbdt_tree *t;
    uint32_t *rows;
    int64_t *packed;
    double *leaf_value;
    int counted;            /* rows per bin are counted (min_samples_leaf > 1) */
    int identity;           /* rows is 0..n_rows-1 (until the first partition) */
    size_t hist_bytes, budget;
    candidate *cand;        /* waiting leaves; cand[head..n_cand) are live (depthwise order) */
    size_t n_cand, cap_cand, head;
    gbdt_scratch *s;        /* buffers kept across trees (the pool, scratch arrays) */
    int n_live_hist;
    uint32_t *tmp;
    int64_t *tmp_packed;
    uint8_t *dir;           /* per row: goes left (partition scratch) */
    uint32_t *rows_buf[2];  /* the caller's rows and the scratch: partitions go */
    int64_t *packed_buf[2]; /* from one to the other, never back */
    /* Several processes: each sums, subtracts and searches only its own
     * features' histograms, a contiguous block of the layout, and the best
     * splits are exchanged. One process: own is every allowed feature. */
    int np, me;
    const int *own;         /* the features searched here (NULL: all) */
    int n_own;
    size_t *block;          /* np: each process's block, in values (owned) */
    size_t own_at;          /* where ours begins */
    int *own_buf;           /* backs own (owned) */
    int64_t *recv;          /* our block's sums (owned) */
    gbdt_split *gath;       /* np x cap_gath: the processes' best splits (owned) */
    int cap_gath;
} grower;

/* The histograms in a buffer: packed sums, then (if counted) counts. */
static gbdt_hist view(const grower *w, int64_t *buf)
{
    return (gbdt_hist){buf, w->counted ? buf + gbdt_hist_total(w->b) : NULL};
}

/* Histograms built over this process's rows, summed over all processes in
 * this process's block (of the sums and, if counted, of the counts): the
 * rest of the buffer is never read. */
static hpml_status reduce_hist(const grower *w, int64_t *h)
{
    if (w->np == 1)
        return HPML_OK;
    const size_t total = gbdt_hist_total(w->b);
    hpml_status st = HPML_OK;
    for (int part = 0; part < 1 + w->counted && st == HPML_OK; part++) {
        int64_t *base = h + (size_t)part * total;
        if ((st = dist_reduce_scatter_i64(w->p->dist, base, w->recv, w->block)) == HPML_OK)
            memcpy(base + w->own_at, w->recv, w->block[w->me] * sizeof *base);
    }
    return st;
}

/* This process's features: the histogram layout cut into np blocks of
 * about equal size at feature boundaries, ours the me-th; of them, those
 * the tree may use. */
static hpml_status own_features(grower *w)
{
    const gbdt_bins *b = w->b;
    const int nf = b->n_features, np = w->np;
    const size_t total = gbdt_hist_total(b);
    w->block = hpml_malloc_array((size_t)np, sizeof *w->block);
    w->own_buf = hpml_malloc_array((size_t)nf + 1, sizeof *w->own_buf);
    if (!w->block || !w->own_buf)
        return HPML_ERR_NOMEM;
    int f = 0, lo = 0, hi = nf;
    size_t biggest = 0;
    for (int r = 0; r < np; r++) {
        int f0 = f;
        size_t end = total * (size_t)(r + 1) / (size_t)np;
        while (f < nf && gbdt_hist_at(b, f) < end)
            f++;
        if (r == np - 1)
            f = nf;
        size_t a = f0 < nf ? gbdt_hist_at(b, f0) : total, e = f < nf ? gbdt_hist_at(b, f) : total;
        w->block[r] = e - a;
        biggest = w->block[r] > biggest ? w->block[r] : biggest;
        if (r == w->me) {
            lo = f0;
            hi = f;
            w->own_at = a;
        }
    }
    const gbdt_grow_params *p = w->p;
    w->n_own = 0;
    for (int a = 0; a < (p->features ? p->n_features : nf); a++) {
        int j = p->features ? p->features[a] : a;
        if (j >= lo && j < hi)
            w->own_buf[w->n_own++] = j;
    }
    w->own = w->own_buf;
    if (!(w->recv = hpml_malloc_array(biggest ? biggest : 1, sizeof *w->recv)))
        return HPML_ERR_NOMEM;
    return HPML_OK;
}

/* Row counts n[0..m) of nodes, from this process's partition, summed over
 * all processes. */
static hpml_status reduce_counts(const grower *w, int64_t *n, size_t m)
{
    return dist_size(w->p->dist) == 1 ? HPML_OK : dist_allreduce_i64(w->p->dist, n, m, DIST_SUM);
}

static int64_t *hist_get(grower *w)
{
    w->n_live_hist++;
    if (w->s->n_pool > 0)
        return w->s->pool[--w->s->n_pool];
    int64_t *h = hpml_malloc(w->hist_bytes);
    if (!h)
        w->n_live_hist--;
    return h;
}

static void hist_put(grower *w, int64_t *h)
{
    if (!h)
        return;
    w->n_live_hist--;
    if (w->s->n_pool < w->s->cap_pool)
        w->s->pool[w->s->n_pool++] = h;
    else
        hpml_free(h);
}

/* Sets node `node` to a leaf with sums `total`; returns its value. */
static double leaf_node(grower *w, int node, const gbdt_bin_sum *total)
{
    double G = (double)total->g / w->q->scale_g, H = (double)total->h / w->q->scale_h;
    double v = w->p->learning_rate * gbdt_leaf_value(G, H, &w->p->split);
    w->t->nodes[node].value = v;
    w->t->nodes[node].cover = H;
    return v;
}

static void make_leaf(grower *w, const candidate *c)
{
    double v = leaf_node(w, c->node, &c->total);
    for (size_t k = c->begin; k < c->end; k++)
        w->leaf_value[k] = v;
    if (c->buf) /* the caller reads the leaves' rows from its own array */
        memcpy(w->rows + c->begin, w->rows_buf[1] + c->begin, (c->end - c->begin) * sizeof *w->rows);
}

/* Keeps sp in *best if it gains more: called in feature order, the lowest
 * feature wins ties, the choice every search here makes. */
static inline void keep_better(gbdt_split *best, const gbdt_split *sp)
{
    if (sp->feature >= 0 && sp->gain > best->gain)
        *best = *sp;
}

/* Best splits of candidates c[0..nc) over the allowed features; the
 * (candidate, feature) searches run in parallel, one region for all, and are
 * combined in feature order (the lowest feature wins ties), so the result
 * does not depend on the thread count. w->per_feature and w->open have room
 * for nc candidates (level_fit). */
static hpml_status find_splits(grower *w, candidate *const *c, int nc)
{
    const gbdt_grow_params *p = w->p;
    const gbdt_bins *b = w->b;
    const int na = w->n_own;
    int *open = w->s->level_open, n_open = 0; /* the candidates that may split */
    for (int i = 0; i < nc; i++) {
        c[i]->split = (gbdt_split){.feature = -1, .gain = p->split.gamma};
        if (!((p->max_depth > 0 && c[i]->depth >= p->max_depth) ||
              c[i]->total.n < 2 * (int64_t)(p->split.min_samples_leaf > 1
                                                ? p->split.min_samples_leaf : 1)))
            open[n_open++] = i;
    }
    const int tasks = n_open * na;
    gbdt_split *per_feature = w->s->per_feature;
#pragma omp parallel for schedule(dynamic, 4) num_threads(p->threads) if (tasks > 8)
    for (int task = 0; task < tasks; task++) {
        const candidate *ci = c[open[task / na]];
        int a = task % na, j = w->own ? w->own[a] : a;
        gbdt_split *out = &per_feature[task];
        *out = (gbdt_split){.feature = -1, .gain = p->split.gamma};
        gbdt_hist h = view(w, ci->hist);
        gbdt_split_feature(h.gh + gbdt_hist_at(b, j), h.cnt ? h.cnt + gbdt_hist_at(b, j) : NULL,
                           b->n_bins[j] + 1,
                           &ci->total, w->q, &p->split, j, out);
    }
    for (int o = 0; o < n_open; o++)
        for (int a = 0; a < na; a++)
            keep_better(&c[open[o]]->split, &per_feature[(size_t)o * (size_t)na + (size_t)a]);
    if (w->np == 1)
        return HPML_OK;
    /* every process's best of its features, combined the same way: the
     * blocks ascend, so the lowest feature still wins ties */
    if (w->cap_gath < nc) {
        hpml_free(w->gath);
        w->cap_gath = nc > 2 * w->cap_gath ? nc : 2 * w->cap_gath;
        if (!(w->gath = hpml_malloc_array((size_t)w->np * (size_t)w->cap_gath, sizeof *w->gath))) {
            w->cap_gath = 0;
            return HPML_ERR_NOMEM;
        }
    }
    gbdt_split *mine = w->gath + (size_t)w->me * (size_t)nc;
    for (int i = 0; i < nc; i++)
        mine[i] = c[i]->split;
    hpml_status st = dist_allgather(p->dist, mine, w->gath, (size_t)nc * sizeof *mine);
    for (int i = 0; st == HPML_OK && i < nc; i++) {
        c[i]->split = w->gath[i];
        for (int r = 1; r < w->np; r++)
            keep_better(&c[i]->split, &w->gath[(size_t)r * (size_t)nc + (size_t)i]);
    }
    return st;
}

#define PAR_PARTITION_ROWS 16384 /* below this, one thread partitions */
#define PART_PREFETCH 16         /* rows ahead whose code is fetched early */
#define MAX_PART_THREADS 64

/* Directions (1: left) of rows[lo..hi) under split s into dir[lo..hi);
 * returns how many go left. The test of a row is one load from a table of
 * the 256 codes' directions, with no branch on missing values. */
static size_t directions(const gbdt_bins *b, const gbdt_split *s, const uint32_t *rows,
                         size_t lo, size_t hi, uint8_t *dir)
{
    uint8_t lut[256];
    lut[0] = (uint8_t)s->missing_left;
    for (int v = 1; v < 256; v++)
        lut[v] = v <= s->bin;
    const gbdt_col col = gbdt_column(b, s->feature);
    const uint8_t *codes = col.codes;
    size_t nl = 0;
    if (col.key) {
        for (size_t k = lo; k < hi; k++)
            nl += dir[k] = lut[codes[col.key[rows[k]]]];
    } else {
        for (size_t k = lo; k < hi; k++) {
            if (k + PART_PREFETCH < hi)
                __builtin_prefetch(codes + rows[k + PART_PREFETCH]);
            nl += dir[k] = lut[codes[rows[k]]];
        }
    }
    return nl;
}

/* The rows of candidates c[0..m) taken as one range of N rows (c[i]'s rows
 * are positions start[i]..start[i+1] of it) are cut into one equal share
 * per thread: a share may span several candidates and a candidate several
 * shares. These are share t's pieces: candidate i, positions [lo, hi). */
typedef struct share {
    int i, i_end;           /* candidates i..i_end-1 meet the share */
    size_t g0, g1;          /* the share in the joined range */
} share;

static share share_of(const size_t *start, int m, int t, int T)
{
    size_t N = start[m];
    share sh = {0, 0, N * (size_t)t / (size_t)T, N * (size_t)(t + 1) / (size_t)T};
    while (sh.i < m && start[sh.i + 1] <= sh.g0)
        sh.i++;
    sh.i_end = sh.i;
    while (sh.i_end < m && start[sh.i_end] < sh.g1)
        sh.i_end++;
    return sh;
}

/* Candidate i's piece of share sh: its rows [*lo, *hi) (positions in its buffers). */
static void piece_of(const share *sh, const size_t *start, const candidate *c, int i, size_t *lo,
                     size_t *hi)
{
    size_t a = sh->g0 > start[i] ? sh->g0 : start[i];
    size_t e = sh->g1 < start[i + 1] ? sh->g1 : start[i + 1];
    *lo = c[i].begin + (a - start[i]);
    *hi = c[i].begin + (e - start[i]);
}

/* Threads for a pass over N rows (one below PAR_PARTITION_ROWS). */
static int part_threads(const grower *w, size_t N)
{
    int nt = w->p->threads > MAX_PART_THREADS ? MAX_PART_THREADS : w->p->threads;
    return nt < 1 || N < PAR_PARTITION_ROWS ? 1 : nt;
}

/* start[0..m] of candidates c[0..m) (see share) in the grower's part
 * scratch, with room after it for lefts[T x m]; NULL when out of memory. */
static size_t *part_scratch(grower *w, const candidate *c, int m, int nt)
{
    size_t need = (size_t)m + 1 + (size_t)nt * (size_t)m + (size_t)m;
    if (w->s->cap_part < need) {
        size_t cap = need > 2 * w->s->cap_part ? need : 2 * w->s->cap_part;
        size_t *np = hpml_malloc_array(cap, sizeof *np);
        if (!np)
            return NULL;
        hpml_free(w->s->part);
        w->s->part = np;
        w->s->cap_part = cap;
    }
    size_t *start = w->s->part;
    start[0] = 0;
    for (int i = 0; i < m; i++)
        start[i + 1] = start[i] + (c[i].end - c[i].begin);
    return start;
}

/* Stable partition of candidates c[0..m) (a whole depthwise level at once,
 * or one lossguide leaf) by their splits: each candidate's rows, and the
 * gradients that travel with them, go from its buffer into the other one
 * (same positions), rows going left first; mid[i] gets the end of c[i]'s
 * left part. Each share (see share) first counts its pieces' lefts; then
 * every row is written once, to its final place: the order, and so the
 * result, do not depend on the thread count. One parallel region for the
 * level: its many small nodes are shared by all threads too. */
static int partition(grower *w, const candidate *c, int m, size_t *mid)
{
    size_t N = 0;
    for (int i = 0; i < m; i++)
        N += c[i].end - c[i].begin;
    const int nt = part_threads(w, N);
    size_t *start = part_scratch(w, c, m, nt);
    if (!start)
        return -1;
    size_t *lefts = start + m + 1; /* lefts[t * m + i]: share t's lefts of candidate i */
    const gbdt_bins *b = w->b;
    uint8_t *dir = w->dir;
    int used = 1;
#pragma omp parallel num_threads(nt)
    {
        int t = nt > 1 ? omp_get_thread_num() : 0, T = nt > 1 ? omp_get_num_threads() : 1;
        share sh = share_of(start, m, t, T);
        for (int i = 0; i < m; i++)
            lefts[(size_t)t * (size_t)m + (size_t)i] = 0;
        for (int i = sh.i; i < sh.i_end; i++) {
            size_t lo, hi;
            piece_of(&sh, start, c, i, &lo, &hi);
            lefts[(size_t)t * (size_t)m + (size_t)i] =
                directions(b, &c[i].split, w->rows_buf[c[i].buf], lo, hi, dir);
        }
        if (t == 0)
            used = T;
#pragma omp barrier
        for (int i = sh.i; i < sh.i_end; i++) {
            /* the piece's lefts follow the earlier pieces' lefts; its rights
             * follow all lefts and the earlier pieces' rights */
            size_t before = 0, total = 0;
            for (int u = 0; u < T; u++) {
                size_t x = lefts[(size_t)u * (size_t)m + (size_t)i];
                before += u < t ? x : 0;
                total += x;
            }
            const uint32_t *rows = w->rows_buf[c[i].buf];
            const int64_t *packed = w->packed_buf[c[i].buf];
            uint32_t *out_rows = w->rows_buf[!c[i].buf];
            int64_t *out_packed = w->packed_buf[!c[i].buf];
            size_t lo, hi;
            piece_of(&sh, start, c, i, &lo, &hi);
            size_t l = c[i].begin + before, r = c[i].begin + total + (lo - c[i].begin) - before;
            for (size_t k = lo; k < hi; k++) {
                /* branch-free: the direction is a coin toss to the predictor */
                size_t d = dir[k], at = d ? l : r;
                l += d;
                r += d ^ 1;
                out_rows[at] = rows[k];
                out_packed[at] = packed[k];
            }
        }
    }
    for (int i = 0; i < m; i++) {
        mid[i] = c[i].begin;
        for (int u = 0; u < used; u++)
            mid[i] += lefts[(size_t)u * (size_t)m + (size_t)i];
    }
    return 0;
}

/* The rows of candidates c[0..m), whose children are all leaves, get their
 * leaf's value (vl[i] left, vr[i] right) in place, without a partition:
 * rows stay where they are (copied home from the scratch buffer). */
static int assign_leaves(grower *w, const candidate *c, int m, const double *vl, const double *vr)
{
    size_t N = 0;
    for (int i = 0; i < m; i++)
        N += c[i].end - c[i].begin;
    const int nt = part_threads(w, N);
    size_t *start = part_scratch(w, c, m, nt);
    if (!start)
        return -1;
    const gbdt_bins *b = w->b;
#pragma omp parallel num_threads(nt)
    {
        int t = nt > 1 ? omp_get_thread_num() : 0, T = nt > 1 ? omp_get_num_threads() : 1;
        share sh = share_of(start, m, t, T);
        for (int i = sh.i; i < sh.i_end; i++) {
            const uint32_t *rows = w->rows_buf[c[i].buf];
            const double value[2] = {vr[i], vl[i]}; /* indexed by direction: no branch */
            size_t lo, hi;
            piece_of(&sh, start, c, i, &lo, &hi);
            directions(b, &c[i].split, rows, lo, hi, w->dir);
            for (size_t k = lo; k < hi; k++)
                w->leaf_value[k] = value[w->dir[k]];
            if (c[i].buf)
                memcpy(w->rows + lo, rows + lo, (hi - lo) * sizeof *w->rows);
        }
    }
    return 0;
}

static void build_hist(grower *w, candidate *c)
{
    gbdt_hist h = view(w, c->hist);
    /* the root of a tree over every row: the rows are 0..n-1 in order, and
     * reading the codes straight through is faster than through the list */
    int all = w->identity && c->begin == 0 && c->end == w->b->n_rows;
    gbdt_hist_build(w->b, w->p->features, w->p->n_features,
                    all ? NULL : w->rows_buf[c->buf] + c->begin, c->end - c->begin,
                    w->packed_buf[c->buf] + c->begin, w->p->threads, w->s->spare, w->s->keysum,
                    &h);
}

/* Index of the next candidate to split, or -1: depthwise takes the oldest
 * splittable one, lossguide the best gain (the older on ties). */
static long pick(grower *w)
{
    long best = -1;
    for (size_t i = w->head; i < w->n_cand; i++) {
        if (w->cand[i].split.feature < 0)
            continue;
        if (w->p->policy == HPML_GROW_DEPTHWISE)
            return (long)i;
        if (best < 0 || w->cand[i].split.gain > w->cand[best].split.gain)
            best = (long)i;
    }
    return best;
}

/* Keeps the histograms within the budget: drops the one of the candidate
 * least likely to be split next (lowest gain, newest on ties). */
static void reclaim(grower *w, size_t keep)
{
    while ((size_t)(w->n_live_hist + 2) * w->hist_bytes > w->budget) {
        long victim = -1;
        for (size_t i = w->head; i < w->n_cand; i++)
            if (i != keep && w->cand[i].hist &&
                (victim < 0 || w->cand[i].split.gain <= w->cand[victim].split.gain))
                victim = (long)i;
        if (victim < 0)
            return;
        hist_put(w, w->cand[victim].hist);
        w->cand[victim].hist = NULL;
    }
}

static int push(grower *w, const candidate *c)
{
    if (w->n_cand == w->cap_cand) {
        size_t cap = w->cap_cand ? 2 * w->cap_cand : 64;
        candidate *nc = hpml_realloc_array(w->cand, cap, sizeof *nc);
        if (!nc)
            return -1;
        w->cand = nc;
        w->cap_cand = cap;
    }
    w->cand[w->n_cand++] = *c;
    return 0;
}

/* Removes candidate i from the waiting ones (depthwise keeps creation order). */
static void unlink_candidate(grower *w, size_t i)
{
    if (w->p->policy == HPML_GROW_DEPTHWISE) { /* i is head */
        w->cand[i] = w->cand[w->head];
        w->head++;
    } else {
        w->cand[i] = w->cand[--w->n_cand];
    }
}

/* Leaf i becomes a leaf for good: removed from the candidates. */
static void retire(grower *w, size_t i)
{
    make_leaf(w, &w->cand[i]);
    hist_put(w, w->cand[i].hist);
    unlink_candidate(w, i);
}

/* Node fields of candidate c's split, and its two children's nodes. */
static int split_node(grower *w, const candidate *c, int *l, int *r)
{
    const gbdt_split *s = &c->split;
    *l = add_node(w->t);
    *r = add_node(w->t);
    if (*l < 0 || *r < 0)
        return -1;
    gbdt_node *nd = &w->t->nodes[c->node];
    nd->feature = s->feature;
    nd->left = *l;
    nd->right = *r;
    nd->bin = (uint8_t)s->bin;
    nd->missing_left = (uint8_t)s->missing_left;
    nd->threshold = w->b->categorical[s->feature] ? 0.0 : w->b->cuts[s->feature][s->bin - 1];
    nd->gain = s->gain;
    nd->cover = (double)c->total.h / w->q->scale_h;
    return 0;
}

/* Splits candidates cand[i..i+m) whose children are all leaves (max_depth)
 * when no caller needs a leaf's rows together: the children's values go
 * straight to their rows (assign_leaves), with no partition. For m > 1, i
 * is head (depthwise). */
static hpml_status split_last(grower *w, size_t i, int m)
{
    double *v = w->s->level_vals; /* v[k]: left, v[m + k]: right */
    for (int k = 0; k < m; k++) {
        const candidate *c = &w->cand[i + (size_t)k];
        int l, r;
        if (split_node(w, c, &l, &r) < 0)
            return HPML_ERR_NOMEM;
        v[k] = leaf_node(w, l, &c->split.left);
        v[m + k] = leaf_node(w, r, &c->split.right);
    }
    if (assign_leaves(w, &w->cand[i], m, v, v + m) < 0)
        return HPML_ERR_NOMEM;
    for (int k = 0; k < m; k++) {
        hist_put(w, w->cand[i + (size_t)k].hist);
        w->cand[i + (size_t)k].hist = NULL;
    }
    if (m > 1)
        w->head += (size_t)m;
    else
        unlink_candidate(w, i);
    return HPML_OK;
}

/* Splits candidate i, whose rows partition() has split at mid (and moved to
 * the other buffer), into two new candidates. */
static hpml_status split_candidate(grower *w, size_t i, size_t mid)
{
    candidate c = w->cand[i];
    const gbdt_split *s = &c.split;
    int l, r;
    if (split_node(w, &c, &l, &r) < 0)
        return HPML_ERR_NOMEM;
    candidate L = {l, c.depth + 1, c.begin, mid, NULL, s->left, {.feature = -1}, 0};
    candidate R = {r, c.depth + 1, mid, c.end, NULL, s->right, {.feature = -1}, 0};
    int64_t counts[2] = {(int64_t)(mid - c.begin), (int64_t)(c.end - mid)}; /* the partition's */
    hpml_status st = reduce_counts(w, counts, 2);
    if (st != HPML_OK) {
        hist_put(w, c.hist);
        return st;
    }
    L.total.n = counts[0];
    R.total.n = counts[1];
    L.buf = R.buf = !c.buf;
    unlink_candidate(w, i); /* the parent (its slot is reused below) */
    int can_split = w->p->max_depth == 0 || c.depth + 1 < w->p->max_depth;
    if (can_split) {
        /* build the smaller child, subtract for the larger (in the parent's buffer) */
        candidate *small = L.total.n <= R.total.n ? &L : &R, *large = small == &L ? &R : &L;
        reclaim(w, (size_t)-1);
        if (!(small->hist = hist_get(w))) {
            hist_put(w, c.hist);
            return HPML_ERR_NOMEM;
        }
        build_hist(w, small);
        if ((st = reduce_hist(w, small->hist)) != HPML_OK) {
            hist_put(w, small->hist);
            hist_put(w, c.hist);
            return st;
        }
        if (c.hist) {
            large->hist = c.hist;
            gbdt_hist hp = view(w, c.hist), hs = view(w, small->hist);
            gbdt_hist_subtract(w->b, &hp, &hs, w->own, w->n_own, &hp);
        } else {
            if (!(large->hist = hist_get(w))) {
                hist_put(w, small->hist);
                return HPML_ERR_NOMEM;
            }
            build_hist(w, large);
            if ((st = reduce_hist(w, large->hist)) != HPML_OK) {
                hist_put(w, small->hist);
                hist_put(w, large->hist);
                return st;
            }
        }
        candidate *both[2] = {&L, &R};
        if ((st = find_splits(w, both, 2)) != HPML_OK) {
            hist_put(w, L.hist);
            hist_put(w, R.hist);
            return st;
        }
    } else {
        hist_put(w, c.hist);
    }
    candidate *kids[2] = {&L, &R};
    for (int k = 0; k < 2; k++) {
        if (kids[k]->split.feature < 0) { /* a leaf at once: no histogram to keep */
            make_leaf(w, kids[k]);
            hist_put(w, kids[k]->hist);
        } else if (push(w, kids[k]) < 0) {
            hist_put(w, kids[k]->hist);
            if (k == 0)
                hist_put(w, R.hist);
            return HPML_ERR_NOMEM;
        }
    }
    return HPML_OK;
}

/* Pairs of a level's children below this many rows (the smaller child) are
 * built by one thread each, all pairs in one parallel region; larger ones
 * by all threads, one at a time (their rows split). */
#define LEVEL_PAIR_ROWS 65536

/* Rows of a level's pair k's smaller child: what its build reads (both
 * children are read when the parent's histogram was not kept), and so the
 * measure by which the pairs are routed and ordered. */
static size_t pair_rows(const candidate *kid, int k)
{
    size_t l = kid[2 * k].end - kid[2 * k].begin, r = kid[2 * k + 1].end - kid[2 * k + 1].begin;
    return l < r ? l : r;
}

/* The histograms of children kid[2k], kid[2k+1] of a split: the smaller one
 * built, the larger one the parent's minus it (sub[k]) or built too. */
static void build_pair(grower *w, candidate *kid, const int *sub, int k, int threads,
                       int subtract)
{
    candidate *L = &kid[2 * k], *R = L + 1;
    candidate *small = L->total.n <= R->total.n ? L : R, *large = small == L ? R : L;
    gbdt_hist hs = view(w, small->hist), hl = view(w, large->hist);
    const gbdt_grow_params *p = w->p;
    for (int u = 0; u < 1 + !sub[k]; u++) {
        candidate *c = u ? large : small;
        gbdt_hist h = u ? hl : hs;
        gbdt_hist_build(w->b, p->features, p->n_features, w->rows_buf[c->buf] + c->begin,
                        c->end - c->begin, w->packed_buf[c->buf] + c->begin, threads,
                        threads > 1 ? w->s->spare : NULL, w->s->keysum, &h);
    }
    if (sub[k] && subtract)
        gbdt_hist_subtract(w->b, &hl, &hs, w->own, w->n_own, &hl);
}

/* Splits the depthwise batch cand[head..head+m), partitioned at mid[k],
 * whose children may split again: the same result as split_candidate on
 * each in turn (same nodes, same order of the new candidates), with the
 * children's histograms and split searches done for the whole level in
 * few parallel regions. */
static hpml_status split_level(grower *w, int m, const size_t *mid)
{
    candidate *kid = w->s->level_kids;  /* 2m: the children, in order */
    int *sub = w->s->level_sub;         /* m: the larger child is parent minus smaller */
    int n_kids = 0;
    hpml_status st = HPML_OK;
    int64_t *count = w->s->level_n;     /* 2m: the children's rows, over all processes */
    for (int k = 0; k < m; k++) {
        candidate c = w->cand[w->head];
        const gbdt_split *s = &c.split;
        int l, r;
        if (split_node(w, &c, &l, &r) < 0) {
            st = HPML_ERR_NOMEM;
            break;
        }
        candidate *L = &kid[2 * k], *R = L + 1;
        /* L holds the parent's histogram until the children's sizes are known */
        *L = (candidate){l, c.depth + 1, c.begin, mid[k], c.hist, s->left, {.feature = -1}, !c.buf};
        *R = (candidate){r, c.depth + 1, mid[k], c.end, NULL, s->right, {.feature = -1}, !c.buf};
        count[2 * k] = (int64_t)(mid[k] - c.begin); /* this process's, from the partition */
        count[2 * k + 1] = (int64_t)(c.end - mid[k]);
        unlink_candidate(w, w->head);
        n_kids += 2;
    }
    if (st == HPML_OK)
        st = reduce_counts(w, count, (size_t)n_kids);
    for (int k = 0; st == HPML_OK && k < m; k++) {
        candidate *L = &kid[2 * k], *R = L + 1;
        int64_t *parent = L->hist;
        L->hist = NULL;
        L->total.n = count[2 * k];
        R->total.n = count[2 * k + 1];
        candidate *small = L->total.n <= R->total.n ? L : R, *large = small == L ? R : L;
        reclaim(w, (size_t)-1);
        large->hist = parent; /* the parent's histogram becomes the larger child's */
        sub[k] = parent != NULL;
        if (!(small->hist = hist_get(w)) || (!large->hist && !(large->hist = hist_get(w))))
            st = HPML_ERR_NOMEM;
    }
    if (st != HPML_OK) {
        for (int k = 0; k < n_kids; k++)
            hist_put(w, kid[k].hist);
        return st;
    }
    /* Big pairs with every thread, one after the other; the rest one per
     * thread. Several processes: every process's histograms are summed
     * before the larger children are subtracted from their parents. */
    const int alone = dist_size(w->p->dist) == 1;
    int *order = w->s->level_order, n_small = 0;
    for (int k = 0; k < m; k++) {
        size_t work = pair_rows(kid, k);
        if (work >= LEVEL_PAIR_ROWS) {
            build_pair(w, kid, sub, k, w->p->threads, alone);
            continue;
        }
        /* the small pairs, most rows first: the last ones handed out are
         * the shortest, so the threads finish close together */
        int at = n_small++;
        for (; at > 0 && pair_rows(kid, order[at - 1]) < work; at--)
            order[at] = order[at - 1];
        order[at] = k;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(w->p->threads) if (n_small > 1)
    for (int u = 0; u < n_small; u++)
        build_pair(w, kid, sub, order[u], 1, alone);
    for (int k = 0; !alone && k < m; k++) {
        candidate *L = &kid[2 * k], *R = L + 1;
        candidate *small = L->total.n <= R->total.n ? L : R, *large = small == L ? R : L;
        if ((st = reduce_hist(w, small->hist)) != HPML_OK ||
            (!sub[k] && (st = reduce_hist(w, large->hist)) != HPML_OK))
            break;
        if (sub[k]) {
            gbdt_hist hs = view(w, small->hist), hl = view(w, large->hist);
            gbdt_hist_subtract(w->b, &hl, &hs, w->own, w->n_own, &hl);
        }
    }
    if (st != HPML_OK) {
        for (int k = 0; k < n_kids; k++)
            hist_put(w, kid[k].hist);
        return st;
    }
    candidate **all = w->s->level_ptr;
    for (int k = 0; k < n_kids; k++)
        all[k] = &kid[k];
    if ((st = find_splits(w, all, n_kids)) != HPML_OK) {
        for (int k = 0; k < n_kids; k++)
            hist_put(w, kid[k].hist);
        return st;
    }
    for (int k = 0; k < n_kids; k++) {
        if (kid[k].split.feature < 0) { /* a leaf at once: no histogram to keep */
            make_leaf(w, &kid[k]);
            hist_put(w, kid[k].hist);
        } else if (push(w, &kid[k]) < 0) {
            for (; k < n_kids; k++)
                hist_put(w, kid[k].hist);
            return HPML_ERR_NOMEM;
        }
    }
    return HPML_OK;
}

/* How many candidates to split from i on at once: depthwise, the rest of
 * i's level (as many as max_leaves allows), which are then split in the
 * same order as one by one; lossguide, one. */
static int batch(const grower *w, size_t i, int leaves)
{
    if (w->p->policy != HPML_GROW_DEPTHWISE || i != w->head)
        return 1;
    int room = w->p->max_leaves > 0 ? w->p->max_leaves - leaves : INT_MAX, m = 1;
    /* the batch's children all hold a histogram at once: wide data (many
     * features) takes the level in several batches, within the budget */
    size_t fit = w->budget / (2 * w->hist_bytes);
    if (fit < (size_t)room)
        room = fit > 1 ? (int)fit : 1;
    while (m < room && i + (size_t)m < w->n_cand && w->cand[i + (size_t)m].depth == w->cand[i].depth &&
           w->cand[i + (size_t)m].split.feature >= 0)
        m++;
    return m;
}

/* Room for a batch of m candidates in the level scratch (and for the split
 * searches of their 2m children, nf features each). */
static int level_fit(gbdt_scratch *s, int m, int nf)
{
    size_t need = (size_t)m > 1 ? (size_t)m : 1;
    if (s->cap_level < need) {
        size_t cap = need > 2 * s->cap_level ? need : 2 * s->cap_level;
        hpml_free(s->level_mid);
        hpml_free(s->level_n);
        hpml_free(s->level_vals);
        hpml_free(s->level_kids);
        hpml_free(s->level_ptr);
        hpml_free(s->level_sub);
        hpml_free(s->level_open);
        hpml_free(s->level_order);
        s->level_mid = hpml_malloc_array(cap, sizeof *s->level_mid);
        s->level_n = hpml_malloc_array(2 * cap, sizeof *s->level_n);
        s->level_vals = hpml_malloc_array(2 * cap, sizeof *s->level_vals);
        s->level_kids = hpml_malloc_array(2 * cap, sizeof(candidate));
        s->level_ptr = hpml_malloc_array(2 * cap, sizeof(candidate *));
        s->level_sub = hpml_malloc_array(cap, sizeof *s->level_sub);
        s->level_open = hpml_malloc_array(2 * cap, sizeof *s->level_open);
        s->level_order = hpml_malloc_array(cap, sizeof *s->level_order);
        s->cap_level = s->level_mid && s->level_n && s->level_vals && s->level_kids && s->level_ptr &&
                               s->level_sub && s->level_open && s->level_order ? cap : 0;
        if (!s->cap_level)
            return -1;
    }
    size_t per = 2 * need * (size_t)nf; /* two children per candidate */
    if (s->cap_per_feature < per) {
        hpml_free(s->per_feature);
        if (!(s->per_feature = hpml_malloc_array(per, sizeof *s->per_feature))) {
            s->cap_per_feature = 0;
            return -1;
        }
        s->cap_per_feature = per;
    }
    return 0;
}

void gbdt_scratch_free(gbdt_scratch *s)
{
    hpml_free(s->part);
    hpml_free(s->level_mid);
    hpml_free(s->level_n);
    hpml_free(s->level_vals);
    hpml_free(s->level_kids);
    hpml_free(s->level_ptr);
    hpml_free(s->level_sub);
    hpml_free(s->level_open);
    hpml_free(s->level_order);
    for (int i = 0; s->pool && i < s->n_pool; i++)
        hpml_free(s->pool[i]);
    hpml_free(s->pool);
    hpml_free(s->cand);
    hpml_free(s->per_feature);
    hpml_free(s->tmp);
    hpml_free(s->tmp_packed);
    hpml_free(s->spare);
    hpml_free(s->keysum);
    hpml_free(s->dir);
    memset(s, 0, sizeof *s);
}

/* Makes the scratch fit this tree: n rows, nf features, histograms of
 * hist_bytes (a pool of another size is emptied), `threads` threads, key
 * sums of keysum values per thread. */
static int scratch_fit(gbdt_scratch *s, size_t n, int nf, size_t hist_bytes, int threads,
                       size_t keysum)
{
    size_t spare = threads > 1 ? (size_t)(threads - 1) * (hist_bytes / sizeof(int64_t)) : 0;
    if (s->cap_spare < spare) {
        hpml_free(s->spare);
        if (!(s->spare = hpml_malloc_array(spare, sizeof *s->spare)))
            return -1;
        s->cap_spare = spare;
    }
    keysum *= (size_t)(threads > 1 ? threads : 1);
    if (s->cap_keysum < keysum) {
        hpml_free(s->keysum);
        if (!(s->keysum = hpml_malloc_array(keysum, sizeof *s->keysum)))
            return -1;
        s->cap_keysum = keysum;
    }
    if (s->hist_bytes != hist_bytes) {
        for (int i = 0; i < s->n_pool; i++)
            hpml_free(s->pool[i]);
        s->n_pool = 0;
        s->hist_bytes = hist_bytes;
    }
    if (!s->pool) {
        s->cap_pool = 8;
        if (!(s->pool = hpml_calloc((size_t)s->cap_pool, sizeof *s->pool)))
            return -1;
    }
    if (level_fit(s, 1, nf) < 0) /* the root, and one leaf's two children */
        return -1;
    if (s->cap_rows < n || !s->tmp) {
        size_t cap = n ? n : 1;
        hpml_free(s->tmp);
        hpml_free(s->tmp_packed);
        hpml_free(s->dir);
        s->tmp = hpml_malloc_array(cap, sizeof *s->tmp);
        s->tmp_packed = hpml_malloc_array(cap, sizeof *s->tmp_packed);
        s->dir = hpml_malloc(cap);
        s->cap_rows = s->tmp && s->tmp_packed && s->dir ? cap : 0;
        if (!s->cap_rows)
            return -1;
    }
    return 0;
}

/* Bytes of histograms kept for subtraction when the caller sets no budget:
 * 256 MiB; over a star schema, whose histograms cost (keys x features) to
 * build rather than (rows x features), 64 MiB, times a quarter of what a
 * build costs over a subtraction (keys x features over bins), up to 16:
 * the TGSA data (580 cells, 170 drugs, 3,350 features: builds 3.6 times a
 * subtraction) keeps 64 MiB and trains as fast as with 1 GiB; 20,000 drugs x
 * 1,000 descriptors (40 times) keeps 640 MiB, or it would build most nodes. */
static size_t default_budget(const gbdt_bins *b)
{
    if (!b->dims)
        return (size_t)256 << 20;
    double build = 0;
    for (int t = 0; t < b->n_dims; t++)
        build += (double)(b->dims[t].n_keys + 1) * b->dims[t].n_feat;
    double f = build / (double)gbdt_hist_total(b) / 4;
    f = f < 1 ? 1 : f > 16 ? 16 : f;
    return (size_t)(f * (double)((size_t)64 << 20));
}

hpml_status gbdt_grow_tree(const gbdt_bins *b, uint32_t *rows, size_t n, int64_t *packed,
                           const gbdt_quant *q, const gbdt_grow_params *p, gbdt_scratch *s,
                           gbdt_tree *t, double *leaf_value)
{
    grower w = {.b = b, .p = p, .q = q, .t = t, .rows = rows, .packed = packed,
                .leaf_value = leaf_value, .counted = p->split.min_samples_leaf > 1, .s = s,
                .cand = s->cand, .cap_cand = s->cap_cand, .np = dist_size(p->dist),
                .me = dist_rank(p->dist), .own = p->features,
                .n_own = p->features ? p->n_features : b->n_features};
    w.hist_bytes = gbdt_hist_total(b) * sizeof(int64_t) * (w.counted ? 2 : 1);
    w.budget = p->hist_budget ? p->hist_budget : default_budget(b);
    if (w.budget < 4 * w.hist_bytes)
        w.budget = 4 * w.hist_bytes;
    hpml_status st = HPML_OK;
    candidate root = {add_node(t), 0, 0, n, NULL, {0, 0, 0}, {.feature = -1}, 0};
    /* rows is ascending (a sample of the matrix's rows): all of them means 0..n-1 */
    w.identity = n == b->n_rows && (n == 0 || rows[n - 1] == n - 1);
    if (scratch_fit(s, n, b->n_features, w.hist_bytes, p->threads,
                    gbdt_keysum_stride(b, w.counted)) < 0 ||
        root.node < 0 || (w.np > 1 && own_features(&w) != HPML_OK))
        goto nomem;
    w.tmp = s->tmp;
    w.tmp_packed = s->tmp_packed;
    w.dir = s->dir;
    w.rows_buf[0] = rows;
    w.rows_buf[1] = s->tmp;
    w.packed_buf[0] = packed;
    w.packed_buf[1] = s->tmp_packed;
    if (!(root.hist = hist_get(&w)))
        goto nomem;
    build_hist(&w, &root);
    /* the root's totals: every row is in exactly one bin of each feature, so
     * the bins of the first feature built add up to the rows' packed sum
     * (integers: exactly), with no pass over the rows (there is at least one
     * feature, and a column sample keeps at least one) */
    int64_t sum[2] = {0, (int64_t)n};
    const int j0 = p->features ? p->features[0] : 0;
    const int64_t *gh0 = view(&w, root.hist).gh + gbdt_hist_at(b, j0);
    for (size_t i = 0; i < gbdt_hist_width(b, j0); i++)
        sum[0] += gh0[i];
    if ((st = reduce_hist(&w, root.hist)) != HPML_OK || (st = reduce_counts(&w, sum, 2)) != HPML_OK) {
        hist_put(&w, root.hist);
        goto out;
    }
    root.total = (gbdt_bin_sum){gbdt_packed_g(sum[0]), gbdt_packed_h(sum[0]), sum[1]};
    candidate *first = &root;
    if ((st = find_splits(&w, &first, 1)) != HPML_OK) {
        hist_put(&w, root.hist);
        goto nomem;
    }
    if (push(&w, &root) < 0) {
        hist_put(&w, root.hist);
        goto nomem;
    }
    int leaves = 1;
    for (;;) {
        if (p->max_leaves > 0 && leaves >= p->max_leaves)
            break;
        long i = pick(&w);
        if (i < 0)
            break;
        int m = batch(&w, (size_t)i, leaves);
        if (level_fit(s, m, b->n_features) < 0)
            goto nomem;
        if (p->max_depth > 0 && w.cand[i].depth + 1 >= p->max_depth && !p->leaf_rows) {
            if ((st = split_last(&w, (size_t)i, m)) != HPML_OK)
                goto nomem;
        } else {
            if (partition(&w, &w.cand[i], m, s->level_mid) < 0)
                goto nomem;
            /* a depthwise batch starts at head (m = 1 may be any leaf) */
            int last = p->max_depth > 0 && w.cand[i].depth + 1 >= p->max_depth;
            if (m > 1 && !last) {
                if ((st = split_level(&w, m, s->level_mid)) != HPML_OK)
                    goto nomem;
            } else {
                for (int k = 0; k < m; k++)
                    if ((st = split_candidate(&w, k == 0 ? (size_t)i : w.head,
                                              s->level_mid[k])) != HPML_OK)
                        goto nomem;
            }
        }
        leaves += m;
    }
    while (w.n_cand > w.head)
        retire(&w, w.head);
    goto out;
nomem: /* or another failure (an exchange between processes): st says which */
    if (st == HPML_OK || st == HPML_ERR_NOMEM)
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory while growing a tree");
out:
    for (size_t i = w.head; i < w.n_cand; i++)
        hist_put(&w, w.cand[i].hist);
    s->cand = w.cand;
    s->cap_cand = w.cap_cand;
    hpml_free(w.block);
    hpml_free(w.own_buf);
    hpml_free(w.recv);
    hpml_free(w.gath);
    return st;
}

int gbdt_tree_leaf_binned(const gbdt_tree *t, const gbdt_bins *b, size_t row)
{
    int i = 0;
    while (t->nodes[i].feature >= 0) {
        const gbdt_node *nd = &t->nodes[i];
        uint8_t v = gbdt_code(b, nd->feature, row);
        int left = v == 0 ? nd->missing_left : v <= nd->bin;
        i = left ? nd->left : nd->right;
    }
    return i;
}

double gbdt_tree_predict_binned(const gbdt_tree *t, const gbdt_bins *b, size_t row)
{
    return t->nodes[gbdt_tree_leaf_binned(t, b, row)].value;
}

double gbdt_tree_predict(const gbdt_tree *t, const float *x, const uint8_t *const *cat_bin,
                         const int32_t *n_categories)
{
    const gbdt_node *nd = &t->nodes[0];
    while (nd->feature >= 0) {
        int j = nd->feature;
        int left = gbdt_node_left(nd, x[j], cat_bin ? cat_bin[j] : NULL,
                                  cat_bin ? n_categories[j] : 0);
        nd = &t->nodes[left ? nd->left : nd->right];
    }
    return nd->value;
}
