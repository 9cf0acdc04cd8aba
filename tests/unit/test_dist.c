/* test_dist.c — the communication layer in one process: the NULL handle, the
 * world handle of a process no launcher started (also in an MPI build: then
 * MPI is never touched), the launch detection and start-up checks, and the
 * exit codes. Runs under mpirun are tests/mpi/mpi_dist.c's. */
#include <stdlib.h>

#include "check.h"
#include "core/alloc.h"
#include "dist/dist.h"

static void test_single_process(void)
{
    CHECK(dist_size(NULL) == 1 && dist_rank(NULL) == 0 && dist_usable(NULL));
    CHECK_OK(dist_barrier(NULL));
    int64_t hist[3] = {5, -2, 7};
    CHECK_OK(dist_allreduce_i64(NULL, hist, 3, DIST_SUM));
    CHECK(hist[0] == 5 && hist[1] == -2 && hist[2] == 7);
    double x[2] = {1.5, -0.25};
    CHECK_OK(dist_allreduce_f64(NULL, x, 2, DIST_MAX));
    CHECK(x[0] == 1.5 && x[1] == -0.25);
    float g[1] = {3.0f};
    CHECK_OK(dist_allreduce_f32(NULL, g, 1, DIST_MIN));
    CHECK(g[0] == 3.0f);
    char in[4] = "abc", out[4] = {0};
    CHECK_OK(dist_allgather(NULL, in, out, 4));
    CHECK(strcmp(out, "abc") == 0);
    CHECK_OK(dist_allgather(NULL, out, out, 4)); /* in place */
    CHECK(strcmp(out, "abc") == 0);
    CHECK_OK(dist_bcast(NULL, in, 4, 0));
    CHECK(strcmp(in, "abc") == 0);
    CHECK_FAILS(dist_bcast(NULL, in, 4, 1), HPML_ERR_ARG, "rank 1 of 1");
    CHECK(dist_abort(NULL, HPML_ERR_PARSE) == HPML_ERR_PARSE);
    int who = 5;
    CHECK(dist_check(NULL, HPML_OK, &who) == HPML_OK && who == -1);
    CHECK(dist_check(NULL, HPML_ERR_DATA, &who) == HPML_ERR_DATA && who == 0);
    CHECK(dist_check(NULL, HPML_ERR_IO, NULL) == HPML_ERR_IO);
    CHECK_OK(dist_agree(NULL, "the schema", "abc", 3));
}

/* Every variable launch.c reads, unset. */
static void clear_launch_env(void)
{
    const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK",
                          "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS", "SLURM_STEP_NUM_TASKS",
                          "SLURM_NTASKS", "SLURM_STEP_ID", "SLURM_STEPID", "SLURM_PROCID",
                          "HPML_MPI"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

static void test_world_alone(void)
{
    clear_launch_env();
    hpml_dist *w = NULL;
    CHECK_OK(hpml_dist_init(&w));
    CHECK(w != NULL);
    CHECK(hpml_dist_size(w) == 1 && hpml_dist_rank(w) == 0 && hpml_dist_usable(w));
    int64_t v[2] = {1LL << 50, -3};
    CHECK_OK(dist_allreduce_i64(w, v, 2, DIST_SUM));
    CHECK(v[0] == 1LL << 50 && v[1] == -3);
    double d = 2.5;
    CHECK_OK(dist_allreduce_f64(w, &d, 1, DIST_SUM));
    CHECK(d == 2.5);
    int32_t mine = 42, all = 0;
    CHECK_OK(dist_allgather(w, &mine, &all, sizeof mine));
    CHECK(all == 42);
    char buf[8] = "root";
    CHECK_OK(dist_bcast(w, buf, sizeof buf, 0));
    CHECK(strcmp(buf, "root") == 0);
    CHECK_OK(dist_barrier(w));
    int who = 3;
    CHECK(hpml_dist_check(w, HPML_OK, &who) == HPML_OK && who == -1);
    CHECK(hpml_dist_check(w, HPML_ERR_PARSE, &who) == HPML_ERR_PARSE && who == 0);
    CHECK(hpml_dist_usable(w));
    CHECK_OK(hpml_dist_agree(w, "the command line", "train x.csv", 11));
    hpml_dist_abort(w, 2); /* one process: returns, the caller exits */
    hpml_dist_free(w);
    hpml_dist_free(NULL);
    CHECK(hpml_dist_rank(NULL) == 0 && hpml_dist_size(NULL) == 1 && hpml_dist_usable(NULL));
    /* an allocation failure is reported, nothing returned */
    w = (hpml_dist *)&who;
    hpml_test_fail_alloc(0, 0);
    CHECK(hpml_dist_init(&w) == HPML_ERR_NOMEM && w == NULL);
    hpml_test_fail_alloc(-1, 0);
}

static void test_launch_detect(void)
{
    dist_launch l;
    clear_launch_env();
    dist_launch_detect(&l);
    CHECK(!l.by && l.size == 0 && l.srun_tasks == 0);
    CHECK_OK(dist_launch_check(&l, 1, NULL));

    setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
    dist_launch_detect(&l);
    CHECK(l.by && strstr(l.by, "mpirun") && l.size == 4 && l.srun_tasks == 0);
    CHECK_OK(dist_launch_check(&l, 4, "Open MPI v4.1.4"));
    CHECK_FAILS(dist_launch_check(&l, 1, NULL), HPML_ERR_ARG,
                "started 4 processes, but this hpml was built without MPI");
    CHECK_FAILS(dist_launch_check(&l, 2, "Open MPI v4.1.4"), HPML_ERR_ARG,
                "started 4 processes, but MPI connects 2");
    /* mpirun inside a SLURM job: the SLURM counts are its daemons' */
    setenv("SLURM_STEP_NUM_TASKS", "1", 1);
    dist_launch_detect(&l);
    CHECK(l.srun_tasks == 0);
    setenv("HPML_MPI", "0", 1); /* asked for one process */
    dist_launch_detect(&l);
    CHECK(!l.by && l.srun_tasks == 0);

    clear_launch_env();
    setenv("PMIX_RANK", "0", 1);
    dist_launch_detect(&l);
    CHECK(l.by && strcmp(l.by, "PMIx") == 0 && l.size == 0);
    clear_launch_env();
    setenv("PMI_RANK", "1", 1);
    setenv("PMI_SIZE", "3", 1);
    dist_launch_detect(&l);
    CHECK(l.by && strcmp(l.by, "PMI") == 0 && l.size == 3);
    setenv("MPI_LOCALNRANKS", "3", 1); /* MPICH's hydra inside a SLURM job */
    setenv("SLURM_STEP_NUM_TASKS", "1", 1);
    dist_launch_detect(&l);
    CHECK(l.srun_tasks == 0);
    clear_launch_env();
    setenv("HPML_MPI", "1", 1);
    dist_launch_detect(&l);
    CHECK(l.by && strcmp(l.by, "HPML_MPI=1") == 0);
    clear_launch_env();
}

static void test_srun_checks(void)
{
    dist_launch l;
    /* srun -n 3 without (the right) MPI plugin: three one-process runs */
    clear_launch_env();
    setenv("SLURM_STEP_NUM_TASKS", "3", 1);
    setenv("SLURM_STEP_ID", "0", 1);
    setenv("SLURM_PROCID", "0", 1);
    dist_launch_detect(&l);
    CHECK(!l.by && l.srun_tasks == 3);
    CHECK_FAILS(dist_launch_check(&l, 1, "Open MPI v4.1.4"), HPML_ERR_ARG,
                "srun started 3 tasks (SLURM_STEP_NUM_TASKS), but MPI does not connect them");
    CHECK_FAILS(dist_launch_check(&l, 1, "Open MPI v4.1.4"), HPML_ERR_ARG, "srun --mpi=pmix");
    CHECK_FAILS(dist_launch_check(&l, 1, NULL), HPML_ERR_ARG, "built without MPI");
    CHECK_FAILS(dist_launch_check(&l, 2, "MPICH Version: 4.0"), HPML_ERR_ARG,
                "but MPI connects 2 processes");
    CHECK_OK(dist_launch_check(&l, 3, "Open MPI v4.1.4"));
    /* the world refuses to start (no MPI is touched: no launcher) */
    hpml_dist *w = NULL;
    CHECK_FAILS(hpml_dist_init(&w), HPML_ERR_ARG, "srun started 3 tasks");
    CHECK(w == NULL);
    /* one task is one process: nothing to check */
    setenv("SLURM_STEP_NUM_TASKS", "1", 1);
    CHECK_OK(hpml_dist_init(&w));
    hpml_dist_free(w);
    /* older SLURM: SLURM_NTASKS inside a step; not in the batch script */
    clear_launch_env();
    setenv("SLURM_NTASKS", "2", 1);
    dist_launch_detect(&l);
    CHECK(l.srun_tasks == 0);
    setenv("SLURM_STEP_ID", "4294967294", 1);
    dist_launch_detect(&l);
    CHECK(l.srun_tasks == 0);
    setenv("SLURM_STEP_ID", "7", 1);
    dist_launch_detect(&l);
    CHECK(l.srun_tasks == 2);
    setenv("HPML_MPI", "0", 1);
    dist_launch_detect(&l);
    CHECK(l.srun_tasks == 0);
    clear_launch_env();
}

static void test_exit_codes_and_library(void)
{
    CHECK(hpml_status_exit_code(HPML_OK) == 0);
    CHECK(hpml_status_exit_code(HPML_ERR_ARG) == 1);
    CHECK(hpml_status_exit_code(HPML_ERR_IO) == 2);
    CHECK(hpml_status_exit_code(HPML_ERR_PARSE) == 2);
    CHECK(hpml_status_exit_code(HPML_ERR_DATA) == 2);
    CHECK(hpml_status_exit_code(HPML_ERR_NOMEM) == 3);
    CHECK(hpml_status_exit_code(HPML_ERR_INTERNAL) == 3);
    char name[128] = "x";
    int have = hpml_dist_mpi_library(name, sizeof name);
    CHECK(have == 0 || have == 1);
    CHECK(have ? strlen(name) > 3 && !strchr(name, '\n') && !strchr(name, ',') : name[0] == 0);
    char tiny[4];
    hpml_dist_mpi_library(tiny, sizeof tiny);
    CHECK(strlen(tiny) < sizeof tiny);
    CHECK(hpml_dist_mpi_library(NULL, 0) == have);
}

int main(void)
{
    RUN(test_single_process);
    RUN(test_world_alone);
    RUN(test_launch_detect);
    RUN(test_srun_checks);
    RUN(test_exit_codes_and_library);
    return check_summary();
}
