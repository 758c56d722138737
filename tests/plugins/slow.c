/* One worker of the pool is slow: the first to create the lock file named
 * by [plugin] lock sleeps 20 ms in every target(). For the rate tests: the
 * others must take up its share of a global rate. */
#define _POSIX_C_SOURCE 200809L
#include <salvo/plugin.h>
#include <fcntl.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

static int init(const salvo_args *args, void **state, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    const char *lock = salvo_api->arg(args, "lock");
    int fd = lock ? open(lock, O_CREAT | O_EXCL | O_WRONLY, 0600) : -1;
    if (fd >= 0)
        close(fd);
    *state = (void *)(intptr_t)(fd >= 0);
    return 0;
}

static int target(void *state, const char *word, size_t len, salvo_req *req)
{
    (void)word, (void)len, (void)req;
    if (state) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return SALVO_MISS;
}

static const struct salvo_plugin desc = {SALVO_PLUGIN_HEAD, "slow", "1", "test", init, target, 0, 0};
SALVO_PLUGIN(desc)
