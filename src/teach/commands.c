/* commands.c — the words that step and inspect a pass (`step`, `show`,
 * `update`, …) and the session settings (`set precision`, `break`): the
 * dispatch of every command to the file that does it, the added ones
 * (command_table.c) first.  Must not: move the cursor or compute anything
 * itself (trace.c, explain.c, update.c do), or hold the names and usage of
 * the commands (command_table.c does, for help and completion). */
#include "autodiff/prims.h"
#include "base/diag.h"
#include "base/text.h"
#include "lang/settings.h"
#include "teach/command_table.h"
#include "teach/commands.h"
#include "teach/diagnose.h"
#include "teach/explain.h"
#include "teach/help.h"
#include "teach/trace.h"
#include "teach/update.h"
#include <math.h>
#include <string.h>

static void set(Interp *I, const Node *n) {
    const Node *what = n->kids.n ? n->kids.items[0] : NULL;
    if (!what || what->kind != N_NAME || strcmp(what->name, "precision") != 0 || n->kids.n != 2 ||
        n->kids.items[1]->kind != N_NUM)
        fail_at(n->loc, "usage: set precision N (the number of significant digits printed)");
    double d = n->kids.items[1]->num;
    if (!(d >= 1 && d <= 17) || d != floor(d))      /* range first: (int)1e30 is undefined */
        fail_at(n->kids.items[1]->loc, "precision must be a whole number of digits from 1 to 17, got %s", number_text(d));
    I->digits = (int)d;
}

static void list_breaks(Interp *I) {
    if (I->dry_run) return;
    if (I->nbreaks == 0) { fputs("no breakpoints\n", I->out); return; }
    for (int b = 0; b < I->nbreaks; b++) {
        const Breakpoint *bp = &I->breaks[b];
        if (bp->op >= 0) fprintf(I->out, "breakpoint %d: before every %s op\n", b + 1, prims[bp->op].name);
        else if (bp->layer < 0) fprintf(I->out, "breakpoint %d: before the loss\n", b + 1);
        else fprintf(I->out, "breakpoint %d: before layer %d\n", b + 1, bp->layer);
    }
}

static void set_break(Interp *I, const Node *n) {
    if (n->kids.n == 0) { list_breaks(I); return; }
    const Node *w = n->kids.items[0];
    if (n->kids.n > 1) fail_at(n->kids.items[1]->loc, "'break' takes one layer, 'loss' or a primitive's name");
    if (w->kind == N_NAME && strcmp(w->name, "clear") == 0) { I->nbreaks = 0; return; }
    Breakpoint bp = { .layer = 0, .op = -1 };
    if (w->kind == N_NUM) {
        if (!(w->num >= 1 && w->num <= 1e6) || w->num != floor(w->num))
            fail_at(w->loc, "a layer number is a whole number from 1, got %s", number_text(w->num));
        bp.layer = (int)w->num;
    } else if (w->kind == N_NAME && strcmp(w->name, "loss") == 0) {
        bp.layer = -1;
    } else if (w->kind == N_NAME) {
        for (int p = 0; p < P_COUNT; p++) if (strcmp(prims[p].name, w->name) == 0) bp.op = p;
        if (bp.op < 0) {
            const char *best = NULL;
            for (int p = 0; p < P_COUNT; p++) if (levenshtein(w->name, prims[p].name) <= 2) best = prims[p].name;
            if (best) fail_at(w->loc, "no primitive '%s' to break at; did you mean '%s'?", w->name, best);
            fail_at(w->loc, "'break' takes a layer number, 'loss' or a primitive's name (matmul, add, sigmoid, ...), not '%s'", w->name);
        }
    } else {
        fail_at(w->loc, "'break' takes a layer number, 'loss' or a primitive's name");
    }
    if (I->nbreaks == (int)(sizeof I->breaks / sizeof I->breaks[0])) fail_at(w->loc, "too many breakpoints ('break clear' removes them)");
    I->breaks[I->nbreaks++] = bp;
    if (!I->dry_run) {
        fprintf(I->out, "breakpoint %d: ", I->nbreaks);
        if (bp.op >= 0) fprintf(I->out, "before every %s op\n", prims[bp.op].name);
        else if (bp.layer < 0) fputs("before the loss\n", I->out);
        else fprintf(I->out, "before layer %d\n", bp.layer);
    }
}

static void track(Interp *I, const Node *n) {
    const NodeList *w = &n->kids;
    bool on = w->n == 1 && w->items[0]->kind == N_NAME && strcmp(w->items[0]->name, "gradients") == 0;
    bool off = (w->n == 1 && w->items[0]->kind == N_NAME && strcmp(w->items[0]->name, "off") == 0) ||
               (w->n == 2 && w->items[0]->kind == N_NAME && strcmp(w->items[0]->name, "gradients") == 0 &&
                w->items[1]->kind == N_NAME && strcmp(w->items[1]->name, "off") == 0);
    if (!on && !off) fail_at(w->n ? w->items[0]->loc : n->loc, "usage: %s", command_usage("track"));
    I->track_gradients = on;
}

static void no_words(const Node *n) {
    if (n->kids.n) fail_at(n->kids.items[0]->loc, "'%s' takes nothing more (help %s)", n->name, n->name);
}

void exec_command(Interp *I, const Node *n) {
    const char *c = n->name;
    CommandRun run = command_added(c);
    if (run) { run(I, n); return; }
    if (exec_diagnostic(I, n)) return;
    if (strcmp(c, "show") == 0) { trace_show(I, n); return; }
    if (strcmp(c, "help") == 0) { exec_help(I, n); return; }
    if (strcmp(c, "apropos") == 0) { exec_apropos(I, n); return; }
    if (strcmp(c, "set") == 0) { set(I, n); return; }
    if (strcmp(c, "break") == 0) { set_break(I, n); return; }
    if (strcmp(c, "track") == 0) { track(I, n); return; }
    if (strcmp(c, "reset") == 0) {
        if (n->kids.n != 1 || n->kids.items[0]->kind != N_NAME) fail_at(n->loc, "usage: reset NET");
        exec_reset(I, find_model(I, n->kids.items[0]->name, n->kids.items[0]->loc), n->loc);
        return;
    }
    no_words(n);
    if (strcmp(c, "step") == 0) trace_step(I, n->loc);
    else if (strcmp(c, "next") == 0) trace_next(I, n->loc);
    else if (strcmp(c, "continue") == 0) trace_continue(I, false, n->loc);
    else if (strcmp(c, "finish") == 0) trace_continue(I, true, n->loc);
    else if (strcmp(c, "where") == 0) trace_where(I, n->loc);
    else if (strcmp(c, "tape") == 0) trace_list(I, n->loc);
    else if (strcmp(c, "explain") == 0) trace_explain(I, n->loc);
    else if (strcmp(c, "update") == 0) exec_update(I, n->loc);
    else if (strcmp(c, "undo") == 0) exec_undo(I, n->loc);
    else fail_at(n->loc, "unknown command '%s'", c);
}
