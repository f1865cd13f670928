#!/usr/bin/env python3
"""Fidelity check: every kernel site the model cites (scxmc sources --json)
names a function that appears within a few lines of the cited file:line in
the Linux 7.3.4 reference tree (shared/reference/linux-7.3.4)."""
import json, os, subprocess, sys

scxmc, ref = sys.argv[1], sys.argv[2]
if not os.path.isdir(ref):
    print(f"SKIP: reference tree {ref} not present")
    sys.exit(0)
where = {"ext.c": "kernel/sched/ext/ext.c", "idle.c": "kernel/sched/ext/idle.c",
         "internal.h": "kernel/sched/ext/internal.h", "inlines.h": "kernel/sched/ext/inlines.h",
         "core.c": "kernel/sched/core.c", "syscalls.c": "kernel/sched/syscalls.c",
         "sub.c": "kernel/sched/ext/sub.c"}
sites = json.loads(subprocess.check_output([scxmc, "sources", "--json"]))
bad = 0
for s in sites:
    path = os.path.join(ref, where[s["file"]])
    lines = open(path, errors="replace").read().split("\n")
    lo, hi = max(0, s["line"] - 4), min(len(lines), s["line"] + 3)
    window = "\n".join(lines[lo:hi])
    # a function is named at its definition, its call, or (for a call site
    # inside it) somewhere in the enclosing function above the line
    ok = s["function"] in window
    if not ok:
        above = "\n".join(lines[max(0, s["line"] - 400):s["line"]])
        ok = (s["function"] + "(") in above and s["file"] in ("ext.c", "inlines.h", "sub.c")
    print(("ok  " if ok else "BAD ") + f'{s["id"]}: {s["function"]} {s["file"]}:{s["line"]}')
    bad += not ok
print(f"{len(sites) - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
