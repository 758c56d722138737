/* extract: --extract NAME:PCRE, values pulled out of a page into the
 * result's fields (httpx's -er, ffuf's scrapers, nuclei's extractors). */
#ifndef SALVO_EXTRACT_H
#define SALVO_EXTRACT_H
#include <stddef.h>

#include "base/strlist.h"

struct salvo_res;
struct pcre2_real_code_8;
struct pcre2_real_match_data_8;

struct extract {
    size_t n;
    char **names;
    struct pcre2_real_code_8 **re;
    struct pcre2_real_match_data_8 *md;
};

/* A value of --extract: "NAME:PCRE", NAME of letters, digits, '_' and '-'
 * (not one of the result's own fields), the regex compiling. 0, or -1
 * with a reason. */
int extract_check(const char *spec, char *err, size_t errlen);
/* Compile every spec (checked already). 0, or -1 with err. */
int extract_init(struct extract *x, const struct strlist *specs, char *err, size_t errlen);
/* For each extractor whose regex matches text[0..len): its first match
 * (capture group 1 when the regex has one) as the field NAME of r, at
 * most EXTRACT_VALUE_MAX bytes. */
void extract_run(const struct extract *x, const char *text, size_t len, struct salvo_res *r);
void extract_free(struct extract *x);

#define EXTRACT_VALUE_MAX 1024
#endif
