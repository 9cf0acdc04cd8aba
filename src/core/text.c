/* text.c — growing text buffer with JSON/HTML escaping. */
#include "core/text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static int grow(text *t, size_t extra)
{
    if (t->failed)
        return 0;
    if (t->len + extra + 1 <= t->cap)
        return 1;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            t->failed = 1;
            return 0;
        }
        cap *= 2;
    }
    char *p = hpml_realloc(t->data, cap);
    if (!p) {
        t->failed = 1;
        return 0;
    }
    t->data = p;
    t->cap = cap;
    return 1;
}

void tx_put(text *t, const char *s, size_t n)
{
    if (!grow(t, n))
        return;
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

void tx_str(text *t, const char *s) { tx_put(t, s, strlen(s)); }

void tx_printf(text *t, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        tx_put(t, small, (size_t)n);
        return;
    }
    if (!grow(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void tx_json_str(text *t, const char *s)
{
    tx_put(t, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            tx_put(t, e, 2);
        } else if (*p < 0x20) {
            tx_printf(t, "\\u%04x", *p);
        } else {
            tx_put(t, (const char *)p, 1);
        }
    }
    tx_put(t, "\"", 1);
}

void tx_json_num(text *t, double x)
{
    if (!isfinite(x)) {
        tx_str(t, "null");
        return;
    }
    if (x == floor(x) && fabs(x) < 1e15) {
        tx_printf(t, "%.0f", x);
        return;
    }
    /* the shortest of %.15g..%.17g that reads back exactly */
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    tx_str(t, buf);
}

hpml_status tx_status(const text *t)
{
    return t->failed ? hpml_fail(HPML_ERR_NOMEM, "out of memory writing text") : HPML_OK;
}

void tx_free(text *t)
{
    hpml_free(t->data);
    t->data = NULL;
    t->len = t->cap = 0;
    t->failed = 0;
}
