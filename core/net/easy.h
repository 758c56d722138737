/* easy: curl's easy handles for the engine (engine.c). The options that
 * stay the same for a whole scan are set once on a template and copied
 * into every fresh handle; those of one request are set at its start. */
#ifndef SALVO_EASY_H
#define SALVO_EASY_H
#include <curl/curl.h>
#include <stddef.h>

#include "base/strlist.h"
#include "net/engconf.h"
#include "net/xfer.h"

struct tls;

/* What every handle of one engine is made with. */
struct easy {
    const struct engine_settings *s;    /* the engine's copy */
    CURLSH *share;                      /* TLS sessions of all its transfers, or NULL */
    struct tls *tls;                    /* tickets, sessions across names */
    CURL *tmpl;                         /* the fixed options, made on first use */
    struct curl_slist *headers;         /* from the configuration */
    struct curl_slist *headers_ka;      /* the same without "Connection: close" */
    struct curl_slist *connect_to;
    struct curl_slist *resolve;
};

/* Make the share, the TLS state and the header lists of s (which must
 * outlive ez). 0, or -1 with err set. */
int easy_init(struct easy *ez, const struct engine_settings *s, char *err, size_t errlen);
void easy_clear(struct easy *ez);
/* x's handle made for the first time (0, or -1 when out of memory), and a
 * used one replaced by a fresh copy of the template. */
int easy_xfer_init(struct easy *ez, struct xfer *x);
int easy_renew(struct easy *ez, struct xfer *x);
/* The options of x->req (method, body, URL, headers, version, proxy by
 * scheme). 0, or -1 when out of memory. */
int easy_request(struct easy *ez, struct xfer *x);
/* Whether h holds a header "name: ...". */
int easy_has_header(const struct strlist *h, const char *name);
#endif
