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
 * and "{}" is refused when there are keys. url = also check it as a URL
 * that holds the word (TMPL_URL_ANY: a URL whose word may be elsewhere: a
 * header, the body, the method). */
#define TMPL_URL_ANY 2
int tmpl_check_keys(const char *tmpl, const struct tmpl_keys *k, int url, char *err,
                    size_t errlen);
/* Whether every URL made from tmpl has the same scheme, host and port (no
 * placeholder before the path): connections can carry many probes. */
int tmpl_fixed_origin(const char *tmpl);
/* Whether s holds a placeholder at all. */
int tmpl_has_holes(const char *s, const struct tmpl_keys *k);
/* What a word may be where it goes: as it is (headers, body: TMPL_RAW);
 * in a URL (TMPL_URL): in the host part only host labels (letters,
 * digits, '-', '_', '.'; a non-ASCII word becomes its IDNA punycode), in
 * the path, query and fragment with the bytes that cannot stand in a URL
 * percent-encoded; TMPL_SHOW: a URL for showing a word that made none,
 * the host part unchecked. */
enum { TMPL_RAW = 0, TMPL_URL = 1, TMPL_SHOW = 2 };
/* Why a word makes no URL (tmpl_fill's negative returns). */
enum { TMPL_ENOMEM = -1, TMPL_ENUL = -2, TMPL_EHOST = -3, TMPL_EIDN = -4, TMPL_ESCHEME = -5 };

/* Whether a word's byte goes into a URL's path or query as %XX. */
int tmpl_escapes(unsigned char c);
/* Append tmpl with every {} replaced by word to out (as TMPL_URL). In the
 * path, query and fragment the bytes that cannot appear in a URL (controls,
 * space, non-ASCII, "#<>\^`{|}) are percent-encoded; '/', '?', '&' and '%'
 * are kept. Returns 0 or a TMPL_E* code. */
int tmpl_expand(const char *tmpl, const char *word, size_t len, struct buf *out);
/* The general form: k as above, mode TMPL_RAW, TMPL_URL or TMPL_SHOW. */
int tmpl_fill(const char *tmpl, const struct tmpl_keys *k, const char *word, size_t len,
              int mode, struct buf *out);
/* The first byte of w[0..n) that cannot be in a host name, or NULL. */
const char *tmpl_bad_host_byte(const char *w, size_t n);
#endif
