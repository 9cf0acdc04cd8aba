/* source.c — plain files through read(2), gzip through zlib, or memory. */
#include "data/source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/error.h"

hpml_status hpml_source_open_file(hpml_source *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->name = path;
    s->fd = open(path, O_RDONLY);
    if (s->fd < 0)
        return hpml_fail(HPML_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(s->fd, &st) != 0) {
        hpml_status r = hpml_fail(HPML_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
        hpml_source_close(s);
        return r;
    }
    if (S_ISDIR(st.st_mode)) {
        hpml_source_close(s);
        return hpml_fail(HPML_ERR_IO, "%s: is a directory, not a file", path);
    }
    s->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    unsigned char magic[2];
    ssize_t k = pread(s->fd, magic, 2, 0);
    if (k < 0) {
        hpml_status r = hpml_fail(HPML_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
        hpml_source_close(s);
        return r;
    }
    if (k == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        s->is_gzip = 1;
        int fd2 = dup(s->fd);
        gzFile gz = fd2 >= 0 ? gzdopen(fd2, "rb") : NULL;
        if (!gz) {
            if (fd2 >= 0)
                close(fd2);
            hpml_source_close(s);
            return hpml_fail(HPML_ERR_IO, "%s: cannot open gzip stream", path);
        }
        gzbuffer(gz, 1 << 20);
        s->gz = gz;
    } else {
#ifdef POSIX_FADV_SEQUENTIAL
        (void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    return HPML_OK;
}

void hpml_source_open_mem(hpml_source *s, const char *data, size_t len, const char *name)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->fd = -1;
    s->mem = data;
    s->mem_len = len;
    s->size = len;
}

hpml_status hpml_source_read(hpml_source *s, char *dst, size_t n, size_t *got)
{
    *got = 0;
    if (s->mem) {
        size_t k = s->mem_len - s->mem_pos;
        if (k > n)
            k = n;
        memcpy(dst, s->mem + s->mem_pos, k);
        s->mem_pos += k;
        *got = k;
        return HPML_OK;
    }
    if (s->gz) {
        while (*got < n) {
            unsigned ask = n - *got > (size_t)INT_MAX / 2 ? (unsigned)(INT_MAX / 2) : (unsigned)(n - *got);
            int k = gzread((gzFile)s->gz, dst + *got, ask);
            if (k < 0) {
                int zerr;
                const char *msg = gzerror((gzFile)s->gz, &zerr);
                return hpml_fail(HPML_ERR_IO, "%s: corrupt gzip data: %s", s->name, msg);
            }
            if (k == 0) {
                /* zlib reports a truncated stream only through gzerror. */
                int zerr = Z_OK;
                const char *msg = gzerror((gzFile)s->gz, &zerr);
                if (zerr != Z_OK && zerr != Z_STREAM_END)
                    return hpml_fail(HPML_ERR_IO, "%s: corrupt gzip data: %s", s->name, msg);
                if (!gzeof((gzFile)s->gz))
                    return hpml_fail(HPML_ERR_IO, "%s: read error in gzip stream", s->name);
                break;
            }
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

hpml_status hpml_source_rewind(hpml_source *s)
{
    if (s->mem) {
        s->mem_pos = 0;
        return HPML_OK;
    }
    if (s->gz) {
        if (gzrewind((gzFile)s->gz) != 0)
            return hpml_fail(HPML_ERR_IO, "%s: cannot rewind gzip stream", s->name);
        return HPML_OK;
    }
    if (lseek(s->fd, 0, SEEK_SET) < 0)
        return hpml_fail(HPML_ERR_IO, "%s: cannot seek (a second pass is needed to re-read "
                                      "columns whose type changed): %s",
                         s->name, strerror(errno));
    return HPML_OK;
}

void hpml_source_close(hpml_source *s)
{
    if (s->gz)
        gzclose((gzFile)s->gz);
    if (s->fd >= 0)
        close(s->fd);
    s->gz = NULL;
    s->fd = -1;
}
