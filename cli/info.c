/* info.c — `hpml info DATA.csv [--target COL]`: what is in a table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "load.h"
#include "opts.h"

static const cli_opt info_opts[] = {
    CLI_READ_OPTS,
    CLI_DATASET_OPTS,
    {"json", NULL, 1, "print one JSON object instead of tables"},
    {"verbose", NULL, 1, "also report what the reader decided (e.g. columns re-read as text)"},
    {"help", NULL, 1, "show this help"},
};
#define N_INFO_OPTS ((int)(sizeof info_opts / sizeof info_opts[0]))

static const char *delim_name(char d)
{
    switch (d) {
    case ',': return ",";
    case '\t': return "tab";
    case ';': return ";";
    case '|': return "|";
    case ' ': return "space";
    case ':': return ":";
    }
    return "?";
}

/* One line per joined table: its rows, features, and how many of its keys
 * the rows use (and how many rows have none). */
static void print_joins(const hpml_dataset *d, const cli_joins *j)
{
    size_t n = hpml_dataset_n_rows(d);
    for (int t = 0; t < hpml_dataset_n_joins(d); t++) {
        size_t nd = hpml_dataset_join_n_rows(d, t), used = 0;
        size_t *count = malloc((nd + 1) * sizeof *count);
        int nf = 0;
        for (int f = 0; f < hpml_dataset_n_features(d); f++)
            nf += hpml_dataset_feature_join(d, f) == t;
        if (count && hpml_dataset_join_counts(d, t, NULL, n, count) == HPML_OK) {
            for (size_t r = 0; r < nd; r++)
                used += count[r] > 0;
            printf("joined:     %s on %s: %zu rows, %d features; %zu of its keys used",
                   hpml_table_source(j->tables[t]), j->join[t].key, nd, nf, used);
            if (count[nd])
                printf("; %zu rows without a match (their features missing)", count[nd]);
            printf("\n");
        }
        free(count);
    }
}

static void print_text(const hpml_table *t, const hpml_col_stats *stats, const hpml_dataset *d,
                       const cli_joins *j, double secs, int threads)
{
    int nc = hpml_table_n_cols(t), ncat = 0;
    for (int c = 0; c < nc; c++)
        ncat += hpml_table_col_type(t, c) == HPML_COL_CATEGORICAL;
    printf("file:       %s\n", hpml_table_source(t));
    printf("rows:       %zu\n", hpml_table_n_rows(t));
    printf("columns:    %d (%d numeric, %d categorical)\n", nc, nc - ncat, ncat);
    printf("delimiter:  %s\n", delim_name(hpml_table_delimiter(t)));
    printf("memory:     %.1f MiB in the table, %.1f MiB peak resident\n",
           (double)hpml_table_memory_bytes(t) / 1048576.0, cli_peak_rss_mib());
    printf("read in:    %.3f s", secs);
    if (threads)
        printf(" (%d thread%s)", threads, threads == 1 ? "" : "s");
    printf("\n");
    size_t w = 6;
    for (int c = 0; c < nc; c++) {
        size_t l = strlen(hpml_table_col_name(t, c));
        if (l > w)
            w = l > 40 ? 40 : l;
    }
    printf("\n%-*s  %-11s  %9s  %12s  %12s  %12s  %10s\n", (int)w, "column", "type", "missing",
           "min", "mean", "max", "categories");
    for (int c = 0; c < nc; c++) {
        const char *name = hpml_table_col_name(t, c);
        size_t miss = hpml_table_col_n_missing(t, c);
        if (hpml_table_col_type(t, c) == HPML_COL_NUMERIC) {
            const hpml_col_stats *st = &stats[c];
            printf("%-*s  %-11s  %9zu  %12.6g  %12.6g  %12.6g  %10s\n", (int)w, name, "numeric",
                   miss, st->min, st->mean, st->max, "");
        } else {
            printf("%-*s  %-11s  %9zu  %12s  %12s  %12s  %10d\n", (int)w, name, "categorical",
                   miss, "", "", "", hpml_table_col_n_categories(t, c));
        }
    }
    if (!d)
        return;
    int k = hpml_dataset_n_classes(d);
    printf("\ntarget%s    ", hpml_dataset_n_targets(d) > 1 ? "s:" : ": ");
    for (int i = 0; i < hpml_dataset_n_targets(d); i++)
        printf("%s%s", i ? ", " : "", hpml_dataset_target_name_k(d, i));
    printf("\n");
    printf("task:       %s (%s)\n", hpml_task_name(hpml_dataset_task(d)),
           hpml_dataset_task_reason(d));
    printf("rows used:  %zu", hpml_dataset_n_rows(d));
    if (hpml_dataset_n_dropped(d))
        printf(" (%zu dropped: target missing)", hpml_dataset_n_dropped(d));
    if (hpml_dataset_n_unjoined(d))
        printf(" (%zu dropped: a key without a row in a joined table)", hpml_dataset_n_unjoined(d));
    printf("\nfeatures:   %d\n", hpml_dataset_n_features(d));
    print_joins(d, j);
    if (k) {
        printf("\n%-20s  %10s  %8s\n", "class", "rows", "share");
        for (int i = 0; i < k; i++)
            printf("%-20s  %10zu  %7.2f%%\n", hpml_dataset_class_label(d, i),
                   hpml_dataset_class_count(d, i),
                   100.0 * (double)hpml_dataset_class_count(d, i) / (double)hpml_dataset_n_rows(d));
    }
}

static void print_json(const hpml_table *t, const hpml_col_stats *stats, const hpml_dataset *d,
                       double secs)
{
    int nc = hpml_table_n_cols(t);
    printf("{\"file\": ");
    json_str(stdout, hpml_table_source(t));
    printf(", \"rows\": %zu, \"columns\": %d, \"delimiter\": ", hpml_table_n_rows(t), nc);
    char delim[2] = {hpml_table_delimiter(t), 0};
    json_str(stdout, delim);
    printf(", \"table_bytes\": %zu, \"peak_rss_bytes\": %.0f, \"read_seconds\": %.6f",
           hpml_table_memory_bytes(t), cli_peak_rss_mib() * 1048576.0, secs);
    printf(", \"column_info\": [");
    for (int c = 0; c < nc; c++) {
        printf("%s\n  {\"name\": ", c ? "," : "");
        json_str(stdout, hpml_table_col_name(t, c));
        printf(", \"missing\": %zu", hpml_table_col_n_missing(t, c));
        if (hpml_table_col_type(t, c) == HPML_COL_NUMERIC) {
            printf(", \"type\": \"numeric\", \"min\": ");
            json_num(stdout, stats[c].min);
            printf(", \"mean\": ");
            json_num(stdout, stats[c].mean);
            printf(", \"max\": ");
            json_num(stdout, stats[c].max);
        } else {
            printf(", \"type\": \"categorical\", \"categories\": %d",
                   hpml_table_col_n_categories(t, c));
        }
        printf("}");
    }
    printf("]");
    if (d) {
        printf(",\n \"target\": {\"name\": ");
        json_str(stdout, hpml_dataset_target_name(d));
        printf(", \"targets\": [");
        for (int i = 0; i < hpml_dataset_n_targets(d); i++) {
            printf(i ? ", " : "");
            json_str(stdout, hpml_dataset_target_name_k(d, i));
        }
        printf("], \"task\": \"%s\", \"reason\": ", hpml_task_name(hpml_dataset_task(d)));
        json_str(stdout, hpml_dataset_task_reason(d));
        printf(", \"rows\": %zu, \"dropped\": %zu, \"features\": %d, \"classes\": [",
               hpml_dataset_n_rows(d), hpml_dataset_n_dropped(d), hpml_dataset_n_features(d));
        for (int i = 0; i < hpml_dataset_n_classes(d); i++) {
            printf("%s{\"label\": ", i ? ", " : "");
            json_str(stdout, hpml_dataset_class_label(d, i));
            printf(", \"rows\": %zu}", hpml_dataset_class_count(d, i));
        }
        printf("]}");
    }
    printf("}\n");
}

int cmd_info(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, info_opts, N_INFO_OPTS, &a))
        return 1;
    if (cli_get(&a, "help")) {
        printf("Usage: hpml info DATA.csv [--target COL] [options]\n\n"
               "Rows, columns and, per column, the inferred type, missing values and\n"
               "min/mean/max or number of categories. With --target, the task and the\n"
               "class counts.\n\n");
        cli_print_options(info_opts, N_INFO_OPTS);
        cli_args_free(&a);
        return 0;
    }
    if (a.n_pos != 1) {
        fprintf(stderr, "hpml info: expected one data file (see hpml info --help)\n");
        cli_args_free(&a);
        return 1;
    }
    int threads;
    if (cli_get_int(&a, "threads", 0, 0, 256, &threads)) {
        cli_args_free(&a);
        return 1;
    }
    if (cli_get(&a, "verbose"))
        hpml_set_log_hook(NULL, NULL, HPML_LOG_INFO);
    hpml_table *t = NULL;
    cli_joins joins = {0};
    hpml_dataset *d = NULL;
    double t0 = cli_now_seconds();
    int rc = cli_read_table(&a, a.pos[0], &t);
    if (rc == 0)
        rc = cli_read_joins(&a, &joins);
    double secs = cli_now_seconds() - t0;
    if (rc == 0 && cli_get(&a, "target"))
        rc = cli_make_dataset(&a, t, &joins, &d);
    hpml_col_stats *stats = NULL;
    if (rc == 0) {
        stats = calloc((size_t)hpml_table_n_cols(t), sizeof *stats);
        if (!stats) {
            fprintf(stderr, "hpml: out of memory\n");
            rc = 3;
        } else if (hpml_table_stats(t, threads, stats) != HPML_OK) {
            rc = cli_fail(HPML_ERR_INTERNAL);
        } else if (cli_get(&a, "json")) {
            print_json(t, stats, d, secs);
        } else {
            print_text(t, stats, d, &joins, secs, threads);
        }
    }
    free(stats);
    hpml_dataset_free(d);
    hpml_table_free(t);
    cli_joins_free(&joins);
    cli_args_free(&a);
    return rc;
}
