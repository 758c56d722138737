/* combo: several wordlists (-w FILE:KEY) combined into one stream of
 * words, as clusterbomb (every combination, the last list fastest) or
 * pitchfork (line i of each list). A small process writes the combined
 * words to a pipe, parts joined by TMPL_SEP, so the rest of salvo reads
 * them like any wordlist: streamed in chunks, the product never held in
 * memory, and the same order on every run, which is what resume and
 * --retry-failed rely on. */
#ifndef SALVO_COMBO_H
#define SALVO_COMBO_H
#include <stddef.h>
#include <sys/types.h>

#include "base/tmpl.h"

struct strlist;

struct combo {
    size_t n;                         /* lists */
    char *path[TMPL_MAX_KEYS];        /* owned */
    struct tmpl_keys keys;            /* names point into key[] */
    char key[TMPL_MAX_KEYS][32];
    int pitchfork;
    int ignore_comments;              /* lines starting with '#' are no words */
    pid_t pid;                        /* the writer, or 0 */
};

/* The length of a -w spec's FILE part: "FILE:KEY" has a key (KEY letters,
 * digits, '_') unless the whole spec names an existing file. */
size_t combo_file_len(const char *spec);
/* Parse the -w specs (mode: clusterbomb | pitchfork): "FILE" alone, or one or more "FILE:KEY". 0, or
 * -1 with a message. */
int combo_parse(struct combo *k, const struct strlist *specs, const char *mode, char *err,
                size_t errlen);
/* Check that every template (URL, headers, body) uses only known keys and
 * every key is used somewhere. */
int combo_check(const struct combo *k, const char *template, const struct strlist *headers,
                const char *data, const char *method, char *err, size_t errlen);
/* Open every list and start the writer: *fd gets the pipe's read end. */
int combo_start(struct combo *k, int *fd, char *err, size_t errlen);
/* Reap the writer. finished: all its output was read, so it ends by
 * itself; else it is stopped. -1 if it failed (a read or write error). */
int combo_stop(struct combo *k, int finished);
void combo_free(struct combo *k);
#endif
