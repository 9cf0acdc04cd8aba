/* svg.c — inline SVG figures: axes, scatter/hexbin, histogram, lines, bars.
 *
 * Every figure is drawn in px on a plot area (struct frame) that maps data
 * to the page; y grows downwards in SVG, so fy flips it. Coordinates are
 * written with one decimal: the same inputs give the same bytes.
 */
#include "io/svg.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

#define FONT "system-ui, -apple-system, &#39;Segoe UI&#39;, Roboto, Helvetica, Arial, sans-serif"
#define CHAR_PX 6.6          /* mean width of a 12 px sans character */
#define GRID "#e6e6e6"
#define INK "#333"

/* ------------------------------------------------------------------ text */

const char *svg_color(int k)
{
    /* Okabe & Ito's palette, without its yellow (too pale on white). */
    static const char *const pal[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                      "#56B4E9", "#D55E00", "#000000", "#999999"};
    int n = (int)(sizeof pal / sizeof pal[0]);
    return pal[((k % n) + n) % n];
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static int utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int n = c >= 0xC2 && c <= 0xDF   ? 2
            : c >= 0xE0 && c <= 0xEF ? 3
            : c >= 0xF0 && c <= 0xF4 ? 4
                                     : 0;
    if (!n)
        return 0;
    unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (int i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

void svg_esc(text *t, const char *s)
{
    static const char bad[] = "\xEF\xBF\xBD"; /* U+FFFD */
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = utf8_len(p);
        if (n == 1) {
            switch (*p) {
            case '&': tx_str(t, "&amp;"); break;
            case '<': tx_str(t, "&lt;"); break;
            case '>': tx_str(t, "&gt;"); break;
            case '"': tx_str(t, "&quot;"); break;
            case '\'': tx_str(t, "&#39;"); break;
            default:
                if (*p < 0x20 || *p == 0x7F)
                    tx_str(t, bad);
                else
                    tx_put(t, (const char *)p, 1);
            }
            p++;
        } else if (n > 1) {
            tx_put(t, (const char *)p, (size_t)n);
            p += n;
        } else {
            tx_str(t, bad);
            p++;
        }
    }
}

/* Characters (code points) of s, for estimating widths. */
static size_t n_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* s shortened to at most max characters (the last one "…") into buf. */
static const char *shorten(const char *s, size_t max, char *buf, size_t len)
{
    if (n_chars(s) <= max)
        return s;
    size_t b = 0, c = 0;
    while (s[b] && b + 8 < len) {
        if (((unsigned char)s[b] & 0xC0) != 0x80 && ++c == max)
            break;
        b++;
    }
    memcpy(buf, s, b);
    memcpy(buf + b, "\xE2\x80\xA6", 4); /* "…" and the NUL */
    return buf;
}

/* ------------------------------------------------------------------ ticks */

void svg_nice_ticks(double lo, double hi, int target, svg_ticks *out)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo > hi) {
        double s = lo;
        lo = hi;
        hi = s;
    }
    if (hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi))) {
        double d = lo == 0 ? 1 : fabs(lo) * 0.1;
        lo -= d;
        hi += d;
    }
    if (target < 1)
        target = 1;
    double raw = (hi - lo) / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    double a = floor(lo / step + 1e-9), b = ceil(hi / step - 1e-9);
    out->step = step;
    out->lo = a * step;
    out->hi = b * step;
    out->n = (int)(b - a) + 1;
}

void svg_tick_label(double v, double step, char *buf, size_t len)
{
    if (fabs(v) < step * 1e-6)
        v = 0;
    double m = fmax(fabs(v), step);
    if (m >= 1e6 || (v != 0 && fabs(v) < 1e-4)) {
        snprintf(buf, len, "%g", v);
        return;
    }
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (step < 1 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-6)
        dec++; /* 0.25 needs two decimals, 0.2 one */
    snprintf(buf, len, "%.*f", dec, v);
}

/* ------------------------------------------------------------------ frame */

/* The plot area in px and the data range it shows (log10 of y when log_y). */
typedef struct frame {
    double x0, y0, w, h;
    double xlo, xhi, ylo, yhi;
    int log_y;
} frame;

static double fx(const frame *p, double x)
{
    return p->x0 + (x - p->xlo) / (p->xhi - p->xlo) * p->w;
}
static double fy(const frame *p, double y)
{
    double v = p->log_y ? log10(y) : y;
    return p->y0 + p->h - (v - p->ylo) / (p->yhi - p->ylo) * p->h;
}

static void open_svg(text *t, const svg_fig *f, int w, int h, size_t points)
{
    tx_str(t, "<svg class=\"fig\" id=\"");
    svg_esc(t, f->id ? f->id : "fig");
    tx_printf(t, "\" data-points=\"%zu\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
              "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"" FONT "\" font-size=\"12\" "
              "role=\"img\">\n<title>", points, w, h, w, h);
    svg_esc(t, f->title ? f->title : "");
    tx_str(t, "</title>\n");
}

static void axis_titles(text *t, const frame *p, const svg_fig *f, int height)
{
    if (f->xlabel && *f->xlabel) {
        tx_printf(t, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"" INK "\">",
                  p->x0 + p->w / 2, height - 8);
        svg_esc(t, f->xlabel);
        tx_str(t, "</text>\n");
    }
    if (f->ylabel && *f->ylabel) {
        tx_printf(t, "<text transform=\"translate(15 %.1f) rotate(-90)\" text-anchor=\"middle\" "
                  "fill=\"" INK "\">", p->y0 + p->h / 2);
        svg_esc(t, f->ylabel);
        tx_str(t, "</text>\n");
    }
}

/* Grid lines, tick labels and the frame; ticks outside the range are left
 * out. ty is ignored on a log axis (a tick per decade). */
static void draw_axes(text *t, const frame *p, const svg_ticks *tx, const svg_ticks *ty)
{
    char lab[48];
    double ex = (p->xhi - p->xlo) * 1e-9, ey = (p->yhi - p->ylo) * 1e-9;
    tx_str(t, "<path fill=\"none\" stroke=\"" GRID "\" d=\"");
    for (int i = 0; i < tx->n; i++) {
        double v = tx->lo + i * tx->step;
        if (v >= p->xlo - ex && v <= p->xhi + ex)
            tx_printf(t, "M%.1f %.1fV%.1f", fx(p, v), p->y0, p->y0 + p->h);
    }
    if (p->log_y) {
        for (double k = ceil(p->ylo - ey); k <= p->yhi + ey; k++)
            tx_printf(t, "M%.1f %.1fH%.1f", p->x0, fy(p, pow(10, k)), p->x0 + p->w);
    } else {
        for (int i = 0; i < ty->n; i++) {
            double v = ty->lo + i * ty->step;
            if (v >= p->ylo - ey && v <= p->yhi + ey)
                tx_printf(t, "M%.1f %.1fH%.1f", p->x0, fy(p, v), p->x0 + p->w);
        }
    }
    tx_str(t, "\"/>\n<g fill=\"#555\" font-size=\"11\" text-anchor=\"middle\">");
    for (int i = 0; i < tx->n; i++) {
        double v = tx->lo + i * tx->step;
        if (v < p->xlo - ex || v > p->xhi + ex)
            continue;
        svg_tick_label(v, tx->step, lab, sizeof lab);
        tx_printf(t, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", fx(p, v), p->y0 + p->h + 15, lab);
    }
    tx_str(t, "</g>\n<g fill=\"#555\" font-size=\"11\" text-anchor=\"end\">");
    if (p->log_y) {
        for (double k = ceil(p->ylo - ey); k <= p->yhi + ey; k++) {
            snprintf(lab, sizeof lab, "%g", pow(10, k));
            tx_printf(t, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", p->x0 - 5,
                      fy(p, pow(10, k)) + 4, lab);
        }
    } else {
        for (int i = 0; i < ty->n; i++) {
            double v = ty->lo + i * ty->step;
            if (v < p->ylo - ey || v > p->yhi + ey)
                continue;
            svg_tick_label(v, ty->step, lab, sizeof lab);
            tx_printf(t, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", p->x0 - 5, fy(p, v) + 4, lab);
        }
    }
    tx_printf(t, "</g>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
              "stroke=\"#999\"/>\n", p->x0, p->y0, p->w, p->h);
}

/* The dashed line y = x across the part of the frame where both exist. */
static void draw_diagonal(text *t, const frame *p)
{
    double a = fmax(p->xlo, p->ylo), b = fmin(p->xhi, p->yhi);
    if (p->log_y || !(b > a))
        return;
    tx_printf(t, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
              "stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>\n", fx(p, a), fy(p, a), fx(p, b),
              fy(p, b));
}

static void default_size(const svg_fig *f, int *w, int *h)
{
    *w = f->width > 0 ? f->width : 480;
    *h = f->height > 0 ? f->height : 360;
}

/* ---------------------------------------------------------------- scatter */

/* Density key: 8 colours from few to many points per hexagon (YlGnBu). */
static const char *const hex_colors[8] = {"#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4",
                                          "#1d91c0", "#225ea8", "#253494", "#081d58"};

/* Bins the points into pointy-top hexagons of radius R px: the centres form
 * two rectangular lattices offset by half a cell, and each point goes to the
 * nearer of its candidate centres in the two. */
static void draw_hexbin(text *t, const frame *p, const svg_fig *f, const double *x,
                        const double *y, size_t n)
{
    const double R = 6, DX = sqrt(3.0) * R, DY = 3 * R; /* lattice periods */
    int ncol = (int)(p->w / DX) + 2, nrow = (int)(p->h / (DY / 2)) + 2;
    uint32_t *cnt = hpml_calloc((size_t)ncol * (size_t)nrow, sizeof *cnt);
    if (!cnt) {
        t->failed = 1;
        return;
    }
    uint32_t max = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        double px = fx(p, x[i]) - p->x0, py = fy(p, y[i]) - p->y0;
        double ia = round(px / DX), ja = round(py / DY);
        double ib = floor(px / DX), jb = floor(py / DY);
        double da = hypot(px - ia * DX, py - ja * DY);
        double db = hypot(px - (ib + 0.5) * DX, py - (jb + 0.5) * DY);
        int col = (int)(da <= db ? ia : ib), row = (int)(da <= db ? 2 * ja : 2 * jb + 1);
        col = col < 0 ? 0 : col >= ncol ? ncol - 1 : col;
        row = row < 0 ? 0 : row >= nrow ? nrow - 1 : row;
        uint32_t c = ++cnt[(size_t)row * (size_t)ncol + (size_t)col];
        if (c > max)
            max = c;
    }
    tx_str(t, "<clipPath id=\"");
    svg_esc(t, f->id ? f->id : "fig");
    tx_printf(t, "-clip\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>"
              "\n<g clip-path=\"url(#", p->x0, p->y0, p->w, p->h);
    svg_esc(t, f->id ? f->id : "fig");
    tx_str(t, "-clip)\">\n");
    /* one path per colour: at most 8 elements whatever n */
    double lmax = log((double)(max > 1 ? max : 2));
    for (int lev = 0; lev < 8; lev++) {
        int any = 0;
        for (int r = 0; r < nrow; r++)
            for (int c = 0; c < ncol; c++) {
                uint32_t k = cnt[(size_t)r * (size_t)ncol + (size_t)c];
                if (!k)
                    continue;
                int l = (int)(8 * log((double)k) / lmax);
                if ((l > 7 ? 7 : l) != lev)
                    continue;
                if (!any)
                    tx_printf(t, "<path fill=\"%s\" d=\"", hex_colors[lev]);
                any = 1;
                double cx = p->x0 + c * DX + (r & 1 ? DX / 2 : 0), cy = p->y0 + r * DY / 2;
                tx_printf(t, "M%.1f %.1fl5.2 3v6l-5.2 3l-5.2-3v-6z", cx, cy - R);
            }
        if (any)
            tx_str(t, "\"/>\n");
    }
    tx_str(t, "</g>\n");
    hpml_free(cnt);
    /* the key, in the right margin: colour swatches from 1 to max points */
    double kx = p->x0 + p->w + 10, ky = p->y0 + 18;
    tx_printf(t, "<g font-size=\"10\" fill=\"#555\"><text x=\"%.1f\" y=\"%.1f\">points</text>",
              kx, ky - 6);
    for (int lev = 7; lev >= 0; lev--)
        tx_printf(t, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"14\" fill=\"%s\"/>", kx,
                  ky + (7 - lev) * 14, hex_colors[lev]);
    tx_printf(t, "<text x=\"%.1f\" y=\"%.1f\">%u</text><text x=\"%.1f\" y=\"%.1f\">1</text></g>\n",
              kx + 16, ky + 11, max, kx + 16, ky + 7 * 14 + 11);
}

void svg_scatter(text *t, const svg_fig *f, const double *x, const double *y, size_t n,
                 int diagonal)
{
    size_t m = 0;
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        m++;
        xmin = fmin(xmin, x[i]), xmax = fmax(xmax, x[i]);
        ymin = fmin(ymin, y[i]), ymax = fmax(ymax, y[i]);
    }
    if (diagonal) {
        xmin = ymin = fmin(xmin, ymin);
        xmax = ymax = fmax(xmax, ymax);
    }
    int hex = m > SVG_HEXBIN_ABOVE, W, H;
    default_size(f, &W, &H);
    svg_ticks tx, ty;
    svg_nice_ticks(xmin, xmax, 5, &tx);
    svg_nice_ticks(ymin, ymax, 5, &ty);
    frame p = {64, 12, W - 64 - (hex ? 62 : 16), H - 12 - 46, tx.lo, tx.hi, ty.lo, ty.hi, 0};
    open_svg(t, f, W, H, m);
    draw_axes(t, &p, &tx, &ty);
    if (hex) {
        draw_hexbin(t, &p, f, x, y, n);
    } else {
        tx_printf(t, "<g fill=\"%s\" fill-opacity=\"0.55\">", svg_color(0));
        for (size_t i = 0; i < n; i++)
            if (isfinite(x[i]) && isfinite(y[i]))
                tx_printf(t, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\"/>", fx(&p, x[i]),
                          fy(&p, y[i]));
        tx_str(t, "</g>\n");
    }
    if (diagonal)
        draw_diagonal(t, &p);
    axis_titles(t, &p, f, H);
    tx_str(t, "</svg>\n");
}

/* -------------------------------------------------------------- histogram */

void svg_histogram(text *t, const svg_fig *f, const double *v, size_t n, int bins, double lo,
                   double hi, double ref)
{
    size_t m = 0;
    double vmin = INFINITY, vmax = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            m++;
            vmin = fmin(vmin, v[i]), vmax = fmax(vmax, v[i]);
        }
    if (!isfinite(lo))
        lo = m ? vmin : 0;
    if (!isfinite(hi))
        hi = m ? vmax : 1;
    if (!(hi > lo)) {
        lo -= 0.5;
        hi += 0.5;
    }
    if (bins <= 0)
        bins = m < 100 ? 10 : m > 2500 ? 50 : (int)ceil(sqrt((double)m));
    size_t *cnt = hpml_calloc((size_t)bins, sizeof *cnt);
    if (!cnt) {
        t->failed = 1;
        return;
    }
    size_t cmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        double b = floor((v[i] - lo) / (hi - lo) * bins);
        int k = b < 0 ? 0 : b >= bins ? bins - 1 : (int)b;
        if (++cnt[k] > cmax)
            cmax = cnt[k];
    }
    int W, H;
    default_size(f, &W, &H);
    svg_ticks tx, ty;
    svg_nice_ticks(lo, hi, 5, &tx);
    svg_nice_ticks(0, cmax ? (double)cmax : 1, 5, &ty);
    if (ty.step < 1) /* counts: whole numbers */
        svg_nice_ticks(0, 5, 5, &ty);
    frame p = {64, 12, W - 64 - 16, H - 12 - 46, lo, hi, 0, ty.hi, 0};
    open_svg(t, f, W, H, m);
    draw_axes(t, &p, &tx, &ty);
    tx_printf(t, "<g fill=\"%s\">", svg_color(0));
    for (int k = 0; k < bins; k++) {
        if (!cnt[k])
            continue;
        double a = fx(&p, lo + (hi - lo) * k / bins), b = fx(&p, lo + (hi - lo) * (k + 1) / bins);
        double gap = b - a > 4 ? 1 : 0;
        tx_printf(t, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", a,
                  fy(&p, (double)cnt[k]), b - a - gap, fy(&p, 0) - fy(&p, (double)cnt[k]));
    }
    tx_str(t, "</g>\n");
    hpml_free(cnt);
    if (isfinite(ref) && ref >= lo && ref <= hi)
        tx_printf(t, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#D55E00\" "
                  "stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>\n", fx(&p, ref), p.y0,
                  fx(&p, ref), p.y0 + p.h);
    axis_titles(t, &p, f, H);
    tx_str(t, "</svg>\n");
}

/* ------------------------------------------------------------------ lines */

void svg_line_opts_init(svg_line_opts *o)
{
    memset(o, 0, sizeof *o);
    o->x_lo = o->x_hi = o->y_lo = o->y_hi = NAN;
}

static double sx(const svg_series *s, size_t i) { return s->x ? s->x[i] : (double)(i + 1); }

/* A point of a series that is drawn: finite, and positive on a log axis. */
static int drawn(const svg_series *s, size_t i, int log_y)
{
    return isfinite(sx(s, i)) && isfinite(s->y[i]) && (!log_y || s->y[i] > 0);
}

/* How much of the lines falls in the px box (for placing the legend):
 * points along each drawn segment, every few px, that are inside. */
static size_t points_in(const frame *p, const svg_series *s, int ns, int diagonal, double bx,
                        double by, double bw, double bh)
{
    size_t c = 0;
    double a = fmax(p->xlo, p->ylo), b = fmin(p->xhi, p->yhi);
    for (int j = 0; diagonal && !p->log_y && b > a && j <= 200; j++) {
        double x = fx(p, a + (b - a) * j / 200), y = fy(p, a + (b - a) * j / 200);
        c += x >= bx && x <= bx + bw && y >= by && y <= by + bh;
    }
    for (int k = 0; k < ns; k++) {
        size_t stride = s[k].n > SVG_MAX_LINE_POINTS ? s[k].n / SVG_MAX_LINE_POINTS + 1 : 1;
        double X0 = 0, Y0 = 0;
        int pen = 0;
        for (size_t i = 0; i < s[k].n; i += stride) {
            if (!drawn(&s[k], i, p->log_y)) {
                pen = 0;
                continue;
            }
            double X = fx(p, sx(&s[k], i)), Y = fy(p, s[k].y[i]);
            int steps = pen ? 1 + (int)(fmin(hypot(X - X0, Y - Y0), 2000) / 4) : 1;
            for (int j = 1; j <= steps; j++) {
                double u = (double)j / steps, x = X0 + (X - X0) * u, y = Y0 + (Y - Y0) * u;
                if (!pen)
                    x = X, y = Y;
                c += x >= bx && x <= bx + bw && y >= by && y <= by + bh;
            }
            X0 = X, Y0 = Y, pen = 1;
        }
    }
    return c;
}

static void draw_legend(text *t, const frame *p, const svg_series *s, int ns, int diagonal)
{
    int k = 0;
    size_t chars = 0;
    for (int i = 0; i < ns; i++)
        if (s[i].label) {
            k++;
            size_t c = n_chars(s[i].label);
            chars = c > chars ? c : chars;
        }
    if (!k)
        return;
    double bw = 36 + (double)(chars > 40 ? 40 : chars) * CHAR_PX, bh = 8 + 17.0 * k;
    double xs[4] = {p->x0 + p->w - bw - 6, p->x0 + p->w - bw - 6, p->x0 + 6, p->x0 + 6};
    double ys[4] = {p->y0 + 6, p->y0 + p->h - bh - 6, p->y0 + 6, p->y0 + p->h - bh - 6};
    int best = 0;
    size_t fewest = (size_t)-1;
    for (int c = 0; c < 4; c++) {
        size_t in = points_in(p, s, ns, diagonal, xs[c], ys[c], bw, bh);
        if (in < fewest)
            fewest = in, best = c;
    }
    double bx = xs[best], by = ys[best];
    tx_printf(t, "<g><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fff\" "
              "fill-opacity=\"0.88\" stroke=\"#ccc\"/>", bx, by, bw, bh);
    char buf[200];
    for (int i = 0, j = 0; i < ns; i++) {
        if (!s[i].label)
            continue;
        double ly = by + 4 + 17.0 * j + 9;
        tx_printf(t, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                  "stroke-width=\"2.5\"%s/><text x=\"%.1f\" y=\"%.1f\" fill=\"" INK "\">",
                  bx + 6, ly, bx + 28, ly, svg_color(s[i].color),
                  s[i].dashed ? " stroke-dasharray=\"5 3\"" : "", bx + 32, ly + 4);
        svg_esc(t, shorten(s[i].label, 40, buf, sizeof buf));
        tx_str(t, "</text>");
        j++;
    }
    tx_str(t, "</g>\n");
}

/* The point after i when drawing every stride-th one: the last is always drawn. */
static size_t next_point(size_t i, size_t stride, size_t n)
{
    if (i + stride < n || i == n - 1)
        return i + stride;
    return n - 1;
}

int svg_lines(text *t, const svg_fig *f, const svg_series *s, int n_series,
              const svg_line_opts *o)
{
    svg_line_opts def;
    if (!o) {
        svg_line_opts_init(&def);
        o = &def;
    }
    size_t m = 0, npos = 0;
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (int k = 0; k < n_series; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            if (!drawn(&s[k], i, 0))
                continue;
            m++;
            npos += s[k].y[i] > 0;
            xmin = fmin(xmin, sx(&s[k], i)), xmax = fmax(xmax, sx(&s[k], i));
            ymin = fmin(ymin, s[k].y[i]), ymax = fmax(ymax, s[k].y[i]);
        }
    int log_y = o->auto_log_y && m > 0 && npos == m && !isfinite(o->y_lo) &&
                !isfinite(o->y_hi) && log10(ymax / ymin) > 1.5;
    int W, H;
    default_size(f, &W, &H);
    svg_ticks tx, ty;
    svg_nice_ticks(isfinite(o->x_lo) ? o->x_lo : xmin, isfinite(o->x_hi) ? o->x_hi : xmax, 6, &tx);
    svg_nice_ticks(isfinite(o->y_lo) ? o->y_lo : ymin, isfinite(o->y_hi) ? o->y_hi : ymax, 5, &ty);
    if (n_series == 0 || !s[0].x) { /* rounds and epochs: whole numbers */
        if (tx.step < 1)
            svg_nice_ticks(tx.lo, tx.lo + 5, 5, &tx);
    }
    frame p = {64, 12, W - 64 - 16, H - 12 - 46, tx.lo, tx.hi, ty.lo, ty.hi, log_y};
    if (isfinite(o->x_lo) && isfinite(o->x_hi) && o->x_hi > o->x_lo)
        p.xlo = o->x_lo, p.xhi = o->x_hi;
    if (isfinite(o->y_lo) && isfinite(o->y_hi) && o->y_hi > o->y_lo)
        p.ylo = o->y_lo, p.yhi = o->y_hi;
    if (log_y) {
        p.ylo = floor(log10(ymin) + 1e-9);
        p.yhi = ceil(log10(ymax) - 1e-9);
    }
    open_svg(t, f, W, H, m);
    draw_axes(t, &p, &tx, &ty);
    if (o->diagonal)
        draw_diagonal(t, &p);
    for (int k = 0; k < n_series; k++) {
        const svg_series *e = &s[k];
        size_t stride = e->n > SVG_MAX_LINE_POINTS ? e->n / SVG_MAX_LINE_POINTS + 1 : 1;
        tx_printf(t, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" "
                  "stroke-linejoin=\"round\"%s d=\"", svg_color(e->color),
                  e->dashed ? " stroke-dasharray=\"5 3\"" : "");
        int pen = 0; /* 1: the last point was drawn (the line goes on) */
        for (size_t i = 0; i < e->n; i = next_point(i, stride, e->n)) {
            if (!drawn(e, i, log_y)) {
                pen = 0;
                continue;
            }
            tx_printf(t, "%c%.1f %.1f", pen ? 'L' : 'M', fx(&p, sx(e, i)), fy(&p, e->y[i]));
            pen = 1;
        }
        tx_str(t, "\"/>\n");
        /* markers: every point of a short series, else points standing alone */
        tx_printf(t, "<g fill=\"%s\">", svg_color(e->color));
        for (size_t i = 0; e->n <= SVG_MAX_LINE_POINTS && i < e->n; i++) {
            int alone = (i == 0 || !drawn(e, i - 1, log_y)) &&
                        (i + 1 == e->n || !drawn(e, i + 1, log_y));
            if (drawn(e, i, log_y) && (e->n <= 25 || alone))
                tx_printf(t, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\"/>", fx(&p, sx(e, i)),
                          fy(&p, e->y[i]));
        }
        tx_str(t, "</g>\n");
    }
    draw_legend(t, &p, s, n_series, o->diagonal);
    axis_titles(t, &p, f, H);
    tx_str(t, "</svg>\n");
    return log_y;
}

/* ------------------------------------------------------------------- bars */

/* A bar's value as text: three significant digits, no exponent below 1e6. */
static void bar_value(double v, const char *unit, char *buf, size_t len)
{
    double a = fabs(v);
    const char *u = unit && *unit ? unit : "";
    const char *sp = *u ? " " : "";
    if (!isfinite(v))
        snprintf(buf, len, "\xE2\x80\x93"); /* "–" */
    else if (a >= 100 && a < 1e6)
        snprintf(buf, len, "%.0f%s%s", v, sp, u);
    else if (a >= 10 && a < 100)
        snprintf(buf, len, "%.1f%s%s", v, sp, u);
    else if (a >= 1 && a < 10)
        snprintf(buf, len, "%.2f%s%s", v, sp, u);
    else
        snprintf(buf, len, "%.3g%s%s", v, sp, u);
}

void svg_bars(text *t, const svg_fig *f, const char *const *labels, int n,
              const svg_bar_panel *panels, int n_panels)
{
    enum { ROW = 20, TOP = 30, BOTTOM = 34, MAX_LABEL = 30 };
    size_t chars = 4, m = 0;
    for (int i = 0; i < n; i++) {
        size_t c = n_chars(labels[i]);
        chars = c > chars ? c : chars;
    }
    for (int k = 0; k < n_panels; k++)
        for (int i = 0; i < n; i++)
            m += isfinite(panels[k].v[i]);
    double lw = 12 + (double)(chars > MAX_LABEL ? MAX_LABEL : chars) * CHAR_PX;
    int W = f->width > 0 ? f->width : n_panels > 1 ? 760 : 560;
    int H = f->height > 0 ? f->height : TOP + ROW * (n > 0 ? n : 1) + BOTTOM;
    double pw = (W - lw - 8) / (n_panels > 0 ? n_panels : 1);
    open_svg(t, f, W, H, m);
    char buf[160];
    tx_str(t, "<g fill=\"" INK "\" text-anchor=\"end\">");
    for (int i = 0; i < n; i++) {
        const char *s = shorten(labels[i], MAX_LABEL, buf, sizeof buf);
        tx_printf(t, "<text x=\"%.1f\" y=\"%d\">", lw - 6, TOP + ROW * i + ROW / 2 + 4);
        if (s != labels[i]) {
            tx_str(t, "<title>");
            svg_esc(t, labels[i]);
            tx_str(t, "</title>");
        }
        svg_esc(t, s);
        tx_str(t, "</text>");
    }
    tx_str(t, "</g>\n");
    for (int k = 0; k < n_panels; k++) {
        const svg_bar_panel *b = &panels[k];
        double lo = 0, hi = 0;
        for (int i = 0; i < n; i++)
            if (isfinite(b->v[i]))
                lo = fmin(lo, b->v[i]), hi = fmax(hi, b->v[i]);
        if (!(hi > lo))
            hi = lo + 1;
        svg_ticks tx, ty = {0, 0, 1, 0};
        svg_nice_ticks(lo, hi, 4, &tx);
        /* room on the right of each panel for the value texts */
        frame p = {lw + k * pw + 4, TOP, pw - 4 - 64, (double)ROW * (n > 0 ? n : 1),
                   tx.lo, tx.hi, 0, 1, 0};
        if (p.w < 40)
            p.w = 40;
        tx_printf(t, "<text x=\"%.1f\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\" "
                  "fill=\"" INK "\">", p.x0 + p.w / 2);
        svg_esc(t, b->title ? b->title : "");
        tx_str(t, "</text>\n");
        draw_axes(t, &p, &tx, &ty);
        double z = fx(&p, 0);
        tx_printf(t, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#777\"/>\n",
                  z, p.y0, z, p.y0 + p.h);
        tx_printf(t, "<g fill=\"%s\">", svg_color(k));
        for (int i = 0; i < n; i++) {
            if (!isfinite(b->v[i]))
                continue;
            double a = fx(&p, b->v[i]);
            tx_printf(t, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", fmin(a, z),
                      TOP + ROW * i + 3, fabs(a - z), ROW - 6);
        }
        tx_str(t, "</g>\n<g fill=\"" INK "\" font-size=\"11\">");
        for (int i = 0; i < n; i++) {
            double a = isfinite(b->v[i]) ? fmax(fx(&p, b->v[i]), z) : z;
            bar_value(b->v[i], b->unit, buf, sizeof buf);
            tx_printf(t, "<text x=\"%.1f\" y=\"%d\">", a + 4, TOP + ROW * i + ROW / 2 + 4);
            svg_esc(t, buf);
            tx_str(t, "</text>");
        }
        tx_str(t, "</g>\n");
    }
    tx_str(t, "</svg>\n");
}
