/* strlist: an owned list of strings, for repeatable options (-H, -w,
 * --resolve) and the plugin's key=value arguments. */
#ifndef SALVO_STRLIST_H
#define SALVO_STRLIST_H
#include <stddef.h>

struct strlist {
    char **v;  /* owned strings */
    size_t n;
};

/* Append a copy of s. 0, or -1 when out of memory. */
int strlist_add(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);
#endif
