/* prog: the progress line on a terminal, drawn by the parent. */
#ifndef SALVO_PROG_H
#define SALVO_PROG_H
#include <stdint.h>

struct scan_stats;

struct input;

/* Show a progress line on stderr if it is a terminal and enabled. For a
 * regular wordlist, and with count (--stats-json) even without the line,
 * in's file is read (pread, in steps) to count its words
 * as the input reads them: no blank lines, no comments with
 * --ignore-comments, a shard's lines alone. */
void prog_start(int enabled, int count, const struct input *in);
/* The wordlist's words as counted so far: 1 when that is all of them. */
int prog_total(uint64_t *total);
/* Work found: the wordlist is read n times now (1 + the directories
 * --recursion found), and extra words were followed (salvo.follow). */
void prog_passes(uint64_t n, uint64_t extra);
/* Count a little more of the wordlist; cheap, call it often. */
void prog_count(void);
/* Remove the line before anything else is written to the terminal. */
void prog_clear(void);
/* Redraw if due (every 250 ms) or if it was cleared. */
void prog_draw(const struct scan_stats *st, int force);
void prog_stop(void);
int prog_enabled(void);
#endif
