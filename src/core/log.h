/* log.h — logging through the caller-settable hook (internal). */
#ifndef HPML_CORE_LOG_H
#define HPML_CORE_LOG_H

#include "core/error.h"

/* Formats and passes one line to the hook if `level` is enabled. */
void hpml_log(hpml_log_level level, const char *fmt, ...) HPML_PRINTF(2, 3);
/* Whether a message at `level` would be emitted (to skip costly formatting). */
int hpml_log_enabled(hpml_log_level level);

#endif
