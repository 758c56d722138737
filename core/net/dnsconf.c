/* dnsconf: see dnsconf.h. */
#include "net/dnsconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "IP", "IP:PORT", "[IPv6]:PORT" -> the form ares_set_servers_ports_csv
 * takes, or -1. */
static int parse_server(const char *s, char *out, size_t n)
{
    char host[64];
    unsigned long port = 53;
    const char *end;
    if (*s == '[') {
        end = strchr(s, ']');
        if (!end || (size_t)(end - s - 1) >= sizeof host)
            return -1;
        snprintf(host, sizeof host, "%.*s", (int)(end - s - 1), s + 1);
        end++;
    } else {
        size_t h = strcspn(s, ":");
        if (strchr(s + h + (s[h] ? 1 : 0), ':')) /* a bare IPv6 address */
            h = strlen(s);
        if (h >= sizeof host)
            return -1;
        snprintf(host, sizeof host, "%.*s", (int)h, s);
        end = s + h;
    }
    if (*end == ':') {
        char *e;
        port = strtoul(end + 1, &e, 10);
        if (e == end + 1 || *e || port < 1 || port > 65535)
            return -1;
    } else if (*end) {
        return -1;
    }
    unsigned char buf[16];
    int v6 = inet_pton(AF_INET6, host, buf) == 1;
    if (!v6 && inet_pton(AF_INET, host, buf) != 1)
        return -1;
    snprintf(out, n, v6 ? "[%s]:%lu" : "%s:%lu", host, port);
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

int dnsconf_each(const char *v, int (*fn)(void *, const char *), void *ud, char *err,
                 size_t errlen)
{
    FILE *f = fopen(v, "r");
    char line[512], norm[DNSCONF_NAME_MAX];
    int lineno = 0;
    if (!f && (strchr(v, '/') || errno != ENOENT)) {
        snprintf(err, errlen, "resolvers %s: %s", v, strerror(errno));
        return -1;
    }
    if (f) {
        while (fgets(line, sizeof line, f)) {
            lineno++;
            char *s = trim(line);
            if (!*s || *s == '#')
                continue;
            if (parse_server(s, norm, sizeof norm) < 0) {
                snprintf(err, errlen, "%s:%d: \"%s\" is not IP[:PORT]", v, lineno, s);
                fclose(f);
                return -1;
            }
            if (fn && fn(ud, norm) < 0)
                break;
        }
        fclose(f);
        if (!lineno) {
            snprintf(err, errlen, "resolvers %s: no resolver in the file", v);
            return -1;
        }
        return 0;
    }
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", v);
    for (char *save, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *s = trim(tok);
        if (parse_server(s, norm, sizeof norm) < 0) {
            snprintf(err, errlen, "\"%s\" is neither a file nor IP[:PORT],...", s);
            return -1;
        }
        if (fn && fn(ud, norm) < 0)
            break;
    }
    return 0;
}

int dnsconf_check(const char *v, char *err, size_t errlen)
{
    return dnsconf_each(v, NULL, NULL, err, errlen);
}
