/* hosts: see hosts.h. The entries are kept sorted by name, so a lookup is
 * a binary search even in a blocklist of a hundred thousand lines; the
 * file is read once, where glibc and c-ares read it again per lookup. */
#include "net/hosts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define HOSTS_NAME_MAX 255

struct hosts_entry {
    char *name;            /* lower case, no trailing dot */
    int family;
    char addr[48];
    size_t line;           /* file order among a name's addresses */
};

struct hosts {
    struct hosts_entry *v;
    size_t n, cap;
};

static int hosts_cmp(const void *a, const void *b)
{
    const struct hosts_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

static int hosts_add(struct hosts *h, const char *name, int family, const char *addr, size_t line)
{
    size_t len = strlen(name);
    if (len && name[len - 1] == '.')
        len--;
    if (!len || len > HOSTS_NAME_MAX)
        return 0;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 32;
        struct hosts_entry *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    struct hosts_entry *e = &h->v[h->n];
    if (!(e->name = malloc(len + 1)))
        return -1;
    for (size_t i = 0; i < len; i++)
        e->name[i] = (char)tolower((unsigned char)name[i]);
    e->name[len] = '\0';
    e->family = family;
    snprintf(e->addr, sizeof e->addr, "%s", addr);
    e->line = line;
    h->n++;
    return 0;
}

/* One line: an address, then its names; '#' starts a comment. */
static int hosts_parse_line(struct hosts *h, char *s, size_t line)
{
    char *hash = strchr(s, '#');
    if (hash)
        *hash = '\0';
    char *save = NULL;
    char *addr = strtok_r(s, " \t\r\n", &save);
    if (!addr)
        return 0;
    unsigned char bin[16];
    int family = inet_pton(AF_INET, addr, bin) == 1    ? AF_INET
                 : inet_pton(AF_INET6, addr, bin) == 1 ? AF_INET6 : 0;
    if (!family)
        return 0; /* not an address: glibc skips the line too */
    for (char *name; (name = strtok_r(NULL, " \t\r\n", &save));)
        if (hosts_add(h, name, family, addr, line) < 0)
            return -1;
    return 0;
}

struct hosts *hosts_load(const char *path)
{
    struct hosts *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    if (!path)
        path = getenv("SALVO_HOSTS");
    FILE *f = fopen(path && *path ? path : "/etc/hosts", "re");
    if (!f)
        return h;
    char *line = NULL;
    size_t cap = 0, no = 0;
    int bad = 0;
    while (!bad && getline(&line, &cap, f) >= 0)
        bad = hosts_parse_line(h, line, no++) < 0;
    free(line);
    fclose(f);
    if (bad) {
        hosts_free(h);
        return NULL;
    }
    if (h->n)
        qsort(h->v, h->n, sizeof *h->v, hosts_cmp);
    return h;
}

/* The first entry of name, or h->n. */
static size_t hosts_first(const struct hosts *h, const char *name)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(h->v[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < h->n && !strcmp(h->v[lo].name, name) ? lo : h->n;
}

static size_t hosts_put(char (*out)[48], size_t n, size_t max, const char *addr)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(out[i], addr))
            return n; /* listed twice */
    if (n < max)
        snprintf(out[n++], sizeof out[0], "%s", addr);
    return n;
}

size_t hosts_find(const struct hosts *h, const char *name, int family, char (*out)[48], size_t max)
{
    char key[HOSTS_NAME_MAX + 1];
    size_t len = strlen(name);
    if (len && name[len - 1] == '.')
        len--;
    if (!len || len > HOSTS_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    key[len] = '\0';
    size_t n = 0;
    size_t first = hosts_first(h, key);
    for (int pass = 0; pass < 2; pass++) { /* IPv4 first, as the DNS stage */
        int want = pass ? AF_INET6 : AF_INET;
        if (family != AF_UNSPEC && family != want)
            continue;
        size_t before = n;
        for (size_t i = first; i < h->n && !strcmp(h->v[i].name, key); i++)
            if (h->v[i].family == want)
                n = hosts_put(out, n, max, h->v[i].addr);
        if (!strcmp(key, "localhost") && n == before)
            n = hosts_put(out, n, max, pass ? "::1" : "127.0.0.1");
    }
    return n;
}

size_t hosts_count(const struct hosts *h)
{
    return h ? h->n : 0;
}

void hosts_free(struct hosts *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i].name);
    free(h->v);
    free(h);
}
