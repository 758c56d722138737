/* dnsconf: the --resolvers value, read before any query: a list of
 * IP[:PORT] ("[IPv6]:PORT" too) separated by commas, or a file of them, one
 * a line, with blank lines and # comments. Each comes out in the form
 * c-ares' ares_set_servers_ports_csv takes ("ip:53", "[::1]:5353"). */
#ifndef SALVO_DNSCONF_H
#define SALVO_DNSCONF_H
#include <stddef.h>

#define DNSCONF_NAME_MAX 80

/* fn (if any) for every resolver of v, until it returns < 0: 0, or -1 with
 * err saying what and where (the file's name and line). */
int dnsconf_each(const char *v, int (*fn)(void *, const char *), void *ud, char *err,
                 size_t errlen);
/* Whether v is a valid --resolvers value: 0, or -1 with err. */
int dnsconf_check(const char *v, char *err, size_t errlen);
#endif
