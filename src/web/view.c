/* view.c — the `view` command and the session side of the live page:
 * `view [on PORT]` starts the server (server.c) and prints its URL, `view
 * off` stops it, `view pass to "FILE.html"` writes the current pass as one
 * page with every position in it.  After each statement the page's object is
 * built again (passjson.c) and published; a command from the page is turned
 * into the REPL line it stands for (`train 25` → `train NET on DATA epochs
 * 25`) and run by the REPL as if typed, its output captured for the page.
 * After an update, undo, reset or train from the page, the same rows are run
 * again (teach/pass.h: pass_again) so that the page has a pass to step.
 * Must not: compute what the REPL shows by other means, or run anything the
 * page asks but the stepping and training commands of handle.h. */
#include "base/diag.h"
#include "base/files.h"
#include "base/text.h"
#include "lang/loaders.h"
#include "teach/command_table.h"
#include "teach/pass.h"
#include "teach/trace.h"
#include "web/page.h"
#include "web/passjson.h"
#include "web/server.h"
#include "web/view.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Interp *owner;       /* the session the server shows */
static int row;             /* the row the page shows (`row K` from the page) */

int web_wake_fd(void) { return server_wake_fd(); }

static void publish(Interp *I) {
    FILE *quiet = fopen("/dev/null", "w");
    if (quiet) diag_set_stream(quiet);
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) == 0) {
        char *json = view_json(I, row, true, (SrcLoc){ 0 });
        diag_pop(&h);
        server_publish(json);
        free(json);
    }
    diag_set_stream(stderr);
    if (quiet) fclose(quiet);
}

void web_statement_done(Interp *I) {
    if (I == owner && server_running()) publish(I);
}

void web_session_end(Interp *I) {
    if (I != owner) return;
    server_stop();
    owner = NULL;
}

bool web_view_start(Interp *I, int port) {
    char why[200];
    if (!server_start(port, why, sizeof why)) {
        fprintf(stderr, "nnl: view: %s\n", why);
        return false;
    }
    owner = I;
    row = 0;
    publish(I);
    fprintf(I->out, "view: http://127.0.0.1:%d/?t=%s\n", server_port(), server_token());
    fflush(I->out);
    return true;
}

/* ---- the offline file ------------------------------------------------------ */

static void write_pass(Interp *I, const Node *file, SrcLoc loc) {
    if (file->kind != N_STR || !file->name[0]) fail_at(file->loc, "'view pass to' takes a file name in quotes, e.g. view pass to \"pass.html\"");
    Trace *t = trace_need(I, loc);
    if (t->applied || trace_stale(t))
        fail_at(loc, "the weights of '%s' changed since this pass; run 'backward' again before writing it", t->model->name);
    const char *path = script_path(I, file->name, file->loc), *refused = file_check_writable(path);
    if (refused) fail_at(file->loc, "cannot write '%s': %s", path, refused);
    if (I->dry_run) return;
    char *json = view_json(I, 0, false, loc);
    size_t len;
    char *page = view_page(json, &len);
    free(json);
    if (!page) diag_out_of_memory(len);
    const char *why = file_write_atomically(path, page, len);
    free(page);
    if (why) fail_at(file->loc, "cannot write '%s': %s", path, why);
    fprintf(I->out, "view: wrote %s (the pass of %s, %d positions; open it in a browser)\n", path, t->model->name,
            trace_total(t) + 1);
}

/* ---- the command ------------------------------------------------------------- */

static const CommandInfo info = {
    "view", "view | view on PORT | view off | view pass to \"FILE.html\"",
    "Shows the session in a browser: starts a small web server on 127.0.0.1 (port PORT, or any\n"
    "free one) and prints its URL with a secret token.  The page draws the network with its weights,\n"
    "the pass at the cursor (a, z, δ, gradients, explain), the loss curve and, for 2 inputs, every\n"
    "unit over the plane; it follows the prompt, and its buttons step the REPL.  `view off` stops\n"
    "it.  `view pass to FILE` writes the current pass as one page that needs nothing else, every\n"
    "position in it, to step back and forth offline.  docs/view.md tells more.",
    "view pass to \"pass.html\"",
};

static void run_view(Interp *I, const Node *n) {
    const NodeList *k = &n->kids;
    const Node *w = k->n ? k->items[0] : NULL;
    const char *word = w && w->kind == N_NAME ? w->name : NULL;
    if (!w) {
        if (I->dry_run) return;
        if (server_running() && owner == I) {
            fprintf(I->out, "view: http://127.0.0.1:%d/?t=%s\n", server_port(), server_token());
            return;
        }
        if (!web_view_start(I, 0)) fail_at(n->loc, "the view could not start");
        return;
    }
    if (word && strcmp(word, "off") == 0 && k->n == 1) {
        if (I->dry_run) return;
        if (!server_running()) { fputs("view: it was not on\n", I->out); return; }
        web_session_end(I);
        fputs("view: stopped\n", I->out);
        return;
    }
    if (word && strcmp(word, "on") == 0 && k->n == 2 && k->items[1]->kind == N_NUM) {
        double p = k->items[1]->num;
        if (!(p >= 1 && p <= 65535) || p != floor(p)) fail_at(k->items[1]->loc, "a port is a whole number from 1 to 65535, got %s", number_text(p));
        if (I->dry_run) return;
        if (!web_view_start(I, (int)p)) fail_at(n->loc, "the view could not start on port %d", (int)p);
        return;
    }
    if (word && strcmp(word, "pass") == 0 && k->n == 3 && k->items[1]->kind == N_NAME &&
        strcmp(k->items[1]->name, "to") == 0) {
        write_pass(I, k->items[2], n->loc);
        return;
    }
    fail_at(w->loc, "usage: %s", info.usage);
}

void web_register_commands(void) { command_add(&info, run_view); }

/* ---- the page's commands --------------------------------------------------------- */

/* the REPL line a command stands for, or NULL with the reason in why */
static const char *line_for(Interp *I, const WebCommand *c, char *buf, size_t size, char *why, size_t wsize) {
    Model *m = view_model(I);
    switch (c->kind) {
    case WEB_RESET:
        if (!m) { snprintf(why, wsize, "there is no model to reset"); return NULL; }
        snprintf(buf, size, "reset %s", m->name);
        return buf;
    case WEB_TRAIN: {
        const char *data = m ? view_dataset(I, m) : NULL;
        if (!data) {
            snprintf(why, wsize, "Train needs a data set: the pass is not on one, and not exactly one data set fits "
                                 "the model; run 'backward NET on DATA' (or train at the prompt)");
            return NULL;
        }
        snprintf(buf, size, "train %s on %s epochs %ld", m->name, data, c->n);
        return buf;
    }
    default:
        return web_command_text(c, buf, size);
    }
}

typedef struct Capture { FILE *mem, *err; char *out_text, *err_text; size_t out_len, err_len; FILE *out; } Capture;

static bool capture_begin(Interp *I, Capture *c) {
    memset(c, 0, sizeof *c);
    c->mem = open_memstream(&c->out_text, &c->out_len);
    c->err = open_memstream(&c->err_text, &c->err_len);
    if (!c->mem || !c->err) return false;
    c->out = I->out;
    I->out = c->mem;
    diag_set_stream(c->err);
    return true;
}

/* puts the output where it would have gone, and appends it to *out, *err */
static void capture_end(Interp *I, Capture *c, char **out, char **err) {
    I->out = c->out;
    diag_set_stream(stderr);
    fclose(c->mem);
    fclose(c->err);
    fwrite(c->out_text, 1, c->out_len, I->out);
    fflush(I->out);
    fwrite(c->err_text, 1, c->err_len, stderr);
    char **to[2] = { out, err };
    char *from[2] = { c->out_text, c->err_text };
    for (int i = 0; i < 2; i++) {
        size_t a = *to[i] ? strlen(*to[i]) : 0, b = strlen(from[i]);
        char *joined = realloc(*to[i], a + b + 1);
        if (joined) { memcpy(joined + a, from[i], b + 1); *to[i] = joined; }
        free(from[i]);
    }
}

void web_service(Interp *I, WebRunLine run, void *ctx) {
    WebCommand c;
    if (I != owner || !server_take(&c)) return;
    char *out = NULL, *err = NULL;
    int status = 200;
    if (c.kind == WEB_ROW) {
        int rows = view_rows(I);
        if (c.n < rows) {
            row = (int)c.n;
            char text[64];
            snprintf(text, sizeof text, "showing row %d of %d\n", row, rows);
            out = strdup(text);
        } else {
            status = 400;
            char text[120];
            snprintf(text, sizeof text, "row %ld: the pass has %d row%s (0 to %d)", c.n, rows, rows == 1 ? "" : "s", rows - 1);
            err = strdup(text);
        }
    } else {
        char line[200], why[300];
        const char *text = line_for(I, &c, line, sizeof line, why, sizeof why);
        Capture cap;
        if (!text) { status = 400; err = strdup(why); }
        else if (!capture_begin(I, &cap)) { status = 500; err = strdup("out of memory"); }
        else {
            fprintf(cap.out, "nnl> %s   # from the view\n", text);
            fflush(cap.out);
            WebRan ran = run(ctx, text);
            bool moved = c.kind == WEB_UPDATE || c.kind == WEB_UNDO || c.kind == WEB_RESET || c.kind == WEB_TRAIN;
            if (ran == WEB_RAN && moved && I->trace && (I->trace->applied || trace_stale(I->trace))) {
                fprintf(I->out, "view: the same rows again, on the new weights:\n");
                DiagHandler h;
                diag_push(&h);
                if (setjmp(h.env) == 0) {
                    pass_again(I, (SrcLoc){ "<view>", 1, 1 });
                    diag_pop(&h);
                }
            }
            capture_end(I, &cap, &out, &err);
            if (ran == WEB_BUSY) {
                status = 409;
                free(err);
                err = strdup("a statement is half typed at the prompt; finish it first");
            } else if (ran == WEB_FAILED) status = 400;
        }
    }
    if (status != 200 && !err) err = strdup("the command failed");
    publish(I);                 /* first: the page fetches /pass.json once answered */
    server_done(status, out, err);
}
