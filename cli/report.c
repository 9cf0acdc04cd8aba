/* report.c — printing training summaries, importance and metrics. */
#include "report.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "opts.h"

static const char *objective_name(hpml_gbdt_objective o)
{
    static const char *names[] = {"auto", "squared_error", "logistic", "softmax", "huber",
                                  "quantile"};
    return (unsigned)o < 6 ? names[o] : "?";
}

/* Rounds kept and the best validation round. */
static void history_facts(const hpml_model *m, int *n, const char **metric, const double **tr,
                          const double **va, int *best)
{
    hpml_model_history(m, n, metric, tr, va);
    *best = 0;
    for (int i = 0; i < *n; i++)
        if (!isnan((*va)[i]) && (*best == 0 || (*va)[i] < (*va)[*best - 1]))
            *best = i + 1;
}

static const char *kind_name(hpml_model_kind k)
{
    return k == HPML_MODEL_MLP ? "mlp" : k == HPML_MODEL_CNN ? "cnn" : "gbdt";
}

/* "1000,500,100" (or "none") into buf. */
static const char *layers_text(const hpml_nn_params *p, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < p->n_layers && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%d", i ? "," : "", p->layers[i]);
    return p->n_layers ? buf : "none";
}

static const char *conv_text(const hpml_nn_params *p, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = 0;
    for (int i = 0; i < p->n_conv && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s%d:%d:%d", i ? "," : "", p->conv_filters[i],
                               p->conv_kernel[i], p->conv_stride[i]);
    return buf;
}

static const char *const act_names[] = {"relu", "tanh", "sigmoid", "gelu", "elu"};
static const char *const norm_names[] = {"none", "batch", "layer"};
static const char *const opt_names[] = {"adam", "adamw", "sgd"};
static const char *const sched_names[] = {"constant", "step", "cosine", "plateau"};
static const char *const loss_names[] = {"auto", "mse", "huber"};

int report_train_text(const train_report *r)
{
    const hpml_model *m = r->model;
    int n, best;
    const char *metric;
    const double *tr, *va;
    history_facts(m, &n, &metric, &tr, &va, &best);
    if (r->nn) {
        char lb[256], cb[256];
        const hpml_nn_params *p = r->nn;
        printf("model:      %s, %s, loss %s; layers %s", kind_name(hpml_model_get_kind(m)),
               hpml_task_name(hpml_model_task(m)), metric, layers_text(p, lb, sizeof lb));
        if (p->kind == HPML_MODEL_CNN)
            printf(", conv %s, pool %d", conv_text(p, cb, sizeof cb), p->pool);
        printf(", %s", act_names[p->activation]);
        if (p->dropout > 0)
            printf(", dropout %g", p->dropout);
        if (p->norm)
            printf(", %s norm", norm_names[p->norm]);
        printf("\noptimizer:  %s, lr %g (%s), batch %d\n", opt_names[p->optimizer], p->lr,
               sched_names[p->lr_schedule], p->batch_size);
    } else {
        printf("model:      gbdt, %s, objective %s (metric %s)\n",
               hpml_task_name(hpml_model_task(m)),
               r->params->objective == HPML_GBDT_AUTO ? "from the task"
                                                      : objective_name(r->params->objective),
               metric);
    }
    if (hpml_model_n_targets(m) > 1) {
        printf("targets:    ");
        for (int k = 0; k < hpml_model_n_targets(m); k++)
            printf("%s%s", k ? ", " : "", hpml_model_target_name_k(m, k));
        printf(" (each standardised; the loss is the mean over them)\n");
    }
    printf("data:       %zu training rows x %d features", r->n_train, hpml_model_n_features(m));
    if (r->n_valid)
        printf(", %zu validation rows", r->n_valid);
    printf("\n%-11s %d trained", r->nn ? "epochs:" : "rounds:", n);
    int es = r->nn ? r->nn->early_stopping_rounds : r->params->early_stopping_rounds;
    if (es && best)
        printf(", best %d kept (early stopping)", best);
    printf("\n");
    if (n)
        printf("train %s: %.6g (last)\n", metric, tr[n - 1]);
    if (n && !isnan(va[n - 1]))
        printf("valid %s: %.6g (last), %.6g (best, %s %d)\n", metric, va[n - 1], va[best - 1],
               r->nn ? "epoch" : "round", best);
    printf("time:       %.3f s reading, %.3f s training; peak memory %.0f MiB\n",
           r->read_seconds, r->train_seconds, r->peak_rss_mib);
    printf("written:    %s\n", r->path);
    if (r->nn)
        return 0;
    printf("\n");
    return report_importance(stdout, m, 10, 0);
}

static void nn_params_json(const hpml_nn_params *p)
{
    char lb[256], cb[256];
    printf("{\"layers\": \"%s\"", layers_text(p, lb, sizeof lb));
    if (p->kind == HPML_MODEL_CNN)
        printf(", \"conv\": \"%s\", \"pool\": %d", conv_text(p, cb, sizeof cb), p->pool);
    printf(", \"activation\": \"%s\", \"dropout\": ", act_names[p->activation]);
    json_num(stdout, p->dropout);
    printf(", \"norm\": \"%s\", \"epochs\": %d, \"batch_size\": %d, \"optimizer\": \"%s\", "
           "\"lr\": ", norm_names[p->norm], p->epochs, p->batch_size, opt_names[p->optimizer]);
    json_num(stdout, p->lr);
    printf(", \"momentum\": ");
    json_num(stdout, p->momentum);
    printf(", \"weight_decay\": ");
    json_num(stdout, p->weight_decay);
    printf(", \"lr_schedule\": \"%s\", \"warmup_epochs\": ", sched_names[p->lr_schedule]);
    json_num(stdout, p->warmup_epochs);
    printf(", \"grad_clip\": ");
    json_num(stdout, p->grad_clip);
    printf(", \"loss\": \"%s\", \"huber_delta\": ", loss_names[p->loss]);
    json_num(stdout, p->huber_delta);
    printf(", \"missing_indicators\": %d, \"max_categories\": %d", p->missing_indicators,
           p->max_categories);
    printf(", \"seed\": %llu, \"threads\": %d, \"early_stopping_rounds\": %d}",
           (unsigned long long)p->seed, p->threads, p->early_stopping_rounds);
}

static void gbdt_params_json(const hpml_gbdt_params *p)
{
    printf("{\"objective\": \"%s\", \"n_trees\": %d, \"learning_rate\": ",
           objective_name(p->objective), p->n_trees);
    json_num(stdout, p->learning_rate);
    printf(", \"max_depth\": %d, \"max_leaves\": %d, \"grow_policy\": \"%s\", "
           "\"min_child_weight\": ", p->max_depth, p->max_leaves,
           p->grow_policy == HPML_GROW_LOSSGUIDE ? "lossguide" : "depthwise");
    json_num(stdout, p->min_child_weight);
    printf(", \"min_samples_leaf\": %d, \"lambda\": ", p->min_samples_leaf);
    json_num(stdout, p->lambda);
    printf(", \"alpha\": ");
    json_num(stdout, p->alpha);
    printf(", \"gamma\": ");
    json_num(stdout, p->gamma);
    printf(", \"subsample\": ");
    json_num(stdout, p->subsample);
    printf(", \"colsample_bytree\": ");
    json_num(stdout, p->colsample_bytree);
    printf(", \"max_bin\": %d, \"base_score\": ", p->max_bin);
    json_num(stdout, p->base_score);
    printf(", \"huber_delta\": ");
    json_num(stdout, p->huber_delta);
    printf(", \"quantile_alpha\": ");
    json_num(stdout, p->quantile_alpha);
    printf(", \"seed\": %llu, \"threads\": %d, \"early_stopping_rounds\": %d}",
           (unsigned long long)p->seed, p->threads, p->early_stopping_rounds);
}

int report_train_json(const train_report *r)
{
    const hpml_model *m = r->model;
    int n, best;
    const char *metric;
    const double *tr, *va;
    history_facts(m, &n, &metric, &tr, &va, &best);
    printf("{\"model\": ");
    json_str(stdout, r->path);
    printf(", \"kind\": \"%s\", \"task\": \"%s\", \"target\": ", kind_name(hpml_model_get_kind(m)),
           hpml_task_name(hpml_model_task(m)));
    json_str(stdout, hpml_model_target_name(m));
    printf(", \"targets\": [");
    for (int k = 0; k < hpml_model_n_targets(m); k++) {
        printf(k ? ", " : "");
        json_str(stdout, hpml_model_target_name_k(m, k));
    }
    printf("], \"n_train\": %zu, \"n_valid\": %zu, \"n_features\": %d", r->n_train, r->n_valid,
           hpml_model_n_features(m));
    printf(", \"read_seconds\": %.6f, \"train_seconds\": %.6f, \"peak_rss_mib\": %.1f, "
           "\"loop_seconds\": %.6f", r->read_seconds, r->train_seconds, r->peak_rss_mib,
           r->loop_seconds);
    printf(",\n \"params\": ");
    if (r->nn)
        nn_params_json(r->nn);
    else
        gbdt_params_json(r->params);
    printf(",\n \"history\": {\"metric\": ");
    json_str(stdout, metric);
    printf(", \"rounds\": %d, \"best_round\": %d, \"train\": [", n, best);
    for (int i = 0; i < n; i++) {
        printf(i ? ", " : "");
        json_num(stdout, tr[i]);
    }
    printf("], \"valid\": [");
    for (int i = 0; i < n; i++) {
        printf(i ? ", " : "");
        json_num(stdout, va[i]);
    }
    printf("]},\n \"importance\": ");
    int rc = 0;
    if (r->nn)
        printf("null");
    else
        rc = report_importance(stdout, m, 0, 1);
    printf("}\n");
    return rc;
}

typedef struct imp_row {
    int j;
    double gain, splits;
} imp_row;

static int cmp_gain(const void *a, const void *b)
{
    const imp_row *x = a, *y = b;
    if (x->gain != y->gain)
        return x->gain < y->gain ? 1 : -1;
    return (x->j > y->j) - (x->j < y->j);
}

int report_importance(FILE *f, const hpml_model *m, int top, int json)
{
    int nf = hpml_model_n_features(m);
    imp_row *rows = calloc((size_t)nf, sizeof *rows);
    double *gain = calloc((size_t)nf, sizeof *gain), *splits = calloc((size_t)nf, sizeof *splits);
    int rc = 0;
    hpml_status s;
    if (!rows || !gain || !splits) {
        fprintf(stderr, "hpml: out of memory\n");
        rc = 3;
    } else if ((s = hpml_model_importance(m, HPML_IMPORTANCE_GAIN, gain)) != HPML_OK ||
               (s = hpml_model_importance(m, HPML_IMPORTANCE_SPLITS, splits)) != HPML_OK) {
        rc = cli_fail(s);
    } else {
        double total = 0;
        for (int j = 0; j < nf; j++) {
            rows[j] = (imp_row){j, gain[j], splits[j]};
            total += gain[j];
        }
        qsort(rows, (size_t)nf, sizeof *rows, cmp_gain);
        int n = top > 0 && top < nf ? top : nf;
        if (json) {
            fprintf(f, "[");
            for (int i = 0; i < n; i++) {
                fprintf(f, "%s{\"feature\": ", i ? ", " : "");
                json_str(f, hpml_model_feature_name(m, rows[i].j));
                fprintf(f, ", \"gain\": ");
                json_num(f, rows[i].gain);
                fprintf(f, ", \"splits\": %.0f}", rows[i].splits);
            }
            fprintf(f, "]");
        } else {
            fprintf(f, "%-32s  %14s  %7s  %8s\n", "feature", "gain", "share", "splits");
            for (int i = 0; i < n; i++)
                fprintf(f, "%-32s  %14.6g  %6.2f%%  %8.0f\n",
                        hpml_model_feature_name(m, rows[i].j), rows[i].gain,
                        total > 0 ? 100.0 * rows[i].gain / total : 0.0, rows[i].splits);
            if (n < nf)
                fprintf(f, "(%d more features; hpml importance MODEL lists all)\n", nf - n);
        }
    }
    free(rows);
    free(gain);
    free(splits);
    return rc;
}

typedef struct metric_field {
    const char *name;
    size_t offset;
} metric_field;

static const metric_field fields[] = {
    {"rmse", offsetof(hpml_metrics, rmse)},         {"mae", offsetof(hpml_metrics, mae)},
    {"r2", offsetof(hpml_metrics, r2)},             {"pearson", offsetof(hpml_metrics, pearson)},
    {"spearman", offsetof(hpml_metrics, spearman)}, {"auc", offsetof(hpml_metrics, auc)},
    {"logloss", offsetof(hpml_metrics, logloss)},   {"accuracy", offsetof(hpml_metrics, accuracy)},
    {"macro_f1", offsetof(hpml_metrics, macro_f1)},
};

static double field(const hpml_metrics *mt, size_t i)
{
    return *(const double *)(const void *)((const char *)mt + fields[i].offset);
}

/* Regression metrics are the first five, classification the last four. */
static int in_task(hpml_task task, size_t i) { return task == HPML_TASK_REGRESSION ? i < 5 : i >= 5; }

void report_metrics_text(FILE *f, hpml_task task, const hpml_metrics *mt)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (in_task(task, i))
            fprintf(f, "%-10s %.6g\n", fields[i].name, field(mt, i));
}

void report_metrics_mean(int n, const hpml_metrics *mt, hpml_metrics *mean)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        double s = 0;
        for (int k = 0; k < n; k++)
            s += field(&mt[k], i);
        *(double *)(void *)((char *)mean + fields[i].offset) = n ? s / n : NAN;
    }
}

void report_metrics_table(FILE *f, int n, const char *const *names, const hpml_metrics *mt,
                          const hpml_metrics *mean)
{
    int w = 6; /* "target" */
    for (int k = 0; k < n; k++)
        w = (int)strlen(names[k]) > w ? (int)strlen(names[k]) : w;
    fprintf(f, "%-*s", w, "target");
    for (size_t i = 0; i < 5; i++) /* the regression metrics */
        fprintf(f, "  %12s", fields[i].name);
    for (int k = 0; k <= n; k++) {
        const hpml_metrics *m = k < n ? &mt[k] : mean;
        fprintf(f, "\n%-*s", w, k < n ? names[k] : "mean");
        for (size_t i = 0; i < 5; i++)
            fprintf(f, "  %12.6g", field(m, i));
    }
    fprintf(f, "\n");
}

void report_metrics_json(FILE *f, hpml_task task, const hpml_metrics *mt)
{
    fprintf(f, "{");
    int first = 1;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!in_task(task, i))
            continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ", fields[i].name);
        json_num(f, field(mt, i));
        first = 0;
    }
    fprintf(f, "}");
}
