/* follow: the words scripts and plugins add to the running scan
 * (salvo.follow in Lua, the host's follow() in C). A follow-up is a word
 * put through the template, a URL the template makes, or a path on the
 * word's own origin (made a URL first); a URL the template cannot make
 * is the script's error. The words wait here, per response, until the
 * worker sends them up with the word's result (MSG_FOLLOW); the parent
 * deduplicates, bounds and journals them (pool/recurse.h). */
#ifndef SALVO_FOLLOW_H
#define SALVO_FOLLOW_H
#include <lua.h>
#include <stddef.h>

struct buf;
struct script_limits;

#define FOLLOW_PER_WORD 1000   /* follow-ups one response may add */
#define FOLLOW_MAX_LEN 2048    /* bytes of a followed word */

/* x[0..n) as the word to follow from a response at base (the word's URL),
 * appended to word. 0, or -1 with why (naming who). */
int follow_word(const struct script_limits *lim, const char *base, const char *x, size_t n,
                struct buf *word, const char *who, char *why, size_t whylen);
/* Keep word[0..len) for the response res. 0, or -1 with why (over
 * FOLLOW_PER_WORD, out of memory). */
int follow_add(const void *res, const char *word, size_t len, const char *who, char *why,
               size_t whylen);
/* The words kept for res, each with a NUL after it, appended to out (then
 * forgotten here): how many. */
size_t follow_take(const void *res, struct buf *out);
/* follow_word() then follow_add() for res: 0, or -1 with why. */
int follow_from(const struct script_limits *lim, const void *res, const char *base, const char *x,
                size_t n, const char *who, char *why, size_t whylen);
/* salvo.follow(x), in the salvo module (script.c registers it): only in
 * match(). */
int follow_lua(lua_State *L);
#endif
