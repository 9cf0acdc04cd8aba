/* predictions.c — predictions as a CSV file (written atomically). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/atomic.h"
#include "io/model.h"

#define FLUSH_BYTES (1 << 20)

typedef struct out_buf {
    atomic_file f;
    char *buf;
    size_t len;
    hpml_status st;
} out_buf;

static void flush(out_buf *o)
{
    if (o->st == HPML_OK && o->len)
        o->st = atomic_write(&o->f, o->buf, o->len);
    o->len = 0;
}

static void put(out_buf *o, const char *s, size_t n)
{
    if (o->len + n > FLUSH_BYTES)
        flush(o);
    if (n > FLUSH_BYTES) { /* a huge field: straight through */
        if (o->st == HPML_OK)
            o->st = atomic_write(&o->f, s, n);
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
static void put_field(out_buf *o, const char *s, size_t n)
{
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
        put(o, s, n);
        return;
    }
    put(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            put(o, "\"", 1);
        put(o, s + i, 1);
    }
    put(o, "\"", 1);
}

static void put_num(out_buf *o, double x)
{
    char b[32];
    int n = isnan(x) ? snprintf(b, sizeof b, "NA") : snprintf(b, sizeof b, "%.9g", x);
    put(o, b, (size_t)n);
}

static void put_str(out_buf *o, const char *s) { put_field(o, s, strlen(s)); }

hpml_status hpml_write_predictions(const hpml_model *m, const float *pred, size_t n_rows,
                                   const hpml_table *t, const int *keep_cols, int n_keep,
                                   const char *path)
{
    return hpml_write_predictions_sd(m, pred, NULL, n_rows, t, keep_cols, n_keep, path);
}

hpml_status hpml_write_predictions_sd(const hpml_model *m, const float *pred, const float *sd,
                                      size_t n_rows, const hpml_table *t, const int *keep_cols,
                                      int n_keep, const char *path)
{
    if (!m || (!pred && n_rows) || !path || (n_keep && (!t || !keep_cols)) || n_keep < 0)
        return hpml_fail(HPML_ERR_ARG, "hpml_write_predictions: bad arguments");
    for (int c = 0; c < n_keep; c++)
        if (keep_cols[c] < 0 || keep_cols[c] >= hpml_table_n_cols(t))
            return hpml_fail(HPML_ERR_ARG, "hpml_write_predictions: column %d out of range",
                             keep_cols[c]);
    if (n_keep && hpml_table_n_rows(t) != n_rows)
        return hpml_fail(HPML_ERR_ARG, "hpml_write_predictions: %zu predictions for a table of "
                         "%zu rows", n_rows, hpml_table_n_rows(t));
    out_buf o = {.st = HPML_OK};
    if (!(o.buf = hpml_malloc(FLUSH_BYTES)))
        return hpml_fail(HPML_ERR_NOMEM, "out of memory writing %s", path);
    hpml_status st = atomic_open(&o.f, path);
    if (st != HPML_OK) {
        hpml_free(o.buf);
        return st;
    }
    const int k = m->schema.n_classes, no = m->n_outputs;
    const int classify = m->schema.task != HPML_TASK_REGRESSION;
    for (int c = 0; c < n_keep; c++) {
        put_str(&o, hpml_table_col_name(t, keep_cols[c]));
        put(&o, ",", 1);
    }
    if (!classify && no == 1) {
        put(&o, "prediction", 10);
        if (sd)
            put(&o, ",prediction_sd", 14);
    } else if (!classify) { /* several targets: a column each, then their sds */
        for (int pass = 0; pass < (sd ? 2 : 1); pass++)
            for (int c = 0; c < no; c++) {
                char name[256];
                snprintf(name, sizeof name, "prediction_%s%s", m->schema.targets[c],
                         pass ? "_sd" : "");
                if (pass || c)
                    put(&o, ",", 1);
                put_str(&o, name);
            }
    } else {
        put(&o, "predicted", 9);
        for (int pass = 0; pass < (sd ? 2 : 1); pass++)
            for (int c = 0; c < k; c++) {
                char name[256];
                snprintf(name, sizeof name, "prob_%s%s", m->schema.class_labels[c],
                         pass ? "_sd" : "");
                put(&o, ",", 1);
                put_str(&o, name);
            }
    }
    put(&o, "\n", 1);
    for (size_t i = 0; i < n_rows && o.st == HPML_OK; i++) {
        for (int c = 0; c < n_keep; c++) {
            int col = keep_cols[c];
            if (hpml_table_col_type(t, col) == HPML_COL_NUMERIC) {
                put_num(&o, hpml_table_col_values(t, col)[i]);
            } else {
                int32_t code = hpml_table_col_codes(t, col)[i];
                if (code >= 0)
                    put_str(&o, hpml_table_col_category(t, col, code));
            }
            put(&o, ",", 1);
        }
        const float *p = pred + i * (size_t)no, *q = sd ? sd + i * (size_t)no : NULL;
        if (!classify) {
            for (int c = 0; c < no; c++) {
                if (c)
                    put(&o, ",", 1);
                put_num(&o, p[c]);
            }
            for (int c = 0; q && c < no; c++) {
                put(&o, ",", 1);
                put_num(&o, q[c]);
            }
        } else if (no == 1) { /* binary: P(class 1); both columns have its sd */
            put_str(&o, m->schema.class_labels[p[0] >= 0.5f]);
            put(&o, ",", 1);
            put_num(&o, 1.0 - (double)p[0]);
            put(&o, ",", 1);
            put_num(&o, p[0]);
            for (int c = 0; q && c < 2; c++) {
                put(&o, ",", 1);
                put_num(&o, q[0]);
            }
        } else {
            int best = 0;
            for (int c = 1; c < no; c++)
                best = p[c] > p[best] ? c : best;
            put_str(&o, m->schema.class_labels[best]);
            for (int c = 0; c < no; c++) {
                put(&o, ",", 1);
                put_num(&o, p[c]);
            }
            for (int c = 0; q && c < no; c++) {
                put(&o, ",", 1);
                put_num(&o, q[c]);
            }
        }
        put(&o, "\n", 1);
    }
    flush(&o);
    st = o.st;
    if (st == HPML_OK)
        st = atomic_commit(&o.f);
    else
        atomic_abort(&o.f);
    hpml_free(o.buf);
    return st;
}
