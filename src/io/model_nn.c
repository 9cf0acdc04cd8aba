/* model_nn.c — neural nets as an hpml_model: the public training call,
 * prediction, Monte-Carlo dropout, and the file section.
 *
 * Section "NN" (little-endian):
 *   architecture: u32 kind, u32 n_layers, n_layers x u32 size, u32 n_conv,
 *     n_conv x (u32 filters, u32 kernel, u32 stride), u32 pool,
 *     u32 activation, f64 dropout, u32 norm,
 *   u32 loss, f64 huber_delta, u32 best_epoch,
 *   scalers: u32 task, u32 n_outputs, u32 n_features, u32 n_inputs,
 *     f64 y_mean, f64 y_std, per feature: i32 first input, i32 one-hot width
 *     (0: numeric), i32 indicator input (-1: none), f32 mean, f32 1/sd,
 *   weights: u64 n_params, n_params x f32 (layer order, PyTorch layouts: see
 *     src/nn/net.h), u64 n_state, n_state x f32 (batch-norm running stats),
 *   only for a regression with n_outputs > 1 (several targets): the other
 *     targets' scalers, (n_outputs - 1) x (f64 y_mean, f64 y_std), targets
 *     2..n_outputs (y_mean, y_std above are the first target's). A net with
 *     one output has nothing after the state, as before.
 * Loading rebuilds the layer list from the architecture and checks that the
 * counts agree (and that the outputs match the schema's targets or classes).
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/model.h"
#include "nn/train.h"

static void nn_free_learner(void *l)
{
    nn_learner_free(l);
    hpml_free(l);
}

static hpml_status nn_predict_block(const void *l, const float *x, size_t n, int threads, int mc,
                                    uint64_t seed, float *out, float *sd)
{
    return nn_predict(l, x, n, threads, mc, seed, out, sd);
}

static int nn_has_dropout(const void *l) { return ((const nn_learner *)l)->net.has_dropout; }

static hpml_status nn_encode(const void *learner, bytes_w *w, const char **tags, int *n)
{
    const nn_learner *l = learner;
    const hpml_nn_params *a = &l->arch;
    const nn_prep *p = &l->prep;
    tags[0] = "NN";
    *n = 1;
    bw_u32(w, (uint32_t)a->kind);
    bw_u32(w, (uint32_t)a->n_layers);
    for (int i = 0; i < a->n_layers; i++)
        bw_u32(w, (uint32_t)a->layers[i]);
    int n_conv = a->kind == HPML_MODEL_CNN ? a->n_conv : 0;
    bw_u32(w, (uint32_t)n_conv);
    for (int i = 0; i < n_conv; i++) {
        bw_u32(w, (uint32_t)a->conv_filters[i]);
        bw_u32(w, (uint32_t)a->conv_kernel[i]);
        bw_u32(w, (uint32_t)a->conv_stride[i]);
    }
    bw_u32(w, (uint32_t)a->pool);
    bw_u32(w, (uint32_t)a->activation);
    bw_f64(w, a->dropout);
    bw_u32(w, (uint32_t)a->norm);
    bw_u32(w, (uint32_t)l->loss);
    bw_f64(w, l->huber_delta);
    bw_u32(w, (uint32_t)l->best_epoch);
    bw_u32(w, (uint32_t)p->task);
    bw_u32(w, (uint32_t)p->n_outputs);
    bw_u32(w, (uint32_t)p->n_features);
    bw_u32(w, (uint32_t)p->n_inputs);
    bw_f64(w, p->y_mean[0]);
    bw_f64(w, p->y_std[0]);
    for (int j = 0; j < p->n_features; j++) {
        bw_i32(w, p->first[j]);
        bw_i32(w, p->n_cat[j]);
        bw_i32(w, p->indicator[j]);
        bw_f32(w, p->mean[j]);
        bw_f32(w, p->inv_std[j]);
    }
    bw_u64(w, (uint64_t)l->net.n_params);
    for (size_t i = 0; i < l->net.n_params; i++)
        bw_f32(w, l->net.params[i]);
    bw_u64(w, (uint64_t)l->net.n_state);
    for (size_t i = 0; i < l->net.n_state; i++)
        bw_f32(w, l->net.state[i]);
    for (int k = 1; p->task == HPML_TASK_REGRESSION && k < p->n_outputs; k++) {
        bw_f64(w, p->y_mean[k]);
        bw_f64(w, p->y_std[k]);
    }
    return HPML_OK;
}

/* Reads the architecture into a (defaults for what the file does not hold). */
static int decode_arch(bytes_r *r, hpml_nn_params *a)
{
    uint32_t kind = br_u32(r);
    if (kind != HPML_MODEL_MLP && kind != HPML_MODEL_CNN)
        return 0;
    hpml_nn_params_init(a, (hpml_model_kind)kind);
    uint32_t nl = br_u32(r);
    if (r->bad || nl > HPML_NN_MAX_LAYERS)
        return 0;
    a->n_layers = (int)nl;
    for (uint32_t i = 0; i < nl; i++)
        a->layers[i] = (int)br_u32(r);
    uint32_t nc = br_u32(r);
    if (r->bad || nc > HPML_NN_MAX_CONV || (kind == HPML_MODEL_CNN) != (nc > 0))
        return 0;
    a->n_conv = (int)nc;
    for (uint32_t i = 0; i < nc; i++) {
        a->conv_filters[i] = (int)br_u32(r);
        a->conv_kernel[i] = (int)br_u32(r);
        a->conv_stride[i] = (int)br_u32(r);
    }
    a->pool = (int)br_u32(r);
    a->activation = (hpml_nn_activation)br_u32(r);
    a->dropout = br_f64(r);
    a->norm = (hpml_nn_norm)br_u32(r);
    return !r->bad && hpml_nn_params_check(a) == HPML_OK;
}

/* A target scaler as training makes them: a finite mean, a positive finite
 * deviation. */
static int scaler_ok(double mean, double sd) { return isfinite(mean) && sd > 0 && isfinite(sd); }

static hpml_status decode_body(bytes_r *r, const data_schema *s, nn_learner *l)
{
    if (!decode_arch(r, &l->arch))
        return HPML_ERR_PARSE;
    uint32_t loss = br_u32(r);
    l->huber_delta = br_f64(r);
    l->best_epoch = (int)br_u32(r);
    nn_prep *p = &l->prep;
    uint32_t task = br_u32(r), n_out = br_u32(r), nf = br_u32(r), ni = br_u32(r);
    double y_mean = br_f64(r), y_std = br_f64(r);
    uint32_t expect = s->task == HPML_TASK_MULTICLASS    ? (uint32_t)s->n_classes
                      : s->task == HPML_TASK_REGRESSION ? (uint32_t)s->n_targets
                                                        : 1;
    if (r->bad || loss > NN_LOSS_CE || task != (uint32_t)s->task || nf != (uint32_t)s->n_features ||
        n_out != expect || ni == 0 || ni > (1u << 24) || nf > br_left(r) / 20 ||
        !scaler_ok(y_mean, y_std))
        return HPML_ERR_PARSE;
    l->loss = (nn_loss_kind)loss;
    p->task = (hpml_task)task;
    p->n_outputs = (int)n_out;
    p->n_features = (int)nf;
    p->n_inputs = (int)ni;
    p->y_mean = hpml_malloc_array((size_t)nn_prep_n_y(p), sizeof *p->y_mean);
    p->y_std = hpml_malloc_array((size_t)nn_prep_n_y(p), sizeof *p->y_std);
    if (!p->y_mean || !p->y_std)
        return HPML_ERR_NOMEM;
    p->y_mean[0] = y_mean;
    p->y_std[0] = y_std;
    p->first = hpml_malloc_array(nf, sizeof *p->first);
    p->n_cat = hpml_malloc_array(nf, sizeof *p->n_cat);
    p->indicator = hpml_malloc_array(nf, sizeof *p->indicator);
    p->mean = hpml_malloc_array(nf, sizeof *p->mean);
    p->inv_std = hpml_malloc_array(nf, sizeof *p->inv_std);
    if (!p->first || !p->n_cat || !p->indicator || !p->mean || !p->inv_std)
        return HPML_ERR_NOMEM;
    for (uint32_t j = 0; j < nf; j++) {
        p->first[j] = br_i32(r);
        p->n_cat[j] = br_i32(r);
        p->indicator[j] = br_i32(r);
        p->mean[j] = br_f32(r);
        p->inv_std[j] = br_f32(r);
        int width = p->n_cat[j] ? p->n_cat[j] : 1;
        if (r->bad || p->first[j] < 0 || p->n_cat[j] < 0 ||
            (int64_t)p->first[j] + width > (int64_t)ni || p->indicator[j] < -1 ||
            p->indicator[j] >= (int32_t)ni ||
            (s->types[j] == HPML_COL_CATEGORICAL) != (p->n_cat[j] > 0) ||
            !isfinite(p->mean[j]) || !isfinite(p->inv_std[j]))
            return HPML_ERR_PARSE;
    }
    hpml_status st = nn_net_build(&l->net, &l->arch, (int)ni, (int)n_out, 0);
    if (st != HPML_OK)
        return st == HPML_ERR_NOMEM ? st : HPML_ERR_PARSE;
    uint64_t np = br_u64(r);
    if (r->bad || np != l->net.n_params || np > br_left(r) / 4)
        return HPML_ERR_PARSE;
    for (size_t i = 0; i < l->net.n_params; i++)
        l->net.params[i] = br_f32(r);
    uint64_t ns = br_u64(r);
    if (r->bad || ns != l->net.n_state || ns > br_left(r) / 4)
        return HPML_ERR_PARSE;
    for (size_t i = 0; i < l->net.n_state; i++)
        l->net.state[i] = br_f32(r);
    for (int k = 1; k < nn_prep_n_y(p); k++) {
        p->y_mean[k] = br_f64(r);
        p->y_std[k] = br_f64(r);
        if (!scaler_ok(p->y_mean[k], p->y_std[k]))
            return HPML_ERR_PARSE;
    }
    return r->bad || br_left(r) != 0 ? HPML_ERR_PARSE : HPML_OK;
}

static hpml_status nn_decode(const container *c, const data_schema *s, const char *path,
                             void **learner)
{
    const container_section *sec = container_find(c, "NN");
    if (!sec)
        return hpml_fail(HPML_ERR_PARSE, "%s: the net (section 'NN') is missing", path);
    nn_learner *l = hpml_calloc(1, sizeof *l);
    if (!l)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path);
    bytes_r r = {sec->data, sec->size, 0, 0};
    hpml_status st = decode_body(&r, s, l);
    if (st != HPML_OK) {
        nn_free_learner(l);
        return st == HPML_ERR_NOMEM
                   ? hpml_fail(st, "out of memory reading %s", path)
                   : hpml_fail(st, "%s: section 'NN' is truncated or damaged", path);
    }
    *learner = l;
    return HPML_OK;
}

const model_ops nn_model_ops = {.predict_block = nn_predict_block,
                                .has_dropout = nn_has_dropout,
                                .encode = nn_encode,
                                .decode = nn_decode,
                                .free = nn_free_learner};

hpml_status hpml_nn_train(const hpml_dataset *d, const uint32_t *train_rows, size_t n_train,
                          const hpml_dataset *valid, const uint32_t *valid_rows, size_t n_valid,
                          const hpml_nn_params *p, hpml_model **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_nn_train: out is NULL");
    *out = NULL;
    if (!d || !p)
        return hpml_fail(HPML_ERR_ARG, "hpml_nn_train: a dataset and parameters are needed");
    if (!train_rows)
        n_train = hpml_dataset_n_rows(d);
    if (valid && !valid_rows)
        n_valid = hpml_dataset_n_rows(valid);
    nn_learner *l = hpml_calloc(1, sizeof *l);
    if (!l)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory");
    hpml_status st = nn_train(d, train_rows, n_train, valid, valid_rows, n_valid, p, l);
    if (st != HPML_OK) {
        hpml_free(l);
        return st;
    }
    hpml_model *model;
    if ((st = model_create(p->kind, &nn_model_ops, l, l->prep.n_outputs, d, &model)) != HPML_OK)
        return st;
    st = model_set_history(model, nn_loss_name(l->loss), l->n_history, l->train_loss,
                           l->valid_loss);
    hpml_free(l->train_loss); /* the model keeps the history; the learner need not */
    hpml_free(l->valid_loss);
    l->train_loss = l->valid_loss = NULL;
    if (st != HPML_OK) {
        hpml_model_free(model);
        return st;
    }
    *out = model;
    return HPML_OK;
}
