/* objective.c — gradients, starting margins, transforms and metrics. */
#include "gbdt/objective.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "dist/dist.h"
#include "gbdt/hist.h"

const char *gbdt_objective_name(hpml_gbdt_objective o)
{
    switch (o) {
    case HPML_GBDT_AUTO: return "auto";
    case HPML_GBDT_SQUARED_ERROR: return "squared_error";
    case HPML_GBDT_LOGISTIC: return "logistic";
    case HPML_GBDT_SOFTMAX: return "softmax";
    case HPML_GBDT_HUBER: return "huber";
    case HPML_GBDT_QUANTILE: return "quantile";
    }
    return "unknown";
}

const char *gbdt_metric_name(const gbdt_loss *l)
{
    switch (l->objective) {
    case HPML_GBDT_LOGISTIC: return "logloss";
    case HPML_GBDT_SOFTMAX: return "mlogloss";
    case HPML_GBDT_HUBER: return "huber";
    case HPML_GBDT_QUANTILE: return "pinball";
    default: return "rmse";
    }
}

hpml_status gbdt_loss_for(hpml_gbdt_objective asked, hpml_task task, int n_classes,
                          const hpml_gbdt_params *p, gbdt_loss *out)
{
    hpml_gbdt_objective o = asked;
    if (o == HPML_GBDT_AUTO)
        o = task == HPML_TASK_BINARY       ? HPML_GBDT_LOGISTIC
            : task == HPML_TASK_MULTICLASS ? HPML_GBDT_SOFTMAX
                                           : HPML_GBDT_SQUARED_ERROR;
    int regression = o == HPML_GBDT_SQUARED_ERROR || o == HPML_GBDT_HUBER || o == HPML_GBDT_QUANTILE;
    if (regression && task != HPML_TASK_REGRESSION)
        return hpml_fail(HPML_ERR_ARG, "objective %s is for regression, but the task is %s "
                         "(use --task regression for a numeric target)",
                         gbdt_objective_name(o), hpml_task_name(task));
    if (o == HPML_GBDT_LOGISTIC && task != HPML_TASK_BINARY)
        return hpml_fail(HPML_ERR_ARG, "objective logistic needs a binary task, but the task is %s",
                         hpml_task_name(task));
    if (o == HPML_GBDT_SOFTMAX && task != HPML_TASK_MULTICLASS)
        return hpml_fail(HPML_ERR_ARG, "objective softmax needs a multiclass task, but the task "
                         "is %s%s", hpml_task_name(task),
                         task == HPML_TASK_BINARY ? " (use logistic)" : "");
    *out = (gbdt_loss){o, o == HPML_GBDT_SOFTMAX ? n_classes : 1, p->huber_delta,
                       p->quantile_alpha};
    return HPML_OK;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

double gbdt_quantile(float *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp_float);
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    double f = pos - (double)i;
    return i + 1 < n ? (1 - f) * v[i] + f * v[i + 1] : v[i];
}

static hpml_status quantile_of(const float *y, size_t n, double q, double *out)
{
    float *s = hpml_malloc_array(n, sizeof *s);
    if (!s)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory computing the starting margin");
    memcpy(s, y, n * sizeof *s);
    *out = gbdt_quantile(s, n, q);
    hpml_free(s);
    return HPML_OK;
}

hpml_status gbdt_base_margin(const gbdt_loss *l, const float *y, size_t n, double base_score,
                             double *out)
{
    if (!isnan(base_score)) {
        for (int c = 0; c < l->k; c++)
            out[c] = base_score;
        return HPML_OK;
    }
    double mean = 0;
    switch (l->objective) {
    case HPML_GBDT_HUBER: return quantile_of(y, n, 0.5, out);
    case HPML_GBDT_QUANTILE: return quantile_of(y, n, l->quantile_alpha, out);
    case HPML_GBDT_SOFTMAX:
        for (int c = 0; c < l->k; c++)
            out[c] = 0;
        for (size_t i = 0; i < n; i++)
            out[(int)y[i]] += 1;
        for (int c = 0; c < l->k; c++) {
            double f = out[c] / (double)n;
            out[c] = log(f > 1e-6 ? f : 1e-6);
        }
        return HPML_OK;
    default: break;
    }
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    if (l->objective == HPML_GBDT_LOGISTIC) {
        double q = mean < 1e-6 ? 1e-6 : mean > 1 - 1e-6 ? 1 - 1e-6 : mean;
        mean = log(q / (1 - q));
    }
    out[0] = mean;
    return HPML_OK;
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* p[c] = softmax of margins m[0..k), max-shifted. */
#define SOFTMAX_STACK 64

/* e^x in float for x in [-87, 87] (clamped there), within 2 ulp: e^x =
 * 2^n e^r, n = round(x / ln 2), |r| <= ln(2) / 2, e^r by Cephes' degree-6
 * polynomial, 2^n put into the exponent bits. Written without branches or
 * library calls so that the loops calling it vectorize (SSE2: 4 rows per
 * instruction); rounding to n uses the 1.5 x 2^23 trick, exact under the
 * default rounding mode. Same operations in the same order on every
 * machine: the same bits for any thread count. */
static inline float exp_f(float x)
{
    x = x < -87.0f ? -87.0f : x > 87.0f ? 87.0f : x;
    const float big = 12582912.0f; /* 1.5 x 2^23 */
    float n = (x * 1.44269504088896341f + big) - big;
    float r = x - n * 0.693359375f; /* ln 2, split: the high part is exact in float */
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    union {
        int32_t i;
        float f;
    } two_n = {.i = ((int32_t)n + 127) << 23};
    return p * two_n.f;
}

void gbdt_gradients(const gbdt_loss *l, const double *F, const float *y, size_t n, int threads,
                    float *g, float *h)
{
    const int k = l->k;
    const double delta = l->huber_delta, alpha = l->quantile_alpha;
    const int nt = threads > 0 ? threads : 1;
    /* one loop per objective (no test per row: the simple ones vectorize) */
    switch (l->objective) {
    case HPML_GBDT_LOGISTIC:
        /* with e = e^-F: p = 1 / (1 + e), g = p - y = ((1 - y) - y e) / (1 + e)
         * (no cancellation for y = 1, where p - 1 would lose the digits),
         * h = p (1 - p) = e / (1 + e)^2. Float is plenty: g and h are then
         * quantized to at most 2^20 levels. */
#pragma omp parallel for simd schedule(static) num_threads(nt) if (n >= GBDT_PAR_ROWS)
        for (size_t i = 0; i < n; i++) {
            float e = exp_f(-(float)F[i]), d = 1.0f / (1.0f + e);
            float hi = e * d * d;
            g[i] = ((1.0f - y[i]) - y[i] * e) * d;
            h[i] = hi > 1e-16f ? hi : 1e-16f;
        }
        return;
    case HPML_GBDT_SOFTMAX:
#pragma omp parallel for schedule(static) num_threads(nt) if (n >= GBDT_PAR_ROWS)
        for (size_t i = 0; i < n; i++) {
            double stack[SOFTMAX_STACK], *p = stack;
            if (k > SOFTMAX_STACK) /* rare: many classes; computed twice instead of stored */
                p = NULL;
            double mx = F[i * (size_t)k], s = 0;
            for (int c = 1; c < k; c++)
                mx = F[i * (size_t)k + c] > mx ? F[i * (size_t)k + c] : mx;
            for (int c = 0; c < k; c++) {
                double e = exp(F[i * (size_t)k + c] - mx);
                if (p)
                    p[c] = e;
                s += e;
            }
            for (int c = 0; c < k; c++) {
                double pc = (p ? p[c] : exp(F[i * (size_t)k + c] - mx)) / s;
                g[(size_t)c * n + i] = (float)(pc - (c == (int)y[i]));
                double hc = 2 * pc * (1 - pc);
                h[(size_t)c * n + i] = (float)(hc > 1e-16 ? hc : 1e-16);
            }
        }
        return;
    case HPML_GBDT_HUBER:
#pragma omp parallel for simd schedule(static) num_threads(nt) if (n >= GBDT_PAR_ROWS)
        for (size_t i = 0; i < n; i++) {
            double r = F[i] - y[i];
            g[i] = (float)(r > delta ? delta : r < -delta ? -delta : r);
            h[i] = 1.0f;
        }
        return;
    case HPML_GBDT_QUANTILE:
#pragma omp parallel for simd schedule(static) num_threads(nt) if (n >= GBDT_PAR_ROWS)
        for (size_t i = 0; i < n; i++) {
            g[i] = (float)(F[i] - y[i] >= 0 ? 1 - alpha : -alpha);
            h[i] = 1.0f;
        }
        return;
    default:
#pragma omp parallel for simd schedule(static) num_threads(nt) if (n >= GBDT_PAR_ROWS)
        for (size_t i = 0; i < n; i++) {
            g[i] = (float)(F[i] - y[i]);
            h[i] = 1.0f;
        }
        return;
    }
}

void gbdt_transform(const gbdt_loss *l, const double *margin, float *out)
{
    if (l->objective == HPML_GBDT_LOGISTIC) {
        out[0] = (float)sigmoid(margin[0]);
    } else if (l->objective == HPML_GBDT_SOFTMAX) { /* max-shifted softmax */
        double mx = margin[0], s = 0;
        for (int c = 1; c < l->k; c++)
            mx = margin[c] > mx ? margin[c] : mx;
        for (int c = 0; c < l->k; c++)
            s += exp(margin[c] - mx);
        for (int c = 0; c < l->k; c++)
            out[c] = (float)(exp(margin[c] - mx) / s);
    } else {
        out[0] = (float)margin[0];
    }
}

/* Loss of row i at margins F (the metric's per-row term). */
static double row_loss(const gbdt_loss *l, const double *F, const float *y, size_t i)
{
    const int k = l->k;
    double r = F[i * (size_t)k] - y[i];
    switch (l->objective) {
    case HPML_GBDT_LOGISTIC: {
        double p = sigmoid(F[i]);
        p = p < 1e-15 ? 1e-15 : p > 1 - 1e-15 ? 1 - 1e-15 : p;
        return y[i] > 0.5f ? -log(p) : -log(1 - p);
    }
    case HPML_GBDT_SOFTMAX: {
        const double *m = F + i * (size_t)k;
        double mx = m[0], s = 0;
        for (int c = 1; c < k; c++)
            mx = m[c] > mx ? m[c] : mx;
        for (int c = 0; c < k; c++)
            s += exp(m[c] - mx);
        double lp = m[(int)y[i]] - mx - log(s);
        return -(lp > log(1e-15) ? lp : log(1e-15));
    }
    case HPML_GBDT_HUBER: {
        double a = fabs(r), d = l->huber_delta;
        return a <= d ? 0.5 * r * r : d * (a - 0.5 * d);
    }
    case HPML_GBDT_QUANTILE:
        return r >= 0 ? (1 - l->quantile_alpha) * r : -l->quantile_alpha * r;
    default: return r * r;
    }
}

/* The metric from the mean loss. */
static double metric_of(const gbdt_loss *l, double mean)
{
    return l->objective == HPML_GBDT_SQUARED_ERROR ? sqrt(mean) : mean;
}

hpml_status gbdt_metric_exact(const gbdt_loss *l, const double *F, const float *y, size_t n,
                              size_t n_all, int threads, hpml_dist *dist, double *out)
{
    /* threads: a max and an integer sum do not depend on the order */
    double top = 0;
    int nan = 0;
#pragma omp parallel for schedule(static) reduction(max : top) reduction(| : nan) \
    num_threads(threads) if (n >= 65536)
    for (size_t i = 0; i < n; i++) {
        double v = fabs(row_loss(l, F, y, i));
        nan |= v != v;
        top = v > top ? v : top;
    }
    if (nan)
        top = NAN;
    hpml_status st = dist_allreduce_f64(dist, &top, 1, DIST_MAX);
    if (st != HPML_OK)
        return st;
    if (!isfinite(top)) {
        *out = NAN;
        return HPML_OK;
    }
    /* losses in units of 2^-e, e such that n_all of them stay below 2^62 */
    int e = 40;
    while (e > -1000 && ldexp(top, e) * (double)(n_all ? n_all : 1) >= 0x1.0p62)
        e--;
    int64_t sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum) num_threads(threads) \
    if (n >= 65536)
    for (size_t i = 0; i < n; i++)
        sum += (int64_t)llrint(ldexp(row_loss(l, F, y, i), e));
    if ((st = dist_allreduce_i64(dist, &sum, 1, DIST_SUM)) != HPML_OK)
        return st;
    *out = metric_of(l, ldexp((double)sum, -e) / (double)n_all);
    return HPML_OK;
}
