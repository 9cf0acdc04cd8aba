/* container.h — the sectioned, checksummed file that holds models (internal).
 *
 * Layout, all integers little-endian:
 *   offset 0   "HPML"             magic (4 bytes)
 *          4   u32 version        CONTAINER_VERSION; readers refuse newer ones
 *          8   u32 n_sections
 *         12   u32 table_crc      CRC-32 of bytes 0..11 and the section table
 *         16   section table      n_sections x 32 bytes:
 *                                   char tag[8] (NUL-padded), u64 offset,
 *                                   u64 size, u32 crc (CRC-32 of the payload),
 *                                   u32 reserved (0)
 *          .   payloads           each at an 8-byte aligned offset
 * A file is written to a temporary name in the same directory, flushed,
 * fsynced and renamed over the target (then the directory is fsynced), so a
 * crash leaves either the old file or the new one, never half of one.
 */
#ifndef HPML_IO_CONTAINER_H
#define HPML_IO_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

#define CONTAINER_VERSION 1

typedef struct container_section {
    char tag[9];           /* up to 8 characters, NUL-terminated */
    const void *data;      /* borrowed (writing) or into the file image (reading) */
    size_t size;
} container_section;

/* Writes the sections to path atomically. */
hpml_status container_write(const char *path, const container_section *sections, int n);
/* Bytes container_write would write for these sections. */
size_t container_size(const container_section *sections, int n);

/* A file read back: the whole image in memory, sections pointing into it. */
typedef struct container {
    unsigned char *image;  /* owned */
    size_t size;
    uint32_t version;
    int n_sections;
    container_section *sections;  /* owned array; data points into image */
} container;

/* Reads and checks path: magic, version, table and every section's CRC and
 * bounds. Fails with HPML_ERR_IO (cannot read) or HPML_ERR_PARSE ("path: not
 * an hpml model file", "section 'trees' is corrupted (CRC mismatch)", ...). */
hpml_status container_read(const char *path, container *c);
void container_free(container *c);
/* The section with this tag, or NULL. */
const container_section *container_find(const container *c, const char *tag);

#endif
