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
#include "dist/dist.h"
#include "nn/dp.h"
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

/* A run's learning rates: a linear warm-up over `warm` steps from `from`
 * (0, or lr with --scale-lr) to `peak`, then the schedule from peak. */
typedef struct lr_plan {
    double peak, from, warm;
} lr_plan;

/* The learning rate at step s (0-based) of epoch e, steps_per_epoch per epoch;
 * plateau_factor carries the plateau schedule's decays so far. */
static double lr_at(const hpml_nn_params *p, const lr_plan *q, long s, int e,
                    long steps_per_epoch, double plateau_factor)
{
    const double warm = q->warm, lr = q->peak;
    if ((double)s < warm) { /* at most the peak: a warm-up of a fractional step count */
        double v = q->from + (lr - q->from) * (double)(s + 1) / warm;
        return v < lr ? v : lr;
    }
    switch (p->lr_schedule) {
    case HPML_LR_STEP:
        return lr * pow(p->lr_gamma, (double)(e / p->lr_step_epochs));
    case HPML_LR_COSINE: {
        double total = (double)p->epochs * (double)steps_per_epoch - warm;
        double f = total > 0 ? ((double)s - warm) / total : 1;
        return lr * 0.5 * (1 + cos(3.14159265358979323846 * (f < 1 ? f : 1)));
    }
    case HPML_LR_PLATEAU:
        return lr * plateau_factor;
    default:
        return lr;
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
 * input rows gathered into b->x. B may be 0 (data parallel: dp.h). */
static hpml_status forward_batch(const nn_learner *l, nn_work *w, nn_factor *f,
                                 const nn_inputs *in, batch_buf *b, const uint32_t *idx, int B,
                                 int train, uint64_t key, float *running, const float **out)
{
    hpml_status st = B == 0 ? HPML_OK
                     : f    ? nn_factor_forward(f, &l->net, in, idx, B, w->y[0])
                            : nn_inputs_gather(in, idx, B, b->drows, b->enc, b->x);
    if (st == HPML_OK)
        *out = nn_forward(&l->net, w, f ? NULL : b->x, B, train, 0, key, running);
    return st;
}

/* Mean loss of the net over the rows of in, in eval mode, batch by batch
 * through w; *loss NaN without rows. With several processes each takes its
 * share of the rows and the sums are added up (a collective). */
static hpml_status eval_loss(const nn_learner *l, nn_work *w, nn_factor *f, const nn_inputs *in,
                             batch_buf *b, hpml_dist *dist, double *loss)
{
    const size_t no = (size_t)l->net.n_out, n = in->n;
    const int tw = l->loss == NN_LOSS_MSE || l->loss == NN_LOSS_HUBER ? (int)no : 1;
    const size_t np = (size_t)dist_size(dist), r = (size_t)dist_rank(dist);
    const size_t lo = n * r / np, hi = n * (r + 1) / np;
    double total = 0;
    for (size_t i0 = lo; i0 < hi; i0 += (size_t)w->max_b) {
        int B = (int)(hi - i0 < (size_t)w->max_b ? hi - i0 : (size_t)w->max_b);
        for (int i = 0; i < B; i++)
            b->idx[i] = (uint32_t)(i0 + (size_t)i);
        const float *out;
        hpml_status st = forward_batch(l, w, f, in, b, b->idx, B, 0, 0, NULL, &out);
        if (st != HPML_OK)
            return st;
        total += nn_loss(l->loss, l->huber_delta, out, in->t + i0 * (size_t)tw, B, (int)no,
                         NULL) * B;
    }
    hpml_status st = np > 1 ? dist_allreduce_f64(dist, &total, 1, DIST_SUM) : HPML_OK;
    *loss = n ? total / (double)n : NAN;
    return st;
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

/* The setup of nn_train that every process does alike, and the per-process
 * sizes of data-parallel training (dp.h): steps of a global batch of gb rows
 * (the whole batch for one process), of which a process takes at most max_b. */
typedef struct dp_sizes {
    int np, rank;
    size_t gb;               /* rows of a full global batch */
    int max_b;               /* rows of a process's largest share */
} dp_sizes;

static dp_sizes sizes_for(const hpml_nn_params *p, size_t n)
{
    dp_sizes z = {dist_size(p->dist), dist_rank(p->dist), 0, 0};
    size_t g = (size_t)p->batch_size * (p->scale_lr ? (size_t)z.np : 1);
    z.gb = g < n ? g : n;
    z.max_b = (int)((z.gb + (size_t)z.np - 1) / (size_t)z.np);
    return z;
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
    nn_dp dps;               /* several processes: the gradient buckets */
    nn_dp *dp = NULL;        /* &dps with several processes */
    int agreed = 1;          /* a failure every process has too (else: dist_abort) */
    /* set up below (declared here: the setup's failures jump past them) */
    size_t ni = 0, no = 0, tw = 0; /* inputs, outputs, targets per row */
    int fac_tr = 0, fac_va = 0, keep_best = 0;
    memset(&w, 0, sizeof w);
    memset(&opt, 0, sizeof opt);
    memset(&tr, 0, sizeof tr);
    memset(&va, 0, sizeof va);
    memset(&ftr, 0, sizeof ftr);
    memset(&fva, 0, sizeof fva);
    memset(&bb, 0, sizeof bb);
    memset(&dps, 0, sizeof dps);
    const dp_sizes z = sizes_for(p, n);
    hpml_nn_params arch = *p;
    arch.progress = NULL;
    arch.progress_user = NULL;
    arch.dist = NULL;
    l->arch = arch;
    l->loss = task == HPML_TASK_BINARY       ? NN_LOSS_BCE
              : task == HPML_TASK_MULTICLASS ? NN_LOSS_CE
              : p->loss == HPML_NN_LOSS_HUBER ? NN_LOSS_HUBER
                                              : NN_LOSS_MSE;
    l->huber_delta = p->huber_delta;
    if ((st = nn_prep_fit(&l->prep, d, rows, n, p->missing_indicators, p->max_categories,
                           p->dist)) !=
        HPML_OK)
        goto setup_done;
    ni = (size_t)l->prep.n_inputs;
    no = (size_t)l->prep.n_outputs;
    tw = l->loss == NN_LOSS_MSE || l->loss == NN_LOSS_HUBER ? no : 1;
    fit_default_conv(&l->arch, (int)ni);
    if ((st = nn_net_build(&l->net, &l->arch, (int)ni, (int)no,
                           hpml_mix64(p->seed ^ 0x1417ull))) !=
        HPML_OK) {
        if (st == HPML_ERR_NOMEM)
            hpml_fail(st, "out of memory building the net");
        goto setup_done;
    }
    const int max_b = z.max_b;
    if (nn_net_row_parallel(&l->net, max_b)) /* the passes split the rows among OpenMP's threads */
        openblas_set_num_threads(1);
    /* the inputs of every training row (over a star schema: factorised, see
     * inputs.h), then the validation rows' */
    if ((st = nn_inputs_make(&tr, &l->prep, d, rows, n, p->dist)) != HPML_OK ||
        (n_valid && (st = nn_inputs_make(&va, &l->prep, valid, valid_rows, n_valid, p->dist)) !=
                        HPML_OK))
        goto setup_done;
    l->input_floats = tr.floats;
    fac_tr = nn_factor_applies(&l->net, &tr);
    fac_va = n_valid && nn_factor_applies(&l->net, &va);
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
        (fac_va && nn_factor_alloc(&fva, &l->net, &va, max_b) != HPML_OK) ||
        (z.np > 1 && nn_dp_init(&dps, p->dist, &l->net) != HPML_OK)) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory setting up training (batches of %d rows x "
                       "%zu inputs, %zu parameters)", max_b, ni, l->net.n_params);
        goto setup_done;
    }
    keep_best = p->early_stopping_rounds > 0 && n_valid > 0;
    if (keep_best && !(best = hpml_malloc_array(l->net.n_params + l->net.n_state, sizeof *best)))
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory keeping the best weights");
setup_done:
    /* several processes: all set up, or all stop here with the first
     * failure; then the same plan and rows everywhere */
    if (z.np > 1) {
        hpml_status all = dist_check(p->dist, st, NULL);
        if (all != HPML_OK) {
            st = dist_usable(p->dist) ? all : dist_abort(p->dist, all);
            goto fail;
        }
        dp = &dps;
        w.dp = dp;
        uint64_t run[5] = {n, n_valid, z.gb, (uint64_t)p->epochs, p->seed};
        if ((st = nn_dp_agree(dp, run, sizeof run)) != HPML_OK)
            goto fail;
    } else if (st != HPML_OK) {
        goto fail;
    }

    const long steps_per_epoch = (long)((n + z.gb - 1) / z.gb);
    lr_plan lp = {p->lr, 0, p->warmup_epochs * (double)steps_per_epoch};
    if (p->scale_lr && z.np > 1) { /* Goyal et al.: from lr to N x lr */
        double we = p->warmup_epochs > 0 ? p->warmup_epochs : fmin(5.0, p->epochs / 2.0);
        lp = (lr_plan){p->lr * z.np, p->lr, we * (double)steps_per_epoch};
    }
    double best_loss = INFINITY, plateau_best = INFINITY, plateau_factor = 1;
    const double t0 = omp_get_wtime();
    int best_epoch = 0, since_best = 0, since_plateau = 0;
    long step = 0;
    agreed = 0; /* from here on a failure of this process alone ends them all */
    for (size_t i = 0; i < n; i++)
        perm[i] = (uint32_t)i;
    for (int e = 0; e < p->epochs; e++) {
        hpml_rng r;
        hpml_rng_seed(&r, hpml_mix64(p->seed ^ (0xE90Cull + (uint64_t)e * 0x9E3779B97F4A7C15ull)));
        hpml_rng_shuffle_u32(&r, perm, n);
        double sum = 0;
        for (size_t i0 = 0; i0 < n; i0 += z.gb, step++) {
            /* the global batch: positions [i0, i0 + G); this process's share
             * [lo, hi) of them (all of them for one process) */
            const int G = (int)(n - i0 < z.gb ? n - i0 : z.gb);
            const int lo = (int)((size_t)G * (size_t)z.rank / (size_t)z.np);
            const int B = (int)((size_t)G * (size_t)(z.rank + 1) / (size_t)z.np) - lo;
            const uint32_t *idx = perm + i0 + (size_t)lo; /* the share's inputs */
            for (int b = 0; b < B; b++)
                memcpy(bb.t + (size_t)b * tw, tr.t + idx[b] * tw, sizeof *bb.t * tw);
            uint64_t key =
                hpml_mix64(p->seed ^ (0xD40Full + (uint64_t)step * 0x632BE59BD9B4E019ull));
            const float *out;
            w.row0 = (size_t)lo;
            if (dp)
                nn_dp_begin(dp, (size_t)G);
            if ((st = forward_batch(l, &w, fac_tr ? &ftr : NULL, &tr, &bb, idx, B, 1, key,
                                    l->net.state, &out)) != HPML_OK)
                goto fail;
            double loss = nn_loss_share(l->loss, l->huber_delta, out, bb.t, B, G, (int)no, dz);
            if (dp)
                nn_dp_loss(dp, loss); /* summed while the backward pass runs */
            else if (!isfinite(loss))
                goto diverged;
            if (fac_tr) { /* the net but the first layer's weights, then those */
                const float *dz0 = nn_backward(&l->net, &w, NULL, dz, B, NULL);
                if (B > 0)
                    nn_factor_backward(&ftr, &l->net, &tr, dz0, B);
            } else {
                nn_backward(&l->net, &w, bb.x, dz, B, NULL);
            }
            if (dp) { /* the whole batch's gradient and loss, on every process */
                if ((st = nn_dp_finish(dp, &loss)) != HPML_OK)
                    goto fail;
                if (!isfinite(loss))
                    goto diverged;
            }
            sum += loss * G;
            if (p->grad_clip > 0)
                nn_clip_grads(l->net.grads, l->net.n_params, p->grad_clip);
            nn_optim_step(&opt, l->net.params, l->net.grads,
                          lr_at(p, &lp, step, e, steps_per_epoch, plateau_factor));
            continue;
        diverged: /* every process sees the same loss */
            agreed = 1;
            st = hpml_fail(HPML_ERR_ARG, "training diverged: the loss is %g at epoch %d "
                           "(step %ld); lower --lr, or set --grad-clip", loss, e + 1, step + 1);
            goto fail;
        }
        double tr_loss = sum / (double)n, va_loss = NAN;
        if (n_valid && (st = eval_loss(l, &w, fac_va ? &fva : NULL, &va, &bb, p->dist,
                                       &va_loss)) != HPML_OK)
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
            int64_t any = stop; /* a callback may stop one process: it stops all */
            if (z.np > 1 && (st = dist_allreduce_i64(p->dist, &any, 1, DIST_MAX)) != HPML_OK)
                goto fail;
            stop = (int)any;
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
    agreed = 1;
    /* every process must hold the same net (reductions give every process
     * the same sums): checked, as it is cheap */
    if (z.np > 1 && (st = dist_agree(p->dist, "the net's weights after training",
                                     l->net.params, sizeof *l->net.params * l->net.n_params)) !=
                        HPML_OK)
        goto fail;
    hpml_free(l->net.grads); /* not part of the model */
    l->net.grads = NULL;
    l->factorised_passes = ftr.passes + fva.passes;
fail:
    /* a failure of this process alone, in the middle of the exchanges, would
     * leave the others waiting in their next one: it ends them all, before
     * anything collective below (the shared inputs' release) */
    if (z.np > 1 && st != HPML_OK && !agreed)
        dist_abort(p->dist, st);
    nn_work_free(&w, &l->net); /* before the net it was sized for */
    if (st != HPML_OK)
        nn_learner_free(l);
    nn_dp_free(&dps);
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
    if (nn_net_row_parallel(&l->net, max_b))
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
