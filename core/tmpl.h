/* tmpl: URL templates. "{}" stands for the word, as often as it appears. */
#ifndef SALVO_TMPL_H
#define SALVO_TMPL_H
#include <stddef.h>
struct buf;

/* 0 if the template is usable, else -1 with the reason in err. */
int tmpl_check(const char *tmpl, char *err, size_t errlen);
/* Append tmpl with every {} replaced by word to out. In the host part the
 * word goes in as it is (curl then refuses what cannot be a host name); in
 * the path, query and fragment, bytes that cannot appear in a URL
 * (controls, space, non-ASCII, "#<>\^`{|}) are percent-encoded. Returns 0,
 * or -1 when out of memory or the word holds a NUL byte. */
int tmpl_expand(const char *tmpl, const char *word, size_t len, struct buf *out);
#endif
