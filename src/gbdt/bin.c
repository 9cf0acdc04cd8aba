/* bin.c — quantile cuts (XGBoost-compatible sketch) from a deterministic sample,
 * then uint8 codes. */
#include "gbdt/bin.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Numeric cuts: XGBoost 1.7's weighted quantile sketch as its hist method
 * builds the cuts (a WQSketch per feature fed in row order, its summary
 * pruned to min(n, 8 max_bin) entries, then to min(n, max_bin) + 1, whose
 * entries 1.. are the cuts), with unit weights. Ranks are float there, so
 * they are float here too: the prune targets round the same way and the
 * cuts come out identical (test_bin.c checks them against XGBoost's). */

/* A summary entry: a value and bounds on its rank. Ranks are whole numbers
 * below 2^24 (at most BIN_SAMPLE values), so float holds them exactly. */
typedef struct sk_entry {
    float rmin, rmax, wmin, value;
} sk_entry;

typedef struct sk_summary {
    sk_entry *data;
    size_t size;
} sk_summary;

/* A queued value; a run of one value in row order shares an entry. */
typedef struct sk_qentry {
    uint32_t key; /* order-preserving image of the value (float_key) */
    float weight;
} sk_qentry;

#define SK_LEVELS 64 /* level l summarises 2^(l-1) queue flushes: ample */

typedef struct sketch {
    size_t limit;                /* entries a level keeps (XGBoost's limit_size) */
    size_t qcap, qtail;          /* queue capacity 2 * limit */
    sk_qentry *queue, *qtmp;     /* qcap each; qtmp is radix-sort scratch */
    sk_summary temp, out;        /* qcap + 1 entries each */
    sk_summary level[SK_LEVELS]; /* limit + 1 entries each, made on first use */
    int n_levels;                /* levels made; level[0] is scratch */
} sketch;

static uint32_t float_key(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u & 0x80000000u ? ~u : u | 0x80000000u;
}

static float key_float(uint32_t k)
{
    uint32_t u = k & 0x80000000u ? k & 0x7fffffffu : ~k;
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Sorts q[0..n) by key: LSD radix, a byte a pass, skipping a pass where every
 * key has the same byte. tmp has room for n entries. */
static void sort_queue(sk_qentry *q, sk_qentry *tmp, size_t n)
{
    sk_qentry *src = q, *dst = tmp;
    for (int shift = 0; shift < 32 && n > 1; shift += 8) {
        size_t at[257] = {0};
        for (size_t i = 0; i < n; i++)
            at[((src[i].key >> shift) & 255) + 1]++;
        if (at[((src[0].key >> shift) & 255) + 1] == n)
            continue;
        for (int b = 0; b < 256; b++)
            at[b + 1] += at[b];
        for (size_t i = 0; i < n; i++)
            dst[at[(src[i].key >> shift) & 255]++] = src[i];
        sk_qentry *t = src;
        src = dst;
        dst = t;
    }
    if (src != q)
        memcpy(q, src, n * sizeof *q);
}

static void sk_copy(sk_summary *dst, const sk_summary *src)
{
    memcpy(dst->data, src->data, src->size * sizeof *src->data);
    dst->size = src->size;
}

/* The queue as a summary: each distinct value with its exact rank range. */
static void sk_queue_summary(sketch *s, sk_summary *out)
{
    sort_queue(s->queue, s->qtmp, s->qtail);
    float wsum = 0;
    out->size = 0;
    for (size_t i = 0; i < s->qtail;) {
        float w = s->queue[i].weight;
        size_t j = i + 1;
        for (; j < s->qtail && s->queue[j].key == s->queue[i].key; j++)
            w += s->queue[j].weight;
        out->data[out->size++] = (sk_entry){wsum, wsum + w, w, key_float(s->queue[i].key)};
        wsum += w;
        i = j;
    }
}

/* dst = at most maxsize entries of src: the first, the last, and between them
 * the entries nearest to maxsize - 2 evenly spaced ranks. */
static void sk_prune(sk_summary *dst, const sk_summary *src, size_t maxsize)
{
    if (src->size <= maxsize) {
        sk_copy(dst, src);
        return;
    }
    const sk_entry *e = src->data;
    const size_t last = src->size - 1, n = maxsize - 1;
    const float begin = e[0].rmax, range = e[last].rmin - e[0].rmax;
    dst->data[0] = e[0];
    dst->size = 1;
    size_t i = 1, taken = 0;
    for (size_t k = 1; k < n; k++) {
        float dx2 = 2.0f * ((float)k * range / (float)n + begin); /* twice the target rank */
        while (i < last && dx2 >= e[i + 1].rmax + e[i + 1].rmin)
            i++;
        if (i == last)
            break;
        size_t pick = dx2 < (e[i].rmin + e[i].wmin) + (e[i + 1].rmax - e[i + 1].wmin) ? i : i + 1;
        if (pick != taken)
            dst->data[dst->size++] = e[taken = pick];
    }
    if (taken != last)
        dst->data[dst->size++] = e[last];
}

/* dst = the merge of summaries a and b (room for a->size + b->size). */
static void sk_combine(sk_summary *dst, const sk_summary *a, const sk_summary *b)
{
    if (a->size == 0 || b->size == 0) {
        sk_copy(dst, a->size ? a : b);
        return;
    }
    const sk_entry *pa = a->data, *ea = pa + a->size, *pb = b->data, *eb = pb + b->size;
    float a_next = 0, b_next = 0; /* rmin just past the last entry taken from a, b */
    sk_entry *o = dst->data;
    while (pa != ea && pb != eb) {
        if (pa->value == pb->value) {
            *o++ = (sk_entry){pa->rmin + pb->rmin, pa->rmax + pb->rmax, pa->wmin + pb->wmin,
                              pa->value};
            a_next = pa->rmin + pa->wmin;
            b_next = pb->rmin + pb->wmin;
            pa++, pb++;
        } else if (pa->value < pb->value) {
            *o++ = (sk_entry){pa->rmin + b_next, pa->rmax + (pb->rmax - pb->wmin), pa->wmin,
                              pa->value};
            a_next = pa->rmin + pa->wmin;
            pa++;
        } else {
            *o++ = (sk_entry){pb->rmin + a_next, pb->rmax + (pa->rmax - pa->wmin), pb->wmin,
                              pb->value};
            b_next = pb->rmin + pb->wmin;
            pb++;
        }
    }
    for (float b_rmax = eb[-1].rmax; pa != ea; pa++)
        *o++ = (sk_entry){pa->rmin + b_next, pa->rmax + b_rmax, pa->wmin, pa->value};
    for (float a_rmax = ea[-1].rmax; pb != eb; pb++)
        *o++ = (sk_entry){pb->rmin + a_next, pb->rmax + a_rmax, pb->wmin, pb->value};
    dst->size = (size_t)(o - dst->data);
    /* re-establish rmin, rmax non-decreasing and rmax >= rmin + wmin */
    float prev_rmin = 0, prev_rmax = 0;
    for (size_t i = 0; i < dst->size; i++) {
        sk_entry *d = &dst->data[i];
        if (d->rmin < prev_rmin)
            d->rmin = prev_rmin;
        else
            prev_rmin = d->rmin;
        if (d->rmax < prev_rmax)
            d->rmax = prev_rmax;
        if (d->rmax < d->rmin + d->wmin)
            d->rmax = d->rmin + d->wmin;
        prev_rmax = d->rmax;
    }
}

static int sk_make_levels(sketch *s, int n)
{
    for (; s->n_levels < n; s->n_levels++) {
        s->level[s->n_levels].data = hpml_malloc_array(s->limit + 1, sizeof(sk_entry));
        if (!s->level[s->n_levels].data)
            return -1;
        s->level[s->n_levels].size = 0;
    }
    return 0;
}

/* The full queue, summarised into temp, goes up the levels: merged with each
 * occupied level until the merge fits in one level. */
static int sk_flush(sketch *s)
{
    sk_queue_summary(s, &s->temp);
    s->qtail = 0;
    for (int l = 1; l < SK_LEVELS; l++) {
        if (sk_make_levels(s, l + 1))
            return -1;
        if (s->level[l].size == 0) {
            sk_prune(&s->level[l], &s->temp, s->limit);
            return 0;
        }
        sk_prune(&s->level[0], &s->temp, s->limit);
        sk_combine(&s->temp, &s->level[0], &s->level[l]);
        if (s->temp.size <= s->limit) {
            sk_copy(&s->level[l], &s->temp);
            return 0;
        }
        s->level[l].size = 0;
    }
    return -1; /* unreachable: 2^63 flushes */
}

static int sk_push(sketch *s, uint32_t key)
{
    if (s->qtail == s->qcap && s->queue[s->qtail - 1].key != key && sk_flush(s))
        return -1;
    if (s->qtail && s->queue[s->qtail - 1].key == key)
        s->queue[s->qtail - 1].weight += 1.0f;
    else
        s->queue[s->qtail++] = (sk_qentry){key, 1.0f};
    return 0;
}

/* The sketch's summary of everything pushed, in s->out. */
static void sk_summarize(sketch *s)
{
    sk_queue_summary(s, &s->out);
    if (s->n_levels == 0) {
        if (s->out.size > s->limit) {
            sk_prune(&s->temp, &s->out, s->limit);
            sk_copy(&s->out, &s->temp);
        }
        return;
    }
    sk_summary *acc = &s->level[0];
    sk_prune(acc, &s->out, s->limit);
    for (int l = 1; l < s->n_levels; l++) {
        if (s->level[l].size == 0)
            continue;
        if (acc->size == 0) {
            sk_copy(acc, &s->level[l]);
        } else {
            sk_combine(&s->out, acc, &s->level[l]);
            sk_prune(acc, &s->out, s->limit);
        }
    }
    sk_copy(&s->out, acc);
}

/* XGBoost's level size for n values at accuracy eps: the smallest number of
 * levels L with 2^L limit >= n, limit = min(n, ceil(L / eps) + 1). */
static size_t sk_limit_size(size_t n, double eps)
{
    for (size_t nlevel = 1;; nlevel++) {
        size_t limit = (size_t)ceil((double)nlevel / eps) + 1;
        if (limit > n)
            limit = n;
        if (nlevel >= 63 || ((size_t)1 << nlevel) * limit >= n)
            return limit;
    }
}

static void sk_free(sketch *s)
{
    hpml_free(s->queue);
    hpml_free(s->qtmp);
    hpml_free(s->temp.data);
    hpml_free(s->out.data);
    for (int l = 0; l < s->n_levels; l++)
        hpml_free(s->level[l].data);
}

int gbdt_bin_cuts(float *v, size_t n, int max_bin, double *out)
{
    if (n == 0)
        return 0;
    size_t nb = n < (size_t)max_bin ? n : (size_t)max_bin;
    double eps = 1.0 / (double)((float)nb * 8.0f); /* as XGBoost: a float product */
    sketch s = {0};
    s.limit = sk_limit_size(n, eps);
    s.qcap = 2 * s.limit;
    s.queue = hpml_malloc_array(s.qcap, sizeof *s.queue);
    s.qtmp = hpml_malloc_array(s.qcap, sizeof *s.qtmp);
    s.temp.data = hpml_malloc_array(s.qcap + 1, sizeof *s.temp.data);
    s.out.data = hpml_malloc_array(s.qcap + 1, sizeof *s.out.data);
    int k = -1;
    if (!s.queue || !s.qtmp || !s.temp.data || !s.out.data)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (sk_push(&s, float_key(v[i] == 0.0f ? 0.0f : v[i]))) /* -0 and +0 are one value */
            goto out;
    sk_summarize(&s);
    /* the two prunes of XGBoost's AllReduce and MakeCuts */
    size_t n_cuts = (size_t)((float)max_bin * 8.0f);
    n_cuts = n < n_cuts ? n : n_cuts;
    size_t n_bins = n_cuts < (size_t)max_bin ? n_cuts : (size_t)max_bin;
    sk_prune(&s.temp, &s.out, n_cuts);
    sk_prune(&s.out, &s.temp, n_bins + 1);
    /* entry 0 is the minimum, below every cut; XGBoost's last cut, above the
     * maximum, is implicit here (the last bin is open) */
    size_t m = s.out.size < n_bins ? s.out.size : n_bins;
    k = 0;
    for (size_t i = 1; i < m; i++)
        if (k == 0 || s.out.data[i].value > out[k - 1])
            out[k++] = s.out.data[i].value;
out:
    sk_free(&s);
    return k;
}

size_t gbdt_pitch_for(int n)
{
    size_t need = n > 0 ? (size_t)n : 1, p = 1;
    if (need > 64)
        p = (need + 63) / 64 * 64;
    else
        while (p < need)
            p *= 2;
    return p - need <= need / 3 ? p : need;
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
    size_t bytes = (size_t)gbdt_n_fact(b) * (b->n_rows ? b->n_rows : 1),
           row_bytes = gbdt_pitch(b) * (b->n_rows ? b->n_rows : 1);
    hpml_big_free(b->codes, row_bytes ? row_bytes : 1);
    hpml_big_free(b->codes_col, bytes ? bytes : 1);
    for (int t = 0; b->dims && t < b->n_dims; t++) {
        gbdt_dim *D = &b->dims[t];
        size_t db = (D->n_keys + 1) * (size_t)D->n_feat;
        hpml_big_free(D->key, (b->n_rows ? b->n_rows : 1) * sizeof *D->key);
        hpml_big_free(D->codes, db);
        hpml_big_free(D->codes_col, db);
    }
    hpml_free(b->dims);
    hpml_free(b->feat_dim);
    hpml_free(b->hist_off);
    memset(b, 0, sizeof *b);
}

size_t gbdt_keysum_stride(const gbdt_bins *b, int counted)
{
    size_t most = 0;
    for (int t = 0; b->dims && t < b->n_dims; t++)
        most = b->dims[t].n_keys + 1 > most ? b->dims[t].n_keys + 1 : most;
    return most * (counted ? 3 : 2); /* sums, (counts,) the list of keys present */
}

/* The blocks of a star schema (b->n_features set): fact features first,
 * then each joined table's, as datasets lay them out. Tables without
 * features get no block. A layout of any other shape is binned as one
 * table (no blocks): correct, only not factorised. */
static hpml_status dim_blocks(const hpml_dataset *d, const uint32_t *rows, size_t n,
                              gbdt_bins *b)
{
    const int nf = b->n_features, nj = hpml_dataset_n_joins(d);
    if (nj == 0)
        return HPML_OK;
    int n_fact = 0, n_dims = 0, prev = -1;
    while (n_fact < nf && hpml_dataset_feature_join(d, n_fact) < 0)
        n_fact++;
    for (int j = n_fact; j < nf; j++) {
        int t = hpml_dataset_feature_join(d, j);
        if (t < prev || t < 0)
            return HPML_OK; /* not blocks */
        n_dims += t != prev;
        prev = t;
    }
    if (n_dims == 0)
        return HPML_OK;
    b->n_fact = n_fact;
    b->dims = hpml_calloc((size_t)n_dims, sizeof *b->dims);
    b->feat_dim = hpml_malloc_array((size_t)nf, sizeof *b->feat_dim);
    int32_t *tmp = hpml_malloc_array(n ? n : 1, sizeof *tmp);
    hpml_status st = b->dims && b->feat_dim && tmp ? HPML_OK : HPML_ERR_NOMEM;
    for (int j = 0; st == HPML_OK && j < nf; j++) {
        int t = hpml_dataset_feature_join(d, j);
        if (t < 0) {
            b->feat_dim[j] = -1;
            continue;
        }
        if (b->n_dims == 0 || hpml_dataset_feature_join(d, b->dims[b->n_dims - 1].first) != t) {
            gbdt_dim *D = &b->dims[b->n_dims++];
            D->first = j;
            D->n_keys = hpml_dataset_join_n_rows(d, t);
            if (!(D->key = hpml_big_alloc((n ? n : 1) * sizeof *D->key))) {
                st = HPML_ERR_NOMEM;
                break;
            }
            if ((st = hpml_dataset_join_rows(d, t, rows, n, tmp)) != HPML_OK)
                break;
            for (size_t i = 0; i < n; i++)
                D->key[i] = tmp[i] < 0 ? (uint32_t)D->n_keys : (uint32_t)tmp[i];
        }
        b->feat_dim[j] = b->n_dims - 1;
        b->dims[b->n_dims - 1].n_feat++;
    }
    for (int t = 0; st == HPML_OK && t < b->n_dims; t++) {
        gbdt_dim *D = &b->dims[t];
        size_t db = (D->n_keys + 1) * (size_t)D->n_feat;
        D->codes = hpml_big_alloc(db);
        D->codes_col = hpml_big_alloc(db);
        if (!D->codes || !D->codes_col)
            st = HPML_ERR_NOMEM;
        else
            memset(D->codes_col, 0, db); /* row n_keys stays 0: missing */
    }
    hpml_free(tmp);
    return st;
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

static hpml_status bins_build(const hpml_dataset *d, const uint32_t *all, size_t n_all,
                              const uint32_t *rows, size_t n, int max_bin, int threads,
                              gbdt_bins *b);

hpml_status gbdt_bins_build(const hpml_dataset *d, const uint32_t *rows, size_t n, int max_bin,
                            int threads, gbdt_bins *b)
{
    return gbdt_bins_build_part(d, rows, n, 0, n, max_bin, threads, b);
}

hpml_status gbdt_bins_build_part(const hpml_dataset *d, const uint32_t *all, size_t n_all,
                                 size_t lo, size_t hi, int max_bin, int threads, gbdt_bins *b)
{
    memset(b, 0, sizeof *b);
    if (max_bin < 2 || max_bin > 255)
        return hpml_fail(HPML_ERR_ARG, "max_bin must be between 2 and 255, got %d", max_bin);
    if (lo > hi || hi > n_all)
        return hpml_fail(HPML_ERR_ARG, "bad share [%zu, %zu) of %zu rows", lo, hi, n_all);
    /* the rows binned: all[lo..hi) (a list of lo.. when all is NULL) */
    const size_t n = hi - lo;
    uint32_t *own = NULL;
    const uint32_t *rows = all ? all + lo : NULL;
    if (!all && lo > 0) {
        if (!(own = hpml_malloc_array(n ? n : 1, sizeof *own)))
            return hpml_fail(HPML_ERR_NOMEM, "out of memory while binning");
        for (size_t i = 0; i < n; i++)
            own[i] = (uint32_t)(lo + i);
        rows = own;
    }
    hpml_status st = bins_build(d, all, n_all, rows, n, max_bin, threads, b);
    hpml_free(own);
    return st;
}

/* Bins rows[0..n) with cuts from a sample of all[0..n_all) (NULL: 0..). */
static hpml_status bins_build(const hpml_dataset *d, const uint32_t *all, size_t n_all,
                              const uint32_t *rows, size_t n, int max_bin, int threads,
                              gbdt_bins *b)
{
    int nf = hpml_dataset_n_features(d);
    b->n_features = nf;
    b->n_rows = n;
    b->max_bin = max_bin;
    b->n_bins = hpml_calloc((size_t)nf, sizeof *b->n_bins);
    b->categorical = hpml_calloc((size_t)nf, sizeof *b->categorical);
    b->n_categories = hpml_calloc((size_t)nf, sizeof *b->n_categories);
    b->cuts = hpml_calloc((size_t)nf, sizeof *b->cuts);
    b->cat_bin = hpml_calloc((size_t)nf, sizeof *b->cat_bin);
    hpml_status st = b->n_bins && b->categorical && b->n_categories && b->cuts && b->cat_bin
                         ? dim_blocks(d, rows, n, b)
                         : HPML_ERR_NOMEM;
    if (st != HPML_OK) {
        gbdt_bins_free(b);
        return st == HPML_ERR_NOMEM ? hpml_fail(HPML_ERR_NOMEM, "out of memory while binning")
                                    : st;
    }
    /* Binned column by column (one feature per task), then transposed. */
    const int nfact = gbdt_n_fact(b);
    const size_t fact_bytes = (size_t)nfact * (n ? n : 1);
    b->pitch = gbdt_pitch_for(nfact);
    const size_t pitch = b->pitch, row_bytes = pitch * (n ? n : 1);
    uint8_t *cols = hpml_big_alloc(fact_bytes ? fact_bytes : 1);
    b->codes = hpml_big_alloc(row_bytes ? row_bytes : 1);
    if (!b->codes || !cols) {
        hpml_big_free(cols, fact_bytes ? fact_bytes : 1);
        gbdt_bins_free(b);
        return HPML_ERR_NOMEM;
    }
    /* The sample: every stride-th of all the rows (not only those binned
     * here), the same for any thread and process count. */
    size_t stride = n_all > BIN_SAMPLE ? (n_all + BIN_SAMPLE - 1) / BIN_SAMPLE : 1,
           ns = (n_all + stride - 1) / stride;
    uint32_t *srows = hpml_malloc_array(ns ? ns : 1, sizeof *srows);
    if (!srows) {
        hpml_big_free(cols, fact_bytes ? fact_bytes : 1);
        gbdt_bins_free(b);
        return HPML_ERR_NOMEM;
    }
    for (size_t i = 0; i < ns; i++)
        srows[i] = all ? all[i * stride] : (uint32_t)(i * stride);
    int nt = threads ? threads : omp_get_max_threads();
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
                if (nc < 0) {
                    mine = HPML_ERR_NOMEM;
                    continue;
                }
                /* the threshold of a split sending every value left (and
                 * missing right): above every finite value */
                cuts[nc] = INFINITY;
                b->n_bins[j] = nc + 1;
            }
            if (mine != HPML_OK)
                continue;
            /* codes of every row (of a joined table's feature: of every
             * dimension row), in slices of 4096 gathered values */
            const gbdt_dim *D = b->feat_dim && b->feat_dim[j] >= 0 ? &b->dims[b->feat_dim[j]]
                                                                     : NULL;
            const size_t nr = D ? D->n_keys : n;
            uint8_t *out = D ? D->codes_col + (size_t)(j - D->first) * (D->n_keys + 1)
                             : cols + (size_t)j * n;
            for (size_t at = 0; at < nr && mine == HPML_OK; at += 4096) {
                size_t m = nr - at < 4096 ? nr - at : 4096;
                uint32_t idx[4096];
                for (size_t i = 0; i < m; i++)
                    idx[i] = rows && !D ? rows[at + i] : (uint32_t)(at + i);
                if ((mine = D ? hpml_dataset_gather_dim(d, j, idx, m, vals)
                              : hpml_dataset_gather(d, j, idx, m, vals)) != HPML_OK)
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
            memset(b->codes + i0 * pitch, 0, (i1 - i0) * pitch);
            for (int j = 0; j < nfact; j++)
                for (size_t i = i0; i < i1; i++)
                    b->codes[i * pitch + (size_t)j] = cols[(size_t)j * n + i];
        }
        if (b->dims) { /* histogram layout: fact features 256 bins, the others their own */
            if (!(b->hist_off = hpml_malloc_array((size_t)nf + 1, sizeof *b->hist_off)))
                st = HPML_ERR_NOMEM;
            else
                b->hist_off[0] = 0;
            for (int j = 0; st == HPML_OK && j < nf; j++)
                b->hist_off[j + 1] = b->hist_off[j] +
                                     (b->feat_dim[j] < 0 ? 256 : (size_t)b->n_bins[j] + 1);
        }
        for (int t = 0; b->dims && t < b->n_dims; t++) {
            gbdt_dim *D = &b->dims[t];
            size_t nk = D->n_keys + 1;
            for (int f = 0; f < D->n_feat; f++)
                for (size_t k = 0; k < nk; k++)
                    D->codes[k * (size_t)D->n_feat + (size_t)f] = D->codes_col[(size_t)f * nk + k];
        }
    }
    b->codes_col = cols; /* kept: a split's partition reads one feature's codes */
    if (st != HPML_OK) {
        gbdt_bins_free(b);
        return st == HPML_ERR_NOMEM ? hpml_fail(HPML_ERR_NOMEM, "out of memory while binning")
                                    : hpml_fail(st, "binning failed");
    }
    return HPML_OK;
}
