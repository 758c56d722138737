/* dns: the DNS stage. A worker resolves a word's host itself, with
 * c-ares driven by its own libuv loop (no threads), and hands curl only
 * the names that exist, pinned to the answer. One c-ares channel per
 * resolver, so that each resolver has its own cap on queries in flight
 * (UDP loss at one server is the real limit) and a query that timed out
 * is asked again of another resolver. */
#ifndef SALVO_DNS_H
#define SALVO_DNS_H
#include <stddef.h>
#include <uv.h>

struct dns;
struct strlist;

struct dns_pace;

/* What the DNS stage needs of the configuration. */
struct dns_settings {
    const struct strlist *resolvers; /* --resolvers values; empty = the system's */
    long per_resolver;               /* queries in flight per resolver */
    long tries;                      /* resolvers asked at most per name */
    double timeout;                  /* seconds, all tries together */
    const char *family;              /* ipv4 | ipv6 | any */
    struct dns_pace *pace;           /* shared by the workers (dns_pace_new), or NULL */
};

/* Congestion control for the resolvers, shared by every worker: each
 * resolver's query rate (one GCRA counter per resolver, in memory made
 * before the fork, as --rate's). Every tenth of a second each worker holds
 * the answers it got against the queries it sent: answers a tenth behind
 * (the resolver drops what is over its capacity) set the pace to 95 % of
 * the rate it answered at; answers that keep up raise it (by half until
 * the first loss, then 5 %). NULL when out of memory. */
struct dns_pace *dns_pace_new(void);
void dns_pace_free(struct dns_pace *p);

enum dns_status { DNS_OK = 0, DNS_NXDOMAIN, DNS_NODATA, DNS_SERVFAIL, DNS_REFUSED,
                  DNS_TIMEOUT, DNS_ERROR };

#define DNS_MAX_ADDRS 8
#define DNS_MAX_CNAMES 4

struct dns_result {
    int status;
    const char *reason;            /* for people: "NXDOMAIN (no such name)" */
    size_t naddr;
    char addr[DNS_MAX_ADDRS][48];  /* IPv4 first */
    size_t ncname;
    char cname[DNS_MAX_CNAMES][256];
    int tries;                     /* resolvers asked */
};

typedef void (*dns_cb)(void *ud, const struct dns_result *r);

/* Resolvers from c (--resolvers), else the system's. NULL with err. */
struct dns *dns_new(uv_loop_t *loop, const struct dns_settings *c, char *err, size_t errlen);
/* Ask for name; cb runs later from the loop (never from inside this
 * call). Queued while every resolver is at its cap. 0, or -1 when out of
 * memory. */
int dns_resolve(struct dns *d, const char *name, dns_cb cb, void *ud);
/* Queries asked or waiting. */
unsigned dns_pending(const struct dns *d);
/* Whether queries wait for a resolver's pace now (the resolver, not the
 * caller's window, is the limit); 0 for NULL. */
int dns_paced(const struct dns *d);
/* "127.0.0.1:53, ..." for messages. */
const char *dns_servers(const struct dns *d);
/* Cancel what is left (no callbacks) and close the handles; the loop must
 * run afterwards. */
void dns_free(struct dns *d);
#endif
