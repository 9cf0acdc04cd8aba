/* agree.c — fingerprints: do all processes hold the same configuration? */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "dist/dist.h"

/* FNV-1a, 64 bits: a fingerprint, not a defence against forgery. */
uint64_t dist_hash(uint64_t h, const void *bytes, size_t n)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

hpml_status dist_agree(hpml_dist *d, const char *what, const void *bytes, size_t n)
{
    int size = dist_size(d);
    if (size == 1)
        return HPML_OK;
    uint64_t h = dist_hash(DIST_HASH_INIT, bytes, n);
    /* every process allocates the same; a failure here cannot be met at a
     * check (the others are in the allgather), so it ends the run */
    uint64_t *all = hpml_malloc_array((size_t)size, sizeof *all);
    if (!all)
        return dist_abort(d, HPML_ERR_NOMEM);
    hpml_status st = dist_allgather(d, &h, all, sizeof h);
    if (st != HPML_OK) {
        hpml_free(all);
        return st;
    }
    /* "1, 2, 5 and 7 more": at most 8 ranks named */
    char list[128] = "";
    int n_diff = 0;
    size_t len = 0;
    for (int r = 1; r < size; r++) {
        if (all[r] == all[0])
            continue;
        if (++n_diff <= 8)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%d", n_diff > 1 ? ", " : "",
                                    r);
    }
    hpml_free(all);
    if (!n_diff)
        return HPML_OK;
    if (n_diff > 8)
        snprintf(list + len, sizeof list - len, " and %d more", n_diff - 8);
    return hpml_fail(HPML_ERR_ARG, "the processes differ in %s: rank%s %s differ%s from rank 0 "
                     "(%d processes)", what, n_diff > 1 ? "s" : "", list, n_diff > 1 ? "" : "s",
                     size);
}
