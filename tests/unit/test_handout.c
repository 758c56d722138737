/* handout: the parent's side of the chunks, with two stand-in workers
 * (the other ends of socketpairs): chunks go to the workers that want one,
 * in input order and of the chunk's size, blank lines counted but not
 * sent; a chunk's results reach the output only when it is done, each
 * once (a chunk that runs again after its worker died writes none twice);
 * a worker gets MSG_END only when no chunk is out anywhere; an abandoned
 * chunk gives every word without a result its not-probed error; a word
 * that killed two workers is quarantined. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SCRATCH_NAME "handout"
#include "scratch.h"

#include "base/codes.h"
#include "base/input.h"
#include "base/msg.h"
#include "ext/beacon.h"
#include "out/out.h"
#include "out/stats.h"
#include "pool/handout.h"
#include "pool/journal.h"

#define NW 2

static struct pool p;
static struct pool_settings ps;
static struct input in;
static struct out out;
static struct journal j;
static struct scan_stats st;
static struct wk w[NW];
static struct beacon beacon[NW];
static int peer[NW];
static char outpath[256];

/* The wordlist: 7 words and a blank line, in chunks of 3 lines. */
static const char words[] = "a\nb\n\nc\nd\ne\nf\ng\n";

static int setup(void **state)
{
    (void)state;
    char err[256], wl[256];
    snprintf(wl, sizeof wl, "%s/words", dir);
    snprintf(outpath, sizeof outpath, "%s/out.jsonl", dir);
    FILE *f = fopen(wl, "w");
    assert_non_null(f);
    fputs(words, f);
    fclose(f);
    memset(&p, 0, sizeof p);
    memset(&st, 0, sizeof st);
    memset(w, 0, sizeof w);
    memset(beacon, 0, sizeof beacon);
    ps = (struct pool_settings){.chunk = 3, .template = "http://{}.test/"};
    assert_int_equal(input_open(&in, wl, err, sizeof err), 0);
    while (!in.eof) /* the pool reads as the loop allows; here all at once */
        assert_true(input_fill(&in) >= 0);
    assert_int_equal(out_open(&out, outpath, "jsonl", 1, 0, err, sizeof err), 0);
    journal_init(&j, "");
    p = (struct pool){.c = &ps, .in = &in, .out = &out, .st = &st, .w = w, .n = NW,
                      .nready = NW, .j = &j};
    for (int i = 0; i < NW; i++) {
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        w[i] = (struct wk){.fd = sv[0], .ready = 1, .want = 1, .beacon = &beacon[i]};
        peer[i] = sv[1];
        fcntl(peer[i], F_SETFL, O_NONBLOCK);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NW; i++) {
        for (struct chunkrec *r = w[i].pend, *nx; r; r = nx) {
            nx = r->next;
            handout_rec_free(r);
        }
        buf_free(&w[i].out);
        close(w[i].fd);
        close(peer[i]);
    }
    for (struct chunkrec *r = p.requeue, *nx; r; r = nx) {
        nx = r->next;
        handout_rec_free(r);
    }
    if (p.next)
        handout_rec_free(p.next);
    input_close(&in);
    out_close(&out);
    journal_free(&j);
    return 0;
}

/* What worker i was sent: the chunks' ids and words, then "END"/"STOP". */
static void sent_to(int i, char *got, size_t cap)
{
    static char raw[1 << 16];
    ssize_t n = read(peer[i], raw, sizeof raw);
    size_t len = n > 0 ? (size_t)n : 0, off = 0;
    got[0] = '\0';
    struct frame f;
    long k;
    while ((k = msg_next(raw + off, len - off, &f)) > 0) {
        size_t used = strlen(got);
        if (f.type == MSG_CHUNK) {
            uint64_t id;
            uint32_t nskip;
            memcpy(&id, f.p, 8);
            memcpy(&nskip, f.p + 8, 4);
            uint32_t plen;
            memcpy(&plen, f.p + 12 + 4 * (size_t)nskip, 4);
            size_t head = 12 + 4 * (size_t)nskip + 4 + plen;
            snprintf(got + used, cap - used, "[%llu skip %u: %.*s]", (unsigned long long)id,
                     nskip, (int)(f.len - head), f.p + head);
        } else {
            snprintf(got + used, cap - used, "%s", f.type == MSG_END ? "END" : "STOP");
        }
        off += (size_t)k;
    }
    assert_int_equal(off, len);
}

static struct result result(uint64_t chunk, uint32_t index, int verdict, const char *word)
{
    return (struct result){.chunk = chunk, .index = index, .verdict = verdict, .word = word,
                           .wlen = strlen(word), .url = word, .status = 200,
                           .error = verdict == V_ERROR ? "timeout: 2 s" : "",
                           .kind = verdict == V_ERROR ? ERR_TIMEOUT : ERR_NONE, .charset = "",
                           .ip = "", .ips = "", .content_type = "", .title = "", .location = "",
                           .filtered_by = "", .protocol = ""};
}

/* The result as a worker's would come: written once into its chunk. */
static int take(int wi, struct result r)
{
    struct chunkrec *c = handout_first_time(&w[wi], &r);
    if (!c)
        return 0;
    handout_emit(&p, c, &r);
    return 1;
}

static size_t output(char *got, size_t cap)
{
    out_flush(&out);
    FILE *f = fopen(outpath, "r");
    size_t n = fread(got, 1, cap - 1, f);
    fclose(f);
    got[n] = '\0';
    return n;
}

static size_t lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void chunks_go_in_input_order(void **state)
{
    (void)state;
    char got[512];
    handout_dispatch(&p);
    sent_to(0, got, sizeof got);
    assert_string_equal(got, "[0 skip 0: a\nb]"); /* 3 lines: the blank one is no word */
    sent_to(1, got, sizeof got);
    assert_string_equal(got, "[1 skip 0: c\nd\ne]");
    assert_false(w[0].want);
    assert_non_null(w[0].pend);
    handout_dispatch(&p); /* nobody wants one: nothing */
    sent_to(0, got, sizeof got);
    assert_string_equal(got, "");
}

static void results_written_once_when_the_chunk_is_done(void **state)
{
    (void)state;
    char got[4096];
    handout_dispatch(&p);
    assert_true(take(0, result(0, 1, V_HIT, "b")));
    assert_true(take(0, result(0, 0, V_MISS, "a")));
    assert_false(take(0, result(0, 1, V_HIT, "b"))); /* the second time: not written */
    assert_int_equal(output(got, sizeof got), 0);   /* not before the chunk is done */
    handout_chunk_done(&p, &w[0], 0);
    output(got, sizeof got);
    assert_int_equal(lines(got), 2); /* what a worker sends is written (misses when shown) */
    assert_non_null(strstr(got, "\"word\":\"b\""));
    assert_null(w[0].pend);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.words_done, 2);
    assert_int_equal(st.lines_done, 3);
    assert_true(journal_is_done(&j, 0) && journal_is_done(&j, 2));
    assert_false(journal_is_done(&j, 3));
}

/* pool.c puts a dead worker's chunks first in line (p->requeue): the next
 * worker that wants one gets the same chunk, and its results written
 * before the death are not written again. */
static void a_dead_workers_chunk_goes_again(void **state)
{
    (void)state;
    char got[4096];
    handout_dispatch(&p);
    sent_to(0, got, sizeof got);
    sent_to(1, got, sizeof got);
    assert_true(take(1, result(1, 0, V_HIT, "c")));
    struct chunkrec *r = w[1].pend; /* worker 1 dies */
    w[1].pend = NULL;
    p.requeue = p.requeue_tail = r;
    w[0].want = 1;
    handout_dispatch(&p);
    sent_to(0, got, sizeof got);
    assert_string_equal(got, "[1 skip 0: c\nd\ne]");
    assert_false(take(0, result(1, 0, V_HIT, "c")));
    assert_true(take(0, result(1, 2, V_HIT, "e")));
    handout_chunk_done(&p, &w[0], 1);
    output(got, sizeof got);
    assert_int_equal(lines(got), 2);
    assert_non_null(strstr(got, "\"word\":\"c\""));
    assert_non_null(strstr(got, "\"word\":\"e\""));
}

static void end_only_when_no_chunk_is_out(void **state)
{
    (void)state;
    char got[512];
    handout_dispatch(&p); /* chunks 0 and 1 */
    w[0].want = w[1].want = 1;
    handout_dispatch(&p); /* chunk 2 (f, g) to worker 0; worker 1: none left, 0 and 1 out */
    sent_to(0, got, sizeof got);
    assert_string_equal(got, "[0 skip 0: a\nb][2 skip 0: f\ng]");
    sent_to(1, got, sizeof got);
    assert_string_equal(got, "[1 skip 0: c\nd\ne]");
    handout_chunk_done(&p, &w[1], 1);
    handout_dispatch(&p);
    sent_to(1, got, sizeof got);
    assert_string_equal(got, ""); /* worker 0's chunks may still come back */
    handout_chunk_done(&p, &w[0], 0);
    handout_chunk_done(&p, &w[0], 2);
    handout_dispatch(&p);
    sent_to(1, got, sizeof got);
    assert_string_equal(got, "END");
    assert_int_equal(st.lines_done, 8);
    assert_int_equal(st.words_done, 7);
}

static void abandoned_words_get_an_error(void **state)
{
    (void)state;
    char got[4096];
    handout_dispatch(&p);
    assert_true(take(1, result(1, 1, V_HIT, "d")));
    struct chunkrec *r = w[1].pend;
    w[1].pend = NULL;
    assert_int_equal(handout_abandon(&p, r), 2); /* c and e */
    output(got, sizeof got);
    assert_int_equal(lines(got), 3);
    assert_non_null(strstr(got, "\"url\":\"http://c.test/\""));
    assert_non_null(strstr(got, "not-probed"));
    assert_int_equal(st.errors, 2);
    assert_int_equal(st.errclass[codes_class(ERR_NOT_PROBED)], 2);
}

/* The word in a dying worker's beacon is a suspect; at its second death
 * it gets an error verdict and the chunk's skip list keeps it. */
static void a_word_that_kills_twice_is_quarantined(void **state)
{
    (void)state;
    char got[4096];
    handout_dispatch(&p);
    sent_to(0, got, sizeof got);
    beacon[0] = (struct beacon){.busy = 1, .chunk = 0, .index = 1, .len = 1, .word = "b"};
    assert_false(handout_suspect(&p, &w[0], "SIGSEGV", 0));
    assert_true(handout_suspect(&p, &w[0], "SIGSEGV", 0));
    struct chunkrec *r = w[0].pend;
    w[0].pend = NULL;
    p.requeue = p.requeue_tail = r;
    w[1].want = 1;
    sent_to(1, got, sizeof got);
    handout_dispatch(&p);
    sent_to(1, got, sizeof got);
    assert_memory_equal(got, "[0 skip 1: ", 11);
    assert_false(take(1, result(0, 1, V_HIT, "b"))); /* it has its verdict */
    assert_true(take(1, result(0, 0, V_MISS, "a")));
    handout_chunk_done(&p, &w[1], 0);
    output(got, sizeof got);
    assert_int_equal(lines(got), 2);
    assert_non_null(strstr(got, "quarantined: killed 2 workers (SIGSEGV)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(chunks_go_in_input_order, setup, teardown),
        cmocka_unit_test_setup_teardown(results_written_once_when_the_chunk_is_done, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_dead_workers_chunk_goes_again, setup, teardown),
        cmocka_unit_test_setup_teardown(end_only_when_no_chunk_is_out, setup, teardown),
        cmocka_unit_test_setup_teardown(abandoned_words_get_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(a_word_that_kills_twice_is_quarantined, setup, teardown),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
