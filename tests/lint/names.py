#!/usr/bin/env python3
"""names.py CORE_DIR: names a grep can find in core/.

Every function a .c file of core/ defines for others carries the file's
name as its prefix ("h1_start" in net/h1.c; main() in cli/main.c); so
does every callback it hands to a library ("h1_on_read": static
functions named on_*); and no two files define a private function of the
same name. Prints every breach with file:line, exit 1 if there is one."""
import glob
import os
import re
import sys

# A definition starts at column 0 ("static int h1_fail(" or "int
# h1_start("); its parameters close with ")" and the body opens on the
# next line, as every file here is written.
HEAD = re.compile(r"^(static\s+)?(?!typedef\b|return\b)[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\(")


def definitions(path):
    """(line, name, static) for each function defined in path."""
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = HEAD.match(line)
        if not m:
            continue
        depth, j, k = 0, i, line.index("(")
        while j < len(lines):
            rest = lines[j][k:]
            for pos, ch in enumerate(rest):
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                    if depth == 0:
                        tail = rest[pos + 1:].strip()
                        nxt = lines[j + 1].strip() if j + 1 < len(lines) else ""
                        if tail == "{" or (not tail and nxt == "{") or tail.startswith("__attribute__"):
                            yield i + 1, m.group(2), bool(m.group(1))
                        break
            else:
                j, k = j + 1, 0
                continue
            break


def main():
    core = sys.argv[1] if len(sys.argv) > 1 else "core"
    bad, private = [], {}
    nfun = 0
    for path in sorted(glob.glob(os.path.join(core, "*", "*.c"))):
        mod = os.path.basename(path)[:-2]
        for line, name, static in definitions(path):
            nfun += 1
            where = "%s:%d" % (path, line)
            if not static and not name.startswith(mod + "_") and not (mod == "main" and name == "main"):
                bad.append("%s: %s is seen from other files but lacks the prefix %s_" % (where, name, mod))
            if static and name.startswith("on_"):
                bad.append("%s: the callback %s lacks the prefix %s_" % (where, name, mod))
            if static:
                private.setdefault(name, []).append(where)
    for name, places in sorted(private.items()):
        if len(places) > 1:
            bad.append("%s: the private name %s is defined again in %s" % (places[0], name, ", ".join(places[1:])))
    for b in bad:
        print(b)
    if bad:
        return 1
    print("names: %d functions, every shared one and every callback with its file's prefix, "
          "no private name in two files" % nfun)
    return 0


if __name__ == "__main__":
    sys.exit(main())
