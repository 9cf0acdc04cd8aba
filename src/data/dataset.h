/* dataset.h — the dataset view (internal layout, for learners and splits).
 *
 * Learners read a dataset only through hpml_dataset_* calls; this struct is
 * here for splits (same layer). A later star-schema view adds dimension
 * tables here without changing those calls.
 */
#ifndef HPML_DATA_DATASET_H
#define HPML_DATA_DATASET_H

#include <math.h>

#include "data/table.h"
#include "hpml.h"

struct data_schema;

/* One dimension table of a star schema (data/join.c). */
typedef struct dataset_join {
    const hpml_table *table;  /* borrowed */
    char *name;               /* owned: the table's name in qualified feature names */
    char *key, *table_key;    /* owned: key column names in the fact and this table */
    int key_col, table_key_col;
    int32_t *idx;             /* owned (hpml_big_alloc), one per fact-table row: its row
                                 of this table, -1 if none */
} dataset_join;

struct hpml_dataset {
    const hpml_table *t;     /* borrowed */
    int target_col;          /* the (first) target's column; -1: no target (a dataset to
                                predict) */
    int n_targets;           /* target columns: 1, or several (multi-output regression);
                                0 without a target */
    int *target_cols;        /* owned, n_targets table columns; [0] == target_col */
    int n_features;
    int *feat_cols;          /* column of feature j in its table (the fact table, or its
                                join's) */
    int *feat_join;          /* owned, n_features: join of feature j, -1 for the fact
                                table; NULL without joins */
    char **feat_names;       /* owned, n_features: the name of feature j when it is not
                                its column's (qualified "table.column"), else NULL; the
                                array is NULL when no name is qualified */
    hpml_dict *feat_dicts;   /* owned, n_features, NULL unless a joined table has a
                                categorical feature: its categories in order of first use by
                                the fact rows, as a materialised join would hold them
                                (code_map[j] maps the table's codes to them); empty for the
                                other features */
    int n_joins;
    dataset_join *joins;     /* owned, n_joins */
    hpml_on_missing on_missing;
    size_t n_unjoined;       /* fact rows dropped for a key without dimension row */
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

/* Value of row r of column col as a feature: numeric as is, a category code
 * mapped through map (if any) and converted to float (-1 -> NaN). */
static inline float dataset_cell(const table_column *col, const int32_t *map, size_t r)
{
    if (col->type == HPML_COL_NUMERIC)
        return ((const float *)col->data)[r];
    int32_t code = ((const int32_t *)col->data)[r];
    if (map && code >= 0)
        code = map[code];
    return code < 0 ? NAN : (float)code;
}

/* The table feature j is read from (the fact table or its join's). */
static inline const hpml_table *dataset_feature_table(const hpml_dataset *d, int j)
{
    return d->feat_join && d->feat_join[j] >= 0 ? d->joins[d->feat_join[j]].table : d->t;
}

/* Feature j of dataset row i (as hpml_dataset_gather gives it), one value:
 * for a learner that reads a few features of each row (a tree walk). */
static inline float dataset_value(const hpml_dataset *d, int j, size_t i)
{
    size_t r = d->rows ? d->rows[i] : i;
    if (d->feat_join && d->feat_join[j] >= 0) {
        int32_t k = d->joins[d->feat_join[j]].idx[r];
        if (k < 0)
            return NAN;
        r = (size_t)k;
    }
    return dataset_cell(&dataset_feature_table(d, j)->cols[d->feat_cols[j]],
                        d->code_map ? d->code_map[j] : NULL, r);
}

/* The categories of categorical feature j of a dataset that is not laid out
 * like a model: its column's, or for a joined table's feature those the fact
 * rows use (feat_dicts). */
static inline const hpml_dict *dataset_feature_dict(const hpml_dataset *d, int j)
{
    if (d->feat_dicts && d->feat_join[j] >= 0)
        return &d->feat_dicts[j];
    return &dataset_feature_table(d, j)->cols[d->feat_cols[j]].dict;
}

/* Column index of `name` in t, or a DATA failure naming `role` and the
 * closest name. */
hpml_status dataset_find_column(const hpml_table *t, const char *name, const char *role, int *col);
/* Selects the rows of d whose targets (d->target_cols, may be none) are all
 * present and, when d drops unjoined rows, that have a row in every
 * dimension table; fails on a missing target, naming its column and line,
 * unless drop_missing_target. */
hpml_status dataset_select_rows(hpml_dataset *d, int drop_missing_target);

/* data/join.c. Links d (d->t set) to the dimension tables joins[0..n):
 * fills d->joins (key columns found, one index per fact row), fails on a
 * duplicate or missing dimension key and, under ON_MISSING_ERROR, on a fact
 * row without dimension row. */
hpml_status dataset_link_joins(hpml_dataset *d, const hpml_join *joins, int n_joins,
                               hpml_on_missing on_missing);
void dataset_joins_free(hpml_dataset *d);
/* The features of a linked star schema from spec->features / spec->ignore
 * (final names; a plain column name stands for that column in every table):
 * the fact table's, then each join's, in table order; keys and targets are
 * never features. Fills feat_cols, feat_join, feat_names. */
hpml_status dataset_joined_features(hpml_dataset *d, const hpml_dataset_spec *spec);
/* 1 if fact-table row r has a row in every dimension table. */
int dataset_row_joined(const hpml_dataset *d, size_t r);
/* The file name of `source` without directory and extensions (.csv, .tsv,
 * .txt, .gz). */
void dataset_table_name(const char *source, char *buf, size_t cap);

#endif
