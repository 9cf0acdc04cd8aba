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

/* Rows of a join's dimension table that the fitted rows use, and how many
 * rows use each: the statistics of a dimension feature over the fitted rows
 * are those of its dimension rows weighted by these counts (a fact row never
 * copies its dimension row's values). */
typedef struct dim_use {
    uint32_t *rows;          /* owned, n_used: dimension rows used, ascending */
    double *count;           /* owned, n_used: fitted rows using each */
    size_t n_used;
    double n_missing;        /* fitted rows without a dimension row (on_missing NAN) */
} dim_use;

static void dim_use_free(dim_use *u, int n)
{
    for (int t = 0; u && t < n; t++) {
        hpml_free(u[t].rows);
        hpml_free(u[t].count);
    }
    hpml_free(u);
}

/* The use of join t's dimension rows by rows[0..n) of d. */
static hpml_status dim_use_count(const hpml_dataset *d, int t, const uint32_t *rows, size_t n,
                                 dim_use *u)
{
    const size_t nd = hpml_dataset_join_n_rows(d, t);
    size_t *cnt = hpml_malloc_array(nd + 1, sizeof *cnt);
    hpml_status st = HPML_OK;
    if (!cnt) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the net's inputs");
        goto out;
    }
    if ((st = hpml_dataset_join_counts(d, t, rows, n, cnt)) != HPML_OK)
        goto out;
    u->n_missing = (double)cnt[nd];
    for (size_t r = 0; r < nd; r++)
        u->n_used += cnt[r] > 0;
    u->rows = hpml_malloc_array(u->n_used ? u->n_used : 1, sizeof *u->rows);
    u->count = hpml_malloc_array(u->n_used ? u->n_used : 1, sizeof *u->count);
    if (!u->rows || !u->count) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the net's inputs");
        goto out;
    }
    for (size_t r = 0, k = 0; r < nd; r++)
        if (cnt[r]) {
            u->rows[k] = (uint32_t)r;
            u->count[k++] = (double)cnt[r];
        }
out:
    hpml_free(cnt);
    return st;
}

/* Mean and deviation of v[0..m) weighted by w (NULL: 1 each) over the values
 * present; *present gets their total weight. */
static void weighted_stats(const float *v, const double *w, size_t m, double *mean, double *sd,
                           double *present)
{
    double sum = 0, pr = 0, var = 0;
    for (size_t i = 0; i < m; i++)
        if (!isnan(v[i])) {
            double c = w ? w[i] : 1;
            sum += c * v[i];
            pr += c;
        }
    double mu = pr > 0 ? sum / pr : 0;
    for (size_t i = 0; i < m; i++)
        if (!isnan(v[i]))
            var += (w ? w[i] : 1) * (v[i] - mu) * (v[i] - mu);
    *mean = mu;
    *sd = pr > 0 ? sqrt(var / pr) : 0;
    *present = pr;
}

hpml_status nn_prep_fit(nn_prep *p, const hpml_dataset *d, const uint32_t *rows, size_t n,
                        int missing_indicators, int max_categories, hpml_dist *dist)
{
    memset(p, 0, sizeof *p);
    const int nf = hpml_dataset_n_features(d), nj = hpml_dataset_n_joins(d);
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
    dim_use *use = nj > 0 ? hpml_calloc((size_t)nj, sizeof *use) : NULL;
    uint64_t *off = NULL, *cnt = NULL; /* several processes: their blocks of the features */
    hpml_status st = HPML_OK;
    if (!p->first || !p->n_cat || !p->indicator || !p->mean || !p->inv_std || !p->y_mean ||
        !p->y_std || (nj > 0 && !use)) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the net's inputs");
        goto out;
    }
    /* a column buffer per thread: n values of a fact feature, or one value
     * per used row of a dimension table */
    size_t col_n = 1;
    for (int j = 0; j < nf; j++)
        if (hpml_dataset_feature_join(d, j) < 0 &&
            hpml_dataset_feature_type(d, j) != HPML_COL_CATEGORICAL)
            col_n = n > col_n ? n : col_n;
    for (int t = 0; t < nj; t++) {
        if ((st = dim_use_count(d, t, rows, n, &use[t])) != HPML_OK)
            goto out;
        col_n = use[t].n_used > col_n ? use[t].n_used : col_n;
    }
    /* numeric features' statistics, in parallel (each feature on its own);
     * several processes: each does its block [f0, f1) of the features */
    const int np = dist_size(dist), me = dist_rank(dist);
    const int f0 = (int)((int64_t)nf * me / np), f1 = (int)((int64_t)nf * (me + 1) / np);
    if (np > 1 && (!(off = hpml_malloc_array((size_t)np, sizeof *off)) ||
                   !(cnt = hpml_malloc_array((size_t)np, sizeof *cnt)))) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the net's inputs");
        goto out;
    }
    for (int j = 0; j < nf; j++) {
        p->indicator[j] = -1;
        p->inv_std[j] = 1.0f;
    }
    int failed = 0;
#pragma omp parallel
    {
        float *col = hpml_malloc_array(col_n, sizeof *col); /* this thread's column */
#pragma omp for schedule(dynamic, 4)
        for (int j = f0; j < f1; j++) {
            if (hpml_dataset_feature_type(d, j) == HPML_COL_CATEGORICAL)
                continue;
            const int t = hpml_dataset_feature_join(d, j);
            const dim_use *u = t >= 0 ? &use[t] : NULL;
            if (!col || (u ? hpml_dataset_gather_dim(d, j, u->rows, u->n_used, col)
                           : hpml_dataset_gather(d, j, rows, n, col)) != HPML_OK) {
#pragma omp atomic write
                failed = 1;
                continue;
            }
            double mean, sd, present;
            weighted_stats(col, u ? u->count : NULL, u ? u->n_used : n, &mean, &sd, &present);
            p->mean[j] = (float)mean;
            p->inv_std[j] = sd > 0 && isfinite(sd) ? (float)(1.0 / sd) : 1.0f;
            if (missing_indicators && present < (double)n)
                p->indicator[j] = -2; /* numbered after all features, below */
        }
        hpml_free(col);
    }
    if (failed)
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory preparing the net's inputs");
    if (np > 1) { /* every block to every process: exact copies of the floats */
        if ((st = dist_check(dist, st, NULL)) != HPML_OK)
            goto out;
        for (int k = 0; k < np; k++) {
            off[k] = (uint64_t)((int64_t)nf * k / np);
            cnt[k] = (uint64_t)((int64_t)nf * (k + 1) / np) - off[k];
        }
        if ((st = dist_allgatherv(dist, p->mean, off, cnt, sizeof *p->mean)) != HPML_OK ||
            (st = dist_allgatherv(dist, p->inv_std, off, cnt, sizeof *p->inv_std)) != HPML_OK ||
            (st = dist_allgatherv(dist, p->indicator, off, cnt, sizeof *p->indicator)) != HPML_OK)
            goto out;
    }
    if (st != HPML_OK)
        goto out;
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
    hpml_free(off);
    hpml_free(cnt);
    dim_use_free(use, nj);
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

hpml_status nn_prep_encode(const nn_prep *p, const hpml_dataset *d, int dim, const int *feats,
                           int n_feats, const int32_t *fcol, const int32_t *icol,
                           const uint32_t *rows, size_t n, size_t width, float *z)
{
    hpml_status st = HPML_OK;
    const size_t n_blocks = (n + BLOCK - 1) / BLOCK;
#pragma omp parallel for schedule(dynamic, 4)
    for (size_t b = 0; b < n_blocks; b++) {
        size_t i0 = b * BLOCK, m = n - i0 < BLOCK ? n - i0 : BLOCK;
        uint32_t idx[BLOCK];
        float col[BLOCK];
        for (size_t i = 0; i < m; i++)
            idx[i] = rows ? rows[i0 + i] : (uint32_t)(i0 + i);
        float *zb = z + i0 * width;
        memset(zb, 0, sizeof *z * m * width);
        for (int f = 0; f < n_feats; f++) {
            const int j = feats ? feats[f] : f;
            if ((dim ? hpml_dataset_gather_dim(d, j, idx, m, col)
                     : hpml_dataset_gather(d, j, idx, m, col)) != HPML_OK) {
#pragma omp atomic write
                st = HPML_ERR_ARG;
                break;
            }
            if (p->n_cat[j]) {
                for (size_t i = 0; i < m; i++)
                    if (!isnan(col[i]) && col[i] >= 0 && col[i] < (float)p->n_cat[j])
                        zb[i * width + (size_t)fcol[j] + (size_t)col[i]] = 1.0f;
                continue;
            }
            /* numeric: the common case, without branches but the missing one */
            float *zc = zb + fcol[j];
            const float mean = p->mean[j], inv = p->inv_std[j];
            for (size_t i = 0; i < m; i++)
                zc[i * width] = isnan(col[i]) ? 0.0f : (col[i] - mean) * inv;
            if (icol[j] >= 0)
                for (size_t i = 0; i < m; i++)
                    if (isnan(col[i]))
                        zb[i * width + (size_t)icol[j]] = 1.0f;
        }
    }
    if (st != HPML_OK)
        return hpml_fail(st, "reading the dataset's features failed");
    return HPML_OK;
}

void nn_prep_targets(const nn_prep *p, const hpml_dataset *d, const uint32_t *rows, size_t n,
                     float *t)
{
    if (p->task != HPML_TASK_REGRESSION) {
        const float *y = hpml_dataset_target(d);
        for (size_t i = 0; i < n; i++)
            t[i] = y[rows ? rows[i] : i];
        return;
    }
    const size_t ny = (size_t)p->n_outputs;
    for (size_t k = 0; k < ny; k++) {
        const float *y = hpml_dataset_target_k(d, (int)k);
        const double mean = p->y_mean[k], sd = p->y_std[k];
        for (size_t i = 0; i < n; i++)
            t[i * ny + k] = (float)((y[rows ? rows[i] : i] - mean) / sd);
    }
}

hpml_status nn_prep_dataset(const nn_prep *p, const hpml_dataset *d, const uint32_t *rows,
                            size_t n, float *z, float *t)
{
    hpml_status st = nn_prep_encode(p, d, 0, NULL, p->n_features, p->first, p->indicator, rows,
                                    n, (size_t)p->n_inputs, z);
    if (st == HPML_OK && t)
        nn_prep_targets(p, d, rows, n, t);
    return st;
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
