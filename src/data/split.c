/* split.c — seeded train/valid/test splits and k folds, as sorted index arrays.
 *
 * Every split is a function of (rows, labels or groups, sizes, seed) only:
 * the same call gives the same indices on any machine and thread count.
 * Sizes are rounded once for the whole split (largest remainder across
 * classes for stratified splits), so the parts have the sizes asked for.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "data/dataset.h"
#include "data/table.h"

typedef struct split_fold {
    uint32_t *rows[3];
    size_t n[3];
} split_fold;

struct hpml_split {
    int n_folds;
    split_fold *folds;
};

void hpml_split_spec_init(hpml_split_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->test_size = 0.2;
    spec->seed = 42;
}

void hpml_split_free(hpml_split *s)
{
    if (!s)
        return;
    for (int f = 0; s->folds && f < s->n_folds; f++)
        for (int p = 0; p < 3; p++)
            hpml_free(s->folds[f].rows[p]);
    hpml_free(s->folds);
    hpml_free(s);
}

int hpml_split_n_folds(const hpml_split *s) { return s->n_folds; }

const uint32_t *hpml_split_rows(const hpml_split *s, int fold, hpml_split_part part, size_t *n)
{
    if (!s || fold < 0 || fold >= s->n_folds || part < HPML_PART_TRAIN || part > HPML_PART_TEST) {
        if (n)
            *n = 0;
        return NULL;
    }
    if (n)
        *n = s->folds[fold].n[part];
    return s->folds[fold].rows[part];
}

/* Assigns each row a part (0 train, 1 valid, 2 test) or a fold; builds the
 * sorted index arrays from that assignment. */
static hpml_status build_from_labels(hpml_split *s, const uint8_t *where, size_t n, int folds)
{
    s->n_folds = folds ? folds : 1;
    s->folds = hpml_calloc((size_t)s->n_folds, sizeof *s->folds);
    if (!s->folds)
        return HPML_ERR_NOMEM;
    size_t *count = hpml_calloc((size_t)(folds ? folds : 3), sizeof *count);
    if (!count)
        return HPML_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        count[where[i]]++;
    hpml_status st = HPML_OK;
    for (int f = 0; f < s->n_folds && st == HPML_OK; f++) {
        split_fold *fo = &s->folds[f];
        if (folds) {
            fo->n[HPML_PART_TEST] = count[f];
            fo->n[HPML_PART_TRAIN] = n - count[f];
        } else {
            for (int p = 0; p < 3; p++)
                fo->n[p] = count[p];
        }
        for (int p = 0; p < 3; p++)
            if (!(fo->rows[p] = hpml_malloc_array(fo->n[p] ? fo->n[p] : 1, sizeof(uint32_t))))
                st = HPML_ERR_NOMEM;
        if (st != HPML_OK)
            break;
        size_t k[3] = {0, 0, 0};
        for (size_t i = 0; i < n; i++) {
            int p = folds ? (where[i] == f ? HPML_PART_TEST : HPML_PART_TRAIN) : where[i];
            fo->rows[p][k[p]++] = (uint32_t)i;
        }
    }
    hpml_free(count);
    return st;
}

/* Number of items of a part: round(frac * n), at least 1 if frac > 0. */
static size_t part_size(double frac, size_t n)
{
    size_t k = (size_t)llround(frac * (double)n);
    return frac > 0 && k == 0 ? 1 : k;
}

/* Random split of n_units rows (or groups); returns the number left for
 * training, which the rounding of small parts (at least 1 each) can make 0. */
static size_t assign_random(uint8_t *where_unit, size_t n_units, const hpml_split_spec *spec,
                            hpml_rng *rng, uint32_t *perm)
{
    for (size_t i = 0; i < n_units; i++)
        perm[i] = (uint32_t)i;
    hpml_rng_shuffle_u32(rng, perm, n_units);
    size_t nt = part_size(spec->test_size, n_units), nv = part_size(spec->valid_size, n_units);
    for (size_t i = 0; i < n_units; i++)
        where_unit[perm[i]] = i < nt ? HPML_PART_TEST : i < nt + nv ? HPML_PART_VALID : HPML_PART_TRAIN;
    return nt + nv < n_units ? n_units - nt - nv : 0;
}

/* Stratified: per class, a shuffled list; test and valid quotas per class by
 * largest remainder so that totals match round(frac * n). */
static hpml_status assign_stratified(uint8_t *where, const hpml_dataset *d, const hpml_split_spec *spec,
                                     hpml_rng *rng)
{
    int k = d->n_classes;
    size_t n = d->n_rows;
    size_t *start = hpml_calloc((size_t)k + 1, sizeof *start);
    uint32_t *byclass = hpml_malloc_array(n, sizeof *byclass);
    size_t *quota = hpml_calloc((size_t)k * 2, sizeof *quota);
    double *rem = hpml_malloc_array((size_t)k, sizeof *rem);
    hpml_status st = HPML_OK;
    if (!start || !byclass || !quota || !rem) {
        st = HPML_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        start[(int)d->target[i] + 1]++;
    for (int c = 0; c < k; c++) {
        if (start[c + 1] < 2) {
            st = hpml_fail(HPML_ERR_DATA,
                           "class '%s' has %zu row: too few to stratify the split (use "
                           "--split random, or drop that class)",
                           d->class_labels[c], start[c + 1]);
            goto out;
        }
        start[c + 1] += start[c];
    }
    {
        size_t *fill = hpml_malloc_array((size_t)k, sizeof *fill);
        if (!fill) {
            st = HPML_ERR_NOMEM;
            goto out;
        }
        memcpy(fill, start, (size_t)k * sizeof *fill);
        for (size_t i = 0; i < n; i++)
            byclass[fill[(int)d->target[i]]++] = (uint32_t)i;
        hpml_free(fill);
    }
    double fracs[2] = {spec->test_size, spec->valid_size};
    for (int part = 0; part < 2; part++) {
        size_t total = part_size(fracs[part], n), given = 0;
        for (int c = 0; c < k; c++) {
            double want = fracs[part] * (double)(start[c + 1] - start[c]);
            quota[part * k + c] = (size_t)floor(want);
            rem[c] = want - floor(want);
            given += quota[part * k + c];
        }
        while (given < total) { /* largest remainder, lowest class on ties */
            int best = 0;
            for (int c = 1; c < k; c++)
                if (rem[c] > rem[best])
                    best = c;
            quota[part * k + best]++;
            rem[best] = -1;
            given++;
        }
    }
    for (int c = 0; c < k; c++) {
        uint32_t *rows = byclass + start[c];
        size_t m = start[c + 1] - start[c];
        hpml_rng_shuffle_u32(rng, rows, m);
        size_t nt = quota[c], nv = quota[k + c];
        if (nt + nv >= m) { /* keep one training row per class */
            st = hpml_fail(HPML_ERR_DATA, "class '%s' has %zu rows: too few for the test and "
                           "validation fractions asked", d->class_labels[c], m);
            goto out;
        }
        for (size_t i = 0; i < m; i++)
            where[rows[i]] = i < nt ? HPML_PART_TEST : i < nt + nv ? HPML_PART_VALID : HPML_PART_TRAIN;
    }
out:
    hpml_free(start);
    hpml_free(byclass);
    hpml_free(quota);
    hpml_free(rem);
    return st;
}

/* Group ids per dataset row from the table column (categorical code or
 * numeric value), numbered 0..G-1 in order of first appearance. */
static hpml_status group_ids(const hpml_dataset *d, const char *name, uint32_t *gid, size_t *n_groups)
{
    const hpml_table *t = d->t;
    int col = hpml_table_find_col(t, name);
    if (col < 0)
        return hpml_fail(HPML_ERR_DATA, "%s: no column named '%s' (group column)", t->source, name);
    const table_column *tc = &t->cols[col];
    hpml_dict ids;
    hpml_dict_init(&ids);
    hpml_status st = HPML_OK;
    for (size_t i = 0; i < d->n_rows && st == HPML_OK; i++) {
        size_t r = d->rows ? d->rows[i] : i;
        int32_t code;
        if (tc->type == HPML_COL_CATEGORICAL) {
            int32_t v = ((const int32_t *)tc->data)[r];
            if (v < 0)
                goto missing;
            st = hpml_dict_intern(&ids, (const char *)&v, sizeof v, &code);
        } else {
            float v = ((const float *)tc->data)[r];
            if (isnan(v))
                goto missing;
            if (v == 0.0f)
                v = 0.0f; /* -0 and +0 are one group */
            st = hpml_dict_intern(&ids, (const char *)&v, sizeof v, &code);
        }
        gid[i] = (uint32_t)code;
        continue;
    missing:
        st = hpml_fail_at(HPML_ERR_DATA, t->source, hpml_table_row_line(t, r), 0,
                          "group column '%s' is missing a value: every row needs a group", name);
    }
    *n_groups = (size_t)ids.n;
    hpml_dict_free(&ids);
    return st;
}

static hpml_status validate_spec(const hpml_dataset *d, const hpml_split_spec *sp)
{
    if (sp->kind < HPML_SPLIT_AUTO || sp->kind > HPML_SPLIT_GROUP)
        return hpml_fail(HPML_ERR_ARG, "unknown split kind %d", (int)sp->kind);
    if (sp->folds == 1 || sp->folds < 0)
        return hpml_fail(HPML_ERR_ARG, "folds must be 0 (one split) or at least 2, got %d", sp->folds);
    if (sp->folds) {
        if ((size_t)sp->folds > d->n_rows)
            return hpml_fail(HPML_ERR_ARG, "%d folds need at least %d rows; the data has %zu",
                             sp->folds, sp->folds, d->n_rows);
        if (sp->folds > 255)
            return hpml_fail(HPML_ERR_ARG, "at most 255 folds, got %d", sp->folds);
    } else {
        if (!(sp->test_size > 0 && sp->test_size < 1))
            return hpml_fail(HPML_ERR_ARG, "test size must be a fraction in (0, 1), got %g",
                             sp->test_size);
        if (!(sp->valid_size >= 0 && sp->valid_size < 1) || sp->test_size + sp->valid_size >= 1)
            return hpml_fail(HPML_ERR_ARG, "valid size must be in [0, 1) and test + valid < 1; "
                             "got test %g, valid %g", sp->test_size, sp->valid_size);
        size_t need = 2 + (sp->valid_size > 0);
        if (d->n_rows < need)
            return hpml_fail(HPML_ERR_DATA, "%zu rows are too few to split into %zu parts",
                             d->n_rows, need);
    }
    if (sp->kind == HPML_SPLIT_GROUP && (!sp->group_col || !*sp->group_col))
        return hpml_fail(HPML_ERR_ARG, "a group split needs a group column");
    if (sp->kind == HPML_SPLIT_STRATIFIED && d->task == HPML_TASK_REGRESSION)
        return hpml_fail(HPML_ERR_ARG, "a stratified split needs a classification target");
    return HPML_OK;
}

typedef struct group_order {
    size_t size;
    uint32_t pos, g; /* position in the shuffled order, group id */
} group_order;

static int cmp_group_order(const void *a, const void *b)
{
    const group_order *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Group k-fold: groups in seeded random order, then largest first into the
 * fold with the fewest rows so far (lowest fold on ties). */
static hpml_status group_kfold(uint8_t *where_group, const size_t *gsize, size_t G, int k,
                               hpml_rng *rng, uint32_t *perm)
{
    group_order *order = hpml_malloc_array(G, sizeof *order);
    if (!order)
        return HPML_ERR_NOMEM;
    for (size_t g = 0; g < G; g++)
        perm[g] = (uint32_t)g;
    hpml_rng_shuffle_u32(rng, perm, G);
    for (size_t i = 0; i < G; i++)
        order[i] = (group_order){gsize[perm[i]], (uint32_t)i, perm[i]};
    qsort(order, G, sizeof *order, cmp_group_order);
    size_t load[256] = {0};
    for (size_t i = 0; i < G; i++) {
        int best = 0;
        for (int f = 1; f < k; f++)
            if (load[f] < load[best])
                best = f;
        where_group[order[i].g] = (uint8_t)best;
        load[best] += order[i].size;
    }
    hpml_free(order);
    return HPML_OK;
}

/* Stratified k-fold: each class's rows shuffled, then dealt round-robin,
 * the deal continuing across classes so fold sizes differ by at most one. */
static hpml_status stratified_kfold(uint8_t *where, const hpml_dataset *d, int k, hpml_rng *rng,
                                    uint32_t *perm)
{
    size_t n = d->n_rows;
    size_t *start = hpml_calloc((size_t)d->n_classes + 1, sizeof *start);
    if (!start)
        return HPML_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        start[(int)d->target[i] + 1]++;
    for (int c = 0; c < d->n_classes; c++)
        start[c + 1] += start[c];
    for (size_t i = 0; i < n; i++) /* counting sort by class, stable */
        perm[start[(int)d->target[i]]++] = (uint32_t)i;
    size_t dealt = 0, from = 0;
    for (int c = 0; c < d->n_classes; c++) {
        size_t to = start[c];
        hpml_rng_shuffle_u32(rng, perm + from, to - from);
        for (size_t i = from; i < to; i++)
            where[perm[i]] = (uint8_t)(dealt++ % (size_t)k);
        from = to;
    }
    hpml_free(start);
    return HPML_OK;
}

hpml_status hpml_split_create(const hpml_dataset *d, const hpml_split_spec *spec, hpml_split **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_split_create: out is NULL");
    *out = NULL;
    if (!d || !spec)
        return hpml_fail(HPML_ERR_ARG, "hpml_split_create: dataset and spec are required");
    hpml_status st = validate_spec(d, spec);
    if (st != HPML_OK)
        return st;
    size_t n = d->n_rows;
    hpml_split_kind kind = spec->kind;
    if (kind == HPML_SPLIT_AUTO)
        kind = d->task == HPML_TASK_REGRESSION ? HPML_SPLIT_RANDOM : HPML_SPLIT_STRATIFIED;
    hpml_rng rng;
    hpml_rng_seed(&rng, spec->seed);
    uint8_t *where = hpml_malloc(n);
    uint32_t *perm = hpml_malloc_array(n, sizeof *perm);
    uint32_t *gid = NULL;
    uint8_t *where_g = NULL;
    size_t *gsize = NULL;
    hpml_split *s = hpml_calloc(1, sizeof *s);
    if (!where || !perm || !s) {
        st = HPML_ERR_NOMEM;
        goto out;
    }
    if (kind == HPML_SPLIT_GROUP) {
        size_t G = 0;
        if (!(gid = hpml_malloc_array(n, sizeof *gid))) {
            st = HPML_ERR_NOMEM;
            goto out;
        }
        if ((st = group_ids(d, spec->group_col, gid, &G)) != HPML_OK)
            goto out;
        size_t need = spec->folds ? (size_t)spec->folds : 2 + (spec->valid_size > 0);
        if (G < need) {
            st = hpml_fail(HPML_ERR_DATA, "group column '%s' has %zu distinct value%s: too few "
                           "for %zu parts", spec->group_col, G, G == 1 ? "" : "s", need);
            goto out;
        }
        where_g = hpml_malloc(G);
        gsize = hpml_calloc(G, sizeof *gsize);
        if (!where_g || !gsize) {
            st = HPML_ERR_NOMEM;
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            gsize[gid[i]]++;
        if (spec->folds) {
            if ((st = group_kfold(where_g, gsize, G, spec->folds, &rng, perm)) != HPML_OK)
                goto out;
        } else {
            if (assign_random(where_g, G, spec, &rng, perm) == 0) {
                st = hpml_fail(HPML_ERR_DATA, "group column '%s' has %zu groups: none left for "
                               "training after the test and validation groups", spec->group_col, G);
                goto out;
            }
        }
        for (size_t i = 0; i < n; i++)
            where[i] = where_g[gid[i]];
    } else if (spec->folds) {
        if (kind == HPML_SPLIT_STRATIFIED) {
            if ((st = stratified_kfold(where, d, spec->folds, &rng, perm)) != HPML_OK)
                goto out;
        } else {
            for (size_t i = 0; i < n; i++)
                perm[i] = (uint32_t)i;
            hpml_rng_shuffle_u32(&rng, perm, n);
            for (size_t i = 0; i < n; i++)
                where[perm[i]] = (uint8_t)(i * (size_t)spec->folds / n);
        }
    } else if (kind == HPML_SPLIT_STRATIFIED) {
        if ((st = assign_stratified(where, d, spec, &rng)) != HPML_OK)
            goto out;
    } else if (assign_random(where, n, spec, &rng, perm) == 0) {
        st = hpml_fail(HPML_ERR_DATA, "%zu rows are too few for test size %g and valid size %g: "
                       "no rows left for training", n, spec->test_size, spec->valid_size);
        goto out;
    }
    st = build_from_labels(s, where, n, spec->folds);
out:
    hpml_free(where);
    hpml_free(perm);
    hpml_free(gid);
    hpml_free(where_g);
    hpml_free(gsize);
    if (st != HPML_OK) {
        hpml_split_free(s);
        return st;
    }
    *out = s;
    return HPML_OK;
}
