/* text.c — laying out text for a terminal: the width of UTF-8 text in
 * columns, padding to a column, paragraphs wrapped at 80 columns.
 * Must not: know what is printed (values, models: their stages format them). */
#include "base/text.h"
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
