/* dataset.c — a view over a table: target(s), features, rows, task.
 *
 * The view holds column indices and a row selection, never a copy of the
 * features: learners gather what they need through hpml_dataset_gather. The
 * targets are the one array materialised (float per row: the value, or the
 * class index for classification), because every learner reads them each
 * round. Several targets (multi-output regression) are stored one block per
 * target, so target 0 is laid out exactly as a single target.
 */
#include "data/dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/suggest.h"
#include "data/schema.h"
#include "data/table.h"

/* More classes than this is almost surely a regression target or an
 * identifier column given as a target, not a classification problem. */
#define DATASET_MAX_CLASSES 10000

void hpml_dataset_spec_init(hpml_dataset_spec *spec) { memset(spec, 0, sizeof *spec); }

const char *hpml_task_name(hpml_task task)
{
    switch (task) {
    case HPML_TASK_AUTO: return "auto";
    case HPML_TASK_REGRESSION: return "regression";
    case HPML_TASK_BINARY: return "binary";
    case HPML_TASK_MULTICLASS: return "multiclass";
    }
    return "unknown";
}

void hpml_dataset_free(hpml_dataset *d)
{
    if (!d)
        return;
    for (int k = 0; d->class_labels && k < d->n_classes; k++)
        hpml_free(d->class_labels[k]);
    hpml_free(d->class_labels);
    hpml_free(d->class_counts);
    hpml_free(d->feat_cols);
    hpml_free(d->feat_join);
    for (int j = 0; d->feat_names && j < d->n_features; j++)
        hpml_free(d->feat_names[j]);
    hpml_free(d->feat_names);
    for (int j = 0; d->feat_dicts && j < d->n_features; j++)
        hpml_dict_free(&d->feat_dicts[j]);
    hpml_free(d->feat_dicts);
    dataset_joins_free(d);
    hpml_free(d->rows);
    hpml_free(d->target);
    hpml_free(d->target_cols);
    for (int j = 0; d->code_map && j < d->n_features; j++)
        hpml_free(d->code_map[j]);
    hpml_free(d->code_map);
    if (d->like)
        schema_free(d->like);
    hpml_free(d->like);
    hpml_free(d);
}

/* Column index of `name`, or a DATA failure naming `role` and the closest name. */
hpml_status dataset_find_column(const hpml_table *t, const char *name, const char *role, int *col)
{
    *col = hpml_table_find_col(t, name);
    if (*col >= 0)
        return HPML_OK;
    const char **names = hpml_malloc_array((size_t)t->n_cols, sizeof *names);
    if (!names)
        return HPML_ERR_NOMEM;
    for (int c = 0; c < t->n_cols; c++)
        names[c] = t->cols[c].name;
    int k = hpml_closest_name(name, names, t->n_cols);
    hpml_free(names);
    return hpml_fail_at(HPML_ERR_DATA, t->source, t->data_line0 > 1 ? t->data_line0 - 1 : 1, 1,
                        "no column named '%s' (%s) in the header%s%s%s", name, role,
                        k >= 0 ? "; did you mean '" : "", k >= 0 ? t->cols[k].name : "",
                        k >= 0 ? "'?" : "");
}

/* True if target k of table row r is missing. */
static int target_missing(const hpml_dataset *d, int k, size_t r)
{
    const table_column *col = &d->t->cols[d->target_cols[k]];
    return col->type == HPML_COL_NUMERIC ? isnan(((const float *)col->data)[r])
                                         : ((const int32_t *)col->data)[r] < 0;
}

/* 1 if dataset-to-be row r is kept: its targets present, and a row in every
 * dimension table when unjoined rows are dropped. */
static int row_kept(const hpml_dataset *d, size_t r, int drop_unjoined)
{
    for (int k = 0; k < d->n_targets; k++)
        if (target_missing(d, k, r))
            return 0;
    return !drop_unjoined || dataset_row_joined(d, r);
}

/* Rows whose targets are all present (and, dropping unjoined rows, that have
 * a row in every dimension table); fails on a missing target (naming the
 * first target, in the order given, that has missing values) unless
 * dropping. */
hpml_status dataset_select_rows(hpml_dataset *d, int drop_missing_target)
{
    const hpml_table *t = d->t;
    size_t n = t->n_rows;
    int first_k = -1;
    for (int k = 0; k < d->n_targets; k++) {
        const table_column *col = &t->cols[d->target_cols[k]];
        if (col->n_missing == n)
            return hpml_fail_at(HPML_ERR_DATA, t->source, t->data_line0, 1,
                                "target '%s' is missing in every row", col->name);
        if (col->n_missing && first_k < 0)
            first_k = k;
    }
    const int drop_unjoined = d->n_joins > 0 && d->on_missing == HPML_ON_MISSING_DROP;
    size_t unjoined = 0;
    for (size_t r = 0; drop_unjoined && r < n; r++)
        unjoined += !dataset_row_joined(d, r);
    if (first_k < 0 && unjoined == 0) {
        d->n_rows = n;
        return HPML_OK;
    }
    if (first_k >= 0 && !drop_missing_target) {
        const table_column *col = &t->cols[d->target_cols[first_k]];
        size_t first = 0, missing = col->n_missing;
        while (!target_missing(d, first_k, first))
            first++;
        return hpml_fail_at(HPML_ERR_DATA, t->source, hpml_table_row_line(t, first), 0,
                            "target '%s' is missing in %zu row%s (the first is on this line); "
                            "fill them in, or pass --drop-missing-target to leave those rows out",
                            col->name, missing, missing == 1 ? "" : "s");
    }
    size_t kept = 0, no_target = 0;
    for (size_t i = 0; i < n; i++) {
        kept += (size_t)row_kept(d, i, drop_unjoined);
        no_target += !row_kept(d, i, 0);
    }
    if (kept == 0 && no_target == n) /* several targets, each present somewhere */
        return hpml_fail_at(HPML_ERR_DATA, t->source, t->data_line0, 1,
                            "no row has every target present (the %d targets are each missing "
                            "somewhere)", d->n_targets);
    if (kept == 0)
        return hpml_fail_at(HPML_ERR_DATA, t->source, t->data_line0, 1,
                            "no row is left: every row lacks a row in some joined table");
    d->rows = hpml_malloc_array(kept, sizeof *d->rows);
    if (!d->rows)
        return HPML_ERR_NOMEM;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (row_kept(d, i, drop_unjoined))
            d->rows[j++] = (uint32_t)i;
    d->n_rows = kept;
    d->n_dropped = no_target;
    d->n_unjoined = n - kept - no_target;
    return HPML_OK;
}

/* Copies the numeric targets into d->target (one block each); an infinite
 * value (the reader accepts "inf") would poison every loss, so it fails with
 * its line. */
static hpml_status numeric_targets(hpml_dataset *d)
{
    for (int k = 0; k < d->n_targets; k++) {
        const float *v = table_f32(d->t, d->target_cols[k]);
        float *y = d->target + (size_t)k * d->n_rows;
        for (size_t i = 0; i < d->n_rows; i++) {
            size_t r = d->rows ? d->rows[i] : i;
            if (isinf(v[r]))
                return hpml_fail_at(HPML_ERR_DATA, d->t->source, hpml_table_row_line(d->t, r),
                                    0, "target '%s' is %s: a target must be a finite number",
                                    d->t->cols[d->target_cols[k]].name,
                                    v[r] > 0 ? "infinite" : "minus infinite");
            y[i] = v[r];
        }
    }
    return HPML_OK;
}

/* Several targets: a multi-output regression (the columns are numeric,
 * checked in find_targets). */
static hpml_status task_multi(hpml_dataset *d, hpml_task asked)
{
    const hpml_table *t = d->t;
    if (asked != HPML_TASK_AUTO && asked != HPML_TASK_REGRESSION)
        return hpml_fail(HPML_ERR_ARG, "%d targets make a multi-output regression; a %s task "
                         "takes one target", d->n_targets, hpml_task_name(asked));
    d->task = HPML_TASK_REGRESSION;
    if (asked == HPML_TASK_REGRESSION)
        snprintf(d->task_reason, sizeof d->task_reason, "given with --task");
    else
        snprintf(d->task_reason, sizeof d->task_reason,
                 "%d numeric targets ('%s', '%s'%s): multi-output regression", d->n_targets,
                 t->cols[d->target_cols[0]].name, t->cols[d->target_cols[1]].name,
                 d->n_targets > 2 ? ", ..." : "");
    return HPML_OK;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Sets the class labels (sorted) and maps the target to class indices. */
static hpml_status classes_from_numeric(hpml_dataset *d, const float *sorted, size_t n_distinct)
{
    d->n_classes = (int)n_distinct;
    d->class_labels = hpml_calloc(n_distinct, sizeof *d->class_labels);
    d->class_counts = hpml_calloc(n_distinct, sizeof *d->class_counts);
    if (!d->class_labels || !d->class_counts)
        return HPML_ERR_NOMEM;
    for (size_t k = 0; k < n_distinct; k++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.9g", (double)sorted[k]);
        if (!(d->class_labels[k] = hpml_strdup(buf)))
            return HPML_ERR_NOMEM;
    }
    for (size_t i = 0; i < d->n_rows; i++) {
        float v = d->target[i];
        size_t lo = 0, hi = n_distinct - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (sorted[mid] < v)
                lo = mid + 1;
            else
                hi = mid;
        }
        d->target[i] = (float)lo;
        d->class_counts[lo]++;
    }
    return HPML_OK;
}

static hpml_status task_numeric(hpml_dataset *d, hpml_task asked)
{
    const char *name = d->t->cols[d->target_col].name;
    size_t n = d->n_rows;
    float *s = hpml_malloc_array(n, sizeof *s);
    if (!s)
        return HPML_ERR_NOMEM;
    memcpy(s, d->target, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_float);
    size_t distinct = 0;
    int integral = 1;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || s[i] != s[i - 1])
            s[distinct++] = s[i];
        integral &= s[i] == floorf(s[i]);
    }
    hpml_task task = asked;
    if (asked == HPML_TASK_AUTO) {
        if (distinct == 2) {
            task = HPML_TASK_BINARY;
            snprintf(d->task_reason, sizeof d->task_reason,
                     "target '%s' takes two values (%g, %g)", name, (double)s[0], (double)s[1]);
        } else if (integral && distinct >= 3 && distinct <= 10 && s[0] == 0.0f &&
                   s[distinct - 1] == (float)(distinct - 1)) {
            task = HPML_TASK_MULTICLASS;
            snprintf(d->task_reason, sizeof d->task_reason,
                     "target '%s' holds the integer labels 0..%zu", name, distinct - 1);
        } else {
            task = HPML_TASK_REGRESSION;
            snprintf(d->task_reason, sizeof d->task_reason,
                     "target '%s' is numeric with %zu distinct values", name, distinct);
        }
    } else {
        snprintf(d->task_reason, sizeof d->task_reason, "given with --task");
    }
    hpml_status st = HPML_OK;
    if (task == HPML_TASK_BINARY && distinct != 2)
        st = hpml_fail(HPML_ERR_DATA, "%s: a binary task needs a target with 2 values; '%s' has %zu",
                       d->t->source, name, distinct);
    else if (task == HPML_TASK_MULTICLASS && distinct < 2)
        st = hpml_fail(HPML_ERR_DATA, "%s: a classification target needs 2 or more classes; "
                       "'%s' has %zu", d->t->source, name, distinct);
    else if (task == HPML_TASK_MULTICLASS && distinct > DATASET_MAX_CLASSES)
        st = hpml_fail(HPML_ERR_DATA, "%s: '%s' has %zu distinct values: too many classes for a "
                       "multiclass task (at most %d; is it a regression target?)", d->t->source,
                       name, distinct, DATASET_MAX_CLASSES);
    if (st == HPML_OK && task != HPML_TASK_REGRESSION)
        st = classes_from_numeric(d, s, distinct);
    d->task = task;
    hpml_free(s);
    return st;
}

/* A class of a categorical target: its dictionary text and code. */
typedef struct cat_class {
    const char *s;
    uint32_t len;
    int32_t code;
} cat_class;

/* By bytes (memcmp, then the shorter first), as the header promises. */
static int cmp_cat_class(const void *a, const void *b)
{
    const cat_class *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Codes are read from the table (not through the float target, which holds
 * integers exactly only up to 2^24) and mapped to classes by code, so no
 * category text is looked up again. */
static hpml_status task_categorical(hpml_dataset *d, hpml_task asked)
{
    const hpml_table *t = d->t;
    const table_column *col = &t->cols[d->target_col];
    const int32_t *codes = table_i32(t, d->target_col);
    int32_t ncat = col->dict.n;
    size_t *count = hpml_calloc((size_t)ncat, sizeof *count);
    cat_class *cls = hpml_malloc_array((size_t)ncat, sizeof *cls);
    int32_t *code_to_class = hpml_malloc_array((size_t)ncat, sizeof *code_to_class);
    hpml_status st = HPML_OK;
    if (!count || !cls || !code_to_class) {
        st = HPML_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < d->n_rows; i++)
        count[codes[d->rows ? d->rows[i] : i]]++;
    /* Classes are the categories present in the selected rows, sorted by text. */
    int nc = 0;
    for (int32_t c = 0; c < ncat; c++)
        if (count[c])
            cls[nc++] = (cat_class){hpml_dict_str(&col->dict, c), col->dict.len[c], c};
    qsort(cls, (size_t)nc, sizeof *cls, cmp_cat_class);
    if (asked == HPML_TASK_REGRESSION) {
        st = hpml_fail(HPML_ERR_DATA, "%s: target '%s' is categorical (e.g. '%s'): it cannot be "
                       "a regression target", t->source, col->name, cls[0].s);
        goto out;
    }
    if (nc < 2 || (asked == HPML_TASK_BINARY && nc != 2)) {
        st = hpml_fail(HPML_ERR_DATA, "%s: target '%s' has %d class%s; a %s task needs %s",
                       t->source, col->name, nc, nc == 1 ? "" : "es",
                       asked == HPML_TASK_BINARY ? "binary" : "classification",
                       asked == HPML_TASK_BINARY ? "exactly 2" : "2 or more");
        goto out;
    }
    if (nc > DATASET_MAX_CLASSES) {
        st = hpml_fail(HPML_ERR_DATA, "%s: target '%s' has %d distinct values: too many classes "
                       "for a classification task (at most %d; is it an identifier column?)",
                       t->source, col->name, nc, DATASET_MAX_CLASSES);
        goto out;
    }
    d->task = asked != HPML_TASK_AUTO ? asked : nc == 2 ? HPML_TASK_BINARY : HPML_TASK_MULTICLASS;
    if (asked == HPML_TASK_AUTO)
        snprintf(d->task_reason, sizeof d->task_reason, "target '%s' is categorical with %d classes",
                 col->name, nc);
    else
        snprintf(d->task_reason, sizeof d->task_reason, "given with --task");
    d->n_classes = nc;
    d->class_labels = hpml_calloc((size_t)nc, sizeof *d->class_labels);
    d->class_counts = hpml_calloc((size_t)nc, sizeof *d->class_counts);
    if (!d->class_labels || !d->class_counts) {
        st = HPML_ERR_NOMEM;
        goto out;
    }
    for (int k = 0; k < nc; k++) {
        code_to_class[cls[k].code] = k;
        d->class_counts[k] = count[cls[k].code];
        if (!(d->class_labels[k] = hpml_strndup(cls[k].s, cls[k].len))) {
            st = HPML_ERR_NOMEM;
            goto out;
        }
    }
    for (size_t i = 0; i < d->n_rows; i++)
        d->target[i] = (float)code_to_class[codes[d->rows ? d->rows[i] : i]];
out:
    hpml_free(count);
    hpml_free(cls);
    hpml_free(code_to_class);
    return st;
}

static int is_target(const hpml_dataset *d, int col)
{
    for (int k = 0; k < d->n_targets; k++)
        if (d->target_cols[k] == col)
            return 1;
    return 0;
}

/* The target columns: spec->targets (n_targets > 0) or spec->target. With
 * several, each must be numeric (multi-output regression): a categorical one
 * fails here, before any row is looked at. */
static hpml_status find_targets(hpml_dataset *d, const hpml_dataset_spec *spec)
{
    const hpml_table *t = d->t;
    const int n = spec->n_targets > 0 ? spec->n_targets : 1;
    const char *const *names = spec->n_targets > 0 ? spec->targets : &spec->target;
    if (!(d->target_cols = hpml_malloc_array((size_t)n, sizeof *d->target_cols)))
        return HPML_ERR_NOMEM;
    for (int k = 0; k < n; k++) {
        int col;
        hpml_status st = dataset_find_column(t, names[k], "target", &col);
        if (st != HPML_OK)
            return st;
        if (is_target(d, col))
            return hpml_fail(HPML_ERR_ARG, "target '%s' is listed twice", names[k]);
        const table_column *c = &t->cols[col];
        if (n > 1 && c->type != HPML_COL_NUMERIC)
            return hpml_fail(HPML_ERR_DATA, "%s: target '%s' is categorical%s%.*s%s: several "
                             "targets make a multi-output regression, so each must be numeric",
                             t->source, c->name, c->dict.n ? " (e.g. '" : "",
                             c->dict.n ? (int)c->dict.len[0] : 0,
                             c->dict.n ? hpml_dict_str(&c->dict, 0) : "", c->dict.n ? "')" : "");
        d->target_cols[d->n_targets++] = col;
    }
    d->target_col = d->target_cols[0];
    return HPML_OK;
}

/* Features in the order listed (so a model's input vector is the order the
 * user wrote), or every other column in table order; then minus the ignored. */
static hpml_status choose_features(hpml_dataset *d, const hpml_dataset_spec *spec)
{
    const hpml_table *t = d->t;
    uint8_t *mark = hpml_calloc((size_t)t->n_cols, 1); /* 1: chosen, 2: ignored */
    int *order = hpml_malloc_array((size_t)t->n_cols, sizeof *order);
    hpml_status st = HPML_OK;
    int col, n = 0;
    if (!mark || !order) {
        st = HPML_ERR_NOMEM;
        goto out;
    }
    if (spec->features && spec->n_features > 0) {
        for (int i = 0; i < spec->n_features; i++) {
            if ((st = dataset_find_column(t, spec->features[i], "feature", &col)) != HPML_OK)
                goto out;
            if (is_target(d, col)) {
                st = hpml_fail(HPML_ERR_ARG, "'%s' is %s: it cannot also be a feature",
                               spec->features[i], d->n_targets > 1 ? "a target" : "the target");
                goto out;
            }
            if (mark[col]) {
                st = hpml_fail(HPML_ERR_ARG, "feature '%s' is listed twice", spec->features[i]);
                goto out;
            }
            mark[col] = 1;
            order[n++] = col;
        }
    } else {
        for (int c = 0; c < t->n_cols; c++)
            if (!is_target(d, c))
                order[n++] = c;
    }
    for (int i = 0; i < spec->n_ignore; i++) {
        if ((st = dataset_find_column(t, spec->ignore[i], "ignored", &col)) != HPML_OK)
            goto out;
        mark[col] = 2;
    }
    for (int i = 0; i < n; i++)
        if (mark[order[i]] != 2)
            order[d->n_features++] = order[i];
    if (d->n_features == 0) {
        st = hpml_fail(HPML_ERR_ARG, "%s: no feature columns left (the target is '%s')",
                       t->source, t->cols[d->target_col].name);
        goto out;
    }
    d->feat_cols = order;
    order = NULL;
out:
    hpml_free(mark);
    hpml_free(order);
    return st;
}

hpml_status hpml_dataset_create(const hpml_table *t, const hpml_dataset_spec *spec,
                                hpml_dataset **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_dataset_create: out is NULL");
    *out = NULL;
    if (!t || !spec || (spec->n_targets > 0 ? !spec->targets : !spec->target))
        return hpml_fail(HPML_ERR_ARG, "hpml_dataset_create: a table and a target name are needed");
    for (int k = 0; k < spec->n_targets; k++)
        if (!spec->targets[k])
            return hpml_fail(HPML_ERR_ARG, "hpml_dataset_create: target name %d is NULL", k);
    if (spec->n_targets < 0 || spec->n_features < 0 || spec->n_ignore < 0 ||
        (spec->n_ignore > 0 && !spec->ignore))
        return hpml_fail(HPML_ERR_ARG, "hpml_dataset_create: bad feature or ignore list");
    if (spec->task < HPML_TASK_AUTO || spec->task > HPML_TASK_MULTICLASS)
        return hpml_fail(HPML_ERR_ARG, "hpml_dataset_create: unknown task %d", (int)spec->task);
    hpml_dataset *d = hpml_calloc(1, sizeof *d);
    if (!d)
        return HPML_ERR_NOMEM;
    d->t = t;
    hpml_status st = find_targets(d, spec);
    if (st == HPML_OK)
        st = dataset_link_joins(d, spec->joins, spec->n_joins, spec->on_missing);
    if (st == HPML_OK)
        st = d->n_joins ? dataset_joined_features(d, spec) : choose_features(d, spec);
    if (st == HPML_OK)
        st = dataset_select_rows(d, spec->drop_missing_target);
    if (st == HPML_OK && !(d->target = hpml_malloc_array(d->n_rows ? d->n_rows : 1,
                                                         (size_t)d->n_targets * sizeof(float))))
        st = HPML_ERR_NOMEM;
    const int numeric = st == HPML_OK && t->cols[d->target_col].type == HPML_COL_NUMERIC;
    if (numeric)
        st = numeric_targets(d);
    if (st == HPML_OK)
        st = d->n_targets > 1 ? task_multi(d, spec->task)
             : numeric        ? task_numeric(d, spec->task)
                              : task_categorical(d, spec->task);
    if (st != HPML_OK) {
        hpml_dataset_free(d);
        return st;
    }
    *out = d;
    return HPML_OK;
}

size_t hpml_dataset_n_rows(const hpml_dataset *d) { return d->n_rows; }
int hpml_dataset_n_targets(const hpml_dataset *d)
{
    return d->like ? d->like->n_targets : d->n_targets;
}
const char *hpml_dataset_target_name_k(const hpml_dataset *d, int k)
{
    if (k < 0 || k >= hpml_dataset_n_targets(d))
        return NULL;
    return d->like ? d->like->targets[k] : d->t->cols[d->target_cols[k]].name;
}
const char *hpml_dataset_target_name(const hpml_dataset *d)
{
    return hpml_dataset_target_name_k(d, 0);
}
const float *hpml_dataset_target_k(const hpml_dataset *d, int k)
{
    return d->target && k >= 0 && k < d->n_targets ? d->target + (size_t)k * d->n_rows : NULL;
}
size_t hpml_dataset_n_dropped(const hpml_dataset *d) { return d->n_dropped; }
int hpml_dataset_n_features(const hpml_dataset *d) { return d->n_features; }
hpml_task hpml_dataset_task(const hpml_dataset *d) { return d->task; }
const char *hpml_dataset_task_reason(const hpml_dataset *d) { return d->task_reason; }
const float *hpml_dataset_target(const hpml_dataset *d) { return d->target; }
int hpml_dataset_n_classes(const hpml_dataset *d) { return d->n_classes; }

const char *hpml_dataset_feature_name(const hpml_dataset *d, int j)
{
    if (j < 0 || j >= d->n_features)
        return NULL;
    if (d->like)
        return d->like->names[j];
    if (d->feat_names && d->feat_names[j])
        return d->feat_names[j];
    return dataset_feature_table(d, j)->cols[d->feat_cols[j]].name;
}

hpml_coltype hpml_dataset_feature_type(const hpml_dataset *d, int j)
{
    return j >= 0 && j < d->n_features ? dataset_feature_table(d, j)->cols[d->feat_cols[j]].type
                                       : HPML_COL_NUMERIC;
}

int32_t hpml_dataset_feature_n_categories(const hpml_dataset *d, int j)
{
    if (j < 0 || j >= d->n_features)
        return 0;
    if (d->like)
        return d->like->dicts[j].n;
    if (d->feat_dicts && d->feat_join[j] >= 0)
        return dataset_feature_dict(d, j)->n;
    return hpml_table_col_n_categories(dataset_feature_table(d, j), d->feat_cols[j]);
}

const char *hpml_dataset_class_label(const hpml_dataset *d, int k)
{
    return k >= 0 && k < d->n_classes ? d->class_labels[k] : NULL;
}

size_t hpml_dataset_class_count(const hpml_dataset *d, int k)
{
    return k >= 0 && k < d->n_classes ? d->class_counts[k] : 0;
}

size_t hpml_dataset_table_row(const hpml_dataset *d, size_t i) { return d->rows ? d->rows[i] : i; }

hpml_status hpml_dataset_gather(const hpml_dataset *d, int j, const uint32_t *rows, size_t n,
                                float *out)
{
    if (j < 0 || j >= d->n_features)
        return hpml_fail(HPML_ERR_ARG, "feature index %d out of range (dataset has %d)", j,
                         d->n_features);
    const table_column *col = &dataset_feature_table(d, j)->cols[d->feat_cols[j]];
    const int32_t *map = d->code_map ? d->code_map[j] : NULL;
    const int32_t *idx = d->feat_join && d->feat_join[j] >= 0 ? d->joins[d->feat_join[j]].idx
                                                               : NULL;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        if (r >= d->n_rows)
            return hpml_fail(HPML_ERR_ARG, "row %zu out of range (dataset has %zu rows)", r,
                             d->n_rows);
        size_t tr = d->rows ? d->rows[r] : r;
        if (!idx)
            out[i] = dataset_cell(col, map, tr);
        else
            out[i] = idx[tr] < 0 ? NAN : dataset_cell(col, map, (size_t)idx[tr]);
    }
    return HPML_OK;
}
