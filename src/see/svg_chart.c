/* svg_chart.c — a chart as a standalone SVG file: each kind laid out in
 * pixels (title, legend row, plot box, axes) and its data drawn as
 * polylines, rects and circles, each group carrying its exact numbers in
 * data-* attributes so a test can read them back.
 * Must not: choose ranges, ticks or scales (frame.c and ticks.c, shared with
 * the terminal back end), or use anything external (no <image>, no fonts). */
#include "see/svg.h"
#include <string.h>

enum { TITLE_ROOM = 44, BOTTOM_ROOM = 56, RIGHT_ROOM = 24 };

static double top_of(const Chart *c) { return c->title && *c->title ? TITLE_ROOM : 16; }

static double right_room(const Axis *x) {
    return x->n ? fmax(RIGHT_ROOM, svg_text_width(x->label[x->n - 1], SVG_TICK_FONT) / 2 + 8) : RIGHT_ROOM;
}

/* ---- LINES ------------------------------------------------------------------ */

static void lines(const Chart *c, FILE *f, int W, int H) {
    Axis x, y;
    chart_lines_axes(c, &x, W / 80, &y, H / 50);
    SvgKey keys[CHART_MAX_SERIES + 2 * CHART_MAX_MARKERS];
    int nk = 0;
    static const Rgb marker_grey = { 0x70, 0x70, 0x70 };
    for (int i = 0; i < c->nseries; i++) keys[nk++] = (SvgKey){ c->series[i].name, chart_series_colour(i), SVG_KEY_LINE };
    for (int m = 0; m < c->nhlines; m++)
        if (c->hlines[m].label) keys[nk++] = (SvgKey){ c->hlines[m].label, marker_grey, SVG_KEY_DASHED };
    bool legend = nk > 1 || c->nhlines;

    SvgBox b;
    b.x = svg_left_margin(&y, c->ylabel);
    double lw = W - b.x - right_room(&x);
    double top = top_of(c) + (legend ? svg_legend(f, keys, nk, b.x, 0, lw, false) + 6 : 0);
    double marks = c->nvmarks ? 18 : 6;
    b.y = top + marks;
    b.w = lw;
    b.h = H - b.y - BOTTOM_ROOM;

    svg_begin(f, W, H, c->title, "lines");
    if (legend) svg_legend(f, keys, nk, b.x, top_of(c), lw, true);
    svg_axes(f, &b, &x, &y, true, c->xlabel, c->ylabel);

    for (int m = 0; m < c->nhlines; m++) {
        double py = svg_ypix(&b, &y, c->hlines[m].at);
        if (isnan(py) || py < b.y || py > b.y + b.h) continue;
        fprintf(f, "<line class=\"hline\" data-y=\"%.9g\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"#707070\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n",
                c->hlines[m].at, b.x, py, b.x + b.w, py);
    }
    for (int i = 0; i < c->nseries; i++) {
        const ChartSeries *s = &c->series[i];
        char hex[8];
        svg_hex(hex, chart_series_colour(i));
        fprintf(f, "<g class=\"series\" data-name=\"");
        svg_escape(f, s->name);
        fputc('"', f);
        if (s->x) svg_numbers(f, "data-x", s->x, s->n);
        else {
            fprintf(f, " data-x=\"");
            for (int k = 0; k < s->n; k++) fprintf(f, k ? " %d" : "%d", k + 1);
            fputc('"', f);
        }
        svg_numbers(f, "data-y", s->y, s->n);
        fprintf(f, " fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n", hex);
        /* one polyline per run of drawable points; a lone point is a dot */
        int start = 0;
        for (int k = 0; k <= s->n; k++) {
            if (k < s->n && !isnan(svg_xpix(&b, &x, s->x ? s->x[k] : k + 1)) && !isnan(svg_ypix(&b, &y, s->y[k])))
                continue;
            if (k - start == 1) {
                fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\" stroke=\"none\"/>\n",
                        svg_xpix(&b, &x, s->x ? s->x[start] : start + 1), svg_ypix(&b, &y, s->y[start]), hex);
            } else if (k - start > 1) {
                fprintf(f, "<polyline points=\"");
                for (int q = start; q < k; q++)
                    fprintf(f, q > start ? " %.2f,%.2f" : "%.2f,%.2f", svg_xpix(&b, &x, s->x ? s->x[q] : q + 1),
                            svg_ypix(&b, &y, s->y[q]));
                fprintf(f, "\"/>\n");
            }
            start = k + 1;
        }
        fprintf(f, "</g>\n");
    }
    for (int m = 0; m < c->nvmarks; m++) {
        double px = svg_xpix(&b, &x, c->vmarks[m].at);
        if (isnan(px) || px < b.x || px > b.x + b.w) continue;
        fprintf(f, "<g class=\"marker\" data-x=\"%.9g\">\n", c->vmarks[m].at);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#707070\" stroke-width=\"1.5\" "
                   "stroke-dasharray=\"4 3\"/>\n", px, b.y - 4, px, b.y + b.h);
        if (c->vmarks[m].label) {
            /* above the plot, kept inside the picture */
            double w = svg_text_width(c->vmarks[m].label, SVG_TICK_FONT), tx = px;
            const char *anchor = "middle";
            if (tx + w / 2 > W - 6) { tx = px; anchor = "end"; }
            else if (tx - w / 2 < 6) { tx = px; anchor = "start"; }
            svg_text(f, tx, b.y - 8, c->vmarks[m].label, SVG_TICK_FONT, anchor, "fill-opacity=\"0.8\"");
        }
        fprintf(f, "</g>\n");
    }
}

/* ---- BARS ------------------------------------------------------------------- */

enum { BAR_H = 16, BAR_GAP = 14 };

static int bars_height(const Chart *c) {
    int legend = c->nseries > 1 ? 26 : 0;
    return (int)top_of(c) + legend + 8 + c->ncategories * (c->nseries * BAR_H + BAR_GAP) + BOTTOM_ROOM;
}

static void bars(const Chart *c, FILE *f, int W, int H) {
    Axis v;
    double catw = 0, valw = 0;
    char buf[32];
    for (int k = 0; k < c->ncategories; k++) catw = fmax(catw, svg_text_width(c->categories[k], SVG_LABEL_FONT));
    for (int i = 0; i < c->nseries; i++)
        for (int k = 0; k < c->series[i].n; k++) {
            snprintf(buf, sizeof buf, "%.4g", c->series[i].y[k]);
            valw = fmax(valw, svg_text_width(buf, 11));
        }
    SvgBox b;
    b.x = 16 + catw + 12;
    b.w = W - b.x - fmax(valw + 10, RIGHT_ROOM + 12);
    chart_bars_axis(c, &v, (int)(b.w / 80) + 1);
    SvgKey keys[CHART_MAX_SERIES];
    for (int i = 0; i < c->nseries; i++) keys[i] = (SvgKey){ c->series[i].name, chart_series_colour(i), SVG_KEY_BOX };
    double legend = c->nseries > 1 ? svg_legend(f, keys, c->nseries, b.x, 0, b.w, false) + 6 : 0;
    b.y = top_of(c) + legend + 8;
    b.h = H - b.y - BOTTOM_ROOM;
    double band = b.h / (c->ncategories ? c->ncategories : 1);
    double bh = fmin(BAR_H, (band - 6) / c->nseries);

    svg_begin(f, W, H, c->title, "bars");
    if (c->nseries > 1) svg_legend(f, keys, c->nseries, b.x, top_of(c), b.w, true);
    svg_axes(f, &b, &v, NULL, true, c->xlabel, NULL);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\"/>\n", b.x, b.y, b.x, b.y + b.h);
    for (int k = 0; k < c->ncategories; k++) {
        double mid = b.y + band * (k + 0.5);
        svg_text(f, b.x - 10, mid + SVG_LABEL_FONT * 0.35, c->categories[k], SVG_LABEL_FONT, "end", "class=\"category\"");
    }
    double zero = v.log ? b.x : svg_xpix(&b, &v, 0);
    for (int i = 0; i < c->nseries; i++) {
        char hex[8];
        svg_hex(hex, chart_series_colour(i));
        fprintf(f, "<g class=\"bars\" data-name=\"");
        svg_escape(f, c->series[i].name);
        fputc('"', f);
        svg_numbers(f, "data-values", c->series[i].y, c->series[i].n);
        fprintf(f, " fill=\"%s\">\n", hex);
        for (int k = 0; k < c->ncategories; k++) {
            double val = c->series[i].y[k], px = svg_xpix(&b, &v, val);
            double top = b.y + band * (k + 0.5) - bh * c->nseries / 2 + bh * i;
            double end = zero;
            if (!isnan(px)) {
                px = fmin(fmax(px, b.x), b.x + b.w);
                fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>\n",
                        fmin(px, zero), top + 1, fabs(px - zero), bh - 2);
                end = fmax(px, zero);
            }
            snprintf(buf, sizeof buf, "%.4g", val);
            svg_text(f, end + 4, top + bh / 2 + 11 * 0.35, buf, 11, "start", "fill-opacity=\"0.85\"");
        }
        fprintf(f, "</g>\n");
    }
}

/* ---- HISTOGRAMS --------------------------------------------------------------- */

enum { PANEL_H = 210 };

static int panels_per_row(const Chart *c) { return c->npanels <= 4 ? 2 : 3; }

static int histograms_height(const Chart *c) {
    int per = panels_per_row(c), rows = (c->npanels + per - 1) / per;
    return (int)top_of(c) + rows * PANEL_H + (c->xlabel && *c->xlabel ? 28 : 8);
}

static void histograms(const Chart *c, FILE *f, int W, int H) {
    int per = panels_per_row(c);
    double left = c->ylabel && *c->ylabel ? 30 : 8, pw = (W - left - 8) / per;
    svg_begin(f, W, H, c->title, "histograms");
    char hex[8];
    svg_hex(hex, chart_series_colour(0));
    for (int i = 0; i < c->npanels; i++) {
        const ChartPanel *p = &c->panels[i];
        double px = left + (i % per) * pw, py = top_of(c) + (i / per) * PANEL_H;
        Axis x, n;
        chart_panel_axes(c, i, &x, 5, &n, 4);
        SvgBox b;
        b.x = px + svg_left_margin(&n, NULL) - 4;
        b.w = px + pw - b.x - right_room(&x);
        chart_panel_axes(c, i, &x, (int)(b.w / 55) + 1, &n, 4);
        /* a caption that would run into the title goes on a line of its own */
        bool below = p->caption && 1.1 * svg_text_width(p->title, SVG_LABEL_FONT) +
                                   svg_text_width(p->caption, SVG_TICK_FONT) + 12 > b.w;
        b.y = py + (below ? 40 : 30);
        b.h = PANEL_H - (below ? 40 : 30) - 40;
        fprintf(f, "<g class=\"histogram\" data-title=\"");
        svg_escape(f, p->title);
        fprintf(f, "\" data-left-out=\"%ld\"", p->left_out);
        svg_numbers(f, "data-edges", p->edges, p->bins + 1);
        fprintf(f, " data-counts=\"");
        for (int k = 0; k < p->bins; k++) fprintf(f, k ? " %ld" : "%ld", p->counts[k]);
        fprintf(f, "\">\n");
        svg_text(f, b.x, py + 18, p->title, SVG_LABEL_FONT, "start", "font-weight=\"bold\"");
        if (p->caption && below) svg_text(f, b.x, py + 32, p->caption, SVG_TICK_FONT, "start", "fill-opacity=\"0.75\"");
        else if (p->caption) svg_text(f, b.x + b.w, py + 18, p->caption, SVG_TICK_FONT, "end", "fill-opacity=\"0.75\"");
        svg_axes(f, &b, &x, &n, true, NULL, NULL);
        fprintf(f, "<g fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.5\">\n", hex);
        for (int k = 0; k < p->bins; k++) {
            if (p->counts[k] == 0) continue;
            double x0 = svg_xpix(&b, &x, p->edges[k]), x1 = svg_xpix(&b, &x, p->edges[k + 1]);
            double y1 = svg_ypix(&b, &n, (double)p->counts[k]);
            fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>\n", x0, y1, x1 - x0, b.y + b.h - y1);
        }
        fprintf(f, "</g>\n</g>\n");
    }
    if (c->xlabel && *c->xlabel) svg_text(f, W / 2.0, H - 10, c->xlabel, SVG_LABEL_FONT, "middle", "class=\"xlabel\"");
    if (c->ylabel && *c->ylabel) {
        char extra[96];
        double ly = top_of(c) + (H - top_of(c)) / 2;
        snprintf(extra, sizeof extra, "transform=\"rotate(-90 18 %.1f)\" class=\"ylabel\"", ly);
        svg_text(f, 18, ly, c->ylabel, SVG_LABEL_FONT, "middle", extra);
    }
}

/* ---- REGIONS ----------------------------------------------------------------- */

static Rgb cell_colour(const Chart *c, int i, int j) {
    double conf;
    int k = chart_cell_class(c, i, j, &conf);
    if (k < 0) return (Rgb){ 0xdd, 0xdd, 0xdd };
    return chart_mix(CHART_WHITE, chart_class_colour(c, k), c->nclasses <= 2 ? 0.08 + 0.5 * conf : 0.35);
}

static void regions(const Chart *c, FILE *f, int W, int H) {
    Axis x, y;
    chart_regions_axes(c, &x, 7, &y, 7);
    bool two = c->nclasses <= 2;
    SvgKey keys[CHART_MAX_CLASSES];
    char names[CHART_MAX_CLASSES][32];
    for (int k = 0; k < c->nclasses; k++)
        keys[k] = (SvgKey){ chart_class_name(c, k, names[k], sizeof names[k]), chart_class_colour(c, k), SVG_KEY_DOT };
    SvgBox b;
    b.x = svg_left_margin(&y, c->ylabel);
    b.w = W - b.x - right_room(&x);
    double legend = svg_legend(f, keys, c->nclasses, b.x, 0, b.w - (two ? 180 : 0), false) + 8;
    b.y = top_of(c) + legend;
    b.h = H - b.y - BOTTOM_ROOM;
    /* keep the data's aspect: shrink one side and centre */
    double aspect = (c->gy1 - c->gy0) / (c->gx1 - c->gx0);
    if (b.h > b.w * aspect) b.h = b.w * aspect;
    else { double w = b.h / aspect; b.x += (b.w - w) / 2; b.w = w; }

    svg_begin(f, W, H, c->title, "regions");
    svg_legend(f, keys, c->nclasses, b.x, top_of(c), b.w - (two ? 180 : 0), true);
    if (two) {
        /* the probability scale: ten cells from sure class 0 to sure class 1 */
        char label[80];
        double sx = b.x + b.w - 120, sy = top_of(c) + 5;
        fprintf(f, "<g class=\"scale\" shape-rendering=\"crispEdges\">\n");
        for (int s = 0; s < 10; s++) {
            double p = (s + 0.5) / 10;
            char hex[8];
            svg_hex(hex, chart_mix(CHART_WHITE, chart_class_colour(c, p >= 0.5), 0.08 + 0.5 * fabs(p - 0.5) * 2));
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\"/>\n", sx + 12 * s, sy, hex);
        }
        svg_text(f, sx - 6, sy + 9, "0", SVG_TICK_FONT, "end", "");
        svg_text(f, sx + 126, sy + 9, "1", SVG_TICK_FONT, "start", "");
        snprintf(label, sizeof label, "P(%s)", chart_class_name(c, 1, names[1], sizeof names[1]));
        svg_text(f, sx - 20, sy + 9, label, SVG_TICK_FONT, "end", "");
        fprintf(f, "</g>\n");
    }
    fprintf(f, "<g class=\"regions\" data-nx=\"%d\" data-ny=\"%d\" data-classes=\"%d\"", c->nx, c->ny, c->nclasses);
    svg_numbers(f, "data-values", c->grid, c->nx * c->ny);
    fprintf(f, " shape-rendering=\"crispEdges\">\n");
    double cw = b.w / c->nx, ch = b.h / c->ny;
    for (int j = 0; j < c->ny; j++)
        for (int i = 0; i < c->nx; i++) {
            char hex[8];
            svg_hex(hex, cell_colour(c, i, j));
            /* a little wider than the cell, so no hairline shows between cells */
            fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n",
                    b.x + i * cw, b.y + b.h - (j + 1) * ch, cw + 0.5, ch + 0.5, hex);
        }
    fprintf(f, "</g>\n");
    svg_axes(f, &b, &x, &y, false, c->xlabel, c->ylabel);
    fprintf(f, "<g class=\"points\"");
    svg_numbers(f, "data-x", c->px, c->npoints);
    svg_numbers(f, "data-y", c->py, c->npoints);
    fprintf(f, " data-class=\"");
    for (int p = 0; p < c->npoints; p++) fprintf(f, p ? " %d" : "%d", c->pc[p]);
    fprintf(f, "\" stroke=\"#ffffff\" stroke-width=\"1\">\n");
    for (int p = 0; p < c->npoints; p++) {
        double px = svg_xpix(&b, &x, c->px[p]), py = svg_ypix(&b, &y, c->py[p]);
        if (!(px >= b.x && px <= b.x + b.w && py >= b.y && py <= b.y + b.h)) continue;
        char hex[8];
        svg_hex(hex, chart_class_colour(c, c->pc[p]));
        fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"%s\"/>\n", px, py, hex);
    }
    fprintf(f, "</g>\n");
}

/* ---- entry ------------------------------------------------------------------ */

int chart_render_svg(const Chart *c, FILE *out, int width, int height) {
    if ((c->kind == CHART_LINES || c->kind == CHART_BARS) && c->nseries == 0) return -1;
    if (c->kind == CHART_HISTOGRAMS && c->npanels == 0) return -1;
    if (c->kind == CHART_REGIONS && !c->grid) return -1;
    int W = width > 0 ? width : c->kind == CHART_REGIONS ? 560 : 720;
    int H = height;
    if (H <= 0) {
        switch (c->kind) {
        case CHART_LINES:      H = 440; break;
        case CHART_BARS:       H = bars_height(c); break;
        case CHART_HISTOGRAMS: H = histograms_height(c); break;
        case CHART_REGIONS:    /* the plot as wide as the picture, in the data's aspect */
            H = (int)lround(TITLE_ROOM + 30 + (W - 90) * (c->gy1 - c->gy0) / (c->gx1 - c->gx0) + BOTTOM_ROOM);
            if (H > 2 * W) H = 2 * W;
            break;
        }
    }
    if (W < 200) W = 200;
    if (H < 150) H = 150;
    switch (c->kind) {
    case CHART_LINES:      lines(c, out, W, H); break;
    case CHART_BARS:       bars(c, out, W, H); break;
    case CHART_HISTOGRAMS: histograms(c, out, W, H); break;
    case CHART_REGIONS:    regions(c, out, W, H); break;
    }
    svg_end(out);
    return ferror(out) ? -1 : 0;
}
