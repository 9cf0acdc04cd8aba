/* test_compare.c — hpml_compare_run: the same rows for every model, metrics
 * equal to those recomputed from the models, the noise estimates against
 * their closed forms, permutation importance, failures as results,
 * determinism and allocation failures. */
#include "check.h"
#include "testdata.h"

#include "compare/compare.h"
#include "core/alloc.h"

static hpml_table *table_of(size_t n, uint64_t seed)
{
    char *csv = make_csv(n, seed);
    hpml_table *t = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), "gen.csv", NULL, &t));
    free(csv);
    return t;
}

static hpml_dataset *dataset_of(const hpml_table *t, const char *target)
{
    static const char *ignore[] = {"y", "bin", "cls"};
    const char *ign[2];
    int k = 0;
    for (int i = 0; i < 3; i++)
        if (strcmp(ignore[i], target) != 0)
            ign[k++] = ignore[i];
    hpml_dataset_spec spec;
    hpml_dataset_spec_init(&spec);
    spec.target = target;
    spec.ignore = ign;
    spec.n_ignore = 2;
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_dataset_create(t, &spec, &d));
    return d;
}

static hpml_split *split_of(const hpml_dataset *d, int folds, double valid)
{
    hpml_split_spec ss;
    hpml_split_spec_init(&ss);
    ss.folds = folds;
    ss.valid_size = folds ? 0 : valid;
    ss.seed = 7;
    hpml_split *s = NULL;
    CHECK_OK(hpml_split_create(d, &ss, &s));
    return s;
}

static hpml_gbdt_params small_trees(void)
{
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.n_trees = 20;
    p.max_depth = 3;
    return p;
}

static hpml_nn_params small_net(void)
{
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    p.n_layers = 1;
    p.layers[0] = 16;
    p.epochs = 8;
    p.batch_size = 32;
    p.lr = 3e-3;
    return p;
}

/* Every model's metrics equal those recomputed from its model's predictions
 * on the split's test rows; the fold mean is the mean of the folds. */
static void test_metrics_recomputed(void)
{
    hpml_table *t = table_of(600, 11);
    hpml_dataset *d = dataset_of(t, "y");
    hpml_split *s = split_of(d, 3, 0);
    hpml_gbdt_params g = small_trees();
    hpml_nn_params n = small_net();
    hpml_compare_entry e[2] = {{"gbdt", HPML_MODEL_GBDT, &g, NULL},
                               {"mlp", HPML_MODEL_MLP, NULL, &n}};
    hpml_compare_spec spec;
    hpml_compare_spec_init(&spec);
    spec.models = e;
    spec.n_models = 2;
    spec.threads = 2;
    hpml_compare *c = NULL;
    CHECK_OK(hpml_compare_run(d, s, &spec, &c));
    CHECK(c && hpml_compare_n_models(c) == 2 && hpml_compare_n_folds(c) == 3);
    for (int i = 0; c && i < 2; i++) {
        CHECK(hpml_compare_model_error(c, i) == NULL);
        double sum_rmse = 0;
        for (int f = 0; f < 3; f++) {
            size_t nt;
            const uint32_t *rows = hpml_split_rows(s, f, HPML_PART_TEST, &nt);
            const hpml_model *m = hpml_compare_model(c, i, f);
            CHECK(m != NULL);
            float *pred = malloc(nt * sizeof *pred), *y = malloc(nt * sizeof *y);
            CHECK_OK(hpml_model_predict_dataset(m, d, rows, nt, pred));
            for (size_t r = 0; r < nt; r++)
                y[r] = hpml_dataset_target(d)[rows[r]];
            hpml_metrics want, got;
            CHECK_OK(hpml_metrics_compute(HPML_TASK_REGRESSION, 0, y, pred, nt, &want));
            CHECK_OK(hpml_compare_metrics(c, i, f, &got));
            CHECK(want.rmse == got.rmse && want.r2 == got.r2 && want.spearman == got.spearman);
            CHECK(isnan(got.auc));
            sum_rmse += got.rmse;
            free(pred);
            free(y);
        }
        hpml_metrics mean;
        CHECK_OK(hpml_compare_metrics(c, i, -1, &mean));
        CHECK_NEAR(mean.rmse, sum_rmse / 3, 1e-12);
        CHECK_NEAR(c->models[i].stat[CMP_RMSE].value, sum_rmse / 3, 1e-12);
    }
    CHECK_FAILS(hpml_compare_metrics(c, 2, 0, &(hpml_metrics){0}), HPML_ERR_ARG, "no model 2");
    hpml_compare_free(c);
    hpml_split_free(s);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* k folds: per-model interval mean ± t·sd/√k and the corrected resampled
 * t-test of Nadeau and Bengio for the differences, recomputed here. */
static void test_fold_noise_closed_form(void)
{
    hpml_table *t = table_of(500, 12);
    hpml_dataset *d = dataset_of(t, "y");
    hpml_split *s = split_of(d, 5, 0);
    hpml_gbdt_params good = small_trees(), weak = small_trees();
    weak.n_trees = 2;
    weak.max_depth = 1;
    hpml_compare_entry e[2] = {{"good", HPML_MODEL_GBDT, &good, NULL},
                               {"weak", HPML_MODEL_GBDT, &weak, NULL}};
    hpml_compare_spec spec;
    hpml_compare_spec_init(&spec);
    spec.models = e;
    spec.n_models = 2;
    hpml_compare *c = NULL;
    CHECK_OK(hpml_compare_run(d, s, &spec, &c));
    if (!c)
        goto out;
    const double t4 = 2.776;
    double r[2][5], dm = 0, dss = 0;
    for (int i = 0; i < 2; i++)
        for (int f = 0; f < 5; f++) {
            hpml_metrics m;
            CHECK_OK(hpml_compare_metrics(c, i, f, &m));
            r[i][f] = m.rmse;
        }
    double mean0 = 0, ss0 = 0;
    for (int f = 0; f < 5; f++)
        mean0 += r[0][f] / 5;
    for (int f = 0; f < 5; f++)
        ss0 += (r[0][f] - mean0) * (r[0][f] - mean0);
    double sd0 = sqrt(ss0 / 4);
    const cmp_stat *g = &c->models[0].stat[CMP_RMSE], *w = &c->models[1].stat[CMP_RMSE];
    CHECK_NEAR(g->sd, sd0, 1e-12);
    CHECK_NEAR(g->lo, mean0 - t4 * sd0 / sqrt(5), 1e-12);
    CHECK_NEAR(g->hi, mean0 + t4 * sd0 / sqrt(5), 1e-12);
    for (int f = 0; f < 5; f++)
        dm += (r[1][f] - r[0][f]) / 5;
    for (int f = 0; f < 5; f++)
        dss += (r[1][f] - r[0][f] - dm) * (r[1][f] - r[0][f] - dm);
    size_t ntr, nte;
    hpml_split_rows(s, 0, HPML_PART_TRAIN, &ntr);
    hpml_split_rows(s, 0, HPML_PART_TEST, &nte);
    double se = sqrt((1.0 / 5 + (double)nte / (double)ntr) * dss / 4);
    CHECK(g->best == 1 && w->best == 0);
    CHECK_NEAR(w->diff, dm, 1e-12);
    CHECK_NEAR(w->diff_lo, dm - t4 * se, 1e-12);
    CHECK_NEAR(w->diff_hi, dm + t4 * se, 1e-12);
    CHECK(w->differs == (w->diff_lo > 0)); /* the weak model's RMSE is higher */
    CHECK(w->differs == 1);                /* two stumps against 20 trees: clearly */
    /* R²: higher is better, the same best */
    CHECK(c->models[0].stat[CMP_R2].best == 1 && c->models[1].stat[CMP_R2].diff < 0);
out:
    hpml_compare_free(c);
    hpml_split_free(s);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* One split: two identical models tie (difference exactly 0, within the
 * noise); the bootstrap interval brackets the value; the bootstrap and the
 * models are the same for 1 and 2 threads and for a repeated run. */
static void test_bootstrap(void)
{
    hpml_table *t = table_of(800, 13);
    hpml_dataset *d = dataset_of(t, "bin");
    hpml_split *s = split_of(d, 0, 0.1);
    hpml_gbdt_params g = small_trees();
    hpml_compare_entry e[2] = {{"a", HPML_MODEL_GBDT, &g, NULL}, {"b", HPML_MODEL_GBDT, &g, NULL}};
    hpml_compare_spec spec;
    hpml_compare_spec_init(&spec);
    spec.models = e;
    spec.n_models = 2;
    spec.bootstrap = 300;
    hpml_compare *c[3] = {NULL, NULL, NULL};
    for (int r = 0; r < 3; r++) {
        spec.threads = r == 0 ? 1 : 2;
        CHECK_OK(hpml_compare_run(d, s, &spec, &c[r]));
    }
    if (!c[0] || !c[1] || !c[2])
        goto out;
    for (int k = CMP_AUC; k <= CMP_MACRO_F1; k++) {
        const cmp_stat *a = &c[0]->models[0].stat[k], *b = &c[0]->models[1].stat[k];
        CHECK(a->best == 1 && b->best == 0 && b->diff == 0 && b->diff_lo == 0 &&
              b->diff_hi == 0 && !b->differs);
        CHECK(a->lo <= a->value && a->value <= a->hi && a->sd > 0);
        for (int r = 1; r < 3; r++) {
            const cmp_stat *o = &c[r]->models[0].stat[k];
            CHECK(o->value == a->value && o->sd == a->sd && o->lo == a->lo && o->hi == a->hi);
        }
        CHECK(isnan(c[0]->models[0].stat[CMP_RMSE].value));
    }
    /* about the normal-theory width for an AUC near 0.9 on ~160 rows */
    const cmp_stat *auc = &c[0]->models[0].stat[CMP_AUC];
    CHECK(auc->sd > 0.005 && auc->sd < 0.06);
out:
    for (int r = 0; r < 3; r++)
        hpml_compare_free(c[r]);
    hpml_split_free(s);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* y depends on x0 only: the net's permutation importance puts x0 first and
 * the unused features near zero. */
static void test_permutation_importance(void)
{
    size_t n = 1000;
    char *csv = malloc(64 * n + 64);
    size_t len = (size_t)sprintf(csv, "x0,x1,x2,y\n");
    lcg_state = 99;
    for (size_t i = 0; i < n; i++) {
        double x0 = gauss(), x1 = gauss(), x2 = gauss();
        len += (size_t)sprintf(csv + len, "%.6f,%.6f,%.6f,%.6f\n", x0, x1, x2, 2 * x0 + 0.05 * gauss());
    }
    hpml_table *t = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, len, "imp.csv", NULL, &t));
    hpml_dataset_spec spec;
    hpml_dataset_spec_init(&spec);
    spec.target = "y";
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_dataset_create(t, &spec, &d));
    hpml_split *s = split_of(d, 0, 0.2);
    hpml_nn_params p = small_net();
    p.epochs = 20;
    hpml_gbdt_params g = small_trees();
    hpml_compare_entry e[2] = {{"mlp", HPML_MODEL_MLP, NULL, &p},
                               {"gbdt", HPML_MODEL_GBDT, &g, NULL}};
    hpml_compare_spec cs;
    hpml_compare_spec_init(&cs);
    cs.models = e;
    cs.n_models = 2;
    cs.bootstrap = 0;
    hpml_compare *c = NULL;
    CHECK_OK(hpml_compare_run(d, s, &cs, &c));
    if (c) {
        const cmp_model *m = &c->models[0];
        CHECK(strcmp(m->importance_kind, "permutation") == 0 &&
              strcmp(m->importance_rows, "validation rows") == 0);
        /* shuffling x0 leaves about the target's sd (2·√2 ≈ 2.8) of RMSE */
        CHECK(m->importance[0] > 1.5 && m->importance[0] < 4.0);
        CHECK(fabs(m->importance[1]) < 0.1 * m->importance[0]);
        CHECK(fabs(m->importance[2]) < 0.1 * m->importance[0]);
        const cmp_model *gm = &c->models[1];
        CHECK(strcmp(gm->importance_kind, "gain") == 0);
        CHECK_NEAR(gm->importance[0] + gm->importance[1] + gm->importance[2], 1.0, 1e-12);
        CHECK(gm->importance[0] > 0.9);
        /* no bootstrap: no noise, no verdict */
        CHECK(isnan(m->stat[CMP_RMSE].sd) && !c->models[1].stat[CMP_RMSE].differs);
    }
    hpml_compare_free(c);
    hpml_split_free(s);
    hpml_dataset_free(d);
    hpml_table_free(t);
    free(csv);
}

/* A diverging net is a result: failed with its message, no model, while
 * the trees finish; bad specifications are refused before any work. */
static void test_failures(void)
{
    hpml_table *t = table_of(300, 14);
    hpml_dataset *d = dataset_of(t, "y");
    hpml_split *s = split_of(d, 0, 0.1);
    hpml_gbdt_params g = small_trees();
    hpml_nn_params bad = small_net();
    bad.optimizer = HPML_OPT_SGD;
    bad.lr = 1000;
    hpml_compare_entry e[2] = {{"mlp", HPML_MODEL_MLP, NULL, &bad},
                               {"gbdt", HPML_MODEL_GBDT, &g, NULL}};
    hpml_compare_spec spec;
    hpml_compare_spec_init(&spec);
    spec.models = e;
    spec.n_models = 2;
    spec.bootstrap = 50;
    hpml_compare *c = NULL;
    CHECK_OK(hpml_compare_run(d, s, &spec, &c));
    if (c) {
        const char *err = hpml_compare_model_error(c, 0);
        CHECK(err && strstr(err, "diverged"));
        CHECK(hpml_compare_model(c, 0, 0) == NULL && hpml_compare_model(c, 1, 0) != NULL);
        CHECK(hpml_compare_model_error(c, 1) == NULL);
        CHECK(c->models[1].stat[CMP_RMSE].best == 1 && isnan(c->models[0].stat[CMP_RMSE].value));
        char *text = NULL;
        CHECK_OK(hpml_compare_summary(c, 0, &text));
        CHECK(text && strstr(text, "mlp     failed: training diverged"));
        free(text);
    }
    hpml_compare_free(c);

    c = (hpml_compare *)1;
    spec.n_models = 0;
    CHECK_FAILS(hpml_compare_run(d, s, &spec, &c), HPML_ERR_ARG, "at least one model");
    CHECK(c == NULL);
    hpml_compare_entry dup[2] = {{"m", HPML_MODEL_GBDT, &g, NULL}, {"m", HPML_MODEL_GBDT, &g, NULL}};
    spec.models = dup;
    spec.n_models = 2;
    CHECK_FAILS(hpml_compare_run(d, s, &spec, &c), HPML_ERR_ARG, "two models are named 'm'");
    hpml_gbdt_params neg = small_trees();
    neg.learning_rate = -1;
    hpml_compare_entry one = {"trees", HPML_MODEL_GBDT, &neg, NULL};
    spec.models = &one;
    spec.n_models = 1;
    CHECK_FAILS(hpml_compare_run(d, s, &spec, &c), HPML_ERR_ARG, "model 'trees': ");
    hpml_compare_entry slash = {"a/b", HPML_MODEL_GBDT, &g, NULL};
    spec.models = &slash;
    CHECK_FAILS(hpml_compare_run(d, s, &spec, &c), HPML_ERR_ARG, "path separator");
    hpml_split_free(s);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* compare.json and the predictions are written; the summary JSON is the
 * file's text. */
static void test_write(void)
{
    CHECK(tmpdir_make("hpml_cmp") == 0);
    hpml_table *t = table_of(300, 15);
    hpml_dataset *d = dataset_of(t, "cls");
    hpml_split *s = split_of(d, 0, 0.1);
    hpml_gbdt_params g = small_trees();
    hpml_compare_entry e = {"gbdt", HPML_MODEL_GBDT, &g, NULL};
    hpml_compare_spec spec;
    hpml_compare_spec_init(&spec);
    spec.models = &e;
    spec.n_models = 1;
    spec.bootstrap = 20;
    hpml_compare *c = NULL;
    CHECK_OK(hpml_compare_run(d, s, &spec, &c));
    char dir[200];
    snprintf(dir, sizeof dir, "%s/out/deeper", tmp_path(""));
    CHECK_OK(hpml_compare_write(c, dir));
    char path[300];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/compare.json", dir);
    unsigned char *json = slurp(path, &n);
    char *text = NULL;
    CHECK_OK(hpml_compare_summary(c, 1, &text));
    CHECK(json && text && strlen(text) == n && memcmp(json, text, n) == 0);
    CHECK(text && strstr(text, "\"task\": \"multiclass\"") && strstr(text, "\"macro_f1\": {"));
    free(json);
    free(text);
    snprintf(path, sizeof path, "%s/predictions_gbdt.csv", dir);
    hpml_table *p = NULL;
    CHECK_OK(hpml_table_read_csv(path, NULL, &p));
    size_t nt;
    hpml_split_rows(s, 0, HPML_PART_TEST, &nt);
    CHECK(p && hpml_table_n_rows(p) == nt && hpml_table_n_cols(p) == 7);
    CHECK(p && strcmp(hpml_table_col_name(p, 4), "prob_0") == 0);
    hpml_table_free(p);
    snprintf(path, sizeof path, "%s/gbdt.hpml", dir);
    hpml_model *m = NULL;
    CHECK_OK(hpml_model_load(path, &m));
    hpml_model_free(m);
    /* a file where the directory should be */
    snprintf(path, sizeof path, "%s/compare.json", dir);
    CHECK_FAILS(hpml_compare_write(c, path), HPML_ERR_IO, "not a directory");
    hpml_compare_free(c);
    hpml_split_free(s);
    hpml_dataset_free(d);
    hpml_table_free(t);
    tmpdir_remove();
}

/* Every allocation failure is clean: an error or a result, never a crash
 * or a leak (ASan). */
static void test_alloc_failures(void)
{
    hpml_table *t = table_of(120, 16);
    hpml_dataset *d = dataset_of(t, "y");
    hpml_split *s = split_of(d, 0, 0.1);
    hpml_gbdt_params g = small_trees();
    g.n_trees = 3;
    hpml_compare_entry e = {"gbdt", HPML_MODEL_GBDT, &g, NULL};
    hpml_compare_spec spec;
    hpml_compare_spec_init(&spec);
    spec.models = &e;
    spec.n_models = 1;
    spec.bootstrap = 5;
    spec.threads = 1;
    for (long k = 0; k < 60; k++) {
        hpml_compare *c = NULL;
        hpml_test_fail_alloc(k, 0);
        hpml_status st = hpml_compare_run(d, s, &spec, &c);
        hpml_test_fail_alloc(-1, 0);
        CHECK(st == HPML_OK || st == HPML_ERR_NOMEM);
        CHECK((st == HPML_OK) == (c != NULL));
        hpml_compare_free(c);
    }
    hpml_split_free(s);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

int main(void)
{
    RUN(test_metrics_recomputed);
    RUN(test_fold_noise_closed_form);
    RUN(test_bootstrap);
    RUN(test_permutation_importance);
    RUN(test_failures);
    RUN(test_write);
    RUN(test_alloc_failures);
    return check_summary();
}
