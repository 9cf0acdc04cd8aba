/* error.c — thread-local message of the last failure. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

/* Long enough for a path, a location and a sentence with a quoted field. */
#define HPML_ERRMSG_CAP 1024

static _Thread_local char errmsg[HPML_ERRMSG_CAP];

const char *hpml_last_error(void) { return errmsg; }

void hpml_error_clear(void) { errmsg[0] = '\0'; }

hpml_status hpml_fail(hpml_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg, sizeof errmsg, fmt, ap);
    va_end(ap);
    return s;
}

hpml_status hpml_fail_at(hpml_status s, const char *file, uint64_t line, uint64_t col,
                         const char *fmt, ...)
{
    int k;
    if (line && col)
        k = snprintf(errmsg, sizeof errmsg, "%s:%llu:%llu: ", file, (unsigned long long)line,
                     (unsigned long long)col);
    else if (line)
        k = snprintf(errmsg, sizeof errmsg, "%s:%llu: ", file, (unsigned long long)line);
    else
        k = snprintf(errmsg, sizeof errmsg, "%s: ", file);
    if (k < 0 || (size_t)k >= sizeof errmsg)
        return s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg + k, sizeof errmsg - (size_t)k, fmt, ap);
    va_end(ap);
    return s;
}

const char *hpml_status_name(hpml_status s)
{
    switch (s) {
    case HPML_OK: return "ok";
    case HPML_ERR_ARG: return "bad argument";
    case HPML_ERR_IO: return "i/o error";
    case HPML_ERR_PARSE: return "malformed input";
    case HPML_ERR_DATA: return "unusable data";
    case HPML_ERR_NOMEM: return "out of memory";
    case HPML_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

int hpml_status_exit_code(hpml_status s)
{
    switch (s) {
    case HPML_OK: return 0;
    case HPML_ERR_ARG: return 1;
    case HPML_ERR_IO:
    case HPML_ERR_PARSE:
    case HPML_ERR_DATA: return 2;
    default: return 3;
    }
}

const char *hpml_version(void) { return HPML_VERSION_STRING; }
