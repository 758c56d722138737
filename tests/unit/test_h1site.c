/* What an address takes, as the own HTTP/1.1 client learns it: the cap's
 * cuts (once per batch) and growth, and when a new connection is judged
 * not taken by the server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/h1site.h"

#define MS 1000000ull

static union request_addr addr(const char *ip)
{
    union request_addr a;
    memset(&a, 0, sizeof a);
    a.in.sin_family = AF_INET;
    a.in.sin_port = htons(80);
    inet_pton(AF_INET, ip, &a.in.sin_addr);
    return a;
}

static void free_all(struct h1site *head)
{
    while (head) {
        struct h1site *n = head->next;
        free(head);
        head = n;
    }
}

static void find_adds_once(void **s)
{
    (void)s;
    struct h1site *head = NULL;
    union request_addr a = addr("10.0.0.1"), b = addr("10.0.0.2");
    struct h1site *x = h1site_find(&head, &a, "10.0.0.1");
    assert_non_null(x);
    assert_ptr_equal(h1site_find(&head, &a, "10.0.0.1"), x);
    struct h1site *y = h1site_find(&head, &b, "10.0.0.2");
    assert_ptr_not_equal(x, y);
    assert_string_equal(y->text, "10.0.0.2");
    assert_int_equal(x->cap, 0); /* no limit seen */
    free_all(head);
}

static void cut_once_per_batch(void **s)
{
    (void)s;
    struct h1site st = {0};
    /* 40 sent at 100 ms fail together at 2.1 s: the first cuts, the rest
     * were sent under the cap already cut and are not charged. */
    assert_int_equal(h1site_cut(&st, 20, 100 * MS, 2100 * MS), 0);
    assert_int_equal(st.cap, 20);
    for (int i = 0; i < 39; i++)
        assert_int_equal(h1site_cut(&st, 10, 100 * MS, 2101 * MS), 1);
    assert_int_equal(st.cap, 20);
    /* One sent after the cut speaks of the new cap. */
    assert_int_equal(h1site_cut(&st, 19, 2200 * MS, 4200 * MS), 0);
    assert_int_equal(st.cap, 19);
    /* A higher figure never raises it; 0 means 1. */
    assert_int_equal(h1site_cut(&st, 30, 4300 * MS, 6300 * MS), 0);
    assert_int_equal(st.cap, 19);
    assert_int_equal(h1site_cut(&st, 0, 6400 * MS, 8400 * MS), 0);
    assert_int_equal(st.cap, 1);
}

static void grows_by_one_per_cap_answers(void **s)
{
    (void)s;
    struct h1site st = {0};
    h1site_cut(&st, 4, 0, 1);
    for (int i = 0; i < 3; i++)
        h1site_answered(&st, 10 * MS, MS, 1);
    assert_int_equal(st.cap, 4);
    h1site_answered(&st, 10 * MS, MS, 1);
    assert_int_equal(st.cap, 5);
    assert_int_equal(st.answers, 4);
    assert_int_equal(st.last_answer, 10 * MS);
    /* No cap: answers only count. */
    struct h1site free_site = {0};
    h1site_answered(&free_site, 5 * MS, MS, 3);
    assert_int_equal(free_site.cap, 0);
    assert_int_equal(free_site.served_seq, 3);
}

static void mean_follows_answers(void **s)
{
    (void)s;
    struct h1site st = {0};
    h1site_answered(&st, 0, 80 * MS, 1);
    assert_int_equal(st.mean_ns, 80 * MS); /* the first is the mean */
    for (int i = 0; i < 100; i++)
        h1site_answered(&st, 0, 2 * MS, 1);
    assert_true(st.mean_ns < 3 * MS);
    assert_true(st.mean_ns >= 2 * MS);
}

static void unserved_needs_every_sign(void **s)
{
    (void)s;
    struct h1site st = {0};
    h1site_answered(&st, 0, MS, 8); /* connection 8 answered; answers take 1 ms */
    uint64_t long_wait = 300 * MS;
    assert_true(h1site_unserved(&st, 9, long_wait, 40, 32));
    /* A later connection was answered: this one was taken, its page is slow. */
    assert_false(h1site_unserved(&st, 8, long_wait, 40, 32));
    assert_false(h1site_unserved(&st, 5, long_wait, 40, 32));
    /* Not yet waited the least time, whatever the answers. */
    assert_false(h1site_unserved(&st, 9, 249 * MS, 1000, 32));
    assert_true(h1site_unserved(&st, 9, 250 * MS, 1000, 32));
    /* The address did not answer once per open connection meanwhile: the
     * server may be slow, or busy with another worker: no sign. */
    assert_false(h1site_unserved(&st, 9, long_wait, 31, 32));
    assert_true(h1site_unserved(&st, 9, long_wait, 32, 32));
}

static void unserved_waits_for_slow_answers(void **s)
{
    (void)s;
    struct h1site st = {0};
    h1site_answered(&st, 0, 200 * MS, 1); /* a server 100 ms away, or slow pages */
    assert_false(h1site_unserved(&st, 2, 500 * MS, 100, 32));
    assert_false(h1site_unserved(&st, 2, 799 * MS, 100, 32));
    assert_true(h1site_unserved(&st, 2, 800 * MS, 100, 32));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(find_adds_once),
        cmocka_unit_test(cut_once_per_batch),
        cmocka_unit_test(grows_by_one_per_cap_answers),
        cmocka_unit_test(mean_follows_answers),
        cmocka_unit_test(unserved_needs_every_sign),
        cmocka_unit_test(unserved_waits_for_slow_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
