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

void csv_parse_range(const csv_dialect *d, int n_cols, csv_chunk *ch)
{
    const char *p = ch->begin, *const end = ch->end;
    const char delim = d->delim, quote = d->quote, decimal = d->decimal;
    const int final = ch->final;
    uint8_t *kinds = ch->kinds;
    size_t rows = 0;
    uint64_t lines = 0, extra_cur = 0;

    ch->status = HPML_OK;
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
        /* A blank line holds no record when there are several columns (with
         * one column it is an empty, hence missing, value). */
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
            const int kind = kinds[c];
            const char *fs, *fe;
            /* Fast path: an unquoted number followed by a terminator. */
            if ((kind & 1) && p < end && *p != quote) {
                double v;
                const char *q = hpml_parse_number_fast(p, end, decimal, &v);
                if (q && (q == end ? final : (*q == delim || at_eol(q, end, final))) &&
                    !(d->na_numeric && csv_is_na(d, p, (size_t)(q - p)))) {
                    float f = (float)v;
                    if (__builtin_expect(isinf(f), 0)) {
                        chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                                   "value '%.*s' does not fit in float32 (magnitude above "
                                   "3.4e38)",
                                   excerpt_len((size_t)(q - p)), p);
                        goto done;
                    }
                    memcpy(&cell[(size_t)c * cap], &f, 4);
                    p = q;
                    goto terminator;
                }
            }
            if (quote && p < end && *p == quote) {
                const char *open = p, *seg = ++p;
                size_t slen = 0;
                int escaped = 0;
                for (;;) {
                    const char *q = memchr(p, quote, (size_t)(end - p));
                    if (!q || (q + 1 == end && !final)) {
                        if (!final) {
                            ch->incomplete = 1;
                            goto incomplete;
                        }
                        chunk_fail(ch, HPML_ERR_PARSE, open, rec, rec_line,
                                   "unterminated quote: the quoted field that starts here "
                                   "has no closing %c before the end of the file",
                                   quote);
                        goto done;
                    }
                    if (q + 1 < end && q[1] == quote) { /* "" is a literal quote */
                        if (!scratch_append(ch, &slen, seg, (size_t)(q + 1 - seg))) {
                            chunk_fail(ch, HPML_ERR_NOMEM, q, rec, rec_line, "out of memory");
                            goto done;
                        }
                        escaped = 1;
                        p = seg = q + 2;
                        continue;
                    }
                    if (escaped) {
                        if (!scratch_append(ch, &slen, seg, (size_t)(q - seg))) {
                            chunk_fail(ch, HPML_ERR_NOMEM, q, rec, rec_line, "out of memory");
                            goto done;
                        }
                        fs = ch->scratch;
                        fe = ch->scratch + slen;
                    } else {
                        fs = open + 1;
                        fe = q;
                    }
                    for (const char *nl = open; (nl = memchr(nl, '\n', (size_t)(q - nl))); nl++)
                        lines++;
                    p = q + 1;
                    break;
                }
                if (p < end && *p != delim && !at_eol(p, end, final)) {
                    chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                               "unexpected '%c' after the closing quote of a field (expected "
                               "a delimiter or the end of the line)",
                               *p);
                    goto done;
                }
            } else {
                fs = p;
                while (p < end) {
                    char x = *p;
                    if (x == delim || x == '\n' || (x == '\r' && at_eol(p, end, final)))
                        break;
                    if (__builtin_expect(x == '\0', 0)) {
                        chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                                   "NUL byte in a field (is this a binary file?)");
                        goto done;
                    }
                    if (quote && x == quote) {
                        chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                                   "quote character inside an unquoted field; quote the "
                                   "whole field (RFC 4180: \"a \"\"b\"\"\") or read with "
                                   "quoting off (--quote none)");
                        goto done;
                    }
                    p++;
                }
                fe = p;
            }

            if (p == end && !final) {
                ch->incomplete = 1;
                goto incomplete;
            }

            /* Interpret the field. */
            size_t flen = (size_t)(fe - fs);
            uint32_t *dst = &cell[(size_t)c * cap];
            if (kind == CSV_CATEGORICAL) {
                int32_t code = -1;
                if (csv_is_na(d, fs, flen)) {
                    ch->n_missing[c]++;
                } else if (hpml_dict_intern(&ch->dicts[c], fs, flen, &code) != HPML_OK) {
                    chunk_fail(ch, HPML_ERR_NOMEM, fs, rec, rec_line, "out of memory");
                    goto done;
                }
                memcpy(dst, &code, 4);
            } else if (kind != CSV_SKIP) {
                double v;
                float f = NAN;
                if (csv_is_na(d, fs, flen)) {
                    ch->n_missing[c]++;
                } else if (hpml_parse_number(fs, flen, decimal, &v)) {
                    f = (float)v;
                    if (isinf(f) && !isinf(v)) {
                        chunk_fail(ch, HPML_ERR_PARSE, fs, rec, rec_line,
                                   "value '%.*s' does not fit in float32 (magnitude above "
                                   "3.4e38)",
                                   excerpt_len(flen), fs);
                        goto done;
                    }
                } else if (kind == CSV_NUMERIC_FORCED) {
                    chunk_fail(ch, HPML_ERR_PARSE, fs, rec, rec_line,
                               "'%.*s' is not a number, but the column was declared numeric",
                               excerpt_len(flen), fs);
                    goto done;
                } else {
                    /* Text in a column that looked numeric: csv_read re-reads it
                     * as categorical; stop parsing it here. */
                    if (!push_bump(ch, c, fs, rec, rec_line)) {
                        chunk_fail(ch, HPML_ERR_NOMEM, fs, rec, rec_line, "out of memory");
                        goto done;
                    }
                    kinds[c] = CSV_SKIP;
                }
                memcpy(dst, &f, 4);
            }

        terminator:
            if (p < end && *p == delim) {
                p++;
                if (++c == n_cols) {
                    size_t rest = count_rest_fields(d, p, end, final);
                    if (!rest) {
                        ch->incomplete = 1;
                        goto incomplete;
                    }
                    size_t nf = (size_t)n_cols + rest;
                    chunk_fail(ch, HPML_ERR_PARSE, p, rec, rec_line,
                               "this row has %zu fields, but the header has %d", nf, n_cols);
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
