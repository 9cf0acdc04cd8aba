/* boost.c — the boosting loop: gradients, quantization, one tree per round. */
#include "gbdt/boost.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

void gbdt_params_init(gbdt_params *p)
{
    memset(p, 0, sizeof *p);
    p->objective = GBDT_SQUARED_ERROR;
    p->n_trees = 100;
    p->learning_rate = 0.3;
    p->max_depth = 6;
    p->lambda = 1.0;
    p->min_child_weight = 1.0;
    p->min_samples_leaf = 1;
    p->max_bin = 255;
    p->base_score = NAN;
    p->seed = 0;
}

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
    memset(m, 0, sizeof *m);
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

double gbdt_predict_margin(const gbdt_model *m, const float *x)
{
    double s = m->base_score;
    for (int t = 0; t < m->n_trees; t++)
        s += gbdt_tree_predict(&m->trees[t], x, (const uint8_t *const *)m->cat_bin, m->n_categories);
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

static double initial_margin(const gbdt_params *p, const float *y, size_t n)
{
    if (!isnan(p->base_score))
        return p->base_score;
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    if (p->objective == GBDT_LOGISTIC) {
        double q = mean < 1e-6 ? 1e-6 : mean > 1 - 1e-6 ? 1 - 1e-6 : mean;
        return log(q / (1 - q));
    }
    return mean;
}

hpml_status gbdt_train(const hpml_dataset *d, const uint32_t *rows, size_t n, const gbdt_params *p,
                       gbdt_model *m)
{
    memset(m, 0, sizeof *m);
    if (n == 0)
        return hpml_fail(HPML_ERR_DATA, "no training rows");
    if (p->n_trees < 1 || p->max_depth < 1 || p->max_depth > 30 || !(p->learning_rate > 0))
        return hpml_fail(HPML_ERR_ARG, "n_trees >= 1, 1 <= max_depth <= 30 and learning_rate > 0 "
                                       "are required");
    int threads = p->threads > 0 ? p->threads : omp_get_max_threads();
    gbdt_bins b;
    hpml_status st = gbdt_bins_build(d, rows, n, p->max_bin, threads, &b);
    if (st != HPML_OK)
        return st;
    const float *target = hpml_dataset_target(d);
    float *y = hpml_malloc_array(n, sizeof *y), *g = hpml_malloc_array(n, sizeof *g),
          *h = hpml_malloc_array(n, sizeof *h);
    double *F = hpml_malloc_array(n, sizeof *F), *leaf = hpml_malloc_array(n, sizeof *leaf);
    int32_t *qg = hpml_malloc_array(n, sizeof *qg), *qh = hpml_malloc_array(n, sizeof *qh);
    uint32_t *idx = hpml_malloc_array(n, sizeof *idx);
    m->trees = hpml_calloc((size_t)p->n_trees, sizeof *m->trees);
    if (!y || !g || !h || !F || !leaf || !qg || !qh || !idx || !m->trees) {
        st = HPML_ERR_NOMEM;
        goto out;
    }
    m->objective = p->objective;
    m->n_features = b.n_features;
    if ((st = keep_category_maps(m, &b)) != HPML_OK)
        goto out;
    for (size_t k = 0; k < n; k++)
        y[k] = target[rows ? rows[k] : k];
    m->base_score = initial_margin(p, y, n);
    for (size_t k = 0; k < n; k++)
        F[k] = m->base_score;
    gbdt_grow_params gp = {.max_depth = p->max_depth,
                           .learning_rate = p->learning_rate,
                           .split = {p->lambda, p->alpha, p->gamma, p->min_child_weight,
                                     p->min_samples_leaf},
                           .threads = threads};
    for (int t = 0; t < p->n_trees; t++) {
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t k = 0; k < n; k++) {
            if (p->objective == GBDT_LOGISTIC) {
                double pr = sigmoid(F[k]);
                g[k] = (float)(pr - y[k]);
                h[k] = (float)(pr * (1 - pr) > 1e-16 ? pr * (1 - pr) : 1e-16);
            } else {
                g[k] = (float)(F[k] - y[k]);
                h[k] = 1.0f;
            }
            idx[k] = (uint32_t)k;
        }
        gbdt_quant q;
        if ((st = gbdt_quantize(g, h, n, p->seed, t, threads, qg, qh, &q)) != HPML_OK)
            goto out;
        m->n_trees = t + 1; /* counted before growing, so a failure frees it too */
        if ((st = gbdt_grow_tree(&b, idx, n, qg, qh, &q, &gp, &m->trees[t], leaf)) != HPML_OK)
            goto out;
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t k = 0; k < n; k++)
            F[idx[k]] += leaf[k];
    }
out:
    if (st != HPML_OK) {
        if (st == HPML_ERR_NOMEM && !strstr(hpml_last_error(), "memory"))
            hpml_fail(HPML_ERR_NOMEM, "out of memory while training");
        gbdt_model_free(m);
    }
    gbdt_bins_free(&b);
    hpml_free(y);
    hpml_free(g);
    hpml_free(h);
    hpml_free(F);
    hpml_free(leaf);
    hpml_free(qg);
    hpml_free(qh);
    hpml_free(idx);
    return st;
}
