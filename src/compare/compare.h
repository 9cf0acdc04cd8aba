/* compare.h — the results of `hpml compare`, shared by the files that make
 * and write them (internal).
 *
 * hpml_compare_run (compare.c) trains every model on every fold of one split,
 * predicts the fold's test rows and measures; noise.c turns the per-fold
 * numbers into estimates with their uncertainty and says which differences
 * exceed it; importance.c gives the nets' permutation importance; write.c
 * writes the models, predictions, compare.json and the summary; report.c the
 * HTML report. Everything here is owned by the hpml_compare handle.
 */
#ifndef HPML_COMPARE_COMPARE_H
#define HPML_COMPARE_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

/* The metrics, in hpml_metrics order. */
enum {
    CMP_RMSE, CMP_MAE, CMP_R2, CMP_PEARSON, CMP_SPEARMAN,
    CMP_AUC, CMP_LOGLOSS, CMP_ACCURACY, CMP_MACRO_F1,
    CMP_N_METRICS
};

typedef struct cmp_metric_info {
    const char *name;        /* "rmse", "r2", ... (as in compare.json) */
    const char *label;       /* "RMSE", "R²", ... (as in the report's tables, UTF-8) */
    int higher_better;
    const char *explain;     /* one sentence for a reader of the report */
} cmp_metric_info;
extern const cmp_metric_info cmp_metrics[CMP_N_METRICS];
/* Metric k of m (hpml_metrics as an array). */
double cmp_metric_get(const hpml_metrics *m, int k);
/* The task's metrics in table order (regression: R², RMSE, MAE, Pearson,
 * Spearman; classification: AUC, log-loss, accuracy, macro-F1): *order
 * points to static storage; returns how many. */
int cmp_task_metrics(hpml_task task, const int **order);

/* "gbdt", "mlp" or "cnn" (as in compare.json). */
const char *cmp_kind_name(hpml_model_kind kind);

struct cmp_model;
/* Parameter i of model m (in hpml_*_param_info order): its name and help
 * (static), its value as text into value[0..len). Returns 0 past the end. */
int cmp_param_text(const struct cmp_model *m, int i, const char **name, const char **help,
                   char *value, size_t len);

/* One model on one fold. */
typedef struct cmp_run {
    int ok;                  /* trained and predicted */
    hpml_model *model;       /* owned; NULL when !ok */
    float *pred;             /* n_test x n_outputs test predictions (owned) */
    hpml_metrics metrics;    /* on the fold's test rows (NaN when !ok) */
    double train_seconds;    /* wall time of training (inputs prepared/binned included) */
    double predict_seconds;  /* wall time of predicting the fold's test rows */
    double peak_rss_bytes;   /* peak resident memory of the process while training
                                (data included); NaN if the system does not say */
    size_t model_bytes;      /* size of the model file */
    /* Learning curve: the model's history (borrowed from model): n_rounds
     * values of the train and validation metric (valid NaN without validation
     * rows), metric name. */
    int n_rounds;
    const char *curve_metric;
    const double *curve_train, *curve_valid;
} cmp_run;

/* A metric's estimate for one model. */
typedef struct cmp_stat {
    double value;            /* single split: on the test rows; k folds: mean over folds */
    double sd;               /* bootstrap sd (single split) or sd over folds; NaN if none */
    double lo, hi;           /* 95% interval: bootstrap percentiles, or mean ± t·sd/√k */
    int best;                /* 1: the best model on this metric */
    /* Against the best model (0 for the best itself): the paired difference
     * this − best and its 95% interval; `differs` = 1 when the interval
     * excludes 0 (larger than the noise), 0 when it does not. */
    double diff, diff_lo, diff_hi;
    int differs;
} cmp_stat;

typedef struct cmp_model {
    char *name;              /* owned: "gbdt", "mlp", "cnn" or the caller's label */
    hpml_model_kind kind;
    hpml_gbdt_params gbdt;   /* parameters used (copies; progress hooks cleared) */
    hpml_nn_params nn;
    char *error;             /* owned: NULL, or why it failed ("fold 2: training diverged ...") */
    cmp_run *runs;           /* n_folds */
    cmp_stat stat[CMP_N_METRICS];
    /* Importance of each feature, mean over folds, normalised to sum 1 for
     * gain; for permutation, the mean increase of the loss (RMSE for
     * regression, log-loss for classification) when the feature is shuffled.
     * NULL when failed. importance_kind: "gain" or "permutation". */
    double *importance;      /* n_features, owned */
    const char *importance_kind;
    const char *importance_rows;  /* "validation rows" / "test rows" / "training rows" */
    double train_seconds, predict_seconds;  /* sums over folds */
    double peak_rss_bytes;   /* largest over folds (NaN if unknown) */
    size_t model_bytes;      /* mean over folds */
} cmp_model;

/* Rows of one fold (dataset row indices, sorted). */
typedef struct cmp_fold {
    uint32_t *train, *valid, *test;   /* owned copies */
    size_t n_train, n_valid, n_test;
    float *y_test;           /* n_test targets (regression value or class index) */
    uint64_t *test_lines;    /* n_test: 1-based line of each test row in the data file */
    uint64_t *valid_lines;   /* n_valid: the same for the validation rows */
} cmp_fold;

struct hpml_compare {
    /* The data. */
    char *data_name, *split_text, *command;   /* owned (may be "") */
    char *target;                              /* owned */
    hpml_task task;
    int n_classes;
    char **class_labels;                       /* n_classes, owned */
    size_t n_rows, n_dropped;                  /* dataset rows; rows dropped (missing target) */
    int n_features, n_numeric, n_categorical;
    char **feature_names;                      /* n_features, owned */
    size_t n_missing;                          /* missing feature values over all rows */
    double target_mean, target_sd;             /* regression target over all rows */
    size_t *class_counts;                      /* n_classes (classification), owned */
    /* The split and the runs. */
    int n_folds;
    cmp_fold *folds;                           /* n_folds, owned */
    int n_models, n_outputs;                   /* n_outputs: values per predicted row */
    cmp_model *models;                         /* n_models, owned */
    uint64_t seed;
    int bootstrap;
    int threads;
    double total_seconds;
};

/* noise.c: fills every model's stat[] (the models' runs must be done). */
hpml_status cmp_estimate(hpml_compare *c);

/* importance.c: permutation importance of model m over rows[0..n) of d
 * (at most max_rows of them, a seeded sample), `repeats` shuffles per
 * feature, both reduced for big work (macs_per_row: the model's cost of one
 * row): out[j] = mean increase of the loss. */
hpml_status cmp_permutation_importance(const hpml_model *m, const hpml_dataset *d,
                                       const uint32_t *rows, size_t n, size_t max_rows,
                                       int repeats, double macs_per_row, uint64_t seed,
                                       double *out);

/* report.c: the self-contained HTML report. */
hpml_status cmp_write_report(const hpml_compare *c, const char *path);

#endif
