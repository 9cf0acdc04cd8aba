/* params.c — neural-net parameters: defaults, the table of names
 * (PyTorch/Keras names as aliases), ranges and help, and the layer lists
 * (--layers, --conv) parsed and shown here; core/params.c does the rest. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/params.h"
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

#define OFF(f) offsetof(hpml_nn_params, f)
static const param_def defs[] = {
    {"layers", "hidden,hidden_layers,dense", PARAM_CUSTOM, OFF(n_layers), 1, 1 << 20, 0, 0, NULL,
     "hidden dense layer sizes, e.g. 1000,500,100 (default 256,128; cnn 128; 'none': none)"},
    {"conv", "", PARAM_CUSTOM, OFF(n_conv), 1, 1 << 16, 0, 0, NULL,
     "cnn: convolutions FILTERS:KERNEL:STRIDE[,...] (default 16:5:1,32:5:2)"},
    {"pool", "pool_size", PARAM_INT, OFF(pool), 1, 1024, 0, 0, NULL,
     "cnn: max-pool width after each convolution (default 2; 1: none)"},
    {"activation", "act", PARAM_ENUM, OFF(activation), 0, 0, 0, 0, "relu,tanh,sigmoid,gelu,elu",
     "relu, tanh, sigmoid, gelu or elu (default relu)"},
    {"dropout", "", PARAM_DOUBLE, OFF(dropout), 0, 1, 0, 1, NULL,
     "dropout after each hidden dense layer, in [0, 1) (default 0)"},
    {"norm", "normalization", PARAM_ENUM, OFF(norm), 0, 0, 0, 0, "none,batch,layer",
     "none, batch or layer normalisation after each layer (default none)"},
    {"epochs", "n_epochs,max_epochs", PARAM_INT, OFF(epochs), 1, 1e7, 0, 0, NULL,
     "passes over the training rows (default 20)"},
    {"batch_size", "batch", PARAM_INT, OFF(batch_size), 1, 1 << 20, 0, 0, NULL,
     "rows per optimizer step (default 256)"},
    {"optimizer", "optim,solver", PARAM_ENUM, OFF(optimizer), 0, 0, 0, 0, "adam,adamw,sgd",
     "adam, adamw or sgd (default adam)"},
    {"lr", "learning_rate,eta", PARAM_DOUBLE, OFF(lr), 0, 1e3, 1, 0, NULL,
     "learning rate (default 0.001)"},
    {"momentum", "", PARAM_DOUBLE, OFF(momentum), 0, 1, 0, 1, NULL,
     "sgd momentum, in [0, 1) (default 0)"},
    {"weight_decay", "wd,l2", PARAM_DOUBLE, OFF(weight_decay), 0, 1e3, 0, 0, NULL,
     "weight decay: L2 in the gradient (adam, sgd), decoupled (adamw) (default 0)"},
    {"beta1", "", PARAM_DOUBLE, OFF(beta1), 0, 1, 0, 1, NULL, "adam beta1 (default 0.9)"},
    {"beta2", "", PARAM_DOUBLE, OFF(beta2), 0, 1, 0, 1, NULL, "adam beta2 (default 0.999)"},
    {"eps", "epsilon,adam_eps", PARAM_DOUBLE, OFF(eps), 0, 1, 1, 0, NULL,
     "adam epsilon (default 1e-8)"},
    {"lr_schedule", "schedule,scheduler", PARAM_ENUM, OFF(lr_schedule), 0, 0, 0, 0,
     "constant,step,cosine,plateau", "constant, step, cosine or plateau (default constant)"},
    {"warmup_epochs", "warmup", PARAM_DOUBLE, OFF(warmup_epochs), 0, 1e7, 0, 0, NULL,
     "linear warm-up of the learning rate over this many epochs (default 0)"},
    {"scale_lr", "", PARAM_INT, OFF(scale_lr), 0, 1, 0, 0, NULL,
     "1: under mpirun with N processes, batch_size is per process (N x batch_size a step) and "
     "the learning rate grows from lr to N x lr over warmup_epochs (0: 5, at most half the "
     "epochs) (default 0)"},
    {"lr_step_epochs", "step_size", PARAM_INT, OFF(lr_step_epochs), 1, 1e7, 0, 0, NULL,
     "step schedule: epochs between decays (default 10)"},
    {"lr_gamma", "gamma,lr_factor", PARAM_DOUBLE, OFF(lr_gamma), 0, 1, 1, 1, NULL,
     "step and plateau schedules: factor of each decay, in (0, 1) (default 0.1)"},
    {"plateau_patience", "patience", PARAM_INT, OFF(plateau_patience), 1, 1e7, 0, 0, NULL,
     "plateau schedule: epochs without improvement before a decay (default 5)"},
    {"grad_clip", "clip,max_grad_norm,clipnorm", PARAM_DOUBLE, OFF(grad_clip), 0, 1e30, 0, 0, NULL,
     "clip the global gradient norm to this (default 0: off)"},
    {"early_stopping_rounds", "early_stopping,patience_epochs", PARAM_INT,
     OFF(early_stopping_rounds), 0, 1e7, 0, 0, NULL,
     "stop after this many epochs without validation-loss improvement, keep the best "
     "weights (default 0: off)"},
    {"loss", "", PARAM_ENUM, OFF(loss), 0, 0, 0, 0, "auto,mse,huber",
     "regression loss: mse or huber (default: mse; classification: cross-entropy)"},
    {"huber_delta", "delta", PARAM_DOUBLE, OFF(huber_delta), 0, 1e30, 1, 0, NULL,
     "huber loss: where it turns linear, in standard deviations (default 1)"},
    {"missing_indicators", "add_indicator", PARAM_INT, OFF(missing_indicators), 0, 1, 0, 0, NULL,
     "1: add a 0/1 input for each feature with missing values (default 0)"},
    {"max_categories", "", PARAM_INT, OFF(max_categories), 1, 1 << 20, 0, 0, NULL,
     "refuse to one-hot a categorical feature with more categories (default 100)"},
    {"seed", "random_state,random_seed", PARAM_U64, OFF(seed), 0, 0, 0, 0, NULL,
     "random seed (default 0)"},
    {"threads", "nthread,n_jobs,num_threads", PARAM_INT, OFF(threads), 0, 4096, 0, 0, NULL,
     "threads (default 0: all cores)"},
};
#define N_DEFS ((int)(sizeof defs / sizeof defs[0]))

int hpml_nn_param_info(int i, const char **name, const char **aliases, const char **help)
{
    return param_info(defs, N_DEFS, i, name, aliases, help);
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
    const param_def *d = param_find(defs, N_DEFS, name);
    if (!d)
        return hpml_fail(HPML_ERR_ARG, "unknown neural-net parameter '%s'", name);
    if (d->offset == OFF(n_layers))
        return set_layers(p, name, value);
    if (d->offset == OFF(n_conv))
        return set_conv(p, name, value);
    return param_set(d, p, name, value);
}

int hpml_nn_param_value(const hpml_nn_params *p, int i, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    if (!p || i < 0 || i >= N_DEFS)
        return 0;
    const param_def *d = &defs[i];
    size_t n = 0; /* bytes written so far to buf (lists) */
    if (d->offset == OFF(n_layers)) {
        if (p->n_layers <= 0)
            snprintf(buf, len, "none");
        for (int k = 0; k < p->n_layers && k < HPML_NN_MAX_LAYERS && n < len; k++)
            n += (size_t)snprintf(buf + n, len - n, "%s%d", k ? "," : "", p->layers[k]);
    } else if (d->offset == OFF(n_conv)) {
        if (p->n_conv <= 0)
            snprintf(buf, len, "none");
        for (int k = 0; k < p->n_conv && k < HPML_NN_MAX_CONV && n < len; k++)
            n += (size_t)snprintf(buf + n, len - n, "%s%d:%d:%d", k ? "," : "",
                                  p->conv_filters[k], p->conv_kernel[k], p->conv_stride[k]);
    } else {
        param_text(d, p, buf, len);
    }
    return 1;
}

hpml_status hpml_nn_params_check(const hpml_nn_params *p)
{
    if (!p)
        return hpml_fail(HPML_ERR_ARG, "hpml_nn_params_check: NULL parameters");
    if (p->kind != HPML_MODEL_MLP && p->kind != HPML_MODEL_CNN)
        return hpml_fail(HPML_ERR_ARG, "parameter kind: %d is not mlp or cnn", (int)p->kind);
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
    return param_check(defs, N_DEFS, p, NULL);
}
