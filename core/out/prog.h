/* prog: the progress line on a terminal, drawn by the parent. */
#ifndef SALVO_PROG_H
#define SALVO_PROG_H
#include <stdint.h>

struct scan_stats;

/* Show a progress line on stderr if it is a terminal and enabled. For a
 * regular wordlist, fd is read (pread, in steps) to count its lines. */
void prog_start(int enabled, int fd);
/* Count a little more of the wordlist; cheap, call it often. */
void prog_count(void);
/* Remove the line before anything else is written to the terminal. */
void prog_clear(void);
/* Redraw if due (every 250 ms) or if it was cleared. */
void prog_draw(const struct scan_stats *st, int force);
void prog_stop(void);
int prog_enabled(void);
#endif
