/* atomic.c — temporary file + fsync + rename + directory fsync. */
#include "io/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"

/* The permissions an ordinary new file gets: 0666 less the process's umask
 * (read from /proc: umask() itself would change it for other threads). */
static mode_t new_file_mode(void)
{
    mode_t mode = 0644;
    FILE *st = fopen("/proc/self/status", "r");
    if (!st)
        return mode;
    char line[128];
    while (fgets(line, sizeof line, st))
        if (strncmp(line, "Umask:", 6) == 0) {
            unsigned int m;
            if (sscanf(line + 6, "%o", &m) == 1)
                mode = (mode_t)(0666 & ~m);
            break;
        }
    fclose(st);
    return mode;
}

hpml_status atomic_open(atomic_file *f, const char *path)
{
    f->fd = -1;
    f->path = path;
    size_t plen = strlen(path);
    if (!(f->tmp = hpml_malloc(plen + 16)))
        return hpml_fail(HPML_ERR_NOMEM, "out of memory writing %s", path);
    snprintf(f->tmp, plen + 16, "%s.tmpXXXXXX", path);
    if ((f->fd = mkstemp(f->tmp)) < 0) {
        hpml_status st = hpml_fail(HPML_ERR_IO, "%s: cannot create a temporary file next to it: %s",
                                   path, strerror(errno));
        hpml_free(f->tmp);
        f->tmp = NULL;
        return st;
    }
    /* mkstemp makes it 0600; the finished file should be like any other */
    if (fchmod(f->fd, new_file_mode()) != 0) {
        hpml_status st = hpml_fail(HPML_ERR_IO, "%s: cannot set the permissions of the "
                                   "temporary file: %s", path, strerror(errno));
        atomic_abort(f);
        return st;
    }
    return HPML_OK;
}

hpml_status atomic_write(atomic_file *f, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n) {
        ssize_t k = write(f->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return hpml_fail(HPML_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
        }
        p += k;
        n -= (size_t)k;
    }
    return HPML_OK;
}

void atomic_abort(atomic_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    if (f->tmp)
        unlink(f->tmp); /* never leave a half-written temporary behind */
    hpml_free(f->tmp);
    f->tmp = NULL;
}

/* fsync of the directory holding path, so the rename itself is durable. */
static void sync_dir(const char *path)
{
    char *copy = hpml_strdup(path);
    if (!copy)
        return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    hpml_free(copy);
}

hpml_status atomic_commit(atomic_file *f)
{
    hpml_status st = HPML_OK;
    if (fsync(f->fd) != 0)
        st = hpml_fail(HPML_ERR_IO, "%s: fsync failed: %s", f->path, strerror(errno));
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0 && st == HPML_OK)
        st = hpml_fail(HPML_ERR_IO, "%s: close failed: %s", f->path, strerror(errno));
    if (st == HPML_OK && rename(f->tmp, f->path) != 0)
        st = hpml_fail(HPML_ERR_IO, "%s: cannot rename the finished file into place: %s", f->path,
                       strerror(errno));
    if (st != HPML_OK) {
        atomic_abort(f);
        return st;
    }
    sync_dir(f->path);
    hpml_free(f->tmp);
    f->tmp = NULL;
    return HPML_OK;
}

hpml_status atomic_write_file(const char *path, const void *data, size_t n)
{
    atomic_file f;
    hpml_status st = atomic_open(&f, path);
    if (st != HPML_OK)
        return st;
    if ((st = atomic_write(&f, n ? data : "", n)) != HPML_OK) {
        atomic_abort(&f);
        return st;
    }
    return atomic_commit(&f);
}
