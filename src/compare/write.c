/* write.c — what a comparison leaves behind: the models, each model's test
 * predictions, compare.json and the summary table (hpml_compare_write,
 * hpml_compare_summary). The report is report.c's.
 *
 * compare.json (every number of the report):
 *   { "hpml_version", "command",
 *     "data":  { name, target, task, rows, dropped_rows, features, numeric,
 *                categorical, missing_values, classes: [{label, count}] |
 *                target_mean, target_sd },
 *     "split": { text, folds, noise: "bootstrap"|"folds", bootstrap,
 *                seed, rows: [{fold, train, valid, test, valid_lines}] },
 *     "metrics": [names of the task's metrics, in table order],
 *     "best": { metric: model name },
 *     "models": [ { name, kind, status: "ok"|"failed", error,
 *                   params: { name: value text },
 *                   metrics: { metric: {value, sd, lo, hi, best, diff,
 *                                       diff_lo, diff_hi, differs} },
 *                   train_seconds, predict_seconds, peak_rss_mib, model_bytes,
 *                   importance: { kind, rows, features: [{feature, value}]
 *                                 sorted by value, largest first },
 *                   folds: [ { fold, model_file, metrics: {metric: value},
 *                              train_seconds, predict_seconds, peak_rss_mib,
 *                              model_bytes, curve: {metric, train, valid},
 *                              test_lines: [data-file line of each test row] } ] } ],
 *     "total_seconds" }
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare/compare.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/text.h"
#include "io/atomic.h"

/* "NAME.hpml" or "NAME_foldK.hpml" (K from 1). */
static void model_file(const hpml_compare *c, const cmp_model *m, int f, char *buf, size_t len)
{
    if (c->n_folds > 1)
        snprintf(buf, len, "%s_fold%d.hpml", m->name, f + 1);
    else
        snprintf(buf, len, "%s.hpml", m->name);
}

/* ------------------------------------------------------------------ JSON */

static void key(text *t, const char *k)
{
    tx_json_str(t, k);
    tx_str(t, ": ");
}

static void num_field(text *t, const char *k, double v, int comma)
{
    key(t, k);
    tx_json_num(t, v);
    if (comma)
        tx_str(t, ", ");
}

static void str_field(text *t, const char *k, const char *v, int comma)
{
    key(t, k);
    tx_json_str(t, v);
    if (comma)
        tx_str(t, ", ");
}

static void stat_json(text *t, const cmp_stat *s)
{
    tx_str(t, "{");
    num_field(t, "value", s->value, 1);
    num_field(t, "sd", s->sd, 1);
    num_field(t, "lo", s->lo, 1);
    num_field(t, "hi", s->hi, 1);
    tx_printf(t, "\"best\": %s, ", s->best ? "true" : "false");
    num_field(t, "diff", s->diff, 1);
    num_field(t, "diff_lo", s->diff_lo, 1);
    num_field(t, "diff_hi", s->diff_hi, 1);
    tx_printf(t, "\"differs\": %s}", s->differs ? "true" : "false");
}

static void params_json(text *t, const cmp_model *m)
{
    const char *name, *help;
    char value[512];
    tx_str(t, "{");
    for (int i = 0; cmp_param_text(m, i, &name, &help, value, sizeof value); i++) {
        if (i)
            tx_str(t, ", ");
        key(t, name);
        tx_json_str(t, value);
    }
    tx_str(t, "}");
}

typedef struct ranked {
    int j;
    double v;
} ranked;

static int by_value_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? 1 : -1;
    return (x->j > y->j) - (x->j < y->j);
}

static void importance_json(text *t, const hpml_compare *c, const cmp_model *m)
{
    key(t, "importance");
    if (!m->importance) {
        tx_str(t, "null");
        return;
    }
    tx_str(t, "{");
    str_field(t, "kind", m->importance_kind, 1);
    str_field(t, "rows", m->importance_rows, 0);
    tx_str(t, ", \"features\": [");
    ranked *r = hpml_malloc_array(c->n_features ? (size_t)c->n_features : 1, sizeof *r);
    if (!r) {
        t->failed = 1;
        return;
    }
    for (int j = 0; j < c->n_features; j++)
        r[j] = (ranked){j, m->importance[j]};
    qsort(r, (size_t)c->n_features, sizeof *r, by_value_desc);
    for (int j = 0; j < c->n_features; j++) {
        tx_str(t, j ? ", {" : "{");
        str_field(t, "feature", c->feature_names[r[j].j], 1);
        num_field(t, "value", r[j].v, 0);
        tx_str(t, "}");
    }
    hpml_free(r);
    tx_str(t, "]}");
}

static void series_json(text *t, const double *v, int n)
{
    tx_str(t, "[");
    for (int i = 0; i < n; i++) {
        if (i)
            tx_str(t, ", ");
        tx_json_num(t, v[i]);
    }
    tx_str(t, "]");
}

static void fold_json(text *t, const hpml_compare *c, const cmp_model *m, int f,
                      const int *ks, int nk)
{
    const cmp_run *r = &m->runs[f];
    const cmp_fold *fo = &c->folds[f];
    char file[600];
    model_file(c, m, f, file, sizeof file);
    tx_printf(t, "{\"fold\": %d, ", f + 1);
    key(t, "model_file");
    if (r->ok)
        tx_json_str(t, file);
    else
        tx_str(t, "null");
    tx_str(t, ", \"metrics\": {");
    for (int i = 0; i < nk; i++)
        num_field(t, cmp_metrics[ks[i]].name, cmp_metric_get(&r->metrics, ks[i]), i + 1 < nk);
    tx_str(t, "}, ");
    num_field(t, "train_seconds", r->train_seconds, 1);
    num_field(t, "predict_seconds", r->predict_seconds, 1);
    num_field(t, "peak_rss_mib", r->peak_rss_bytes / 1048576.0, 1);
    num_field(t, "model_bytes", (double)r->model_bytes, 1);
    key(t, "curve");
    if (r->ok) {
        tx_str(t, "{");
        str_field(t, "metric", r->curve_metric ? r->curve_metric : "", 0);
        tx_str(t, ", \"train\": ");
        series_json(t, r->curve_train, r->n_rounds);
        tx_str(t, ", \"valid\": ");
        series_json(t, r->curve_valid, r->n_rounds);
        tx_str(t, "}");
    } else {
        tx_str(t, "null");
    }
    tx_str(t, ", \"test_lines\": [");
    for (size_t i = 0; i < fo->n_test; i++)
        tx_printf(t, i ? ", %llu" : "%llu", (unsigned long long)fo->test_lines[i]);
    tx_str(t, "]}");
}

static void model_json(text *t, const hpml_compare *c, const cmp_model *m, const int *ks, int nk)
{
    tx_str(t, "{");
    str_field(t, "name", m->name, 1);
    str_field(t, "kind", cmp_kind_name(m->kind), 0);
    tx_printf(t, ", \"status\": \"%s\", ", m->error ? "failed" : "ok");
    key(t, "error");
    if (m->error)
        tx_json_str(t, m->error);
    else
        tx_str(t, "null");
    tx_str(t, ", ");
    key(t, "params");
    params_json(t, m);
    tx_str(t, ", \"metrics\": {");
    for (int i = 0; i < nk; i++) {
        if (i)
            tx_str(t, ", ");
        key(t, cmp_metrics[ks[i]].name);
        stat_json(t, &m->stat[ks[i]]);
    }
    tx_str(t, "}, ");
    int ok = !m->error;
    num_field(t, "train_seconds", ok ? m->train_seconds : NAN, 1);
    num_field(t, "predict_seconds", ok ? m->predict_seconds : NAN, 1);
    num_field(t, "peak_rss_mib", ok ? m->peak_rss_bytes / 1048576.0 : NAN, 1);
    num_field(t, "model_bytes", ok ? (double)m->model_bytes : NAN, 1);
    importance_json(t, c, m);
    tx_str(t, ", \"folds\": [");
    for (int f = 0; f < c->n_folds; f++) {
        if (f)
            tx_str(t, ", ");
        fold_json(t, c, m, f, ks, nk);
    }
    tx_str(t, "]}");
}

static void compare_json(text *t, const hpml_compare *c)
{
    const int *ks;
    int nk = cmp_task_metrics(c->task, &ks);
    tx_str(t, "{");
    str_field(t, "hpml_version", hpml_version(), 1);
    str_field(t, "command", c->command, 0);
    tx_str(t, ",\n\"data\": {");
    str_field(t, "name", c->data_name, 1);
    str_field(t, "target", c->target, 1);
    str_field(t, "task", hpml_task_name(c->task), 1);
    num_field(t, "rows", (double)c->n_rows, 1);
    num_field(t, "dropped_rows", (double)c->n_dropped, 1);
    num_field(t, "features", c->n_features, 1);
    num_field(t, "numeric", c->n_numeric, 1);
    num_field(t, "categorical", c->n_categorical, 1);
    num_field(t, "missing_values", (double)c->n_missing, 1);
    if (c->task == HPML_TASK_REGRESSION) {
        num_field(t, "target_mean", c->target_mean, 1);
        num_field(t, "target_sd", c->target_sd, 0);
    } else {
        tx_str(t, "\"classes\": [");
        for (int k = 0; k < c->n_classes; k++) {
            tx_str(t, k ? ", {" : "{");
            str_field(t, "label", c->class_labels[k], 1);
            num_field(t, "count", (double)c->class_counts[k], 0);
            tx_str(t, "}");
        }
        tx_str(t, "]");
    }
    tx_str(t, "},\n\"split\": {");
    str_field(t, "text", c->split_text, 0);
    tx_printf(t, ", \"folds\": %d, \"noise\": \"%s\", ", c->n_folds,
              c->n_folds > 1 ? "folds" : "bootstrap");
    num_field(t, "bootstrap", c->n_folds > 1 ? 0 : c->bootstrap, 1);
    tx_printf(t, "\"seed\": %llu, \"rows\": [", (unsigned long long)c->seed);
    for (int f = 0; f < c->n_folds; f++) {
        const cmp_fold *fo = &c->folds[f];
        tx_printf(t, "%s{\"fold\": %d, \"train\": %zu, \"valid\": %zu, \"test\": %zu, "
                  "\"valid_lines\": [", f ? ", " : "", f + 1, fo->n_train, fo->n_valid,
                  fo->n_test);
        for (size_t i = 0; i < fo->n_valid; i++)
            tx_printf(t, i ? ", %llu" : "%llu", (unsigned long long)fo->valid_lines[i]);
        tx_str(t, "]}");
    }
    tx_str(t, "]},\n\"metrics\": [");
    for (int i = 0; i < nk; i++) {
        if (i)
            tx_str(t, ", ");
        tx_json_str(t, cmp_metrics[ks[i]].name);
    }
    tx_str(t, "],\n\"best\": {");
    int first = 1;
    for (int i = 0; i < nk; i++)
        for (int m = 0; m < c->n_models; m++)
            if (c->models[m].stat[ks[i]].best) {
                if (!first)
                    tx_str(t, ", ");
                first = 0;
                key(t, cmp_metrics[ks[i]].name);
                tx_json_str(t, c->models[m].name);
            }
    tx_str(t, "},\n\"models\": [");
    for (int m = 0; m < c->n_models; m++) {
        tx_str(t, m ? ",\n" : "\n");
        model_json(t, c, &c->models[m], ks, nk);
    }
    tx_str(t, "],\n");
    num_field(t, "total_seconds", c->total_seconds, 0);
    tx_str(t, "}\n");
}

/* ------------------------------------------------------------------ text */

/* A metric value with its noise as "0.8123 ±0.0110" or "0.8123 [0.79, 0.83]". */
static void stat_text(const cmp_stat *s, char *buf, size_t len)
{
    if (!isfinite(s->value))
        snprintf(buf, len, "-");
    else if (isfinite(s->sd))
        snprintf(buf, len, "%.4f ±%.4f", s->value, s->sd);
    else
        snprintf(buf, len, "%.4f", s->value);
}

static void summary_text(text *t, const hpml_compare *c)
{
    const int *ks;
    int nk = cmp_task_metrics(c->task, &ks);
    tx_printf(t, "hpml compare: %s: %zu rows", *c->data_name ? c->data_name : "data",
              c->n_rows);
    if (c->n_dropped)
        tx_printf(t, " (%zu dropped: target missing)", c->n_dropped);
    tx_printf(t, ", %d features (%d numeric, %d categorical), %zu missing values\n",
              c->n_features, c->n_numeric, c->n_categorical, c->n_missing);
    tx_printf(t, "task: %s of %s", hpml_task_name(c->task), c->target);
    if (c->task != HPML_TASK_REGRESSION)
        tx_printf(t, " (%d classes)", c->n_classes);
    tx_str(t, "\n");
    if (c->n_folds > 1)
        tx_printf(t, "split: %s, seed %llu; %d folds of ~%zu test rows\n", c->split_text,
                  (unsigned long long)c->seed, c->n_folds, c->folds[0].n_test);
    else
        tx_printf(t, "split: %s, seed %llu; %zu train, %zu valid, %zu test rows\n",
                  c->split_text, (unsigned long long)c->seed, c->folds[0].n_train,
                  c->folds[0].n_valid, c->folds[0].n_test);
    if (c->n_folds > 1)
        tx_printf(t, "noise: ± is the sd over the %d folds\n\n", c->n_folds);
    else if (c->bootstrap > 0)
        tx_printf(t, "noise: ± is the sd over %d bootstrap resamples of the test rows\n\n",
                  c->bootstrap);
    else
        tx_str(t, "noise: not estimated (--bootstrap 0)\n\n");

    int w = 6;
    for (int m = 0; m < c->n_models; m++)
        if ((int)strlen(c->models[m].name) > w)
            w = (int)strlen(c->models[m].name);
    tx_printf(t, "%-*s", w, "model");
    for (int i = 0; i < nk; i++)
        tx_printf(t, "  %-17s", cmp_metrics[ks[i]].name);
    tx_str(t, "  train s  predict s  peak MiB  model KiB\n");
    for (int m = 0; m < c->n_models; m++) {
        const cmp_model *mo = &c->models[m];
        tx_printf(t, "%-*s", w, mo->name);
        if (mo->error) {
            tx_printf(t, "  failed: %s\n", mo->error);
            continue;
        }
        for (int i = 0; i < nk; i++) {
            char b[64];
            const cmp_stat *s = &mo->stat[ks[i]];
            stat_text(s, b, sizeof b);
            tx_printf(t, "  %-15s%s", b, s->best ? " +" : s->differs ? " *" : "  ");
        }
        tx_printf(t, "  %7.2f  %9.3f  %8.0f  %9.1f\n", mo->train_seconds, mo->predict_seconds,
                  mo->peak_rss_bytes / 1048576.0, (double)mo->model_bytes / 1024.0);
    }
    tx_str(t, "\n+ best on the metric; * differs from the best by more than the noise (95% "
              "interval of the paired difference excludes 0); no mark: within the noise.\n");
    for (int i = 0; i < nk; i++) {
        int best = -1;
        for (int m = 0; m < c->n_models; m++)
            if (c->models[m].stat[ks[i]].best)
                best = m;
        if (best < 0)
            continue;
        tx_printf(t, "%s: best %s", cmp_metrics[ks[i]].name, c->models[best].name);
        for (int m = 0; m < c->n_models; m++) {
            const cmp_stat *s = &c->models[m].stat[ks[i]];
            if (m == best || c->models[m].error)
                continue;
            tx_printf(t, "; %s %+.4f", c->models[m].name, s->diff);
            if (isfinite(s->diff_lo))
                tx_printf(t, " [%+.4f, %+.4f] %s", s->diff_lo, s->diff_hi,
                          s->differs ? "beyond noise" : "within noise");
        }
        tx_str(t, "\n");
    }
}

hpml_status hpml_compare_summary(const hpml_compare *c, int json, char **out)
{
    if (!c || !out)
        return hpml_fail(HPML_ERR_ARG, "hpml_compare_summary: NULL argument");
    *out = NULL;
    text t = {0};
    if (json)
        compare_json(&t, c);
    else
        summary_text(&t, c);
    hpml_status st = tx_status(&t);
    if (st != HPML_OK) {
        tx_free(&t);
        return st;
    }
    /* handed over with the C library's allocator: the caller frees with free() */
    *out = malloc(t.len + 1);
    if (!*out) {
        tx_free(&t);
        return hpml_fail(HPML_ERR_NOMEM, "out of memory for the summary");
    }
    memcpy(*out, t.data ? t.data : "", t.len + 1);
    if (!t.data)
        (*out)[0] = '\0';
    tx_free(&t);
    return HPML_OK;
}

/* ------------------------------------------------------------- the files */

static void csv_field(text *t, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        tx_str(t, s);
        return;
    }
    tx_str(t, "\"");
    for (; *s; s++) {
        if (*s == '"')
            tx_str(t, "\"\"");
        else
            tx_put(t, s, 1);
    }
    tx_str(t, "\"");
}

static hpml_status write_predictions(const hpml_compare *c, const cmp_model *m, const char *path)
{
    text t = {0};
    int cls = c->task != HPML_TASK_REGRESSION;
    tx_str(&t, "fold,line,true,predicted");
    for (int k = 0; cls && k < c->n_classes; k++) {
        tx_str(&t, ",");
        char name[600];
        snprintf(name, sizeof name, "prob_%s", c->class_labels[k]);
        csv_field(&t, name);
    }
    tx_str(&t, "\n");
    for (int f = 0; f < c->n_folds; f++) {
        const cmp_fold *fo = &c->folds[f];
        const float *p = m->runs[f].pred;
        for (size_t i = 0; i < fo->n_test; i++) {
            tx_printf(&t, "%d,%llu,", f + 1, (unsigned long long)fo->test_lines[i]);
            if (!cls) {
                tx_printf(&t, "%.9g,%.9g\n", (double)fo->y_test[i], (double)p[i]);
                continue;
            }
            csv_field(&t, c->class_labels[(int)fo->y_test[i]]);
            tx_str(&t, ",");
            int best = 0;
            if (c->n_outputs == 1) {
                best = p[i] >= 0.5f;
            } else {
                for (int k = 1; k < c->n_outputs; k++)
                    if (p[i * (size_t)c->n_outputs + (size_t)k] >
                        p[i * (size_t)c->n_outputs + (size_t)best])
                        best = k;
            }
            csv_field(&t, c->class_labels[best]);
            for (int k = 0; k < c->n_classes; k++) {
                double v = c->n_outputs == 1 ? (k == 1 ? p[i] : 1.0 - p[i])
                                             : p[i * (size_t)c->n_outputs + (size_t)k];
                tx_printf(&t, ",%.9g", v);
            }
            tx_str(&t, "\n");
        }
    }
    hpml_status st = tx_status(&t);
    if (st == HPML_OK)
        st = atomic_write_file(path, t.data, t.len);
    tx_free(&t);
    return st;
}

/* Creates dir and its parents as needed. */
static hpml_status make_dir(const char *dir)
{
    char *p = hpml_strdup(dir);
    if (!p)
        return HPML_ERR_NOMEM;
    hpml_status st = HPML_OK;
    for (char *s = p + 1;; s++) {
        char ch = *s;
        if (ch != '/' && ch != '\0')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            st = hpml_fail(HPML_ERR_IO, "%s: cannot create the directory: %s", p,
                           strerror(errno));
        *s = ch;
        if (st != HPML_OK || ch == '\0')
            break;
    }
    struct stat sb;
    if (st == HPML_OK && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        st = hpml_fail(HPML_ERR_IO, "%s: not a directory", dir);
    hpml_free(p);
    return st;
}

hpml_status hpml_compare_write(const hpml_compare *c, const char *dir)
{
    if (!c || !dir || !*dir)
        return hpml_fail(HPML_ERR_ARG, "hpml_compare_write: NULL argument");
    hpml_status st = make_dir(dir);
    size_t cap = strlen(dir) + 700;
    char *path = hpml_malloc(cap);
    if (st == HPML_OK && !path)
        st = HPML_ERR_NOMEM;
    for (int m = 0; st == HPML_OK && m < c->n_models; m++) {
        const cmp_model *mo = &c->models[m];
        if (mo->error)
            continue;
        for (int f = 0; st == HPML_OK && f < c->n_folds; f++) {
            char file[600];
            model_file(c, mo, f, file, sizeof file);
            snprintf(path, cap, "%s/%s", dir, file);
            st = hpml_model_save(mo->runs[f].model, path);
        }
        snprintf(path, cap, "%s/predictions_%s.csv", dir, mo->name);
        if (st == HPML_OK)
            st = write_predictions(c, mo, path);
    }
    if (st == HPML_OK) {
        text t = {0};
        compare_json(&t, c);
        snprintf(path, cap, "%s/compare.json", dir);
        if ((st = tx_status(&t)) == HPML_OK)
            st = atomic_write_file(path, t.data, t.len);
        tx_free(&t);
    }
    if (st == HPML_OK) {
        snprintf(path, cap, "%s/report.html", dir);
        st = cmp_write_report(c, path);
    }
    hpml_free(path);
    if (st == HPML_ERR_NOMEM)
        hpml_fail(st, "out of memory writing the comparison");
    return st;
}
