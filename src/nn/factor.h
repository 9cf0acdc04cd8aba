/* factor.h — an MLP's first dense layer over factorised inputs (inputs.h),
 * without putting any row's full input together (internal).
 *
 * The product z[B][h] = x W^T of a batch splits by parts of the inputs:
 *   z = X_0 W_0^T + sum over joins t of G_t (U_t W_t^T)
 * W_k being the columns of W that part k's inputs meet, X_0 the batch's fact
 * rows, U_t the distinct dimension rows of join t in the batch (u_t of them,
 * in order of first appearance) and G_t the 0/1 matrix that gives each row
 * its own. Each distinct dimension row's partial product is computed once
 * (u_t x h, one sgemm per run of columns) and added to each of its rows.
 * Backward, d loss / d z is summed by dimension row (D_t = G_t^T dZ, rows in
 * batch order) and dW_t = D_t^T U_t; no input gradient is needed. Every sum
 * runs in a fixed order: results depend on the batch and the thread count
 * only, and equal the product over the full inputs to float rounding.
 */
#ifndef HPML_NN_FACTOR_H
#define HPML_NN_FACTOR_H

#include "nn/inputs.h"
#include "nn/net.h"

typedef struct nn_factor_part {
    int32_t *pos;            /* max_b: each batch row's distinct row */
    int32_t *uniq;           /* max_b: encoded row of each distinct row */
    int32_t *slot;           /* n_rows of the part: its distinct row, or -1 (all -1
                                between passes) */
    int n_uniq;              /* distinct rows of the last forward */
    float *u;                /* max_b x width: the distinct rows (part 0: the batch's) */
    float *p;                /* max_b x h: their partial products; backward D_t */
} nn_factor_part;

typedef struct nn_factor {
    int max_b, h, n_parts;
    nn_factor_part *parts;   /* owned, n_parts */
    uint32_t *drows;         /* owned, max_b: scratch for nn_inputs_part_rows */
    long passes;             /* forward passes run (tests check the path is taken) */
} nn_factor;

/* Whether the first layer of net is computed this way over in: a dense
 * first layer (every MLP's) and a star schema. */
int nn_factor_applies(const nn_net *net, const nn_inputs *in);

/* Buffers for batches of up to max_b inputs of in. *f is owned by the
 * caller (nn_factor_free). */
hpml_status nn_factor_alloc(nn_factor *f, const nn_net *net, const nn_inputs *in, int max_b);
void nn_factor_free(nn_factor *f);

/* z[B][h] = x W^T (no bias) of inputs idx[0..B) of in, W the first layer's
 * weights: what nn_forward with x == NULL expects in w->y[0]. */
hpml_status nn_factor_forward(nn_factor *f, const nn_net *net, const nn_inputs *in,
                              const uint32_t *idx, int B, float *z);
/* The first layer's weight gradient (overwritten) from dz[B][h] = d loss /
 * d z of the batch of the last nn_factor_forward (nn_backward's return). */
void nn_factor_backward(nn_factor *f, nn_net *net, const nn_inputs *in, const float *dz, int B);

#endif
