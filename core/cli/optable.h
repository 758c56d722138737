/* optable: the shape of the one option table, shared by the parser
 * (opt.c), its writer (optdump.c) and the manual (manual.c). Nothing else
 * reads it. */
#ifndef SALVO_OPTABLE_H
#define SALVO_OPTABLE_H
#include <stddef.h>

enum type { T_STR, T_INT, T_DOUBLE, T_BOOL, T_LIST, T_ENUM, T_STATUS, T_FLAG, T_SHARD };

struct opt {
    const char *section;  /* INI section; NULL = command line only */
    const char *key;      /* INI key and long option (with '_' as '-') */
    int shrt;             /* short option or 0 */
    enum type type;
    size_t off;           /* offset in struct conf */
    const char *def;      /* default as text (NULL = unset) */
    const char *meta;     /* argument name in --help */
    const char *help;
    const char *choices;  /* T_ENUM: "a|b|c" */
    double min, max;      /* T_INT, T_DOUBLE */
    const char *cli;      /* long option when it differs from the key */
    int (*check)(const char *v, char *err, size_t errlen); /* T_STR, T_LIST */
};

/* The field of struct conf *c that option o sets, as a t *. */
#define FIELD(c, o, t) ((t *)((char *)(c) + (o)->off))

/* Options the table may hold at most (arrays sized for it; checked). */
#define OPT_MAX 128

extern const struct opt opt_table[];
extern const size_t opt_count;
/* The long option of o ("max-redirects"). */
void opt_long_name(const struct opt *o, char *out, size_t n);
#endif
