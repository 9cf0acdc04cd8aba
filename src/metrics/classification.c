/* classification.c — AUC, log loss, accuracy and macro F1.
 *
 * Shapes: y is n class indices stored as floats; prob is n x k row-major. The
 * binary task has two classes and k == 1 (prob = P(class 1)) or k == 2.
 * Results follow scikit-learn 1.2 (see each function) and accumulate in double
 * in row order, so they depend only on the input. */
#include <math.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/error.h"
#include "metrics/sort.h"

static int n_classes(int k) { return k == 1 ? 2 : k; }

/* The checks every classification metric shares; fn names the caller. */
static hpml_status check_inputs(const char *fn, const float *y, const float *prob, size_t n,
                                int k, const double *out)
{
    if (!y || !prob || !out)
        return hpml_fail(HPML_ERR_ARG, "%s: y, prob and out must not be NULL", fn);
    if (n == 0)
        return hpml_fail(HPML_ERR_ARG, "%s: n must be > 0", fn);
    if (k < 1)
        return hpml_fail(HPML_ERR_ARG, "%s: k must be >= 1, got %d", fn, k);
    if (n > SIZE_MAX / (size_t)k)
        return hpml_fail(HPML_ERR_ARG, "%s: n x k = %zu x %d overflows", fn, n, k);
    int nc = n_classes(k);
    for (size_t i = 0; i < n; i++) {
        float v = y[i];
        if (!isfinite(v))
            return hpml_fail(HPML_ERR_ARG, "%s: y[%zu] is not finite (%g)", fn, i, (double)v);
        if (!(v >= 0 && (double)v < (double)nc) || v != floorf(v))
            return hpml_fail(HPML_ERR_ARG, "%s: y[%zu] = %g is not a class index in [0, %d)",
                             fn, i, (double)v, nc);
    }
    for (size_t i = 0; i < n * (size_t)k; i++) {
        float v = prob[i];
        if (!(v >= 0 && v <= 1)) /* also NaN */
            return hpml_fail(HPML_ERR_ARG,
                             "%s: prob[%zu][%zu] = %g is not a probability in [0, 1]", fn,
                             i / (size_t)k, i % (size_t)k, (double)v);
    }
    return HPML_OK;
}

/* Most probable class of one row: p >= 0.5 for k == 1, else the first
 * maximum (numpy's argmax). */
static int predicted_class(const float *row, int k)
{
    if (k == 1)
        return row[0] >= 0.5f;
    int best = 0;
    for (int c = 1; c < k; c++)
        if (row[c] > row[best])
            best = c;
    return best;
}

/* ------------------------------------------------------------------- AUC */

/* Mann–Whitney AUC of score column x[i * stride] for "y == cls" against the
 * rest; npos rows are positive. 2U is counted exactly in integers: each
 * positive scores 2 per negative below it and 1 per negative tied with it
 * (2U <= n^2 / 2 fits uint64 for n <= 2^32, which the caller checks). */
static hpml_status auc_one_vs_rest(const float *y, const float *x, size_t stride, size_t n,
                                   int cls, size_t npos, double *auc)
{
    /* The sort carries the label next to the key: the walk then reads one
     * array in order instead of y at random. */
    hpml_sorted_row *s = hpml_malloc_array(n, sizeof *s);
    if (!s)
        return HPML_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        s[i].key = hpml_metrics_float_key(x[i * stride]);
        s[i].row = (int)y[i] == cls;
    }
    hpml_status st = hpml_metrics_sort_rows(s, n);
    if (st) {
        hpml_free(s);
        return st;
    }
    uint64_t neg_below = 0, u2 = 0;
    for (size_t i = 0; i < n;) {
        uint64_t pos = 0, grp = 0;
        for (; i + grp < n && s[i + grp].key == s[i].key; grp++)
            pos += s[i + grp].row;
        u2 += pos * (2 * neg_below + (grp - pos));
        neg_below += grp - pos;
        i += grp;
    }
    hpml_free(s);
    *auc = (double)u2 / (2.0 * (double)npos * (double)(n - npos));
    return HPML_OK;
}

/* count[c] = rows of class c, for the nc classes. */
static hpml_status count_classes(const float *y, size_t n, int nc, size_t **count)
{
    *count = hpml_calloc((size_t)nc, sizeof **count);
    if (!*count)
        return HPML_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        (*count)[(int)y[i]]++;
    return HPML_OK;
}

/* Unweighted mean over the k classes of one-vs-rest AUC; count[c] rows are
 * of class c. */
static hpml_status auc_macro_ovr(const float *y, const float *prob, size_t n, int k,
                                 const size_t *count, double *out)
{
    double sum = 0;
    for (int c = 0; c < k; c++) {
        double a;
        if (count[c] == 0)
            return hpml_fail(HPML_ERR_ARG, "hpml_metric_auc: one-vs-rest AUC is undefined for "
                                           "class %d: y holds no row of that class", c);
        hpml_status s = auc_one_vs_rest(y, prob + c, (size_t)k, n, c, count[c], &a);
        if (s)
            return s;
        sum += a;
    }
    *out = sum / k;
    return HPML_OK;
}

/* Binary: AUC of P(class 1) (column 0 if k == 1, column 1 if k == 2).
 * Multiclass: unweighted mean over classes of one-vs-rest AUC, as sklearn's
 * roc_auc_score(multi_class='ovr', average='macro'); like sklearn it fails if
 * a class has no row in y, since its AUC is undefined. */
hpml_status hpml_metric_auc(const float *y, const float *prob, size_t n, int k, double *out)
{
    hpml_status s = check_inputs(__func__, y, prob, n, k, out);
    if (s)
        return s;
    if (n > UINT32_MAX)
        return hpml_fail(HPML_ERR_ARG, "hpml_metric_auc: n = %zu rows: at most %lu are supported",
                         n, (unsigned long)UINT32_MAX);
    size_t *count;
    if ((s = count_classes(y, n, n_classes(k), &count)))
        return s;
    int only = (int)y[0];
    if (count[only] == n)
        s = hpml_fail(HPML_ERR_ARG, "hpml_metric_auc: AUC is undefined: y holds only class %d",
                      only);
    else if (k <= 2)
        s = auc_one_vs_rest(y, prob + (k - 1), (size_t)k, n, 1, count[1], out);
    else
        s = auc_macro_ovr(y, prob, n, k, count, out);
    hpml_free(count);
    return s;
}

/* -------------------------------------------------------------- log loss */

#define LOGLOSS_EPS 1e-15

static double clip_prob(double p)
{
    return p < LOGLOSS_EPS ? LOGLOSS_EPS : p > 1.0 - LOGLOSS_EPS ? 1.0 - LOGLOSS_EPS : p;
}

/* Probability given to the true class c of one row, the way sklearn 1.2's
 * log_loss gets it: clip every entry, (k == 1: expand to the row (1-q, q)),
 * then divide by the row sum. */
static double true_class_prob(const float *row, int k, int c)
{
    if (k == 1) {
        double q = clip_prob(row[0]);
        return (c == 1 ? q : 1.0 - q) / ((1.0 - q) + q);
    }
    double sum = 0;
    for (int j = 0; j < k; j++)
        sum += clip_prob(row[j]);
    return clip_prob(row[c]) / sum;
}

/* Matches sklearn 1.2 log_loss(y, prob, eps=1e-15, labels=0..classes-1): rows
 * need not sum to 1 (they are renormalised) and y need not hold every class. */
hpml_status hpml_metric_logloss(const float *y, const float *prob, size_t n, int k, double *out)
{
    hpml_status s = check_inputs(__func__, y, prob, n, k, out);
    if (s)
        return s;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum -= log(true_class_prob(prob + i * (size_t)k, k, (int)y[i]));
    *out = sum / (double)n;
    return HPML_OK;
}

/* -------------------------------------------------- accuracy and macro F1 */

hpml_status hpml_metric_accuracy(const float *y, const float *prob, size_t n, int k,
                                 double *out)
{
    hpml_status s = check_inputs(__func__, y, prob, n, k, out);
    if (s)
        return s;
    size_t hit = 0;
    for (size_t i = 0; i < n; i++)
        hit += predicted_class(prob + i * (size_t)k, k) == (int)y[i];
    *out = (double)hit / (double)n;
    return HPML_OK;
}

/* F1 of one class from its counts, as sklearn computes it: precision and
 * recall first, each 0 when its denominator is (zero_division=0). */
static double f1_from_counts(size_t tp, size_t n_pred, size_t n_true)
{
    double prec = n_pred ? (double)tp / (double)n_pred : 0.0;
    double rec = n_true ? (double)tp / (double)n_true : 0.0;
    return prec + rec > 0 ? 2.0 * prec * rec / (prec + rec) : 0.0;
}

/* sklearn f1_score(average='macro', zero_division=0) with its default labels:
 * the mean over the classes that occur in y or among the predictions. */
hpml_status hpml_metric_macro_f1(const float *y, const float *prob, size_t n, int k,
                                 double *out)
{
    hpml_status s = check_inputs(__func__, y, prob, n, k, out);
    if (s)
        return s;
    int nc = n_classes(k);
    /* Per class: [0] true positives, [1] predicted, [2] true. */
    size_t (*cnt)[3] = hpml_calloc((size_t)nc, sizeof *cnt);
    if (!cnt)
        return HPML_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        int t = (int)y[i], p = predicted_class(prob + i * (size_t)k, k);
        cnt[t][0] += t == p;
        cnt[p][1]++;
        cnt[t][2]++;
    }
    double sum = 0;
    int labels = 0;
    for (int c = 0; c < nc; c++) {
        if (cnt[c][1] == 0 && cnt[c][2] == 0)
            continue;
        sum += f1_from_counts(cnt[c][0], cnt[c][1], cnt[c][2]);
        labels++;
    }
    *out = sum / labels; /* labels >= 1: y[0]'s class occurs */
    hpml_free(cnt);
    return HPML_OK;
}
