/* boost.c — the boosting loop: gradients, sampling, quantization, trees,
 * validation metric and early stopping. */
#include "gbdt/boost.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "data/dataset.h"
#include "dist/dist.h"

void gbdt_model_free(gbdt_model *m)
{
    if (!m)
        return;
    for (int t = 0; m->trees && t < m->n_trees; t++)
        gbdt_tree_free(&m->trees[t]);
    for (int j = 0; m->cat_bin && j < m->n_features; j++)
        hpml_free(m->cat_bin[j]);
    hpml_free(m->trees);
    hpml_free(m->cat_bin);
    hpml_free(m->n_categories);
    hpml_free(m->base_margin);
    hpml_free(m->train_metric);
    hpml_free(m->valid_metric);
    memset(m, 0, sizeof *m);
}

void gbdt_predict_margins(const gbdt_model *m, const float *x, double *margin)
{
    const int k = m->loss.k;
    for (int c = 0; c < k; c++)
        margin[c] = m->base_margin[c];
    for (int t = 0; t < m->n_trees; t++)
        margin[t % k] += gbdt_tree_predict(&m->trees[t], x, (const uint8_t *const *)m->cat_bin,
                                           m->n_categories);
}

double gbdt_predict_margin(const gbdt_model *m, const float *x)
{
    double s = m->base_margin[0];
    for (int t = 0; t < m->n_trees; t += m->loss.k)
        s += gbdt_tree_predict(&m->trees[t], x, (const uint8_t *const *)m->cat_bin,
                               m->n_categories);
    return s;
}

/* The category maps outlive the binned matrix: the model keeps copies. */
static hpml_status keep_category_maps(gbdt_model *m, const gbdt_bins *b)
{
    m->cat_bin = hpml_calloc((size_t)b->n_features, sizeof *m->cat_bin);
    m->n_categories = hpml_calloc((size_t)b->n_features, sizeof *m->n_categories);
    if (!m->cat_bin || !m->n_categories)
        return HPML_ERR_NOMEM;
    for (int j = 0; j < b->n_features; j++) {
        if (!b->categorical[j])
            continue;
        size_t k = (size_t)(b->n_categories[j] ? b->n_categories[j] : 1);
        if (!(m->cat_bin[j] = hpml_malloc(k)))
            return HPML_ERR_NOMEM;
        memcpy(m->cat_bin[j], b->cat_bin[j], k);
        m->n_categories[j] = b->n_categories[j];
    }
    return HPML_OK;
}

/* Uniform in [0, 1) from (seed, round, row, stream), as in hist.c. */
static inline double draw(uint64_t seed, int round, size_t row, uint64_t stream)
{
    uint64_t x = hpml_mix64(seed ^ hpml_mix64(((uint64_t)(uint32_t)round << 32) ^ stream) ^
                            hpml_mix64((uint64_t)row));
    return (double)(x >> 11) * 0x1.0p-53;
}

/* Rows of this round's sample (ascending) into idx; returns how many. Row
 * i's draw is keyed by its place among all processes' rows, row0 + i. */
static size_t sample_rows(const gbdt_params *p, int round, size_t n, size_t row0, uint32_t *idx)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (p->subsample >= 1.0 || draw(p->seed, round, row0 + i, 3) < p->subsample)
            idx[m++] = (uint32_t)i;
    return m;
}

/* Features of tree `tree` (ascending) into feats; returns how many. */
static int sample_features(const gbdt_params *p, int tree, int nf, int *feats)
{
    int m = (int)lround(p->colsample_bytree * nf);
    m = m < 1 ? 1 : m > nf ? nf : m;
    uint32_t *perm = (uint32_t *)feats; /* same size: shuffle in place, then sort */
    for (int j = 0; j < nf; j++)
        perm[j] = (uint32_t)j;
    hpml_rng r;
    hpml_rng_seed(&r, hpml_mix64(p->seed ^ 0x636f6c73ULL) ^ (uint64_t)tree);
    for (int j = 0; j < m; j++) { /* partial Fisher-Yates: the first m */
        int k = j + (int)hpml_rng_below(&r, (uint64_t)(nf - j));
        uint32_t t = perm[j];
        perm[j] = perm[k];
        perm[k] = t;
    }
    /* insertion sort of the chosen m (m is the number of features: small enough) */
    for (int j = 1; j < m; j++) {
        int v = feats[j], i = j - 1;
        while (i >= 0 && feats[i] > v) {
            feats[i + 1] = feats[i];
            i--;
        }
        feats[i + 1] = v;
    }
    return m;
}

/* Scratch of one training run (all owned). */
typedef struct trainer {
    size_t n, nv;           /* this process's training rows; validation rows */
    size_t n_all, row0;     /* training rows of all processes; the first of ours */
    size_t nv_all, v0;      /* validation rows of all processes; the first of ours */
    hpml_dist *dist;
    int k, nf, threads;
    float *y, *g, *h, *yv, *xv;   /* xv: validation rows' features, row-major; NULL
                                     over a star schema (read per node: valid) */
    const hpml_dataset *valid;
    const uint32_t *vrows;  /* ours (NULL: 0..nv-1) */
    uint32_t *vown;         /* ours when the caller gave none and they start past 0 */
    double *F, *Fv, *leaf;
    int64_t *packed;
    uint32_t *idx, *sample;
    int *feats;
    gbdt_scratch scratch;   /* the grower's buffers, kept from tree to tree */
} trainer;

static void trainer_free(trainer *t)
{
    hpml_free(t->y);
    hpml_free(t->g);
    hpml_free(t->h);
    hpml_free(t->yv);
    hpml_free(t->xv);
    hpml_free(t->vown);
    hpml_free(t->F);
    hpml_free(t->Fv);
    hpml_free(t->leaf);
    hpml_free(t->packed);
    hpml_free(t->idx);
    hpml_free(t->sample);
    hpml_free(t->feats);
    gbdt_scratch_free(&t->scratch);
}

/* rows: all processes' training rows (NULL: 0..n_all-1); ours are
 * row0..row0+n of them; of the validation rows vrows (NULL: 0..nv_all-1),
 * v0..v0+nv. */
static hpml_status trainer_alloc(trainer *t, const hpml_dataset *d, const uint32_t *rows,
                                 const hpml_dataset *valid, const uint32_t *vrows)
{
    size_t n = t->n, nk = n * (size_t)t->k, nv = t->nv;
    t->y = hpml_malloc_array(n, sizeof *t->y);
    t->g = hpml_malloc_array(nk, sizeof *t->g);
    t->h = hpml_malloc_array(nk, sizeof *t->h);
    t->F = hpml_malloc_array(nk, sizeof *t->F);
    t->leaf = hpml_malloc_array(n, sizeof *t->leaf);
    t->packed = hpml_malloc_array(n, sizeof *t->packed);
    t->idx = hpml_malloc_array(n, sizeof *t->idx);
    t->sample = hpml_malloc_array(n, sizeof *t->sample);
    t->feats = hpml_malloc_array((size_t)t->nf, sizeof *t->feats);
    if (!t->y || !t->g || !t->h || !t->F || !t->leaf || !t->packed || !t->idx ||
        !t->sample || !t->feats)
        return HPML_ERR_NOMEM;
    const float *target = hpml_dataset_target(d);
    for (size_t i = 0; i < n; i++)
        t->y[i] = target[rows ? rows[t->row0 + i] : t->row0 + i];
    if (t->nv_all == 0)
        return HPML_OK;
    t->valid = valid;
    if (!vrows && t->v0) {
        if (!(t->vown = hpml_malloc_array(nv ? nv : 1, sizeof *t->vown)))
            return HPML_ERR_NOMEM;
        for (size_t i = 0; i < nv; i++)
            t->vown[i] = (uint32_t)(t->v0 + i);
    }
    t->vrows = vrows ? vrows + t->v0 : t->vown;
    vrows = t->vrows;
    /* over a star schema, rows x features would be the materialised join */
    const int lazy = hpml_dataset_n_joins(valid) > 0;
    const size_t nv1 = nv ? nv : 1; /* a process may have none */
    t->yv = hpml_malloc_array(nv1, sizeof *t->yv);
    t->xv = lazy ? NULL : hpml_malloc_array(nv1 * (size_t)t->nf, sizeof *t->xv);
    t->Fv = hpml_malloc_array(nv1 * (size_t)t->k, sizeof *t->Fv);
    float *col = hpml_malloc_array(nv1, sizeof *col);
    hpml_status st = HPML_OK;
    if (!t->yv || (!lazy && !t->xv) || !t->Fv || !col)
        st = HPML_ERR_NOMEM;
    const float *vt = hpml_dataset_target(valid);
    for (size_t i = 0; st == HPML_OK && i < nv; i++)
        t->yv[i] = vt[vrows ? vrows[i] : i];
    for (int j = 0; st == HPML_OK && !lazy && j < t->nf; j++) { /* valid rows, row-major */
        if ((st = hpml_dataset_gather(valid, j, vrows, nv, col)) == HPML_OK)
            for (size_t i = 0; i < nv; i++)
                t->xv[i * (size_t)t->nf + (size_t)j] = col[i];
    }
    hpml_free(col);
    return st;
}

/* The base margin from every training row's target (each process holds
 * them all: the same value everywhere). */
static hpml_status base_margin(const trainer *t, const hpml_dataset *d, const uint32_t *rows,
                               const gbdt_loss *loss, double base_score, double *out)
{
    if (t->n == t->n_all)
        return gbdt_base_margin(loss, t->y, t->n, base_score, out);
    float *y = hpml_malloc_array(t->n_all, sizeof *y);
    if (!y)
        return HPML_ERR_NOMEM;
    const float *target = hpml_dataset_target(d);
    for (size_t i = 0; i < t->n_all; i++)
        y[i] = target[rows ? rows[i] : i];
    hpml_status st = gbdt_base_margin(loss, y, t->n_all, base_score, out);
    hpml_free(y);
    return st;
}

/* Quantile objective: each leaf's value becomes the alpha quantile of its
 * rows' residuals (rows of a leaf are contiguous in t->idx after growing).
 * t->g is free scratch here: its gradients were quantized already. With
 * several processes, a leaf's residuals are those of every process's rows
 * in it: each process's (in its leaf order) are sent to all, with where each
 * leaf's begin, and every process takes the quantiles of the whole lists
 * (the same multiset, so the same value, whatever the order). */
static hpml_status renew_quantile_leaves(trainer *t, const gbdt_bins *b, size_t n_sample,
                                         double lr, double alpha, gbdt_tree *tree)
{
    const int np = dist_size(t->dist), me = dist_rank(t->dist), nn = tree->n_nodes;
    float *res = t->g;
    int64_t *span = NULL; /* np x nn x (start, count) */
    uint64_t *off = NULL;
    float *all = NULL, *one = NULL;
    if (np > 1 && (!(span = hpml_calloc((size_t)np * (size_t)nn * 2, sizeof *span)) ||
                   !(off = hpml_malloc_array((size_t)np + 1, sizeof *off))))
        goto nomem;
    int next = n_sample ? gbdt_tree_leaf_binned(tree, b, t->idx[0]) : 0;
    for (size_t s = 0; s < n_sample;) { /* residuals in leaf runs, and where each begins */
        int leaf = next;
        size_t e = s;
        do {
            res[e] = (float)(t->y[t->idx[e]] - t->F[t->idx[e]]);
            e++;
        } while (e < n_sample && (next = gbdt_tree_leaf_binned(tree, b, t->idx[e])) == leaf);
        if (span) {
            span[((size_t)me * (size_t)nn + (size_t)leaf) * 2] = (int64_t)s;
            span[((size_t)me * (size_t)nn + (size_t)leaf) * 2 + 1] = (int64_t)(e - s);
        } else {
            double v = lr * gbdt_quantile(res + s, e - s, alpha);
            tree->nodes[leaf].value = v;
            for (size_t i = s; i < e; i++)
                t->leaf[i] = v;
        }
        s = e;
    }
    if (!span)
        return HPML_OK;
    hpml_status st = dist_allgather(t->dist, span + (size_t)me * (size_t)nn * 2, span,
                                    (size_t)nn * 2 * sizeof *span);
    if (st != HPML_OK)
        goto out;
    uint64_t total = 0, biggest = 0; /* a process's residuals: the counts of its leaves */
    for (int k = 0; k < np; k++) {
        off[k] = total;
        for (int leaf = 0; leaf < nn; leaf++)
            total += (uint64_t)span[((size_t)k * (size_t)nn + (size_t)leaf) * 2 + 1];
    }
    off[np] = total;
    for (int leaf = 0; leaf < nn; leaf++) {
        uint64_t c = 0;
        for (int k = 0; k < np; k++)
            c += (uint64_t)span[((size_t)k * (size_t)nn + (size_t)leaf) * 2 + 1];
        biggest = c > biggest ? c : biggest;
    }
    if (!(all = hpml_malloc_array(total ? total : 1, sizeof *all)) ||
        !(one = hpml_malloc_array(biggest ? biggest : 1, sizeof *one)))
        goto nomem;
    memcpy(all + off[me], res, n_sample * sizeof *res);
    for (int k = 0; k < np; k++)
        if ((st = dist_bcast(t->dist, all + off[k], (size_t)(off[k + 1] - off[k]) * sizeof *all,
                             k)) != HPML_OK)
            goto out;
    for (int leaf = 0; leaf < nn; leaf++) {
        if (tree->nodes[leaf].feature >= 0)
            continue;
        size_t c = 0;
        for (int k = 0; k < np; k++) {
            const int64_t *sp = span + ((size_t)k * (size_t)nn + (size_t)leaf) * 2;
            memcpy(one + c, all + off[k] + sp[0], (size_t)sp[1] * sizeof *one);
            c += (size_t)sp[1];
        }
        if (!c)
            continue; /* no sampled row anywhere: the grown value stays */
        double v = lr * gbdt_quantile(one, c, alpha);
        tree->nodes[leaf].value = v;
        const int64_t *sp = span + ((size_t)me * (size_t)nn + (size_t)leaf) * 2;
        for (int64_t i = sp[0]; i < sp[0] + sp[1]; i++)
            t->leaf[i] = v;
    }
    st = HPML_OK;
    goto out;
nomem:
    st = hpml_fail(HPML_ERR_NOMEM, "out of memory computing quantile leaves");
out:
    hpml_free(span);
    hpml_free(off);
    hpml_free(all);
    hpml_free(one);
    return st;
}

/* Output of the tree for dataset row `row` of d, each node's feature read
 * as the walk reaches it (no row of all features is gathered). */
static double predict_lazy(const gbdt_tree *tree, const hpml_dataset *d, size_t row,
                           const gbdt_model *m)
{
    const gbdt_node *nd = &tree->nodes[0];
    while (nd->feature >= 0) {
        int j = nd->feature;
        int left = gbdt_node_left(nd, dataset_value(d, j, row), m->cat_bin ? m->cat_bin[j] : NULL,
                                  m->cat_bin ? m->n_categories[j] : 0);
        nd = &tree->nodes[left ? nd->left : nd->right];
    }
    return nd->value;
}

/* Grows the tree of group c in round r and adds it to the margins. */
static hpml_status boost_one(trainer *t, const gbdt_bins *b, const gbdt_params *p,
                             const gbdt_grow_params *gp0, size_t n_sample, int r, int c,
                             gbdt_model *m)
{
    size_t n = t->n;
    int tree_id = r * t->k + c;
    gbdt_quant q;
    hpml_status st = gbdt_quantize(t->g + (size_t)c * n, t->h + (size_t)c * n, n, t->n_all,
                                   t->row0, p->seed, tree_id, t->threads, t->dist, t->packed, &q);
    if (st != HPML_OK)
        return st;
    memcpy(t->idx, t->sample, n_sample * sizeof *t->idx);
    if (n_sample < n) /* keep the sampled rows' gradients, in sample order (idx[k] >= k) */
        for (size_t k = 0; k < n_sample; k++)
            t->packed[k] = t->packed[t->idx[k]];
    gbdt_grow_params gp = *gp0;
    if (p->colsample_bytree < 1.0) {
        gp.n_features = sample_features(p, tree_id, t->nf, t->feats);
        gp.features = t->feats;
    }
    gbdt_tree *tree = &m->trees[tree_id];
    m->n_trees = tree_id + 1; /* counted before growing, so a failure frees it too */
    if ((st = gbdt_grow_tree(b, t->idx, n_sample, t->packed, &q, &gp, &t->scratch, tree,
                             t->leaf)) != HPML_OK)
        return st;
    const int k = t->k;
    if (m->loss.objective == HPML_GBDT_QUANTILE &&
        (st = renew_quantile_leaves(t, b, n_sample, gp.learning_rate, m->loss.quantile_alpha,
                                    tree)) != HPML_OK)
        return st;
    if (n_sample == n) {
#pragma omp parallel for schedule(static) num_threads(t->threads) if (n >= GBDT_PAR_ROWS)
        for (size_t i = 0; i < n; i++)
            t->F[(size_t)t->idx[i] * (size_t)k + (size_t)c] += t->leaf[i];
    } else { /* rows outside the sample too: walk the tree on their bins */
#pragma omp parallel for schedule(static) num_threads(t->threads) if (n >= GBDT_PAR_ROWS)
        for (size_t i = 0; i < n; i++)
            t->F[i * (size_t)k + (size_t)c] += gbdt_tree_predict_binned(tree, b, i);
    }
#pragma omp parallel for schedule(static) num_threads(t->threads) if (t->nv >= GBDT_PAR_ROWS / 8)
    for (size_t i = 0; i < t->nv; i++)
        t->Fv[i * (size_t)k + (size_t)c] +=
            t->xv ? gbdt_tree_predict(tree, t->xv + i * (size_t)t->nf,
                                      (const uint8_t *const *)m->cat_bin, m->n_categories)
                  : predict_lazy(tree, t->valid, t->vrows ? t->vrows[i] : i, m);
    return HPML_OK;
}

/* Processes that train together must train the same model on the same
 * data: a fingerprint of the parameters (threads, progress and the handle
 * left out), the row count and every feature's bins, compared across them
 * (the bins come from a sample of every row: different data, or a column
 * typed differently, changes them). */
static hpml_status agree_setup(const gbdt_params *p, const gbdt_bins *b, size_t n_all)
{
    const double v[] = {p->objective, p->n_trees, p->learning_rate, p->max_depth, p->max_leaves,
                        p->grow_policy, p->min_child_weight, p->min_samples_leaf, p->lambda,
                        p->alpha, p->gamma, p->subsample, p->colsample_bytree, p->max_bin,
                        p->base_score, p->huber_delta, p->quantile_alpha,
                        p->early_stopping_rounds, (double)n_all, b->n_features};
    uint64_t h = dist_hash(DIST_HASH_INIT, v, sizeof v);
    h = dist_hash(h, &p->seed, sizeof p->seed);
    for (int j = 0; j < b->n_features; j++) {
        h = dist_hash(h, &b->n_bins[j], sizeof b->n_bins[j]);
        h = dist_hash(h, &b->n_categories[j], sizeof b->n_categories[j]);
        if (b->categorical[j])
            h = dist_hash(h, b->cat_bin[j], (size_t)b->n_categories[j]);
        else
            h = dist_hash(h, b->cuts[j], (size_t)b->n_bins[j] * sizeof(double));
    }
    return dist_agree(p->dist, "the training parameters or data (a --config file, or a data "
                      "file that differs between nodes?)", &h, sizeof h);
}

/* Keeps the first `rounds` rounds of trees (early stopping). */
static void truncate_rounds(gbdt_model *m, int rounds)
{
    for (int t = rounds * m->loss.k; t < m->n_trees; t++)
        gbdt_tree_free(&m->trees[t]);
    m->n_rounds = rounds;
    m->n_trees = rounds * m->loss.k;
}

hpml_status gbdt_train_valid(const hpml_dataset *d, const uint32_t *rows, size_t n,
                             const hpml_dataset *valid, const uint32_t *valid_rows,
                             size_t n_valid, const gbdt_params *p, gbdt_model *m)
{
    memset(m, 0, sizeof *m);
    double t0 = omp_get_wtime();
    hpml_status st = hpml_gbdt_params_check(p);
    if (st != HPML_OK)
        return st;
    if (n == 0)
        return hpml_fail(HPML_ERR_DATA, "no training rows");
    if (n > UINT32_MAX)
        return hpml_fail(HPML_ERR_DATA, "too many training rows (%zu; at most %u)", n, UINT32_MAX);
    if (valid && hpml_dataset_n_features(valid) != hpml_dataset_n_features(d))
        return hpml_fail(HPML_ERR_ARG, "the validation rows have %d features, training %d",
                         hpml_dataset_n_features(valid), hpml_dataset_n_features(d));
    if (p->early_stopping_rounds > 0 && (!valid || n_valid == 0))
        return hpml_fail(HPML_ERR_ARG, "early_stopping_rounds needs validation rows "
                         "(--valid FILE or --valid-size F)");
    if ((st = gbdt_loss_for(p->objective, hpml_dataset_task(d), hpml_dataset_n_classes(d), p,
                            &m->loss)) != HPML_OK)
        return st;
    /* Several processes: each takes a contiguous share of the rows; the
     * histograms, sums and metric are combined exactly, so every split, and
     * the model, is that of one process with all the rows. */
    const int np = dist_size(p->dist), rank = dist_rank(p->dist);
    const size_t lo = n * (size_t)rank / (size_t)np, hi = n * (size_t)(rank + 1) / (size_t)np;
    const size_t nv_all = valid ? n_valid : 0, v0 = nv_all * (size_t)rank / (size_t)np,
                 v1 = nv_all * (size_t)(rank + 1) / (size_t)np;
    trainer t = {.n = hi - lo, .nv = v1 - v0, .n_all = n, .row0 = lo, .nv_all = nv_all, .v0 = v0,
                 .dist = p->dist, .k = m->loss.k, .nf = hpml_dataset_n_features(d),
                 .threads = p->threads > 0 ? p->threads : omp_get_max_threads()};
    gbdt_bins b;
    if ((st = gbdt_bins_build_part(d, rows, n, lo, hi, p->max_bin, t.threads, &b)) != HPML_OK)
        return st;
    if (np > 1 && (st = agree_setup(p, &b, n)) != HPML_OK) {
        gbdt_bins_free(&b);
        return st;
    }
    int k = t.k, n_rounds = p->n_trees;
    m->n_features = t.nf;
    m->trees = hpml_calloc((size_t)n_rounds * (size_t)k, sizeof *m->trees);
    m->base_margin = hpml_calloc((size_t)k, sizeof *m->base_margin);
    m->train_metric = hpml_malloc_array((size_t)n_rounds, sizeof(double));
    m->valid_metric = hpml_malloc_array((size_t)n_rounds, sizeof(double));
    if (!m->trees || !m->base_margin || !m->train_metric || !m->valid_metric ||
        (st = trainer_alloc(&t, d, rows, valid, valid_rows)) != HPML_OK ||
        (st = keep_category_maps(m, &b)) != HPML_OK) {
        st = st == HPML_OK ? HPML_ERR_NOMEM : st;
        goto out;
    }
    if ((st = base_margin(&t, d, rows, &m->loss, p->base_score, m->base_margin)) != HPML_OK)
        goto out;
    for (size_t i = 0; i < t.n; i++)
        for (int c = 0; c < k; c++)
            t.F[i * (size_t)k + (size_t)c] = m->base_margin[c];
    for (size_t i = 0; i < t.nv; i++)
        for (int c = 0; c < k; c++)
            t.Fv[i * (size_t)k + (size_t)c] = m->base_margin[c];
    gbdt_grow_params gp = {.max_depth = p->max_depth,
                           .max_leaves = p->max_leaves,
                           .policy = p->grow_policy,
                           .learning_rate = p->learning_rate,
                           .split = {p->lambda, p->alpha, p->gamma, p->min_child_weight,
                                     p->min_samples_leaf},
                           .threads = t.threads,
                           .dist = p->dist,
                           .leaf_rows = m->loss.objective == HPML_GBDT_QUANTILE};
    int best_round = 0;
    double best = INFINITY;
    for (int r = 0; r < n_rounds; r++) {
        gbdt_gradients(&m->loss, t.F, t.y, t.n, t.threads, t.g, t.h);
        size_t n_sample = sample_rows(p, r, t.n, t.row0, t.sample);
        /* a tiny sample of a tiny set: take every row (every process alike) */
        int64_t none = n_sample == 0;
        if ((st = dist_allreduce_i64(t.dist, &none, 1, DIST_MAX)) != HPML_OK)
            goto out;
        if (none)
            n_sample = sample_rows(&(gbdt_params){.subsample = 1.0}, r, t.n, t.row0, t.sample);
        for (int c = 0; c < k; c++)
            if ((st = boost_one(&t, &b, p, &gp, n_sample, r, c, m)) != HPML_OK)
                goto out;
        m->n_rounds = r + 1;
        m->n_history = r + 1;
        m->valid_metric[r] = NAN;
        if (t.nv_all && (st = gbdt_metric_exact(&m->loss, t.Fv, t.yv, t.nv, t.nv_all, t.threads,
                                                t.dist, &m->valid_metric[r])) != HPML_OK)
            goto out;
        if (t.nv_all && m->valid_metric[r] < best) {
            best = m->valid_metric[r];
            best_round = r + 1;
        }
        const int stop = p->early_stopping_rounds > 0 &&
                         r + 1 - best_round >= p->early_stopping_rounds;
        /* the training metric (a pass over every row) where it is asked for */
        m->train_metric[r] = NAN;
        if (p->progress &&
            (stop || r + 1 == n_rounds || (p->metric_every > 0 && (r + 1) % p->metric_every == 0)) &&
            (st = gbdt_metric_exact(&m->loss, t.F, t.y, t.n, t.n_all, t.threads, t.dist,
                                    &m->train_metric[r])) != HPML_OK)
            goto out;
        if (p->progress) {
            hpml_progress pr = {r + 1, n_rounds, gbdt_metric_name(&m->loss), m->train_metric[r],
                                m->valid_metric[r], best_round, omp_get_wtime() - t0};
            if (p->progress(&pr, p->progress_user))
                break;
        }
        if (stop)
            break;
    }
    if (p->early_stopping_rounds > 0 && best_round > 0)
        truncate_rounds(m, best_round);
out:
    if (st != HPML_OK) {
        if (st == HPML_ERR_NOMEM && !strstr(hpml_last_error(), "memory"))
            hpml_fail(HPML_ERR_NOMEM, "out of memory while training");
        gbdt_model_free(m);
    }
    gbdt_bins_free(&b);
    trainer_free(&t);
    /* a failure on this process alone would leave the others waiting in
     * their next exchange: it ends them all */
    return np > 1 && st != HPML_OK ? dist_abort(p->dist, st) : st;
}
