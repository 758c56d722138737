/* hoststat: what the scan says about one address that pushed back or was
 * given up (the summary, the progress line, --stats-json). Filled by the
 * per-address table (scan/perip.h), read by the output layer. */
#ifndef SALVO_HOSTSTAT_H
#define SALVO_HOSTSTAT_H
#include <stdint.h>

struct hoststat {
    char addr[48];
    double rate;        /* requests a second it is held to now, 0 = no limit (any more) */
    double lowest;      /* the lowest it was held to */
    uint32_t drops;     /* times it was slowed down */
    uint32_t gave_up;   /* given up: its remaining words are skipped */
    uint64_t skipped;   /* words skipped for it */
    char why[96];       /* why it was given up, "" if it was not */
};

/* How many the summary and the JSON name at most (the counts are whole). */
#define HOSTSTAT_MAX 8
#endif
