/* table.h — the columnar table behind hpml_table (internal). */
#ifndef HPML_DATA_TABLE_H
#define HPML_DATA_TABLE_H

#include "data/dict.h"
#include "hpml.h"

typedef struct table_column {
    char *name;
    hpml_coltype type;
    void *data;            /* float or int32_t, cap_bytes: hpml_big_alloc'd */
    size_t cap_bytes;
    size_t n_missing;
    hpml_dict dict;        /* categories (categorical columns) */
} table_column;

/* line(row) = data_line0 + row + extra, where extra is that of the last
 * anchor at or before row (0 before the first). Anchors appear where blank
 * lines were skipped or a record spanned several lines. */
typedef struct line_anchor {
    uint64_t row;
    uint64_t extra;
} line_anchor;

struct hpml_table {
    char *source;
    char delimiter;
    size_t n_rows, cap_rows;  /* every column holds at least cap_rows rows */
    int n_cols;
    table_column *cols;
    uint64_t data_line0;
    line_anchor *anchors;
    size_t n_anchors, cap_anchors;
    size_t n_blank_lines;  /* blank lines skipped (counted, reported by info) */
};

/* An empty table with n_cols columns named names[] (copied); all numeric. */
hpml_status table_create(const char *source, int n_cols, const char *const *names,
                         hpml_table **out);
/* Makes room for at least `rows` rows in every column. */
hpml_status table_reserve(hpml_table *t, size_t rows);
/* Trims storage to n_rows (best effort: a column that cannot shrink keeps
 * its size). */
void table_shrink(hpml_table *t);
/* Appends an anchor (row, extra) if extra differs from the current one. */
hpml_status table_add_anchor(hpml_table *t, uint64_t row, uint64_t extra);

static inline float *table_f32(const hpml_table *t, int c) { return (float *)t->cols[c].data; }
static inline int32_t *table_i32(const hpml_table *t, int c) { return (int32_t *)t->cols[c].data; }

#endif
