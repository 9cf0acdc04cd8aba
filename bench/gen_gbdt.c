/*
 * gen_gbdt — seeded generator for the GBDT benchmark (bench/gbdt.sh).
 *
 *   gen_gbdt binary     ROWS SEED STREAM [--with-signal] > file.csv
 *   gen_gbdt regression ROWS SEED STREAM [--with-signal] > file.csv
 *
 * binary: 28 features + target `label` (0/1, first column, as in HIGGS).
 *   HIGGS-like: 21 "low-level" columns — a lepton, missing energy and four
 *   jets as (pT, eta, phi) with b-tags taking the three values HIGGS uses
 *   (0, 1.087, 2.173) — and 7 "high-level" invariant masses computed from
 *   them. The label is drawn from a logistic model whose log-odds mix mass
 *   resonances, b-tag conditions, angular interactions (phi differences, which
 *   a tree must learn from two columns jointly) and smooth pT terms. The
 *   noise is in the Bernoulli draw: no model exceeds the Bayes AUC (~0.814).
 *
 * regression: 50 features + target `y` (last column).
 *   f0–f9 uniform(0,1), f10–f19 N(0,1), f20–f29 log-normal, f30–f34 small
 *   counts (0..10), f35–f39 correlated copies of f10–f14, f40–f49 pure noise.
 *   y = Friedman #1 on f0–f4 + interactions, thresholds and monotone terms on
 *   the other informative columns + N(0, 2.37^2) noise, so the best possible
 *   RMSE is 2.37.
 *
 * The function that links features and target is fixed (it does not depend on
 * SEED or STREAM); SEED and STREAM only choose the random draws, so a train
 * file (STREAM 1) and a test file (STREAM 2) come from the same distribution
 * without sharing rows. --with-signal appends a column `signal` (the
 * noiseless log-odds / mean) — for calibration only, never for the benchmark.
 *
 * Values are printed with 6 significant digits in plain fixed notation (the
 * b-tags with 3 decimals, counts as integers). Standalone on purpose (no hpml
 * headers): the benchmark must not depend on the code it measures.
 * Deterministic for a given (kind, ROWS, SEED, STREAM) with a given libm.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_rng.h"

#define OUTBUF (8u << 20) /* flush threshold: 8 MiB */
#define MAXFIELD 32       /* max bytes one formatted field takes */
#define PI 3.14159265358979323846

/* Signal strength of the binary set and noise of the regression set, chosen
   so that XGBoost (hist, 500 trees, depth 8) on 1M training rows reaches
   test AUC ~0.807 and RMSE ~2.47 (see bench/README.md). Overridable with -D
   for calibration only. */
#ifndef BIN_SCALE
#define BIN_SCALE 1.72
#endif
#ifndef BIN_SHIFT
#define BIN_SHIFT 0.6
#endif
#ifndef REG_NOISE
#define REG_NOISE 2.37
#endif

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static const double pow10_tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14};

/* x with 6 significant digits in fixed notation (|x| < 1e-9 prints "0");
   returns the bytes written. Same format as bench/gen_csv.c. */
static size_t fmt6(char *p, double x)
{
    char *s = p;
    if (x < 0) {
        *p++ = '-';
        x = -x;
    }
    if (x < 1e-9) {
        s[0] = '0';
        return 1;
    }
    int e = 0; /* 10^e <= x < 10^(e+1) */
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

/* ---- binary: HIGGS-like ------------------------------------------------- */

#define BIN_COLS 28

static const char *bin_names[BIN_COLS] = {
    "lepton_pT", "lepton_eta", "lepton_phi", "missing_energy_magnitude", "missing_energy_phi",
    "jet1_pt", "jet1_eta", "jet1_phi", "jet1_btag",
    "jet2_pt", "jet2_eta", "jet2_phi", "jet2_btag",
    "jet3_pt", "jet3_eta", "jet3_phi", "jet3_btag",
    "jet4_pt", "jet4_eta", "jet4_phi", "jet4_btag",
    "m_jj", "m_jjj", "m_lv", "m_jlv", "m_bb", "m_wbb", "m_wwbb"};

/* four-momentum of a massless object from (pT, eta, phi) */
typedef struct { double e, px, py, pz; } p4;

static p4 p4_make(double pt, double eta, double phi)
{
    p4 v = {pt * cosh(eta), pt * cos(phi), pt * sin(phi), pt * sinh(eta)};
    return v;
}

static p4 p4_add(p4 a, p4 b)
{
    p4 v = {a.e + b.e, a.px + b.px, a.py + b.py, a.pz + b.pz};
    return v;
}

static double p4_mass(p4 v)
{
    double m2 = v.e * v.e - v.px * v.px - v.py * v.py - v.pz * v.pz;
    return m2 > 0 ? sqrt(m2) : 0.0;
}

/* Gaussian bump, 1 at the centre */
static double bump(double x, double c, double w)
{
    double z = (x - c) / w;
    return exp(-0.5 * z * z);
}

static double btag_draw(void)
{
    double u = rng_unit();
    return u < 0.55 ? 0.0 : u < 0.75 ? 1.087 : 2.173;
}

/* One row: x[0..27] features; returns the log-odds of label 1. */
static double binary_row(double *x)
{
    double lpt = 0.85 * exp(0.45 * rng_gauss());
    double leta = clampd(rng_gauss(), -2.5, 2.5);
    double lphi = PI * (2.0 * rng_unit() - 1.0);
    double met = 0.9 * exp(0.55 * rng_gauss());
    double mphi = PI * (2.0 * rng_unit() - 1.0);
    double jpt[4], jeta[4], jphi[4], jb[4];
    static const double jscale[4] = {1.1, 0.95, 0.85, 0.75};
    for (int k = 0; k < 4; k++) {
        jpt[k] = jscale[k] * exp(0.5 * rng_gauss());
        jeta[k] = clampd(1.1 * rng_gauss(), -2.5, 2.5);
        jphi[k] = PI * (2.0 * rng_unit() - 1.0);
        jb[k] = btag_draw();
    }
    p4 lep = p4_make(lpt, leta, lphi), nu = p4_make(met, 0.0, mphi), j[4];
    for (int k = 0; k < 4; k++) j[k] = p4_make(jpt[k], jeta[k], jphi[k]);
    p4 jj = p4_add(j[0], j[1]), lv = p4_add(lep, nu), bb = p4_add(j[2], j[3]);
    /* masses divided by rough scales so they sit near 1, as in HIGGS */
    double m_jj = p4_mass(jj) / 2.0;
    double m_jjj = p4_mass(p4_add(jj, j[2])) / 3.0;
    double m_lv = p4_mass(lv) / 1.5;
    double m_jlv = p4_mass(p4_add(lv, j[0])) / 3.0;
    double m_bb = p4_mass(bb) / 1.8;
    double m_wbb = p4_mass(p4_add(jj, bb)) / 5.0;
    double m_wwbb = p4_mass(p4_add(p4_add(jj, bb), lv)) / 6.5;

    x[0] = lpt; x[1] = leta; x[2] = lphi; x[3] = met; x[4] = mphi;
    for (int k = 0; k < 4; k++) {
        x[5 + 4 * k] = jpt[k];
        x[6 + 4 * k] = jeta[k];
        x[7 + 4 * k] = jphi[k];
        x[8 + 4 * k] = jb[k];
    }
    x[21] = m_jj; x[22] = m_jjj; x[23] = m_lv; x[24] = m_jlv;
    x[25] = m_bb; x[26] = m_wbb; x[27] = m_wwbb;

    /* log-odds: resonances in the masses, b-tags, angles, pT balance */
    double f = 1.2 * bump(m_bb, 1.0, 0.25) + 0.9 * bump(m_jj, 0.8, 0.3)
             + 0.8 * tanh(2.0 * (m_wwbb - 1.0)) - 0.5 * bump(m_lv, 0.5, 0.2)
             + 0.6 * (jb[2] > 0 && jb[3] > 0) - 0.4 * (jb[0] > 2)
             + 0.5 * cos(lphi - mphi) * tanh(met)
             + 0.4 * cos(jphi[2] - jphi[3]) * (jb[2] > 0)
             + 0.5 * tanh(lpt - met) * (fabs(leta) < 1.2)
             - 0.35 * fabs(jeta[0] - jeta[1]) + 0.3 * log(jpt[0] / jpt[1])
             + 0.3 * (m_jlv > 0.9 && m_jjj < 1.1);
    return BIN_SCALE * (f - BIN_SHIFT);
}

/* ---- regression --------------------------------------------------------- */

#define REG_COLS 50

/* One row: x[0..49] features; returns the noiseless mean of y. */
static double regression_row(double *x)
{
    for (int k = 0; k < 10; k++) x[k] = rng_unit();
    for (int k = 10; k < 20; k++) x[k] = rng_gauss();
    for (int k = 20; k < 30; k++) x[k] = exp(0.6 * rng_gauss());
    for (int k = 30; k < 35; k++) {
        /* counts 0..10: binomial(10, p_k) by ten Bernoulli draws */
        double p = 0.15 + 0.1 * (k - 30), c = 0;
        for (int t = 0; t < 10; t++) c += rng_unit() < p;
        x[k] = c;
    }
    for (int k = 35; k < 40; k++) x[k] = 0.8 * x[k - 25] + 0.6 * rng_gauss();
    for (int k = 40; k < 50; k++) x[k] = (k & 1) ? rng_gauss() : rng_unit();

    /* Friedman #1 (sd ~4.8) */
    double f = 10.0 * sin(PI * x[0] * x[1]) + 20.0 * (x[2] - 0.5) * (x[2] - 0.5)
             + 10.0 * x[3] + 5.0 * x[4];
    /* more structure a tree ensemble has to find */
    f += 3.0 * tanh(x[10] * x[11]) + 2.0 * fabs(x[12]) + 1.5 * x[13] * (x[30] > 3)
       + 2.0 * log(x[20]) + 1.5 * sqrt(x[21]) * (x[5] > 0.5)
       + 2.5 * (x[14] > 0.5 && x[22] < 1.0) - 1.0 * x[31]
       + 2.0 * sin(3.0 * x[6]) * x[15] + 1.0 * x[32] * x[7]
       + 1.5 * bump(x[23], 1.0, 0.3) + 0.8 * x[16] * x[17];
    return f;
}

int main(int argc, char **argv)
{
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "--with-signal") == 0)) goto usage;
    int binary = strcmp(argv[1], "binary") == 0;
    if (!binary && strcmp(argv[1], "regression") != 0) goto usage;
    char *end;
    long long rows = strtoll(argv[2], &end, 10);
    if (*end || rows < 0) goto usage;
    unsigned long long seed = strtoull(argv[3], &end, 10);
    if (*end) goto usage;
    unsigned long long stream = strtoull(argv[4], &end, 10);
    if (*end) goto usage;
    int with_signal = argc == 6;
    /* streams start at unrelated points of the splitmix64 sequence: hash
       (seed, stream) through the generator itself */
    rng_state = seed;
    rng_state = rng_next() ^ (stream * 0xD1B54A32D192ED03ull);
    (void)rng_next();

    int cols = binary ? BIN_COLS : REG_COLS;
    double x[REG_COLS > BIN_COLS ? REG_COLS : BIN_COLS];
    char *buf = malloc(OUTBUF + (size_t)(cols + 2) * MAXFIELD + 64);
    if (!buf) {
        fprintf(stderr, "gen_gbdt: out of memory\n");
        return 1;
    }
    size_t len = 0;
    unsigned long long total = 0;
    if (binary) {
        len += (size_t)sprintf(buf + len, "label");
        for (int j = 0; j < cols; j++) len += (size_t)sprintf(buf + len, ",%s", bin_names[j]);
    } else {
        for (int j = 0; j < cols; j++) len += (size_t)sprintf(buf + len, "f%d,", j);
        len += (size_t)sprintf(buf + len, "y");
    }
    len += (size_t)sprintf(buf + len, with_signal ? ",signal\n" : "\n");

    long long pos = 0;
    for (long long i = 0; i < rows; i++) {
        double s;
        if (binary) {
            s = binary_row(x);
            int label = rng_unit() <= 1.0 / (1.0 + exp(-s));
            buf[len++] = (char)('0' + label);
            pos += label;
            for (int j = 0; j < cols; j++) {
                buf[len++] = ',';
                if (j % 4 == 0 && j >= 8 && j <= 20) /* b-tags: 0, 1.087, 2.173 */
                    len += (size_t)sprintf(buf + len, "%.3f", x[j]);
                else
                    len += fmt6(buf + len, x[j]);
            }
        } else {
            s = regression_row(x);
            double y = s + REG_NOISE * rng_gauss();
            for (int j = 0; j < cols; j++) {
                if (j >= 30 && j < 35) /* counts 0..10, as integers */
                    len += (size_t)sprintf(buf + len, "%d", (int)x[j]);
                else
                    len += fmt6(buf + len, x[j]);
                buf[len++] = ',';
            }
            len += fmt6(buf + len, y);
        }
        if (with_signal) {
            buf[len++] = ',';
            len += fmt6(buf + len, s);
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
    fprintf(stderr, "gen_gbdt: %s, %lld rows x %d features (+ target), seed %llu stream %llu: %llu bytes",
            argv[1], rows, cols, seed, stream, total);
    if (binary && rows) fprintf(stderr, ", %.1f%% positive", 100.0 * (double)pos / (double)rows);
    fprintf(stderr, "\n");
    free(buf);
    return 0;
usage:
    fprintf(stderr, "usage: gen_gbdt binary|regression ROWS SEED STREAM [--with-signal] > file.csv\n");
    return 1;
wfail:
    perror("gen_gbdt: write");
    free(buf);
    return 1;
}
