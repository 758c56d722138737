/* manual: --help, the man page (roff) and the bash completion script. */
#ifndef SALVO_MANUAL_H
#define SALVO_MANUAL_H
#include <stdio.h>

void manual_usage(FILE *f);
/* salvo --completion zsh: a native zsh completion (#compdef salvo). */
void manual_completion_zsh(FILE *f);
/* salvo queue --help (cmd NULL) or salvo queue CMD --help. */
void manual_queue_usage(FILE *f, const char *cmd);
void manual_page(FILE *f);
/* Plugins come from "salvo --list-plugins" when it runs. */
void manual_completion(FILE *f);
#endif
