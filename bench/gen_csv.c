/*
 * gen_csv — seeded generator for the CSV-load benchmark (bench/csv_load.sh).
 *
 *   gen_csv ROWS COLS SEED > file.csv
 *
 * Writes a header "f0,...,f{COLS-1},target" and ROWS rows of Gaussian floats.
 * Feature j is N(0, s_j^2) with a per-column scale s_j (log-spaced 0.5..4, so
 * columns differ like real measurements do); target = fixed linear combination
 * of the features + N(0, 0.1^2) noise.
 *
 * Values are printed with 6 significant digits in plain fixed notation, a sign
 * only when negative ("-1.23456", "0.0812345", "12.3456"): this is what a float
 * written by most tools looks like, and it averages ~9.1 bytes per field
 * (delimiter included), i.e. ~465 MB for 1,000,000 x 50 (+ target).
 *
 * Standalone on purpose (no hpml headers): the benchmark must not depend on
 * the code it measures. Deterministic for a given (ROWS, COLS, SEED) with a
 * given libm (log/sin/cos are not bit-identical across libms, so a value may
 * differ in its last digit elsewhere). Fast: a hand-rolled formatter and one big buffer
 * flushed with fwrite (printf per field would take minutes for 51 M fields).
 * The byte count is printed on stderr.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_rng.h"

#define OUTBUF (8u << 20) /* flush threshold: 8 MiB */
#define MAXLINE 64        /* max bytes one field can take */

static const double pow10_tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14};

/*
 * Format x with 6 significant digits in fixed notation into p; returns the
 * number of bytes written. |x| below 1e-9 prints as "0". |x| >= 1e6 is never
 * produced by this generator (it would print as an integer, still valid CSV).
 */
static size_t fmt6(char *p, double x)
{
    char *s = p;
    if (x < 0) {
        *p++ = '-';
        x = -x;
    }
    if (x < 1e-9) {
        /* undo a lone "-" for -0.0 and tiny values */
        s[0] = '0';
        return 1;
    }
    /* decimals so that 6 significant digits remain: 5 - floor(log10 x) */
    /* e: exponent of the leading digit, 10^e <= x < 10^(e+1) */
    int e = 0;
    if (x >= 1.0) {
        while (e < 14 && x >= pow10_tab[e + 1]) e++;
    } else {
        e = -1;
        while (e > -9 && x < 1.0 / pow10_tab[-e]) e--;
    }
    int d = 5 - e;
    if (d < 0) d = 0;
    if (d > 14) d = 14;
    uint64_t m = (uint64_t)llround(x * pow10_tab[d]);
    if (m >= 1000000u && d > 0) { /* rounding carried into a 7th digit */
        d--;
        m = (uint64_t)llround(x * pow10_tab[d]);
    }
    /* digits of m, least significant first, padded to at least d+1 digits */
    char tmp[32];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    while (n < d + 1) tmp[n++] = '0';
    for (int i = n - 1; i >= 0; i--) {
        *p++ = tmp[i];
        if (i == d && d > 0) *p++ = '.';
    }
    return (size_t)(p - s);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s ROWS COLS SEED > file.csv\n", argv[0]);
        return 1;
    }
    char *end;
    long long rows = strtoll(argv[1], &end, 10);
    if (*end || rows < 0) goto bad;
    long cols = strtol(argv[2], &end, 10);
    if (*end || cols < 1 || cols > 1000000) goto bad;
    unsigned long long seed = strtoull(argv[3], &end, 10);
    if (*end) goto bad;
    rng_state = seed;

    double *scale = malloc((size_t)cols * sizeof *scale);
    double *w = malloc((size_t)cols * sizeof *w);
    char *buf = malloc(OUTBUF + (size_t)(cols + 1) * MAXLINE + 64);
    if (!scale || !w || !buf) {
        fprintf(stderr, "gen_csv: out of memory\n");
        return 1;
    }
    for (long j = 0; j < cols; j++) {
        /* log-spaced 0.5 .. 4: fixed, independent of the seed */
        scale[j] = cols > 1 ? 0.5 * pow(8.0, (double)j / (double)(cols - 1)) : 1.0;
        /* fixed weights in -1..1, normalised by the scale so every feature
           contributes comparably to the target */
        w[j] = ((double)((j * 7) % 11) - 5.0) / 5.0 / scale[j];
    }

    size_t len = 0;
    unsigned long long total = 0;
    /* header */
    for (long j = 0; j < cols; j++) {
        len += (size_t)sprintf(buf + len, "f%ld,", j);
        if (len >= OUTBUF) {
            if (fwrite(buf, 1, len, stdout) != len) goto wfail;
            total += len;
            len = 0;
        }
    }
    len += (size_t)sprintf(buf + len, "target\n");

    for (long long i = 0; i < rows; i++) {
        double y = 0.0;
        for (long j = 0; j < cols; j++) {
            double x = scale[j] * rng_gauss();
            y += w[j] * x;
            len += fmt6(buf + len, x);
            buf[len++] = ',';
        }
        y += 0.1 * rng_gauss();
        len += fmt6(buf + len, y);
        buf[len++] = '\n';
        if (len >= OUTBUF) {
            if (fwrite(buf, 1, len, stdout) != len) goto wfail;
            total += len;
            len = 0;
        }
    }
    if (len && fwrite(buf, 1, len, stdout) != len) goto wfail;
    total += len;
    if (fflush(stdout) != 0) goto wfail;
    fprintf(stderr, "gen_csv: %lld rows x %ld cols (+ target): %llu bytes (%.1f MB, %.2f bytes/field)\n",
            rows, cols, total, total / 1e6,
            rows ? (double)total / ((double)rows * (double)(cols + 1)) : 0.0);
    free(buf);
    free(w);
    free(scale);
    return 0;
bad:
    fprintf(stderr, "gen_csv: bad arguments (ROWS >= 0, 1 <= COLS <= 1000000, SEED unsigned)\n");
    return 1;
wfail:
    perror("gen_csv: write");
    return 1;
}
