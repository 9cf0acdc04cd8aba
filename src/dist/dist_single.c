/* dist_single.c — the single-process backend: one rank, nothing to exchange. */
#include <string.h>

#include "dist/dist.h"

int dist_size(const hpml_dist *d) { (void)d; return 1; }
int dist_rank(const hpml_dist *d) { (void)d; return 0; }
hpml_status dist_barrier(hpml_dist *d) { (void)d; return HPML_OK; }

hpml_status dist_bcast(hpml_dist *d, void *buf, size_t bytes, int root)
{
    (void)d, (void)buf, (void)bytes, (void)root;
    return HPML_OK;
}

hpml_status dist_allgather(hpml_dist *d, const void *in, void *out, size_t bytes)
{
    (void)d;
    if (bytes && in != out)
        memmove(out, in, bytes);
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

hpml_status dist_abort(hpml_dist *d, hpml_status code)
{
    (void)d;
    return code;
}
