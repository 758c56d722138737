/* The JSON and CSV encoders with hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/msg.h"
#include "base/codes.h"
#include "out/out.h"

static void json_is(const char *in, size_t n, const char *want)
{
    struct buf b = {0};
    buf_json_str(&b, in, n, 0);
    buf_append_byte(&b, '\0');
    assert_string_equal(b.p, want);
    buf_free(&b);
}

static void json_strings(void **s)
{
    (void)s;
    json_is("", 0, "\"\"");
    json_is("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    json_is("\n\r\t\x01\x1f\x7f", 6, "\"\\u000a\\u000d\\u0009\\u0001\\u001f\\u007f\"");
    json_is("百度", 6, "\"百度\"");
    json_is("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");           /* U+1F600 kept */
    json_is("\xff\xfe", 2, "\"\\u00ff\\u00fe\"");                       /* not UTF-8 */
    json_is("\xc0\x80", 2, "\"\\u00c0\\u0080\"");                       /* overlong NUL */
    json_is("\xe0\x80\xaf", 3, "\"\\u00e0\\u0080\\u00af\"");            /* overlong '/' */
    json_is("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");            /* a surrogate */
    json_is("\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\""); /* past U+10FFFF */
    json_is("\xe7\x99", 2, "\"\\u00e7\\u0099\"");                       /* cut short */
    json_is("a\0b", 3, "\"a\\u0000b\"");
    struct buf b = {0};
    buf_json_str(&b, "</script>&", 10, 1);
    buf_append_byte(&b, '\0');
    assert_string_equal(b.p, "\"\\u003c/script\\u003e\\u0026\"");
    buf_free(&b);
}

static struct result hostile(int verdict)
{
    static const char word[] = "a\"b,c\xff";
    struct result r = {.verdict = verdict, .kind = verdict == V_ERROR ? ERR_CONNECT : ERR_NONE,
                       .status = 200, .length = 5, .words = 1, .lines = 1,
                       .word = word, .wlen = sizeof word - 1, .url = "http://x/a%22b,c%FF",
                       .error = verdict == V_ERROR ? "connect: refused, \"really\"\nline 2" : "",
                       .charset = "", .ip = "127.0.0.1", .title = "t\"1\"", .content_type = "",
                       .location = "", .filtered_by = "", .nfields = 1,
                       .fields = {"k;=", "v\n;="}};
    return r;
}

static void format_as(const char *fmt, const struct result *r, struct buf *b)
{
    struct out o;
    char err[256];
    assert_int_equal(out_open(&o, "/dev/null", fmt, 1, 0, err, sizeof err), 0);
    out_format(&o, r, b);
    out_close(&o);
    buf_append_byte(b, '\0');
}

static void jsonl_records(void **s)
{
    (void)s;
    struct buf b = {0};
    struct result r = hostile(V_HIT);
    format_as("jsonl", &r, &b);
    assert_non_null(strstr(b.p, "\"word\":\"a\\\"b,c\\u00ff\",\"word_base64\":\"YSJiLGP/\""));
    assert_non_null(strstr(b.p, "\"title\":\"t\\\"1\\\"\""));
    assert_non_null(strstr(b.p, "\"fields\":{\"k;=\":\"v\\u000a;=\"}"));
    assert_null(strstr(b.p, "error"));
    assert_int_equal(strchr(b.p, '\n') - b.p, (long)strlen(b.p) - 1); /* one line */
    buf_free(&b);
    r = hostile(V_ERROR);
    format_as("jsonl", &r, &b);
    assert_non_null(strstr(b.p, "\"error_class\":\"connect\",\"error\":\"connect: refused, "
                                "\\\"really\\\"\\u000aline 2\""));
    buf_free(&b);
}

static void csv_records(void **s)
{
    (void)s;
    struct buf b = {0};
    struct result r = hostile(V_ERROR);
    format_as("csv", &r, &b);
    assert_true(!strncmp(b.p, "error,\"http://x/a%22b,c%FF\",\"a\"\"b,c\xff\",200,", 40));
    assert_non_null(strstr(b.p, ",connect,\"connect: refused, \"\"really\"\"\nline 2\","));
    assert_non_null(strstr(b.p, ",\"{\"\"k;=\"\":\"\"v\\u000a;=\"\"}\",,0,\n")); /* stored: none; depth 0, no parent */
    buf_free(&b);
}

/* Classes come from the kind a probe carries, never from its message: a
 * plugin that says "timeout: x" is still a plugin's error. */
static void error_classes(void **s)
{
    (void)s;
    static const struct {
        int kind;
        const char *cls;
    } t[] = {
        {ERR_DNS, "dns"},         {ERR_PROXY_DNS, "dns"},   {ERR_CONNECT, "connect"},
        {ERR_TIMEOUT, "timeout"}, {ERR_TLS, "tls"},         {ERR_EMPTY, "http"},
        {ERR_IO, "http"},         {ERR_BAD_REPLY, "http"},  {ERR_SCRIPT, "script"},
        {ERR_PLUGIN, "plugin"},   {ERR_URL, "input"},       {ERR_CRASH, "crash"},
        {ERR_STOPPED, "timeout"}, {ERR_INTERNAL, "internal"}, {-1, "internal"},
        {ERR_NKINDS, "internal"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        assert_string_equal(codes_class_name(codes_class(t[i].kind)), t[i].cls);
    assert_true(codes_retryable(ERR_TIMEOUT) && codes_retryable(ERR_CONNECT) &&
                codes_retryable(ERR_EMPTY) && codes_retryable(ERR_IO));
    assert_false(codes_retryable(ERR_PLUGIN) || codes_retryable(ERR_DNS) ||
                 codes_retryable(ERR_BAD_REPLY) || codes_retryable(-1));
    struct result r = hostile(V_ERROR);
    r.kind = ERR_PLUGIN;
    r.error = "timeout: the plugin says so";
    struct buf b = {0};
    format_as("jsonl", &r, &b);
    assert_non_null(strstr(b.p, "\"error_class\":\"plugin\""));
    buf_free(&b);
}

/* Typed fields: numbers and booleans stay so in jsonl; text that starts
 * with a mark stays text; a record that claims a bad literal (from Redis)
 * is written as a string, never as raw JSON. */
static void typed_fields(void **s)
{
    (void)s;
    char *n = msg_field_value("42", 1), *f = msg_field_value("1.5e3", 1),
         *t = msg_field_value("true", 1), *inf = msg_field_value("inf", 1),
         *mark = msg_field_value("\x01{}", 0);
    struct result r = hostile(V_HIT);
    r.nfields = 5;
    const char *fv[] = {"n", n, "f", f, "t", t, "inf", inf, "mark", mark};
    for (int i = 0; i < 10; i++)
        r.fields[i] = fv[i];
    struct buf b = {0};
    format_as("jsonl", &r, &b);
    assert_non_null(strstr(b.p, "\"fields\":{\"n\":42,\"f\":1.5e3,\"t\":true,\"inf\":\"inf\","
                                "\"mark\":\"\\u0001{}\"}"));
    buf_free(&b);
    r.nfields = 1;
    r.fields[0] = "x";
    r.fields[1] = "\x01{\"evil\":1}"; /* not a literal: as a string */
    format_as("jsonl", &r, &b);
    assert_non_null(strstr(b.p, "\"fields\":{\"x\":\"{\\\"evil\\\":1}\"}"));
    buf_free(&b);
    assert_true(msg_json_literal("-0.5") && msg_json_literal("0") && msg_json_literal("false"));
    assert_false(msg_json_literal("01") || msg_json_literal("1.") || msg_json_literal("nan") ||
                 msg_json_literal("") || msg_json_literal("1e"));
    free(n), free(f), free(t), free(inf), free(mark);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_strings),
        cmocka_unit_test(jsonl_records),
        cmocka_unit_test(csv_records),
        cmocka_unit_test(error_classes),
        cmocka_unit_test(typed_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
