/* engconf: what the engine (engine.h) and its curl handles (easy.h) need
 * of the configuration, filled in by the probe layer. */
#ifndef SALVO_ENGCONF_H
#define SALVO_ENGCONF_H
#include "base/strlist.h"

/* What the engine needs of the configuration. */
struct engine_settings {
    long concurrency;            /* the window asked for, 0 = auto (it moves) */
    long max_body;
    double timeout, connect_timeout;   /* seconds; connect 0 = curl's */
    const char *method;          /* default method */
    const char *user_agent;
    const char *proxy;           /* NULL or "" = none */
    /* Without proxy: the environment's proxy for http and https (NULL or
     * "" = none) and its no_proxy list (NULL = none), read once as curl
     * would read them for every transfer (engine_env_proxy). */
    const char *env_proxy[2];
    const char *no_proxy;
    int follow_redirects;
    long max_redirects;
    int verify_tls;
    int resume_across_names;     /* offer an address's last TLS session to the next
                                    name there (not with verify_tls) */
    const struct strlist *headers;     /* "K: V"; those with '{' are per word */
    const struct strlist *connect_to;
    const struct strlist *resolve;
    int reuse;                   /* every probe may go out on a kept connection and
                                    leave it open (a template of one origin) */
    int keep_alive;              /* connections may be kept (--no-keep-alive: 0); a
                                    probe pinned to an address may go out on one
                                    kept there, whatever its name */
    int http_version;            /* ENGINE_HTTP_* */
    int own_client;              /* salvo's HTTP/1.1 client where it can (h1.h) */
    int tap;                     /* keep every transfer's bytes (tap.h) */
};

/* ENGINE_HTTP_AUTO: HTTP/2 over TLS when the server offers it and probes
 * share connections (reuse), else HTTP/1.1. _2 asks for HTTP/2 always
 * (ALPN over TLS, prior knowledge over plain HTTP). */
enum { ENGINE_HTTP_AUTO = 0, ENGINE_HTTP_11 = 1, ENGINE_HTTP_2 = 2 };
#endif
