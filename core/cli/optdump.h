/* optdump: the configuration written back as INI text (optdump.c). */
#ifndef SALVO_OPTDUMP_H
#define SALVO_OPTDUMP_H
#include <stdint.h>
#include <stdio.h>

#include "cli/opt.h"

/* The effective configuration as INI, for people: URLs' passwords and the
 * values of secret headers (Authorization, Proxy-Authorization, Cookie,
 * --secret-header) as "***". */
void optdump_print(const struct conf *c, FILE *f);
/* The options that change what a scan reports, as INI text (malloc'ed):
 * speed, output place and bookkeeping options left out; queue = also the
 * output format and the wordlists (collect picks the format, the words
 * travel in the chunks); redact as optdump_print() does. NULL when out of
 * memory. */
char *optdump_text(const struct conf *c, int queue, int redact);
/* A fingerprint of that text (and of several wordlists' sizes and
 * times), so that a resume with other options is refused. */
uint64_t optdump_fingerprint(const struct conf *c);
#endif
