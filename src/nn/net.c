/* net.c — building a net from its parameters, its arenas, and the forward
 * and backward passes over the layer list (the math is in layers.c). */
#include "nn/net.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "nn/dp.h"
#include "nn/layers.h"

/* Appends a layer taking the previous layer's output shape (or the input). */
static nn_layer *push(nn_net *net, nn_layer_kind kind, int l, int c)
{
    nn_layer *x = &net->layers[net->n_layers++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->in_l = x->out_l = l;
    x->in_c = x->out_c = c;
    return x;
}

static void add_params(nn_net *net, nn_layer *x, size_t n_w, size_t n_b)
{
    x->w_off = net->n_params;
    x->n_w = n_w;
    x->b_off = net->n_params + n_w;
    x->n_b = n_b;
    net->n_params += n_w + n_b;
}

static void add_norm(nn_net *net, int norm, int l, int c)
{
    if (norm == HPML_NORM_BATCH) {
        nn_layer *x = push(net, NN_BATCHNORM, l, c);
        add_params(net, x, (size_t)c, (size_t)c);
        x->st_off = net->n_state;
        net->n_state += 2 * (size_t)c;
    } else if (norm == HPML_NORM_LAYER) {
        nn_layer *x = push(net, NN_LAYERNORM, l, c);
        add_params(net, x, (size_t)l * (size_t)c, (size_t)l * (size_t)c);
    }
}

/* The layer list of p (shapes and arena offsets; no memory yet). */
static hpml_status plan(nn_net *net, const hpml_nn_params *p)
{
    int l = 1, c = net->n_in; /* an MLP's input is one position of n_in channels */
    if (p->kind == HPML_MODEL_CNN) {
        l = net->n_in; /* a CNN's is n_in positions of one channel */
        c = 1;
        for (int i = 0; i < p->n_conv; i++) {
            int K = p->conv_kernel[i], S = p->conv_stride[i], F = p->conv_filters[i];
            if (K > l)
                return hpml_fail(HPML_ERR_ARG, "convolution %d (kernel %d) is longer than its "
                                 "input (%d positions; %d inputs to the net): use smaller kernels, "
                                 "strides or pool, or fewer convolutions", i + 1, K, l, net->n_in);
            nn_layer *x = push(net, NN_CONV, l, c);
            x->k = K;
            x->s = S;
            x->out_l = (l - K) / S + 1;
            x->out_c = F;
            if ((double)F * c * K > 1e9)
                return hpml_fail(HPML_ERR_ARG, "convolution %d is too large", i + 1);
            add_params(net, x, (size_t)F * (size_t)c * (size_t)K, (size_t)F);
            l = x->out_l;
            c = F;
            add_norm(net, p->norm, l, c);
            push(net, NN_ACT, l, c)->act = p->activation;
            if (p->pool > 1) {
                if (p->pool > l)
                    return hpml_fail(HPML_ERR_ARG, "pool %d after convolution %d is wider than "
                                     "its input (%d positions; %d inputs to the net): use "
                                     "smaller kernels, strides or pool, or fewer convolutions",
                                     p->pool, i + 1, l, net->n_in);
                nn_layer *q = push(net, NN_POOL, l, c);
                q->k = p->pool;
                q->out_l = l / p->pool;
                l = q->out_l;
            }
        }
        nn_layer *f = push(net, NN_FLATTEN, l, c);
        f->out_l = 1;
        f->out_c = l * c;
        c = l * c;
        l = 1;
    }
    for (int i = 0; i <= p->n_layers; i++) {
        int out = i < p->n_layers ? p->layers[i] : net->n_out;
        if ((double)out * c > 2e9)
            return hpml_fail(HPML_ERR_ARG, "dense layer %d (%d x %d) is too large", i + 1, c, out);
        nn_layer *x = push(net, NN_DENSE, 1, c);
        x->out_c = out;
        add_params(net, x, (size_t)out * (size_t)c, (size_t)out);
        c = out;
        if (i == p->n_layers)
            break;
        add_norm(net, p->norm, 1, c);
        push(net, NN_ACT, 1, c)->act = p->activation;
        if (p->dropout > 0) {
            push(net, NN_DROPOUT, 1, c)->p = (float)p->dropout;
            net->has_dropout = 1;
        }
    }
    return HPML_OK;
}

hpml_status nn_net_build(nn_net *net, const hpml_nn_params *p, int n_in, int n_out, uint64_t seed)
{
    memset(net, 0, sizeof *net);
    net->n_in = n_in;
    net->n_out = n_out;
    int cap = 4 * HPML_NN_MAX_CONV + 4 * (HPML_NN_MAX_LAYERS + 1) + 2;
    if (!(net->layers = hpml_calloc((size_t)cap, sizeof *net->layers)))
        return HPML_ERR_NOMEM;
    hpml_status st = plan(net, p);
    if (st != HPML_OK)
        goto fail;
    net->params = hpml_malloc_array(net->n_params, sizeof *net->params);
    net->state = hpml_malloc_array(net->n_state ? net->n_state : 1, sizeof *net->state);
    if (!net->params || !net->state) {
        st = HPML_ERR_NOMEM;
        goto fail;
    }
    hpml_rng r;
    hpml_rng_seed(&r, seed);
    for (int i = 0; i < net->n_layers; i++) {
        nn_layer *x = &net->layers[i];
        float *w = net->params + x->w_off, *b = net->params + x->b_off;
        if (x->kind == NN_DENSE || x->kind == NN_CONV) {
            double fan_in = (double)x->n_w / (double)x->out_c; /* in, or C*K */
            double bound = 1.0 / sqrt(fan_in);
            for (size_t j = 0; j < x->n_w; j++)
                w[j] = (float)((2 * hpml_rng_uniform(&r) - 1) * bound);
            for (size_t j = 0; j < x->n_b; j++)
                b[j] = (float)((2 * hpml_rng_uniform(&r) - 1) * bound);
        } else if (x->kind == NN_BATCHNORM || x->kind == NN_LAYERNORM) {
            for (size_t j = 0; j < x->n_w; j++)
                w[j] = 1.0f;
            memset(b, 0, sizeof *b * x->n_b);
            if (x->kind == NN_BATCHNORM)
                for (int c = 0; c < x->out_c; c++) {
                    net->state[x->st_off + (size_t)c] = 0.0f;
                    net->state[x->st_off + (size_t)x->out_c + (size_t)c] = 1.0f;
                }
        }
    }
    return HPML_OK;
fail:
    nn_net_free(net);
    return st;
}

hpml_status nn_net_alloc_grads(nn_net *net)
{
    if (!net->grads && !(net->grads = hpml_calloc(net->n_params, sizeof *net->grads)))
        return HPML_ERR_NOMEM;
    return HPML_OK;
}

void nn_net_free(nn_net *net)
{
    hpml_free(net->layers);
    hpml_free(net->params);
    hpml_free(net->grads);
    hpml_free(net->state);
    memset(net, 0, sizeof *net);
}

/* ---------------------------------------------------------------- buffers */

/* Floats of layer i's cache (what backward needs) for B rows. */
static size_t cache_size(const nn_layer *x, size_t B, int training)
{
    switch (x->kind) {
    case NN_CONV:
        return B * (size_t)x->out_l * (size_t)x->in_c * (size_t)x->k;
    case NN_POOL: /* int32 argmax */
        return B * nn_out_width(x);
    case NN_BATCHNORM:
    case NN_LAYERNORM:
    case NN_DROPOUT:
        return training || x->kind == NN_DROPOUT ? B * nn_out_width(x) : 0;
    default:
        return 0;
    }
}

hpml_status nn_work_alloc(nn_work *w, const nn_net *net, int max_b, int training)
{
    memset(w, 0, sizeof *w);
    const size_t B = (size_t)max_b, n = (size_t)net->n_layers;
    w->max_b = max_b;
    w->y = hpml_calloc(n, sizeof *w->y);
    w->cache = hpml_calloc(n, sizeof *w->cache);
    w->stat = hpml_calloc(n, sizeof *w->stat);
    if (!w->y || !w->cache || !w->stat)
        goto nomem;
    size_t widest = (size_t)net->n_in, scratch = 0;
    for (size_t i = 0; i < n; i++) {
        const nn_layer *x = &net->layers[i];
        size_t ow = nn_out_width(x), cs = cache_size(x, B, training);
        widest = ow > widest ? ow : widest;
        if (!(w->y[i] = hpml_malloc_array(B, ow * sizeof(float))))
            goto nomem;
        if (cs && !(w->cache[i] = hpml_malloc_array(cs, sizeof(float))))
            goto nomem;
        if (x->kind == NN_BATCHNORM &&
            !(w->stat[i] = hpml_malloc_array(3 * (size_t)x->out_c, sizeof(double))))
            goto nomem;
        if (x->kind == NN_LAYERNORM && !(w->stat[i] = hpml_malloc_array(B, sizeof(double))))
            goto nomem;
        if (x->kind == NN_CONV && training)
            scratch = cs > scratch ? cs : scratch;
    }
    if (training) {
        if (!(w->g0 = hpml_malloc_array(B, widest * sizeof(float))) ||
            !(w->g1 = hpml_malloc_array(B, widest * sizeof(float))))
            goto nomem;
        if (scratch && !(w->scratch = hpml_malloc_array(scratch, sizeof(float))))
            goto nomem;
    }
    return HPML_OK;
nomem:
    nn_work_free(w, net);
    return HPML_ERR_NOMEM;
}

void nn_work_free(nn_work *w, const nn_net *net)
{
    for (int i = 0; i < net->n_layers; i++) {
        if (w->y)
            hpml_free(w->y[i]);
        if (w->cache)
            hpml_free(w->cache[i]);
        if (w->stat)
            hpml_free(w->stat[i]);
    }
    hpml_free(w->y);
    hpml_free(w->cache);
    hpml_free(w->stat);
    hpml_free(w->g0);
    hpml_free(w->g1);
    hpml_free(w->scratch);
    memset(w, 0, sizeof *w);
}

/* ------------------------------------------------------------------ passes */

/* Batch norm layer l's sums over the processes of a data-parallel pass in
 * *s, or NULL for one process. */
static const nn_sum_sync *bn_sync(const nn_work *w, const nn_layer *l, nn_sum_sync *s)
{
    if (!w->dp)
        return NULL;
    *s = (nn_sum_sync){nn_dp_sum, w->dp, w->dp->rows * (size_t)l->in_l};
    return s;
}

/* The passes over any layer list: one layer after the other, each over the
 * whole batch (BLAS and the elementwise loops parallel inside). */
static const float *forward_serial(const nn_net *net, nn_work *w, const float *x, int B,
                                   int train, int mc, uint64_t key, float *running)
{
    const float *in = x;
    nn_sum_sync sync;
    for (int i = 0; i < net->n_layers; i++) {
        const nn_layer *l = &net->layers[i];
        const float *W = net->params + l->w_off, *b = net->params + l->b_off;
        float *y = w->y[i];
        const size_t n = (size_t)B * nn_out_width(l);
        if (B == 0 && l->kind != NN_BATCHNORM)
            continue; /* a process without rows takes part in batch norm's sums */
        switch (l->kind) {
        case NN_DENSE:
            if (!in) { /* the first layer, its product x W^T in y already */
                int fused = i + 1 < net->n_layers && net->layers[i + 1].kind == NN_ACT;
                nn_bias_act_forward(fused ? net->layers[i + 1].act : 0, b, y,
                                    fused ? w->y[i + 1] : NULL, B, l->out_c);
                if (fused)
                    y = w->y[++i];
                break;
            }
            if (i + 1 < net->n_layers && net->layers[i + 1].kind == NN_ACT) {
                /* the activation in the same pass: y[i] = z, y[i + 1] = act(z) */
                nn_dense_act_forward(net->layers[i + 1].act, in, W, b, y, w->y[i + 1], B,
                                     l->in_c, l->out_c);
                y = w->y[++i];
                break;
            }
            nn_dense_forward(in, W, b, y, B, l->in_c, l->out_c);
            break;
        case NN_CONV:
            nn_conv_forward(in, W, b, w->cache[i], y, B, l->in_l, l->in_c, l->k, l->s, l->out_c);
            break;
        case NN_POOL:
            nn_pool_forward(in, y, (int32_t *)(void *)w->cache[i], B, l->in_l, l->in_c, l->k);
            break;
        case NN_FLATTEN:
            nn_flatten_forward(in, y, B, l->in_l, l->in_c);
            break;
        case NN_BATCHNORM:
            if (train)
                nn_batchnorm_train(in, W, b, y, w->cache[i], w->stat[i],
                                   running ? running + l->st_off : NULL,
                                   (size_t)B * (size_t)l->in_l, l->in_c, bn_sync(w, l, &sync));
            else
                nn_batchnorm_eval(in, W, b, net->state + l->st_off, y,
                                  (size_t)B * (size_t)l->in_l, l->in_c);
            break;
        case NN_LAYERNORM:
            nn_layernorm_forward(in, W, b, y, train ? w->cache[i] : NULL,
                                 train ? w->stat[i] : NULL, B, l->in_l, l->in_c);
            break;
        case NN_ACT:
            nn_act_forward(l->act, in, y, n);
            break;
        case NN_DROPOUT:
            if (train || mc)
                nn_dropout_forward(in, y, w->cache[i], w->row0 * nn_out_width(l), n, l->p,
                                   hpml_mix64(key ^ (0x51ED27u + (uint64_t)i)));
            else
                memcpy(y, in, sizeof *y * n);
            break;
        }
        in = y;
    }
    return in;
}

static const float *backward_serial(nn_net *net, nn_work *w, const float *x, const float *dz,
                                   int B, float *dx_out)
{
    const float *dy = dz;
    int db_done = 0; /* the bias gradient of layer i was summed by the activation above it */
    nn_sum_sync sync;
    for (int i = net->n_layers - 1; i >= 0; i--) {
        const nn_layer *l = &net->layers[i];
        const float *in = i > 0 ? w->y[i - 1] : x, *W = net->params + l->w_off;
        float *dW = net->grads + l->w_off, *db = net->grads + l->b_off;
        /* where d loss / d input goes: the caller's buffer at the bottom,
         * else the ping-pong buffer that dy is not in */
        float *dx = i > 0 ? (dy == w->g0 ? w->g1 : w->g0) : dx_out;
        const size_t n = (size_t)B * nn_out_width(l);
        if (!dx && l->n_w == 0)
            break; /* the bottom layer, without parameters: nothing to do */
        if (B == 0 && l->kind != NN_BATCHNORM) { /* no rows: zero gradients */
            memset(dW, 0, sizeof *dW * (l->n_w + l->n_b)); /* weights then bias */
            if (l->n_w + l->n_b)
                nn_dp_ready(w->dp, l->w_off);
            dy = dx;
            continue;
        }
        switch (l->kind) {
        case NN_DENSE:
            if (!in) { /* the first layer over factorised inputs: its caller does dW */
                if (!db_done)
                    nn_bias_backward(dy, db, B, l->out_c);
                return dy;
            }
            nn_dense_backward(in, W, dy, dW, db_done ? NULL : db, dx, B, l->in_c, l->out_c);
            db_done = 0;
            break;
        case NN_CONV:
            nn_conv_backward(w->cache[i], W, dy, dW, db, w->scratch, dx, B, l->in_l, l->in_c, l->k,
                             l->s, l->out_c);
            break;
        case NN_POOL:
            nn_pool_backward(dy, (const int32_t *)(const void *)w->cache[i], dx, B, l->in_l,
                             l->in_c, l->k);
            break;
        case NN_FLATTEN:
            nn_flatten_backward(dy, dx, B, l->in_l, l->in_c);
            break;
        case NN_BATCHNORM:
            nn_batchnorm_backward(dy, w->cache[i], w->stat[i], W, dW, db, dx,
                                  (size_t)B * (size_t)l->in_l, l->in_c, bn_sync(w, l, &sync));
            break;
        case NN_LAYERNORM:
            nn_layernorm_backward(dy, w->cache[i], w->stat[i], W, dW, db, dx, B, l->in_l, l->in_c);
            break;
        case NN_ACT:
            if (i > 0 && net->layers[i - 1].kind == NN_DENSE) {
                /* d loss / d z of the dense layer below and its bias gradient, one pass */
                nn_act_backward_bias(l->act, in, w->y[i], dy, dx,
                                     net->grads + net->layers[i - 1].b_off, B, l->out_c);
                db_done = 1;
                break;
            }
            nn_act_backward(l->act, in, w->y[i], dy, dx, n);
            break;
        case NN_DROPOUT:
            nn_dropout_backward(dy, w->cache[i], dx, n);
            break;
        }
        if (l->n_w + l->n_b) /* this layer's gradients, and those above, are final */
            nn_dp_ready(w->dp, l->w_off);
        dy = dx;
    }
    return NULL;
}

/* ------------------------------------------------- row-parallel passes
 *
 * When every layer works row by row (dense, activation, dropout: an MLP
 * without normalisation), a pass splits the batch's rows among the OpenMP
 * threads, each running single-threaded sgemm on its block: the forward
 * needs no synchronisation at all, the backward one barrier per dense layer
 * (whose weight gradient needs every row: its columns are split instead).
 * This replaces OpenBLAS's own threads, which fought with OpenMP's spinning
 * ones; on the benchmark's MLP the five products of a step run at 181
 * GFLOP/s on 2 cores split this way against 165 with OpenBLAS's threads
 * (batch 1024). It is used when the caller set OpenBLAS to one thread
 * (nn_train and nn_predict do, for such nets); otherwise it runs on one
 * thread. Every value is computed by one thread in a fixed order, so the
 * result does not depend on timing. */

static int row_local(const nn_net *net)
{
    if (net->n_layers == 0 || net->layers[0].kind != NN_DENSE ||
        net->layers[net->n_layers - 1].kind != NN_DENSE)
        return 0;
    for (int i = 0; i < net->n_layers; i++) {
        nn_layer_kind k = net->layers[i].kind;
        if (k != NN_DENSE && k != NN_ACT && k != NN_DROPOUT)
            return 0;
    }
    return 1;
}

int nn_net_row_parallel(const nn_net *net, int B)
{
    const int t = omp_get_max_threads();
    return row_local(net) && (t <= 1 || B / t >= NN_ROW_SPLIT_MIN);
}

/* Threads for a row-parallel pass over B rows: at least 32 rows each. */
static int pass_threads(int B)
{
    if (omp_in_parallel() || openblas_get_num_threads() != 1)
        return 1;
    int t = omp_get_max_threads();
    while (t > 1 && B / t < 32)
        t--;
    return t;
}

/* [*a, *b): block t of T of 0..n, block starts rounded down to a multiple of
 * `align` (SIMD and cache-line friendly) */
static void split(int n, int t, int T, int align, int *a, int *b)
{
    int lo = (int)((long)n * t / T), hi = (int)((long)n * (t + 1) / T);
    *a = t == 0 ? 0 : lo / align * align;
    *b = t == T - 1 ? n : hi / align * align;
}

/* Forward of rows [r0, r0 + R) of a row-local net; x is the batch's input. */
static void forward_rows(const nn_net *net, nn_work *w, const float *x, int r0, int R, int train,
                         int mc, uint64_t key)
{
    const float *in = x ? x + (size_t)r0 * (size_t)net->n_in : NULL;
    for (int i = 0; i < net->n_layers; i++) {
        const nn_layer *l = &net->layers[i];
        const float *W = net->params + l->w_off, *b = net->params + l->b_off;
        const size_t wd = nn_out_width(l), o = (size_t)r0 * wd, n = (size_t)R * wd;
        float *y = w->y[i] + o;
        if (l->kind == NN_DENSE && !in) { /* the first layer, its x W^T in y already */
            int fused = i + 1 < net->n_layers && net->layers[i + 1].kind == NN_ACT;
            nn_bias_act_forward(fused ? net->layers[i + 1].act : 0, b, y,
                                fused ? w->y[i + 1] + o : NULL, R, l->out_c);
            if (fused)
                y = w->y[++i] + o;
        } else if (l->kind == NN_DENSE) {
            if (i + 1 < net->n_layers && net->layers[i + 1].kind == NN_ACT) {
                nn_dense_act_forward(net->layers[i + 1].act, in, W, b, y, w->y[i + 1] + o, R,
                                     l->in_c, l->out_c);
                y = w->y[++i] + o;
            } else {
                nn_dense_forward(in, W, b, y, R, l->in_c, l->out_c);
            }
        } else if (l->kind == NN_ACT) {
            nn_act_forward(l->act, in, y, n);
        } else if (train || mc) { /* dropout, keyed by the rows' place in the global batch */
            nn_dropout_forward(in, y, w->cache[i] + o, w->row0 * wd + o, n, l->p,
                               hpml_mix64(key ^ (0x51ED27u + (uint64_t)i)));
        } else {
            memcpy(y, in, sizeof *y * n);
        }
        in = y;
    }
}

/* What dense_rows does of a layer. */
enum { ROWS_DB = 1, ROWS_DW = 2, ROWS_DX = 4 };

/* Dense layer i of a row-local net, by thread t of T (called by each), from
 * dy[B][O] = d loss / d its output: ROWS_DW: rows [o0, o1) of its weight
 * gradient (their columns split among the threads); ROWS_DB: its bias
 * gradient; ROWS_DX: d loss / d its input into dxl (unless NULL) for the
 * thread's block of rows, and the activation and dropout layers below it
 * down to the next dense layer, in place on dxl, for the same rows. The
 * caller runs parallel regions of these (the layer below needs every row
 * of dxl); between regions the main thread starts the gradient sums of
 * data-parallel training (no MPI inside a region). */
static void dense_rows(nn_net *net, nn_work *w, const float *x, const float *dy, float *dxl,
                       int B, int i, int parts, int o0, int o1, int t, int T)
{
    const nn_layer *l = &net->layers[i];
    const int In = l->in_c, O = l->out_c;
    const float *xl = i > 0 ? w->y[i - 1] : x, *W = net->params + l->w_off;
    float *dW = net->grads + l->w_off, *db = net->grads + l->b_off;
    int c0, c1;
    split(In, t, T, 16, &c0, &c1); /* dW[o0..o1)[c0..c1) = dy[.][o0..o1)^T x_l[.][c0..c1) */
    if ((parts & ROWS_DW) && c1 > c0 && xl) /* x_l NULL: over factorised inputs, the caller's */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, o1 - o0, c1 - c0, B, 1.0f, dy + o0,
                    O, xl + c0, In, 0.0f, dW + (size_t)o0 * (size_t)In + (size_t)c0, In);
    split(O, t, T, 16, &c0, &c1); /* db[c0..c1) = sum of dy[.][c0..c1), rows in order */
    if ((parts & ROWS_DB) && c1 > c0) {
        memset(db + c0, 0, sizeof *db * (size_t)(c1 - c0));
        for (int r = 0; r < B; r++) {
            const float *d = dy + (size_t)r * (size_t)O;
#pragma omp simd
            for (int c = c0; c < c1; c++)
                db[c] += d[c];
        }
    }
    int r0, r1;
    split(B, t, T, 8, &r0, &r1);
    const int R = r1 - r0;
    if (!(parts & ROWS_DX) || !dxl || R <= 0)
        return;
    /* dx_l[r0..r1) = dy[r0..r1) W */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, R, In, O, 1.0f,
                dy + (size_t)r0 * (size_t)O, O, W, In, 0.0f, dxl + (size_t)r0 * (size_t)In, In);
    for (int j = i - 1; j > 0 && net->layers[j].kind != NN_DENSE; j--) {
        const nn_layer *a = &net->layers[j];
        const size_t wd = nn_out_width(a), o = (size_t)r0 * wd, n = (size_t)R * wd;
        if (a->kind == NN_ACT) /* x of the activation is the output below it */
            nn_act_backward(a->act, w->y[j - 1] + o, w->y[j] + o, dxl + o, dxl + o, n);
        else
            nn_dropout_backward(dxl + o, w->cache[j] + o, dxl + o, n);
    }
}

/* Backward of a row-local net: dense layer by dense layer from the top, the
 * gradient with respect to each one's output (all rows) in one ping-pong
 * buffer, its input's into the other. A layer whose weights data-parallel
 * training sums in several buckets (dp.h) makes its weight gradient in the
 * buckets' bands of rows, from the top, each band's sum starting before the
 * next band is computed; then d loss / d its input. */
static const float *backward_rows(nn_net *net, nn_work *w, const float *x, const float *dz, int B,
                                  float *dx_out)
{
    if (B == 0) { /* a process without rows in this batch: zero gradients */
        memset(net->grads, 0, sizeof *net->grads * net->n_params);
        nn_dp_ready(w->dp, 0);
        return NULL;
    }
    const int T = pass_threads(B);
    const float *dy = dz, *first_dy = NULL;
    for (int i = net->n_layers - 1; i >= 0; i--) {
        const nn_layer *l = &net->layers[i];
        if (l->kind != NN_DENSE)
            continue; /* done by the dense layer above */
        float *dxl = i > 0 ? (dy == w->g0 ? w->g1 : w->g0) : dx_out;
        const int whole = i == 0 && !x; /* over factorised inputs: no dW here */
        size_t hi = l->b_off + l->n_b; /* the bands' parameters: [p, hi) */
        int parts = ROWS_DB, o1 = l->out_c;
        for (;;) {
            size_t p = whole ? l->w_off : nn_dp_piece(w->dp, l->w_off, hi);
            int o0 = (int)((p - l->w_off) / (size_t)l->in_c);
            parts |= ROWS_DW | (o0 == 0 ? ROWS_DX : 0);
#pragma omp parallel num_threads(T) if (T > 1)
            dense_rows(net, w, x, dy, dxl, B, i, parts, o0, o1, omp_get_thread_num(),
                       omp_get_num_threads());
            if (!whole)
                nn_dp_ready(w->dp, p);
            if (o0 == 0)
                break;
            hi = p;
            o1 = o0;
            parts = 0;
        }
        if (whole)
            first_dy = dy; /* the caller does the first layer's dW */
        dy = dxl;
    }
    return first_dy;
}

const float *nn_forward(const nn_net *net, nn_work *w, const float *x, int B, int train, int mc,
                        uint64_t key, float *running)
{
    if (!row_local(net))
        return forward_serial(net, w, x, B, train, mc, key, running);
    const int T = pass_threads(B);
#pragma omp parallel num_threads(T) if (T > 1)
    {
        int r0, r1;
        split(B, omp_get_thread_num(), omp_get_num_threads(), 8, &r0, &r1);
        if (r1 > r0)
            forward_rows(net, w, x, r0, r1 - r0, train, mc, key);
    }
    return w->y[net->n_layers - 1];
}

const float *nn_backward(nn_net *net, nn_work *w, const float *x, const float *dz, int B,
                         float *dx_out)
{
    if (!row_local(net))
        return backward_serial(net, w, x, dz, B, dx_out);
    return backward_rows(net, w, x, dz, B, dx_out);
}
