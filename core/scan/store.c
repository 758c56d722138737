/* store: see store.h.
 *
 * A file:
 *
 *   salvo-stored: 1
 *   url: http://a.example/x
 *   word: x
 *   verdict: hit
 *   status: 200
 *   ip: 192.0.2.1
 *   protocol: HTTP/1.1
 *   time: 2026-12-05T12:00:00Z
 *   request-bytes: 81
 *   response-bytes: 240
 *   response-cut: no
 *
 *   <request-bytes bytes> "\n" <response-bytes bytes> "\n"
 *
 * The counts make the two parts exact whatever bytes they hold; the line
 * ends around them only keep `cat` readable. response-cut: yes when the
 * transfer stopped at --max-body (the response is what was read by then,
 * a prefix of what the server sent). Control bytes of the word and
 * URL lines are written as \xHH. The file is DIR/HOST/HASH.txt: HOST the
 * URL's host and port (anything but [A-Za-z0-9.-] as '_'), HASH 16 hex
 * digits of FNV-1a over word, URL, method and body. No fsync: a file is
 * evidence, not state; a file torn by a crash of the machine is written
 * again by the --resume that reruns its chunk. */
#include "scan/store.h"

#include "base/codes.h"
#include "base/log.h"
#include "base/msg.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

struct store {
    char *dir;
    int all;
    unsigned failed;      /* files not written (said once) */
    struct buf head;      /* the file's lines, reused */
    struct buf name;      /* its path, reused */
    struct buf tmp;
};

int store_prepare(const char *dir, char *err, size_t errlen)
{
    if (!*dir) {
        snprintf(err, errlen, "--store-responses: an empty directory name");
        return -1;
    }
    char *p = strdup(dir);
    if (!p) {
        snprintf(err, errlen, "--store-responses: out of memory");
        return -1;
    }
    /* mkdir -p: each parent in turn, those there already are fine. */
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "--store-responses %s: cannot make %s: %s", dir, p,
                     strerror(errno));
            free(p);
            return -1;
        }
        *s = c;
        if (!c)
            break;
    }
    free(p);
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "--store-responses %s: not a directory", dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "--store-responses %s: cannot write there: %s", dir,
                 strerror(errno));
        return -1;
    }
    return 0;
}

struct store *store_new(const char *dir, int all)
{
    struct store *s = calloc(1, sizeof *s);
    if (!s || !(s->dir = strdup(dir))) {
        free(s);
        return NULL;
    }
    size_t n = strlen(s->dir);
    while (n > 1 && s->dir[n - 1] == '/')
        s->dir[--n] = '\0';
    s->all = all;
    return s;
}

void store_free(struct store *s)
{
    if (!s)
        return;
    if (s->failed)
        log_msg(LOG_WARN, "--store-responses: %u exchanges could not be stored", s->failed);
    buf_free(&s->head);
    buf_free(&s->name);
    buf_free(&s->tmp);
    free(s->dir);
    free(s);
}

/* The URL's host[:port] as a directory name. */
static void host_dir(struct buf *b, const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    while (at) { /* user info is no part of the name (nor shown) */
        n -= (size_t)(at + 1 - p);
        p = at + 1;
        at = memchr(p, '@', n);
    }
    size_t start = b->len;
    for (size_t i = 0; i < n && i < 200; i++) {
        char c = p[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-';
        buf_append_byte(b, ok ? c : '_');
    }
    if (b->len == start || (b->len - start <= 2 && b->p[start] == '.'))
        buf_append_byte(b, '_'); /* never "", "." or ".." */
}

/* "key: value\n", control bytes as \xHH. */
static void line(struct buf *b, const char *key, const char *v, size_t n)
{
    buf_append_str(b, key);
    buf_append_str(b, ": ");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            buf_printf(b, "\\x%02x", c);
        else
            buf_append_byte(b, (char)c);
    }
    buf_append_byte(b, '\n');
}

static void head_lines(struct buf *b, const struct xfer *x, int verdict, const char *word,
                       size_t wlen)
{
    const salvo_res *r = &x->res;
    buf_reset(b);
    buf_append_str(b, "salvo-stored: 1\n");
    line(b, "url", x->req.url.p ? x->req.url.p : "", x->req.url.len);
    line(b, "word", word, wlen);
    buf_printf(b, "verdict: %s\n", msg_verdict_name(verdict));
    if (r->status)
        buf_printf(b, "status: %d\n", r->status);
    if (r->error)
        line(b, "error", r->error, strlen(r->error));
    if (r->ip[0])
        buf_printf(b, "ip: %s\n", r->ip);
    if (r->proto)
        buf_printf(b, "protocol: %s\n", r->proto);
    time_t now = time(NULL);
    struct tm tm;
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    buf_printf(b, "time: %s\nrequest-bytes: %zu\nresponse-bytes: %zu\nresponse-cut: %s\n\n",
               when, x->tap.out.len, x->tap.in.len, x->tap.cut || r->truncated ? "yes" : "no");
}

static int write_all(int fd, struct iovec *v, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, v, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        while (n > 0 && (size_t)w >= v->iov_len) {
            w -= (ssize_t)v->iov_len;
            v++;
            n--;
        }
        if (n > 0) {
            v->iov_base = (char *)v->iov_base + w;
            v->iov_len -= (size_t)w;
        }
    }
    return 0;
}

/* The file written beside path and renamed there: 0, or -1 (errno). */
static int put_file(struct store *s, const char *path, const struct xfer *x)
{
    buf_reset(&s->tmp);
    buf_printf(&s->tmp, "%s.%ld.tmp", path, (long)getpid());
    if (!s->tmp.p)
        return errno = ENOMEM, -1;
    int fd = open(s->tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    struct iovec v[5] = {
        {s->head.p, s->head.len},
        {x->tap.out.p, x->tap.out.len},
        {"\n", 1},
        {x->tap.in.p, x->tap.in.len},
        {"\n", 1},
    };
    if (write_all(fd, v, 5) < 0 || close(fd) < 0) {
        int e = errno;
        close(fd);
        unlink(s->tmp.p);
        return errno = e, -1;
    }
    if (rename(s->tmp.p, path) != 0) {
        int e = errno;
        unlink(s->tmp.p);
        return errno = e, -1;
    }
    return 0;
}

int store_keep(struct store *s, const struct xfer *x, int verdict, const char *word, size_t wlen,
               struct buf *path)
{
    if (!s || (verdict != V_HIT && !s->all) || !x->tap.out.len)
        return 0;
    const char *url = x->req.url.p ? x->req.url.p : "";
    uint64_t h = util_fnv1a(UTIL_FNV_OFFSET, word, wlen);
    h = util_fnv1a(h, "", 1);
    h = util_fnv1a(h, url, strlen(url) + 1);
    h = util_fnv1a(h, x->req.method.p ? x->req.method.p : "", x->req.method.len);
    h = util_fnv1a(h, "", 1);
    h = util_fnv1a(h, x->req.body.p, x->req.has_body ? x->req.body.len : 0);
    head_lines(&s->head, x, verdict, word, wlen);
    buf_reset(&s->name);
    buf_printf(&s->name, "%s/", s->dir);
    host_dir(&s->name, url);
    size_t host_end = s->name.len;
    buf_printf(&s->name, "/%016llx.txt", (unsigned long long)h);
    if (!s->head.p || !s->name.p)
        goto failed;
    int r = put_file(s, s->name.p, x);
    if (r < 0 && errno == ENOENT) { /* the host's directory, the first time */
        s->name.p[host_end] = '\0';
        if (mkdir(s->name.p, 0755) != 0 && errno != EEXIST)
            goto failed;
        s->name.p[host_end] = '/';
        r = put_file(s, s->name.p, x);
    }
    if (r < 0)
        goto failed;
    buf_reset(path);
    return buf_append(path, s->name.p, s->name.len) == 0 ? 1 : -1;
failed:
    if (!s->failed++)
        log_msg(LOG_WARN, "--store-responses: cannot write %s: %s (results go on without)",
                s->name.p ? s->name.p : s->dir, strerror(errno));
    return -1;
}
