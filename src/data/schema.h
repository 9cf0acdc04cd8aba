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
} data_schema;

/* Copies the schema of dataset d into *s (owned by the caller: schema_free). */
hpml_status schema_from_dataset(const hpml_dataset *d, data_schema *s);
void schema_free(data_schema *s);

/* A dataset over table t laid out like s (see hpml_model_dataset). The
 * dataset keeps no pointer to s. */
hpml_status dataset_create_from_schema(const data_schema *s, const hpml_table *t, int with_target,
                                       hpml_dataset **out);

#endif
