/* paths: see paths.h. The data directory is looked for beside the
 * executable first (a build tree, a relocated install), then where it was
 * installed (SALVO_DATADIR). */
#include "base/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void paths_exe_dir(char *out, size_t n)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        snprintf(out, n, ".");
        return;
    }
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(out, n, "%s", self);
}

void paths_config_home(char *out, size_t n)
{
    const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
    if (x && *x == '/')
        snprintf(out, n, "%s/salvo", x);
    else if (h && *h)
        snprintf(out, n, "%s/.config/salvo", h);
    else if (n)
        out[0] = '\0';
}

void paths_user_config(char *out, size_t n)
{
    char home[PATH_MAX];
    paths_config_home(home, sizeof home);
    if (*home)
        snprintf(out, n, "%.4000s/salvo.ini", home);
    else if (n)
        out[0] = '\0';
}

/* The places after the current directory, in order; count returned. */
static int places(char dirs[4][PATH_MAX + 32])
{
    int k = 0;
    char home[PATH_MAX], exe[PATH_MAX];
    paths_config_home(home, sizeof home);
    if (*home)
        snprintf(dirs[k++], sizeof dirs[0], "%.4000s", home);
    paths_exe_dir(exe, sizeof exe);
    snprintf(dirs[k++], sizeof dirs[0], "%.4000s/../share/salvo/conf", exe);
    /* Run from a build directory inside the source tree: its conf/. */
    snprintf(dirs[k++], sizeof dirs[0], "%.4000s/../conf", exe);
    snprintf(dirs[k++], sizeof dirs[0], "%.4000s/conf", SALVO_DATADIR);
    return k;
}

int paths_find(const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s", name);
    if (!*name || strchr(name, '/') || access(name, F_OK) == 0)
        return 0;
    char dirs[4][PATH_MAX + 32], c[PATH_MAX + 512];
    int k = places(dirs);
    for (int i = 0; i < k; i++) {
        snprintf(c, sizeof c, "%.4000s/%.255s", dirs[i], name);
        if (access(c, F_OK) == 0) {
            snprintf(out, n, "%s", c);
            return 0;
        }
    }
    return -1;
}

void paths_describe(char *out, size_t n)
{
    char dirs[4][PATH_MAX + 32];
    int k = places(dirs);
    size_t o = (size_t)snprintf(out, n, "./");
    for (int i = 0; i < k && o < n; i++)
        o += (size_t)snprintf(out + o, n - o, ", %s/", dirs[i]);
}
