/* schema.h — what a model was trained on, kept with the model (internal).
 *
 * Feature names and types, category texts (as dictionaries whose codes are
 * the codes the learner saw), the targets' names (one, or several for a
 * multi-output regression), the task and the classes.
 * A dataset over any other table can be laid out like a schema: columns found
 * by name, categories and classes mapped by text (dataset_create_from_schema).
 */
#ifndef HPML_DATA_SCHEMA_H
#define HPML_DATA_SCHEMA_H

#include "data/dict.h"
#include "hpml.h"

typedef struct data_schema {
    int n_targets;           /* >= 1; several only for regression */
    char **targets;          /* n_targets, owned; targets[0] is "the target" */
    hpml_task task;
    int n_classes;
    char **class_labels;     /* n_classes, owned, sorted as the dataset sorted them */
    int n_features;
    char **names;            /* n_features, owned */
    hpml_coltype *types;     /* n_features */
    hpml_dict *dicts;        /* n_features: categories of categorical features (empty otherwise) */
    /* A star schema (n_joins > 0): each join's fact key, dimension key and
     * table name, and per feature its join (-1: the fact table) and its
     * column's name in that table (the feature's name may be qualified). */
    int n_joins;
    char **join_key, **join_table_key, **join_name;  /* n_joins each, owned */
    int *feat_join;          /* n_features, NULL without joins */
    char **cols;             /* n_features (owned), NULL without joins */
} data_schema;

/* Copies the schema of dataset d into *s (owned by the caller: schema_free). */
hpml_status schema_from_dataset(const hpml_dataset *d, data_schema *s);
void schema_free(data_schema *s);

/* Room for n_joins joins (all empty) and the per-feature join arrays. */
hpml_status schema_alloc_joins(data_schema *s, int n_joins);

/* A dataset over table t laid out like s (see hpml_model_dataset_joined).
 * The dataset keeps no pointer to s. */
hpml_status dataset_create_from_schema(const data_schema *s, const hpml_table *t,
                                       const hpml_join *joins, int n_joins,
                                       hpml_on_missing on_missing, int with_target,
                                       hpml_dataset **out);

#endif
