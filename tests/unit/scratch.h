/* scratch: a fresh directory for one unit test program's files, made by
 * the group set-up and removed by the group tear-down. Include once, after
 * cmocka.h; the program names its directory with SCRATCH_NAME. */
#ifndef SALVO_TEST_SCRATCH_H
#define SALVO_TEST_SCRATCH_H
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/salvo-test-" SCRATCH_NAME ".XXXXXX";

static int scratch_setup(void **s)
{
    (void)s;
    return mkdtemp(dir) ? 0 : -1;
}

static int scratch_teardown(void **s)
{
    (void)s;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}
#endif
