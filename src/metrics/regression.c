/* regression.c — RMSE, MAE, R², Pearson and Spearman of predictions p against
 * truth y (n floats each). Everything accumulates in double in row order, so a
 * result depends only on the input. */
#include <math.h>

#include "core/alloc.h"
#include "core/error.h"
#include "metrics/sort.h"

/* The checks every regression metric shares; fn names the caller. */
static hpml_status check_inputs(const char *fn, const float *y, const float *p, size_t n,
                                const double *out)
{
    if (!y || !p || !out)
        return hpml_fail(HPML_ERR_ARG, "%s: y, p and out must not be NULL", fn);
    if (n == 0)
        return hpml_fail(HPML_ERR_ARG, "%s: n must be > 0", fn);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]))
            return hpml_fail(HPML_ERR_ARG, "%s: y[%zu] is not finite (%g)", fn, i, (double)y[i]);
        if (!isfinite(p[i]))
            return hpml_fail(HPML_ERR_ARG, "%s: p[%zu] is not finite (%g)", fn, i, (double)p[i]);
    }
    return HPML_OK;
}

static int all_equal(const float *x, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[0])
            return 0;
    return 1;
}

/* Correlation is undefined when one side has no variance (scipy returns NaN
 * with a warning); we refuse instead. */
static hpml_status check_not_constant(const char *fn, const float *y, const float *p, size_t n)
{
    if (all_equal(y, n))
        return hpml_fail(HPML_ERR_ARG, "%s: correlation is undefined: y is constant (%g)", fn,
                         (double)y[0]);
    if (all_equal(p, n))
        return hpml_fail(HPML_ERR_ARG, "%s: correlation is undefined: p is constant (%g)", fn,
                         (double)p[0]);
    return HPML_OK;
}

hpml_status hpml_metric_rmse(const float *y, const float *p, size_t n, double *out)
{
    hpml_status s = check_inputs(__func__, y, p, n, out);
    if (s)
        return s;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)y[i] - (double)p[i];
        sum += d * d;
    }
    *out = sqrt(sum / (double)n);
    return HPML_OK;
}

hpml_status hpml_metric_mae(const float *y, const float *p, size_t n, double *out)
{
    hpml_status s = check_inputs(__func__, y, p, n, out);
    if (s)
        return s;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += fabs((double)y[i] - (double)p[i]);
    *out = sum / (double)n;
    return HPML_OK;
}

static double mean_f(const float *x, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return sum / (double)n;
}

/* 1 - SS_res / SS_tot, as sklearn's r2_score (which returns 1 or 0 for a
 * constant y; we refuse: the ratio is undefined). */
hpml_status hpml_metric_r2(const float *y, const float *p, size_t n, double *out)
{
    hpml_status s = check_inputs(__func__, y, p, n, out);
    if (s)
        return s;
    if (all_equal(y, n))
        return hpml_fail(HPML_ERR_ARG, "hpml_metric_r2: R² is undefined: y is constant (%g)",
                         (double)y[0]);
    double my = mean_f(y, n), ss_res = 0, ss_tot = 0;
    for (size_t i = 0; i < n; i++) {
        double r = (double)y[i] - (double)p[i], t = (double)y[i] - my;
        ss_res += r * r;
        ss_tot += t * t;
    }
    *out = 1.0 - ss_res / ss_tot;
    return HPML_OK;
}

/* Centred two-pass formula (no sum-of-squares cancellation); clamped to
 * [-1, 1] like scipy, since rounding can step just outside. */
static double clamp_corr(double sxy, double sxx, double syy)
{
    double r = sxy / (sqrt(sxx) * sqrt(syy));
    return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

hpml_status hpml_metric_pearson(const float *y, const float *p, size_t n, double *out)
{
    hpml_status s = check_inputs(__func__, y, p, n, out);
    if (s || (s = check_not_constant(__func__, y, p, n)))
        return s;
    double my = mean_f(y, n), mp = mean_f(p, n), sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double a = (double)y[i] - my, b = (double)p[i] - mp;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    *out = clamp_corr(sxy, sxx, syy);
    return HPML_OK;
}

/* rank[i] = 1-based rank of x[i], ties getting the mean of the ranks they
 * span (scipy.stats.rankdata method='average'). rank has n entries. */
static hpml_status average_ranks(const float *x, size_t n, double *rank)
{
    hpml_sorted_row *s;
    hpml_status st = hpml_metrics_argsort("hpml_metric_spearman", x, 1, n, &s);
    if (st)
        return st;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && s[j].key == s[i].key)
            j++;
        double r = 0.5 * ((double)(i + 1) + (double)j); /* mean of ranks i+1..j */
        for (size_t t = i; t < j; t++)
            rank[s[t].row] = r;
        i = j;
    }
    hpml_free(s);
    return HPML_OK;
}

/* Pearson of the average ranks (scipy.stats.spearmanr). */
hpml_status hpml_metric_spearman(const float *y, const float *p, size_t n, double *out)
{
    hpml_status s = check_inputs(__func__, y, p, n, out);
    if (s || (s = check_not_constant(__func__, y, p, n)))
        return s;
    double *ry = hpml_malloc_array(n, sizeof *ry);
    double *rp = hpml_malloc_array(n, sizeof *rp);
    if (!ry || !rp) {
        s = HPML_ERR_NOMEM;
        goto fail;
    }
    if ((s = average_ranks(y, n, ry)) || (s = average_ranks(p, n, rp)))
        goto fail;
    /* The mean rank is (n + 1) / 2 whatever the ties, exactly. */
    double m = 0.5 * ((double)n + 1.0), sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double a = ry[i] - m, b = rp[i] - m;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    *out = clamp_corr(sxy, sxx, syy);
fail:
    hpml_free(ry);
    hpml_free(rp);
    return s;
}
