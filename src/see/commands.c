/* commands.c (see) — the words of the pictures stage and their help:
 * `graph NET [to "FILE"]`, `graph pass [ops] [to "FILE"]`.  Reads the
 * words, checks them (in the check pass too), picks the picture and where
 * it goes.  Must not: draw (graph_*.c) or write files (graph_render.c). */
#include "base/arena.h"
#include "base/diag.h"
#include "lang/loaders.h"
#include "lang/settings.h"
#include "see/commands.h"
#include "see/graph.h"
#include "see/graph_render.h"
#include "teach/command_table.h"
#include "teach/trace.h"
#include <string.h>

static const CommandInfo graph_info = {
    "graph", "graph NET [to \"FILE\"]  |  graph pass [ops] [to \"FILE\"]",
    "Draws a graph with Graphviz.  graph NET: the model, a box per layer with its kind, activation,\n"
    "output shape and parameters.  graph pass: the current pass, each value and parameter with\n"
    "data | grad as show reports them at the cursor (not reached yet, no gradient, partial), the\n"
    "step just taken highlighted; per layer, or per primitive op with `ops`.  Without `to` it prints\n"
    "the DOT text; FILE ends in .dot (the DOT text) or .svg (laid out by Graphviz's dot).",
    "graph pass to \"pass.svg\"" };

static _Noreturn void usage(SrcLoc loc) {
    fail_at(loc, "usage: graph NET [to \"FILE\"] or graph pass [ops] [to \"FILE\"] (FILE ends in .dot or .svg)");
}

static bool is_word(const Node *n, const char *word) { return n && n->kind == N_NAME && strcmp(n->name, word) == 0; }

static void run_graph(Interp *I, const Node *cmd) {
    int n = cmd->kids.n, k = 1;
    const Node *what = n ? cmd->kids.items[0] : NULL;
    if (!what || what->kind != N_NAME) usage(what ? what->loc : cmd->loc);
    bool pass = strcmp(what->name, "pass") == 0, ops = false;
    if (k < n && is_word(cmd->kids.items[k], "ops")) {
        if (!pass) fail_at(cmd->kids.items[k]->loc, "only 'graph pass ops' draws ops; a model is drawn a layer a box");
        ops = true;
        k++;
    }
    const char *path = NULL;
    SrcLoc file_loc = cmd->loc;
    if (k < n && is_word(cmd->kids.items[k], "to")) {
        const Node *f = k + 1 < n ? cmd->kids.items[k + 1] : NULL;
        if (!f || f->kind != N_STR) fail_at(f ? f->loc : cmd->kids.items[k]->loc,
                                            "'to' needs a file name in quotes, e.g. graph %s to \"%s.svg\"",
                                            what->name, what->name);
        if (!f->name[0]) fail_at(f->loc, "'to' needs a file name, not an empty string");
        file_loc = f->loc;
        path = script_path(I, f->name, f->loc);
        k += 2;
    }
    if (k < n) usage(cmd->kids.items[k]->loc);
    const Trace *t = pass ? trace_need(I, what->loc) : NULL;
    Model *m = pass ? NULL : find_model(I, what->name, what->loc);
    if (path) graph_check_file(I, path, file_loc);
    if (I->dry_run) return;
    size_t len;
    char *dot = pass ? (ops ? graph_pass_ops(I, t, &len) : graph_pass(I, t, &len)) : graph_model(I, m, &len);
    const char *name = pass ? arena_printf(&I->pass, "graph of the pass of %s%s", t->model->name, ops ? " per op" : "")
                            : arena_printf(&I->pass, "graph of model %s", m->name);
    graph_emit(I, dot, len, path, name, file_loc);
}

void graph_register_commands(void) { command_add(&graph_info, run_graph); }
