/* summary.c — every metric of a task in one call (for eval and compare). */
#include <math.h>

#include "core/error.h"
#include "hpml.h"

hpml_status hpml_metrics_compute(hpml_task task, int n_classes, const float *y, const float *pred,
                                 size_t n, hpml_metrics *out)
{
    if (!y || !pred || !out)
        return hpml_fail(HPML_ERR_ARG, "hpml_metrics_compute: NULL argument");
    *out = (hpml_metrics){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    hpml_status st;
    if (task == HPML_TASK_REGRESSION) {
        if ((st = hpml_metric_rmse(y, pred, n, &out->rmse)) != HPML_OK ||
            (st = hpml_metric_mae(y, pred, n, &out->mae)) != HPML_OK ||
            (st = hpml_metric_r2(y, pred, n, &out->r2)) != HPML_OK)
            return st;
        /* correlations are undefined for a constant column: NaN, not an error */
        if (hpml_metric_pearson(y, pred, n, &out->pearson) != HPML_OK)
            out->pearson = NAN;
        if (hpml_metric_spearman(y, pred, n, &out->spearman) != HPML_OK)
            out->spearman = NAN;
        return HPML_OK;
    }
    int k = task == HPML_TASK_BINARY ? 1 : n_classes;
    if (k < 1)
        return hpml_fail(HPML_ERR_ARG, "hpml_metrics_compute: %d classes", n_classes);
    /* AUC needs both classes (each class, one-vs-rest): NaN when it cannot be computed */
    if (hpml_metric_auc(y, pred, n, k, &out->auc) != HPML_OK)
        out->auc = NAN;
    if ((st = hpml_metric_logloss(y, pred, n, k, &out->logloss)) != HPML_OK ||
        (st = hpml_metric_accuracy(y, pred, n, k, &out->accuracy)) != HPML_OK ||
        (st = hpml_metric_macro_f1(y, pred, n, k, &out->macro_f1)) != HPML_OK)
        return st;
    return HPML_OK;
}
