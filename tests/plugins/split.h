/* The split plugin's own header: what its two files share. */
#ifndef SPLIT_H
#define SPLIT_H
#include <salvo/plugin.h>

int split_match(void *state, salvo_res *res);
#endif
