/* test_params.c — parameters as text: hpml_gbdt_param_value and
 * hpml_nn_param_value give back text that hpml_*_params_set accepts and that
 * reproduces the same value, for the defaults and for non-default values. */
#include "check.h"

/* A non-default value for every parameter, by its canonical name. */
static const char *const gbdt_values[][2] = {
    {"objective", "huber"}, {"n_trees", "250"}, {"learning_rate", "0.05"},
    {"max_depth", "0"}, {"max_leaves", "31"}, {"grow_policy", "lossguide"},
    {"min_child_weight", "0.5"}, {"min_samples_leaf", "20"}, {"lambda", "2.5"},
    {"alpha", "0.1"}, {"gamma", "0.001"}, {"subsample", "0.8"},
    {"colsample_bytree", "0.7"}, {"max_bin", "63"}, {"base_score", "-1.25"},
    {"huber_delta", "0.3"}, {"quantile_alpha", "0.9"}, {"seed", "18446744073709551615"},
    {"threads", "3"}, {"early_stopping_rounds", "10"},
};
static const char *const nn_values[][2] = {
    {"layers", "1000,500,100"}, {"conv", "8:3:1,16:5:2"}, {"pool", "3"},
    {"activation", "gelu"}, {"dropout", "0.25"}, {"norm", "layer"}, {"epochs", "7"},
    {"batch_size", "64"}, {"optimizer", "sgd"}, {"lr", "0.01"}, {"momentum", "0.9"},
    {"weight_decay", "0.0001"}, {"beta1", "0.8"}, {"beta2", "0.99"}, {"eps", "1e-07"},
    {"lr_schedule", "plateau"}, {"warmup_epochs", "1.5"}, {"scale_lr", "1"}, {"lr_step_epochs", "3"},
    {"lr_gamma", "0.5"}, {"plateau_patience", "2"}, {"grad_clip", "1"},
    {"early_stopping_rounds", "4"}, {"loss", "huber"}, {"huber_delta", "2"},
    {"missing_indicators", "1"}, {"max_categories", "50"}, {"seed", "42"}, {"threads", "2"},
};
#define N_GBDT_VALUES (sizeof gbdt_values / sizeof gbdt_values[0])
#define N_NN_VALUES (sizeof nn_values / sizeof nn_values[0])

static const char *lookup(const char *const (*tab)[2], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tab[i][0], name) == 0)
            return tab[i][1];
    return NULL;
}

/* Every parameter of p: value text, set on a fresh struct, gives the same text. */
static void gbdt_round_trip(const hpml_gbdt_params *p)
{
    const char *name, *aliases, *help;
    char v[64], w[64];
    for (int i = 0; hpml_gbdt_param_info(i, &name, &aliases, &help); i++) {
        CHECK(hpml_gbdt_param_value(p, i, v, sizeof v) == 1);
        CHECK(v[0] != '\0');
        hpml_gbdt_params q;
        hpml_gbdt_params_init(&q);
        CHECK_OK(hpml_gbdt_params_set(&q, name, v));
        hpml_gbdt_param_value(&q, i, w, sizeof w);
        if (strcmp(v, w) != 0) {
            fprintf(stderr, "gbdt %s: '%s' came back as '%s'\n", name, v, w);
            CHECK(0);
        }
    }
}

static void nn_round_trip(const hpml_nn_params *p)
{
    const char *name, *aliases, *help;
    char v[256], w[256];
    for (int i = 0; hpml_nn_param_info(i, &name, &aliases, &help); i++) {
        CHECK(hpml_nn_param_value(p, i, v, sizeof v) == 1);
        CHECK(v[0] != '\0');
        hpml_nn_params q;
        hpml_nn_params_init(&q, p->kind);
        CHECK_OK(hpml_nn_params_set(&q, name, v));
        hpml_nn_param_value(&q, i, w, sizeof w);
        if (strcmp(v, w) != 0) {
            fprintf(stderr, "nn %s: '%s' came back as '%s'\n", name, v, w);
            CHECK(0);
        }
    }
}

static void test_gbdt_defaults(void)
{
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    char v[64];
    CHECK(hpml_gbdt_param_value(&p, 0, v, sizeof v) == 1 && strcmp(v, "auto") == 0);
    CHECK(hpml_gbdt_param_value(&p, 2, v, sizeof v) == 1 && strcmp(v, "0.3") == 0);
    CHECK(hpml_gbdt_param_value(&p, 14, v, sizeof v) == 1 && strcmp(v, "auto") == 0);
    CHECK(hpml_gbdt_param_value(&p, 1000, v, sizeof v) == 0 && v[0] == '\0');
    CHECK(hpml_gbdt_param_value(&p, -1, v, sizeof v) == 0);
    gbdt_round_trip(&p);
}

static void test_gbdt_non_defaults(void)
{
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    const char *name, *aliases, *help;
    int n = 0;
    for (int i = 0; hpml_gbdt_param_info(i, &name, &aliases, &help); i++, n++) {
        const char *v = lookup(gbdt_values, N_GBDT_VALUES, name);
        CHECK(v != NULL); /* a new parameter needs a value in the table above */
        if (!v)
            continue;
        CHECK_OK(hpml_gbdt_params_set(&p, name, v));
        char w[64];
        hpml_gbdt_param_value(&p, i, w, sizeof w);
        CHECK(strcmp(v, w) == 0);
    }
    CHECK(n == (int)N_GBDT_VALUES);
    gbdt_round_trip(&p);
    /* doubles that need all 17 digits */
    p.learning_rate = 0.1 + 0.2;
    p.lambda = 1.0 / 3.0;
    p.base_score = -1e-300;
    gbdt_round_trip(&p);
    char v[64];
    hpml_gbdt_param_value(&p, 2, v, sizeof v);
    CHECK(strtod(v, NULL) == 0.1 + 0.2);
    /* truncated like snprintf */
    CHECK(hpml_gbdt_param_value(&p, 2, v, 4) == 1 && strlen(v) == 3);
}

/* All values applied in order give the struct back (quantile: L1 as reg_alpha). */
static void test_gbdt_in_order(void)
{
    hpml_gbdt_params p, q;
    hpml_gbdt_params_init(&p);
    CHECK_OK(hpml_gbdt_params_set(&p, "objective", "quantile"));
    CHECK_OK(hpml_gbdt_params_set(&p, "quantile_alpha", "0.95"));
    CHECK_OK(hpml_gbdt_params_set(&p, "reg_alpha", "0.5"));
    CHECK_OK(hpml_gbdt_params_set(&p, "n_trees", "7"));
    hpml_gbdt_params_init(&q);
    const char *name, *aliases, *help;
    char v[64];
    for (int i = 0; hpml_gbdt_param_info(i, &name, &aliases, &help); i++) {
        hpml_gbdt_param_value(&p, i, v, sizeof v);
        CHECK_OK(hpml_gbdt_params_set(&q, strcmp(name, "alpha") ? name : "reg_alpha", v));
    }
    CHECK(q.objective == HPML_GBDT_QUANTILE && q.quantile_alpha == 0.95 && q.alpha == 0.5 &&
          q.n_trees == 7 && isnan(q.base_score));
}

static void test_nn_defaults(void)
{
    hpml_nn_params p;
    char v[256];
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK(hpml_nn_param_value(&p, 0, v, sizeof v) == 1 && strcmp(v, "256,128") == 0);
    CHECK(hpml_nn_param_value(&p, 1, v, sizeof v) == 1 && strcmp(v, "none") == 0);
    CHECK(hpml_nn_param_value(&p, 3, v, sizeof v) == 1 && strcmp(v, "relu") == 0);
    CHECK(hpml_nn_param_value(&p, 1000, v, sizeof v) == 0 && v[0] == '\0');
    nn_round_trip(&p);
    hpml_nn_params_init(&p, HPML_MODEL_CNN);
    CHECK(hpml_nn_param_value(&p, 1, v, sizeof v) == 1 && strcmp(v, "16:5:1,32:5:2") == 0);
    nn_round_trip(&p);
    /* a CNN without convolutions is refused by the check, not by set */
    CHECK_OK(hpml_nn_params_set(&p, "conv", "none"));
    CHECK_FAILS(hpml_nn_params_check(&p), HPML_ERR_ARG, "conv");
}

static void test_nn_non_defaults(void)
{
    for (int kind = HPML_MODEL_MLP; kind <= HPML_MODEL_CNN; kind++) {
        hpml_nn_params p;
        hpml_nn_params_init(&p, (hpml_model_kind)kind);
        const char *name, *aliases, *help;
        int n = 0;
        for (int i = 0; hpml_nn_param_info(i, &name, &aliases, &help); i++, n++) {
            const char *v = lookup(nn_values, N_NN_VALUES, name);
            CHECK(v != NULL);
            if (!v)
                continue;
            CHECK_OK(hpml_nn_params_set(&p, name, v));
            char w[256];
            hpml_nn_param_value(&p, i, w, sizeof w);
            CHECK(strcmp(v, w) == 0);
        }
        CHECK(n == (int)N_NN_VALUES);
        CHECK_OK(hpml_nn_params_check(&p));
        nn_round_trip(&p);
        /* the most layers and convolutions there can be, and 17-digit doubles */
        p.n_layers = HPML_NN_MAX_LAYERS;
        p.n_conv = HPML_NN_MAX_CONV;
        for (int k = 0; k < HPML_NN_MAX_LAYERS; k++)
            p.layers[k] = 1 << 20;
        for (int k = 0; k < HPML_NN_MAX_CONV; k++)
            p.conv_filters[k] = p.conv_kernel[k] = p.conv_stride[k] = 1 << 16;
        p.lr = 1.0 / 3.0;
        p.dropout = 0.1 + 0.2;
        nn_round_trip(&p);
        CHECK_OK(hpml_nn_params_check(&p));
    }
}

/* Dashes and underscores name the same parameter, for trees as for nets. */
static void test_dashes(void)
{
    hpml_gbdt_params g;
    hpml_gbdt_params_init(&g);
    CHECK_OK(hpml_gbdt_params_set(&g, "n-trees", "7"));
    CHECK_OK(hpml_gbdt_params_set(&g, "min-child-weight", "2.5"));
    CHECK_OK(hpml_gbdt_params_set(&g, "num-boost-round", "9"));
    CHECK(g.n_trees == 9 && g.min_child_weight == 2.5);
    CHECK_FAILS(hpml_gbdt_params_set(&g, "n--trees", "7"), HPML_ERR_ARG,
                "unknown GBDT parameter 'n--trees'");
    /* enum values: any case, and the XGBoost/LightGBM names of objectives */
    CHECK_OK(hpml_gbdt_params_set(&g, "objective", "binary:logistic"));
    CHECK(g.objective == HPML_GBDT_LOGISTIC);
    CHECK_OK(hpml_gbdt_params_set(&g, "grow-policy", "LeafWise"));
    CHECK(g.grow_policy == HPML_GROW_LOSSGUIDE);
    CHECK_FAILS(hpml_gbdt_params_set(&g, "objective", "poisson"), HPML_ERR_ARG,
                "'poisson' is not one of auto, squared_error, logistic, softmax, huber or "
                "quantile");
    char v[64];
    for (int i = 0; hpml_gbdt_param_value(&g, i, v, sizeof v); i++) {
        const char *name, *aliases, *help;
        hpml_gbdt_param_info(i, &name, &aliases, &help);
        if (strcmp(name, "objective") == 0)
            CHECK(strcmp(v, "logistic") == 0);
    }
    hpml_nn_params n;
    hpml_nn_params_init(&n, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&n, "batch-size", "16"));
    CHECK_OK(hpml_nn_params_set(&n, "activation", "GELU"));
    CHECK(n.batch_size == 16 && n.activation == HPML_ACT_GELU);
    n.activation = (hpml_nn_activation)9;
    CHECK_FAILS(hpml_nn_params_check(&n), HPML_ERR_ARG, "parameter activation: unknown value 9");
}

int main(void)
{
    RUN(test_gbdt_defaults);
    RUN(test_gbdt_non_defaults);
    RUN(test_gbdt_in_order);
    RUN(test_nn_defaults);
    RUN(test_nn_non_defaults);
    RUN(test_dashes);
    return check_summary();
}
