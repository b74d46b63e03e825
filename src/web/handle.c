/* handle.c — the view's requests, answered by one pure function: the Host
 * must be 127.0.0.1:PORT or localhost:PORT (a page of another site that
 * renamed itself to 127.0.0.1 — DNS rebinding — is refused), the token t=
 * must match (compared in constant time), and only four routes exist:
 * GET / (the page), GET /pass.json, GET /events (the server streams), POST
 * /command with one of the page's commands.  Anything else gets 403, 404,
 * 405 or 400 with {"ok": false, "error": ...}.
 * Must not: read the session or wait for it (the site's callbacks do), or
 * touch a socket (server.c does). */
#include "web/handle.h"
#include "web/page.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { const char *word; WebCommandKind kind; bool number; } words[] = {
    { "step", WEB_STEP, false }, { "next", WEB_NEXT, false }, { "continue", WEB_CONTINUE, false },
    { "update", WEB_UPDATE, false }, { "undo", WEB_UNDO, false }, { "reset", WEB_RESET, false },
    { "train", WEB_TRAIN, true }, { "row", WEB_ROW, true },
};

bool web_parse_command(const char *body, size_t len, WebCommand *c, char *why, size_t size) {
    if (!body || len == 0) { snprintf(why, size, "an empty command; the page sends step, next, continue, update, undo, reset, train N or row K"); return false; }
    if (len > WEB_MAX_BODY) { snprintf(why, size, "the command is too long (%zu bytes)", len); return false; }
    if (body[len - 1] == '\n') len--;
    if (len && body[len - 1] == '\r') len--;
    size_t w = 0;
    while (w < len && body[w] >= 'a' && body[w] <= 'z') w++;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        if (strlen(words[i].word) != w || memcmp(body, words[i].word, w) != 0) continue;
        c->kind = words[i].kind;
        c->n = 0;
        if (!words[i].number) {
            if (w == len) return true;
            snprintf(why, size, "'%s' takes nothing more", words[i].word);
            return false;
        }
        long limit = c->kind == WEB_TRAIN ? WEB_MAX_EPOCHS : WEB_MAX_ROW, lo = c->kind == WEB_TRAIN;
        size_t d = w + 1;
        bool ok = w < len && body[w] == ' ' && d < len;
        for (size_t i2 = d; ok && i2 < len; i2++) {
            ok = body[i2] >= '0' && body[i2] <= '9' && c->n <= limit;
            c->n = c->n * 10 + (body[i2] - '0');
        }
        if (ok && c->n >= lo && c->n <= limit) return true;
        snprintf(why, size, "'%s' takes a whole number from %ld to %ld", words[i].word, lo, limit);
        return false;
    }
    snprintf(why, size, "unknown command; the page sends step, next, continue, update, undo, reset, train N or row K");
    return false;
}

const char *web_command_text(const WebCommand *c, char *buf, size_t size) {
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (words[i].kind == c->kind) {
            if (words[i].number) snprintf(buf, size, "%s %ld", words[i].word, c->n);
            else snprintf(buf, size, "%s", words[i].word);
            return buf;
        }
    snprintf(buf, size, "?");
    return buf;
}

static void reply(WebResponse *r, int status, cJSON *o) {
    r->status = status;
    r->type = "application/json; charset=utf-8";
    r->body = cJSON_PrintUnformatted(o);
    r->len = r->body ? strlen(r->body) : 0;
    cJSON_Delete(o);
}

static void refuse(WebResponse *r, int status, const char *error) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddFalseToObject(o, "ok");
    cJSON_AddStringToObject(o, "error", error);
    reply(r, status, o);
}

static bool host_ok(const char *host, int port) {
    if (!host) return false;
    char want[64];
    for (int i = 0; i < 2; i++) {
        snprintf(want, sizeof want, "%s:%d", i ? "localhost" : "127.0.0.1", port);
        if (strcasecmp(host, want) == 0) return true;
    }
    return false;
}

static bool token_ok(const char *got, const char *want) {
    if (!got || !want) return false;
    size_t n = strlen(want);
    if (strlen(got) != n) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++) diff |= (unsigned char)(got[i] ^ want[i]);
    return diff == 0;
}

static void command(const WebSite *site, const WebRequest *req, WebResponse *r) {
    WebCommand c;
    char why[200];
    if (!web_parse_command(req->body, req->body_len, &c, why, sizeof why)) { refuse(r, 400, why); return; }
    char *output = NULL, *error = NULL;
    int status = site->command(site->ctx, &c, &output, &error);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", status == 200);
    if (status == 200) cJSON_AddStringToObject(o, "output", output ? output : "");
    else cJSON_AddStringToObject(o, "error", error ? error : "the command failed");
    if (status != 200 && output && *output) cJSON_AddStringToObject(o, "output", output);
    free(output);
    free(error);
    reply(r, status, o);
}

void web_handle(const WebSite *site, const WebRequest *req, WebResponse *r) {
    memset(r, 0, sizeof *r);
    const char *path = req->path ? req->path : "";
    const char *method = req->method ? req->method : "";
    if (!host_ok(req->host, site->port)) { refuse(r, 403, "this server answers only to 127.0.0.1 and localhost"); return; }
    if (!token_ok(req->token, site->token)) { refuse(r, 403, "a missing or wrong token (t=): use the URL nnl printed"); return; }
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    if (strcmp(path, "/command") == 0) {
        if (!post) { refuse(r, 405, "/command takes POST"); return; }
        command(site, req, r);
        return;
    }
    if (strcmp(path, "/") != 0 && strcmp(path, "/pass.json") != 0 && strcmp(path, "/events") != 0) {
        refuse(r, 404, "no such page: the view has /, /pass.json, /events and /command");
        return;
    }
    if (!get) { refuse(r, 405, "this page takes GET"); return; }
    if (strcmp(path, "/events") == 0) {
        r->status = 200;
        r->type = "text/event-stream";
        r->events = true;
        return;
    }
    char *json = site->state(site->ctx);
    if (!json) { refuse(r, 503, "nothing to show yet"); return; }
    r->status = 200;
    if (strcmp(path, "/pass.json") == 0) {
        r->type = "application/json; charset=utf-8";
        r->body = json;
        r->len = strlen(json);
        return;
    }
    r->type = "text/html; charset=utf-8";
    r->body = view_page(json, &r->len);
    free(json);
    if (!r->body) refuse(r, 500, "out of memory");
}

void web_response_free(WebResponse *r) {
    free(r->body);
    r->body = NULL;
}
