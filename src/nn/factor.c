/* factor.c — the first dense layer over factorised inputs (math in factor.h). */
#include "nn/factor.h"

#include <cblas.h>
#include <omp.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Elementwise loops go parallel from this many values on. */
#define PAR_MIN 32768

int nn_factor_applies(const nn_net *net, const nn_inputs *in)
{
    return in->n_parts > 1 && net->n_layers > 0 && net->layers[0].kind == NN_DENSE;
}

void nn_factor_free(nn_factor *f)
{
    for (int k = 0; f->parts && k < f->n_parts; k++) {
        nn_factor_part *q = &f->parts[k];
        hpml_free(q->pos);
        hpml_free(q->uniq);
        hpml_free(q->slot);
        hpml_free(q->u);
        hpml_free(q->p);
    }
    hpml_free(f->parts);
    hpml_free(f->drows);
    memset(f, 0, sizeof *f);
}

hpml_status nn_factor_alloc(nn_factor *f, const nn_net *net, const nn_inputs *in, int max_b)
{
    memset(f, 0, sizeof *f);
    f->max_b = max_b;
    f->h = net->layers[0].out_c;
    f->n_parts = in->n_parts;
    const size_t B = (size_t)max_b, h = (size_t)f->h;
    if (!(f->parts = hpml_calloc((size_t)f->n_parts, sizeof *f->parts)) ||
        !(f->drows = hpml_malloc_array(B, sizeof *f->drows)))
        goto nomem;
    for (int k = 0; k < f->n_parts; k++) {
        const nn_part *ip = &in->parts[k];
        nn_factor_part *q = &f->parts[k];
        if (!ip->width)
            continue;
        if (!(q->u = hpml_malloc_array(B, (size_t)ip->width * sizeof *q->u)))
            goto nomem;
        if (k == 0)
            continue;
        if (!(q->pos = hpml_malloc_array(B, sizeof *q->pos)) ||
            !(q->uniq = hpml_malloc_array(B, sizeof *q->uniq)) ||
            !(q->slot = hpml_malloc_array(ip->n_rows ? ip->n_rows : 1, sizeof *q->slot)) ||
            !(q->p = hpml_malloc_array(B, h * sizeof *q->p)))
            goto nomem;
        for (size_t r = 0; r < ip->n_rows; r++)
            q->slot[r] = -1;
    }
    return HPML_OK;
nomem:
    nn_factor_free(f);
    return hpml_fail(HPML_ERR_NOMEM, "out of memory for the first layer's buffers");
}

/* Threads among which the products here split their columns: OpenMP's when
 * OpenBLAS runs one thread (nn_train sets it so for row-parallel nets), else
 * one (OpenBLAS threads each product itself). */
static int gemm_threads(int n_cols)
{
    if (omp_in_parallel() || openblas_get_num_threads() != 1)
        return 1;
    int t = omp_get_max_threads();
    while (t > 1 && n_cols / t < 32)
        t--;
    return t;
}

/* Threads for an elementwise loop over n values. */
static int loop_threads(size_t n)
{
    return omp_in_parallel() || n < PAR_MIN ? 1 : omp_get_max_threads();
}

/* [*a, *b): block t of T of 0..n, inner bounds rounded down to a multiple of 16 */
static void split(int n, int t, int T, int *a, int *b)
{
    int lo = (int)((long)n * t / T), hi = (int)((long)n * (t + 1) / T);
    *a = t == 0 ? 0 : lo / 16 * 16;
    *b = t == T - 1 ? n : hi / 16 * 16;
}

/* C[M][N] = op(A)[M][K] op(Bm)[K][N] + beta C (row-major, leading
 * dimensions given), blocks of C's columns on separate threads */
static void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int M, int N, int K, const float *A,
                 int lda, const float *Bm, int ldb, float beta, float *C, int ldc)
{
    const int T = gemm_threads(N);
#pragma omp parallel num_threads(T) if (T > 1)
    {
        int n0, n1;
        split(N, omp_get_thread_num(), omp_get_num_threads(), &n0, &n1);
        if (n1 > n0)
            cblas_sgemm(CblasRowMajor, ta, tb, M, n1 - n0, K, 1.0f, A, lda,
                        tb == CblasNoTrans ? Bm + n0 : Bm + (size_t)n0 * (size_t)ldb, ldb, beta,
                        C + n0, ldc);
    }
}

/* dst[k] = src[rows[k]] for k < n, rows of `width` floats */
static void copy_rows(const float *src, const int32_t *rows, const uint32_t *urows, int n,
                      int width, float *dst)
{
    const size_t wd = (size_t)width;
#pragma omp parallel for schedule(static) num_threads(loop_threads((size_t)n * wd))
    for (int k = 0; k < n; k++)
        memcpy(dst + (size_t)k * wd, src + (rows ? (size_t)rows[k] : (size_t)urows[k]) * wd,
               sizeof *dst * wd);
}

hpml_status nn_factor_forward(nn_factor *f, const nn_net *net, const nn_inputs *in,
                              const uint32_t *idx, int B, float *z)
{
    const nn_layer *l = &net->layers[0];
    const float *W = net->params + l->w_off;
    const int h = f->h, In = l->in_c;
    memset(z, 0, sizeof *z * (size_t)B * (size_t)h);
    for (int k = 0; k < f->n_parts; k++) {
        const nn_part *ip = &in->parts[k];
        nn_factor_part *q = &f->parts[k];
        if (!ip->width)
            continue;
        if (k == 0) { /* the batch's fact rows, straight into z */
            copy_rows(ip->x, NULL, idx, B, ip->width, q->u);
            for (int r = 0; r < ip->n_runs; r++) {
                const nn_run *u = &ip->runs[r];
                gemm(CblasNoTrans, CblasTrans, B, h, u->hi - u->lo, q->u + u->off, ip->width,
                     W + u->lo, In, 1.0f, z, h);
            }
            continue;
        }
        /* the distinct dimension rows, in order of first appearance */
        hpml_status st = nn_inputs_part_rows(in, k, idx, B, f->drows, q->pos);
        if (st != HPML_OK)
            return st;
        int n_u = 0;
        for (int i = 0; i < B; i++) {
            int32_t r = q->pos[i];
            if (q->slot[r] < 0) {
                q->slot[r] = n_u;
                q->uniq[n_u++] = r;
            }
            q->pos[i] = q->slot[r];
        }
        for (int i = 0; i < n_u; i++)
            q->slot[q->uniq[i]] = -1;
        q->n_uniq = n_u;
        copy_rows(ip->x, q->uniq, NULL, n_u, ip->width, q->u);
        /* p[n_u][h] = u W_k^T, then z[i] += p[pos[i]] */
        for (int r = 0; r < ip->n_runs; r++) {
            const nn_run *u = &ip->runs[r];
            gemm(CblasNoTrans, CblasTrans, n_u, h, u->hi - u->lo, q->u + u->off, ip->width,
                 W + u->lo, In, r ? 1.0f : 0.0f, q->p, h);
        }
        const int32_t *pos = q->pos;
        const float *p = q->p;
#pragma omp parallel for schedule(static) num_threads(loop_threads((size_t)B * (size_t)h))
        for (int i = 0; i < B; i++) {
            float *restrict zr = z + (size_t)i * (size_t)h;
            const float *restrict pr = p + (size_t)pos[i] * (size_t)h;
#pragma omp simd
            for (int c = 0; c < h; c++)
                zr[c] += pr[c];
        }
    }
    f->passes++;
    return HPML_OK;
}

void nn_factor_backward(nn_factor *f, nn_net *net, const nn_inputs *in, const float *dz, int B)
{
    const nn_layer *l = &net->layers[0];
    float *dW = net->grads + l->w_off;
    const int h = f->h, In = l->in_c;
    for (int k = 0; k < f->n_parts; k++) {
        const nn_part *ip = &in->parts[k];
        nn_factor_part *q = &f->parts[k];
        if (!ip->width)
            continue;
        const float *D = dz; /* d loss / d (the part's rows' partial products) */
        int n_u = B;
        if (k > 0) { /* summed by distinct row, each column's rows in batch order */
            n_u = q->n_uniq;
            const int32_t *pos = q->pos;
            float *p = q->p;
            const int T = loop_threads((size_t)B * (size_t)h);
#pragma omp parallel num_threads(T) if (T > 1)
            {
                int c0, c1;
                split(h, omp_get_thread_num(), omp_get_num_threads(), &c0, &c1);
                for (int u = 0; u < n_u && c1 > c0; u++)
                    memset(p + (size_t)u * (size_t)h + c0, 0, sizeof *p * (size_t)(c1 - c0));
                for (int i = 0; i < B && c1 > c0; i++) {
                    float *restrict pr = p + (size_t)pos[i] * (size_t)h;
                    const float *restrict dr = dz + (size_t)i * (size_t)h;
#pragma omp simd
                    for (int c = c0; c < c1; c++)
                        pr[c] += dr[c];
                }
            }
            D = p;
        }
        /* dW[h][lo..hi) = D^T u[.][off..) */
        for (int r = 0; r < ip->n_runs; r++) {
            const nn_run *u = &ip->runs[r];
            gemm(CblasTrans, CblasNoTrans, h, u->hi - u->lo, n_u, D, h, q->u + u->off,
                 ip->width, 0.0f, dW + u->lo, In);
        }
    }
}
