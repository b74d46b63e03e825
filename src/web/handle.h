/* What the view's server answers (handle.c): one request in, one response
 * out, as a function of the request alone and of the site's callbacks — no
 * socket, no thread, so a fuzz target can feed it anything
 * (tests/fuzz/fuzz_web.c).  docs/view.md describes the rules. */
#ifndef NNL_WEB_HANDLE_H
#define NNL_WEB_HANDLE_H
#include <stdbool.h>
#include <stddef.h>

/* The commands the page may send, and nothing else. */
typedef enum { WEB_STEP, WEB_NEXT, WEB_CONTINUE, WEB_UPDATE, WEB_UNDO, WEB_RESET, WEB_TRAIN, WEB_ROW } WebCommandKind;
typedef struct WebCommand { WebCommandKind kind; long n; } WebCommand;   /* n: train's epochs, row's index */
enum { WEB_MAX_EPOCHS = 100000, WEB_MAX_ROW = 1000000, WEB_MAX_BODY = 256 };

typedef struct WebRequest {
    const char *method;        /* "GET", "POST", ... */
    const char *path;          /* "/pass.json" (the query apart) */
    const char *token;         /* the t= argument, or NULL */
    const char *host;          /* the Host header, or NULL */
    const char *body;          /* a POST's body (not NUL-terminated), or NULL */
    size_t      body_len;
} WebRequest;

typedef struct WebResponse {
    int         status;
    const char *type;          /* Content-Type */
    char       *body;          /* malloc'd */
    size_t      len;
    bool        events;        /* 200 and the server streams events (text/event-stream) */
} WebResponse;

typedef struct WebSite {
    const char *token;         /* what t= must be */
    int         port;          /* the Host must name it */
    void       *ctx;
    /* the object now (malloc'd JSON), or NULL */
    char *(*state)(void *ctx);
    /* runs a command as if typed at the prompt: the HTTP status, and the
     * output or the error (malloc'd) */
    int   (*command)(void *ctx, const WebCommand *c, char **output, char **error);
} WebSite;

/* Parses a command body (`next`, `train 25`, `row 2`; a final newline is
 * allowed); false with the reason in why. */
bool web_parse_command(const char *body, size_t len, WebCommand *c, char *why, size_t size);
/* The canonical text of a command: "train 25" (buf of 32 bytes). */
const char *web_command_text(const WebCommand *c, char *buf, size_t size);
void web_handle(const WebSite *site, const WebRequest *req, WebResponse *resp);
void web_response_free(WebResponse *r);

#endif
