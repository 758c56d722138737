/* request: what salvo's own HTTP clients send (see request.c). */
#ifndef SALVO_REQUEST_H
#define SALVO_REQUEST_H
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <uv.h>

struct xfer;

struct request_settings {
    double timeout, connect_timeout;        /* seconds; connect 0 = the timeout */
    long max_body;
    const char *method;                     /* default method */
    const char *user_agent;
    const struct curl_slist *headers;       /* curl syntax: "K: V", "K:" drops K, "K;" empty */
};

/* An IPv4 or IPv6 address and port to connect to. */
union request_addr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
};

/* The same family, address and port. */
int request_addr_eq(const union request_addr *a, const union request_addr *b);
socklen_t request_addr_len(const union request_addr *a);
int request_addr_port(const union request_addr *a);

struct request_target {
    const char *host;   /* the URL's host[:port], as the Host header names it */
    size_t namelen;     /* the host alone */
    size_t hostlen;     /* with ":port" only when not the scheme's own */
    long port;
    const char *path;   /* path and query, up to a '#' */
    size_t pathlen;
    union request_addr sa;        /* where to connect */
    char addr[INET6_ADDRSTRLEN];  /* the same as text */
    int numeric;                  /* the host is that address (no SNI) */
};

/* A transfer salvo's own client ended. redo: the answer needs curl (a
 * compressed body, a server without HTTP/2): nothing of it is kept, curl
 * should ask again. */
typedef void (*request_done_fn)(struct xfer *x, int redo, void *ud);

/* What each of salvo's own clients is made with: the first member of
 * struct h1 and struct h2 (as h2o's protocol clients embed their common
 * base), set up once by request_client_init. */
struct request_client {
    uv_loop_t *loop;
    struct request_settings s;
    request_done_fn done;        /* every transfer it took ends here, once */
    void *ud;
};

void request_client_init(struct request_client *c, uv_loop_t *loop,
                         const struct request_settings *s, request_done_fn done, void *ud);

/* Shared by both clients, as curl 7.88 (Debian's) has them: a response's
 * header bytes at most, and the connections one request may go out on
 * when kept ones turn out closed under it. */
#define REQUEST_HEADERS_MAX (300 * 1024)
#define REQUEST_TRIES_MAX 3

/* 0 when x's URL is http:// (https:// with tls) and one salvo's clients
 * send exactly as curl would: a lower-case name, an IPv4 address or an
 * IPv6 literal ("[::1]", as inet_ntop writes it) whose address is known
 * (numeric, or the DNS stage's pin), a path and query of
 * printable ASCII (the fragment dropped), no empty query. */
int request_target(const struct xfer *x, int tls, struct request_target *t);
/* The request in x->own.req, its body after the headers when body is set:
 * 0, or -1 when it is curl's to send (a header that changes how the body
 * goes, a body over 1 MiB, HEAD with a body) or memory ran out. */
int request_build(const struct request_settings *s, struct xfer *x,
                  const struct request_target *t, int body);
/* What both clients do before a transfer goes out: x's target and request
 * (its body after the headers over HTTP/1.1, apart over HTTP/2), its
 * address as the answer's, its clock and counts from zero. 0; 1 when the
 * transfer is curl's (x->curl_only, a URL or request only curl sends as
 * curl would). */
int request_prepare(const struct request_settings *s, struct xfer *x, int tls,
                    struct request_target *t);
/* x ended: its time, then c's done (see request_done_fn). */
void request_report(const struct request_client *c, struct xfer *x, int redo);
/* Body bytes of x's answer as they came: undone of their Content-Encoding
 * when x->own.coding decodes one, kept up to max_body. 0; 1 when the body
 * is cut at max_body; -1 with x's error set (not of that coding, out of
 * memory). */
int request_body(struct xfer *x, const char *p, size_t n, size_t max_body);
/* x failed: its kind, and "prefix: why" as its error (curl's words where
 * curl has some). */
void request_error(struct xfer *x, int kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void request_verror(struct xfer *x, int kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
#endif
