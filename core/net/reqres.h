/* reqres.h: the request and response behind the plugin API's opaque
 * salvo_req and salvo_res handles. Shared by the engine (which fills
 * them), the host table (plugin.c) and the rules (worker.c). */
#ifndef SALVO_REQRES_H
#define SALVO_REQRES_H
#include <stddef.h>

#include "base/buf.h"
#include "base/msg.h"

#define SALVO_HOST_SIDE
#include "salvo/plugin.h"

struct res_decoder;
struct curl_slist;

struct salvo_req {
    struct buf url;
    struct buf method;            /* "" = from the configuration */
    struct curl_slist *headers;   /* added by the plugin, NULL if none */
    struct buf body;
    int has_body;
    struct buf fail;              /* req_fail() message, "" if none */
};

struct salvo_res {
    const char *url;
    const char *word;
    size_t wlen;
    int status;
    struct buf hdrs;        /* final response: "name\0value\0" pairs */
    struct buf body;        /* at most max_body bytes */
    unsigned long long length; /* body bytes received */
    int truncated;
    double elapsed;
    const char *error;      /* NULL if the transfer succeeded */
    char ip[64];            /* address connected to, "" if none */
    const char *proto;      /* "HTTP/1.1", "HTTP/2", ...; NULL if no answer */
    char ips[400];          /* the DNS stage's answers, "a,b", "" if none */
    int dns_wildcard;       /* the answers are the domain's wildcard's */
    struct buf final_url;   /* where followed redirects ended, "" if none were */
    /* Decoded on first use. */
    struct res_decoder *dec;
    int text_ready;
    const char *text;
    size_t tlen;
    struct buf textbuf;
    char charset[40];
    /* res_field() and res_fail(). */
    size_t nfields;
    char *fields[2 * RESULT_MAX_FIELDS];
    struct buf fail;
};

/* Lazy views of a response (defined in res.c). */
const char *res_text(struct salvo_res *r, size_t *len);
const char *res_header_get(const struct salvo_res *r, const char *name);
/* Walk the headers: pos starts at 0; 1 with the next name and value, 0 at
 * the end. */
int res_header_next(const struct salvo_res *r, size_t *pos, const char **name,
                    const char **value);
/* What a client read: one response header line as it came (its line end
 * included or not). A status line ("HTTP/...") starts a new response (a
 * 1xx, a redirect): only the last one's headers are kept, at most
 * SALVO_MAX_HEADER_BYTES of them. */
void res_add_header(struct salvo_res *r, const char *line, size_t len);
void res_fold_header(struct salvo_res *r, const char *line, size_t len);
/* Body bytes: counted, and kept up to max bytes. 0, or -1 when the rest is
 * not wanted (over max: r->truncated is set; or out of memory). */
int res_add_body(struct salvo_res *r, const char *data, size_t len, long max);
/* A field of the result (a plugin's res_field(), a script's fields,
 * --extract): value as text, or with typed a JSON literal kept as one
 * (msg_field_value). 0, or -1 when full (RESULT_MAX_FIELDS) or out of
 * memory. */
int res_field_add(struct salvo_res *r, const char *key, const char *value, int typed);
/* What a client read of a response dropped (headers, body, length,
 * status, protocol): the request goes again on another connection. */
void res_forget_read(struct salvo_res *r);
/* Reset for the next probe, keeping memory. */
void res_clear(struct salvo_res *r);
void res_free(struct salvo_res *r);
#endif
