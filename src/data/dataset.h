/* dataset.h — the dataset view (internal layout, for learners and splits).
 *
 * Learners read a dataset only through hpml_dataset_* calls; this struct is
 * here for splits (same layer). A later star-schema view adds dimension
 * tables here without changing those calls.
 */
#ifndef HPML_DATA_DATASET_H
#define HPML_DATA_DATASET_H

#include "hpml.h"

struct hpml_dataset {
    const hpml_table *t;     /* borrowed */
    int target_col;
    int n_features;
    int *feat_cols;          /* table column of feature j */
    size_t n_rows;
    uint32_t *rows;          /* table row of dataset row i; NULL: identity */
    size_t n_dropped;
    hpml_task task;
    char task_reason[192];
    float *target;           /* n_rows: value, or class index */
    int n_classes;
    char **class_labels;     /* n_classes, sorted */
    size_t *class_counts;
};

#endif
