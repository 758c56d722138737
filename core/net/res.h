/* res: what a response says about itself: its charset, and its text
 * decoded to UTF-8 with iconv. */
#ifndef SALVO_RES_H
#define SALVO_RES_H
#include <stddef.h>

#include "base/buf.h"

enum res_charset_source { CS_NONE = 0, CS_HEADER, CS_BOM, CS_META };

/* The charset of a page: the charset= parameter of content_type (may be
 * NULL), else a byte-order mark, else a <meta> charset in the first 4 KiB.
 * The name is normalised: lower case, GBK/GB2312 and their aliases as
 * "gb18030" (their superset), Latin-1/ASCII as "windows-1252" (what
 * browsers do). out is "" and CS_NONE when nothing says. */
int res_charset_detect(const char *content_type, const char *body, size_t len,
                       char *out, size_t outlen);

/* Decoders are cached per process (iconv_open is not cheap). */
struct res_decoder;
struct res_decoder *res_decoder_new(void);
void res_decoder_free(struct res_decoder *d);

/* Decode body from charset to UTF-8. For UTF-8, an unknown charset or
 * none, *text is body itself (no copy); otherwise it is out->p. Bytes
 * that do not decode become U+FFFD. Returns 0, or -1 when out of memory. */
int res_decode(struct res_decoder *d, const char *charset, const char *body, size_t len,
               struct buf *out, const char **text, size_t *tlen);
struct buf;
/* Append the <title> text of html to out, whitespace collapsed: 0, or -1
 * when there is none. */
int res_title(const char *html, size_t len, struct buf *out);
/* The same into out[0..cap): the length written, or -1 when there is no
 * title. With out NULL, the most it can need (the raw title's length). */
long res_title_to(const char *html, size_t len, char *out, size_t cap);
#endif
