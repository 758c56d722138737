#!/usr/bin/python3 -S
"""peak.py PID: the peak resident memory (KB) of PID's descendants, summed,
sampled every 50 ms until PID ends; printed on exit.

Measuring must not take the CPU it measures: a shell loop of ps and awk
(three programs forked per sample) slowed a scan of two busy cores by a
quarter, and a walk over all of /proc every 50 ms by a sixth. So the
process tree is walked once a second (and every sample in the first
half second, while the tool starts its workers), and in between only the
descendants already known are read."""
import os
import sys
import time

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def stat_fields(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        s = f.read()
    # The name may hold spaces and parentheses: fields follow the last ')'.
    return s[s.rindex(b")") + 2:].split()


def descendants(root):
    parent = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                parent[int(name)] = int(stat_fields(name)[1])
            except (OSError, ValueError):
                pass
    found = []
    for pid in parent:
        q = parent[pid]
        while q > 1:
            if q == root:
                found.append(pid)
                break
            q = parent.get(q, 0)
    return found


def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE_KB
        except (OSError, ValueError, IndexError):
            pass
    return total


def main():
    root = int(sys.argv[1])
    peak, pids, walked, start = 0, [], 0.0, time.monotonic()
    while os.path.exists(f"/proc/{root}"):
        now = time.monotonic()
        if now - start < 0.5 or now - walked >= 1.0:
            pids, walked = descendants(root), now
        peak = max(peak, rss_kb(pids))
        time.sleep(0.05)
    print(peak)


main()
