/* numfmt.h — fast fixed-point formatting of numbers for CSV output (internal).
 *
 * numfmt_fixed(out, x, dec) writes x rounded to `dec` decimals (round half
 * away from zero of x * 10^dec, computed in double), with trailing zeros and
 * a bare point dropped and no "-0": 7.25 -> "7.25", 3.0 -> "3", -0.0004 -> "0"
 * (dec 3). The digits are those of "%.*f" except that a value within a
 * rounding error of a tie may round the other way (x * 10^dec is rounded in
 * double, not in exact binary); strtod reads the text back to within
 * 10^-dec / 2 (+ rounding) of x. Several times faster than snprintf, which
 * matters when writing billions of fields. Inline: it is called per field.
 */
#ifndef HPML_IO_NUMFMT_H
#define HPML_IO_NUMFMT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Largest magnitude numfmt_fixed accepts (larger values are clamped to it),
 * and the most bytes it writes: sign, 13 integer digits, point, 6 decimals. */
#define NUMFMT_MAX_ABS 1e12
#define NUMFMT_MAX_LEN 21

/* dec in [0, 6]; x finite (NaN is written as "NA"). Returns bytes written;
 * no terminating NUL. */
static inline size_t numfmt_fixed(char *out, double x, int dec)
{
    static const uint64_t p10[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    if (x != x) {
        out[0] = 'N';
        out[1] = 'A';
        return 2;
    }
    double a = fabs(x);
    if (a > NUMFMT_MAX_ABS)
        a = NUMFMT_MAX_ABS;
    uint64_t v = (uint64_t)round(a * (double)p10[dec]);
    if (v == 0) {
        out[0] = '0';
        return 1;
    }
    char *o = out;
    if (x < 0)
        *o++ = '-';
    uint64_t ip = v / p10[dec], fp = v % p10[dec];
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (n)
        *o++ = tmp[--n];
    if (fp) {
        int d = dec;
        while (fp % 10 == 0) {
            fp /= 10;
            d--;
        }
        *o++ = '.';
        for (int i = d - 1; i >= 0; i--) {
            o[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        o += d;
    }
    return (size_t)(o - out);
}

#endif
