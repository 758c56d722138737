/* paths: where files named without a directory are looked up, and the
 * configuration files read before any other. */
#ifndef SALVO_PATHS_H
#define SALVO_PATHS_H
#include <stddef.h>

/* The directory of the running executable ("." if unknown). */
void paths_exe_dir(char *out, size_t n);
/* salvo's directory in the user's config home: $XDG_CONFIG_HOME/salvo,
 * else $HOME/.config/salvo ("" when neither is set). */
void paths_config_home(char *out, size_t n);
/* A wordlist or INI file: a name with a '/' or one in the current
 * directory is itself; else the first of CONFIG_HOME/NAME, the data
 * directory's conf/NAME (beside the executable's, the source tree's for a
 * build directory inside it, then the installed one) that exists. 0 with out filled, or -1 (out = name). */
int paths_find(const char *name, char *out, size_t n);
/* The list searched, for people ("./, ~/.config/salvo/, ..."). */
void paths_describe(char *out, size_t n);
/* The configuration files read before -c, in order (absent ones are
 * skipped): /etc/salvo/salvo.ini, then CONFIG_HOME/salvo.ini. */
#define PATHS_SYSTEM_CONFIG "/etc/salvo/salvo.ini"
void paths_user_config(char *out, size_t n);
#endif
