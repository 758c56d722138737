/* fetch: a script's match() that makes requests of its own. match() runs
 * as a coroutine; salvo.fetch(req) checks the request (scope, the cap per
 * word), hands it out and yields, so that the worker's other probes go on
 * while it is fetched (Nmap's NSE over nsock works the same way); the
 * answer resumes it. The instruction budget counts per resume; time spent
 * waiting is nobody's. A compiled plugin's match() and a script's target()
 * cannot fetch (salvo.fetch raises an error there). */
#ifndef SALVO_FETCH_H
#define SALVO_FETCH_H
#include <lua.h>

#include "net/reqres.h"

struct script;
struct fetch_co;

/* What a fetch may reach, from the word's URL: the same scheme, host and
 * port; the same host; anything over http(s). */
enum { FETCH_ORIGIN = 0, FETCH_HOST, FETCH_ANY };
/* A match() that waits for a fetch (the caller makes the request). */
#define FETCH_PENDING 100

/* match(res) as a coroutine: SALVO_HIT, SALVO_MISS or SALVO_FAIL (res->fail
 * says why) as script_match(), or FETCH_PENDING with *co set and want
 * filled: the request to make. res must live until the coroutine ends. */
int fetch_match(struct script *s, salvo_res *res, struct fetch_co **co, salvo_req *want);
/* The answer to the last want (got: the response, its error kind and
 * message when it failed) resumes the coroutine: the same returns. *co is
 * freed once it has ended (any return but FETCH_PENDING). */
int fetch_resume(struct script *s, struct fetch_co *co, const salvo_res *got, int kind,
                 salvo_req *want);
/* The request in want, checked for a word whose URL is base after done
 * fetches: a URL starting with '/' made absolute on base's origin, then
 * --max-fetches and --fetch-scope. 0, or -1 with why. */
struct script_limits;
int fetch_check(const struct script_limits *lim, unsigned done, const char *base, salvo_req *want,
                const char *who, char *why, size_t whylen);
/* The length of url's "scheme://authority" part, 0 if it has none. */
size_t fetch_origin_len(const char *url);
/* The response of the match() running now as a coroutine, or NULL (not
 * in match()). */
const salvo_res *fetch_current(const struct script *s);
/* salvo.fetch, in the salvo module (script.c registers it). */
int fetch_lua(lua_State *L);
#endif
