/* dnsmem: c-ares's blocks served from free lists per size. The file is
 * built in here, for its static allocators; c-ares itself must use them
 * once dnsmem_init ran. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/net/dnsmem.c"

static size_t kept(size_t c)
{
    size_t n = 0;
    for (const struct head *h = lists[c]; h; h = h->next)
        n++;
    return n;
}

/* Every size gets at least what it asked for, aligned as malloc's; a
 * freed block is given again to the next ask of its class. */
static void sizes_and_reuse(void **s)
{
    (void)s;
    for (size_t n = 0; n <= 3000; n += n < 40 ? 1 : 37) {
        unsigned char *p = mem_malloc(n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xa5, n); /* ASan: the whole size is there */
        mem_free(p);
        unsigned char *q = mem_malloc(n);
        if (n <= 2048)
            assert_ptr_equal(p, q);
        mem_free(q);
    }
    assert_int_equal(class_of(16), 0);
    assert_int_equal(class_of(17), 1);
    assert_int_equal(class_of(2048), 7);
    assert_int_equal(class_of(2049), BIG);
    dnsmem_trim();
    for (size_t c = 0; c < CLASSES; c++)
        assert_int_equal(kept(c), 0);
    mem_free(NULL);
}

/* realloc keeps the bytes, within the class and across classes, and a
 * big block stays malloc's. */
static void realloc_keeps(void **s)
{
    (void)s;
    char *p = mem_realloc(NULL, 10);
    memcpy(p, "0123456789", 10);
    char *q = mem_realloc(p, 16);
    assert_ptr_equal(p, q);
    q = mem_realloc(q, 100);
    assert_memory_equal(q, "0123456789", 10);
    assert_int_equal(kept(0), 1); /* the 16-byte block went back */
    q = mem_realloc(q, 5000);
    assert_memory_equal(q, "0123456789", 10);
    assert_int_equal(((struct head *)q - 1)->cls, BIG);
    q = mem_realloc(q, 9000);
    assert_memory_equal(q, "0123456789", 10);
    mem_free(q);
    dnsmem_trim();
}

/* c-ares allocates through them: a query it built and freed is kept,
 * and the next of that size reuses it; the list does not grow. */
static void cares_uses_them(void **s)
{
    (void)s;
    assert_int_equal(dnsmem_init(), 0);
    size_t before = 0, after = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned char *buf;
        int len;
        assert_int_equal(ares_create_query("w123x.bench.test", 1, 1, (unsigned short)i, 1, &buf,
                                           &len, 0),
                         ARES_SUCCESS);
        assert_int_equal(len, 12 + 18 + 4);
        assert_memory_equal(buf + 12, "\x05w123x\x05" "bench\x04test", 17);
        ares_free_string(buf);
        size_t n = 0;
        for (size_t c = 0; c < CLASSES; c++)
            n += kept(c);
        if (i == 0)
            before = n;
        after = n;
    }
    assert_true(before >= 1);
    assert_int_equal(after, before);
    dnsmem_trim();
    ares_library_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(sizes_and_reuse),
                                       cmocka_unit_test(realloc_keeps),
                                       cmocka_unit_test(cares_uses_them)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
