/* table.c — columnar storage, accessors and column statistics. */
#include "data/table.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

hpml_status table_create(const char *source, int n_cols, const char *const *names,
                         hpml_table **out)
{
    *out = NULL;
    hpml_table *t = hpml_calloc(1, sizeof *t);
    if (!t)
        return HPML_ERR_NOMEM;
    t->source = hpml_strdup(source);
    t->cols = hpml_calloc((size_t)n_cols, sizeof *t->cols);
    if (!t->source || !t->cols)
        goto fail;
    t->n_cols = n_cols;
    for (int c = 0; c < n_cols; c++) {
        hpml_dict_init(&t->cols[c].dict);
        t->cols[c].name = hpml_strdup(names[c]);
        if (!t->cols[c].name)
            goto fail;
    }
    *out = t;
    return HPML_OK;
fail:
    hpml_table_free(t);
    return HPML_ERR_NOMEM;
}

void hpml_table_free(hpml_table *t)
{
    if (!t)
        return;
    for (int c = 0; t->cols && c < t->n_cols; c++) {
        hpml_free(t->cols[c].name);
        hpml_big_free(t->cols[c].data, t->cols[c].cap_bytes);
        hpml_dict_free(&t->cols[c].dict);
    }
    hpml_free(t->cols);
    hpml_free(t->anchors);
    hpml_free(t->source);
    hpml_free(t);
}

/* Sets every column's storage to `rows` rows. A failure part-way leaves each
 * column valid at its own size (cap_bytes), so the table frees cleanly. */
static hpml_status resize_columns(hpml_table *t, size_t rows)
{
    if (rows > SIZE_MAX / 4)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory (%zu rows)", rows);
    size_t min_rows = rows;
    hpml_status st = HPML_OK;
    for (int c = 0; c < t->n_cols; c++) {
        table_column *col = &t->cols[c];
        void *p = hpml_big_realloc(col->data, col->cap_bytes, rows * 4);
        if (!p) {
            st = HPML_ERR_NOMEM;
            if (col->cap_bytes / 4 < min_rows)
                min_rows = col->cap_bytes / 4;
            continue;
        }
        col->data = p;
        col->cap_bytes = rows * 4;
    }
    t->cap_rows = min_rows;
    return st;
}

hpml_status table_reserve(hpml_table *t, size_t rows)
{
    if (rows <= t->cap_rows)
        return HPML_OK;
    size_t grow = t->cap_rows + t->cap_rows / 2;
    return resize_columns(t, rows > grow ? rows : grow);
}

void table_shrink(hpml_table *t)
{
    size_t rows = t->n_rows ? t->n_rows : 1;
    if (rows < t->cap_rows && resize_columns(t, rows) != HPML_OK)
        hpml_error_clear(); /* the table is complete; extra capacity is harmless */
}

hpml_status table_add_anchor(hpml_table *t, uint64_t row, uint64_t extra)
{
    uint64_t cur = t->n_anchors ? t->anchors[t->n_anchors - 1].extra : 0;
    if (extra == cur)
        return HPML_OK;
    if (t->n_anchors && t->anchors[t->n_anchors - 1].row == row) {
        t->anchors[t->n_anchors - 1].extra = extra;
        return HPML_OK;
    }
    if (t->n_anchors == t->cap_anchors) {
        size_t cap = t->cap_anchors ? t->cap_anchors * 2 : 16;
        line_anchor *a = hpml_realloc_array(t->anchors, cap, sizeof *a);
        if (!a)
            return HPML_ERR_NOMEM;
        t->anchors = a;
        t->cap_anchors = cap;
    }
    t->anchors[t->n_anchors++] = (line_anchor){row, extra};
    return HPML_OK;
}

uint64_t hpml_table_row_line(const hpml_table *t, size_t row)
{
    size_t lo = 0, hi = t->n_anchors; /* first anchor with anchor.row > row */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->anchors[mid].row <= row)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t extra = lo ? t->anchors[lo - 1].extra : 0;
    return t->data_line0 + row + extra;
}

size_t hpml_table_n_rows(const hpml_table *t) { return t->n_rows; }
int hpml_table_n_cols(const hpml_table *t) { return t->n_cols; }
const char *hpml_table_source(const hpml_table *t) { return t->source; }
char hpml_table_delimiter(const hpml_table *t) { return t->delimiter; }

static int valid_col(const hpml_table *t, int c) { return t && c >= 0 && c < t->n_cols; }

const char *hpml_table_col_name(const hpml_table *t, int c)
{
    return valid_col(t, c) ? t->cols[c].name : NULL;
}

int hpml_table_find_col(const hpml_table *t, const char *name)
{
    for (int c = 0; c < t->n_cols; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return c;
    return -1;
}

hpml_coltype hpml_table_col_type(const hpml_table *t, int c)
{
    return valid_col(t, c) ? t->cols[c].type : HPML_COL_NUMERIC;
}

const float *hpml_table_col_values(const hpml_table *t, int c)
{
    return valid_col(t, c) && t->cols[c].type == HPML_COL_NUMERIC ? table_f32(t, c) : NULL;
}

const int32_t *hpml_table_col_codes(const hpml_table *t, int c)
{
    return valid_col(t, c) && t->cols[c].type == HPML_COL_CATEGORICAL ? table_i32(t, c) : NULL;
}

int32_t hpml_table_col_n_categories(const hpml_table *t, int c)
{
    return valid_col(t, c) && t->cols[c].type == HPML_COL_CATEGORICAL ? t->cols[c].dict.n : 0;
}

const char *hpml_table_col_category(const hpml_table *t, int c, int32_t code)
{
    if (!valid_col(t, c) || t->cols[c].type != HPML_COL_CATEGORICAL || code < 0 ||
        code >= t->cols[c].dict.n)
        return NULL;
    return hpml_dict_str(&t->cols[c].dict, code);
}

size_t hpml_table_col_n_missing(const hpml_table *t, int c)
{
    return valid_col(t, c) ? t->cols[c].n_missing : 0;
}

size_t hpml_table_memory_bytes(const hpml_table *t)
{
    size_t b = sizeof *t + strlen(t->source) + 1 + t->cap_anchors * sizeof *t->anchors;
    for (int c = 0; c < t->n_cols; c++)
        b += sizeof t->cols[c] + strlen(t->cols[c].name) + 1 + t->cols[c].cap_bytes +
             hpml_dict_bytes(&t->cols[c].dict);
    return b;
}

hpml_status hpml_table_col_stats(const hpml_table *t, int c, hpml_col_stats *out)
{
    if (!valid_col(t, c))
        return hpml_fail(HPML_ERR_ARG, "column index %d out of range (table has %d columns)", c,
                         t ? t->n_cols : 0);
    if (t->cols[c].type != HPML_COL_NUMERIC)
        return hpml_fail(HPML_ERR_ARG, "column '%s' is categorical: it has no numeric statistics",
                         t->cols[c].name);
    const float *v = table_f32(t, c);
    /* Two passes (sum, then squared deviations from the mean) are as stable
     * as Welford's update for float32 data accumulated in double, and several
     * times faster: no division per value. */
    double mn = INFINITY, mx = -INFINITY, sum = 0, m2 = 0;
    size_t n = 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        double x = v[i];
        if (x != x)
            continue;
        n++;
        sum += x;
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
    }
    double mean = n ? sum / (double)n : 0;
    for (size_t i = 0; i < t->n_rows; i++) {
        double x = v[i];
        if (x == x)
            m2 += (x - mean) * (x - mean);
    }
    out->n_missing = t->n_rows - n;
    if (n == 0) {
        out->min = out->max = out->mean = out->sd = NAN;
    } else {
        out->min = mn;
        out->max = mx;
        out->mean = mean;
        out->sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0.0;
    }
    return HPML_OK;
}

hpml_status hpml_table_stats(const hpml_table *t, int threads, hpml_col_stats *out)
{
    if (!t || !out || threads < 0)
        return hpml_fail(HPML_ERR_ARG, "hpml_table_stats: table and out are required, threads >= 0");
    int n = threads ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(n)
    for (int c = 0; c < t->n_cols; c++) {
        if (t->cols[c].type == HPML_COL_NUMERIC) {
            hpml_table_col_stats(t, c, &out[c]);
        } else {
            out[c].n_missing = t->cols[c].n_missing;
            out[c].min = out[c].max = out[c].mean = out[c].sd = NAN;
        }
    }
    return HPML_OK;
}
