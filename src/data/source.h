/* source.h — the input of the CSV reader as a sliding window of bytes (internal).
 *
 * A regular file is mapped (no copy: the parser threads read the page cache
 * directly, and pages already parsed are dropped from the resident set); a
 * memory buffer is used in place; a gzip file or anything that cannot be
 * mapped (a pipe) streams through a buffer with read(2)/zlib. Either way the
 * reader sees data[0..len) and asks for more with hpml_source_fill.
 */
#ifndef HPML_DATA_SOURCE_H
#define HPML_DATA_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

typedef struct hpml_source {
    const char *name;      /* for messages (borrowed) */
    int fd;                /* open file, or -1 */
    void *gz;              /* gzFile, or NULL */
    const char *mem;       /* mapped file or caller's buffer (whole input), or NULL */
    size_t mem_len;        /* its end (hpml_source_limit may bring it forward) */
    int mapped;            /* mem is our mapping (munmap at close) */
    uint64_t size;         /* bytes on disk (compressed size for gzip); 0 if unknown */
    int is_gzip;

    /* the window */
    const char *data;      /* first byte not consumed */
    size_t len;            /* bytes in view */
    int eof;               /* data + len is the end of the input */
    size_t want;           /* bytes the window should hold */
    uint64_t pos;          /* input offset of data */
    char *buf;             /* streams: the buffer behind data (buf_cap bytes) */
    size_t buf_cap;
    size_t dropped;        /* mapped: bytes before mem + dropped are released */
} hpml_source;

/* Opens path; detects gzip from the magic bytes. Fails with HPML_ERR_IO and
 * "path: reason". `want` is the window size (bytes). */
hpml_status hpml_source_open_file(hpml_source *s, const char *path, size_t want);
/* A buffer (borrowed until close); gzip data is not decompressed. */
void hpml_source_open_mem(hpml_source *s, const char *data, size_t len, const char *name,
                          size_t want);
/* Makes the window hold min(want, rest of input) bytes. */
hpml_status hpml_source_fill(hpml_source *s);
/* Drops the first n (<= len) bytes of the window. */
void hpml_source_consume(hpml_source *s, size_t n);
/* Doubles the window size (for a record longer than the window). */
void hpml_source_widen(hpml_source *s);
/* Restarts the window at input offset `off` (a second pass). */
hpml_status hpml_source_restart(hpml_source *s, uint64_t off);
/* A mapped file or a buffer only: the input becomes bytes [from, to) (the
 * window restarts at from; the end of input is at to). */
hpml_status hpml_source_limit(hpml_source *s, uint64_t from, uint64_t to);
void hpml_source_close(hpml_source *s);

#endif
