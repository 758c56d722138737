#!/usr/bin/env python3
"""layers.py CORE_DIR [--max-lines N]: the shape of core/, checked.

core/'s folders are layers, lowest first, as core/README.md lists them on
its "layers:" line. A file may include its own folder's headers and those
of lower folders, named with their folder ("net/h1.h"), and the public
face "salvo/plugin.h"; never a higher folder's. Modules (a .c with its .h)
include one another in no circle. With --max-lines, no .c file is over N
lines (without, the longest are listed). Prints every breach with
file:line, exit 1 if there is one."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layers_of(core):
    for line in open(os.path.join(core, "README.md"), encoding="utf-8"):
        m = re.match(r"^layers:\s*(.+)$", line.strip())
        if m:
            return m.group(1).split()
    sys.exit("layers.py: no 'layers:' line in %s/README.md" % core)


def sources(core, layers):
    for d in sorted(os.listdir(core)):
        full = os.path.join(core, d)
        if not os.path.isdir(full) or d == "include":
            continue
        for f in sorted(os.listdir(full)):
            if f.endswith((".c", ".h")):
                yield d, f


def cycle(graph):
    """One circle of the module graph as a list, or None."""
    state = {}

    def visit(n, path):
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m not in state:
                found = visit(m, path + [m])
                if found:
                    return found
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n, [n])
            if found:
                return found
    return None


def main():
    args = sys.argv[1:]
    max_lines = None
    if "--max-lines" in args:
        i = args.index("--max-lines")
        max_lines = int(args[i + 1])
        del args[i:i + 2]
    core = args[0] if args else "core"
    long_files = []
    layers = layers_of(core)
    rank = {name: i for i, name in enumerate(layers)}
    bad = []
    graph = {}
    files = list(sources(core, layers))
    known = {"%s/%s" % (d, f) for d, f in files}
    for d, f in files:
        path = os.path.join(core, d, f)
        if d not in rank:
            bad.append("%s: folder %s is not on core/README.md's layers line" % (path, d))
            continue
        me = "%s/%s" % (d, f.rsplit(".", 1)[0])
        lines = open(path, encoding="utf-8").read().split("\n")
        if f.endswith(".c") and len(lines) - 1 > (max_lines or 800):
            long_files.append("%s: %d lines" % (path, len(lines) - 1))
            if max_lines:
                bad.append("%s: %d lines, over %d" % (path, len(lines) - 1, max_lines))
        for n, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            where = "%s:%d" % (path, n)
            if inc.startswith("salvo/"):
                continue
            if "/" not in inc:
                bad.append('%s: "%s" names no folder' % (where, inc))
                continue
            folder = inc.split("/", 1)[0]
            if inc not in known or folder not in rank:
                bad.append('%s: "%s" is no header of core/' % (where, inc))
                continue
            if rank[folder] > rank[d]:
                bad.append('%s: %s (%s) includes "%s" from the higher %s'
                           % (where, f, d, inc, folder))
            other = inc.rsplit(".", 1)[0]
            if other != me:
                graph.setdefault(me, set()).add(other)
    circle = cycle(graph)
    if circle:
        bad.append("modules include one another in a circle: " + " -> ".join(circle))
    for b in bad:
        print(b)
    if bad:
        return 1
    mods = {"%s/%s" % (d, f.rsplit(".", 1)[0]) for d, f in files}
    print("layers: %d modules in %d folders (%s), %d arrows, none upward, no circle"
          % (len(mods), len(layers), " < ".join(layers), sum(len(v) for v in graph.values())))
    for f in long_files:
        print("over 800 lines: " + f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
