/* dist_single.c — the single-process backend: one rank, nothing to exchange.
 * Built when hpml is built without MPI (no -DHPML_MPI); dist_mpi.c otherwise. */
#ifndef HPML_MPI
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "dist/dist.h"

struct hpml_dist {
    int unused; /* a handle must be something to free */
};

int hpml_dist_mpi_library(char *buf, size_t len)
{
    if (buf && len)
        buf[0] = '\0';
    return 0;
}

hpml_status hpml_dist_init(hpml_dist **out)
{
    *out = NULL;
    dist_launch l;
    dist_launch_detect(&l);
    hpml_status st = dist_launch_check(&l, 1, NULL);
    if (st != HPML_OK)
        return st;
    hpml_dist *d = hpml_calloc(1, sizeof *d);
    if (!d)
        return HPML_ERR_NOMEM;
    *out = d;
    return HPML_OK;
}

void hpml_dist_free(hpml_dist *d) { hpml_free(d); }
void hpml_dist_get_stats(const hpml_dist *d, hpml_dist_stats *out)
{
    (void)d;
    memset(out, 0, sizeof *out);
}
void hpml_dist_abort(hpml_dist *d, int exit_code) { (void)d, (void)exit_code; }

int dist_size(const hpml_dist *d) { (void)d; return 1; }
int dist_rank(const hpml_dist *d) { (void)d; return 0; }
int dist_usable(const hpml_dist *d) { (void)d; return 1; }
int hpml_dist_failed_rank(const hpml_dist *d) { (void)d; return -1; }
hpml_status dist_barrier(hpml_dist *d) { (void)d; return HPML_OK; }

hpml_status dist_bcast(hpml_dist *d, void *buf, size_t bytes, int root)
{
    (void)d, (void)buf, (void)bytes;
    if (root != 0)
        return hpml_fail(HPML_ERR_ARG, "broadcast from rank %d of 1 process", root);
    return HPML_OK;
}

hpml_status dist_allgather(hpml_dist *d, const void *in, void *out, size_t bytes)
{
    (void)d;
    if (bytes && in != out)
        memmove(out, in, bytes);
    return HPML_OK;
}

hpml_status dist_allgatherv(hpml_dist *d, void *buf, const uint64_t *off, const uint64_t *n,
                            size_t elem)
{
    (void)d, (void)buf, (void)off, (void)n, (void)elem;
    return HPML_OK;
}

hpml_status dist_allreduce_i64(hpml_dist *d, int64_t *buf, size_t n, dist_op op)
{
    (void)d, (void)buf, (void)n, (void)op;
    return HPML_OK;
}

hpml_status dist_allreduce_f32(hpml_dist *d, float *buf, size_t n, dist_op op)
{
    (void)d, (void)buf, (void)n, (void)op;
    return HPML_OK;
}

hpml_status dist_allreduce_f64(hpml_dist *d, double *buf, size_t n, dist_op op)
{
    (void)d, (void)buf, (void)n, (void)op;
    return HPML_OK;
}

hpml_status dist_shared_alloc(hpml_dist *d, size_t bytes, dist_shared *s)
{
    (void)d;
    *s = (dist_shared){.bytes = bytes, .node_size = 1};
    if (bytes && !(s->p = hpml_big_alloc(bytes)))
        return HPML_ERR_NOMEM;
    return HPML_OK;
}

hpml_status dist_shared_sync(hpml_dist *d, dist_shared *s)
{
    (void)d, (void)s;
    return HPML_OK;
}

void dist_shared_free(hpml_dist *d, dist_shared *s)
{
    (void)d;
    if (s->p)
        hpml_big_free(s->p, s->bytes);
    memset(s, 0, sizeof *s);
}

hpml_status dist_reduce_scatter_i64(hpml_dist *d, const int64_t *in, int64_t *out,
                                    const size_t *counts)
{
    (void)d;
    if (counts[0] && in != out)
        memmove(out, in, counts[0] * sizeof *out);
    return HPML_OK;
}

size_t dist_iallreduce_scratch(const hpml_dist *d, size_t n)
{
    (void)d, (void)n;
    return 0;
}

hpml_status dist_iallreduce_f32(hpml_dist *d, float *buf, size_t n, dist_op op, float *scratch,
                                dist_request *req)
{
    (void)d, (void)buf, (void)n, (void)op, (void)scratch;
    req->active = 0;
    return HPML_OK;
}

hpml_status dist_iallreduce_f64(hpml_dist *d, double *buf, size_t n, dist_op op,
                                dist_request *req)
{
    (void)d, (void)buf, (void)n, (void)op;
    req->active = 0;
    return HPML_OK;
}

int dist_test(hpml_dist *d, dist_request *req)
{
    (void)d;
    req->active = 0;
    return 1;
}

hpml_status dist_wait(hpml_dist *d, dist_request *req)
{
    (void)d;
    req->active = 0;
    return HPML_OK;
}

hpml_status dist_check(hpml_dist *d, hpml_status st, int *who)
{
    (void)d;
    if (who)
        *who = st != HPML_OK ? 0 : -1;
    return st;
}

hpml_status dist_abort(hpml_dist *d, hpml_status code)
{
    (void)d;
    return code;
}
#else
typedef int dist_single_unused; /* this build has the MPI backend */
#endif
