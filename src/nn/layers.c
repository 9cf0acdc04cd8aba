/* layers.c — forward and backward of each layer kind (shapes in layers.h). */
#include "nn/layers.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "hpml.h"

/* Elementwise loops go parallel from this many values on. */
#define PAR_MIN 32768

#define INV_SQRT2 0.70710678118654752f
#define INV_SQRT2PI 0.39894228040143268f

/* ------------------------------------------------------------------ dense */

void nn_dense_forward(const float *x, const float *W, const float *b, float *y, int B, int In,
                      int O)
{
    for (int r = 0; r < B; r++)
        memcpy(y + (size_t)r * (size_t)O, b, sizeof *b * (size_t)O);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, O, In, 1.0f, x, In, W, In, 1.0f, y, O);
}

/* z[n] += b[n]; y[n] = act(z[n]): one row of a dense layer's output, in cache */
static void bias_act_row(int act, const float *restrict b, float *restrict z, float *restrict y,
                         int n)
{
    switch (act) {
    case HPML_ACT_RELU:
#pragma omp simd
        for (int i = 0; i < n; i++) {
            float v = z[i] + b[i];
            z[i] = v;
            y[i] = v > 0 ? v : 0.0f;
        }
        break;
    case HPML_ACT_TANH:
        for (int i = 0; i < n; i++)
            y[i] = tanhf(z[i] += b[i]);
        break;
    case HPML_ACT_SIGMOID:
        for (int i = 0; i < n; i++)
            y[i] = 1.0f / (1.0f + expf(-(z[i] += b[i])));
        break;
    case HPML_ACT_GELU:
        for (int i = 0; i < n; i++) {
            float v = z[i] += b[i];
            y[i] = 0.5f * v * (1.0f + erff(v * INV_SQRT2));
        }
        break;
    default: /* ELU, alpha 1 */
        for (int i = 0; i < n; i++) {
            float v = z[i] += b[i];
            y[i] = v > 0 ? v : expm1f(v);
        }
        break;
    }
}

void nn_dense_act_forward(int act, const float *x, const float *W, const float *b, float *z,
                          float *y, int B, int In, int O)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, O, In, 1.0f, x, In, W, In, 0.0f, z, O);
#pragma omp parallel for schedule(static) if ((size_t)B * (size_t)O >= PAR_MIN)
    for (int r = 0; r < B; r++)
        bias_act_row(act, b, z + (size_t)r * (size_t)O, y + (size_t)r * (size_t)O, O);
}

void nn_bias_act_forward(int act, const float *b, float *z, float *y, int B, int O)
{
    if (!y) {
        for (int r = 0; r < B; r++) {
            float *restrict zr = z + (size_t)r * (size_t)O;
#pragma omp simd
            for (int c = 0; c < O; c++)
                zr[c] += b[c];
        }
        return;
    }
#pragma omp parallel for schedule(static) if ((size_t)B * (size_t)O >= PAR_MIN)
    for (int r = 0; r < B; r++)
        bias_act_row(act, b, z + (size_t)r * (size_t)O, y + (size_t)r * (size_t)O, O);
}

/* db[C] = sum over the R rows of dy[R][C], in row order */
static void sum_rows(const float *dy, float *db, size_t R, int C)
{
    memset(db, 0, sizeof *db * (size_t)C);
    for (size_t r = 0; r < R; r++) {
        const float *d = dy + r * (size_t)C;
#pragma omp simd
        for (int c = 0; c < C; c++)
            db[c] += d[c];
    }
}

void nn_bias_backward(const float *dy, float *db, int B, int O) { sum_rows(dy, db, (size_t)B, O); }

void nn_dense_backward(const float *x, const float *W, const float *dy, float *dW, float *db,
                       float *dx, int B, int In, int O)
{
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, In, B, 1.0f, dy, O, x, In, 0.0f, dW,
                In);
    if (db)
        sum_rows(dy, db, (size_t)B, O);
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, In, O, 1.0f, dy, O, W, In, 0.0f,
                    dx, In);
}

/* ------------------------------------------------------------------- conv */

void nn_conv_forward(const float *x, const float *W, const float *b, float *col, float *y, int B,
                     int L, int C, int K, int S, int F)
{
    const int Lo = (L - K) / S + 1, CK = C * K;
#pragma omp parallel for schedule(static) if ((size_t)B * (size_t)Lo * (size_t)CK >= PAR_MIN)
    for (int bb = 0; bb < B; bb++)
        for (int t = 0; t < Lo; t++) {
            float *cr = col + ((size_t)bb * (size_t)Lo + (size_t)t) * (size_t)CK;
            const float *xr = x + ((size_t)bb * (size_t)L + (size_t)t * (size_t)S) * (size_t)C;
            for (int c = 0; c < C; c++)
                for (int k = 0; k < K; k++)
                    cr[c * K + k] = xr[(size_t)k * (size_t)C + (size_t)c];
            memcpy(y + ((size_t)bb * (size_t)Lo + (size_t)t) * (size_t)F, b,
                   sizeof *b * (size_t)F);
        }
    const int M = B * Lo;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, F, CK, 1.0f, col, CK, W, CK, 1.0f, y,
                F);
}

void nn_conv_backward(const float *col, const float *W, const float *dy, float *dW, float *db,
                      float *dcol, float *dx, int B, int L, int C, int K, int S, int F)
{
    const int Lo = (L - K) / S + 1, CK = C * K, M = B * Lo;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, F, CK, M, 1.0f, dy, F, col, CK, 0.0f, dW,
                CK);
    sum_rows(dy, db, (size_t)M, F);
    if (!dx)
        return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, CK, F, 1.0f, dy, F, W, CK, 0.0f,
                dcol, CK);
#pragma omp parallel for schedule(static) if ((size_t)B * (size_t)L * (size_t)C >= PAR_MIN)
    for (int bb = 0; bb < B; bb++) {
        float *xr = dx + (size_t)bb * (size_t)L * (size_t)C;
        memset(xr, 0, sizeof *xr * (size_t)L * (size_t)C);
        for (int t = 0; t < Lo; t++) { /* in t order: the same sums for any thread count */
            const float *cr = dcol + ((size_t)bb * (size_t)Lo + (size_t)t) * (size_t)CK;
            float *xt = xr + (size_t)t * (size_t)S * (size_t)C;
            for (int c = 0; c < C; c++)
                for (int k = 0; k < K; k++)
                    xt[(size_t)k * (size_t)C + (size_t)c] += cr[c * K + k];
        }
    }
}

/* ------------------------------------------------------- pool and flatten */

void nn_pool_forward(const float *x, float *y, int32_t *arg, int B, int L, int C, int P)
{
    const int Lo = L / P;
    for (int bb = 0; bb < B; bb++)
        for (int t = 0; t < Lo; t++) {
            const float *xr = x + ((size_t)bb * (size_t)L + (size_t)t * (size_t)P) * (size_t)C;
            size_t o = ((size_t)bb * (size_t)Lo + (size_t)t) * (size_t)C;
            for (int c = 0; c < C; c++) {
                float best = xr[c];
                int32_t at = 0;
                for (int k = 1; k < P; k++) { /* the first maximum wins, as in PyTorch */
                    float v = xr[(size_t)k * (size_t)C + (size_t)c];
                    if (v > best || isnan(v)) {
                        best = v;
                        at = k;
                        if (isnan(best))
                            break;
                    }
                }
                y[o + (size_t)c] = best;
                arg[o + (size_t)c] = at;
            }
        }
}

void nn_pool_backward(const float *dy, const int32_t *arg, float *dx, int B, int L, int C, int P)
{
    const int Lo = L / P;
    memset(dx, 0, sizeof *dx * (size_t)B * (size_t)L * (size_t)C);
    for (int bb = 0; bb < B; bb++)
        for (int t = 0; t < Lo; t++) {
            size_t o = ((size_t)bb * (size_t)Lo + (size_t)t) * (size_t)C;
            float *xr = dx + ((size_t)bb * (size_t)L + (size_t)t * (size_t)P) * (size_t)C;
            for (int c = 0; c < C; c++)
                xr[(size_t)arg[o + (size_t)c] * (size_t)C + (size_t)c] += dy[o + (size_t)c];
        }
}

void nn_flatten_forward(const float *x, float *y, int B, int L, int C)
{
    const size_t w = (size_t)L * (size_t)C;
    for (int bb = 0; bb < B; bb++)
        for (size_t t = 0; t < (size_t)L; t++)
            for (size_t c = 0; c < (size_t)C; c++)
                y[bb * w + c * (size_t)L + t] = x[bb * w + t * (size_t)C + c];
}

void nn_flatten_backward(const float *dy, float *dx, int B, int L, int C)
{
    const size_t w = (size_t)L * (size_t)C;
    for (int bb = 0; bb < B; bb++)
        for (size_t t = 0; t < (size_t)L; t++)
            for (size_t c = 0; c < (size_t)C; c++)
                dx[bb * w + t * (size_t)C + c] = dy[bb * w + c * (size_t)L + t];
}

/* ----------------------------------------------------------- normalisation */

void nn_batchnorm_train(const float *x, const float *gamma, const float *beta, float *y,
                        float *xhat, double *stat, float *run, size_t R, int C,
                        const nn_sum_sync *sync)
{
    /* per channel, in row order, in double: mean then variance (two passes) */
    double *invstd = stat, *sum = stat + C, *var = stat + 2 * (size_t)C;
    const size_t Rt = sync ? sync->rows : R;
    for (int c = 0; c < C; c++)
        sum[c] = var[c] = 0;
    for (size_t r = 0; r < R; r++)
        for (int c = 0; c < C; c++)
            sum[c] += x[r * (size_t)C + (size_t)c];
    if (sync)
        sync->sum(sync->ctx, sum, (size_t)C);
    for (int c = 0; c < C; c++)
        sum[c] /= (double)Rt;
    for (size_t r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            double d = x[r * (size_t)C + (size_t)c] - sum[c];
            var[c] += d * d;
        }
    if (sync)
        sync->sum(sync->ctx, var, (size_t)C);
    for (int c = 0; c < C; c++) {
        double v = var[c] / (double)Rt;
        invstd[c] = 1.0 / sqrt(v + NN_NORM_EPS);
        if (run) {
            double unbiased = Rt > 1 ? var[c] / (double)(Rt - 1) : v;
            run[c] = (float)(0.9 * run[c] + 0.1 * sum[c]);
            run[C + c] = (float)(0.9 * run[C + c] + 0.1 * unbiased);
        }
    }
    for (size_t r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            size_t i = r * (size_t)C + (size_t)c;
            xhat[i] = (float)((x[i] - sum[c]) * invstd[c]);
            y[i] = gamma[c] * xhat[i] + beta[c];
        }
}

void nn_batchnorm_eval(const float *x, const float *gamma, const float *beta, const float *run,
                       float *y, size_t R, int C)
{
    for (size_t r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            size_t i = r * (size_t)C + (size_t)c;
            float s = gamma[c] / sqrtf(run[C + c] + NN_NORM_EPS);
            y[i] = (x[i] - run[c]) * s + beta[c];
        }
}

void nn_batchnorm_backward(const float *dy, const float *xhat, double *stat, const float *gamma,
                           float *dgamma, float *dbeta, float *dx, size_t R, int C,
                           const nn_sum_sync *sync)
{
    const size_t Rt = sync ? sync->rows : R;
    const double *invstd = stat;
    double *sg = stat + C, *sb = stat + 2 * (size_t)C;
    for (int c = 0; c < C; c++)
        sg[c] = sb[c] = 0;
    for (size_t r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            size_t i = r * (size_t)C + (size_t)c;
            sg[c] += (double)dy[i] * xhat[i];
            sb[c] += dy[i];
        }
    for (int c = 0; c < C; c++) {
        dgamma[c] = (float)sg[c];
        dbeta[c] = (float)sb[c];
    }
    if (!dx)
        return;
    if (sync) /* sg then sb: 2C doubles */
        sync->sum(sync->ctx, sg, 2 * (size_t)C);
    for (size_t r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            size_t i = r * (size_t)C + (size_t)c;
            dx[i] = (float)(gamma[c] * invstd[c] / (double)Rt *
                            ((double)Rt * dy[i] - sb[c] - xhat[i] * sg[c]));
        }
}

void nn_layernorm_forward(const float *x, const float *gamma, const float *beta, float *y,
                          float *xhat, double *invstd, int B, int L, int C)
{
    const size_t w = (size_t)L * (size_t)C;
#pragma omp parallel for schedule(static) if ((size_t)B * w >= PAR_MIN)
    for (int bb = 0; bb < B; bb++) {
        const float *xr = x + (size_t)bb * w;
        double s = 0, v = 0;
        for (size_t i = 0; i < w; i++)
            s += xr[i];
        s /= (double)w;
        for (size_t i = 0; i < w; i++)
            v += (xr[i] - s) * (xr[i] - s);
        double is = 1.0 / sqrt(v / (double)w + NN_NORM_EPS);
        if (invstd)
            invstd[bb] = is;
        for (int t = 0; t < L; t++)
            for (int c = 0; c < C; c++) {
                size_t i = (size_t)t * (size_t)C + (size_t)c, g = (size_t)c * (size_t)L + (size_t)t;
                float h = (float)((xr[i] - s) * is);
                if (xhat)
                    xhat[(size_t)bb * w + i] = h;
                y[(size_t)bb * w + i] = gamma[g] * h + beta[g];
            }
    }
}

void nn_layernorm_backward(const float *dy, const float *xhat, const double *invstd,
                           const float *gamma, float *dgamma, float *dbeta, float *dx, int B,
                           int L, int C)
{
    const size_t w = (size_t)L * (size_t)C;
    memset(dgamma, 0, sizeof *dgamma * w);
    memset(dbeta, 0, sizeof *dbeta * w);
    for (int bb = 0; bb < B; bb++) /* in row order: the same sums for any thread count */
        for (int t = 0; t < L; t++)
            for (int c = 0; c < C; c++) {
                size_t i = (size_t)bb * w + (size_t)t * (size_t)C + (size_t)c,
                       g = (size_t)c * (size_t)L + (size_t)t;
                dgamma[g] += dy[i] * xhat[i];
                dbeta[g] += dy[i];
            }
    if (!dx)
        return;
#pragma omp parallel for schedule(static) if ((size_t)B * w >= PAR_MIN)
    for (int bb = 0; bb < B; bb++) {
        double m1 = 0, m2 = 0;
        for (int t = 0; t < L; t++)
            for (int c = 0; c < C; c++) {
                size_t i = (size_t)bb * w + (size_t)t * (size_t)C + (size_t)c;
                double d = (double)dy[i] * gamma[(size_t)c * (size_t)L + (size_t)t];
                m1 += d;
                m2 += d * xhat[i];
            }
        m1 /= (double)w;
        m2 /= (double)w;
        for (int t = 0; t < L; t++)
            for (int c = 0; c < C; c++) {
                size_t i = (size_t)bb * w + (size_t)t * (size_t)C + (size_t)c;
                double d = (double)dy[i] * gamma[(size_t)c * (size_t)L + (size_t)t];
                dx[i] = (float)(invstd[bb] * (d - m1 - xhat[i] * m2));
            }
    }
}

/* ------------------------------------------------------------ activations */

void nn_act_forward(int act, const float *x, float *y, size_t n)
{
    switch (act) {
    case HPML_ACT_RELU:
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : 0.0f;
        break;
    case HPML_ACT_TANH:
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            y[i] = tanhf(x[i]);
        break;
    case HPML_ACT_SIGMOID:
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            y[i] = 1.0f / (1.0f + expf(-x[i]));
        break;
    case HPML_ACT_GELU:
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * INV_SQRT2));
        break;
    default: /* ELU, alpha 1 */
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : expm1f(x[i]);
        break;
    }
}

void nn_act_backward(int act, const float *x, const float *y, const float *dy, float *dx, size_t n)
{
    switch (act) {
    case HPML_ACT_RELU:
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++) {
            float d = dy[i]; /* loaded unconditionally, so the select vectorises */
            dx[i] = x[i] > 0 ? d : 0.0f;
        }
        break;
    case HPML_ACT_TANH:
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * (1.0f - y[i] * y[i]);
        break;
    case HPML_ACT_SIGMOID:
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            dx[i] = dy[i] * y[i] * (1.0f - y[i]);
        break;
    case HPML_ACT_GELU:
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++) {
            float cdf = 0.5f * (1.0f + erff(x[i] * INV_SQRT2));
            float pdf = INV_SQRT2PI * expf(-0.5f * x[i] * x[i]);
            dx[i] = dy[i] * (cdf + x[i] * pdf);
        }
        break;
    default: /* ELU: y + 1 = exp(x) below 0 */
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
        for (size_t i = 0; i < n; i++)
            dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + 1.0f);
        break;
    }
}

/* dx[n] = dy[n] * act'(x[n]) for one row; db[n] += dx[n] */
static void act_backward_row(int act, const float *restrict x, const float *restrict y,
                             const float *restrict dy, float *restrict dx, float *restrict db,
                             int n)
{
    switch (act) {
    case HPML_ACT_RELU: /* branch-free (the signs are random): 7x the scalar loop */
#pragma omp simd
        for (int i = 0; i < n; i++) {
            float d = dy[i]; /* loaded unconditionally, so the select vectorises */
            d = x[i] > 0 ? d : 0.0f;
            dx[i] = d;
            db[i] += d;
        }
        return;
    case HPML_ACT_TANH:
#pragma omp simd
        for (int i = 0; i < n; i++)
            db[i] += dx[i] = dy[i] * (1.0f - y[i] * y[i]);
        return;
    case HPML_ACT_SIGMOID:
#pragma omp simd
        for (int i = 0; i < n; i++)
            db[i] += dx[i] = dy[i] * y[i] * (1.0f - y[i]);
        return;
    case HPML_ACT_GELU:
        for (int i = 0; i < n; i++) {
            float cdf = 0.5f * (1.0f + erff(x[i] * INV_SQRT2));
            float pdf = INV_SQRT2PI * expf(-0.5f * x[i] * x[i]);
            db[i] += dx[i] = dy[i] * (cdf + x[i] * pdf);
        }
        return;
    default: /* ELU */
        for (int i = 0; i < n; i++)
            db[i] += dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + 1.0f);
        return;
    }
}

void nn_act_backward_bias(int act, const float *x, const float *y, const float *dy, float *dx,
                          float *db, int B, int C)
{
    memset(db, 0, sizeof *db * (size_t)C);
    for (int r = 0; r < B; r++) { /* rows in order: db is the same for any thread count */
        const size_t o = (size_t)r * (size_t)C;
        act_backward_row(act, x + o, y + o, dy + o, dx + o, db, C);
    }
}

/* ---------------------------------------------------------------- dropout */

void nn_dropout_forward(const float *x, float *y, float *scale, size_t i0, size_t n, float p,
                        uint64_t key)
{
    const float keep = 1.0f / (1.0f - p);
    const uint64_t threshold = (uint64_t)((double)p * 16777216.0); /* p in 24-bit steps */
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
    for (size_t i = 0; i < n; i++) {
        uint64_t u = hpml_mix64(key ^ ((i0 + i) * 0x9E3779B97F4A7C15ull)) >> 40;
        scale[i] = u < threshold ? 0.0f : keep;
        y[i] = x[i] * scale[i];
    }
}

void nn_dropout_backward(const float *dy, const float *scale, float *dx, size_t n)
{
#pragma omp parallel for simd schedule(static) if (parallel: n >= PAR_MIN)
    for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * scale[i];
}
