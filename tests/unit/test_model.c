/* test_model.c — the public model API: GBDT parameters, objectives, the
 * model file (and files written by hpml 0.1.0, and the section of several
 * targets), determinism, and edge cases, end to end through hpml.h. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "testdata.h"
#include "gbdt/objective.h"
#include "gbdt/predict.h"
#include "io/container.h"

static hpml_dataset *dataset_of(const hpml_table *t, const char *target, const char *ignore)
{
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = target;
    const char *ign[3];
    int ni = 0;
    static const char *targets[] = {"y", "bin", "cls"};
    for (int i = 0; i < 3; i++)
        if (strcmp(targets[i], target) != 0 && hpml_table_find_col(t, targets[i]) >= 0)
            ign[ni++] = targets[i];
    (void)ignore;
    sp.ignore = ign;
    sp.n_ignore = ni;
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_dataset_create(t, &sp, &d));
    return d;
}

/* ----------------------------------------------------------- parameters */

static void test_params(void)
{
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    CHECK(p.objective == HPML_GBDT_AUTO && p.n_trees == 100 && p.max_bin == 255);
    CHECK_OK(hpml_gbdt_params_set(&p, "eta", "0.05"));
    CHECK(p.learning_rate == 0.05);
    CHECK_OK(hpml_gbdt_params_set(&p, "num_leaves", "31"));
    CHECK(p.max_leaves == 31);
    CHECK_OK(hpml_gbdt_params_set(&p, "bagging_fraction", "0.8"));
    CHECK(p.subsample == 0.8);
    CHECK_OK(hpml_gbdt_params_set(&p, "objective", "binary:logistic"));
    CHECK(p.objective == HPML_GBDT_LOGISTIC);
    CHECK_OK(hpml_gbdt_params_set(&p, "grow_policy", "lossguide"));
    CHECK(p.grow_policy == HPML_GROW_LOSSGUIDE);
    CHECK_OK(hpml_gbdt_params_set(&p, "seed", "18446744073709551615"));
    CHECK(p.seed == UINT64_MAX);
    CHECK_OK(hpml_gbdt_params_set(&p, "alpha", "0.5")); /* L1 while not quantile */
    CHECK(p.alpha == 0.5 && p.quantile_alpha == 0.5);
    CHECK_OK(hpml_gbdt_params_set(&p, "objective", "quantile"));
    CHECK_OK(hpml_gbdt_params_set(&p, "alpha", "0.9"));
    CHECK(p.quantile_alpha == 0.9 && p.alpha == 0.5);
    CHECK_FAILS(hpml_gbdt_params_set(&p, "max_depth", "31"), HPML_ERR_ARG,
                "max_depth = 31 is out of range: allowed integers [0, 30]");
    CHECK_FAILS(hpml_gbdt_params_set(&p, "eta", "-0.1"), HPML_ERR_ARG, "eta = -0.1 is out of range");
    CHECK_FAILS(hpml_gbdt_params_set(&p, "learning_rate", "0"), HPML_ERR_ARG, "(0, 1000]");
    CHECK_FAILS(hpml_gbdt_params_set(&p, "n_trees", "2.5"), HPML_ERR_ARG, "expected an integer");
    CHECK_FAILS(hpml_gbdt_params_set(&p, "subsample", "abc"), HPML_ERR_ARG, "expected a number");
    CHECK_FAILS(hpml_gbdt_params_set(&p, "max_bin", "256"), HPML_ERR_ARG, "[2, 255]");
    CHECK_FAILS(hpml_gbdt_params_set(&p, "nope", "1"), HPML_ERR_ARG, "unknown GBDT parameter 'nope'");
    CHECK_FAILS(hpml_gbdt_params_set(&p, "objective", "poisson"), HPML_ERR_ARG, "not one of");
    hpml_gbdt_params_init(&p);
    p.max_depth = 0;
    CHECK_FAILS(hpml_gbdt_params_check(&p), HPML_ERR_ARG, "needs grow_policy=lossguide");
    p.grow_policy = HPML_GROW_LOSSGUIDE;
    CHECK_FAILS(hpml_gbdt_params_check(&p), HPML_ERR_ARG, "needs max_leaves");
    p.max_leaves = 8;
    CHECK_OK(hpml_gbdt_params_check(&p));
    p.colsample_bytree = 0;
    CHECK_FAILS(hpml_gbdt_params_check(&p), HPML_ERR_ARG, "colsample_bytree = 0 is out of range");
    const char *name, *aliases, *help;
    int n = 0;
    while (hpml_gbdt_param_info(n, &name, &aliases, &help))
        n++;
    CHECK(n >= 20);
}

/* ----------------------------------------------------------- objectives */

static void test_objective_gradients(void)
{
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.huber_delta = 0.5;
    p.quantile_alpha = 0.9;
    gbdt_loss l;
    double F[6] = {0.0, 2.0, -1.0, 0.3, 1.0, 1.0};
    float y[3] = {1.0f, 0.0f, 2.0f}, g[6], h[6];
    /* huber: residual clamped to +-delta, hessian 1 */
    CHECK_OK(gbdt_loss_for(HPML_GBDT_HUBER, HPML_TASK_REGRESSION, 0, &p, &l));
    gbdt_gradients(&l, F, y, 3, 1, g, h);
    CHECK(g[0] == -0.5f && g[1] == 0.5f && g[2] == -0.5f && h[0] == 1.0f);
    /* quantile: 1 - alpha above the target, -alpha below */
    CHECK_OK(gbdt_loss_for(HPML_GBDT_QUANTILE, HPML_TASK_REGRESSION, 0, &p, &l));
    gbdt_gradients(&l, F, y, 3, 1, g, h);
    CHECK_NEAR(g[0], -0.9, 1e-7);
    CHECK_NEAR(g[1], 0.1, 1e-7);
    /* softmax over 3 classes, 2 rows (F row-major), gradients group-major */
    CHECK_OK(gbdt_loss_for(HPML_GBDT_SOFTMAX, HPML_TASK_MULTICLASS, 3, &p, &l));
    CHECK(l.k == 3);
    float yc[2] = {2.0f, 0.0f};
    gbdt_gradients(&l, F, yc, 2, 1, g, h);
    double e0 = exp(0.0), e1 = exp(2.0), e2 = exp(-1.0), s = e0 + e1 + e2;
    CHECK_NEAR(g[0 * 2 + 0], e0 / s, 1e-6);
    CHECK_NEAR(g[1 * 2 + 0], e1 / s, 1e-6);
    CHECK_NEAR(g[2 * 2 + 0], e2 / s - 1, 1e-6);
    CHECK_NEAR(h[1 * 2 + 0], 2 * (e1 / s) * (1 - e1 / s), 1e-6);
    CHECK_NEAR(g[0 * 2 + 1] + g[1 * 2 + 1] + g[2 * 2 + 1], 0.0, 1e-6);
    /* logistic, against the closed form in double: g = sigmoid(F) - y,
     * h = p (1 - p) (at least 1e-16), to float precision, over margins from
     * far negative to far positive and more rows than one vector step. The
     * tolerance: 4e-7 relative, plus F rounded to float (half an ulp of F is
     * up to 6e-8 |F|, which e^-F turns into that relative error), plus 1e-37
     * (beyond +-87, e^-F is clamped) */
    {
        enum { NL = 2 * 41 };
        double Fl[NL];
        float yl[NL], gl[NL], hl[NL];
        for (int i = 0; i < NL; i++) {
            Fl[i] = -100.0 + 5.0 * (i / 2) + 0.37 * (i % 3);
            yl[i] = (float)(i % 2);
        }
        CHECK_OK(gbdt_loss_for(HPML_GBDT_LOGISTIC, HPML_TASK_BINARY, 2, &p, &l));
        gbdt_gradients(&l, Fl, yl, NL, 1, gl, hl);
        int bad = 0;
        for (int i = 0; i < NL; i++) {
            double e = exp(-Fl[i]), pr = 1 / (1 + e);
            double gx = yl[i] ? -e / (1 + e) : pr, hx = e / ((1 + e) * (1 + e));
            hx = hx > 1e-16 ? hx : 1e-16;
            double rel = 4e-7 + 6e-8 * fabs(Fl[i]);
            bad += fabs(gl[i] - gx) > rel * fabs(gx) + 1e-37;
            bad += fabs(hl[i] - hx) > rel * hx;
        }
        CHECK(bad == 0);
        CHECK(gl[NL / 2] != 0 && hl[NL / 2] > 0.2f); /* F = 0 + ...: p near 1/2 */
    }
    /* objectives that do not fit the task */
    CHECK_FAILS(gbdt_loss_for(HPML_GBDT_LOGISTIC, HPML_TASK_REGRESSION, 0, &p, &l), HPML_ERR_ARG,
                "needs a binary task");
    CHECK_FAILS(gbdt_loss_for(HPML_GBDT_SQUARED_ERROR, HPML_TASK_BINARY, 2, &p, &l), HPML_ERR_ARG,
                "is for regression");
    CHECK_FAILS(gbdt_loss_for(HPML_GBDT_SOFTMAX, HPML_TASK_BINARY, 2, &p, &l), HPML_ERR_ARG,
                "use logistic");
    /* starting margins: median for huber, the alpha quantile for quantile */
    float yy[5] = {5, 1, 3, 2, 100};
    double b;
    CHECK_OK(gbdt_loss_for(HPML_GBDT_HUBER, HPML_TASK_REGRESSION, 0, &p, &l));
    CHECK_OK(gbdt_base_margin(&l, yy, 5, NAN, &b));
    CHECK(b == 3.0);
    CHECK_OK(gbdt_loss_for(HPML_GBDT_QUANTILE, HPML_TASK_REGRESSION, 0, &p, &l));
    CHECK_OK(gbdt_base_margin(&l, yy, 5, NAN, &b));
    CHECK_NEAR(b, 5 + 0.6 * 95, 1e-9); /* position 0.9 * 4 = 3.6 between 5 and 100 */
}

/* ------------------------------------------------- training end to end */

typedef struct trained {
    hpml_table *t;
    hpml_dataset *d;
    hpml_model *m;
} trained;

static trained train_on(const char *csv, const char *target, hpml_gbdt_params *p)
{
    trained r = {check_table(csv, 1), NULL, NULL};
    if (!r.t)
        return r;
    r.d = dataset_of(r.t, target, NULL);
    if (r.d)
        CHECK_OK(hpml_gbdt_train(r.d, NULL, 0, NULL, NULL, 0, p, &r.m));
    return r;
}

static void trained_free(trained *r)
{
    hpml_model_free(r->m);
    hpml_dataset_free(r->d);
    hpml_table_free(r->t);
}

/* Every option that draws random numbers or runs in parallel, on enough rows
 * for the parallel paths: the model file must be byte-identical. */
static void test_threads_same_file(void)
{
    char *csv = make_csv(70000, 7); /* > PAR_PARTITION_ROWS: the parallel partition too */
    static const struct {
        const char *target, *objective, *policy;
    } cases[] = {{"y", "squared_error", "depthwise"}, {"bin", "logistic", "lossguide"},
                 {"cls", "softmax", "depthwise"}, {"y", "quantile", "lossguide"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        unsigned char *bytes[2] = {NULL, NULL};
        size_t len[2] = {0, 0};
        for (int th = 1; th <= 2; th++) {
            hpml_gbdt_params p;
            hpml_gbdt_params_init(&p);
            CHECK_OK(hpml_gbdt_params_set(&p, "objective", cases[c].objective));
            CHECK_OK(hpml_gbdt_params_set(&p, "grow_policy", cases[c].policy));
            p.n_trees = 8;
            p.max_leaves = 24;
            p.subsample = 0.7;
            p.colsample_bytree = 0.6;
            p.threads = th;
            p.seed = 42;
            trained r = train_on(csv, cases[c].target, &p);
            if (r.m) {
                CHECK_OK(hpml_model_save(r.m, tmp_path("det.hpml")));
                bytes[th - 1] = slurp(tmp_path("det.hpml"), &len[th - 1]);
            }
            trained_free(&r);
        }
        CHECK(bytes[0] && bytes[1] && len[0] == len[1] && len[0] > 1000 &&
              memcmp(bytes[0], bytes[1], len[0]) == 0);
        if (!(bytes[0] && bytes[1] && len[0] == len[1] && memcmp(bytes[0], bytes[1], len[0]) == 0))
            fprintf(stderr, "  case %s/%s differs between 1 and 2 threads\n", cases[c].objective,
                    cases[c].policy);
        free(bytes[0]);
        free(bytes[1]);
    }
    free(csv);
}

/* Save, load, predict: the same numbers bit for bit, and saving the loaded
 * model gives the same bytes. */
static void test_save_load_round_trip(void)
{
    char *csv = make_csv(3000, 11);
    static const char *targets[] = {"y", "bin", "cls"};
    for (int c = 0; c < 3; c++) {
        hpml_gbdt_params p;
        hpml_gbdt_params_init(&p);
        p.n_trees = 20;
        p.threads = 1;
        trained r = train_on(csv, targets[c], &p);
        if (!r.m)
            continue;
        size_t n = hpml_dataset_n_rows(r.d);
        int no = hpml_model_n_outputs(r.m);
        CHECK(no == (c == 2 ? 3 : 1));
        float *a = malloc(n * (size_t)no * sizeof *a), *b = malloc(n * (size_t)no * sizeof *b);
        CHECK_OK(hpml_model_predict_dataset(r.m, r.d, NULL, n, a));
        CHECK_OK(hpml_model_save(r.m, tmp_path("rt.hpml")));
        hpml_model *m2 = NULL;
        CHECK_OK(hpml_model_load(tmp_path("rt.hpml"), &m2));
        if (m2) {
            CHECK(hpml_model_task(m2) == hpml_model_task(r.m));
            CHECK(hpml_model_n_features(m2) == 5);
            CHECK(strcmp(hpml_model_feature_name(m2, 4), "c") == 0);
            CHECK(hpml_model_feature_type(m2, 4) == HPML_COL_CATEGORICAL);
            CHECK(strcmp(hpml_model_target_name(m2), targets[c]) == 0);
            hpml_dataset *d2 = NULL;
            CHECK_OK(hpml_model_dataset(m2, r.t, 1, &d2));
            CHECK_OK(hpml_model_predict_dataset(m2, d2, NULL, n, b));
            CHECK(memcmp(a, b, n * (size_t)no * sizeof *a) == 0);
            size_t l1, l2;
            unsigned char *f1 = slurp(tmp_path("rt.hpml"), &l1);
            CHECK_OK(hpml_model_save(m2, tmp_path("rt2.hpml")));
            unsigned char *f2 = slurp(tmp_path("rt2.hpml"), &l2);
            CHECK(f1 && f2 && l1 == l2 && memcmp(f1, f2, l1) == 0);
            free(f1);
            free(f2);
            /* the same rows given as a row-major matrix */
            float x[5];
            for (int j = 0; j < 5; j++)
                CHECK_OK(hpml_dataset_gather(d2, j, (const uint32_t[]){17}, 1, &x[j]));
            float one[3];
            CHECK_OK(hpml_model_predict(m2, x, 1, one));
            CHECK(memcmp(one, a + 17 * (size_t)no, (size_t)no * sizeof *one) == 0);
            hpml_dataset_free(d2);
        }
        if (c == 2) { /* probabilities sum to one, and the classes are learned */
            double worst = 0;
            size_t right = 0;
            const float *y = hpml_dataset_target(r.d);
            for (size_t i = 0; i < n; i++) {
                double s = a[3 * i] + a[3 * i + 1] + a[3 * i + 2];
                worst = fabs(s - 1) > worst ? fabs(s - 1) : worst;
                int best = a[3 * i + 1] > a[3 * i] ? 1 : 0;
                best = a[3 * i + 2] > a[3 * i + best] ? 2 : best;
                right += best == (int)y[i];
            }
            CHECK(worst < 1e-5);
            CHECK((double)right / (double)n > 0.97);
        }
        hpml_model_free(m2);
        free(a);
        free(b);
        trained_free(&r);
    }
    free(csv);
}

/* Damaged files: every kind fails with a message, none crashes. */
static void test_damaged_model_files(void)
{
    char *csv = make_csv(500, 3);
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.n_trees = 3;
    trained r = train_on(csv, "y", &p);
    free(csv);
    if (!r.m)
        return;
    CHECK_OK(hpml_model_save(r.m, tmp_path("good.hpml")));
    size_t n;
    unsigned char *img = slurp(tmp_path("good.hpml"), &n);
    hpml_model *m = NULL;
    for (size_t cut = 0; cut < n; cut += n / 23 + 1) { /* truncated anywhere */
        FILE *f = fopen(tmp_path("bad.hpml"), "wb");
        fwrite(img, 1, cut, f);
        fclose(f);
        hpml_status s = hpml_model_load(tmp_path("bad.hpml"), &m);
        CHECK(s == HPML_ERR_PARSE && m == NULL && strstr(hpml_last_error(), "bad.hpml"));
    }
    for (size_t at = 0; at < n; at += 97) { /* one byte flipped anywhere */
        img[at] ^= 0x40;
        FILE *f = fopen(tmp_path("bad.hpml"), "wb");
        fwrite(img, 1, n, f);
        fclose(f);
        img[at] ^= 0x40;
        hpml_status s = hpml_model_load(tmp_path("bad.hpml"), &m);
        CHECK(s == HPML_ERR_PARSE && m == NULL);
    }
    CHECK_FAILS(hpml_model_load(tmp_path("missing.hpml"), &m), HPML_ERR_IO, "missing.hpml");
    free(img);
    trained_free(&r);
}

/* Constant, all-missing and single-row data train without fuss. */
static void test_degenerate_data(void)
{
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.n_trees = 5;
    trained r = train_on("k,miss,x,y\n1,,0,1\n1,,1,2\n1,,2,3\n1,,3,4\n", "y", &p);
    if (r.m) { /* only x can split; k and miss never do */
        double gain[3];
        CHECK_OK(hpml_model_importance(r.m, HPML_IMPORTANCE_GAIN, gain));
        CHECK(gain[0] == 0 && gain[1] == 0 && gain[2] > 0);
        float pred[4];
        CHECK_OK(hpml_model_predict_dataset(r.m, r.d, NULL, 4, pred));
        CHECK(pred[0] < pred[1] && pred[1] < pred[2] && pred[2] < pred[3]);
    }
    trained_free(&r);
    r = train_on("x,y\n5,2.5\n", "y", &p); /* one row: a constant model, its value */
    if (r.m) {
        float x = 1, out;
        CHECK_OK(hpml_model_predict(r.m, &x, 1, &out));
        CHECK_NEAR(out, 2.5, 1e-6);
    }
    trained_free(&r);
}

/* A category never seen in training predicts like a missing value; a class
 * never seen fails with its line; a missing feature column fails naming it. */
static void test_new_data_layout(void)
{
    char *csv = make_csv(2000, 5);
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.n_trees = 10;
    trained r = train_on(csv, "cls", &p);
    free(csv);
    if (!r.m)
        return;
    hpml_table *t = check_table("c,x3,x2,x1,x0,cls\nzzz,1,0.5,0.1,0.2,1\n,1,0.5,0.1,0.2,1\n"
                                "b,1,0.5,0.1,0.2,1\n", 1);
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_model_dataset(r.m, t, 1, &d));
    if (d) {
        float out[9];
        CHECK_OK(hpml_model_predict_dataset(r.m, d, NULL, 3, out));
        CHECK(memcmp(out, out + 3, 3 * sizeof *out) == 0); /* zzz == missing */
        CHECK(hpml_model_category_code(r.m, 4, "b") >= 0);
        CHECK(hpml_model_category_code(r.m, 4, "zzz") == -1);
    }
    hpml_dataset_free(d);
    hpml_table_free(t);
    t = check_table("c,x3,x2,x1,x0,cls\na,1,0.5,0.1,0.2,1\na,1,0.5,0.1,0.2,7\n", 1);
    CHECK_FAILS(hpml_model_dataset(r.m, t, 1, &d), HPML_ERR_DATA,
                "t.csv:3: target 'cls' is '7', a class the model was not trained on");
    CHECK_OK(hpml_model_dataset(r.m, t, 0, &d)); /* without the target: fine */
    hpml_dataset_free(d);
    hpml_table_free(t);
    t = check_table("c,x3,x2,x0\na,1,0.5,0.2\n", 1);
    CHECK_FAILS(hpml_model_dataset(r.m, t, 0, &d), HPML_ERR_DATA, "no column named 'x1'");
    hpml_table_free(t);
    t = check_table("c,x3,x2,x1,x0\na,1,0.5,text,0.2\n", 1);
    CHECK_FAILS(hpml_model_dataset(r.m, t, 0, &d), HPML_ERR_DATA,
                "column 'x1' holds text ('text' on this line)");
    hpml_table_free(t);
    trained_free(&r);
}

/* Lossguide stops at max_leaves; depthwise at max_depth. */
static void test_growth_limits(void)
{
    char *csv = make_csv(5000, 9);
    for (int policy = 0; policy < 2; policy++) {
        hpml_gbdt_params p;
        hpml_gbdt_params_init(&p);
        p.n_trees = 3;
        p.grow_policy = policy ? HPML_GROW_LOSSGUIDE : HPML_GROW_DEPTHWISE;
        p.max_depth = policy ? 0 : 3;
        p.max_leaves = policy ? 13 : 0;
        trained r = train_on(csv, "y", &p);
        if (r.m) {
            double splits[5], total = 0;
            CHECK_OK(hpml_model_importance(r.m, HPML_IMPORTANCE_SPLITS, splits));
            for (int j = 0; j < 5; j++)
                total += splits[j];
            /* 3 trees: depthwise depth 3 has at most 7 splits each, lossguide 12 */
            CHECK(total == (policy ? 36 : 21));
        }
        trained_free(&r);
    }
    free(csv);
}

/* Early stopping keeps the best round's trees; the history says which. */
static void test_early_stopping(void)
{
    char *csv = make_csv(3000, 21);
    hpml_table *t = check_table(csv, 1);
    free(csv);
    hpml_dataset *d = dataset_of(t, "y", NULL);
    hpml_split_spec ss;
    hpml_split_spec_init(&ss);
    ss.test_size = 0.3;
    hpml_split *sp = NULL;
    CHECK_OK(hpml_split_create(d, &ss, &sp));
    size_t ntr, nva;
    const uint32_t *tr = hpml_split_rows(sp, 0, HPML_PART_TRAIN, &ntr);
    const uint32_t *va = hpml_split_rows(sp, 0, HPML_PART_TEST, &nva);
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.n_trees = 400;
    p.learning_rate = 0.5;
    p.max_depth = 8;
    p.min_child_weight = 0;
    p.lambda = 0;
    p.early_stopping_rounds = 10;
    hpml_model *m = NULL;
    CHECK_OK(hpml_gbdt_train(d, tr, ntr, d, va, nva, &p, &m));
    if (m) {
        int n;
        const char *metric;
        const double *htr, *hva;
        hpml_model_history(m, &n, &metric, &htr, &hva);
        CHECK(strcmp(metric, "rmse") == 0);
        CHECK(n > 10 && n < 400); /* overfits fast at this rate: stops early */
        int best = 0;
        for (int i = 1; i < n; i++)
            best = hva[i] < hva[best] ? i : best;
        CHECK(best == n - 11); /* ten rounds without improvement after the best */
        /* the kept model scores the best round's metric on the validation rows */
        float *pred = malloc(nva * sizeof *pred), *y = malloc(nva * sizeof *y);
        CHECK_OK(hpml_model_predict_dataset(m, d, va, nva, pred));
        for (size_t i = 0; i < nva; i++)
            y[i] = hpml_dataset_target(d)[va[i]];
        double rmse;
        CHECK_OK(hpml_metric_rmse(y, pred, nva, &rmse));
        CHECK_NEAR(rmse, hva[best], 1e-5 * hva[best]);
        free(pred);
        free(y);
    }
    p.n_trees = 5;
    hpml_model *m2 = NULL;
    CHECK_FAILS(hpml_gbdt_train(d, tr, ntr, NULL, NULL, 0, &p, &m2), HPML_ERR_ARG,
                "early_stopping_rounds needs validation rows");
    hpml_model_free(m);
    hpml_split_free(sp);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* The quantile objective predicts quantiles: about 90% of the targets lie
 * below the 0.9 model's predictions, 10% below the 0.1 model's. */
static void test_quantile_coverage(void)
{
    char *csv = make_csv(6000, 13);
    for (int q = 0; q < 2; q++) {
        hpml_gbdt_params p;
        hpml_gbdt_params_init(&p);
        CHECK_OK(hpml_gbdt_params_set(&p, "objective", "quantile"));
        CHECK_OK(hpml_gbdt_params_set(&p, "alpha", q ? "0.9" : "0.1"));
        p.n_trees = 200;
        p.learning_rate = 0.1;
        p.max_depth = 3;
        trained r = train_on(csv, "y", &p);
        if (r.m) {
            size_t n = hpml_dataset_n_rows(r.d), below = 0;
            float *pred = malloc(n * sizeof *pred);
            CHECK_OK(hpml_model_predict_dataset(r.m, r.d, NULL, n, pred));
            for (size_t i = 0; i < n; i++)
                below += hpml_dataset_target(r.d)[i] <= pred[i];
            double frac = (double)below / (double)n;
            fprintf(stderr, "quantile %.1f: %.4f of targets below\n", q ? 0.9 : 0.1, frac);
            CHECK(fabs(frac - (q ? 0.9 : 0.1)) < 0.02);
            free(pred);
        }
        trained_free(&r);
    }
    free(csv);
}

/* The compact forest predicts exactly what the trees do, row by row,
 * including missing values and categories never seen. */
static void test_forest_equals_trees(void)
{
    char *csv = make_csv(4000, 17);
    hpml_table *t = check_table(csv, 1);
    free(csv);
    hpml_dataset *d = dataset_of(t, "cls", NULL);
    gbdt_params p;
    gbdt_params_init(&p);
    p.objective = HPML_GBDT_SOFTMAX;
    p.n_trees = 15;
    p.max_depth = 5;
    gbdt_model m;
    gbdt_forest f;
    CHECK_OK(gbdt_train(d, NULL, hpml_dataset_n_rows(d), &p, &m));
    CHECK_OK(gbdt_forest_build(&m, &f));
    enum { N = 300 };
    static float x[N * 5];
    static double a[N * 3], b[N * 3];
    lcg_state = 99;
    for (int i = 0; i < N * 5; i++) {
        int j = i % 5;
        x[i] = unif() < 0.1 ? NAN : j == 4 ? (float)(int)(unif() * 4) /* code 3: unseen */
                                           : (float)gauss();
    }
    float *scratch = malloc(gbdt_forest_scratch_floats(&m) * sizeof *scratch);
    gbdt_forest_margins(&m, &f, x, N, scratch, a);
    free(scratch);
    for (int i = 0; i < N; i++)
        gbdt_predict_margins(&m, x + i * 5, b + i * 3);
    CHECK(memcmp(a, b, sizeof a) == 0);
    gbdt_forest_free(&f);
    gbdt_model_free(&m);
    /* lossguide trees of a skewed target (uneven depths) */
    size_t cap = 64 + 2000 * 48, len = 0;
    char *chain = malloc(cap);
    len += (size_t)snprintf(chain + len, cap - len, "x,z,y\n");
    for (int i = 0; i < 2000; i++)
        len += (size_t)snprintf(chain + len, cap - len, "%.6g,%d,%.9g\n", i / 2000.0, i % 7,
                                exp(12.0 * i / 2000.0));
    hpml_table *tc = check_table(chain, 1);
    free(chain);
    hpml_dataset *dc = dataset_of(tc, "y", NULL);
    gbdt_params_init(&p);
    p.grow_policy = HPML_GROW_LOSSGUIDE;
    p.max_depth = 0;
    p.max_leaves = 40;
    p.n_trees = 3;
    CHECK_OK(gbdt_train(dc, NULL, hpml_dataset_n_rows(dc), &p, &m));
    CHECK_OK(gbdt_forest_build(&m, &f));
    static float xc[N * 2];
    static double ac[N], bc[N];
    for (int i = 0; i < N * 2; i++)
        xc[i] = i % 17 == 0 ? NAN : (float)unif();
    scratch = malloc(gbdt_forest_scratch_floats(&m) * sizeof *scratch);
    gbdt_forest_margins(&m, &f, xc, N, scratch, ac);
    free(scratch);
    for (int i = 0; i < N; i++)
        gbdt_predict_margins(&m, xc + i * 2, bc + i);
    CHECK(memcmp(ac, bc, sizeof ac) == 0);
    gbdt_forest_free(&f);
    gbdt_model_free(&m);
    hpml_dataset_free(dc);
    hpml_table_free(tc);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* ---------------------------------------------------- files and targets */

/* Model files written by hpml 0.1.0 (tests/fixtures/model_0.1.0_*.hpml, made
 * by its `hpml train` on tests/fixtures/small.csv; see the commit adding
 * them): they load, predict what 0.1.0 predicted (its `hpml predict`
 * output), and a model with one target is saved again byte for byte. */
static void test_files_of_0_1_0(void)
{
    static const struct {
        const char *path;
        hpml_model_kind kind;
        float pred[5];
    } files[] = {
        {"tests/fixtures/model_0.1.0_mlp.hpml", HPML_MODEL_MLP,
         {1.32257807f, 1.44023669f, 1.43290234f, 1.52286196f, 1.42448306f}},
        {"tests/fixtures/model_0.1.0_gbdt.hpml", HPML_MODEL_GBDT,
         {1.56000006f, 1.56000006f, 2.19000006f, 2.19000006f, 2.19000006f}},
    };
    hpml_table *t = NULL;
    CHECK_OK(hpml_table_read_csv("tests/fixtures/small.csv", NULL, &t));
    for (size_t f = 0; t && f < sizeof files / sizeof files[0]; f++) {
        hpml_model *m = NULL;
        CHECK_OK(hpml_model_load(files[f].path, &m));
        if (!m)
            continue;
        CHECK(hpml_model_get_kind(m) == files[f].kind);
        CHECK(hpml_model_task(m) == HPML_TASK_REGRESSION && hpml_model_n_outputs(m) == 1);
        CHECK(hpml_model_n_targets(m) == 1 && strcmp(hpml_model_target_name(m), "response") == 0);
        CHECK(strcmp(hpml_model_target_name_k(m, 0), "response") == 0);
        CHECK(hpml_model_target_name_k(m, 1) == NULL);
        hpml_dataset *d = NULL;
        float pred[5];
        CHECK_OK(hpml_model_dataset(m, t, 0, &d));
        if (d) {
            CHECK_OK(hpml_model_predict_dataset(m, d, NULL, 5, pred));
            for (int i = 0; i < 5; i++)
                CHECK_NEAR(pred[i], files[f].pred[i], 1e-6 * fabs(files[f].pred[i]));
        }
        CHECK_OK(hpml_model_save(m, tmp_path("again.hpml")));
        size_t n0, n1;
        unsigned char *a = slurp(files[f].path, &n0), *b = slurp(tmp_path("again.hpml"), &n1);
        CHECK(a && b && n0 == n1 && memcmp(a, b, n0) == 0);
        free(a);
        free(b);
        hpml_dataset_free(d);
        hpml_model_free(m);
    }
    hpml_table_free(t);
}

/* Trees take one target: several are refused with a message pointing to the
 * nets. */
static void test_gbdt_one_target(void)
{
    char *csv = make_csv(200, 5);
    hpml_table *t = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), "t.csv", NULL, &t));
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    const char *names[] = {"y", "bin"};
    sp.targets = names;
    sp.n_targets = 2;
    hpml_dataset *d = NULL;
    if (t)
        CHECK_OK(hpml_dataset_create(t, &sp, &d));
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    hpml_model *m = NULL;
    if (d)
        CHECK_FAILS(hpml_gbdt_train(d, NULL, 0, NULL, NULL, 0, &p, &m), HPML_ERR_ARG,
                    "gradient-boosted trees take one target; use --model mlp or cnn for several");
    CHECK(m == NULL);
    hpml_dataset_free(d);
    hpml_table_free(t);
    free(csv);
}

/* Writes the sections of c to path, with section `tag` replaced by
 * data[0..size) (data NULL: left out; tag not in c: added). */
static void rewrite_section(const container *c, const char *tag, const void *data, size_t size,
                            const char *path)
{
    container_section sec[16];
    int n = 0, found = 0;
    for (int i = 0; i < c->n_sections && n < 15; i++) {
        if (strcmp(c->sections[i].tag, tag) == 0) {
            found = 1;
            if (!data)
                continue;
            sec[n] = c->sections[i];
            sec[n].data = data;
            sec[n++].size = size;
        } else {
            sec[n++] = c->sections[i];
        }
    }
    if (!found && data) {
        memset(&sec[n], 0, sizeof sec[n]);
        strcpy(sec[n].tag, tag);
        sec[n].data = data;
        sec[n++].size = size;
    }
    CHECK_OK(container_write(path, sec, n));
}

/* A "TARGETS" payload: u32 n, then n strings (u32 length, bytes). */
static size_t targets_payload(unsigned char *buf, int n, const char *const *names)
{
    size_t len = 0;
    uint32_t v = (uint32_t)n;
    memcpy(buf, &v, 4); /* little-endian machine, as the file */
    len += 4;
    for (int k = 0; k < n; k++) {
        v = (uint32_t)strlen(names[k]);
        memcpy(buf + len, &v, 4);
        memcpy(buf + len + 4, names[k], v);
        len += 4 + v;
    }
    return len;
}

/* The section of several targets is checked when read: left out, naming
 * another first target, a name twice, one target, or in a classification
 * model, the file is damaged — never a model with outputs and targets that
 * disagree. A one-target model has no such section. */
static void test_targets_section_checked(void)
{
    char *csv = make_csv(300, 6);
    hpml_table *t = NULL;
    CHECK_OK(hpml_table_read_csv_buffer(csv, strlen(csv), "t.csv", NULL, &t));
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    const char *names[] = {"y", "bin"}, *ign[] = {"cls"};
    sp.targets = names;
    sp.n_targets = 2;
    sp.ignore = ign;
    sp.n_ignore = 1;
    hpml_dataset *d = NULL, *db = NULL;
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&p, "layers", "4"));
    p.epochs = 1;
    p.threads = 1;
    hpml_model *m = NULL, *mb = NULL, *bad = NULL;
    if (t)
        CHECK_OK(hpml_dataset_create(t, &sp, &d));
    if (d)
        CHECK_OK(hpml_nn_train(d, NULL, 0, NULL, NULL, 0, &p, &m));
    if (m)
        CHECK_OK(hpml_model_save(m, tmp_path("two.hpml")));
    container c;
    memset(&c, 0, sizeof c);
    if (!m || container_read(tmp_path("two.hpml"), &c) != HPML_OK)
        goto out;
    CHECK(container_find(&c, "TARGETS") != NULL);
    unsigned char buf[256];
    static const char *other[] = {"bin", "y"}, *twice[] = {"y", "y"}, *one[] = {"y"};
    struct {
        const char *const *names;
        int n;
    } cases[] = {{NULL, 0}, {other, 2}, {twice, 2}, {one, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = cases[i].names ? targets_payload(buf, cases[i].n, cases[i].names) : 0;
        rewrite_section(&c, "TARGETS", cases[i].names ? buf : NULL, len, tmp_path("bad.hpml"));
        CHECK_FAILS(hpml_model_load(tmp_path("bad.hpml"), &bad), HPML_ERR_PARSE,
                    cases[i].names ? "section 'TARGETS' is truncated or damaged"
                                   : "section 'META' is truncated or damaged");
        CHECK(bad == NULL);
    }
    rewrite_section(&c, "TARGETS", buf, targets_payload(buf, 2, names), tmp_path("same.hpml"));
    CHECK_OK(hpml_model_load(tmp_path("same.hpml"), &bad)); /* the rewriting itself is sound */
    hpml_model_free(bad);
    bad = NULL;
    container_free(&c);
    /* a binary model: no TARGETS; one added is damage */
    sp.targets = NULL;
    sp.n_targets = 0;
    sp.target = "bin";
    const char *ign2[] = {"cls", "y"};
    sp.ignore = ign2;
    sp.n_ignore = 2;
    CHECK_OK(hpml_dataset_create(t, &sp, &db));
    if (db)
        CHECK_OK(hpml_nn_train(db, NULL, 0, NULL, NULL, 0, &p, &mb));
    if (mb)
        CHECK_OK(hpml_model_save(mb, tmp_path("bin.hpml")));
    if (mb && container_read(tmp_path("bin.hpml"), &c) == HPML_OK) {
        CHECK(container_find(&c, "TARGETS") == NULL);
        const char *bn[] = {"bin", "y"};
        rewrite_section(&c, "TARGETS", buf, targets_payload(buf, 2, bn), tmp_path("bad.hpml"));
        CHECK_FAILS(hpml_model_load(tmp_path("bad.hpml"), &bad), HPML_ERR_PARSE,
                    "section 'TARGETS' is truncated or damaged");
        container_free(&c);
    }
out:
    container_free(&c);
    hpml_model_free(m);
    hpml_model_free(mb);
    hpml_dataset_free(d);
    hpml_dataset_free(db);
    hpml_table_free(t);
    free(csv);
}

int main(void)
{
    if (tmpdir_make("hpml_test_model"))
        return 1;
    RUN(test_params);
    RUN(test_objective_gradients);
    RUN(test_threads_same_file);
    RUN(test_save_load_round_trip);
    RUN(test_damaged_model_files);
    RUN(test_degenerate_data);
    RUN(test_new_data_layout);
    RUN(test_growth_limits);
    RUN(test_early_stopping);
    RUN(test_quantile_coverage);
    RUN(test_forest_equals_trees);
    RUN(test_files_of_0_1_0);
    RUN(test_gbdt_one_target);
    RUN(test_targets_section_checked);
    tmpdir_remove();
    return check_summary();
}
