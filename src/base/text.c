/* text.c — laying out text for a terminal: the width of UTF-8 text in
 * columns, padding to a column, paragraphs wrapped at 80 columns, numbers
 * as the shortest decimal that reads back the same.
 * Must not: know what is printed (values, models: their stages format them). */
#include "base/text.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* the columns a text takes: UTF-8 continuation bytes take none */
int text_width(const char *s) {
    int w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* s, then spaces up to `width` columns */
void print_padded(FILE *f, const char *s, int width) {
    fprintf(f, "%s%*s", s, width > text_width(s) ? width - text_width(s) : 0, "");
}

/* prints text after `lead`, wrapped at 80 columns, later lines indented by two */
void print_paragraph(FILE *f, const char *lead, const char *text) { print_paragraph_indented(f, lead, text, 1); }

void print_paragraph_indented(FILE *f, const char *lead, const char *text, int indent) {
    enum { WIDTH = 80 };
    int col = fprintf(f, "%s", lead);
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        int len = (int)strcspn(p, " "), w = 0;
        if (!len) break;
        for (int i = 0; i < len; i++) w += ((unsigned char)p[i] & 0xC0) != 0x80;   /* columns, not bytes */
        if (col + 1 + w > WIDTH) { fprintf(f, "\n%*s", indent, ""); col = indent; }
        if (col > 0) { fputc(' ', f); col++; }
        fwrite(p, 1, (size_t)len, f);
        col += w;
        p += len;
    }
    fputc('\n', f);
}

/* 11935 -> "11,935" in a rotating static buffer */
const char *thousands(long n) {
    static char bufs[4][32];
    static int next;
    char *b = bufs[next++ & 3], digits[24];
    int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? -n : n), k = 0;
    if (n < 0) b[k++] = '-';
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) b[k++] = ',';
        b[k++] = digits[i];
    }
    b[k] = 0;
    return b;
}

/* v as printf's %g writes it, but NaN as "nan" whatever its sign bit (0/0
 * is -nan on x86, and printf says so), in a rotating static buffer */
const char *number_text(double v) {
    static char bufs[4][32];
    static int next;
    char *b = bufs[next++ & 3];
    if (isnan(v)) snprintf(b, 32, "nan");
    else snprintf(b, 32, "%g", v);
    return b;
}

/* The fewest significant digits that read back (strtof for a float32
 * number, strtod for a float64 one) as the same number: 0.15 rather than
 * 0.150000006, as NumPy prints; a whole number below 10^9 written out
 * (1500, not 1.5e+03) as %.9g did.  "0" for 0 and -0, "nan", "inf". */
void format_shortest(char *buf, size_t size, double v, bool single) {
    if (v == 0) { snprintf(buf, size, "0"); return; }
    if (isnan(v)) { snprintf(buf, size, "nan"); return; }
    if (isinf(v)) { snprintf(buf, size, v < 0 ? "-inf" : "inf"); return; }
    int most = single ? 9 : 17, digits = 1;
    for (; digits < most; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (single ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v) break;
    }
    int whole = (int)floor(log10(fabs(v))) + 1;
    if (whole > digits && whole <= 9) digits = whole;
    snprintf(buf, size, "%.*g", digits, v);
}
