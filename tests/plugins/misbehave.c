/* A plugin that misbehaves on the words that ask for it, and judges every
 * other word normally (a hit for status 200):
 *   hang-*    match() never returns (an endless loop)
 *   exit-*    match() calls exit(0)
 *   hog-*     match() allocates and touches memory, 64 MiB at a time (1 GiB
 *             at most), and crashes on the first failed allocation, as a
 *             careless plugin would
 * and with -a init=exit, init() calls exit(0); with -a finish=hang,
 * finish() never returns. */
#include <salvo/plugin.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static volatile int spin = 1;
static int hang_finish;

static int init(const salvo_args *args, void **state, char *err, size_t errlen)
{
    (void)state, (void)err, (void)errlen;
    const char *i = salvo_api->arg(args, "init"), *f = salvo_api->arg(args, "finish");
    if (i && !strcmp(i, "exit"))
        exit(0);
    hang_finish = f && !strcmp(f, "hang");
    return 0;
}

static int match(void *state, salvo_res *res)
{
    (void)state;
    size_t len;
    const char *w = salvo_api->res_word(res, &len);
    if (len > 5 && !memcmp(w, "hang-", 5))
        while (spin)
            ;
    if (len > 5 && !memcmp(w, "exit-", 5))
        exit(0);
    if (len > 4 && !memcmp(w, "hog-", 4))
        for (int i = 0; i < 16; i++) {
            char *p = malloc(64 << 20);
            if (!p)
                raise(SIGSEGV);
            memset(p, 1, 64 << 20);
        }
    return salvo_api->res_status(res) == 200 ? SALVO_HIT : SALVO_MISS;
}

static void finish(void *state)
{
    (void)state;
    while (hang_finish && spin)
        ;
}

static const struct salvo_plugin desc = {SALVO_PLUGIN_HEAD, "misbehave", "1",
                                         "misbehaves on request", init, NULL, match, finish};
SALVO_PLUGIN(desc)
