/* train.h — a trained net (architecture, scalers, weights) and the training
 * loop that makes it (internal; the model file is src/io/model_nn.c). */
#ifndef HPML_NN_TRAIN_H
#define HPML_NN_TRAIN_H

#include "nn/loss.h"
#include "nn/net.h"
#include "nn/prep.h"

typedef struct nn_learner {
    hpml_nn_params arch;     /* kind, layers, conv, pool, activation, dropout, norm:
                                enough to rebuild the layer list */
    nn_prep prep;
    nn_net net;
    nn_loss_kind loss;
    double huber_delta;
    int n_history;           /* epochs trained */
    double *train_loss, *valid_loss;  /* owned, n_history each (valid NaN without rows) */
    int best_epoch;          /* epoch whose weights were kept (early stopping), else the last */
    /* how training went (not part of the model): floats of encoded inputs
     * held for the training rows (rows x inputs for one table; far fewer
     * over a star schema, inputs.h), and batches whose first layer was
     * computed over the factorised inputs (factor.h) */
    size_t input_floats;
    long factorised_passes;
} nn_learner;

/* Trains on rows[0..n) of d with valid_rows[0..n_valid) of valid (may be
 * NULL). *l is owned by the caller (nn_learner_free). */
hpml_status nn_train(const hpml_dataset *d, const uint32_t *rows, size_t n,
                     const hpml_dataset *valid, const uint32_t *valid_rows, size_t n_valid,
                     const hpml_nn_params *p, nn_learner *l);
void nn_learner_free(nn_learner *l);

/* Predictions of raw rows x[n][n_features] into out[n][n_outputs] with
 * `threads` threads (0: all). mc > 0: Monte-Carlo dropout, out gets the mean
 * and sd (not NULL) the standard deviation over mc passes keyed by seed. */
hpml_status nn_predict(const nn_learner *l, const float *x, size_t n, int threads, int mc,
                       uint64_t seed, float *out, float *sd);

/* Sets OpenBLAS's and OpenMP's thread counts for a call, and back. */
typedef struct nn_threads {
    int blas, omp;
} nn_threads;
nn_threads nn_threads_enter(int threads);
void nn_threads_leave(nn_threads saved);

#endif
