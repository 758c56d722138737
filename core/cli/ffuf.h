/* ffuf: ffuf's single-dash spellings on salvo's command line (see
 * ffuf.c). */
#ifndef SALVO_FFUF_H
#define SALVO_FFUF_H
#include <getopt.h>
#include <stddef.h>

/* argv with ffuf's spellings read: one that means here what it means in
 * ffuf becomes salvo's ("-mc" -> "--mc"); one that means something else
 * here, or nothing, is refused with what to write instead. lo and shorts
 * are the command line's options, so that an option's value ("-H -mc")
 * is left as it is. Returns a malloc'ed argv of argc strings (argv's own,
 * or constants) and a NULL, or NULL with err set. */
char **ffuf_argv(int argc, char **argv, const struct option *lo, const char *shorts, char *err,
                 size_t errlen);
#endif
