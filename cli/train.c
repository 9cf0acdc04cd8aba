/* train.c — `hpml train DATA.csv --target COL [--target COL2 ...] --model gbdt|mlp|cnn
 * [params] -o MODEL`. Several targets make a multi-output regression net. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "load.h"
#include "opts.h"
#include "report.h"
#include "world.h"

static const cli_opt train_opts[] = {
    CLI_READ_OPTS,
    CLI_DATASET_OPTS,
    {"model", NULL, 0, "gbdt (default), mlp or cnn"},
    {"output", "o", 0, "where to write the model (required)"},
    {"valid", NULL, 0, "validation CSV (same columns) for the per-round metric and early stopping"},
    {"valid-size", NULL, 0, "or: hold out this fraction of the rows for validation (seeded by --seed)"},
    {"config", NULL, 0, "file of 'name = value' lines (any option or parameter; the command line wins)"},
    {"log-every", NULL, 0, "print the train/valid metric every N rounds (default 0: never; trees "
                           "compute the training metric only then and at the last round)"},
    {"json", NULL, 1, "print one JSON object (timings, history, importance) instead of text"},
    {"help", NULL, 1, "show this help"},
};
#define N_TRAIN_OPTS ((int)(sizeof train_opts / sizeof train_opts[0]))

static void print_params(int (*info)(int, const char **, const char **, const char **))
{
    const char *name, *aliases, *help;
    for (int i = 0; info(i, &name, &aliases, &help); i++) {
        char left[160];
        snprintf(left, sizeof left, "--%s%s%s%s", name, *aliases ? " (" : "", aliases,
                 *aliases ? ")" : "");
        printf("  %s\n      %s\n", left, help);
    }
}

static void usage(void)
{
    printf("Usage: hpml train DATA.csv --target COL [--model gbdt|mlp|cnn] [parameters]\n"
           "                  -o MODEL.hpml\n\n"
           "Trains a model on every row of DATA.csv (or on all but the --valid-size\n"
           "rows) and writes it to MODEL.hpml. Parameters are --name value; XGBoost and\n"
           "LightGBM names are accepted as aliases for trees, PyTorch/Keras names for\n"
           "nets; dashes and underscores are the same in net parameters. Several\n"
           "targets (--target y1 --target y2, or --target y1,y2; numeric columns) train\n"
           "a multi-output regression net (--model mlp or cnn).\n\n");
    cli_print_options(train_opts, N_TRAIN_OPTS);
    printf("\nGBDT parameters (--model gbdt):\n");
    print_params(hpml_gbdt_param_info);
    printf("\nNeural-net parameters (--model mlp or cnn; inputs and regression targets are\n"
           "standardised, categorical features one-hot, all inside the model):\n");
    print_params(hpml_nn_param_info);
}

/* Net parameters from the options. */
static int nn_params_from(const cli_args *a, hpml_model_kind kind, hpml_nn_params *p)
{
    hpml_nn_params_init(p, kind);
    if (cli_get_int(a, "threads", 0, 0, 4096, &p->threads))
        return 1;
    for (int i = 0; i < a->n_extra; i++)
        if (hpml_nn_params_set(p, a->extra_name[i], a->extra_value[i]) != HPML_OK) {
            const char *msg = hpml_last_error();
            if (strncmp(msg, "unknown neural-net parameter", 28) == 0)
                fprintf(stderr, "hpml train: unknown option --%s for --model %s (see hpml train "
                                "--help)\n",
                        a->extra_name[i], kind == HPML_MODEL_CNN ? "cnn" : "mlp");
            else
                fprintf(stderr, "hpml train: %s\n", msg);
            return 1;
        }
    if (hpml_nn_params_check(p) != HPML_OK) {
        fprintf(stderr, "hpml train: %s\n", hpml_last_error());
        return 1;
    }
    return 0;
}

/* Learner parameters from the options: the objective first, because
 * "alpha" means the quantile once the objective is quantile. */
static int gbdt_params_from(const cli_args *a, hpml_gbdt_params *p)
{
    hpml_gbdt_params_init(p);
    if (cli_get_int(a, "threads", 0, 0, 4096, &p->threads))
        return 1;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < a->n_extra; i++) {
            int is_obj = strcmp(a->extra_name[i], "objective") == 0;
            if (is_obj != (pass == 0))
                continue;
            if (hpml_gbdt_params_set(p, a->extra_name[i], a->extra_value[i]) != HPML_OK) {
                const char *msg = hpml_last_error();
                if (strncmp(msg, "unknown GBDT parameter", 22) == 0)
                    fprintf(stderr, "hpml train: unknown option --%s (see hpml train --help)\n",
                            a->extra_name[i]);
                else
                    fprintf(stderr, "hpml train: %s\n", msg);
                return 1;
            }
        }
    if (hpml_gbdt_params_check(p) != HPML_OK) {
        fprintf(stderr, "hpml train: %s\n", hpml_last_error());
        return 1;
    }
    return 0;
}

typedef struct progress_state {
    int log_every, bar;
    double loop_seconds;     /* at the last round/epoch: since the first began */
} progress_state;

static int on_progress(const hpml_progress *p, void *user)
{
    progress_state *s = user;
    s->loop_seconds = p->seconds;
    if (s->log_every > 0 && (p->round % s->log_every == 0 || p->round == p->n_rounds)) {
        if (s->bar)
            fprintf(stderr, "\r%*s\r", 60, "");
        fprintf(stderr, "[%d/%d] train-%s %.6g", p->round, p->n_rounds, p->metric, p->train_metric);
        if (!isnan(p->valid_metric))
            fprintf(stderr, "  valid-%s %.6g (best round %d)", p->metric, p->valid_metric,
                    p->best_round);
        fprintf(stderr, "  %.1f s\n", p->seconds);
    }
    if (s->bar) {
        int width = 30, done = (int)((double)width * p->round / p->n_rounds);
        double eta = p->seconds / p->round * (p->n_rounds - p->round);
        fprintf(stderr, "\r[%.*s%*s] %d/%d  %.0f s, ETA %.0f s ", done,
                "==============================", width - done, "", p->round, p->n_rounds,
                p->seconds, eta);
        if (p->round == p->n_rounds)
            fprintf(stderr, "\r%*s\r", 70, "");
    }
    return 0;
}

/* Validation rows: a file laid out like the training data, or a held-out
 * fraction (then *train_rows lists the rest). */
static int make_validation(const cli_args *a, const hpml_dataset *d, const cli_joins *joins,
                           uint64_t seed, hpml_table **vt, hpml_dataset **vd, hpml_split **sp)
{
    const char *vfile = cli_get(a, "valid"), *vsize = cli_get(a, "valid-size");
    if (vfile && vsize) {
        fprintf(stderr, "hpml train: give --valid or --valid-size, not both\n");
        return 1;
    }
    if (vfile) {
        int nf = hpml_dataset_n_features(d), nh = 0;
        const char **names = calloc((size_t)nf, sizeof *names);
        hpml_coltype_hint *hints = calloc((size_t)nf, sizeof *hints);
        int rc = 3;
        if (names && hints) {
            for (int j = 0; j < nf; j++) {
                if (hpml_dataset_feature_join(d, j) >= 0) /* in a joined table */
                    continue;
                names[nh] = hpml_dataset_feature_name(d, j);
                hints[nh++] = hpml_dataset_feature_type(d, j) == HPML_COL_CATEGORICAL
                                  ? HPML_HINT_CATEGORICAL
                                  : HPML_HINT_NUMERIC;
            }
            rc = cli_read_table_hints(a, vfile, names, hints, nh, vt);
        } else {
            fprintf(stderr, "hpml: out of memory\n");
        }
        free(names);
        free(hints);
        if (rc)
            return rc;
        hpml_status s = hpml_dataset_create_like_joined(d, *vt, joins->join, joins->n,
                                                        joins->on_missing, 1, vd);
        return s == HPML_OK ? 0 : cli_fail(s);
    }
    if (vsize) {
        double f;
        if (cli_get_double(a, "valid-size", 0, &f))
            return 1;
        if (!(f > 0 && f < 1)) {
            fprintf(stderr, "hpml train: --valid-size must be in (0, 1), got %s\n", vsize);
            return 1;
        }
        hpml_split_spec ss;
        hpml_split_spec_init(&ss);
        ss.test_size = f; /* the held-out part is the split's test part */
        ss.valid_size = 0;
        ss.seed = seed;
        hpml_status s = hpml_split_create(d, &ss, sp);
        return s == HPML_OK ? 0 : cli_fail(s);
    }
    return 0;
}

int cmd_train(int argc, char **argv)
{
    cli_args a;
    if (cli_parse_extra(argc, argv, 2, train_opts, N_TRAIN_OPTS, &a))
        return 1;
    int rc = 0, log_every;
    hpml_table *t = NULL, *vt = NULL;
    hpml_dataset *d = NULL, *vd = NULL;
    hpml_split *sp = NULL;
    cli_joins joins = {0};
    hpml_model *m = NULL;
    if (cli_get(&a, "help")) {
        usage();
        goto out;
    }
    const char *cfg = cli_get(&a, "config");
    if (cfg && (rc = cli_load_config(&a, cfg, 1)) != 0)
        goto out;
    const char *kind = cli_get(&a, "model"), *out_path = cli_get(&a, "output");
    if (a.n_pos != 1 || !cli_get(&a, "target") || !out_path) {
        fprintf(stderr, "hpml train: expected DATA.csv, --target COL and -o MODEL "
                        "(see hpml train --help)\n");
        rc = 1;
        goto out;
    }
    hpml_model_kind mk = !kind || strcmp(kind, "gbdt") == 0 ? HPML_MODEL_GBDT
                         : strcmp(kind, "mlp") == 0        ? HPML_MODEL_MLP
                         : strcmp(kind, "cnn") == 0        ? HPML_MODEL_CNN
                                                           : (hpml_model_kind)0;
    if (!mk) {
        fprintf(stderr, "hpml train: --model %s is not available (gbdt, mlp or cnn)\n", kind);
        rc = 1;
        goto out;
    }
    cli_list targets;
    if (cli_list_split(cli_get(&a, "target"), &targets)) {
        rc = 3;
        goto out;
    }
    int n_targets = targets.n;
    cli_list_free(&targets);
    if (mk == HPML_MODEL_GBDT && n_targets > 1) {
        fprintf(stderr, "hpml train: gradient-boosted trees take one target; use --model mlp or "
                        "cnn for several (%d given)\n", n_targets);
        rc = 1;
        goto out;
    }
    hpml_gbdt_params p;
    hpml_nn_params np;
    if ((rc = mk == HPML_MODEL_GBDT ? gbdt_params_from(&a, &p) : nn_params_from(&a, mk, &np)) !=
            0 ||
        (rc = cli_get_int(&a, "log-every", 0, 0, 1 << 30, &log_every)) != 0)
        goto out;
    int json = cli_get(&a, "json") != NULL;
    progress_state ps = {log_every, !json && isatty(2), 0};
    p.progress = np.progress = on_progress; /* also keeps the loop's time */
    p.dist = cli_world(); /* trees: each process trains on its share of the rows */
    p.metric_every = log_every; /* the training metric when printed, and at the end */
    np.dist = cli_world(); /* nets: each process takes its share of every batch */
    p.progress_user = np.progress_user = &ps;
    uint64_t seed = mk == HPML_MODEL_GBDT ? p.seed : np.seed;
    double t0 = cli_now_seconds();
    if ((rc = cli_read_table(&a, a.pos[0], &t)) == 0 && (rc = cli_read_joins(&a, &joins)) == 0 &&
        (rc = cli_make_dataset(&a, t, &joins, &d)) == 0)
        rc = make_validation(&a, d, &joins, seed, &vt, &vd, &sp);
    if ((rc = cli_sync(rc)) != 0) /* every process has its data, or all stop here */
        goto out;
    double t1 = cli_now_seconds();
    const uint32_t *train_rows = NULL, *valid_rows = NULL;
    size_t n_train = hpml_dataset_n_rows(d), n_valid = vd ? hpml_dataset_n_rows(vd) : 0;
    if (sp) {
        train_rows = hpml_split_rows(sp, 0, HPML_PART_TRAIN, &n_train);
        valid_rows = hpml_split_rows(sp, 0, HPML_PART_TEST, &n_valid);
    }
    hpml_status s =
        mk == HPML_MODEL_GBDT
            ? hpml_gbdt_train(d, train_rows, n_train, sp ? d : vd, valid_rows, n_valid, &p, &m)
            : hpml_nn_train(d, train_rows, n_train, sp ? d : vd, valid_rows, n_valid, &np, &m);
    double t2 = cli_now_seconds();
    if (s != HPML_OK) {
        rc = cli_fail(s);
        goto out;
    }
    cli_vlog("read %.3f s, train %.3f s", t1 - t0, t2 - t1);
    if (cli_is_root() && (s = hpml_model_save(m, out_path)) != HPML_OK) {
        rc = cli_fail(s);
        goto out;
    }
    train_report r = {.model = m, .d = d, .path = out_path,
                      .params = mk == HPML_MODEL_GBDT ? &p : NULL,
                      .nn = mk == HPML_MODEL_GBDT ? NULL : &np, .n_train = n_train,
                      .n_valid = n_valid, .read_seconds = t1 - t0, .train_seconds = t2 - t1,
                      .loop_seconds = ps.loop_seconds,
                      .peak_rss_mib = cli_peak_rss_mib()};
    rc = json ? report_train_json(&r) : report_train_text(&r);
out:
    hpml_model_free(m);
    hpml_split_free(sp);
    hpml_dataset_free(vd);
    hpml_table_free(vt);
    hpml_dataset_free(d);
    hpml_table_free(t);
    cli_joins_free(&joins);
    cli_args_free(&a);
    return rc;
}
