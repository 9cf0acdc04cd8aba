/* boost.h — gradient boosting over binned features (internal; the public
 * hpml_gbdt_train and the model file are in src/io on top of this).
 *
 * Each round grows one tree per group (k = n_classes for softmax, else 1) on
 * the quantized gradients of the rows sampled for that round. Every random
 * choice (row sample, column sample, stochastic rounding) is a pure function
 * of (seed, round, row or feature), so the model does not depend on threads.
 */
#ifndef HPML_GBDT_BOOST_H
#define HPML_GBDT_BOOST_H

#include "gbdt/objective.h"
#include "gbdt/tree.h"

typedef hpml_gbdt_params gbdt_params;
/* Internal defaults are the public ones with the objective fixed to squared
 * error (AUTO is resolved from the task by gbdt_train). */
static inline void gbdt_params_init(gbdt_params *p)
{
    hpml_gbdt_params_init(p);
    p->objective = HPML_GBDT_SQUARED_ERROR;
}
enum { GBDT_SQUARED_ERROR = HPML_GBDT_SQUARED_ERROR, GBDT_LOGISTIC = HPML_GBDT_LOGISTIC };
typedef int gbdt_objective;

typedef struct gbdt_model {
    gbdt_loss loss;         /* objective, groups k, its parameters */
    int n_features;
    double *base_margin;    /* k: margin of every row before the first tree */
    int n_rounds;
    int n_trees;            /* n_rounds * k, round-major: trees[r * k + c] */
    gbdt_tree *trees;
    uint8_t **cat_bin;      /* n_features: category -> bin (categorical), else NULL */
    int32_t *n_categories;
    /* per round trained (may exceed n_rounds after early stopping) */
    int n_history;
    double *train_metric, *valid_metric;
} gbdt_model;

/* Trains on rows[0..n) of d (rows NULL: all), with valid_rows[0..n_valid) of
 * valid (laid out like d; may be NULL) for the per-round metric and early
 * stopping. *m is owned by the caller (gbdt_model_free). */
hpml_status gbdt_train_valid(const hpml_dataset *d, const uint32_t *rows, size_t n,
                             const hpml_dataset *valid, const uint32_t *valid_rows,
                             size_t n_valid, const gbdt_params *p, gbdt_model *m);
static inline hpml_status gbdt_train(const hpml_dataset *d, const uint32_t *rows, size_t n,
                                     const gbdt_params *p, gbdt_model *m)
{
    return gbdt_train_valid(d, rows, n, NULL, NULL, 0, p, m);
}
void gbdt_model_free(gbdt_model *m);
/* Margins (k values) of one row of raw feature values. */
void gbdt_predict_margins(const gbdt_model *m, const float *x, double *margin);
/* Margin of group 0 (single-output models). */
double gbdt_predict_margin(const gbdt_model *m, const float *x);

#endif
