/* rawreq: --request FILE, a raw HTTP/1.1 request as Burp or ZAP saves it,
 * read into the options a scan of -u, -X, -H and -d would give
 * (rawreq.c). */
#ifndef SALVO_RAWREQ_H
#define SALVO_RAWREQ_H
#include <stddef.h>

struct conf;

/* Read c->request (scheme from c->request_scheme) into c's template,
 * method, headers and data. 0, or -1 with err naming the file and line. */
int rawreq_apply(struct conf *c, char *err, size_t errlen);
#endif
