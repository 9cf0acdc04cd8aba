/* net.h — a neural net as a list of layers with forward and backward
 * (internal; training is in train.c, the model file in src/io/model_nn.c).
 *
 * Tensors between layers are row-major [B][L][C]: B rows of the batch, L
 * positions, C channels (channels last). Dense-stage tensors have L = 1, so
 * [B][L][C] is the plain [B][width] matrix; the network input is [B][N][1].
 * FLATTEN turns [B][L][C] into [B][C*L] in channel-major order (c*L + t),
 * the order PyTorch's flatten gives, so parameters have PyTorch's layout:
 *   dense  W[out][in], b[out]      conv  W[F][C][K], b[F]
 *   norm   gamma[w], beta[w]       (batch norm: w = C; layer norm: w = C*L,
 *                                   indexed c*L + t)
 * All parameters of a net live in one float arena (net.params), their
 * gradients in another of the same layout (net.grads); batch-norm running
 * statistics in net.state. A forward/backward pass uses the buffers of one
 * nn_work, sized for a largest batch once: no allocation per batch.
 */
#ifndef HPML_NN_NET_H
#define HPML_NN_NET_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

typedef enum nn_layer_kind {
    NN_DENSE = 0, NN_CONV, NN_POOL, NN_FLATTEN, NN_BATCHNORM, NN_LAYERNORM, NN_ACT, NN_DROPOUT
} nn_layer_kind;

typedef struct nn_layer {
    nn_layer_kind kind;
    int in_l, in_c;          /* input shape per row: in_l positions x in_c channels */
    int out_l, out_c;        /* output shape per row */
    int k, s;                /* conv: kernel, stride; pool: width */
    int act;                 /* NN_ACT: hpml_nn_activation */
    float p;                 /* NN_DROPOUT: drop probability */
    size_t w_off, n_w;       /* weights (or gamma) in the parameter arena */
    size_t b_off, n_b;       /* bias (or beta) */
    size_t st_off;           /* batch norm: running mean then variance (C each) in state */
} nn_layer;

typedef struct nn_net {
    int n_in, n_out;         /* input width, output width */
    int n_layers;
    nn_layer *layers;        /* owned */
    size_t n_params, n_state;
    float *params, *grads;   /* owned, n_params each (grads NULL until nn_net_alloc_grads) */
    float *state;            /* owned, n_state */
    int has_dropout;
} nn_net;

/* Buffers of one forward/backward pass for batches of up to max_b rows. */
typedef struct nn_work {
    int max_b;
    float **y;               /* per layer: its output, max_b x width */
    float **cache;           /* per layer: what backward needs (norm: x-hat; conv: im2col
                                matrix; pool: argmax as int32; dropout: mask scale) */
    double **stat;           /* per layer: batch norm 3 x C (1/sd, scratch), layer norm
                                max_b (1/sd per row) */
    float *g0, *g1;          /* gradient ping-pong, max_b x widest tensor */
    float *scratch;          /* conv backward: d(im2col), max over conv layers */
    /* data-parallel training (dp.h; 0 and NULL for one process): the
     * position of the pass's first row in the global batch (dropout keys
     * its masks by it), and the processes to sum batch norm's statistics
     * and the gradients with (borrowed) */
    size_t row0;
    struct nn_dp *dp;
} nn_work;

/* Builds the layers of p for n_in inputs and n_out outputs and allocates
 * parameters (initialised as PyTorch does: U(-1/sqrt(fan_in), +) for dense
 * and conv, gamma 1, beta 0; seeded by seed) and state. A shape that does not
 * fit (a convolution longer than its input) fails naming the layer. */
hpml_status nn_net_build(nn_net *net, const hpml_nn_params *p, int n_in, int n_out,
                         uint64_t seed);
hpml_status nn_net_alloc_grads(nn_net *net);
void nn_net_free(nn_net *net);

hpml_status nn_work_alloc(nn_work *w, const nn_net *net, int max_b, int training);
void nn_work_free(nn_work *w, const nn_net *net);

/* Forward pass of B rows x[B][n_in]; returns the output [B][n_out] (in w).
 * Dropout masks are a pure function of (key, layer, w->row0 + row, column);
 * training with w->dp, batch norm's statistics are those of every process's
 * rows (B may be 0 there).
 * x NULL: the first layer is dense and w->y[0] holds its product x W^T
 * already (an MLP over factorised inputs: factor.h); the pass adds the bias.
 * train: batch norm uses batch statistics (and updates the running ones in
 * `running`, laid out like net->state, unless NULL), dropout is on; dropout
 * also when mc (Monte-Carlo prediction, with the running statistics).
 */
const float *nn_forward(const nn_net *net, nn_work *w, const float *x, int B, int train, int mc,
                        uint64_t key, float *running);
/* Backward pass after a training forward of the same x: dz[B][n_out] is
 * d loss / d output; writes every parameter gradient (overwriting). With
 * w->dp, starts each bucket's sum as soon as its gradients are final (all
 * but those of the first layer over factorised inputs); B may be 0 then
 * (a process without rows in a short last batch: zero gradients). If dx is
 * not NULL it receives d loss / d x [B][n_in]. x NULL (after a forward with
 * x NULL; dx must be NULL): every gradient but the first layer's weights,
 * and returns d loss / d (the first layer's output before its bias)
 * [B][its width], in w or dz, for the caller to finish (factor.h); else
 * returns NULL. */
const float *nn_backward(nn_net *net, nn_work *w, const float *x, const float *dz, int B,
                         float *dx);

/* Whether the passes of net over batches of up to B rows should split the
 * rows among the OpenMP threads, each calling single-threaded sgemm: every
 * layer dense, activation or dropout, and at least NN_ROW_SPLIT_MIN rows
 * per thread (one thread: always). They do so only while OpenBLAS is set to
 * one thread: the caller sets it so when this says yes; otherwise OpenBLAS's
 * own threads work on the whole batch, which is faster for small batches
 * (measured at 2 threads, 1 epoch of the 200,000 x 1,000 bench set: batch
 * 64 4.62 s split, 3.43 s whole; batch 256 2.88 s and 2.70 s; batch 1024
 * 2.57 s and 2.72 s). */
#define NN_ROW_SPLIT_MIN 256
int nn_net_row_parallel(const nn_net *net, int B);

/* Width of a layer's output per row. */
static inline size_t nn_out_width(const nn_layer *l) { return (size_t)l->out_l * (size_t)l->out_c; }
static inline size_t nn_in_width(const nn_layer *l) { return (size_t)l->in_l * (size_t)l->in_c; }

#endif
