/* fuzz_web.c — libFuzzer target for the view's request handling
 * (src/web/handle.c): any bytes as a request — method, path, token, Host and
 * body, one a line, the body the rest — answered by web_handle against a
 * site with a fixed token and port.  It must never crash or leak, refuse
 * every request with another Host or token (403), hand the site only the
 * page's commands (a command that parses back to itself), and keep the
 * page's script elements closed (the JSON's '<' escaped).  Built by
 * `make fuzz` / `make test` into $(BUILD)/fuzz/fuzz_web. */
#include "web/handle.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char TOKEN[] = "00112233445566778899aabbccddeeff";
enum { PORT = 8765 };

static char *state(void *ctx) {
    (void)ctx;
    return strdup("{\"version\":1,\"explain\":\"</script><!-- a < b\",\"layers\":[]}");
}

static int command(void *ctx, const WebCommand *c, char **output, char **error) {
    (void)ctx; (void)error;
    char text[32], why[200];
    WebCommand again;
    web_command_text(c, text, sizeof text);
    if (!web_parse_command(text, strlen(text), &again, why, sizeof why) || again.kind != c->kind || again.n != c->n)
        __builtin_trap();           /* only the page's commands reach the session */
    *output = strdup(text);
    return c->kind == WEB_TRAIN ? 400 : 200;
}

static int count(const char *s, size_t n, const char *what) {
    int k = 0;
    size_t w = strlen(what);
    for (size_t i = 0; i + w <= n; i++) k += memcmp(s + i, what, w) == 0;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = 0;
    char *field[4] = { 0 };
    char *p = copy;
    int i = 0;
    for (; i < 4 && p; i++) {
        field[i] = p;
        char *nl = memchr(p, '\n', (size_t)(copy + size - p));
        if (nl) { *nl = 0; p = nl + 1; } else p = NULL;
    }
    WebRequest req = { .method = field[0], .path = field[1], .token = field[2], .host = field[3],
                       .body = p, .body_len = p ? (size_t)(copy + size - p) : 0 };
    WebSite site = { .token = TOKEN, .port = PORT, .state = state, .command = command };
    WebResponse r;
    web_handle(&site, &req, &r);
    bool host = req.host && (strcasecmp(req.host, "127.0.0.1:8765") == 0 || strcasecmp(req.host, "localhost:8765") == 0);   /* host names know no case */
    bool token = req.token && strcmp(req.token, TOKEN) == 0;
    if ((!host || !token) && r.status != 403) __builtin_trap();
    if (r.status != 200 && r.status != 400 && r.status != 403 && r.status != 404 && r.status != 405) __builtin_trap();
    if (!r.events && (!r.body || !r.type)) __builtin_trap();
    if (r.status == 200 && !r.events && strncmp(r.type, "text/html", 9) == 0 &&
        count(r.body, r.len, "</script") != 2)
        __builtin_trap();           /* the page's own two, none from the JSON */
    web_response_free(&r);
    free(copy);
    return 0;
}
