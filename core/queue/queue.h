/* queue: the Redis work queue (salvo queue push|work|status|collect|drop).
 *
 * Keys, all under salvo:NAME: (NAME = --queue):
 *   chunks   a stream; one entry per chunk: seq, fp (configuration
 *            fingerprint), n (words) and words ('\n'-separated); a
 *            follow-up (salvo.follow) is a chunk of one word with its
 *            depth and parent. Consumer group "workers". An entry is
 *            deleted once its results are in.
 *   seen     a set of the words followed, each once in the queue, and of
 *            the directories found ("\n" and the path), each scanned once.
 *   list     --recursion: a hash seq -> words of the push's chunks; a
 *            directory's chunks name them (ref) with the directory's path
 *            (prefix), depth and parent.
 *   results  a stream; one entry per result: chunk (seq), index, verdict,
 *            url, status, and result (the binary result frame that
 *            collect turns into any output format).
 *   done     a set of the seqs whose results are stored: a chunk scanned
 *            twice is stored once.
 *   meta     a hash: fingerprint, config, template, chunk_words, chunks,
 *            words, complete (1 once push ended), created, hits, results;
 *            follows (follow-up chunks, counted apart from push's chunks
 *            and words), follows_over and first_over (--max-follows);
 *            dirs, dir_chunks and dir_words (--recursion).
 *   workers  a hash: consumer name -> unix time last heard of.
 */
#ifndef SALVO_QUEUE_H
#define SALVO_QUEUE_H
#include <stddef.h>
#include <stdint.h>

struct plugin;
struct out;
struct pool_settings;
struct scan_stats;

/* What the queue's commands need of the configuration. */
struct queue_settings {
    const char *redis;          /* redis://... */
    const char *queue;          /* the name: keys salvo:NAME:* */
    double claim_idle;          /* seconds before another's chunk is taken over */
    long chunk;                 /* words per chunk (push) */
    const char *wordlist;       /* push */
    const char *template;       /* push: for status */
    const char *format;         /* status: text | jsonl */
    int quiet;
    const struct pool_settings *pool;   /* work */
    const struct strlist *exts;         /* push: -e, or NULL */
    unsigned recursion;                 /* push: --recursion keeps the words (list) */
    int may_follow;                     /* push: the plugin may follow: the words' hashes
                                           are kept (listed), to know a follow-up the
                                           list's chunks probe */
};

struct queue_url {
    char host[256];
    int port;
    char user[128];
    char pass[256];
    int db;
};

/* redis://[USER[:PASSWORD]@]HOST[:PORT][/DB]; the password may also come
 * from SALVO_REDIS_PASSWORD. 0, or -1 with err. */
int queue_url_parse(const char *v, struct queue_url *u, char *err, size_t errlen);
int queue_url_check(const char *v, char *err, size_t errlen);
int queue_name_check(const char *v, char *err, size_t errlen);
/* The string value of field name in a flat [field, value, ...] reply
 * (HGETALL, a stream entry), or NULL. */
struct redisReply;
const struct redisReply *queue_field(const struct redisReply *flat, const char *name);
/* "salvo:NAME:what" into out. */
void queue_key(const struct queue_settings *c, const char *what, char *out, size_t outlen);

/* The subcommands; each returns the exit status. fp and config are the
 * scan's fingerprint (16 hex digits) and the configuration it covers. */
int queue_push(const struct queue_settings *c, const char *fp, const char *config);
int queue_status(const struct queue_settings *c);
int queue_collect(const struct queue_settings *c, struct out *out, struct scan_stats *st);
/* Whether the queue was pushed with --recursion: collect's output then
 * gives every result its depth and parent (csv: two more columns), as one
 * salvo's with --recursion does. 0 also without Redis (collect then says
 * why). */
int queue_tree(const struct queue_settings *c);
int queue_drop(const struct queue_settings *c);
#endif
