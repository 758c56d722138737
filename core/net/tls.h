/* tls: a worker's TLS set-up beyond curl's options (tls.c says why):
 * session tickets on, and with across = 1 the last session of an address
 * offered to the next name on it. */
#ifndef SALVO_TLS_H
#define SALVO_TLS_H

struct tls;

/* NULL when out of memory. */
struct tls *tls_new(int across);
/* After every connection using it is closed. */
void tls_free(struct tls *t);
/* For CURLOPT_SSL_CTX_FUNCTION: ssl_ctx is the connection's SSL_CTX, ip
 * and port where it is connected (NULL or "": unknown, no sharing). 0, or
 * -1 (the connection fails). t may be NULL (tickets only). */
int tls_setup_ctx(struct tls *t, void *ssl_ctx, const char *ip, long port);
/* Sessions offered across names, and handshakes that resumed one. */
void tls_counts(const struct tls *t, unsigned long long *offered, unsigned long long *resumed);
#endif
