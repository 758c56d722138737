/* manual: --help, the man page (roff) and the bash completion script. */
#ifndef SALVO_MANUAL_H
#define SALVO_MANUAL_H
#include <stdio.h>

void manual_usage(FILE *f);
void manual_page(FILE *f);
/* Plugins come from "salvo --list-plugins" when it runs. */
void manual_completion(FILE *f);
#endif
