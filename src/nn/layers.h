/* layers.h — the math of each layer kind, forward and backward (internal).
 *
 * Shapes are in each comment: B rows, L positions, C channels, row-major,
 * channels last ([B][L][C]). Reductions over the batch run in a fixed order
 * on one thread, so results do not depend on the thread count; only BLAS
 * and elementwise loops are parallel.
 */
#ifndef HPML_NN_LAYERS_H
#define HPML_NN_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#define NN_NORM_EPS 1e-5f

/* y[B][O] = x[B][I] W[O][I]^T + b[O] */
void nn_dense_forward(const float *x, const float *W, const float *b, float *y, int B, int In,
                      int O);
/* z[B][O] = x[B][I] W[O][I]^T + b[O] and y[B][O] = act(z): a dense layer and
 * the activation after it, one sgemm then one pass over its output */
void nn_dense_act_forward(int act, const float *x, const float *W, const float *b, float *z,
                          float *y, int B, int In, int O);
/* z[B][O] += b[O] and, if y is not NULL, y[B][O] = act(z): a dense layer
 * whose product x W^T is already in z (computed from factorised inputs) */
void nn_bias_act_forward(int act, const float *b, float *z, float *y, int B, int O);
/* db[O] = sum over rows of dy[B][O], in row order */
void nn_bias_backward(const float *dy, float *db, int B, int O);
/* dW[O][I] = dy^T x, db[O] = sum over rows of dy (if db; NULL: computed by
 * nn_act_backward_bias already), dx[B][I] = dy W (if dx) */
void nn_dense_backward(const float *x, const float *W, const float *dy, float *dW, float *db,
                       float *dx, int B, int In, int O);

/* x[B][L][C] -> col[B*Lo][C*K] (col[(b,t)][c*K+k] = x[b][t*S+k][c]) ->
 * y[B][Lo][F] = col W[F][C*K]^T + b[F], Lo = (L-K)/S + 1 */
void nn_conv_forward(const float *x, const float *W, const float *b, float *col, float *y, int B,
                     int L, int C, int K, int S, int F);
/* dW = dy^T col, db = sum dy, dcol = dy W, dx[B][L][C] = col2im(dcol) (if dx) */
void nn_conv_backward(const float *col, const float *W, const float *dy, float *dW, float *db,
                      float *dcol, float *dx, int B, int L, int C, int K, int S, int F);

/* y[B][Lo][C] = max over x[b][t*P .. t*P+P-1][c], Lo = L/P; arg[B][Lo][C] */
void nn_pool_forward(const float *x, float *y, int32_t *arg, int B, int L, int C, int P);
void nn_pool_backward(const float *dy, const int32_t *arg, float *dx, int B, int L, int C, int P);

/* y[B][C*L] (channel-major) = x[B][L][C] */
void nn_flatten_forward(const float *x, float *y, int B, int L, int C);
void nn_flatten_backward(const float *dy, float *dx, int B, int L, int C);

/* Batch norm synchronised over the processes of a data-parallel pass, each
 * with its share of the batch's rows: sum(ctx, buf, n) replaces buf[n] by
 * its sum over them (a collective); rows: the R of all shares together. */
typedef struct nn_sum_sync {
    void (*sum)(void *ctx, double *buf, size_t n);
    void *ctx;
    size_t rows;
} nn_sum_sync;

/* Batch norm over R = B*L rows of x[R][C], per channel. Training: batch
 * statistics (biased variance), xhat[R][C] and stat[0..C) = 1/sd cached
 * (stat has 3*C doubles; the rest is scratch), running mean/var (run[0..C),
 * run[C..2C)) updated with momentum 0.1 and the unbiased variance, if run is
 * not NULL. sync (NULL: one process): the statistics are those of every
 * process's rows (R may be 0 here). */
void nn_batchnorm_train(const float *x, const float *gamma, const float *beta, float *y,
                        float *xhat, double *stat, float *run, size_t R, int C,
                        const nn_sum_sync *sync);
void nn_batchnorm_eval(const float *x, const float *gamma, const float *beta, const float *run,
                       float *y, size_t R, int C);
/* dgamma, dbeta: the sums over this process's rows (summed over the
 * processes with the other gradients); dx from the sums over all of them. */
void nn_batchnorm_backward(const float *dy, const float *xhat, double *stat, const float *gamma,
                           float *dgamma, float *dbeta, float *dx, size_t R, int C,
                           const nn_sum_sync *sync);

/* Layer norm of each row of x[B][L][C] over its L*C values; gamma/beta
 * indexed c*L + t. xhat[B][L*C], invstd[B] cached. */
void nn_layernorm_forward(const float *x, const float *gamma, const float *beta, float *y,
                          float *xhat, double *invstd, int B, int L, int C);
void nn_layernorm_backward(const float *dy, const float *xhat, const double *invstd,
                           const float *gamma, float *dgamma, float *dbeta, float *dx, int B,
                           int L, int C);

/* y[n] = act(x[n]); dx[n] = dy * act'(x) (dx may be dy) */
void nn_act_forward(int act, const float *x, float *y, size_t n);
void nn_act_backward(int act, const float *x, const float *y, const float *dy, float *dx, size_t n);

/* dx[B][C] = dy * act'(x) (x the input of the activation, y its output) and
 * db[C] = sum over rows of dx in row order: the bias gradient of the dense
 * layer below, in the same pass */
void nn_act_backward_bias(int act, const float *x, const float *y, const float *dy, float *dx,
                          float *db, int B, int C);

/* Inverted dropout: scale[n] is 0 (dropped, with probability p) or 1/(1-p),
 * a pure function of (key, i0 + i); y = x * scale. x, y, scale start at
 * element i0 of the tensor (a block of its rows). */
void nn_dropout_forward(const float *x, float *y, float *scale, size_t i0, size_t n, float p,
                        uint64_t key);
void nn_dropout_backward(const float *dy, const float *scale, float *dx, size_t n);

#endif
