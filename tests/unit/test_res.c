/* Charset detection and decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "net/res.h"

static void detect(const char *ct, const char *body, const char *want, int src)
{
    char cs[40];
    assert_int_equal(res_charset_detect(ct, body, strlen(body), cs, sizeof cs), src);
    assert_string_equal(cs, want);
}

static void detection(void **s)
{
    (void)s;
    detect("text/html; charset=GBK", "", "gb18030", CS_HEADER);
    detect("text/html;charset=\"gb2312\"", "", "gb18030", CS_HEADER);
    detect("text/html; Charset = UTF-8", "", "utf-8", CS_HEADER);
    detect("text/html; charset=iso-8859-1", "", "windows-1252", CS_HEADER);
    detect("text/html; charset=Shift_JIS", "", "shift_jis", CS_HEADER);
    /* The header wins over the page. */
    detect("text/html; charset=utf-8", "<meta charset=\"gbk\">", "utf-8", CS_HEADER);
    detect("text/html", "\xEF\xBB\xBFhello <meta charset=gbk>", "utf-8", CS_BOM);
    detect(NULL, "\xFF\xFEh\0i\0", "utf-16le", CS_BOM);
    detect("text/html", "<html><head><META CHARSET='gb2312'>", "gb18030", CS_META);
    detect(NULL,
           "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=big5\">",
           "big5", CS_META);
    detect("text/html", "<html><body>no charset anywhere</body></html>", "", CS_NONE);
    detect(NULL, "<meta name=\"description\" content=\"x\"><p>charset=koi8-r</p>", "", CS_NONE);
}

static const char *decode(struct res_decoder *d, const char *cs, const char *in, size_t n,
                          struct buf *b)
{
    const char *text;
    size_t len;
    assert_int_equal(res_decode(d, cs, in, n, b, &text, &len), 0);
    assert_int_equal(strlen(text), len);
    return text;
}

static void decoding(void **s)
{
    (void)s;
    struct res_decoder *d = res_decoder_new();
    struct buf b = {0};
    /* 不存在 in GBK. */
    const char gbk[] = "\xB2\xBB\xB4\xE6\xD4\xDA";
    assert_string_equal(decode(d, "gb18030", gbk, 6, &b), "不存在");
    /* GB18030 four-byte sequence (U+20AC is A2E3 in GBK; U+00E9 is 81 30 8E 34... use €). */
    assert_string_equal(decode(d, "gb18030", "\xA2\xE3", 2, &b), "€");
    /* Undecodable bytes become U+FFFD and decoding goes on. */
    assert_string_equal(decode(d, "gb18030", "a\xFF" "b", 3, &b), "a\xEF\xBF\xBD" "b");
    assert_string_equal(decode(d, "windows-1252", "caf\xE9", 4, &b), "café");
    /* UTF-8 and unknown charsets pass through untouched (no copy). */
    const char *raw = "plain 不存在";
    assert_ptr_equal(decode(d, "utf-8", raw, strlen(raw), &b), raw);
    assert_ptr_equal(decode(d, "x-no-such-charset", raw, strlen(raw), &b), raw);
    /* More charsets than the cache holds still decode. */
    const char *many[] = {"big5", "euc-kr", "koi8-r", "shift_jis", "euc-jp", "iso-8859-2",
                          "iso-8859-5", "windows-1251", "windows-1250", "gb18030"};
    for (size_t i = 0; i < sizeof many / sizeof *many; i++)
        decode(d, many[i], "abc", 3, &b);
    assert_string_equal(decode(d, "gb18030", gbk, 6, &b), "不存在");
    buf_free(&b);
    res_decoder_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(detection), cmocka_unit_test(decoding)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
