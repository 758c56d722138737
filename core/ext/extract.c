/* extract: regexes compiled once per worker (match_regex: UTF-8, invalid
 * bytes matched rather than refused, JIT where there is one), run on the
 * text the rules see for every result that is written. A value goes into
 * the result's fields as a plugin's res_field() puts one, so jsonl, csv,
 * the text detail and the report show it without more code. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "ext/extract.h"

#include "ext/match.h"
#include "net/reqres.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The result's own keys: a field of one of these names would shadow them
 * in a reader's eyes (csv, the report). */
static const char *const taken[] = {"verdict", "url", "word", "status", "length", "words",
                                    "lines", "content_type", "charset", "title", "location",
                                    "elapsed_ms", "ip", "protocol", "error", "fields", "stored"};

/* NAME's length in spec, or 0 when spec has no valid "NAME:". */
static size_t extract_name_len(const char *spec)
{
    size_t n = strspn(spec, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
    return n && n < 64 && spec[n] == ':' ? n : 0;
}

int extract_check(const char *spec, char *err, size_t errlen)
{
    size_t n = extract_name_len(spec);
    if (!n) {
        snprintf(err, errlen, "\"%s\" is not NAME:PCRE (NAME of letters, digits, _ and -)", spec);
        return -1;
    }
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
        if (strlen(taken[i]) == n && !strncmp(taken[i], spec, n)) {
            snprintf(err, errlen, "\"%.*s\" is a field of every result already: name it otherwise",
                     (int)n, spec);
            return -1;
        }
    return match_regex_check(spec + n + 1, err, errlen);
}

int extract_init(struct extract *x, const struct strlist *specs, char *err, size_t errlen)
{
    memset(x, 0, sizeof *x);
    if (!specs || !specs->n)
        return 0;
    x->names = calloc(specs->n, sizeof *x->names);
    x->re = calloc(specs->n, sizeof *x->re);
    x->md = pcre2_match_data_create(10, NULL);
    if (!x->names || !x->re || !x->md) {
        snprintf(err, errlen, "out of memory");
        extract_free(x);
        return -1;
    }
    for (size_t i = 0; i < specs->n; i++) {
        const char *spec = specs->v[i];
        size_t n = extract_name_len(spec), off;
        char why[160];
        x->names[i] = strndup(spec, n);
        x->re[i] = n ? match_regex(spec + n + 1, &off, why, sizeof why) : NULL;
        x->n = i + 1;
        if (!x->names[i] || !x->re[i]) {
            snprintf(err, errlen, "--extract %s: %s", spec, n ? why : "not NAME:PCRE");
            extract_free(x);
            return -1;
        }
    }
    return 0;
}

/* One field: value[0..n) cut at EXTRACT_VALUE_MAX (never inside a UTF-8
 * sequence), as text. */
static void extract_field(struct salvo_res *r, const char *name, const char *value, size_t n)
{
    if (n > EXTRACT_VALUE_MAX) {
        n = EXTRACT_VALUE_MAX;
        while (n && ((unsigned char)value[n] & 0xC0) == 0x80)
            n--;
    }
    char *v = strndup(value, n);
    if (v)
        res_field_add(r, name, v, 0);
    free(v);
}

void extract_run(const struct extract *x, const char *text, size_t len, struct salvo_res *r)
{
    for (size_t i = 0; i < x->n; i++) {
        int rc = pcre2_match(x->re[i], (PCRE2_SPTR)text, len, 0, 0, x->md, NULL);
        if (rc <= 0)
            continue;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
        uint32_t groups = 0;
        pcre2_pattern_info(x->re[i], PCRE2_INFO_CAPTURECOUNT, &groups);
        /* Group 1 when the regex has one and it took part; else the match. */
        int g = groups >= 1 && rc >= 2 && ov[2] != PCRE2_UNSET ? 1 : 0;
        extract_field(r, x->names[i], text + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
    }
}

void extract_free(struct extract *x)
{
    for (size_t i = 0; x->names && x->re && i < x->n; i++) {
        free(x->names[i]);
        pcre2_code_free(x->re[i]);
    }
    free(x->names);
    free(x->re);
    pcre2_match_data_free(x->md);
    memset(x, 0, sizeof *x);
}
