/* opt: the options read, by the one table of options (optable.c): every
 * setting is described once (CLI name, INI section/key, type, default,
 * help) and that table drives the command-line parser, the INI handler,
 * --dump-config and --help, so they cannot disagree. */
#ifndef SALVO_OPT_H
#define SALVO_OPT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/config.h"





/* Where a value came from, for messages: "file:line: [sec] key" or
 * "option --name". */
struct opt_origin {
    const char *file;  /* NULL for the command line */
    int line;
};

/* OPT_USAGE: --help was given; the caller prints manual_usage(). */
enum opt_result { OPT_RUN = 0, OPT_EXIT_OK = 1, OPT_ERROR = 2, OPT_USAGE = 3 };

void opt_defaults(struct conf *c);
void opt_free(struct conf *c);
/* Set INI key section/key from a config file. Returns 0, or -1 with a
 * message in err ("unknown key" included). */
int opt_set_ini(struct conf *c, const char *section, const char *key,
                const char *value, const struct opt_origin *at,
                char *err, size_t errlen);
/* Apply every key of the INI file at path (conf.c reads it). 0, or -1
 * with file:line in err. */
int opt_load_ini(struct conf *c, const char *path, char *err, size_t errlen);
/* Whether section is one salvo knows. */
int opt_known_section(const char *section);
/* Parse argv: first finds -c/--config and loads it (INI), then applies the
 * rest on top. Prints --version itself (OPT_EXIT_OK); --help is OPT_USAGE. On OPT_ERROR
 * the message is in err. */
enum opt_result opt_parse(struct conf *c, int argc, char **argv, char *err, size_t errlen);
/* Parse "K/N" (1-based) or "auto/N" into k and n. 0, or -1 with err. */
int opt_shard(const char *v, unsigned *k, unsigned *n, char *err, size_t errlen);
#endif
