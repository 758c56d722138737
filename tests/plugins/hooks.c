/* Every hook and the host functions they use, observable from outside:
 * init() reads an argument, target() rewrites the request (URL, header,
 * method), match() reads the response and sets fields, finish() logs how
 * many responses its worker saw. */
#include <stddef.h>
#include <salvo/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct state {
    int seen;
    char prefix[64];
};

static int init(const salvo_args *args, void **state, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct state *s = calloc(1, sizeof *s);
    const char *p = salvo_api->arg(args, "prefix");
    /* "-a any=1": this plugin takes keys it does not ask for. */
    if (salvo_api->arg(args, "any") && salvo_api->size >= offsetof(struct salvo_host, args_any) +
                                                             sizeof salvo_api->args_any)
        salvo_api->args_any(args);
    snprintf(s->prefix, sizeof s->prefix, "%s", p ? p : "hdr-");
    *state = s;
    return 0;
}

static int target(void *state, const char *word, size_t len, salvo_req *req)
{
    struct state *s = state;
    char url[512];
    if (len > 200 || !strncmp(word, "refuse", 6)) {
        salvo_api->req_fail(req, "refused by the plugin");
        return SALVO_FAIL;
    }
    snprintf(url, sizeof url, "http://%s%.*s.baidu.com/", s->prefix, (int)len, word);
    if (salvo_api->req_url(req, url) || salvo_api->req_header(req, "X-Probe", "yes") ||
        salvo_api->req_method(req, "GET"))
        return SALVO_FAIL;
    /* Refusals of bad values. */
    if (salvo_api->req_header(req, "Bad\r\nName", "x") != -1 ||
        salvo_api->req_url(req, "http://x/\r\n") != -1) {
        salvo_api->req_fail(req, "host accepted CR/LF");
        return SALVO_FAIL;
    }
    return SALVO_MISS;
}

static int match(void *state, salvo_res *res)
{
    struct state *s = state;
    s->seen++;
    size_t blen, wlen;
    salvo_api->res_body(res, &blen);
    salvo_api->res_word(res, &wlen);
    char n[32];
    snprintf(n, sizeof n, "%zu", blen);
    salvo_api->res_field(res, "body_len", n);
    salvo_api->res_field(res, "url", salvo_api->res_url(res));
    salvo_api->res_field(res, "ip", salvo_api->res_ip(res));
    salvo_api->res_field(res, "truncated", salvo_api->res_truncated(res) ? "yes" : "no");
    salvo_api->res_field(res, "elapsed_ok", salvo_api->res_elapsed(res) >= 0 ? "yes" : "no");
    salvo_api->res_field(res, "error", salvo_api->res_error(res) ? "set" : "none");
    if (salvo_api->res_status(res) == 404) {
        salvo_api->res_fail(res, "404 is an error for this plugin");
        return SALVO_FAIL;
    }
    return salvo_api->res_status(res) == 200 ? SALVO_HIT : SALVO_MISS;
}

static void finish(void *state)
{
    struct state *s = state;
    salvo_api->log(SALVO_LOG_INFO, "finish: saw %d responses", s->seen);
    free(s);
}

static const struct salvo_plugin desc = {SALVO_PLUGIN_HEAD, "hooks", "1", "test", init,
                                         target, match, finish};
SALVO_PLUGIN(desc)
