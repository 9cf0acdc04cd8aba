/* mpi_dist.c — the communication layer under mpirun (tests/e2e/test_mpi.sh
 * runs it with 1, 2 and 3 processes; alone it is one process).
 *
 *   mpi_dist collectives    every collective against its serial result; rank
 *                           0 prints "PASS name"/"FAIL name" per check (a
 *                           check fails if it failed on any rank) and
 *                           "sum S": an exact int64 sum over all processes
 *   mpi_dist fail R CODE    rank R fails at a check (message "data.csv:12:3:
 *                           ..."), the others pass: every rank learns it; rank
 *                           0 prints the message once; all exit with the
 *                           exit code of status CODE
 *   mpi_dist stray R CODE   rank R fails while the others are busy for 60 s:
 *                           it waits for them a few seconds, prints its
 *                           message and ends all with hpml_dist_abort
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "dist/dist.h"

static hpml_dist *world;
static int rank, size, n_fail;

/* A check: passes only if it passed on every process (collective). */
static void check(const char *name, int ok)
{
    int64_t v = ok ? 1 : 0;
    if (dist_allreduce_i64(world, &v, 1, DIST_MIN) != HPML_OK)
        v = 0;
    if (rank == 0)
        printf("%s %s\n", v ? "PASS" : "FAIL", name);
    if (!ok)
        fprintf(stderr, "rank %d: %s failed (%s)\n", rank, name, hpml_last_error());
    n_fail += !v;
}

/* Value i of the data the sum runs over: large, of both signs. */
static int64_t value(int64_t i)
{
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    return (int64_t)(x >> 20) - ((int64_t)1 << 43);
}

static void collectives(void)
{
    /* int64: each process sums its rows (every size-th), then the sums are
     * reduced: exactly the serial sum, for any number of processes */
    const int64_t n_rows = 100003;
    int64_t serial = 0, part[3] = {0, 0, 0};
    for (int64_t i = 0; i < n_rows; i++) {
        serial += value(i);
        if (i % size == rank)
            part[0] += value(i);
    }
    part[1] = rank;           /* min over processes: 0 */
    part[2] = -(int64_t)rank; /* max: 0; sum of ranks in part[1] after a SUM */
    int64_t sum = part[0], mn = part[1], mx = part[2];
    check("allreduce_i64_sum", dist_allreduce_i64(world, &sum, 1, DIST_SUM) == HPML_OK &&
                                   sum == serial);
    check("allreduce_i64_min_max",
          dist_allreduce_i64(world, &mn, 1, DIST_MIN) == HPML_OK && mn == 0 &&
              dist_allreduce_i64(world, &mx, 1, DIST_MAX) == HPML_OK && mx == 0);
    int64_t ranks[2] = {rank, 1};
    check("allreduce_i64_vector", dist_allreduce_i64(world, ranks, 2, DIST_SUM) == HPML_OK &&
                                      ranks[0] == (int64_t)size * (size - 1) / 2 &&
                                      ranks[1] == size);
    float f[2] = {(float)rank + 0.5f, -(float)rank};
    check("allreduce_f32", dist_allreduce_f32(world, f, 2, DIST_MAX) == HPML_OK &&
                               f[0] == (float)(size - 1) + 0.5f && f[1] == 0.0f);
    double g[2] = {0.25 * rank, 1.0};
    check("allreduce_f64", dist_allreduce_f64(world, g, 2, DIST_SUM) == HPML_OK &&
                               g[0] == 0.25 * size * (size - 1) / 2 && g[1] == size);
    double h = rank + 1.0;
    check("allreduce_f64_min", dist_allreduce_f64(world, &h, 1, DIST_MIN) == HPML_OK && h == 1.0);
    if (rank == 0)
        printf("sum %lld\n", (long long)sum);

    /* bcast from every root */
    int ok = 1;
    for (int root = 0; root < size; root++) {
        char buf[32];
        snprintf(buf, sizeof buf, "from %d of %d", rank, size);
        char want[32];
        snprintf(want, sizeof want, "from %d of %d", root, size);
        ok &= dist_bcast(world, buf, sizeof buf, root) == HPML_OK && strcmp(buf, want) == 0;
    }
    check("bcast_every_root", ok);
    char dummy = 0;
    check("bcast_bad_root", dist_bcast(world, &dummy, 1, size) == HPML_ERR_ARG);

    /* allgather, also in place */
    int32_t mine[2] = {rank, 100 + rank}, all[6] = {0}, expect_ok = 1;
    ok = dist_allgather(world, mine, all, sizeof mine) == HPML_OK;
    for (int r = 0; r < size; r++)
        expect_ok &= all[2 * r] == r && all[2 * r + 1] == 100 + r;
    check("allgather", ok && expect_ok);
    int32_t inplace[3] = {-1, -1, -1};
    inplace[rank] = 7 * rank;
    ok = dist_allgather(world, &inplace[rank], inplace, sizeof *inplace) == HPML_OK;
    for (int r = 0; r < size; r++)
        ok &= inplace[r] == 7 * r;
    check("allgather_in_place", ok);
    /* allgatherv: rank r's r + 1 values, in place, reach every rank */
    int64_t gv[64];
    uint64_t gv_off[8], gv_n[8];
    int gv_total = 0;
    for (int r = 0; r < size && r < 8; r++) {
        gv_off[r] = (uint64_t)gv_total;
        gv_total += (int)(gv_n[r] = (uint64_t)r + 1);
    }
    for (int i = 0; i < gv_total; i++)
        gv[i] = -1;
    for (int i = 0; i <= rank && size <= 8; i++)
        gv[gv_off[rank] + (uint64_t)i] = 100 * rank + i;
    ok = size <= 8 && dist_allgatherv(world, gv, gv_off, gv_n, sizeof *gv) == HPML_OK;
    for (int r = 0; ok && r < size; r++)
        for (int i = 0; ok && i <= r; i++)
            ok = gv[gv_off[r] + (uint64_t)i] == 100 * r + i;
    check("allgatherv", ok);
    /* reduce-scatter: block r (r + 1 values) of the sums reaches rank r */
    int64_t rs_in[64], rs_out[8];
    size_t counts[8];
    int total = 0;
    for (int r = 0; r < size && r < 8; r++)
        total += (int)(counts[r] = (size_t)r + 1);
    for (int i = 0; i < total; i++)
        rs_in[i] = (int64_t)(rank + 1) * 1000 + i;
    ok = size <= 8 && dist_reduce_scatter_i64(world, rs_in, rs_out, counts) == HPML_OK;
    for (int i = 0, at = rank * (rank + 1) / 2; ok && i <= rank; i++)
        ok = rs_out[i] == (int64_t)1000 * size * (size + 1) / 2 + (int64_t)size * (at + i);
    check("reduce_scatter_i64", ok);
    check("barrier", dist_barrier(world) == HPML_OK);

    /* node-shared memory: each process of the node writes its part, and
     * after the sync every process reads every part (on one machine the
     * node is every process); then an empty one */
    dist_shared sh; /* every call below is made by every process (collective) */
    const size_t n_sh = 300007; /* not a multiple of any size */
    ok = dist_shared_alloc(world, n_sh * sizeof(int64_t), &sh) == HPML_OK && sh.p &&
         sh.node_size == size && sh.node_rank == rank && (size == 1 || sh.has_win);
    int64_t *v = ok ? sh.p : NULL;
    size_t lo = n_sh * (size_t)sh.node_rank / (size_t)sh.node_size,
           hi = n_sh * (size_t)(sh.node_rank + 1) / (size_t)sh.node_size;
    for (size_t i = lo; v && i < hi; i++)
        v[i] = value((int64_t)i) + sh.node_rank;
    ok = dist_shared_sync(world, &sh) == HPML_OK && ok;
    for (size_t i = 0, k = 0; ok && i < n_sh; i++) {
        while (n_sh * (k + 1) / (size_t)sh.node_size <= i) /* k: the part's writer */
            k++;
        ok = v[i] == value((int64_t)i) + (int64_t)k;
    }
    dist_shared_free(world, &sh);
    dist_shared empty;
    ok = dist_shared_alloc(world, 0, &empty) == HPML_OK && !empty.p && ok;
    ok = dist_shared_sync(world, &empty) == HPML_OK && ok;
    dist_shared_free(world, &empty);
    check("shared_memory", ok && !sh.p && !sh.has_win);

    /* the failure protocol when all pass, and when ranks 1.. fail (the
     * lowest failing rank's status and message reach everyone) */
    int who = 7;
    check("check_all_ok", dist_check(world, HPML_OK, &who) == HPML_OK && who == -1);
    hpml_status st = rank >= 1 ? hpml_fail(rank == 1 ? HPML_ERR_PARSE : HPML_ERR_NOMEM,
                                           "failure on rank %d", rank)
                               : HPML_OK;
    hpml_status got = dist_check(world, st, &who);
    if (size == 1)
        check("check_failure_everywhere", got == HPML_OK && who == -1);
    else
        check("check_failure_everywhere", got == HPML_ERR_PARSE && who == 1 &&
                                              strcmp(hpml_last_error(), "failure on rank 1") == 0 &&
                                              dist_usable(world));

    /* fingerprints: the same bytes agree; bytes that differ on rank 1 are
     * named */
    const char same[] = "max_depth=6 eta=0.1";
    check("agree_same", dist_agree(world, "the parameters", same, sizeof same) == HPML_OK);
    char differ[16];
    snprintf(differ, sizeof differ, "rank-%d", rank == 1 ? 1 : 0);
    got = dist_agree(world, "the parameters", differ, strlen(differ));
    if (size == 1)
        check("agree_differ_named", got == HPML_OK);
    else
        check("agree_differ_named", got == HPML_ERR_ARG &&
                                        strstr(hpml_last_error(), "differ in the parameters: "
                                                                  "rank 1 differs from rank 0"));
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "collectives";
    hpml_status st = hpml_dist_init(&world);
    if (st != HPML_OK) {
        fprintf(stderr, "mpi_dist: %s\n", hpml_last_error());
        return hpml_status_exit_code(st);
    }
    rank = hpml_dist_rank(world);
    size = hpml_dist_size(world);
    int rc = 0;
    if (strcmp(mode, "collectives") == 0) {
        if (rank == 0)
            printf("size %d\n", size);
        collectives();
        rc = n_fail ? 1 : 0;
    } else if ((strcmp(mode, "fail") == 0 || strcmp(mode, "stray") == 0) && argc == 4) {
        int bad = atoi(argv[2]);
        hpml_status code = (hpml_status)atoi(argv[3]);
        st = rank == bad ? hpml_fail_at(code, "data.csv", 12, 3, "expected a number, found 'x' "
                                        "(rank %d)", rank)
                         : HPML_OK;
        if (strcmp(mode, "stray") == 0 && rank != bad)
            sleep(60); /* busy elsewhere: the failing rank must not wait for this */
        int who;
        hpml_status s = hpml_dist_check(world, st, &who);
        if (s != HPML_OK && !hpml_dist_usable(world)) {
            fprintf(stderr, "%s\n", hpml_last_error());
            hpml_dist_abort(world, hpml_status_exit_code(s));
        } else if (s != HPML_OK && rank == 0) {
            fprintf(stderr, "%s\n", hpml_last_error());
        }
        rc = hpml_status_exit_code(s);
    } else {
        fprintf(stderr, "usage: mpi_dist collectives | fail RANK STATUS | stray RANK STATUS\n");
        rc = 1;
    }
    hpml_dist_free(world);
    return rc;
}
