/* params.c — the parameter-table engine shared by the learners. */
#include "core/params.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"

/* Index of the item equal to name[0..n) in a comma-separated list (an item's
 * '|'-separated alternatives count as that item), or -1. */
static int list_index(const char *list, const char *name, size_t n, int nocase)
{
    int k = 0;
    for (const char *p = list; p && *p; k++) {
        const char *e = strchr(p, ',');
        const char *end = e ? e : p + strlen(p);
        for (const char *a = p; a < end;) {
            const char *bar = memchr(a, '|', (size_t)(end - a));
            const char *ae = bar ? bar : end;
            size_t len = (size_t)(ae - a);
            if (len == n && (nocase ? strncasecmp(a, name, n) : strncmp(a, name, n)) == 0)
                return k;
            a = bar ? bar + 1 : end;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return -1;
}

const param_def *param_find(const param_def *defs, int n, const char *name)
{
    char canon[64];
    size_t len = strlen(name);
    if (len >= sizeof canon)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        canon[i] = name[i] == '-' ? '_' : name[i];
    for (int i = 0; i < n; i++)
        if (strcmp(defs[i].name, canon) == 0 || list_index(defs[i].aliases, canon, len, 1) >= 0)
            return &defs[i];
    return NULL;
}

int param_info(const param_def *defs, int n, int i, const char **name, const char **aliases,
               const char **help)
{
    if (i < 0 || i >= n)
        return 0;
    *name = defs[i].name;
    *aliases = defs[i].aliases;
    *help = defs[i].help;
    return 1;
}

static const char *range_text(const param_def *d, char *buf, size_t len)
{
    if (d->hi >= 1e30 && d->lo <= -1e30)
        snprintf(buf, len, "any number");
    else if (d->hi >= 1e30)
        snprintf(buf, len, "%s %g", d->lo_open ? ">" : ">=", d->lo);
    else
        snprintf(buf, len, "%s%g, %g%s", d->lo_open ? "(" : "[", d->lo, d->hi,
                 d->hi_open ? ")" : "]");
    return buf;
}

static int out_of_range(const param_def *d, double x)
{
    return isnan(x) || x < d->lo || x > d->hi || (d->lo_open && x == d->lo) ||
           (d->hi_open && x == d->hi);
}

/* The k-th choice's first name into buf ("?" if there is none). */
static void choice_name(const char *list, int k, char *buf, size_t len)
{
    const char *s = list;
    for (int i = 0; i < k && s; i++) {
        s = strchr(s, ',');
        if (s)
            s++;
    }
    if (!s || k < 0) {
        snprintf(buf, len, "?");
        return;
    }
    size_t n = strcspn(s, ",|");
    snprintf(buf, len, "%.*s", (int)n, s);
}

/* "a, b or c": the choices' first names. */
static void choices_text(const char *list, char *buf, size_t len)
{
    int count = 1;
    for (const char *s = list; *s; s++)
        count += *s == ',';
    size_t at = 0;
    buf[0] = '\0';
    for (int k = 0; k < count && at < len; k++) {
        char one[64];
        choice_name(list, k, one, sizeof one);
        at += (size_t)snprintf(buf + at, len - at, "%s%s",
                               k == 0 ? "" : k == count - 1 ? " or " : ", ", one);
    }
}

hpml_status param_set(const param_def *d, void *base, const char *name, const char *value)
{
    char *at = (char *)base + d->offset, text[256];
    char *end;
    errno = 0;
    switch (d->type) {
    case PARAM_ENUM: {
        int k = list_index(d->choices, value, strlen(value), 1);
        if (k < 0) {
            choices_text(d->choices, text, sizeof text);
            return hpml_fail(HPML_ERR_ARG, "parameter %s: '%s' is not one of %s", name, value,
                             text);
        }
        *(int *)(void *)at = k; /* the enums are int-sized, in list order */
        return HPML_OK;
    }
    case PARAM_U64: {
        unsigned long long x = strtoull(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-')
            return hpml_fail(HPML_ERR_ARG, "parameter %s: expected a non-negative integer, "
                             "got '%s'", name, value);
        *(uint64_t *)(void *)at = (uint64_t)x;
        return HPML_OK;
    }
    case PARAM_INT:
    case PARAM_DOUBLE:
        break;
    default:
        return hpml_fail(HPML_ERR_INTERNAL, "parameter %s: no generic parser", name);
    }
    double x = strtod(value, &end);
    if (errno || end == value || *end || isnan(x))
        return hpml_fail(HPML_ERR_ARG, "parameter %s: expected a number, got '%s'", name, value);
    if (d->type == PARAM_INT && x != floor(x))
        return hpml_fail(HPML_ERR_ARG, "parameter %s: expected an integer, got '%s'", name, value);
    if (out_of_range(d, x))
        return hpml_fail(HPML_ERR_ARG, "parameter %s = %s is out of range: allowed %s%s", name,
                         value, d->type == PARAM_INT ? "integers " : "",
                         range_text(d, text, sizeof text));
    if (d->type == PARAM_INT)
        *(int *)(void *)at = (int)x;
    else
        *(double *)(void *)at = x;
    return HPML_OK;
}

void param_text(const param_def *d, const void *base, char *buf, size_t len)
{
    const char *at = (const char *)base + d->offset;
    switch (d->type) {
    case PARAM_ENUM:
        choice_name(d->choices, *(const int *)(const void *)at, buf, len);
        break;
    case PARAM_U64:
        snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)(const void *)at);
        break;
    case PARAM_INT:
        snprintf(buf, len, "%d", *(const int *)(const void *)at);
        break;
    case PARAM_DOUBLE: {
        double x = *(const double *)(const void *)at;
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, len, "%.*g", prec, x);
            if (strtod(buf, NULL) == x)
                break;
        }
        break;
    }
    default:
        snprintf(buf, len, "?");
    }
}

hpml_status param_check(const param_def *defs, int n, const void *base,
                        int (*skip)(const param_def *d, const void *base))
{
    char range[64];
    for (int i = 0; i < n; i++) {
        const param_def *d = &defs[i];
        const char *at = (const char *)base + d->offset;
        if (skip && skip(d, base))
            continue;
        if (d->type == PARAM_ENUM) {
            int k = *(const int *)(const void *)at, count = 1;
            for (const char *s = d->choices; *s; s++)
                count += *s == ',';
            if (k < 0 || k >= count)
                return hpml_fail(HPML_ERR_ARG, "parameter %s: unknown value %d", d->name, k);
            continue;
        }
        if (d->type != PARAM_INT && d->type != PARAM_DOUBLE)
            continue;
        double x = d->type == PARAM_INT ? *(const int *)(const void *)at
                                        : *(const double *)(const void *)at;
        if (out_of_range(d, x))
            return hpml_fail(HPML_ERR_ARG, "parameter %s = %g is out of range: allowed %s%s",
                             d->name, x, d->type == PARAM_INT ? "integers " : "",
                             range_text(d, range, sizeof range));
    }
    return HPML_OK;
}
