#!/usr/bin/env python3
"""Fidelity check for variants: every 7.3.4 line a variant says it touches
(`scxmc variants`: "[touches ext.c:LINE function, core.c:LINE function, ...]") names a function
that appears within a few lines of it, or encloses it, in the reference tree."""
import os, re, subprocess, sys

scxmc, ref = sys.argv[1], sys.argv[2]
if not os.path.isdir(ref):
    print(f"SKIP: reference tree {ref} not present")
    sys.exit(0)
files = {f: open(os.path.join(ref, p), errors="replace").read().split("\n")
         for f, p in (("ext.c", "kernel/sched/ext/ext.c"), ("core.c", "kernel/sched/core.c"),
                     ("sub.c", "kernel/sched/ext/sub.c"))}
bad = n = 0
for line in subprocess.check_output([scxmc, "variants"], text=True).splitlines():
    m = re.search(r"\[touches (.*)\]$", line)
    if not m:
        continue
    name = line.split(":")[0]
    for cite in m.group(1).split(", "):
        c = re.fullmatch(r"(ext\.c|core\.c|sub\.c):(\d+) (\w+)", cite)
        ok = False
        if c:
            src, ln, fn = files[c.group(1)], int(c.group(2)), c.group(3)
            near = "\n".join(src[max(0, ln - 4):ln + 3])
            above = "\n".join(src[max(0, ln - 400):ln])
            ok = fn in near or re.search(r"^\w.*\b" + fn + r"\(", above, re.M) is not None
        n += 1
        bad += not ok
        print(("ok  " if ok else "BAD ") + f"{name}: {cite}")
print(f"{n - bad} passed, {bad} failed")
sys.exit(1 if bad or n == 0 else 0)
