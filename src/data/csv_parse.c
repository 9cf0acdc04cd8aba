/* csv_parse.c — RFC 4180 records to column-major cells, one range per call.
 *
 * The hot path is a numeric field: hpml_parse_number_fast reads the digits
 * straight from the buffer and stops at the delimiter, so a numeric field is
 * touched once. Everything else (quotes, NA tokens, text, long numbers) takes
 * the general path: find the field's extent, then interpret it.
 */
#include "data/csv_parse.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "data/numparse.h"

hpml_status csv_chunk_init(csv_chunk *ch, int n_cols)
{
    memset(ch, 0, sizeof *ch);
    ch->kinds = hpml_calloc((size_t)n_cols, 1);
    ch->dicts = hpml_calloc((size_t)n_cols, sizeof *ch->dicts);
    ch->n_missing = hpml_calloc((size_t)n_cols, sizeof *ch->n_missing);
    if (!ch->kinds || !ch->dicts || !ch->n_missing) {
        csv_chunk_free(ch, n_cols);
        return HPML_ERR_NOMEM;
    }
    for (int c = 0; c < n_cols; c++)
        hpml_dict_init(&ch->dicts[c]);
    return HPML_OK;
}

void csv_chunk_free(csv_chunk *ch, int n_cols)
{
    for (int c = 0; ch->dicts && c < n_cols; c++)
        hpml_dict_free(&ch->dicts[c]);
    hpml_free(ch->dicts);
    hpml_free(ch->kinds);
    hpml_free(ch->n_missing);
    hpml_big_free(ch->cells, ch->cells_bytes);
    hpml_free(ch->scratch);
    hpml_free(ch->anchors);
    hpml_free(ch->bumps);
    memset(ch, 0, sizeof *ch);
}

/* Records the first problem of the range. */
static void chunk_fail(csv_chunk *ch, hpml_status s, const char *pos, const char *rec,
                       uint64_t rec_line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void chunk_fail(csv_chunk *ch, hpml_status s, const char *pos, const char *rec,
                       uint64_t rec_line, const char *fmt, ...)
{
    ch->status = s;
    ch->err_pos = pos;
    ch->err_rec = rec;
    ch->err_rec_line = rec_line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ch->err_msg, sizeof ch->err_msg, fmt, ap);
    va_end(ap);
}

/* Printable excerpt of a field for messages: at most 40 bytes. */
static int excerpt_len(size_t n) { return n > 40 ? 40 : (int)n; }

static int push_anchor(csv_chunk *ch, uint64_t row, uint64_t extra)
{
    if (ch->n_anchors == ch->cap_anchors) {
        size_t cap = ch->cap_anchors ? ch->cap_anchors * 2 : 16;
        csv_anchor *a = hpml_realloc_array(ch->anchors, cap, sizeof *a);
        if (!a)
            return 0;
        ch->anchors = a;
        ch->cap_anchors = cap;
    }
    ch->anchors[ch->n_anchors++] = (csv_anchor){row, extra};
    return 1;
}

static int push_bump(csv_chunk *ch, int col, const char *pos, const char *rec, uint64_t rec_line)
{
    if (ch->n_bumps == ch->cap_bumps) {
        size_t cap = ch->cap_bumps ? ch->cap_bumps * 2 : 8;
        csv_bump *b = hpml_realloc_array(ch->bumps, cap, sizeof *b);
        if (!b)
            return 0;
        ch->bumps = b;
        ch->cap_bumps = cap;
    }
    ch->bumps[ch->n_bumps++] = (csv_bump){col, pos, rec, rec_line};
    return 1;
}

static int scratch_append(csv_chunk *ch, size_t *len, const char *s, size_t n)
{
    if (*len + n > ch->scratch_cap) {
        size_t cap = ch->scratch_cap ? ch->scratch_cap : 256;
        while (cap < *len + n)
            cap *= 2;
        char *b = hpml_realloc(ch->scratch, cap);
        if (!b)
            return 0;
        ch->scratch = b;
        ch->scratch_cap = cap;
    }
    memcpy(ch->scratch + *len, s, n);
    *len += n;
    return 1;
}

/* Upper bound on the records in [p, end): newlines + 1. */
static size_t count_records_bound(const char *p, const char *end)
{
    size_t n = 1;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

/* Counts the fields of the record from p (just after a delimiter) to its
 * end, for the "too many fields" message; 0 if the record runs past `end`
 * and `end` is not the end of the input (the count would be wrong). */
static size_t count_rest_fields(const csv_dialect *d, const char *p, const char *end, int final)
{
    size_t n = 1;
    int inq = 0;
    for (; p < end; p++) {
        if (d->quote && *p == d->quote)
            inq = !inq;
        else if (!inq && *p == d->delim)
            n++;
        else if (!inq && *p == '\n')
            return n;
    }
    return final ? n : 0;
}

/* Whether p (< end) starts a record terminator: "\n", "\r\n", or "\r" at
 * the end of the input. */
static inline int at_eol(const char *p, const char *end, int final)
{
    return *p == '\n' || (*p == '\r' && (p + 1 == end ? final : p[1] == '\n'));
}

/* A "\r" that ends the window of a non-final range: its "\n" may follow. */
static inline int cr_cut(const char *p, const char *end, int final)
{
    return !final && *p == '\r' && p + 1 == end;
}

/* Printable form of a byte for messages: "x", or "\r", "\t", "\x01". */
static const char *show_char(char c, char buf[8])
{
    if (c == '\r')
        return "\\r";
    if (c == '\t')
        return "\\t";
    if ((unsigned char)c < 0x20 || c == 0x7f)
        snprintf(buf, 8, "\\x%02x", (unsigned char)c);
    else
        snprintf(buf, 8, "%c", c);
    return buf;
}

/* What scanning one field found. */
enum field_result { FIELD_OK, FIELD_INCOMPLETE, FIELD_ERROR };

/* The extent of one field: its text fs..fe (in the input, or in ch->scratch
 * for a quoted field with doubled quotes) and where it starts in the input
 * (pos, for messages). */
typedef struct field {
    const char *pos, *fs, *fe;
} field;

/* Scans the quoted field at *pp (on its opening quote); *lines counts the
 * newlines inside it. Leaves *pp after the closing quote. */
static enum field_result scan_quoted(const csv_dialect *d, csv_chunk *ch, const char **pp,
                                     const char *end, const char *rec, uint64_t rec_line,
                                     uint64_t *lines, field *f)
{
    const char quote = d->quote, *open = *pp, *p = open + 1, *seg = p;
    size_t slen = 0;
    int escaped = 0;
    for (;;) {
        const char *q = memchr(p, quote, (size_t)(end - p));
        if (!q || (q + 1 == end && !ch->final)) {
            if (!ch->final)
                return FIELD_INCOMPLETE;
            chunk_fail(ch, HPML_ERR_PARSE, open, rec, rec_line,
                       "unterminated quote: the quoted field that starts here has no closing "
                       "%c before the end of the file",
                       quote);
            return FIELD_ERROR;
        }
        if (q + 1 < end && q[1] == quote) { /* "" is a literal quote */
            if (!scratch_append(ch, &slen, seg, (size_t)(q + 1 - seg))) {
                chunk_fail(ch, HPML_ERR_NOMEM, q, rec, rec_line, "out of memory");
                return FIELD_ERROR;
            }
            escaped = 1;
            p = seg = q + 2;
            continue;
        }
        if (escaped && !scratch_append(ch, &slen, seg, (size_t)(q - seg))) {
            chunk_fail(ch, HPML_ERR_NOMEM, q, rec, rec_line, "out of memory");
            return FIELD_ERROR;
        }
        f->pos = open;
        f->fs = escaped ? ch->scratch : open + 1;
        f->fe = escaped ? ch->scratch + slen : q;
        for (const char *nl = open; (nl = memchr(nl, '\n', (size_t)(q - nl))); nl++)
            (*lines)++;
        p = q + 1;
        break;
    }
    if (p < end && cr_cut(p, end, ch->final))
        return FIELD_INCOMPLETE;
    if (p < end && *p != d->delim && !at_eol(p, end, ch->final)) {
        char buf[8];
        chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                   "unexpected '%s' after the closing quote of a field (expected a delimiter "
                   "or the end of the line)",
                   show_char(*p, buf));
        return FIELD_ERROR;
    }
    *pp = p;
    return FIELD_OK;
}

/* Scans the unquoted field at *pp up to its delimiter or line end. */
static enum field_result scan_unquoted(const csv_dialect *d, csv_chunk *ch, const char **pp,
                                       const char *end, const char *rec, uint64_t rec_line,
                                       field *f)
{
    const char *p = *pp;
    const char delim = d->delim, quote = d->quote;
    while (p < end) {
        char x = *p;
        if (x == delim || x == '\n' || (x == '\r' && at_eol(p, end, ch->final)))
            break;
        if (__builtin_expect(x == '\0', 0)) {
            chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                       "NUL byte in a field (is this a binary file?)");
            return FIELD_ERROR;
        }
        if (quote && x == quote) {
            chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                       "quote character inside an unquoted field; quote the whole field "
                       "(RFC 4180: \"a \"\"b\"\"\") or read with quoting off (--quote none)");
            return FIELD_ERROR;
        }
        p++;
    }
    f->pos = f->fs = *pp;
    f->fe = p;
    *pp = p;
    return FIELD_OK;
}

/* Records a value too large for float32, and which column it was in. */
static void fail_overflow(csv_chunk *ch, int col, const char *pos, size_t len, const char *rec,
                          uint64_t rec_line)
{
    chunk_fail(ch, HPML_ERR_PARSE, pos, rec, rec_line,
               "value '%.*s' does not fit in float32 (magnitude above 3.4e38)",
               excerpt_len(len), pos);
    ch->err_col = col;
}

/* Interprets field f of column c (kind) into *dst. Returns 0 on failure. */
static int store_field(const csv_dialect *d, csv_chunk *ch, int c, const field *f, uint32_t *dst,
                       const char *rec, uint64_t rec_line)
{
    size_t flen = (size_t)(f->fe - f->fs);
    int kind = ch->kinds[c];
    if (kind == CSV_CATEGORICAL) {
        int32_t code = -1;
        if (csv_is_na(d, f->fs, flen)) {
            ch->n_missing[c]++;
        } else if (hpml_dict_intern(&ch->dicts[c], f->fs, flen, &code) != HPML_OK) {
            chunk_fail(ch, HPML_ERR_NOMEM, f->pos, rec, rec_line, "out of memory");
            return 0;
        }
        memcpy(dst, &code, 4);
        return 1;
    }
    if (kind == CSV_SKIP)
        return 1;
    double v;
    float x = NAN;
    if (csv_is_na(d, f->fs, flen)) {
        ch->n_missing[c]++;
    } else if (hpml_parse_number(f->fs, flen, d->decimal, &v)) {
        x = (float)v;
        if (isinf(x) && !hpml_is_inf_literal(f->fs, flen)) {
            fail_overflow(ch, kind == CSV_NUMERIC ? c : -1, f->pos, (size_t)(f->fe - f->fs), rec,
                          rec_line);
            return 0;
        }
    } else if (kind == CSV_NUMERIC_FORCED) {
        chunk_fail(ch, HPML_ERR_PARSE, f->pos, rec, rec_line,
                   "'%.*s' is not a number, but the column was declared numeric",
                   excerpt_len(flen), f->fs);
        return 0;
    } else {
        /* Text in a column that looked numeric: csv_read re-reads it as
         * categorical; stop parsing it here. */
        if (!push_bump(ch, c, f->pos, rec, rec_line)) {
            chunk_fail(ch, HPML_ERR_NOMEM, f->pos, rec, rec_line, "out of memory");
            return 0;
        }
        ch->kinds[c] = CSV_SKIP;
    }
    memcpy(dst, &x, 4);
    return 1;
}

void csv_parse_range(const csv_dialect *d, int n_cols, csv_chunk *ch)
{
    const char *p = ch->begin, *const end = ch->end;
    const char delim = d->delim, quote = d->quote, decimal = d->decimal;
    const int final = ch->final;
    const uint8_t *kinds = ch->kinds;
    size_t rows = 0;
    uint64_t lines = 0, extra_cur = 0;

    ch->status = HPML_OK;
    ch->err_col = -1;
    ch->n_anchors = ch->n_bumps = ch->n_blank = 0;
    ch->incomplete = 0;
    for (int c = 0; c < n_cols; c++) {
        ch->n_missing[c] = 0;
        hpml_dict_reset(&ch->dicts[c]);
    }

    /* Column-major cells need the row capacity up front. */
    size_t cap = count_records_bound(p, end);
    if (ch->max_rows && cap > ch->max_rows)
        cap = ch->max_rows;
    size_t need = cap * (size_t)n_cols * 4;
    if (need > ch->cells_bytes) {
        uint32_t *cells = hpml_big_realloc(ch->cells, ch->cells_bytes, need);
        if (!cells) {
            chunk_fail(ch, HPML_ERR_NOMEM, p, p, 0, "out of memory (%zu bytes of cells)", need);
            goto done;
        }
        ch->cells = cells;
        ch->cells_bytes = need;
    }
    ch->cap_rows = cap;
    uint32_t *const cells = ch->cells;

    while (p < end) {
        const char *rec = p;
        const uint64_t rec_line = lines;
        if (ch->max_rows && rows == ch->max_rows)
            break;
        if (cr_cut(p, end, final)) {
            ch->incomplete = 1;
            break;
        }
        /* A blank line holds no record when there are several columns; with
         * one column it is an empty, hence missing, value (pandas would skip
         * it, but then a missing value written as an empty line is lost). */
        if (n_cols > 1 && at_eol(p, end, final)) {
            p += *p == '\r' ? 2 : 1;
            if (p > end)
                p = end;
            lines++;
            ch->n_blank++;
            continue;
        }
        if (lines - rows != extra_cur) {
            extra_cur = lines - rows;
            if (!push_anchor(ch, rows, extra_cur)) {
                chunk_fail(ch, HPML_ERR_NOMEM, rec, rec, rec_line, "out of memory");
                goto done;
            }
        }
        uint32_t *cell = cells + rows;
        int c = 0;
        for (;;) {
            uint32_t *dst = &cell[(size_t)c * cap];
            /* Fast path: an unquoted number followed by a terminator. */
            if ((kinds[c] & 1) && p < end && *p != quote) {
                double v;
                const char *q = hpml_parse_number_fast(p, end, decimal, &v);
                if (q && (q == end ? final : (*q == delim || at_eol(q, end, final))) &&
                    !(d->na_numeric && csv_is_na(d, p, (size_t)(q - p)))) {
                    float x = (float)v;
                    if (__builtin_expect(isinf(x), 0)) {
                        fail_overflow(ch, kinds[c] == CSV_NUMERIC ? c : -1, p, (size_t)(q - p),
                                      rec, rec_line);
                        goto done;
                    }
                    memcpy(dst, &x, 4);
                    p = q;
                    goto terminator;
                }
            }
            field f;
            enum field_result fr = quote && p < end && *p == quote
                                       ? scan_quoted(d, ch, &p, end, rec, rec_line, &lines, &f)
                                       : scan_unquoted(d, ch, &p, end, rec, rec_line, &f);
            if (fr == FIELD_ERROR)
                goto done;
            if (fr == FIELD_INCOMPLETE || (p == end && !final)) {
                ch->incomplete = 1;
                goto incomplete;
            }
            if (!store_field(d, ch, c, &f, dst, rec, rec_line))
                goto done;

        terminator:
            if (p < end && *p == delim) {
                p++;
                if (++c == n_cols) {
                    size_t rest = count_rest_fields(d, p, end, final);
                    if (!rest) {
                        ch->incomplete = 1;
                        goto incomplete;
                    }
                    chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                               "this row has %zu fields, but the header has %d",
                               (size_t)n_cols + rest, n_cols);
                    goto done;
                }
                continue;
            }
            if (c + 1 < n_cols) {
                chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                           "this row has %d field%s, but the header has %d", c + 1,
                           c ? "s" : "", n_cols);
                goto done;
            }
            if (p < end) {
                if (*p == '\r')
                    p++;
                if (p < end && *p == '\n')
                    p++;
                lines++;
            }
            break;
        }
        rows++;
        continue;
    incomplete:
        p = rec;
        lines = rec_line;
        break;
    }
done:
    ch->n_rows = rows;
    ch->n_lines = lines;
    ch->stop = p;
}
