/* world.c — rank 0 prints and writes, failures end every rank, once. */
#include "world.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"

/* The command's process state (the library keeps none: the handle is here). */
static hpml_dist *world;          /* owned; NULL: one process */
static int rank, size = 1, verbose, agreed_failure;
static int err_fd = 2;            /* the real stderr (a duplicate on ranks > 0) */
static FILE *capture;             /* ranks > 0: where fd 2 writes to */
static double t_start;
static const char *command_name = "";

hpml_dist *cli_world(void) { return world; }
int cli_is_root(void) { return rank == 0; }

void cli_vlog(const char *fmt, ...)
{
    if (!verbose || size < 2)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dprintf(err_fd, "[rank %d/%d] %s\n", rank, size, buf);
}

/* Whether the launcher numbered this process 0 (or did not number it): the
 * one to report a failure to start, when the processes cannot talk. */
static int launched_first(void)
{
    const char *vars[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && strcmp(v, "0") != 0)
            return 0;
    }
    return 1;
}

/* Library log lines of a rank > 0: errors (dist_abort's) at once on the real
 * stderr, the rest into the capture like everything else it prints. */
static void log_quiet_rank(hpml_log_level level, const char *msg, void *user)
{
    static const char *names[] = {"error", "warning", "info", "debug"};
    (void)user;
    if (level == HPML_LOG_ERROR)
        dprintf(err_fd, "[rank %d/%d] hpml: error: %s\n", rank, size, msg);
    else
        fprintf(stderr, "hpml: %s: %s\n", names[level], msg);
}

/* Ranks > 0: stdout to /dev/null, stderr into an unlinked temporary file
 * (kept for cli_sync). Without a temporary file stderr stays as it is. */
static void quiet_rank(void)
{
    fflush(stdout);
    fflush(stderr);
    int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
        dup2(null_fd, 1);
        close(null_fd);
    }
    int saved = dup(2);
    capture = saved >= 0 ? tmpfile() : NULL;
    if (capture && dup2(fileno(capture), 2) >= 0) {
        err_fd = saved;
        hpml_set_log_hook(log_quiet_rank, NULL, HPML_LOG_WARN);
        return;
    }
    if (capture)
        fclose(capture);
    capture = NULL;
    if (saved >= 0)
        close(saved);
}

/* What this rank printed, onto the real stderr, each line "[rank r/N] ". */
static void show_capture(void)
{
    if (!capture)
        return;
    fflush(stderr);
    char buf[4096], prefix[48];
    int np = snprintf(prefix, sizeof prefix, "[rank %d/%d] ", rank, size);
    int at_line_start = 1;
    off_t off = 0;
    for (ssize_t k; (k = pread(fileno(capture), buf, sizeof buf, off)) > 0; off += k) {
        for (ssize_t i = 0; i < k;) {
            if (at_line_start && write(err_fd, prefix, (size_t)np) < 0)
                return;
            ssize_t j = i;
            while (j < k && buf[j] != '\n')
                j++;
            at_line_start = j < k;
            j += at_line_start; /* with its newline */
            if (write(err_fd, buf + i, (size_t)(j - i)) < 0)
                return;
            i = j;
        }
    }
    if (!at_line_start && write(err_fd, "\n", 1) < 0)
        return;
}

int cli_world_start(int argc, char **argv, int verbose_flag, const char *command)
{
    t_start = cli_now_seconds();
    verbose = verbose_flag;
    command_name = command ? command : "";
    hpml_status s = hpml_dist_init(&world);
    if (s != HPML_OK) {
        if (launched_first()) /* the processes may not know of each other */
            fprintf(stderr, "hpml: %s\n", hpml_last_error());
        return hpml_status_exit_code(s);
    }
    rank = hpml_dist_rank(world);
    size = hpml_dist_size(world);
    if (size == 1)
        return 0;
    if (rank != 0)
        quiet_rank();
    /* the same program with the same command line everywhere: the version,
     * then the arguments, each ending in NUL */
    size_t n = strlen(hpml_version()) + 1;
    for (int i = 1; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *text = malloc(n), *p = text;
    if (!text)
        return cli_fail(HPML_ERR_NOMEM); /* before any collective: cli_world_end meets */
    p += strlen(strcpy(p, hpml_version())) + 1;
    for (int i = 1; i < argc; i++)
        p += strlen(strcpy(p, argv[i])) + 1;
    s = hpml_dist_agree(world, "the hpml version or the command line", text, n);
    free(text);
    if (s != HPML_OK)
        return cli_fail(s);
    return 0;
}

/* An exit code as the status that maps back to it. */
static hpml_status status_of_code(int rc)
{
    return rc == 0 ? HPML_OK : rc == 1 ? HPML_ERR_ARG : rc == 2 ? HPML_ERR_DATA
                                                                : HPML_ERR_INTERNAL;
}

int cli_sync(int rc)
{
    if (size < 2 || agreed_failure)
        return rc;
    int who = -1;
    hpml_status s = hpml_dist_check(world, status_of_code(rc), &who);
    if (s == HPML_OK)
        return 0;
    if (!hpml_dist_usable(world)) {
        /* this rank failed and the others did not come within seconds
         * (still working, or stuck): show why, and end them all */
        show_capture();
        cli_vlog("the other processes did not meet this failure within seconds: ending all "
                 "of them with exit code %d", rc);
        hpml_dist_abort(world, rc);
        return rc;
    }
    agreed_failure = 1;
    if (who == rank && rank != 0) /* rank 0 has printed its own already */
        show_capture();
    return hpml_status_exit_code(s);
}

int cli_world_end(int rc)
{
    rc = cli_sync(rc);
    hpml_dist_stats st;
    hpml_dist_get_stats(world, &st);
    cli_vlog("communication: %llu calls, %.3f MiB, %.3f s", (unsigned long long)st.calls,
             (double)st.bytes / (1 << 20), st.seconds);
    cli_vlog("hpml %s: %.3f s, peak %.1f MiB resident, exit code %d", command_name,
             cli_now_seconds() - t_start, cli_peak_rss_mib(), rc);
    hpml_dist_free(world);
    world = NULL;
    return rc;
}
