/* salvo/plugin.h: the one header a compiled salvo plugin includes.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * salvo_plugin_entry(). salvo calls it once after dlopen() with a table of
 * host functions (struct salvo_host) and gets back a descriptor (struct
 * salvo_plugin) naming the plugin and its hooks. The plugin never links
 * against salvo: it reaches the host only through the table, so the
 * executable exports nothing.
 *
 * Compatibility: SALVO_ABI_VERSION changes only on an incompatible change;
 * salvo refuses a plugin built for another one. Both structs carry their
 * size and only ever grow at the end: a plugin checks host->size before
 * using a member newer than the ones it knows, and salvo reads a hook only
 * if the plugin's size covers it.
 *
 * Lifetime: the entry point runs once, in the parent, before any worker
 * exists. init() runs once in every worker process after fork, finish()
 * once at its end. target() and match() run in the workers, one call at a
 * time per process (no threads), so plugin state needs no locks.
 *
 * Build: cc -shared -fPIC -fvisibility=hidden $(pkg-config --cflags
 * salvo-plugin) myplugin.c more.c -o myplugin.so
 *
 * A plugin may be split over several .c files: every file includes this
 * header and uses salvo_api; exactly one of them ends with SALVO_PLUGIN(),
 * which defines salvo_api (hidden, not exported) and the entry point.
 */
#ifndef SALVO_PLUGIN_H
#define SALVO_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SALVO_ABI_VERSION 1

#if defined(__GNUC__)
#define SALVO_EXPORT __attribute__((visibility("default")))
#define SALVO_HIDDEN __attribute__((visibility("hidden")))
#else
#define SALVO_EXPORT
#define SALVO_HIDDEN
#endif

/* Limits the host applies. */
#define SALVO_MAX_FIELDS 32          /* res_field() per response; more are refused (-1) */
#define SALVO_MAX_HEADER_BYTES 65536 /* response header bytes kept; later headers dropped */

/* Opaque handles. A salvo_req is valid during target(), a salvo_res during
 * match(), a salvo_args during init(); never keep them afterwards. */
typedef struct salvo_req salvo_req;
typedef struct salvo_res salvo_res;
typedef struct salvo_args salvo_args;

/* What target() and match() return. */
enum salvo_verdict {
    SALVO_MISS = 0, /* match(): not a hit; target(): request prepared */
    SALVO_HIT = 1,  /* match(): a hit */
    SALVO_FAIL = 2, /* this word fails: reported as an error, with the
                       message given to req_fail()/res_fail() */
    SALVO_FETCH = 3 /* match() or a salvo_fetched_fn: the request asked
                       with fetch() is made, and its function gets the
                       answer (added in ABI 1 with fetch(): check the
                       host's size) */
};

enum salvo_log_level { SALVO_LOG_ERROR = 0, SALVO_LOG_WARN = 1,
                       SALVO_LOG_INFO = 2, SALVO_LOG_DEBUG = 3 };

/* Host services. Strings returned by the host are NUL-terminated and owned
 * by the host; they stay valid until the hook returns. */
struct salvo_host {
    uint32_t abi;   /* SALVO_ABI_VERSION of the running salvo */
    uint32_t size;  /* sizeof(struct salvo_host) of the running salvo */

    /* A key of the [plugin] INI section, or NULL. */
    const char *(*arg)(const salvo_args *args, const char *key);

    /* Request building, in target(). The request starts as the scan's
     * template filled with the word, method and headers from the config.
     * Each returns 0, or -1 when the value is refused (NUL bytes, CR/LF in a
     * header). */
    int (*req_url)(salvo_req *req, const char *url);
    int (*req_method)(salvo_req *req, const char *method);
    int (*req_header)(salvo_req *req, const char *name, const char *value);
    int (*req_body)(salvo_req *req, const void *data, size_t len);
    const char *(*req_get_url)(const salvo_req *req);
    /* Mark the word failed; target() then returns SALVO_FAIL. */
    void (*req_fail)(salvo_req *req, const char *message);

    /* Response reading, in match(). */
    int (*res_status)(const salvo_res *res);       /* 0 if no response */
    const char *(*res_url)(const salvo_res *res);  /* the URL requested */
    const char *(*res_word)(const salvo_res *res, size_t *len);
    /* First header of that name (case-insensitive) of the final response,
     * value trimmed, or NULL. */
    const char *(*res_header)(const salvo_res *res, const char *name);
    /* Raw body bytes, at most max_body of them. */
    const void *(*res_body)(const salvo_res *res, size_t *len);
    /* Body decoded to UTF-8 by its charset (Content-Type, BOM, <meta>),
     * computed on first call. */
    const char *(*res_text)(const salvo_res *res, size_t *len);
    const char *(*res_charset)(const salvo_res *res); /* as detected */
    int (*res_truncated)(const salvo_res *res);       /* body cut at max_body */
    double (*res_elapsed)(const salvo_res *res);      /* seconds */
    const char *(*res_error)(const salvo_res *res);   /* NULL if none */
    const char *(*res_ip)(const salvo_res *res);      /* address connected to */
    /* Attach a field to the result (shown by jsonl and csv output). */
    int (*res_field)(salvo_res *res, const char *key, const char *value);
    /* Mark the probe failed; match() then returns SALVO_FAIL. */
    void (*res_fail)(salvo_res *res, const char *message);

    /* A message on salvo's stderr, prefixed with the plugin's name. */
    void (*log)(int level, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

    /* Added later in ABI 1: check salvo_api->size before calling. salvo
     * refuses a -a KEY that init() did not ask for with arg() (a misspelling
     * would be ignored otherwise); a plugin that reads some keys only when
     * others are set calls this in init() to take any key. */
    void (*args_any)(const salvo_args *args);

    /* Added later in ABI 1: check salvo_api->size before calling. From
     * match() or a salvo_fetched_fn, on its res: one more request for this
     * word, made once the call returns SALVO_FETCH; then() gets the answer,
     * while the worker's other probes go on. url is absolute or starts
     * with '/' (on the word's own scheme, host and port); method NULL =
     * GET; headers NULL or a NULL-terminated list of "Name: value"; body
     * NULL = none. The request goes through the scan's --rate,
     * per-address caps, timeouts and client. 0, or -1 when refused (out of
     * --fetch-scope, over --max-fetches, a second fetch in one call, a bad
     * value): res_fail() has then said why; return SALVO_FAIL. */
    int (*fetch)(salvo_res *res, const char *method, const char *url,
                 const char *const *headers, const void *body, size_t len,
                 int (*then)(void *state, salvo_res *res, const salvo_res *got, unsigned n));

    /* Added later in ABI 1: check salvo_api->size before calling. From
     * match() or a salvo_fetched_fn, on its res: add x[0..len) to the
     * running scan, as a word put through the template, as a URL the
     * template makes (its word is taken out), or as a path starting with
     * '/' on the word's own origin. It is probed once the word's result is
     * written, at most once per scan, with its own verdict and output line
     * (its depth and the URL it came from: "parent"); --max-depth and
     * --max-follows bound it. 0, or -1 when refused (a URL the template
     * does not make, an empty word, a NUL, CR or LF, over 1,000 from one
     * response; salvo -v says why): the word itself is not failed by it,
     * so a plugin may pass a refused link over. */
    int (*follow)(salvo_res *res, const char *x, size_t len);
};

/* What a plugin is. Every hook may be NULL: without target() the template
 * alone builds the request, without match() the INI rules alone decide. */
struct salvo_plugin {
    uint32_t abi;   /* SALVO_PLUGIN_HEAD fills these two */
    uint32_t size;
    const char *name;
    const char *version;
    const char *description;

    /* Once per worker. Return 0, or non-zero with a message in err. */
    int (*init)(const salvo_args *args, void **state, char *err, size_t errlen);
    /* Once per word: adjust the request. SALVO_MISS (0) or SALVO_FAIL. */
    int (*target)(void *state, const char *word, size_t len, salvo_req *req);
    /* Once per HTTP response that passed the [match] rules: SALVO_HIT,
     * SALVO_MISS or SALVO_FAIL. A probe that got no response (timeout,
     * refused, ...) is reported as an error without calling match(). */
    int (*match)(void *state, salvo_res *res);
    /* Once per worker, at the end. */
    void (*finish)(void *state);
};

/* What gets a fetch()'s answer: the n-th fetch of this word (n = 1, 2,
 * ...); res is the word's own response, valid until the word's last call
 * returns; got is valid during this call, read with the res_* functions
 * (res_error(got) when the request failed, with status 0). SALVO_HIT,
 * SALVO_MISS, SALVO_FAIL, or SALVO_FETCH after another fetch(). */
typedef int (*salvo_fetched_fn)(void *state, salvo_res *res, const salvo_res *got, unsigned n);

#define SALVO_PLUGIN_HEAD SALVO_ABI_VERSION, (uint32_t)sizeof(struct salvo_plugin)

/* The one exported symbol. */
#define SALVO_ENTRY_SYMBOL "salvo_plugin_entry"
typedef const struct salvo_plugin *(*salvo_entry_fn)(const struct salvo_host *host);

/* In a plugin, salvo_api is the host table, set before any hook runs.
 * It is declared here for every file of the plugin and defined once, by
 * SALVO_PLUGIN(desc), which also defines the entry point (put it at the
 * end of one file):
 *
 *     static int my_match(void *state, salvo_res *res)
 *     { return salvo_api->res_status(res) == 200 ? SALVO_HIT : SALVO_MISS; }
 *     static const struct salvo_plugin desc = {
 *         SALVO_PLUGIN_HEAD, "name", "1.0", "what it finds",
 *         NULL, NULL, my_match, NULL };
 *     SALVO_PLUGIN(desc)
 */
#ifndef SALVO_HOST_SIDE
extern SALVO_HIDDEN const struct salvo_host *salvo_api;
#define SALVO_PLUGIN(desc)                                                    \
    SALVO_HIDDEN const struct salvo_host *salvo_api;                          \
    SALVO_EXPORT const struct salvo_plugin *salvo_plugin_entry(               \
        const struct salvo_host *host);                                       \
    SALVO_EXPORT const struct salvo_plugin *salvo_plugin_entry(               \
        const struct salvo_host *host)                                        \
    {                                                                         \
        salvo_api = host;                                                     \
        return &(desc);                                                       \
    }
#endif

#ifdef __cplusplus
}
#endif
#endif /* SALVO_PLUGIN_H */
