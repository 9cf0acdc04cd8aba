/* numparse.h — decimal text to double, rounded exactly as strtod rounds (internal).
 *
 * The fast path covers what CSV files hold nearly always: at most 19
 * significant digits and a power of ten within 1e±22, with a mantissa that
 * fits in 53 bits. Then w * 10^e (or w / 10^-e) is one correctly rounded IEEE
 * operation on two exact doubles (Clinger 1990), hence equal to strtod's
 * result. Everything else goes to strtod_l in the "C" locale.
 */
#ifndef HPML_DATA_NUMPARSE_H
#define HPML_DATA_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

extern const double hpml_pow10_exact[23];

/* Parses the longest plain number at p (before end): [+-]digits[.digits][e[+-]digits]
 * with the given decimal mark. Returns the position after it and sets *out,
 * or returns NULL when there is no number at p or it needs the slow path (the
 * caller then parses the whole field with hpml_parse_number). */
static inline const char *hpml_parse_number_fast(const char *p, const char *end, char decimal,
                                                 double *out)
{
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    uint64_t w = 0;
    int ndig = 0, exp10 = 0, any = 0;
    while (p < end && (unsigned)(*p - '0') < 10) {
        if (ndig < 19) {
            w = w * 10 + (uint64_t)(*p - '0');
            ndig += w != 0;
        } else {
            return NULL;
        }
        any = 1;
        p++;
    }
    if (p < end && *p == decimal) {
        p++;
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (ndig >= 19)
                return NULL;
            w = w * 10 + (uint64_t)(*p - '0');
            ndig += w != 0;
            exp10--;
            any = 1;
            p++;
        }
    }
    if (!any)
        return NULL;
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        int eneg = 0, e = 0, edig = 0;
        if (q < end && (*q == '-' || *q == '+')) {
            eneg = *q == '-';
            q++;
        }
        while (q < end && (unsigned)(*q - '0') < 10) {
            if (e < 10000)
                e = e * 10 + (*q - '0');
            edig++;
            q++;
        }
        if (!edig)
            return NULL;
        exp10 += eneg ? -e : e;
        p = q;
    }
    double v;
    if (w == 0)
        v = 0.0;
    else if (w <= ((uint64_t)1 << 53) && exp10 >= -22 && exp10 <= 22)
        v = exp10 >= 0 ? (double)w * hpml_pow10_exact[exp10] : (double)w / hpml_pow10_exact[-exp10];
    else
        return NULL;
    *out = neg ? -v : v;
    return p;
}

/* Parses all of s[0..n) as one number (spaces around it allowed; also
 * inf/infinity with a sign). Returns 1 and sets *out on success, else 0. */
int hpml_parse_number(const char *s, size_t n, char decimal, double *out);

#endif
