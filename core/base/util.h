/* util: small helpers that several modules need and that belong to none:
 * the monotonic clock, FNV-1a, strings built without a format, and
 * replacing a file atomically. */
#ifndef SALVO_UTIL_H
#define SALVO_UTIL_H
#include <stddef.h>
#include <stdint.h>

#define UTIL_FNV_OFFSET 1469598103934665603ull

/* The monotonic clock, in nanoseconds and in seconds. */
uint64_t util_now_ns(void);
double util_now(void);
/* The wall clock (Unix time), in seconds: for what leaves the process. */
double util_now_wall(void);
/* FNV-1a of n bytes at p, continuing from h (UTIL_FNV_OFFSET to start). */
uint64_t util_fnv1a(uint64_t h, const void *p, size_t n);
/* The same over a NUL-terminated string (NULL = nothing). */
uint64_t util_fnv1a_str(uint64_t h, const char *s);
/* Append the first len bytes of s to the string of length o in dst (size
 * n), cut to fit, always terminated; returns the new length. What
 * snprintf("%s") does, at a tenth of the cost: a probe builds a few such
 * strings, and snprintf was 5 % of a probe's instructions. */
size_t util_put(char *dst, size_t n, size_t o, const char *s, size_t len);
/* The same for a whole string, and for a number in decimal. */
size_t util_put_str(char *dst, size_t n, size_t o, const char *s);
size_t util_put_long(char *dst, size_t n, size_t o, long v);
/* The address bin of family af (AF_INET or AF_INET6) as inet_ntop writes
 * it, into out (size n): out, or NULL. inet_ntop writes IPv4 through
 * sprintf, 1,700 instructions; done here, a tenth of that, and the
 * default job writes one per probe. */
const char *util_addr_text(int af, const void *bin, char *out, size_t n);
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
