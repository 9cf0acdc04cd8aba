/* report.c — the self-contained HTML report of `hpml compare`.
 *
 * One HTML5 file a scientist can attach to an e-mail: inline CSS and inline
 * SVG figures (io/svg.c), no scripts, nothing fetched from the network. It
 * reads only the results (compare.h) and writes the same bytes for the same
 * results: no dates, no addresses, a fixed order everywhere. In order:
 *   the question and the short answer (best model on the main metric, and
 *     whether each other model differs by more than the noise);
 *   the data and the split;
 *   the metrics table (id "metrics") and what the uncertainty means;
 *   per model: predicted vs true (ROC curves for classes), residuals,
 *     learning curve, top-20 importance (ids pred-, resid-, curve-, imp-
 *     followed by the model's name, characters other than letters, digits,
 *     '-' and '_' replaced by '_'), or the error of a failed model;
 *   time and memory (ids "time" and "memory");
 *   the configuration: the command and every parameter of every model.
 * The document is built in a text buffer whose failure is checked once, then
 * written with atomic_write_file.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/compare.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/text.h"
#include "io/atomic.h"
#include "io/svg.h"

#define DASH "\xE2\x80\x93" /* "–": a number that is not there */
#define TOP_FEATURES 20
#define MAX_ROC_CLASSES 8

/* ------------------------------------------------------------- metrics */

static int failed(const cmp_model *m) { return m->error != NULL; }

/* ------------------------------------------------------------- numbers */

/* v with about `sig` significant digits, without an exponent from 0.001 to
 * a million; "–" when not finite. */
static void num_text(double v, int sig, char *buf, size_t len)
{
    double a = fabs(v);
    if (!isfinite(v))
        snprintf(buf, len, DASH);
    else if (a == 0)
        snprintf(buf, len, "0");
    else if (a >= 1e-3 && a < 1e6) {
        int dec = sig - 1 - (int)floor(log10(a));
        snprintf(buf, len, "%.*f", dec > 0 ? dec : 0, v);
    } else
        snprintf(buf, len, "%.*g", sig, v);
}

static void put_num(text *t, double v, int sig)
{
    char b[48];
    num_text(v, sig, b, sizeof b);
    tx_str(t, b);
}

static void seconds_text(double s, char *buf, size_t len)
{
    char n[48];
    if (!isfinite(s)) {
        snprintf(buf, len, DASH);
    } else if (s < 1) {
        num_text(s * 1000, 3, n, sizeof n);
        snprintf(buf, len, "%s ms", n);
    } else if (s < 120) {
        num_text(s, 3, n, sizeof n);
        snprintf(buf, len, "%s s", n);
    } else {
        num_text(s / 60, 3, n, sizeof n);
        snprintf(buf, len, "%s min", n);
    }
}

/* A unit for bytes up to `max`: the divisor and its name. */
static double bytes_unit(double max, const char **unit)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int k = 0;
    while (k < 4 && max >= pow(1024, k + 1))
        k++;
    *unit = units[k];
    return pow(1024, k);
}

static void bytes_text(double b, char *buf, size_t len)
{
    if (!isfinite(b)) {
        snprintf(buf, len, DASH);
        return;
    }
    const char *u;
    double d = bytes_unit(b, &u);
    char n[48];
    num_text(b / d, 3, n, sizeof n);
    snprintf(buf, len, "%s %s", n, u);
}

static void put_seconds(text *t, double s)
{
    char b[64];
    seconds_text(s, b, sizeof b);
    tx_str(t, b);
}

static void put_bytes(text *t, double v)
{
    char b[64];
    bytes_text(v, b, sizeof b);
    tx_str(t, b);
}

/* n with commas between thousands ("12,345"). */
static void put_count(text *t, size_t n)
{
    char d[32], out[48];
    int len = snprintf(d, sizeof d, "%zu", n), j = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[j++] = ',';
        out[j++] = d[i];
    }
    out[j] = '\0';
    tx_str(t, out);
}

/* The id of a figure: prefix and the model's name, with characters other
 * than [A-Za-z0-9_-] as '_'. */
static void make_id(char *buf, size_t len, const char *prefix, const char *name)
{
    int n = snprintf(buf, len, "%s", prefix);
    for (const char *s = name; *s && (size_t)n + 1 < len; s++) {
        char ch = *s;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_';
        buf[n++] = ok ? ch : '_';
    }
    buf[n] = '\0';
}

/* ----------------------------------------------------------- pooled rows */

/* The test rows of every fold model m ran on, pooled: y[i] the truth,
 * p[i * n_outputs + k] its outputs (hpml_malloc'd, owned by the caller).
 * Returns the count; 0 with *y = *p = NULL when there is none or an
 * allocation failed (the text is then marked failed). */
static size_t pool_test_rows(text *t, const hpml_compare *c, const cmp_model *m, double **y,
                             double **p)
{
    size_t n = 0, k = (size_t)(c->n_outputs > 0 ? c->n_outputs : 1);
    *y = *p = NULL;
    for (int f = 0; f < c->n_folds; f++)
        if (m->runs[f].ok && m->runs[f].pred)
            n += c->folds[f].n_test;
    if (!n)
        return 0;
    *y = hpml_malloc_array(n, sizeof **y);
    *p = hpml_malloc_array(n * k, sizeof **p);
    if (!*y || !*p) {
        hpml_free(*y);
        hpml_free(*p);
        *y = *p = NULL;
        t->failed = 1;
        return 0;
    }
    size_t i = 0;
    for (int f = 0; f < c->n_folds; f++) {
        const cmp_run *r = &m->runs[f];
        if (!r->ok || !r->pred)
            continue;
        for (size_t j = 0; j < c->folds[f].n_test; j++, i++) {
            (*y)[i] = c->folds[f].y_test[j];
            for (size_t q = 0; q < k; q++)
                (*p)[i * k + q] = r->pred[j * k + q];
        }
    }
    return n;
}

/* Probability of class `cls` in a row of outputs (one output: P(class 1)). */
static double class_prob(const hpml_compare *c, const double *row, int cls)
{
    if (c->n_outputs <= 1)
        return cls == 1 ? row[0] : 1 - row[0];
    return cls < c->n_outputs ? row[cls] : NAN;
}

/* --------------------------------------------------------------- ROC */

typedef struct scored {
    double s;
    size_t i;
    int pos;
} scored;

static int by_score_desc(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->s != y->s)
        return x->s > y->s ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* ROC curve of class cls against the rest over n pooled rows: fpr/tpr get
 * one point per distinct score, from (0, 0) to (1, 1) (hpml_malloc'd);
 * returns the number of points (0 without rows of both kinds, or on a
 * failed allocation, which marks the text) and the AUC in *auc. */
static size_t roc_curve(text *t, const hpml_compare *c, const double *y, const double *p,
                        size_t n, int cls, double **fpr, double **tpr, double *auc)
{
    size_t k = (size_t)(c->n_outputs > 0 ? c->n_outputs : 1), npos = 0, m = 0;
    *fpr = *tpr = NULL;
    *auc = NAN;
    scored *v = hpml_malloc_array(n ? n : 1, sizeof *v);
    if (!v) {
        t->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        double s = class_prob(c, p + i * k, cls);
        if (!isfinite(s))
            continue;
        v[m] = (scored){s, i, (int)y[i] == cls};
        npos += (size_t)v[m].pos;
        m++;
    }
    size_t nneg = m - npos;
    if (!npos || !nneg) {
        hpml_free(v);
        return 0;
    }
    qsort(v, m, sizeof *v, by_score_desc);
    *fpr = hpml_malloc_array(m + 1, sizeof **fpr);
    *tpr = hpml_malloc_array(m + 1, sizeof **tpr);
    if (!*fpr || !*tpr) {
        hpml_free(*fpr);
        hpml_free(*tpr);
        *fpr = *tpr = NULL;
        hpml_free(v);
        t->failed = 1;
        return 0;
    }
    size_t np = 0, tp = 0, fp = 0;
    double area = 0;
    (*fpr)[np] = 0, (*tpr)[np] = 0, np++;
    for (size_t i = 0; i < m; i++) {
        tp += (size_t)v[i].pos;
        fp += (size_t)!v[i].pos;
        if (i + 1 < m && v[i + 1].s == v[i].s)
            continue; /* ties: one point for the whole group */
        double x = (double)fp / (double)nneg, yy = (double)tp / (double)npos;
        area += (x - (*fpr)[np - 1]) * (yy + (*tpr)[np - 1]) / 2;
        (*fpr)[np] = x, (*tpr)[np] = yy, np++;
    }
    hpml_free(v);
    *auc = area;
    return np;
}

/* ------------------------------------------------------------- page */

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:#222;line-height:1.45;max-width:1080px;margin:0 auto;padding:8px 20px 48px}\n"
    "h1{font-size:1.7em;margin:0.6em 0 0.2em}h2{font-size:1.3em;border-bottom:1px solid #ddd;"
    "padding-bottom:3px;margin-top:2em}h3{font-size:1.1em;margin:1.4em 0 0.4em}\n"
    "p.lead{font-size:1.08em;color:#333}nav{font-size:0.92em;color:#555}"
    "nav a{color:#0b5cad;text-decoration:none}\n"
    "table{border-collapse:collapse;margin:0.5em 0}th,td{padding:4px 10px;border-bottom:1px "
    "solid #e4e4e4;text-align:right;vertical-align:top}th{background:#f4f6f8}\n"
    "th:first-child,td:first-child{text-align:left}table.kv td{text-align:left}"
    "table.kv th{text-align:left;background:none;font-weight:600;white-space:nowrap}\n"
    "table#metrics{font-size:0.88em}table#metrics th,table#metrics td{padding:4px 6px}"
    "table#metrics td{white-space:nowrap}td.best{font-weight:bold;background:#eef6ee}\n"
    ".ci{display:block;color:#777;font-size:0.8em;font-weight:normal}\n"
    ".sd{color:#555;font-weight:normal}\n"
    ".mark{color:#b35900;font-weight:bold}tr.failed td{color:#a33;text-align:left}\n"
    ".figs{display:flex;flex-wrap:wrap;gap:18px 28px}figure{margin:0;max-width:480px}"
    "figure.wide{max-width:100%}\n"
    "figcaption{font-size:0.86em;color:#555;margin-top:2px}svg.fig{max-width:100%;height:auto;"
    "display:block}\n"
    ".error{border:1px solid #e0b4b4;background:#fff6f6;color:#8a2a28;padding:8px 12px;"
    "border-radius:4px;max-width:900px}.note{color:#666;font-size:0.92em}\n"
    "pre{background:#f5f7f9;padding:8px 10px;white-space:pre-wrap;word-break:break-all;"
    "border-radius:4px}code{font-size:0.92em}\n"
    ".answer{background:#f3f8fd;border-left:4px solid #0072B2;padding:6px 14px;"
    "margin:0.8em 0}.answer p{margin:0.4em 0}\n"
    "footer{margin-top:3em;font-size:0.85em;color:#777}\n"
    "@media print{body{max-width:none}figure{break-inside:avoid}}\n";

static void write_head(text *t, const hpml_compare *c)
{
    tx_str(t, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"hpml ");
    svg_esc(t, hpml_version());
    tx_str(t, "\">\n<title>hpml compare: ");
    svg_esc(t, c->target ? c->target : "");
    if (c->data_name && *c->data_name) {
        tx_str(t, " in ");
        svg_esc(t, c->data_name);
    }
    tx_printf(t, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

static const char *task_words(hpml_task task)
{
    switch (task) {
    case HPML_TASK_REGRESSION: return "regression (predict a number)";
    case HPML_TASK_BINARY: return "binary classification (predict one of two classes)";
    case HPML_TASK_MULTICLASS: return "multiclass classification (predict one of several classes)";
    default: return "unknown";
    }
}

/* "gbdt, mlp and cnn" */
static void put_model_list(text *t, const hpml_compare *c)
{
    for (int i = 0; i < c->n_models; i++) {
        if (i)
            tx_str(t, i == c->n_models - 1 ? " and " : ", ");
        tx_str(t, "<b>");
        svg_esc(t, c->models[i].name);
        tx_str(t, "</b>");
    }
}

static void write_intro(text *t, const hpml_compare *c)
{
    char id[160];
    tx_str(t, "<header>\n<h1>Which model predicts <em>");
    svg_esc(t, c->target ? c->target : "");
    tx_str(t, "</em> best?</h1>\n<p class=\"lead\">hpml trained ");
    tx_printf(t, "%d model%s, ", c->n_models, c->n_models == 1 ? "" : "s");
    put_model_list(t, c);
    tx_str(t, ", on exactly the same training rows");
    if (c->data_name && *c->data_name) {
        tx_str(t, " of <code>");
        svg_esc(t, c->data_name);
        tx_str(t, "</code>");
    }
    tx_str(t, " and scored them on exactly the same test rows");
    if (c->n_folds > 1)
        tx_printf(t, ", in each of %d folds (every row is a test row once)", c->n_folds);
    tx_printf(t, ". Task: %s.</p>\n<nav>Contents: <a href=\"#answer\">Short answer</a> &middot; "
              "<a href=\"#data\">Data and split</a> &middot; <a href=\"#results\">Metrics</a>",
              task_words(c->task));
    for (int i = 0; i < c->n_models; i++) {
        make_id(id, sizeof id, "model-", c->models[i].name);
        tx_printf(t, " &middot; <a href=\"#%s\">", id);
        svg_esc(t, c->models[i].name);
        tx_str(t, "</a>");
    }
    tx_str(t, " &middot; <a href=\"#cost\">Time and memory</a> &middot; "
              "<a href=\"#config\">Configuration</a></nav>\n</header>\n<main>\n");
}

/* ------------------------------------------------------- short answer */

static void write_answer(text *t, const hpml_compare *c)
{
    const int *order;
    cmp_task_metrics(c->task, &order);
    int k = order[0], best = -1, n_ok = 0;
    for (int i = 0; i < c->n_models; i++) {
        n_ok += !failed(&c->models[i]);
        if (!failed(&c->models[i]) && c->models[i].stat[k].best && best < 0)
            best = i;
    }
    tx_str(t, "<section id=\"answer\">\n<h2>Short answer</h2>\n<div class=\"answer\">\n");
    if (best < 0) {
        tx_str(t, n_ok ? "<p>No model could be ranked on the test rows.</p>\n"
                       : "<p>Every model failed; the reasons are below.</p>\n");
    } else {
        const cmp_model *b = &c->models[best];
        const cmp_stat *s = &b->stat[k];
        tx_printf(t, "<p>Best %s on the test rows: <b>", cmp_metrics[k].label);
        svg_esc(t, b->name);
        tx_str(t, "</b>, ");
        put_num(t, s->value, 3);
        if (isfinite(s->sd)) {
            tx_str(t, " &plusmn; ");
            put_num(t, s->sd, 2);
        }
        tx_printf(t, ". %s is %s</p>\n", cmp_metrics[k].label, cmp_metrics[k].explain);
        for (int i = 0; i < c->n_models; i++) {
            const cmp_model *m = &c->models[i];
            if (i == best)
                continue;
            tx_str(t, "<p><b>");
            svg_esc(t, m->name);
            tx_str(t, "</b>: ");
            if (failed(m)) {
                tx_str(t, "failed (");
                svg_esc(t, m->error);
                tx_str(t, ").</p>\n");
                continue;
            }
            const cmp_stat *o = &m->stat[k];
            put_num(t, o->value, 3);
            if (isfinite(o->diff)) {
                tx_str(t, ", a difference of ");
                put_num(t, o->diff, 2);
                if (isfinite(o->diff_lo) && isfinite(o->diff_hi)) {
                    tx_str(t, " (95% interval ");
                    put_num(t, o->diff_lo, 2);
                    tx_str(t, " to ");
                    put_num(t, o->diff_hi, 2);
                    tx_str(t, ")");
                }
            }
            if (!isfinite(o->diff_lo) || !isfinite(o->diff_hi)) {
                tx_str(t, "; the noise was not estimated.</p>\n");
                continue;
            }
            if (o->differs)
                tx_str(t, ": larger than the noise, so ");
            else
                tx_str(t, ": within the noise, so these data cannot tell whether ");
            svg_esc(t, m->name);
            tx_str(t, o->differs ? " really is worse than " : " is worse than ");
            svg_esc(t, b->name);
            tx_printf(t, " on %s.</p>\n", cmp_metrics[k].label);
        }
    }
    tx_str(t, "</div>\n</section>\n");
}

/* ------------------------------------------------------- data and split */

static void kv_row(text *t, const char *key)
{
    tx_str(t, "<tr><th>");
    svg_esc(t, key);
    tx_str(t, "</th><td>");
}

static void write_data(text *t, const hpml_compare *c)
{
    tx_str(t, "<section id=\"data\">\n<h2>Data and split</h2>\n<table class=\"kv\">\n");
    kv_row(t, "Data file");
    svg_esc(t, c->data_name && *c->data_name ? c->data_name : "(not given)");
    tx_str(t, "</td></tr>\n");
    kv_row(t, "Rows");
    put_count(t, c->n_rows);
    if (c->n_dropped) {
        tx_str(t, " (and ");
        put_count(t, c->n_dropped);
        tx_str(t, " left out because their target was missing)");
    }
    tx_str(t, "</td></tr>\n");
    kv_row(t, "Features");
    tx_printf(t, "%d: %d numeric, %d categorical</td></tr>\n", c->n_features, c->n_numeric,
              c->n_categorical);
    kv_row(t, "Missing values");
    double cells = (double)c->n_rows * (c->n_features > 0 ? c->n_features : 0);
    put_count(t, c->n_missing);
    tx_str(t, " of the feature values");
    if (cells > 0) {
        tx_str(t, " (");
        put_num(t, 100.0 * (double)c->n_missing / cells, 2);
        tx_str(t, "%)");
    }
    tx_str(t, "</td></tr>\n");
    kv_row(t, "Target");
    tx_str(t, "<code>");
    svg_esc(t, c->target ? c->target : "");
    tx_printf(t, "</code>, %s", task_words(c->task));
    if (c->task == HPML_TASK_REGRESSION) {
        tx_str(t, "; mean ");
        put_num(t, c->target_mean, 4);
        tx_str(t, ", standard deviation ");
        put_num(t, c->target_sd, 3);
    }
    tx_str(t, "</td></tr>\n");
    if (c->task != HPML_TASK_REGRESSION && c->n_classes > 0) {
        kv_row(t, "Classes (rows)");
        for (int k = 0; k < c->n_classes && k < 50; k++) {
            if (k)
                tx_str(t, ", ");
            svg_esc(t, c->class_labels && c->class_labels[k] ? c->class_labels[k] : "?");
            tx_str(t, ": ");
            put_count(t, c->class_counts ? c->class_counts[k] : 0);
        }
        if (c->n_classes > 50)
            tx_printf(t, ", &hellip; (%d classes in all)", c->n_classes);
        tx_str(t, "</td></tr>\n");
    }
    kv_row(t, "Split");
    svg_esc(t, c->split_text && *c->split_text ? c->split_text : "(not described)");
    tx_printf(t, "; seed %llu</td></tr>\n", (unsigned long long)c->seed);
    kv_row(t, c->n_folds > 1 ? "Rows per fold" : "Rows per part");
    for (int f = 0; f < c->n_folds; f++) {
        const cmp_fold *d = &c->folds[f];
        if (c->n_folds > 1)
            tx_printf(t, "%sfold %d: ", f ? "<br>" : "", f + 1);
        put_count(t, d->n_train);
        tx_str(t, " training, ");
        put_count(t, d->n_valid);
        tx_str(t, " validation, ");
        put_count(t, d->n_test);
        tx_str(t, " test");
    }
    tx_str(t, "</td></tr>\n</table>\n<p class=\"note\">Training rows fit the models; validation "
              "rows (if any) are watched during training for the learning curves and early "
              "stopping; test rows are never seen in training and give every number below.");
    if (c->n_folds > 1)
        tx_printf(t, " With %d folds, each row is a test row in exactly one fold, and the "
                  "numbers are means over the folds.", c->n_folds);
    tx_str(t, "</p>\n</section>\n");
}

/* ------------------------------------------------------- metrics table */

static void noise_sentence(text *t, const hpml_compare *c)
{
    tx_str(t, "<p class=\"note\">How sure are these numbers? ");
    if (c->n_folds > 1) {
        tx_printf(t, "Each value is the mean over the %d folds; &plusmn; is the standard "
                  "deviation from fold to fold, and the interval below it the 95%% interval of "
                  "the mean (mean &plusmn; t&middot;sd/&radic;%d). Differences to the best "
                  "model are taken fold by fold (the same test rows for both).", c->n_folds,
                  c->n_folds);
    } else if (c->bootstrap > 0) {
        tx_str(t, "Each value is measured on the ");
        put_count(t, c->n_folds > 0 ? c->folds[0].n_test : 0);
        tx_printf(t, " test rows; &plusmn; is its standard deviation over %d bootstrap "
                  "resamples of those rows (rows drawn again at random, with replacement), and "
                  "the interval below it holds the middle 95%% of the resamples. Differences to "
                  "the best model are measured on the same resamples.", c->bootstrap);
    } else {
        tx_str(t, "The bootstrap was turned off, so there is no estimate of the noise here: "
                  "treat small differences with care.");
    }
    tx_str(t, " <span class=\"mark\">*</span> marks a model whose difference to the best is "
              "larger than this noise (its 95% interval excludes 0); without the mark, the data "
              "cannot tell the two apart. The best value of each metric is in bold.</p>\n");
}

/* Metric k of model m: value ± sd, the mark, the interval; the per-fold
 * values as a tooltip. */
static void metric_cell(text *t, const hpml_compare *c, const cmp_model *m, int k,
                        int n_models_ok)
{
    const cmp_stat *s = &m->stat[k];
    tx_str(t, s->best ? "<td class=\"best\"" : "<td");
    if (c->n_folds > 1) {
        tx_str(t, " title=\"per fold:");
        for (int f = 0; f < c->n_folds; f++) {
            tx_str(t, f ? ", " : " ");
            put_num(t, m->runs[f].ok ? cmp_metric_get(&m->runs[f].metrics, k) : NAN, 3);
        }
        tx_str(t, "\"");
    }
    tx_str(t, ">");
    put_num(t, s->value, 3);
    if (isfinite(s->sd)) {
        tx_str(t, " <span class=\"sd\">&plusmn; ");
        put_num(t, s->sd, 2);
        tx_str(t, "</span>");
    }
    if (!s->best && s->differs && n_models_ok > 1) {
        tx_str(t, "<span class=\"mark\" title=\"difference to the best: ");
        put_num(t, s->diff, 2);
        tx_str(t, " (95% interval ");
        put_num(t, s->diff_lo, 2);
        tx_str(t, " to ");
        put_num(t, s->diff_hi, 2);
        tx_str(t, ")\"> *</span>");
    }
    if (isfinite(s->lo) && isfinite(s->hi)) {
        tx_str(t, "<span class=\"ci\">[");
        put_num(t, s->lo, 3);
        tx_str(t, ", ");
        put_num(t, s->hi, 3);
        tx_str(t, "]</span>");
    }
    tx_str(t, "</td>");
}

static void write_metrics(text *t, const hpml_compare *c)
{
    const int *order;
    int nm = cmp_task_metrics(c->task, &order), n_ok = 0;
    for (int i = 0; i < c->n_models; i++)
        n_ok += !failed(&c->models[i]);
    tx_str(t, "<section id=\"results\">\n<h2>Metrics on the test rows</h2>\n"
              "<table id=\"metrics\">\n<thead><tr><th>model</th>");
    for (int j = 0; j < nm; j++)
        tx_printf(t, "<th>%s %s</th>", cmp_metrics[order[j]].label,
                  cmp_metrics[order[j]].higher_better ? "&uarr;" : "&darr;");
    tx_printf(t, "<th>training time%s</th><th>prediction time%s</th><th>peak memory</th>"
              "<th>model size</th></tr></thead>\n<tbody>\n",
              c->n_folds > 1 ? " (all folds)" : "", c->n_folds > 1 ? " (all folds)" : "");
    for (int i = 0; i < c->n_models; i++) {
        const cmp_model *m = &c->models[i];
        tx_str(t, failed(m) ? "<tr class=\"failed\"><td><b>" : "<tr><td><b>");
        svg_esc(t, m->name);
        tx_str(t, "</b></td>");
        if (failed(m)) {
            tx_printf(t, "<td colspan=\"%d\">failed: ", nm + 4);
            svg_esc(t, m->error);
            tx_str(t, "</td></tr>\n");
            continue;
        }
        for (int j = 0; j < nm; j++)
            metric_cell(t, c, m, order[j], n_ok);
        tx_str(t, "<td>");
        put_seconds(t, m->train_seconds);
        tx_str(t, "</td><td>");
        put_seconds(t, m->predict_seconds);
        tx_str(t, "</td><td>");
        put_bytes(t, m->peak_rss_bytes);
        tx_str(t, "</td><td>");
        put_bytes(t, (double)m->model_bytes);
        tx_str(t, "</td></tr>\n");
    }
    tx_str(t, "</tbody>\n</table>\n");
    noise_sentence(t, c);
    tx_str(t, "<p class=\"note\">&uarr; higher is better, &darr; lower is better.</p>\n<ul "
              "class=\"note\">\n");
    for (int j = 0; j < nm; j++)
        tx_printf(t, "<li><b>%s</b>: %s</li>\n", cmp_metrics[order[j]].label,
                  cmp_metrics[order[j]].explain);
    tx_str(t, "<li><b>training time</b> includes preparing the inputs; <b>peak memory</b> is "
              "the most memory the whole process held while training (the data included); "
              "<b>model size</b> is the size of the saved model file.</li>\n</ul>\n</section>\n");
}

/* ------------------------------------------------------- model figures */

static void fig_open(text *t) { tx_str(t, "<figure>\n"); }
static const char *str_or(const char *s, const char *dflt) { return s ? s : dflt; }

/* Predicted vs true (regression). */
static void fig_pred_regression(text *t, const hpml_compare *c, const cmp_model *m,
                                const double *y, const double *p, size_t n, const char *id)
{
    double *pred = hpml_malloc_array(n, sizeof *pred);
    if (!pred) {
        t->failed = 1;
        return;
    }
    size_t k = (size_t)(c->n_outputs > 0 ? c->n_outputs : 1);
    for (size_t i = 0; i < n; i++)
        pred[i] = p[i * k];
    text title = {0}, xl = {0}, yl = {0};
    tx_printf(&title, "Predicted vs true %s for %s", str_or(c->target, ""), m->name);
    tx_printf(&xl, "true %s", str_or(c->target, ""));
    tx_printf(&yl, "predicted %s", str_or(c->target, ""));
    if (title.failed || xl.failed || yl.failed) {
        t->failed = 1;
    } else {
        svg_fig f = {id, title.data, xl.data, yl.data, 0, 0};
        fig_open(t);
        svg_scatter(t, &f, y, pred, n, 1);
        tx_str(t, "<figcaption>Each ");
        tx_str(t, n > SVG_HEXBIN_ABOVE ? "hexagon holds test rows (darker: more rows)"
                                       : "dot is one test row");
        tx_str(t, c->n_folds > 1 ? ", from every fold" : "");
        tx_str(t, ": its true value across, the model's prediction up. On the dashed line the "
                  "prediction is exact; the closer the cloud hugs it, the better. Rows above "
                  "the line are over-predicted, rows below under-predicted.</figcaption>\n"
                  "</figure>\n");
    }
    tx_free(&title);
    tx_free(&xl);
    tx_free(&yl);
    hpml_free(pred);
}

/* ROC curves (classification): one for binary, one per class (the largest
 * MAX_ROC_CLASSES) against the rest for more. */
static void fig_roc(text *t, const hpml_compare *c, const cmp_model *m, const double *y,
                    const double *p, size_t n, const char *id)
{
    int ncls = c->task == HPML_TASK_BINARY ? 1 : c->n_classes, shown = 0;
    int pick[MAX_ROC_CLASSES];
    if (c->task == HPML_TASK_BINARY) {
        pick[shown++] = 1;
    } else { /* the largest classes, ties by index */
        for (; shown < MAX_ROC_CLASSES && shown < ncls; shown++) {
            int b = -1;
            for (int k = 0; k < ncls; k++) {
                int taken = 0;
                for (int j = 0; j < shown; j++)
                    taken |= pick[j] == k;
                size_t nk = c->class_counts ? c->class_counts[k] : 0;
                if (!taken && (b < 0 || nk > (c->class_counts ? c->class_counts[b] : 0)))
                    b = k;
            }
            pick[shown] = b;
        }
    }
    svg_series s[MAX_ROC_CLASSES];
    double *fpr[MAX_ROC_CLASSES] = {0}, *tpr[MAX_ROC_CLASSES] = {0};
    text labels[MAX_ROC_CLASSES];
    memset(labels, 0, sizeof labels);
    int ns = 0;
    for (int j = 0; j < shown; j++) {
        double auc;
        size_t np = roc_curve(t, c, y, p, n, pick[j], &fpr[ns], &tpr[ns], &auc);
        if (!np)
            continue;
        const char *lab = c->class_labels && pick[j] < c->n_classes ? c->class_labels[pick[j]]
                                                                      : "?";
        char a[48];
        num_text(auc, 3, a, sizeof a);
        tx_printf(&labels[ns], "%s%s (AUC %s)", c->task == HPML_TASK_BINARY ? "class " : "",
                  lab, a);
        s[ns] = (svg_series){labels[ns].data, fpr[ns], tpr[ns], np, ns, 0};
        if (labels[ns].failed)
            t->failed = 1;
        ns++;
    }
    text title = {0};
    tx_printf(&title, "ROC curve%s of %s", ns > 1 ? "s" : "", m->name);
    svg_line_opts o;
    svg_line_opts_init(&o);
    o.x_lo = o.y_lo = 0;
    o.x_hi = o.y_hi = 1;
    o.diagonal = 1;
    svg_fig f = {id, title.failed ? "ROC" : title.data, "false positive rate",
                 "true positive rate", 0, 0};
    fig_open(t);
    svg_lines(t, &f, s, ns, &o);
    tx_str(t, "<figcaption>");
    if (c->task == HPML_TASK_BINARY) {
        tx_str(t, "Lowering the threshold on the predicted probability of class ");
        svg_esc(t, c->class_labels && c->n_classes > 1 ? c->class_labels[1] : "1");
        tx_str(t, " finds more of its rows (up) but also flags more rows of the other class "
                  "(right).");
    } else {
        tx_str(t, "One curve per class, that class against all others");
        if (ncls > shown)
            tx_printf(t, " (the %d largest of %d classes)", shown, ncls);
        tx_str(t, ": lowering the threshold on its probability finds more of its rows (up) "
                  "but also flags more rows of other classes (right).");
    }
    tx_str(t, " A curve hugging the top-left corner is good; the dashed diagonal is guessing. "
              "Pooled over the test rows");
    tx_str(t, c->n_folds > 1 ? " of every fold.</figcaption>\n</figure>\n"
                             : ".</figcaption>\n</figure>\n");
    if (title.failed)
        t->failed = 1;
    tx_free(&title);
    for (int j = 0; j < ns; j++) {
        hpml_free(fpr[j]);
        hpml_free(tpr[j]);
        tx_free(&labels[j]);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Residuals (regression: true - predicted) or the probability of the true
 * class (classification). */
static void fig_resid(text *t, const hpml_compare *c, const cmp_model *m, const double *y,
                      const double *p, size_t n, const char *id)
{
    size_t k = (size_t)(c->n_outputs > 0 ? c->n_outputs : 1);
    double *v = hpml_malloc_array(n, sizeof *v), *sorted = hpml_malloc_array(n, sizeof *v);
    if (!v || !sorted) {
        hpml_free(v);
        hpml_free(sorted);
        t->failed = 1;
        return;
    }
    int reg = c->task == HPML_TASK_REGRESSION;
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = reg ? y[i] - p[i * k] : class_prob(c, p + i * k, (int)y[i]);
        if (isfinite(v[i]))
            sorted[nf++] = v[i];
    }
    text title = {0};
    fig_open(t);
    if (reg) {
        /* the middle 99% of the residuals: one wild row must not hide the rest */
        double lo = NAN, hi = NAN;
        size_t out = 0;
        if (nf >= 200) {
            qsort(sorted, nf, sizeof *sorted, cmp_double);
            lo = sorted[(size_t)(0.005 * (double)(nf - 1))];
            hi = sorted[(size_t)ceil(0.995 * (double)(nf - 1))];
            if (!(hi > lo))
                lo = hi = NAN;
            for (size_t i = 0; i < nf && isfinite(lo); i++)
                out += sorted[i] < lo || sorted[i] > hi;
        }
        tx_printf(&title, "Residuals (true - predicted) of %s", m->name);
        svg_fig f = {id, title.failed ? "residuals" : title.data, "true - predicted", "test rows",
                     0, 0};
        svg_histogram(t, &f, v, n, 0, lo, hi, 0);
        tx_str(t, "<figcaption>How far off the predictions are: each bar counts the test rows "
                  "whose error (true minus predicted) falls in its range. A narrow peak on the "
                  "dashed line at 0 is good; a peak off 0 means the model is biased; long tails "
                  "are rows it gets badly wrong.");
        if (out)
            tx_printf(t, " The %zu most extreme rows (1%%) are counted in the end bars.", out);
        tx_str(t, "</figcaption>\n</figure>\n");
    } else {
        tx_printf(&title, "Probability given to the true class by %s", m->name);
        svg_fig f = {id, title.failed ? "probability of the true class" : title.data,
                     "predicted probability of the true class", "test rows", 0, 0};
        svg_histogram(t, &f, v, n, 20, 0, 1, NAN);
        tx_str(t, "<figcaption>For each test row, the probability the model gave to the class "
                  "it really belongs to. Bars piled up at the right mean confident and right; "
                  "bars at the left are rows the model was confidently wrong about.");
        tx_str(t, "</figcaption>\n</figure>\n");
    }
    if (title.failed)
        t->failed = 1;
    tx_free(&title);
    hpml_free(v);
    hpml_free(sorted);
}

static const char *curve_metric_label(const char *name)
{
    static const char *const map[][2] = {
        {"rmse", "RMSE"}, {"mse", "mean squared error"}, {"logloss", "log-loss"},
        {"mlogloss", "log-loss"}, {"huber", "Huber loss"}, {"pinball", "pinball loss"},
    };
    for (size_t i = 0; name && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(name, map[i][0]) == 0)
            return map[i][1];
    return name && *name ? name : "loss";
}

/* Train and validation metric per round or epoch, every fold (one colour for
 * training, one for validation). */
static void fig_curve(text *t, const hpml_compare *c, const cmp_model *m, const char *id)
{
    svg_series *s = hpml_malloc_array((size_t)(2 * c->n_folds), sizeof *s);
    if (!s) {
        t->failed = 1;
        return;
    }
    int ns = 0, has_valid = 0, folds = 0;
    const char *metric = NULL;
    for (int f = 0; f < c->n_folds; f++) {
        const cmp_run *r = &m->runs[f];
        if (!r->ok || r->n_rounds <= 0)
            continue;
        int any_t = 0, any_v = 0;
        for (int i = 0; i < r->n_rounds; i++) {
            any_t |= r->curve_train && isfinite(r->curve_train[i]);
            any_v |= r->curve_valid && isfinite(r->curve_valid[i]);
        }
        if (any_t)
            s[ns++] = (svg_series){NULL, NULL, r->curve_train, (size_t)r->n_rounds, 0, 0};
        if (any_v)
            s[ns++] = (svg_series){NULL, NULL, r->curve_valid, (size_t)r->n_rounds, 1, 1};
        has_valid |= any_v;
        folds += any_t || any_v;
        if (!metric)
            metric = r->curve_metric;
    }
    const char *unit = m->kind == HPML_MODEL_GBDT ? "boosting round (trees so far)" : "epoch";
    if (!ns) {
        tx_printf(t, "<p class=\"note\">No learning curve: the %s metric was not recorded "
                  "during training.</p>\n", m->kind == HPML_MODEL_GBDT ? "per-round" : "per-epoch");
        hpml_free(s);
        return;
    }
    /* the legend: the first series of each colour */
    for (int i = 0, lt = 0, lv = 0; i < ns; i++) {
        if (s[i].color == 0 && !lt++)
            s[i].label = folds > 1 ? "training rows (a line per fold)" : "training rows";
        if (s[i].color == 1 && !lv++)
            s[i].label = folds > 1 ? "validation rows (a line per fold)" : "validation rows";
    }
    text title = {0};
    tx_printf(&title, "Learning curve of %s: %s per %s", m->name, curve_metric_label(metric),
              m->kind == HPML_MODEL_GBDT ? "round" : "epoch");
    svg_line_opts o;
    svg_line_opts_init(&o);
    o.auto_log_y = 1;
    svg_fig f = {id, title.failed ? "learning curve" : title.data, unit,
                 curve_metric_label(metric), 0, 0};
    fig_open(t);
    int log_y = svg_lines(t, &f, s, ns, &o);
    tx_printf(t, "<figcaption>The loss (%s, lower is better) as the model learns",
              curve_metric_label(metric));
    tx_str(t, m->kind == HPML_MODEL_GBDT ? ", tree by tree" : ", pass by pass over the data");
    if (has_valid)
        tx_str(t, ", on the training rows (solid) and on the validation rows (dashed). If the "
                  "validation curve turns up while the training curve keeps falling, the model "
                  "is starting to memorise the training rows (overfitting).");
    else
        tx_str(t, ", on the training rows (there were no validation rows to watch).");
    if (log_y)
        tx_str(t, " The vertical axis is logarithmic: the loss spans decades.");
    tx_str(t, "</figcaption>\n</figure>\n");
    if (title.failed)
        t->failed = 1;
    tx_free(&title);
    hpml_free(s);
}

/* The TOP_FEATURES most important features, largest first. */
static void fig_importance(text *t, const hpml_compare *c, const cmp_model *m, const char *id)
{
    if (!m->importance || c->n_features <= 0) {
        tx_str(t, "<p class=\"note\">No feature importance was computed for this model.</p>\n");
        return;
    }
    int top[TOP_FEATURES], n = 0;
    for (; n < TOP_FEATURES && n < c->n_features; n++) {
        int b = -1;
        for (int j = 0; j < c->n_features; j++) {
            int taken = 0;
            for (int q = 0; q < n; q++)
                taken |= top[q] == j;
            if (taken)
                continue;
            double v = m->importance[j], bv = b >= 0 ? m->importance[b] : 0;
            if (b < 0 || (isfinite(v) && (!isfinite(bv) || v > bv)))
                b = j;
        }
        top[n] = b;
    }
    const char *labels[TOP_FEATURES];
    double v[TOP_FEATURES];
    for (int i = 0; i < n; i++) {
        labels[i] = c->feature_names && c->feature_names[top[i]] ? c->feature_names[top[i]] : "?";
        v[i] = m->importance[top[i]];
    }
    int gain = m->importance_kind && strcmp(m->importance_kind, "gain") == 0;
    const char *rows = m->importance_rows ? m->importance_rows : "test rows";
    const char *loss = c->task == HPML_TASK_REGRESSION ? "RMSE" : "log-loss";
    text title = {0}, panel = {0};
    tx_printf(&title, "Top %d features of %s by %s importance", n, m->name,
              gain ? "gain" : "permutation");
    if (gain)
        tx_str(&panel, "share of the total gain");
    else
        tx_printf(&panel, "increase of the %s when shuffled", loss);
    svg_bar_panel bp = {panel.failed ? "" : panel.data, v, NULL};
    svg_fig f = {id, title.failed ? "importance" : title.data, NULL, NULL, 0, 0};
    tx_str(t, "<figure class=\"wide\">\n");
    svg_bars(t, &f, labels, n, &bp, 1);
    tx_str(t, "<figcaption>");
    if (gain)
        tx_str(t, "Gain importance: how much the splits on each feature improved the trees' "
                  "fit, as a share of all the improvement (summing to 1 over all features");
    else
        tx_printf(t, "Permutation importance, measured on the %s: how much worse the "
                  "predictions get (the increase of the %s) when the feature's values are "
                  "shuffled among the rows, breaking its link to the target. Near 0 or below: "
                  "the model does not need the feature", rows, loss);
    tx_str(t, c->n_folds > 1 ? "; mean over the folds)." : ").");
    if (c->n_features > n)
        tx_printf(t, " The %d largest of %d features.", n, c->n_features);
    tx_str(t, " Importance says what the model uses, not what causes the target; correlated "
              "features share it.</figcaption>\n</figure>\n");
    if (title.failed || panel.failed)
        t->failed = 1;
    tx_free(&title);
    tx_free(&panel);
}

static void write_model(text *t, const hpml_compare *c, const cmp_model *m)
{
    char id[160];
    make_id(id, sizeof id, "model-", m->name);
    tx_printf(t, "<section id=\"%s\">\n<h2>Model <code>", id);
    svg_esc(t, m->name);
    tx_printf(t, "</code> (%s)</h2>\n",
              m->kind == HPML_MODEL_GBDT ? "gradient-boosted trees"
              : m->kind == HPML_MODEL_CNN ? "1-D convolutional neural net"
                                          : "neural net: multilayer perceptron");
    if (failed(m)) {
        tx_str(t, "<div class=\"error\"><b>This model failed</b>: ");
        svg_esc(t, m->error);
        tx_str(t, "<br>The other models ran; this one has no results.</div>\n</section>\n");
        return;
    }
    double *y = NULL, *p = NULL;
    size_t n = pool_test_rows(t, c, m, &y, &p);
    tx_str(t, "<div class=\"figs\">\n");
    if (n) {
        make_id(id, sizeof id, "pred-", m->name);
        if (c->task == HPML_TASK_REGRESSION)
            fig_pred_regression(t, c, m, y, p, n, id);
        else
            fig_roc(t, c, m, y, p, n, id);
        make_id(id, sizeof id, "resid-", m->name);
        fig_resid(t, c, m, y, p, n, id);
    } else {
        tx_str(t, "<p class=\"note\">No test predictions to show.</p>\n");
    }
    make_id(id, sizeof id, "curve-", m->name);
    fig_curve(t, c, m, id);
    tx_str(t, "</div>\n");
    make_id(id, sizeof id, "imp-", m->name);
    fig_importance(t, c, m, id);
    tx_str(t, "</section>\n");
    hpml_free(y);
    hpml_free(p);
}

/* ------------------------------------------------------ time and memory */

/* "ms" (and v[0..n) scaled to it) when every time is below a second, else "s". */
static const char *seconds_unit(double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]) && v[i] >= 1)
            return "s";
    for (int i = 0; i < n; i++)
        v[i] *= 1000;
    return "ms";
}

static void write_cost(text *t, const hpml_compare *c)
{
    int n = c->n_models;
    const char **labels = hpml_malloc_array((size_t)(n ? n : 1), sizeof *labels);
    double *v = hpml_malloc_array((size_t)(4 * (n ? n : 1)), sizeof *v);
    if (!labels || !v) {
        hpml_free(labels);
        hpml_free(v);
        t->failed = 1;
        return;
    }
    double *tr = v, *pr = v + n, *rss = v + 2 * n, *size = v + 3 * n;
    double max_rss = 0, max_size = 0;
    for (int i = 0; i < n; i++) {
        const cmp_model *m = &c->models[i];
        labels[i] = m->name;
        int ok = !failed(m);
        tr[i] = ok ? m->train_seconds : NAN;
        pr[i] = ok ? m->predict_seconds : NAN;
        rss[i] = ok ? m->peak_rss_bytes : NAN;
        size[i] = ok ? (double)m->model_bytes : NAN;
        if (isfinite(rss[i]))
            max_rss = fmax(max_rss, rss[i]);
        if (isfinite(size[i]))
            max_size = fmax(max_size, size[i]);
    }
    const char *ur, *us;
    double dr = bytes_unit(max_rss, &ur), ds = bytes_unit(max_size, &us);
    for (int i = 0; i < n; i++)
        rss[i] /= dr, size[i] /= ds;
    const char *ut = seconds_unit(tr, n), *up = seconds_unit(pr, n);
    text t1 = {0}, t2 = {0}, t3 = {0}, t4 = {0};
    tx_printf(&t1, "training (%s)", ut);
    tx_printf(&t2, "prediction of the test rows (%s)", up);
    tx_printf(&t3, "peak memory (%s)", ur);
    tx_printf(&t4, "model file (%s)", us);
    if (t1.failed || t2.failed || t3.failed || t4.failed) {
        t->failed = 1;
    } else {
        svg_bar_panel time[2] = {{t1.data, tr, ut}, {t2.data, pr, up}};
        svg_bar_panel mem[2] = {{t3.data, rss, ur}, {t4.data, size, us}};
        svg_fig ft = {"time", "Training and prediction time per model", NULL, NULL, 0, 0};
        svg_fig fm = {"memory", "Peak memory and model size per model", NULL, NULL, 0, 0};
        tx_str(t, "<section id=\"cost\">\n<h2>Time and memory</h2>\n<figure class=\"wide\">\n");
        svg_bars(t, &ft, labels, n, time, 2);
        tx_printf(t, "<figcaption>Wall-clock time to train each model (inputs prepared "
                  "included) and to predict the test rows%s. Shorter is cheaper; a failed "
                  "model shows &ndash;.</figcaption>\n</figure>\n<figure class=\"wide\">\n",
                  c->n_folds > 1 ? ", summed over the folds" : "");
        svg_bars(t, &fm, labels, n, mem, 2);
        tx_str(t, "<figcaption>Peak memory: the most memory the process held while training "
                  "the model (the data included). Model file: the size of the saved model, "
                  "what it takes to keep or ship it.</figcaption>\n</figure>\n</section>\n");
    }
    tx_free(&t1);
    tx_free(&t2);
    tx_free(&t3);
    tx_free(&t4);
    hpml_free(labels);
    hpml_free(v);
}

/* ------------------------------------------------------- configuration */

static void write_params(text *t, const cmp_model *m)
{
    const char *name, *help;
    char value[256];
    tx_str(t, "<table class=\"kv\">\n");
    for (int i = 0; cmp_param_text(m, i, &name, &help, value, sizeof value); i++) {
        tx_str(t, "<tr><th><code>");
        svg_esc(t, name);
        tx_str(t, "</code></th><td><code>");
        svg_esc(t, value);
        tx_str(t, "</code></td><td class=\"note\">");
        svg_esc(t, help);
        tx_str(t, "</td></tr>\n");
    }
    tx_str(t, "</table>\n");
}

static void write_config(text *t, const hpml_compare *c)
{
    tx_str(t, "<section id=\"config\">\n<h2>Configuration</h2>\n<p>To repeat this run, use the "
              "same data file and this command (the same seed gives the same split and the "
              "same models):</p>\n<pre><code>");
    svg_esc(t, c->command && *c->command ? c->command : "(the command was not recorded)");
    tx_printf(t, "</code></pre>\n<table class=\"kv\">\n<tr><th>seed</th><td>%llu</td></tr>\n"
              "<tr><th>bootstrap resamples</th><td>%d</td></tr>\n<tr><th>threads</th><td>%d%s"
              "</td></tr>\n<tr><th>total time</th><td>", (unsigned long long)c->seed,
              c->bootstrap, c->threads, c->threads == 0 ? " (all cores)" : "");
    put_seconds(t, c->total_seconds);
    tx_str(t, "</td></tr>\n<tr><th>hpml version</th><td>");
    svg_esc(t, hpml_version());
    tx_str(t, "</td></tr>\n</table>\n");
    for (int i = 0; i < c->n_models; i++) {
        const cmp_model *m = &c->models[i];
        tx_str(t, "<h3>Parameters of <code>");
        svg_esc(t, m->name);
        tx_printf(t, "</code> (%s)</h3>\n", cmp_kind_name(m->kind));
        write_params(t, m);
    }
    tx_str(t, "</section>\n");
}

/* ------------------------------------------------------------- the file */

hpml_status cmp_write_report(const hpml_compare *c, const char *path)
{
    if (!c || !path)
        return hpml_fail(HPML_ERR_ARG, "cmp_write_report: NULL argument");
    text t = {0};
    write_head(&t, c);
    write_intro(&t, c);
    write_answer(&t, c);
    write_data(&t, c);
    write_metrics(&t, c);
    for (int i = 0; i < c->n_models; i++)
        write_model(&t, c, &c->models[i]);
    write_cost(&t, c);
    write_config(&t, c);
    tx_str(&t, "</main>\n<footer>Written by hpml ");
    svg_esc(&t, hpml_version());
    tx_str(&t, " (<code>hpml compare</code>). This file is self-contained: the figures are "
               "drawn in it, nothing is fetched, and it can be e-mailed as it is. The numbers "
               "are also in <code>compare.json</code> next to it.</footer>\n</body>\n</html>\n");
    hpml_status s = tx_status(&t);
    if (s == HPML_OK)
        s = atomic_write_file(path, t.data, t.len);
    tx_free(&t);
    return s;
}
