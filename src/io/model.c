/* model.c — the model handle: schema, prediction in row blocks, save/load. */
#include "io/model.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "data/dataset.h"

#define PREDICT_BLOCK 1024 /* rows gathered and predicted together */

void hpml_model_free(hpml_model *m)
{
    if (!m)
        return;
    if (m->ops && m->learner)
        m->ops->free(m->learner);
    schema_free(&m->schema);
    hpml_free(m->metric);
    hpml_free(m->train_history);
    hpml_free(m->valid_history);
    hpml_free(m);
}

hpml_status model_create(hpml_model_kind kind, const model_ops *ops, void *learner,
                         int n_outputs, const hpml_dataset *d, hpml_model **out)
{
    *out = NULL;
    hpml_model *m = hpml_calloc(1, sizeof *m);
    if (!m) {
        ops->free(learner);
        return hpml_fail(HPML_ERR_NOMEM, "out of memory creating the model");
    }
    m->kind = kind;
    m->ops = ops;
    m->learner = learner;
    m->n_outputs = n_outputs;
    hpml_status st = schema_from_dataset(d, &m->schema);
    if (st != HPML_OK) {
        hpml_model_free(m);
        return hpml_fail(st, "out of memory copying the schema into the model");
    }
    *out = m;
    return HPML_OK;
}

hpml_status model_set_history(hpml_model *m, const char *metric, int n, const double *train,
                              const double *valid)
{
    hpml_free(m->metric);
    hpml_free(m->train_history);
    hpml_free(m->valid_history);
    m->n_history = 0;
    m->metric = hpml_strdup(metric);
    m->train_history = hpml_malloc_array((size_t)(n ? n : 1), sizeof(double));
    m->valid_history = hpml_malloc_array((size_t)(n ? n : 1), sizeof(double));
    if (!m->metric || !m->train_history || !m->valid_history)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory keeping the training history");
    memcpy(m->train_history, train, (size_t)n * sizeof(double));
    memcpy(m->valid_history, valid, (size_t)n * sizeof(double));
    m->n_history = n;
    return HPML_OK;
}

hpml_model_kind hpml_model_get_kind(const hpml_model *m) { return m->kind; }
hpml_task hpml_model_task(const hpml_model *m) { return m->schema.task; }
int hpml_model_n_outputs(const hpml_model *m) { return m->n_outputs; }
int hpml_model_n_classes(const hpml_model *m) { return m->schema.n_classes; }
const char *hpml_model_target_name(const hpml_model *m) { return m->schema.targets[0]; }
int hpml_model_n_targets(const hpml_model *m) { return m->schema.n_targets; }

const char *hpml_model_target_name_k(const hpml_model *m, int k)
{
    return k >= 0 && k < m->schema.n_targets ? m->schema.targets[k] : NULL;
}
int hpml_model_n_features(const hpml_model *m) { return m->schema.n_features; }
void hpml_model_set_threads(hpml_model *m, int threads) { m->threads = threads > 0 ? threads : 0; }

const char *hpml_model_class_label(const hpml_model *m, int k)
{
    return k >= 0 && k < m->schema.n_classes ? m->schema.class_labels[k] : NULL;
}

const char *hpml_model_feature_name(const hpml_model *m, int j)
{
    return j >= 0 && j < m->schema.n_features ? m->schema.names[j] : NULL;
}

hpml_coltype hpml_model_feature_type(const hpml_model *m, int j)
{
    return j >= 0 && j < m->schema.n_features ? m->schema.types[j] : HPML_COL_NUMERIC;
}

int32_t hpml_model_category_code(const hpml_model *m, int j, const char *text)
{
    if (j < 0 || j >= m->schema.n_features || !text)
        return -1;
    return hpml_dict_find(&m->schema.dicts[j], text, strlen(text));
}

void hpml_model_history(const hpml_model *m, int *n, const char **metric, const double **train,
                        const double **valid)
{
    *n = m->n_history;
    *metric = m->metric ? m->metric : "";
    *train = m->train_history;
    *valid = m->valid_history;
}

static int threads_of(const hpml_model *m, size_t n_rows)
{
    int t = m->threads > 0 ? m->threads : omp_get_max_threads();
    size_t blocks = (n_rows + PREDICT_BLOCK - 1) / PREDICT_BLOCK;
    return blocks < (size_t)t ? (int)(blocks ? blocks : 1) : t;
}

hpml_status hpml_model_predict(const hpml_model *m, const float *x, size_t n_rows, float *out)
{
    if (!m || (!x && n_rows) || (!out && n_rows))
        return hpml_fail(HPML_ERR_ARG, "hpml_model_predict: NULL argument");
    const size_t nf = (size_t)m->schema.n_features, no = (size_t)m->n_outputs;
    if (m->ops->predict_block)
        return m->ops->predict_block(m->learner, x, n_rows, m->threads, 0, 0, out, NULL);
    const size_t n_blocks = (n_rows + PREDICT_BLOCK - 1) / PREDICT_BLOCK;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_of(m, n_rows))
    for (size_t blk = 0; blk < n_blocks; blk++) {
        size_t i0 = blk * PREDICT_BLOCK, n = n_rows - i0 < PREDICT_BLOCK ? n_rows - i0 : PREDICT_BLOCK;
        m->ops->predict(m->learner, x + i0 * nf, n, out + i0 * no);
    }
    return HPML_OK;
}

/* Checks the arguments of a dataset prediction. */
static hpml_status check_dataset_rows(const hpml_model *m, const hpml_dataset *d,
                                      const uint32_t *rows, size_t n_rows)
{
    const int nf = m->schema.n_features;
    if (hpml_dataset_n_features(d) != nf)
        return hpml_fail(HPML_ERR_ARG, "the dataset has %d features, the model %d (make the "
                         "dataset with hpml_model_dataset)", hpml_dataset_n_features(d), nf);
    const size_t nd = hpml_dataset_n_rows(d);
    for (size_t i = 0; rows && i < n_rows; i++) /* so gather cannot fail on a worker thread */
        if (rows[i] >= nd)
            return hpml_fail(HPML_ERR_ARG, "row %u out of range (the dataset has %zu rows)",
                             rows[i], nd);
    if (!rows && n_rows > nd)
        return hpml_fail(HPML_ERR_ARG, "%zu rows asked of a dataset of %zu", n_rows, nd);
    return HPML_OK;
}

/* Rows i0..i0+n of rows (NULL: dataset rows i0..) of d into x[n][nf],
 * row-major; n <= PREDICT_BLOCK. Features with skip[j] set (skip may be
 * NULL) are left unset: the model never reads them. */
static hpml_status gather_block(const hpml_dataset *d, const uint32_t *rows, size_t i0, size_t n,
                                size_t nf, const uint8_t *skip, float *x)
{
    uint32_t all[PREDICT_BLOCK];
    float col[PREDICT_BLOCK];
    const uint32_t *r = rows ? rows + i0 : all;
    if (!rows)
        for (size_t i = 0; i < n; i++)
            all[i] = (uint32_t)(i0 + i);
    for (size_t j = 0; j < nf; j++) {
        if (skip && skip[j])
            continue;
        hpml_status st = hpml_dataset_gather(d, (int)j, r, n, col);
        if (st != HPML_OK)
            return st;
        for (size_t i = 0; i < n; i++)
            x[i * nf + j] = col[i];
    }
    return HPML_OK;
}

/* Learners with predict_block (nets): blocks of rows gathered row-major on
 * the calling thread, each predicted with all the model's threads. */
static hpml_status predict_dataset_blocks(const hpml_model *m, const hpml_dataset *d,
                                          const uint32_t *rows, size_t n_rows, int mc,
                                          uint64_t seed, float *out, float *sd)
{
    const size_t nf = (size_t)m->schema.n_features, no = (size_t)m->n_outputs;
    float *x = hpml_malloc_array((size_t)PREDICT_BLOCK * nf, sizeof *x);
    if (!x)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory while predicting");
    hpml_status st = HPML_OK;
    for (size_t i0 = 0; i0 < n_rows && st == HPML_OK; i0 += PREDICT_BLOCK) {
        size_t n = n_rows - i0 < PREDICT_BLOCK ? n_rows - i0 : PREDICT_BLOCK;
        if ((st = gather_block(d, rows, i0, n, nf, NULL, x)) != HPML_OK)
            break;
        /* Monte-Carlo passes of each block are keyed by (seed, its first row) */
        st = m->ops->predict_block(m->learner, x, n, m->threads, mc, seed ^ hpml_mix64(i0 + 1),
                                   out + i0 * no, sd ? sd + i0 * no : NULL);
    }
    hpml_free(x);
    return st;
}

hpml_status hpml_model_predict_dataset(const hpml_model *m, const hpml_dataset *d,
                                       const uint32_t *rows, size_t n_rows, float *out)
{
    if (!m || !d || (!out && n_rows))
        return hpml_fail(HPML_ERR_ARG, "hpml_model_predict_dataset: NULL argument");
    hpml_status st = check_dataset_rows(m, d, rows, n_rows);
    if (st != HPML_OK)
        return st;
    const size_t nf = (size_t)m->schema.n_features, no = (size_t)m->n_outputs;
    if (m->ops->predict_block)
        return predict_dataset_blocks(m, d, rows, n_rows, 0, 0, out, NULL);
    const size_t n_blocks = (n_rows + PREDICT_BLOCK - 1) / PREDICT_BLOCK;
    int nt = threads_of(m, n_rows);
    /* Trees read only the features they split on: the others are not
     * gathered (a wide star schema has thousands, and each costs a pass) */
    uint8_t *skip = NULL;
    double *splits = m->ops->importance ? hpml_malloc_array(nf ? nf : 1, sizeof *splits) : NULL;
    if (splits && (skip = hpml_malloc(nf ? nf : 1)) &&
        m->ops->importance(m->learner, HPML_IMPORTANCE_SPLITS, (int)nf, splits) == HPML_OK)
        for (size_t j = 0; j < nf; j++)
            skip[j] = splits[j] == 0;
    else {
        hpml_free(skip);
        skip = NULL;
    }
    hpml_free(splits);
#pragma omp parallel num_threads(nt)
    {
        /* per thread: one block of rows, row-major (zeros where not gathered) */
        float *x = hpml_calloc((size_t)PREDICT_BLOCK * nf, sizeof *x);
        hpml_status mine = x ? HPML_OK : HPML_ERR_NOMEM;
#pragma omp for schedule(dynamic, 1)
        for (size_t blk = 0; blk < n_blocks; blk++) {
            size_t i0 = blk * PREDICT_BLOCK;
            size_t n = n_rows - i0 < PREDICT_BLOCK ? n_rows - i0 : PREDICT_BLOCK;
            if (mine == HPML_OK && (mine = gather_block(d, rows, i0, n, nf, skip, x)) == HPML_OK)
                m->ops->predict(m->learner, x, n, out + i0 * no);
        }
        hpml_free(x);
        if (mine != HPML_OK) {
#pragma omp critical(hpml_predict_status)
            if (st == HPML_OK)
                st = mine;
        }
    }
    hpml_free(skip);
    return st == HPML_ERR_NOMEM ? hpml_fail(st, "out of memory while predicting") : st;
}

int hpml_model_has_dropout(const hpml_model *m)
{
    return m && m->ops->has_dropout && m->ops->has_dropout(m->learner);
}

static hpml_status check_mc(const hpml_model *m, int n_samples, const float *mean, const float *sd,
                            size_t n_rows)
{
    if (!m || ((!mean || !sd) && n_rows))
        return hpml_fail(HPML_ERR_ARG, "hpml_model_predict_mc: NULL argument");
    if (!hpml_model_has_dropout(m))
        return hpml_fail(HPML_ERR_ARG, "Monte-Carlo dropout needs a net trained with dropout "
                         "(--dropout P); this model has none");
    if (n_samples < 2 || n_samples > 1000000)
        return hpml_fail(HPML_ERR_ARG, "Monte-Carlo samples must be in [2, 1000000], got %d",
                         n_samples);
    return HPML_OK;
}

hpml_status hpml_model_predict_mc(const hpml_model *m, const float *x, size_t n_rows,
                                  int n_samples, uint64_t seed, float *mean, float *sd)
{
    hpml_status st = check_mc(m, n_samples, mean, sd, n_rows);
    if (st != HPML_OK)
        return st;
    if (!x && n_rows)
        return hpml_fail(HPML_ERR_ARG, "hpml_model_predict_mc: NULL argument");
    return m->ops->predict_block(m->learner, x, n_rows, m->threads, n_samples, seed, mean, sd);
}

hpml_status hpml_model_predict_dataset_mc(const hpml_model *m, const hpml_dataset *d,
                                          const uint32_t *rows, size_t n_rows, int n_samples,
                                          uint64_t seed, float *mean, float *sd)
{
    hpml_status st = check_mc(m, n_samples, mean, sd, n_rows);
    if (st != HPML_OK)
        return st;
    if (!d)
        return hpml_fail(HPML_ERR_ARG, "hpml_model_predict_dataset_mc: NULL dataset");
    if ((st = check_dataset_rows(m, d, rows, n_rows)) != HPML_OK)
        return st;
    return predict_dataset_blocks(m, d, rows, n_rows, n_samples, seed, mean, sd);
}

hpml_status hpml_model_dataset(const hpml_model *m, const hpml_table *t, int with_target,
                               hpml_dataset **out)
{
    return hpml_model_dataset_joined(m, t, NULL, 0, HPML_ON_MISSING_ERROR, with_target, out);
}

hpml_status hpml_model_dataset_joined(const hpml_model *m, const hpml_table *t,
                                      const hpml_join *joins, int n_joins,
                                      hpml_on_missing on_missing, int with_target,
                                      hpml_dataset **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_model_dataset: out is NULL");
    *out = NULL;
    if (!m || !t)
        return hpml_fail(HPML_ERR_ARG, "hpml_model_dataset: a model and a table are needed");
    return dataset_create_from_schema(&m->schema, t, joins, n_joins, on_missing, with_target, out);
}

int hpml_model_n_joins(const hpml_model *m) { return m->schema.n_joins; }
int hpml_model_feature_join(const hpml_model *m, int j)
{
    return m->schema.feat_join && j >= 0 && j < m->schema.n_features ? m->schema.feat_join[j] : -1;
}
const char *hpml_model_join_key(const hpml_model *m, int t)
{
    return t >= 0 && t < m->schema.n_joins ? m->schema.join_key[t] : NULL;
}
const char *hpml_model_join_table_key(const hpml_model *m, int t)
{
    return t >= 0 && t < m->schema.n_joins ? m->schema.join_table_key[t] : NULL;
}
const char *hpml_model_join_name(const hpml_model *m, int t)
{
    return t >= 0 && t < m->schema.n_joins ? m->schema.join_name[t] : NULL;
}

hpml_status hpml_model_importance(const hpml_model *m, hpml_importance_type type, double *out)
{
    if (!m || !out)
        return hpml_fail(HPML_ERR_ARG, "hpml_model_importance: NULL argument");
    if (!m->ops->importance)
        return hpml_fail(HPML_ERR_ARG, "this model kind has no split importance (use "
                         "permutation importance)");
    return m->ops->importance(m->learner, type, m->schema.n_features, out);
}

/* ------------------------------------------------------------ the file */

static void encode_schema(const data_schema *s, bytes_w *w)
{
    bw_str(w, s->targets[0], strlen(s->targets[0]));
    bw_u32(w, (uint32_t)s->task);
    bw_u32(w, (uint32_t)s->n_classes);
    for (int k = 0; k < s->n_classes; k++)
        bw_str(w, s->class_labels[k], strlen(s->class_labels[k]));
    bw_u32(w, (uint32_t)s->n_features);
    for (int j = 0; j < s->n_features; j++) {
        bw_str(w, s->names[j], strlen(s->names[j]));
        bw_u32(w, (uint32_t)s->types[j]);
        bw_u32(w, (uint32_t)s->dicts[j].n);
        for (int32_t c = 0; c < s->dicts[j].n; c++)
            bw_str(w, hpml_dict_str(&s->dicts[j], c), s->dicts[j].len[c]);
    }
}

/* The model's sections: payloads in w[0..*n) (owned by the caller:
 * bw_free each of w[0..8)), described by sec[0..*n). */
static hpml_status encode_model(const hpml_model *m, bytes_w w[8], container_section sec[8],
                                int *n_out)
{
    memset(w, 0, 8 * sizeof *w);
    const char *tags[8] = {"META", "SCHEMA", "HISTORY"};
    int n = 3;
    bw_u32(&w[0], (uint32_t)m->kind);
    bw_u32(&w[0], (uint32_t)m->n_outputs);
    bw_str(&w[0], hpml_version(), strlen(hpml_version()));
    encode_schema(&m->schema, &w[1]);
    const char *metric = m->metric ? m->metric : "";
    bw_str(&w[2], metric, strlen(metric));
    bw_u32(&w[2], (uint32_t)m->n_history);
    for (int i = 0; i < m->n_history; i++)
        bw_f64(&w[2], m->train_history[i]);
    for (int i = 0; i < m->n_history; i++)
        bw_f64(&w[2], m->valid_history[i]);
    if (m->schema.n_targets > 1) { /* only then: one-target files stay as they were */
        tags[n] = "TARGETS";
        bw_u32(&w[n], (uint32_t)m->schema.n_targets);
        for (int k = 0; k < m->schema.n_targets; k++)
            bw_str(&w[n], m->schema.targets[k], strlen(m->schema.targets[k]));
        n++;
    }
    int n_learner = 0;
    hpml_status st = m->ops->encode(m->learner, &w[n], tags + n, &n_learner);
    n += n_learner;
    if (st == HPML_OK && m->schema.n_joins > 0) { /* a star schema: last, so every other
                                                      section is as for the joined table */
        const data_schema *s = &m->schema;
        tags[n] = "JOINS";
        bw_u32(&w[n], (uint32_t)s->n_joins);
        for (int t = 0; t < s->n_joins; t++) {
            bw_str(&w[n], s->join_key[t], strlen(s->join_key[t]));
            bw_str(&w[n], s->join_table_key[t], strlen(s->join_table_key[t]));
            bw_str(&w[n], s->join_name[t], strlen(s->join_name[t]));
        }
        for (int j = 0; j < s->n_features; j++) {
            bw_i32(&w[n], s->feat_join[j]);
            bw_str(&w[n], s->cols[j], strlen(s->cols[j]));
        }
        n++;
    }
    for (int i = 0; st == HPML_OK && i < n; i++) {
        if (w[i].failed)
            return hpml_fail(HPML_ERR_NOMEM, "out of memory encoding the model");
        memset(&sec[i], 0, sizeof sec[i]);
        strncpy(sec[i].tag, tags[i], 8);
        sec[i].data = w[i].data ? (const void *)w[i].data : (const void *)"";
        sec[i].size = w[i].len;
    }
    *n_out = n;
    return st;
}

hpml_status hpml_model_save(const hpml_model *m, const char *path)
{
    if (!m || !path)
        return hpml_fail(HPML_ERR_ARG, "hpml_model_save: NULL argument");
    bytes_w w[8];
    container_section sec[8];
    int n = 0;
    hpml_status st = encode_model(m, w, sec, &n);
    if (st == HPML_OK)
        st = container_write(path, sec, n);
    for (int i = 0; i < 8; i++)
        bw_free(&w[i]);
    return st;
}

hpml_status model_file_size(const hpml_model *m, size_t *out)
{
    bytes_w w[8];
    container_section sec[8];
    int n = 0;
    hpml_status st = encode_model(m, w, sec, &n);
    *out = st == HPML_OK ? container_size(sec, n) : 0;
    for (int i = 0; i < 8; i++)
        bw_free(&w[i]);
    return st;
}

static hpml_status damaged(const char *path, const char *tag)
{
    return hpml_fail(HPML_ERR_PARSE, "%s: section '%s' is truncated or damaged", path, tag);
}

static hpml_status decode_schema(const container_section *sec, const char *path, data_schema *s)
{
    bytes_r r = {sec->data, sec->size, 0, 0};
    int nomem = 0;
    memset(s, 0, sizeof *s);
    if (!(s->targets = hpml_calloc(1, sizeof *s->targets)))
        goto nomem;
    s->n_targets = 1;
    if (!(s->targets[0] = br_str(&r, &nomem)))
        goto fail;
    s->task = (hpml_task)br_u32(&r);
    uint32_t nc = br_u32(&r);
    if (r.bad || nc > br_left(&r) / 4 || s->task > HPML_TASK_MULTICLASS)
        goto bad;
    s->n_classes = (int)nc;
    if (!(s->class_labels = hpml_calloc(nc ? nc : 1, sizeof *s->class_labels)))
        goto nomem;
    for (uint32_t k = 0; k < nc; k++)
        if (!(s->class_labels[k] = br_str(&r, &nomem)))
            goto fail;
    uint32_t nf = br_u32(&r);
    if (r.bad || nf == 0 || nf > br_left(&r) / 12)
        goto bad;
    s->n_features = (int)nf;
    s->names = hpml_calloc(nf, sizeof *s->names);
    s->types = hpml_calloc(nf, sizeof *s->types);
    s->dicts = hpml_calloc(nf, sizeof *s->dicts);
    if (!s->names || !s->types || !s->dicts)
        goto nomem;
    for (uint32_t j = 0; j < nf; j++)
        hpml_dict_init(&s->dicts[j]);
    for (uint32_t j = 0; j < nf; j++) {
        if (!(s->names[j] = br_str(&r, &nomem)))
            goto fail;
        uint32_t type = br_u32(&r), ncat = br_u32(&r);
        if (r.bad || type > HPML_COL_CATEGORICAL || ncat > br_left(&r) / 4 ||
            (type == HPML_COL_NUMERIC && ncat))
            goto bad;
        s->types[j] = (hpml_coltype)type;
        for (uint32_t c = 0; c < ncat; c++) {
            uint32_t len = br_u32(&r);
            const char *p = br_raw(&r, len);
            int32_t code;
            if (!p)
                goto bad;
            if (hpml_dict_intern(&s->dicts[j], p, len, &code) != HPML_OK)
                goto nomem;
            if (code != (int32_t)c) /* a repeated category */
                goto bad;
        }
    }
    if (r.bad || br_left(&r) != 0)
        goto bad;
    return HPML_OK;
fail:
    if (nomem)
        goto nomem;
bad:
    schema_free(s);
    return damaged(path, "SCHEMA");
nomem:
    schema_free(s);
    return hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path);
}

/* The optional section "TARGETS" (several targets): replaces the schema's
 * one target by the list, whose first must be the schema's target. */
static hpml_status decode_targets(const container_section *sec, const char *path, data_schema *s)
{
    bytes_r r = {sec->data, sec->size, 0, 0};
    int nomem = 0;
    uint32_t n = br_u32(&r);
    if (r.bad || n < 2 || n > br_left(&r) / 4 || s->task != HPML_TASK_REGRESSION)
        return damaged(path, "TARGETS");
    char **names = hpml_calloc(n, sizeof *names);
    if (!names)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path);
    int bad = 0;
    for (uint32_t k = 0; k < n && !bad && !nomem; k++) {
        if (!(names[k] = br_str(&r, &nomem)))
            bad = !nomem;
        for (uint32_t i = 0; names[k] && i < k; i++) /* a name twice */
            bad |= strcmp(names[i], names[k]) == 0;
    }
    if (!bad && !nomem && (r.bad || br_left(&r) != 0 || strcmp(names[0], s->targets[0]) != 0))
        bad = 1;
    if (bad || nomem) {
        for (uint32_t k = 0; k < n; k++)
            hpml_free(names[k]);
        hpml_free(names);
        return nomem ? hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path)
                     : damaged(path, "TARGETS");
    }
    hpml_free(s->targets[0]);
    hpml_free(s->targets);
    s->targets = names;
    s->n_targets = (int)n;
    return HPML_OK;
}

/* The optional section "JOINS" (a star schema): each join's keys and table
 * name, then each feature's join and column. */
static hpml_status decode_joins(const container_section *sec, const char *path, data_schema *s)
{
    bytes_r r = {sec->data, sec->size, 0, 0};
    int nomem = 0;
    uint32_t n = br_u32(&r);
    if (r.bad || n < 1 || n > br_left(&r) / 12)
        return damaged(path, "JOINS");
    if (schema_alloc_joins(s, (int)n) != HPML_OK)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path);
    int bad = 0;
    for (uint32_t t = 0; t < n && !bad && !nomem; t++)
        bad = !(s->join_key[t] = br_str(&r, &nomem)) ||
              !(s->join_table_key[t] = br_str(&r, &nomem)) ||
              !(s->join_name[t] = br_str(&r, &nomem));
    for (int j = 0; j < s->n_features && !bad && !nomem; j++) {
        s->feat_join[j] = br_i32(&r);
        bad = s->feat_join[j] < -1 || s->feat_join[j] >= (int)n || !(s->cols[j] = br_str(&r, &nomem));
    }
    if (nomem)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path);
    return bad || r.bad || br_left(&r) != 0 ? damaged(path, "JOINS") : HPML_OK;
}

static const model_ops *ops_of(uint32_t kind)
{
    return kind == HPML_MODEL_GBDT                               ? &gbdt_model_ops
           : kind == HPML_MODEL_MLP || kind == HPML_MODEL_CNN ? &nn_model_ops
                                                              : NULL;
}

/* The model's sections, checked; m->schema and m->learner filled. */
static hpml_status decode_model(const container *c, const char *path, hpml_model *m)
{
    const container_section *meta = container_find(c, "META"),
                            *schema = container_find(c, "SCHEMA"),
                            *hist = container_find(c, "HISTORY"),
                            *targets = container_find(c, "TARGETS"),
                            *joins = container_find(c, "JOINS");
    if (!meta || !schema)
        return hpml_fail(HPML_ERR_PARSE, "%s: not a complete hpml model (section '%s' missing)",
                         path, meta ? "SCHEMA" : "META");
    bytes_r r = {meta->data, meta->size, 0, 0};
    uint32_t kind = br_u32(&r), n_out = br_u32(&r);
    if (r.bad)
        return damaged(path, "META");
    if (!(m->ops = ops_of(kind)))
        return hpml_fail(HPML_ERR_PARSE, "%s: model kind %u is not known to this hpml (%s)", path,
                         kind, hpml_version());
    m->kind = (hpml_model_kind)kind;
    m->n_outputs = (int)n_out;
    hpml_status st = decode_schema(schema, path, &m->schema);
    if (st == HPML_OK && targets)
        st = decode_targets(targets, path, &m->schema);
    if (st == HPML_OK && joins)
        st = decode_joins(joins, path, &m->schema);
    if (st != HPML_OK)
        return st;
    int expect = m->schema.task == HPML_TASK_MULTICLASS ? m->schema.n_classes
                 : m->schema.task == HPML_TASK_REGRESSION ? m->schema.n_targets
                                                          : 1;
    if (n_out != (uint32_t)expect)
        return damaged(path, "META");
    if (hist) {
        bytes_r h = {hist->data, hist->size, 0, 0};
        int nomem = 0;
        m->metric = br_str(&h, &nomem);
        uint32_t n = br_u32(&h);
        if (h.bad || n > br_left(&h) / 16)
            return nomem ? hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path)
                         : damaged(path, "HISTORY");
        m->train_history = hpml_malloc_array(n ? n : 1, sizeof(double));
        m->valid_history = hpml_malloc_array(n ? n : 1, sizeof(double));
        if (!m->train_history || !m->valid_history)
            return hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path);
        for (uint32_t i = 0; i < n; i++)
            m->train_history[i] = br_f64(&h);
        for (uint32_t i = 0; i < n; i++)
            m->valid_history[i] = br_f64(&h);
        m->n_history = (int)n;
    }
    return m->ops->decode(c, &m->schema, path, &m->learner);
}

hpml_status hpml_model_load(const char *path, hpml_model **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_model_load: out is NULL");
    *out = NULL;
    if (!path)
        return hpml_fail(HPML_ERR_ARG, "hpml_model_load: path is NULL");
    container c;
    hpml_status st = container_read(path, &c);
    if (st != HPML_OK)
        return st;
    hpml_model *m = hpml_calloc(1, sizeof *m);
    if (!m)
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory reading %s", path);
    else
        st = decode_model(&c, path, m);
    container_free(&c);
    if (st != HPML_OK) {
        hpml_model_free(m);
        return st;
    }
    *out = m;
    return HPML_OK;
}
