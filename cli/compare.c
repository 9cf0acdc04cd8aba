/* compare.c — `hpml compare DATA.csv --target COL [--models gbdt,mlp,cnn]
 * [split options] [--MODEL.NAME VALUE ...] --out DIR`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "opts.h"
#include "world.h"

static const cli_opt compare_opts[] = {
    CLI_READ_OPTS,
    CLI_DATASET_OPTS,
    {"models", NULL, 0, "comma-separated model families: gbdt, mlp, cnn (default: all three)"},
    {"out", "o", 0, "directory for the report, compare.json, predictions and models (required)"},
    {"test-size", NULL, 0, "fraction of rows (of groups with --group-col) held out for testing "
                           "(default 0.2)"},
    {"valid-size", NULL, 0, "fraction held out for validation: learning curves, early stopping "
                            "(default 0.1; 0: none)"},
    {"group-col", NULL, 0, "keep each value of this column (e.g. a cell line) in one part; the "
                           "column is not used as a feature"},
    {"cv", NULL, 0, "K: K-fold cross-validation (grouped with --group-col) instead of one split"},
    {"seed", NULL, 0, "seed of the split, the bootstrap and the permutation importance "
                      "(default 42)"},
    {"bootstrap", NULL, 0, "resamples of the test rows for the noise of one split (default 1000)"},
    {"config", NULL, 0, "file of 'name = value' lines (any option; the command line wins)"},
    {"json", NULL, 1, "print compare.json's summary to stdout instead of the table"},
    {"help", NULL, 1, "show this help"},
};
#define N_COMPARE_OPTS ((int)(sizeof compare_opts / sizeof compare_opts[0]))

static void usage(void)
{
    printf("Usage: hpml compare DATA.csv --target COL [--models gbdt,mlp,cnn]\n"
           "                    [--test-size F --valid-size F | --group-col COL | --cv K]\n"
           "                    [--gbdt.NAME VALUE ...] [--mlp.NAME VALUE ...] "
           "[--cnn.NAME VALUE ...]\n"
           "                    --out DIR\n\n"
           "Trains every model family on exactly the same training rows, scores each on\n"
           "exactly the same test rows, and writes DIR/report.html (open it in a browser),\n"
           "DIR/compare.json, each model's test predictions and the trained models. With\n"
           "--cv K every fold is shared and results are mean ± sd over the folds; with one\n"
           "split the noise comes from a bootstrap of the test rows.\n\n"
           "A model's parameters are given as --FAMILY.NAME VALUE, e.g. --gbdt.max_depth 6\n"
           "--mlp.layers 256,128 --mlp.dropout 0.2 (see hpml train --help for the names).\n\n");
    cli_print_options(compare_opts, N_COMPARE_OPTS);
}

typedef struct family {
    const char *name;
    hpml_model_kind kind;
} family;

static const family families[] = {
    {"gbdt", HPML_MODEL_GBDT}, {"mlp", HPML_MODEL_MLP}, {"cnn", HPML_MODEL_CNN}};

static int family_of(const char *name, size_t len)
{
    for (int i = 0; i < 3; i++)
        if (strlen(families[i].name) == len && strncmp(families[i].name, name, len) == 0)
            return i;
    return -1;
}

/* Sets every --FAMILY.NAME VALUE parameter on its family's parameters. */
static int set_params(const cli_args *a, hpml_gbdt_params *gp, hpml_nn_params np[2],
                      const int *used)
{
    /* the objective first: "alpha" means the quantile once it is quantile */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < a->n_extra; i++) {
            const char *full = a->extra_name[i], *dot = strchr(full, '.');
            int fam = dot ? family_of(full, (size_t)(dot - full)) : -1;
            if (fam < 0) {
                fprintf(stderr, "hpml compare: unknown option --%s (model parameters are "
                                "--gbdt.NAME, --mlp.NAME or --cnn.NAME; see hpml compare "
                                "--help)\n", full);
                return 1;
            }
            const char *name = dot + 1;
            int is_obj = strcmp(name, "objective") == 0;
            if (is_obj != (pass == 0))
                continue;
            if (!used[fam]) {
                fprintf(stderr, "hpml compare: --%s is given but %s is not in --models\n", full,
                        families[fam].name);
                return 1;
            }
            hpml_status s = fam == 0 ? hpml_gbdt_params_set(gp, name, a->extra_value[i])
                                     : hpml_nn_params_set(&np[fam - 1], name, a->extra_value[i]);
            if (s != HPML_OK) {
                fprintf(stderr, "hpml compare: --%s: %s\n", full, hpml_last_error());
                return 1;
            }
        }
    return 0;
}

/* The command line as one shell-quoted string (for the report). */
static char *command_text(int argc, char **argv)
{
    size_t len = 8;
    for (int i = 0; i < argc; i++)
        len += 4 * strlen(argv[i]) + 3;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    p += sprintf(p, "hpml");
    for (int i = 1; i < argc; i++) {
        *p++ = ' ';
        const char *v = argv[i];
        if (*v && !strpbrk(v, " \t\n'\"\\$`*?[]{}()<>|&;!#~")) {
            p += sprintf(p, "%s", v);
            continue;
        }
        *p++ = '\'';
        for (; *v; v++) {
            if (*v == '\'')
                p += sprintf(p, "'\\''");
            else
                *p++ = *v;
        }
        *p++ = '\'';
    }
    *p = '\0';
    return s;
}

static void on_model(const char *model, int fold, int n_folds, void *user)
{
    (void)user;
    if (n_folds > 1)
        fprintf(stderr, "hpml compare: training %s, fold %d of %d\n", model, fold + 1, n_folds);
    else
        fprintf(stderr, "hpml compare: training %s\n", model);
}

/* The split from the options, described in words in `text`. */
static int make_split(const cli_args *a, const hpml_dataset *d, uint64_t seed, hpml_split **sp,
                      char *text, size_t len)
{
    hpml_split_spec ss;
    hpml_split_spec_init(&ss);
    ss.seed = seed;
    int cv;
    if (cli_get_double(a, "test-size", 0.2, &ss.test_size) ||
        cli_get_double(a, "valid-size", 0.1, &ss.valid_size) ||
        cli_get_int(a, "cv", 0, 0, 255, &cv))
        return 1;
    if (cv == 1) {
        fprintf(stderr, "hpml compare: --cv needs at least 2 folds\n");
        return 1;
    }
    ss.folds = cv;
    ss.group_col = cli_get(a, "group-col");
    if (ss.group_col)
        ss.kind = HPML_SPLIT_GROUP;
    if (cv && (cli_get(a, "test-size") || cli_get(a, "valid-size"))) {
        fprintf(stderr, "hpml compare: --cv K uses every row for testing once; leave out "
                        "--test-size and --valid-size\n");
        return 1;
    }
    const char *how = ss.group_col ? "grouped by " : hpml_dataset_task(d) == HPML_TASK_REGRESSION
                                                        ? "random"
                                                        : "stratified by class";
    if (cv)
        snprintf(text, len, "%d-fold cross-validation, %s%s", cv, how,
                 ss.group_col ? ss.group_col : "");
    else
        snprintf(text, len, "one split, %s%s: test %g, validation %g%s", how,
                 ss.group_col ? ss.group_col : "", ss.test_size, ss.valid_size,
                 ss.group_col ? " of the groups" : "");
    hpml_status s = hpml_split_create(d, &ss, sp);
    return s == HPML_OK ? 0 : cli_fail(s);
}

/* Index of option `name` in the spec. */
static int opt_index(const char *name)
{
    for (int i = 0; i < N_COMPARE_OPTS; i++)
        if (strcmp(compare_opts[i].name, name) == 0)
            return i;
    return -1;
}

int cmd_compare(int argc, char **argv)
{
    cli_args a;
    if (cli_parse_extra(argc, argv, 2, compare_opts, N_COMPARE_OPTS, &a))
        return 1;
    int rc = 0;
    hpml_table *t = NULL;
    hpml_dataset *d = NULL;
    hpml_split *sp = NULL;
    cli_joins joins = {0};
    hpml_compare *c = NULL;
    char *cmd = NULL, *summary = NULL, *ignore = NULL;
    cli_list models = {0};
    if (cli_get(&a, "help")) {
        usage();
        goto out;
    }
    const char *cfg = cli_get(&a, "config");
    if (cfg && (rc = cli_load_config(&a, cfg, 1)) != 0)
        goto out;
    const char *dir = cli_get(&a, "out");
    if (a.n_pos != 1 || !cli_get(&a, "target") || !dir) {
        fprintf(stderr, "hpml compare: expected DATA.csv, --target COL and --out DIR (see hpml "
                        "compare --help)\n");
        rc = 1;
        goto out;
    }
    if (cli_list_split(cli_get(&a, "models") ? cli_get(&a, "models") : "gbdt,mlp,cnn", &models)) {
        rc = 3;
        goto out;
    }
    int used[3] = {0, 0, 0}, bootstrap, seed_i;
    hpml_compare_entry entries[3];
    hpml_gbdt_params gp;
    hpml_nn_params np[2];
    hpml_gbdt_params_init(&gp);
    hpml_nn_params_init(&np[0], HPML_MODEL_MLP);
    hpml_nn_params_init(&np[1], HPML_MODEL_CNN);
    for (int i = 0; i < models.n; i++) {
        int fam = family_of(models.item[i], strlen(models.item[i]));
        if (fam < 0 || used[fam]) {
            fprintf(stderr, "hpml compare: --models: %s '%s' (choose from gbdt, mlp, cnn)\n",
                    fam < 0 ? "unknown model" : "twice the model", models.item[i]);
            rc = 1;
            goto out;
        }
        used[fam] = 1;
        entries[i] = (hpml_compare_entry){families[fam].name, families[fam].kind,
                                          fam == 0 ? &gp : NULL, fam ? &np[fam - 1] : NULL};
    }
    if (models.n == 0) {
        fprintf(stderr, "hpml compare: --models lists no model\n");
        rc = 1;
        goto out;
    }
    if ((rc = set_params(&a, &gp, np, used)) != 0 ||
        (rc = cli_get_int(&a, "bootstrap", 1000, 0, 1000000, &bootstrap)) != 0 ||
        (rc = cli_get_int(&a, "seed", 42, 0, 2147483647, &seed_i)) != 0)
        goto out;
    hpml_compare_spec spec;
    hpml_compare_spec_init(&spec);
    spec.models = entries;
    spec.n_models = models.n;
    spec.bootstrap = bootstrap;
    spec.seed = (uint64_t)seed_i;
    spec.dist = cli_world(); /* trees: each process trains on its share of the rows */
    if ((rc = cli_get_int(&a, "threads", 0, 0, 4096, &spec.threads)) != 0)
        goto out;
    /* a group column identifies rows (cell lines, patients): not a feature */
    const char *group = cli_get(&a, "group-col");
    if (group && !cli_get(&a, "features")) {
        const char *old = cli_get(&a, "ignore");
        size_t n = strlen(group) + (old ? strlen(old) + 2 : 1);
        if (!(ignore = malloc(n))) {
            rc = 3;
            goto out;
        }
        snprintf(ignore, n, "%s%s%s", old ? old : "", old ? "," : "", group);
        a.value[opt_index("ignore")] = ignore;
    }
    char split_text[512];
    if ((rc = cli_read_table(&a, a.pos[0], &t)) == 0 && (rc = cli_read_joins(&a, &joins)) == 0 &&
        (rc = cli_make_dataset(&a, t, &joins, &d)) == 0)
        rc = make_split(&a, d, spec.seed, &sp, split_text, sizeof split_text);
    if ((rc = cli_sync(rc)) != 0) /* every process has its data, or all stop here */
        goto out;
    if (!(cmd = command_text(argc, argv))) {
        rc = 3;
        goto out;
    }
    spec.data_name = a.pos[0];
    spec.split_text = split_text;
    spec.command = cmd;
    if (isatty(2))
        spec.progress = on_model;
    hpml_status s = hpml_compare_run(d, sp, &spec, &c);
    if (s == HPML_OK && cli_is_root())
        s = hpml_compare_write(c, dir);
    if (s == HPML_OK)
        s = hpml_compare_summary(c, cli_get(&a, "json") != NULL, &summary);
    if (s != HPML_OK) {
        rc = cli_fail(s);
        goto out;
    }
    fputs(summary, stdout);
    if (!cli_get(&a, "json"))
        printf("\nreport: %s/report.html (open it in a browser); numbers: %s/compare.json\n",
               dir, dir);
    /* a model that failed is a result (in the table and the report); only
     * when every model failed is the run a failure */
    rc = 2;
    for (int i = 0; i < hpml_compare_n_models(c); i++)
        if (!hpml_compare_model_error(c, i))
            rc = 0;
out:
    free(summary);
    free(cmd);
    free(ignore);
    cli_list_free(&models);
    hpml_compare_free(c);
    hpml_split_free(sp);
    hpml_dataset_free(d);
    hpml_table_free(t);
    cli_joins_free(&joins);
    cli_args_free(&a);
    return rc;
}
