/* dist.h — the communication layer: one interface, a backend per transport (internal).
 *
 * Everything in hpml that combines values across processes calls these, so a
 * run under mpirun/srun needs no second code path. Two backends implement
 * them, chosen when building: dist_single.c (size 1, rank 0, reductions
 * copy) and dist_mpi.c (built with -DHPML_MPI when mpicc is found: the
 * handle's communicator, a duplicate of MPI_COMM_WORLD). Common parts:
 * launch.c (what started this process, the start-up checks), agree.c
 * (fingerprints), api.c (the public wrappers of hpml.h).
 *
 * The handle is the public opaque hpml_dist (hpml_dist_init in hpml.h makes
 * the world's). NULL means "this process alone" everywhere; so does a handle
 * made when no launcher started the process, also in an MPI build.
 *
 * Reductions are element-wise over `n` values; integer sums are exact, so a
 * reduction of int64 histograms gives the same bits for any process count.
 * Every function here is collective unless it says otherwise: every process
 * calls it, in the same order, with the same n/bytes/root/op. MPI errors are
 * fatal (MPI's default handler ends the job): a transport that fails cannot
 * be brought back in step, and ending every process is the only answer that
 * never hangs.
 *
 * The failure protocol (docs/mpi.md): a process that fails must not simply
 * return while the others wait in a collective. At a sync point every
 * process calls dist_check with its status and all learn the first failure;
 * after a failed check nobody makes another collective call (each returns
 * its way out). A failure where the others cannot be met (in the middle of
 * a sequence of collectives) ends all processes with dist_abort.
 */
#ifndef HPML_DIST_DIST_H
#define HPML_DIST_DIST_H

#include <stddef.h>
#include <stdint.h>

#include "hpml.h"

typedef enum dist_op { DIST_SUM, DIST_MIN, DIST_MAX } dist_op;

/* How long (seconds) a failing process waits at dist_check for the others. */
#define DIST_FAIL_WAIT_SECONDS 5.0

/* Not collective. */
int dist_size(const hpml_dist *d);
int dist_rank(const hpml_dist *d);
/* 0 once a dist_check timed out (then every collective fails at once). */
int dist_usable(const hpml_dist *d);

hpml_status dist_barrier(hpml_dist *d);
/* buf[0..bytes) of `root` is copied to every process. */
hpml_status dist_bcast(hpml_dist *d, void *buf, size_t bytes, int root);
/* Each process gives `bytes` (< 2 GiB) at in; out (size x bytes) receives
 * them in rank order. in may be out + rank x bytes (in place). */
hpml_status dist_allgather(hpml_dist *d, const void *in, void *out, size_t bytes);
/* In place, blocks of different sizes: process k's n[k] elements of elem
 * bytes are at buf + off[k] x elem on it (the blocks apart, off and n the
 * same everywhere), and reach that place on every process. */
hpml_status dist_allgatherv(hpml_dist *d, void *buf, const uint64_t *off, const uint64_t *n,
                            size_t elem);
/* In place: buf[i] = op over processes of buf[i]. */
hpml_status dist_allreduce_i64(hpml_dist *d, int64_t *buf, size_t n, dist_op op);
hpml_status dist_allreduce_f32(hpml_dist *d, float *buf, size_t n, dist_op op);
hpml_status dist_allreduce_f64(hpml_dist *d, double *buf, size_t n, dist_op op);

/* Memory shared by the processes of one node (MPI_Win_allocate_shared over
 * the node's processes): every process of a node sees the same bytes at p,
 * so a large read-only array is held once per node and its filling can be
 * shared out (node_rank of node_size writes its part; then
 * dist_shared_sync). One process, or one per node, or too little room in
 * /dev/shm (which backs the window) on any process of the node: ordinary
 * memory (hpml_big_alloc), node_size 1, and a warning. Collective: alloc,
 * sync and free are called by every process, in the same order; a failure
 * to allocate ends every process (MPI errors are fatal). bytes may be 0 (p
 * NULL). */
typedef struct dist_shared {
    void *p;                 /* owned by the handle: dist_shared_free */
    size_t bytes;
    int node_rank, node_size;
    int has_win;             /* 1: p is a window's (the backend's, in win); 0: ordinary memory */
    unsigned char win[16];
} dist_shared;

hpml_status dist_shared_alloc(hpml_dist *d, size_t bytes, dist_shared *s);
/* What every process of the node wrote before it is seen by all after it. */
hpml_status dist_shared_sync(hpml_dist *d, dist_shared *s);
/* Frees *s (collective with a window, unless d is no longer usable: then it
 * is left to the end of the process). */
void dist_shared_free(hpml_dist *d, dist_shared *s);

/* Each process gives n = counts[0] + ... + counts[size - 1] values at in
 * (counts the same everywhere); process r receives in out[0..counts[r]) the
 * sums over the processes of values counts[0] + ... + counts[r - 1] on, the
 * r-th block (each block < 2^31 values). Exact, as allreduce_i64. */
hpml_status dist_reduce_scatter_i64(hpml_dist *d, const int64_t *in, int64_t *out,
                                    const size_t *counts);
/* A reduction in flight: started by dist_iallreduce_*, completed by
 * dist_test or dist_wait (before the buffer is read or freed). The
 * non-blocking calls are collective like the blocking ones: every process
 * starts the same reductions in the same order (blocking collectives may
 * come between). MPI moves data only inside MPI calls (Open MPI has no
 * progress thread): dist_test between pieces of work lets it go on. */
#define DIST_XCHG_MAX 8      /* processes up to which a reduction with scratch
                                exchanges the buffers directly */
typedef struct dist_request {
    _Alignas(16) unsigned char impl[2 * (DIST_XCHG_MAX - 1) * 16]; /* MPI_Requests */
    int active;              /* started and not yet completed */
    int n_mpi;               /* MPI requests in impl */
    float *buf, *scratch;    /* the exchange's (borrowed) */
    size_t n;
    dist_op op;
} dist_request;

/* Floats of scratch that dist_iallreduce_f32 uses for n values: (size - 1)
 * x n up to DIST_XCHG_MAX processes, else 0 (none needed). */
size_t dist_iallreduce_scratch(const hpml_dist *d, size_t n);
/* In place, as dist_allreduce_f32, without waiting: n <= INT_MAX; *req and
 * buf are the caller's until completion. With scratch (NULL when
 * dist_iallreduce_scratch says 0), every process sends its n values to
 * every other and each sums the N contributions in rank order when they are
 * in (the same bits everywhere): one round, which the first MPI call after
 * the last process started it can finish. Otherwise MPI_Iallreduce, whose
 * implementation in Open MPI (libnbc) goes through rounds that move only
 * inside MPI calls and allocates its buffers at each call: measured 1.4 to
 * 1.6 times slower here (docs/mpi.md). Counted in the statistics (a call,
 * its bytes, and the seconds inside this call, dist_test and dist_wait). */
hpml_status dist_iallreduce_f32(hpml_dist *d, float *buf, size_t n, dist_op op, float *scratch,
                                dist_request *req);
/* The same over doubles by MPI_Iallreduce (a few values: the scratch and
 * buf fields of *req are unused). */
hpml_status dist_iallreduce_f64(hpml_dist *d, double *buf, size_t n, dist_op op,
                                dist_request *req);
/* Not collective: lets MPI progress; 1 once *req completed (it then needs no
 * dist_wait), else 0. */
int dist_test(hpml_dist *d, dist_request *req);
/* Not collective: waits until *req completed (at once if it is not active). */
hpml_status dist_wait(hpml_dist *d, dist_request *req);

/* Every process passes its status; returns, on every process, HPML_OK if all
 * passed HPML_OK, else the status of the lowest failing rank, whose message
 * becomes every process's hpml_last_error(); *who (may be NULL) gets that
 * rank, -1 if none. Once a check agreed on a failure, later checks return
 * that failure at once without meeting (so a library call and its caller
 * may both check on the way out). A failing process waits at most DIST_FAIL_WAIT_SECONDS:
 * if the others do not come it returns its own status, *who = its rank, and
 * the handle becomes unusable (the caller then ends the run with
 * dist_abort). Waiting processes sleep between polls (no spinning core). */
hpml_status dist_check(hpml_dist *d, hpml_status st, int *who);

/* A fingerprint built piece by piece (not collective): h = DIST_HASH_INIT,
 * then h = dist_hash(h, bytes, n) per piece; compare it with dist_agree. */
#define DIST_HASH_INIT 14695981039346656037ULL
uint64_t dist_hash(uint64_t h, const void *bytes, size_t n);

/* Fails with HPML_ERR_ARG on every process unless every process passed the
 * same bytes (compared by a 64-bit hash); the message names `what` and the
 * ranks that differ from rank 0. */
hpml_status dist_agree(hpml_dist *d, const char *what, const void *bytes, size_t n);

/* Ends every process with this process's message (logged at HPML_LOG_ERROR)
 * and the hpml command's exit code for `code`: the way a failure in the
 * middle of collectives stops all ranks instead of leaving them waiting.
 * The single-process backend (and a handle of one process) only returns
 * `code` (the caller reports it). */
hpml_status dist_abort(hpml_dist *d, hpml_status code);

/* ---- launch.c: what started this process (not collective) */

typedef struct dist_launch {
    const char *by;    /* "mpirun (Open MPI)", "PMIx", "PMI", "HPML_MPI=1", or NULL: no launcher */
    int size;          /* processes the launcher says it started; 0: it does not say */
    int srun_tasks;    /* > 0 when srun itself started this process as one of its tasks
                          (SLURM_STEP_NUM_TASKS, else SLURM_NTASKS in a step), not a
                          launcher inside a SLURM job */
} dist_launch;

/* Reads the environment. HPML_MPI=0 gives no launcher; HPML_MPI=1 one. */
void dist_launch_detect(dist_launch *l);
/* The start-up checks, given the size MPI reports (1 when MPI is not used)
 * and the MPI library's name (NULL: built without MPI): HPML_ERR_ARG with a
 * message that says what to do, or HPML_OK. */
hpml_status dist_launch_check(const dist_launch *l, int mpi_size, const char *mpi_name);

#endif
