/* csv_parse.h — the record parser: one byte range into column-major cells (internal).
 *
 * csv_read.c cuts the input into blocks and each block into one range per
 * thread, each starting at a record boundary; csv_parse_range turns a range
 * into cells. It never touches the table, never allocates per field, and
 * reports problems in the chunk (worker threads cannot set the caller's
 * thread-local message).
 */
#ifndef HPML_DATA_CSV_PARSE_H
#define HPML_DATA_CSV_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "data/dict.h"
#include "hpml.h"

/* What to do with a column in this pass. */
enum csv_kind {
    CSV_SKIP = 0,          /* scan past it */
    CSV_NUMERIC = 1,       /* parse as a number; text makes the column "bumped" */
    CSV_CATEGORICAL = 2,   /* intern the text */
    CSV_NUMERIC_FORCED = 3 /* parse as a number; text is an error */
};

typedef struct csv_dialect {
    char delim, quote, decimal;   /* quote 0: no quoting */
    int n_na;
    char **na;                    /* NA tokens (owned by csv_read.c) */
    size_t *na_len;
    size_t na_max;                /* longest token */
    int na_empty;                 /* the empty field is NA */
    int na_numeric;               /* some token parses as a number: check NA first */
} csv_dialect;

typedef struct csv_anchor {
    uint64_t row, extra;          /* from `row` on, line = line0 + row + extra */
} csv_anchor;

typedef struct csv_bump {
    int col;
    const char *pos, *rec;        /* where the field that is not a number starts in the
                                     input (its opening quote, if quoted), its record */
    uint64_t rec_line;            /* lines before the record, within the range */
} csv_bump;

/* One thread's range and results. Buffers persist across blocks. */
typedef struct csv_chunk {
    /* set by the caller */
    const char *begin, *end;
    int final;            /* end is the end of input (else a record cut by end is incomplete) */
    size_t max_rows;      /* stop after this many rows; 0: no limit */
    uint8_t *kinds;       /* n_cols: private copy; a bumped column becomes CSV_SKIP */

    /* cells, column-major: cells[c * cap_rows + r] holds float or int32 bits */
    uint32_t *cells;
    size_t cells_bytes, cap_rows;
    hpml_dict *dicts;     /* n_cols local dictionaries (categorical columns) */
    size_t *n_missing;    /* n_cols */
    char *scratch;        /* unescaped quoted text */
    size_t scratch_cap;
    csv_anchor *anchors;
    size_t n_anchors, cap_anchors;
    csv_bump *bumps;
    size_t n_bumps, cap_bumps;

    /* results */
    size_t n_rows;
    uint64_t n_lines;     /* newlines consumed */
    size_t n_blank;       /* blank lines skipped */
    const char *stop;     /* where parsing stopped (start of an incomplete record, or end) */
    int incomplete;       /* the range ended inside a record (only when !final) */
    hpml_status status;
    int err_col;          /* a value too large for float32 in this auto-numeric column
                             (an error only if no earlier range found text there), or -1 */
    const char *err_pos, *err_rec;
    uint64_t err_rec_line;
    char err_msg[512];
} csv_chunk;

/* Allocates the per-column arrays of a chunk for n_cols columns. */
hpml_status csv_chunk_init(csv_chunk *ch, int n_cols);
void csv_chunk_free(csv_chunk *ch, int n_cols);

/* Parses ch->begin..ch->end. Sets ch->status (and the error fields) on a
 * malformed record; the rows before it are complete. */
void csv_parse_range(const csv_dialect *d, int n_cols, csv_chunk *ch);

/* Whether s[0..n) is an NA token. */
static inline int csv_is_na(const csv_dialect *d, const char *s, size_t n)
{
    if (n == 0)
        return d->na_empty;
    if (n > d->na_max)
        return 0;
    for (int i = 0; i < d->n_na; i++)
        if (d->na_len[i] == n && __builtin_memcmp(d->na[i], s, n) == 0)
            return 1;
    return 0;
}

#endif
