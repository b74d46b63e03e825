/* help.c — `help` and `apropos`: what every command, statement and name of
 * the language is.  Commands come from commands.c's table, statements from
 * the table here, and the stdlib's definitions from the stdlib itself: its
 * embedded sources are parsed again here, and each definition is shown with
 * its signature, its defaults, the comment block above it (its formula) and
 * its source text, so a new stdlib function gets help without an entry of
 * its own.  Primitives and builtins are described from their own tables.
 * Must not: run anything or change the interpreter's state. */
#include "autodiff/prims.h"
#include "base/diag.h"
#include "base/text.h"
#include "lang/eval.h"
#include "lang/stdlib_embed.h"
#include "teach/command_table.h"
#include "teach/help.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The statements that are not commands (those are in commands.c's table). */
static const CommandInfo statements[] = {
    { "data", "data NAME { X -> Y ... }  |  data NAME = LOADER(...)",
      "Defines a data set: rows of input -> target written out, or read from a file (csv, idx),\n"
      "generated, split or normalized.  docs/data.md lists the loaders.",
      "data xor {\n  [0, 0] -> [0]\n  [0, 1] -> [1]\n}" },
    { "model", "model NAME { input N  LAYER ARGS ... }",
      "Defines a model: its input size, then one layer per line (a layer of the stdlib or your own),\n"
      "each with its arguments, [init INIT] [regularize R] [with P = VALUE].",
      "model net {\n  input 2\n  dense 2 sigmoid\n  dense 1 sigmoid\n}" },
    { "input", "input N  |  input N, M, ...",
      "The first line of a model: the size (shape) of one input row.", "input 784" },
    { "init", "init INITIALISER",
      "The initialiser of every parameter that has none of its own (a layer's `init NAME` wins).",
      "init he_normal" },
    { "loss", "loss LOSS",
      "The loss that train, evaluate and backward compute between the model's output and the target.",
      "loss cross_entropy" },
    { "optimizer", "optimizer NAME  |  optimizer NAME(setting = value, ...)  |  optimizer NAME(...) { ... }",
      "Chooses the optimizer that train and update run, with its settings (any may be a schedule);\n"
      "with a body, defines a new optimizer (docs/language.md).",
      "optimizer adam(lr=0.01)" },
    { "seed", "seed N", "Seeds the random numbers: initialisation, shuffling, dropout, rand_*.", "seed 7" },
    { "precision", "precision float32 | float64", "The precision of the tensors made from here on.", "precision float64" },
    { "evaluate", "evaluate NET on DATA",
      "Prints the loss (and the accuracy of a classifier) of NET on DATA, layers in evaluation mode.",
      "evaluate net on xor" },
    { "def", "def NAME(PARAMS) = EXPR  |  def NAME(PARAMS) { ... }",
      "Defines a function; a parameter may have a default (name = value).  An activation, a loss or an\n"
      "initialiser is such a function.",
      "def swish(x) = x * sigmoid(x)" },
    { "layer", "layer NAME(PARAMS) { param ...  forward(x) { ... } }",
      "Defines a layer: its parameters (param W[units, in]), its state, and its forward pass.",
      "layer scale() {\n  param s[in] init ones\n  forward(x) {\n    z = x * s\n  }\n}" },
    { "param", "param NAME[SHAPE] [init INITIALISER]",
      "A trainable parameter of a layer definition; `in` is the size of the layer's input.",
      "param W[units, in]" },
    { "state", "state NAME = VALUE (an optimizer)  |  state NAME[SHAPE] init INIT (a layer)",
      "Kept between updates (one per parameter) or between passes (a layer's running statistics).",
      "state v = 0" },
    { "if", "if COND { ... } else { ... }", "Runs one block or the other.", "if nesterov { w += v } else { w -= lr * g }" },
    { "for", "for NAME in [VALUE, ...] { ... }",
      "A sweep: runs the block once per value with NAME bound to it.  The values may be numbers or names of\n"
      "initialisers, activations, optimizers ...; the block may define models, set init/loss/optimizer, train.",
      "for lr in [0.1, 0.01, 0.001] {\n  optimizer sgd(lr=lr)\n  train net on xor epochs 100\n}" },
    { "require", "require COND, \"MESSAGE\"", "Stops with MESSAGE where COND is false (a setting's domain).",
      "require lr >= 0, \"lr must be at least 0\"" },
    { "with", "LAYER ARGS with P = VALUE  |  with P = VALUE (a line of its own under a layer)",
      "Sets a parameter of a layer by hand, as the course's worked examples do; it is never re-initialised.",
      "dense 2 sigmoid with W = [[0.15, 0.2], [0.25, 0.3]], b = [0.35, 0.35]" },
    { "summary", "summary NET", "Lists NET's layers, their shapes and parameter counts.", "summary net" },
    { "predict", "predict NET on DATA [to \"FILE.csv\"] [limit N]",
      "Prints (or writes) NET's output for every row of DATA.", "predict net on test to \"out.csv\"" },
    { "save", "save NET \"FILE\"", "Writes NET's weights and optimizer state to FILE.", "save net \"net.model\"" },
    { "load", "load NET \"FILE\"", "Reads weights saved by save into NET (same layers).", "load net \"net.model\"" },
    { "grad", "grad NET.L.P", "The gradient ∂C/∂P of a parameter after train or backward.", "print grad net.1.W" },
};
enum { NSTATEMENTS = sizeof statements / sizeof statements[0] };

/* The kinds of stdlib definition, by the file they are in. */
static const struct { const char *file, *kind, *plural, *topic; } kinds[] = {
    { "activations.nnl", "an activation", "activations", "activation" },
    { "losses.nnl", "a loss", "losses", "loss" },
    { "optimizers.nnl", "an optimizer", "optimizers", "optimizer" },
    { "initializers.nnl", "an initialiser", "initialisers", "init" },
    { "layers.nnl", "a layer", "layers", "model" },
    { "schedules.nnl", "a schedule", "schedules", "schedule" },
    { "regularizers.nnl", "a regularizer", "regularizers", "regularize" },
};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };

/* One definition of the stdlib: a def, layer or optimizer at top level. */
typedef struct {
    const Node *node;
    const char *text;   /* the whole file's source */
    int kind;           /* index in kinds[], -1 for a file not listed there */
} StdDef;

static StdDef *defs;
static int ndefs;
/* name = other_name at the top of a stdlib file: another name for a
 * definition (Keras' loss names) */
static StdDef *aliases;
static int naliases;

static void load_stdlib_defs(void) {
    static Arena arena;
    static bool loaded;
    if (loaded) return;
    loaded = true;
    int cap = 0;
    for (const StdlibFile *f = nnl_stdlib_files; f->name; f++) {
        const Node *tree = parse_chunk(&arena, f->name, f->text, 1);
        if (!tree) continue;            /* cannot happen: the stdlib loaded */
        const char *base = strrchr(f->name, '/') ? strrchr(f->name, '/') + 1 : f->name;
        int kind = -1;
        for (int k = 0; k < NKINDS; k++) if (strcmp(kinds[k].file, base) == 0) kind = k;
        for (int i = 0; i < tree->kids.n; i++) {
            const Node *n = tree->kids.items[i];
            if (n->kind == N_ASSIGN && n->a && n->a->kind == N_NAME && naliases < 32) {
                if (!aliases) aliases = malloc(sizeof *aliases * 32);
                if (!aliases) abort();
                aliases[naliases++] = (StdDef){ n, f->text, kind };
            }
            if (n->kind != N_DEF && n->kind != N_LAYER_DEF && n->kind != N_OPTIMIZER_DEF) continue;
            if (ndefs == cap) { cap = cap ? 2 * cap : 64; defs = realloc(defs, sizeof *defs * (size_t)cap); }
            if (!defs) abort();
            defs[ndefs++] = (StdDef){ n, f->text, kind };
        }
    }
}

/* The start of line `line` (1-based) of text, or NULL past its end. */
static const char *line_start(const char *text, int line) {
    for (int l = 1; l < line; l++) {
        text = strchr(text, '\n');
        if (!text) return NULL;
        text++;
    }
    return *text ? text : NULL;
}

static int line_len(const char *s) { const char *e = strchr(s, '\n'); return e ? (int)(e - s) : (int)strlen(s); }

/* The comment that opens a definition's paragraph (the lines above it up to
 * a blank line: `he` shares he_uniform's), as lines [*from, *to). */
static void comment_lines(const StdDef *d, int *from, int *to) {
    int first = d->node->loc.line;
    for (const char *s; first > 1 && (s = line_start(d->text, first - 1)) && *s != '\n';) first--;
    int end = first;
    for (const char *s; end < d->node->loc.line && (s = line_start(d->text, end)) && *s == '#';) end++;
    *from = first, *to = end;
}

static void print_comment(FILE *out, const StdDef *d) {
    int from, to;
    comment_lines(d, &from, &to);
    for (int l = from; l < to; l++) {
        const char *s = line_start(d->text, l) + 1;
        int n = line_len(s);
        if (n > 0 && *s == ' ') { s++; n--; }
        fprintf(out, "  %.*s\n", n, s);
    }
}

/* The definition's own lines: up to the line where its brackets close. */
static void print_source(FILE *out, const StdDef *d) {
    int depth = 0;
    for (int l = d->node->loc.line;; l++) {
        const char *s = line_start(d->text, l);
        if (!s) break;
        int n = line_len(s);
        fprintf(out, "  %.*s\n", n, s);
        bool in_string = false;
        for (int i = 0; i < n && (in_string || s[i] != '#'); i++) {
            if (s[i] == '"' && (i == 0 || s[i - 1] != '\\')) in_string = !in_string;
            else if (!in_string && strchr("([{", s[i])) depth++;
            else if (!in_string && strchr(")]}", s[i])) depth--;
        }
        if (depth <= 0 && !(n > 0 && s[n - 1] == '\\')) break;
    }
}

/* adam(lr, beta_1, ...) or cross_entropy(softmax(a), t) */
static void print_signature(FILE *out, const Node *n) {
    fprintf(out, "%s(", n->name);
    for (int i = 0; i < n->kids.n; i++) {
        const Node *p = n->kids.items[i];
        if (i) fputs(", ", out);
        if (p->kind == N_NAME || p->kind == N_KWARG) fputs(p->name, out);
        else ast_print_expr(out, p);
    }
    fputc(')', out);
}

static bool print_defaults(FILE *out, const Node *n) {
    bool any = false;
    for (int i = 0; i < n->kids.n; i++) {
        const Node *p = n->kids.items[i];
        if (p->kind != N_KWARG) continue;
        fprintf(out, "%s%s = ", any ? ", " : "defaults: ", p->name);
        ast_print_expr(out, p->a);
        any = true;
    }
    if (any) fputc('\n', out);
    return any;
}

/* How a definition of this kind is used: `loss mse`, `dense 4 relu`, ... */
static void print_use(FILE *out, const StdDef *d) {
    const Node *n = d->node;
    const Node *setting = NULL;
    for (int i = 0; i < n->kids.n && !setting; i++) if (n->kids.items[i]->kind == N_KWARG) setting = n->kids.items[i];
    const char *topic = d->kind >= 0 ? kinds[d->kind].topic : "";
    fputs("use: ", out);
    if (n->kind == N_LAYER_DEF) {
        fprintf(out, "a line of a model: %s", n->name);
        for (int i = 0; i < n->kids.n; i++) {
            const Node *p = n->kids.items[i];
            fprintf(out, p->kind == N_KWARG ? " [%s]" : " %s", p->name);
        }
    } else if (strcmp(topic, "activation") == 0) {
        fprintf(out, "dense 4 %s", n->name);
        if (setting) { fprintf(out, "  or  dense 4 %s(%s=", n->name, setting->name); ast_print_expr(out, setting->a); fputc(')', out); }
    } else if (strcmp(topic, "loss") == 0 || strcmp(topic, "optimizer") == 0) {
        fprintf(out, "%s %s", topic, n->name);
        if (setting) { fprintf(out, "  or  %s %s(%s=", topic, n->name, setting->name); ast_print_expr(out, setting->a); fputc(')', out); }
    } else if (strcmp(topic, "init") == 0) {
        fprintf(out, "init %s  or, for one layer,  dense 4 init %s", n->name, n->name);
    } else if (strcmp(topic, "regularize") == 0) {
        fprintf(out, "regularize net %s(0.01)  or, for one layer,  dense 4 relu regularize %s(0.01)", n->name, n->name);
    } else if (strcmp(topic, "schedule") == 0) {
        fprintf(out, "as an optimizer setting: optimizer sgd(lr=%s(...))", n->name);
    } else {
        fprintf(out, "%s(...)", n->name);
    }
    fputc('\n', out);
}

static const char *kind_of(const StdDef *d) {
    if (d->kind >= 0 && (d->node->kind != N_DEF || strcmp(kinds[d->kind].topic, "model") != 0)) return kinds[d->kind].kind;
    return d->node->kind == N_OPTIMIZER_DEF ? "an optimizer" : d->node->kind == N_LAYER_DEF ? "a layer" : "a function";
}

/* help NAME for a stdlib name: every definition of it (a loss may have
 * fused forms), the first one's signature and use. */
static bool help_stdlib(FILE *out, const char *name) {
    load_stdlib_defs();
    for (int i = 0; i < naliases; i++)
        if (strcmp(aliases[i].node->name, name) == 0) {
            fprintf(out, "%s -- another name for %s, in %s:%d\n", name, aliases[i].node->a->name,
                    aliases[i].node->loc.file, aliases[i].node->loc.line);
            print_comment(out, &aliases[i]);
            name = aliases[i].node->a->name;
            break;
        }
    bool found = false;
    for (int i = 0; i < ndefs; i++) {
        const StdDef *d = &defs[i];
        if (strcmp(d->node->name, name) != 0) continue;
        if (!found) {
            print_signature(out, d->node);
            fprintf(out, " -- %s, in %s:%d\n", kind_of(d), d->node->loc.file, d->node->loc.line);
            if (!print_defaults(out, d->node)) fputs("defaults: none\n", out);
            print_use(out, d);
        } else {
            fputs("also, fused: ", out);
            print_signature(out, d->node);
            fprintf(out, " -- in %s:%d\n", d->node->loc.file, d->node->loc.line);
        }
        print_comment(out, d);
        fputs("source:\n", out);
        print_source(out, d);
        found = true;
    }
    return found;
}

/* The line "#   NAME(" in a stdlib file's comments: a primitive the file
 * lists as one of its kind (activations.nnl lists sigmoid, tanh, ...). */
static const char *prim_line(const char *text, const char *name) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "#   %s(", name);
    for (const char *s = text; s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
        if (strncmp(s, pattern, strlen(pattern)) == 0) return s;
    return NULL;
}

static const char *kind_text(int kind) {
    for (const StdlibFile *f = nnl_stdlib_files; f->name; f++) {
        const char *base = strrchr(f->name, '/') ? strrchr(f->name, '/') + 1 : f->name;
        if (strcmp(base, kinds[kind].file) == 0) return f->text;
    }
    return "";
}

/* The stdlib names of one kind, each once (the primitives its file lists
 * first), as a paragraph after `lead`. */
static void list_kind(FILE *out, int kind, const char *lead, int indent) {
    load_stdlib_defs();
    char *buf = NULL;
    size_t len = 0;
    FILE *names = open_memstream(&buf, &len);
    if (!names) abort();
    bool first = true;
    for (int p = 0; p < P_COUNT; p++)
        if (prim_line(kind_text(kind), prims[p].name)) { fprintf(names, "%s%s", first ? "" : ", ", prims[p].name); first = false; }
    for (int i = 0; i < ndefs; i++) {
        if (defs[i].kind != kind || (defs[i].node->kind == N_DEF && strcmp(kinds[kind].topic, "model") == 0)) continue;
        bool seen = false;
        for (int j = 0; j < i; j++) seen |= defs[j].node->name == defs[i].node->name;
        if (seen) continue;
        fprintf(names, "%s%s", first ? "" : ", ", defs[i].node->name);
        first = false;
    }
    for (int i = 0; i < naliases; i++)
        if (aliases[i].kind == kind) fprintf(names, "%s%s", first ? "" : ", ", aliases[i].node->name), first = false;
    fclose(names);
    print_paragraph_indented(out, lead, buf, indent);
    free(buf);
}

static void print_info(FILE *out, const CommandInfo *c) {
    fprintf(out, "%s\n%s\nexample: %s\n", c->usage, c->what, c->example);
}

/* After a statement's help, the stdlib names it takes. */
static void list_for_topic(FILE *out, const char *name) {
    for (int k = 0; k < NKINDS; k++)
        if (strcmp(kinds[k].topic, name) == 0) {
            char lead[64];
            snprintf(lead, sizeof lead, "%s in the stdlib (help NAME):", kinds[k].plural);
            lead[0] = (char)toupper((unsigned char)lead[0]);
            list_kind(out, k, lead, 1);
        }
    if (strcmp(name, "model") == 0) list_kind(out, 0, "Activations in the stdlib (help NAME):", 1);
}

static const Prim *find_prim(const char *name) {
    for (int p = 0; p < P_COUNT; p++) if (strcmp(prims[p].name, name) == 0) return &prims[p];
    return NULL;
}

/* A primitive: its rules, and the line the stdlib's comments give it. */
static void help_prim(FILE *out, const Prim *p) {
    fprintf(out, "%s(", p->name);
    for (int i = 0; i < p->arity; i++) fprintf(out, "%s%s", i ? ", " : "", p->operands[i] ? p->operands[i] : (const char *[]){ "x", "y", "z" }[i]);
    fprintf(out, "%s) -- a primitive, written in C (autodiff/prims.c)\n", p->takes_axis ? ", axis" : "");
    fprintf(out, "forward:  %s\nbackward: %s\n", p->forward_math, p->backward_math ? p->backward_math : "none");
    for (const StdlibFile *f = nnl_stdlib_files; f->name; f++) {
        const char *s = prim_line(f->text, p->name);
        if (s) fprintf(out, "in %s: %.*s\n", f->name, line_len(s + 4), s + 4);
    }
}

/* A user's definition, or a builtin: what the interpreter holds of it. */
static bool help_global(Interp *I, FILE *out, const char *name) {
    Value *v = global_find(I, intern(name));
    if (!v || v->kind != V_FUNC) return false;
    const Callable *c = v->fn;
    fprintf(out, "%s(", name);
    for (int i = 0; i < c->nparams; i++) fprintf(out, "%s%s", i ? ", " : "", c->param_names[i]);
    fputs(") -- ", out);
    if (c->kind == C_BUILTIN) fputs("a builtin, written in C (lang/builtins.c); not differentiable\n", out);
    else if (c->node) fprintf(out, "defined at %s:%d\n", c->node->loc.file, c->node->loc.line);
    else fputs("a function\n", out);
    return true;
}

/* What one entry is, in a line of 80 columns, for lists: its first line,
 * cut at a word with " ..." when it is longer. */
static void summary_line(FILE *out, const char *name, const char *what) {
    enum { ROOM = 80 - 25 };
    int n = line_len(what), cut = n, cols = 0, last_space = -1;
    for (int i = 0; i < n; i++) {
        if (((unsigned char)what[i] & 0xC0) == 0x80) continue;
        if (what[i] == ' ' && cols <= ROOM - 4) last_space = i;
        if (++cols > ROOM) { cut = last_space > 0 ? last_space : i; break; }
    }
    fprintf(out, "  %-22s %.*s%s\n", name, cut, what, cut < n ? " ..." : "");
}

static bool contains(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++) if (strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

static const CommandInfo *info_at(int i) {
    return i < NSTATEMENTS ? &statements[i] : command_info(i - NSTATEMENTS);
}

/* Every entry whose name is near `word`, or whose text mentions it. */
static int apropos(FILE *out, const char *word) {
    int found = 0;
    for (int i = 0; info_at(i); i++) {
        const CommandInfo *c = info_at(i);
        if (contains(c->name, word) || contains(c->usage, word) || contains(c->what, word) ||
            levenshtein(c->name, word) <= 2) { summary_line(out, c->name, c->usage); found++; }
    }
    load_stdlib_defs();
    for (int i = 0; i < ndefs; i++) {
        const StdDef *d = &defs[i];
        bool seen = false;
        for (int j = 0; j < i; j++) seen |= defs[j].node->name == d->node->name;
        if (seen) continue;
        int from, to;
        comment_lines(d, &from, &to);
        const char *comment = line_start(d->text, from), *end = line_start(d->text, to);
        bool hit = contains(d->node->name, word) || levenshtein(d->node->name, word) <= 2;
        for (const char *s = comment; !hit && s < end; s++) hit = strncasecmp(s, word, strlen(word)) == 0;
        if (!hit) continue;
        char what[160];
        const char *first_line = from < to ? comment + 2 : "";
        snprintf(what, sizeof what, "%s: %.*s", kind_of(d), line_len(first_line), first_line);
        summary_line(out, d->node->name, what);
        found++;
    }
    for (int p = 0; p < P_COUNT; p++)
        if (contains(prims[p].name, word) || levenshtein(prims[p].name, word) <= 1) {
            char what[160];
            snprintf(what, sizeof what, "a primitive: %s", prims[p].forward_math);
            summary_line(out, prims[p].name, what);
            found++;
        }
    return found;
}

static const char *word_of(const Node *cmd) {
    if (cmd->kids.n != 1) fail_at(cmd->loc, "usage: %s", command_usage(cmd->name));
    const Node *w = cmd->kids.items[0];
    if (w->kind != N_NAME && w->kind != N_STR) fail_at(w->loc, "usage: %s", command_usage(cmd->name));
    return w->name;
}

static void help_overview(FILE *out) {
    fputs("Build a net line by line (data, model, loss, optimizer, ...), then look at one pass:\n", out);
    for (int i = 0; command_info(i); i++) fprintf(out, "  %-11s %s\n", command_info(i)->name, command_info(i)->usage);
    char names[512] = "";
    for (int i = 0; i < NSTATEMENTS; i++) snprintf(names + strlen(names), sizeof names - strlen(names), " %s", statements[i].name);
    print_paragraph_indented(out, "Statements:", names, 1);
    fputs("The stdlib:\n", out);
    for (int k = 0; k < NKINDS; k++) {
        char lead[40];
        snprintf(lead, sizeof lead, "  %-13s", kinds[k].plural);
        list_kind(out, k, lead, 15);
    }
    fputs("help NAME tells more of any of them; apropos WORD finds entries that mention WORD.\n"
          "docs/repl.md walks through a whole pass.\n", out);
}

bool help_statement(FILE *out, const char *name) {
    for (int i = 0; info_at(i); i++)
        if (strcmp(info_at(i)->name, name) == 0) { print_info(out, info_at(i)); list_for_topic(out, name); return true; }
    return false;
}

/* help NAME to out: false when there is no entry of that name */
static bool help_entry(Interp *I, FILE *out, const char *name) {
    bool found = help_statement(out, name);
    for (int k = 0; k < NKINDS && !found; k++)      /* help activation, help schedule: the kind's names */
        if (strcmp(kinds[k].topic, name) == 0) { list_for_topic(out, name); found = true; }
    /* a name may be a command and a primitive too (step) */
    if (help_stdlib(out, name)) return true;
    const Prim *p = find_prim(name);
    if (p) { help_prim(out, p); return true; }
    return found || help_global(I, out, name);
}

void exec_help(Interp *I, const Node *cmd) {
    if (cmd->kids.n == 0) { if (!I->dry_run) help_overview(I->out); return; }
    const char *name = word_of(cmd);
    /* the check pass looks the name up too, and prints nothing */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) abort();
    bool entry = help_entry(I, mem, name);
    int related = entry ? 0 : apropos(mem, name);
    fclose(mem);
    if (!I->dry_run && entry) fputs(buf, I->out);
    else if (!I->dry_run && related) fprintf(I->out, "no help on '%s'; related entries:\n%s", name, buf);
    free(buf);
    if (!entry && !related)
        fail_at(cmd->kids.items[0]->loc, "no help on '%s', and no entry mentions it; 'help' lists everything", name);
}

void exec_apropos(Interp *I, const Node *cmd) {
    const char *word = word_of(cmd);
    if (I->dry_run) return;
    if (apropos(I->out, word) == 0) fprintf(I->out, "nothing mentions '%s'; 'help' lists everything\n", word);
}
