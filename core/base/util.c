/* util: see util.h. */
#include "base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t util_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double util_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double util_now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t util_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

uint64_t util_fnv1a_str(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int util_replace_file(const char *path, const void *data, size_t len)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    const char *p = data;
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, p + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            unlink(tmp);
            errno = e;
            return -1;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

int util_fnv1a_file(const char *path, uint64_t *h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char b[65536];
    size_t n;
    uint64_t v = UTIL_FNV_OFFSET;
    while ((n = fread(b, 1, sizeof b, f)) > 0)
        v = util_fnv1a(v, b, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return -1;
    *h = v;
    return 0;
}

size_t util_put(char *dst, size_t n, size_t o, const char *s, size_t len)
{
    if (!n)
        return 0;
    if (o >= n)
        o = n - 1;
    if (len > n - 1 - o)
        len = n - 1 - o;
    memcpy(dst + o, s, len);
    dst[o + len] = '\0';
    return o + len;
}

size_t util_put_str(char *dst, size_t n, size_t o, const char *s)
{
    return util_put(dst, n, o, s, strlen(s));
}

size_t util_put_long(char *dst, size_t n, size_t o, long v)
{
    char digits[24];
    size_t i = sizeof digits;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do
        digits[--i] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        digits[--i] = '-';
    return util_put(dst, n, o, digits + i, sizeof digits - i);
}

const char *util_addr_text(int af, const void *bin, char *out, size_t n)
{
    if (af != AF_INET)
        return inet_ntop(af, bin, out, (socklen_t)n);
    if (n < INET_ADDRSTRLEN)
        return NULL;
    const unsigned char *b = bin;
    char *o = out;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100)
            *o++ = (char)('0' + v / 100);
        if (v >= 10)
            *o++ = (char)('0' + v / 10 % 10);
        *o++ = (char)('0' + v % 10);
        *o++ = i < 3 ? '.' : '\0';
    }
    return out;
}

void util_redact_url(const char *in, char *out, size_t n)
{
    const char *a = strstr(in, "://");
    const char *auth = a ? a + 3 : NULL;
    size_t alen = auth ? strcspn(auth, "/?#") : 0;
    const char *at = NULL;
    for (size_t i = 0; i < alen; i++)
        if (auth[i] == '@')
            at = auth + i;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!colon) {
        snprintf(out, n, "%s", in);
        return;
    }
    snprintf(out, n, "%.*s***%s", (int)(colon + 1 - in), in, at);
}
