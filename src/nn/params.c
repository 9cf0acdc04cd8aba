/* params.c — neural-net parameters: defaults, setting by name (dashes and
 * underscores alike, PyTorch/Keras names as aliases), and range checks that
 * name the parameter. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "hpml.h"

void hpml_nn_params_init(hpml_nn_params *p, hpml_model_kind kind)
{
    memset(p, 0, sizeof *p);
    p->kind = kind == HPML_MODEL_CNN ? HPML_MODEL_CNN : HPML_MODEL_MLP;
    if (p->kind == HPML_MODEL_CNN) {
        p->n_conv = 2;
        p->conv_filters[0] = 16, p->conv_kernel[0] = 5, p->conv_stride[0] = 1;
        p->conv_filters[1] = 32, p->conv_kernel[1] = 5, p->conv_stride[1] = 2;
        p->pool = 2;
        p->n_layers = 1;
        p->layers[0] = 128;
    } else {
        p->n_layers = 2;
        p->layers[0] = 256;
        p->layers[1] = 128;
        p->pool = 1;
    }
    p->activation = HPML_ACT_RELU;
    p->epochs = 20;
    p->batch_size = 256;
    p->optimizer = HPML_OPT_ADAM;
    p->lr = 1e-3;
    p->beta1 = 0.9;
    p->beta2 = 0.999;
    p->eps = 1e-8;
    p->lr_step_epochs = 10;
    p->lr_gamma = 0.1;
    p->plateau_patience = 5;
    p->huber_delta = 1.0;
    p->max_categories = 100;
}

typedef enum ptype { P_INT, P_DOUBLE, P_U64, P_ENUM, P_LAYERS, P_CONV } ptype;

typedef struct param_def {
    const char *name, *aliases; /* aliases: comma-separated, with underscores */
    ptype type;
    size_t offset;
    double lo, hi;              /* inclusive range (numbers) */
    int lo_open, hi_open;       /* 1: that end itself is excluded */
    const char *choices;        /* P_ENUM: comma-separated, in enum order */
    const char *help;
} param_def;

#define OFF(f) offsetof(hpml_nn_params, f)
static const param_def defs[] = {
    {"layers", "hidden,hidden_layers,dense", P_LAYERS, OFF(n_layers), 1, 1 << 20, 0, 0, NULL,
     "hidden dense layer sizes, e.g. 1000,500,100 (default 256,128; cnn 128; 'none': none)"},
    {"conv", "", P_CONV, OFF(n_conv), 1, 1 << 16, 0, 0, NULL,
     "cnn: convolutions FILTERS:KERNEL:STRIDE[,...] (default 16:5:1,32:5:2)"},
    {"pool", "pool_size", P_INT, OFF(pool), 1, 1024, 0, 0, NULL,
     "cnn: max-pool width after each convolution (default 2; 1: none)"},
    {"activation", "act", P_ENUM, OFF(activation), 0, 0, 0, 0, "relu,tanh,sigmoid,gelu,elu",
     "relu, tanh, sigmoid, gelu or elu (default relu)"},
    {"dropout", "", P_DOUBLE, OFF(dropout), 0, 1, 0, 1, NULL,
     "dropout after each hidden dense layer, in [0, 1) (default 0)"},
    {"norm", "normalization", P_ENUM, OFF(norm), 0, 0, 0, 0, "none,batch,layer",
     "none, batch or layer normalisation after each layer (default none)"},
    {"epochs", "n_epochs,max_epochs", P_INT, OFF(epochs), 1, 1e7, 0, 0, NULL,
     "passes over the training rows (default 20)"},
    {"batch_size", "batch", P_INT, OFF(batch_size), 1, 1 << 20, 0, 0, NULL,
     "rows per optimizer step (default 256)"},
    {"optimizer", "optim,solver", P_ENUM, OFF(optimizer), 0, 0, 0, 0, "adam,adamw,sgd",
     "adam, adamw or sgd (default adam)"},
    {"lr", "learning_rate,eta", P_DOUBLE, OFF(lr), 0, 1e3, 1, 0, NULL,
     "learning rate (default 0.001)"},
    {"momentum", "", P_DOUBLE, OFF(momentum), 0, 1, 0, 1, NULL,
     "sgd momentum, in [0, 1) (default 0)"},
    {"weight_decay", "wd,l2", P_DOUBLE, OFF(weight_decay), 0, 1e3, 0, 0, NULL,
     "weight decay: L2 in the gradient (adam, sgd), decoupled (adamw) (default 0)"},
    {"beta1", "", P_DOUBLE, OFF(beta1), 0, 1, 0, 1, NULL, "adam beta1 (default 0.9)"},
    {"beta2", "", P_DOUBLE, OFF(beta2), 0, 1, 0, 1, NULL, "adam beta2 (default 0.999)"},
    {"eps", "epsilon,adam_eps", P_DOUBLE, OFF(eps), 0, 1, 1, 0, NULL,
     "adam epsilon (default 1e-8)"},
    {"lr_schedule", "schedule,scheduler", P_ENUM, OFF(lr_schedule), 0, 0, 0, 0,
     "constant,step,cosine,plateau", "constant, step, cosine or plateau (default constant)"},
    {"warmup_epochs", "warmup", P_DOUBLE, OFF(warmup_epochs), 0, 1e7, 0, 0, NULL,
     "linear warm-up of the learning rate over this many epochs (default 0)"},
    {"lr_step_epochs", "step_size", P_INT, OFF(lr_step_epochs), 1, 1e7, 0, 0, NULL,
     "step schedule: epochs between decays (default 10)"},
    {"lr_gamma", "gamma,lr_factor", P_DOUBLE, OFF(lr_gamma), 0, 1, 1, 1, NULL,
     "step and plateau schedules: factor of each decay, in (0, 1) (default 0.1)"},
    {"plateau_patience", "patience", P_INT, OFF(plateau_patience), 1, 1e7, 0, 0, NULL,
     "plateau schedule: epochs without improvement before a decay (default 5)"},
    {"grad_clip", "clip,max_grad_norm,clipnorm", P_DOUBLE, OFF(grad_clip), 0, 1e30, 0, 0, NULL,
     "clip the global gradient norm to this (default 0: off)"},
    {"early_stopping_rounds", "early_stopping,patience_epochs", P_INT,
     OFF(early_stopping_rounds), 0, 1e7, 0, 0, NULL,
     "stop after this many epochs without validation-loss improvement, keep the best "
     "weights (default 0: off)"},
    {"loss", "", P_ENUM, OFF(loss), 0, 0, 0, 0, "auto,mse,huber",
     "regression loss: mse or huber (default: mse; classification: cross-entropy)"},
    {"huber_delta", "delta", P_DOUBLE, OFF(huber_delta), 0, 1e30, 1, 0, NULL,
     "huber loss: where it turns linear, in standard deviations (default 1)"},
    {"missing_indicators", "add_indicator", P_INT, OFF(missing_indicators), 0, 1, 0, 0, NULL,
     "1: add a 0/1 input for each feature with missing values (default 0)"},
    {"max_categories", "", P_INT, OFF(max_categories), 1, 1 << 20, 0, 0, NULL,
     "refuse to one-hot a categorical feature with more categories (default 100)"},
    {"seed", "random_state,random_seed", P_U64, OFF(seed), 0, 0, 0, 0, NULL,
     "random seed (default 0)"},
    {"threads", "nthread,n_jobs,num_threads", P_INT, OFF(threads), 0, 4096, 0, 0, NULL,
     "threads (default 0: all cores)"},
};
#define N_DEFS ((int)(sizeof defs / sizeof defs[0]))

int hpml_nn_param_info(int i, const char **name, const char **aliases, const char **help)
{
    if (i < 0 || i >= N_DEFS)
        return 0;
    *name = defs[i].name;
    *aliases = defs[i].aliases;
    *help = defs[i].help;
    return 1;
}

/* Index of `name` (length n) in the comma-separated list, or -1. */
static int list_index(const char *list, const char *name, size_t n)
{
    int k = 0;
    for (const char *p = list; *p; k++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncasecmp(p, name, n) == 0)
            return k;
        if (!e)
            break;
        p = e + 1;
    }
    return -1;
}

static const param_def *find_def(const char *name)
{
    char canon[64];
    size_t n = strlen(name);
    if (n >= sizeof canon)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        canon[i] = name[i] == '-' ? '_' : name[i];
    for (int i = 0; i < N_DEFS; i++)
        if (strcmp(defs[i].name, canon) == 0 || list_index(defs[i].aliases, canon, n) >= 0)
            return &defs[i];
    return NULL;
}

static const char *range_text(const param_def *d, char *buf, size_t len)
{
    if (d->hi >= 1e30)
        snprintf(buf, len, "%s %g", d->lo_open ? ">" : ">=", d->lo);
    else
        snprintf(buf, len, "%s%g, %g%s", d->lo_open ? "(" : "[", d->lo, d->hi,
                 d->hi_open ? ")" : "]");
    return buf;
}

static int out_of_range(const param_def *d, double x)
{
    return isnan(x) || x < d->lo || x > d->hi || (d->lo_open && x == d->lo) ||
           (d->hi_open && x == d->hi);
}

/* Parses a positive integer at *s up to one of the stop characters. */
static int parse_count(const char **s, long max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(*s, &end, 10);
    if (errno || end == *s || v < 1 || v > max || **s == '+' || **s == ' ')
        return 0;
    *out = (int)v;
    *s = end;
    return 1;
}

static hpml_status set_layers(hpml_nn_params *p, const char *name, const char *value)
{
    if (strcasecmp(value, "none") == 0 || !*value) {
        p->n_layers = 0;
        return HPML_OK;
    }
    int n = 0, sizes[HPML_NN_MAX_LAYERS];
    for (const char *s = value;;) {
        if (n == HPML_NN_MAX_LAYERS)
            return hpml_fail(HPML_ERR_ARG, "parameter %s: at most %d layers, got '%s'", name,
                             HPML_NN_MAX_LAYERS, value);
        if (!parse_count(&s, 1 << 20, &sizes[n++]))
            return hpml_fail(HPML_ERR_ARG, "parameter %s: expected layer sizes like 1000,500,100 "
                             "(each 1..1048576), got '%s'", name, value);
        if (!*s)
            break;
        if (*s++ != ',')
            return hpml_fail(HPML_ERR_ARG, "parameter %s: expected layer sizes like "
                             "1000,500,100, got '%s'", name, value);
    }
    p->n_layers = n;
    memcpy(p->layers, sizes, sizeof sizes[0] * (size_t)n);
    return HPML_OK;
}

static hpml_status set_conv(hpml_nn_params *p, const char *name, const char *value)
{
    if (strcasecmp(value, "none") == 0) { /* an MLP's (a CNN fails the check) */
        p->n_conv = 0;
        return HPML_OK;
    }
    int n = 0, f[HPML_NN_MAX_CONV], k[HPML_NN_MAX_CONV], st[HPML_NN_MAX_CONV];
    for (const char *s = value;;) {
        if (n == HPML_NN_MAX_CONV)
            return hpml_fail(HPML_ERR_ARG, "parameter %s: at most %d convolutions, got '%s'",
                             name, HPML_NN_MAX_CONV, value);
        if (!parse_count(&s, 1 << 16, &f[n]) || *s++ != ':' || !parse_count(&s, 1 << 16, &k[n]) ||
            *s++ != ':' || !parse_count(&s, 1 << 16, &st[n]))
            return hpml_fail(HPML_ERR_ARG, "parameter %s: expected FILTERS:KERNEL:STRIDE[,...] "
                             "with positive integers, e.g. 16:5:1,32:3:2, got '%s'", name, value);
        n++;
        if (!*s)
            break;
        if (*s++ != ',')
            return hpml_fail(HPML_ERR_ARG, "parameter %s: expected FILTERS:KERNEL:STRIDE[,...], "
                             "got '%s'", name, value);
    }
    p->n_conv = n;
    for (int i = 0; i < n; i++)
        p->conv_filters[i] = f[i], p->conv_kernel[i] = k[i], p->conv_stride[i] = st[i];
    return HPML_OK;
}

hpml_status hpml_nn_params_set(hpml_nn_params *p, const char *name, const char *value)
{
    if (!p || !name || !value)
        return hpml_fail(HPML_ERR_ARG, "hpml_nn_params_set: NULL argument");
    const param_def *d = find_def(name);
    if (!d)
        return hpml_fail(HPML_ERR_ARG, "unknown neural-net parameter '%s'", name);
    char *at = (char *)p + d->offset, range[64];
    switch (d->type) {
    case P_LAYERS:
        return set_layers(p, name, value);
    case P_CONV:
        return set_conv(p, name, value);
    case P_ENUM: {
        int k = list_index(d->choices, value, strlen(value));
        if (k < 0)
            return hpml_fail(HPML_ERR_ARG, "parameter %s: '%s' is not one of %s", name, value,
                             d->choices);
        *(int *)(void *)at = k; /* the enums are int-sized, in list order */
        return HPML_OK;
    }
    case P_U64: {
        char *end;
        errno = 0;
        unsigned long long x = strtoull(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-')
            return hpml_fail(HPML_ERR_ARG, "parameter %s: expected a non-negative integer, "
                             "got '%s'", name, value);
        *(uint64_t *)(void *)at = (uint64_t)x;
        return HPML_OK;
    }
    default:
        break;
    }
    char *end;
    errno = 0;
    double x = strtod(value, &end);
    if (errno || end == value || *end || isnan(x))
        return hpml_fail(HPML_ERR_ARG, "parameter %s: expected a number, got '%s'", name, value);
    if (d->type == P_INT && x != floor(x))
        return hpml_fail(HPML_ERR_ARG, "parameter %s: expected an integer, got '%s'", name, value);
    if (out_of_range(d, x))
        return hpml_fail(HPML_ERR_ARG, "parameter %s = %s is out of range: allowed %s%s", name,
                         value, d->type == P_INT ? "integers " : "",
                         range_text(d, range, sizeof range));
    if (d->type == P_INT)
        *(int *)(void *)at = (int)x;
    else
        *(double *)(void *)at = x;
    return HPML_OK;
}

/* x as the shortest of %.15g..%.17g that reads back to the same double. */
static void format_double(double x, char *buf, size_t len)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* The k-th name of a comma-separated list into buf ("?" if there is none). */
static void list_item(const char *list, int k, char *buf, size_t len)
{
    const char *s = list;
    for (int i = 0; i < k && s; i++) {
        s = strchr(s, ',');
        if (s)
            s++;
    }
    if (!s || k < 0) {
        snprintf(buf, len, "?");
        return;
    }
    const char *e = strchr(s, ',');
    snprintf(buf, len, "%.*s", (int)(e ? (size_t)(e - s) : strlen(s)), s);
}

int hpml_nn_param_value(const hpml_nn_params *p, int i, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    if (!p || i < 0 || i >= N_DEFS)
        return 0;
    const param_def *d = &defs[i];
    const char *at = (const char *)p + d->offset;
    size_t n = 0; /* bytes written so far to buf (lists) */
    switch (d->type) {
    case P_LAYERS:
        if (p->n_layers <= 0)
            snprintf(buf, len, "none");
        for (int k = 0; k < p->n_layers && k < HPML_NN_MAX_LAYERS && n < len; k++)
            n += (size_t)snprintf(buf + n, len - n, "%s%d", k ? "," : "", p->layers[k]);
        break;
    case P_CONV:
        if (p->n_conv <= 0)
            snprintf(buf, len, "none");
        for (int k = 0; k < p->n_conv && k < HPML_NN_MAX_CONV && n < len; k++)
            n += (size_t)snprintf(buf + n, len - n, "%s%d:%d:%d", k ? "," : "",
                                  p->conv_filters[k], p->conv_kernel[k], p->conv_stride[k]);
        break;
    case P_ENUM:
        list_item(d->choices, *(const int *)(const void *)at, buf, len);
        break;
    case P_U64:
        snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)(const void *)at);
        break;
    case P_INT:
        snprintf(buf, len, "%d", *(const int *)(const void *)at);
        break;
    case P_DOUBLE:
        format_double(*(const double *)(const void *)at, buf, len);
        break;
    }
    return 1;
}

hpml_status hpml_nn_params_check(const hpml_nn_params *p)
{
    if (!p)
        return hpml_fail(HPML_ERR_ARG, "hpml_nn_params_check: NULL parameters");
    if (p->kind != HPML_MODEL_MLP && p->kind != HPML_MODEL_CNN)
        return hpml_fail(HPML_ERR_ARG, "parameter kind: %d is not mlp or cnn", (int)p->kind);
    if ((unsigned)p->activation > HPML_ACT_ELU || (unsigned)p->norm > HPML_NORM_LAYER ||
        (unsigned)p->optimizer > HPML_OPT_SGD || (unsigned)p->lr_schedule > HPML_LR_PLATEAU ||
        (unsigned)p->loss > HPML_NN_LOSS_HUBER)
        return hpml_fail(HPML_ERR_ARG, "an activation, norm, optimizer, lr_schedule or loss "
                         "value is not one of its enum's");
    if (p->n_layers < 0 || p->n_layers > HPML_NN_MAX_LAYERS)
        return hpml_fail(HPML_ERR_ARG, "parameter layers: 0..%d layers allowed, got %d",
                         HPML_NN_MAX_LAYERS, p->n_layers);
    for (int i = 0; i < p->n_layers; i++)
        if (p->layers[i] < 1 || p->layers[i] > 1 << 20)
            return hpml_fail(HPML_ERR_ARG, "parameter layers: size %d of layer %d is not in "
                             "1..1048576", p->layers[i], i + 1);
    if (p->kind == HPML_MODEL_CNN && (p->n_conv < 1 || p->n_conv > HPML_NN_MAX_CONV))
        return hpml_fail(HPML_ERR_ARG, "parameter conv: a cnn needs 1..%d convolutions, got %d",
                         HPML_NN_MAX_CONV, p->n_conv);
    for (int i = 0; p->kind == HPML_MODEL_CNN && i < p->n_conv; i++)
        if (p->conv_filters[i] < 1 || p->conv_kernel[i] < 1 || p->conv_stride[i] < 1 ||
            p->conv_filters[i] > 1 << 16 || p->conv_kernel[i] > 1 << 16 ||
            p->conv_stride[i] > 1 << 16)
            return hpml_fail(HPML_ERR_ARG, "parameter conv: convolution %d (%d:%d:%d) needs "
                             "positive filters, kernel and stride", i + 1, p->conv_filters[i],
                             p->conv_kernel[i], p->conv_stride[i]);
    char range[64];
    for (int i = 0; i < N_DEFS; i++) {
        const param_def *d = &defs[i];
        if (d->type != P_INT && d->type != P_DOUBLE)
            continue;
        const char *at = (const char *)p + d->offset;
        double x = d->type == P_INT ? *(const int *)(const void *)at
                                    : *(const double *)(const void *)at;
        if (out_of_range(d, x))
            return hpml_fail(HPML_ERR_ARG, "parameter %s = %g is out of range: allowed %s%s",
                             d->name, x, d->type == P_INT ? "integers " : "",
                             range_text(d, range, sizeof range));
    }
    return HPML_OK;
}
