/* svg_draw.c — the SVG back end's drawing pieces: the standalone document
 * (xmlns, size, viewBox, white background, sans-serif), XML escaping, data
 * attributes with exact numbers, a plot box's axes (gridlines, ticks,
 * labels) and a legend row.
 * Must not: choose ranges or ticks (frame.c, ticks.c) or know a chart's
 * kinds (svg_chart.c); refer to anything outside the file (no fonts, images
 * or stylesheets). */
#include "see/svg.h"
#include <string.h>

static const char *const AXIS_COLOUR = "#555555", *const GRID_COLOUR = "#e6e6e6",
                         *const MINOR_COLOUR = "#f3f3f3", *const TEXT_COLOUR = "#222222";

void svg_begin(FILE *f, int w, int h, const char *title, const char *kind) {
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" class=\"chart\" data-kind=\"%s\">\n",
            w, h, w, h, kind);
    if (title && *title) {
        fprintf(f, "<title>");
        svg_escape(f, title);
        fprintf(f, "</title>\n");
    }
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
    if (title && *title) {
        char extra[64];
        snprintf(extra, sizeof extra, "font-weight=\"bold\" class=\"title\"");
        svg_text(f, w / 2.0, 28, title, SVG_TITLE_FONT, "middle", extra);
    }
}

void svg_end(FILE *f) { fprintf(f, "</svg>\n"); }

void svg_escape(FILE *f, const char *s) {
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(ch < 0x20 ? '?' : ch, f);   /* control bytes are not XML */
        }
    }
}

void svg_hex(char buf[8], Rgb c) { snprintf(buf, 8, "#%02x%02x%02x", c.r, c.g, c.b); }

double svg_text_width(const char *s, int size) {
    double w = 0;
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch & 0xC0) == 0x80) continue;
        w += strchr("il.,:;'|!1 ", ch) ? 0.38 : (ch >= 'A' && ch <= 'Z') || strchr("mwMW", ch) ? 0.72 : 0.58;
    }
    return w * size;
}

void svg_text(FILE *f, double x, double y, const char *s, int size, const char *anchor, const char *extra) {
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"%s\"%s%s>",
            x, y, size, anchor, TEXT_COLOUR, extra && *extra ? " " : "", extra ? extra : "");
    svg_escape(f, s);
    fprintf(f, "</text>\n");
}

void svg_numbers(FILE *f, const char *name, const double *v, int n) {
    fprintf(f, " %s=\"", name);
    for (int i = 0; i < n; i++) fprintf(f, i ? " %.9g" : "%.9g", v[i]);
    fputc('"', f);
}

double svg_xpix(const SvgBox *b, const Axis *x, double v) {
    double p = axis_pos(x, v);
    return isnan(p) ? NAN : b->x + p * b->w;
}

double svg_ypix(const SvgBox *b, const Axis *y, double v) {
    double p = axis_pos(y, v);
    return isnan(p) ? NAN : b->y + b->h - p * b->h;
}

double svg_left_margin(const Axis *y, const char *ylabel) {
    double w = 0;
    for (int i = 0; i < y->n; i++) w = fmax(w, svg_text_width(y->label[i], SVG_TICK_FONT));
    return w + 14 + (ylabel && *ylabel ? 24 : 0) + 12;
}

/* the minor gridlines of a log axis: 2 .. 9 × each decade, when decades are few */
static int log_minors(const Axis *a, double *out, int cap) {
    if (!a->log || log10(a->hi / a->lo) > 6) return 0;
    int n = 0;
    for (int d = (int)floor(log10(a->lo)); d <= (int)ceil(log10(a->hi)) && n < cap; d++)
        for (int m = 2; m <= 9 && n < cap; m++) {
            double v = m * pow(10, d);
            if (v > a->lo && v < a->hi) out[n++] = v;
        }
    return n;
}

void svg_axes(FILE *f, const SvgBox *b, const Axis *x, const Axis *y, bool grid,
              const char *xlabel, const char *ylabel) {
    double minor[64];
    fprintf(f, "<g class=\"axes\">\n");
    if (grid) {
        fprintf(f, "<g stroke-width=\"1\" fill=\"none\">\n");
        for (int pass = 0; pass < 2; pass++) {
            const char *colour = pass == 0 ? MINOR_COLOUR : GRID_COLOUR;
            if (y) {
                int n = pass == 0 ? log_minors(y, minor, 64) : y->n;
                for (int i = 0; i < n; i++) {
                    double py = svg_ypix(b, y, pass == 0 ? minor[i] : y->at[i]);
                    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                            b->x, py, b->x + b->w, py, colour);
                }
            }
            if (x) {
                int n = pass == 0 ? log_minors(x, minor, 64) : x->n;
                for (int i = 0; i < n; i++) {
                    double px = svg_xpix(b, x, pass == 0 ? minor[i] : x->at[i]);
                    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                            px, b->y, px, b->y + b->h, colour);
                }
            }
        }
        fprintf(f, "</g>\n");
    }
    fprintf(f, "<g stroke=\"%s\" stroke-width=\"1\" fill=\"none\">\n", AXIS_COLOUR);
    if (y) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", b->x, b->y, b->x, b->y + b->h);
        for (int i = 0; i < y->n; i++) {
            double py = svg_ypix(b, y, y->at[i]);
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", b->x - 5, py, b->x, py);
        }
    }
    if (x) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", b->x, b->y + b->h, b->x + b->w, b->y + b->h);
        for (int i = 0; i < x->n; i++) {
            double px = svg_xpix(b, x, x->at[i]);
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", px, b->y + b->h, px, b->y + b->h + 5);
        }
    }
    fprintf(f, "</g>\n");
    double left = b->x;
    if (y) {
        for (int i = 0; i < y->n; i++) {
            svg_text(f, b->x - 8, svg_ypix(b, y, y->at[i]) + SVG_TICK_FONT * 0.35, y->label[i], SVG_TICK_FONT, "end", "");
            left = fmin(left, b->x - 8 - svg_text_width(y->label[i], SVG_TICK_FONT));
        }
    }
    if (x) {
        double end = -1e9;
        for (int i = 0; i < x->n; i++) {
            double px = svg_xpix(b, x, x->at[i]), w = svg_text_width(x->label[i], SVG_TICK_FONT);
            if (px - w / 2 < end + 8) continue;              /* would touch the previous label */
            svg_text(f, px, b->y + b->h + 8 + SVG_TICK_FONT, x->label[i], SVG_TICK_FONT, "middle", "");
            end = px + w / 2;
        }
    }
    if (x && xlabel && *xlabel)
        svg_text(f, b->x + b->w / 2, b->y + b->h + 8 + SVG_TICK_FONT + 8 + SVG_LABEL_FONT, xlabel, SVG_LABEL_FONT,
                 "middle", "class=\"xlabel\"");
    if (y && ylabel && *ylabel) {
        char extra[96];
        double lx = left - 12, ly = b->y + b->h / 2;
        snprintf(extra, sizeof extra, "transform=\"rotate(-90 %.1f %.1f)\" class=\"ylabel\"", lx, ly);
        svg_text(f, lx, ly, ylabel, SVG_LABEL_FONT, "middle", extra);
    }
    fprintf(f, "</g>\n");
}

double svg_legend(FILE *f, const SvgKey *keys, int n, double x, double y, double width, bool draw) {
    enum { ROW = 20, SAMPLE = 22 };
    double cx = x, cy = y;
    if (draw && n > 0) fprintf(f, "<g class=\"legend\">\n");
    for (int i = 0; i < n; i++) {
        double w = SAMPLE + 6 + svg_text_width(keys[i].name, SVG_TICK_FONT);
        if (cx > x && cx + w > x + width) { cx = x; cy += ROW; }
        if (draw) {
            char hex[8];
            svg_hex(hex, keys[i].colour);
            double my = cy + ROW / 2.0;
            switch (keys[i].shape) {
            case SVG_KEY_LINE:
            case SVG_KEY_DASHED:
                fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n",
                        cx, my, cx + SAMPLE, my, hex, keys[i].shape == SVG_KEY_LINE ? "2" : "1.5",
                        keys[i].shape == SVG_KEY_DASHED ? " stroke-dasharray=\"4 3\"" : "");
                break;
            case SVG_KEY_BOX:
                fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"10\" fill=\"%s\"/>\n", cx + 6, my - 5, SAMPLE - 12, hex);
                break;
            case SVG_KEY_DOT:
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n",
                        cx + SAMPLE / 2.0, my, hex);
                break;
            }
            svg_text(f, cx + SAMPLE + 6, my + SVG_TICK_FONT * 0.35, keys[i].name, SVG_TICK_FONT, "start", "");
        }
        cx += w + 18;
    }
    if (draw && n > 0) fprintf(f, "</g>\n");
    return n > 0 ? cy - y + ROW : 0;
}
