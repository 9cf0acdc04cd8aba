/* error.h — setting the thread's error message (internal). */
#ifndef HPML_CORE_ERROR_H
#define HPML_CORE_ERROR_H

#include "hpml.h"

#if defined(__GNUC__)
#define HPML_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HPML_PRINTF(a, b)
#endif

/* Sets this thread's message (printf format) and returns `s`, so a failure
 * reads:  return hpml_fail(HPML_ERR_ARG, "threads must be >= 0, got %d", n); */
hpml_status hpml_fail(hpml_status s, const char *fmt, ...) HPML_PRINTF(2, 3);

/* Same, with a "file:line:column: " prefix (line/column 0 are left out). */
hpml_status hpml_fail_at(hpml_status s, const char *file, uint64_t line, uint64_t col,
                         const char *fmt, ...) HPML_PRINTF(5, 6);

/* Clears this thread's message. */
void hpml_error_clear(void);

#endif
