/* rpc.c — the LSP's framing: headers, then a JSON body parsed by cJSON;
 * replies and notifications written the same way.
 * Must not: know any method (server.c does). */
#include "lsp/rpc.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_HEADER = 1024, MAX_BODY = 64 << 20 };

cJSON *rpc_read(FILE *in, int *bad) {
    *bad = 0;
    for (;;) {
        long length = -1;
        char line[MAX_HEADER];
        int any = 0;
        while (fgets(line, sizeof line, in)) {
            any = 1;
            if (strcmp(line, "\r\n") == 0 || strcmp(line, "\n") == 0) break;
            if (strncasecmp(line, "Content-Length:", 15) == 0) length = strtol(line + 15, NULL, 10);
        }
        if (!any || feof(in)) return NULL;
        if (length < 0 || length > MAX_BODY) { *bad = 1; return NULL; }
        char *body = malloc((size_t)length + 1);
        if (!body) return NULL;
        if (fread(body, 1, (size_t)length, in) != (size_t)length) { free(body); return NULL; }
        body[length] = 0;
        cJSON *msg = cJSON_ParseWithLength(body, (size_t)length);
        free(body);
        if (!msg) { *bad = 1; return NULL; }
        return msg;
    }
}

void rpc_write(FILE *out, cJSON *msg) {
    char *text = cJSON_PrintUnformatted(msg);
    cJSON_Delete(msg);
    if (!text) return;
    fprintf(out, "Content-Length: %zu\r\n\r\n%s", strlen(text), text);
    fflush(out);
    free(text);
}

static cJSON *message(void) {
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "jsonrpc", "2.0");
    return m;
}

cJSON *rpc_result(const cJSON *id, cJSON *result) {
    cJSON *m = message();
    cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
    cJSON_AddItemToObject(m, "result", result ? result : cJSON_CreateNull());
    return m;
}

cJSON *rpc_error(const cJSON *id, int code, const char *text) {
    cJSON *m = message();
    cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
    cJSON *e = cJSON_AddObjectToObject(m, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", text);
    return m;
}

cJSON *rpc_notification(const char *method, cJSON *params) {
    cJSON *m = message();
    cJSON_AddStringToObject(m, "method", method);
    cJSON_AddItemToObject(m, "params", params);
    return m;
}
