/* container.c — writing and checking sectioned model files. */
#include "io/container.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/atomic.h"

#define HEADER_BYTES 16
#define ENTRY_BYTES 32

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

/* CRC-32 (zlib's, the one of gzip and PNG) of any length. */
static uint32_t crc_of(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n) {
        uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = (uint32_t)crc32(crc, p, k);
        p += k;
        n -= k;
    }
    return crc;
}

hpml_status container_write(const char *path, const container_section *s, int n)
{
    if (!path || n < 0 || (n && !s))
        return hpml_fail(HPML_ERR_ARG, "container_write: a path and sections are required");
    size_t table = HEADER_BYTES + (size_t)n * ENTRY_BYTES;
    unsigned char *head = hpml_calloc(1, table);
    if (!head)
        return hpml_fail(HPML_ERR_NOMEM, "out of memory writing %s", path);
    hpml_status st = HPML_OK;
    memcpy(head, "HPML", 4);
    put32(head + 4, CONTAINER_VERSION);
    put32(head + 8, (uint32_t)n);
    uint64_t off = (table + 7) & ~(uint64_t)7;
    for (int i = 0; i < n; i++) {
        unsigned char *e = head + HEADER_BYTES + (size_t)i * ENTRY_BYTES;
        size_t tl = strnlen(s[i].tag, sizeof s[i].tag);
        if (tl == 0 || tl > 8) {
            hpml_free(head);
            return hpml_fail(HPML_ERR_ARG, "container_write: section tag '%s' must have 1 to 8 "
                             "characters", s[i].tag);
        }
        memcpy(e, s[i].tag, tl);
        put64(e + 8, off);
        put64(e + 16, s[i].size);
        put32(e + 24, crc_of(0, s[i].data, s[i].size));
        off = (off + s[i].size + 7) & ~(uint64_t)7;
    }
    put32(head + 12, crc_of(crc_of(0, head, 12), head + HEADER_BYTES, table - HEADER_BYTES));
    atomic_file f;
    if ((st = atomic_open(&f, path)) != HPML_OK) {
        hpml_free(head);
        return st;
    }
    static const unsigned char zeros[8];
    size_t pos = table;
    st = atomic_write(&f, head, table);
    for (int i = 0; st == HPML_OK && i < n; i++) {
        size_t at = (size_t)get64(head + HEADER_BYTES + (size_t)i * ENTRY_BYTES + 8);
        if ((st = atomic_write(&f, zeros, at - pos)) == HPML_OK)
            st = atomic_write(&f, s[i].data, s[i].size);
        pos = at + s[i].size;
    }
    if (st == HPML_OK)
        st = atomic_commit(&f);
    else
        atomic_abort(&f);
    hpml_free(head);
    return st;
}

size_t container_size(const container_section *s, int n)
{
    size_t off = (HEADER_BYTES + (size_t)n * ENTRY_BYTES + 7) & ~(size_t)7, end = off;
    for (int i = 0; i < n; i++) {
        end = off + s[i].size;
        off = (end + 7) & ~(size_t)7;
    }
    return end;
}

void container_free(container *c)
{
    if (!c)
        return;
    hpml_free(c->image);
    hpml_free(c->sections);
    memset(c, 0, sizeof *c);
}

static hpml_status read_file(const char *path, container *c)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return hpml_fail(HPML_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    hpml_status r = HPML_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        r = hpml_fail(HPML_ERR_IO, "%s: not a regular file", path);
        goto out;
    }
    c->size = (size_t)st.st_size;
    if (!(c->image = hpml_malloc(c->size ? c->size : 1))) {
        r = HPML_ERR_NOMEM;
        goto out;
    }
    for (size_t got = 0; got < c->size;) {
        ssize_t k = read(fd, c->image + got, c->size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            r = hpml_fail(HPML_ERR_IO, "%s: read failed: %s", path, k ? strerror(errno) : "short file");
            goto out;
        }
        got += (size_t)k;
    }
out:
    close(fd);
    return r;
}

hpml_status container_read(const char *path, container *c)
{
    memset(c, 0, sizeof *c);
    hpml_status r = read_file(path, c);
    if (r != HPML_OK)
        goto fail;
    const unsigned char *p = c->image;
    if (c->size < HEADER_BYTES || memcmp(p, "HPML", 4) != 0) {
        r = hpml_fail(HPML_ERR_PARSE, "%s: not an hpml model file (no HPML header)", path);
        goto fail;
    }
    c->version = get32(p + 4);
    if (c->version == 0 || c->version > CONTAINER_VERSION) {
        r = hpml_fail(HPML_ERR_PARSE, "%s: model file format version %u; this hpml reads up to "
                      "version %d (upgrade hpml)", path, c->version, CONTAINER_VERSION);
        goto fail;
    }
    uint32_t n = get32(p + 8);
    if (n > (c->size - HEADER_BYTES) / ENTRY_BYTES) {
        r = hpml_fail(HPML_ERR_PARSE, "%s: truncated or corrupted model file (section table "
                      "does not fit)", path);
        goto fail;
    }
    size_t table = HEADER_BYTES + (size_t)n * ENTRY_BYTES;
    if (crc_of(crc_of(0, p, 12), p + HEADER_BYTES, table - HEADER_BYTES) != get32(p + 12)) {
        r = hpml_fail(HPML_ERR_PARSE, "%s: corrupted model file (section table CRC mismatch)", path);
        goto fail;
    }
    if (!(c->sections = hpml_calloc(n ? n : 1, sizeof *c->sections))) {
        r = HPML_ERR_NOMEM;
        goto fail;
    }
    c->n_sections = (int)n;
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *e = p + HEADER_BYTES + (size_t)i * ENTRY_BYTES;
        container_section *s = &c->sections[i];
        memcpy(s->tag, e, 8);
        s->tag[8] = '\0';
        uint64_t off = get64(e + 8), size = get64(e + 16);
        if (off > c->size || size > c->size - off) {
            r = hpml_fail(HPML_ERR_PARSE, "%s: truncated model file (section '%s' ends past the "
                          "end of the file)", path, s->tag);
            goto fail;
        }
        s->data = p + off;
        s->size = (size_t)size;
        if (crc_of(0, s->data, s->size) != get32(e + 24)) {
            r = hpml_fail(HPML_ERR_PARSE, "%s: corrupted model file (section '%s' CRC mismatch)",
                          path, s->tag);
            goto fail;
        }
    }
    return HPML_OK;
fail:
    container_free(c);
    return r;
}

const container_section *container_find(const container *c, const char *tag)
{
    for (int i = 0; i < c->n_sections; i++)
        if (strcmp(c->sections[i].tag, tag) == 0)
            return &c->sections[i];
    return NULL;
}
