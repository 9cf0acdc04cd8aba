/* svg.h — figures as inline SVG, written into a text buffer (internal).
 *
 * Plotting primitives that know nothing of models: axes with nice ticks, a
 * scatter plot that turns into a hexagonal-bin density above SVG_HEXBIN_ABOVE
 * points, a histogram, a line chart with a legend, horizontal bars. Each call
 * writes one <svg class="fig" id=... data-points="N"> with a <title>, where N
 * is the number of data items drawn or binned (non-finite inputs are skipped
 * and not counted). Sizes are px; the text is the system sans font; there are
 * no scripts, and the output depends only on the inputs (same bytes for the
 * same data). The size of a figure is bounded whatever n: scatter switches to
 * bins, long lines are thinned, histograms and bars have one element per bin
 * or bar. A failed allocation marks the text failed (see tx_status).
 */
#ifndef HPML_IO_SVG_H
#define HPML_IO_SVG_H

#include <stddef.h>

#include "core/text.h"

/* Above this many points a scatter plot is drawn as a density of hexagons. */
#define SVG_HEXBIN_ABOVE 2000
/* Lines with more points than this are thinned to about this many. */
#define SVG_MAX_LINE_POINTS 1500

typedef struct svg_fig {
    const char *id;           /* the element id, unique in the page */
    const char *title;        /* the <title>: one line saying what is shown */
    const char *xlabel, *ylabel;
    int width, height;        /* px; 0: 480 x 360 (bars: height from the rows) */
} svg_fig;

/* Nice ticks: lo + i * step for i < n, step 1, 2 or 5 x 10^k, about `target`
 * intervals, lo and hi rounded outwards to multiples of step. An empty or
 * non-finite range is widened first ([5, 5] -> around 5; NaN -> [0, 1]). */
typedef struct svg_ticks {
    double lo, hi, step;
    int n;
} svg_ticks;
void svg_nice_ticks(double lo, double hi, int target, svg_ticks *out);
/* v as a tick label with just the decimals that step needs ("0.25", "100",
 * "1e+06"); -0 prints as 0. */
void svg_tick_label(double v, double step, char *buf, size_t len);

/* The k-th colour of a palette that colour-blind readers can tell apart
 * ("#0072B2", ...); wraps around. */
const char *svg_color(int k);

/* s escaped for HTML and SVG text and attribute values (& < > " '), with
 * invalid UTF-8 and control characters replaced by U+FFFD. */
void svg_esc(text *t, const char *s);

/* Points (x[i], y[i]), i < n. diagonal: the same range on both axes and the
 * line y = x. Above SVG_HEXBIN_ABOVE points: hexagons coloured by how many
 * points fall in each (log scale, with a key). */
void svg_scatter(text *t, const svg_fig *f, const double *x, const double *y, size_t n,
                 int diagonal);

/* Histogram of v[0..n) in `bins` equal bins over [lo, hi] (bins 0: from n;
 * lo, hi NaN: the data's range). Values outside the range are counted in the
 * first or last bin. ref: a vertical reference line at that x (NaN: none). */
void svg_histogram(text *t, const svg_fig *f, const double *v, size_t n, int bins, double lo,
                   double hi, double ref);

typedef struct svg_series {
    const char *label;        /* legend text; NULL: no legend entry */
    const double *x;          /* n values, or NULL for 1, 2, 3, ... */
    const double *y;          /* n values; NaN breaks the line */
    size_t n;
    int color;                /* svg_color index */
    int dashed;
} svg_series;

typedef struct svg_line_opts {
    double x_lo, x_hi, y_lo, y_hi;  /* fixed axis range; NaN: from the data */
    int diagonal;             /* the line y = x (a ROC curve's chance line) */
    int auto_log_y;           /* log y axis when every y > 0 and they span
                                 more than 1.5 decades */
} svg_line_opts;
/* Sets every range to NaN and the flags to 0. */
void svg_line_opts_init(svg_line_opts *o);

/* Line chart of n_series series with a legend (placed in the emptiest
 * corner). Short series get a marker per point. Returns 1 if the y axis is
 * logarithmic, else 0. */
int svg_lines(text *t, const svg_fig *f, const svg_series *s, int n_series,
               const svg_line_opts *o);

typedef struct svg_bar_panel {
    const char *title;        /* above the panel ("train (s)") */
    const double *v;          /* one value per label; NaN: no bar, "–" */
    const char *unit;         /* after each value's text ("s", "MiB"; may be NULL) */
} svg_bar_panel;
/* Horizontal bars: one row per label (long labels shortened, the whole text
 * as a tooltip), n_panels panels side by side, each with its own scale. */
void svg_bars(text *t, const svg_fig *f, const char *const *labels, int n,
              const svg_bar_panel *panels, int n_panels);

#endif
