/* prep.c — fitting and applying the input and target scalers. */
#include "nn/prep.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

#define BLOCK 256 /* rows encoded together (their inputs stay in cache) */

void nn_prep_free(nn_prep *p)
{
    hpml_free(p->first);
    hpml_free(p->n_cat);
    hpml_free(p->indicator);
    hpml_free(p->mean);
    hpml_free(p->inv_std);
    hpml_free(p->y_mean);
    hpml_free(p->y_std);
    memset(p, 0, sizeof *p);
}

hpml_status nn_prep_fit(nn_prep *p, const hpml_dataset *d, const uint32_t *rows, size_t n,
                        int missing_indicators, int max_categories)
{
    memset(p, 0, sizeof *p);
    const int nf = hpml_dataset_n_features(d);
    p->n_features = nf;
    p->task = hpml_dataset_task(d);
    p->n_outputs = p->task == HPML_TASK_MULTICLASS    ? hpml_dataset_n_classes(d)
                   : p->task == HPML_TASK_REGRESSION ? hpml_dataset_n_targets(d)
                                                     : 1;
    p->first = hpml_malloc_array((size_t)nf, sizeof *p->first);
    p->n_cat = hpml_calloc((size_t)nf, sizeof *p->n_cat);
    p->indicator = hpml_malloc_array((size_t)nf, sizeof *p->indicator);
    p->mean = hpml_calloc((size_t)nf, sizeof *p->mean);
    p->inv_std = hpml_malloc_array((size_t)nf, sizeof *p->inv_std);
    p->y_mean = hpml_malloc_array((size_t)nn_prep_n_y(p), sizeof *p->y_mean);
    p->y_std = hpml_malloc_array((size_t)nn_prep_n_y(p), sizeof *p->y_std);
    hpml_status st = HPML_OK;
    if (!p->first || !p->n_cat || !p->indicator || !p->mean || !p->inv_std || !p->y_mean ||
        !p->y_std) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the net's inputs");
        goto out;
    }
    /* numeric features' statistics, in parallel (each feature on its own) */
    int failed = 0;
#pragma omp parallel
    {
        float *col = hpml_malloc_array(n ? n : 1, sizeof *col); /* this thread's column */
#pragma omp for schedule(dynamic, 4)
        for (int j = 0; j < nf; j++) {
            p->indicator[j] = -1;
            p->inv_std[j] = 1.0f;
            if (hpml_dataset_feature_type(d, j) == HPML_COL_CATEGORICAL)
                continue;
            if (!col || hpml_dataset_gather(d, j, rows, n, col) != HPML_OK) {
#pragma omp atomic write
                failed = 1;
                continue;
            }
            double sum = 0, v = 0;
            size_t present = 0;
            for (size_t i = 0; i < n; i++)
                if (!isnan(col[i]))
                    sum += col[i], present++;
            double mean = present ? sum / (double)present : 0;
            for (size_t i = 0; i < n; i++)
                if (!isnan(col[i]))
                    v += (col[i] - mean) * (col[i] - mean);
            double sd = present ? sqrt(v / (double)present) : 0;
            p->mean[j] = (float)mean;
            p->inv_std[j] = sd > 0 && isfinite(sd) ? (float)(1.0 / sd) : 1.0f;
            if (missing_indicators && present < n)
                p->indicator[j] = -2; /* numbered after all features, below */
        }
        hpml_free(col);
    }
    if (failed) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the net's inputs");
        goto out;
    }
    long inputs = 0;
    for (int j = 0; j < nf; j++) {
        p->first[j] = (int32_t)inputs;
        if (hpml_dataset_feature_type(d, j) != HPML_COL_CATEGORICAL) {
            inputs++;
            continue;
        }
        int32_t k = hpml_dataset_feature_n_categories(d, j);
        if (k > max_categories) {
            st = hpml_fail(HPML_ERR_ARG, "feature '%s' has %d categories: a net one-hot "
                           "encodes categorical features, and more than max_categories (%d) "
                           "would make the net huge. Leave it out (--ignore %s), or raise "
                           "--max-categories", hpml_dataset_feature_name(d, j), k,
                           max_categories, hpml_dataset_feature_name(d, j));
            goto out;
        }
        p->n_cat[j] = k > 0 ? k : 1;
        inputs += p->n_cat[j];
    }
    for (int j = 0; j < nf; j++)
        if (p->indicator[j] == -2)
            p->indicator[j] = (int32_t)inputs++;
    if (inputs > (1 << 24)) {
        st = hpml_fail(HPML_ERR_ARG, "the net would have %ld inputs (one-hot categories "
                       "included); at most 16777216", inputs);
        goto out;
    }
    p->n_inputs = (int)inputs;
    p->y_mean[0] = 0;
    p->y_std[0] = 1;
    for (int k = 0; p->task == HPML_TASK_REGRESSION && k < p->n_outputs; k++) {
        const float *y = hpml_dataset_target_k(d, k);
        double s = 0, v = 0;
        for (size_t i = 0; i < n; i++)
            s += y[rows ? rows[i] : i];
        double mean = n ? s / (double)n : 0;
        for (size_t i = 0; i < n; i++) {
            double e = y[rows ? rows[i] : i] - mean;
            v += e * e;
        }
        double sd = n ? sqrt(v / (double)n) : 0;
        p->y_mean[k] = mean;
        p->y_std[k] = sd > 0 && isfinite(sd) ? sd : 1;
    }
out:
    if (st != HPML_OK)
        nn_prep_free(p);
    return st;
}

/* Encodes value v of feature j into the row z (zeroed beforehand). */
static inline void encode(const nn_prep *p, int j, float v, float *z)
{
    if (p->n_cat[j]) {
        if (!isnan(v) && v >= 0 && v < (float)p->n_cat[j])
            z[p->first[j] + (int32_t)v] = 1.0f;
        return;
    }
    if (isnan(v)) {
        if (p->indicator[j] >= 0)
            z[p->indicator[j]] = 1.0f;
        return; /* 0: the mean */
    }
    z[p->first[j]] = (v - p->mean[j]) * p->inv_std[j];
}

void nn_prep_rows(const nn_prep *p, const float *x, size_t n, float *z)
{
    const size_t ni = (size_t)p->n_inputs, nf = (size_t)p->n_features;
    for (size_t i = 0; i < n; i++) {
        float *zr = z + i * ni;
        memset(zr, 0, sizeof *zr * ni);
        for (size_t j = 0; j < nf; j++)
            encode(p, (int)j, x[i * nf + j], zr);
    }
}

hpml_status nn_prep_dataset(const nn_prep *p, const hpml_dataset *d, const uint32_t *rows,
                            size_t n, float *z, float *t)
{
    const size_t ni = (size_t)p->n_inputs;
    hpml_status st = HPML_OK;
    const size_t n_blocks = (n + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(dynamic, 4)
    for (size_t b = 0; b < n_blocks; b++) {
        size_t i0 = b * BLOCK, m = n - i0 < BLOCK ? n - i0 : BLOCK;
        uint32_t idx[BLOCK];
        float col[BLOCK];
        for (size_t i = 0; i < m; i++)
            idx[i] = rows ? rows[i0 + i] : (uint32_t)(i0 + i);
        memset(z + i0 * ni, 0, sizeof *z * m * ni);
        for (int j = 0; j < p->n_features; j++) {
            if (hpml_dataset_gather(d, j, idx, m, col) != HPML_OK) {
#pragma omp atomic write
                st = HPML_ERR_ARG;
                break;
            }
            if (p->n_cat[j]) {
                for (size_t i = 0; i < m; i++)
                    encode(p, j, col[i], z + (i0 + i) * ni);
                continue;
            }
            /* numeric: the common case, without encode's branches */
            float *zc = z + i0 * ni + p->first[j];
            const float mean = p->mean[j], inv = p->inv_std[j];
            for (size_t i = 0; i < m; i++)
                zc[i * ni] = isnan(col[i]) ? 0.0f : (col[i] - mean) * inv;
            if (p->indicator[j] >= 0)
                for (size_t i = 0; i < m; i++)
                    if (isnan(col[i]))
                        z[(i0 + i) * ni + (size_t)p->indicator[j]] = 1.0f;
        }
    }
    if (st != HPML_OK)
        return hpml_fail(st, "reading the dataset's features failed");
    if (t && p->task != HPML_TASK_REGRESSION) {
        const float *y = hpml_dataset_target(d);
        for (size_t i = 0; i < n; i++)
            t[i] = y[rows ? rows[i] : i];
    }
    const size_t ny = (size_t)p->n_outputs;
    for (size_t k = 0; t && p->task == HPML_TASK_REGRESSION && k < ny; k++) {
        const float *y = hpml_dataset_target_k(d, (int)k);
        const double mean = p->y_mean[k], sd = p->y_std[k];
        for (size_t i = 0; i < n; i++)
            t[i * ny + k] = (float)((y[rows ? rows[i] : i] - mean) / sd);
    }
    return HPML_OK;
}

void nn_prep_outputs(const nn_prep *p, float *z, size_t n)
{
    const size_t k = (size_t)p->n_outputs;
    for (size_t i = 0; i < n; i++) {
        float *r = z + i * k;
        if (p->task == HPML_TASK_REGRESSION) {
            for (size_t c = 0; c < k; c++)
                r[c] = (float)(r[c] * p->y_std[c] + p->y_mean[c]);
        } else if (p->task == HPML_TASK_BINARY) {
            r[0] = (float)(1.0 / (1.0 + exp(-(double)r[0])));
        } else {
            double mx = r[0], s = 0;
            for (size_t c = 1; c < k; c++)
                mx = r[c] > mx ? r[c] : mx;
            for (size_t c = 0; c < k; c++)
                s += exp(r[c] - mx);
            for (size_t c = 0; c < k; c++)
                r[c] = (float)(exp(r[c] - mx) / s);
        }
    }
}
