/* log.c — the logging hook: the one process-global setting of hpml. */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static const char *level_name[] = {"error", "warning", "info", "debug"};

static void log_stderr(hpml_log_level level, const char *msg, void *user)
{
    (void)user;
    /* One fprintf per line keeps lines from different threads whole. */
    fprintf(stderr, "hpml: %s: %s\n", level_name[level], msg);
}

/* The hook and its user pointer are set together before work starts; the
 * level is atomic so a reader on another thread never sees a torn value. */
static hpml_log_fn hook = log_stderr;
static void *hook_user;
static atomic_int hook_level = HPML_LOG_WARN;

void hpml_set_log_hook(hpml_log_fn fn, void *user, hpml_log_level level)
{
    hook = fn ? fn : log_stderr;
    hook_user = fn ? user : NULL;
    atomic_store(&hook_level, (int)level);
}

int hpml_log_enabled(hpml_log_level level) { return (int)level <= atomic_load(&hook_level); }

void hpml_log(hpml_log_level level, const char *fmt, ...)
{
    if (!hpml_log_enabled(level))
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hook(level, buf, hook_user);
}
