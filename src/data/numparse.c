/* numparse.c — the slow path of number parsing: validate, then strtod_l. */
#define _GNU_SOURCE /* strtod_l, newlocale */
#include "data/numparse.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const double hpml_pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The "C" locale for strtod_l: created once, never freed (immutable). */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

static int is_space(char c) { return c == ' ' || c == '\t'; }
static int is_digit(char c) { return (unsigned)(c - '0') < 10; }

int hpml_parse_number(const char *s, size_t n, char decimal, double *out)
{
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    while (n && is_space(s[n - 1]))
        n--;
    if (n == 0)
        return 0;
    const char *end = s + n;
    const char *q = hpml_parse_number_fast(s, end, decimal, out);
    if (q == end)
        return 1;

    /* Validate the grammar ourselves: strtod also takes hex, nan(...), and
     * locale-dependent forms that must stay text. */
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    size_t rest = (size_t)(end - p);
    if ((rest == 3 && strncasecmp(p, "inf", 3) == 0) ||
        (rest == 8 && strncasecmp(p, "infinity", 8) == 0)) {
        *out = neg ? -INFINITY : INFINITY;
        return 1;
    }
    int digits = 0;
    while (p < end && is_digit(*p)) {
        p++;
        digits++;
    }
    if (p < end && *p == decimal) {
        p++;
        while (p < end && is_digit(*p)) {
            p++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        int edig = 0;
        while (p < end && is_digit(*p)) {
            p++;
            edig++;
        }
        if (!edig)
            return 0;
    }
    if (p != end)
        return 0;

    char buf[4096];
    if (n >= sizeof buf)
        return 0; /* a number of 4096 characters is not one we can store anyway */
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (decimal != '.') {
        char *d = memchr(buf, decimal, n);
        if (d)
            *d = '.';
    }
    pthread_once(&c_locale_once, make_c_locale);
    if (!c_locale)
        return 0;
    *out = strtod_l(buf, NULL, c_locale);
    return 1;
}

int hpml_is_inf_literal(const char *s, size_t n)
{
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    while (n && is_space(s[n - 1]))
        n--;
    if (n && (*s == '+' || *s == '-')) {
        s++;
        n--;
    }
    return (n == 3 && strncasecmp(s, "inf", 3) == 0) || (n == 8 && strncasecmp(s, "infinity", 8) == 0);
}
