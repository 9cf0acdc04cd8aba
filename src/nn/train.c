/* train.c — the training loop of the nets (epochs of shuffled mini-batches,
 * learning-rate schedule, clipping, validation, early stopping) and
 * prediction in row blocks. */
#include "nn/train.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/log.h"
#include "core/rng.h"
#include "nn/factor.h"
#include "nn/inputs.h"
#include "nn/optim.h"

nn_threads nn_threads_enter(int threads)
{
    nn_threads saved = {openblas_get_num_threads(), omp_get_max_threads()};
    int t = threads > 0 ? threads : omp_get_num_procs();
    openblas_set_num_threads(t);
    omp_set_num_threads(t);
    return saved;
}

void nn_threads_leave(nn_threads saved)
{
    openblas_set_num_threads(saved.blas);
    omp_set_num_threads(saved.omp);
}

void nn_learner_free(nn_learner *l)
{
    if (!l)
        return;
    nn_prep_free(&l->prep);
    nn_net_free(&l->net);
    hpml_free(l->train_loss);
    hpml_free(l->valid_loss);
    memset(l, 0, sizeof *l);
}

/* The learning rate at step s (0-based) of epoch e, steps_per_epoch per epoch;
 * plateau_factor carries the plateau schedule's decays so far. */
static double lr_at(const hpml_nn_params *p, long s, int e, long steps_per_epoch,
                    double plateau_factor)
{
    const double warm = p->warmup_epochs * (double)steps_per_epoch;
    if ((double)s < warm)
        return p->lr * (double)(s + 1) / warm;
    switch (p->lr_schedule) {
    case HPML_LR_STEP:
        return p->lr * pow(p->lr_gamma, (double)(e / p->lr_step_epochs));
    case HPML_LR_COSINE: {
        double total = (double)p->epochs * (double)steps_per_epoch - warm;
        double f = total > 0 ? ((double)s - warm) / total : 1;
        return p->lr * 0.5 * (1 + cos(3.14159265358979323846 * (f < 1 ? f : 1)));
    }
    case HPML_LR_PLATEAU:
        return p->lr * plateau_factor;
    default:
        return p->lr;
    }
}

/* Per-batch buffers of the training loop, max_b rows each. */
typedef struct batch_buf {
    float *x;                /* [max_b][n_in]: the batch's full inputs (gathered path) */
    float *t;                /* [max_b][targets per row] */
    uint32_t *idx, *drows;   /* inputs of an evaluation batch; scratch */
    int32_t *enc;            /* scratch */
} batch_buf;

/* *out = the net's output [B][n_out] for inputs idx[0..B) of in (in w): the
 * first layer over the factorised inputs when f is not NULL, else the full
 * input rows gathered into b->x. */
static hpml_status forward_batch(const nn_learner *l, nn_work *w, nn_factor *f,
                                 const nn_inputs *in, batch_buf *b, const uint32_t *idx, int B,
                                 int train, uint64_t key, float *running, const float **out)
{
    hpml_status st = f ? nn_factor_forward(f, &l->net, in, idx, B, w->y[0])
                       : nn_inputs_gather(in, idx, B, b->drows, b->enc, b->x);
    if (st == HPML_OK)
        *out = nn_forward(&l->net, w, f ? NULL : b->x, B, train, 0, key, running);
    return st;
}

/* Mean loss of the net over the rows of in, in eval mode, batch by batch
 * through w; *loss NaN without rows. */
static hpml_status eval_loss(const nn_learner *l, nn_work *w, nn_factor *f, const nn_inputs *in,
                             batch_buf *b, double *loss)
{
    const size_t no = (size_t)l->net.n_out, n = in->n;
    const int tw = l->loss == NN_LOSS_MSE || l->loss == NN_LOSS_HUBER ? (int)no : 1;
    double total = 0;
    for (size_t i0 = 0; i0 < n; i0 += (size_t)w->max_b) {
        int B = (int)(n - i0 < (size_t)w->max_b ? n - i0 : (size_t)w->max_b);
        for (int i = 0; i < B; i++)
            b->idx[i] = (uint32_t)(i0 + (size_t)i);
        const float *out;
        hpml_status st = forward_batch(l, w, f, in, b, b->idx, B, 0, 0, NULL, &out);
        if (st != HPML_OK)
            return st;
        total += nn_loss(l->loss, l->huber_delta, out, in->t + i0 * (size_t)tw, B, (int)no,
                         NULL) * B;
    }
    *loss = n ? total / (double)n : NAN;
    return HPML_OK;
}

/* Width left after a's convolutions and pools over n_in inputs, or 0 if a
 * kernel or pool is wider than what reaches it (as net.c's plan). */
static int conv_width(const hpml_nn_params *a, int n_in)
{
    int l = n_in;
    for (int i = 0; i < a->n_conv; i++) {
        if (a->conv_kernel[i] > l)
            return 0;
        l = (l - a->conv_kernel[i]) / a->conv_stride[i] + 1;
        if (a->pool > 1) {
            if (a->pool > l)
                return 0;
            l /= a->pool;
        }
    }
    return l;
}

/* A CNN with the default convolutions (16:5:1,32:5:2, pool 2: at least 18
 * inputs) on a narrower input gets the first of these smaller stacks that
 * fits, and a log line saying so; the model keeps the stack it trained.
 * Convolutions the caller chose (any other values) are never changed. */
static void fit_default_conv(hpml_nn_params *a, int n_in)
{
    static const struct {
        int n, f[2], k[2], s[2], pool;
        const char *text;
    } ladder[] = {
        {2, {16, 32}, {5, 5}, {1, 2}, 2, "16:5:1,32:5:2 pool 2"},
        {2, {16, 32}, {3, 3}, {1, 1}, 2, "16:3:1,32:3:1 pool 2"},
        {1, {16, 0}, {3, 0}, {1, 0}, 2, "16:3:1 pool 2"},
        {1, {16, 0}, {3, 0}, {1, 0}, 1, "16:3:1 pool 1"},
        {1, {16, 0}, {1, 0}, {1, 0}, 1, "16:1:1 pool 1"},
    };
    if (a->kind != HPML_MODEL_CNN || a->n_conv != 2 || a->pool != 2 ||
        a->conv_filters[0] != 16 || a->conv_kernel[0] != 5 || a->conv_stride[0] != 1 ||
        a->conv_filters[1] != 32 || a->conv_kernel[1] != 5 || a->conv_stride[1] != 2 ||
        conv_width(a, n_in) > 0)
        return;
    for (size_t i = 1; i < sizeof ladder / sizeof ladder[0]; i++) {
        hpml_nn_params b = *a;
        b.n_conv = ladder[i].n;
        b.pool = ladder[i].pool;
        for (int c = 0; c < b.n_conv; c++) {
            b.conv_filters[c] = ladder[i].f[c];
            b.conv_kernel[c] = ladder[i].k[c];
            b.conv_stride[c] = ladder[i].s[c];
        }
        if (conv_width(&b, n_in) > 0) {
            hpml_log(HPML_LOG_WARN, "cnn: the default convolutions need at least 18 inputs, "
                     "the data gives %d: using conv %s", n_in, ladder[i].text);
            *a = b;
            return;
        }
    }
}

hpml_status nn_train(const hpml_dataset *d, const uint32_t *rows, size_t n,
                     const hpml_dataset *valid, const uint32_t *valid_rows, size_t n_valid,
                     const hpml_nn_params *p, nn_learner *l)
{
    memset(l, 0, sizeof *l);
    if (n == 0)
        return hpml_fail(HPML_ERR_ARG, "no training rows");
    hpml_status st = hpml_nn_params_check(p);
    if (st != HPML_OK)
        return st;
    if (!valid)
        n_valid = 0;
    if (p->early_stopping_rounds > 0 && n_valid == 0)
        return hpml_fail(HPML_ERR_ARG, "early_stopping_rounds needs validation rows "
                         "(--valid FILE or --valid-size F)");
    if (n_valid && (!hpml_dataset_target(valid) ||
                    hpml_dataset_n_targets(valid) != hpml_dataset_n_targets(d)))
        return hpml_fail(HPML_ERR_ARG, "the validation rows must hold the training data's %d "
                         "target%s (make them with hpml_dataset_create_like)",
                         hpml_dataset_n_targets(d), hpml_dataset_n_targets(d) == 1 ? "" : "s");
    hpml_task task = hpml_dataset_task(d);
    if (task != HPML_TASK_REGRESSION && p->loss != HPML_NN_LOSS_AUTO)
        return hpml_fail(HPML_ERR_ARG, "parameter loss = %s is for regression; a %s target "
                         "is trained with cross-entropy",
                         p->loss == HPML_NN_LOSS_MSE ? "mse" : "huber", hpml_task_name(task));
    nn_threads saved = nn_threads_enter(p->threads);
    float *dz = NULL, *best = NULL;
    uint32_t *perm = NULL;
    nn_work w;
    nn_optim opt;
    nn_inputs tr, va;        /* the training and validation rows' inputs */
    nn_factor ftr, fva;      /* their first layer's buffers, when it is factorised */
    batch_buf bb;
    memset(&w, 0, sizeof w);
    memset(&opt, 0, sizeof opt);
    memset(&tr, 0, sizeof tr);
    memset(&va, 0, sizeof va);
    memset(&ftr, 0, sizeof ftr);
    memset(&fva, 0, sizeof fva);
    memset(&bb, 0, sizeof bb);
    hpml_nn_params arch = *p;
    arch.progress = NULL;
    arch.progress_user = NULL;
    l->arch = arch;
    l->loss = task == HPML_TASK_BINARY       ? NN_LOSS_BCE
              : task == HPML_TASK_MULTICLASS ? NN_LOSS_CE
              : p->loss == HPML_NN_LOSS_HUBER ? NN_LOSS_HUBER
                                              : NN_LOSS_MSE;
    l->huber_delta = p->huber_delta;
    if ((st = nn_prep_fit(&l->prep, d, rows, n, p->missing_indicators, p->max_categories)) !=
        HPML_OK)
        goto fail;
    const size_t ni = (size_t)l->prep.n_inputs, no = (size_t)l->prep.n_outputs;
    const size_t tw = l->loss == NN_LOSS_MSE || l->loss == NN_LOSS_HUBER ? no : 1;
    fit_default_conv(&l->arch, (int)ni);
    if ((st = nn_net_build(&l->net, &l->arch, (int)ni, (int)no,
                           hpml_mix64(p->seed ^ 0x1417ull))) !=
        HPML_OK) {
        if (st == HPML_ERR_NOMEM)
            hpml_fail(st, "out of memory building the net");
        goto fail;
    }
    if (nn_net_row_parallel(&l->net)) /* the passes split the rows among OpenMP's threads */
        openblas_set_num_threads(1);
    const int max_b = (int)((size_t)p->batch_size < n ? (size_t)p->batch_size : n);
    /* the inputs of every training row (over a star schema: factorised, see
     * inputs.h), then the validation rows' */
    if ((st = nn_inputs_make(&tr, &l->prep, d, rows, n)) != HPML_OK ||
        (n_valid && (st = nn_inputs_make(&va, &l->prep, valid, valid_rows, n_valid)) != HPML_OK))
        goto fail;
    l->input_floats = tr.floats;
    const int fac_tr = nn_factor_applies(&l->net, &tr);
    const int fac_va = n_valid && nn_factor_applies(&l->net, &va);
    const size_t max_bs = (size_t)max_b;
    if (!fac_tr || (n_valid && !fac_va))
        bb.x = hpml_malloc_array(max_bs, ni * sizeof *bb.x);
    bb.t = hpml_malloc_array(max_bs, tw * sizeof *bb.t);
    bb.idx = hpml_malloc_array(max_bs, sizeof *bb.idx);
    bb.drows = hpml_malloc_array(max_bs, sizeof *bb.drows);
    bb.enc = hpml_malloc_array(max_bs, sizeof *bb.enc);
    dz = hpml_malloc_array(max_bs, no * sizeof *dz);
    perm = hpml_malloc_array(n, sizeof *perm);
    l->train_loss = hpml_malloc_array((size_t)p->epochs, sizeof(double));
    l->valid_loss = hpml_malloc_array((size_t)p->epochs, sizeof(double));
    if (((!fac_tr || (n_valid && !fac_va)) && !bb.x) || !bb.t || !bb.idx || !bb.drows ||
        !bb.enc || !dz || !perm || !l->train_loss || !l->valid_loss ||
        nn_net_alloc_grads(&l->net) != HPML_OK || nn_work_alloc(&w, &l->net, max_b, 1) != HPML_OK ||
        nn_optim_init(&opt, p, l->net.n_params) != HPML_OK ||
        (fac_tr && nn_factor_alloc(&ftr, &l->net, &tr, max_b) != HPML_OK) ||
        (fac_va && nn_factor_alloc(&fva, &l->net, &va, max_b) != HPML_OK)) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory setting up training (batches of %d rows x "
                       "%zu inputs, %zu parameters)", max_b, ni, l->net.n_params);
        goto fail;
    }
    const int keep_best = p->early_stopping_rounds > 0 && n_valid > 0;
    const size_t snap = l->net.n_params + l->net.n_state;
    if (keep_best && !(best = hpml_malloc_array(snap, sizeof *best))) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory keeping the best weights");
        goto fail;
    }

    const long steps_per_epoch = (long)((n + (size_t)max_b - 1) / (size_t)max_b);
    double best_loss = INFINITY, plateau_best = INFINITY, plateau_factor = 1;
    const double t0 = omp_get_wtime();
    int best_epoch = 0, since_best = 0, since_plateau = 0;
    long step = 0;
    for (size_t i = 0; i < n; i++)
        perm[i] = (uint32_t)i;
    for (int e = 0; e < p->epochs; e++) {
        hpml_rng r;
        hpml_rng_seed(&r, hpml_mix64(p->seed ^ (0xE90Cull + (uint64_t)e * 0x9E3779B97F4A7C15ull)));
        hpml_rng_shuffle_u32(&r, perm, n);
        double sum = 0;
        for (size_t i0 = 0; i0 < n; i0 += (size_t)max_b, step++) {
            int B = (int)(n - i0 < (size_t)max_b ? n - i0 : (size_t)max_b);
            const uint32_t *idx = perm + i0; /* the batch's inputs */
            for (int b = 0; b < B; b++)
                memcpy(bb.t + (size_t)b * tw, tr.t + idx[b] * tw, sizeof *bb.t * tw);
            uint64_t key =
                hpml_mix64(p->seed ^ (0xD40Full + (uint64_t)step * 0x632BE59BD9B4E019ull));
            const float *out;
            if ((st = forward_batch(l, &w, fac_tr ? &ftr : NULL, &tr, &bb, idx, B, 1, key,
                                    l->net.state, &out)) != HPML_OK)
                goto fail;
            double loss = nn_loss(l->loss, l->huber_delta, out, bb.t, B, (int)no, dz);
            if (!isfinite(loss)) {
                st = hpml_fail(HPML_ERR_ARG, "training diverged: the loss is %g at epoch %d "
                               "(step %ld); lower --lr, or set --grad-clip", loss, e + 1, step + 1);
                goto fail;
            }
            sum += loss * B;
            if (fac_tr) { /* the net but the first layer's weights, then those */
                const float *dz0 = nn_backward(&l->net, &w, NULL, dz, B, NULL);
                nn_factor_backward(&ftr, &l->net, &tr, dz0, B);
            } else {
                nn_backward(&l->net, &w, bb.x, dz, B, NULL);
            }
            if (p->grad_clip > 0)
                nn_clip_grads(l->net.grads, l->net.n_params, p->grad_clip);
            nn_optim_step(&opt, l->net.params, l->net.grads,
                          lr_at(p, step, e, steps_per_epoch, plateau_factor));
        }
        double tr_loss = sum / (double)n, va_loss = NAN;
        if (n_valid &&
            (st = eval_loss(l, &w, fac_va ? &fva : NULL, &va, &bb, &va_loss)) != HPML_OK)
            goto fail;
        l->train_loss[e] = tr_loss;
        l->valid_loss[e] = va_loss;
        l->n_history = e + 1;
        double watched = n_valid ? va_loss : tr_loss;
        if (p->lr_schedule == HPML_LR_PLATEAU) { /* PyTorch's default: relative 1e-4 */
            if (watched < plateau_best * (1 - 1e-4)) {
                plateau_best = watched;
                since_plateau = 0;
            } else if (++since_plateau >= p->plateau_patience) {
                plateau_factor *= p->lr_gamma;
                since_plateau = 0;
            }
        }
        int stop = 0;
        if (n_valid && va_loss < best_loss) {
            best_loss = va_loss;
            best_epoch = e + 1;
            since_best = 0;
            if (keep_best) {
                memcpy(best, l->net.params, sizeof *best * l->net.n_params);
                memcpy(best + l->net.n_params, l->net.state, sizeof *best * l->net.n_state);
            }
        } else if (keep_best && ++since_best >= p->early_stopping_rounds) {
            stop = 1;
        }
        if (p->progress) {
            hpml_progress pr = {e + 1, p->epochs, nn_loss_name(l->loss), tr_loss, va_loss,
                                best_epoch, omp_get_wtime() - t0};
            if (p->progress(&pr, p->progress_user))
                stop = 1;
        }
        if (stop)
            break;
    }
    l->best_epoch = l->n_history;
    if (keep_best && best_epoch > 0) {
        memcpy(l->net.params, best, sizeof *best * l->net.n_params);
        memcpy(l->net.state, best + l->net.n_params, sizeof *best * l->net.n_state);
        l->best_epoch = best_epoch;
    }
    hpml_free(l->net.grads); /* not part of the model */
    l->net.grads = NULL;
    l->factorised_passes = ftr.passes + fva.passes;
fail:
    nn_work_free(&w, &l->net); /* before the net it was sized for */
    if (st != HPML_OK)
        nn_learner_free(l);
    nn_optim_free(&opt);
    nn_factor_free(&ftr);
    nn_factor_free(&fva);
    nn_inputs_free(&tr);
    nn_inputs_free(&va);
    hpml_free(bb.x);
    hpml_free(bb.t);
    hpml_free(bb.idx);
    hpml_free(bb.drows);
    hpml_free(bb.enc);
    hpml_free(dz);
    hpml_free(perm);
    hpml_free(best);
    nn_threads_leave(saved);
    return st;
}

#define PREDICT_ROWS 512

hpml_status nn_predict(const nn_learner *l, const float *x, size_t n, int threads, int mc,
                       uint64_t seed, float *out, float *sd)
{
    const size_t ni = (size_t)l->prep.n_inputs, no = (size_t)l->prep.n_outputs,
                 nf = (size_t)l->prep.n_features;
    const int max_b = (int)(n < PREDICT_ROWS ? (n ? n : 1) : PREDICT_ROWS);
    nn_work w;
    float *z = hpml_malloc_array((size_t)max_b, ni * sizeof *z);
    float *tmp = mc ? hpml_malloc_array((size_t)max_b, no * sizeof *tmp) : NULL;
    double *acc = mc ? hpml_malloc_array((size_t)max_b * no, 2 * sizeof *acc) : NULL;
    if (!z || (mc && (!tmp || !acc)) || nn_work_alloc(&w, &l->net, max_b, 0) != HPML_OK) {
        hpml_free(z);
        hpml_free(tmp);
        hpml_free(acc);
        return hpml_fail(HPML_ERR_NOMEM, "out of memory predicting with the net");
    }
    nn_threads saved = nn_threads_enter(threads);
    if (nn_net_row_parallel(&l->net))
        openblas_set_num_threads(1);
    for (size_t i0 = 0; i0 < n; i0 += (size_t)max_b) {
        int B = (int)(n - i0 < (size_t)max_b ? n - i0 : (size_t)max_b);
        const size_t m = (size_t)B * no;
        nn_prep_rows(&l->prep, x + i0 * nf, (size_t)B, z);
        if (!mc) {
            const float *o = nn_forward(&l->net, &w, z, B, 0, 0, 0, NULL);
            memcpy(out + i0 * no, o, sizeof *o * m);
            nn_prep_outputs(&l->prep, out + i0 * no, (size_t)B);
            continue;
        }
        for (size_t k = 0; k < 2 * m; k++)
            acc[k] = 0;
        for (int s = 0; s < mc; s++) { /* pass s keys its masks by (seed, s, row) */
            uint64_t key = hpml_mix64(seed ^ (0x3C5ull + (uint64_t)s * 0x9E3779B97F4A7C15ull) ^
                                      ((uint64_t)i0 << 20));
            const float *o = nn_forward(&l->net, &w, z, B, 0, 1, key, NULL);
            memcpy(tmp, o, sizeof *o * m);
            nn_prep_outputs(&l->prep, tmp, (size_t)B);
            for (size_t k = 0; k < m; k++) {
                acc[k] += tmp[k];
                acc[m + k] += (double)tmp[k] * tmp[k];
            }
        }
        for (size_t k = 0; k < m; k++) {
            double mean = acc[k] / mc, var = acc[m + k] / mc - mean * mean;
            out[i0 * no + k] = (float)mean;
            sd[i0 * no + k] = (float)(var > 0 && mc > 1 ? sqrt(var * mc / (mc - 1)) : 0);
        }
    }
    nn_threads_leave(saved);
    nn_work_free(&w, &l->net);
    hpml_free(z);
    hpml_free(tmp);
    hpml_free(acc);
    return HPML_OK;
}
