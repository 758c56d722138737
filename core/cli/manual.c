/* manual: --help, the man page and the shell completion, all printed from
 * the option table (opt.c) and the codes table (codes.h), so that none
 * of them can fall out of step with the options. */
#include "cli/manual.h"

#include "base/codes.h"
#include "cli/optable.h"

#define SALVO_HOST_SIDE
#include "salvo/plugin.h"

#include <stdio.h>
#include <string.h>

/* One option's --help line. */
static void option_line(FILE *f, const struct opt *o)
{
    char name[32], left[96];
    opt_long_name(o, name, sizeof name);
    const char *meta = o->meta ? o->meta : "";
    int n = o->type == T_BOOL
                ? snprintf(left, sizeof left, "  %c%c%s--%s[=yes|no]", o->shrt ? '-' : ' ',
                           o->shrt ? o->shrt : ' ', o->shrt ? ", " : "  ", name)
                : snprintf(left, sizeof left, "  %c%c%s--%s%s%s", o->shrt ? '-' : ' ',
                           o->shrt ? o->shrt : ' ', o->shrt ? ", " : "  ", name,
                           *meta ? " " : "", meta);
    fprintf(f, "%s%*s %s", left, n < 36 ? 36 - n : 1, "", o->help);
    if (o->def && *o->def)
        fprintf(f, " [%s]", o->def);
    fputc('\n', f);
}

static const char *const queue_help[][3] = {
    {"push", "cut the wordlist (-w FILE, or - for stdin) into chunks on the queue, with this "
             "scan's options", "salvo queue push --redis URL -w WORDLIST [SCAN OPTIONS]"},
    {"work", "scan chunks from the queue on this machine until every chunk is done; hits are "
             "also written here (-o, -f, --report)", "salvo queue work --redis URL [SCAN OPTIONS]"},
    {"status", "the queue's progress: chunks, words done, hits, errors, rate, ETA and the "
               "workers", "salvo queue status --redis URL [-f jsonl]"},
    {"collect", "write every result of the queue, each once (-f, -o, --errors, --report)",
     "salvo queue collect --redis URL [-f text|jsonl|csv] [-o FILE] [--errors]"},
    {"drop", "delete the queue's keys", "salvo queue drop --redis URL"},
};

void manual_queue_usage(FILE *f, const char *cmd)
{
    size_t n = sizeof queue_help / sizeof queue_help[0];
    for (size_t i = 0; cmd && i < n; i++)
        if (!strcmp(cmd, queue_help[i][0]))
            fprintf(f, "usage: %s\n%s.\n", queue_help[i][2], queue_help[i][1]);
    if (!cmd) {
        fprintf(f, "usage: salvo queue push|work|status|collect|drop [OPTIONS]\n"
                   "A scan spread over machines through a Redis work queue "
                   "(docs/deploy/redis-queue.md).\n\n");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "  %-8s %s\n", queue_help[i][0], queue_help[i][1]);
    }
    fprintf(f, "\nqueue options:\n");
    for (size_t i = 0; i < opt_count; i++)
        if (opt_table[i].section && !strcmp(opt_table[i].section, "queue"))
            option_line(f, &opt_table[i]);
    if (!cmd || !strcmp(cmd, "push") || !strcmp(cmd, "work"))
        fprintf(f, "\npush and work take the scan's options too (salvo --help), the same on "
                   "every machine:\na worker with other options is refused.\n");
    fprintf(f, "\nexit status: 0 done, 2 bad usage or options, 5 Redis cannot be reached or "
               "used (salvo --help lists all).\n");
}

void manual_usage(FILE *f)
{
    fprintf(f,
            "usage: salvo [OPTIONS] -w WORDLIST\n"
            "       salvo queue push|work|status|collect|drop [OPTIONS]  (the Redis work queue)\n"
            "Probe a URL template for every word of a wordlist and print the hits.\n"
            "Default job: http://{}.baidu.com, hit = status 200 and no 不存在 in the page.\n");
    const char *section = "";
    for (size_t i = 0; i < opt_count; i++) {
        const struct opt *o = &opt_table[i];
        const char *s = o->section ? o->section : "general";
        if (strcmp(s, section)) {
            fprintf(f, "\n%s:\n", s);
            section = s;
        }
        option_line(f, o);
    }
    fprintf(f,
            "  -h, --help                         this help\n"
            "  -V, --version                      version and plugin ABI\n"
            "\nEvery [section] key above can be set in the INI file given with -c;\n"
            "the command line overrides it, repeatable keys add up.\n"
            "\nexit status:\n");
    codes_exit_help(f);
    fprintf(f, "\nerror classes (error_class in jsonl and csv; the message's prefix):\n");
    codes_class_help(f);
}

/* roff needs '\' and a leading '.' or '\'' escaped. */
static void roff(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else
            fputc(*s, f);
    }
}

static const char *const man_sections[][2] = {
    {"scan", "What to probe and how many at once."},
    {"http", "How each request is made."},
    {"dns", "Resolving names: salvo asks the resolvers itself and fetches only the names that "
            "exist."},
    {"match", "Declarative rules: all that are set must hold for a hit (or one, with "
              "\\fB\\-\\-match\\-mode any\\fR)."},
    {"filter", "Rules that turn a response down, and the calibration of not-found pages."},
    {"output", "Where and how results are written."},
    {"queue", "The Redis work queue (\\fBsalvo queue push|work|status|collect|drop\\fR)."},
};

void manual_page(FILE *f)
{
    fprintf(f, ".TH SALVO 1 \"\" \"salvo %s\" \"User Commands\"\n", SALVO_VERSION);
    fputs(".nh\n.ad l\n.SH NAME\nsalvo \\- probe a URL template for every word of a wordlist\n"
          ".SH SYNOPSIS\n.B salvo\n[\\fIOPTIONS\\fR] \\fB\\-w\\fR \\fIWORDLIST\\fR\n"
          ".SH DESCRIPTION\n"
          "salvo fans a URL template out over a wordlist, probes every URL concurrently "
          "(a pool of worker processes, each driving hundreds of transfers from one event loop) "
          "and reports the hits that its match rules accept. The default job probes "
          "\\fBhttp://{}.baidu.com\\fR and reports a word when the page answers 200 and its "
          "text, decoded by its charset, lacks the soft\\-404 marker \\(lq不存在\\(rq.\n"
          ".PP\nMatch logic comes from \\fB[match]\\fR rules, a Lua script "
          "(\\fB\\-p\\fR \\fIfile.lua\\fR) or a compiled plugin (\\fB\\-p\\fR "
          "\\fIname\\fR or \\fIfile.so\\fR).\n"
          "Every option below that has an INI key can be set in the file given with "
          "\\fB\\-c\\fR; the command line overrides it, repeatable keys add up.\n", f);
    fputs(".SH OPTIONS\n", f);
    for (size_t s = 0; s <= sizeof man_sections / sizeof man_sections[0]; s++) {
        const char *sec = s < sizeof man_sections / sizeof man_sections[0] ? man_sections[s][0] : NULL;
        fprintf(f, ".SS %s\n", sec ? sec : "General");
        if (sec)
            fprintf(f, "%s INI section \\fB[%s]\\fR.\n", man_sections[s][1], sec);
        for (size_t i = 0; i < opt_count; i++) {
            const struct opt *o = &opt_table[i];
            if (sec ? !o->section || strcmp(o->section, sec) : o->section != NULL)
                continue;
            char name[32];
            opt_long_name(o, name, sizeof name);
            fputs(".TP\n", f);
            if (o->shrt)
                fprintf(f, "\\fB\\-%c\\fR, ", o->shrt);
            fputs("\\fB\\-\\-", f);
            roff(f, name);
            fputs("\\fR", f);
            if (o->type == T_BOOL)
                fputs("[=\\fIyes\\fR|\\fIno\\fR]", f);
            else if (o->meta) {
                fputs(" \\fI", f);
                roff(f, o->meta);
                fputs("\\fR", f);
            }
            fputc('\n', f);
            roff(f, o->help);
            fputs(".", f);
            if (o->def && *o->def) {
                fputs(" Default: ", f);
                roff(f, o->def);
                fputs(".", f);
            }
            if (o->section)
                fprintf(f, " INI: \\fB%s\\fR in [%s].", o->key, o->section);
            fputc('\n', f);
        }
    }
    fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShort help.\n"
          ".TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nVersion and plugin ABI.\n", f);
    fputs(".SH INI FILE\n"
          "Sections \\fB[scan]\\fR, \\fB[http]\\fR, \\fB[match]\\fR, \\fB[output]\\fR hold "
          "the keys named above; \\fB[plugin]\\fR holds free \\fIkey = value\\fR pairs "
          "handed to the plugin's or script's init(). Unknown sections or keys, bad values "
          "and lines longer than 198 bytes are errors naming file:line, before any request. "
          "\\fB\\-\\-dump\\-config\\fR prints the effective configuration in this format.\n"
          ".SH OUTPUT\n"
          "\\fBtext\\fR: one URL a line per hit; with \\fB\\-\\-errors\\fR a line "
          "\\(lq[\\-] fa URL (reason)\\(rq on stderr per failed probe. "
          "\\fBjsonl\\fR: one JSON object a line (verdict, url, word, status, length, "
          "elapsed, ip, charset, error, fields). \\fBcsv\\fR: a header line, then one record "
          "per hit. Only the parent process writes: lines are never interleaved or torn.\n"
          ".SH EXIT STATUS\n", f);
    codes_exit_roff(f);
    fputs(".SH ENVIRONMENT\n"
          ".TP\n.B SALVO_REDIS_PASSWORD\nThe Redis password when the \\fB\\-\\-redis\\fR URL "
          "has none (keeps it out of the process list).\n"
          ".TP\n.B SALVO_PLUGIN_PATH\nColon\\-separated directories searched first for "
          "plugin names.\n"
          ".TP\n.B SALVO_HOSTS\nThe hosts file the DNS stage reads before asking a resolver "
          "(default \\fI/etc/hosts\\fR).\n"
          ".TP\n.B RES_OPTIONS\nglibc resolver options; when unset, salvo's workers use "
          "\\(lqtimeout:T attempts:3\\(rq with T half of \\fB\\-\\-timeout\\fR.\n"
          ".SH FILES\n"
          ".TP\n.I " SALVO_PLUGINDIR "\nCompiled plugins (\\fIname\\fR.so).\n"
          ".TP\n.I " SALVO_DATADIR "/scripts\nLua scripts: baidu.lua and examples.\n"
          ".TP\n.I " SALVO_DATADIR "/conf\nbaidu.ini, baidu\\-rules.ini and the bundled "
          "wordlist words.txt.\n"
          ".TP\n.I " SALVO_DOCDIR "\nThe documentation.\n"
          ".SH EXAMPLES\n"
          ".nf\n"
          "salvo \\-w words.txt\n"
          "salvo \\-c baidu.ini \\-w words.txt \\-t 500 \\-o hits.txt\n"
          "salvo \\-p none \\-\\-status 200 \\-\\-not\\-contains \\(aqNot found\\(aq "
          "\\-u \\(aqhttp://{}.example.com\\(aq \\-w words.txt\n"
          "salvo \\-p title.lua \\-f jsonl \\-u \\(aqhttps://{}.example.com\\(aq \\-w words.txt\n"
          "salvo \\-w words.txt \\-\\-connect\\-to ::127.0.0.1:8080 \\-\\-report scan.html\n"
          "salvo queue push \\-\\-redis redis://queue.lan \\-w big.txt \\-c scan.ini\n"
          "salvo queue work \\-\\-redis redis://queue.lan \\-c scan.ini    # on every machine\n"
          "salvo queue collect \\-\\-redis redis://queue.lan \\-f jsonl > hits.jsonl\n"
          ".fi\n"
          ".SH SEE ALSO\n"
          "The user guide, INI reference, Lua API, plugin SDK, cookbook and deployment "
          "guides: \\fI" SALVO_DOCDIR "/docs\\fR (README.md there first); the cookbook's "
          "INI files in \\fI" SALVO_DOCDIR "/cookbook\\fR and the example plugin's "
          "source in \\fI" SALVO_DOCDIR "/examples/plugin\\fR. "
          "\\fBcurl\\fR(1) for CONNECT_TO and RESOLVE syntax.\n", f);
}

void manual_completion(FILE *f)
{
    fputs("# bash completion for salvo; generated by salvo --completion bash\n"
          "_salvo() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    if [[ $COMP_CWORD == 1 && $cur != -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"queue\" -- \"$cur\")); return\n"
          "    fi\n"
          "    if [[ ${COMP_WORDS[1]} == queue && $COMP_CWORD == 2 ]]; then\n"
          "        COMPREPLY=($(compgen -W \"push work status collect drop --help\" -- \"$cur\"));"
          " return\n"
          "    fi\n"
          "    case $prev in\n", f);
    /* Options that take a file, then those with a fixed set of values. */
    fputs("    ", f);
    int first = 1;
    for (size_t i = 0; i < opt_count; i++) {
        const struct opt *o = &opt_table[i];
        if (!o->meta || !strstr(o->meta, "FILE"))
            continue;
        char name[32];
        opt_long_name(o, name, sizeof name);
        fprintf(f, "%s--%s", first ? "" : "|", name);
        if (o->shrt)
            fprintf(f, "|-%c", o->shrt);
        first = 0;
    }
    fputs(")\n        COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", f);
    for (size_t i = 0; i < opt_count; i++) {
        const struct opt *o = &opt_table[i];
        if (o->type != T_ENUM)
            continue;
        char name[32], words[128];
        opt_long_name(o, name, sizeof name);
        snprintf(words, sizeof words, "%s", o->choices);
        for (char *p = words; *p; p++)
            if (*p == '|')
                *p = ' ';
        fprintf(f, "    --%s%s%c)\n        COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n",
                name, o->shrt ? "|-" : "", o->shrt ? o->shrt : ' ', words);
    }
    fputs("    --plugin|-p)\n"
          "        COMPREPLY=($(compgen -W \"none $(\"${COMP_WORDS[0]}\" --list-plugins 2>/dev/null"
          " | awk 'NR == 1 { next } /^$/ { exit } { print $1 }')\" -- \"$cur\")"
          " $(compgen -f -X '!*.@(so|lua)' -- \"$cur\")); return ;;\n"
          "    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"", f);
    for (size_t i = 0; i < opt_count; i++) {
        char name[32];
        opt_long_name(&opt_table[i], name, sizeof name);
        fprintf(f, "--%s ", name);
        if (opt_table[i].shrt)
            fprintf(f, "-%c ", opt_table[i].shrt);
    }
    fputs("--help -h --version -V\" -- \"$cur\"))\n"
          "    fi\n"
          "}\n"
          "shopt -s extglob 2>/dev/null\n"
          "complete -o filenames -F _salvo salvo\n", f);
}

/* Text for inside a single-quoted _arguments spec's [help]: a quote closes
 * and reopens the string, brackets and colons are escaped. */
static void zsh_help(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else
            fputc(*s, f);
    }
}

/* One option's spec: the help, then what its value completes to (files,
 * the choices, plugin names, or nothing). */
static void zsh_option(FILE *f, const struct opt *o)
{
    char name[32];
    opt_long_name(o, name, sizeof name);
    const char *meta = o->meta ? o->meta : "VALUE";
    int takes = o->type != T_FLAG && o->type != T_BOOL;
    if (o->shrt)
        fprintf(f, "    '(-%c --%s)'{-%c,--%s}'[", o->shrt, name, o->shrt, name);
    else
        fprintf(f, "    '--%s%s[", name, o->type == T_BOOL ? "=-" : "");
    zsh_help(f, o->help);
    fputs("]", f);
    if (o->type == T_BOOL) {
        fputs("::yes or no:(yes no)", f);
    } else if (takes) {
        fputc(':', f);
        zsh_help(f, meta);
        fputc(':', f);
        if (!strcmp(name, "plugin"))
            fputs("_salvo_plugins", f);
        else if (strstr(meta, "FILE"))
            fputs("_files", f);
        else if (o->type == T_ENUM && o->choices) {
            fputc('(', f);
            for (const char *p = o->choices; *p; p++)
                fputc(*p == '|' ? ' ' : *p, f);
            fputc(')', f);
        } else {
            fputs(" ", f);
        }
    }
    fputs("'\n", f);
}

void manual_completion_zsh(FILE *f)
{
    fputs("#compdef salvo\n"
          "# zsh completion for salvo; generated by salvo --completion zsh. Put it in a\n"
          "# directory of $fpath as _salvo.\n"
          "_salvo_plugins() {\n"
          "    local -a names\n"
          "    names=(none ${(f)\"$(${words[1]} --list-plugins 2>/dev/null |"
          " awk 'NR == 1 { next } /^$/ { exit } { print $1 }')\"})\n"
          "    _alternative 'plugins:plugin:compadd -a names' 'files:file:_files -g \"*.(so|lua)\"'\n"
          "}\n"
          "_salvo() {\n"
          "    if (( CURRENT == 2 )) && [[ $words[2] != -* ]]; then\n"
          "        _values 'command' 'queue[the Redis work queue]'\n"
          "        return\n"
          "    fi\n"
          "    if [[ $words[2] == queue ]] && (( CURRENT == 3 )); then\n"
          "        _values 'queue command'", f);
    for (size_t i = 0; i < sizeof queue_help / sizeof queue_help[0]; i++) {
        fprintf(f, " '%s[", queue_help[i][0]);
        zsh_help(f, queue_help[i][1]);
        fputs("]'", f);
    }
    fputs("\n        return\n"
          "    fi\n"
          "    local -a opts\n"
          "    opts=(\n", f);
    for (size_t i = 0; i < opt_count; i++)
        zsh_option(f, &opt_table[i]);
    fputs("    '(-h --help)'{-h,--help}'[this help]'\n"
          "    '(-V --version)'{-V,--version}'[version and plugin ABI]'\n"
          "    '--no-config[read no /etc/salvo/salvo.ini or $XDG_CONFIG_HOME/salvo/salvo.ini]'\n"
          "    '--http1.1[HTTP/1.1 always]'\n"
          "    '--http2[HTTP/2 always]'\n"
          "    )\n"
          "    [[ $words[2] == queue ]] && words=(${words[1]} ${words[4,-1]}) &&"
          " (( CURRENT -= 2 ))\n"
          "    _arguments -s -S $opts\n"
          "}\n"
          "_salvo \"$@\"\n", f);
}
