#!/usr/bin/env python3
"""The kernel's WARN/BUG/lockdep/scx_error catalogue for the modeled paths.

Lists every WARN_ON, WARN_ON_ONCE, WARN_ONCE, WARN, BUG, BUG_ON,
SCHED_WARN_ON, lockdep_assert_* and scx_error / scx_kf_error / error-kind
scx_exit call inside the Linux 7.3.4 functions the model stands for, and
compares it with tests/warn_catalogue.tsv, which says for every entry how
the model treats it (docs/warn-catalogue.md).

  warn_catalogue.py --list  SRC_ROOT MODEL_DIR   print the generated list (TSV)
  warn_catalogue.py --check SRC_ROOT MODEL_DIR   compare with the committed TSV

The function set: every distinct `function` of model/sites.hpp, plus the
functions below that model/ext_core.hpp and the model's comments document as
modeled, plus the small helpers the model performs inline (EXTRA).  Each
function's body is found by parsing: a line that starts a definition and
names the function, the balanced parameter list, then the brace-matched
body (comments and string literals are blanked first, so neither a brace
nor a macro name inside them counts).  Every definition counts (#ifdef
alternatives such as the two rq_set_donor bodies)."""
import os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TSV = os.path.join(HERE, "warn_catalogue.tsv")

# The files searched for definitions (relative to SRC_ROOT).
FILES = ["kernel/sched/ext/ext.c", "kernel/sched/ext/internal.h", "kernel/sched/ext/inlines.h",
         "kernel/sched/ext/idle.c", "kernel/sched/ext/sub.c", "kernel/sched/core.c",
         "kernel/sched/sched.h", "kernel/sched/syscalls.c"]

# sites.hpp names that are not functions with a body of their own.
NOT_FUNCTIONS = {
    "scx_error",  # a macro (internal.h:2168): the catalogue lists its calls, it has no body
}

# Functions the model stands for beyond sites.hpp, and helpers it inlines.
# Each is decided by what the model does for it (the model function named).
EXTRA = [
    # documented in model/ext_core.hpp / model comments as modeled
    "destroy_dsq",                 # destroyDsq: scx_bpf_destroy_dsq -> destroy_dsq ext.c:5300
    "scx_bpf_dsq_insert",          # bpfDispatch Insert / selectTaskRq / doEnqueueTask: the kfunc
    "scx_bpf_dsq_insert___v2",     # ... its v2 form
    "scx_dsq_insert_preamble",     # ... the checks both forms make before commit/mark
    "scx_bpf_dsq_move",            # bpfDispatch DsqMove: the kfunc around scx_dsq_move
    "scx_bpf_dsq_move_to_local",   # bpfDispatch MoveToLocal: the v1 wrapper
    "reweight_task_scx",           # set_user_nice body: Ev::OpsSetWeight (environment.cpp)
    "set_cpus_allowed_scx",        # do_set_cpus_allowed body: Ev::OpsSetCpumask
    "run_deferred",                # task_woken_scx / CpuEv::Deferred -> process_ddsp_deferred_locals
    "assert_balance_callbacks_empty",  # lockRq with --balance-callbacks: rq_pin_lock's check (sched.h:1941)
    "scx_pre_fork",                # forkTask: percpu_down_read(&scx_fork_rwsem)
    "select_task_rq",              # restTask Wake: class callback only with >1 allowed CPU (core.c:3635)
    "ttwu_do_activate",            # restTask Wake: activate_task(ENQUEUE_WAKEUP)
    "enqueue_task",                # activate_task -> enqueue_task (core.c)
    "dequeue_task",                # deactivate_task / sched_change_begin -> dequeue_task (core.c)
    "put_prev_set_next_task",      # pickFinish: put_prev + set_next without a lock drop (sched.h)
    "scx_disable_task",            # switched_from_scx / disableTask / taskExit: ops.disable, READY
    "__scx_enable_task",           # scx_enable_task: ops.enable, ENABLED
    "__scx_disable_and_exit_task", # scx_disable_and_exit_task body: ops.exit_task
    # small helpers the model performs inline
    "clear_direct_dispatch",       # ddsp = kNone (dequeueTaskFinish, directDispatch, deferred)
    "scx_task_unlink_from_dsq",    # listDel (consumeDispatchQ, dsqMoveBetween, dispatchDequeue)
    "dsq_inc_nr",                  # listAdd: ++nr
    "dsq_dec_nr",                  # listDel: --nr
    "dsq_insert_head",             # listAdd(head=true): put_prev_task_scx's local head insert
    "set_task_runnable",           # enqueueTask: QUEUED (runnable_list is derived)
    "clr_task_runnable",           # dequeueTaskBegin: runnable_list is derived
    "wait_ops_state",              # the DISPATCHING spin pauses (DeqWait, *Wait pcs)
    "find_global_dsq",             # targetDsq GLOBAL
    "find_user_dsq",               # targetDsq User
    "scx_cpu_valid",               # targetDsq LOCAL_ON: ErrorKind::BadTarget
    "refill_task_slice_dfl",       # pickFinish: slice = 1
    "schedule_deferred_locked",    # directDispatch DeferRemoteLocal: dfq + CpuEv::Deferred
    "scx_rq_lock_drop",            # switchRqLock / returnHome: unlockRq
    "scx_set_task_state",          # setTaskState (lifecycle.cpp)
    "inc_bypass_depth",            # scxBypass: ++bypass_depth
    "dec_bypass_depth",            # scxBypass: --bypass_depth
    "set_task_cpu",                # setTaskCpu (core.c)
]

MACRO = re.compile(r"\b(WARN_ON_ONCE|WARN_ON|WARN_ONCE|WARN|BUG_ON|BUG|SCHED_WARN_ON|lockdep_assert\w*|"
                   r"scx_error|scx_kf_error|scx_exit|__scx_exit)\s*\(")
STATUS = re.compile(r"^(warn|error|lockdep|invariant|unreachable|missing):\S.*$")
COLUMNS = ["file", "line", "function", "macro", "condition", "status"]


def blank(text):
    """Comments and string/char literal contents replaced by spaces (newlines kept)."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif text[i] in "\"'":
            q, j = text[i], i + 1
            while j < n and text[j] != q and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            for k in range(i + 1, min(j, n)):
                out[k] = " "
            i = j + 1
        else:
            i += 1
    return "".join(out)


def match(s, i, open_, close):
    """Index of the bracket closing the one at s[i]."""
    depth = 0
    while i < len(s):
        if s[i] == open_:
            depth += 1
        elif s[i] == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced " + open_)


def definitions(sources, name):
    """(file, body_start, body_end) of every definition of `name`."""
    pat = re.compile(r"^(?:[A-Za-z_][^\n;=]*?\b)?" + re.escape(name) + r"\(", re.M)
    found = []
    for f, (text, s) in sources.items():
        for m in pat.finditer(s):
            i = match(s, m.end() - 1, "(", ")") + 1
            # after the parameters: attributes such as __acquires(x), then '{'
            while i < len(s) and s[i] not in "{;,=)":
                i = match(s, i, "(", ")") + 1 if s[i] == "(" else i + 1
            if i < len(s) and s[i] == "{":
                found.append((f, i, match(s, i, "{", "}")))
    return found


def model_functions(model_dir):
    names = []
    for m in re.finditer(r'^\s*X\(\w+,\s*"(\w+)"', open(os.path.join(model_dir, "sites.hpp")).read(), re.M):
        if m.group(1) not in names and m.group(1) not in NOT_FUNCTIONS:
            names.append(m.group(1))
    for n in EXTRA:
        if n not in names:
            names.append(n)
    return names


def generate(src_root, model_dir):
    """The catalogue: (file, line, function, macro, condition) sorted by file and line."""
    sources = {}
    for f in FILES:
        text = open(os.path.join(src_root, f), errors="replace").read()
        sources[f] = (text, blank(text))
    rows, missing = set(), []
    for name in model_functions(model_dir):
        defs = definitions(sources, name)
        if not defs:
            missing.append(name)
        for f, lo, hi in defs:
            text, s = sources[f]
            for m in MACRO.finditer(s, lo, hi):
                open_ = m.end() - 1
                close = match(s, open_, "(", ")")
                macro = m.group(1)
                # scx_exit() only when it ejects with an error kind
                if macro in ("scx_exit", "__scx_exit") and "SCX_EXIT_ERROR" not in s[open_:close]:
                    continue
                cond = " ".join(text[open_ + 1:close].split()).replace("\t", " ")
                rows.add((f.replace("kernel/sched/", ""), text.count("\n", 0, m.start()) + 1, name, macro, cond))
    return sorted(rows, key=lambda r: (r[0], r[1], r[3])), missing


def read_tsv(path):
    rows = []
    with open(path) as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != COLUMNS:
            raise SystemExit(f"{path}: header must be {COLUMNS}")
        for n, line in enumerate(fh, 2):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != len(COLUMNS):
                raise SystemExit(f"{path}:{n}: {len(cols)} columns, want {len(COLUMNS)}")
            rows.append((n, dict(zip(COLUMNS, cols))))
    return rows


def model_text(model_dir):
    """Model sources with comments and string literals blanked, per file."""
    out = {}
    for dirpath, _, files in os.walk(model_dir):
        if os.path.basename(dirpath) == "variants":
            continue  # the catalogue is about the 7.3.4 model, not the variants
        for f in files:
            if f.endswith((".cpp", ".hpp")):
                p = os.path.join(dirpath, f)
                out[p] = blank(open(p, errors="replace").read())
    return out


def enum_values(events_text, enum):
    m = re.search(r"enum class " + enum + r"\s*:\s*\w+\s*\{(.*?)\};", events_text, re.S)
    return [v.split("=")[0].strip() for v in m.group(1).split(",") if v.strip()]


def check(src_root, model_dir):
    if not os.path.isdir(src_root):
        print(f"SKIP: reference tree {src_root} not present")
        return 0
    bad = 0
    gen, undefined = generate(src_root, model_dir)
    for name in undefined:
        print(f"BAD  no definition found for modeled function {name}")
        bad += 1
    tsv = read_tsv(TSV)
    # (a) the kernel side: the committed rows are exactly the generated list
    want = [f"{r[0]}:{r[1]}\t{r[2]}\t{r[3]}" for r in gen]
    have = [f"{r['file']}:{r['line']}\t{r['function']}\t{r['macro']}" for _, r in tsv if r["file"] != "model"]
    if want != have:
        import difflib
        print("BAD  the catalogue differs from the kernel sources (- tsv, + generated):")
        for d in difflib.unified_diff(have, want, "warn_catalogue.tsv", "generated", lineterm="", n=0):
            print("     " + d)
        bad += 1
    # (b) the model side: every warn:/error: row is raised by the model
    texts = model_text(model_dir)
    events = blank(open(os.path.join(model_dir, "events.hpp")).read())
    warns, errors = enum_values(events, "Warn"), enum_values(events, "ErrorKind")
    raised_w = {m.group(1) for t in texts.values() for m in re.finditer(r"\bwarn\(\s*Warn::(\w+)", t)}
    raised_e = {m.group(1) for t in texts.values() for m in re.finditer(r"\bscxError\(\s*ErrorKind::(\w+)", t)}
    counts = {"warn": 0, "error": 0, "lockdep": 0, "invariant": 0, "unreachable": 0, "missing": 0}
    used_w, used_e = set(), set()
    for n, r in tsv:
        st = r["status"]
        if not STATUS.match(st):
            print(f"BAD  warn_catalogue.tsv:{n}: status {st!r} is not warn:/error:/lockdep:/invariant:/unreachable:/missing:<text>")
            bad += 1
            continue
        kind, what = st.split(":", 1)
        counts[kind] += 1
        if kind == "warn":
            used_w.add(what)
            if what not in warns:
                print(f"BAD  warn_catalogue.tsv:{n}: Warn::{what} is not an enumerator of events.hpp")
                bad += 1
            elif what not in raised_w:
                print(f"BAD  warn_catalogue.tsv:{n}: {r['file']}:{r['line']} {r['macro']} is catalogued as "
                      f"Warn::{what}, but the model has no warn(Warn::{what}, ...) call")
                bad += 1
        elif kind == "error":
            used_e.add(what)
            if what not in errors:
                print(f"BAD  warn_catalogue.tsv:{n}: ErrorKind::{what} is not an enumerator of events.hpp")
                bad += 1
            elif what not in raised_e:
                print(f"BAD  warn_catalogue.tsv:{n}: {r['file']}:{r['line']} {r['macro']} is catalogued as "
                      f"ErrorKind::{what}, but the model has no scxError(ErrorKind::{what}) call")
                bad += 1
    # (c) every Warn the model can raise stands for a catalogue row (model
    # assertions have rows with file `model`)
    for w in warns:
        if w != "None" and w not in used_w:
            print(f"BAD  Warn::{w} is referenced by no catalogue row (a model assertion needs a `model` row)")
            bad += 1
    # (Lockup, --nmi: handle_lockup's scx_vexit(SCX_EXIT_ERROR) from the
    # hardlockup NMI, ext.c:5810, is no scx_error/WARN macro site)
    for e in errors:
        if e not in ("None", "Warn", "Lockup") and e not in used_e:
            print(f"BAD  ErrorKind::{e} is referenced by no catalogue row")
            bad += 1
    print(f"catalogue: {len(tsv)} entries: {counts['warn']} modeled warn, {counts['error']} scx_error, "
          f"{counts['lockdep']} lockdep, {counts['invariant']} invariant, {counts['unreachable']} unreachable, {counts['missing']} missing")
    print("ok" if not bad else f"{bad} problem(s)")
    return 1 if bad else 0


def main(argv):
    if len(argv) != 4 or argv[1] not in ("--list", "--check"):
        print(__doc__.split("\n\n")[1] if "\n\n" in __doc__ else __doc__, file=sys.stderr)
        print("usage: warn_catalogue.py --list|--check SRC_ROOT MODEL_DIR", file=sys.stderr)
        return 2
    if argv[1] == "--list":
        rows, undefined = generate(argv[2], argv[3])
        print("\t".join(COLUMNS[:5]))
        for r in rows:
            print("\t".join(str(c) for c in r))
        for name in undefined:
            print(f"# no definition found: {name}", file=sys.stderr)
        return 0
    return check(argv[2], argv[3])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
