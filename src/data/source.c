/* source.c — mapped files, memory, and streamed (gzip, pipe) input. */
#define _DEFAULT_SOURCE /* madvise */
#include "data/source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/error.h"

static void init(hpml_source *s, const char *name, size_t want)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->fd = -1;
    s->want = want;
}

/* Maps a regular file read-only. A file truncated by another process while
 * it is mapped makes later reads fault (SIGBUS): the price of not copying. */
static int try_map(hpml_source *s)
{
    if (s->size == 0 || s->size > SIZE_MAX)
        return 0;
    void *p = mmap(NULL, (size_t)s->size, PROT_READ, MAP_PRIVATE, s->fd, 0);
    if (p == MAP_FAILED)
        return 0;
    (void)madvise(p, (size_t)s->size, MADV_SEQUENTIAL);
    s->mem = p;
    s->mem_len = (size_t)s->size;
    s->mapped = 1;
    return 1;
}

hpml_status hpml_source_open_file(hpml_source *s, const char *path, size_t want)
{
    init(s, path, want);
    s->fd = open(path, O_RDONLY);
    if (s->fd < 0)
        return hpml_fail(HPML_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    hpml_status r = HPML_OK;
    if (fstat(s->fd, &st) != 0) {
        r = hpml_fail(HPML_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        r = hpml_fail(HPML_ERR_IO, "%s: is a directory, not a file", path);
        goto fail;
    }
    s->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    unsigned char magic[2];
    ssize_t k = S_ISREG(st.st_mode) ? pread(s->fd, magic, 2, 0) : 0;
    if (k < 0) {
        r = hpml_fail(HPML_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
        goto fail;
    }
    if (k == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        s->is_gzip = 1;
        int fd2 = dup(s->fd);
        gzFile gz = fd2 >= 0 ? gzdopen(fd2, "rb") : NULL;
        if (!gz) {
            if (fd2 >= 0)
                close(fd2);
            r = hpml_fail(HPML_ERR_IO, "%s: cannot open gzip stream", path);
            goto fail;
        }
        s->gz = gz;
        if (gzbuffer(gz, 1 << 20) != 0) {
            r = hpml_fail(HPML_ERR_IO, "%s: cannot set up the gzip buffer", path);
            goto fail;
        }
    } else if (try_map(s)) {
        s->data = s->mem;
    }
    return HPML_OK;
fail:
    hpml_source_close(s);
    return r;
}

void hpml_source_open_mem(hpml_source *s, const char *data, size_t len, const char *name,
                          size_t want)
{
    init(s, name, want);
    s->mem = data;
    s->mem_len = len;
    s->size = len;
    s->data = data;
}

/* Reads up to n bytes from the stream into dst; *got = 0 at the end. */
static hpml_status stream_read(hpml_source *s, char *dst, size_t n, size_t *got)
{
    *got = 0;
    if (s->gz) {
        while (*got < n) {
            unsigned ask = n - *got > (size_t)INT_MAX / 2 ? (unsigned)(INT_MAX / 2) : (unsigned)(n - *got);
            int k = gzread((gzFile)s->gz, dst + *got, ask);
            int zerr = Z_OK;
            const char *msg = gzerror((gzFile)s->gz, &zerr);
            /* zlib reports a truncated or corrupt stream only through gzerror. */
            if (k < 0 || (zerr != Z_OK && zerr != Z_STREAM_END))
                return hpml_fail(HPML_ERR_IO, "%s: corrupt or truncated gzip data: %s", s->name,
                                 msg);
            if (k == 0)
                break;
            *got += (size_t)k;
        }
        return HPML_OK;
    }
    while (*got < n) {
        ssize_t k = read(s->fd, dst + *got, n - *got);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return hpml_fail(HPML_ERR_IO, "%s: read error: %s", s->name, strerror(errno));
        }
        if (k == 0)
            break;
        *got += (size_t)k;
    }
    return HPML_OK;
}

/* Streams: a buffer of `want` bytes behind the window. */
static hpml_status ensure_buffer(hpml_source *s)
{
    if (s->buf_cap >= s->want)
        return HPML_OK;
    size_t at = s->buf && s->data ? (size_t)(s->data - s->buf) : 0;
    char *b = hpml_big_realloc(s->buf, s->buf_cap, s->want);
    if (!b)
        return HPML_ERR_NOMEM;
    s->buf = b;
    s->buf_cap = s->want;
    s->data = b + at; /* the window keeps its place in the (moved) buffer */
    return HPML_OK;
}

hpml_status hpml_source_fill(hpml_source *s)
{
    if (s->mem) {
        size_t rest = s->mem_len - (size_t)s->pos;
        s->len = rest < s->want ? rest : s->want;
        s->eof = s->len == rest;
        return HPML_OK;
    }
    hpml_status r = ensure_buffer(s);
    if (r != HPML_OK)
        return r;
    if (s->data != s->buf) { /* move the unconsumed bytes to the front */
        memmove(s->buf, s->data, s->len);
        s->data = s->buf;
    }
    while (!s->eof && s->len < s->want) {
        size_t got;
        r = stream_read(s, s->buf + s->len, s->want - s->len, &got);
        if (r != HPML_OK)
            return r;
        if (got == 0)
            s->eof = 1;
        s->len += got;
    }
    return HPML_OK;
}

void hpml_source_consume(hpml_source *s, size_t n)
{
    s->data += n;
    s->len -= n;
    s->pos += n;
    if (s->mapped) {
        /* Pages fully parsed leave the resident set (the page cache keeps them). */
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t upto = (size_t)s->pos / page * page;
        if (upto >= s->dropped + ((size_t)4 << 20)) {
            (void)madvise((char *)s->mem + s->dropped, upto - s->dropped, MADV_DONTNEED);
            s->dropped = upto;
        }
    }
}

void hpml_source_widen(hpml_source *s) { s->want *= 2; }

hpml_status hpml_source_restart(hpml_source *s, uint64_t off)
{
    s->eof = 0;
    s->len = 0;
    if (s->mem) {
        if (off > s->mem_len)
            return hpml_fail(HPML_ERR_IO, "%s: the file changed while it was being read", s->name);
        s->pos = off;
        s->data = s->mem + off;
        s->dropped = 0;
        return HPML_OK;
    }
    s->pos = 0;
    if (s->gz) {
        if (gzrewind((gzFile)s->gz) != 0)
            return hpml_fail(HPML_ERR_IO, "%s: cannot rewind gzip stream", s->name);
    } else if (lseek(s->fd, 0, SEEK_SET) < 0) {
        return hpml_fail(HPML_ERR_IO, "%s: cannot seek back (a second pass is needed to re-read "
                                      "columns whose type changed): %s",
                         s->name, strerror(errno));
    }
    hpml_status r = ensure_buffer(s);
    if (r != HPML_OK)
        return r;
    s->data = s->buf;
    while (s->pos < off) { /* skip to off through the buffer */
        uint64_t left = off - s->pos;
        size_t ask = left < s->buf_cap ? (size_t)left : s->buf_cap, got;
        r = stream_read(s, s->buf, ask, &got);
        if (r != HPML_OK)
            return r;
        if (got == 0)
            return hpml_fail(HPML_ERR_IO, "%s: the file changed while it was being read", s->name);
        s->pos += got;
    }
    return HPML_OK;
}

hpml_status hpml_source_limit(hpml_source *s, uint64_t from, uint64_t to)
{
    if (!s->mem || from > to || to > s->mem_len)
        return hpml_fail(HPML_ERR_INTERNAL, "%s: cannot read bytes [%llu, %llu) alone", s->name,
                         (unsigned long long)from, (unsigned long long)to);
    s->mem_len = (size_t)to;
    return hpml_source_restart(s, from);
}

void hpml_source_close(hpml_source *s)
{
    if (s->gz)
        gzclose((gzFile)s->gz);
    if (s->fd >= 0)
        close(s->fd);
    if (s->mapped)
        munmap((void *)s->mem, (size_t)s->size); /* mem_len may be limited */
    hpml_big_free(s->buf, s->buf_cap);
    s->gz = NULL;
    s->fd = -1;
    s->mapped = 0;
    s->mem = NULL;
    s->buf = NULL;
    s->buf_cap = 0;
}
