/* dp.h — synchronous data-parallel training of a net over several processes
 * (internal; the training loop is train.c).
 *
 * Every process holds every training row and the same weights. A step's
 * global batch of G rows (consecutive positions of the seeded permutation
 * every process draws alike) is cut into N consecutive shares: process r
 * takes positions [r G / N, (r + 1) G / N). Each computes the gradient of
 * the global batch's mean loss over its share (the loss normalised by G:
 * nn_loss_share) and the shares' gradients are summed, which gives the
 * gradient one process computes over the whole batch, to float rounding.
 * Dropout masks are keyed by a row's position in the global batch
 * (nn_work.row0) and batch norm sums its statistics over the processes
 * (synchronised batch norm: nn_dp_sum), so N = 1, 2, 3 train the same net
 * to rounding.
 *
 * The gradients are summed in buckets: consecutive ranges of the gradient
 * arena, cut from its end (the backward pass makes the last layers'
 * gradients first) at layer boundaries once a bucket would pass
 * NN_DP_BUCKET floats; a layer larger than that alone is cut between rows
 * of its weights (output channels) into near-equal buckets. The plan
 * depends on the net alone; every process checks that the others have the
 * same (nn_dp_agree). In a step, the batch's loss is summed first, then
 * each bucket, always in the plan's order, by a non-blocking reduction that
 * starts as soon as the backward pass has finished the weights that fill it
 * (nn_dp_ready), overlapping with the layers below; nn_dp_finish waits for
 * them all before the optimizer step. Only the main thread calls these,
 * never inside an OpenMP parallel region (MPI_THREAD_FUNNELED).
 */
#ifndef HPML_NN_DP_H
#define HPML_NN_DP_H

#include "dist/dist.h"
#include "nn/net.h"

/* Floats of gradient per bucket: 4 MiB. Measured (2 processes on 2 cores,
 * the benchmark's MLP of 2.2 MB, batch 256): 1 MiB buckets (four sums a
 * step, each overlapping the layers below) took 10% longer than one: with
 * no core to spare the overlap hides only waiting, and each sum costs a
 * handshake that moves only when both processes are inside MPI. */
#define NN_DP_BUCKET ((size_t)1 << 20)

typedef struct nn_bucket {
    size_t lo, hi;           /* grads[lo, hi) */
    size_t scratch;          /* its part of nn_dp.scratch */
    dist_request req;
} nn_bucket;

typedef struct nn_dp {
    hpml_dist *dist;         /* borrowed */
    float *grads;            /* borrowed: the net's gradient arena */
    size_t n_params;
    int n_buckets;
    nn_bucket *buckets;      /* owned, in the order they start: descending lo */
    float *scratch;          /* owned: what the buckets' reductions receive
                                (dist_iallreduce_scratch; NULL: none) */
    int started;             /* buckets started this step */
    int progress;            /* 1: let MPI progress (dist_test) after each layer */
    size_t rows;             /* rows of this step's global batch */
    double loss;             /* this step: the share's loss, then the batch's */
    dist_request loss_req;
    hpml_status st;          /* the first failure of a reduction this step */
} nn_dp;

/* The bucket plan of net's gradients for the processes of dist (size > 1).
 * Not collective; *dp is owned by the caller (nn_dp_free). */
hpml_status nn_dp_init(nn_dp *dp, hpml_dist *dist, nn_net *net);
void nn_dp_free(nn_dp *dp);
/* Collective: fails on every process (HPML_ERR_ARG) unless all have the
 * same plan and the same `extra` bytes (the run's sizes). */
hpml_status nn_dp_agree(nn_dp *dp, const void *extra, size_t n);

/* A step over a global batch of `rows` rows begins. */
void nn_dp_begin(nn_dp *dp, size_t rows);
/* The share's loss (normalised by the global batch) is known: its sum over
 * the processes starts. */
void nn_dp_loss(nn_dp *dp, double loss);
/* The backward pass has finished grads[from, n_params): starts every
 * bucket inside that range not yet started, in plan order, then lets MPI
 * progress. dp NULL: nothing. */
void nn_dp_ready(nn_dp *dp, size_t from);
/* Where the bucket that ends at hi begins, at least lo (dp NULL: lo): the
 * backward pass of a layer of parameters [lo, hi) makes its gradients in
 * bands [nn_dp_piece(dp, lo, hi), hi), then down to lo. */
size_t nn_dp_piece(const nn_dp *dp, size_t lo, size_t hi);
/* Lets the reductions in flight progress (between pieces of work). */
void nn_dp_progress(nn_dp *dp);
/* Starts what is left and waits for every reduction of the step: grads then
 * hold the gradient of the global batch, *loss its loss. */
hpml_status nn_dp_finish(nn_dp *dp, double *loss);

/* Synchronised batch norm: buf[n] becomes its sum over the processes
 * (blocking). ctx is the nn_dp; the signature of nn_sum_sync.sum. */
void nn_dp_sum(void *ctx, double *buf, size_t n);

#endif
