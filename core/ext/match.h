/* match: the declarative [match] and [filter] rules.
 *
 * A response is a hit when the match rules accept it (all of them, or any
 * one with match_mode = any) and no filter rule rejects it. Each value of a
 * repeatable key is a rule of its own. Rules are compiled once (regexes
 * with PCRE2's JIT where available) and run cheapest first: status, size,
 * time and headers need no decoding; words, lines, contains and regex see
 * the body decoded to UTF-8, or the raw bytes with raw = yes. */
#ifndef SALVO_MATCH_H
#define SALVO_MATCH_H
#include <stddef.h>
#include <stdint.h>

#include "base/strlist.h"

/* One of [match] and [filter]: "" or an empty list = no such rule. */
struct rules_conf {
    char *status;          /* "200,301-302" */
    struct strlist contains;
    struct strlist regex;
    char *size;            /* body bytes: "0,100-200,>5000" */
    char *words;
    char *lines;
    struct strlist header; /* "Name: regex" */
    char *time;            /* milliseconds */
};

/* What the rules need of the configuration. */
struct match_settings {
    const struct rules_conf *match, *filter;
    const struct strlist *not_contains;
    const char *mode;      /* all | any */
    int raw;               /* text rules on the raw bytes */
};

struct salvo_res;
struct pcre2_real_code_8;

/* A regex compiled as every rule and script compiles them: UTF-8,
 * invalid UTF-8 in the subject matched rather than refused, JIT where
 * there is one. NULL with PCRE2's reason in why and the offset where it
 * stopped (each caller words its own message). */
struct pcre2_real_code_8 *match_regex(const char *re, size_t *offset, char *why, size_t whylen);
struct rule;

struct match_rules {
    struct rule *v;     /* match rules first, then filters, each cheapest first */
    size_t n, nmatch;
    int any;            /* match_mode = any */
    int raw;            /* text rules on the raw bytes */
    int needs_text;
    void *md;           /* pcre2_match_data, shared by the regex rules */
};

/* Checks of one value, for the option table: 0, or -1 with a reason. */
int match_status_check(const char *list, char *err, size_t errlen);
/* The statuses of list as set[status] = 1 (100-599). 0, or -1 with err. */
int match_status_set(const char *list, unsigned char set[600], char *err, size_t errlen);
int match_range_check(const char *list, char *err, size_t errlen);
int match_regex_check(const char *re, char *err, size_t errlen);
int match_header_check(const char *rule, char *err, size_t errlen);

/* Build rules from the (already validated) configuration. 0, or -1 with a
 * message (out of memory, or a regex that failed to compile). */
int match_init(struct match_rules *m, const struct match_settings *c, char *err,
               size_t errlen);
void match_free(struct match_rules *m);
int match_any_rule(const struct match_rules *m);

/* 1 if r is accepted; 0 if a rule rejected it, with *why naming the rule
 * and its value ("match.status=200", "filter.size=1234"). */
int match_eval(struct match_rules *m, struct salvo_res *r, const char **why);

/* Words (runs of non-space bytes) and lines ('\n'-separated; a last line
 * without '\n' counts) of text. */
void match_count(const char *t, size_t n, uint64_t *words, uint64_t *lines);
#endif
