/* dnsmem: c-ares's allocations served from free lists per size (see
 * dnsmem.c). */
#ifndef SALVO_DNSMEM_H
#define SALVO_DNSMEM_H

/* Initialise c-ares with these allocators (its ares_library_init):
 * before any other c-ares call of the process. 0, or -1. */
int dnsmem_init(void);
/* Give the kept blocks back to malloc (those in use stay theirs). */
void dnsmem_trim(void);
#endif
