/* schema.c — a model's schema, and datasets laid out like one. */
#include "data/schema.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/table.h"

void schema_free(data_schema *s)
{
    if (!s)
        return;
    for (int k = 0; s->targets && k < s->n_targets; k++)
        hpml_free(s->targets[k]);
    hpml_free(s->targets);
    for (int k = 0; s->class_labels && k < s->n_classes; k++)
        hpml_free(s->class_labels[k]);
    hpml_free(s->class_labels);
    for (int j = 0; j < s->n_features; j++) {
        if (s->names)
            hpml_free(s->names[j]);
        if (s->dicts)
            hpml_dict_free(&s->dicts[j]);
    }
    hpml_free(s->names);
    hpml_free(s->types);
    hpml_free(s->dicts);
    for (int t = 0; t < s->n_joins; t++) {
        if (s->join_key)
            hpml_free(s->join_key[t]);
        if (s->join_table_key)
            hpml_free(s->join_table_key[t]);
        if (s->join_name)
            hpml_free(s->join_name[t]);
    }
    hpml_free(s->join_key);
    hpml_free(s->join_table_key);
    hpml_free(s->join_name);
    for (int j = 0; s->cols && j < s->n_features; j++)
        hpml_free(s->cols[j]);
    hpml_free(s->cols);
    hpml_free(s->feat_join);
    memset(s, 0, sizeof *s);
}

hpml_status schema_alloc_joins(data_schema *s, int n_joins)
{
    s->n_joins = n_joins;
    size_t n = (size_t)(n_joins ? n_joins : 1), nf = (size_t)(s->n_features ? s->n_features : 1);
    s->join_key = hpml_calloc(n, sizeof *s->join_key);
    s->join_table_key = hpml_calloc(n, sizeof *s->join_table_key);
    s->join_name = hpml_calloc(n, sizeof *s->join_name);
    s->feat_join = hpml_calloc(nf, sizeof *s->feat_join);
    s->cols = hpml_calloc(nf, sizeof *s->cols);
    return s->join_key && s->join_table_key && s->join_name && s->feat_join && s->cols
               ? HPML_OK
               : HPML_ERR_NOMEM;
}

/* Join t of s (allocated by schema_alloc_joins), and feature j's join and
 * column: copies of the strings. */
static hpml_status set_join(data_schema *s, int t, const char *key, const char *tkey,
                            const char *name)
{
    return (s->join_key[t] = hpml_strdup(key)) && (s->join_table_key[t] = hpml_strdup(tkey)) &&
                   (s->join_name[t] = hpml_strdup(name))
               ? HPML_OK
               : HPML_ERR_NOMEM;
}

static hpml_status set_feature_join(data_schema *s, int j, int join, const char *col)
{
    s->feat_join[j] = join;
    return (s->cols[j] = hpml_strdup(col)) ? HPML_OK : HPML_ERR_NOMEM;
}

/* The joins of src into s. */
static hpml_status copy_joins(data_schema *s, const data_schema *src)
{
    if (src->n_joins == 0)
        return HPML_OK;
    hpml_status st = schema_alloc_joins(s, src->n_joins);
    for (int t = 0; st == HPML_OK && t < src->n_joins; t++)
        st = set_join(s, t, src->join_key[t], src->join_table_key[t], src->join_name[t]);
    for (int j = 0; st == HPML_OK && j < s->n_features; j++)
        st = set_feature_join(s, j, src->feat_join[j], src->cols[j]);
    return st;
}

/* Room for the target and feature arrays, all empty. */
static hpml_status schema_alloc(data_schema *s, int n_targets, int n_features, int n_classes)
{
    s->n_targets = n_targets;
    s->n_features = n_features;
    s->n_classes = n_classes;
    s->targets = hpml_calloc((size_t)n_targets, sizeof *s->targets);
    s->names = hpml_calloc((size_t)n_features, sizeof *s->names);
    s->types = hpml_calloc((size_t)n_features, sizeof *s->types);
    s->dicts = hpml_calloc((size_t)n_features, sizeof *s->dicts);
    s->class_labels = hpml_calloc((size_t)(n_classes ? n_classes : 1), sizeof *s->class_labels);
    if (!s->targets || !s->names || !s->types || !s->dicts || !s->class_labels)
        return HPML_ERR_NOMEM;
    for (int j = 0; j < n_features; j++)
        hpml_dict_init(&s->dicts[j]);
    return HPML_OK;
}

/* Appends every string of src to dst, in code order (so codes are kept). */
static hpml_status copy_dict(hpml_dict *dst, const hpml_dict *src)
{
    for (int32_t c = 0; c < src->n; c++) {
        int32_t code;
        hpml_status st = hpml_dict_intern(dst, hpml_dict_str(src, c), src->len[c], &code);
        if (st != HPML_OK)
            return st;
    }
    return HPML_OK;
}

static hpml_status schema_copy(const data_schema *src, data_schema *s)
{
    memset(s, 0, sizeof *s);
    hpml_status st = schema_alloc(s, src->n_targets, src->n_features, src->n_classes);
    for (int k = 0; st == HPML_OK && k < src->n_targets; k++)
        if (!(s->targets[k] = hpml_strdup(src->targets[k])))
            st = HPML_ERR_NOMEM;
    s->task = src->task;
    for (int k = 0; st == HPML_OK && k < src->n_classes; k++)
        if (!(s->class_labels[k] = hpml_strdup(src->class_labels[k])))
            st = HPML_ERR_NOMEM;
    for (int j = 0; st == HPML_OK && j < src->n_features; j++) {
        s->types[j] = src->types[j];
        if (!(s->names[j] = hpml_strdup(src->names[j])))
            st = HPML_ERR_NOMEM;
        else
            st = copy_dict(&s->dicts[j], &src->dicts[j]);
    }
    if (st == HPML_OK)
        st = copy_joins(s, src);
    if (st != HPML_OK)
        schema_free(s);
    return st;
}

/* A dataset's joins into s (features already set). */
static hpml_status joins_from_dataset(const hpml_dataset *d, data_schema *s)
{
    if (d->n_joins == 0)
        return HPML_OK;
    hpml_status st = schema_alloc_joins(s, d->n_joins);
    for (int t = 0; st == HPML_OK && t < d->n_joins; t++)
        st = set_join(s, t, d->joins[t].key, d->joins[t].table_key, d->joins[t].name);
    for (int j = 0; st == HPML_OK && j < s->n_features; j++)
        st = set_feature_join(s, j, d->feat_join[j],
                              dataset_feature_table(d, j)->cols[d->feat_cols[j]].name);
    return st;
}

hpml_status schema_from_dataset(const hpml_dataset *d, data_schema *s)
{
    if (d->like)
        return schema_copy(d->like, s);
    memset(s, 0, sizeof *s);
    hpml_status st = schema_alloc(s, d->n_targets, d->n_features, d->n_classes);
    for (int k = 0; st == HPML_OK && k < d->n_targets; k++)
        if (!(s->targets[k] = hpml_strdup(hpml_dataset_target_name_k(d, k))))
            st = HPML_ERR_NOMEM;
    s->task = d->task;
    for (int k = 0; st == HPML_OK && k < d->n_classes; k++)
        if (!(s->class_labels[k] = hpml_strdup(d->class_labels[k])))
            st = HPML_ERR_NOMEM;
    for (int j = 0; st == HPML_OK && j < d->n_features; j++) {
        const table_column *col = &dataset_feature_table(d, j)->cols[d->feat_cols[j]];
        s->types[j] = col->type;
        if (!(s->names[j] = hpml_strdup(hpml_dataset_feature_name(d, j))))
            st = HPML_ERR_NOMEM;
        else if (col->type == HPML_COL_CATEGORICAL)
            st = copy_dict(&s->dicts[j], dataset_feature_dict(d, j));
    }
    if (st == HPML_OK)
        st = joins_from_dataset(d, s);
    if (st != HPML_OK)
        schema_free(s);
    return st;
}

/* First row of a categorical column holding a value (for messages). */
static size_t first_present(const hpml_table *t, int c)
{
    const int32_t *v = table_i32(t, c);
    size_t i = 0;
    while (i + 1 < t->n_rows && v[i] < 0)
        i++;
    return i;
}

/* Finds feature j of s in its table (the fact table or its join's) and maps
 * its categories. */
static hpml_status map_feature(const data_schema *s, int j, hpml_dataset *d)
{
    int jt = s->feat_join ? s->feat_join[j] : -1;
    const hpml_table *t = jt >= 0 ? d->joins[jt].table : d->t;
    const char *name = s->cols ? s->cols[j] : s->names[j];
    if (d->feat_join)
        d->feat_join[j] = jt;
    int c = hpml_table_find_col(t, name);
    if (c < 0)
        return hpml_fail_at(HPML_ERR_DATA, t->source, t->data_line0 > 1 ? t->data_line0 - 1 : 1,
                            1, "no column named '%s': the model uses it as a feature (%d of %d%s%s)",
                            name, j + 1, s->n_features, jt >= 0 ? ", of the table joined on " : "",
                            jt >= 0 ? s->join_key[jt] : "");
    d->feat_cols[j] = c;
    const table_column *col = &t->cols[c];
    if (s->types[j] == HPML_COL_NUMERIC && col->type == HPML_COL_CATEGORICAL) {
        size_t r = first_present(t, c);
        return hpml_fail_at(HPML_ERR_DATA, t->source, hpml_table_row_line(t, r), 0,
                            "column '%s' holds text ('%s' on this line) but the model was "
                            "trained with it numeric",
                            col->name, hpml_table_col_category(t, c, table_i32(t, c)[r]));
    }
    if (s->types[j] == HPML_COL_CATEGORICAL && col->type == HPML_COL_NUMERIC)
        return hpml_fail(HPML_ERR_DATA, "%s: column '%s' was read as numbers but the model was "
                         "trained with it categorical: read it as text (--categorical %s)",
                         t->source, col->name, col->name);
    if (col->type == HPML_COL_NUMERIC)
        return HPML_OK;
    int32_t n = col->dict.n;
    if (!(d->code_map[j] = hpml_malloc_array((size_t)(n ? n : 1), sizeof(int32_t))))
        return HPML_ERR_NOMEM;
    for (int32_t k = 0; k < n; k++)
        d->code_map[j][k] = hpml_dict_find(&s->dicts[j], hpml_dict_str(&col->dict, k), col->dict.len[k]);
    return HPML_OK;
}

/* Regression: each target's values (one block per target). */
static hpml_status map_regression_targets(hpml_dataset *d)
{
    const hpml_table *t = d->t;
    for (int k = 0; k < d->n_targets; k++) {
        const table_column *col = &t->cols[d->target_cols[k]];
        if (col->type != HPML_COL_NUMERIC)
            return hpml_fail(HPML_ERR_DATA, "%s: target '%s' holds text but the model is a "
                             "regression model", t->source, col->name);
        float *y = d->target + (size_t)k * d->n_rows;
        for (size_t i = 0; i < d->n_rows; i++) {
            size_t r = d->rows ? d->rows[i] : i;
            float v = table_f32(t, d->target_cols[k])[r];
            if (isinf(v))
                return hpml_fail_at(HPML_ERR_DATA, t->source, hpml_table_row_line(t, r), 0,
                                    "target '%s' is infinite", col->name);
            y[i] = v;
        }
    }
    return HPML_OK;
}

/* Regression targets' values, or the class of each row's target text among
 * the schema's labels. */
static hpml_status map_target(const data_schema *s, hpml_dataset *d)
{
    const hpml_table *t = d->t;
    const table_column *col = &t->cols[d->target_col];
    if (s->task == HPML_TASK_REGRESSION)
        return map_regression_targets(d);
    d->class_counts = hpml_calloc((size_t)s->n_classes, sizeof *d->class_counts);
    if (!d->class_counts)
        return HPML_ERR_NOMEM;
    hpml_dict labels; /* label text -> class, in the schema's order */
    hpml_dict_init(&labels);
    for (int k = 0; k < s->n_classes; k++) {
        int32_t code;
        if (hpml_dict_intern(&labels, s->class_labels[k], strlen(s->class_labels[k]), &code) !=
            HPML_OK) {
            hpml_dict_free(&labels);
            return HPML_ERR_NOMEM;
        }
    }
    hpml_status st = HPML_OK;
    for (size_t i = 0; i < d->n_rows && st == HPML_OK; i++) {
        size_t r = d->rows ? d->rows[i] : i;
        char buf[32];
        const char *label;
        if (col->type == HPML_COL_NUMERIC) {
            snprintf(buf, sizeof buf, "%.9g", (double)table_f32(t, d->target_col)[r]);
            label = buf;
        } else {
            label = hpml_dict_str(&col->dict, table_i32(t, d->target_col)[r]);
        }
        int32_t k = hpml_dict_find(&labels, label, strlen(label));
        if (k < 0) {
            st = hpml_fail_at(HPML_ERR_DATA, t->source, hpml_table_row_line(t, r), 0,
                              "target '%s' is '%s', a class the model was not trained on "
                              "(it knows %d: '%s', '%s'%s)",
                              col->name, label, s->n_classes, s->class_labels[0],
                              s->class_labels[1], s->n_classes > 2 ? ", ..." : "");
            break;
        }
        d->target[i] = (float)k;
        d->class_counts[k]++;
    }
    hpml_dict_free(&labels);
    return st;
}

/* The joins given for a dataset laid out like s: one per join of s, in its
 * order, on the same fact key; the dimension key defaults to the schema's. */
static hpml_status link_like(const data_schema *s, hpml_dataset *d, const hpml_join *joins,
                             int n_joins, hpml_on_missing on_missing)
{
    char need[512] = "";
    for (int t = 0; t < s->n_joins; t++) {
        size_t used = strlen(need);
        snprintf(need + used, sizeof need - used, "%s--join %s=%s.csv", t ? " " : "",
                 s->join_key[t], s->join_name[t]);
    }
    if (n_joins != s->n_joins)
        return s->n_joins == 0
                   ? hpml_fail(HPML_ERR_ARG, "the model was trained on one table, but %d "
                               "table%s joined to %s", n_joins, n_joins == 1 ? " is" : "s are",
                               d->t->source)
                   : hpml_fail(HPML_ERR_ARG, "the model was trained on a star schema and needs "
                               "its %d joined table%s (%s), got %d", s->n_joins,
                               s->n_joins == 1 ? "" : "s", need, n_joins);
    if (n_joins == 0)
        return HPML_OK;
    hpml_join *j = hpml_malloc_array((size_t)n_joins, sizeof *j);
    if (!j)
        return HPML_ERR_NOMEM;
    hpml_status st = HPML_OK;
    for (int t = 0; t < n_joins && st == HPML_OK; t++) {
        j[t] = joins[t];
        if (!j[t].key || strcmp(j[t].key, s->join_key[t]))
            st = hpml_fail(HPML_ERR_ARG, "join %d is on '%s', but the model's join %d is on '%s' "
                           "(it needs %s, in that order)", t + 1, j[t].key ? j[t].key : "(none)",
                           t + 1, s->join_key[t], need);
        if (!j[t].table_key)
            j[t].table_key = s->join_table_key[t];
        if (!j[t].name)
            j[t].name = s->join_name[t];
    }
    if (st == HPML_OK)
        st = dataset_link_joins(d, j, n_joins, on_missing);
    hpml_free(j);
    return st;
}

static hpml_status fill_like(const data_schema *s, const hpml_table *t, const hpml_join *joins,
                             int n_joins, hpml_on_missing on_missing, int with_target,
                             hpml_dataset *d)
{
    d->t = t;
    d->target_col = -1;
    d->n_rows = t->n_rows;
    d->n_features = s->n_features;
    d->task = s->task;
    snprintf(d->task_reason, sizeof d->task_reason, "the model's task");
    d->like = hpml_calloc(1, sizeof *d->like);
    d->feat_cols = hpml_calloc((size_t)s->n_features, sizeof *d->feat_cols);
    d->code_map = hpml_calloc((size_t)s->n_features, sizeof *d->code_map);
    if (s->n_joins && !(d->feat_join = hpml_calloc((size_t)s->n_features, sizeof *d->feat_join)))
        return HPML_ERR_NOMEM;
    if (!d->like || !d->feat_cols || !d->code_map)
        return HPML_ERR_NOMEM;
    hpml_status st = schema_copy(s, d->like);
    if (st == HPML_OK)
        st = link_like(s, d, joins, n_joins, on_missing);
    for (int j = 0; st == HPML_OK && j < s->n_features; j++)
        st = map_feature(s, j, d);
    if (st != HPML_OK)
        return st;
    if (!with_target)
        return dataset_select_rows(d, 0);
    if (!(d->target_cols = hpml_malloc_array((size_t)s->n_targets, sizeof *d->target_cols)))
        return HPML_ERR_NOMEM;
    for (int k = 0; k < s->n_targets; k++, d->n_targets++)
        if ((st = dataset_find_column(t, s->targets[k], "target", &d->target_cols[k])) != HPML_OK)
            return st;
    d->target_col = d->target_cols[0];
    if ((st = dataset_select_rows(d, 0)) != HPML_OK)
        return st;
    if (!(d->target = hpml_malloc_array(d->n_rows ? d->n_rows : 1,
                                        (size_t)s->n_targets * sizeof(float))))
        return HPML_ERR_NOMEM;
    d->n_classes = s->n_classes;
    d->class_labels = hpml_calloc((size_t)(s->n_classes ? s->n_classes : 1), sizeof(char *));
    if (!d->class_labels)
        return HPML_ERR_NOMEM;
    for (int k = 0; k < s->n_classes; k++)
        if (!(d->class_labels[k] = hpml_strdup(s->class_labels[k])))
            return HPML_ERR_NOMEM;
    return map_target(s, d);
}

hpml_status dataset_create_from_schema(const data_schema *s, const hpml_table *t,
                                       const hpml_join *joins, int n_joins,
                                       hpml_on_missing on_missing, int with_target,
                                       hpml_dataset **out)
{
    *out = NULL;
    hpml_dataset *d = hpml_calloc(1, sizeof *d);
    if (!d)
        return HPML_ERR_NOMEM;
    hpml_status st = fill_like(s, t, joins, n_joins, on_missing, with_target, d);
    if (st != HPML_OK) {
        if (st == HPML_ERR_NOMEM)
            hpml_fail(st, "out of memory laying out %s", t->source);
        hpml_dataset_free(d);
        return st;
    }
    *out = d;
    return HPML_OK;
}

hpml_status hpml_dataset_create_like_joined(const hpml_dataset *ref, const hpml_table *t,
                                            const hpml_join *joins, int n_joins,
                                            hpml_on_missing on_missing, int with_target,
                                            hpml_dataset **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_dataset_create_like: out is NULL");
    *out = NULL;
    if (!ref || !t)
        return hpml_fail(HPML_ERR_ARG, "hpml_dataset_create_like: a dataset and a table are needed");
    data_schema s;
    hpml_status st = schema_from_dataset(ref, &s);
    if (st != HPML_OK)
        return st;
    st = dataset_create_from_schema(&s, t, joins, n_joins, on_missing, with_target, out);
    schema_free(&s);
    return st;
}

hpml_status hpml_dataset_create_like(const hpml_dataset *ref, const hpml_table *t, int with_target,
                                     hpml_dataset **out)
{
    return hpml_dataset_create_like_joined(ref, t, NULL, 0, HPML_ON_MISSING_ERROR, with_target,
                                           out);
}
