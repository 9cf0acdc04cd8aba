/*
 * gen_nn — seeded generator for the neural-net benchmark (bench/nn.sh).
 *
 *   gen_nn ROWS COLS SEED STREAM [--with-signal] > file.csv
 *
 * COLS Gaussian features x0..x{COLS-1} + target `y` (last column).
 *
 * Features: every column is N(0, 1). The first 30% of the columns are
 *   correlated through NLAT latent factors f_0..f_7 (each N(0, 1)): column j
 *   loads on factor j % NLAT with a loading a_j in [0.5, 0.9],
 *   x_j = a_j f + sqrt(1 - a_j^2) e_j; the other 70% are independent.
 *
 * Target: NPROJ sparse random projections q_k of the features (each over
 *   NSUPP columns with Gaussian weights, scaled to unit variance under the
 *   true covariance), then
 *     s = q0 + 1.2 tanh(1.5 q1) + 0.8 q2 q3 + 0.6 |q4| + 0.5 sin(2 q5)
 *         + 0.7 max(q6, 0) + 0.6 tanh(f0 f1)
 *     y = 3 + 2 s + N(0, NOISE^2)
 *   — a linear part, saturating, product, kink and periodic terms, and an
 *   interaction of two latent factors that only the correlated block reveals.
 *   sd(2 s) ~ 3.5 and NOISE = 1.6 (see bench/README.md for what an MLP
 *   reaches): an MLP learns most of it in a few epochs but not all.
 *
 * The function linking features and target (loadings, projections) depends
 * only on COLS, not on SEED or STREAM; SEED and STREAM choose the random
 * draws, so a train file (STREAM 0) and a test file (STREAM 1) come from one
 * distribution without sharing rows. --with-signal appends a column `signal`
 * (the noiseless mean of y) — for calibration only, never for the benchmark.
 *
 * Values are printed in fixed notation with 4 decimals (~7.5 bytes a field
 * with its separator). Standalone on purpose (no hpml headers): the benchmark
 * must not depend on the code it measures. Deterministic for a given
 * (ROWS, COLS, SEED, STREAM) with a given libm.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_rng.h"

#define OUTBUF (8u << 20) /* flush threshold: 8 MiB */
#define MAXFIELD 24       /* max bytes one formatted field takes */
#define NLAT 8            /* latent factors */
#define NPROJ 7           /* projections in the target */
#define NSUPP 50          /* columns per projection (fewer if COLS is small) */
#define FUNC_SEED 0x6E6E2024ull /* fixes the function, independent of SEED */

#ifndef NOISE
#define NOISE 1.6
#endif

/* x in fixed notation with 4 decimals ("-0" printed as "0"); returns the
   bytes written. |x| must be < 9e14. */
static size_t fmt4(char *p, double x)
{
    char *s = p;
    long long m = llround(x * 1e4);
    if (m < 0) {
        *p++ = '-';
        m = -m;
    }
    unsigned long long ip = (unsigned long long)m / 10000u, fp = (unsigned long long)m % 10000u;
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (n) *p++ = tmp[--n];
    *p++ = '.';
    p[3] = (char)('0' + fp % 10); fp /= 10;
    p[2] = (char)('0' + fp % 10); fp /= 10;
    p[1] = (char)('0' + fp % 10); fp /= 10;
    p[0] = (char)('0' + fp);
    p += 4;
    return (size_t)(p - s);
}

/* the function: fixed for a given COLS */
static int ncorr;           /* columns 0..ncorr-1 load on a factor */
static double *load;        /* loading of column j (0 for independent ones) */
static int nsupp;           /* columns per projection */
static int supp[NPROJ][NSUPP];
static double wgt[NPROJ][NSUPP];

static int setup(int cols)
{
    rng_state = FUNC_SEED;
    ncorr = (int)(0.3 * cols);
    load = calloc((size_t)cols, sizeof *load);
    if (!load) return -1;
    for (int j = 0; j < ncorr; j++) load[j] = 0.5 + 0.4 * rng_unit();
    nsupp = cols < NSUPP ? cols : NSUPP;
    for (int k = 0; k < NPROJ; k++) {
        /* nsupp distinct columns (rejection; nsupp << cols in practice) */
        for (int t = 0; t < nsupp; t++) {
            int c, dup;
            do {
                c = (int)(rng_next() % (uint64_t)cols);
                dup = 0;
                for (int u = 0; u < t; u++) dup |= supp[k][u] == c;
            } while (dup);
            supp[k][t] = c;
            wgt[k][t] = rng_gauss();
        }
        /* exact variance of w.x: idiosyncratic parts + each factor's part */
        double var = 0, fac[NLAT] = {0};
        for (int t = 0; t < nsupp; t++) {
            int c = supp[k][t];
            double a = load[c];
            var += wgt[k][t] * wgt[k][t] * (1.0 - a * a);
            if (c < ncorr) fac[c % NLAT] += wgt[k][t] * a;
        }
        for (int f = 0; f < NLAT; f++) var += fac[f] * fac[f];
        double sc = 1.0 / sqrt(var);
        for (int t = 0; t < nsupp; t++) wgt[k][t] *= sc;
    }
    return 0;
}

/* One row: x[0..cols-1] features; returns the noiseless mean of y. */
static double row(double *x, int cols)
{
    double f[NLAT];
    for (int k = 0; k < NLAT; k++) f[k] = rng_gauss();
    for (int j = 0; j < cols; j++) {
        double e = rng_gauss();
        x[j] = j < ncorr ? load[j] * f[j % NLAT] + sqrt(1.0 - load[j] * load[j]) * e : e;
    }
    double q[NPROJ];
    for (int k = 0; k < NPROJ; k++) {
        double acc = 0;
        for (int t = 0; t < nsupp; t++) acc += wgt[k][t] * x[supp[k][t]];
        q[k] = acc;
    }
    double s = q[0] + 1.2 * tanh(1.5 * q[1]) + 0.8 * q[2] * q[3] + 0.6 * fabs(q[4])
             + 0.5 * sin(2.0 * q[5]) + 0.7 * (q[6] > 0 ? q[6] : 0.0) + 0.6 * tanh(f[0] * f[1]);
    return 3.0 + 2.0 * s;
}

int main(int argc, char **argv)
{
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "--with-signal") == 0)) goto usage;
    char *end;
    long long rows = strtoll(argv[1], &end, 10);
    if (*end || rows < 0) goto usage;
    long cols = strtol(argv[2], &end, 10);
    if (*end || cols < 2 || cols > 1000000) goto usage;
    unsigned long long seed = strtoull(argv[3], &end, 10);
    if (*end) goto usage;
    unsigned long long stream = strtoull(argv[4], &end, 10);
    if (*end) goto usage;
    int with_signal = argc == 6;

    double *x = malloc((size_t)cols * sizeof *x);
    char *buf = malloc(OUTBUF + (size_t)(cols + 2) * MAXFIELD + 64);
    if (!x || !buf || setup((int)cols) != 0) {
        fprintf(stderr, "gen_nn: out of memory\n");
        return 1;
    }
    /* the draws: streams start at unrelated points of the splitmix64
       sequence (hash (seed, stream) through the generator itself) */
    rng_state = seed;
    rng_state = rng_next() ^ ((stream + 1) * 0xD1B54A32D192ED03ull);
    (void)rng_next();
    rng_gauss_have = 0;

    size_t len = 0;
    unsigned long long total = 0;
    for (long j = 0; j < cols; j++) len += (size_t)sprintf(buf + len, "x%ld,", j);
    len += (size_t)sprintf(buf + len, with_signal ? "y,signal\n" : "y\n");

    double sum = 0, sum2 = 0;
    for (long long i = 0; i < rows; i++) {
        double s = row(x, (int)cols);
        double y = s + NOISE * rng_gauss();
        sum += y;
        sum2 += y * y;
        for (long j = 0; j < cols; j++) {
            len += fmt4(buf + len, x[j]);
            buf[len++] = ',';
        }
        len += fmt4(buf + len, y);
        if (with_signal) {
            buf[len++] = ',';
            len += fmt4(buf + len, s);
        }
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
    double mean = rows ? sum / (double)rows : 0.0;
    double sd = rows > 1 ? sqrt((sum2 - sum * mean) / (double)(rows - 1)) : 0.0;
    fprintf(stderr, "gen_nn: %lld rows x %ld features (+ y), seed %llu stream %llu: %llu bytes; "
            "y mean %.3f sd %.3f, noise sd %.2f\n",
            rows, cols, seed, stream, total, mean, sd, (double)NOISE);
    free(buf);
    free(x);
    free(load);
    return 0;
usage:
    fprintf(stderr, "usage: gen_nn ROWS COLS SEED STREAM [--with-signal] > file.csv\n");
    return 1;
wfail:
    perror("gen_nn: write");
    free(buf);
    free(x);
    free(load);
    return 1;
}
