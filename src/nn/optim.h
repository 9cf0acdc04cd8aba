/* optim.h — optimizers (Adam, AdamW, SGD with momentum) and gradient
 * clipping over the parameter arena (internal). PyTorch's update rules. */
#ifndef HPML_NN_OPTIM_H
#define HPML_NN_OPTIM_H

#include <stddef.h>

#include "hpml.h"

typedef struct nn_optim {
    hpml_nn_optimizer kind;
    double momentum, weight_decay, beta1, beta2, eps;
    long t;                  /* steps taken */
    size_t n;
    float *m, *v;            /* owned: Adam moments; SGD: m is the momentum buffer */
} nn_optim;

hpml_status nn_optim_init(nn_optim *o, const hpml_nn_params *p, size_t n);
/* One step of params[n] with grads[n] (grads may be changed: weight decay is
 * added to them for adam and sgd) at learning rate lr. */
void nn_optim_step(nn_optim *o, float *params, float *grads, double lr);
void nn_optim_free(nn_optim *o);
/* Scales grads so that their global L2 norm is at most max_norm (PyTorch's
 * clip_grad_norm_: factor max_norm / (norm + 1e-6)); returns the norm before.
 * The sum runs in fixed chunks, so it does not depend on the thread count. */
double nn_clip_grads(float *grads, size_t n, double max_norm);

#endif
