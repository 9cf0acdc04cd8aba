/* check.h — the unit-test harness: one header, no framework.
 *
 *   static void test_something(void) { CHECK(x == 1); CHECK_NEAR(r, 0.5, 1e-12); }
 *   int main(void) { RUN(test_something); return check_summary(); }
 *
 * Prints "PASS name" or "FAIL name" per test (tests/run.sh counts them) and the
 * failing expression with file:line on stderr.
 */
#ifndef HPML_TEST_CHECK_H
#define HPML_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpml.h"

static int check_failed_now, check_n_pass, check_n_fail;

#define CHECK(c)                                                                        \
    do {                                                                                \
        if (!(c)) {                                                                     \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);      \
            check_failed_now = 1;                                                       \
        }                                                                               \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                           \
    do {                                                                                \
        double check_a_ = (a), check_b_ = (b);                                          \
        if (!(fabs(check_a_ - check_b_) <= (tol))) {                                    \
            fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (tol %g)\n", __FILE__,   \
                    __LINE__, #a, check_a_, check_b_, (double)(tol));                   \
            check_failed_now = 1;                                                       \
        }                                                                               \
    } while (0)

/* A call that must succeed; prints hpml_last_error() otherwise. */
#define CHECK_OK(call)                                                                  \
    do {                                                                                \
        hpml_status check_s_ = (call);                                                  \
        if (check_s_ != HPML_OK) {                                                      \
            fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,       \
                    hpml_last_error());                                                 \
            check_failed_now = 1;                                                       \
        }                                                                               \
    } while (0)

/* A call that must fail with `status` and a message containing `needle`. */
#define CHECK_FAILS(call, status, needle)                                               \
    do {                                                                                \
        hpml_status check_s_ = (call);                                                  \
        if (check_s_ != (status) || !strstr(hpml_last_error(), (needle))) {             \
            fprintf(stderr, "%s:%d: %s gave status %d \"%s\", expected %d with \"%s\"\n", \
                    __FILE__, __LINE__, #call, (int)check_s_, hpml_last_error(),        \
                    (int)(status), (needle));                                           \
            check_failed_now = 1;                                                       \
        }                                                                               \
    } while (0)

#define RUN(fn)                                                                         \
    do {                                                                                \
        check_failed_now = 0;                                                           \
        fn();                                                                           \
        if (check_failed_now)                                                           \
            check_n_fail++;                                                             \
        else                                                                            \
            check_n_pass++;                                                             \
        printf("%s %s\n", check_failed_now ? "FAIL" : "PASS", #fn);                     \
        fflush(stdout);                                                                 \
    } while (0)

static inline int check_summary(void) { return check_n_fail ? 1 : 0; }

/* A table from CSV text named "t.csv", read with `threads` threads; NULL (and
 * the reason on stderr) if reading fails. */
static inline hpml_table *check_table(const char *csv, int threads)
{
    hpml_csv_options o;
    hpml_csv_options_init(&o);
    o.threads = threads;
    hpml_table *t = NULL;
    if (hpml_table_read_csv_buffer(csv, strlen(csv), "t.csv", &o, &t) != HPML_OK)
        fprintf(stderr, "read failed: %s\n", hpml_last_error());
    return t;
}

#endif
