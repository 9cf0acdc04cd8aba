/* csv_read.c — reading a CSV file into a table: blocks, threads, types.
 *
 * The input is a sliding window (source.c): a regular file is mapped and
 * read in place, other input streams through a buffer; either way memory
 * stays at the table plus a window of threads x block_bytes (4 MiB default)
 * whatever the file size. For each window:
 *   1. find the last record boundary (quote-aware: a newline ends a record
 *      when an even number of quotes precede it in the window);
 *   2. cut [0, boundary) into one range per thread at record boundaries;
 *   3. parse the ranges in parallel (csv_parse.c) into column-major cells;
 *   4. settle them in file order: the first error wins, and text found in a
 *      numeric column ("bumped") applies to the ranges after it;
 *   5. merge: categorical codes are remapped into the table's dictionaries in
 *      range order, so codes follow first appearance in the file for any
 *      thread count; cells are copied to the columns;
 *   6. consume the parsed bytes; a record longer than the window widens it.
 * Types: the first 1000 records decide which columns are numeric. A numeric
 * column that later holds text is bumped: parsing it stops, and a second
 * pass over the file re-reads only the bumped columns as categorical.
 * Quote parity breaks only when a quote sits inside an unquoted field; the
 * parser reports that as an error at a position before any range the broken
 * parity could have cut wrongly, so the first error in file order is exact.
 */
#define _GNU_SOURCE /* memrchr */
#include <math.h>
#include <stdarg.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/log.h"
#include "core/suggest.h"
#include "data/csv_parse.h"
#include "data/numparse.h"
#include "data/source.h"
#include "data/table.h"
#include "dist/dist.h"

#define CHUNK_BYTES ((size_t)4 << 20)
#define MAX_RECORD_BYTES ((size_t)256 << 20)
#define SAMPLE_ROWS 1000
#define DETECT_BYTES ((size_t)64 << 10) /* bytes (after the BOM) that decide the delimiter */
#define DEFAULT_NA ",NA,N/A,NaN,nan,null,NULL,?"

void hpml_csv_options_init(hpml_csv_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->quote = '"';
    opt->decimal = '.';
}

typedef struct csv_reader {
    const char *name;
    hpml_source src;
    csv_dialect dia;
    char *na_copy;          /* backing store of dia.na */
    int threads;
    size_t min_range;       /* smallest range worth a thread */

    int n_cols;
    char **names;
    uint8_t *kinds;         /* this pass's kind per column */
    uint8_t *bumped;        /* numeric columns found to hold text */
    int any_bumped;
    uint64_t header_bytes;  /* BOM + blank lines + header record */
    uint64_t data_line0;    /* line of the first byte after the header */
    hpml_dist *dist;        /* several processes share the records (else NULL) */
    uint64_t data_start;    /* input offset of this process's first record */
    uint64_t data_bytes;    /* bytes of the records it reads (0: unknown) */
    uint64_t line_start;    /* the line data_start is on */

    csv_chunk *chunks;      /* threads */
    int n_chunks_init;
    hpml_table *t;
    int32_t **remap;        /* per thread: local code -> table code */
    size_t *remap_cap;
} csv_reader;

/* ------------------------------------------------------------ small helpers */

/* For a record longer than the window: widen it, up to MAX_RECORD_BYTES. */
static hpml_status widen(csv_reader *r)
{
    if (r->src.len >= MAX_RECORD_BYTES)
        return HPML_ERR_DATA; /* caller words the message */
    hpml_source_widen(&r->src);
    return HPML_OK;
}

/* 1-based line and character column of pos, given that rec starts at line
 * rec_line (and at the start of a line). */
static void locate(const char *rec, uint64_t rec_line, const char *pos, uint64_t *line,
                   uint64_t *col)
{
    const char *ls = rec;
    uint64_t l = rec_line;
    for (const char *p = rec; p < pos; p++)
        if (*p == '\n') {
            l++;
            ls = p + 1;
        }
    uint64_t c = 1;
    for (const char *p = ls; p < pos; p++)
        c += ((unsigned char)*p & 0xC0) != 0x80; /* count UTF-8 characters */
    *line = l;
    *col = c;
}

/* Occurrences of the byte ch in p[0..n) (quotes, newlines). */
static size_t count_char(const char *p, size_t n, char ch)
{
    size_t k = 0;
    const char *end = p + n;
    while ((p = memchr(p, ch, (size_t)(end - p))) != NULL) {
        k++;
        p++;
    }
    return k;
}

/* End of the last complete record in buf[0..n): one past a newline preceded
 * by an even number of quotes; 0 if there is none. */
static size_t last_boundary(const char *buf, size_t n, char quote, size_t n_quotes)
{
    if (!n_quotes) {
        const char *nl = memrchr(buf, '\n', n);
        return nl ? (size_t)(nl - buf) + 1 : 0;
    }
    int q = (int)(n_quotes & 1);
    for (size_t i = n; i-- > 0;) {
        if (buf[i] == quote)
            q ^= 1;
        else if (buf[i] == '\n' && !q)
            return i + 1;
    }
    return 0;
}

/* First record boundary at or after `from`, given the quote parity there. */
static size_t next_boundary(const char *buf, size_t n, size_t from, int q, char quote)
{
    if (!q) {
        const char *nl = memchr(buf + from, '\n', n - from);
        if (nl && (!quote || !memchr(buf + from, quote, (size_t)(nl - (buf + from)))))
            return (size_t)(nl - buf) + 1;
    }
    for (size_t i = from; i < n; i++) {
        if (quote && buf[i] == quote)
            q ^= 1;
        else if (buf[i] == '\n' && !q)
            return i + 1;
    }
    return n;
}

/* --------------------------------------------------------- dialect, header */

static hpml_status set_na_tokens(csv_reader *r, const char *spec)
{
    csv_dialect *d = &r->dia;
    r->na_copy = hpml_strdup(spec ? spec : DEFAULT_NA);
    if (!r->na_copy)
        return HPML_ERR_NOMEM;
    int n = 1;
    for (const char *p = r->na_copy; *p; p++)
        n += *p == ',';
    d->na = hpml_calloc((size_t)n, sizeof *d->na);
    d->na_len = hpml_calloc((size_t)n, sizeof *d->na_len);
    if (!d->na || !d->na_len)
        return HPML_ERR_NOMEM;
    char *tok = r->na_copy;
    for (int i = 0; i < n; i++) {
        char *comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        size_t len = strlen(tok);
        if (len == 0) {
            d->na_empty = 1;
        } else {
            double v;
            d->na[d->n_na] = tok;
            d->na_len[d->n_na++] = len;
            if (len > d->na_max)
                d->na_max = len;
            if (hpml_parse_number(tok, len, d->decimal, &v))
                d->na_numeric = 1;
        }
        if (comma)
            tok = comma + 1;
    }
    return HPML_OK;
}

/* Picks the delimiter among , \t ; (never the decimal mark) from up to 20
 * lines of buf: the one that appears the same nonzero number of times on
 * every line, the most often; else the one most frequent on the first line;
 * else ',' (';' when ',' is the decimal mark). */
static char detect_delimiter(const char *buf, size_t n, char quote, char decimal)
{
    static const char cand[3] = {',', '\t', ';'};
    size_t cnt[20][3];
    int lines = 0, inq = 0;
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n && lines < 20; i++) {
        char x = buf[i];
        if (quote && x == quote)
            inq = !inq;
        else if (!inq && x == '\n')
            lines++;
        else if (!inq)
            for (int k = 0; k < 3; k++)
                cnt[lines][k] += x == cand[k];
    }
    if (lines == 0)
        lines = 1; /* a single line without newline */
    char best = 0;
    size_t best_n = 0;
    for (int k = 0; k < 3; k++) {
        if (cand[k] == decimal)
            continue;
        int same = cnt[0][k] > 0;
        for (int l = 1; l < lines && same; l++)
            same = cnt[l][k] == cnt[0][k];
        if (same && cnt[0][k] > best_n) {
            best = cand[k];
            best_n = cnt[0][k];
        }
    }
    if (best)
        return best;
    for (int k = 0; k < 3; k++)
        if (cand[k] != decimal && cnt[0][k] > best_n) {
            best = cand[k];
            best_n = cnt[0][k];
        }
    return best ? best : decimal == ',' ? ';' : ',';
}

/* A PARSE failure at pos in the header, located from the header's start
 * (buf, on line line0). Only called on errors: locate scans from buf. */
static hpml_status header_fail(const csv_reader *r, const char *buf, uint64_t line0,
                               const char *pos, const char *fmt, ...) HPML_PRINTF(5, 6);
static hpml_status header_fail(const csv_reader *r, const char *buf, uint64_t line0,
                               const char *pos, const char *fmt, ...)
{
    uint64_t l, c;
    locate(buf, line0, pos, &l, &c);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hpml_fail_at(HPML_ERR_PARSE, r->name, l, c, "%s", msg);
}

/* Splits the header record at buf[0..n) into names. Returns HPML_OK and sets
 * *rec_len, or HPML_ERR_DATA (internal signal) when the record is cut by the
 * end of the buffer and more input may complete it. */
static hpml_status parse_header(csv_reader *r, const char *buf, size_t n, uint64_t line0,
                                size_t *rec_len, uint64_t *rec_lines)
{
    const csv_dialect *d = &r->dia;
    const char *p = buf, *end = buf + n;
    size_t cap = 0;
    const char **starts = NULL;
    uint64_t lines = 0;
    hpml_status s = HPML_OK;
    for (;;) {
        if (r->n_cols == (int)cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = hpml_realloc_array(r->names, cap, sizeof *nn);
            if (!nn)
                goto nomem;
            r->names = nn;
            const char **ns = hpml_realloc_array(starts, cap, sizeof *ns);
            if (!ns)
                goto nomem;
            starts = ns;
        }
        const char *fs = p;
        char *name;
        if (d->quote && p < end && *p == d->quote) {
            /* Find the closing quote first, so the name is allocated at its size. */
            const char *q = p + 1, *close;
            size_t len = 0;
            for (;;) {
                const char *e = memchr(q, d->quote, (size_t)(end - q));
                if (!e || (e + 1 == end && !r->src.eof)) {
                    if (!r->src.eof)
                        goto incomplete;
                    s = header_fail(r, buf, line0, fs,
                                    "unterminated quote in the header: the quoted name that "
                                    "starts here never closes");
                    goto out;
                }
                len += (size_t)(e - q);
                if (e + 1 < end && e[1] == d->quote) { /* "" is one quote */
                    len++;
                    q = e + 2;
                    continue;
                }
                close = e;
                break;
            }
            if (!(name = hpml_malloc(len + 1)))
                goto nomem;
            size_t k = 0;
            for (q = p + 1; q < close; q++) {
                lines += *q == '\n';
                name[k++] = *q;
                if (*q == d->quote)
                    q++; /* the second quote of a pair */
            }
            name[k] = '\0';
            p = close + 1;
        } else {
            while (p < end && *p != d->delim && *p != '\n' &&
                   !(*p == '\r' && (p + 1 == end ? r->src.eof : p[1] == '\n'))) {
                if (d->quote && *p == d->quote) {
                    s = header_fail(r, buf, line0, p,
                                    "quote character inside an unquoted column name; quote "
                                    "the whole name or read with --quote none");
                    goto out;
                }
                p++;
            }
            name = hpml_strndup(fs, (size_t)(p - fs));
            if (!name)
                goto nomem;
        }
        starts[r->n_cols] = fs;
        r->names[r->n_cols++] = name;
        if (p < end && *p == d->delim) {
            p++;
            continue;
        }
        if ((p == end || (*p == '\r' && p + 1 == end)) && !r->src.eof)
            goto incomplete; /* the line end may continue past the window */
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n') {
            p++;
            lines++;
        } else if (p < end) {
            s = header_fail(r, buf, line0, p, "unexpected %s after a quoted column name",
                            *p == '\r' ? "carriage return" : "character");
            goto out;
        }
        break;
    }
    *rec_len = (size_t)(p - buf);
    *rec_lines = lines;
    /* Names must be non-empty and distinct. O(n^2) compares would hurt on
     * 12,626 columns only mildly, but a dictionary makes it linear. */
    hpml_dict seen;
    hpml_dict_init(&seen);
    for (int c = 0; c < r->n_cols && s == HPML_OK; c++) {
        size_t len = strlen(r->names[c]);
        if (len == 0) {
            s = header_fail(r, buf, line0, starts[c], "column %d of the header has an empty name",
                            c + 1);
            break;
        }
        int32_t code;
        if (hpml_dict_intern(&seen, r->names[c], len, &code) != HPML_OK) {
            s = HPML_ERR_NOMEM;
            break;
        }
        if (code != seen.n - 1) {
            int first = 0;
            while (strcmp(r->names[first], r->names[c]) != 0)
                first++;
            s = header_fail(r, buf, line0, starts[c],
                            "duplicate column name '%s' (columns %d and %d)", r->names[c],
                            first + 1, c + 1);
        }
    }
    hpml_dict_free(&seen);
    goto out;
incomplete:
    s = HPML_ERR_DATA;
    goto out;
nomem:
    s = HPML_ERR_NOMEM;
out:
    hpml_free(starts);
    return s;
}

/* Reads BOM, blank lines and the header; leaves the buffer at the first data byte. */
static hpml_status read_header(csv_reader *r, const hpml_csv_options *opt)
{
    hpml_status s;
    for (;;) {
        if ((s = hpml_source_fill(&r->src)) != HPML_OK)
            return s;
        size_t off = 0;
        uint64_t line = 1;
        if (r->src.len >= 3 && memcmp(r->src.data, "\xEF\xBB\xBF", 3) == 0)
            off = 3;
        while (off < r->src.len && (r->src.data[off] == '\n' || r->src.data[off] == '\r')) {
            line += r->src.data[off] == '\n';
            off++;
        }
        if (off == r->src.len && r->src.eof)
            return hpml_fail_at(HPML_ERR_PARSE, r->name, 1, 1,
                                "the file is empty: expected a header row of column names");
        /* Detection looks at the same bytes whatever the block size. */
        int need_more = !opt->delimiter && !r->src.eof && r->src.len - off < DETECT_BYTES;
        if (off < r->src.len && !need_more) {
            if (!opt->delimiter) {
                size_t n = r->src.len - off < DETECT_BYTES ? r->src.len - off : DETECT_BYTES;
                r->dia.delim = detect_delimiter(r->src.data + off, n, r->dia.quote, r->dia.decimal);
            }
            size_t rec_len = 0;
            uint64_t rec_lines = 0;
            s = parse_header(r, r->src.data + off, r->src.len - off, line, &rec_len, &rec_lines);
            if (s == HPML_OK) {
                r->header_bytes = off + rec_len;
                r->data_line0 = line + rec_lines;
                hpml_source_consume(&r->src, off + rec_len);
                return HPML_OK;
            }
            if (s != HPML_ERR_DATA)
                return s;
            for (int c = 0; c < r->n_cols; c++)
                hpml_free(r->names[c]);
            r->n_cols = 0;
        }
        s = widen(r);
        if (s == HPML_ERR_DATA)
            return hpml_fail_at(HPML_ERR_PARSE, r->name, line, 1,
                                "the header row is longer than %zu MiB (unterminated quote?)",
                                MAX_RECORD_BYTES >> 20);
        if (s != HPML_OK)
            return s;
    }
}

/* ----------------------------------------------------------------- passes */

/* The message of the first failed range, located in the file. */
static hpml_status range_error(csv_reader *r, const csv_chunk *ch, uint64_t line0)
{
    if (ch->status == HPML_ERR_NOMEM)
        return hpml_fail(HPML_ERR_NOMEM, "%s: %s", r->name, ch->err_msg);
    uint64_t line, col;
    locate(ch->err_rec, line0 + ch->err_rec_line, ch->err_pos, &line, &col);
    return hpml_fail_at(ch->status, r->name, line, col, "%s", ch->err_msg);
}

static void note_bumps(csv_reader *r, const csv_chunk *ch, uint64_t line0)
{
    for (size_t i = 0; i < ch->n_bumps; i++) {
        const csv_bump *b = &ch->bumps[i];
        if (r->bumped[b->col])
            continue;
        r->bumped[b->col] = 1;
        r->any_bumped = 1;
        r->kinds[b->col] = CSV_SKIP;
        if (hpml_log_enabled(HPML_LOG_INFO)) {
            uint64_t line, col;
            locate(b->rec, line0 + b->rec_line, b->pos, &line, &col);
            size_t n = 0;
            while (b->pos + n < ch->end && n < 40 && b->pos[n] != r->dia.delim &&
                   b->pos[n] != '\n' && b->pos[n] != '\r')
                n++;
            hpml_log(HPML_LOG_INFO,
                     "%s:%llu:%llu: column '%s' looked numeric but holds text ('%.*s'): "
                     "reading it as categorical",
                     r->name, (unsigned long long)line, (unsigned long long)col,
                     r->names[b->col], (int)n, b->pos);
        }
    }
}

/* Copies the cells of ranges[0..n) into table rows row0.. of the columns
 * whose kind (for this block) is not SKIP. Parallel over columns; within a
 * column, ranges are merged in order so dictionary codes are deterministic. */
static hpml_status merge_block(csv_reader *r, int n, const uint8_t *kinds, size_t row0)
{
    hpml_table *t = r->t;
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 8) num_threads(r->threads) reduction(| : failed)
    for (int c = 0; c < r->n_cols; c++) {
        if (kinds[c] == CSV_SKIP || failed)
            continue;
        int tid = omp_get_thread_num();
        size_t row = row0;
        for (int k = 0; k < n; k++) {
            const csv_chunk *ch = &r->chunks[k];
            const uint32_t *src = ch->cells + (size_t)c * ch->cap_rows;
            t->cols[c].n_missing += ch->n_missing[c];
            if (kinds[c] != CSV_CATEGORICAL) {
                memcpy(table_f32(t, c) + row, src, ch->n_rows * 4);
            } else {
                const hpml_dict *ld = &ch->dicts[c];
                if ((size_t)ld->n > r->remap_cap[tid]) {
                    int32_t *m = hpml_realloc_array(r->remap[tid], (size_t)ld->n, sizeof *m);
                    if (!m) {
                        failed = 1;
                        break;
                    }
                    r->remap[tid] = m;
                    r->remap_cap[tid] = (size_t)ld->n;
                }
                int32_t *map = r->remap[tid];
                for (int32_t i = 0; i < ld->n && !failed; i++)
                    failed = hpml_dict_intern(&t->cols[c].dict, hpml_dict_str(ld, i), ld->len[i],
                                              &map[i]) != HPML_OK;
                if (failed)
                    break;
                const int32_t *in = (const int32_t *)src;
                int32_t *out = table_i32(t, c) + row;
                for (size_t i = 0; i < ch->n_rows; i++)
                    out[i] = in[i] < 0 ? -1 : map[in[i]];
            }
            row += ch->n_rows;
        }
    }
    /* The dictionaries fail only for memory (or past INT32_MAX categories,
     * impossible below 2^32 rows of which each adds at most one). */
    return failed ? hpml_fail(HPML_ERR_NOMEM, "%s: out of memory while storing columns", r->name)
                  : HPML_OK;
}

/* Line anchors of the block: where records span lines or blank lines were skipped. */
static hpml_status add_anchors(csv_reader *r, int n, size_t row0, uint64_t line0)
{
    hpml_table *t = r->t;
    size_t row = row0;
    uint64_t line = line0;
    for (int k = 0; k < n; k++) {
        const csv_chunk *ch = &r->chunks[k];
        uint64_t base = line - t->data_line0 - row;
        if (table_add_anchor(t, row, base) != HPML_OK)
            return HPML_ERR_NOMEM;
        for (size_t i = 0; i < ch->n_anchors; i++)
            if (ch->anchors[i].row < ch->n_rows &&
                table_add_anchor(t, row + ch->anchors[i].row, base + ch->anchors[i].extra) != HPML_OK)
                return HPML_ERR_NOMEM;
        row += ch->n_rows;
        line += ch->n_lines;
        t->n_blank_lines += ch->n_blank;
    }
    return HPML_OK;
}

/* Cuts buf[0..bound) into up to `threads` ranges at record boundaries;
 * n_quotes quote characters lie in buf[0..bound). */
static int cut_ranges(csv_reader *r, size_t bound, size_t n_quotes, size_t *cuts)
{
    int n = r->threads;
    size_t per = bound / (size_t)n;
    if (per < r->min_range)
        n = (int)(bound / r->min_range) + 1;
    if (n > r->threads)
        n = r->threads;
    cuts[0] = 0;
    size_t prev_at = 0;
    int parity = 0;
    for (int k = 1; k < n; k++) {
        size_t at = bound * (size_t)k / (size_t)n;
        if (at < cuts[k - 1])
            at = cuts[k - 1];
        if (n_quotes)
            parity ^= (int)(count_char(r->src.data + prev_at, at - prev_at, r->dia.quote) & 1);
        prev_at = at;
        cuts[k] = next_boundary(r->src.data, bound, at, parity, n_quotes ? r->dia.quote : 0);
    }
    cuts[n] = bound;
    return n;
}

static void parse_block(csv_reader *r, int n, const size_t *cuts, int final_last)
{
#pragma omp parallel for schedule(static, 1) num_threads(n)
    for (int k = 0; k < n; k++) {
        csv_chunk *ch = &r->chunks[k];
        memcpy(ch->kinds, r->kinds, (size_t)r->n_cols);
        ch->begin = r->src.data + cuts[k];
        ch->end = r->src.data + cuts[k + 1];
        ch->final = k == n - 1 ? final_last : 1;
        ch->max_rows = 0;
        csv_parse_range(&r->dia, r->n_cols, ch);
    }
}

/* Checks the ranges of a block in file order, noting their bumps, and
 * returns the first error. A value too large for float32 in an auto-numeric
 * column is no error when an earlier range found text in that column (the
 * column is categorical, the value just text): that range is parsed again
 * with the column skipped, as a sequential parse would have done. */
static hpml_status settle_block(csv_reader *r, int n, uint64_t line)
{
    for (int k = 0; k < n; k++) {
        csv_chunk *ch = &r->chunks[k];
        while (ch->status == HPML_ERR_PARSE && ch->err_col >= 0 && r->bumped[ch->err_col]) {
            memcpy(ch->kinds, r->kinds, (size_t)r->n_cols);
            csv_parse_range(&r->dia, r->n_cols, ch);
        }
        if (ch->status != HPML_OK)
            return range_error(r, ch, line);
        note_bumps(r, ch, line);
        line += ch->n_lines;
    }
    return HPML_OK;
}

/* Reserves column storage after the first block from its density. */
static hpml_status reserve_estimate(csv_reader *r, size_t rows, size_t bytes)
{
    uint64_t size = r->data_bytes;
    if (r->src.is_gzip)
        size *= 4; /* a guess; columns grow without copying anyway */
    double est = rows;
    if (bytes && size)
        est = (double)size * (double)rows / (double)bytes * 1.05 + 64;
    if (est > 4294967294.0)
        est = 4294967294.0;
    return table_reserve(r->t, (size_t)est > rows ? (size_t)est : rows);
}

/* One pass over the data records: pass 1 reads every column by r->kinds;
 * pass 2 re-reads the bumped columns only. */
static hpml_status read_pass(csv_reader *r, int pass)
{
    hpml_table *t = r->t;
    size_t row = 0;
    uint64_t line = r->line_start;
    size_t cuts[257];
    uint8_t *kinds = hpml_malloc((size_t)r->n_cols);
    if (!kinds)
        return HPML_ERR_NOMEM;
    hpml_status s = HPML_OK;
    int first = 1;
    for (;;) {
        if ((s = hpml_source_fill(&r->src)) != HPML_OK)
            goto out;
        if (r->src.len == 0)
            break;
        /* One scan for quotes: most numeric files have none, and then record
         * boundaries are just newlines. */
        size_t n_quotes = r->dia.quote ? count_char(r->src.data, r->src.len, r->dia.quote) : 0;
        size_t bound = r->src.eof ? r->src.len
                                  : last_boundary(r->src.data, r->src.len, r->dia.quote, n_quotes);
        int n;
        memcpy(kinds, r->kinds, (size_t)r->n_cols);
        if (bound == 0) {
            /* No boundary found by quote parity: a record longer than the
             * buffer, or a stray quote. Parse sequentially to tell which. */
            cuts[0] = 0;
            cuts[1] = r->src.len;
            parse_block(r, 1, cuts, 0);
            csv_chunk *ch = &r->chunks[0];
            if ((s = settle_block(r, 1, line)) != HPML_OK)
                goto out;
            if (ch->stop == r->src.data) {
                s = widen(r);
                if (s == HPML_ERR_DATA)
                    s = hpml_fail_at(HPML_ERR_PARSE, r->name, line, 1,
                                     "a record longer than %zu MiB starts here (unterminated "
                                     "quote?)",
                                     MAX_RECORD_BYTES >> 20);
                if (s != HPML_OK)
                    goto out;
                continue;
            }
            bound = (size_t)(ch->stop - r->src.data);
            n = 1;
        } else {
            if (n_quotes && bound < r->src.len) /* only the tail past the boundary */
                n_quotes -= count_char(r->src.data + bound, r->src.len - bound, r->dia.quote);
            n = cut_ranges(r, bound, n_quotes, cuts);
            parse_block(r, n, cuts, r->src.eof);
            if ((s = settle_block(r, n, line)) != HPML_OK)
                goto out;
        }
        size_t block_rows = 0;
        uint64_t block_lines = 0;
        for (int k = 0; k < n; k++) {
            block_rows += r->chunks[k].n_rows;
            block_lines += r->chunks[k].n_lines;
        }
        if (row + block_rows > 4294967294u) {
            s = hpml_fail_at(HPML_ERR_DATA, r->name, line, 1,
                             "more than 4,294,967,294 rows: split the file");
            goto out;
        }
        if (pass == 1) {
            s = first ? reserve_estimate(r, block_rows, bound) : table_reserve(t, row + block_rows);
            if (s == HPML_OK)
                s = add_anchors(r, n, row, line);
            if (s != HPML_OK)
                goto out;
        } else if (row + block_rows > t->n_rows) {
            s = hpml_fail(HPML_ERR_IO, "%s: the file changed while it was being read", r->name);
            goto out;
        }
        if ((s = merge_block(r, n, kinds, row)) != HPML_OK)
            goto out;
        first = 0;
        row += block_rows;
        line += block_lines;
        if (pass == 1)
            t->n_rows = row;
        hpml_source_consume(&r->src, bound);
        if (r->src.eof && r->src.len == 0)
            break;
    }
    if (pass == 2 && row != t->n_rows)
        s = hpml_fail(HPML_ERR_IO, "%s: the file changed while it was being read", r->name);
out:
    hpml_free(kinds);
    return s;
}

/* ------------------------------------------------------ several processes
 *
 * Each process parses its share of the records, then the shares are put
 * together on every process in rank order, as the thread ranges of one
 * window are: the table is the one a single process reads. Every process
 * reads the header and the type sample itself (the same bytes: no
 * messages). The collectives run in the same order on every process; a
 * failure in a share is agreed at a check (dist_check) before the next
 * collective, and one that cannot be (memory, in the middle of putting the
 * shares together) ends every process (dist_abort). */

/* The first record boundary at or after a, given the quote parity at a. */
static size_t boundary_at(const csv_reader *r, size_t a, int q)
{
    if (a <= r->header_bytes)
        return (size_t)r->header_bytes;
    if (r->src.mem[a - 1] == '\n' && !q)
        return a;
    return next_boundary(r->src.mem, r->src.mem_len, a, q, r->dia.quote);
}

/* This process's records: the bytes after the header are cut evenly, each
 * cut moved on to the next record boundary, which every process finds
 * alike from the quotes counted before it (a newline ends a record after an
 * even number of quotes). The newlines before its share give its first line. */
static hpml_status share_records(csv_reader *r)
{
    const int np = dist_size(r->dist), me = dist_rank(r->dist);
    const size_t h = (size_t)r->header_bytes, body = r->src.mem_len - h;
    const size_t a0 = h + (size_t)((uint64_t)body * (uint64_t)me / (uint64_t)np),
                 a1 = h + (size_t)((uint64_t)body * (uint64_t)(me + 1) / (uint64_t)np);
    uint64_t mine[2] = {r->dia.quote ? count_char(r->src.mem + a0, a1 - a0, r->dia.quote) : 0,
                        count_char(r->src.mem + a0, a1 - a0, '\n')};
    uint64_t *all = hpml_malloc_array((size_t)np * 2, sizeof *all);
    if (!all)
        return dist_abort(r->dist, hpml_fail(HPML_ERR_NOMEM, "%s: out of memory", r->name));
    hpml_status s = dist_allgather(r->dist, mine, all, sizeof mine);
    uint64_t quotes = 0, lines = 0;
    for (int k = 0; k < me; k++) {
        quotes += all[2 * k];
        lines += all[2 * k + 1];
    }
    hpml_free(all);
    if (s != HPML_OK)
        return s;
    size_t from = boundary_at(r, a0, (int)(quotes & 1));
    size_t to = me == np - 1 ? r->src.mem_len : boundary_at(r, a1, (int)((quotes + mine[0]) & 1));
    if (to < from)
        to = from;
    r->line_start = r->data_line0 + lines + count_char(r->src.mem + a0, from - a0, '\n');
    r->data_start = from;
    r->data_bytes = to - from;
    return hpml_source_limit(&r->src, from, to);
}

/* The shares put together: r->t (this process's rows) becomes the whole
 * table. Per column, numeric values travel as they are; a categorical
 * column's dictionaries are sent in rank order and merged (codes in order
 * of first appearance in the file, as one process gives them), then each
 * process's codes, mapped to the merged dictionary by their owner. */
static hpml_status gather_shares(csv_reader *r)
{
    hpml_dist *d = r->dist;
    const int np = dist_size(d), me = dist_rank(d), nc = r->n_cols;
    hpml_table *part = r->t, *w = NULL;
    /* per process: rows, first line, anchors, blank lines, then per column
     * the bytes of its dictionary (categorical) and its missing values */
    const size_t per = 4 + 2 * (size_t)nc;
    uint64_t *info = hpml_malloc_array((size_t)np * per, sizeof *info);
    uint64_t *off = hpml_malloc_array((size_t)np * 2 + 1, sizeof *off);
    uint64_t *mine = info ? info + (size_t)me * per : NULL;
    char *text = NULL;
    int32_t *map = NULL;
    line_anchor *anch = NULL;
    hpml_status s = HPML_OK;
    if (!info || !off)
        goto nomem;
    mine[0] = part->n_rows;
    mine[1] = r->line_start;
    mine[2] = part->n_anchors;
    mine[3] = part->n_blank_lines;
    size_t text_max = 0;
    for (int c = 0; c < nc; c++) {
        const hpml_dict *dc = &part->cols[c].dict;
        uint64_t bytes = 0;
        for (int32_t i = 0; part->cols[c].type == HPML_COL_CATEGORICAL && i < dc->n; i++)
            bytes += dc->len[i] + 1;
        mine[4 + 2 * c] = bytes;
        mine[5 + 2 * c] = part->cols[c].n_missing;
    }
    if ((s = dist_allgather(d, mine, info, per * sizeof *info)) != HPML_OK)
        goto out;
    uint64_t *rows = off + np, total = 0, anchors = 0;
    for (int k = 0; k < np; k++) {
        const uint64_t *ik = info + (size_t)k * per;
        off[k] = total;
        rows[k] = ik[0];
        total += ik[0];
        anchors += ik[2];
        for (int c = 0; c < nc; c++)
            if (ik[4 + 2 * c] > text_max)
                text_max = ik[4 + 2 * c];
    }
    if (total > 4294967294u) {
        s = hpml_fail(HPML_ERR_DATA, "%s: more than 4,294,967,294 rows: split the file", r->name);
        goto out; /* every process says it */
    }
    /* everything this process needs before the first column travels */
    s = table_create(r->name, nc, (const char *const *)r->names, &w);
    if (s == HPML_OK)
        s = table_reserve(w, total ? total : 1);
    if (s == HPML_OK && (!(text = hpml_malloc(text_max + 1)) ||
                         !(anch = hpml_malloc_array(anchors + 1, sizeof *anch))))
        s = hpml_fail(HPML_ERR_NOMEM, "%s: out of memory", r->name);
    if ((s = dist_check(d, s, NULL)) != HPML_OK)
        goto out;
    w->n_rows = total;
    w->delimiter = part->delimiter;
    w->data_line0 = r->data_line0;
    for (int c = 0; c < nc && s == HPML_OK; c++) {
        table_column *col = &w->cols[c], *pc = &part->cols[c];
        col->type = pc->type;
        for (int k = 0; k < np; k++)
            col->n_missing += info[(size_t)k * per + 5 + 2 * c];
        if (col->type != HPML_COL_CATEGORICAL) {
            memcpy(table_f32(w, c) + off[me], table_f32(part, c), part->n_rows * sizeof(float));
            s = dist_allgatherv(d, col->data, off, rows, sizeof(float));
            continue;
        }
        /* the dictionaries in rank order; this process's codes mapped */
        hpml_free(map);
        if (!(map = hpml_malloc_array(pc->dict.n ? (size_t)pc->dict.n : 1, sizeof *map)))
            goto abort;
        for (int k = 0; k < np && s == HPML_OK; k++) {
            size_t bytes = info[(size_t)k * per + 4 + 2 * c];
            if (k == me)
                for (size_t i = 0, at = 0; i < (size_t)pc->dict.n; at += pc->dict.len[i++] + 1)
                    memcpy(text + at, hpml_dict_str(&pc->dict, (int32_t)i), pc->dict.len[i] + 1);
            if ((s = dist_bcast(d, text, bytes, k)) != HPML_OK)
                break;
            for (size_t at = 0, i = 0; at < bytes; i++) {
                size_t len = strlen(text + at);
                int32_t code;
                if (hpml_dict_intern(&col->dict, text + at, len, &code) != HPML_OK)
                    goto abort;
                if (k == me)
                    map[i] = code;
                at += len + 1;
            }
        }
        const int32_t *in = table_i32(part, c);
        int32_t *out = table_i32(w, c) + off[me];
        for (size_t i = 0; i < part->n_rows; i++)
            out[i] = in[i] < 0 ? -1 : map[in[i]];
        if (s == HPML_OK)
            s = dist_allgatherv(d, col->data, off, rows, sizeof(int32_t));
    }
    /* the lines: each share's anchors, moved to its place in the file */
    for (int k = 0; k < np && s == HPML_OK; k++) {
        const uint64_t *ik = info + (size_t)k * per;
        if (k == me && part->n_anchors)
            memcpy(anch, part->anchors, part->n_anchors * sizeof *anch);
        if ((s = dist_bcast(d, anch, ik[2] * sizeof *anch, k)) != HPML_OK)
            break;
        uint64_t base = ik[1] - r->data_line0 - off[k]; /* line = data_line0 + row + extra */
        if (table_add_anchor(w, off[k], base) != HPML_OK)
            goto abort;
        for (uint64_t i = 0; i < ik[2]; i++)
            if (table_add_anchor(w, off[k] + anch[i].row, base + anch[i].extra) != HPML_OK)
                goto abort;
        w->n_blank_lines += ik[3];
    }
    if (s == HPML_OK) {
        hpml_table_free(part);
        r->t = w;
        w = NULL;
    }
    goto out;
abort:
    s = dist_abort(d, hpml_fail(HPML_ERR_NOMEM, "%s: out of memory while putting the shares of "
                                "the processes together", r->name));
    goto out;
nomem:
    s = dist_abort(d, hpml_fail(HPML_ERR_NOMEM, "%s: out of memory", r->name));
out:
    hpml_free(info);
    hpml_free(off);
    hpml_free(text);
    hpml_free(map);
    hpml_free(anch);
    hpml_table_free(w);
    return s;
}

/* Guesses the column types from the first SAMPLE_ROWS records in the buffer. */
static void infer_types(csv_reader *r)
{
    csv_chunk *ch = &r->chunks[0];
    memcpy(ch->kinds, r->kinds, (size_t)r->n_cols);
    ch->begin = r->src.data;
    ch->end = r->src.data + r->src.len;
    ch->final = r->src.eof;
    ch->max_rows = SAMPLE_ROWS;
    csv_parse_range(&r->dia, r->n_cols, ch);
    /* A malformed record in the sample is reported by the real pass. */
    for (size_t i = 0; i < ch->n_bumps; i++)
        r->kinds[ch->bumps[i].col] = CSV_CATEGORICAL;
}

static hpml_status apply_hints(csv_reader *r, const hpml_csv_options *opt)
{
    for (int c = 0; c < r->n_cols; c++)
        r->kinds[c] = CSV_NUMERIC;
    for (int i = 0; i < opt->n_hints; i++) {
        int c = 0;
        while (c < r->n_cols && strcmp(r->names[c], opt->hint_names[i]) != 0)
            c++;
        if (c == r->n_cols) {
            int k = hpml_closest_name(opt->hint_names[i], (const char *const *)r->names, r->n_cols);
            return hpml_fail_at(HPML_ERR_DATA, r->name, 1, 1,
                                "no column named '%s' in the header%s%s%s", opt->hint_names[i],
                                k >= 0 ? "; did you mean '" : "", k >= 0 ? r->names[k] : "",
                                k >= 0 ? "'?" : "");
        }
        if (opt->hints[i] == HPML_HINT_NUMERIC)
            r->kinds[c] = CSV_NUMERIC_FORCED;
        else if (opt->hints[i] == HPML_HINT_CATEGORICAL)
            r->kinds[c] = CSV_CATEGORICAL;
    }
    return HPML_OK;
}

static void reader_free(csv_reader *r)
{
    hpml_source_close(&r->src);
    for (int c = 0; r->names && c < r->n_cols; c++)
        hpml_free(r->names[c]);
    hpml_free(r->names);
    hpml_free(r->kinds);
    hpml_free(r->bumped);
    for (int k = 0; r->chunks && k < r->n_chunks_init; k++)
        csv_chunk_free(&r->chunks[k], r->n_cols);
    hpml_free(r->chunks);
    for (int k = 0; r->remap && k < r->threads; k++)
        hpml_free(r->remap[k]);
    hpml_free(r->remap);
    hpml_free(r->remap_cap);
    hpml_free(r->dia.na);
    hpml_free(r->dia.na_len);
    hpml_free(r->na_copy);
}

static hpml_status validate_options(const hpml_csv_options *opt, const char *name)
{
    const char *ok = ",\t;|: ";
    if (opt->delimiter && !strchr(ok, opt->delimiter))
        return hpml_fail(HPML_ERR_ARG, "%s: delimiter must be one of , tab ; | : space", name);
    if (opt->quote && opt->quote != '"' && opt->quote != '\'')
        return hpml_fail(HPML_ERR_ARG, "%s: quote must be '\"', '\\'' or none", name);
    if (opt->decimal != '.' && opt->decimal != ',')
        return hpml_fail(HPML_ERR_ARG, "%s: decimal mark must be '.' or ','", name);
    if (opt->decimal == opt->delimiter)
        return hpml_fail(HPML_ERR_ARG, "%s: the decimal mark cannot also be the delimiter", name);
    if (opt->threads < 0 || opt->threads > 256)
        return hpml_fail(HPML_ERR_ARG, "%s: threads must be between 0 (all cores) and 256, got %d",
                         name, opt->threads);
    if (opt->block_bytes && (opt->block_bytes < 16 || opt->block_bytes > ((size_t)1 << 30)))
        return hpml_fail(HPML_ERR_ARG, "%s: block size must be between 16 bytes and 1 GiB", name);
    if (opt->n_hints < 0 || (opt->n_hints && (!opt->hint_names || !opt->hints)))
        return hpml_fail(HPML_ERR_ARG, "%s: column type hints given without names", name);
    return HPML_OK;
}

/* Opens the input and reads the header; the types from the sample; the
 * empty table. */
static hpml_status prepare(csv_reader *r, const char *path, const char *mem, size_t mem_len,
                           const hpml_csv_options *opt)
{
    hpml_status s = validate_options(opt, r->name);
    if (s != HPML_OK)
        return s;
    r->dia.delim = opt->delimiter ? opt->delimiter : ',';
    r->dia.quote = opt->quote;
    r->dia.decimal = opt->decimal;
    r->threads = opt->threads ? opt->threads : omp_get_max_threads();
    if (r->threads > 256)
        r->threads = 256;
    if ((s = set_na_tokens(r, opt->na_tokens)) != HPML_OK)
        return s;
    size_t block = opt->block_bytes ? opt->block_bytes : CHUNK_BYTES;
    r->min_range = block < (64u << 10) ? block : (64u << 10);
    if (path)
        s = hpml_source_open_file(&r->src, path, block * (size_t)r->threads);
    else
        hpml_source_open_mem(&r->src, mem, mem_len, r->name, block * (size_t)r->threads);
    if (s != HPML_OK)
        return s;
    if ((s = read_header(r, opt)) != HPML_OK)
        return s;
    if (r->dia.decimal == r->dia.delim)
        return hpml_fail(HPML_ERR_ARG, "%s: the delimiter is '%c', so the decimal mark cannot be",
                         r->name, r->dia.delim);
    r->data_start = r->header_bytes;
    r->data_bytes = r->src.size > r->header_bytes ? r->src.size - r->header_bytes : 0;
    r->line_start = r->data_line0;
    r->kinds = hpml_malloc((size_t)r->n_cols);
    r->bumped = hpml_calloc((size_t)r->n_cols, 1);
    r->chunks = hpml_calloc((size_t)r->threads, sizeof *r->chunks);
    r->remap = hpml_calloc((size_t)r->threads, sizeof *r->remap);
    r->remap_cap = hpml_calloc((size_t)r->threads, sizeof *r->remap_cap);
    if (!r->kinds || !r->bumped || !r->chunks || !r->remap || !r->remap_cap)
        return HPML_ERR_NOMEM;
    for (; r->n_chunks_init < r->threads; r->n_chunks_init++)
        if ((s = csv_chunk_init(&r->chunks[r->n_chunks_init], r->n_cols)) != HPML_OK)
            return s;
    if ((s = apply_hints(r, opt)) != HPML_OK)
        return s;
    infer_types(r);
    if ((s = table_create(r->name, r->n_cols, (const char *const *)r->names, &r->t)) != HPML_OK)
        return s;
    r->t->delimiter = r->dia.delim;
    for (int c = 0; c < r->n_cols; c++)
        if (r->kinds[c] == CSV_CATEGORICAL)
            r->t->cols[c].type = HPML_COL_CATEGORICAL;
    return HPML_OK;
}

/* Several processes: every one of them ends here with the same status. */
static hpml_status agree(const csv_reader *r, hpml_status s)
{
    return r->dist ? dist_check(r->dist, s, NULL) : s;
}

/* Reads the file at path, or else the buffer mem[0..mem_len). */
static hpml_status read_csv(const char *path, const char *mem, size_t mem_len, const char *name,
                            const hpml_csv_options *opt_in, hpml_table **out)
{
    hpml_csv_options defaults;
    hpml_csv_options_init(&defaults);
    const hpml_csv_options *opt = opt_in ? opt_in : &defaults;
    csv_reader r;
    memset(&r, 0, sizeof r);
    r.src.fd = -1;
    r.name = name;
    int64_t *flags = NULL; /* several processes: per column, bumped anywhere */
    hpml_status s = prepare(&r, path, mem, mem_len, opt);
    if (dist_size(opt->dist) > 1) {
        r.dist = opt->dist;
        if (s == HPML_OK && !(flags = hpml_calloc((size_t)r.n_cols + 1, sizeof *flags)))
            s = HPML_ERR_NOMEM;
        if ((s = agree(&r, s)) != HPML_OK) /* every process has its header, or all stop */
            goto out;
        /* shares of a mapped file or a buffer (if every process has one);
         * a stream is read whole by each */
        flags[r.n_cols] = r.src.mem != NULL;
        if ((s = dist_allreduce_i64(r.dist, flags + r.n_cols, 1, DIST_MIN)) != HPML_OK)
            goto out;
        if (!flags[r.n_cols])
            r.dist = NULL;
        else if ((s = share_records(&r)) != HPML_OK)
            goto out;
    } else if (s != HPML_OK) {
        goto out;
    }
    r.t->data_line0 = r.line_start;
    if ((s = agree(&r, read_pass(&r, 1))) != HPML_OK)
        goto out;
    if (r.dist) { /* a column with text in any share is categorical in all */
        for (int c = 0; c < r.n_cols; c++)
            flags[c] = r.bumped[c];
        if ((s = dist_allreduce_i64(r.dist, flags, (size_t)r.n_cols, DIST_MAX)) != HPML_OK)
            goto out;
        for (int c = 0; c < r.n_cols; c++)
            if (flags[c] && !r.bumped[c]) {
                r.bumped[c] = 1;
                r.any_bumped = 1;
            }
    }
    if (r.any_bumped) {
        for (int c = 0; c < r.n_cols; c++) {
            r.kinds[c] = r.bumped[c] ? CSV_CATEGORICAL : CSV_SKIP;
            if (r.bumped[c]) {
                r.t->cols[c].type = HPML_COL_CATEGORICAL;
                r.t->cols[c].n_missing = 0;
            }
        }
        s = hpml_source_restart(&r.src, r.data_start);
        if (s == HPML_OK)
            s = read_pass(&r, 2);
        if ((s = agree(&r, s)) != HPML_OK)
            goto out;
    }
    if (r.dist && (s = gather_shares(&r)) != HPML_OK)
        goto out;
    if (r.t->n_rows == 0) {
        s = hpml_fail_at(HPML_ERR_PARSE, name, r.data_line0, 1,
                         "no data rows after the header (the file has only column names)");
        goto out;
    }
    table_shrink(r.t);
    *out = r.t;
    r.t = NULL;
out:
    if (s == HPML_ERR_NOMEM && !strstr(hpml_last_error(), "memory"))
        hpml_fail(HPML_ERR_NOMEM, "%s: out of memory", name);
    hpml_free(flags);
    hpml_table_free(r.t);
    reader_free(&r);
    return s;
}

hpml_status hpml_table_read_csv(const char *path, const hpml_csv_options *opt, hpml_table **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_table_read_csv: out is NULL");
    *out = NULL;
    if (!path)
        return hpml_fail(HPML_ERR_ARG, "hpml_table_read_csv: path is NULL");
    return read_csv(path, NULL, 0, path, opt, out);
}

hpml_status hpml_table_read_csv_buffer(const char *data, size_t len, const char *name,
                                       const hpml_csv_options *opt, hpml_table **out)
{
    if (!out)
        return hpml_fail(HPML_ERR_ARG, "hpml_table_read_csv_buffer: out is NULL");
    *out = NULL;
    if (!data && len)
        return hpml_fail(HPML_ERR_ARG, "hpml_table_read_csv_buffer: data is NULL");
    return read_csv(NULL, data ? data : "", len, name ? name : "<buffer>", opt, out);
}
