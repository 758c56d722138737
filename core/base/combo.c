/* combo: the writer of combined wordlists. */
#include "base/combo.h"

#include "base/log.h"
#include "base/strlist.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int key_ok(const char *s)
{
    if (!*s || strlen(s) >= sizeof ((struct combo *)0)->key[0])
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

size_t combo_file_len(const char *spec)
{
    const char *colon = strrchr(spec, ':');
    struct stat sb;
    /* FILE:KEY, unless FILE:KEY is itself an existing file. */
    int keyed = colon && key_ok(colon + 1) && stat(spec, &sb) != 0;
    return keyed ? (size_t)(colon - spec) : strlen(spec);
}

int combo_parse(struct combo *k, const struct strlist *w, const char *mode, char *err,
                size_t errlen)
{
    memset(k, 0, sizeof *k);
    k->pitchfork = mode && !strcmp(mode, "pitchfork");
    if (w->n > TMPL_MAX_KEYS) {
        snprintf(err, errlen, "%zu wordlists: at most %d", w->n, TMPL_MAX_KEYS);
        return -1;
    }
    for (size_t i = 0; i < w->n; i++) {
        const char *spec = w->v[i];
        size_t plen = combo_file_len(spec);
        int keyed = spec[plen] == ':';
        if (!keyed && w->n > 1) {
            snprintf(err, errlen, "wordlist \"%s\": with several wordlists each needs a name, "
                     "-w FILE:KEY, used as {KEY} in the template", spec);
            goto fail;
        }
        if (!(k->path[i] = strndup(spec, plen)))
            goto oom;
        k->n++;
        if (keyed) {
            snprintf(k->key[i], sizeof k->key[i], "%s", spec + plen + 1);
            for (size_t j = 0; j < i; j++)
                if (!strcmp(k->key[j], k->key[i])) {
                    snprintf(err, errlen, "wordlist name %s given twice", k->key[i]);
                    goto fail;
                }
            k->keys.name[k->keys.n++] = k->key[i];
        }
    }
    for (size_t i = 1; i < k->n && !k->pitchfork; i++)
        if (!strcmp(k->path[i], "-")) {
            snprintf(err, errlen, "wordlist %zu: stdin (-) can only be the first list of a "
                     "clusterbomb, which reads the others again for each of its words", i + 1);
            goto fail;
        }
    for (size_t i = 0, dash = 0; i < k->n; i++)
        if (!strcmp(k->path[i], "-") && dash++) {
            snprintf(err, errlen, "stdin (-) given as more than one wordlist");
            goto fail;
        }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    combo_free(k);
    return -1;
}

static int used(const char *s, const char *key)
{
    struct tmpl_keys one = {1, {key}};
    return s && tmpl_has_holes(s, &one);
}

int combo_check(const struct combo *k, const char *template, const struct strlist *headers,
                const char *data, const char *method, char *err, size_t errlen)
{
    const struct tmpl_keys *keys = k->keys.n ? &k->keys : NULL;
    char why[1024];
    /* The word may stand anywhere (ffuf's FUZZ does): a POST body or a
     * header alone is a scan too. */
    int elsewhere = (data && strstr(data, "{}")) || (method && strstr(method, "{}"));
    for (size_t i = 0; i < headers->n && !elsewhere; i++)
        elsewhere = strstr(headers->v[i], "{}") != NULL;
    if (tmpl_check_keys(template, keys, elsewhere ? TMPL_URL_ANY : 1, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    for (size_t i = 0; i < headers->n; i++)
        if (tmpl_check_keys(headers->v[i], keys, 0, why, sizeof why) < 0) {
            snprintf(err, errlen, "header %s", why);
            return -1;
        }
    if (data && tmpl_check_keys(data, keys, 0, why, sizeof why) < 0) {
        snprintf(err, errlen, "data %s", why);
        return -1;
    }
    if (method && tmpl_check_keys(method, keys, 0, why, sizeof why) < 0) {
        snprintf(err, errlen, "method %s", why);
        return -1;
    }
    for (size_t i = 0; i < k->keys.n; i++) {
        int u = used(template, k->key[i]) || used(data, k->key[i]) || used(method, k->key[i]);
        for (size_t h = 0; h < headers->n && !u; h++)
            u = used(headers->v[h], k->key[i]);
        if (!u) {
            snprintf(err, errlen, "wordlist %s (%s) is not used: put {%s} in the template, a "
                     "header, the data or the method", k->key[i], k->path[i], k->key[i]);
            return -1;
        }
    }
    return 0;
}

/* ---- the writer ---- */

/* The next line of f (a non-blank one unless keep_blank), without its
 * line end, into *line. 1, or 0 at the end. Lines holding the separator byte cannot be told apart from
 * two words: they are skipped, with a warning. */
static int next_line(FILE *f, const char *path, char **line, size_t *cap, size_t *len,
                     int keep_blank, int comments, unsigned long *lineno)
{
    ssize_t n;
    while ((n = getline(line, cap, f)) >= 0) {
        ++*lineno;
        while (n && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
            n--;
        (*line)[n] = '\0';
        if (*lineno == 1 && n >= 3 && !memcmp(*line, "\xef\xbb\xbf", 3)) { /* a BOM */
            memmove(*line, *line + 3, (size_t)n - 2);
            n -= 3;
        }
        if (memchr(*line, TMPL_SEP, (size_t)n)) {
            log_msg(LOG_WARN, "wordlist %s:%lu: holds byte 0x1f, skipped", path, *lineno);
            continue;
        }
        if (comments && n && (*line)[0] == '#')
            n = 0; /* --ignore-comments: a comment is no word, like a blank line */
        if (n || keep_blank) {
            *len = (size_t)n;
            return 1;
        }
    }
    return 0;
}

struct level {
    FILE *f;
    char *line;
    size_t cap, len;
    unsigned long lineno;
};

static int emit(FILE *out, struct level *lv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i && putc(TMPL_SEP, out) == EOF)
            return -1;
        if (fwrite(lv[i].line, 1, lv[i].len, out) != lv[i].len)
            return -1;
    }
    return putc('\n', out) == EOF ? -1 : 0;
}

/* A blank line of one list is an empty value ({W}{E} with a blank line
 * among the extensions is the bare word); a combination of blanks alone is
 * no word. */
static int emit_some(FILE *out, struct level *lv, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lv[i].len)
            return emit(out, lv, n);
    return 0;
}

static int clusterbomb(struct combo *k, struct level *lv, size_t depth, FILE *out)
{
    if (depth > 0 && fseek(lv[depth].f, 0, SEEK_SET) < 0)
        return -1;
    lv[depth].lineno = 0;
    while (next_line(lv[depth].f, k->path[depth], &lv[depth].line, &lv[depth].cap, &lv[depth].len,
                     1, k->ignore_comments, &lv[depth].lineno)) {
        int rc = depth + 1 == k->n ? emit_some(out, lv, k->n) : clusterbomb(k, lv, depth + 1, out);
        if (rc < 0)
            return -1;
    }
    return ferror(lv[depth].f) ? -1 : 0;
}

static int pitchfork(struct combo *k, struct level *lv, FILE *out)
{
    for (;;) {
        size_t ended = k->n;
        for (size_t i = 0; i < k->n; i++) {
            if (!next_line(lv[i].f, k->path[i], &lv[i].line, &lv[i].cap, &lv[i].len, 1,
                           k->ignore_comments,
                           &lv[i].lineno)) {
                ended = i;
                break;
            }
        }
        if (ended < k->n) {
            /* Lists before the one that ended read a line this round. */
            for (size_t i = 0; i < k->n; i++)
                if (i < ended || (i > ended && getc(lv[i].f) != EOF))
                    log_msg(LOG_WARN, "pitchfork: wordlist %s ended at line %lu; the rest of %s "
                            "is not used", k->path[ended], lv[ended].lineno, k->path[i]);
            return 0;
        }
        if (emit_some(out, lv, k->n) < 0)
            return -1;
    }
}

static void writer(struct combo *k, struct level *lv, int fd)
{
    signal(SIGINT, SIG_IGN); /* the parent decides how a scan stops */
    signal(SIGPIPE, SIG_DFL);
    FILE *out = fdopen(fd, "w");
    if (!out)
        _exit(1);
    setvbuf(out, NULL, _IOFBF, 1 << 16);
    int rc = k->pitchfork ? pitchfork(k, lv, out) : clusterbomb(k, lv, 0, out);
    if (fclose(out) != 0 || rc < 0)
        _exit(1);
    _exit(0);
}

int combo_start(struct combo *k, int *fd, char *err, size_t errlen)
{
    struct level lv[TMPL_MAX_KEYS] = {0};
    int p[2] = {-1, -1};
    size_t i;
    for (i = 0; i < k->n; i++) {
        struct stat sb;
        lv[i].f = !strcmp(k->path[i], "-") ? stdin : fopen(k->path[i], "r");
        if (!lv[i].f || fstat(fileno(lv[i].f), &sb) < 0 ||
            (S_ISDIR(sb.st_mode) && (errno = EISDIR))) {
            snprintf(err, errlen, "wordlist %s: %s", k->path[i], strerror(errno));
            goto fail;
        }
    }
    if (pipe2(p, O_CLOEXEC) < 0 || (k->pid = fork()) < 0) {
        snprintf(err, errlen, "combining wordlists: %s", strerror(errno));
        goto fail;
    }
    if (k->pid == 0) {
        close(p[0]);
        writer(k, lv, p[1]);
    }
    close(p[1]);
    for (size_t j = 0; j < k->n; j++)
        if (lv[j].f != stdin)
            fclose(lv[j].f);
    *fd = p[0];
    return 0;
fail:
    for (size_t j = 0; j < k->n; j++)
        if (lv[j].f && lv[j].f != stdin)
            fclose(lv[j].f);
    if (p[0] >= 0)
        close(p[0]), close(p[1]);
    k->pid = 0;
    return -1;
}

int combo_stop(struct combo *k, int finished)
{
    if (k->pid <= 0)
        return 0;
    int st = 0;
    if (!finished)
        kill(k->pid, SIGTERM);
    while (waitpid(k->pid, &st, 0) < 0 && errno == EINTR)
        ;
    k->pid = 0;
    return !finished || (WIFEXITED(st) && WEXITSTATUS(st) == 0) ? 0 : -1;
}

void combo_free(struct combo *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->path[i]);
    k->n = 0;
    k->keys.n = 0;
}
