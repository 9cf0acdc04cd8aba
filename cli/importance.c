/* importance.c — `hpml importance MODEL`: gain and split counts per feature. */
#include <stdio.h>

#include "opts.h"
#include "report.h"

static const cli_opt imp_opts[] = {
    {"top", NULL, 0, "show only the N most important features (default: all)"},
    {"json", NULL, 1, "print a JSON array"},
    {"help", NULL, 1, "show this help"},
};
#define N_IMP_OPTS ((int)(sizeof imp_opts / sizeof imp_opts[0]))

int cmd_importance(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, imp_opts, N_IMP_OPTS, &a))
        return 1;
    if (cli_get(&a, "help")) {
        printf("Usage: hpml importance MODEL.hpml [--top N] [--json]\n\n"
               "Per feature of a tree model: the total gain of its splits, its share of all\n"
               "gain, and how many splits use it; most important first.\n\n");
        cli_print_options(imp_opts, N_IMP_OPTS);
        return 0;
    }
    int top;
    if (a.n_pos != 1) {
        fprintf(stderr, "hpml importance: expected MODEL.hpml (see hpml importance --help)\n");
        return 1;
    }
    if (cli_get_int(&a, "top", 0, 0, 1 << 30, &top))
        return 1;
    hpml_model *m;
    hpml_status s = hpml_model_load(a.pos[0], &m);
    if (s != HPML_OK)
        return cli_fail(s);
    int json = cli_get(&a, "json") != NULL;
    int rc = report_importance(stdout, m, top, json);
    if (json && rc == 0)
        printf("\n");
    hpml_model_free(m);
    return rc;
}
