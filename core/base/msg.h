/* msg: framing between the parent and its workers over a socketpair.
 * A frame is a 32-bit length (host order: both ends are this machine),
 * a type byte and a payload. */
#ifndef SALVO_MSG_H
#define SALVO_MSG_H
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

enum msg_type {
    /* worker -> parent */
    MSG_READY = 1,   /* plugin init done, no payload */
    MSG_FATAL,       /* worker cannot run: payload = message */
    MSG_LOG,         /* a line for stderr: payload = the line */
    MSG_STATS,       /* counts since the last one: {u16 key, u32 n}...; key <
                        600 = a status, STATS_SIZE + b = body size bucket b */
    MSG_WANT,        /* give me a chunk */
    MSG_RESULT,      /* one verdict, see struct result */
    MSG_DONE,        /* u64 chunk id: all its results were sent before */
    MSG_CALIB,       /* what calibration learned: text '\0' JSON array */
    MSG_WILD,        /* --wildcard-dns: "*.domain ip,ip" ("-" for none) */
    MSG_FOLLOW,      /* a script followed a word: see struct follow; sent
                        before the result of the word it came from */
    /* parent -> worker */
    MSG_CHUNK,       /* u64 id, u32 n, n u32 word indices to skip, u32 m, m
                        bytes of directory prefix (--recursion), then the
                        words separated by '\n' */
    MSG_END,         /* no more chunks: finish the ones you have */
    MSG_STOP,        /* stop: finish the transfers in flight, start no more */
};

enum verdict { V_MISS = 0, V_HIT = 1, V_ERROR = 2, V_FILTERED = 3 };

#define RESULT_MAX_FIELDS 32
/* A field value that starts with RESULT_TYPED is a JSON number or boolean
 * (what follows it): a script's 42 or true stays one in jsonl. A text
 * value that itself starts with one of the two marks gets RESULT_TEXT in
 * front, so no text can pass for a number. */
#define RESULT_TYPED '\x01'
#define RESULT_TEXT '\x02'

#define STATS_SIZE 1000      /* first key of the size buckets */
#define SIZE_BUCKETS 32      /* bucket b: lengths in [2^(b-1), 2^b), 0 alone */
#define STATS_RETRIES 2000   /* key of the retry count */
#define STATS_MISSES 2001    /* responses the plugin or script turned down */
#define STATS_FILTERED 2002  /* responses a [match]/[filter] rule turned down */
#define STATS_CALIBRATED 2003 /* responses taken for a learned not-found page */
#define STATS_WILDCARDS 2004  /* names whose answers are the wildcard's */
#define STATS_WINDOW 2005     /* the worker's window now (a value, not a count) */
#define STATS_ENDED 2006      /* words whose probe ended (for the progress line) */
#define STATS_FETCHES 2007    /* requests a script's match() made (salvo.fetch) */
#define STATS_BY_H1 2008      /* transfers started by salvo's HTTP/1.1 client; +1 its
                                 HTTP/2 client, +2 curl */

/* One probe's outcome. Strings are NUL-terminated; when decoded they point
 * into the frame and live as long as it does. */
struct result {
    uint64_t chunk;
    uint32_t index;          /* of the word in its chunk */
    int verdict;
    int kind;                /* enum err_kind (codes.h), ERR_NONE unless an error */
    int status;
    uint64_t length;         /* body bytes received (kept or not) */
    double elapsed;          /* seconds */
    const char *word;
    size_t wlen;             /* the word may hold any byte but NUL */
    const char *url;
    const char *error;       /* "" if none */
    const char *charset;     /* "" if not detected */
    const char *ip;          /* "" if no connection */
    const char *ips;         /* the DNS stage's answers "a,b", "" if none */
    int wildcard;            /* they are the domain's wildcard's */
    uint64_t words, lines;   /* of the text the rules see */
    const char *content_type; /* "" if none */
    const char *title;       /* "" if none */
    const char *location;    /* "" if no redirect */
    const char *filtered_by; /* V_FILTERED: the rule or the learned page */
    const char *protocol;    /* "HTTP/1.1", "HTTP/2"; "" if no answer */
    const char *stored;      /* --store-responses: the file of this exchange, "" if none */
    /* --recursion and follow-ups, set by the parent (a worker's frames
     * carry 0 and ""; records since version 4 carry them): the level of
     * the word (0 = the wordlist's own) and the URL that led to it ("" at
     * level 0) */
    uint32_t depth;
    const char *parent;
    size_t nfields;
    const char *fields[2 * RESULT_MAX_FIELDS]; /* key, value, ... */
};

/* A field's value as text, without the RESULT_TYPED mark. */
static inline const char *msg_field_text(const char *v)
{
    return v[0] == RESULT_TYPED || v[0] == RESULT_TEXT ? v + 1 : v;
}
/* Whether s is a JSON number or true/false, to be written as it is. */
int msg_json_literal(const char *s);
/* A field value made from text (typed = 0) or from a literal that
 * msg_json_literal() accepts (typed = 1), marked as above; malloc'ed. */
char *msg_field_value(const char *v, int typed);

/* MSG_FOLLOW: the word to probe (put through the template), found by the
 * script on the page of word `index` of chunk `chunk`, at url. */
struct follow {
    uint64_t chunk;
    uint32_t index;
    const char *url;         /* NUL-terminated */
    const char *word;        /* any byte but NUL, CR and LF */
    size_t wlen;
};
struct frame;
int msg_put_follow(struct buf *out, const struct follow *fo);
int msg_get_follow(const struct frame *f, struct follow *fo);

/* "hit", "miss", "error", "filtered". */
const char *msg_verdict_name(int v);

struct frame {
    int type;
    const char *p;   /* payload */
    size_t len;
};

/* Append a frame to out. */
int msg_put(struct buf *out, int type, const void *payload, size_t len);
int msg_put_u64(struct buf *out, int type, uint64_t v);
int msg_put_result(struct buf *out, const struct result *r);
/* A result as a record that leaves the machine (stored in Redis): "SRR"
 * and a version byte, then the fields with big-endian integers, so that
 * any machine reads it and a record of another version is refused. */
#define MSG_RECORD_MAGIC "SRR"
#define MSG_RECORD_VERSION 4   /* 2: the protocol, last; 3: the stored file after it;
                                  4: depth and parent after it (a queue's follow-ups);
                                  versions 1 to 3 are read too */
int msg_put_record(struct buf *out, const struct result *r);
/* 0, or -1 for anything but a whole record of this version. Strings point
 * into p. */
int msg_get_record(const char *p, size_t len, struct result *r);
/* Take the first whole frame from in[0..len): returns its total size, 0 if
 * incomplete, -1 if malformed. */
long msg_next(const char *in, size_t len, struct frame *f);
int msg_get_u64(const struct frame *f, uint64_t *v);
int msg_get_result(const struct frame *f, struct result *r);
#endif
