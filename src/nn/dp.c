/* dp.c — the gradient buckets of data-parallel training (dp.h). */
#include "nn/dp.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Appends bucket [lo, hi) to the plan (buckets: room for every one). */
static void push(nn_dp *dp, size_t lo, size_t hi)
{
    if (hi > lo)
        dp->buckets[dp->n_buckets++] = (nn_bucket){.lo = lo, .hi = hi};
}

/* The plan of dp.h: from the last layer to the first, a layer joins the
 * open bucket while it stays within NN_DP_BUCKET floats; one that alone
 * exceeds it is cut between rows of its weights (the bias goes with the
 * last rows, which its backward finishes first). */
static void plan(nn_dp *dp, const nn_net *net)
{
    size_t hi = net->n_params, lo = net->n_params; /* the open bucket */
    for (int i = net->n_layers - 1; i >= 0; i--) {
        const nn_layer *l = &net->layers[i];
        if (l->n_w + l->n_b == 0)
            continue;
        const size_t a = l->w_off, size = l->n_w + l->n_b;
        if (hi - a <= NN_DP_BUCKET) {
            lo = a;
            continue;
        }
        push(dp, lo, hi);
        hi = lo = a + size;
        int rows = l->kind == NN_DENSE || l->kind == NN_CONV ? l->out_c : 1;
        if (size <= NN_DP_BUCKET || rows < 2) {
            lo = a;
            continue;
        }
        const size_t width = l->n_w / (size_t)rows;
        int pieces = (int)((size + NN_DP_BUCKET - 1) / NN_DP_BUCKET);
        pieces = pieces < rows ? pieces : rows;
        for (int k = pieces - 1; k >= 0; k--) { /* rows [k R / P, (k + 1) R / P) */
            size_t r0 = (size_t)rows * (size_t)k / (size_t)pieces;
            push(dp, a + r0 * width, hi);
            hi = a + r0 * width;
        }
        hi = lo = a;
    }
    push(dp, lo, hi);
}

hpml_status nn_dp_init(nn_dp *dp, hpml_dist *dist, nn_net *net)
{
    memset(dp, 0, sizeof *dp);
    dp->dist = dist;
    dp->grads = net->grads;
    dp->n_params = net->n_params;
    dp->progress = 1;
    /* at most a bucket per layer, plus the pieces of the cut ones */
    size_t cap = (size_t)net->n_layers + net->n_params / NN_DP_BUCKET + 2;
    if (!(dp->buckets = hpml_calloc(cap, sizeof *dp->buckets)))
        return HPML_ERR_NOMEM;
    plan(dp, net);
    /* the exchanges' scratch: every bucket's, side by side (all in flight) */
    size_t total = 0;
    for (int b = 0; b < dp->n_buckets; b++) {
        dp->buckets[b].scratch = total;
        total += dist_iallreduce_scratch(dist, dp->buckets[b].hi - dp->buckets[b].lo);
    }
    if (total && !(dp->scratch = hpml_malloc_array(total, sizeof *dp->scratch)))
        return HPML_ERR_NOMEM;
    return HPML_OK;
}

void nn_dp_free(nn_dp *dp)
{
    hpml_free(dp->buckets);
    hpml_free(dp->scratch);
    memset(dp, 0, sizeof *dp);
}

hpml_status nn_dp_agree(nn_dp *dp, const void *extra, size_t n)
{
    /* the plan as (count, then lo and hi of each), and the caller's bytes */
    size_t k = 1 + 2 * (size_t)dp->n_buckets;
    uint64_t *v = hpml_malloc_array(k + (n + 7) / 8, sizeof *v);
    if (!v) /* the others are in the allgather: this ends them all */
        return dist_abort(dp->dist, hpml_fail(HPML_ERR_NOMEM, "out of memory"));
    memset(v, 0, (k + (n + 7) / 8) * sizeof *v);
    v[0] = (uint64_t)dp->n_buckets;
    for (int b = 0; b < dp->n_buckets; b++) {
        v[1 + 2 * b] = dp->buckets[b].lo;
        v[2 + 2 * b] = dp->buckets[b].hi;
    }
    if (n)
        memcpy(v + k, extra, n);
    hpml_status st = dist_agree(dp->dist, "the net's gradient buckets or the training rows", v,
                                (k + (n + 7) / 8) * sizeof *v);
    hpml_free(v);
    return st;
}

/* A reduction that cannot start leaves the others waiting for it: ends all. */
static void failed(nn_dp *dp, hpml_status st)
{
    if (dp->st == HPML_OK)
        dp->st = st;
    dist_abort(dp->dist, st);
}

void nn_dp_begin(nn_dp *dp, size_t rows)
{
    dp->rows = rows;
    dp->started = 0;
}

void nn_dp_loss(nn_dp *dp, double loss)
{
    dp->loss = loss;
    hpml_status st = dist_iallreduce_f64(dp->dist, &dp->loss, 1, DIST_SUM, &dp->loss_req);
    if (st != HPML_OK)
        failed(dp, st);
}

size_t nn_dp_piece(const nn_dp *dp, size_t lo, size_t hi)
{
    for (int b = 0; dp && b < dp->n_buckets; b++)
        if (dp->buckets[b].hi == hi)
            return dp->buckets[b].lo > lo ? dp->buckets[b].lo : lo;
    return lo;
}

void nn_dp_progress(nn_dp *dp)
{
    if (!dp || !dp->progress)
        return;
    /* one test drives Open MPI's progress engine for every request; the
     * oldest unfinished one is the one to ask about */
    if (dp->loss_req.active && !dist_test(dp->dist, &dp->loss_req))
        return;
    for (int b = 0; b < dp->started; b++)
        if (dp->buckets[b].req.active) {
            dist_test(dp->dist, &dp->buckets[b].req);
            return;
        }
}

void nn_dp_ready(nn_dp *dp, size_t from)
{
    if (!dp)
        return;
    while (dp->started < dp->n_buckets && dp->buckets[dp->started].lo >= from) {
        nn_bucket *b = &dp->buckets[dp->started++];
        hpml_status st =
            dist_iallreduce_f32(dp->dist, dp->grads + b->lo, b->hi - b->lo, DIST_SUM,
                                dp->scratch ? dp->scratch + b->scratch : NULL, &b->req);
        if (st != HPML_OK)
            failed(dp, st);
    }
    nn_dp_progress(dp);
}

hpml_status nn_dp_finish(nn_dp *dp, double *loss)
{
    nn_dp_ready(dp, 0);
    dist_wait(dp->dist, &dp->loss_req);
    for (int b = 0; b < dp->n_buckets; b++)
        dist_wait(dp->dist, &dp->buckets[b].req);
    *loss = dp->loss;
    return dp->st;
}

void nn_dp_sum(void *ctx, double *buf, size_t n)
{
    nn_dp *dp = ctx;
    hpml_status st = dist_allreduce_f64(dp->dist, buf, n, DIST_SUM);
    if (st != HPML_OK)
        failed(dp, st);
}
