/* model.h — the model handle shared by trees and nets (internal).
 *
 * A model is its schema (src/data/schema.h) plus one learner behind a small
 * table of functions, so predict/save/load/importance are written once and
 * each learner adds only its own sections and its row-block prediction.
 *
 * File sections (container.h gives the frame):
 *   "META"    u32 kind, u32 n_outputs, str hpml version that wrote it
 *   "SCHEMA"  str target, u32 task, u32 n_classes, n_classes x str label,
 *             u32 n_features, per feature: str name, u32 type, u32 n_categories,
 *             n_categories x str text (in code order)
 *   "HISTORY" str metric, u32 n, n x f64 train metric, n x f64 valid metric
 *   "TARGETS" only with several targets (multi-output regression; files with
 *             one target have no such section and read as before):
 *             u32 n_targets (>= 2), n_targets x str name; the first is
 *             SCHEMA's target, and META's n_outputs is n_targets
 *   learner sections ("GBDT": see model_gbdt.c; "NN": model_nn.c)
 */
#ifndef HPML_IO_MODEL_H
#define HPML_IO_MODEL_H

#include "data/schema.h"
#include "io/bytes.h"
#include "io/container.h"

typedef struct model_ops {
    /* Predicts n rows of raw values x (row-major, n_features wide) into out
     * (n x n_outputs). Called from several threads at once. NULL for
     * learners that predict with predict_block instead. */
    void (*predict)(const void *learner, const float *x, size_t n, float *out);
    /* Nets: predicts a block of rows on the calling thread, parallel inside
     * (`threads`, 0: all). mc > 0: Monte-Carlo dropout over mc passes keyed
     * by seed, the mean into out and the standard deviation into sd. */
    hpml_status (*predict_block)(const void *learner, const float *x, size_t n, int threads,
                                 int mc, uint64_t seed, float *out, float *sd);
    /* True if predict_block can do Monte-Carlo dropout. */
    int (*has_dropout)(const void *learner);
    /* Appends the learner's sections (payloads owned by w[]; at most 4). */
    hpml_status (*encode)(const void *learner, bytes_w *w, const char **tags, int *n);
    /* Reads the learner back from the file's sections (path for messages). */
    hpml_status (*decode)(const container *c, const data_schema *s, const char *path,
                          void **learner);
    void (*free)(void *learner);
    hpml_status (*importance)(const void *learner, hpml_importance_type type, int n_features,
                              double *out);
} model_ops;

struct hpml_model {
    hpml_model_kind kind;
    const model_ops *ops;
    void *learner;           /* owned, freed by ops->free */
    data_schema schema;      /* owned */
    int n_outputs;
    int threads;             /* prediction threads, 0: all cores */
    char *metric;            /* owned: name of the history metric */
    int n_history;
    double *train_history, *valid_history;  /* owned, n_history each */
};

/* A new model owning `learner` and a copy of d's schema; on failure the
 * learner is freed too. */
hpml_status model_create(hpml_model_kind kind, const model_ops *ops, void *learner,
                         int n_outputs, const hpml_dataset *d, hpml_model **out);
/* Copies a training history into the model. */
hpml_status model_set_history(hpml_model *m, const char *metric, int n, const double *train,
                              const double *valid);

/* Bytes hpml_model_save writes for m. */
hpml_status model_file_size(const hpml_model *m, size_t *out);

extern const model_ops gbdt_model_ops;
extern const model_ops nn_model_ops;

#endif
