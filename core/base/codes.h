/* codes: the two tables every outcome is named from.
 *
 * Error kinds: why a probe got an error verdict. Each kind has the prefix
 * its message starts with (what a reader sees), the stable class the
 * output formats and the summary count it under, whether a retry may
 * help, and one line of help. Probes and result records carry the kind as
 * a number, so nothing parses a message to learn what went wrong: a
 * plugin that says "timeout: x" is still a plugin's error.
 *
 * Exit statuses: one row each, with the help text that --help and the
 * man page print.
 *
 * Both are X-macros so that the enum, the names and the help text are
 * written once. Append new rows at the end of ERR_KINDS: the number is
 * stored in result records that leave the machine (Redis). */
#ifndef SALVO_CODES_H
#define SALVO_CODES_H
#include <stdio.h>

/* X(kind, prefix, class, retryable, help) */
#define ERR_KINDS(X)                                                                          \
    X(ERR_NONE, "", ERRC_NONE, 0, "no error")                                                 \
    X(ERR_DNS, "dns", ERRC_DNS, 0, "the name does not resolve (NXDOMAIN, SERVFAIL, no answer)") \
    X(ERR_PROXY_DNS, "proxy-dns", ERRC_DNS, 0, "the proxy's name does not resolve")           \
    X(ERR_CONNECT, "connect", ERRC_CONNECT, 1, "no connection (refused, unreachable)")       \
    X(ERR_TIMEOUT, "timeout", ERRC_TIMEOUT, 1, "no whole answer within --timeout")           \
    X(ERR_TLS, "tls", ERRC_TLS, 0, "the TLS handshake or certificate failed")                \
    X(ERR_HTTP, "http", ERRC_HTTP, 0, "any other transfer error")                            \
    X(ERR_EMPTY, "empty-reply", ERRC_HTTP, 1, "the server closed without a reply")           \
    X(ERR_IO, "io", ERRC_HTTP, 1, "sending or receiving failed mid-way (reset)")             \
    X(ERR_BAD_REPLY, "bad-reply", ERRC_HTTP, 0, "the reply is not HTTP")                     \
    X(ERR_REDIRECTS, "redirects", ERRC_HTTP, 0, "more redirects than --max-redirects")        \
    X(ERR_SCRIPT, "lua", ERRC_SCRIPT, 0, "the Lua script raised an error")                    \
    X(ERR_PLUGIN, "", ERRC_PLUGIN, 0, "the plugin's target() or match() failed")              \
    X(ERR_URL, "url", ERRC_INPUT, 0, "the word makes no valid request")                       \
    X(ERR_CRASH, "quarantined", ERRC_CRASH, 0, "the word killed two workers")                 \
    X(ERR_STOPPED, "stopped", ERRC_TIMEOUT, 0, "the scan stopped before its retry")           \
    X(ERR_INTERNAL, "internal", ERRC_INTERNAL, 0, "out of memory or a failed system call") \
    X(ERR_NOT_PROBED, "not-probed", ERRC_CRASH, 1, "the scan gave up on it: every worker "   \
      "that could take it died")                                                             \
    X(ERR_SKIPPED, "skipped", ERRC_SKIPPED, 0, "its host was given up (--auto-bail, "        \
      "--max-time-per-host)")

/* X(class, name): the classes the output formats and the summary name. */
#define ERR_CLASSES(X)                                                                        \
    X(ERRC_DNS, "dns") X(ERRC_CONNECT, "connect") X(ERRC_TIMEOUT, "timeout")                  \
    X(ERRC_TLS, "tls") X(ERRC_HTTP, "http") X(ERRC_SCRIPT, "script")                          \
    X(ERRC_PLUGIN, "plugin") X(ERRC_INPUT, "input") X(ERRC_CRASH, "crash")                    \
    X(ERRC_INTERNAL, "internal") X(ERRC_SKIPPED, "skipped")

/* X(name, status, help) */
#define EXIT_CODES(X)                                                                         \
    X(EXIT_OK, 0, "the scan ran (with or without hits)")                                      \
    X(EXIT_PARTIAL, 1, "the scan ran but failed part-way (a worker died, output failed), "  \
                       "or every probe failed")                                              \
    X(EXIT_USAGE, 2, "bad usage or bad configuration")                                        \
    X(EXIT_INPUT, 3, "the wordlist cannot be read")                                           \
    X(EXIT_PLUGIN, 4, "the plugin or script cannot be loaded, or its init() refused")        \
    X(EXIT_REDIS, 5, "salvo queue: Redis cannot be reached or used, or the queue is "        \
                     "missing (status, collect) or exists already (push)")                   \
    X(EXIT_TIME, 6, "stopped at --max-time (the probes in flight were finished; --resume "    \
                    "goes on)")                                                               \
    X(EXIT_SIGINT, 130, "stopped by SIGINT (the probes in flight were finished)")            \
    X(EXIT_SIGTERM, 143, "stopped by SIGTERM (the probes in flight were finished)")

#define CODES_ENUM(name, ...) name,
enum err_kind { ERR_KINDS(CODES_ENUM) ERR_NKINDS };
/* ERRC_NONE is not a class of its own: it is where ERR_NONE points. */
enum err_class { ERR_CLASSES(CODES_ENUM) ERR_NCLASSES, ERRC_NONE = ERR_NCLASSES };
#undef CODES_ENUM
#define CODES_EXIT(name, status, help) name = (status),
enum exit_code { EXIT_CODES(CODES_EXIT) };
#undef CODES_EXIT

/* The message prefix of a kind ("timeout"), "" for ERR_NONE and plugins. */
const char *codes_prefix(int kind);
/* The class of a kind; ERR_NCLASSES for ERR_NONE. Unknown kinds are
 * ERRC_INTERNAL. */
int codes_class(int kind);
/* "dns", "timeout", ...; "internal" for anything out of range. */
const char *codes_class_name(int cls);
/* Whether another try may give an answer. */
int codes_retryable(int kind);
/* 1 if kind is a known kind number (records read back from Redis). */
int codes_valid_kind(int kind);
/* "  0  the scan ran ..." lines for --help; roff .TP items for the man page;
 * "- class: help" lines. */
void codes_exit_help(FILE *f);
void codes_exit_roff(FILE *f);
void codes_class_help(FILE *f);
#endif
