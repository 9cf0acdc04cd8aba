/* source.h — a stream of bytes to parse: a plain file, a gzip file, or memory (internal). */
#ifndef HPML_DATA_SOURCE_H
#define HPML_DATA_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

typedef struct hpml_source {
    const char *name;      /* for messages (borrowed) */
    int fd;                /* plain file, or -1 */
    void *gz;              /* gzFile, or NULL */
    const char *mem;       /* memory source (borrowed), or NULL */
    size_t mem_len, mem_pos;
    uint64_t size;         /* bytes on disk (compressed size for gzip); 0 if unknown */
    int is_gzip;
} hpml_source;

/* Opens path; detects gzip from the magic bytes. Fails with HPML_ERR_IO and
 * "path: reason". */
hpml_status hpml_source_open_file(hpml_source *s, const char *path);
void hpml_source_open_mem(hpml_source *s, const char *data, size_t len, const char *name);
/* Reads up to n bytes; *got = 0 at end of input. */
hpml_status hpml_source_read(hpml_source *s, char *dst, size_t n, size_t *got);
/* Back to the first byte (for a second pass). */
hpml_status hpml_source_rewind(hpml_source *s);
void hpml_source_close(hpml_source *s);

#endif
