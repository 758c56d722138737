/* The plugin loader's refusals, each naming the file, and the default
 * plugin loading by name and by path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opt.h"
#include "ext/plugin.h"

static const struct script_limits lim = {0, 1000000, 1 << 26, 16, 0, NULL};

static void refused(const char *spec, const char *needle)
{
    struct plugin p;
    char err[1024] = "";
    assert_int_equal(plugin_load(&p, spec, &lim, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" lacks \"%s\"", err, needle);
}

static void refusals(void **s)
{
    (void)s;
    refused(TEST_PLUGINS "/abi_mismatch.so", "abi_mismatch.so: built for plugin ABI 2, this salvo speaks ABI 1");
    refused(TEST_PLUGINS "/no_entry.so", "no_entry.so: no salvo_plugin_entry() entry point");
    refused(TEST_PLUGINS "/small_desc.so", "small_desc.so: descriptor of 8 bytes is too small");
    refused(TEST_PLUGINS "/missing.so", "missing.so: no such file");
    refused(SRC_DIR "/CMakeLists.txt", "CMakeLists.txt: cannot load");
    refused("nosuchplugin", "plugin \"nosuchplugin\": no nosuchplugin.so in the plugin path");
}

static void by_name_and_path(void **s)
{
    (void)s;
    struct plugin p;
    char err[1024];
    setenv("SALVO_PLUGIN_PATH", TEST_PLUGINS "/../../plugins", 1);
    assert_int_equal(plugin_load(&p, "baidu", &lim, err, sizeof err), 0);
    assert_string_equal(p.name, "baidu");
    assert_true(plugin_has_match(&p) && plugin_has_target(&p));
    struct strlist args = {0};
    assert_int_equal(plugin_init(&p, &args, err, sizeof err), 0);
    plugin_finish(&p);
    plugin_unload(&p);
    assert_int_equal(plugin_load(&p, "none", &lim, err, sizeof err), 0);
    assert_false(plugin_has_match(&p));
}

static void init_failure(void **s)
{
    (void)s;
    struct plugin p;
    char err[1024];
    assert_int_equal(plugin_load(&p, TEST_PLUGINS "/init_fails.so", &lim, err, sizeof err), 0);
    struct strlist args = {0};
    strlist_add(&args, "key=bad");
    assert_int_equal(plugin_init(&p, &args, err, sizeof err), -1);
    assert_string_equal(err, "plugin init_fails: init: key is bad, want 'good'");
    strlist_add(&args, "key=good"); /* the last one wins */
    assert_int_equal(plugin_init(&p, &args, err, sizeof err), 0);
    strlist_free(&args);
    plugin_unload(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(refusals), cmocka_unit_test(by_name_and_path),
                                       cmocka_unit_test(init_failure)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
