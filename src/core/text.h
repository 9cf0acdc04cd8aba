/* text.h — a growing text buffer, with JSON and HTML escaping (internal).
 *
 * Appends never fail individually: a failed allocation is remembered and
 * reported once (text_finish), so writers of long documents need no check
 * per call. Numbers are written with "%.17g"-exact or fixed formats chosen by
 * the caller; JSON has no NaN, so tx_json_num writes null for non-finite x.
 */
#ifndef HPML_CORE_TEXT_H
#define HPML_CORE_TEXT_H

#include <stddef.h>

#include "core/error.h"

typedef struct text {
    char *data;            /* owned (hpml_free); NUL-terminated when len > 0 */
    size_t len, cap;
    int failed;
} text;

void tx_put(text *t, const char *s, size_t n);
void tx_str(text *t, const char *s);
void tx_printf(text *t, const char *fmt, ...) HPML_PRINTF(2, 3);
/* s as a JSON string literal (quotes included, control characters escaped). */
void tx_json_str(text *t, const char *s);
/* x as a JSON number that reads back to the same double, or null. */
void tx_json_num(text *t, double x);
/* HPML_ERR_NOMEM (message set) if an append failed, else HPML_OK. */
hpml_status tx_status(const text *t);
void tx_free(text *t);

#endif
