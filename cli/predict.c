/* predict.c — `hpml predict MODEL DATA.csv -o PREDS.csv`, and `hpml eval
 * MODEL DATA.csv`: the model's features are found by name in DATA.csv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "load.h"
#include "opts.h"
#include "report.h"
#include "world.h"

static const cli_opt predict_opts[] = {
    CLI_READ_OPTS,
    CLI_JOIN_OPTS,
    {"output", "o", 0, "where to write the predictions CSV (predict; required)"},
    {"keep-col", "keep", 0, "comma-separated columns of DATA.csv to copy into the output (e.g. ids)"},
    {"mc-samples", NULL, 0, "nets with dropout: K stochastic passes; writes their mean and "
                            "standard deviation (Monte-Carlo dropout uncertainty)"},
    {"seed", NULL, 0, "seed of the Monte-Carlo dropout masks (default 0)"},
    {"json", NULL, 1, "print one JSON object (timings; eval: metrics)"},
    {"help", NULL, 1, "show this help"},
};
#define N_PREDICT_OPTS ((int)(sizeof predict_opts / sizeof predict_opts[0]))

/* The parts predict and eval share: model, table, dataset and predictions. */
typedef struct run {
    hpml_model *m;
    hpml_table *t;
    hpml_dataset *d;
    cli_joins joins;         /* the --join tables of a star-schema model */
    float *pred, *sd;        /* sd: Monte-Carlo standard deviations, or NULL */
    size_t n;
    double read_seconds, predict_seconds;
} run;

static void run_free(run *r)
{
    free(r->pred);
    free(r->sd);
    hpml_dataset_free(r->d);
    hpml_table_free(r->t);
    cli_joins_free(&r->joins);
    hpml_model_free(r->m);
}

static int load_and_predict(const cli_args *a, int with_target, const cli_list *keep, run *r)
{
    memset(r, 0, sizeof *r);
    hpml_status s = hpml_model_load(a->pos[0], &r->m);
    if (s != HPML_OK)
        return cli_fail(s);
    int threads, rc, mc;
    if (cli_get_int(a, "threads", 0, 0, 4096, &threads) ||
        cli_get_int(a, "mc-samples", 0, 0, 1000000, &mc))
        return 1;
    const char *seed_text = cli_get(a, "seed");
    char *end = NULL;
    unsigned long long seed = seed_text ? strtoull(seed_text, &end, 10) : 0;
    if (seed_text && (end == seed_text || *end || seed_text[0] == '-')) {
        fprintf(stderr, "hpml predict: --seed: expected a non-negative integer, got '%s'\n",
                seed_text);
        return 1;
    }
    if (mc == 1) {
        fprintf(stderr, "hpml predict: --mc-samples needs at least 2 passes\n");
        return 1;
    }
    if (mc && !hpml_model_has_dropout(r->m)) {
        fprintf(stderr, "hpml predict: --mc-samples needs a net trained with --dropout; %s has "
                        "no dropout\n", a->pos[0]);
        return 1;
    }
    hpml_model_set_threads(r->m, threads);
    double t0 = cli_now_seconds();
    if ((rc = cli_read_table_for_model(a, a->pos[1], r->m, keep, &r->t)) != 0)
        return rc;
    if ((rc = cli_read_joins(a, &r->joins)) != 0)
        return rc;
    if ((s = hpml_model_dataset_joined(r->m, r->t, r->joins.join, r->joins.n,
                                       r->joins.on_missing, with_target, &r->d)) != HPML_OK)
        return cli_fail(s);
    double t1 = cli_now_seconds();
    r->n = hpml_dataset_n_rows(r->d);
    size_t cells = (r->n ? r->n : 1) * (size_t)hpml_model_n_outputs(r->m);
    r->pred = malloc(cells * sizeof *r->pred);
    r->sd = mc ? malloc(cells * sizeof *r->sd) : NULL;
    if (!r->pred || (mc && !r->sd)) {
        fprintf(stderr, "hpml: out of memory for %zu predictions\n", r->n);
        return 3;
    }
    s = mc ? hpml_model_predict_dataset_mc(r->m, r->d, NULL, r->n, mc, (uint64_t)seed, r->pred,
                                           r->sd)
           : hpml_model_predict_dataset(r->m, r->d, NULL, r->n, r->pred);
    if (s != HPML_OK)
        return cli_fail(s);
    r->read_seconds = t1 - t0;
    r->predict_seconds = cli_now_seconds() - t1;
    return 0;
}

int cmd_predict(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, predict_opts, N_PREDICT_OPTS, &a))
        return 1;
    if (cli_get(&a, "help")) {
        printf("Usage: hpml predict MODEL.hpml DATA.csv -o PREDS.csv [--keep-col id]\n\n"
               "Predicts every row of DATA.csv. Columns are matched to the model's features\n"
               "by name (extra columns are ignored; a missing feature is an error). Category\n"
               "values never seen in training are treated as missing. The output has the\n"
               "kept columns, then 'prediction' (regression; several targets:\n"
               "'prediction_TARGET' for each) or 'predicted' and one 'prob_CLASS' column\n"
               "per class (classification). With --mc-samples K (nets with dropout) the\n"
               "values are the mean over K stochastic passes, followed by their standard\n"
               "deviations ('prediction_sd', 'prediction_TARGET_sd', 'prob_CLASS_sd').\n\n");
        cli_print_options(predict_opts, N_PREDICT_OPTS);
        cli_args_free(&a);
        return 0;
    }
    const char *out = cli_get(&a, "output");
    if (a.n_pos != 2 || !out) {
        fprintf(stderr, "hpml predict: expected MODEL.hpml DATA.csv -o PREDS.csv "
                        "(see hpml predict --help)\n");
        cli_args_free(&a);
        return 1;
    }
    const char *om = cli_get(&a, "on-missing");
    if (om && strcmp(om, "drop") == 0) {
        fprintf(stderr, "hpml predict: --on-missing drop: predict writes one line per input row; "
                        "use --on-missing nan (that table's features missing) or error\n");
        cli_args_free(&a);
        return 1;
    }
    cli_list keep;
    if (cli_list_split(cli_get(&a, "keep-col"), &keep)) {
        cli_args_free(&a);
        return 3;
    }
    run r;
    int rc = cli_sync(load_and_predict(&a, 0, &keep, &r));
    int *cols = calloc((size_t)keep.n + 1, sizeof *cols);
    if (rc == 0 && !cols) {
        fprintf(stderr, "hpml: out of memory\n");
        rc = 3;
    }
    for (int i = 0; rc == 0 && i < keep.n; i++)
        if ((cols[i] = hpml_table_find_col(r.t, keep.item[i])) < 0) {
            fprintf(stderr, "hpml predict: --keep-col: no column '%s' in %s\n", keep.item[i],
                    a.pos[1]);
            rc = 2;
        }
    if (rc == 0) {
        double t0 = cli_now_seconds();
        hpml_status s = cli_is_root() ? hpml_write_predictions_sd(r.m, r.pred, r.sd, r.n, r.t,
                                                                  cols, keep.n, out)
                                      : HPML_OK;
        if (s != HPML_OK) {
            rc = cli_fail(s);
        } else if (cli_get(&a, "json")) {
            printf("{\"rows\": %zu, \"output\": ", r.n);
            json_str(stdout, out);
            printf(", \"read_seconds\": %.6f, \"predict_seconds\": %.6f, \"write_seconds\": %.6f, "
                   "\"peak_rss_mib\": %.1f}\n", r.read_seconds, r.predict_seconds,
                   cli_now_seconds() - t0, cli_peak_rss_mib());
        } else {
            printf("predicted %zu rows in %.3f s; written to %s\n", r.n, r.predict_seconds, out);
        }
    }
    free(cols);
    cli_list_free(&keep);
    run_free(&r);
    cli_args_free(&a); /* the joined text of a repeated option (--join) */
    return rc;
}

/* Several targets: the metrics of each (its column of the predictions
 * against its values) and their mean. Returns an exit code. */
static int eval_targets(const run *r, int json)
{
    const int nt = hpml_model_n_targets(r->m);
    const char **names = calloc((size_t)nt, sizeof *names);
    hpml_metrics *mt = calloc((size_t)nt, sizeof *mt), mean;
    float *col = malloc((r->n ? r->n : 1) * sizeof *col);
    int rc = 0;
    if (!names || !mt || !col) {
        fprintf(stderr, "hpml: out of memory\n");
        rc = 3;
    }
    for (int k = 0; rc == 0 && k < nt; k++) {
        names[k] = hpml_model_target_name_k(r->m, k);
        for (size_t i = 0; i < r->n; i++)
            col[i] = r->pred[i * (size_t)nt + (size_t)k];
        hpml_status s = hpml_metrics_compute(HPML_TASK_REGRESSION, 0,
                                             hpml_dataset_target_k(r->d, k), col, r->n, &mt[k]);
        if (s != HPML_OK)
            rc = cli_fail(s);
    }
    if (rc == 0) {
        report_metrics_mean(nt, mt, &mean);
        if (json) {
            printf("{\"rows\": %zu, \"task\": \"regression\", \"predict_seconds\": %.6f, "
                   "\"targets\": [", r->n, r->predict_seconds);
            for (int k = 0; k < nt; k++) {
                printf(k ? ", " : "");
                json_str(stdout, names[k]);
            }
            printf("], \"metrics\": ");
            report_metrics_json(stdout, HPML_TASK_REGRESSION, &mean);
            printf(", \"per_target\": {");
            for (int k = 0; k < nt; k++) {
                printf(k ? ", " : "");
                json_str(stdout, names[k]);
                printf(": ");
                report_metrics_json(stdout, HPML_TASK_REGRESSION, &mt[k]);
            }
            printf("}}\n");
        } else {
            printf("%zu rows, regression, %d targets\n", r->n, nt);
            report_metrics_table(stdout, nt, names, mt, &mean);
        }
    }
    free(names);
    free(mt);
    free(col);
    return rc;
}

int cmd_eval(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, predict_opts, N_PREDICT_OPTS, &a))
        return 1;
    if (cli_get(&a, "help")) {
        printf("Usage: hpml eval MODEL.hpml DATA.csv [--json]\n\n"
               "Predicts DATA.csv, which must hold the model's target column, and prints the\n"
               "task's metrics: regression rmse, mae, r2, pearson, spearman; classification\n"
               "auc, logloss, accuracy, macro_f1. A class the model was not trained on is an\n"
               "error naming its line. A model of several targets: the metrics of each\n"
               "target and their mean (--json: 'metrics' holds the mean, 'per_target'\n"
               "each target's).\n\n");
        cli_print_options(predict_opts, N_PREDICT_OPTS);
        cli_args_free(&a);
        return 0;
    }
    if (a.n_pos != 2) {
        fprintf(stderr, "hpml eval: expected MODEL.hpml DATA.csv (see hpml eval --help)\n");
        cli_args_free(&a);
        return 1;
    }
    run r;
    int rc = cli_sync(load_and_predict(&a, 1, NULL, &r));
    hpml_metrics mt;
    if (rc == 0 && hpml_model_n_targets(r.m) > 1) {
        rc = eval_targets(&r, cli_get(&a, "json") != NULL);
    } else if (rc == 0) {
        hpml_task task = hpml_model_task(r.m);
        hpml_status s = hpml_metrics_compute(task, hpml_model_n_classes(r.m),
                                             hpml_dataset_target(r.d), r.pred, r.n, &mt);
        if (s != HPML_OK) {
            rc = cli_fail(s);
        } else if (cli_get(&a, "json")) {
            printf("{\"rows\": %zu, \"task\": \"%s\", \"predict_seconds\": %.6f, \"metrics\": ",
                   r.n, hpml_task_name(task), r.predict_seconds);
            report_metrics_json(stdout, task, &mt);
            printf("}\n");
        } else {
            printf("%zu rows, %s\n", r.n, hpml_task_name(task));
            report_metrics_text(stdout, task, &mt);
        }
    }
    run_free(&r);
    cli_args_free(&a);
    return rc;
}
