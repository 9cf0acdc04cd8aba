/* atomic.h — files that appear whole or not at all (internal).
 *
 * Written to a temporary name next to the target, then fsynced, closed and
 * renamed over it, and the directory fsynced: a crash leaves the old file or
 * the new one, never half of one. Any failure removes the temporary.
 */
#ifndef HPML_IO_ATOMIC_H
#define HPML_IO_ATOMIC_H

#include <stddef.h>

#include "hpml.h"

typedef struct atomic_file {
    int fd;
    char *tmp;             /* owned: the temporary's name */
    const char *path;      /* borrowed: the target */
} atomic_file;

hpml_status atomic_open(atomic_file *f, const char *path);
hpml_status atomic_write(atomic_file *f, const void *data, size_t n);
/* Makes the file durable under its name; the handle is closed either way. */
hpml_status atomic_commit(atomic_file *f);
/* Gives up: closes and removes the temporary (safe after a failed call). */
void atomic_abort(atomic_file *f);
/* The whole of data[0..n) as the file path, atomically. */
hpml_status atomic_write_file(const char *path, const void *data, size_t n);

#endif
