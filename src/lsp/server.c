/* server.c — nnl lsp: reads requests and notifications, keeps the open
 * documents, publishes diagnostics when one opens or changes, answers
 * hover, completion and definition.  Full text sync.
 * Must not: write anything but protocol messages to the protocol's stream. */
#include "lsp/query.h"
#include "lsp/rpc.h"
#include "lsp/server.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct Server {
    FILE *in, *out;
    const LspRunner *runner;
    Doc *docs;
    bool initialized, shut_down;
} Server;

static cJSON *item(const cJSON *o, const char *key) { return cJSON_GetObjectItemCaseSensitive(o, key); }
static const char *string(const cJSON *o, const char *key) {
    const cJSON *s = item(o, key);
    return cJSON_IsString(s) ? s->valuestring : NULL;
}

static cJSON *capabilities(void) {
    cJSON *r = cJSON_CreateObject();
    cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
    cJSON_AddNumberToObject(caps, "textDocumentSync", 1);      /* the whole text each time */
    cJSON_AddBoolToObject(caps, "hoverProvider", 1);
    cJSON *completion = cJSON_AddObjectToObject(caps, "completionProvider");
    cJSON *triggers = cJSON_AddArrayToObject(completion, "triggerCharacters");
    cJSON_AddItemToArray(triggers, cJSON_CreateString("."));
    cJSON_AddBoolToObject(caps, "definitionProvider", 1);
    cJSON *info = cJSON_AddObjectToObject(r, "serverInfo");
    cJSON_AddStringToObject(info, "name", "nnl");
    return r;
}

static void publish(Server *s, Doc *d) {
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "uri", d->uri);
    cJSON_AddItemToObject(params, "diagnostics", doc_check(d, s->runner));
    rpc_write(s->out, rpc_notification("textDocument/publishDiagnostics", params));
}

static void did_open(Server *s, const cJSON *params) {
    const cJSON *td = item(params, "textDocument");
    const char *uri = string(td, "uri"), *text = string(td, "text");
    if (!uri || !text) return;
    Doc *d = doc_find(s->docs, uri);
    if (d) doc_change(d, text, s->runner);
    else d = doc_open(&s->docs, uri, text, s->runner);
    publish(s, d);
}

static void did_change(Server *s, const cJSON *params) {
    const char *uri = string(item(params, "textDocument"), "uri");
    Doc *d = uri ? doc_find(s->docs, uri) : NULL;
    const cJSON *changes = item(params, "contentChanges");
    const cJSON *last = changes ? cJSON_GetArrayItem(changes, cJSON_GetArraySize(changes) - 1) : NULL;
    const char *text = string(last, "text");
    if (!d || !text) return;
    doc_change(d, text, s->runner);
    publish(s, d);
}

static void did_close(Server *s, const cJSON *params) {
    const char *uri = string(item(params, "textDocument"), "uri");
    Doc *d = uri ? doc_find(s->docs, uri) : NULL;
    if (!d) return;
    doc_close(&s->docs, d, s->runner);
    cJSON *p = cJSON_CreateObject();              /* its diagnostics go with it */
    cJSON_AddStringToObject(p, "uri", uri);
    cJSON_AddItemToObject(p, "diagnostics", cJSON_CreateArray());
    rpc_write(s->out, rpc_notification("textDocument/publishDiagnostics", p));
}

/* a request about a place: the document and the position, or false */
static bool place(Server *s, const cJSON *params, Doc **d, int *line, int *character) {
    const char *uri = string(item(params, "textDocument"), "uri");
    const cJSON *pos = item(params, "position");
    const cJSON *l = item(pos, "line"), *c = item(pos, "character");
    *d = uri ? doc_find(s->docs, uri) : NULL;
    if (!*d || !cJSON_IsNumber(l) || !cJSON_IsNumber(c)) return false;
    *line = l->valueint;
    *character = c->valueint;
    return *line >= 0 && *character >= 0;
}

static cJSON *request(Server *s, const char *method, const cJSON *params, int *code) {
    Doc *d;
    int line, character;
    if (strcmp(method, "initialize") == 0) { s->initialized = true; return capabilities(); }
    if (!s->initialized) { *code = RPC_SERVER_NOT_INITIALIZED; return NULL; }
    if (strcmp(method, "shutdown") == 0) { s->shut_down = true; return cJSON_CreateNull(); }
    bool hover = strcmp(method, "textDocument/hover") == 0, complete = strcmp(method, "textDocument/completion") == 0;
    if (hover || complete || strcmp(method, "textDocument/definition") == 0) {
        if (!place(s, params, &d, &line, &character)) return complete ? cJSON_CreateArray() : NULL;
        QueryText q = doc_query(d);
        return hover ? query_hover(&q, line, character) : complete ? query_completion(&q, line, character)
                                                             : query_definition(&q, line, character);
    }
    *code = RPC_METHOD_NOT_FOUND;
    return NULL;
}

static void notification(Server *s, const char *method, const cJSON *params) {
    if (!s->initialized) return;
    if (strcmp(method, "textDocument/didOpen") == 0) did_open(s, params);
    else if (strcmp(method, "textDocument/didChange") == 0) did_change(s, params);
    else if (strcmp(method, "textDocument/didClose") == 0) did_close(s, params);
    /* initialized, didSave, $/cancelRequest, ...: nothing to do */
}

int lsp_serve(const LspRunner *runner) {
    /* the protocol keeps the real standard output; anything printed by
     * mistake goes to standard error instead of corrupting it */
    int proto = dup(STDOUT_FILENO);
    FILE *out = proto >= 0 ? fdopen(proto, "w") : NULL;
    if (!out || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) { perror("nnl lsp"); return 1; }
    Server s = { .in = stdin, .out = out, .runner = runner };
    int status = 1;
    for (;;) {
        int bad;
        cJSON *msg = rpc_read(s.in, &bad);
        if (!msg) {
            if (bad) { rpc_write(out, rpc_error(NULL, RPC_PARSE_ERROR, "not a JSON-RPC message")); continue; }
            break;                                   /* end of input */
        }
        const char *method = string(msg, "method");
        const cJSON *id = item(msg, "id"), *params = item(msg, "params");
        if (method && strcmp(method, "exit") == 0) { status = s.shut_down ? 0 : 1; cJSON_Delete(msg); break; }
        if (!method) { if (id) rpc_write(out, rpc_error(id, RPC_INVALID_REQUEST, "no method")); }
        else if (id) {
            int code = 0;
            cJSON *result = request(&s, method, params, &code);
            if (code) rpc_write(out, rpc_error(id, code, code == RPC_METHOD_NOT_FOUND ? "unknown method"
                                                                                    : "not initialized"));
            else rpc_write(out, rpc_result(id, result));
        } else notification(&s, method, params);
        cJSON_Delete(msg);
    }
    while (s.docs) doc_close(&s.docs, s.docs, runner);
    fclose(out);
    return status;
}
