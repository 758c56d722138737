/* tls: what a worker's TLS connections share beyond curl's own session
 * cache (see tls.h).
 *
 * curl 7.88 builds an OpenSSL context for every connection and hands it to
 * CURLOPT_SSL_CTX_FUNCTION before the handshake; this is where the two
 * things below are set up.
 *
 * 1. Session tickets. curl 7.88 sets SSL_OP_NO_TICKET, so against a
 *    TLS 1.2 server that keeps no session cache (nginx's default) no
 *    session is ever resumed, even to the same host: every reconnection is
 *    a full handshake. The option is cleared.
 *
 * 2. Sessions across names. A subdomain scan meets every name once, so
 *    curl (which keys sessions by host name) never has one to offer. Many
 *    names are served by one front end with one certificate (a wildcard, a
 *    CDN) and one ticket key: the last session got from an address is
 *    offered to the next name on that address. A server that will not
 *    resume it for that name does a full handshake, as without it. Only
 *    when certificates are not verified (the default): the certificate of
 *    a resumed session is the one the first name was shown.
 *
 *    OpenSSL gives a client no hook between SSL_new() and its ClientHello
 *    but the info callback, which it calls with SSL_CB_HANDSHAKE_START
 *    before the ClientHello is built; a session set there is the one
 *    offered. The address is the connection's (curl has connected when it
 *    hands over the context), kept with the context. Sessions are taken where curl takes its own, in the new
 *    session callback (TLS 1.3 tickets come after the handshake), which is
 *    wrapped: curl's is called after.
 */
#include "net/tls.h"

#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TLS_PLACES 32 /* addresses remembered, the oldest replaced */

struct place {
    char addr[64];           /* "IP port", "" if free */
    SSL_SESSION *sess;
    unsigned long long used; /* tick of the last use */
};

struct tls {
    int across;              /* offer sessions across names */
    int (*curl_new)(SSL *, SSL_SESSION *); /* curl's new session callback */
    unsigned long long tick;
    struct place p[TLS_PLACES];
    unsigned long long offered, resumed; /* for the tests and -v */
};

static int ex_index = -1;  /* the SSL_CTX's struct tls */
static int ex_addr = -1;   /* the SSL_CTX's connection's "IP port" (malloc'ed) */

static void free_addr(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                      void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    free(ptr);
}

struct tls *tls_new(int across)
{
    if (ex_index < 0)
        ex_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    if (ex_addr < 0)
        ex_addr = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_addr);
    if (ex_index < 0 || ex_addr < 0)
        return NULL;
    struct tls *t = calloc(1, sizeof *t);
    if (t)
        t->across = across;
    return t;
}

void tls_free(struct tls *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < TLS_PLACES; i++)
        SSL_SESSION_free(t->p[i].sess);
    free(t);
}

static struct place *tls_find(struct tls *t, const char *addr, int make)
{
    struct place *oldest = &t->p[0];
    for (size_t i = 0; i < TLS_PLACES; i++) {
        if (!strcmp(t->p[i].addr, addr))
            return &t->p[i];
        if (t->p[i].used < oldest->used)
            oldest = &t->p[i];
    }
    if (!make)
        return NULL;
    SSL_SESSION_free(oldest->sess);
    oldest->sess = NULL;
    snprintf(oldest->addr, sizeof oldest->addr, "%s", addr);
    return oldest;
}

static void tls_on_info(const SSL *ssl, int where, int ret)
{
    (void)ret;
    const SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    struct tls *t = SSL_CTX_get_ex_data(ctx, ex_index);
    const char *addr = SSL_CTX_get_ex_data(ctx, ex_addr);
    if (!t || !addr || !(where & (SSL_CB_HANDSHAKE_START | SSL_CB_HANDSHAKE_DONE)))
        return;
    t->tick++;
    if (where & SSL_CB_HANDSHAKE_START) {
        /* curl offers its own session for this name when it has one. */
        struct place *p = SSL_get_session(ssl) ? NULL : tls_find(t, addr, 0);
        if (p && p->sess && SSL_set_session((SSL *)ssl, p->sess) == 1) {
            p->used = t->tick;
            t->offered++;
        }
        return;
    }
    if (SSL_session_reused((SSL *)ssl))
        t->resumed++;
}

static int tls_on_new_session(SSL *ssl, SSL_SESSION *s)
{
    const SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    struct tls *t = SSL_CTX_get_ex_data(ctx, ex_index);
    const char *addr = SSL_CTX_get_ex_data(ctx, ex_addr);
    if (t && addr && SSL_SESSION_is_resumable(s) && SSL_SESSION_up_ref(s) == 1) {
        struct place *p = tls_find(t, addr, 1);
        SSL_SESSION_free(p->sess);
        p->sess = s;
        p->used = ++t->tick;
    }
    return t && t->curl_new ? t->curl_new(ssl, s) : 0;
}

int tls_setup_ctx(struct tls *t, void *ssl_ctx, const char *ip, long port)
{
    SSL_CTX *ctx = ssl_ctx;
    SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
    if (t && t->across && ip && *ip) {
        char *addr = malloc(strlen(ip) + 16);
        if (!addr)
            return -1;
        sprintf(addr, "%s %ld", ip, port);
        if (!SSL_CTX_set_ex_data(ctx, ex_addr, addr)) {
            free(addr);
            return -1;
        }
        if (!SSL_CTX_set_ex_data(ctx, ex_index, t))
            return -1;
        SSL_CTX_set_info_callback(ctx, tls_on_info);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
        int (*curl_new)(SSL *, SSL_SESSION *) = SSL_CTX_sess_get_new_cb(ctx);
        if (curl_new != tls_on_new_session)
            t->curl_new = curl_new;
        SSL_CTX_sess_set_new_cb(ctx, tls_on_new_session);
    }
    return 0;
}

void tls_counts(const struct tls *t, unsigned long long *offered, unsigned long long *resumed)
{
    *offered = t ? t->offered : 0;
    *resumed = t ? t->resumed : 0;
}
