/* ffuf: ffuf writes its long options with one dash (-mc 200, -fs 314,
 * -recursion). getopt reads such a word as short options clustered
 * together, so an ffuf habit gave a baffling error ("-mc 200" is -m, then
 * -c 200: "200: cannot open config") or, worse, ran with another meaning.
 * Each spelling of ffuf's is read here before getopt sees it: where salvo
 * has the same option (the same meaning, the same values) it is taken as
 * salvo's; where salvo's option of that name means something else (-fs is
 * ffuf's size filter, salvo's --fs filters text) or salvo has none, the
 * command line is refused with what to write instead. */
#include "cli/ffuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct spelling {
    const char *ffuf;   /* without its dash */
    const char *salvo;  /* the same option here ("--mc"), or NULL */
    const char *hint;   /* when salvo is NULL: what to write instead */
};

static const struct spelling spellings[] = {
    {"mc", "--mc", NULL},
    {"ml", "--ml", NULL},
    {"mw", "--mw", NULL},
    {"mr", "--mr", NULL},
    {"mt", "--mt", NULL},
    {"fc", "--fc", NULL},
    {"fl", "--fl", NULL},
    {"fw", "--fw", NULL},
    {"fr", "--fr", NULL},
    {"ft", "--ft", NULL},
    {"mmode", "--match-mode", NULL},
    {"ac", "--calibrate", NULL},
    {"ic", "--ignore-comments", NULL},
    {"mode", "--mode", NULL},
    {"rate", "--rate", NULL},
    {"maxtime", "--max-time", NULL},
    {"request", "--request", NULL},
    {"replay-proxy", "--replay-proxy", NULL},
    {"request-proto", "--request-scheme", NULL},
    {"timeout", "--timeout", NULL},
    {"http2", "--http2", NULL},
    {"ms", NULL, "ffuf's -ms matches on size: here --msize N (--ms matches text)"},
    {"fs", NULL, "ffuf's -fs filters on size: here --fsize N (--fs filters text)"},
    {"fmode", NULL, "filters here always combine with or: any filter that holds turns a response "
                    "down"},
    {"of", NULL, "the output format here is -f text|jsonl|csv; an HTML report is --report FILE"},
    {"json", NULL, "JSON lines here are -f jsonl"},
    {"raw", NULL, "salvo sends a word's bytes as they are; --raw here applies text rules to the "
                  "undecoded body"},
    {"recursion", NULL, "salvo does not recurse into directories it finds; scan a found "
                        "directory with its own -u"},
    {"recursion-depth", NULL, "salvo does not recurse into directories it finds"},
    {"recursion-strategy", NULL, "salvo does not recurse into directories it finds"},
    {"maxtime-job", NULL, "salvo has no jobs; --max-time-per-host SEC gives each host a time"},
    {"sa", NULL, "salvo does not stop the scan on errors: --auto-bail gives up on a host that "
                 "fails or answers 403/429 (its words are skipped, --retry-failed takes them "
                 "again)"},
    {"se", NULL, "salvo does not stop the scan on errors: --auto-bail gives up on a host after "
                 "--bail-errors errors in a row"},
    {"sf", NULL, "salvo does not stop the scan on 403s: --auto-bail gives up on a host when "
                 "--bail-share percent of its answers are 403 or 429; or --fc 403"},
    {"od", NULL, "salvo stores no responses; -f jsonl --detail always writes each hit's "
                 "status, size, title and redirect"},
    {"acc", NULL, "calibration here is --calibrate (random words, learned automatically)"},
    {"acs", NULL, "calibration here is --calibrate (random words, learned automatically)"},
    {"ach", NULL, "calibration here is --calibrate (per host when the template's host varies)"},
    {"config", NULL, "salvo's configuration is an INI file: -c FILE (--dump-config shows one)"},
    {"input-cmd", NULL, "give salvo the words on its standard input: -w -"},
    {"input-num", NULL, "give salvo the words on its standard input: -w -"},
    {"input-shell", NULL, "give salvo the words on its standard input: -w -"},
    {"noninteractive", NULL, "salvo never reads the terminal: leave -noninteractive out"},
    {"debug-log", NULL, "salvo's messages go to standard error: -v for more, 2> FILE to keep"},
    {"ignore-body", NULL, "salvo reads the body for its rules: --max-body N bounds it"},
    {"sni", NULL, "salvo names the template's host in TLS: --connect-to HOST:PORT:ADDR:PORT "
                  "sends it elsewhere"},
    {"cc", NULL, "salvo has no client certificates"},
    {"ck", NULL, "salvo has no client certificates"},
};

/* Whether the word argv[i] is the value of the option before it. */
static int ffuf_is_value(char **argv, int i, const struct option *lo, const char *shorts)
{
    if (i < 2)
        return 0;
    const char *prev = argv[i - 1];
    if (prev[0] != '-' || !prev[1])
        return 0;
    if (prev[1] == '-') {
        if (!prev[2] || strchr(prev, '='))
            return 0;
        for (const struct option *o = lo; o->name; o++)
            if (!strcmp(o->name, prev + 2))
                return o->has_arg == required_argument;
        return 0;
    }
    /* A cluster of short options: the last one takes the next word when
     * it takes a value and none is glued to it. */
    for (const char *p = prev + 1; *p; p++) {
        const char *s = strchr(shorts, *p);
        if (s && s[1] == ':')
            return !p[1];
    }
    return 0;
}

static const struct spelling *ffuf_find(const char *word)
{
    if (word[0] != '-' || word[1] == '-' || strlen(word) < 3)
        return NULL;
    const char *name = word + 1;
    size_t n = strcspn(name, "=");
    for (size_t k = 0; k < sizeof spellings / sizeof spellings[0]; k++)
        if (strlen(spellings[k].ffuf) == n && !strncmp(spellings[k].ffuf, name, n))
            return &spellings[k];
    return NULL;
}

/* Single letters that ffuf and salvo both have but read otherwise: a
 * value that cannot be salvo's is refused with ffuf's meaning named. */
static int ffuf_letter(char **argv, int argc, int i, char *err, size_t errlen)
{
    const char *w = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
    int number = next && strspn(next, "0123456789.-") == strlen(next) && *next;
    if (!strcmp(w, "-p") && number) {
        snprintf(err, errlen, "option -p %s: -p names a plugin here; ffuf's delay between "
                 "requests is --rate N (requests a second)", next);
        return -1;
    }
    if (!strcmp(w, "-r") && (!next || next[0] == '-')) {
        snprintf(err, errlen, "option -r: -r names DNS resolvers here (-r IP[:PORT],... or a "
                 "file); ffuf's -r (follow redirects) is --follow-redirects");
        return -1;
    }
    if (!strcmp(w, "-c") && (!next || next[0] == '-')) {
        snprintf(err, errlen, "option -c: -c names an INI file here; ffuf's -c (colours) is "
                 "salvo's way at a terminal already");
        return -1;
    }
    if (!strcmp(w, "-b")) {
        snprintf(err, errlen, "option -b: salvo sends cookies as a header: -H 'Cookie: %s'",
                 next ? next : "NAME=VALUE");
        return -1;
    }
    if (!strcmp(w, "-s")) {
        snprintf(err, errlen, "option -s: salvo's quiet mode is -q");
        return -1;
    }
    return 0;
}

char **ffuf_argv(int argc, char **argv, const struct option *lo, const char *shorts, char *err,
                 size_t errlen)
{
    char **out = calloc((size_t)argc + 1, sizeof *out);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rest = 0; /* after "--": words, not options */
    for (int i = 0; i < argc; i++) {
        out[i] = argv[i];
        if (i == 0 || rest || ffuf_is_value(argv, i, lo, shorts))
            continue;
        if (!strcmp(argv[i], "--")) {
            rest = 1;
            continue;
        }
        if (ffuf_letter(argv, argc, i, err, errlen) < 0)
            goto refuse;
        const struct spelling *s = ffuf_find(argv[i]);
        if (!s)
            continue;
        if (!s->salvo) {
            snprintf(err, errlen, "option %s: %s", argv[i], s->hint);
            goto refuse;
        }
        const char *eq = strchr(argv[i], '=');
        if (eq) {
            snprintf(err, errlen, "option %s: ffuf's spelling; here write %s %s", argv[i],
                     s->salvo, eq + 1);
            goto refuse;
        }
        out[i] = (char *)s->salvo;
    }
    return out;
refuse:
    free(out);
    return NULL;
}
