/* util: small helpers that several modules need and that belong to none:
 * the monotonic clock, FNV-1a, and replacing a file atomically. */
#ifndef SALVO_UTIL_H
#define SALVO_UTIL_H
#include <stddef.h>
#include <stdint.h>

#define UTIL_FNV_OFFSET 1469598103934665603ull

/* The monotonic clock, in nanoseconds and in seconds. */
uint64_t util_now_ns(void);
double util_now(void);
/* FNV-1a of n bytes at p, continuing from h (UTIL_FNV_OFFSET to start). */
uint64_t util_fnv1a(uint64_t h, const void *p, size_t n);
/* The same over a NUL-terminated string (NULL = nothing). */
uint64_t util_fnv1a_str(uint64_t h, const char *s);
/* in with the password of its user info ("scheme://user:PASSWORD@...")
 * as "***", into out (truncated to n). Other text is copied as it is. */
void util_redact_url(const char *in, char *out, size_t n);
/* FNV-1a of a file's bytes into *h. 0, or -1 (errno set). */
int util_fnv1a_file(const char *path, uint64_t *h);
/* Replace the file at path with data[0..len): written to PATH.tmp,
 * fsynced, then renamed over path, so that a reader sees the old file or
 * the new one, never a part. 0, or -1 with errno set. */
int util_replace_file(const char *path, const void *data, size_t len);
#endif
