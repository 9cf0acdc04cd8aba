/* join.c — the dimension tables of a star-schema dataset.
 *
 * A join links each fact-table row to one row of a dimension table through a
 * key column: idx[fact row] = dimension row (-1: none). That index, one int32
 * per fact row and join, is all a join adds; the dimension's features are
 * read through it (hpml_dataset_gather) or once per dimension row
 * (hpml_dataset_gather_dim), never copied per fact row.
 *
 * Keys match by text when both key columns are text (categorical) and by
 * value when both are numbers; mixed kinds fail (a number and its text need
 * not agree: "007" is 7). A dimension table must have one row per key.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/suggest.h"
#include "data/dataset.h"
#include "data/table.h"

void dataset_joins_free(hpml_dataset *d)
{
    for (int t = 0; d->joins && t < d->n_joins; t++) {
        dataset_join *j = &d->joins[t];
        hpml_free(j->name);
        hpml_free(j->key);
        hpml_free(j->table_key);
        hpml_big_free(j->idx, (d->t->n_rows ? d->t->n_rows : 1) * sizeof *j->idx);
    }
    hpml_free(d->joins);
    d->joins = NULL;
    d->n_joins = 0;
}

/* The file name of `source` without directory and extensions (".csv",
 * ".tsv", ".txt", ".gz"), into buf. */
void dataset_table_name(const char *source, char *buf, size_t cap)
{
    const char *base = strrchr(source, '/');
    base = base ? base + 1 : source;
    snprintf(buf, cap, "%s", base);
    for (;;) {
        char *dot = strrchr(buf, '.');
        if (!dot || dot == buf)
            break;
        if (strcmp(dot, ".gz") && strcmp(dot, ".csv") && strcmp(dot, ".tsv") &&
            strcmp(dot, ".txt"))
            break;
        *dot = 0;
    }
}

typedef struct num_key {
    float v;
    uint32_t row;
} num_key;

static int cmp_num_key(const void *a, const void *b)
{
    const num_key *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static hpml_status duplicate_key(const hpml_table *dim, const char *col, const char *text,
                                 size_t r0, size_t r1)
{
    return hpml_fail_at(HPML_ERR_DATA, dim->source, hpml_table_row_line(dim, r1), 0,
                        "key '%s' = '%s' is also on line %llu: a table joined on a key needs "
                        "one row per key", col, text,
                        (unsigned long long)hpml_table_row_line(dim, r0));
}

static hpml_status missing_dim_key(const hpml_table *dim, const char *col, size_t r)
{
    return hpml_fail_at(HPML_ERR_DATA, dim->source, hpml_table_row_line(dim, r), 0,
                        "key '%s' is missing: every row of a joined table needs its key", col);
}

/* idx of text keys: dimension row by dictionary code, then fact code ->
 * dimension row. */
static hpml_status link_text(const hpml_table *fact, int fc, const hpml_table *dim, int dc,
                             int32_t *idx)
{
    const table_column *fcol = &fact->cols[fc], *dcol = &dim->cols[dc];
    const int32_t *dcode = table_i32(dim, dc), *fcode = table_i32(fact, fc);
    int32_t *row_of = hpml_malloc_array((size_t)(dcol->dict.n ? dcol->dict.n : 1), sizeof *row_of);
    int32_t *map = hpml_malloc_array((size_t)(fcol->dict.n ? fcol->dict.n : 1), sizeof *map);
    hpml_status st = HPML_OK;
    if (!row_of || !map) {
        st = HPML_ERR_NOMEM;
        goto out;
    }
    for (int32_t c = 0; c < dcol->dict.n; c++)
        row_of[c] = -1;
    for (size_t r = 0; r < dim->n_rows; r++) {
        int32_t c = dcode[r];
        if (c < 0) {
            st = missing_dim_key(dim, dcol->name, r);
            goto out;
        }
        if (row_of[c] >= 0) {
            st = duplicate_key(dim, dcol->name, hpml_dict_str(&dcol->dict, c), (size_t)row_of[c],
                               r);
            goto out;
        }
        row_of[c] = (int32_t)r;
    }
    for (int32_t c = 0; c < fcol->dict.n; c++) {
        int32_t k = hpml_dict_find(&dcol->dict, hpml_dict_str(&fcol->dict, c), fcol->dict.len[c]);
        map[c] = k < 0 ? -1 : row_of[k];
    }
    for (size_t r = 0; r < fact->n_rows; r++)
        idx[r] = fcode[r] < 0 ? -1 : map[fcode[r]];
out:
    hpml_free(row_of);
    hpml_free(map);
    return st;
}

/* Numbers are held as float, exact for integers only below 2^24: beyond, two
 * identifiers (16777216 and 16777217) would read as one and match wrongly. */
#define KEY_EXACT_LIMIT 16777216.0f

static hpml_status inexact_key(const hpml_table *t, int c, size_t r)
{
    return hpml_fail_at(HPML_ERR_DATA, t->source, hpml_table_row_line(t, r), 0,
                        "key '%s' = %.9g is too large to match exactly as a number (numbers are "
                        "32-bit floats, which tell integers apart only below 16777216): read the "
                        "key as text in both tables (--categorical %s)", t->cols[c].name,
                        (double)table_f32(t, c)[r], t->cols[c].name);
}

/* idx of numeric keys: the dimension's (value, row) sorted, searched per
 * fact row. */
static hpml_status link_numeric(const hpml_table *fact, int fc, const hpml_table *dim, int dc,
                                int32_t *idx)
{
    const float *dv = table_f32(dim, dc), *fv = table_f32(fact, fc);
    size_t n = dim->n_rows;
    num_key *k = hpml_malloc_array(n ? n : 1, sizeof *k);
    if (!k)
        return HPML_ERR_NOMEM;
    hpml_status st = HPML_OK;
    for (size_t r = 0; r < n && st == HPML_OK; r++) {
        if (isnan(dv[r]))
            st = missing_dim_key(dim, dim->cols[dc].name, r);
        else if (fabsf(dv[r]) >= KEY_EXACT_LIMIT)
            st = inexact_key(dim, dc, r);
        k[r] = (num_key){dv[r], (uint32_t)r};
    }
    if (st == HPML_OK)
        qsort(k, n, sizeof *k, cmp_num_key);
    for (size_t i = 1; i < n && st == HPML_OK; i++)
        if (k[i].v == k[i - 1].v) {
            char text[32];
            snprintf(text, sizeof text, "%.9g", (double)k[i].v);
            st = duplicate_key(dim, dim->cols[dc].name, text, k[i - 1].row, k[i].row);
        }
    for (size_t r = 0; r < fact->n_rows && st == HPML_OK; r++) {
        float v = fv[r];
        if (fabsf(v) >= KEY_EXACT_LIMIT) {
            st = inexact_key(fact, fc, r);
            break;
        }
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (k[mid].v < v)
                lo = mid + 1;
            else
                hi = mid;
        }
        idx[r] = !isnan(v) && lo < n && k[lo].v == v ? (int32_t)k[lo].row : -1;
    }
    hpml_free(k);
    return st;
}

/* The key of fact row r as text, for messages. */
static void key_text(const hpml_table *fact, int fc, size_t r, char *buf, size_t cap)
{
    const table_column *c = &fact->cols[fc];
    if (c->type == HPML_COL_NUMERIC) {
        float v = table_f32(fact, fc)[r];
        if (isnan(v))
            snprintf(buf, cap, "(missing)");
        else
            snprintf(buf, cap, "%.9g", (double)v);
    } else {
        int32_t code = table_i32(fact, fc)[r];
        if (code < 0)
            snprintf(buf, cap, "(missing)");
        else
            snprintf(buf, cap, "%.*s", (int)(c->dict.len[code] < 200 ? c->dict.len[code] : 200),
                     hpml_dict_str(&c->dict, code));
    }
}

/* Fact rows without a dimension row: fails under ON_MISSING_ERROR, naming
 * how many, the first line and its key. */
static hpml_status check_unjoined(const hpml_dataset *d, const dataset_join *j)
{
    const hpml_table *fact = d->t;
    size_t missing = 0, first = 0;
    for (size_t r = fact->n_rows; r-- > 0;)
        if (j->idx[r] < 0) {
            missing++;
            first = r;
        }
    if (!missing || d->on_missing != HPML_ON_MISSING_ERROR)
        return HPML_OK;
    char text[208];
    key_text(fact, j->key_col, first, text, sizeof text);
    return hpml_fail_at(HPML_ERR_DATA, fact->source, hpml_table_row_line(fact, first), 0,
                        "%zu row%s (of %zu) %s a %s with no row in %s (the first is on this line: "
                        "%s = '%s'); pass --on-missing drop to leave them out or --on-missing "
                        "nan to keep them with that table's features missing",
                        missing, missing == 1 ? "" : "s", fact->n_rows,
                        missing == 1 ? "has" : "have", j->key, j->table->source, j->key, text);
}

hpml_status dataset_link_joins(hpml_dataset *d, const hpml_join *joins, int n_joins,
                               hpml_on_missing on_missing)
{
    const hpml_table *fact = d->t;
    if (n_joins < 0 || (n_joins > 0 && !joins))
        return hpml_fail(HPML_ERR_ARG, "bad join list (%d joins)", n_joins);
    if (on_missing < HPML_ON_MISSING_ERROR || on_missing > HPML_ON_MISSING_NAN)
        return hpml_fail(HPML_ERR_ARG, "unknown on_missing %d", (int)on_missing);
    d->on_missing = on_missing;
    if (n_joins == 0)
        return HPML_OK;
    if (fact->n_rows > INT32_MAX)
        return hpml_fail(HPML_ERR_DATA, "%s: %zu rows: a joined fact table holds at most %d",
                         fact->source, fact->n_rows, INT32_MAX);
    if (!(d->joins = hpml_calloc((size_t)n_joins, sizeof *d->joins)))
        return HPML_ERR_NOMEM;
    d->n_joins = n_joins;
    for (int t = 0; t < n_joins; t++) {
        const hpml_join *in = &joins[t];
        dataset_join *j = &d->joins[t];
        if (!in->key || !in->table)
            return hpml_fail(HPML_ERR_ARG, "join %d: a key and a table are needed", t + 1);
        if (in->table->n_rows > INT32_MAX)
            return hpml_fail(HPML_ERR_DATA, "%s: too many rows for a joined table",
                             in->table->source);
        char name[256];
        if (in->name)
            snprintf(name, sizeof name, "%s", in->name);
        else
            dataset_table_name(in->table->source, name, sizeof name);
        j->table = in->table;
        j->name = hpml_strdup(name);
        j->key = hpml_strdup(in->key);
        j->table_key = hpml_strdup(in->table_key ? in->table_key : in->key);
        j->idx = hpml_big_alloc((fact->n_rows ? fact->n_rows : 1) * sizeof *j->idx);
        if (!j->name || !j->key || !j->table_key || !j->idx)
            return HPML_ERR_NOMEM;
        char role[300];
        snprintf(role, sizeof role, "the key of --join %s=%s", j->key, in->table->source);
        hpml_status st = dataset_find_column(fact, j->key, role, &j->key_col);
        if (st == HPML_OK)
            st = dataset_find_column(in->table, j->table_key, "the join key", &j->table_key_col);
        if (st != HPML_OK)
            return st;
        hpml_coltype ft = fact->cols[j->key_col].type, dt = in->table->cols[j->table_key_col].type;
        if (ft != dt)
            return hpml_fail(HPML_ERR_DATA, "key '%s' holds %s in %s but %s in %s: read both as "
                             "text (--categorical %s)", j->key,
                             ft == HPML_COL_NUMERIC ? "numbers" : "text", fact->source,
                             dt == HPML_COL_NUMERIC ? "numbers" : "text", in->table->source,
                             j->key);
        st = ft == HPML_COL_NUMERIC
                 ? link_numeric(fact, j->key_col, in->table, j->table_key_col, j->idx)
                 : link_text(fact, j->key_col, in->table, j->table_key_col, j->idx);
        if (st == HPML_OK)
            st = check_unjoined(d, j);
        if (st != HPML_OK)
            return st;
    }
    return HPML_OK;
}

int dataset_row_joined(const hpml_dataset *d, size_t r)
{
    for (int t = 0; t < d->n_joins; t++)
        if (d->joins[t].idx[r] < 0)
            return 0;
    return 1;
}

int hpml_dataset_n_joins(const hpml_dataset *d) { return d->n_joins; }
size_t hpml_dataset_n_unjoined(const hpml_dataset *d) { return d->n_unjoined; }

int hpml_dataset_feature_join(const hpml_dataset *d, int j)
{
    return d->feat_join && j >= 0 && j < d->n_features ? d->feat_join[j] : -1;
}

size_t hpml_dataset_join_n_rows(const hpml_dataset *d, int t)
{
    return t >= 0 && t < d->n_joins ? d->joins[t].table->n_rows : 0;
}

hpml_status hpml_dataset_join_rows(const hpml_dataset *d, int t, const uint32_t *rows, size_t n,
                                   int32_t *out)
{
    if (t < 0 || t >= d->n_joins)
        return hpml_fail(HPML_ERR_ARG, "join %d out of range (the dataset has %d)", t, d->n_joins);
    const int32_t *idx = d->joins[t].idx;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        if (r >= d->n_rows)
            return hpml_fail(HPML_ERR_ARG, "row %zu out of range (dataset has %zu rows)", r,
                             d->n_rows);
        out[i] = idx[d->rows ? d->rows[r] : r];
    }
    return HPML_OK;
}

hpml_status hpml_dataset_join_counts(const hpml_dataset *d, int t, const uint32_t *rows,
                                     size_t n, size_t *count)
{
    if (t < 0 || t >= d->n_joins)
        return hpml_fail(HPML_ERR_ARG, "join %d out of range (the dataset has %d)", t, d->n_joins);
    const int32_t *idx = d->joins[t].idx;
    const size_t nd = d->joins[t].table->n_rows;
    memset(count, 0, (nd + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        if (r >= d->n_rows)
            return hpml_fail(HPML_ERR_ARG, "row %zu out of range (dataset has %zu rows)", r,
                             d->n_rows);
        int32_t k = idx[d->rows ? d->rows[r] : r];
        count[k < 0 ? nd : (size_t)k]++;
    }
    return HPML_OK;
}

hpml_status hpml_dataset_gather_dim(const hpml_dataset *d, int j, const uint32_t *dim_rows,
                                    size_t n, float *out)
{
    int t = hpml_dataset_feature_join(d, j);
    if (t < 0)
        return hpml_fail(HPML_ERR_ARG, "feature %d is not a feature of a joined table", j);
    const hpml_table *dim = d->joins[t].table;
    const table_column *col = &dim->cols[d->feat_cols[j]];
    const int32_t *map = d->code_map ? d->code_map[j] : NULL;
    for (size_t i = 0; i < n; i++) {
        size_t r = dim_rows ? dim_rows[i] : i;
        if (r >= dim->n_rows)
            return hpml_fail(HPML_ERR_ARG, "row %zu out of range (%s has %zu rows)", r,
                             dim->source, dim->n_rows);
        out[i] = dataset_cell(col, map, r);
    }
    return HPML_OK;
}

/* A feature candidate of a star schema: its join (-1: the fact table), its
 * column there, and its final name. */
typedef struct cand {
    int join, col;
    char *name;     /* owned when qualified, else the column's name (borrowed) */
    int qualified;
    uint8_t keep;
} cand;

static const hpml_table *cand_table(const hpml_dataset *d, const cand *c)
{
    return c->join < 0 ? d->t : d->joins[c->join].table;
}

static const char *cand_column(const hpml_dataset *d, const cand *c)
{
    return cand_table(d, c)->cols[c->col].name;
}

static int is_key_or_target(const hpml_dataset *d, int join, int col)
{
    if (join >= 0)
        return col == d->joins[join].table_key_col;
    for (int k = 0; k < d->n_targets; k++)
        if (d->target_cols[k] == col)
            return 1;
    for (int t = 0; t < d->n_joins; t++)
        if (d->joins[t].key_col == col)
            return 1;
    return 0;
}

/* Marks the candidates named by `name` (a final name, or a column name meant
 * in every table holding it); returns how many matched. */
static int mark(const hpml_dataset *d, cand *c, int n, const char *name, uint8_t value)
{
    int hit = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(c[i].name, name) == 0) {
            c[i].keep = value;
            return 1;
        }
    for (int i = 0; i < n; i++)
        if (strcmp(cand_column(d, &c[i]), name) == 0) {
            c[i].keep = value;
            hit++;
        }
    return hit;
}

/* A name that is not a candidate: a target or key (fine to ignore), or a
 * failure with the closest name. */
static hpml_status unknown_name(const hpml_dataset *d, const cand *c, int n, const char *name,
                                const char *role, int ignoring)
{
    for (int i = 0; i < d->t->n_cols; i++)
        if (is_key_or_target(d, -1, i) && strcmp(d->t->cols[i].name, name) == 0)
            return ignoring ? HPML_OK
                            : hpml_fail(HPML_ERR_ARG, "'%s' is a target or a join key: it cannot "
                                        "also be a feature", name);
    for (int t = 0; t < d->n_joins; t++)
        if (strcmp(d->joins[t].table_key, name) == 0)
            return ignoring ? HPML_OK
                            : hpml_fail(HPML_ERR_ARG, "'%s' is a join key: it cannot also be a "
                                        "feature", name);
    const char **names = hpml_malloc_array((size_t)(n ? n : 1), sizeof *names);
    if (!names)
        return HPML_ERR_NOMEM;
    for (int i = 0; i < n; i++)
        names[i] = c[i].name;
    int k = hpml_closest_name(name, names, n);
    hpml_status st = hpml_fail(HPML_ERR_ARG, "no column named '%s' (%s) in %s or the joined "
                               "tables%s%s%s", name, role, d->t->source,
                               k >= 0 ? "; did you mean '" : "", k >= 0 ? names[k] : "",
                               k >= 0 ? "'?" : "");
    hpml_free(names);
    return st;
}

/* Candidates: the fact table's columns but targets and keys, then each
 * dimension table's but its key; names qualified "table.column" when the
 * column name is in two tables (as any column, key or target included). */
static hpml_status candidates(hpml_dataset *d, cand **out, int *n_out)
{
    int n = d->t->n_cols;
    for (int t = 0; t < d->n_joins; t++)
        n += d->joins[t].table->n_cols;
    cand *c = hpml_calloc((size_t)n, sizeof *c);
    hpml_dict names;
    hpml_dict_init(&names);
    int32_t *count = hpml_calloc((size_t)n, sizeof *count);
    hpml_status st = c && count ? HPML_OK : HPML_ERR_NOMEM;
    int m = 0;
    for (int t = -1; st == HPML_OK && t < d->n_joins; t++) {
        const hpml_table *tab = t < 0 ? d->t : d->joins[t].table;
        for (int col = 0; col < tab->n_cols; col++)
            if (!is_key_or_target(d, t, col))
                c[m++] = (cand){t, col, tab->cols[col].name, 0, 1};
    }
    /* every column counts, keys and targets too: a feature of a dimension
     * table named like the fact table's target or key is qualified */
    for (int t = -1; st == HPML_OK && t < d->n_joins; t++) {
        const hpml_table *tab = t < 0 ? d->t : d->joins[t].table;
        for (int col = 0; st == HPML_OK && col < tab->n_cols; col++) {
            int32_t code;
            const char *s = tab->cols[col].name;
            if ((st = hpml_dict_intern(&names, s, strlen(s), &code)) == HPML_OK)
                count[code]++;
        }
    }
    for (int i = 0; st == HPML_OK && i < m; i++) {
        const char *s = c[i].name;
        if (count[hpml_dict_find(&names, s, strlen(s))] < 2)
            continue;
        char table[256];
        if (c[i].join < 0)
            dataset_table_name(d->t->source, table, sizeof table);
        else
            snprintf(table, sizeof table, "%s", d->joins[c[i].join].name);
        size_t len = strlen(table) + strlen(s) + 2;
        char *q = hpml_malloc(len);
        if (!q) {
            st = HPML_ERR_NOMEM;
            break;
        }
        snprintf(q, len, "%s.%s", table, s);
        c[i].name = q;
        c[i].qualified = 1;
    }
    /* qualified names must differ too (two tables of one name would not) */
    hpml_dict_reset(&names);
    for (int i = 0; st == HPML_OK && i < m; i++) {
        int32_t before = names.n, code;
        if ((st = hpml_dict_intern(&names, c[i].name, strlen(c[i].name), &code)) == HPML_OK &&
            names.n == before) {
            const char *col = cand_column(d, &c[i]);
            st = hpml_fail(HPML_ERR_ARG, "two joined tables are both named '%.*s' and share the "
                           "column '%s': rename one of the files",
                           (int)(strlen(c[i].name) - strlen(col) - 1), c[i].name, col);
        }
    }
    hpml_dict_free(&names);
    hpml_free(count);
    *out = c;
    *n_out = m;
    return st;
}

/* Categorical feature j of a join: the categories its fact rows use, in
 * order of first use, into d->feat_dicts[j], and the table's codes mapped to
 * them (unused: -1) into d->code_map[j]. A materialised join (rows dropped
 * under ON_MISSING_DROP left out) would read exactly these codes, so a
 * learner sees the same data either way. */
static hpml_status join_categories(hpml_dataset *d, int j)
{
    const dataset_join *jn = &d->joins[d->feat_join[j]];
    const table_column *col = &jn->table->cols[d->feat_cols[j]];
    const int32_t *code = table_i32(jn->table, d->feat_cols[j]);
    const int drop = d->on_missing == HPML_ON_MISSING_DROP;
    int32_t *map = hpml_malloc_array((size_t)(col->dict.n ? col->dict.n : 1), sizeof *map);
    if (!map)
        return HPML_ERR_NOMEM;
    d->code_map[j] = map;
    for (int32_t c = 0; c < col->dict.n; c++)
        map[c] = -1;
    hpml_dict *dict = &d->feat_dicts[j];
    for (size_t r = 0; r < d->t->n_rows; r++) {
        int32_t dr = jn->idx[r], c = dr < 0 ? -1 : code[dr];
        if (c < 0 || map[c] >= 0 || (drop && !dataset_row_joined(d, r)))
            continue;
        hpml_status st = hpml_dict_intern(dict, hpml_dict_str(&col->dict, c), col->dict.len[c],
                                          &map[c]);
        if (st != HPML_OK)
            return st;
    }
    return HPML_OK;
}

/* The categories of every categorical feature of a join (join_categories). */
static hpml_status joined_categories(hpml_dataset *d)
{
    int any = 0;
    for (int j = 0; j < d->n_features; j++)
        any |= d->feat_join[j] >= 0 &&
               hpml_dataset_feature_type(d, j) == HPML_COL_CATEGORICAL;
    if (!any)
        return HPML_OK;
    size_t nf = (size_t)d->n_features;
    if (!(d->feat_dicts = hpml_calloc(nf, sizeof *d->feat_dicts)) ||
        !(d->code_map = hpml_calloc(nf, sizeof *d->code_map)))
        return HPML_ERR_NOMEM;
    for (int j = 0; j < d->n_features; j++)
        hpml_dict_init(&d->feat_dicts[j]);
    hpml_status st = HPML_OK;
    for (int j = 0; j < d->n_features && st == HPML_OK; j++)
        if (d->feat_join[j] >= 0 && hpml_dataset_feature_type(d, j) == HPML_COL_CATEGORICAL)
            st = join_categories(d, j);
    return st;
}

hpml_status dataset_joined_features(hpml_dataset *d, const hpml_dataset_spec *spec)
{
    cand *c = NULL;
    int n = 0;
    hpml_status st = candidates(d, &c, &n);
    if (st == HPML_OK && spec->features && spec->n_features > 0) {
        for (int i = 0; i < n; i++)
            c[i].keep = 0;
        for (int i = 0; i < spec->n_features && st == HPML_OK; i++)
            if (!mark(d, c, n, spec->features[i], 1))
                st = unknown_name(d, c, n, spec->features[i], "feature", 0);
    }
    for (int i = 0; i < spec->n_ignore && st == HPML_OK; i++)
        if (!mark(d, c, n, spec->ignore[i], 0))
            st = unknown_name(d, c, n, spec->ignore[i], "ignored", 1);
    int kept = 0;
    for (int i = 0; st == HPML_OK && i < n; i++)
        kept += c[i].keep;
    if (st == HPML_OK && kept == 0)
        st = hpml_fail(HPML_ERR_ARG, "%s and its joined tables: no feature columns left",
                       d->t->source);
    if (st == HPML_OK) {
        d->feat_cols = hpml_malloc_array((size_t)kept, sizeof *d->feat_cols);
        d->feat_join = hpml_malloc_array((size_t)kept, sizeof *d->feat_join);
        d->feat_names = hpml_calloc((size_t)kept, sizeof *d->feat_names);
        if (!d->feat_cols || !d->feat_join || !d->feat_names)
            st = HPML_ERR_NOMEM;
    }
    for (int i = 0; st == HPML_OK && i < n; i++) {
        if (!c[i].keep)
            continue;
        int j = d->n_features++;
        d->feat_cols[j] = c[i].col;
        d->feat_join[j] = c[i].join;
        if (c[i].qualified) { /* moved */
            d->feat_names[j] = c[i].name;
            c[i].qualified = 0;
        }
    }
    for (int i = 0; c && i < n; i++)
        if (c[i].qualified)
            hpml_free(c[i].name);
    hpml_free(c);
    return st == HPML_OK ? joined_categories(d) : st;
}
