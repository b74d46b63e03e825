/* ast.c — syntax tree nodes, interned names, and printing a statement or an
 * expression back as source that reads back the same.  Must not: evaluate or
 * resolve anything. */
#include "base/stack.h"
#include "base/arena.h"
#include "base/text.h"
#include "front/ast.h"
#include <stdlib.h>
#include <string.h>

Node *node_new(Arena *ar, NodeKind kind, SrcLoc loc) {
    Node *n = arena_alloc(ar, sizeof *n);
    n->kind = kind;
    n->loc = loc;
    return n;
}

void list_push(Arena *ar, NodeList *l, Node *n) {
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        l->items = arena_grow(ar, l->items, sizeof(Node *) * (size_t)l->n, sizeof(Node *) * (size_t)cap);
        l->cap = cap;
    }
    l->items[l->n++] = n;
}

/* A small open-addressing table; names live as long as the process. */
static const char **table;
static size_t table_cap, table_n;
static Arena names;

static size_t hash(const char *s) {
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

const char *intern(const char *s) {
    if (table_n * 2 >= table_cap) {
        size_t cap = table_cap ? table_cap * 2 : 256;
        const char **t = calloc(cap, sizeof *t);
        if (!t) abort();
        for (size_t i = 0; i < table_cap; i++)
            if (table[i]) {
                size_t j = hash(table[i]) & (cap - 1);
                while (t[j]) j = (j + 1) & (cap - 1);
                t[j] = table[i];
            }
        free(table);
        table = t;
        table_cap = cap;
    }
    size_t j = hash(s) & (table_cap - 1);
    while (table[j]) {
        if (strcmp(table[j], s) == 0) return table[j];
        j = (j + 1) & (table_cap - 1);
    }
    table[j] = arena_strdup(&names, s);
    table_n++;
    return table[j];
}

const char *op_name(int op) {
    switch (op) {
    case 'E': return "==";
    case 'N': return "!=";
    case 'L': return "<=";
    case 'G': return ">=";
    default: {
        static char buf[8][2];
        static int next;
        char *b = buf[next++ & 7];
        b[0] = (char)op; b[1] = 0;
        return b;
    }
    }
}

/* Printing back as source: every statement the parser reads prints as text
 * it reads back to the same tree (an expression's binary operations in
 * parentheses, numbers as the shortest decimal that reads back the same). */

static void print_num(FILE *f, double v) {
    char buf[40];
    format_shortest(buf, sizeof buf, v, false);
    fputs(buf, f);
}

static void print_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(f, "\\%c", *s);
        else if (*s == '\n') fputs("\\n", f);
        else if (*s == '\t') fputs("\\t", f);
        else fputc(*s, f);
    }
    fputc('"', f);
}

static void print_list(FILE *f, const NodeList *l) {
    for (int i = 0; i < l->n; i++) {
        if (i) fputs(", ", f);
        ast_print_expr(f, l->items[i]);
    }
}

/* an operand of an operator or a postfix: -x and grad x need parentheses
 * there, and x[0] before a call, a field or a transpose ((x[0])') */
static void print_wrapped(FILE *f, const Node *n, bool index_too) {
    bool wrap = n->kind == N_NEG || n->kind == N_GRAD || (n->kind == N_NUM && n->num < 0) ||
                (index_too && n->kind == N_INDEX);
    if (wrap) fputc('(', f);
    ast_print_expr(f, n);
    if (wrap) fputc(')', f);
}
static void print_operand(FILE *f, const Node *n) { print_wrapped(f, n, false); }

void ast_print_expr(FILE *f, const Node *n) {
    if (!n) return;
    if (stack_low()) { fputs("…", f); return; }   /* printing goes on, shortened, rather than crash */
    switch (n->kind) {
    case N_NUM: print_num(f, n->num); break;
    case N_STR: print_string(f, n->name); break;
    case N_BOOL: fputs(n->num ? "true" : "false", f); break;
    case N_NAME: fputs(n->name, f); break;
    case N_LIST:
        fputc('[', f);
        for (int i = 0; i < n->nvals; i++) { if (i) fputs(", ", f); print_num(f, n->vals[i]); }
        print_list(f, &n->kids);
        fputc(']', f);
        break;
    case N_BINARY:
        fputc('(', f); print_operand(f, n->a);
        fprintf(f, " %s ", op_name(n->op));
        print_operand(f, n->b); fputc(')', f);
        break;
    case N_NEG: fputs("-", f); print_operand(f, n->a); break;
    case N_GRAD: fputs("grad ", f); print_operand(f, n->a); break;
    case N_TRANSPOSE: print_wrapped(f, n->a, true); fputc('\'', f); break;
    case N_CALL: print_wrapped(f, n->a, true); fputc('(', f); print_list(f, &n->kids); fputc(')', f); break;
    case N_FIELD: print_wrapped(f, n->a, true); fprintf(f, ".%s", n->name); break;
    case N_KWARG: fprintf(f, "%s=", n->name); ast_print_expr(f, n->a); break;
    case N_INDEX: print_operand(f, n->a); fputc('[', f); print_list(f, &n->kids); fputc(']', f); break;
    case N_SLICE: ast_print_expr(f, n->a); fputc(':', f); ast_print_expr(f, n->b); break;
    default: fprintf(f, "<%s>", node_kind_name(n->kind)); break;
    }
}

static void print_block(FILE *f, const Node *block, int indent) {
    fputs("{\n", f);
    for (int i = 0; i < block->kids.n; i++) ast_print_stmt(f, block->kids.items[i], indent + 2);
    fprintf(f, "%*s}", indent, "");
}

/* def f(x, alpha = 0.3): a parameter with a default is written with spaces */
static void print_params(FILE *f, const Node *n) {
    fputc('(', f);
    for (int i = 0; i < n->kids.n; i++) {
        const Node *p = n->kids.items[i];
        if (i) fputs(", ", f);
        if (p->kind == N_KWARG) { fprintf(f, "%s = ", p->name); ast_print_expr(f, p->a); }
        else ast_print_expr(f, p);
    }
    fputc(')', f);
}

/* train's and predict's options: epochs 10, log every 5, early_stop patience=3 */
static void print_options(FILE *f, const NodeList *opts) {
    for (int i = 0; i < opts->n; i++) {
        const Node *k = opts->items[i];
        fprintf(f, " %s ", k->name);
        if (k->label) fprintf(f, "%s ", k->label);
        if (k->a->kind == N_KWARG) { fprintf(f, "%s=", k->a->name); print_operand(f, k->a->a); }
        else print_operand(f, k->a);
    }
}

/* a line of a model: [label:] name args [init I] [regularize R] [with p = v, ...] */
static void print_layer_use(FILE *f, const Node *n) {
    if (n->label) fprintf(f, "%s: ", n->label);
    fputs(n->name, f);
    for (int i = 0; i < n->kids.n; i++) { fputc(' ', f); ast_print_expr(f, n->kids.items[i]); }
    if (n->a) { fputs(" init ", f); ast_print_expr(f, n->a->a); }
    if (n->b) { fputs(" regularize ", f); ast_print_expr(f, n->b->a); }
    for (int i = 0; i < n->more.n; i++) {
        fputs(i ? ", " : " with ", f);
        fprintf(f, "%s = ", n->more.items[i]->name);
        ast_print_expr(f, n->more.items[i]->a);
    }
}

static const char *setting_word(int op) {
    return op == SETTING_INIT ? "init" : op == SETTING_LOSS ? "loss" : op == SETTING_OPTIMIZER ? "optimizer" : "regularize";
}

/* a walk with its own stack, not the C stack: expressions nest a thousand
 * deep, and this runs before any depth check could catch an overflow */
bool ast_has_command(const Node *root, const char *word) {
    const Node **todo = NULL;
    size_t n = 0, cap = 0;
    bool found = false;
    const Node *next = root;
    while (!found) {
        if (next) {
            if (n + 3 + (size_t)next->kids.n + (size_t)next->more.n > cap) {
                size_t want = (cap ? 2 * cap : 64) + 3 + (size_t)next->kids.n + (size_t)next->more.n;
                const Node **grown = realloc(todo, sizeof *todo * want);
                if (!grown) { found = true; break; }      /* cannot tell: say yes, keeping what undo needs */
                todo = grown;
                cap = want;
            }
            found = next->kind == N_COMMAND && next->name && strcmp(next->name, word) == 0;
            const Node *sub[3] = { next->a, next->b, next->c };
            for (int i = 0; i < 3; i++) if (sub[i]) todo[n++] = sub[i];
            for (int i = 0; i < next->kids.n; i++) if (next->kids.items[i]) todo[n++] = next->kids.items[i];
            for (int i = 0; i < next->more.n; i++) if (next->more.items[i]) todo[n++] = next->more.items[i];
        }
        if (!n) break;
        next = todo[--n];
    }
    free(todo);
    return found;
}

void ast_print_stmt(FILE *f, const Node *n, int indent) {
    if (stack_low()) { fprintf(f, "%*s…\n", indent, ""); return; }
    fprintf(f, "%*s", indent, "");
    switch (n->kind) {
    case N_EXPR_STMT: ast_print_expr(f, n->a); break;
    case N_ASSIGN:
        fprintf(f, "%s %s%s ", n->name, n->op == '=' ? "" : op_name(n->op), "=");
        ast_print_expr(f, n->a);
        break;
    case N_PRINT: fputs(n->op ? "print full " : "print ", f); print_list(f, &n->kids); break;
    case N_FOR:
        fprintf(f, "for %s in [", n->name); print_list(f, &n->kids); fputs("] ", f);
        print_block(f, n->a, indent);
        break;
    case N_BACKWARD: case N_FORWARD_PASS:
        fprintf(f, "%s %s ", n->kind == N_BACKWARD ? "backward" : "forward", n->name);
        if (n->label) fprintf(f, "on %s", n->label);
        else ast_print_expr(f, n->a);
        if (n->b) { fputs(" -> ", f); ast_print_expr(f, n->b); }
        break;
    case N_COMMAND:
        fputs(n->name, f);
        for (int i = 0; i < n->kids.n; i++) { fputc(' ', f); ast_print_expr(f, n->kids.items[i]); }
        break;
    case N_STATE: fputs("state ", f); print_list(f, &n->kids); break;
    case N_REQUIRE: fputs("require ", f); ast_print_expr(f, n->a); fputs(", ", f); print_string(f, n->name); break;
    case N_SAVE: case N_LOAD:
        fprintf(f, "%s %s ", n->kind == N_SAVE ? "save" : "load", n->name);
        ast_print_expr(f, n->a);
        break;
    case N_IF:
        fputs("if ", f); ast_print_expr(f, n->a); fputc(' ', f);
        print_block(f, n->b, indent);
        if (n->c) { fputs(" else ", f); print_block(f, n->c, indent); }
        break;
    case N_BLOCK: print_block(f, n, indent); break;
    case N_DATA:
        fprintf(f, "data %s {\n", n->name);
        for (int i = 0; i < n->kids.n; i++) {
            fprintf(f, "%*s", indent + 2, "");
            ast_print_expr(f, n->kids.items[i]->a); fputs(" -> ", f); ast_print_expr(f, n->kids.items[i]->b);
            fputc('\n', f);
        }
        fprintf(f, "%*s}", indent, "");
        break;
    case N_DATA_EXPR:
        fputs("data ", f); print_list(f, &n->kids); fputs(" = ", f); ast_print_expr(f, n->a);
        break;
    case N_MODEL:
        fprintf(f, "model %s {\n", n->name);
        for (int i = 0; i < n->kids.n; i++) {
            const Node *l = n->kids.items[i];
            fprintf(f, "%*s", indent + 2, "");
            if (l->kind == N_INPUT) { fputs("input ", f); print_list(f, &l->kids); }
            else print_layer_use(f, l);
            fputc('\n', f);
        }
        fprintf(f, "%*s}", indent, "");
        break;
    case N_SETTING:
        fprintf(f, "%s ", setting_word(n->op));
        if (n->op == SETTING_REGULARIZE && n->name) fprintf(f, "%s ", n->name);
        ast_print_expr(f, n->a);
        break;
    case N_SEED: fputs("seed ", f); ast_print_expr(f, n->a); break;
    case N_PRECISION: fprintf(f, "precision %s", n->name); break;
    case N_TRAIN: case N_PREDICT:
        fprintf(f, "%s %s on %s", n->kind == N_TRAIN ? "train" : "predict", n->name, n->label);
        print_options(f, &n->kids);
        break;
    case N_EVALUATE: fprintf(f, "evaluate %s on %s", n->name, n->label); break;
    case N_SUMMARY: fprintf(f, "summary %s", n->name); break;
    case N_DEF: case N_LAYER_DEF: case N_OPTIMIZER_DEF:
        fprintf(f, "%s %s", n->kind == N_DEF ? "def" : n->kind == N_LAYER_DEF ? "layer" : "optimizer", n->name);
        print_params(f, n);
        if (n->a->kind == N_BLOCK) { fputc(' ', f); print_block(f, n->a, indent); }
        else { fputs(" = ", f); ast_print_expr(f, n->a); }
        break;
    case N_PARAM: case N_LAYER_STATE:
        fprintf(f, "%s %s[", n->kind == N_PARAM ? "param" : "state", n->name);
        print_list(f, &n->kids);
        fputc(']', f);
        if (n->a) { fputs(" init ", f); ast_print_expr(f, n->a); }
        break;
    case N_FORWARD: fprintf(f, "forward(%s) ", n->name); print_block(f, n->a, indent); break;
    default: fprintf(f, "<%s>", node_kind_name(n->kind)); break;
    }
    fputc('\n', f);
}

const char *node_kind_name(NodeKind k) {
    static const char *names_[N_KIND_COUNT] = {
        "number", "string", "bool", "name", "list", "binary", "neg", "grad",
        "transpose", "call", "field", "keyword argument", "expression", "assignment",
        "if", "block", "print", "data", "row", "data", "model", "input", "layer",
        "setting", "seed", "precision", "train", "backward", "forward", "command", "evaluate", "summary", "predict", "def",
        "layer definition", "optimizer definition", "param", "forward", "state", "require",
        "state", "save", "load", "index", "slice", "for",
    };
    return k < N_KIND_COUNT ? names_[k] : "?";
}
