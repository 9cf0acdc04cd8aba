/* boost.h — gradient boosting over binned features (internal; the public
 * hpml_gbdt_* API and the model file come on top of this). */
#ifndef HPML_GBDT_BOOST_H
#define HPML_GBDT_BOOST_H

#include "gbdt/tree.h"

typedef enum gbdt_objective { GBDT_SQUARED_ERROR = 0, GBDT_LOGISTIC = 1 } gbdt_objective;

typedef struct gbdt_params {
    gbdt_objective objective;
    int n_trees;
    double learning_rate;
    int max_depth;
    double lambda, alpha, gamma, min_child_weight;
    int min_samples_leaf;
    int max_bin;
    double base_score;      /* NaN: from the data (mean, or log-odds of the mean) */
    uint64_t seed;
    int threads;            /* 0: all cores */
} gbdt_params;

void gbdt_params_init(gbdt_params *p);

typedef struct gbdt_model {
    gbdt_objective objective;
    int n_features;
    double base_score;      /* margin of every row before the first tree */
    int n_trees;
    gbdt_tree *trees;
    uint8_t **cat_bin;      /* n_features: category -> bin (categorical), else NULL */
    int32_t *n_categories;
} gbdt_model;

/* Trains on rows[0..n) of d (rows NULL: all). *m is owned by the caller. */
hpml_status gbdt_train(const hpml_dataset *d, const uint32_t *rows, size_t n, const gbdt_params *p,
                       gbdt_model *m);
void gbdt_model_free(gbdt_model *m);
/* Margin (sum of trees + base score) of one row of raw feature values; the
 * prediction is that (squared error) or its logistic (logistic). */
double gbdt_predict_margin(const gbdt_model *m, const float *x);

#endif
