/* dataset.h — the dataset view (internal layout, for learners and splits).
 *
 * Learners read a dataset only through hpml_dataset_* calls; this struct is
 * here for splits (same layer). A later star-schema view adds dimension
 * tables here without changing those calls.
 */
#ifndef HPML_DATA_DATASET_H
#define HPML_DATA_DATASET_H

#include "hpml.h"

struct data_schema;

struct hpml_dataset {
    const hpml_table *t;     /* borrowed */
    int target_col;          /* the (first) target's column; -1: no target (a dataset to
                                predict) */
    int n_targets;           /* target columns: 1, or several (multi-output regression);
                                0 without a target */
    int *target_cols;        /* owned, n_targets table columns; [0] == target_col */
    int n_features;
    int *feat_cols;          /* table column of feature j */
    size_t n_rows;
    uint32_t *rows;          /* table row of dataset row i; NULL: identity */
    size_t n_dropped;
    hpml_task task;
    char task_reason[192];
    float *target;           /* owned, n_targets x n_rows, one block per target: target k
                                of row i at [k * n_rows + i]; the value, or the class
                                index */
    int n_classes;
    char **class_labels;     /* n_classes, sorted */
    size_t *class_counts;
    /* Laid out like a schema (dataset_create_from_schema): the schema (owned
     * copy), and per feature the map from the table's category codes to the
     * schema's (-1: never seen; NULL for numeric features). NULL otherwise. */
    struct data_schema *like;
    int32_t **code_map;
};

/* Column index of `name` in t, or a DATA failure naming `role` and the
 * closest name. */
hpml_status dataset_find_column(const hpml_table *t, const char *name, const char *role, int *col);
/* Selects the rows of d whose targets (d->target_cols) are all present;
 * fails on a missing one, naming its column and line, unless
 * spec->drop_missing_target. */
hpml_status dataset_select_rows(hpml_dataset *d, const hpml_dataset_spec *spec);

#endif
