/* launch.c — what started this process, read from the environment, and the
 * start-up checks that catch a launch that cannot be right.
 *
 * Launchers, and what they put in each process's environment:
 *   Open MPI's mpirun/mpiexec      OMPI_COMM_WORLD_SIZE, OMPI_COMM_WORLD_RANK
 *   PMIx (srun --mpi=pmix, prte)   PMIX_RANK (no size)
 *   PMI-1/2 (MPICH's mpiexec,      PMI_RANK, PMI_SIZE
 *     srun --mpi=pmi2, Intel MPI)
 *   srun (any --mpi)               SLURM_STEP_ID, SLURM_STEP_NUM_TASKS, SLURM_NTASKS
 * A launcher inside a SLURM job (mpirun or MPICH's hydra, whose daemons srun
 * starts) passes the SLURM_* of its daemons' step on to the processes: there
 * the SLURM counts say nothing about MPI, so srun's count is compared only
 * when srun itself started the process (no OMPI_COMM_WORLD_SIZE, no
 * MPI_LOCALNRANKS, which hydra sets).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "dist/dist.h"

/* A positive integer environment variable, or 0. */
static int env_count(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    char *end;
    long x = strtol(v, &end, 10);
    return *end == '\0' && x > 0 && x < (1L << 30) ? (int)x : 0;
}

/* srun's task count when srun itself started this process, else 0. */
static int srun_tasks(void)
{
    if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("MPI_LOCALNRANKS"))
        return 0;
    int n = env_count("SLURM_STEP_NUM_TASKS");
    if (n)
        return n;
    /* older SLURM: SLURM_NTASKS, but only inside a step (not the batch
     * script, step id 4294967294, nor the extern step) */
    const char *step = getenv("SLURM_STEP_ID");
    if (!step)
        step = getenv("SLURM_STEPID");
    if (!step || strtoul(step, NULL, 10) >= 4294967290UL)
        return 0;
    return env_count("SLURM_NTASKS");
}

void dist_launch_detect(dist_launch *l)
{
    memset(l, 0, sizeof *l);
    l->srun_tasks = srun_tasks();
    const char *force = getenv("HPML_MPI");
    if (force && strcmp(force, "0") == 0) {
        l->srun_tasks = 0; /* asked for one process: nothing to compare */
        return;
    }
    if (getenv("OMPI_COMM_WORLD_SIZE")) {
        l->by = "mpirun (Open MPI)";
        l->size = env_count("OMPI_COMM_WORLD_SIZE");
    } else if (getenv("PMIX_RANK")) {
        l->by = "PMIx";
    } else if (getenv("PMI_RANK") || getenv("PMI_SIZE")) {
        l->by = "PMI";
        l->size = env_count("PMI_SIZE");
    } else if (force && strcmp(force, "1") == 0) {
        l->by = "HPML_MPI=1";
    }
}

hpml_status dist_launch_check(const dist_launch *l, int mpi_size, const char *mpi_name)
{
    if (!mpi_name && l->size > 1)
        return hpml_fail(HPML_ERR_ARG, "%s started %d processes, but this hpml was built without "
                         "MPI ('hpml --version' says so): each would do the whole job alone and "
                         "write the same files. Rebuild it where mpicc is found (make MPI=1), or "
                         "run one process", l->by, l->size);
    if (l->srun_tasks > 1 && l->srun_tasks != mpi_size) {
        if (!mpi_name)
            return hpml_fail(HPML_ERR_ARG, "srun started %d tasks (SLURM_STEP_NUM_TASKS), but "
                             "this hpml was built without MPI ('hpml --version' says so): each "
                             "task would do the whole job alone and write the same files. "
                             "Rebuild it where mpicc is found, or run it with srun -n 1",
                             l->srun_tasks);
        if (mpi_size == 1)
            return hpml_fail(HPML_ERR_ARG, "srun started %d tasks (SLURM_STEP_NUM_TASKS), but "
                             "MPI does not connect them: each is a one-process run of its own "
                             "that would write the same files. srun needs the MPI plugin of the "
                             "MPI library hpml was built with (%s): srun --mpi=pmix for Open "
                             "MPI, srun --mpi=pmi2 for MPICH ('srun --mpi=list' shows the "
                             "plugins)", l->srun_tasks, mpi_name);
        return hpml_fail(HPML_ERR_ARG, "srun started %d tasks (SLURM_STEP_NUM_TASKS), but MPI "
                         "connects %d processes: check srun's --mpi plugin (srun --mpi=pmix for "
                         "Open MPI, --mpi=pmi2 for MPICH)", l->srun_tasks, mpi_size);
    }
    if (mpi_name && l->size > 0 && l->size != mpi_size)
        return hpml_fail(HPML_ERR_ARG, "%s started %d processes, but MPI connects %d: hpml was "
                         "built with %s; launch it with that library's mpirun", l->by, l->size,
                         mpi_size, mpi_name);
    return HPML_OK;
}
