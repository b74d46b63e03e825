/* server.c — the view's HTTP server: libmicrohttpd on 127.0.0.1 (never
 * another address), a thread per connection, every request answered by
 * web_handle (handle.c).  The interpreter is single-threaded and stays so:
 * the HTTP threads never read its state.  They read the last JSON the
 * interpreter published (under a lock), and a command waits in a one-slot
 * mailbox: the HTTP thread puts it there, writes a byte to a pipe that the
 * REPL's loop polls, and waits (at most COMMAND_WAIT seconds, then 503) for
 * the interpreter to run it and answer.  /events streams `event: changed`
 * each time the published JSON changes (and a comment every 15 s).
 * libmicrohttpd is loaded when the view first starts (base/dynlib.h), not
 * linked: with GnuTLS and the rest behind it, it tripled nnl's start-up.
 * Must not: call the interpreter, or bind anything but 127.0.0.1. */
#define _GNU_SOURCE          /* pipe2, getrandom */
#include "base/dynlib.h"
#include "web/server.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

enum { SLOT_WAIT = 5, COMMAND_WAIT = 600, KEEPALIVE = 15 };
typedef enum { EMPTY, PENDING, RUNNING, DONE } SlotState;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    struct MHD_Daemon *daemon;
    int        port;
    char       token[33];
    int        wake[2];
    bool       stopping;
    char      *json;            /* the last object published */
    unsigned   serial;          /* bumped when it changes */
    SlotState  slot;
    WebCommand cmd;
    int        status;
    char      *output, *error;
    bool       abandoned;       /* its HTTP thread gave up waiting */
} S = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .wake = { -1, -1 } };

/* ---- libmicrohttpd, loaded at the first server_start ------------------------ */

static struct {
    struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                                       MHD_AccessHandlerCallback, void *, ...);
    const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *, enum MHD_DaemonInfoType, ...);
    void (*stop_daemon)(struct MHD_Daemon *);
    struct MHD_Response *(*create_response_from_callback)(uint64_t, size_t, MHD_ContentReaderCallback, void *,
                                                          MHD_ContentReaderFreeCallback);
    struct MHD_Response *(*create_response_from_buffer)(size_t, void *, enum MHD_ResponseMemoryMode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
    void (*destroy_response)(struct MHD_Response *);
    const char *(*lookup_connection_value)(struct MHD_Connection *, enum MHD_ValueKind, const char *);
    const char *(*get_version)(void);
} mhd;

#define SYM(f) { "MHD_" #f, (void **)&mhd.f }
static const DynSym mhd_syms[] = {
    SYM(start_daemon), SYM(get_daemon_info), SYM(stop_daemon), SYM(create_response_from_callback),
    SYM(create_response_from_buffer), SYM(add_response_header), SYM(queue_response), SYM(destroy_response),
    SYM(lookup_connection_value), SYM(get_version),
};
#undef SYM
static const char *const mhd_names[] = { "libmicrohttpd.so.12", "libmicrohttpd.so", NULL };
static DynLib mhd_lib = { mhd_names, mhd_syms, sizeof mhd_syms / sizeof *mhd_syms, NULL, false, "" };

const char *server_library(char *version, size_t size) {
    if (!dynlib_load(&mhd_lib)) return NULL;
    snprintf(version, size, "%s", mhd.get_version());
    return mhd_lib.loaded;
}

bool server_running(void) { return S.daemon != NULL; }
int server_port(void) { return S.port; }
const char *server_token(void) { return S.token; }
int server_wake_fd(void) { return S.daemon ? S.wake[0] : -1; }

static void deadline(struct timespec *ts, int seconds) {
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += seconds;
}

/* ---- the site's callbacks (HTTP threads) ---------------------------------- */

static char *state(void *ctx) {
    (void)ctx;
    pthread_mutex_lock(&S.mu);
    char *copy = S.json ? strdup(S.json) : NULL;
    pthread_mutex_unlock(&S.mu);
    return copy;
}

static int command(void *ctx, const WebCommand *c, char **output, char **error) {
    (void)ctx;
    struct timespec until;
    pthread_mutex_lock(&S.mu);
    deadline(&until, SLOT_WAIT);
    int r = 0;
    while (S.slot != EMPTY && !S.stopping && r != ETIMEDOUT) r = pthread_cond_timedwait(&S.cv, &S.mu, &until);
    if (S.slot != EMPTY || S.stopping) {
        pthread_mutex_unlock(&S.mu);
        *error = strdup("nnl is busy with another command from the page; try again");
        return 503;
    }
    S.slot = PENDING;
    S.cmd = *c;
    S.abandoned = false;
    ssize_t w = write(S.wake[1], "!", 1);
    (void)w;                            /* a full pipe already says "wake up" */
    deadline(&until, COMMAND_WAIT);
    r = 0;
    while (S.slot != DONE && !S.stopping && r != ETIMEDOUT) r = pthread_cond_timedwait(&S.cv, &S.mu, &until);
    int status = 503;
    if (S.slot == DONE) {
        status = S.status;
        *output = S.output;
        *error = S.error;
        S.output = S.error = NULL;
        S.slot = EMPTY;
    } else {
        if (S.slot == PENDING) S.slot = EMPTY;
        else S.abandoned = true;        /* running: the interpreter empties the slot when done */
        *error = strdup(S.stopping ? "the view was stopped" : "nnl did not get to the command in time (busy at the prompt?)");
    }
    pthread_cond_broadcast(&S.cv);
    pthread_mutex_unlock(&S.mu);
    return status;
}

/* ---- the interpreter's side ------------------------------------------------ */

void server_publish(const char *json) {
    pthread_mutex_lock(&S.mu);
    if (!S.json || strcmp(S.json, json) != 0) {
        free(S.json);
        S.json = strdup(json);
        S.serial++;
        pthread_cond_broadcast(&S.cv);
    }
    pthread_mutex_unlock(&S.mu);
}

bool server_take(WebCommand *c) {
    if (S.wake[0] >= 0) {
        char buf[64];
        while (read(S.wake[0], buf, sizeof buf) > 0) {}
    }
    pthread_mutex_lock(&S.mu);
    bool got = S.slot == PENDING;
    if (got) { *c = S.cmd; S.slot = RUNNING; }
    pthread_mutex_unlock(&S.mu);
    return got;
}

void server_done(int status, char *output, char *error) {
    pthread_mutex_lock(&S.mu);
    if (S.abandoned || S.stopping) {
        free(output);
        free(error);
        S.slot = EMPTY;
    } else {
        S.status = status;
        S.output = output;
        S.error = error;
        S.slot = DONE;
    }
    pthread_cond_broadcast(&S.cv);
    pthread_mutex_unlock(&S.mu);
}

/* ---- /events ------------------------------------------------------------------ */

typedef struct Stream { unsigned sent; bool started; } Stream;

static ssize_t events(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)pos;
    Stream *st = cls;
    struct timespec until;
    deadline(&until, KEEPALIVE);
    pthread_mutex_lock(&S.mu);
    int r = 0;
    while (st->started && S.serial == st->sent && !S.stopping && r != ETIMEDOUT)
        r = pthread_cond_timedwait(&S.cv, &S.mu, &until);
    bool stop = S.stopping, changed = !st->started || S.serial != st->sent;
    st->started = true;
    st->sent = S.serial;
    pthread_mutex_unlock(&S.mu);
    if (stop) return MHD_CONTENT_READER_END_OF_STREAM;
    int n = changed ? snprintf(buf, max, "event: changed\ndata: %u\n\n", st->sent) : snprintf(buf, max, ": still here\n\n");
    return n < 0 || (size_t)n >= max ? MHD_CONTENT_READER_END_WITH_ERROR : n;
}

/* ---- requests ------------------------------------------------------------------ */

typedef struct Upload { char body[WEB_MAX_BODY + 1]; size_t len; bool too_long; } Upload;

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **con_cls) {
    (void)cls; (void)version;
    Upload *up = *con_cls;
    if (!up) {                                   /* the headers: make room for the body */
        up = calloc(1, sizeof *up);
        if (!up) return MHD_NO;
        *con_cls = up;
        return MHD_YES;
    }
    if (*size) {
        if (up->len + *size > WEB_MAX_BODY) up->too_long = true;
        else { memcpy(up->body + up->len, data, *size); up->len += *size; }
        *size = 0;
        return MHD_YES;
    }
    WebSite site = { .token = S.token, .port = S.port, .state = state, .command = command };
    WebRequest req = { .method = method, .path = url,
                       .token = mhd.lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "t"),
                       .host = mhd.lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
                       .body = up->body, .body_len = up->too_long ? WEB_MAX_BODY + 1 : up->len };
    WebResponse r;
    web_handle(&site, &req, &r);
    struct MHD_Response *resp;
    if (r.events) {
        Stream *st = calloc(1, sizeof *st);
        if (!st) return MHD_NO;
        resp = mhd.create_response_from_callback(MHD_SIZE_UNKNOWN, 256, events, st, free);
    } else {
        resp = mhd.create_response_from_buffer(r.len, r.body, MHD_RESPMEM_MUST_FREE);
        r.body = NULL;
    }
    if (!resp) { web_response_free(&r); return MHD_NO; }
    mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.type);
    mhd.add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    mhd.add_response_header(resp, "X-Content-Type-Options", "nosniff");
    mhd.add_response_header(resp, "Referrer-Policy", "no-referrer");
    enum MHD_Result ok = mhd.queue_response(conn, (unsigned)r.status, resp);
    mhd.destroy_response(resp);
    return ok;
}

static void finished(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode code) {
    (void)cls; (void)conn; (void)code;
    free(*con_cls);
    *con_cls = NULL;
}

static bool new_token(void) {
    unsigned char bytes[16];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno != EINTR) return false;
        if (n > 0) got += (size_t)n;
    }
    for (int i = 0; i < 16; i++) snprintf(S.token + 2 * i, 3, "%02x", bytes[i]);
    return true;
}

bool server_start(int port, char *why, size_t size) {
    if (S.daemon) server_stop();
    if (!dynlib_load(&mhd_lib)) {
        snprintf(why, size, "cannot load libmicrohttpd (%s); install it (Debian: libmicrohttpd12)", mhd_lib.why);
        return false;
    }
    if (S.wake[0] < 0 && pipe2(S.wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(why, size, "cannot make a pipe: %s", strerror(errno));
        return false;
    }
    if (!new_token()) { snprintf(why, size, "no random token: %s", strerror(errno)); return false; }
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    S.stopping = false;
    S.slot = EMPTY;
    S.daemon = mhd.start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, (uint16_t)port,
                                NULL, NULL, answer, NULL,
                                MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                MHD_OPTION_CONNECTION_LIMIT, (unsigned)32,
                                MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)32,
                                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
                                MHD_OPTION_NOTIFY_COMPLETED, finished, NULL,
                                MHD_OPTION_END);
    if (!S.daemon) {
        snprintf(why, size, "cannot listen on 127.0.0.1:%d (%s)", port, port ? "is the port in use?" : "no free port");
        return false;
    }
    const union MHD_DaemonInfo *info = mhd.get_daemon_info(S.daemon, MHD_DAEMON_INFO_BIND_PORT);
    S.port = info ? info->port : port;
    return true;
}

void server_stop(void) {
    if (!S.daemon) return;
    pthread_mutex_lock(&S.mu);
    S.stopping = true;
    pthread_cond_broadcast(&S.cv);
    pthread_mutex_unlock(&S.mu);
    mhd.stop_daemon(S.daemon);
    S.daemon = NULL;
    pthread_mutex_lock(&S.mu);
    free(S.json);
    free(S.output);
    free(S.error);
    S.json = S.output = S.error = NULL;
    S.slot = EMPTY;
    pthread_mutex_unlock(&S.mu);
}
