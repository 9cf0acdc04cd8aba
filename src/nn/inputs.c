/* inputs.c — encoding a net's inputs part by part (layout in inputs.h). */
#include "nn/inputs.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"


void nn_inputs_free(nn_inputs *in)
{
    for (int k = 0; in->parts && k < in->n_parts; k++) {
        nn_part *q = &in->parts[k];
        hpml_free(q->runs);
        if (q->x && q->x_bytes)
            hpml_big_free(q->x, q->x_bytes);
        hpml_free(q->map);
    }
    hpml_free(in->parts);
    hpml_free(in->t);
    if (in->shared.has_win || in->shared.p)
        dist_shared_free(in->dist, &in->shared);
    memset(in, 0, sizeof *in);
}

/* Part 0 of a one-table dataset over several processes: its rows in memory
 * shared by the node's processes, each encoding its share of them. Every
 * process comes here (the failures before were agreed), and leaves after
 * agreeing on how the encoding went. */
static hpml_status encode_shared(nn_inputs *in, const nn_prep *p, nn_part *q)
{
    const size_t row_bytes = (size_t)q->width * sizeof(float);
    hpml_status st = HPML_OK;
    if (row_bytes && q->n_rows > SIZE_MAX / row_bytes)
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs (%zu rows x %d "
                       "inputs)", q->n_rows, q->width);
    /* the failures of any process so far (the others' failures: they met
     * this check on their way out), then the collective allocation */
    if ((st = dist_check(in->dist, st, NULL)) != HPML_OK)
        return st;
    st = dist_shared_alloc(in->dist, q->n_rows * row_bytes, &in->shared);
    uint32_t *idx = NULL; /* the share's rows when in->rows is NULL (owned) */
    if (st == HPML_OK && in->shared.p) {
        q->x = in->shared.p;
        in->floats += q->n_rows * (size_t)q->width;
        const size_t k = (size_t)in->shared.node_rank, m = (size_t)in->shared.node_size;
        const size_t lo = q->n_rows * k / m, hi = q->n_rows * (k + 1) / m;
        if (!in->rows && hi > lo && (idx = hpml_malloc_array(hi - lo, sizeof *idx)))
            for (size_t i = lo; i < hi; i++)
                idx[i - lo] = (uint32_t)i;
        if (!in->rows && hi > lo && !idx)
            st = hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs");
        else if (hi > lo)
            st = nn_prep_dataset(p, in->d, in->rows ? in->rows + lo : idx, hi - lo,
                                 q->x + lo * (size_t)q->width, NULL);
    }
    hpml_free(idx);
    if ((st = dist_check(in->dist, st, NULL)) != HPML_OK)
        return st;
    return dist_shared_sync(in->dist, &in->shared);
}

/* q->x for q->n_rows x q->width floats (NULL if empty): mapped with huge
 * pages (hpml_big_alloc) when large, so first touch costs a fault per 2 MiB,
 * not per 4 KiB */
static hpml_status part_alloc(nn_inputs *in, nn_part *q)
{
    q->x = NULL;
    q->x_bytes = 0;
    if (!q->n_rows || !q->width)
        return HPML_OK;
    if (q->n_rows > SIZE_MAX / sizeof(float) / (size_t)q->width ||
        !(q->x = hpml_big_alloc(q->n_rows * (size_t)q->width * sizeof(float))))
        return hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs (%zu rows x %d "
                         "inputs)", q->n_rows, q->width);
    q->x_bytes = q->n_rows * (size_t)q->width * sizeof(float);
    in->floats += q->n_rows * (size_t)q->width;
    return HPML_OK;
}

/* The part of each input column (owner[n_in]) -> each part's runs. */
static hpml_status make_runs(nn_inputs *in, const int32_t *owner)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < in->n_parts; k++)
            in->parts[k].n_runs = in->parts[k].width = 0;
        for (int c = 0; c < in->n_in;) {
            int c1 = c + 1;
            while (c1 < in->n_in && owner[c1] == owner[c])
                c1++;
            nn_part *q = &in->parts[owner[c]];
            if (pass)
                q->runs[q->n_runs] = (nn_run){c, c1, q->width};
            q->n_runs++;
            q->width += c1 - c;
            c = c1;
        }
        for (int k = 0; !pass && k < in->n_parts; k++) {
            nn_part *q = &in->parts[k];
            if (q->n_runs && !(q->runs = hpml_malloc_array((size_t)q->n_runs, sizeof *q->runs)))
                return hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs");
        }
    }
    return HPML_OK;
}

/* Part k = 1 + t: the dimension rows of join t that the inputs use, encoded,
 * and the map to them. fcol/icol: columns of each feature in its part. */
static hpml_status make_join_part(nn_inputs *in, const nn_prep *p, int k, const int *feats,
                                  int n_feats, const int32_t *fcol, const int32_t *icol)
{
    nn_part *q = &in->parts[k];
    const int t = k - 1;
    q->n_dim = hpml_dataset_join_n_rows(in->d, t);
    uint32_t *used = NULL;
    hpml_status st = HPML_OK;
    if (!(q->map = hpml_malloc_array(q->n_dim + 1, sizeof *q->map))) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs");
        goto out;
    }
    size_t *count = hpml_malloc_array(q->n_dim + 1, sizeof *count);
    if (!count) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs");
        goto out;
    }
    st = hpml_dataset_join_counts(in->d, t, in->rows, in->n, count);
    for (size_t r = 0; r <= q->n_dim; r++) /* 0: used (numbered below), -1: not */
        q->map[r] = count[r] ? 0 : -1;
    hpml_free(count);
    if (st != HPML_OK)
        goto out;
    size_t n_used = 0;
    for (size_t r = 0; r < q->n_dim; r++)
        n_used += q->map[r] == 0;
    if (!(used = hpml_malloc_array(n_used ? n_used : 1, sizeof *used))) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs");
        goto out;
    }
    for (size_t r = 0, u = 0; r < q->n_dim; r++)
        if (q->map[r] == 0) {
            used[u] = (uint32_t)r;
            q->map[r] = (int32_t)u++;
        }
    const int has_missing = q->map[q->n_dim] == 0;
    if (has_missing)
        q->map[q->n_dim] = (int32_t)n_used;
    q->n_rows = n_used + (size_t)has_missing;
    if ((st = part_alloc(in, q)) != HPML_OK || !q->x)
        goto out;
    if ((st = nn_prep_encode(p, in->d, 1, feats, n_feats, fcol, icol, used, n_used,
                             (size_t)q->width, q->x)) != HPML_OK)
        goto out;
    if (has_missing) { /* every feature missing: as nn_prep_encode encodes NaN */
        float *z = q->x + n_used * (size_t)q->width;
        memset(z, 0, sizeof *z * (size_t)q->width);
        for (int f = 0; f < n_feats; f++)
            if (!p->n_cat[feats[f]] && icol[feats[f]] >= 0)
                z[icol[feats[f]]] = 1.0f;
    }
out:
    hpml_free(used);
    return st;
}

/* A star schema: the parts, their runs, and their encoded rows. */
static hpml_status make_parts(nn_inputs *in, const nn_prep *p)
{
    const int nf = p->n_features;
    int32_t *owner = hpml_malloc_array((size_t)in->n_in, sizeof *owner);
    int32_t *fcol = hpml_malloc_array((size_t)nf, sizeof *fcol);
    int32_t *icol = hpml_malloc_array((size_t)nf, sizeof *icol);
    int *feats = hpml_malloc_array((size_t)nf, sizeof *feats);
    hpml_status st = HPML_OK;
    if (!owner || !fcol || !icol || !feats) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs");
        goto out;
    }
    for (int c = 0; c < in->n_in; c++)
        owner[c] = -1;
    for (int j = 0; j < nf; j++) {
        int k = 1 + hpml_dataset_feature_join(in->d, j);
        if (k >= in->n_parts) {
            st = hpml_fail(HPML_ERR_ARG, "feature %d belongs to join %d of %d", j, k - 1,
                           in->n_parts - 1);
            goto out;
        }
        for (int c = 0; c < (p->n_cat[j] ? p->n_cat[j] : 1); c++)
            owner[p->first[j] + c] = k;
        if (p->indicator[j] >= 0)
            owner[p->indicator[j]] = k;
    }
    for (int c = 0; c < in->n_in; c++)
        if (owner[c] < 0) {
            st = hpml_fail(HPML_ERR_ARG, "net input %d belongs to no feature", c);
            goto out;
        }
    if ((st = make_runs(in, owner)) != HPML_OK)
        goto out;
    /* each input's column in its part: runs map inputs to columns */
    for (int k = 0; k < in->n_parts; k++)
        for (int r = 0; r < in->parts[k].n_runs; r++) {
            const nn_run *u = &in->parts[k].runs[r];
            for (int c = u->lo; c < u->hi; c++)
                owner[c] = u->off + c - u->lo; /* owner is now the column */
        }
    for (int j = 0; j < nf; j++) {
        fcol[j] = owner[p->first[j]];
        icol[j] = p->indicator[j] >= 0 ? owner[p->indicator[j]] : -1;
    }
    for (int k = 0; k < in->n_parts; k++) {
        int n_feats = 0;
        for (int j = 0; j < nf; j++)
            if (1 + hpml_dataset_feature_join(in->d, j) == k)
                feats[n_feats++] = j;
        if (k > 0) {
            if ((st = make_join_part(in, p, k, feats, n_feats, fcol, icol)) != HPML_OK)
                goto out;
            continue;
        }
        nn_part *q = &in->parts[0];
        q->n_rows = in->n;
        if ((st = part_alloc(in, q)) != HPML_OK)
            goto out;
        if (q->x && (st = nn_prep_encode(p, in->d, 0, feats, n_feats, fcol, icol, in->rows,
                                         in->n, (size_t)q->width, q->x)) != HPML_OK)
            goto out;
    }
out:
    hpml_free(owner);
    hpml_free(fcol);
    hpml_free(icol);
    hpml_free(feats);
    return st;
}

hpml_status nn_inputs_make(nn_inputs *in, const nn_prep *p, const hpml_dataset *d,
                           const uint32_t *rows, size_t n, hpml_dist *dist)
{
    memset(in, 0, sizeof *in);
    in->dist = dist;
    in->d = d;
    in->rows = rows;
    in->n = n;
    in->n_in = p->n_inputs;
    in->n_parts = 1 + hpml_dataset_n_joins(d);
    /* several processes, one table: part 0 shared (encode_shared), reached
     * by every process with the failures so far */
    const int shared = dist_size(dist) > 1 && in->n_parts == 1;
    hpml_status st = HPML_OK;
    in->parts = hpml_calloc((size_t)in->n_parts, sizeof *in->parts);
    in->t = hpml_malloc_array(n ? n : 1, (size_t)nn_prep_n_y(p) * sizeof *in->t);
    if (!in->parts || !in->t) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory for %zu rows' targets", n);
        goto fail;
    }
    nn_prep_targets(p, d, rows, n, in->t);
    if (in->n_parts > 1) {
        if ((st = make_parts(in, p)) != HPML_OK)
            goto fail;
        return HPML_OK;
    }
    /* one table: every input in part 0, as nn_prep_dataset encodes it */
    nn_part *q = &in->parts[0];
    if (!(q->runs = hpml_malloc(sizeof *q->runs))) {
        st = hpml_fail(HPML_ERR_NOMEM, "out of memory for the net's inputs");
        goto fail;
    }
    q->n_runs = 1;
    q->runs[0] = (nn_run){0, in->n_in, 0};
    q->width = in->n_in;
    q->n_rows = n;
    if (shared) {
        if ((st = encode_shared(in, p, q)) != HPML_OK)
            goto fail;
        return HPML_OK;
    }
    if ((st = part_alloc(in, q)) != HPML_OK)
        goto fail;
    if (q->x && (st = nn_prep_dataset(p, d, rows, n, q->x, NULL)) != HPML_OK)
        goto fail;
    return HPML_OK;
fail:
    /* a process that failed before the shared part meets the others' first check */
    if (shared && !in->shared.has_win && !in->shared.p)
        st = dist_check(dist, st, NULL);
    nn_inputs_free(in);
    return st;
}

hpml_status nn_inputs_part_rows(const nn_inputs *in, int k, const uint32_t *idx, int B,
                                uint32_t *drows, int32_t *enc)
{
    const nn_part *q = &in->parts[k];
    for (int i = 0; i < B; i++)
        drows[i] = in->rows ? in->rows[idx[i]] : idx[i];
    hpml_status st = hpml_dataset_join_rows(in->d, k - 1, drows, (size_t)B, enc);
    if (st != HPML_OK)
        return st;
    for (int i = 0; i < B; i++) {
        int32_t r = enc[i];
        enc[i] = q->map[r >= 0 && (size_t)r < q->n_dim ? (size_t)r : q->n_dim];
        if (enc[i] < 0)
            return hpml_fail(HPML_ERR_ARG, "row %u was not among the rows encoded for the net",
                             drows[i]);
    }
    return HPML_OK;
}

hpml_status nn_inputs_gather(const nn_inputs *in, const uint32_t *idx, int B, uint32_t *drows,
                             int32_t *enc, float *x)
{
    const size_t ni = (size_t)in->n_in;
    for (int k = 0; k < in->n_parts; k++) {
        const nn_part *q = &in->parts[k];
        if (!q->x)
            continue;
        if (k > 0) {
            hpml_status st = nn_inputs_part_rows(in, k, idx, B, drows, enc);
            if (st != HPML_OK)
                return st;
        }
        const size_t wd = (size_t)q->width;
        /* memory-bound: in parallel from a few hundred KiB on */
#pragma omp parallel for schedule(static) if ((size_t)B * wd >= 65536)
        for (int b = 0; b < B; b++) {
            const float *src = q->x + (k ? (size_t)enc[b] : (size_t)idx[b]) * wd;
            for (int r = 0; r < q->n_runs; r++) {
                const nn_run *u = &q->runs[r];
                memcpy(x + (size_t)b * ni + (size_t)u->lo, src + u->off,
                       sizeof *x * (size_t)(u->hi - u->lo));
            }
        }
    }
    return HPML_OK;
}
