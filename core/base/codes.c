/* codes: error kinds, error classes and exit statuses, from the tables in
 * codes.h. */
#include "base/codes.h"

static const struct {
    const char *prefix;
    int cls;
    int retryable;
    const char *help;
} kinds[] = {
#define KIND_ROW(kind, prefix, cls, retry, help) {prefix, cls, retry, help},
    ERR_KINDS(KIND_ROW)
#undef KIND_ROW
};

static const char *const class_names[] = {
#define CLASS_ROW(cls, name) name,
    ERR_CLASSES(CLASS_ROW)
#undef CLASS_ROW
};

int codes_valid_kind(int kind)
{
    return kind >= 0 && kind < ERR_NKINDS;
}

const char *codes_prefix(int kind)
{
    return codes_valid_kind(kind) ? kinds[kind].prefix : "internal";
}

int codes_class(int kind)
{
    return codes_valid_kind(kind) ? kinds[kind].cls : ERRC_INTERNAL;
}

const char *codes_class_name(int cls)
{
    return cls >= 0 && cls < ERR_NCLASSES ? class_names[cls] : "internal";
}

int codes_retryable(int kind)
{
    return codes_valid_kind(kind) && kinds[kind].retryable;
}

void codes_exit_help(FILE *f)
{
#define EXIT_HELP(name, status, help) fprintf(f, "  %-3d  %s\n", status, help);
    EXIT_CODES(EXIT_HELP)
#undef EXIT_HELP
}

void codes_exit_roff(FILE *f)
{
#define EXIT_ROFF(name, status, help) fprintf(f, ".TP\n%d\n%s.\n", status, help);
    EXIT_CODES(EXIT_ROFF)
#undef EXIT_ROFF
}

void codes_class_help(FILE *f)
{
    for (int k = 1; k < ERR_NKINDS; k++)
        fprintf(f, "  %-9s %-12s %s\n", codes_class_name(kinds[k].cls),
                *kinds[k].prefix ? kinds[k].prefix : "-", kinds[k].help);
}
