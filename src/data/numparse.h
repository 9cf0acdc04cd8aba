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

/* Number of leading ASCII digits (0..8) in the 8 bytes v, little-endian,
 * and in *t the bytes xor '0'. A byte is a digit when b ^ '0' <= 9; adding
 * 0x76 sets the top bit of every byte above 9. A carry out of a non-digit byte
 * can only corrupt bytes after the first non-digit, which are not looked at. */
static inline int hpml_swar_digits(uint64_t v, uint64_t *t)
{
    uint64_t t0 = v ^ 0x3030303030303030ULL;
    uint64_t bad = (t0 | (t0 + 0x7676767676767676ULL)) & 0x8080808080808080ULL;
    *t = t0;
    return bad ? __builtin_ctzll(bad) >> 3 : 8;
}

/* Value of the first n (1..8) digit bytes of t (from hpml_swar_digits):
 * shifted so they become the low digits of an 8-digit number, then combined
 * pairwise in three multiply steps (the method of simdjson and fast_float). */
static inline uint64_t hpml_swar_value(uint64_t t, int n)
{
    t <<= 8 * (8 - n);
    t = t * 10 + (t >> 8);
    t = (((t & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
         (((t >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
        32;
    return t & 0xFFFFFFFFULL;
}

static const uint64_t hpml_pow10_u64[9] = {1, 10, 100, 1000, 10000, 100000, 1000000,
                                           10000000, 100000000};

/* Parses the longest plain number at p (before end): [+-]digits[.digits][e[+-]digits]
 * with the given decimal mark. Returns the position after it and sets *out,
 * or returns NULL when there is no number at p or it needs the slow path (the
 * caller then parses the whole field with hpml_parse_number).
 * Common fields (at most 7 integer and 7 fraction digits, 16 readable bytes)
 * are read 8 bytes at a time: the digit-by-digit chain w = 10 w + d costs a
 * multiply latency per digit. */
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
    if (end - p >= 16) {
        uint64_t v, t;
        __builtin_memcpy(&v, p, 8);
        int ni = hpml_swar_digits(v, &t);
        if (ni < 8) {
            /* one integer digit is the usual case ("-0.52", "3.14") */
            uint64_t ip = ni == 1 ? (t & 0xFF) : ni ? hpml_swar_value(t, ni) : 0;
            const char *q = p + ni;
            if (*q != decimal) {
                if (!ni)
                    return NULL;
                w = ip;
                p = q;
                goto exponent;
            }
            q++;
            __builtin_memcpy(&v, q, 8);
            int nf = hpml_swar_digits(v, &t);
            if (nf < 8 && ni + nf > 0) {
                w = ip * hpml_pow10_u64[nf] + (nf ? hpml_swar_value(t, nf) : 0);
                exp10 = -nf;
                p = q + nf;
                goto exponent;
            }
        }
    }
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
exponent:
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
    {
        double x = (double)(int64_t)w; /* w <= 2^53: the signed conversion is exact and cheaper */
        v = exp10 >= 0 ? x * hpml_pow10_exact[exp10] : x / hpml_pow10_exact[-exp10];
    }
    else
        return NULL;
    *out = neg ? -v : v;
    return p;
}

/* Whether s[0..n) (a number by hpml_parse_number) spells an infinity
 * ("inf", "-Infinity", ...) rather than overflowing to one. */
int hpml_is_inf_literal(const char *s, size_t n);

/* Parses all of s[0..n) as one number (spaces around it allowed; also
 * inf/infinity with a sign). Returns 1 and sets *out on success, else 0. */
int hpml_parse_number(const char *s, size_t n, char decimal, double *out);

#endif
