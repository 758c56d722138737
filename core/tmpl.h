/* tmpl: templates. With one wordlist "{}" stands for the word, as often as
 * it appears; with several (-w FILE:KEY), "{KEY}" stands for the word of
 * that list, and a word is the lists' words joined by TMPL_SEP. */
#ifndef SALVO_TMPL_H
#define SALVO_TMPL_H
#include <stddef.h>
struct buf;

#define TMPL_MAX_KEYS 8
#define TMPL_SEP '\x1f'

struct tmpl_keys {
    size_t n;                         /* 0 = one wordlist, "{}" */
    const char *name[TMPL_MAX_KEYS];  /* borrowed */
};

/* 0 if the URL template is usable, else -1 with the reason in err. */
int tmpl_check(const char *tmpl, char *err, size_t errlen);
/* The same with keys (NULL or n == 0: "{}"): every {NAME} must be a key,
 * and "{}" is refused when there are keys. url = also check it as a URL. */
int tmpl_check_keys(const char *tmpl, const struct tmpl_keys *k, int url, char *err,
                    size_t errlen);
/* Whether s holds a placeholder at all. */
int tmpl_has_holes(const char *s, const struct tmpl_keys *k);
/* Append tmpl with every {} replaced by word to out. In the host part the
 * word goes in as it is (curl then refuses what cannot be a host name); in
 * the path, query and fragment, bytes that cannot appear in a URL
 * (controls, space, non-ASCII, "#<>\^`{|}) are percent-encoded. Returns 0,
 * or -1 when out of memory or the word holds a NUL byte. */
int tmpl_expand(const char *tmpl, const char *word, size_t len, struct buf *out);
/* The general form: k as above; url = 0 fills in the words as they are
 * (headers, body). */
int tmpl_fill(const char *tmpl, const struct tmpl_keys *k, const char *word, size_t len,
              int url, struct buf *out);
#endif
