/* dist.h — the communication layer: one interface, a backend per transport (internal).
 *
 * Everything in hpml that combines values across processes calls these, so a
 * run under mpirun/srun needs no second code path. This build has the
 * single-process backend (dist_single.c): size 1, rank 0, reductions copy.
 * The MPI backend (dist_mpi.c, built when mpicc is present) implements the
 * same functions over MPI_COMM_WORLD.
 *
 * Reductions are element-wise over `n` values; integer sums are exact, so a
 * reduction of int64 histograms gives the same bits for any process count.
 */
#ifndef HPML_DIST_DIST_H
#define HPML_DIST_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

typedef enum dist_op { DIST_SUM, DIST_MIN, DIST_MAX } dist_op;

/* A communicator. NULL means "this process alone" everywhere. */
typedef struct hpml_dist hpml_dist;

int dist_size(const hpml_dist *d);
int dist_rank(const hpml_dist *d);
hpml_status dist_barrier(hpml_dist *d);
/* buf[0..bytes) of `root` is copied to every process. */
hpml_status dist_bcast(hpml_dist *d, void *buf, size_t bytes, int root);
/* Each process gives `bytes` at in; out (size x bytes) receives them in rank order. */
hpml_status dist_allgather(hpml_dist *d, const void *in, void *out, size_t bytes);
/* In place: buf[i] = op over processes of buf[i]. */
hpml_status dist_allreduce_i64(hpml_dist *d, int64_t *buf, size_t n, dist_op op);
hpml_status dist_allreduce_f32(hpml_dist *d, float *buf, size_t n, dist_op op);
hpml_status dist_allreduce_f64(hpml_dist *d, double *buf, size_t n, dist_op op);
/* Ends every process with this process's message and `code`: the way a
 * failure on one rank stops all ranks instead of leaving them waiting. The
 * single-process backend only returns the status (the caller reports it). */
hpml_status dist_abort(hpml_dist *d, hpml_status code);

#endif
