/* match() of the split plugin: a hit for status 200, with a field that
 * shows this file reached the host table. */
#include <salvo/plugin.h>

#include "split.h"

int split_match(void *state, salvo_res *res)
{
    (void)state;
    salvo_api->res_field(res, "from", "split_match.c");
    return salvo_api->res_status(res) == 200 ? SALVO_HIT : SALVO_MISS;
}
