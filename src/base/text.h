/* Text for a terminal: tables and paragraphs with ‖, δ or ∂ in them are
 * measured in columns, not bytes. */
#ifndef NNL_TEXT_H
#define NNL_TEXT_H
#include <stdbool.h>
#include <stdio.h>

int  text_width(const char *s);
void print_padded(FILE *f, const char *s, int width);
/* text after `lead`, wrapped at 80 columns; later lines indented by two */
void print_paragraph(FILE *f, const char *lead, const char *text);
/* the same, later lines indented by indent + 1 */
void print_paragraph_indented(FILE *f, const char *lead, const char *text, int indent);

/* 11935 -> "11,935" (a rotating buffer of four: at most four in one printf) */
const char *thousands(long n);

/* v as %g writes it, NaN as "nan" never "-nan" (a rotating buffer of four,
 * as thousands), for messages that show a number the user gave */
const char *number_text(double v);

/* v as the shortest decimal that reads back as the same number in float32
 * (single) or float64: 0.15, 1500, 1e-07, 0.30000000000000004 */
void format_shortest(char *buf, size_t size, double v, bool single);

#endif
