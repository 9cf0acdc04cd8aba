/* bin.c — quantile cuts from a deterministic sample, then uint8 codes. */
#include "gbdt/bin.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

int gbdt_bin_cuts(float *v, size_t n, int max_bin, double *out)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == 0.0f)
            v[i] = 0.0f; /* -0 and +0 are one value */
    qsort(v, n, sizeof *v, cmp_float);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        distinct += i == 0 || v[i] != v[i - 1];
    int k = 0;
    if (distinct <= (size_t)max_bin) { /* one bin per value */
        for (size_t i = 1; i < n; i++)
            if (v[i] != v[i - 1])
                out[k++] = v[i];
        return k;
    }
    /* Greedy equal-count bins over the distinct values (as LightGBM does): a
     * new bin starts at the first value after the current bin has reached
     * the mean size of the bins still to fill, so a heavy value takes a bin
     * of its own and the remaining values share the rest evenly. */
    size_t rest = n, cur = 0;
    double target = (double)n / max_bin;
    for (size_t i = 0; i < n && k < max_bin - 1;) {
        size_t j = i;
        while (j < n && v[j] == v[i])
            j++;
        cur += j - i;
        if ((double)cur >= target && j < n) {
            out[k++] = v[j];
            rest -= cur;
            cur = 0;
            target = (double)rest / (max_bin - k);
        }
        i = j;
    }
    return k;
}

void gbdt_bins_free(gbdt_bins *b)
{
    if (!b)
        return;
    for (int j = 0; j < b->n_features; j++) {
        if (b->cuts)
            hpml_free(b->cuts[j]);
        if (b->cat_bin)
            hpml_free(b->cat_bin[j]);
    }
    hpml_free(b->cuts);
    hpml_free(b->cat_bin);
    hpml_free(b->n_bins);
    hpml_free(b->categorical);
    hpml_free(b->n_categories);
    hpml_big_free(b->codes, (size_t)b->n_features * b->n_rows);
    memset(b, 0, sizeof *b);
}

typedef struct cat_count {
    size_t count;
    int32_t code;
} cat_count;

static int cmp_cat_count(const void *a, const void *b)
{
    const cat_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return (x->code > y->code) - (x->code < y->code);
}

/* Bins of a categorical feature from its sample codes (as floats, NaN missing). */
static hpml_status categorical_bins(gbdt_bins *b, int j, const float *sample, size_t ns,
                                    int32_t ncat)
{
    cat_count *cc = hpml_calloc((size_t)(ncat ? ncat : 1), sizeof *cc);
    b->cat_bin[j] = hpml_calloc((size_t)(ncat ? ncat : 1), 1);
    if (!cc || !b->cat_bin[j]) {
        hpml_free(cc);
        return HPML_ERR_NOMEM;
    }
    for (int32_t c = 0; c < ncat; c++)
        cc[c].code = c;
    for (size_t i = 0; i < ns; i++)
        if (sample[i] == sample[i])
            cc[(int32_t)sample[i]].count++;
    if (ncat > b->max_bin) /* most frequent first; the rest share the last bin */
        qsort(cc, (size_t)ncat, sizeof *cc, cmp_cat_count);
    for (int32_t r = 0; r < ncat; r++)
        b->cat_bin[j][cc[r].code] = (uint8_t)(1 + (r < b->max_bin ? r : b->max_bin - 1));
    b->n_bins[j] = ncat < b->max_bin ? (ncat ? ncat : 1) : b->max_bin;
    hpml_free(cc);
    return HPML_OK;
}

hpml_status gbdt_bins_build(const hpml_dataset *d, const uint32_t *rows, size_t n, int max_bin,
                            int threads, gbdt_bins *b)
{
    memset(b, 0, sizeof *b);
    if (max_bin < 2 || max_bin > 255)
        return hpml_fail(HPML_ERR_ARG, "max_bin must be between 2 and 255, got %d", max_bin);
    int nf = hpml_dataset_n_features(d);
    b->n_features = nf;
    b->n_rows = n;
    b->max_bin = max_bin;
    b->n_bins = hpml_calloc((size_t)nf, sizeof *b->n_bins);
    b->categorical = hpml_calloc((size_t)nf, sizeof *b->categorical);
    b->n_categories = hpml_calloc((size_t)nf, sizeof *b->n_categories);
    b->cuts = hpml_calloc((size_t)nf, sizeof *b->cuts);
    b->cat_bin = hpml_calloc((size_t)nf, sizeof *b->cat_bin);
    /* Binned column by column (one feature per task), then transposed. */
    uint8_t *cols = hpml_big_alloc((size_t)nf * (n ? n : 1));
    b->codes = hpml_big_alloc((size_t)nf * (n ? n : 1));
    if (!cols) {
        hpml_big_free(b->codes, (size_t)nf * (n ? n : 1));
        b->codes = NULL;
    }
    if (!b->n_bins || !b->categorical || !b->n_categories || !b->cuts || !b->cat_bin || !b->codes) {
        gbdt_bins_free(b);
        return HPML_ERR_NOMEM;
    }
    /* The sample: every stride-th selected row, the same for any thread count. */
    size_t stride = n > BIN_SAMPLE ? (n + BIN_SAMPLE - 1) / BIN_SAMPLE : 1, ns = (n + stride - 1) / stride;
    uint32_t *srows = hpml_malloc_array(ns ? ns : 1, sizeof *srows);
    if (!srows) {
        hpml_big_free(cols, (size_t)nf * (n ? n : 1));
        gbdt_bins_free(b);
        return HPML_ERR_NOMEM;
    }
    for (size_t i = 0; i < ns; i++)
        srows[i] = rows ? rows[i * stride] : (uint32_t)(i * stride);
    int nt = threads ? threads : omp_get_max_threads();
    hpml_status st = HPML_OK;
#pragma omp parallel num_threads(nt)
    {
        float *vals = hpml_malloc_array((ns > 4096 ? ns : 4096), sizeof *vals);
        hpml_status mine = vals ? HPML_OK : HPML_ERR_NOMEM;
#pragma omp for schedule(dynamic, 1)
        for (int j = 0; j < nf; j++) {
            if (mine != HPML_OK)
                continue;
            /* cuts from the sample */
            if ((mine = hpml_dataset_gather(d, j, srows, ns, vals)) != HPML_OK)
                continue;
            if (hpml_dataset_feature_type(d, j) == HPML_COL_CATEGORICAL) {
                b->categorical[j] = 1;
                b->n_categories[j] = hpml_dataset_feature_n_categories(d, j);
                mine = categorical_bins(b, j, vals, ns, b->n_categories[j]);
            } else {
                size_t k = 0;
                for (size_t i = 0; i < ns; i++)
                    if (vals[i] == vals[i])
                        vals[k++] = vals[i];
                double *cuts = hpml_malloc_array((size_t)max_bin, sizeof *cuts);
                if (!cuts) {
                    mine = HPML_ERR_NOMEM;
                    continue;
                }
                int nc = gbdt_bin_cuts(vals, k, max_bin, cuts);
                b->cuts[j] = cuts;
                b->n_bins[j] = nc + 1;
            }
            if (mine != HPML_OK)
                continue;
            /* codes of every row, in slices of 4096 gathered values */
            uint8_t *out = cols + (size_t)j * n;
            for (size_t at = 0; at < n && mine == HPML_OK; at += 4096) {
                size_t m = n - at < 4096 ? n - at : 4096;
                uint32_t idx[4096];
                for (size_t i = 0; i < m; i++)
                    idx[i] = rows ? rows[at + i] : (uint32_t)(at + i);
                if ((mine = hpml_dataset_gather(d, j, idx, m, vals)) != HPML_OK)
                    break;
                if (b->categorical[j]) {
                    for (size_t i = 0; i < m; i++)
                        out[at + i] = vals[i] == vals[i] ? b->cat_bin[j][(int32_t)vals[i]] : 0;
                } else {
                    for (size_t i = 0; i < m; i++)
                        out[at + i] = gbdt_bin_of(vals[i], b->cuts[j], b->n_bins[j] - 1);
                }
            }
        }
        hpml_free(vals);
        if (mine != HPML_OK) {
#pragma omp critical
            st = mine;
        }
    }
    hpml_free(srows);
    if (st == HPML_OK) {
#pragma omp parallel for schedule(static) num_threads(nt)
        for (size_t i0 = 0; i0 < n; i0 += 1024) { /* transpose in blocks of 1024 rows */
            size_t i1 = i0 + 1024 < n ? i0 + 1024 : n;
            for (int j = 0; j < nf; j++)
                for (size_t i = i0; i < i1; i++)
                    b->codes[i * (size_t)nf + (size_t)j] = cols[(size_t)j * n + i];
        }
    }
    hpml_big_free(cols, (size_t)nf * (n ? n : 1));
    if (st != HPML_OK) {
        gbdt_bins_free(b);
        return st == HPML_ERR_NOMEM ? hpml_fail(HPML_ERR_NOMEM, "out of memory while binning")
                                    : hpml_fail(st, "binning failed");
    }
    return HPML_OK;
}
