/* synth.c — hpml_synth_drug_response: the synthetic drug-response screen
 * written as CSV files (the generating model is in synth_model.c).
 *
 * Work is cut into units of rows: a block of cells or of drugs for the
 * dimension tables, one cell and a block of drugs for responses.csv and
 * joined.csv, each about block_bytes of text. A round formats threads x 4
 * units in parallel, each into a slot of its own, then writes the slots in
 * order; every value is a pure function of (seed, index), so the bytes never
 * depend on the thread count or the block size. joined.csv copies the
 * formatted dimension rows, which are kept (without their id) in two text
 * caches: memory O(cells x genes + drugs x descriptors), never a responses x
 * features matrix.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/atomic.h"
#include "io/numfmt.h"
#include "io/synth_model.h"

#define DEFAULT_BLOCK ((size_t)1 << 20)
#define WRITE_BUF ((size_t)1 << 20)
#define ROUND_MAX ((size_t)256 << 20)   /* slots of a round (unless one per thread is more) */
#define FIELD_MAX (NUMFMT_MAX_LEN + 1)  /* a number and its comma */
#define LINEAGE_MAX 32                  /* longest lineage name + comma */
#define MAX_ROWS 4294967294.0           /* rows a table holds */
#define EXPR_DECIMALS 3
#define Y_DECIMALS 4

enum { F_RESPONSES, F_CELLS, F_DRUGS, F_JOINED, N_FILES };
static const char *const file_names[N_FILES] = {
    "responses.csv", "cell_expression.csv", "drug_descriptors.csv", "joined.csv",
};

void hpml_synth_spec_init(hpml_synth_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->cells = 100;
    spec->drugs = 60;
    spec->genes = 200;
    spec->descriptors = 50;
    spec->missing_pairs = 0.15;
    spec->noise = 1.0;
}

static hpml_status check_int(const char *name, int x, int lo, int hi)
{
    if (x < lo || x > hi)
        return hpml_fail(HPML_ERR_ARG, "parameter %s = %d is out of range: allowed integers "
                         "[%d, %d]", name, x, lo, hi);
    return HPML_OK;
}

static hpml_status check_spec(const hpml_synth_spec *s, const char *out_dir)
{
    hpml_status st;
    if (!s)
        return hpml_fail(HPML_ERR_ARG, "hpml_synth_drug_response: NULL spec");
    if ((st = check_int("cells", s->cells, 2, 10000000)) ||
        (st = check_int("drugs", s->drugs, 2, 10000000)) ||
        (st = check_int("genes", s->genes, 1, 1000000)) ||
        (st = check_int("descriptors", s->descriptors, 1, 1000000)) ||
        (st = check_int("threads", s->threads, 0, 4096)))
        return st;
    if (!(s->missing_pairs >= 0 && s->missing_pairs < 1))
        return hpml_fail(HPML_ERR_ARG, "parameter missing_pairs = %g is out of range: allowed "
                         "[0, 1)", s->missing_pairs);
    if (!(s->noise >= 0 && s->noise <= 10))
        return hpml_fail(HPML_ERR_ARG, "parameter noise = %g is out of range: allowed [0, 10]",
                         s->noise);
    if ((double)s->cells * s->drugs > MAX_ROWS)
        return hpml_fail(HPML_ERR_ARG, "parameters cells x drugs = %d x %d = %.0f pairs: at most "
                         "%.0f (the rows a table holds)", s->cells, s->drugs,
                         (double)s->cells * s->drugs, MAX_ROWS);
    if (!out_dir || !*out_dir)
        return hpml_fail(HPML_ERR_ARG, "hpml_synth_drug_response: no output directory given");
    return HPML_OK;
}

static hpml_status make_dir(const char *dir)
{
    if (mkdir(dir, 0777) == 0)
        return HPML_OK;
    int err = errno;
    struct stat sb;
    if (err == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
        return HPML_OK;
    if (err == EEXIST)
        return hpml_fail(HPML_ERR_IO, "%s: exists and is not a directory", dir);
    return hpml_fail(HPML_ERR_IO, "%s: cannot create the output directory: %s", dir,
                     strerror(err));
}

/* ------------------------------------------------------ buffered output */

typedef struct writer {
    atomic_file f;
    int open;
    char *buf;
    size_t len;
    hpml_status st;
} writer;

static hpml_status writer_open(writer *w, const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = hpml_malloc(n);
    if (!path)
        return HPML_ERR_NOMEM;
    snprintf(path, n, "%s/%s", dir, name);
    if (!(w->buf = hpml_malloc(WRITE_BUF))) {
        hpml_free(path);
        return HPML_ERR_NOMEM;
    }
    hpml_status st = atomic_open(&w->f, path); /* keeps path borrowed: freed in writer_close */
    if (st != HPML_OK) {
        hpml_free(path);
        hpml_free(w->buf);
        w->buf = NULL;
        return st;
    }
    w->open = 1;
    return HPML_OK;
}

static void writer_flush(writer *w)
{
    if (w->st == HPML_OK && w->len)
        w->st = atomic_write(&w->f, w->buf, w->len);
    w->len = 0;
}

static void writer_put(writer *w, const char *s, size_t n)
{
    if (w->len + n > WRITE_BUF)
        writer_flush(w);
    if (n > WRITE_BUF) { /* a big unit: straight through */
        if (w->st == HPML_OK)
            w->st = atomic_write(&w->f, s, n);
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void writer_puts(writer *w, const char *s) { writer_put(w, s, strlen(s)); }

/* Commits (commit != 0) or abandons the file; frees the writer either way. */
static hpml_status writer_close(writer *w, int commit)
{
    hpml_status st = HPML_OK;
    if (w->open) {
        const char *path = w->f.path;
        if (commit) {
            writer_flush(w);
            st = w->st != HPML_OK ? w->st : atomic_commit(&w->f);
            if (w->st != HPML_OK)
                atomic_abort(&w->f);
        } else {
            atomic_abort(&w->f);
        }
        hpml_free((void *)path);
        w->open = 0;
    }
    hpml_free(w->buf);
    w->buf = NULL;
    return st;
}

/* -------------------------------------------- dimension rows kept as text */

/* Row i's text (after "id," and before the newline) is text[off[i]..off[i+1]). */
typedef struct text_cache {
    char *text;
    size_t len, cap, *off, n, max_piece;
} text_cache;

static void cache_free(text_cache *c)
{
    hpml_big_free(c->text, c->cap);
    hpml_free(c->off);
    memset(c, 0, sizeof *c);
}

/* Appends every row of a unit's text, leaving out the fixed-width id and its
 * comma and the newline. */
static hpml_status cache_rows(text_cache *c, const char *s, size_t n, size_t id_len)
{
    for (const char *end = s + n; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t piece = (size_t)(nl - s) - id_len - 1;
        if (c->len + piece > c->cap) {
            size_t cap = c->cap ? c->cap : (size_t)1 << 20;
            while (cap < c->len + piece)
                cap *= 2;
            char *t = hpml_big_realloc(c->text, c->cap, cap);
            if (!t)
                return HPML_ERR_NOMEM;
            c->text = t;
            c->cap = cap;
        }
        memcpy(c->text + c->len, s + id_len + 1, piece);
        c->len += piece;
        c->off[++c->n] = c->len;
        if (piece > c->max_piece)
            c->max_piece = piece;
        s = nl + 1;
    }
    return HPML_OK;
}

/* ------------------------------------------------------- units of work */

typedef struct job {
    const synth_model *m;
    int threads;
    size_t block;
    double *scratch;           /* threads x scratch_n values */
    size_t scratch_n;
    char *cell_ids, *drug_ids; /* fixed-width ids, id_len bytes each, no NUL */
    size_t cell_id_len, drug_id_len;
    size_t per_unit;           /* rows (dimension tables) or drugs (pairs) per unit */
    size_t units_per_cell;     /* pairs: units covering one cell's drugs */
    text_cache cells, drugs;   /* joined.csv only */
} job;

/* Formats unit u into out (at most the unit's capacity); *rows gets its rows. */
typedef size_t (*unit_fmt)(const job *jb, size_t u, char *out, uint64_t *rows);

static size_t put_s(char *o, const char *s, size_t n)
{
    memcpy(o, s, n);
    return n;
}

static size_t fmt_cells(const job *jb, size_t u, char *out, uint64_t *rows)
{
    const synth_model *m = jb->m;
    double *x = jb->scratch + (size_t)omp_get_thread_num() * jb->scratch_n;
    size_t c0 = u * jb->per_unit, c1 = c0 + jb->per_unit, k = 0;
    if (c1 > (size_t)m->n_cells)
        c1 = (size_t)m->n_cells;
    for (size_t c = c0; c < c1; c++) {
        k += put_s(out + k, jb->cell_ids + c * jb->cell_id_len, jb->cell_id_len);
        out[k++] = ',';
        const char *lin = synth_lineage_name(m->cell_lineage[c]);
        k += put_s(out + k, lin, strlen(lin));
        synth_cell_expression(m, (int)c, x);
        for (int g = 0; g < m->n_genes; g++) {
            out[k++] = ',';
            k += numfmt_fixed(out + k, x[g], EXPR_DECIMALS);
        }
        out[k++] = '\n';
    }
    *rows = c1 - c0;
    return k;
}

static size_t fmt_drugs(const job *jb, size_t u, char *out, uint64_t *rows)
{
    const synth_model *m = jb->m;
    double *x = jb->scratch + (size_t)omp_get_thread_num() * jb->scratch_n;
    size_t d0 = u * jb->per_unit, d1 = d0 + jb->per_unit, k = 0;
    if (d1 > (size_t)m->n_drugs)
        d1 = (size_t)m->n_drugs;
    for (size_t d = d0; d < d1; d++) {
        k += put_s(out + k, jb->drug_ids + d * jb->drug_id_len, jb->drug_id_len);
        synth_drug_descriptors(m, (int)d, x);
        for (int j = 0; j < m->n_desc; j++) {
            out[k++] = ',';
            k += numfmt_fixed(out + k, x[j], m->desc[j].decimals);
        }
        out[k++] = '\n';
    }
    *rows = d1 - d0;
    return k;
}

/* Unit u of the pairs: cell c, drugs [d0, d1). */
static void pair_unit(const job *jb, size_t u, size_t *c, size_t *d0, size_t *d1)
{
    *c = u / jb->units_per_cell;
    *d0 = (u % jb->units_per_cell) * jb->per_unit;
    *d1 = *d0 + jb->per_unit;
    if (*d1 > (size_t)jb->m->n_drugs)
        *d1 = (size_t)jb->m->n_drugs;
}

static size_t fmt_responses(const job *jb, size_t u, char *out, uint64_t *rows)
{
    size_t c, d0, d1, k = 0;
    pair_unit(jb, u, &c, &d0, &d1);
    const char *cid = jb->cell_ids + c * jb->cell_id_len;
    *rows = 0;
    for (size_t d = d0; d < d1; d++) {
        double y;
        if (!synth_response(jb->m, (int)c, (int)d, &y))
            continue;
        k += put_s(out + k, cid, jb->cell_id_len);
        out[k++] = ',';
        k += put_s(out + k, jb->drug_ids + d * jb->drug_id_len, jb->drug_id_len);
        out[k++] = ',';
        k += numfmt_fixed(out + k, y, Y_DECIMALS);
        out[k++] = '\n';
        ++*rows;
    }
    return k;
}

static size_t fmt_joined(const job *jb, size_t u, char *out, uint64_t *rows)
{
    size_t c, d0, d1, k = 0;
    pair_unit(jb, u, &c, &d0, &d1);
    const char *cid = jb->cell_ids + c * jb->cell_id_len;
    const char *ctext = jb->cells.text + jb->cells.off[c];
    size_t clen = jb->cells.off[c + 1] - jb->cells.off[c];
    *rows = 0;
    for (size_t d = d0; d < d1; d++) {
        double y;
        if (!synth_response(jb->m, (int)c, (int)d, &y))
            continue;
        k += put_s(out + k, cid, jb->cell_id_len);
        out[k++] = ',';
        k += put_s(out + k, jb->drug_ids + d * jb->drug_id_len, jb->drug_id_len);
        out[k++] = ',';
        k += put_s(out + k, ctext, clen);
        out[k++] = ',';
        k += put_s(out + k, jb->drugs.text + jb->drugs.off[d],
                   jb->drugs.off[d + 1] - jb->drugs.off[d]);
        out[k++] = ',';
        k += numfmt_fixed(out + k, y, Y_DECIMALS);
        out[k++] = '\n';
        ++*rows;
    }
    return k;
}

/* Rows (or drugs) per unit for rows of at most row_cap bytes. */
static size_t per_unit_for(const job *jb, size_t row_cap, size_t n)
{
    size_t k = jb->block / row_cap;
    return k < 1 ? 1 : k > n ? n : k;
}

/* Formats units [0, n_units) of at most unit_cap bytes each, round by round,
 * and writes them in order to w (and, if cache, keeps their rows there, ids
 * of id_len bytes left out). *rows (may be NULL) gets the rows written. */
static hpml_status run_units(const job *jb, size_t n_units, size_t unit_cap, unit_fmt fmt,
                             writer *w, text_cache *cache, size_t id_len, uint64_t *rows)
{
    /* 4 units per thread keep the threads busy when units differ in size;
     * fewer when units are huge (a million genes a row), one per thread at least */
    size_t per_round = (size_t)jb->threads * 4;
    if (per_round * unit_cap > ROUND_MAX)
        per_round = ROUND_MAX / unit_cap;
    if (per_round < (size_t)jb->threads)
        per_round = (size_t)jb->threads;
    if (per_round > n_units)
        per_round = n_units;
    size_t slots_bytes = per_round * unit_cap;
    char *slots = hpml_big_alloc(slots_bytes);
    size_t *len = hpml_malloc_array(per_round, sizeof *len);
    uint64_t *cnt = hpml_malloc_array(per_round, sizeof *cnt);
    hpml_status st = slots && len && cnt ? HPML_OK : HPML_ERR_NOMEM;
    uint64_t total = 0;
    for (size_t first = 0; st == HPML_OK && first < n_units; first += per_round) {
        size_t n = n_units - first < per_round ? n_units - first : per_round;
#pragma omp parallel for num_threads(jb->threads) schedule(dynamic, 1)
        for (size_t i = 0; i < n; i++)
            len[i] = fmt(jb, first + i, slots + i * unit_cap, &cnt[i]);
        for (size_t i = 0; i < n && st == HPML_OK; i++) {
            writer_put(w, slots + i * unit_cap, len[i]);
            if (cache)
                st = cache_rows(cache, slots + i * unit_cap, len[i], id_len);
            total += cnt[i];
        }
        if (st == HPML_OK)
            st = w->st;
    }
    hpml_big_free(slots, slots_bytes);
    hpml_free(len);
    hpml_free(cnt);
    if (rows)
        *rows = total;
    return st;
}

/* ------------------------------------------------------------ the files */

/* "prefix" + i + 1 zero-padded to at least 4 digits, all the same width. */
static char *make_ids(const char *prefix, int n, size_t *id_len)
{
    int width = 4;
    for (int x = n; x >= 10000; x /= 10)
        width++;
    *id_len = strlen(prefix) + (size_t)width;
    char *ids = hpml_malloc_array((size_t)n, *id_len + 1);
    if (!ids)
        return NULL;
    for (int i = 0; i < n; i++) /* the NUL lands on the next id's first byte, then the end */
        snprintf(ids + (size_t)i * *id_len, *id_len + 1, "%s%0*d", prefix, width, i + 1);
    return ids;
}

static void put_gene_names(writer *w, const synth_model *m)
{
    char name[32];
    for (int g = 0; g < m->n_genes; g++) {
        snprintf(name, sizeof name, ",gene_%04d", g + 1);
        writer_puts(w, name);
    }
}

static void put_desc_names(writer *w, const synth_model *m)
{
    for (int j = 0; j < m->n_desc; j++) {
        writer_put(w, ",", 1);
        writer_puts(w, m->desc[j].name);
    }
}

static hpml_status write_cells(job *jb, writer *w, int keep)
{
    const synth_model *m = jb->m;
    writer_puts(w, "cell_id,lineage");
    put_gene_names(w, m);
    writer_put(w, "\n", 1);
    size_t row_cap = jb->cell_id_len + 1 + LINEAGE_MAX + (size_t)m->n_genes * FIELD_MAX + 1;
    jb->per_unit = per_unit_for(jb, row_cap, (size_t)m->n_cells);
    size_t n_units = ((size_t)m->n_cells + jb->per_unit - 1) / jb->per_unit;
    return run_units(jb, n_units, jb->per_unit * row_cap, fmt_cells, w, keep ? &jb->cells : NULL,
                     jb->cell_id_len, NULL);
}

static hpml_status write_drugs(job *jb, writer *w, int keep)
{
    const synth_model *m = jb->m;
    writer_puts(w, "drug_id");
    put_desc_names(w, m);
    writer_put(w, "\n", 1);
    size_t row_cap = jb->drug_id_len + (size_t)m->n_desc * FIELD_MAX + 1;
    jb->per_unit = per_unit_for(jb, row_cap, (size_t)m->n_drugs);
    size_t n_units = ((size_t)m->n_drugs + jb->per_unit - 1) / jb->per_unit;
    return run_units(jb, n_units, jb->per_unit * row_cap, fmt_drugs, w, keep ? &jb->drugs : NULL,
                     jb->drug_id_len, NULL);
}

/* responses.csv, or with `joined` joined.csv (after both caches are filled). */
static hpml_status write_pairs(job *jb, writer *w, int joined, uint64_t *rows)
{
    const synth_model *m = jb->m;
    size_t row_cap = jb->cell_id_len + jb->drug_id_len + FIELD_MAX + 3;
    if (joined) {
        writer_puts(w, "cell_id,drug_id,lineage");
        put_gene_names(w, m);
        put_desc_names(w, m);
        writer_puts(w, ",ln_ic50\n");
        row_cap += jb->cells.max_piece + jb->drugs.max_piece + 2;
    } else {
        writer_puts(w, "cell_id,drug_id,ln_ic50\n");
    }
    jb->per_unit = per_unit_for(jb, row_cap, (size_t)m->n_drugs);
    jb->units_per_cell = ((size_t)m->n_drugs + jb->per_unit - 1) / jb->per_unit;
    return run_units(jb, (size_t)m->n_cells * jb->units_per_cell, jb->per_unit * row_cap,
                     joined ? fmt_joined : fmt_responses, w, NULL, 0, rows);
}

static hpml_status job_init(job *jb, const synth_model *m, const hpml_synth_spec *spec)
{
    memset(jb, 0, sizeof *jb);
    jb->m = m;
    jb->threads = spec->threads > 0 ? spec->threads : omp_get_max_threads();
    jb->block = spec->block_bytes ? spec->block_bytes : DEFAULT_BLOCK;
    jb->scratch_n = (size_t)(m->n_genes > m->n_desc ? m->n_genes : m->n_desc);
    if (!(jb->scratch = hpml_malloc_array((size_t)jb->threads * jb->scratch_n, sizeof(double))) ||
        !(jb->cell_ids = make_ids("cell_", m->n_cells, &jb->cell_id_len)) ||
        !(jb->drug_ids = make_ids("drug_", m->n_drugs, &jb->drug_id_len)))
        return HPML_ERR_NOMEM;
    if (spec->joined &&
        (!(jb->cells.off = hpml_calloc((size_t)m->n_cells + 1, sizeof(size_t))) ||
         !(jb->drugs.off = hpml_calloc((size_t)m->n_drugs + 1, sizeof(size_t)))))
        return HPML_ERR_NOMEM;
    return HPML_OK;
}

static void job_free(job *jb)
{
    hpml_free(jb->scratch);
    hpml_free(jb->cell_ids);
    hpml_free(jb->drug_ids);
    cache_free(&jb->cells);
    cache_free(&jb->drugs);
}

hpml_status hpml_synth_drug_response(const hpml_synth_spec *spec, const char *out_dir,
                                     uint64_t *n_responses)
{
    if (n_responses)
        *n_responses = 0;
    hpml_status st = check_spec(spec, out_dir);
    if (st != HPML_OK)
        return st;
    if ((st = make_dir(out_dir)) != HPML_OK)
        return st;
    synth_model m;
    if ((st = synth_model_init(&m, spec)) != HPML_OK)
        return st;
    job jb;
    writer w[N_FILES];
    memset(w, 0, sizeof w);
    int n_files = spec->joined ? N_FILES : F_JOINED;
    uint64_t rows = 0;
    if ((st = job_init(&jb, &m, spec)) != HPML_OK)
        goto done;
    for (int f = 0; f < n_files && st == HPML_OK; f++)
        st = writer_open(&w[f], out_dir, file_names[f]);
    if (st == HPML_OK)
        st = write_cells(&jb, &w[F_CELLS], spec->joined);
    if (st == HPML_OK)
        st = write_drugs(&jb, &w[F_DRUGS], spec->joined);
    if (st == HPML_OK)
        st = write_pairs(&jb, &w[F_RESPONSES], 0, &rows);
    if (st == HPML_OK && spec->joined)
        st = write_pairs(&jb, &w[F_JOINED], 1, NULL);
done:
    /* every file is complete before the first is renamed into place */
    for (int f = 0; f < N_FILES; f++) {
        hpml_status s = writer_close(&w[f], st == HPML_OK);
        if (st == HPML_OK)
            st = s;
    }
    job_free(&jb);
    synth_model_free(&m);
    if (st == HPML_OK && n_responses)
        *n_responses = rows;
    return st;
}
