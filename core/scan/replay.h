/* replay: --replay-proxy, every hit sent once more through a proxy
 * (Burp, ZAP), so that it lands in the proxy's history (replay.c). */
#ifndef SALVO_REPLAY_H
#define SALVO_REPLAY_H
#include <stddef.h>
#include <uv.h>

#include "net/engine.h"

struct replay;

/* Replays through proxy with the scan's own settings otherwise (headers,
 * timeouts, TLS), curl's client, a few at a time. codes: the statuses
 * replayed ("" = every hit). wake(ud) is called when replays end. NULL
 * with err when it cannot be made. */
struct replay *replay_new(uv_loop_t *loop, const struct engine_settings *scan, const char *proxy,
                          const char *codes, void (*wake)(void *ud), void *ud, char *err,
                          size_t errlen);
/* x's request again through the proxy, if its status is one replayed: now,
 * or when one in flight ends. What the proxy answers changes nothing. */
void replay_hit(struct replay *r, const struct xfer *x);
/* Replays queued or in flight. */
unsigned replay_busy(const struct replay *r);
/* Free; run the loop afterwards (the engine's handles close). */
void replay_free(struct replay *r);
#endif
