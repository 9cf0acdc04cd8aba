/* compare.c — training every model on every fold of one split and measuring
 * it on the fold's test rows (hpml_compare_run), and the handle's accessors. */
#include "compare/compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/rss.h"
#include "data/dataset.h"
#include "io/model.h"

#include <omp.h>

const cmp_metric_info cmp_metrics[CMP_N_METRICS] = {
    [CMP_RMSE] = {"rmse", "RMSE", 0, "root mean squared error: the typical size of an error, in "
                  "the target's units; large errors count more. Lower is better."},
    [CMP_MAE] = {"mae", "MAE", 0, "mean absolute error, in the target's units. Lower is better."},
    [CMP_R2] = {"r2", "R\xC2\xB2", 1, "the share of the target's variance the model explains: 1 "
                "is perfect, 0 is no better than always predicting the mean, below 0 is worse."},
    [CMP_PEARSON] = {"pearson", "Pearson r", 1, "linear correlation of predicted and true values "
                     "(1: on a straight line)."},
    [CMP_SPEARMAN] = {"spearman", "Spearman \xCF\x81", 1, "rank correlation: whether the "
                      "predictions put the rows in the right order (1: the same order)."},
    [CMP_AUC] = {"auc", "AUC", 1, "area under the ROC curve: the chance that a row of a class "
                 "gets a higher score for it than a row of another class; 0.5 is guessing, 1 is "
                 "perfect (several classes: the mean over one-vs-rest)."},
    [CMP_LOGLOSS] = {"logloss", "log-loss", 0, "how much probability the model gave to the true "
                     "class (minus the mean log); confident mistakes cost most. Lower is better."},
    [CMP_ACCURACY] = {"accuracy", "accuracy", 1, "the share of rows whose most probable class is "
                      "the true one."},
    [CMP_MACRO_F1] = {"macro_f1", "macro-F1", 1, "F1 (the balance of precision and recall) of "
                      "each class, averaged with the same weight for every class, so rare "
                      "classes count as much as common ones."},
};

double cmp_metric_get(const hpml_metrics *m, int k)
{
    const double v[CMP_N_METRICS] = {m->rmse, m->mae,     m->r2,       m->pearson, m->spearman,
                                     m->auc,  m->logloss, m->accuracy, m->macro_f1};
    return v[k];
}

int cmp_task_metrics(hpml_task task, const int **order)
{
    static const int reg[] = {CMP_R2, CMP_RMSE, CMP_MAE, CMP_PEARSON, CMP_SPEARMAN};
    static const int cls[] = {CMP_AUC, CMP_LOGLOSS, CMP_ACCURACY, CMP_MACRO_F1};
    *order = task == HPML_TASK_REGRESSION ? reg : cls;
    return task == HPML_TASK_REGRESSION ? 5 : 4;
}

const char *cmp_kind_name(hpml_model_kind kind)
{
    return kind == HPML_MODEL_GBDT ? "gbdt" : kind == HPML_MODEL_CNN ? "cnn" : "mlp";
}

int cmp_param_text(const cmp_model *m, int i, const char **name, const char **help, char *value,
                   size_t len)
{
    const char *aliases;
    if (m->kind == HPML_MODEL_GBDT)
        return hpml_gbdt_param_info(i, name, &aliases, help) &&
               hpml_gbdt_param_value(&m->gbdt, i, value, len);
    return hpml_nn_param_info(i, name, &aliases, help) &&
           hpml_nn_param_value(&m->nn, i, value, len);
}

static void metrics_nan(hpml_metrics *m)
{
    m->rmse = m->mae = m->r2 = m->pearson = m->spearman = NAN;
    m->auc = m->logloss = m->accuracy = m->macro_f1 = NAN;
}

void hpml_compare_spec_init(hpml_compare_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->bootstrap = 1000;
    spec->importance_rows = 2000;
    spec->importance_repeats = 3;
}

void hpml_compare_free(hpml_compare *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n_models; i++) {
        cmp_model *m = &c->models[i];
        for (int f = 0; m->runs && f < c->n_folds; f++) {
            hpml_model_free(m->runs[f].model);
            hpml_free(m->runs[f].pred);
        }
        hpml_free(m->runs);
        hpml_free(m->name);
        hpml_free(m->error);
        hpml_free(m->importance);
    }
    hpml_free(c->models);
    for (int f = 0; c->folds && f < c->n_folds; f++) {
        cmp_fold *fo = &c->folds[f];
        hpml_free(fo->train);
        hpml_free(fo->valid);
        hpml_free(fo->test);
        hpml_free(fo->y_test);
        hpml_free(fo->test_lines);
        hpml_free(fo->valid_lines);
    }
    hpml_free(c->folds);
    for (int k = 0; c->class_labels && k < c->n_classes; k++)
        hpml_free(c->class_labels[k]);
    hpml_free(c->class_labels);
    hpml_free(c->class_counts);
    for (int j = 0; c->feature_names && j < c->n_features; j++)
        hpml_free(c->feature_names[j]);
    hpml_free(c->feature_names);
    hpml_free(c->data_name);
    hpml_free(c->split_text);
    hpml_free(c->command);
    hpml_free(c->target);
    hpml_free(c);
}

/* ------------------------------------------------------------- arguments */

static hpml_status check_spec(const hpml_compare_spec *spec)
{
    if (spec->n_models < 1 || !spec->models)
        return hpml_fail(HPML_ERR_ARG, "compare: at least one model is required");
    if (spec->bootstrap < 0 || spec->importance_rows < 0 || spec->importance_repeats < 0 ||
        spec->threads < 0)
        return hpml_fail(HPML_ERR_ARG, "compare: bootstrap, importance_rows, "
                                       "importance_repeats and threads must be >= 0");
    for (int i = 0; i < spec->n_models; i++) {
        const hpml_compare_entry *e = &spec->models[i];
        if (!e->name || !*e->name)
            return hpml_fail(HPML_ERR_ARG, "compare: model %d has no name", i + 1);
        for (const char *p = e->name; *p; p++)
            if (*p == '/' || *p == '\\')
                return hpml_fail(HPML_ERR_ARG, "compare: model name '%s' may not contain a "
                                 "path separator", e->name);
        for (int k = 0; k < i; k++)
            if (strcmp(spec->models[k].name, e->name) == 0)
                return hpml_fail(HPML_ERR_ARG, "compare: two models are named '%s'", e->name);
        hpml_status st;
        if (e->kind == HPML_MODEL_GBDT) {
            if (!e->gbdt)
                return hpml_fail(HPML_ERR_ARG, "compare: model '%s' has no GBDT parameters",
                                 e->name);
            st = hpml_gbdt_params_check(e->gbdt);
        } else if (e->kind == HPML_MODEL_MLP || e->kind == HPML_MODEL_CNN) {
            if (!e->nn)
                return hpml_fail(HPML_ERR_ARG, "compare: model '%s' has no net parameters",
                                 e->name);
            st = hpml_nn_params_check(e->nn);
        } else {
            return hpml_fail(HPML_ERR_ARG, "compare: model '%s' has an unknown kind %d", e->name,
                             (int)e->kind);
        }
        if (st != HPML_OK)
            return hpml_fail(st, "model '%s': %s", e->name, hpml_last_error());
    }
    return HPML_OK;
}

/* ---------------------------------------------------------- data summary */

static char *dup_or_empty(const char *s) { return hpml_strdup(s ? s : ""); }

/* Adds the missing values of feature j, of a joined table, over all rows
 * to *n: each dimension row's value is read once and counted for its rows
 * (uses[t][r]: rows with dimension row r; [n_dim]: rows without one;
 * computed at the first feature of join t). */
static hpml_status missing_joined(const hpml_dataset *d, int j, size_t **uses, size_t *n)
{
    int t = hpml_dataset_feature_join(d, j);
    size_t nd = hpml_dataset_join_n_rows(d, t), nr = hpml_dataset_n_rows(d);
    if (!uses[t]) {
        if (!(uses[t] = hpml_malloc_array(nd + 1, sizeof *uses[t])))
            return HPML_ERR_NOMEM;
        hpml_status st = hpml_dataset_join_counts(d, t, NULL, nr, uses[t]);
        if (st != HPML_OK)
            return st;
    }
    float *v = hpml_malloc_array(nd ? nd : 1, sizeof *v);
    if (!v)
        return HPML_ERR_NOMEM;
    hpml_status st = hpml_dataset_gather_dim(d, j, NULL, nd, v);
    for (size_t r = 0; st == HPML_OK && r < nd; r++)
        *n += isnan(v[r]) ? uses[t][r] : 0;
    *n += uses[t][nd];
    hpml_free(v);
    return st;
}

static hpml_status describe_data(hpml_compare *c, const hpml_dataset *d,
                                 const hpml_compare_spec *spec)
{
    c->data_name = dup_or_empty(spec->data_name);
    c->split_text = dup_or_empty(spec->split_text);
    c->command = dup_or_empty(spec->command);
    c->target = hpml_strdup(hpml_dataset_target_name(d));
    if (!c->data_name || !c->split_text || !c->command || !c->target)
        return HPML_ERR_NOMEM;
    c->task = hpml_dataset_task(d);
    c->n_rows = hpml_dataset_n_rows(d);
    c->n_dropped = hpml_dataset_n_dropped(d);
    c->n_features = hpml_dataset_n_features(d);
    c->n_classes = hpml_dataset_n_classes(d);
    c->n_outputs = c->task == HPML_TASK_MULTICLASS ? c->n_classes : 1;
    if (c->n_classes > 0) {
        c->class_labels = hpml_calloc((size_t)c->n_classes, sizeof *c->class_labels);
        c->class_counts = hpml_calloc((size_t)c->n_classes, sizeof *c->class_counts);
        if (!c->class_labels || !c->class_counts)
            return HPML_ERR_NOMEM;
        for (int k = 0; k < c->n_classes; k++) {
            if (!(c->class_labels[k] = hpml_strdup(hpml_dataset_class_label(d, k))))
                return HPML_ERR_NOMEM;
            c->class_counts[k] = hpml_dataset_class_count(d, k);
        }
    } else {
        const float *y = hpml_dataset_target(d);
        double s = 0, ss = 0;
        for (size_t i = 0; i < c->n_rows; i++)
            s += y[i];
        c->target_mean = c->n_rows ? s / (double)c->n_rows : NAN;
        for (size_t i = 0; i < c->n_rows; i++)
            ss += ((double)y[i] - c->target_mean) * ((double)y[i] - c->target_mean);
        c->target_sd = c->n_rows > 1 ? sqrt(ss / (double)(c->n_rows - 1)) : NAN;
    }
    c->feature_names = hpml_calloc((size_t)c->n_features, sizeof *c->feature_names);
    if (!c->feature_names && c->n_features)
        return HPML_ERR_NOMEM;
    float *col = hpml_malloc_array(c->n_rows ? c->n_rows : 1, sizeof *col);
    size_t **uses = hpml_calloc((size_t)hpml_dataset_n_joins(d) + 1, sizeof *uses);
    if (!col || !uses) {
        hpml_free(col);
        hpml_free(uses);
        return HPML_ERR_NOMEM;
    }
    hpml_status st = HPML_OK;
    for (int j = 0; j < c->n_features && st == HPML_OK; j++) {
        if (!(c->feature_names[j] = hpml_strdup(hpml_dataset_feature_name(d, j)))) {
            st = HPML_ERR_NOMEM;
            break;
        }
        if (hpml_dataset_feature_type(d, j) == HPML_COL_CATEGORICAL)
            c->n_categorical++;
        else
            c->n_numeric++;
        if (hpml_dataset_feature_join(d, j) < 0) {
            if ((st = hpml_dataset_gather(d, j, NULL, c->n_rows, col)) != HPML_OK)
                break;
            for (size_t i = 0; i < c->n_rows; i++)
                c->n_missing += isnan(col[i]);
        } else {
            st = missing_joined(d, j, uses, &c->n_missing);
        }
    }
    for (int t = 0; t < hpml_dataset_n_joins(d); t++)
        hpml_free(uses[t]);
    hpml_free(uses);
    hpml_free(col);
    return st;
}

static uint32_t *copy_rows(const uint32_t *r, size_t n)
{
    uint32_t *p = hpml_malloc_array(n ? n : 1, sizeof *p);
    if (p && n)
        memcpy(p, r, n * sizeof *p);
    return p;
}

static hpml_status copy_folds(hpml_compare *c, const hpml_dataset *d, const hpml_split *s)
{
    c->n_folds = hpml_split_n_folds(s);
    c->folds = hpml_calloc((size_t)c->n_folds, sizeof *c->folds);
    if (!c->folds)
        return HPML_ERR_NOMEM;
    const float *y = hpml_dataset_target(d);
    for (int f = 0; f < c->n_folds; f++) {
        cmp_fold *fo = &c->folds[f];
        const uint32_t *tr = hpml_split_rows(s, f, HPML_PART_TRAIN, &fo->n_train);
        const uint32_t *va = hpml_split_rows(s, f, HPML_PART_VALID, &fo->n_valid);
        const uint32_t *te = hpml_split_rows(s, f, HPML_PART_TEST, &fo->n_test);
        if (fo->n_train == 0 || fo->n_test == 0)
            return hpml_fail(HPML_ERR_ARG, "compare: fold %d has no %s rows", f + 1,
                             fo->n_train ? "test" : "training");
        fo->train = copy_rows(tr, fo->n_train);
        fo->valid = copy_rows(va, fo->n_valid);
        fo->test = copy_rows(te, fo->n_test);
        fo->y_test = hpml_malloc_array(fo->n_test, sizeof *fo->y_test);
        fo->test_lines = hpml_malloc_array(fo->n_test, sizeof *fo->test_lines);
        fo->valid_lines = hpml_malloc_array(fo->n_valid ? fo->n_valid : 1,
                                            sizeof *fo->valid_lines);
        if (!fo->train || !fo->valid || !fo->test || !fo->y_test || !fo->test_lines ||
            !fo->valid_lines)
            return HPML_ERR_NOMEM;
        for (size_t i = 0; i < fo->n_valid; i++) {
            if (fo->valid[i] >= c->n_rows)
                return hpml_fail(HPML_ERR_ARG, "compare: the split does not belong to this "
                                 "dataset (row %u of %zu)", fo->valid[i], c->n_rows);
            fo->valid_lines[i] =
                hpml_table_row_line(d->t, hpml_dataset_table_row(d, fo->valid[i]));
        }
        for (size_t i = 0; i < fo->n_test; i++) {
            if (fo->test[i] >= c->n_rows)
                return hpml_fail(HPML_ERR_ARG, "compare: the split does not belong to this "
                                 "dataset (row %u of %zu)", fo->test[i], c->n_rows);
            fo->y_test[i] = y[fo->test[i]];
            fo->test_lines[i] = hpml_table_row_line(d->t, hpml_dataset_table_row(d, fo->test[i]));
        }
    }
    return HPML_OK;
}

/* ---------------------------------------------------------------- a run */

static char *failure_text(const hpml_compare *c, int fold, const char *what)
{
    char buf[1024];
    if (c->n_folds > 1)
        snprintf(buf, sizeof buf, "fold %d: %s", fold + 1, what);
    else
        snprintf(buf, sizeof buf, "%s", what);
    return hpml_strdup(buf);
}

/* Trains model m on fold f and measures it. A failure of the learner is
 * recorded in m->error (returns HPML_OK); only bookkeeping failures return
 * an error. */
static hpml_status run_one(hpml_compare *c, const hpml_dataset *d, cmp_model *m, int f)
{
    cmp_fold *fo = &c->folds[f];
    cmp_run *r = &m->runs[f];
    const hpml_dataset *vd = fo->n_valid ? d : NULL;
    rss_peak_reset();
    double t0 = omp_get_wtime();
    hpml_status st = m->kind == HPML_MODEL_GBDT
                         ? hpml_gbdt_train(d, fo->train, fo->n_train, vd, fo->valid, fo->n_valid,
                                           &m->gbdt, &r->model)
                         : hpml_nn_train(d, fo->train, fo->n_train, vd, fo->valid, fo->n_valid,
                                         &m->nn, &r->model);
    double t1 = omp_get_wtime();
    r->peak_rss_bytes = rss_peak_bytes();
    r->train_seconds = t1 - t0;
    if (st == HPML_OK) {
        hpml_model_set_threads(r->model, c->threads);
        r->pred = hpml_malloc_array(fo->n_test, (size_t)c->n_outputs * sizeof *r->pred);
        if (!r->pred)
            return HPML_ERR_NOMEM;
        double t2 = omp_get_wtime();
        st = hpml_model_predict_dataset(r->model, d, fo->test, fo->n_test, r->pred);
        r->predict_seconds = omp_get_wtime() - t2;
    }
    if (st == HPML_OK) {
        size_t n = fo->n_test * (size_t)c->n_outputs;
        for (size_t i = 0; i < n; i++)
            if (!isfinite(r->pred[i])) {
                st = hpml_fail(HPML_ERR_DATA, "the model predicts non-finite values (it "
                               "diverged)");
                break;
            }
    }
    if (st == HPML_OK)
        st = hpml_metrics_compute(c->task, c->n_classes, fo->y_test, r->pred, fo->n_test,
                                  &r->metrics);
    if (st == HPML_OK)
        st = model_file_size(r->model, &r->model_bytes);
    if (st != HPML_OK) {
        if (!(m->error = failure_text(c, f, hpml_last_error())))
            return HPML_ERR_NOMEM;
        return HPML_OK;
    }
    r->ok = 1;
    hpml_model_history(r->model, &r->n_rounds, &r->curve_metric, &r->curve_train,
                       &r->curve_valid);
    return HPML_OK;
}

static int keep_going(const hpml_progress *p, void *user)
{
    (void)p;
    (void)user;
    return 0;
}

/* Importance of model m, mean over its folds: trees' gain shares, nets'
 * permutation importance on each fold's validation rows (test rows when the
 * split has none). */
static hpml_status importance_of(hpml_compare *c, const hpml_dataset *d, cmp_model *m,
                                 const hpml_compare_spec *spec)
{
    int nf = c->n_features;
    m->importance = hpml_calloc(nf ? (size_t)nf : 1, sizeof *m->importance);
    double *one = hpml_calloc(nf ? (size_t)nf : 1, sizeof *one);
    hpml_status st = m->importance && one ? HPML_OK : HPML_ERR_NOMEM;
    int gain = m->kind == HPML_MODEL_GBDT;
    m->importance_kind = gain ? "gain" : "permutation";
    m->importance_rows = gain ? "training rows" : c->folds[0].n_valid ? "validation rows"
                                                                      : "test rows";
    for (int f = 0; f < c->n_folds && st == HPML_OK; f++) {
        const cmp_fold *fo = &c->folds[f];
        const hpml_model *model = m->runs[f].model;
        if (gain) {
            if ((st = hpml_model_importance(model, HPML_IMPORTANCE_GAIN, one)) != HPML_OK)
                break;
            double sum = 0;
            for (int j = 0; j < nf; j++)
                sum += one[j];
            for (int j = 0; j < nf; j++)
                one[j] = sum > 0 ? one[j] / sum : 0;
        } else {
            const uint32_t *rows = fo->n_valid ? fo->valid : fo->test;
            size_t n = fo->n_valid ? fo->n_valid : fo->n_test;
            /* an MLP does about one multiply-add per parameter (4 bytes
             * each in the file) per row; a CNN more, but the same order */
            double macs = (double)m->runs[f].model_bytes / 4.0;
            st = cmp_permutation_importance(model, d, rows, n, (size_t)spec->importance_rows,
                                            spec->importance_repeats, macs,
                                            hpml_mix64(spec->seed ^ (0x1395ull + (uint64_t)f)),
                                            one);
            if (st != HPML_OK)
                break;
        }
        for (int j = 0; j < nf; j++)
            m->importance[j] += one[j] / c->n_folds;
    }
    hpml_free(one);
    return st;
}

static void sum_runs(const hpml_compare *c, cmp_model *m)
{
    double bytes = 0;
    m->peak_rss_bytes = 0;
    for (int f = 0; f < c->n_folds; f++) {
        const cmp_run *r = &m->runs[f];
        m->train_seconds += r->train_seconds;
        m->predict_seconds += r->predict_seconds;
        if (isnan(r->peak_rss_bytes))
            m->peak_rss_bytes = NAN;
        else if (r->peak_rss_bytes > m->peak_rss_bytes)
            m->peak_rss_bytes = r->peak_rss_bytes;
        bytes += (double)r->model_bytes;
    }
    m->model_bytes = (size_t)llround(bytes / c->n_folds);
}

hpml_status hpml_compare_run(const hpml_dataset *d, const hpml_split *s,
                             const hpml_compare_spec *spec, hpml_compare **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_compare_run: out is NULL");
    *out = NULL;
    if (!d || !s || !spec)
        return hpml_fail(HPML_ERR_ARG, "hpml_compare_run: NULL argument");
    hpml_status st = check_spec(spec);
    if (st != HPML_OK)
        return st;
    if (hpml_dataset_n_targets(d) != 1)
        return hpml_fail(HPML_ERR_ARG, "compare takes one target; the data set has %d (compare "
                         "them one at a time)", hpml_dataset_n_targets(d));
    double t0 = omp_get_wtime();
    hpml_compare *c = hpml_calloc(1, sizeof *c);
    if (!c)
        return HPML_ERR_NOMEM;
    c->seed = spec->seed;
    c->bootstrap = spec->bootstrap;
    c->threads = spec->threads;
    if ((st = describe_data(c, d, spec)) != HPML_OK || (st = copy_folds(c, d, s)) != HPML_OK)
        goto fail;
    c->models = hpml_calloc((size_t)spec->n_models, sizeof *c->models);
    if (!c->models) {
        st = HPML_ERR_NOMEM;
        goto fail;
    }
    c->n_models = spec->n_models;
    for (int i = 0; i < c->n_models; i++) {
        const hpml_compare_entry *e = &spec->models[i];
        cmp_model *m = &c->models[i];
        m->kind = e->kind;
        m->name = hpml_strdup(e->name);
        m->runs = hpml_calloc((size_t)c->n_folds, sizeof *m->runs);
        if (!m->name || !m->runs) {
            st = HPML_ERR_NOMEM;
            goto fail;
        }
        if (e->kind == HPML_MODEL_GBDT) {
            m->gbdt = *e->gbdt;
            m->gbdt.threads = spec->threads;
            m->gbdt.dist = spec->dist;
            m->gbdt.progress = keep_going; /* trees compute the training curve only then */
            m->gbdt.progress_user = NULL;
        } else {
            m->nn = *e->nn;
            m->nn.threads = spec->threads;
            m->nn.dist = spec->dist;
            m->nn.progress = NULL;
            m->nn.progress_user = NULL;
        }
        for (int f = 0; f < c->n_folds; f++)
            metrics_nan(&m->runs[f].metrics);
    }
    for (int i = 0; i < c->n_models; i++) {
        cmp_model *m = &c->models[i];
        for (int f = 0; f < c->n_folds && !m->error; f++) {
            if (spec->progress)
                spec->progress(m->name, f, c->n_folds, spec->progress_user);
            if ((st = run_one(c, d, m, f)) != HPML_OK)
                goto fail;
        }
        if (m->error) {
            /* a model is compared on every fold or not at all */
            for (int f = 0; f < c->n_folds; f++) {
                cmp_run *r = &m->runs[f];
                hpml_model_free(r->model);
                r->model = NULL;
                hpml_free(r->pred);
                r->pred = NULL;
                r->ok = 0;
                r->n_rounds = 0;
                r->curve_train = r->curve_valid = NULL;
                metrics_nan(&r->metrics);
            }
            continue;
        }
        sum_runs(c, m);
        if ((st = importance_of(c, d, m, spec)) != HPML_OK)
            goto fail;
    }
    if ((st = cmp_estimate(c)) != HPML_OK)
        goto fail;
    c->total_seconds = omp_get_wtime() - t0;
    *out = c;
    return HPML_OK;
fail:
    if (st == HPML_ERR_NOMEM)
        hpml_fail(st, "out of memory comparing models");
    hpml_compare_free(c);
    return st;
}

/* ------------------------------------------------------------ accessors */

int hpml_compare_n_models(const hpml_compare *c) { return c ? c->n_models : 0; }
int hpml_compare_n_folds(const hpml_compare *c) { return c ? c->n_folds : 0; }

const char *hpml_compare_model_name(const hpml_compare *c, int i)
{
    return c && i >= 0 && i < c->n_models ? c->models[i].name : NULL;
}

const char *hpml_compare_model_error(const hpml_compare *c, int i)
{
    return c && i >= 0 && i < c->n_models ? c->models[i].error : NULL;
}

const hpml_model *hpml_compare_model(const hpml_compare *c, int i, int fold)
{
    if (!c || i < 0 || i >= c->n_models || fold < 0 || fold >= c->n_folds)
        return NULL;
    return c->models[i].runs[fold].model;
}

hpml_status hpml_compare_metrics(const hpml_compare *c, int i, int fold, hpml_metrics *out)
{
    if (!c || !out || i < 0 || i >= c->n_models || fold < -1 || fold >= c->n_folds)
        return hpml_fail(HPML_ERR_ARG, "hpml_compare_metrics: no model %d / fold %d", i, fold);
    const cmp_model *m = &c->models[i];
    if (fold >= 0) {
        *out = m->runs[fold].metrics;
        return HPML_OK;
    }
    double v[CMP_N_METRICS];
    for (int k = 0; k < CMP_N_METRICS; k++) {
        v[k] = 0;
        for (int f = 0; f < c->n_folds; f++)
            v[k] += cmp_metric_get(&m->runs[f].metrics, k) / c->n_folds;
    }
    *out = (hpml_metrics){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
    return HPML_OK;
}
