/* dist_mpi.c — the MPI backend: a handle's collectives over its duplicate of
 * MPI_COMM_WORLD. Built with -DHPML_MPI (the Makefile does when mpicc is
 * found); dist_single.c otherwise.
 *
 * A handle made when no launcher started the process (hpml_dist_init, see
 * launch.c) has no communicator: it is one process, and MPI is never called
 * for it, so an MPI build behaves as before when run without mpirun/srun.
 * Counts passed to MPI are int: longer buffers go in chunks of 2^30
 * elements (every process cuts them the same way).
 */
#ifdef HPML_MPI
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/log.h"
#include "dist/dist.h"

/* The longest message a check carries (error.c keeps 1024 bytes). */
#define DIST_MSG_CAP 1024

struct hpml_dist {
    MPI_Comm comm;   /* a duplicate of MPI_COMM_WORLD (owned), or MPI_COMM_NULL: alone */
    int rank, size;
    int owns_mpi;    /* hpml_dist_init initialised MPI: hpml_dist_free finalises it */
    int usable;      /* 0 after a dist_check timed out (a request is left pending) */
    hpml_dist_stats stats; /* this process's collectives so far */
    /* After a check agreed on a failure nobody meets again: later checks
     * return it at once (the run is ending; a library call and its caller
     * may both check) */
    hpml_status failed;
    int failed_rank;
    char failed_msg[DIST_MSG_CAP];
    uint64_t exchanges;    /* dist_iallreduce_f32 exchanges started (their tags) */
    MPI_Comm node;         /* this node's processes (owned; made at the first
                              dist_shared_alloc), or MPI_COMM_NULL */
    /* Reductions through the node's shared memory when every process is on
     * one node (shm_state 1; -1: several nodes, MPI's collectives; 0: not
     * looked yet): two sets of one slot of shm_slot bytes per process, the
     * sets taken in turn, so one synchronisation per reduction suffices. */
    int shm_state;
    dist_shared shm;
    size_t shm_slot;
    uint64_t shm_ops;      /* reductions through it so far (the set: ops % 2) */
};

#define DIST_CHUNK ((size_t)1 << 30)

static int alone(const hpml_dist *d) { return !d || d->comm == MPI_COMM_NULL; }

/* Counts one collective of `bytes` from this process that began at t0. */
static void account(hpml_dist *d, size_t bytes, double t0)
{
    d->stats.calls++;
    d->stats.bytes += bytes;
    d->stats.seconds += MPI_Wtime() - t0;
}

void hpml_dist_get_stats(const hpml_dist *d, hpml_dist_stats *out)
{
    memset(out, 0, sizeof *out);
    if (d)
        *out = d->stats;
}

static hpml_status out_of_step(void)
{
    return hpml_fail(HPML_ERR_INTERNAL, "the processes are out of step after a failure (a "
                     "check timed out): the run must end (hpml_dist_abort)");
}

int hpml_dist_mpi_library(char *buf, size_t len)
{
    if (!buf || !len)
        return 1;
    /* allowed before MPI_Init; the first line, up to its first comma:
     * "Open MPI v4.1.4", "MPICH Version: 4.0.2" */
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int n = 0;
    if (MPI_Get_library_version(v, &n) != MPI_SUCCESS || n < 0)
        n = 0;
    v[n < (int)sizeof v ? n : (int)sizeof v - 1] = '\0';
    size_t k = 0;
    for (const char *p = v; *p && *p != '\n' && *p != ',' && k + 1 < len; p++) {
        int space = *p == ' ' || *p == '\t';
        if (space && (k == 0 || buf[k - 1] == ' '))
            continue;
        buf[k++] = space ? ' ' : *p;
    }
    while (k && buf[k - 1] == ' ')
        k--;
    buf[k] = '\0';
    return 1;
}

hpml_status hpml_dist_init(hpml_dist **out)
{
    *out = NULL;
    char name[128];
    hpml_dist_mpi_library(name, sizeof name);
    dist_launch l;
    dist_launch_detect(&l);
    int inited = 0, finalized = 0;
    MPI_Initialized(&inited);
    MPI_Finalized(&finalized);
    hpml_dist *d = hpml_calloc(1, sizeof *d);
    if (!d)
        return HPML_ERR_NOMEM;
    d->comm = MPI_COMM_NULL;
    d->node = MPI_COMM_NULL;
    d->size = 1;
    d->usable = 1;
    hpml_status st = HPML_OK;
    if (!inited && !l.by) { /* no launcher: this process alone, MPI untouched */
        if ((st = dist_launch_check(&l, 1, name)) != HPML_OK)
            goto fail;
        *out = d;
        return HPML_OK;
    }
    if (finalized) {
        st = hpml_fail(HPML_ERR_ARG, "MPI was finalised already in this process and cannot be "
                       "initialised again (free the world handle last)");
        goto fail;
    }
    if (!inited) {
        int provided;
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
            st = hpml_fail(HPML_ERR_INTERNAL, "MPI_Init_thread failed (launched by %s)", l.by);
            goto fail;
        }
        d->owns_mpi = 1;
    }
    MPI_Comm_dup(MPI_COMM_WORLD, &d->comm);
    MPI_Comm_rank(d->comm, &d->rank);
    MPI_Comm_size(d->comm, &d->size);
    if ((st = dist_launch_check(&l, d->size, name)) != HPML_OK)
        goto fail;
    *out = d;
    return HPML_OK;
fail:
    hpml_dist_free(d);
    return st;
}

void hpml_dist_free(hpml_dist *d)
{
    if (!d)
        return;
    int finalized = 0;
    MPI_Finalized(&finalized);
    /* an unusable handle has a request pending that the others never
     * matched: freeing or finalising could wait for them forever */
    if (d->usable && !finalized) {
        dist_shared_free(d, &d->shm);
        if (d->node != MPI_COMM_NULL)
            MPI_Comm_free(&d->node);
        if (d->comm != MPI_COMM_NULL)
            MPI_Comm_free(&d->comm);
        if (d->owns_mpi)
            MPI_Finalize();
    }
    hpml_free(d);
}

void hpml_dist_abort(hpml_dist *d, int exit_code)
{
    if (alone(d) || d->size == 1)
        return;
    fflush(NULL); /* what was printed so far is not lost */
    MPI_Abort(d->comm, exit_code);
}

int dist_size(const hpml_dist *d) { return d ? d->size : 1; }
int dist_rank(const hpml_dist *d) { return d ? d->rank : 0; }
int dist_usable(const hpml_dist *d) { return !d || d->usable; }
int hpml_dist_failed_rank(const hpml_dist *d) { return d && d->failed ? d->failed_rank : -1; }

hpml_status dist_barrier(hpml_dist *d)
{
    if (alone(d))
        return HPML_OK;
    if (!d->usable)
        return out_of_step();
    double t0 = MPI_Wtime();
    MPI_Barrier(d->comm);
    account(d, 0, t0);
    return HPML_OK;
}

hpml_status dist_bcast(hpml_dist *d, void *buf, size_t bytes, int root)
{
    if (root < 0 || root >= dist_size(d))
        return hpml_fail(HPML_ERR_ARG, "broadcast from rank %d of %d processes", root,
                         dist_size(d));
    if (alone(d))
        return HPML_OK;
    if (!d->usable)
        return out_of_step();
    double t0 = MPI_Wtime();
    size_t total = bytes;
    for (char *p = buf; bytes;) {
        size_t k = bytes < DIST_CHUNK ? bytes : DIST_CHUNK;
        MPI_Bcast(p, (int)k, MPI_BYTE, root, d->comm);
        p += k;
        bytes -= k;
    }
    account(d, total, t0);
    return HPML_OK;
}

hpml_status dist_allgather(hpml_dist *d, const void *in, void *out, size_t bytes)
{
    if (alone(d)) {
        if (bytes && in != out)
            memmove(out, in, bytes);
        return HPML_OK;
    }
    if (!d->usable)
        return out_of_step();
    if (bytes > INT_MAX)
        return hpml_fail(HPML_ERR_ARG, "allgather of %zu bytes per process (at most %d)", bytes,
                         INT_MAX);
    if (!bytes)
        return HPML_OK;
    const void *send = in == (const char *)out + (size_t)d->rank * bytes ? MPI_IN_PLACE : in;
    double t0 = MPI_Wtime();
    MPI_Allgather(send, (int)bytes, MPI_BYTE, out, (int)bytes, MPI_BYTE, d->comm);
    account(d, bytes, t0);
    return HPML_OK;
}

hpml_status dist_allgatherv(hpml_dist *d, void *buf, const uint64_t *off, const uint64_t *n,
                            size_t elem)
{
    if (alone(d))
        return HPML_OK;
    if (!d->usable)
        return out_of_step();
    int *cnt = hpml_malloc_array((size_t)d->size * 2, sizeof *cnt), *at = cnt + d->size;
    if (!cnt) /* the others are in the exchange: this cannot be met at a check */
        return dist_abort(d, hpml_fail(HPML_ERR_NOMEM, "out of memory for an exchange"));
    int fits = elem <= INT_MAX;
    uint64_t total = 0;
    for (int k = 0; k < d->size; k++) {
        fits &= n[k] <= INT_MAX && off[k] <= INT_MAX;
        cnt[k] = (int)n[k];
        at[k] = (int)off[k];
        total += n[k];
    }
    double t0 = MPI_Wtime();
    if (fits) { /* counts and places in units of one element */
        MPI_Datatype t;
        MPI_Type_contiguous((int)elem, MPI_BYTE, &t);
        MPI_Type_commit(&t);
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, cnt, at, t, d->comm);
        MPI_Type_free(&t);
        account(d, total * elem, t0);
    }
    hpml_free(cnt);
    for (int k = 0; !fits && k < d->size; k++) { /* past 2^31 elements: broadcasts */
        hpml_status st = dist_bcast(d, (char *)buf + off[k] * elem, n[k] * elem, k);
        if (st != HPML_OK)
            return st;
    }
    return HPML_OK;
}

static MPI_Op mpi_op(dist_op op)
{
    return op == DIST_MIN ? MPI_MIN : op == DIST_MAX ? MPI_MAX : MPI_SUM;
}

/* buf: n elements of elem bytes, MPI type t. */
static hpml_status allreduce(hpml_dist *d, void *buf, size_t n, size_t elem, MPI_Datatype t,
                             dist_op op)
{
    if (alone(d))
        return HPML_OK;
    if (!d->usable)
        return out_of_step();
    double t0 = MPI_Wtime();
    size_t total = n * elem;
    for (char *p = buf; n;) {
        size_t k = n < DIST_CHUNK ? n : DIST_CHUNK;
        MPI_Allreduce(MPI_IN_PLACE, p, (int)k, t, mpi_op(op), d->comm);
        p += k * elem;
        n -= k;
    }
    account(d, total, t0);
    return HPML_OK;
}

hpml_status dist_allreduce_i64(hpml_dist *d, int64_t *buf, size_t n, dist_op op)
{
    return allreduce(d, buf, n, sizeof *buf, MPI_INT64_T, op);
}

hpml_status dist_allreduce_f32(hpml_dist *d, float *buf, size_t n, dist_op op)
{
    return allreduce(d, buf, n, sizeof *buf, MPI_FLOAT, op);
}

hpml_status dist_allreduce_f64(hpml_dist *d, double *buf, size_t n, dist_op op)
{
    return allreduce(d, buf, n, sizeof *buf, MPI_DOUBLE, op);
}

/* This node's processes (collective the first time). */
static MPI_Comm node_comm(hpml_dist *d)
{
    if (d->node == MPI_COMM_NULL)
        MPI_Comm_split_type(d->comm, MPI_COMM_TYPE_SHARED, d->rank, MPI_INFO_NULL, &d->node);
    return d->node;
}

/* The window of a dist_shared that has one. */
static MPI_Win window(const dist_shared *s)
{
    MPI_Win win;
    memcpy(&win, s->win, sizeof win);
    return win;
}

/* Whether reductions go through the node's shared memory: several
 * processes, all on this node (collective the first time; the same answer
 * everywhere). Then the slots are a window (shm.has_win). */
static int shm_on(hpml_dist *d)
{
    if (d->shm_state == 0) {
        int ns = 1;
        MPI_Comm_size(node_comm(d), &ns);
        d->shm_state = d->size > 1 && ns == d->size ? 1 : -1;
    }
    return d->shm_state > 0;
}

/* The node-shared slots for a reduction of `bytes` from each process
 * (collective, the same bytes everywhere), or NULL: use MPI's collective. */
static unsigned char *shm_slots(hpml_dist *d, size_t bytes)
{
    if (!shm_on(d))
        return NULL;
    if (bytes > d->shm_slot) { /* grown alike everywhere: the same bytes */
        size_t slot = (bytes + 63) & ~(size_t)63;
        slot = slot > 2 * d->shm_slot ? slot : 2 * d->shm_slot;
        dist_shared_free(d, &d->shm);
        if (dist_shared_alloc(d, 2 * (size_t)d->size * slot, &d->shm) != HPML_OK ||
            !d->shm.has_win) { /* no room to share (the same on every process): MPI's */
            dist_shared_free(d, &d->shm);
            d->shm_slot = 0;
            d->shm_state = -1;
            return NULL;
        }
        d->shm_slot = slot;
    }
    return d->shm.p;
}

hpml_status dist_reduce_scatter_i64(hpml_dist *d, const int64_t *in, int64_t *out,
                                    const size_t *counts)
{
    if (alone(d)) {
        if (counts[0] && in != out)
            memmove(out, in, counts[0] * sizeof *out);
        return HPML_OK;
    }
    if (!d->usable)
        return out_of_step();
    int *rc = hpml_malloc_array((size_t)d->size, sizeof *rc);
    if (!rc) /* the others are in the exchange: this cannot be met at a check */
        return dist_abort(d, hpml_fail(HPML_ERR_NOMEM, "out of memory for a reduction"));
    size_t total = 0;
    for (int r = 0; r < d->size; r++) {
        if (counts[r] > INT_MAX) {
            hpml_free(rc);
            return dist_abort(d, hpml_fail(HPML_ERR_INTERNAL, "a reduction block of %zu values "
                                           "(at most %d)", counts[r], INT_MAX));
        }
        rc[r] = (int)counts[r];
        total += counts[r];
    }
    double t0 = MPI_Wtime();
    unsigned char *slots = shm_slots(d, total * sizeof *in);
    if (!slots) {
        MPI_Reduce_scatter(in, out, rc, MPI_INT64_T, MPI_SUM, d->comm);
        account(d, total * sizeof *in, t0);
        hpml_free(rc);
        return HPML_OK;
    }
    hpml_free(rc);
    /* One node: each process copies its values into its slot of this
     * reduction's set; after the synchronisation each sums its own block
     * from every slot (integers: exact in any order). The next reduction
     * uses the other set, and the one after it this set again only once
     * every process is past the next synchronisation, so done reading. */
    const size_t set = (size_t)(d->shm_ops++ % 2), slot = d->shm_slot;
    int64_t *x = (int64_t *)(void *)(slots + set * (size_t)d->size * slot);
    const size_t stride = slot / sizeof *x; /* values from one slot to the next */
    memcpy(x + (size_t)d->rank * stride, in, total * sizeof *in);
    MPI_Win_fence(0, window(&d->shm)); /* dist_shared_sync without counting a second call */
    size_t at = 0;
    for (int r = 0; r < d->rank; r++)
        at += counts[r];
    const size_t m = counts[d->rank];
    memcpy(out, x + at, m * sizeof *out);
    for (int k = 1; k < d->size; k++) {
        const int64_t *xk = x + (size_t)k * stride + at;
        /* modulo 2^64 (as MPI_SUM does): parts of a buffer that its caller
         * never reads (histograms of features not sampled) may hold anything */
        for (size_t i = 0; i < m; i++)
            out[i] = (int64_t)((uint64_t)out[i] + (uint64_t)xk[i]);
    }
    account(d, total * sizeof *in, t0);
    return HPML_OK;
}

_Static_assert(sizeof(MPI_Win) <= sizeof(((dist_shared *)0)->win), "dist_shared holds an MPI_Win");

hpml_status dist_shared_alloc(hpml_dist *d, size_t bytes, dist_shared *s)
{
    *s = (dist_shared){.bytes = bytes, .node_size = 1};
    if (!alone(d) && !d->usable)
        return out_of_step();
    int nr = 0, ns = 1;
    if (!alone(d)) {
        double t0 = MPI_Wtime();
        MPI_Comm_rank(node_comm(d), &nr);
        MPI_Comm_size(d->node, &ns);
        account(d, 0, t0);
    }
    if (ns > 1) {
        /* Open MPI backs the window with a file in /dev/shm, which a
         * container may keep small (64 MB): touching pages beyond it would
         * end the process by SIGBUS. Without room on every process of the
         * node, each takes ordinary memory of its own (node_size 1: each
         * fills all of it). */
        struct statvfs v;
        int room = statvfs("/dev/shm", &v) != 0 ||
                   (uint64_t)v.f_bavail * (uint64_t)v.f_frsize / 2 >= (uint64_t)bytes;
        double t0 = MPI_Wtime();
        MPI_Allreduce(MPI_IN_PLACE, &room, 1, MPI_INT, MPI_MIN, d->node);
        account(d, 0, t0);
        if (!room) {
            hpml_log(HPML_LOG_WARN, "/dev/shm has no room for %zu bytes shared by the node's "
                     "processes: each holds its own copy (a larger /dev/shm would share it)",
                     bytes);
            ns = 1;
            nr = 0;
        }
    }
    if (ns == 1) { /* alone on the node (or no room to share): ordinary memory */
        if (bytes && !(s->p = hpml_big_alloc(bytes)))
            return HPML_ERR_NOMEM;
        return HPML_OK;
    }
    /* the node's first process holds all of it; the others map it */
    double t0 = MPI_Wtime();
    MPI_Win win;
    void *base = NULL, *p = NULL;
    MPI_Aint size = 0;
    int unit = 1;
    MPI_Win_allocate_shared(nr == 0 ? (MPI_Aint)bytes : 0, 1, MPI_INFO_NULL, d->node, &base,
                            &win);
    MPI_Win_shared_query(win, 0, &size, &unit, &p);
    MPI_Win_fence(0, win);
    account(d, 0, t0);
    memcpy(s->win, &win, sizeof win);
    s->has_win = 1;
    s->p = bytes ? p : NULL;
    s->node_rank = nr;
    s->node_size = ns;
    return HPML_OK;
}

hpml_status dist_shared_sync(hpml_dist *d, dist_shared *s)
{
    if (!s->has_win)
        return HPML_OK;
    if (!d->usable)
        return out_of_step();
    double t0 = MPI_Wtime();
    MPI_Win_fence(0, window(s));
    account(d, 0, t0);
    return HPML_OK;
}

void dist_shared_free(hpml_dist *d, dist_shared *s)
{
    if (s->has_win) {
        MPI_Win win = window(s);
        if (d->usable) /* else the others may never come: left to the end */
            MPI_Win_free(&win);
    } else if (s->p) {
        hpml_big_free(s->p, s->bytes);
    }
    memset(s, 0, sizeof *s);
}

_Static_assert(2 * (DIST_XCHG_MAX - 1) * sizeof(MPI_Request) <=
                   sizeof(((dist_request *)0)->impl),
               "dist_request holds the MPI_Requests of an exchange");

static MPI_Request *mpi_requests(dist_request *req) { return (MPI_Request *)(void *)req->impl; }

/* buf: n elements of elem bytes, MPI type t, reduced by MPI_Iallreduce. */
static hpml_status iallreduce(hpml_dist *d, void *buf, size_t n, size_t elem, MPI_Datatype t,
                              dist_op op, dist_request *req)
{
    req->active = 0;
    if (alone(d))
        return HPML_OK;
    if (!d->usable)
        return out_of_step();
    if (n > INT_MAX)
        return hpml_fail(HPML_ERR_ARG, "non-blocking reduction of %zu values (at most %d)", n,
                         INT_MAX);
    double t0 = MPI_Wtime();
    MPI_Iallreduce(MPI_IN_PLACE, buf, (int)n, t, mpi_op(op), d->comm, mpi_requests(req));
    req->n_mpi = 1;
    req->scratch = NULL;
    req->active = 1;
    account(d, n * elem, t0);
    return HPML_OK;
}

size_t dist_iallreduce_scratch(const hpml_dist *d, size_t n)
{
    return alone(d) || d->size > DIST_XCHG_MAX ? 0 : (size_t)(d->size - 1) * n;
}

hpml_status dist_iallreduce_f32(hpml_dist *d, float *buf, size_t n, dist_op op, float *scratch,
                                dist_request *req)
{
    if (!scratch || alone(d) || d->size > DIST_XCHG_MAX)
        return iallreduce(d, buf, n, sizeof *buf, MPI_FLOAT, op, req);
    req->active = 0;
    if (!d->usable)
        return out_of_step();
    if (n > INT_MAX)
        return hpml_fail(HPML_ERR_ARG, "non-blocking reduction of %zu values (at most %d)", n,
                         INT_MAX);
    /* the exchange: rank k's values go to slot k (k < rank) or k - 1 of
     * scratch; a tag of its own (every process starts them in the same
     * order), so that exchanges in flight together never match each other */
    double t0 = MPI_Wtime();
    const int tag = 1000 + (int)(d->exchanges++ % 30000);
    MPI_Request r[2 * (DIST_XCHG_MAX - 1)];
    int m = 0;
    for (int k = 0; k < d->size; k++) {
        if (k == d->rank)
            continue;
        float *slot = scratch + (size_t)(k < d->rank ? k : k - 1) * n;
        MPI_Irecv(slot, (int)n, MPI_FLOAT, k, tag, d->comm, &r[m++]);
        MPI_Isend(buf, (int)n, MPI_FLOAT, k, tag, d->comm, &r[m++]);
    }
    *req = (dist_request){.active = 1, .n_mpi = m, .buf = buf, .scratch = scratch, .n = n,
                          .op = op};
    memcpy(req->impl, r, sizeof *r * (size_t)m);
    account(d, n * sizeof *buf, t0);
    return HPML_OK;
}

static float combine(dist_op op, float a, float b)
{
    return op == DIST_SUM ? a + b : op == DIST_MIN ? (b < a ? b : a) : (b > a ? b : a);
}

/* The exchange is in: buf = the processes' values combined in rank order
 * (two: in either order, which gives the same bits). One pass, no copy. */
static void exchange_finish(const hpml_dist *d, dist_request *q)
{
    const size_t n = q->n;
    const int me = d->rank, N = d->size;
    float *restrict out = q->buf;
    if (N == 2) {
        const float *restrict x = q->scratch;
        if (q->op == DIST_SUM)
            for (size_t i = 0; i < n; i++)
                out[i] += x[i];
        else
            for (size_t i = 0; i < n; i++)
                out[i] = combine(q->op, out[i], x[i]);
    } else {
        const float *x[DIST_XCHG_MAX]; /* the contributions in rank order */
        for (int k = 0; k < N; k++)
            x[k] = k == me ? out : q->scratch + (size_t)(k < me ? k : k - 1) * n;
        for (size_t i = 0; i < n; i++) {
            float v = x[0][i];
            for (int k = 1; k < N; k++)
                v = combine(q->op, v, x[k][i]);
            out[i] = v;
        }
    }
    q->active = 0;
}

hpml_status dist_iallreduce_f64(hpml_dist *d, double *buf, size_t n, dist_op op,
                                dist_request *req)
{
    return iallreduce(d, buf, n, sizeof *buf, MPI_DOUBLE, op, req);
}

int dist_test(hpml_dist *d, dist_request *req)
{
    if (!req->active)
        return 1;
    double t0 = MPI_Wtime();
    int done = 0;
    MPI_Testall(req->n_mpi, mpi_requests(req), &done, MPI_STATUSES_IGNORE);
    if (done && req->scratch)
        exchange_finish(d, req);
    req->active = !done;
    d->stats.seconds += MPI_Wtime() - t0;
    return done;
}

hpml_status dist_wait(hpml_dist *d, dist_request *req)
{
    if (!req->active)
        return HPML_OK;
    double t0 = MPI_Wtime();
    MPI_Waitall(req->n_mpi, mpi_requests(req), MPI_STATUSES_IGNORE);
    if (req->scratch)
        exchange_finish(d, req);
    req->active = 0;
    d->stats.seconds += MPI_Wtime() - t0;
    return HPML_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Polls *req until it completes (1) or, with limit >= 0, limit seconds pass
 * (0). Sleeps between polls, from 50 us up to 10 ms: a process that waits
 * long for the others (they are still working) leaves its core to them. */
static int wait_for(MPI_Request *req, double limit)
{
    double end = limit >= 0 ? now_seconds() + limit : 0;
    long nap_ns = 50000;
    for (;;) {
        int done = 0;
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done)
            return 1;
        if (limit >= 0 && now_seconds() >= end)
            return 0;
        struct timespec ts = {0, nap_ns};
        nanosleep(&ts, NULL);
        if (nap_ns < 10000000)
            nap_ns *= 2;
    }
}

hpml_status dist_check(hpml_dist *d, hpml_status st, int *who)
{
    if (who)
        *who = st != HPML_OK ? dist_rank(d) : -1;
    if (alone(d))
        return st;
    if (!d->usable)
        return st != HPML_OK ? st : out_of_step();
    if (d->failed != HPML_OK) {
        if (who)
            *who = d->failed_rank;
        return hpml_fail(d->failed, "%s", d->failed_msg);
    }
    /* the minimum of rank x 256 + status over the failing processes (size x
     * 256 for a process that passed) names the lowest failing rank and its
     * status in one reduction. Non-blocking, so that a failing process can
     * stop waiting; the others must use the same call (a blocking
     * collective never matches a non-blocking one). */
    int64_t key = st != HPML_OK ? (int64_t)d->rank * 256 + (int64_t)st : (int64_t)d->size * 256;
    int64_t res = 0;
    MPI_Request req;
    MPI_Iallreduce(&key, &res, 1, MPI_INT64_T, MPI_MIN, d->comm, &req);
    if (!wait_for(&req, st != HPML_OK ? DIST_FAIL_WAIT_SECONDS : -1.0)) {
        d->usable = 0;
        return st;
    }
    int r = (int)(res / 256);
    if (r >= d->size)
        return HPML_OK;
    hpml_status s = (hpml_status)(res % 256);
    char msg[DIST_MSG_CAP];
    if (d->rank == r)
        snprintf(msg, sizeof msg, "%s", *hpml_last_error() ? hpml_last_error() : hpml_status_name(s));
    MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, r, d->comm);
    msg[sizeof msg - 1] = '\0';
    if (d->rank != r)
        hpml_fail(s, "%s", msg);
    if (who)
        *who = r;
    d->failed = s;
    d->failed_rank = r;
    memcpy(d->failed_msg, msg, sizeof d->failed_msg);
    return s;
}

hpml_status dist_abort(hpml_dist *d, hpml_status code)
{
    if (alone(d) || d->size == 1)
        return code;
    const char *msg = hpml_last_error();
    hpml_log(HPML_LOG_ERROR, "rank %d of %d: %s", d->rank, d->size,
             *msg ? msg : hpml_status_name(code));
    hpml_dist_abort(d, hpml_status_exit_code(code));
    return code;
}
#else
typedef int dist_mpi_unused; /* this build has the single-process backend */
#endif
