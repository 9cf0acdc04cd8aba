/* test_dataset.c — the dataset view: target and feature selection, task
 * inference and --task overrides, missing targets (with their lines), several
 * targets (multi-output regression), row mapping, gathering features,
 * allocation failures. */
#include <stdint.h>

#include "check.h"
#include "core/alloc.h"

/* A dataset of t with target `target`, task `task`, all other fields default. */
static hpml_status ds_of(const hpml_table *t, const char *target, hpml_task task, hpml_dataset **d)
{
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = target;
    sp.task = task;
    return hpml_dataset_create(t, &sp, d);
}

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* Class labels, counts and per-row class indices of d are exactly these. */
static void check_classes(const hpml_dataset *d, int nc, const char *const *labels,
                          const size_t *counts, const float *target, size_t n)
{
    CHECK(hpml_dataset_n_classes(d) == nc);
    CHECK(hpml_dataset_n_rows(d) == n);
    if (hpml_dataset_n_classes(d) != nc || hpml_dataset_n_rows(d) != n)
        return;
    for (int k = 0; k < nc; k++) {
        if (!streq(hpml_dataset_class_label(d, k), labels[k]) ||
            hpml_dataset_class_count(d, k) != counts[k]) {
            fprintf(stderr, "  class %d: '%s' x%zu, expected '%s' x%zu\n", k,
                    hpml_dataset_class_label(d, k), hpml_dataset_class_count(d, k), labels[k],
                    counts[k]);
            CHECK(!"class label/count");
        }
    }
    CHECK(hpml_dataset_class_label(d, nc) == NULL && hpml_dataset_class_label(d, -1) == NULL);
    CHECK(hpml_dataset_class_count(d, nc) == 0);
    const float *y = hpml_dataset_target(d);
    for (size_t i = 0; i < n; i++)
        if (y[i] != target[i]) {
            fprintf(stderr, "  target[%zu] = %g, expected %g\n", i, (double)y[i], (double)target[i]);
            CHECK(!"target class index");
        }
}

/* ------------------------------------------------------ feature selection */

static const char *people = "id,height,weight,label,note\n"
                            "1,1.5,60,a,x\n"
                            "2,1.7,70,b,y\n"
                            "3,1.6,65,a,x\n";

static void test_default_features(void)
{
    hpml_table *t = check_table(people, 1);
    hpml_dataset *d = NULL;
    CHECK_OK(ds_of(t, "label", HPML_TASK_AUTO, &d));
    if (!d)
        goto out;
    CHECK(streq(hpml_dataset_target_name(d), "label"));
    CHECK(hpml_dataset_n_features(d) == 4);
    CHECK(streq(hpml_dataset_feature_name(d, 0), "id"));
    CHECK(streq(hpml_dataset_feature_name(d, 1), "height"));
    CHECK(streq(hpml_dataset_feature_name(d, 2), "weight"));
    CHECK(streq(hpml_dataset_feature_name(d, 3), "note"));
    CHECK(hpml_dataset_feature_name(d, 4) == NULL && hpml_dataset_feature_name(d, -1) == NULL);
    CHECK(hpml_dataset_feature_type(d, 1) == HPML_COL_NUMERIC);
    CHECK(hpml_dataset_feature_type(d, 3) == HPML_COL_CATEGORICAL);
    CHECK(hpml_dataset_feature_n_categories(d, 1) == 0);
    CHECK(hpml_dataset_feature_n_categories(d, 3) == 2);
    CHECK(hpml_dataset_n_rows(d) == 3 && hpml_dataset_n_dropped(d) == 0);
out:
    hpml_dataset_free(d);
    hpml_table_free(t);
}

static void test_feature_list_and_ignore(void)
{
    hpml_table *t = check_table(people, 1);
    hpml_dataset_spec sp;
    hpml_dataset *d = NULL;

    /* --features: exactly those, in the order listed. */
    const char *feats[] = {"weight", "height"};
    hpml_dataset_spec_init(&sp);
    sp.target = "label";
    sp.features = feats;
    sp.n_features = 2;
    CHECK_OK(hpml_dataset_create(t, &sp, &d));
    CHECK(d && hpml_dataset_n_features(d) == 2);
    CHECK(d && streq(hpml_dataset_feature_name(d, 0), "weight"));
    CHECK(d && streq(hpml_dataset_feature_name(d, 1), "height"));
    hpml_dataset_free(d);
    d = NULL;

    /* --ignore: every other column but those. */
    const char *ign[] = {"note", "id"};
    hpml_dataset_spec_init(&sp);
    sp.target = "label";
    sp.ignore = ign;
    sp.n_ignore = 2;
    CHECK_OK(hpml_dataset_create(t, &sp, &d));
    CHECK(d && hpml_dataset_n_features(d) == 2);
    CHECK(d && streq(hpml_dataset_feature_name(d, 0), "height"));
    CHECK(d && streq(hpml_dataset_feature_name(d, 1), "weight"));
    hpml_dataset_free(d);
    d = NULL;

    /* Both: the list minus the ignored; ignoring the target is harmless. */
    const char *feats3[] = {"note", "weight", "id"};
    const char *ign2[] = {"id", "label"};
    hpml_dataset_spec_init(&sp);
    sp.target = "label";
    sp.features = feats3;
    sp.n_features = 3;
    sp.ignore = ign2;
    sp.n_ignore = 2;
    CHECK_OK(hpml_dataset_create(t, &sp, &d));
    CHECK(d && hpml_dataset_n_features(d) == 2);
    CHECK(d && streq(hpml_dataset_feature_name(d, 0), "note"));
    CHECK(d && streq(hpml_dataset_feature_name(d, 1), "weight"));
    hpml_dataset_free(d);
    hpml_table_free(t);
}

static void test_unknown_names(void)
{
    hpml_table *t = check_table(people, 1);
    hpml_dataset_spec sp;
    hpml_dataset *d = (hpml_dataset *)&sp; /* must be reset to NULL on failure */

    hpml_dataset_spec_init(&sp);
    sp.target = "lable";
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_DATA, "did you mean 'label'");
    CHECK(d == NULL);
    /* The whole message: the header line, the name, its role, the suggestion. */
    CHECK(streq(hpml_last_error(),
                "t.csv:1:1: no column named 'lable' (target) in the header; did you mean 'label'?"));

    const char *feats[] = {"weight", "heigth"};
    sp.target = "label";
    sp.features = feats;
    sp.n_features = 2;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_DATA, "did you mean 'height'");
    CHECK(strstr(hpml_last_error(), "'heigth' (feature)") != NULL);

    const char *ign[] = {"WIEGHT"};
    sp.features = NULL;
    sp.n_features = 0;
    sp.ignore = ign;
    sp.n_ignore = 1;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_DATA, "did you mean 'weight'");
    CHECK(strstr(hpml_last_error(), "'WIEGHT' (ignored)") != NULL);

    /* Nothing near: no suggestion. */
    sp.ignore = NULL;
    sp.n_ignore = 0;
    sp.target = "temperature";
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_DATA, "no column named 'temperature'");
    CHECK(strstr(hpml_last_error(), "did you mean") == NULL);
    CHECK(d == NULL);
    hpml_table_free(t);
}

static void test_bad_feature_lists(void)
{
    hpml_table *t = check_table(people, 1);
    hpml_dataset_spec sp;
    hpml_dataset *d = NULL;

    const char *with_target[] = {"height", "label"};
    hpml_dataset_spec_init(&sp);
    sp.target = "label";
    sp.features = with_target;
    sp.n_features = 2;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG,
                "'label' is the target: it cannot also be a feature");

    const char *dup[] = {"height", "weight", "height"};
    sp.features = dup;
    sp.n_features = 3;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG, "feature 'height' is listed twice");

    const char *one[] = {"height"};
    sp.features = one;
    sp.n_features = 1;
    sp.ignore = one;
    sp.n_ignore = 1;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG,
                "t.csv: no feature columns left (the target is 'label')");

    const char *all[] = {"id", "height", "weight", "note"};
    sp.features = NULL;
    sp.n_features = 0;
    sp.ignore = all;
    sp.n_ignore = 4;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG, "no feature columns left");
    CHECK(d == NULL);

    /* Caller mistakes. */
    sp.ignore = NULL;
    sp.n_ignore = 1;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG, "ignore");
    hpml_dataset_spec_init(&sp);
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG, "target");
    sp.target = "label";
    sp.task = (hpml_task)99;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG, "unknown task 99");
    CHECK_FAILS(hpml_dataset_create(t, &sp, NULL), HPML_ERR_ARG, "out is NULL");
    CHECK(d == NULL);
    hpml_table_free(t);
}

/* --------------------------------------------------------- task inference */

static void test_numeric_binary(void)
{
    /* 9 < 10 numerically though "10" < "9" by bytes. */
    hpml_table *t = check_table("x,y\n1,10\n2,9\n3,10\n4,10\n", 1);
    hpml_dataset *d = NULL;
    CHECK_OK(ds_of(t, "y", HPML_TASK_AUTO, &d));
    if (d) {
        CHECK(hpml_dataset_task(d) == HPML_TASK_BINARY);
        CHECK(streq(hpml_dataset_task_reason(d), "target 'y' takes two values (9, 10)"));
        check_classes(d, 2, (const char *[]){"9", "10"}, (const size_t[]){1, 3},
                      (const float[]){1, 0, 1, 1}, 4);
    }
    hpml_dataset_free(d);
    hpml_table_free(t);

    d = NULL;
    t = check_table("x,y\n1,2\n2,-1.5\n3,-1.5\n", 1);
    CHECK_OK(ds_of(t, "y", HPML_TASK_AUTO, &d));
    if (d) {
        CHECK(hpml_dataset_task(d) == HPML_TASK_BINARY);
        check_classes(d, 2, (const char *[]){"-1.5", "2"}, (const size_t[]){2, 1},
                      (const float[]){1, 0, 0}, 3);
    }
    hpml_dataset_free(d);
    hpml_table_free(t);
}

static void test_numeric_multiclass(void)
{
    hpml_table *t = check_table("x,y\n1,0\n2,1\n3,2\n4,2\n5,1\n6,0\n7,2\n", 1);
    hpml_dataset *d = NULL;
    CHECK_OK(ds_of(t, "y", HPML_TASK_AUTO, &d));
    if (d) {
        CHECK(hpml_dataset_task(d) == HPML_TASK_MULTICLASS);
        CHECK(streq(hpml_dataset_task_reason(d), "target 'y' holds the integer labels 0..2"));
        check_classes(d, 3, (const char *[]){"0", "1", "2"}, (const size_t[]){2, 2, 3},
                      (const float[]){0, 1, 2, 2, 1, 0, 2}, 7);
    }
    hpml_dataset_free(d);
    hpml_table_free(t);

    /* k = 10 is the largest inferred as multiclass; written as 9.0 etc. */
    d = NULL;
    t = check_table("x,y\n1,9.0\n2,8\n3,7\n4,6\n5,5\n6,4\n7,3\n8,2\n9,1\n10,0\n11,9\n", 1);
    CHECK_OK(ds_of(t, "y", HPML_TASK_AUTO, &d));
    if (d) {
        CHECK(hpml_dataset_task(d) == HPML_TASK_MULTICLASS);
        check_classes(d, 10, (const char *[]){"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
                      (const size_t[]){1, 1, 1, 1, 1, 1, 1, 1, 1, 2},
                      (const float[]){9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9}, 11);
    }
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* Numeric targets that are not 2 values nor labels 0..k-1 with 3 <= k <= 10. */
static void test_numeric_regression(void)
{
    static const struct {
        const char *csv;
        size_t distinct;
    } cases[] = {
        {"x,y\n1,0\n2,1\n3,2\n4,3\n5,4\n6,5\n7,6\n8,7\n9,8\n10,9\n11,10\n", 11}, /* k = 11 */
        {"x,y\n1,1\n2,2\n3,3\n", 3},                                              /* not from 0 */
        {"x,y\n1,0\n2,1\n3,3\n", 3},                                              /* a gap */
        {"x,y\n1,0\n2,0.5\n3,1\n", 3},                                            /* not integers */
        {"x,y\n1,-1\n2,0\n3,1\n", 3},                                             /* negative */
        {"x,y\n1,-1\n2,1\n3,2\n", 3},                                             /* max is k-1 */
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        hpml_table *t = check_table(cases[c].csv, 1);
        hpml_dataset *d = NULL;
        CHECK_OK(ds_of(t, "y", HPML_TASK_AUTO, &d));
        if (d) {
            char want[96];
            snprintf(want, sizeof want, "target 'y' is numeric with %zu distinct values",
                     cases[c].distinct);
            if (hpml_dataset_task(d) != HPML_TASK_REGRESSION)
                fprintf(stderr, "  case %zu: %s\n", c, hpml_dataset_task_reason(d));
            CHECK(hpml_dataset_task(d) == HPML_TASK_REGRESSION);
            CHECK(streq(hpml_dataset_task_reason(d), want));
            CHECK(hpml_dataset_n_classes(d) == 0 && hpml_dataset_class_label(d, 0) == NULL);
            /* The target holds the values themselves. */
            const float *y = hpml_dataset_target(d), *v = hpml_table_col_values(t, 1);
            for (size_t i = 0; i < hpml_dataset_n_rows(d); i++)
                CHECK(y[i] == v[i]);
        }
        hpml_dataset_free(d);
        hpml_table_free(t);
    }
}

static void test_categorical_classes(void)
{
    /* Sorted by bytes: 'B' (66) < 'a' (97) < 'ab' < 'b'. */
    hpml_table *t = check_table("x,y\n1,b\n2,B\n3,a\n4,b\n5,ab\n", 1);
    hpml_dataset *d = NULL;
    CHECK_OK(ds_of(t, "y", HPML_TASK_AUTO, &d));
    if (d) {
        CHECK(hpml_dataset_task(d) == HPML_TASK_MULTICLASS);
        CHECK(streq(hpml_dataset_task_reason(d), "target 'y' is categorical with 4 classes"));
        check_classes(d, 4, (const char *[]){"B", "a", "ab", "b"}, (const size_t[]){1, 1, 1, 2},
                      (const float[]){3, 0, 1, 3, 2}, 5);
    }
    hpml_dataset_free(d);
    hpml_table_free(t);

    d = NULL;
    t = check_table("x,y\n1,yes\n2,no\n3,yes\n", 1);
    CHECK_OK(ds_of(t, "y", HPML_TASK_AUTO, &d));
    if (d) {
        CHECK(hpml_dataset_task(d) == HPML_TASK_BINARY);
        check_classes(d, 2, (const char *[]){"no", "yes"}, (const size_t[]){1, 2},
                      (const float[]){1, 0, 1}, 3);
    }
    hpml_dataset_free(d);
    hpml_table_free(t);
}

static void test_task_overrides(void)
{
    hpml_table *t01 = check_table("x,y\n1,0\n2,1\n3,1\n", 1);
    hpml_table *t012 = check_table("x,y\n1,0\n2,1\n3,2\n", 1);
    hpml_table *thalf = check_table("x,y\n1,2.5\n2,0.5\n3,1.5\n4,0.5\n", 1);
    hpml_table *tcat3 = check_table("x,y\n1,r\n2,g\n3,b\n", 1);
    hpml_table *tcat2 = check_table("x,y\n1,r\n2,g\n3,g\n", 1);
    hpml_table *tone = check_table("x,y\n1,7\n2,7\n", 1);
    hpml_table *tcat1 = check_table("x,y\n1,z\n2,z\n", 1);
    hpml_dataset *d = NULL;

    CHECK_OK(ds_of(t01, "y", HPML_TASK_REGRESSION, &d));
    CHECK(d && hpml_dataset_task(d) == HPML_TASK_REGRESSION && hpml_dataset_n_classes(d) == 0);
    CHECK(d && streq(hpml_dataset_task_reason(d), "given with --task"));
    CHECK(d && hpml_dataset_target(d)[0] == 0.0f && hpml_dataset_target(d)[2] == 1.0f);
    hpml_dataset_free(d);
    d = NULL;

    CHECK_OK(ds_of(t01, "y", HPML_TASK_MULTICLASS, &d));
    CHECK(d && hpml_dataset_task(d) == HPML_TASK_MULTICLASS);
    if (d)
        check_classes(d, 2, (const char *[]){"0", "1"}, (const size_t[]){1, 2},
                      (const float[]){0, 1, 1}, 3);
    hpml_dataset_free(d);
    d = NULL;

    CHECK_OK(ds_of(thalf, "y", HPML_TASK_MULTICLASS, &d));
    CHECK(d && hpml_dataset_task(d) == HPML_TASK_MULTICLASS);
    if (d)
        check_classes(d, 3, (const char *[]){"0.5", "1.5", "2.5"}, (const size_t[]){2, 1, 1},
                      (const float[]){2, 0, 1, 0}, 4);
    hpml_dataset_free(d);
    d = NULL;

    CHECK_OK(ds_of(t012, "y", HPML_TASK_REGRESSION, &d));
    CHECK(d && hpml_dataset_task(d) == HPML_TASK_REGRESSION);
    hpml_dataset_free(d);
    d = NULL;

    CHECK_OK(ds_of(tcat2, "y", HPML_TASK_MULTICLASS, &d));
    CHECK(d && hpml_dataset_task(d) == HPML_TASK_MULTICLASS && hpml_dataset_n_classes(d) == 2);
    hpml_dataset_free(d);
    d = NULL;

    CHECK_OK(ds_of(tcat2, "y", HPML_TASK_BINARY, &d));
    CHECK(d && hpml_dataset_task(d) == HPML_TASK_BINARY);
    hpml_dataset_free(d);
    d = NULL;

    /* Errors. */
    CHECK_FAILS(ds_of(tcat3, "y", HPML_TASK_REGRESSION, &d), HPML_ERR_DATA,
                "t.csv: target 'y' is categorical (e.g. 'b'): it cannot be a regression target");
    CHECK_FAILS(ds_of(t012, "y", HPML_TASK_BINARY, &d), HPML_ERR_DATA,
                "t.csv: a binary task needs a target with 2 values; 'y' has 3");
    CHECK_FAILS(ds_of(tcat3, "y", HPML_TASK_BINARY, &d), HPML_ERR_DATA,
                "t.csv: target 'y' has 3 classes; a binary task needs exactly 2");
    CHECK_FAILS(ds_of(tone, "y", HPML_TASK_BINARY, &d), HPML_ERR_DATA,
                "a binary task needs a target with 2 values; 'y' has 1");
    CHECK_FAILS(ds_of(tone, "y", HPML_TASK_MULTICLASS, &d), HPML_ERR_DATA,
                "a classification target needs 2 or more classes; 'y' has 1");
    CHECK_FAILS(ds_of(tcat1, "y", HPML_TASK_AUTO, &d), HPML_ERR_DATA,
                "t.csv: target 'y' has 1 class; a classification task needs 2 or more");
    CHECK_FAILS(ds_of(tcat1, "y", HPML_TASK_MULTICLASS, &d), HPML_ERR_DATA,
                "has 1 class; a classification task needs 2 or more");
    CHECK_FAILS(ds_of(tcat1, "y", HPML_TASK_BINARY, &d), HPML_ERR_DATA,
                "has 1 class; a binary task needs exactly 2");
    CHECK(d == NULL);

    hpml_table_free(t01);
    hpml_table_free(t012);
    hpml_table_free(thalf);
    hpml_table_free(tcat3);
    hpml_table_free(tcat2);
    hpml_table_free(tone);
    hpml_table_free(tcat1);
}

/* A target with 10001 distinct values is no classification problem, whatever
 * the column type. */
static void test_too_many_classes(void)
{
    size_t cap = 40 + 10001 * 24;
    char *csv = malloc(cap), *p = csv;
    CHECK(csv != NULL);
    if (!csv)
        return;
    p += sprintf(p, "x,num,cat\n");
    for (int i = 0; i < 10001; i++)
        p += sprintf(p, "%d,%d,c%d\n", i, i, i);
    hpml_table *t = check_table(csv, 1);
    hpml_dataset *d = NULL;
    const char *ignore_cat[] = {"cat"}, *ignore_num[] = {"num"};
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "num";
    sp.ignore = ignore_cat;
    sp.n_ignore = 1;
    sp.task = HPML_TASK_MULTICLASS;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_DATA, "10001 distinct values");
    sp.task = HPML_TASK_AUTO;
    CHECK_OK(hpml_dataset_create(t, &sp, &d)); /* regression */
    CHECK(d && hpml_dataset_task(d) == HPML_TASK_REGRESSION);
    hpml_dataset_free(d);
    d = NULL;
    sp.target = "cat";
    sp.ignore = ignore_num;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_DATA,
                "target 'cat' has 10001 distinct values: too many classes");
    CHECK(d == NULL);
    hpml_table_free(t);
    free(csv);
}

/* ------------------------------------------------------- missing targets */

static void test_missing_target_fails(void)
{
    hpml_dataset *d = NULL;
    /* Rows 2 and 3 lack the target; row 2 is on line 4. */
    hpml_table *t = check_table("x,y\n1,a\n2,b\n3,\n4,\n5,a\n", 1);
    CHECK_FAILS(ds_of(t, "y", HPML_TASK_AUTO, &d), HPML_ERR_DATA,
                "t.csv:4: target 'y' is missing in 2 rows (the first is on this line)");
    CHECK(strstr(hpml_last_error(), "--drop-missing-target") != NULL);
    hpml_table_free(t);

    /* Line 1 header, line 2 row 0, lines 3-4 row 1 (a quoted field with a
     * newline), line 5 blank, line 6 row 2 with the target missing: 6, not 2+2. */
    t = check_table("x,y\n1,a\n\"two\nlines\",b\n\n3,\n4,a\n", 1);
    CHECK(t && hpml_table_n_rows(t) == 4);
    CHECK_FAILS(ds_of(t, "y", HPML_TASK_AUTO, &d), HPML_ERR_DATA,
                "t.csv:6: target 'y' is missing in 1 row (the first is on this line)");
    hpml_table_free(t);

    /* A numeric target, an NA token; blank lines before the first row too. */
    t = check_table("x,y\n\n\n1,1.5\n2,2\n3,NA\n", 1);
    CHECK_FAILS(ds_of(t, "y", HPML_TASK_AUTO, &d), HPML_ERR_DATA,
                "t.csv:6: target 'y' is missing in 1 row");
    hpml_table_free(t);

    /* All missing: nothing to drop down to. */
    t = check_table("x,y,z\n1,,a\n2,,b\n", 1);
    CHECK_FAILS(ds_of(t, "y", HPML_TASK_AUTO, &d), HPML_ERR_DATA,
                "target 'y' is missing in every row");
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.drop_missing_target = 1;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_DATA, "missing in every row");
    CHECK(d == NULL);
    hpml_table_free(t);
}

/* An infinite target would poison every loss: refused with its line. */
static void test_infinite_target(void)
{
    hpml_table *t = check_table("x,y\n1,2\n2,3\n3,-inf\n4,inf\n", 1);
    hpml_dataset *d = NULL;
    CHECK_FAILS(ds_of(t, "y", HPML_TASK_AUTO, &d), HPML_ERR_DATA,
                "t.csv:4: target 'y' is minus infinite");
    CHECK(d == NULL);
    hpml_table_free(t);
}

static void test_drop_missing_target(void)
{
    /* Table rows 1 and 3 lack y; dataset rows 0,1,2 are table rows 0,2,4. */
    hpml_table *t = check_table("x,y,c\n1,10,p\n2,,q\n3,20,\n4,NA,p\n5,30,r\n", 1);
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.target = "y";
    sp.drop_missing_target = 1;
    hpml_dataset *d = NULL;
    CHECK_OK(hpml_dataset_create(t, &sp, &d));
    if (!d)
        goto out;
    CHECK(hpml_dataset_n_rows(d) == 3 && hpml_dataset_n_dropped(d) == 2);
    CHECK(hpml_dataset_table_row(d, 0) == 0);
    CHECK(hpml_dataset_table_row(d, 1) == 2);
    CHECK(hpml_dataset_table_row(d, 2) == 4);
    CHECK(hpml_dataset_task(d) == HPML_TASK_REGRESSION);
    const float *y = hpml_dataset_target(d);
    CHECK(y[0] == 10 && y[1] == 20 && y[2] == 30);
    float out[3];
    CHECK_OK(hpml_dataset_gather(d, 0, NULL, 3, out)); /* x through the row map */
    CHECK(out[0] == 1 && out[1] == 3 && out[2] == 5);
    CHECK_OK(hpml_dataset_gather(d, 1, NULL, 3, out)); /* c: p=0 q=1 r=2 */
    CHECK(out[0] == 0 && isnan(out[1]) && out[2] == 2);
    const uint32_t rows[2] = {2, 0};
    CHECK_OK(hpml_dataset_gather(d, 0, rows, 2, out));
    CHECK(out[0] == 5 && out[1] == 1);
    const uint32_t bad[1] = {3};
    CHECK_FAILS(hpml_dataset_gather(d, 0, bad, 1, out), HPML_ERR_ARG,
                "row 3 out of range (dataset has 3 rows)");
out:
    hpml_dataset_free(d);
    hpml_table_free(t);

    /* A categorical target: classes and counts over the rows kept. */
    t = check_table("x,y\n1,a\n2,\n3,c\n4,b\n5,\n6,b\n7,\n", 1);
    d = NULL;
    CHECK_OK(hpml_dataset_create(t, &sp, &d));
    if (d) {
        CHECK(hpml_dataset_n_dropped(d) == 3);
        CHECK(hpml_dataset_table_row(d, 3) == 5);
        CHECK(hpml_dataset_task(d) == HPML_TASK_MULTICLASS);
        check_classes(d, 3, (const char *[]){"a", "b", "c"}, (const size_t[]){1, 2, 1},
                      (const float[]){0, 2, 1, 1}, 4);
    }
    hpml_dataset_free(d);
    hpml_table_free(t);

    /* Nothing missing: identity mapping, nothing dropped. */
    t = check_table("x,y\n1,1\n2,2\n3,3\n", 1);
    d = NULL;
    CHECK_OK(hpml_dataset_create(t, &sp, &d));
    CHECK(d && hpml_dataset_n_dropped(d) == 0 && hpml_dataset_table_row(d, 2) == 2);
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* ------------------------------------------------------ several targets */

/* A spec with targets names[0..n) (multi-output regression when n > 1). */
static hpml_status ds_multi(const hpml_table *t, const char *const *names, int n, int drop,
                            hpml_dataset **d)
{
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.targets = names;
    sp.n_targets = n;
    sp.drop_missing_target = drop;
    return hpml_dataset_create(t, &sp, d);
}

static void test_several_targets(void)
{
    /* targets in the order given (y2 first), the other columns features */
    hpml_table *t = check_table("a,y1,b,y2,c\n1,10,p,0,5\n2,20,q,1,6\n3,30,p,0,7\n", 1);
    hpml_dataset *d = NULL;
    const char *names[] = {"y2", "y1"};
    CHECK_OK(ds_multi(t, names, 2, 0, &d));
    if (d) {
        CHECK(hpml_dataset_n_targets(d) == 2);
        CHECK(streq(hpml_dataset_target_name(d), "y2"));
        CHECK(streq(hpml_dataset_target_name_k(d, 0), "y2"));
        CHECK(streq(hpml_dataset_target_name_k(d, 1), "y1"));
        CHECK(hpml_dataset_target_name_k(d, 2) == NULL);
        CHECK(hpml_dataset_target_name_k(d, -1) == NULL);
        /* 0/1 values would be a binary target alone; with another, regression */
        CHECK(hpml_dataset_task(d) == HPML_TASK_REGRESSION && hpml_dataset_n_classes(d) == 0);
        CHECK(strstr(hpml_dataset_task_reason(d), "multi-output regression") != NULL);
        CHECK(hpml_dataset_n_features(d) == 3);
        CHECK(streq(hpml_dataset_feature_name(d, 0), "a") &&
              streq(hpml_dataset_feature_name(d, 1), "b") &&
              streq(hpml_dataset_feature_name(d, 2), "c"));
        const float *y0 = hpml_dataset_target_k(d, 0), *y1 = hpml_dataset_target_k(d, 1);
        CHECK(y0 == hpml_dataset_target(d) && y1 == y0 + 3);
        CHECK(y0[0] == 0 && y0[1] == 1 && y0[2] == 0);
        CHECK(y1[0] == 10 && y1[1] == 20 && y1[2] == 30);
        CHECK(hpml_dataset_target_k(d, 2) == NULL);
        /* a dataset laid out like it holds both targets */
        hpml_table *t2 = check_table("c,b,a,y1,y2\n1,q,2,-1,5\n", 1);
        hpml_dataset *v = NULL;
        CHECK_OK(hpml_dataset_create_like(d, t2, 1, &v));
        if (v) {
            CHECK(hpml_dataset_n_targets(v) == 2 && streq(hpml_dataset_target_name_k(v, 1), "y1"));
            CHECK(hpml_dataset_target_k(v, 0)[0] == 5 && hpml_dataset_target_k(v, 1)[0] == -1);
        }
        hpml_dataset_free(v);
        v = NULL;
        CHECK_OK(hpml_dataset_create_like(d, t2, 0, &v)); /* without the targets */
        if (v) {
            CHECK(hpml_dataset_n_targets(v) == 2 && hpml_dataset_target_k(v, 0) == NULL);
            CHECK(streq(hpml_dataset_target_name_k(v, 0), "y2"));
        }
        hpml_dataset_free(v);
        hpml_table_free(t2);
        t2 = check_table("a,b,c,y2\n1,p,2,0\n", 1); /* y1 absent */
        v = NULL;
        CHECK_FAILS(hpml_dataset_create_like(d, t2, 1, &v), HPML_ERR_DATA,
                    "no column named 'y1' (target)");
        hpml_table_free(t2);
        t2 = check_table("a,b,c,y2,y1\n1,p,2,0,4\n1,p,2,0,\n", 1); /* y1 empty once */
        CHECK_FAILS(hpml_dataset_create_like(d, t2, 1, &v), HPML_ERR_DATA,
                    "t.csv:3: target 'y1' is missing in 1 row");
        hpml_table_free(t2);
    }
    hpml_dataset_free(d);
    d = NULL;

    /* one name in the list is the plain one-target dataset (classes too) */
    const char *one[] = {"b"};
    CHECK_OK(ds_multi(t, one, 1, 0, &d));
    CHECK(d && hpml_dataset_n_targets(d) == 1 && hpml_dataset_task(d) == HPML_TASK_BINARY);
    hpml_dataset_free(d);
    d = NULL;

    /* errors: a categorical target among several, a name twice, a target as a
     * feature, a classification task, a name not in the table */
    const char *withcat[] = {"y1", "b"};
    CHECK_FAILS(ds_multi(t, withcat, 2, 0, &d), HPML_ERR_DATA,
                "t.csv: target 'b' is categorical (e.g. 'p'): several targets make a "
                "multi-output regression, so each must be numeric");
    CHECK(d == NULL);
    const char *twice[] = {"y1", "y2", "y1"};
    CHECK_FAILS(ds_multi(t, twice, 3, 0, &d), HPML_ERR_ARG, "target 'y1' is listed twice");
    hpml_dataset_spec sp;
    hpml_dataset_spec_init(&sp);
    sp.targets = names;
    sp.n_targets = 2;
    const char *feats[] = {"a", "y1"};
    sp.features = feats;
    sp.n_features = 2;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG,
                "'y1' is a target: it cannot also be a feature");
    sp.features = NULL;
    sp.n_features = 0;
    sp.task = HPML_TASK_BINARY;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG,
                "2 targets make a multi-output regression; a binary task takes one target");
    sp.task = HPML_TASK_REGRESSION;
    CHECK_OK(hpml_dataset_create(t, &sp, &d));
    CHECK(d && strcmp(hpml_dataset_task_reason(d), "given with --task") == 0);
    hpml_dataset_free(d);
    d = NULL;
    const char *typo[] = {"y1", "y3"};
    CHECK_FAILS(ds_multi(t, typo, 2, 0, &d), HPML_ERR_DATA, "no column named 'y3' (target)");
    sp.n_targets = -1;
    CHECK_FAILS(hpml_dataset_create(t, &sp, &d), HPML_ERR_ARG, "hpml_dataset_create");
    CHECK(d == NULL);
    hpml_table_free(t);
}

/* Missing values in any target: the first target (in the order given) with a
 * missing value is named with its line; dropping leaves out every row that
 * misses any target. */
static void test_several_targets_missing(void)
{
    /* y1 misses table row 1 (line 3); y2 misses rows 2 and 3 (lines 4, 5) */
    hpml_table *t = check_table("x,y1,y2\n1,10,1\n2,,2\n3,30,\n4,40,NA\n5,50,5\n", 1);
    hpml_dataset *d = NULL;
    const char *names[] = {"y2", "y1"};
    CHECK_FAILS(ds_multi(t, names, 2, 0, &d), HPML_ERR_DATA,
                "t.csv:4: target 'y2' is missing in 2 rows (the first is on this line)");
    const char *names2[] = {"y1", "y2"};
    CHECK_FAILS(ds_multi(t, names2, 2, 0, &d), HPML_ERR_DATA,
                "t.csv:3: target 'y1' is missing in 1 row (the first is on this line)");
    CHECK_OK(ds_multi(t, names2, 2, 1, &d));
    if (d) {
        CHECK(hpml_dataset_n_rows(d) == 2 && hpml_dataset_n_dropped(d) == 3);
        CHECK(hpml_dataset_table_row(d, 0) == 0 && hpml_dataset_table_row(d, 1) == 4);
        const float *y1 = hpml_dataset_target_k(d, 0), *y2 = hpml_dataset_target_k(d, 1);
        CHECK(y1[0] == 10 && y1[1] == 50 && y2[0] == 1 && y2[1] == 5);
    }
    hpml_dataset_free(d);
    d = NULL;
    hpml_table_free(t);

    /* each target present somewhere, never both together */
    t = check_table("x,y1,y2\n1,1,\n2,,2\n", 1);
    CHECK_FAILS(ds_multi(t, names2, 2, 1, &d), HPML_ERR_DATA, "no row has every target present");
    CHECK(d == NULL);
    hpml_table_free(t);
    /* one target missing everywhere */
    t = check_table("x,y1,y2\n1,1,\n2,3,\n", 1);
    CHECK_FAILS(ds_multi(t, names2, 2, 1, &d), HPML_ERR_DATA,
                "target 'y2' is missing in every row");
    hpml_table_free(t);
    /* an infinite value in the second target */
    t = check_table("x,y1,y2\n1,1,2\n2,3,inf\n", 1);
    CHECK_FAILS(ds_multi(t, names2, 2, 0, &d), HPML_ERR_DATA, "t.csv:3: target 'y2' is infinite");
    hpml_table_free(t);

    /* allocation failures: NOMEM, nothing leaked (ASan) */
    t = check_table("x,y1,y2\n1,10,1\n2,,2\n3,30,3\n", 1);
    int saw_ok = 0, n_fail = 0;
    for (long k = 0; k < 100 && !saw_ok; k++) {
        d = NULL;
        hpml_test_fail_alloc(k, 0);
        hpml_status s = ds_multi(t, names2, 2, 1, &d);
        hpml_test_fail_alloc(-1, 0);
        if (s == HPML_OK) {
            saw_ok = 1;
            CHECK(hpml_dataset_n_rows(d) == 2);
        } else {
            n_fail++;
            CHECK(s == HPML_ERR_NOMEM && d == NULL);
        }
        hpml_dataset_free(d);
    }
    CHECK(saw_ok && n_fail >= 4);
    hpml_table_free(t);
}

/* ---------------------------------------------------------------- gather */

static void test_gather(void)
{
    hpml_table *t = check_table("n,c,y\n1.5,u,0\n,v,1\n-2,,0\n4,u,1\n", 1);
    hpml_dataset *d = NULL;
    CHECK_OK(ds_of(t, "y", HPML_TASK_AUTO, &d));
    if (!d)
        goto out;
    float out[5] = {-7, -7, -7, -7, -7};
    CHECK_OK(hpml_dataset_gather(d, 0, NULL, 4, out));
    CHECK(out[0] == 1.5f && isnan(out[1]) && out[2] == -2.0f && out[3] == 4.0f);
    CHECK(out[4] == -7); /* nothing written past n */
    CHECK_OK(hpml_dataset_gather(d, 1, NULL, 4, out));
    CHECK(out[0] == 0 && out[1] == 1 && isnan(out[2]) && out[3] == 0);

    const uint32_t rows[3] = {3, 1, 3};
    CHECK_OK(hpml_dataset_gather(d, 0, rows, 3, out));
    CHECK(out[0] == 4.0f && isnan(out[1]) && out[2] == 4.0f);
    CHECK_OK(hpml_dataset_gather(d, 1, rows, 3, out));
    CHECK(out[0] == 0 && out[1] == 1 && out[2] == 0);
    CHECK_OK(hpml_dataset_gather(d, 1, rows, 0, out)); /* nothing asked */

    CHECK_FAILS(hpml_dataset_gather(d, 2, NULL, 4, out), HPML_ERR_ARG,
                "feature index 2 out of range (dataset has 2)");
    CHECK_FAILS(hpml_dataset_gather(d, -1, NULL, 4, out), HPML_ERR_ARG, "feature index -1");
    CHECK_FAILS(hpml_dataset_gather(d, 0, NULL, 5, out), HPML_ERR_ARG,
                "row 4 out of range (dataset has 4 rows)");
    const uint32_t bad[2] = {0, 4};
    CHECK_FAILS(hpml_dataset_gather(d, 1, bad, 2, out), HPML_ERR_ARG, "row 4 out of range");
    const uint32_t huge[1] = {UINT32_MAX};
    CHECK_FAILS(hpml_dataset_gather(d, 0, huge, 1, out), HPML_ERR_ARG, "out of range");
out:
    hpml_dataset_free(d);
    hpml_table_free(t);
}

/* ---------------------------------------------------- allocation failures */

/* Every allocation failure in create is NOMEM, leaves *out NULL and leaks
 * nothing (ASan). */
static void test_alloc_failures(void)
{
    hpml_table *tn = check_table("a,b,y\n1,x,0\n2,y,\n3,x,2\n4,z,1\n", 1);
    hpml_table *tc = check_table("a,b,y\n1,x,p\n2,y,\n3,x,q\n4,z,r\n", 1);
    const hpml_table *tables[2] = {tn, tc};
    for (int w = 0; w < 2; w++) {
        hpml_dataset_spec sp;
        hpml_dataset_spec_init(&sp);
        sp.target = "y";
        sp.drop_missing_target = 1;
        const char *ign[] = {"a"};
        sp.ignore = ign;
        sp.n_ignore = 1;
        int saw_ok = 0, n_fail = 0;
        for (long k = 0; k < 100 && !saw_ok; k++) {
            hpml_dataset *d = (hpml_dataset *)&sp;
            hpml_test_fail_alloc(k, 0);
            hpml_status s = hpml_dataset_create(tables[w], &sp, &d);
            hpml_test_fail_alloc(-1, 0);
            if (s == HPML_OK) {
                saw_ok = 1;
                CHECK(hpml_dataset_n_classes(d) == 3 && hpml_dataset_n_features(d) == 1);
                hpml_dataset_free(d);
            } else {
                n_fail++;
                CHECK(s == HPML_ERR_NOMEM && d == NULL && strstr(hpml_last_error(), "memory"));
            }
        }
        CHECK(saw_ok && n_fail >= 6);
    }
    hpml_table_free(tn);
    hpml_table_free(tc);
}

int main(void)
{
    RUN(test_default_features);
    RUN(test_feature_list_and_ignore);
    RUN(test_unknown_names);
    RUN(test_bad_feature_lists);
    RUN(test_numeric_binary);
    RUN(test_numeric_multiclass);
    RUN(test_numeric_regression);
    RUN(test_categorical_classes);
    RUN(test_task_overrides);
    RUN(test_too_many_classes);
    RUN(test_missing_target_fails);
    RUN(test_infinite_target);
    RUN(test_drop_missing_target);
    RUN(test_several_targets);
    RUN(test_several_targets_missing);
    RUN(test_gather);
    RUN(test_alloc_failures);
    return check_summary();
}
