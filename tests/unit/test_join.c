/* test_join.c — star-schema datasets (hpml_join): dimension tables linked to
 * the fact table through one index per fact row; values read through it
 * (hpml_dataset_gather) or once per dimension row (hpml_dataset_gather_dim);
 * text and numeric keys; duplicate, missing and unmatched keys under
 * --on-missing error|drop|nan; names qualified "table.column" on collision;
 * feature lists with joins; models that keep their joins (the JOINS section,
 * hpml_model_dataset_joined). The correctness test: a GBDT trained on the
 * star schema writes the same bytes, section by section, as one trained on
 * the materialised join (only JOINS is added), for threads 1 and 2, few
 * bins, categorical dimension features, column and row sampling,
 * min_samples_leaf, a validation set (another file, or rows of the same),
 * lossguide, binary and multiclass targets, unmatched keys kept (nan) or
 * dropped, and more rows than the binning sample; an MLP predicts the same
 * within 1e-5 relative. Numeric keys beyond 2^24 are refused. */
#include <stdarg.h>
#include <stdint.h>

#include "check.h"
#include "testdata.h"
#include "core/alloc.h"
#include "io/container.h"

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* CSV text read as a table whose source is `name` (e.g. "cells.csv"). */
static hpml_table *tbl(const char *csv, const char *name)
{
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.threads = 1;
    hpml_table *t = NULL;
    if (hpml_table_read_csv_buffer(csv, strlen(csv), name, &o, &t) != HPML_OK)
        fprintf(stderr, "read of %s failed: %s\n", name, hpml_last_error());
    return t;
}

static hpml_join jn(const char *key, const hpml_table *t)
{
    return (hpml_join){key, t, NULL, NULL};
}

/* A dataset of fact with target "y" and these joins; other fields default. */
static hpml_status ds_join(const hpml_table *fact, const hpml_join *j, int nj,
                           hpml_on_missing om, hpml_dataset **d)
{
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.joins = j;
    sp.n_joins = nj;
    sp.on_missing = om;
    return hpml_dataset_create(fact, &sp, d);
}

/* Feature j of d gathered over every row equals want[0..n) (NaN == NaN). */
static void check_feature(const hpml_dataset *d, int j, const float *want, size_t n)
{
    float got[64];
    CHECK(n <= 64 && hpml_dataset_n_rows(d) == n);
    if (n > 64 || hpml_dataset_n_rows(d) != n)
        return;
    CHECK_OK(hpml_dataset_gather(d, j, NULL, n, got));
    for (size_t i = 0; i < n; i++)
        if (!(got[i] == want[i] || (isnan(got[i]) && isnan(want[i])))) {
            fprintf(stderr, "  feature %d (%s) row %zu: %g, expected %g\n", j,
                    hpml_dataset_feature_name(d, j), i, (double)got[i], (double)want[i]);
            CHECK(!"gathered value");
        }
}

/* ------------------------------------------------------ linking, gather */

/* Dimension rows in another order than the fact rows use them, and a key
 * (c9) no fact row uses. */
static const char *fact1 = "id,cell,x,y\n"
                           "1,c2,0.5,10\n"
                           "2,c1,1.5,20\n"
                           "3,c3,2.5,30\n"
                           "4,c2,3.5,40\n"
                           "5,c1,4.5,50\n";
static const char *cells1 = "cell,a,b\n"
                            "c1,11,101\n"
                            "c9,99,999\n"
                            "c3,13,\n"
                            "c2,12,102\n";

static void test_link_and_gather(void)
{
    hpml_table *f = tbl(fact1, "resp.csv"), *c = tbl(cells1, "cells.csv");
    hpml_dataset *d = NULL;
    const char *ign[] = {"id"};
    hpml_join j = jn("cell", c);
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.ignore = ign;
    sp.n_ignore = 1;
    sp.joins = &j;
    sp.n_joins = 1;
    if (f && c)
        CHECK_OK(hpml_dataset_create(f, &sp, &d));
    if (!d)
        goto out;
    CHECK(hpml_dataset_n_joins(d) == 1 && hpml_dataset_n_unjoined(d) == 0);
    CHECK(hpml_dataset_n_features(d) == 3 && hpml_dataset_n_rows(d) == 5);
    CHECK(streq(hpml_dataset_feature_name(d, 0), "x"));
    CHECK(streq(hpml_dataset_feature_name(d, 1), "a"));
    CHECK(streq(hpml_dataset_feature_name(d, 2), "b"));
    CHECK(hpml_dataset_feature_join(d, 0) == -1);
    CHECK(hpml_dataset_feature_join(d, 1) == 0 && hpml_dataset_feature_join(d, 2) == 0);
    CHECK(hpml_dataset_feature_join(d, 3) == -1 && hpml_dataset_feature_join(d, -1) == -1);
    CHECK(hpml_dataset_join_n_rows(d, 0) == 4);
    CHECK(hpml_dataset_join_n_rows(d, 1) == 0 && hpml_dataset_join_n_rows(d, -1) == 0);
    const float a[] = {12, 11, 13, 12, 11}, b[] = {102, 101, NAN, 102, 101};
    const float x[] = {0.5f, 1.5f, 2.5f, 3.5f, 4.5f};
    check_feature(d, 0, x, 5);
    check_feature(d, 1, a, 5);
    check_feature(d, 2, b, 5);
    /* rows through the index: all, then a subset in any order */
    int32_t dim[5];
    CHECK_OK(hpml_dataset_join_rows(d, 0, NULL, 5, dim));
    CHECK(dim[0] == 3 && dim[1] == 0 && dim[2] == 2 && dim[3] == 3 && dim[4] == 0);
    const uint32_t some[] = {4, 2};
    CHECK_OK(hpml_dataset_join_rows(d, 0, some, 2, dim));
    CHECK(dim[0] == 0 && dim[1] == 2);
    /* rows per dimension row (and, last, without one) */
    size_t count[5];
    CHECK_OK(hpml_dataset_join_counts(d, 0, NULL, 5, count));
    CHECK(count[0] == 2 && count[1] == 0 && count[2] == 1 && count[3] == 2 && count[4] == 0);
    CHECK_OK(hpml_dataset_join_counts(d, 0, some, 2, count));
    CHECK(count[0] == 1 && count[1] == 0 && count[2] == 1 && count[3] == 0 && count[4] == 0);
    CHECK_FAILS(hpml_dataset_join_counts(d, 1, NULL, 5, count), HPML_ERR_ARG,
                "join 1 out of range");
    float g[4];
    CHECK_OK(hpml_dataset_gather(d, 1, some, 2, g));
    CHECK(g[0] == 11 && g[1] == 13);
    CHECK_FAILS(hpml_dataset_join_rows(d, 1, NULL, 5, dim), HPML_ERR_ARG, "join 1 out of range");
    const uint32_t bad_row[] = {5};
    CHECK_FAILS(hpml_dataset_join_rows(d, 0, bad_row, 1, dim), HPML_ERR_ARG, "row 5 out of range");
    /* once per dimension row, the unused one (c9) included */
    CHECK_OK(hpml_dataset_gather_dim(d, 1, NULL, 4, g));
    CHECK(g[0] == 11 && g[1] == 99 && g[2] == 13 && g[3] == 12);
    CHECK_OK(hpml_dataset_gather_dim(d, 2, NULL, 4, g));
    CHECK(g[0] == 101 && g[1] == 999 && isnan(g[2]) && g[3] == 102);
    const uint32_t drows[] = {3, 0};
    CHECK_OK(hpml_dataset_gather_dim(d, 2, drows, 2, g));
    CHECK(g[0] == 102 && g[1] == 101);
    const uint32_t bad_drow[] = {4};
    CHECK_FAILS(hpml_dataset_gather_dim(d, 1, bad_drow, 1, g), HPML_ERR_ARG, "cells.csv has 4 rows");
    CHECK_FAILS(hpml_dataset_gather_dim(d, 0, NULL, 1, g), HPML_ERR_ARG,
                "not a feature of a joined table");
    /* gather through join_rows + gather_dim == gather: what a factorised
     * learner relies on */
    CHECK_OK(hpml_dataset_join_rows(d, 0, NULL, 5, dim));
    for (int i = 0; i < 5; i++) {
        uint32_t r = (uint32_t)dim[i];
        float v;
        CHECK_OK(hpml_dataset_gather_dim(d, 1, &r, 1, &v));
        CHECK(v == a[i]);
    }
out:
    hpml_dataset_free(d);
    hpml_table_free(f);
    hpml_table_free(c);
}

/* Two tables on one key, a third on another; features in table order. */
static void test_several_tables(void)
{
    const char *fact = "cell,drug,dose,y\n"
                       "c1,d2,1,5\n"
                       "c2,d1,2,6\n"
                       "c1,d1,3,7\n";
    hpml_table *f = tbl(fact, "resp.csv");
    hpml_table *e = tbl("cell,g1,g2\nc2,0.2,2\nc1,0.1,1\n", "expr.csv");
    hpml_table *m = tbl("cell,mut\nc1,1\nc2,0\nc3,1\n", "mut.csv");
    hpml_table *dr = tbl("drug,mw\nd1,300\nd2,400\n", "drugs.csv");
    hpml_dataset *d = NULL;
    const hpml_join j[] = {jn("cell", e), jn("drug", dr), jn("cell", m)};
    if (f && e && m && dr)
        CHECK_OK(ds_join(f, j, 3, HPML_ON_MISSING_ERROR, &d));
    if (!d)
        goto out;
    CHECK(hpml_dataset_n_joins(d) == 3 && hpml_dataset_n_features(d) == 5);
    const char *names[] = {"dose", "g1", "g2", "mw", "mut"};
    const int joins[] = {-1, 0, 0, 1, 2};
    for (int k = 0; k < 5; k++) {
        CHECK(streq(hpml_dataset_feature_name(d, k), names[k]));
        CHECK(hpml_dataset_feature_join(d, k) == joins[k]);
    }
    const float g1[] = {0.1f, 0.2f, 0.1f}, mw[] = {400, 300, 300}, mut[] = {1, 0, 1};
    check_feature(d, 1, g1, 3);
    check_feature(d, 3, mw, 3);
    check_feature(d, 4, mut, 3);
    CHECK(hpml_dataset_join_n_rows(d, 2) == 3);
out:
    hpml_dataset_free(d);
    hpml_table_free(f);
    hpml_table_free(e);
    hpml_table_free(m);
    hpml_table_free(dr);
}

/* KEY=FILE:OTHER_KEY: the dimension table names its key differently; that
 * column is no feature either. */
static void test_table_key(void)
{
    hpml_table *f = tbl(fact1, "resp.csv");
    hpml_table *c = tbl("a,cell_name,b\n11,c1,101\n12,c2,102\n13,c3,103\n", "cells.csv");
    hpml_dataset *d = NULL;
    hpml_join j = {"cell", c, "cell_name", NULL};
    if (f && c)
        CHECK_OK(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d));
    if (d) {
        CHECK(hpml_dataset_n_features(d) == 4); /* id, x, a, b */
        CHECK(streq(hpml_dataset_feature_name(d, 2), "a"));
        CHECK(streq(hpml_dataset_feature_name(d, 3), "b"));
        const float b[] = {102, 101, 103, 102, 101};
        check_feature(d, 3, b, 5);
    }
    hpml_dataset_free(d);
    d = NULL;
    /* without the table key, "cell" is not in cells.csv */
    hpml_join j2 = jn("cell", c);
    CHECK_FAILS(ds_join(f, &j2, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                "cells.csv:1:1: no column named 'cell' (the join key) in the header");
    CHECK(d == NULL);
    /* a fact key that is not a column names the --join */
    hpml_join j3 = {"cel", c, "cell_name", NULL};
    CHECK_FAILS(ds_join(f, &j3, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                "resp.csv:1:1: no column named 'cel' (the key of --join cel=cells.csv) in the "
                "header; did you mean 'cell'?");
    hpml_table_free(f);
    hpml_table_free(c);
}

/* --------------------------------------------------------------- keys */

static void test_numeric_keys(void)
{
    hpml_table *f = tbl("k,x,y\n20,1,1\n10,2,2\n30,3,3\n10,4,4\n", "resp.csv");
    hpml_table *dm = tbl("k,v\n30,0.3\n10.0,0.1\n40,0.4\n20,0.2\n", "dim.csv");
    hpml_dataset *d = NULL;
    hpml_join j = jn("k", dm);
    if (f && dm)
        CHECK_OK(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d));
    if (d) {
        CHECK(hpml_dataset_n_features(d) == 2); /* x, v: the key is no feature */
        const float v[] = {0.2f, 0.1f, 0.3f, 0.1f};
        check_feature(d, 1, v, 4);
        int32_t dim[4];
        CHECK_OK(hpml_dataset_join_rows(d, 0, NULL, 4, dim));
        CHECK(dim[0] == 3 && dim[1] == 1 && dim[2] == 0 && dim[3] == 1);
    }
    hpml_dataset_free(d);
    d = NULL;
    /* identifiers beyond 2^24 cannot be told apart as floats (16777217
     * reads as 16777216): refused, on either side, rather than matched */
    hpml_table *big_dim = tbl("k,v\n10,1\n16777217,2\n", "big.csv");
    hpml_table *big_fact = tbl("k,x,y\n10,1,1\n16777216,2,2\n", "bigf.csv");
    hpml_join jb = jn("k", big_dim);
    if (big_dim)
        CHECK_FAILS(ds_join(f, &jb, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "big.csv:3: key 'k' = 16777216 is too large to match exactly");
    CHECK(strstr(hpml_last_error(), "--categorical k"));
    if (big_fact)
        CHECK_FAILS(ds_join(big_fact, &j, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "bigf.csv:3: key 'k' = 16777216");
    CHECK(d == NULL);
    /* as text they match exactly */
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    const char *cat[] = {"k"};
    hpml_coltype_hint hint[] = {HPML_HINT_CATEGORICAL};
    o.hint_names = cat;
    o.hints = hint;
    o.n_hints = 1;
    hpml_table *tf = NULL, *td = NULL;
    const char *ft = "k,x,y\n16777217,1,1\n16777216,2,2\n";
    const char *dt = "k,v\n16777216,6\n16777217,7\n";
    CHECK_OK(hpml_table_read_csv_buffer(ft, strlen(ft), "tf.csv", &o, &tf));
    CHECK_OK(hpml_table_read_csv_buffer(dt, strlen(dt), "td.csv", &o, &td));
    hpml_join jt = jn("k", td);
    if (tf && td)
        CHECK_OK(ds_join(tf, &jt, 1, HPML_ON_MISSING_ERROR, &d));
    if (d) {
        const float v[] = {7, 6};
        check_feature(d, 1, v, 2);
    }
    hpml_dataset_free(d);
    hpml_table_free(tf);
    hpml_table_free(td);
    hpml_table_free(big_dim);
    hpml_table_free(big_fact);
    hpml_table_free(f);
    hpml_table_free(dm);
}

static void test_key_kind_mismatch(void)
{
    hpml_table *f = tbl(fact1, "resp.csv");                        /* cell: text */
    hpml_table *dm = tbl("cell,a\n1,11\n2,12\n3,13\n", "cells.csv"); /* cell: numbers */
    hpml_dataset *d = NULL;
    hpml_join j = jn("cell", dm);
    if (f && dm)
        CHECK_FAILS(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "key 'cell' holds text in resp.csv but numbers in cells.csv: read both as "
                    "text (--categorical cell)");
    CHECK(d == NULL);
    hpml_table_free(f);
    hpml_table_free(dm);
}

static void test_duplicate_key(void)
{
    hpml_table *f = tbl(fact1, "resp.csv");
    hpml_table *dm = tbl("cell,a\nc1,1\nc2,2\nc3,3\nc2,4\n", "cells.csv");
    hpml_table *fn = tbl("k,x,y\n1,1,1\n", "f.csv");
    hpml_table *dn = tbl("k,v\n1,1\n2,2\n1.0,3\n", "dn.csv");
    hpml_dataset *d = NULL;
    hpml_join j = jn("cell", dm), jnum = jn("k", dn);
    if (f && dm)
        CHECK_FAILS(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "cells.csv:5: key 'cell' = 'c2' is also on line 3: a table joined on a key "
                    "needs one row per key");
    if (fn && dn) /* numbers: 1 and 1.0 are one key */
        CHECK_FAILS(ds_join(fn, &jnum, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "dn.csv:4: key 'k' = '1' is also on line 2");
    CHECK(d == NULL);
    hpml_table_free(f);
    hpml_table_free(dm);
    hpml_table_free(fn);
    hpml_table_free(dn);
}

static void test_missing_dim_key(void)
{
    hpml_table *f = tbl(fact1, "resp.csv");
    hpml_table *dm = tbl("cell,a\nc1,1\n,2\nc2,2\nc3,3\n", "cells.csv");
    hpml_table *fn = tbl("k,x,y\n1,1,1\n", "f.csv");
    hpml_table *dn = tbl("k,v\n1,1\n2,2\nNA,3\n", "dn.csv");
    hpml_dataset *d = NULL;
    hpml_join j = jn("cell", dm), jnum = jn("k", dn);
    if (f && dm)
        CHECK_FAILS(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "cells.csv:3: key 'cell' is missing: every row of a joined table needs its key");
    if (fn && dn)
        CHECK_FAILS(ds_join(fn, &jnum, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "dn.csv:4: key 'k' is missing");
    CHECK(d == NULL);
    hpml_table_free(f);
    hpml_table_free(dm);
    hpml_table_free(fn);
    hpml_table_free(dn);
}

/* ------------------------------------------------- unmatched fact rows */

/* Rows 2 and 5 (lines 3 and 6) have keys cells.csv lacks; row 4 (line 5)
 * has none at all. */
static const char *fact_unmatched = "cell,x,y\n"
                                    "c1,1,10\n"
                                    "cX,2,20\n"
                                    "c2,3,30\n"
                                    ",4,40\n"
                                    "cY,5,50\n"
                                    "c1,6,60\n";
static const char *cells2 = "cell,a\nc1,11\nc2,12\nc3,13\n";

static void test_unmatched_error(void)
{
    hpml_table *f = tbl(fact_unmatched, "resp.csv"), *c = tbl(cells2, "cells.csv");
    hpml_dataset *d = NULL;
    hpml_join j = jn("cell", c);
    if (f && c)
        CHECK_FAILS(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "resp.csv:3: 3 rows (of 6) have a cell with no row in cells.csv (the first "
                    "is on this line: cell = 'cX'); pass --on-missing drop");
    CHECK(d == NULL);
    /* one row, a missing key first */
    hpml_table *f1 = tbl("cell,x,y\nc1,1,1\n,2,2\nc2,3,3\n", "one.csv");
    if (f1 && c)
        CHECK_FAILS(ds_join(f1, &j, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "one.csv:3: 1 row (of 3) has a cell with no row in cells.csv (the first is "
                    "on this line: cell = '(missing)')");
    /* numeric keys say the number */
    hpml_table *fn = tbl("k,x,y\n1,1,1\n7.5,2,2\n", "fn.csv");
    hpml_table *dn = tbl("k,v\n1,1\n2,2\n", "dn.csv");
    hpml_join jnum = jn("k", dn);
    if (fn && dn)
        CHECK_FAILS(ds_join(fn, &jnum, 1, HPML_ON_MISSING_ERROR, &d), HPML_ERR_DATA,
                    "fn.csv:3: 1 row (of 2) has a k with no row in dn.csv (the first is on this "
                    "line: k = '7.5')");
    CHECK(d == NULL);
    hpml_table_free(fn);
    hpml_table_free(dn);
    hpml_table_free(f1);
    hpml_table_free(f);
    hpml_table_free(c);
}

static void test_unmatched_drop(void)
{
    /* row 3 also lacks its target: counted apart */
    const char *fact = "cell,x,y\n"
                       "c1,1,10\n"
                       "cX,2,20\n"
                       "c2,3,\n"
                       ",4,40\n"
                       "cY,5,50\n"
                       "c3,6,60\n"
                       "c1,7,70\n";
    hpml_table *f = tbl(fact, "resp.csv"), *c = tbl(cells2, "cells.csv");
    hpml_table *c2 = tbl("cell,b\nc1,1\nc3,3\n", "more.csv");
    hpml_dataset *d = NULL;
    hpml_join j[] = {jn("cell", c), jn("cell", c2)};
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.joins = j;
    sp.n_joins = 1;
    sp.on_missing = HPML_ON_MISSING_DROP;
    sp.drop_missing_target = 1;
    if (f && c)
        CHECK_OK(hpml_dataset_create(f, &sp, &d));
    if (d) {
        CHECK(hpml_dataset_n_rows(d) == 3);
        CHECK(hpml_dataset_n_unjoined(d) == 3 && hpml_dataset_n_dropped(d) == 1);
        CHECK(hpml_dataset_table_row(d, 0) == 0 && hpml_dataset_table_row(d, 1) == 5 &&
              hpml_dataset_table_row(d, 2) == 6);
        const float x[] = {1, 6, 7}, a[] = {11, 13, 11};
        check_feature(d, 0, x, 3);
        check_feature(d, 1, a, 3);
        const float *y = hpml_dataset_target(d);
        CHECK(y[0] == 10 && y[1] == 60 && y[2] == 70);
        int32_t dim[3];
        CHECK_OK(hpml_dataset_join_rows(d, 0, NULL, 3, dim));
        CHECK(dim[0] == 0 && dim[1] == 2 && dim[2] == 0);
    }
    hpml_dataset_free(d);
    d = NULL;
    /* a row must match every table: more.csv lacks c2 too (row 3, whose
     * target is missing: counted there) */
    sp.n_joins = 2;
    if (f && c && c2)
        CHECK_OK(hpml_dataset_create(f, &sp, &d));
    if (d) {
        CHECK(hpml_dataset_n_rows(d) == 3 && hpml_dataset_n_unjoined(d) == 3);
        const float b[] = {1, 3, 1};
        check_feature(d, 2, b, 3);
    }
    hpml_dataset_free(d);
    d = NULL;
    /* nothing left */
    hpml_table *none = tbl("cell,x,y\ncX,1,1\ncY,2,2\n", "none.csv");
    sp.n_joins = 1;
    if (none)
        CHECK_FAILS(hpml_dataset_create(none, &sp, &d), HPML_ERR_DATA, "no row is left");
    CHECK(d == NULL);
    hpml_table_free(none);
    hpml_table_free(f);
    hpml_table_free(c);
    hpml_table_free(c2);
}

static void test_unmatched_nan(void)
{
    hpml_table *f = tbl(fact_unmatched, "resp.csv"), *c = tbl(cells2, "cells.csv");
    hpml_dataset *d = NULL;
    hpml_join j = jn("cell", c);
    if (f && c)
        CHECK_OK(ds_join(f, &j, 1, HPML_ON_MISSING_NAN, &d));
    if (d) {
        CHECK(hpml_dataset_n_rows(d) == 6 && hpml_dataset_n_unjoined(d) == 0);
        const float a[] = {11, NAN, 12, NAN, NAN, 11};
        check_feature(d, 1, a, 6);
        int32_t dim[6];
        CHECK_OK(hpml_dataset_join_rows(d, 0, NULL, 6, dim));
        CHECK(dim[0] == 0 && dim[1] == -1 && dim[2] == 1 && dim[3] == -1 && dim[4] == -1 &&
              dim[5] == 0);
        size_t count[8]; /* cells2's rows, then the rows without one */
        size_t nd = hpml_dataset_join_n_rows(d, 0);
        CHECK(nd < 8);
        CHECK_OK(hpml_dataset_join_counts(d, 0, NULL, 6, count));
        CHECK(count[0] == 2 && count[1] == 1 && count[nd] == 3);
    }
    hpml_dataset_free(d);
    hpml_table_free(f);
    hpml_table_free(c);
}

/* ------------------------------------------------------------- names */

static void test_name_collisions(void)
{
    /* "x" in the fact table and in cells.csv; "g" in both cell tables;
     * "mw" only in drugs.csv */
    const char *fact = "cell,drug,x,y\nc1,d1,1,1\nc2,d1,2,2\n";
    hpml_table *f = tbl(fact, "data/resp.csv.gz");
    hpml_table *e = tbl("cell,g,x\nc1,1,10\nc2,2,20\n", "/tmp/expr.tsv");
    hpml_table *m = tbl("cell,g\nc1,5\nc2,6\n", "mut.csv");
    hpml_table *dr = tbl("drug,mw\nd1,300\n", "drugs.csv");
    hpml_dataset *d = NULL;
    const hpml_join j[] = {jn("cell", e), jn("cell", m), jn("drug", dr)};
    if (f && e && m && dr)
        CHECK_OK(ds_join(f, j, 3, HPML_ON_MISSING_ERROR, &d));
    if (d) {
        const char *names[] = {"resp.x", "expr.g", "expr.x", "mut.g", "mw"};
        CHECK(hpml_dataset_n_features(d) == 5);
        for (int k = 0; k < 5; k++)
            CHECK(streq(hpml_dataset_feature_name(d, k), names[k]));
        const float gm[] = {5, 6}, ex[] = {10, 20}, fx[] = {1, 2};
        check_feature(d, 0, fx, 2);
        check_feature(d, 2, ex, 2);
        check_feature(d, 3, gm, 2);
    }
    hpml_dataset_free(d);
    d = NULL;
    /* an explicit name wins over the file's */
    hpml_join jx[] = {{"cell", e, NULL, "E"}, {"cell", m, NULL, "M"}};
    if (f && e && m)
        CHECK_OK(ds_join(f, jx, 2, HPML_ON_MISSING_ERROR, &d));
    if (d) {
        /* only cell is joined here: drug is a feature of the fact table */
        CHECK(hpml_dataset_n_features(d) == 5);
        CHECK(streq(hpml_dataset_feature_name(d, 0), "drug"));
        CHECK(streq(hpml_dataset_feature_name(d, 1), "resp.x"));
        CHECK(streq(hpml_dataset_feature_name(d, 2), "E.g"));
        CHECK(streq(hpml_dataset_feature_name(d, 4), "M.g"));
    }
    hpml_dataset_free(d);
    d = NULL;
    /* a feature named like the fact table's target or key is qualified too */
    hpml_table *odd = tbl("drug,y,cell,mw\nd1,5,c9,300\n", "odd.csv");
    const hpml_join jy[] = {jn("drug", odd)};
    if (f && odd)
        CHECK_OK(ds_join(f, jy, 1, HPML_ON_MISSING_ERROR, &d));
    if (d) {
        const char *names[] = {"resp.cell", "x", "odd.y", "odd.cell", "mw"};
        CHECK(hpml_dataset_n_features(d) == 5);
        for (int k = 0; k < 5 && k < hpml_dataset_n_features(d); k++)
            CHECK(streq(hpml_dataset_feature_name(d, k), names[k]));
    }
    hpml_dataset_free(d);
    d = NULL;
    hpml_table_free(odd);
    /* two tables of one name sharing a column cannot be told apart */
    hpml_table *m2 = tbl("cell,g\nc1,7\nc2,8\n", "other/mut.csv");
    const hpml_join jd[] = {jn("cell", m), jn("cell", m2)};
    if (f && m && m2)
        CHECK_FAILS(ds_join(f, jd, 2, HPML_ON_MISSING_ERROR, &d), HPML_ERR_ARG,
                    "two joined tables are both named 'mut' and share the column 'g'");
    CHECK(d == NULL);
    hpml_table_free(m2);
    hpml_table_free(f);
    hpml_table_free(e);
    hpml_table_free(m);
    hpml_table_free(dr);
}

/* --features / --ignore take final names; a plain column name stands for
 * that column in every table; keys and targets never are features. */
static void test_feature_lists(void)
{
    const char *fact = "cell,x,z,y\nc1,1,0,1\nc2,2,0,2\n";
    hpml_table *f = tbl(fact, "resp.csv");
    hpml_table *e = tbl("cell,g,x,h\nc1,1,10,7\nc2,2,20,8\n", "expr.csv");
    hpml_table *m = tbl("cell,g\nc1,5\nc2,6\n", "mut.csv");
    hpml_dataset *d = NULL;
    const hpml_join j[] = {jn("cell", e), jn("cell", m)};
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.joins = j;
    sp.n_joins = 2;
    /* a final name picks one column; a plain one every table's; the order
     * is the tables' whatever the list's */
    const char *feats[] = {"g", "expr.x", "z"};
    sp.features = feats;
    sp.n_features = 3;
    if (f && e && m)
        CHECK_OK(hpml_dataset_create(f, &sp, &d));
    if (d) {
        const char *names[] = {"z", "expr.g", "expr.x", "mut.g"};
        CHECK(hpml_dataset_n_features(d) == 4);
        for (int k = 0; k < 4 && k < hpml_dataset_n_features(d); k++)
            CHECK(streq(hpml_dataset_feature_name(d, k), names[k]));
    }
    hpml_dataset_free(d);
    d = NULL;
    /* ignore: a plain name drops it everywhere, a final name one column;
     * ignoring keys and the target is allowed */
    const char *ign[] = {"g", "resp.x", "cell", "y"};
    sp.features = NULL;
    sp.n_features = 0;
    sp.ignore = ign;
    sp.n_ignore = 4;
    if (f && e && m)
        CHECK_OK(hpml_dataset_create(f, &sp, &d));
    if (d) {
        const char *names[] = {"z", "expr.x", "h"};
        CHECK(hpml_dataset_n_features(d) == 3);
        for (int k = 0; k < 3 && k < hpml_dataset_n_features(d); k++)
            CHECK(streq(hpml_dataset_feature_name(d, k), names[k]));
        const float h[] = {7, 8};
        check_feature(d, 2, h, 2);
    }
    hpml_dataset_free(d);
    d = NULL;
    sp.ignore = NULL;
    sp.n_ignore = 0;
    /* unknown names, keys and targets as features */
    const char *unknown[] = {"expr.gg"};
    sp.features = unknown;
    sp.n_features = 1;
    CHECK_FAILS(hpml_dataset_create(f, &sp, &d), HPML_ERR_ARG,
                "no column named 'expr.gg' (feature) in resp.csv or the joined tables; did you "
                "mean 'expr.g'?");
    const char *key[] = {"cell"};
    sp.features = key;
    CHECK_FAILS(hpml_dataset_create(f, &sp, &d), HPML_ERR_ARG,
                "'cell' is a target or a join key: it cannot also be a feature");
    const char *target[] = {"y"};
    sp.features = target;
    CHECK_FAILS(hpml_dataset_create(f, &sp, &d), HPML_ERR_ARG, "'y' is a target or a join key");
    sp.features = NULL;
    sp.n_features = 0;
    const char *ign_unknown[] = {"nope"};
    sp.ignore = ign_unknown;
    sp.n_ignore = 1;
    CHECK_FAILS(hpml_dataset_create(f, &sp, &d), HPML_ERR_ARG, "no column named 'nope' (ignored)");
    /* everything ignored */
    const char *all[] = {"x", "z", "g", "h"};
    sp.ignore = all;
    sp.n_ignore = 4;
    CHECK_FAILS(hpml_dataset_create(f, &sp, &d), HPML_ERR_ARG, "no feature columns left");
    CHECK(d == NULL);
    hpml_table_free(f);
    hpml_table_free(e);
    hpml_table_free(m);
}

/* Bad arguments fail cleanly. */
static void test_bad_join_args(void)
{
    hpml_table *f = tbl(fact1, "resp.csv"), *c = tbl(cells1, "cells.csv");
    hpml_dataset *d = NULL;
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.n_joins = 1; /* and no array */
    CHECK_FAILS(hpml_dataset_create(f, &sp, &d), HPML_ERR_ARG, "bad join list");
    hpml_join j = {NULL, c, NULL, NULL};
    sp.joins = &j;
    CHECK_FAILS(hpml_dataset_create(f, &sp, &d), HPML_ERR_ARG, "join 1: a key and a table");
    j.key = "cell";
    sp.on_missing = (hpml_on_missing)7;
    CHECK_FAILS(hpml_dataset_create(f, &sp, &d), HPML_ERR_ARG, "unknown on_missing 7");
    CHECK(d == NULL);
    hpml_table_free(f);
    hpml_table_free(c);
}

/* Every allocation of a joined dataset may fail: a clean NOMEM, no leak
 * (ASan), and success once allocations are left alone. */
static void test_alloc_failures(void)
{
    hpml_table *f = tbl("cell,x,y\nc1,1,1\ncX,2,\nc2,3,3\n", "resp.csv");
    hpml_table *c = tbl("cell,lin,a\nc2,p,2\nc1,q,1\n", "cells.csv");
    hpml_table *c2 = tbl("cell,a\nc2,2\nc1,1\n", "more.csv");
    hpml_join j[] = {jn("cell", c), jn("cell", c2)};
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.joins = j;
    sp.n_joins = 2;
    sp.on_missing = HPML_ON_MISSING_DROP;
    sp.drop_missing_target = 1;
    int saw_ok = 0, n_fail = 0;
    for (long k = 0; k < 200 && !saw_ok && f && c && c2; k++) {
        hpml_dataset *d = (hpml_dataset *)&sp;
        hpml_test_fail_alloc(k, 0);
        hpml_status s = hpml_dataset_create(f, &sp, &d);
        hpml_test_fail_alloc(-1, 0);
        if (s == HPML_OK) {
            saw_ok = 1;
            CHECK(hpml_dataset_n_features(d) == 4 && hpml_dataset_n_rows(d) == 2);
            CHECK(streq(hpml_dataset_feature_name(d, 3), "more.a"));
            hpml_dataset_free(d);
        } else {
            n_fail++;
            CHECK(s == HPML_ERR_NOMEM && d == NULL);
        }
    }
    CHECK(saw_ok && n_fail >= 10);
    hpml_table_free(f);
    hpml_table_free(c);
    hpml_table_free(c2);
}

/* ------------------------------------------- star schema vs materialised */

/* A growing string. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (k >= 0 && b->s && b->len + (size_t)k < b->cap) {
            b->len += (size_t)k;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)(k > 0 ? k : 0);
        char *s = realloc(b->s, cap);
        if (!s)
            abort();
        b->s = s;
        b->cap = cap;
    }
}

#define N_CELLS 60      /* used by the fact rows; the table has 5 more */
#define N_CELL_ROWS 65
#define N_DRUGS 40      /* and 3 more */
#define N_DRUG_ROWS 43
#define N_GENES 6
#define N_DESC 4

/* A drug-response star schema as CSV text: resp (cell, drug, dose, batch,
 * site, and the targets y, yb, yc: regression, binary, three classes), cells (cell, lineage, g1..g6, batch, score) and drugs (drug,
 * d1..d4, score, family) — lineage and family categorical, rows of both
 * shuffled so their order is not the order of first use; "batch" and
 * "score" collide (resp.batch, cells.batch, cells.score, drugs.score) — and
 * the same rows materialised, with the same text for every value, columns
 * in the star's feature order. `unmatched`: that many fact rows have a cell
 * the table lacks (their cell columns empty in the materialised text, or
 * left out when `inner`). */
typedef struct star_text {
    sbuf resp, cells, drugs, joined;
} star_text;

static void star_text_free(star_text *s)
{
    free(s->resp.s);
    free(s->cells.s);
    free(s->drugs.s);
    free(s->joined.s);
    memset(s, 0, sizeof *s);
}

static void star_make(star_text *st, size_t n, uint64_t seed, int unmatched, int inner)
{
    memset(st, 0, sizeof *st);
    static char cellf[N_CELL_ROWS][N_GENES + 3][24], drugf[N_DRUG_ROWS][N_DESC + 2][24];
    static double cell_eff[N_CELL_ROWS], drug_eff[N_DRUG_ROWS];
    int cell_perm[N_CELL_ROWS], drug_perm[N_DRUG_ROWS]; /* table row -> cell/drug number */
    for (int i = 0; i < N_CELL_ROWS; i++)
        cell_perm[i] = i;
    for (int i = 0; i < N_DRUG_ROWS; i++)
        drug_perm[i] = i;
    lcg_state = 12345; /* the dimension tables do not depend on seed */
    for (int i = N_CELL_ROWS - 1; i > 0; i--) {
        int k = (int)(unif() * (i + 1)), t = cell_perm[i];
        cell_perm[i] = cell_perm[k];
        cell_perm[k] = t;
    }
    for (int i = N_DRUG_ROWS - 1; i > 0; i--) {
        int k = (int)(unif() * (i + 1)), t = drug_perm[i];
        drug_perm[i] = drug_perm[k];
        drug_perm[k] = t;
    }
    for (int c = 0; c < N_CELL_ROWS; c++) { /* by cell number */
        int lin = (int)(unif() * 6);
        double e = 0.8 * (lin - 2.5);
        if (unif() < 0.05)
            snprintf(cellf[c][0], 24, "%s", "");
        else
            snprintf(cellf[c][0], 24, "L%c", "QMAZKB"[lin]);
        for (int g = 0; g < N_GENES; g++) {
            double v = gauss();
            e += g < 3 ? (g + 1) * 0.5 * v : 0;
            if (unif() < 0.04)
                cellf[c][1 + g][0] = 0;
            else
                snprintf(cellf[c][1 + g], 24, "%.4g", v);
        }
        snprintf(cellf[c][N_GENES + 1], 24, "%d", (int)(unif() * 4));
        snprintf(cellf[c][N_GENES + 2], 24, "%.3g", unif() * 10);
        cell_eff[c] = e;
    }
    for (int dg = 0; dg < N_DRUG_ROWS; dg++) {
        double e = 0;
        for (int k = 0; k < N_DESC; k++) {
            double v = gauss() * 50 + 300;
            e += k == 0 ? (v - 300) / 25 : 0;
            snprintf(drugf[dg][k], 24, "%.5g", v);
        }
        snprintf(drugf[dg][N_DESC], 24, "%.3g", unif() * 10);
        int fam = (int)(unif() * 4);
        snprintf(drugf[dg][N_DESC + 1], 24, "F%c", "wxyz"[fam]);
        drug_eff[dg] = e + (fam == 2 ? 1.5 : fam == 0 ? -1.0 : 0.0);
    }
    sb_printf(&st->cells, "cell,lineage");
    for (int g = 0; g < N_GENES; g++)
        sb_printf(&st->cells, ",g%d", g + 1);
    sb_printf(&st->cells, ",batch,score\n");
    for (int r = 0; r < N_CELL_ROWS; r++) {
        int c = cell_perm[r];
        sb_printf(&st->cells, "cell_%03d", c);
        for (int k = 0; k < N_GENES + 3; k++)
            sb_printf(&st->cells, ",%s", cellf[c][k]);
        sb_printf(&st->cells, "\n");
    }
    sb_printf(&st->drugs, "drug");
    for (int k = 0; k < N_DESC; k++)
        sb_printf(&st->drugs, ",d%d", k + 1);
    sb_printf(&st->drugs, ",score,family\n");
    for (int r = 0; r < N_DRUG_ROWS; r++) {
        int dg = drug_perm[r];
        sb_printf(&st->drugs, "drug_%03d", dg);
        for (int k = 0; k < N_DESC + 2; k++)
            sb_printf(&st->drugs, ",%s", drugf[dg][k]);
        sb_printf(&st->drugs, "\n");
    }
    /* cells and drugs the fact rows use: numbers 0..N_CELLS-1 and
     * 0..N_DRUGS-1; the rest of each table is never used */
    sb_printf(&st->resp, "cell,drug,dose,batch,site,y,yb,yc\n");
    sb_printf(&st->joined, "cell,drug,dose,resp.batch,site,y,yb,yc,lineage");
    for (int g = 0; g < N_GENES; g++)
        sb_printf(&st->joined, ",g%d", g + 1);
    sb_printf(&st->joined, ",cells.batch,cells.score");
    for (int k = 0; k < N_DESC; k++)
        sb_printf(&st->joined, ",d%d", k + 1);
    sb_printf(&st->joined, ",drugs.score,family\n");
    lcg_state = seed * 7919 + 17;
    for (size_t i = 0; i < n; i++) {
        int c = (int)(unif() * N_CELLS), dg = (int)(unif() * N_DRUGS);
        int miss = unmatched > 0 && i % 97 == 13 && (int)(i / 97) < unmatched;
        double dose = unif() * 4, noise = 0.3 * gauss();
        int site = (int)(unif() * 3), batch = (int)(unif() * 3);
        double y = cell_eff[c] + drug_eff[dg] + 0.7 * dose + 0.5 * cell_eff[c] * (dg % 3 - 1) +
                   noise;
        char cell[16];
        if (miss)
            snprintf(cell, sizeof cell, "cell_x%02d", (int)(i % 7));
        else
            snprintf(cell, sizeof cell, "cell_%03d", c);
        char fact_row[160];
        snprintf(fact_row, sizeof fact_row, "%s,drug_%03d,%.3g,%d,%c,%.4g,%d,%s", cell, dg, dose,
                 batch, "pqr"[site], y, y > 0.5, y < -0.5 ? "lo" : y < 1.5 ? "mid" : "hi");
        sb_printf(&st->resp, "%s\n", fact_row);
        if (miss && inner)
            continue;
        sb_printf(&st->joined, "%s", fact_row);
        for (int k = 0; k < N_GENES + 3; k++)
            sb_printf(&st->joined, ",%s", miss ? "" : cellf[c][k]);
        for (int k = 0; k < N_DESC + 2; k++)
            sb_printf(&st->joined, ",%s", drugf[dg][k]);
        sb_printf(&st->joined, "\n");
    }
}

/* The four tables of a star_text. */
typedef struct star_tables {
    hpml_table *resp, *cells, *drugs, *joined;
} star_tables;

static int star_read(const star_text *s, star_tables *t)
{
    memset(t, 0, sizeof *t);
    t->resp = tbl(s->resp.s, "resp.csv");
    t->cells = tbl(s->cells.s, "cells.csv");
    t->drugs = tbl(s->drugs.s, "drugs.csv");
    t->joined = tbl(s->joined.s, "joined.csv");
    return t->resp && t->cells && t->drugs && t->joined;
}

static void star_tables_free(star_tables *t)
{
    hpml_table_free(t->resp);
    hpml_table_free(t->cells);
    hpml_table_free(t->drugs);
    hpml_table_free(t->joined);
}

/* The star dataset (joins on cell and drug) and the materialised one (keys
 * ignored), target `target` (the other targets ignored). */
static hpml_status star_datasets(const star_tables *t, const char *target, hpml_on_missing om,
                                 hpml_dataset **star, hpml_dataset **mat)
{
    const char *ign[4] = {"cell", "drug"};
    int ni = 2;
    static const char *targets[] = {"y", "yb", "yc"};
    for (int k = 0; k < 3; k++)
        if (strcmp(targets[k], target))
            ign[ni++] = targets[k];
    hpml_join j[] = {jn("cell", t->cells), jn("drug", t->drugs)};
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = target;
    sp.ignore = ign + 2;
    sp.n_ignore = ni - 2;
    sp.joins = j;
    sp.n_joins = 2;
    sp.on_missing = om;
    hpml_status s = hpml_dataset_create(t->resp, &sp, star);
    if (s != HPML_OK)
        return s;
    hpml_dataset_spec_init(&sp);
    sp.target = target;
    sp.ignore = ign;
    sp.n_ignore = ni;
    return hpml_dataset_create(t->joined, &sp, mat);
}

/* The model files of a (star) and b (materialised) hold the same sections
 * with the same bytes, but for a's "JOINS", its last. */
static void check_same_sections(const hpml_model *a, const hpml_model *b, const char *label)
{
    char pa[128], pb[128];
    snprintf(pa, sizeof pa, "%s", tmp_path("star.hpml"));
    snprintf(pb, sizeof pb, "%s", tmp_path("mat.hpml"));
    CHECK_OK(hpml_model_save(a, pa));
    CHECK_OK(hpml_model_save(b, pb));
    container ca, cb;
    memset(&ca, 0, sizeof ca);
    memset(&cb, 0, sizeof cb);
    CHECK_OK(container_read(pa, &ca));
    CHECK_OK(container_read(pb, &cb));
    int ok = ca.n_sections == cb.n_sections + 1 && ca.n_sections > 0 &&
             strcmp(ca.sections[ca.n_sections - 1].tag, "JOINS") == 0 &&
             !container_find(&cb, "JOINS");
    if (!ok)
        fprintf(stderr, "  %s: %d sections (last '%s') vs %d\n", label, ca.n_sections,
                ca.n_sections ? ca.sections[ca.n_sections - 1].tag : "", cb.n_sections);
    CHECK(ok);
    for (int i = 0; i < cb.n_sections && i < ca.n_sections; i++) {
        const container_section *x = &ca.sections[i], *y = &cb.sections[i];
        if (strcmp(x->tag, y->tag) || x->size != y->size || memcmp(x->data, y->data, x->size)) {
            fprintf(stderr, "  %s: section %d '%s' (%zu bytes) differs from '%s' (%zu bytes)\n",
                    label, i, x->tag, x->size, y->tag, y->size);
            CHECK(!"section bytes");
        }
    }
    container_free(&ca);
    container_free(&cb);
}

/* a predicting its dataset da gives exactly what b gives on db. */
static void check_same_predictions(const hpml_model *a, const hpml_dataset *da,
                                   const hpml_model *b, const hpml_dataset *db, double rel)
{
    size_t n = hpml_dataset_n_rows(da), k = (size_t)hpml_model_n_outputs(a);
    CHECK(n == hpml_dataset_n_rows(db) && n > 0);
    CHECK(hpml_model_n_outputs(b) == (int)k);
    if (n != hpml_dataset_n_rows(db) || n == 0 || hpml_model_n_outputs(b) != (int)k)
        return;
    float *pa = malloc(n * k * sizeof *pa), *pb = malloc(n * k * sizeof *pb);
    CHECK_OK(hpml_model_predict_dataset(a, da, NULL, n, pa));
    CHECK_OK(hpml_model_predict_dataset(b, db, NULL, n, pb));
    /* relative to each value, but a value near 0 at the scale of them all
     * (its root mean square): float sums in another order differ by a few
     * ulps of the largest terms, not of the result */
    double rms = 0;
    for (size_t i = 0; i < n * k; i++)
        rms += (double)pb[i] * (double)pb[i];
    rms = sqrt(rms / (double)(n * k));
    size_t bad = 0;
    for (size_t i = 0; i < n * k; i++) {
        double d = fabs((double)pa[i] - (double)pb[i]);
        if (rel == 0 ? pa[i] != pb[i] : d > rel * fmax(fabs((double)pb[i]), rms)) {
            if (bad++ < 3)
                fprintf(stderr, "  prediction %zu: %.9g vs %.9g\n", i, (double)pa[i],
                        (double)pb[i]);
        }
    }
    CHECK(bad == 0);
    free(pa);
    free(pb);
}

/* Splits on dimension features: total split counts of the cell table's,
 * the drug table's and of the categorical "lineage". */
static void dim_splits(const hpml_model *m, const hpml_dataset *d, double *cells, double *drugs,
                       double *lineage)
{
    int nf = hpml_model_n_features(m);
    double *imp = calloc((size_t)nf, sizeof *imp);
    *cells = *drugs = *lineage = 0;
    CHECK_OK(hpml_model_importance(m, HPML_IMPORTANCE_SPLITS, imp));
    for (int j = 0; j < nf; j++) {
        int t = hpml_dataset_feature_join(d, j);
        *cells += t == 0 ? imp[j] : 0;
        *drugs += t == 1 ? imp[j] : 0;
        if (streq(hpml_model_feature_name(m, j), "lineage"))
            *lineage += imp[j];
    }
    free(imp);
}

/* One configuration of the equality test: train on the star schema and on
 * the materialised join, compare the files and the predictions. With
 * `valid`, the validation rows are another draw laid out like each; with
 * `subset`, the training rows are three in four of the dataset and the
 * validation rows the rest (as --valid-size does). */
typedef struct eq_case {
    const char *label;
    const char *target;
    hpml_on_missing on_missing;
    int unmatched;           /* fact rows whose cell the cell table lacks */
    int valid, subset;
    int threads;
    size_t n_rows;           /* fact rows (0: 3000) */
    const char *params[10];  /* name, value pairs after the defaults; NULL-terminated */
} eq_case;

static void run_equal_case(const eq_case *ec)
{
    star_text txt, vtxt;
    star_tables t, vt;
    memset(&vt, 0, sizeof vt);
    memset(&vtxt, 0, sizeof vtxt);
    const int inner = ec->on_missing == HPML_ON_MISSING_DROP;
    star_make(&txt, ec->n_rows ? ec->n_rows : 3000, 1, ec->unmatched, inner);
    hpml_dataset *ds = NULL, *dm = NULL, *vs = NULL, *vm = NULL;
    hpml_model *ms = NULL, *mm = NULL;
    uint32_t *train = NULL, *valid = NULL;
    if (!star_read(&txt, &t))
        goto out;
    CHECK_OK(star_datasets(&t, ec->target, ec->on_missing, &ds, &dm));
    if (!ds || !dm)
        goto out;
    CHECK(hpml_dataset_n_features(ds) == hpml_dataset_n_features(dm));
    CHECK(hpml_dataset_n_features(ds) == 3 + N_GENES + 3 + N_DESC + 2);
    CHECK(hpml_dataset_n_rows(ds) == hpml_dataset_n_rows(dm));
    CHECK(hpml_dataset_n_unjoined(ds) == (inner ? (size_t)ec->unmatched : 0));
    CHECK(hpml_dataset_n_classes(ds) == hpml_dataset_n_classes(dm));
    for (int j = 0; j < hpml_dataset_n_features(ds); j++) {
        CHECK(streq(hpml_dataset_feature_name(ds, j), hpml_dataset_feature_name(dm, j)));
        CHECK(hpml_dataset_feature_type(ds, j) == hpml_dataset_feature_type(dm, j));
        CHECK(hpml_dataset_feature_n_categories(ds, j) == hpml_dataset_feature_n_categories(dm, j));
    }
    size_t n = hpml_dataset_n_rows(ds), n_train = 0, n_valid = 0;
    if (ec->subset) {
        train = malloc(n * sizeof *train);
        valid = malloc(n * sizeof *valid);
        for (size_t i = 0; i < n; i++) {
            if (i % 4 == 1)
                valid[n_valid++] = (uint32_t)i;
            else
                train[n_train++] = (uint32_t)i;
        }
        vs = ds; /* borrowed: the training datasets */
        vm = dm;
    }
    if (ec->valid) {
        star_make(&vtxt, 800, 2, 0, 0);
        if (!star_read(&vtxt, &vt))
            goto out;
        hpml_join j[] = {jn("cell", vt.cells), jn("drug", vt.drugs)};
        CHECK_OK(hpml_dataset_create_like_joined(ds, vt.resp, j, 2, HPML_ON_MISSING_ERROR, 1, &vs));
        CHECK_OK(hpml_dataset_create_like(dm, vt.joined, 1, &vm));
        if (!vs || !vm)
            goto out;
        n_valid = hpml_dataset_n_rows(vs);
    }
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.n_trees = 25;
    p.max_depth = 5;
    p.max_bin = 64;
    p.seed = 7;
    p.threads = ec->threads;
    for (int i = 0; ec->params[i]; i += 2)
        CHECK_OK(hpml_gbdt_params_set(&p, ec->params[i], ec->params[i + 1]));
    CHECK_OK(hpml_gbdt_train(ds, train, n_train, vs, valid, n_valid, &p, &ms));
    CHECK_OK(hpml_gbdt_train(dm, train, n_train, vm, valid, n_valid, &p, &mm));
    if (!ms || !mm)
        goto out;
    check_same_sections(ms, mm, ec->label);
    check_same_predictions(ms, ds, mm, dm, 0);
    if (ec->valid)
        check_same_predictions(ms, vs, mm, vm, 0);
    /* the test means something only if the trees use the dimension tables */
    double sc, sd, sl;
    dim_splits(ms, ds, &sc, &sd, &sl);
    double want = p.n_trees >= 10 ? 10 : 2;
    if (sc < want || sd < want || sl < 1)
        fprintf(stderr, "  %s: splits on cells %g, drugs %g, lineage %g\n", ec->label, sc, sd, sl);
    CHECK(sc >= want && sd >= want && sl >= 1);
out:
    free(train);
    free(valid);
    hpml_model_free(ms);
    hpml_model_free(mm);
    if (ec->valid) {
        hpml_dataset_free(vs);
        hpml_dataset_free(vm);
    }
    hpml_dataset_free(ds);
    hpml_dataset_free(dm);
    if (txt.resp.s)
        star_tables_free(&t);
    if (vtxt.resp.s)
        star_tables_free(&vt);
    star_text_free(&txt);
    star_text_free(&vtxt);
}

/* Most cases use one thread (the result does not depend on it; two are
 * checked twice) to keep the run short on a shared machine. */
static void test_gbdt_equal_threads1(void)
{
    eq_case c = {"threads 1", "y", HPML_ON_MISSING_ERROR, 0, 0, 0, 1, 0, {NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_threads2(void)
{
    eq_case c = {"threads 2", "y", HPML_ON_MISSING_ERROR, 0, 0, 0, 2, 0, {NULL}};
    run_equal_case(&c);
}

/* Few bins: cuts are quantiles of the fact rows, each dimension value
 * weighted by the rows that use it. */
static void test_gbdt_equal_few_bins(void)
{
    eq_case c = {"max_bin 8", "y", HPML_ON_MISSING_ERROR, 0, 0, 0, 1, 0, {"max_bin", "8", NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_colsample(void)
{
    eq_case c = {"colsample", "y", HPML_ON_MISSING_ERROR, 0, 0, 0, 1, 0,
                 {"colsample_bytree", "0.5", "subsample", "0.8", NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_min_samples_leaf(void)
{
    eq_case c = {"min_samples_leaf", "y", HPML_ON_MISSING_ERROR, 0, 0, 0, 1, 0,
                 {"min_samples_leaf", "40", "max_bin", "255", "lambda", "5", NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_valid(void)
{
    eq_case c = {"valid", "y", HPML_ON_MISSING_ERROR, 0, 1, 0, 2, 0,
                 {"early_stopping_rounds", "3", "learning_rate", "0.5", NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_row_subset(void)
{
    eq_case c = {"row subset", "y", HPML_ON_MISSING_ERROR, 0, 0, 1, 1, 0,
                 {"early_stopping_rounds", "5", NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_lossguide_binary(void)
{
    eq_case c = {"lossguide binary", "yb", HPML_ON_MISSING_ERROR, 0, 0, 0, 1, 0,
                 {"grow_policy", "lossguide", "max_leaves", "12", "max_depth", "0", NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_multiclass(void)
{
    eq_case c = {"multiclass", "yc", HPML_ON_MISSING_ERROR, 0, 0, 0, 1, 0,
                 {"n_trees", "10", "max_depth", "4", NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_unmatched_nan(void)
{
    eq_case c = {"unmatched nan", "y", HPML_ON_MISSING_NAN, 12, 0, 0, 1, 0, {NULL}};
    run_equal_case(&c);
}

static void test_gbdt_equal_unmatched_drop(void)
{
    eq_case c = {"unmatched drop", "y", HPML_ON_MISSING_DROP, 12, 1, 0, 1, 0, {NULL}};
    run_equal_case(&c);
}

/* More fact rows than the binning sample (200000): cuts from every k-th
 * row. Few, shallow trees to keep it short. */
static void test_gbdt_equal_sampled_cuts(void)
{
    eq_case c = {"sampled cuts", "y", HPML_ON_MISSING_ERROR, 0, 0, 0, 1, 210000,
                 {"n_trees", "3", "max_depth", "4", "max_bin", "32", NULL}};
    run_equal_case(&c);
}

/* Categorical dimension features: codes follow first use by the fact rows
 * (as a materialised join would read them), not the table's row order, and
 * categories no fact row uses are left out. */
static void test_categories_first_use(void)
{
    hpml_table *f = tbl("cell,y\nc3,1\nc1,2\nc2,3\nc3,4\n", "resp.csv");
    hpml_table *c = tbl("cell,lin\nc1,B\nc9,Z\nc2,A\nc3,C\n", "cells.csv");
    hpml_table *m = tbl("cell,lin,y\nc3,C,1\nc1,B,2\nc2,A,3\nc3,C,4\n", "joined.csv");
    hpml_dataset *d = NULL, *dm = NULL;
    hpml_join j = jn("cell", c);
    const char *ign[] = {"cell"};
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.ignore = ign;
    sp.n_ignore = 1;
    if (f && c && m) {
        CHECK_OK(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d));
        CHECK_OK(hpml_dataset_create(m, &sp, &dm));
    }
    if (d && dm) {
        CHECK(hpml_dataset_feature_type(d, 0) == HPML_COL_CATEGORICAL);
        CHECK(hpml_dataset_feature_n_categories(d, 0) == 3);
        CHECK(hpml_dataset_feature_n_categories(dm, 0) == 3);
        const float codes[] = {0, 1, 2, 0}; /* C, B, A */
        check_feature(d, 0, codes, 4);
        check_feature(dm, 0, codes, 4);
        float g[4];
        CHECK_OK(hpml_dataset_gather_dim(d, 0, NULL, 4, g)); /* Z: used by none */
        CHECK(g[0] == 1 && isnan(g[1]) && g[2] == 2 && g[3] == 0);
    }
    hpml_dataset_free(d);
    hpml_dataset_free(dm);
    hpml_table_free(f);
    hpml_table_free(c);
    hpml_table_free(m);
}

/* An MLP trained on the star schema predicts what one trained on the
 * materialised join predicts, within 1e-5 relative. */
static void test_nn_equal(void)
{
    star_text txt;
    star_tables t;
    star_make(&txt, 1500, 3, 0, 0);
    hpml_dataset *ds = NULL, *dm = NULL;
    hpml_model *ms = NULL, *mm = NULL;
    if (!star_read(&txt, &t))
        goto out;
    CHECK_OK(star_datasets(&t, "y", HPML_ON_MISSING_ERROR, &ds, &dm));
    if (!ds || !dm)
        goto out;
    hpml_nn_params p;
    hpml_nn_params_init(&p, HPML_MODEL_MLP);
    CHECK_OK(hpml_nn_params_set(&p, "layers", "16,8"));
    p.epochs = 4;
    p.batch_size = 64;
    p.threads = 1;
    p.seed = 5;
    CHECK_OK(hpml_nn_train(ds, NULL, 0, NULL, NULL, 0, &p, &ms));
    CHECK_OK(hpml_nn_train(dm, NULL, 0, NULL, NULL, 0, &p, &mm));
    if (ms && mm)
        check_same_predictions(ms, ds, mm, dm, 1e-5);
out:
    hpml_model_free(ms);
    hpml_model_free(mm);
    hpml_dataset_free(ds);
    hpml_dataset_free(dm);
    if (txt.resp.s)
        star_tables_free(&t);
    star_text_free(&txt);
}

/* ------------------------------------------------------------ models */

/* Save, load, and predict through hpml_model_dataset_joined: the model
 * knows its joins; the wrong tables fail clearly; predictions are the same
 * after the round trip; unseen keys are missing features under NAN. */
static void test_model_round_trip(void)
{
    star_text txt;
    star_tables t;
    star_make(&txt, 1200, 4, 0, 0);
    hpml_dataset *ds = NULL, *dm = NULL, *dp = NULL, *dn = NULL;
    hpml_model *ms = NULL, *loaded = NULL, *mm = NULL;
    float *p0 = NULL, *p1 = NULL;
    hpml_table *odd = NULL;
    if (!star_read(&txt, &t))
        goto out;
    CHECK_OK(star_datasets(&t, "y", HPML_ON_MISSING_ERROR, &ds, &dm));
    if (!ds || !dm)
        goto out;
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.n_trees = 15;
    p.threads = 1;
    CHECK_OK(hpml_gbdt_train(ds, NULL, 0, NULL, NULL, 0, &p, &ms));
    CHECK_OK(hpml_gbdt_train(dm, NULL, 0, NULL, NULL, 0, &p, &mm));
    if (!ms || !mm)
        goto out;
    char path[128];
    snprintf(path, sizeof path, "%s", tmp_path("round.hpml"));
    CHECK_OK(hpml_model_save(ms, path));
    CHECK_OK(hpml_model_load(path, &loaded));
    if (!loaded)
        goto out;
    CHECK(hpml_model_n_joins(loaded) == 2 && hpml_model_n_joins(mm) == 0);
    CHECK(streq(hpml_model_join_key(loaded, 0), "cell") &&
          streq(hpml_model_join_key(loaded, 1), "drug"));
    CHECK(streq(hpml_model_join_table_key(loaded, 0), "cell"));
    CHECK(streq(hpml_model_join_name(loaded, 0), "cells") &&
          streq(hpml_model_join_name(loaded, 1), "drugs"));
    CHECK(hpml_model_join_key(loaded, 2) == NULL && hpml_model_join_name(loaded, -1) == NULL);
    int nf = hpml_model_n_features(loaded);
    CHECK(nf == hpml_dataset_n_features(ds));
    for (int j = 0; j < nf; j++) {
        CHECK(hpml_model_feature_join(loaded, j) == hpml_dataset_feature_join(ds, j));
        CHECK(hpml_model_feature_join(mm, j) == -1);
        CHECK(streq(hpml_model_feature_name(loaded, j), hpml_dataset_feature_name(ds, j)));
    }
    CHECK(streq(hpml_model_feature_name(loaded, 1), "resp.batch"));
    CHECK(streq(hpml_model_feature_name(loaded, 3), "lineage"));
    CHECK(streq(hpml_model_feature_name(loaded, 11), "cells.score"));
    CHECK(streq(hpml_model_feature_name(loaded, 16), "drugs.score"));
    CHECK(hpml_model_feature_join(loaded, nf) == -1);
    /* the wrong tables */
    hpml_join j[] = {jn("cell", t.cells), jn("drug", t.drugs)};
    hpml_join swapped[] = {jn("drug", t.drugs), jn("cell", t.cells)};
    CHECK_FAILS(hpml_model_dataset(loaded, t.resp, 0, &dp), HPML_ERR_ARG,
                "needs its 2 joined tables (--join cell=cells.csv --join drug=drugs.csv), got 0");
    CHECK_FAILS(hpml_model_dataset_joined(loaded, t.resp, j, 1, HPML_ON_MISSING_ERROR, 0, &dp),
                HPML_ERR_ARG, "got 1");
    CHECK_FAILS(hpml_model_dataset_joined(loaded, t.resp, swapped, 2, HPML_ON_MISSING_ERROR, 0,
                                          &dp),
                HPML_ERR_ARG, "join 1 is on 'drug', but the model's join 1 is on 'cell'");
    CHECK_FAILS(hpml_model_dataset_joined(mm, t.joined, j, 2, HPML_ON_MISSING_ERROR, 0, &dp),
                HPML_ERR_ARG, "the model was trained on one table, but 2 tables are joined");
    /* a cell table without a feature column */
    odd = tbl("cell,lineage,g1\ncell_000,LQ,1\n", "odd.csv");
    hpml_join jo[] = {jn("cell", odd), jn("drug", t.drugs)};
    if (odd)
        CHECK_FAILS(hpml_model_dataset_joined(loaded, t.resp, jo, 2, HPML_ON_MISSING_NAN, 0, &dp),
                    HPML_ERR_DATA, "odd.csv:1:1: no column named 'g2': the model uses it as a "
                    "feature (6 of 18, of the table joined on cell)");
    CHECK(dp == NULL);
    /* the same predictions before and after the round trip, and as the
     * materialised model's */
    CHECK_OK(hpml_model_dataset_joined(loaded, t.resp, j, 2, HPML_ON_MISSING_ERROR, 0, &dp));
    if (!dp)
        goto out;
    size_t n = hpml_dataset_n_rows(dp);
    CHECK(n == 1200);
    check_same_predictions(loaded, dp, ms, ds, 0);
    check_same_predictions(loaded, dp, mm, dm, 0);
    /* under NAN, a fact row whose cell the table lacks: its cell features
     * missing, as the materialised model sees an empty cell row */
    const char *fact = "cell,drug,dose,batch,site\ncell_000,drug_001,1.5,1,p\nnew,drug_001,1.5,1,p\n";
    hpml_table *f2 = tbl(fact, "resp2.csv");
    if (f2) {
        CHECK_FAILS(hpml_model_dataset_joined(loaded, f2, j, 2, HPML_ON_MISSING_ERROR, 0, &dn),
                    HPML_ERR_DATA, "resp2.csv:3: 1 row (of 2) has a cell with no row in cells.csv");
        CHECK_OK(hpml_model_dataset_joined(loaded, f2, j, 2, HPML_ON_MISSING_NAN, 0, &dn));
    }
    if (dn) {
        CHECK(hpml_dataset_n_rows(dn) == 2);
        float g[2];
        CHECK_OK(hpml_dataset_gather(dn, 5, NULL, 2, g)); /* g2 */
        CHECK(!isnan(g[0]) && isnan(g[1]));
        CHECK_OK(hpml_dataset_gather(dn, 14, NULL, 2, g)); /* d3 */
        CHECK(!isnan(g[0]) && g[0] == g[1]);
        p0 = malloc(2 * sizeof *p0);
        CHECK_OK(hpml_model_predict_dataset(loaded, dn, NULL, 2, p0));
        /* the same rows materialised */
        float x[2 * 18];
        for (int f = 0; f < nf; f++)
            for (int r = 0; r < 2; r++)
                CHECK_OK(hpml_dataset_gather(dn, f, (const uint32_t[]){(uint32_t)r}, 1,
                                             &x[r * nf + f]));
        p1 = malloc(2 * sizeof *p1);
        CHECK_OK(hpml_model_predict(mm, x, 2, p1));
        CHECK(p0[0] == p1[0] && p0[1] == p1[1] && p0[0] != p0[1]);
    }
    hpml_dataset_free(dn); /* before its table */
    dn = NULL;
    hpml_table_free(f2);
out:
    free(p0);
    free(p1);
    hpml_table_free(odd);
    hpml_dataset_free(dn);
    hpml_dataset_free(dp);
    hpml_model_free(loaded);
    hpml_model_free(ms);
    hpml_model_free(mm);
    hpml_dataset_free(ds);
    hpml_dataset_free(dm);
    if (txt.resp.s)
        star_tables_free(&t);
    star_text_free(&txt);
}

/* Categories of a dimension feature are mapped by text when predicting:
 * another table order, a category never seen in training (missing). */
static void test_predict_categories_by_text(void)
{
    const char *fact = "cell,x,y\nc1,1,1\nc2,2,5\nc3,3,9\nc1,4,1\nc2,5,5\nc3,6,9\n";
    hpml_table *f = tbl(fact, "resp.csv");
    hpml_table *c = tbl("cell,lin\nc1,A\nc2,B\nc3,C\n", "cells.csv");
    hpml_table *c2 = tbl("cell,lin\nc3,C\nc2,NEW\nc1,A\n", "cells.csv");
    hpml_dataset *d = NULL, *d2 = NULL;
    hpml_join j = jn("cell", c), j2 = jn("cell", c2);
    if (f && c)
        CHECK_OK(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d));
    if (d && c2)
        CHECK_OK(hpml_dataset_create_like_joined(d, f, &j2, 1, HPML_ON_MISSING_ERROR, 1, &d2));
    if (d2) {
        const float lin[] = {0, NAN, 2, 0, NAN, 2};
        check_feature(d2, 1, lin, 6);
        CHECK(hpml_dataset_feature_n_categories(d2, 1) == 3);
    }
    hpml_dataset_free(d);
    hpml_dataset_free(d2);
    hpml_table_free(f);
    hpml_table_free(c);
    hpml_table_free(c2);
}

/* The JOINS section is checked when read: a feature's join out of range, or
 * a truncated section, is a damaged file. */
static void test_joins_section_checked(void)
{
    hpml_table *f = tbl(fact1, "resp.csv"), *c = tbl(cells1, "cells.csv");
    hpml_dataset *d = NULL;
    hpml_model *m = NULL, *bad = NULL;
    hpml_join j = jn("cell", c);
    if (f && c)
        CHECK_OK(ds_join(f, &j, 1, HPML_ON_MISSING_ERROR, &d));
    hpml_gbdt_params p;
    hpml_gbdt_params_init(&p);
    p.n_trees = 2;
    p.threads = 1;
    if (d)
        CHECK_OK(hpml_gbdt_train(d, NULL, 0, NULL, NULL, 0, &p, &m));
    if (!m)
        goto out;
    char path[128], path2[128];
    snprintf(path, sizeof path, "%s", tmp_path("j.hpml"));
    snprintf(path2, sizeof path2, "%s", tmp_path("j2.hpml"));
    CHECK_OK(hpml_model_save(m, path));
    container ct;
    memset(&ct, 0, sizeof ct);
    CHECK_OK(container_read(path, &ct));
    const container_section *s = container_find(&ct, "JOINS");
    CHECK(s != NULL);
    if (s) {
        /* u32 1; "cell", "cell", "cells"; then per feature i32 join + name:
         * the last feature ("b", join 0) is at the end: 4 + 1 bytes */
        unsigned char buf[256];
        CHECK(s->size < sizeof buf);
        memcpy(buf, s->data, s->size);
        int32_t two = 2;
        memcpy(buf + s->size - 9, &two, 4);
        container_section sec[8];
        int n = 0;
        for (int i = 0; i < ct.n_sections; i++) {
            sec[n] = ct.sections[i];
            if (strcmp(sec[n].tag, "JOINS") == 0)
                sec[n].data = buf;
            n++;
        }
        CHECK_OK(container_write(path2, sec, n));
        CHECK_FAILS(hpml_model_load(path2, &bad), HPML_ERR_PARSE, "JOINS");
        for (int i = 0; i < n; i++)
            if (strcmp(sec[i].tag, "JOINS") == 0) {
                sec[i].data = s->data;
                sec[i].size = s->size - 1;
            }
        CHECK_OK(container_write(path2, sec, n));
        CHECK_FAILS(hpml_model_load(path2, &bad), HPML_ERR_PARSE, "JOINS");
        CHECK(bad == NULL);
    }
    container_free(&ct);
out:
    hpml_model_free(m);
    hpml_dataset_free(d);
    hpml_table_free(f);
    hpml_table_free(c);
}

int main(void)
{
    (void)make_csv; /* testdata.h's table and file readers: not needed here */
    (void)slurp;
    if (tmpdir_make("hpml_join"))
        return 1;
    RUN(test_link_and_gather);
    RUN(test_several_tables);
    RUN(test_table_key);
    RUN(test_numeric_keys);
    RUN(test_key_kind_mismatch);
    RUN(test_duplicate_key);
    RUN(test_missing_dim_key);
    RUN(test_unmatched_error);
    RUN(test_unmatched_drop);
    RUN(test_unmatched_nan);
    RUN(test_name_collisions);
    RUN(test_feature_lists);
    RUN(test_bad_join_args);
    RUN(test_alloc_failures);
    RUN(test_categories_first_use);
    RUN(test_gbdt_equal_threads1);
    RUN(test_gbdt_equal_threads2);
    RUN(test_gbdt_equal_few_bins);
    RUN(test_gbdt_equal_colsample);
    RUN(test_gbdt_equal_min_samples_leaf);
    RUN(test_gbdt_equal_valid);
    RUN(test_gbdt_equal_row_subset);
    RUN(test_gbdt_equal_lossguide_binary);
    RUN(test_gbdt_equal_multiclass);
    RUN(test_gbdt_equal_unmatched_nan);
    RUN(test_gbdt_equal_unmatched_drop);
    RUN(test_gbdt_equal_sampled_cuts);
    RUN(test_nn_equal);
    RUN(test_model_round_trip);
    RUN(test_predict_categories_by_text);
    RUN(test_joins_section_checked);
    tmpdir_remove();
    return check_summary();
}
