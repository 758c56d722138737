/* hosts: the hosts file, read once per worker, so that the DNS stage
 * answers as getaddrinfo does with "hosts: files dns": a name the file
 * lists is its addresses there and is never asked of a resolver; then
 * DNS. `localhost` is the loopback address whatever the file says. */
#ifndef SALVO_HOSTS_H
#define SALVO_HOSTS_H
#include <stddef.h>

struct hosts;

/* The file at path, or $SALVO_HOSTS, or /etc/hosts when path is NULL. A
 * file that cannot be read is an empty one. NULL only when out of memory. */
struct hosts *hosts_load(const char *path);
/* Up to max addresses of name (any case, one trailing dot allowed) of
 * family (AF_INET, AF_INET6, AF_UNSPEC: IPv4 first), as text; 0 when the
 * file has none of that family. */
size_t hosts_find(const struct hosts *h, const char *name, int family, char (*out)[48], size_t max);
/* Entries read, for messages and tests. */
size_t hosts_count(const struct hosts *h);
void hosts_free(struct hosts *h);
#endif
