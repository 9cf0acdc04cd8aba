/* report.h — what train, eval and importance print (text tables or JSON). */
#ifndef HPML_CLI_REPORT_H
#define HPML_CLI_REPORT_H

#include <stdio.h>

#include "hpml.h"

typedef struct train_report {
    const hpml_model *model;
    const hpml_dataset *d;
    const char *path;
    const hpml_gbdt_params *params;    /* trees, or NULL */
    const hpml_nn_params *nn;          /* nets, or NULL */
    size_t n_train, n_valid;
    double read_seconds, train_seconds, peak_rss_mib;
    double loop_seconds;     /* the progress clock at the last round or epoch (nets: the
                                epochs alone, without preparing the inputs) */
} train_report;

int report_train_text(const train_report *r);
int report_train_json(const train_report *r);

/* Features by decreasing gain: a table of the top `top` (0: all), or a JSON
 * array. Returns an exit code. */
int report_importance(FILE *f, const hpml_model *m, int top, int json);

/* The metrics of the task (NaN ones left out). */
void report_metrics_text(FILE *f, hpml_task task, const hpml_metrics *mt);
void report_metrics_json(FILE *f, hpml_task task, const hpml_metrics *mt);
/* Regression metrics of several targets: a table with a row per target
 * (names[k], mt[k]) and a last row "mean" (mean). */
void report_metrics_table(FILE *f, int n, const char *const *names, const hpml_metrics *mt,
                          const hpml_metrics *mean);
/* The mean over n targets of each metric. */
void report_metrics_mean(int n, const hpml_metrics *mt, hpml_metrics *mean);

#endif
