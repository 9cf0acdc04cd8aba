/* noise.c — how sure we are of each metric, and of each difference to the
 * best model (cmp_estimate).
 *
 * A single split: the metric on the test rows, and a paired bootstrap of the
 * test rows (B resamples; every model is scored on the same resample, so the
 * difference of two models is resampled as a pair). The 95% intervals are the
 * 2.5% and 97.5% percentiles (linear interpolation between order
 * statistics); sd is the bootstrap standard deviation.
 *
 * k folds: the mean over folds, its sd over folds, and the interval mean ±
 * t(0.975, k-1)·sd/√k. A difference between two models is tested on the
 * paired per-fold differences with Nadeau and Bengio's corrected resampled
 * t-test (Machine Learning 52, 2003): the folds' training sets overlap, so
 * the variance of the mean difference is (1/k + n_test/n_train)·s², not s²/k;
 * the plain paired t-test calls too many differences significant.
 *
 * A difference "is larger than the noise" when its 95% interval excludes 0.
 * Resample b draws its rows from a stream seeded by (seed, b) alone, so the
 * results do not depend on the thread count.
 */
#include "compare/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"

#include <omp.h>

/* Two-sided 95% quantile of Student's t with df degrees of freedom. */
static double t975(int df)
{
    static const double t[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                2.306,  2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                2.120,  2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                2.064,  2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (df < 1)
        return NAN;
    return df <= 30 ? t[df] : 1.959964 + 2.4 / df; /* within 0.1% of t above 30 */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts the finite values of v[0..n) to the front; returns their count. */
static size_t sort_finite(double *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    qsort(v, m, sizeof *v, cmp_double);
    return m;
}

/* Quantile q of sorted s[0..m) (linear interpolation, numpy's default). */
static double quantile(const double *s, size_t m, double q)
{
    if (m == 0)
        return NAN;
    double h = q * (double)(m - 1);
    size_t lo = (size_t)floor(h);
    size_t hi = lo + 1 < m ? lo + 1 : lo;
    return s[lo] + (h - (double)lo) * (s[hi] - s[lo]);
}

static void mean_sd(const double *v, size_t n, double *mean, double *sd)
{
    double s = 0, ss = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            s += v[i];
            m++;
        }
    *mean = m ? s / (double)m : NAN;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            ss += (v[i] - *mean) * (v[i] - *mean);
    *sd = m > 1 ? sqrt(ss / (double)(m - 1)) : NAN;
}

/* The best model on metric k (by value), or -1 if none has one. */
static int best_model(const hpml_compare *c, int k)
{
    int best = -1;
    for (int i = 0; i < c->n_models; i++) {
        double v = c->models[i].stat[k].value;
        if (c->models[i].error || !isfinite(v))
            continue;
        double b = best < 0 ? 0 : c->models[best].stat[k].value;
        if (best < 0 || (cmp_metrics[k].higher_better ? v > b : v < b))
            best = i;
    }
    return best;
}

/* vals[(i * CMP_N_METRICS + k) * B + b]: metric k of model i on resample b. */
static hpml_status bootstrap(const hpml_compare *c, int B, double *vals)
{
    const cmp_fold *fo = &c->folds[0];
    size_t n = fo->n_test, no = (size_t)c->n_outputs;
    int failed = 0;
#pragma omp parallel if (B > 1) num_threads(c->threads > 0 ? c->threads : omp_get_max_threads())
    {
        uint32_t *idx = hpml_malloc_array(n, sizeof *idx);
        float *y = hpml_malloc_array(n, sizeof *y);
        float *p = hpml_malloc_array(n, no * sizeof *p);
        if (!idx || !y || !p) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int b = 0; b < B; b++) {
            if (!idx || !y || !p)
                continue;
            hpml_rng r;
            hpml_rng_seed(&r, hpml_mix64(c->seed ^ (0xB007ull + (uint64_t)b * 0x9E3779B97F4A7C15ull)));
            for (size_t i = 0; i < n; i++) {
                idx[i] = (uint32_t)hpml_rng_below(&r, n);
                y[i] = fo->y_test[idx[i]];
            }
            for (int m = 0; m < c->n_models; m++) {
                const cmp_model *mo = &c->models[m];
                double *v = vals + (size_t)m * CMP_N_METRICS * (size_t)B;
                hpml_metrics mt;
                if (!mo->error) {
                    const float *src = mo->runs[0].pred;
                    for (size_t i = 0; i < n; i++)
                        memcpy(p + i * no, src + (size_t)idx[i] * no, no * sizeof *p);
                    if (hpml_metrics_compute(c->task, c->n_classes, y, p, n, &mt) != HPML_OK)
                        mt = (hpml_metrics){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
                } else {
                    mt = (hpml_metrics){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
                }
                for (int k = 0; k < CMP_N_METRICS; k++)
                    v[(size_t)k * (size_t)B + (size_t)b] = cmp_metric_get(&mt, k);
            }
        }
        hpml_free(idx);
        hpml_free(y);
        hpml_free(p);
    }
    return failed ? hpml_fail(HPML_ERR_NOMEM, "out of memory in the bootstrap") : HPML_OK;
}

static hpml_status single_split(hpml_compare *c)
{
    int B = c->bootstrap;
    for (int i = 0; i < c->n_models; i++)
        for (int k = 0; k < CMP_N_METRICS; k++) {
            cmp_stat *s = &c->models[i].stat[k];
            s->value = c->models[i].error ? NAN : cmp_metric_get(&c->models[i].runs[0].metrics, k);
            s->sd = s->lo = s->hi = NAN;
        }
    if (B == 0)
        return HPML_OK;
    size_t per = (size_t)CMP_N_METRICS * (size_t)B;
    double *vals = hpml_malloc_array((size_t)c->n_models * per, sizeof *vals);
    double *tmp = hpml_malloc_array((size_t)B, sizeof *tmp);
    hpml_status st = vals && tmp ? bootstrap(c, B, vals) : HPML_ERR_NOMEM;
    for (int k = 0; st == HPML_OK && k < CMP_N_METRICS; k++) {
        for (int i = 0; i < c->n_models; i++) {
            if (c->models[i].error)
                continue;
            cmp_stat *s = &c->models[i].stat[k];
            memcpy(tmp, vals + i * per + (size_t)k * B, (size_t)B * sizeof *tmp);
            double mean;
            mean_sd(tmp, (size_t)B, &mean, &s->sd);
            size_t m = sort_finite(tmp, (size_t)B);
            s->lo = quantile(tmp, m, 0.025);
            s->hi = quantile(tmp, m, 0.975);
        }
        int best = best_model(c, k);
        for (int i = 0; best >= 0 && i < c->n_models; i++) {
            cmp_stat *s = &c->models[i].stat[k];
            if (c->models[i].error || i == best)
                continue;
            const double *a = vals + i * per + (size_t)k * B;
            const double *bb = vals + (size_t)best * per + (size_t)k * B;
            for (int b = 0; b < B; b++)
                tmp[b] = a[b] - bb[b];
            size_t m = sort_finite(tmp, (size_t)B);
            s->diff_lo = quantile(tmp, m, 0.025);
            s->diff_hi = quantile(tmp, m, 0.975);
        }
    }
    hpml_free(vals);
    hpml_free(tmp);
    if (st == HPML_ERR_NOMEM)
        return hpml_fail(st, "out of memory in the bootstrap");
    return st;
}

static hpml_status folds(hpml_compare *c)
{
    int K = c->n_folds;
    double v[1024], d[1024];
    if (K > 1024)
        return hpml_fail(HPML_ERR_ARG, "compare: at most 1024 folds");
    /* the corrected variance factor; folds differ by a row or so in size */
    double ratio = (double)c->folds[0].n_test / (double)c->folds[0].n_train;
    double t = t975(K - 1);
    for (int k = 0; k < CMP_N_METRICS; k++) {
        for (int i = 0; i < c->n_models; i++) {
            cmp_stat *s = &c->models[i].stat[k];
            if (c->models[i].error) {
                s->value = s->sd = s->lo = s->hi = NAN;
                continue;
            }
            for (int f = 0; f < K; f++)
                v[f] = cmp_metric_get(&c->models[i].runs[f].metrics, k);
            mean_sd(v, (size_t)K, &s->value, &s->sd);
            s->lo = s->value - t * s->sd / sqrt(K);
            s->hi = s->value + t * s->sd / sqrt(K);
        }
        int best = best_model(c, k);
        for (int i = 0; best >= 0 && i < c->n_models; i++) {
            cmp_stat *s = &c->models[i].stat[k];
            if (c->models[i].error || i == best)
                continue;
            for (int f = 0; f < K; f++)
                d[f] = cmp_metric_get(&c->models[i].runs[f].metrics, k) -
                       cmp_metric_get(&c->models[best].runs[f].metrics, k);
            double mean, sd;
            mean_sd(d, (size_t)K, &mean, &sd);
            double se = sqrt((1.0 / K + ratio) * sd * sd);
            s->diff_lo = mean - t * se;
            s->diff_hi = mean + t * se;
        }
    }
    return HPML_OK;
}

hpml_status cmp_estimate(hpml_compare *c)
{
    for (int i = 0; i < c->n_models; i++)
        for (int k = 0; k < CMP_N_METRICS; k++) {
            cmp_stat *s = &c->models[i].stat[k];
            s->diff = s->diff_lo = s->diff_hi = NAN;
            s->best = s->differs = 0;
        }
    hpml_status st = c->n_folds > 1 ? folds(c) : single_split(c);
    if (st != HPML_OK)
        return st;
    for (int k = 0; k < CMP_N_METRICS; k++) {
        int best = best_model(c, k);
        if (best < 0)
            continue;
        for (int i = 0; i < c->n_models; i++) {
            cmp_stat *s = &c->models[i].stat[k];
            if (c->models[i].error)
                continue;
            if (i == best) {
                s->best = 1;
                s->diff = 0;
                continue;
            }
            s->diff = s->value - c->models[best].stat[k].value;
            s->differs = s->diff_lo > 0 || s->diff_hi < 0;
        }
    }
    return HPML_OK;
}
