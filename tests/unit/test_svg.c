/* test_svg.c — the SVG primitives (src/io/svg.c): tick choice, escaping, and
 * that each figure says how many points it drew, stays bounded in size, and
 * never prints a non-finite number. */
#include "check.h"

#include "core/alloc.h"
#include "io/svg.h"

static uint64_t lcg_state;
static double gauss(void) /* sum of 12 uniforms, less 6: near enough */
{
    double g = -6;
    for (int i = 0; i < 12; i++) {
        lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
        g += (double)(lcg_state >> 11) * 0x1.0p-53;
    }
    return g;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = s; (p = strstr(p, needle)); p += k)
        n++;
    return n;
}

/* The data-points attribute of the (first) figure, -1 if none. */
static long data_points(const char *s)
{
    const char *p = strstr(s, "data-points=\"");
    return p ? strtol(p + 13, NULL, 10) : -1;
}

/* Checks every figure shares: one <svg class="fig"> closed, an id, a title,
 * no NaN or infinity printed. */
static void check_fig(const text *t, const char *id)
{
    CHECK(!t->failed && t->data);
    if (!t->data)
        return;
    CHECK(count(t->data, "<svg") == 1 && count(t->data, "</svg>") == 1);
    CHECK(strstr(t->data, "class=\"fig\"") != NULL);
    char want[64];
    snprintf(want, sizeof want, "id=\"%s\"", id);
    CHECK(strstr(t->data, want) != NULL);
    CHECK(strstr(t->data, "<title>") != NULL);
    CHECK(!strstr(t->data, "nan") && !strstr(t->data, "inf") && !strstr(t->data, "NaN"));
}

static void ticks_are(double lo, double hi, int target, double tlo, double thi, double step)
{
    svg_ticks k;
    svg_nice_ticks(lo, hi, target, &k);
    CHECK_NEAR(k.lo, tlo, 1e-12 * fmax(1, fabs(tlo)));
    CHECK_NEAR(k.hi, thi, 1e-12 * fmax(1, fabs(thi)));
    CHECK_NEAR(k.step, step, 1e-15 * fmax(1, step));
    CHECK(k.n == (int)round((thi - tlo) / step) + 1);
}

static void test_nice_ticks(void)
{
    ticks_are(0, 1, 5, 0, 1, 0.2);
    ticks_are(0, 97, 5, 0, 100, 20);
    ticks_are(-3.2, 7.9, 5, -4, 8, 2);
    ticks_are(0.001, 0.0013, 5, 0.001, 0.0013, 5e-5);
    ticks_are(1e6, 5e6, 4, 1e6, 5e6, 1e6);
    ticks_are(10, 0, 5, 0, 10, 2);                 /* reversed */
    ticks_are(5, 5, 5, 4.4, 5.6, 0.2);             /* empty range: around the value */
    ticks_are(0, 0, 5, -1, 1, 0.5);
    ticks_are(NAN, 3, 5, 0, 1, 0.2);               /* non-finite: [0, 1] */
    ticks_are(-INFINITY, INFINITY, 5, 0, 1, 0.2);
    ticks_are(0.3, 0.7, 4, 0.3, 0.7, 0.1);         /* bounds on ticks stay there */
    ticks_are(1, 731, 4, 0, 800, 200);
    ticks_are(1, 731, 6, 0, 800, 100);
    ticks_are(-0.05, 0.93, 5, -0.2, 1, 0.2);
}

static void label_is(double v, double step, const char *want)
{
    char b[48];
    svg_tick_label(v, step, b, sizeof b);
    if (strcmp(b, want) != 0) {
        fprintf(stderr, "tick %.17g step %g: '%s', expected '%s'\n", v, step, b, want);
        CHECK(0);
    }
}

static void test_tick_labels(void)
{
    label_is(0.25, 0.05, "0.25");
    label_is(0.1 + 0.2, 0.1, "0.3");
    label_is(-0.0, 0.5, "0.0");                    /* the step's decimals, never "-0" */
    label_is(-4 + 2 * 2.0, 2, "0");
    label_is(-1e-17, 0.2, "0.0");                  /* -0.2 + 0.2 rounding noise */
    label_is(100, 20, "100");
    label_is(-3, 1, "-3");
    label_is(2.5, 0.5, "2.5");
    label_is(0.00105, 5e-5, "0.00105");
    label_is(3e6, 1e6, "3e+06");
}

static void esc_is(const char *s, const char *want)
{
    text t = {0};
    svg_esc(&t, s);
    CHECK(!t.failed);
    if (strcmp(t.len ? t.data : "", want) != 0) {
        fprintf(stderr, "svg_esc: '%s', expected '%s'\n", t.len ? t.data : "", want);
        CHECK(0);
    }
    tx_free(&t);
}

static void test_escape(void)
{
    esc_is("a<b & 'c' \"d\">", "a&lt;b &amp; &#39;c&#39; &quot;d&quot;&gt;");
    esc_is("\xC2\xB5M \xE2\x80\x93 \xF0\x9F\x99\x82", "\xC2\xB5M \xE2\x80\x93 \xF0\x9F\x99\x82");
    esc_is("x\xFFy", "x\xEF\xBF\xBDy");                    /* not UTF-8 */
    esc_is("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");         /* overlong '/' */
    esc_is("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); /* a surrogate */
    esc_is("\xE2\x80", "\xEF\xBF\xBD\xEF\xBF\xBD");         /* cut short at the end */
    esc_is("a\x01" "b\tc", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c"); /* control characters */
    esc_is("", "");
}

static void test_scatter_small(void)
{
    enum { N = 300 };
    double x[N], y[N];
    lcg_state = 1;
    for (int i = 0; i < N; i++) {
        x[i] = gauss();
        y[i] = x[i] + 0.3 * gauss();
    }
    x[7] = NAN;
    y[9] = INFINITY;
    svg_fig f = {"pred-a", "predicted vs true", "true", "predicted", 0, 0};
    text t = {0};
    svg_scatter(&t, &f, x, y, N, 1);
    check_fig(&t, "pred-a");
    CHECK(data_points(t.data) == N - 2);
    CHECK(count(t.data, "<circle") == N - 2);
    CHECK(count(t.data, "stroke-dasharray") == 1);   /* the diagonal */
    CHECK(strstr(t.data, ">true</text>") && strstr(t.data, ">predicted</text>"));
    /* the same data: the same bytes */
    text u = {0};
    svg_scatter(&u, &f, x, y, N, 1);
    CHECK(u.len == t.len && memcmp(u.data, t.data, t.len) == 0);
    tx_free(&t);
    tx_free(&u);
}

static void test_scatter_hexbin(void)
{
    size_t n = 200000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    lcg_state = 2;
    for (size_t i = 0; i < n; i++) {
        x[i] = gauss() * 3 + 10;
        y[i] = x[i] + gauss();
    }
    svg_fig f = {"pred-big", "predicted vs true", "true", "predicted", 0, 0};
    text t = {0};
    svg_scatter(&t, &f, x, y, n, 1);
    check_fig(&t, "pred-big");
    CHECK(data_points(t.data) == (long)n);
    CHECK(count(t.data, "<circle") == 0);
    CHECK(count(t.data, "<path") <= 8 + 1);          /* one per colour, and the grid */
    CHECK(count(t.data, "z") > 100);                  /* many hexagons ... */
    CHECK(t.len < 120000);                            /* ... but a bounded figure */
    CHECK(strstr(t.data, "clip-path=\"url(#pred-big-clip)\"") != NULL);
    /* just above the threshold it bins, at it it does not */
    text u = {0};
    svg_scatter(&u, &f, x, y, SVG_HEXBIN_ABOVE, 0);
    CHECK(count(u.data, "<circle") == SVG_HEXBIN_ABOVE);
    tx_free(&u);
    svg_scatter(&u, &f, x, y, SVG_HEXBIN_ABOVE + 1, 0);
    CHECK(count(u.data, "<circle") == 0 && data_points(u.data) == SVG_HEXBIN_ABOVE + 1);
    tx_free(&u);
    /* a failed allocation marks the text failed (and is reported once) */
    hpml_test_fail_alloc(0, 1);
    svg_scatter(&u, &f, x, y, n, 1);
    hpml_test_fail_alloc(-1, 0);
    CHECK(u.failed);
    CHECK(tx_status(&u) == HPML_ERR_NOMEM);
    tx_free(&u);
    tx_free(&t);
    free(x);
    free(y);
}

static void test_histogram(void)
{
    enum { N = 1000 };
    double v[N];
    lcg_state = 3;
    for (int i = 0; i < N; i++)
        v[i] = gauss();
    v[0] = NAN;
    v[1] = 100; /* beyond the range: counted in the last bin */
    svg_fig f = {"resid-a", "residuals", "true - predicted", "rows", 0, 0};
    text t = {0};
    svg_histogram(&t, &f, v, N, 20, -3, 3, 0);
    check_fig(&t, "resid-a");
    CHECK(data_points(t.data) == N - 1);
    size_t rects = count(t.data, "<rect");
    CHECK(rects >= 1 + 15 && rects <= 1 + 20);       /* the frame and a bar per bin */
    CHECK(strstr(t.data, "stroke=\"#D55E00\"") != NULL); /* the reference line */
    tx_free(&t);
    /* automatic range and bins; a single value */
    double one = 4.2;
    svg_histogram(&t, &f, &one, 1, 0, NAN, NAN, NAN);
    check_fig(&t, "resid-a");
    CHECK(data_points(t.data) == 1 && count(t.data, "<rect") == 2);
    tx_free(&t);
    /* nothing finite: an empty frame, data-points 0 */
    double none[2] = {NAN, -INFINITY};
    svg_histogram(&t, &f, none, 2, 0, NAN, NAN, NAN);
    check_fig(&t, "resid-a");
    CHECK(data_points(t.data) == 0);
    tx_free(&t);
}

static void test_lines(void)
{
    enum { N = 40 };
    double tr[N], va[N];
    for (int i = 0; i < N; i++) {
        tr[i] = 1.0 / (i + 1);
        va[i] = i % 10 == 5 ? NAN : 1.2 / (i + 1) + 0.01;
    }
    svg_series s[2] = {{"train", NULL, tr, N, 0, 0}, {"validation", NULL, va, N, 1, 1}};
    svg_fig f = {"curve-a", "learning curve", "round", "rmse", 0, 0};
    svg_line_opts o;
    svg_line_opts_init(&o);
    text t = {0};
    CHECK(svg_lines(&t, &f, s, 2, &o) == 0);
    check_fig(&t, "curve-a");
    CHECK(data_points(t.data) == 2 * N - 4);
    CHECK(strstr(t.data, ">train</text>") && strstr(t.data, ">validation</text>"));
    /* the gaps: the validation path starts over after each NaN */
    const char *vp = strstr(t.data, "stroke-dasharray=\"5 3\" d=\"");
    CHECK(vp != NULL);
    if (vp) {
        const char *end = strchr(vp + 26, '"');
        size_t moves = 0;
        for (const char *c = vp + 26; c < end; c++)
            moves += *c == 'M';
        CHECK(moves == 5);
    }
    tx_free(&t);
    /* spanning decades: a log axis with a tick per power of 10 */
    o.auto_log_y = 1;
    CHECK(svg_lines(&t, &f, s, 1, &o) == 1);
    check_fig(&t, "curve-a");
    CHECK(strstr(t.data, ">0.01</text>") && strstr(t.data, ">1</text>"));
    tx_free(&t);
    /* a long series is thinned but keeps its ends; data-points counts all */
    size_t n = 100000;
    double *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = sin((double)i / 1000);
    svg_series big = {NULL, NULL, y, n, 2, 0};
    svg_line_opts_init(&o);
    svg_lines(&t, &f, &big, 1, &o);
    check_fig(&t, "curve-a");
    CHECK(data_points(t.data) == (long)n);
    CHECK(t.len < 60000 && count(t.data, "<circle") == 0);
    tx_free(&t);
    free(y);
    /* ROC-like: fixed [0, 1] ranges and the chance line */
    double fpr[3] = {0, 0.2, 1}, tpr[3] = {0, 0.8, 1};
    svg_series roc = {"class 1", fpr, tpr, 3, 0, 0};
    o.x_lo = o.y_lo = 0;
    o.x_hi = o.y_hi = 1;
    o.diagonal = 1;
    svg_lines(&t, &f, &roc, 1, &o);
    check_fig(&t, "curve-a");
    CHECK(data_points(t.data) == 3 && strstr(t.data, "stroke-dasharray=\"5 4\""));
    CHECK(strstr(t.data, ">0.2</text>") && strstr(t.data, ">1.0</text>"));
    tx_free(&t);
}

static void test_bars(void)
{
    const char *labels[3] = {"gbdt", "a very long feature name that goes on and on", "x<y"};
    double a[3] = {1.5, NAN, 0.002}, b[3] = {120, 30, -4};
    svg_bar_panel p[2] = {{"train (s)", a, "s"}, {"memory (MiB)", b, "MiB"}};
    svg_fig f = {"time", "time per model", NULL, NULL, 0, 0};
    text t = {0};
    svg_bars(&t, &f, labels, 3, p, 2);
    check_fig(&t, "time");
    CHECK(data_points(t.data) == 5);
    CHECK(count(t.data, "<rect") == 2 + 5);          /* two frames, five bars */
    CHECK(strstr(t.data, ">\xE2\x80\x93</text>") != NULL); /* NaN: "–" */
    CHECK(strstr(t.data, ">1.50 s</text>") && strstr(t.data, ">120 MiB</text>"));
    CHECK(strstr(t.data, ">-4.00 MiB</text>") != NULL);
    CHECK(strstr(t.data, "\xE2\x80\xA6</text>") != NULL); /* shortened label ... */
    CHECK(strstr(t.data, "<title>a very long feature name that goes on and on</title>"));
    CHECK(strstr(t.data, ">x&lt;y</text>") != NULL);
    tx_free(&t);
}

int main(void)
{
    RUN(test_nice_ticks);
    RUN(test_tick_labels);
    RUN(test_escape);
    RUN(test_scatter_small);
    RUN(test_scatter_hexbin);
    RUN(test_histogram);
    RUN(test_lines);
    RUN(test_bars);
    return check_summary();
}
