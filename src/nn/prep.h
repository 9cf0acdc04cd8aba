/* prep.h — what a net sees of a row: standardised numeric features (missing
 * -> 0, the training mean, with an optional 0/1 indicator input), one-hot
 * categorical features, and standardised regression targets, each target on
 * its own (internal). Fitted on the training rows; stored in the model. */
#ifndef HPML_NN_PREP_H
#define HPML_NN_PREP_H

#include <stddef.h>
#include <stdint.h>

#include "dist/dist.h"
#include "hpml.h"

typedef struct nn_prep {
    int n_features;          /* raw features of the dataset */
    int n_inputs;            /* inputs of the net */
    /* per feature (owned arrays, n_features each) */
    int32_t *first;          /* first input of the feature */
    int32_t *n_cat;          /* categorical: one-hot width (0: numeric) */
    int32_t *indicator;      /* input of its missing indicator, or -1 */
    float *mean, *inv_std;   /* numeric: training mean and 1 / standard deviation */
    /* targets */
    hpml_task task;
    int n_outputs;           /* net outputs: 1, n_classes for multiclass, or the number
                                of targets for a (multi-output) regression */
    double *y_mean, *y_std;  /* owned, nn_prep_n_y each: regression, per target, its
                                training mean and deviation; classification 0 and 1 */
} nn_prep;

/* Target values per row: one per output for regression, else 1 (the class). */
static inline int nn_prep_n_y(const nn_prep *p)
{
    return p->task == HPML_TASK_REGRESSION ? p->n_outputs : 1;
}

/* Fits on rows[0..n) (NULL: all) of d. Refuses a categorical feature with
 * more than max_categories categories, naming it. Over a star schema a
 * dimension table's feature is read once per dimension row the rows use,
 * weighted by how many use it; a row without a dimension row (on_missing
 * NAN) counts as missing for each of that table's features. With several
 * processes (dist; NULL: this one alone), collective: each fits a block of
 * the features and the blocks are exchanged, the same scalers as one
 * process fits. */
hpml_status nn_prep_fit(nn_prep *p, const hpml_dataset *d, const uint32_t *rows, size_t n,
                        int missing_indicators, int max_categories, hpml_dist *dist);
void nn_prep_free(nn_prep *p);

/* Raw row-major values x[n][n_features] (categorical as codes, NaN or -1
 * missing) -> z[n][n_inputs]. */
void nn_prep_rows(const nn_prep *p, const float *x, size_t n, float *z);
/* Encodes features feats[0..n_feats) (NULL: 0..n_feats-1) of n rows into
 * z[n][width] (zeroed first; other columns stay 0): feature j's input (or
 * first one-hot input) goes to column fcol[j], its missing indicator to
 * icol[j] (-1: none). rows[0..n) (NULL: 0..n-1) are dataset rows (dim 0,
 * values by hpml_dataset_gather) or rows of the dimension table that every
 * feature in feats belongs to (dim 1, by hpml_dataset_gather_dim). */
hpml_status nn_prep_encode(const nn_prep *p, const hpml_dataset *d, int dim, const int *feats,
                           int n_feats, const int32_t *fcol, const int32_t *icol,
                           const uint32_t *rows, size_t n, size_t width, float *z);
/* Targets of rows[0..n) of d into t[n][nn_prep_n_y] (regression
 * standardised, target by target; classification the class index). */
void nn_prep_targets(const nn_prep *p, const hpml_dataset *d, const uint32_t *rows, size_t n,
                     float *t);
/* Rows of d -> z[n][n_inputs] and, if t is not NULL, the targets
 * t[n][nn_prep_n_y] (regression standardised, target by target;
 * classification the class index). */
hpml_status nn_prep_dataset(const nn_prep *p, const hpml_dataset *d, const uint32_t *rows,
                            size_t n, float *z, float *t);
/* Net outputs z[n][n_outputs] -> predictions in place: regression mapped back
 * to target units, binary the probability of class 1, multiclass softmax. */
void nn_prep_outputs(const nn_prep *p, float *z, size_t n);

#endif
