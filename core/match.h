/* match: the declarative [match] rules. All configured rules must hold. */
#ifndef SALVO_MATCH_H
#define SALVO_MATCH_H
#include <stddef.h>
struct conf;

struct match_rules {
    int has_status;
    unsigned char status[600];   /* status[s] = 1 if s is accepted */
    char **contains;             /* borrowed from struct conf */
    size_t ncontains;
    char **not_contains;
    size_t nnot_contains;
};

/* Validate a status list such as "200,301-302" ("" = any). */
int match_status_check(const char *list, char *err, size_t errlen);
/* Build rules from the configuration (already validated). */
void match_init(struct match_rules *m, const struct conf *c);
/* Whether any rule is configured at all. */
int match_any_rule(const struct match_rules *m);
int match_needs_text(const struct match_rules *m);
int match_status_ok(const struct match_rules *m, int status);
int match_text_ok(const struct match_rules *m, const char *text, size_t len);
#endif
