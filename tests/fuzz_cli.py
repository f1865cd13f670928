#!/usr/bin/env python3
"""Deterministic mutation test of scxmc's input readers (issue 20).

Seeded byte flips, truncations and header edits of the golden traces
(`scxmc validate`), and edits of a counterexample JSON (`scxmc replay`):
every run must exit with 0, 1, 2 or 3 -- never a signal (abort, segfault),
never a hang -- within a memory cap (RLIMIT_AS) and a time cap per input.

usage: fuzz_cli.py SCXMC GOLDEN_DIR [--seed N] [--traces N] [--replays N] [--jobs N]
"""
import argparse
import concurrent.futures
import json
import os
import random
import resource
import struct
import subprocess
import sys
import tempfile
import time

MEM_CAP = 3 << 30      # bytes of address space per input (RLIMIT_AS)
TIME_CAP = 60          # seconds per input (a hang fails the test)
OK_CODES = {0, 1, 2, 3}


def limit():
    if MEM_CAP:
        resource.setrlimit(resource.RLIMIT_AS, (MEM_CAP, MEM_CAP))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


# A sanitizer report must not pass as exit status 1 (a verdict): 86.
ENV = dict(os.environ, ASAN_OPTIONS="exitcode=86:detect_leaks=1", UBSAN_OPTIONS="halt_on_error=1:exitcode=86:print_stacktrace=1")


def run(args):
    t0 = time.monotonic()
    try:
        p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=TIME_CAP,
                           preexec_fn=limit, env=ENV)
    except subprocess.TimeoutExpired:
        return ("timeout", time.monotonic() - t0, b"")
    return (p.returncode, time.monotonic() - t0, p.stderr[-400:])


def mutate_trace(rng, data):
    d = bytearray(data)
    kind = rng.randrange(6)
    if kind == 0:  # byte flips anywhere
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(d))
            d[i] ^= 1 << rng.randrange(8)
        what = "flip"
    elif kind == 1:  # truncation
        d = d[:rng.randrange(len(d))]
        what = "truncate"
    elif kind == 2:  # a header field set to an edge value
        off, size = rng.choice([(8, 2), (10, 2), (12, 2), (14, 2), (16, 4), (20, 4), (24, 8), (32, 1), (63, 1)])
        v = rng.choice([0, 1, 2, 3, 4, 5, 255, 4096, 4097, (1 << (8 * size)) - 1, rng.getrandbits(8 * size)])
        d[off:off + size] = (v % (1 << (8 * size))).to_bytes(size, "little")
        what = "header@%d=%d" % (off, v)
    elif kind == 3:  # one record field set to an edge value
        n = (len(d) - 64) // 64
        if n <= 0:
            return bytes(d), "empty"
        r = 64 + 64 * rng.randrange(n)
        off, size = rng.choice([(0, 8), (8, 8), (16, 2), (18, 2), (20, 4), (24, 8), (32, 8), (40, 8), (48, 8), (56, 8)])
        v = rng.choice([0, 1, 2, 3, 0xffff, 0xffffffff, (1 << 63), (1 << 64) - 1, rng.getrandbits(8 * size)])
        d[r + off:r + off + size] = (v % (1 << (8 * size))).to_bytes(size, "little")
        what = "record@%d+%d=%d" % (r, off, v)
    elif kind == 4:  # records duplicated or swapped
        n = (len(d) - 64) // 64
        if n < 2:
            return bytes(d), "short"
        a, b = 64 + 64 * rng.randrange(n), 64 + 64 * rng.randrange(n)
        if rng.random() < 0.5:
            d[a:a + 64], d[b:b + 64] = d[b:b + 64], d[a:a + 64]
            what = "swap"
        else:
            d[a:a + 64] = d[b:b + 64]
            what = "dup"
    else:  # garbage appended or a prefix of the header only
        if rng.random() < 0.5:
            d += bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 130)))
            what = "append"
        else:
            d = d[:rng.randint(0, 64)]
            what = "header-prefix"
    return bytes(d), what


WEIRD = [None, True, False, 0, -1, 1, 2, 3, 255, 256, 65536, 2**31 - 1, 2**31, 2**32 + 2, 2**63 - 1,
         2**64 - 1, -2**63, 1.5, float("1e308"), "", "x", "1", "+1", " 1", "0:0", "1:", ":", "9999:1", "1:0.",
         "1:0..1", [], [1], {}, {"a": 1}]


def paths(o, prefix=()):
    yield prefix
    if isinstance(o, dict):
        for k, v in o.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o[:6]):
            yield from paths(v, prefix + (i,))


def mutate_json(rng, doc, text):
    kind = rng.randrange(4)
    if kind == 3:  # text-level: truncation or a flipped byte
        b = bytearray(text.encode())
        if rng.random() < 0.5:
            return bytes(b[:rng.randrange(len(b))]), "truncate"
        i = rng.randrange(len(b))
        b[i] = rng.randrange(32, 127)
        return bytes(b), "byte"
    d = json.loads(text)
    ps = [p for p in paths(d) if p]
    p = rng.choice(ps)
    parent = d
    for k in p[:-1]:
        parent = parent[k]
    if kind == 0:
        parent[p[-1]] = rng.choice(WEIRD)
        what = "set %s" % (p,)
    elif kind == 1:
        if isinstance(parent, dict):
            del parent[p[-1]]
        else:
            parent.pop(p[-1])
        what = "delete %s" % (p,)
    else:  # a whole subtree moved elsewhere
        q = rng.choice(ps)
        src = d
        for k in q:
            src = src[k]
        parent[p[-1]] = json.loads(json.dumps(src))
        what = "copy %s <- %s" % (p, q)
    return json.dumps(d).encode(), what


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scxmc")
    ap.add_argument("golden")
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--traces", type=int, default=250)
    ap.add_argument("--replays", type=int, default=2250)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    global MEM_CAP, TIME_CAP
    if b"__asan_init" in open(a.scxmc, "rb").read():
        MEM_CAP, TIME_CAP = None, 300  # ASan reserves terabytes of address space; and runs slower
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="scxmc-fuzz-")
    jobs = []  # (description, args)
    goldens = [os.path.join(a.golden, g) for g in ("simple.bin", "central.bin", "rec-seed3.bin")]
    for k in range(a.traces):
        g = goldens[k % len(goldens)]
        data, what = mutate_trace(rng, open(g, "rb").read())
        f = os.path.join(tmp, "t%05d.bin" % k)
        open(f, "wb").write(data)
        jobs.append(("validate %s %s" % (os.path.basename(g), what),
                     [a.scxmc, "validate", f, "--time-limit", "20", "--max-memory", "1024"]))
    # a counterexample to edit: dequeue-legacy's custody violation (replays)
    base = os.path.join(tmp, "base.json")
    r = subprocess.run([a.scxmc, "check", "--variant", "dequeue-legacy", "--tasks", "1", "--cpus", "2",
                        "--user-dsqs", "1", "--stop-at-first", "--ladder-time", "0", "--json", base],
                       stdout=subprocess.DEVNULL)
    if r.returncode != 1:
        print("fuzz: could not make the base counterexample (exit %d)" % r.returncode)
        return 1
    text = open(base).read()
    doc = json.loads(text)
    for k in range(a.replays):
        data, what = mutate_json(rng, doc, text)
        f = os.path.join(tmp, "r%05d.json" % k)
        open(f, "wb").write(data)
        verb = [a.scxmc, "replay", f] if k % 10 else [a.scxmc, "locks", "--replay", f]
        jobs.append(("%s %s" % (" ".join(verb[1:-1]), what), verb))
    t0 = time.monotonic()
    bad = []
    codes = {}
    slowest = (0, "")
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for (desc, args), (rc, secs, err) in zip(jobs, ex.map(lambda j: run(j[1]), jobs)):
            codes[rc] = codes.get(rc, 0) + 1
            if secs > slowest[0]:
                slowest = (secs, desc)
            if rc not in OK_CODES:
                bad.append((desc, args[-1], rc, err.decode(errors="replace")))
    total = time.monotonic() - t0
    print("fuzz: %d inputs (%d traces, %d JSON), seed %d, %.1f s, exit codes %s, slowest %.2f s (%s)" %
          (len(jobs), a.traces, a.replays, a.seed, total,
           " ".join("%s:%d" % (k, v) for k, v in sorted(codes.items(), key=str)), slowest[0], slowest[1]))
    for desc, f, rc, err in bad[:20]:
        print("FAIL %s: %s -> %s\n    %s" % (desc, f, "signal %d" % -rc if isinstance(rc, int) else rc,
                                             err.strip().replace("\n", "\n    ")))
    if bad:
        print("fuzz: %d of %d inputs failed; inputs kept in %s" % (len(bad), len(jobs), tmp))
        return 1
    subprocess.run(["rm", "-rf", tmp])
    return 0


if __name__ == "__main__":
    sys.exit(main())
