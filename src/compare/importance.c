/* importance.c — permutation importance (Breiman 2001): how much worse a
 * model gets when one feature's values are shuffled among the rows, breaking
 * its link to the target while keeping its distribution.
 *
 * The loss is RMSE for regression and log-loss for classification; the
 * importance of feature j is the mean over `repeats` shuffles of
 * loss(shuffled j) − loss(as is). Rows: at most max_rows of the given ones (a
 * seeded sample). Every row is predicted once per feature and shuffle, so
 * the work is features x repeats x rows x (multiply-adds per row, about the
 * model's parameter count for an MLP): for wide data or big nets it is
 * capped at about PERM_BUDGET multiply-adds (seconds) by reducing the
 * repeats, then the rows (never below PERM_MIN_ROWS rows or one repeat).
 * Shuffle (j, r) is seeded by (seed, j, r) alone.
 */
#include <math.h>
#include <string.h>

#include "compare/compare.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"

#define PERM_BUDGET 3e11
#define PERM_MIN_ROWS 100

static hpml_status loss_of(const hpml_model *m, const float *x, size_t n, const float *y,
                           float *pred, double *out)
{
    hpml_status st = hpml_model_predict(m, x, n, pred);
    if (st != HPML_OK)
        return st;
    hpml_task task = hpml_model_task(m);
    if (task == HPML_TASK_REGRESSION)
        return hpml_metric_rmse(y, pred, n, out);
    return hpml_metric_logloss(y, pred, n, hpml_model_n_outputs(m), out);
}

hpml_status cmp_permutation_importance(const hpml_model *m, const hpml_dataset *d,
                                       const uint32_t *rows, size_t n, size_t max_rows,
                                       int repeats, double macs_per_row, uint64_t seed,
                                       double *out)
{
    int nf = hpml_model_n_features(m);
    for (int j = 0; j < nf; j++)
        out[j] = 0;
    if (n == 0 || max_rows == 0 || repeats == 0 || nf == 0)
        return HPML_OK;
    /* the work budget: repeats first, then rows */
    double per = macs_per_row > nf ? macs_per_row : nf;
    size_t k = n < max_rows ? n : max_rows;
    while (repeats > 1 && (double)nf * repeats * (double)k * per > PERM_BUDGET)
        repeats--;
    if ((double)nf * (double)k * per > PERM_BUDGET) {
        double fit = PERM_BUDGET / ((double)nf * per);
        k = fit < PERM_MIN_ROWS ? PERM_MIN_ROWS : (size_t)fit;
        if (k > n)
            k = n;
    }
    int no = hpml_model_n_outputs(m);
    uint32_t *pick = hpml_malloc_array(n, sizeof *pick);
    float *x = hpml_malloc_array(k, (size_t)nf * sizeof *x);
    float *col = hpml_malloc_array(k, sizeof *col);
    float *y = hpml_malloc_array(k, sizeof *y);
    float *pred = hpml_malloc_array(k, (size_t)no * sizeof *pred);
    uint32_t *perm = hpml_malloc_array(k, sizeof *perm);
    hpml_status st = HPML_OK;
    if (!pick || !x || !col || !y || !pred || !perm) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory for permutation importance");
        goto out;
    }
    /* a seeded sample of k rows: the first k of a partial Fisher-Yates */
    memcpy(pick, rows, n * sizeof *pick);
    hpml_rng r;
    hpml_rng_seed(&r, seed);
    for (size_t i = 0; i < k && k < n; i++) {
        size_t j = i + (size_t)hpml_rng_below(&r, n - i);
        uint32_t t = pick[i];
        pick[i] = pick[j];
        pick[j] = t;
    }
    const float *target = hpml_dataset_target(d);
    for (size_t i = 0; i < k; i++)
        y[i] = target[pick[i]];
    for (int j = 0; j < nf; j++) {
        if ((st = hpml_dataset_gather(d, j, pick, k, col)) != HPML_OK)
            goto out;
        for (size_t i = 0; i < k; i++)
            x[i * (size_t)nf + (size_t)j] = col[i];
    }
    double base;
    if ((st = loss_of(m, x, k, y, pred, &base)) != HPML_OK)
        goto out;
    for (int j = 0; j < nf; j++) {
        for (size_t i = 0; i < k; i++)
            col[i] = x[i * (size_t)nf + (size_t)j];
        double sum = 0;
        for (int rep = 0; rep < repeats; rep++) {
            hpml_rng_seed(&r, hpml_mix64(seed ^ ((uint64_t)j * 0x9E3779B97F4A7C15ull) ^
                                         ((uint64_t)(rep + 1) << 40)));
            for (size_t i = 0; i < k; i++)
                perm[i] = (uint32_t)i;
            hpml_rng_shuffle_u32(&r, perm, k);
            for (size_t i = 0; i < k; i++)
                x[i * (size_t)nf + (size_t)j] = col[perm[i]];
            double loss;
            if ((st = loss_of(m, x, k, y, pred, &loss)) != HPML_OK)
                goto out;
            sum += loss - base;
        }
        for (size_t i = 0; i < k; i++)
            x[i * (size_t)nf + (size_t)j] = col[i];
        out[j] = sum / repeats;
    }
out:
    hpml_free(pick);
    hpml_free(x);
    hpml_free(col);
    hpml_free(y);
    hpml_free(pred);
    hpml_free(perm);
    return st;
}
