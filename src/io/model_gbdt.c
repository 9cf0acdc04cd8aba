/* model_gbdt.c — gradient-boosted trees as an hpml_model: the public
 * training call, prediction of row blocks, importance, and the file section.
 *
 * Section "GBDT" (little-endian):
 *   u32 objective, u32 k (groups), f64 huber_delta, f64 quantile_alpha,
 *   u32 n_features, k x f64 base margin,
 *   per feature: u32 n_categories, then that many u8 bins (categorical
 *     features; 0 for numeric ones),
 *   u32 n_rounds, then n_rounds x k trees (round-major), each:
 *     u32 n_nodes, then per node: i32 feature (-1 leaf), i32 left, i32 right,
 *     u8 bin, u8 missing_left, f64 threshold, f64 value, f64 gain, f64 cover.
 * Children always have higher indices than their parent, so a walk ends.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "gbdt/boost.h"
#include "gbdt/predict.h"
#include "io/model.h"

/* The learner behind an hpml_model: the trees and their compact copy. */
typedef struct gbdt_learner {
    gbdt_model m;
    gbdt_forest f;
} gbdt_learner;

static void gbdt_free_learner(void *l)
{
    gbdt_learner *g = l;
    if (!g)
        return;
    gbdt_model_free(&g->m);
    gbdt_forest_free(&g->f);
    hpml_free(g);
}

#define ROWS_AT_ONCE 256

static void gbdt_predict_rows(const void *l, const float *x, size_t n, float *out)
{
    const gbdt_learner *g = l;
    const gbdt_model *m = &g->m;
    const size_t k = (size_t)m->loss.k, nf = (size_t)m->n_features;
    double margins[ROWS_AT_ONCE * 4], *mg = margins;
    double *heap = NULL;
    /* owned here: one block of rows, column-major */
    float *scratch = hpml_malloc_array(gbdt_forest_scratch_floats(m), sizeof *scratch);
    if (k > 4)
        mg = heap = hpml_malloc_array(ROWS_AT_ONCE * k, sizeof *heap);
    if (!scratch || !mg) {
        for (size_t i = 0; i < n * k; i++) /* cannot report from here: NaN, never garbage */
            out[i] = NAN;
        hpml_free(scratch);
        return;
    }
    for (size_t i0 = 0; i0 < n; i0 += ROWS_AT_ONCE) {
        size_t nb = n - i0 < ROWS_AT_ONCE ? n - i0 : ROWS_AT_ONCE;
        gbdt_forest_margins(m, &g->f, x + i0 * nf, nb, scratch, mg);
        for (size_t i = 0; i < nb; i++)
            gbdt_transform(&m->loss, mg + i * k, out + (i0 + i) * k);
    }
    hpml_free(scratch);
    hpml_free(heap);
}

static hpml_status gbdt_importance(const void *l, hpml_importance_type type, int nf, double *out)
{
    const gbdt_model *m = &((const gbdt_learner *)l)->m;
    for (int j = 0; j < nf; j++)
        out[j] = 0;
    for (int t = 0; t < m->n_trees; t++)
        for (int i = 0; i < m->trees[t].n_nodes; i++) {
            const gbdt_node *nd = &m->trees[t].nodes[i];
            if (nd->feature >= 0 && nd->feature < nf)
                out[nd->feature] += type == HPML_IMPORTANCE_SPLITS ? 1.0 : nd->gain;
        }
    return HPML_OK;
}

static hpml_status gbdt_encode(const void *l, bytes_w *w, const char **tags, int *n)
{
    const gbdt_model *m = &((const gbdt_learner *)l)->m;
    tags[0] = "GBDT";
    *n = 1;
    bw_u32(w, (uint32_t)m->loss.objective);
    bw_u32(w, (uint32_t)m->loss.k);
    bw_f64(w, m->loss.huber_delta);
    bw_f64(w, m->loss.quantile_alpha);
    bw_u32(w, (uint32_t)m->n_features);
    for (int c = 0; c < m->loss.k; c++)
        bw_f64(w, m->base_margin[c]);
    for (int j = 0; j < m->n_features; j++) {
        int32_t nc = m->cat_bin[j] ? m->n_categories[j] : 0;
        bw_u32(w, (uint32_t)nc);
        if (nc)
            bw_raw(w, m->cat_bin[j], (size_t)nc);
    }
    bw_u32(w, (uint32_t)m->n_rounds);
    for (int t = 0; t < m->n_trees; t++) {
        const gbdt_tree *tr = &m->trees[t];
        bw_u32(w, (uint32_t)tr->n_nodes);
        for (int i = 0; i < tr->n_nodes; i++) {
            const gbdt_node *nd = &tr->nodes[i];
            bw_i32(w, nd->feature);
            bw_i32(w, nd->left);
            bw_i32(w, nd->right);
            bw_u8(w, nd->bin);
            bw_u8(w, nd->missing_left);
            bw_f64(w, nd->threshold);
            bw_f64(w, nd->value);
            bw_f64(w, nd->gain);
            bw_f64(w, nd->cover);
        }
    }
    return HPML_OK;
}

#define NODE_BYTES 46

static hpml_status decode_tree(bytes_r *r, const gbdt_model *m, const data_schema *s,
                               gbdt_tree *t)
{
    uint32_t nn = br_u32(r);
    if (r->bad || nn == 0 || nn > br_left(r) / NODE_BYTES)
        return HPML_ERR_PARSE;
    if (!(t->nodes = hpml_calloc(nn, sizeof *t->nodes)))
        return HPML_ERR_NOMEM;
    t->n_nodes = t->cap = (int)nn;
    for (uint32_t i = 0; i < nn; i++) {
        gbdt_node *nd = &t->nodes[i];
        nd->feature = br_i32(r);
        nd->left = br_i32(r);
        nd->right = br_i32(r);
        nd->bin = br_u8(r);
        nd->missing_left = br_u8(r);
        nd->threshold = br_f64(r);
        nd->value = br_f64(r);
        nd->gain = br_f64(r);
        nd->cover = br_f64(r);
        if (r->bad || nd->feature < -1 || nd->feature >= m->n_features || nd->missing_left > 1)
            return HPML_ERR_PARSE;
        if (nd->feature >= 0 &&
            (nd->left <= (int32_t)i || nd->right <= (int32_t)i || nd->left >= (int32_t)nn ||
             nd->right >= (int32_t)nn || nd->bin == 0 ||
             (s->types[nd->feature] == HPML_COL_NUMERIC && isnan(nd->threshold))))
            return HPML_ERR_PARSE;
        if (nd->feature < 0 && !isfinite(nd->value))
            return HPML_ERR_PARSE;
    }
    return HPML_OK;
}

static hpml_status decode_body(bytes_r *r, const data_schema *s, gbdt_model *m)
{
    uint32_t obj = br_u32(r), k = br_u32(r);
    m->loss.huber_delta = br_f64(r);
    m->loss.quantile_alpha = br_f64(r);
    uint32_t nf = br_u32(r);
    if (r->bad || obj < HPML_GBDT_SQUARED_ERROR || obj > HPML_GBDT_QUANTILE || k == 0 ||
        nf != (uint32_t)s->n_features || k > br_left(r) / 8 ||
        (obj == HPML_GBDT_SOFTMAX ? k != (uint32_t)s->n_classes : k != 1))
        return HPML_ERR_PARSE;
    m->loss.objective = (hpml_gbdt_objective)obj;
    m->loss.k = (int)k;
    m->n_features = (int)nf;
    m->base_margin = hpml_malloc_array(k, sizeof *m->base_margin);
    m->cat_bin = hpml_calloc(nf, sizeof *m->cat_bin);
    m->n_categories = hpml_calloc(nf, sizeof *m->n_categories);
    if (!m->base_margin || !m->cat_bin || !m->n_categories)
        return HPML_ERR_NOMEM;
    for (uint32_t c = 0; c < k; c++)
        m->base_margin[c] = br_f64(r);
    for (uint32_t j = 0; j < nf; j++) {
        uint32_t nc = br_u32(r);
        if (r->bad || (s->types[j] == HPML_COL_NUMERIC && nc) ||
            (s->types[j] == HPML_COL_CATEGORICAL && nc != (uint32_t)s->dicts[j].n))
            return HPML_ERR_PARSE;
        if (s->types[j] == HPML_COL_NUMERIC)
            continue;
        const void *bins = br_raw(r, nc);
        if (!bins || !(m->cat_bin[j] = hpml_malloc(nc ? nc : 1)))
            return bins ? HPML_ERR_NOMEM : HPML_ERR_PARSE;
        if (nc)
            memcpy(m->cat_bin[j], bins, nc);
        m->n_categories[j] = (int32_t)nc;
    }
    uint32_t rounds = br_u32(r);
    if (r->bad || rounds > br_left(r) / 4 / k)
        return HPML_ERR_PARSE;
    if (!(m->trees = hpml_calloc(rounds ? (size_t)rounds * k : 1, sizeof *m->trees)))
        return HPML_ERR_NOMEM;
    m->n_rounds = (int)rounds;
    for (uint32_t t = 0; t < rounds * k; t++) {
        m->n_trees = (int)t + 1;
        hpml_status st = decode_tree(r, m, s, &m->trees[t]);
        if (st != HPML_OK)
            return st;
    }
    return br_left(r) == 0 ? HPML_OK : HPML_ERR_PARSE;
}

static hpml_status gbdt_decode(const container *c, const data_schema *s, const char *path,
                               void **learner)
{
    const container_section *sec = container_find(c, "GBDT");
    if (!sec)
        return hpml_fail(HPML_ERR_PARSE, "%s: the trees (section 'GBDT') are missing", path);
    gbdt_learner *g = hpml_calloc(1, sizeof *g);
    if (!g)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path);
    bytes_r r = {sec->data, sec->size, 0, 0};
    hpml_status st = decode_body(&r, s, &g->m);
    if (st != HPML_OK) {
        gbdt_free_learner(g);
        return st == HPML_ERR_NOMEM
                   ? hpml_fail(st, "out of memory reading %s", path)
                   : hpml_fail(st, "%s: section 'GBDT' is truncated or damaged", path);
    }
    if ((st = gbdt_forest_build(&g->m, &g->f)) != HPML_OK) {
        gbdt_free_learner(g);
        return st;
    }
    *learner = g;
    return HPML_OK;
}

const model_ops gbdt_model_ops = {.predict = gbdt_predict_rows,
                                  .encode = gbdt_encode,
                                  .decode = gbdt_decode,
                                  .free = gbdt_free_learner,
                                  .importance = gbdt_importance};

hpml_status hpml_gbdt_train(const hpml_dataset *d, const uint32_t *train_rows, size_t n_train,
                            const hpml_dataset *valid, const uint32_t *valid_rows, size_t n_valid,
                            const hpml_gbdt_params *p, hpml_model **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_gbdt_train: out is NULL");
    *out = NULL;
    if (!d || !p)
        return hpml_fail(HPML_ERR_ARG, "hpml_gbdt_train: a dataset and parameters are needed");
    if (hpml_dataset_n_targets(d) > 1)
        return hpml_fail(HPML_ERR_ARG, "gradient-boosted trees take one target; use --model mlp "
                         "or cnn for several (this dataset has %d)", hpml_dataset_n_targets(d));
    if (!train_rows)
        n_train = hpml_dataset_n_rows(d);
    if (valid && !valid_rows)
        n_valid = hpml_dataset_n_rows(valid);
    gbdt_learner *g = hpml_calloc(1, sizeof *g);
    if (!g)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory");
    gbdt_model *m = &g->m;
    hpml_status st = gbdt_train_valid(d, train_rows, n_train, valid, valid_rows, n_valid, p, m);
    if (st == HPML_OK)
        st = gbdt_forest_build(m, &g->f);
    if (st != HPML_OK) {
        gbdt_free_learner(g);
        return st;
    }
    int n_hist = m->n_history;
    double *tr = m->train_metric, *va = m->valid_metric;
    const char *metric = gbdt_metric_name(&m->loss);
    int n_out = m->loss.objective == HPML_GBDT_SOFTMAX ? m->loss.k : 1;
    hpml_model *model;
    if ((st = model_create(HPML_MODEL_GBDT, &gbdt_model_ops, g, n_out, d, &model)) != HPML_OK)
        return st;
    st = model_set_history(model, metric, n_hist, tr, va);
    /* the model keeps the history; the learner need not */
    hpml_free(m->train_metric);
    hpml_free(m->valid_metric);
    m->train_metric = m->valid_metric = NULL;
    if (st != HPML_OK) {
        hpml_model_free(model);
        return st;
    }
    *out = model;
    return HPML_OK;
}
