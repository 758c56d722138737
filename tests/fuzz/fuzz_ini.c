/* The INI loader and the option checks behind it, on any bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/conf.h"
#include "cli/opt.h"
#include "cli/optdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/salvo-fuzz-ini-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    struct conf c;
    char err[2048];
    opt_defaults(&c);
    if (opt_load_ini(&c, path, err, sizeof err) == 0) {
        FILE *f = fopen("/dev/null", "w");
        if (f) {
            optdump_print(&c, f); /* what loaded must print back */
            fclose(f);
        }
    }
    opt_free(&c);
    unlink(path);
    return 0;
}
