/* objective.h — the losses GBDT minimises (internal).
 *
 * Margins F are n x k row-major (k = groups: n_classes for softmax, else 1);
 * gradients and hessians are written group-major, g[c * n + i], because each
 * group grows its own tree from its own contiguous slice.
 *
 *   objective      gradient g, hessian h of the loss at margin F, target y
 *   squared_error  g = F - y,                          h = 1
 *   logistic       g = p - y, p = sigmoid(F),          h = max(p(1-p), 1e-16)
 *   softmax        g_c = p_c - [y == c], p = softmax,  h_c = max(2 p_c(1-p_c), 1e-16)
 *   huber          g = clamp(F - y, -delta, delta),    h = 1   (LightGBM's form)
 *   quantile       g = F >= y ? 1 - alpha : -alpha,    h = 1   (pinball loss)
 *
 * Quantile leaves are then renewed as LightGBM does: a leaf's value becomes
 * the alpha quantile of its rows' residuals y - F (times the learning rate),
 * since a gradient step of +-alpha per row only creeps towards it.
 * Starting margins: mean (squared), log-odds of the mean (logistic), log of
 * each class's frequency (softmax), median (huber), the alpha quantile
 * (quantile) — or the base_score given, for every group.
 * The metric reported per round (lower is better): rmse, logloss, mlogloss,
 * huber (mean Huber loss), pinball (mean pinball loss).
 */
#ifndef HPML_GBDT_OBJECTIVE_H
#define HPML_GBDT_OBJECTIVE_H

#include <stddef.h>

#include "hpml.h"

typedef struct gbdt_loss {
    hpml_gbdt_objective objective;  /* never AUTO */
    int k;                          /* groups */
    double huber_delta, quantile_alpha;
} gbdt_loss;

/* The objective for a task (AUTO resolved); fails if it does not fit the
 * task (e.g. logistic on a regression target). */
hpml_status gbdt_loss_for(hpml_gbdt_objective asked, hpml_task task, int n_classes,
                          const hpml_gbdt_params *p, gbdt_loss *out);
const char *gbdt_objective_name(hpml_gbdt_objective o);
const char *gbdt_metric_name(const gbdt_loss *l);

/* Starting margin of each group (out: k values) from targets y[0..n). */
hpml_status gbdt_base_margin(const gbdt_loss *l, const float *y, size_t n, double base_score,
                             double *out);
/* Gradients/hessians of rows 0..n at margins F, group-major. */
void gbdt_gradients(const gbdt_loss *l, const double *F, const float *y, size_t n, int threads,
                    float *g, float *h);
/* The q-quantile of v[0..n) (linear interpolation between order
 * statistics); sorts v. */
double gbdt_quantile(float *v, size_t n, double q);
/* Prediction from the k margins of one row: identity, sigmoid or softmax. */
void gbdt_transform(const gbdt_loss *l, const double *margin, float *out);
/* Mean metric at margins F over the rows of every process of dist (n here,
 * n_all in all), summed exactly: each row's loss in fixed point (a power-of-two unit from
 * the largest loss anywhere, so n_all of them fit in 62 bits), the integers
 * added — the same value for any split of the rows among processes, within
 * one unit per row of the plain sum. */
hpml_status gbdt_metric_exact(const gbdt_loss *l, const double *F, const float *y, size_t n,
                              size_t n_all, int threads, hpml_dist *dist, double *out);

#endif
