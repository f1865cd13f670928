// scxmc: the command-line front end.
//
// Exit status: 0 all invariants hold (check: on the requested configuration,
// exhausted, none only vacuously unless --allow-vacuous; replay: violation
// confirmed); 1 a violation (replay: not confirmed); 2 bad usage or input;
// 3 a resource limit, a signal or memory exhaustion stopped the search, or a
// vacuous "holds" (reported as incomplete).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <thread>
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "atomic_file.hpp"
#include "interrupt.hpp"
#include "map_patch.hpp"
#include "checker.hpp"
#include "cli_args.hpp"
#include "cost_order.hpp"
#include "prove_cmd.hpp"
#include "format.hpp"
#include "replay.hpp"
#include "report.hpp"
#include "review.hpp"
#include "review_ladder.hpp"
#include "rung_lift.hpp"
#include "sites.hpp"
#include "validate_cli.hpp"
#include "variants.hpp"

using namespace scxmc;

namespace scxmc {
int cmdLocks(const std::vector<std::string>& args);  // locks_cmd.cpp
}

namespace {

constexpr int kExitOk = 0, kExitViolation = 1, kExitUsage = 2, kExitIncomplete = 3;
constexpr const char* kVersion = "scxmc 0.1 (model of Linux 7.3.4 kernel/sched/ext)";

const char* kMainHelp =
    "usage: scxmc <command> [options]\n"
    "\n"
    "A model checker for the invariants of Linux's sched_ext core (7.3.4).\n"
    "\n"
    "commands:\n"
    "  check       explore every interleaving within bounds and check the invariants\n"
    "  replay      re-execute a saved counterexample and confirm its violation\n"
    "  map-patch   map a kernel patch's hunks to the model's functions, sites and variant hooks\n"
    "  review      compare variants with a base: invariant matrix, counterexamples, behaviour diff\n"
    "  invariants  list the invariants with their ids\n"
    "  policies    list the BPF policy presets\n"
    "  variants    list the model variants\n"
    "  sources     print the model-to-source table (kernel function, file:line)\n"
    "  locks       the lock-order graph over every execution, with cycle splats\n"
    "  record      record a trace from the real 7.3.4 kernel under qemu (kernel-bindings/record.sh)\n"
    "  validate    replay recorded kernel traces against the model (docs/validation.md)\n"
    "  prove       prove custody, deq-flags, opss, dsq for all sizes with Z3 (proofs/)\n"
    "\n"
    "Run 'scxmc <command> --help' for a command's options.\n"
    "exit status: 0 all hold, 1 violation, 2 bad usage or input, 3 incomplete (limit hit, signal,\n"
    "out of memory, or an invariant that holds only vacuously)\n";

const char* kCheckHelp =
    "usage: scxmc check [options]\n"
    "\n"
    "Breadth-first search of every interleaving of CPUs, task events and BPF decisions.\n"
    "Prints per invariant holds / violated with the shortest counterexample.\n"
    "\n"
    "Cheapest first: the configurations with the requested CPUs and fewer tasks and user DSQs\n"
    "are searched first (fewest tasks, then fewest DSQs), the requested one last, each printed\n"
    "as soon as it is decided.  A verdict on a smaller configuration is about it only, except\n"
    "a violation: its counterexample is replayed on the requested configuration and reported\n"
    "(and saved) as that configuration's, and the invariant is not searched again.  The\n"
    "summary at the end gives, per invariant, the largest configuration where it was decided.\n"
    "--time-limit and --max-memory are for the whole run: the smaller configurations get at\n"
    "most half of the time limit together (each at most --ladder-time), the requested one the\n"
    "rest; the memory limit is compared with the resident memory now (after the memory an\n"
    "earlier configuration freed is returned): a smaller configuration stops when it exceeds\n"
    "half the limit, the requested one when it exceeds the limit.  --max-depth and --max-states\n"
    "bound only the requested configuration.  SIGINT/SIGTERM end the whole run (INCOMPLETE:\n"
    "interrupted).\n"
    "Exit status: 0 the requested configuration exhausted, every invariant holds and none only\n"
    "vacuously (or --allow-vacuous), 1 a violation (replayed on the requested configuration),\n"
    "2 bad usage, 3 otherwise (incomplete, interrupted, out of memory, or vacuous).\n"
    "\n"
    "  --tasks N             tasks (1..4, default 3)\n"
    "  --cpus N              CPUs (1..3, default 2)\n"
    "  --user-dsqs N         user DSQs the BPF scheduler created (0..3, default 2)\n"
    "  --policy SPEC         BPF scheduler choices: a preset (see 'scxmc policies') optionally\n"
    "                        followed by ':key=v1|v2,...' (default full)\n"
    "  --variant NAME        model variant (default linux-7.3.4; see 'scxmc variants')\n"
    "  --invariants LIST     comma-separated ids or 'all' (default all; see 'scxmc invariants')\n"
    "  --env LIST            environment events: wake,sleep,nice,affinity,tick or 'all' (default all)\n"
    "  --dispatch-actions N  kfunc calls per ops.dispatch (0..3, default 2)\n"
    "  --dispatch-loops N    ops.dispatch rounds per pick before the kernel's loop cut; 0: any\n"
    "                        number, the cut possible after each round (default 0)\n"
    "  --max-depth N         do not expand states deeper than N steps (result: incomplete)\n"
    "  --max-states N        stop after N states (result: incomplete)\n"
    "  --max-memory MIB      stop when the resident memory now (not the peak) exceeds MIB: a\n"
    "                        smaller configuration at MIB/2, the requested one at MIB (default\n"
    "                        8192; 0 = no limit)\n"
    "  --time-limit SEC      stop after SEC seconds in all (default 600; 0 = no limit)\n"
    "  --stop-at-first       stop at the first violation (the first replayed on the requested\n"
    "                        configuration, when found on a smaller one)\n"
    "  --ladder-time SEC     at most SEC seconds for each smaller configuration (default 60;\n"
    "                        0 = none: as --no-ladder)\n"
    "  --no-ladder           search only the requested configuration (benchmarks, scripts)\n"
    "  --no-symmetry         store every state as reached: no renaming of tasks, CPUs and DSQs,\n"
    "                        no dead-field normalization\n"
    "  --no-tree-store       store each state as its parts' indices (4 bytes a part) instead of\n"
    "                        the tree of them (8 bytes a state); for measurements, same results\n"
    "  --lifecycle           add the scheduler's enable/disable cycle, bypass, cgroup moves and\n"
    "                        DSQ destruction, concurrent with the tasks (off: unchanged state space)\n"
    "  --fork-tasks N        with --lifecycle: the last N tasks are created by forks\n"
    "  --cycles N            with --lifecycle: N enable/disable cycles (1..3, default 1)\n"
    "  --task-death          with --lifecycle: running tasks may exit (TASK_DEAD .. sched_ext_dead)\n"
    "  --switch-runnable     with --lifecycle: sched_setscheduler moves a runnable ext task that is not\n"
    "                        running to fair (dequeue_task_scx, switched_from_scx; core.c:11259), and\n"
    "                        back as before (off: unchanged state space)\n"
    "  --switch-during-walks with --lifecycle: each task has a policy apart from its class, and\n"
    "                        sched_setscheduler follows task_should_scx (ext.c:5733) in every root\n"
    "                        state, also while the enable's or the disable's task walk runs; the\n"
    "                        enable leaves a task of another policy on fair (off: unchanged)\n"
    "  --destroy-dsqs        with --lifecycle: scx_bpf_destroy_dsq invalidates the DSQ (later lookups\n"
    "                        miss it, an insert in flight meets SCX_DSQ_INVALID, ext.c:1628)\n"
    "  --sub-scheds N        with --lifecycle: N child schedulers bound to cgroups (0..1; default 0,\n"
    "                        off: unchanged state space; docs/sub-sched.md)\n"
    "  --sub-migrations      with --sub-scheds 1: cgroup.procs writes move tasks between the root's\n"
    "                        cgroup and the child's (cgroup_migrate_execute, the notifier's\n"
    "                        scx_cgroup_task_migrating/_migrated/_migrate_canceled, sub.c:2036;\n"
    "                        off: unchanged state space)\n"
    "  --sub-fail-parent     with --sub-scheds 1: the root's ops.init_task may fail in the child's\n"
    "                        disable; scx_fail_parent errors the root, bypasses it and punts the\n"
    "                        child's tasks to it in SCX_TASK_NONE (sub.c:1291; off: unchanged)\n"
    "  --sub-enable-fail     with --sub-scheds 1: the child's ops.init_task may fail in its enable;\n"
    "                        the abort path cancels the child's inits, errors the child and runs\n"
    "                        its disable (sub.c:1993-2023; off: unchanged state space)\n"
    "  --sub-early-fail      with --sub-scheds 1: the child's enable may fail before its task loops:\n"
    "                        its ops.init, the root's ops.sub_attach or its ops.cgroup_init in the\n"
    "                        subtree claim returns an error; the child errors and its disable\n"
    "                        unlinks it (sub.c:1812-1831, 1369; off: unchanged state space)\n"
    "  --sub-cgroup-all      with --sub-scheds 1: every task starts in the child's cgroup (default:\n"
    "                        tasks 0 and 2; 1 and 3 start in the root's)\n"
    "  --balance-callbacks   rq->scx.flags and the three ways deferred work runs (wakeup hook,\n"
    "                        balance callback, irq_work; ext.c:1050) with rq_pin_lock's check\n"
    "                        (sched.h:1941) at every rq lock (off: unchanged state space)\n"
    "  --kicks               scx_bpf_kick_cpu from ops.enqueue/ops.dispatch on a CPU (plain, PREEMPT,\n"
    "                        WAIT), the hardirq kick_cpus_irq_workfn and SCX_KICK_WAIT's\n"
    "                        kick_sync_wait_bal_cb (ext.c:8756, 3277; off: unchanged state space)\n"
    "  --kick-flags LIST     with --kicks: the flag sets BPF may pass, from plain, preempt, wait,\n"
    "                        preempt-wait (default all; a bound, printed with the figure)\n"
    "  --nmi                 with --lifecycle: the hardlockup NMI (scx_hardlockup ext.c:5911) claims\n"
    "                        the root's exit lock-free, in NMI context; a state where only it can\n"
    "                        move is still a deadlock (off: unchanged state space)\n"
    "  --json FILE           write the whole result, counterexamples included, as JSON\n"
    "  --trace-all           show every event of a counterexample, not only the salient ones\n"
    "  --allow-vacuous       exit 0 even when an invariant holds only vacuously (nothing that\n"
    "                        exercises it happened in the whole search; docs/reliability.md)\n"
    "  --progress            to stderr, at most every few seconds: the configuration being\n"
    "                        searched, its depth, states, states/s, resident memory, an estimate\n"
    "                        of the remaining levels once they shrink, the configurations decided\n"
    "  --threads N           expanding threads (default: the number of CPUs, at most 8); the\n"
    "                        result, counterexamples included, does not depend on it\n";

const char* kReplayHelp =
    "usage: scxmc replay FILE [--invariant ID]\n"
    "\n"
    "Re-executes the counterexample saved in FILE (written by 'scxmc check --json') step by\n"
    "step against the model and confirms that its last step violates the invariant.\n"
    "exit status: 0 confirmed, 1 not confirmed, 2 unreadable or malformed file\n";

int usage(const std::string& msg) {
  std::cerr << "scxmc: " << msg << "\n(see 'scxmc --help')\n";
  return kExitUsage;
}

int cmdCheck(const std::vector<std::string>& args) {
  Config cfg;
  Limits lim;
  lim.max_memory_mib = 8192;
  lim.time_limit_s = 600;
  lim.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  std::string json_path, inv_spec = "all", variant = "linux-7.3.4";
  bool trace_all = false, progress = false, ladder = true, json_set = false, allow_vacuous = false;
  double ladder_time_s = 60;
  std::string err;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") { std::cout << kCheckHelp; return kExitOk; }
    auto val = [&](std::string* v) {
      if (i + 1 >= args.size()) { err = a + " needs a value"; return false; }
      *v = args[++i];
      return true;
    };
    std::string v;
    long n;
    if (const int sl = parseSliceOption(args, &i, &cfg, &err); sl != 0) {
      if (sl < 0) return usage(err);
    } else if (a == "--tasks" || a == "--cpus" || a == "--user-dsqs" || a == "--dispatch-actions" || a == "--dispatch-loops") {
      if (!val(&v) || !parseIntArg(a, v, 0, 1000, &n, &err)) return usage(err);
      if (a == "--tasks") cfg.tasks = static_cast<int>(n);
      else if (a == "--cpus") cfg.cpus = static_cast<int>(n);
      else if (a == "--user-dsqs") cfg.user_dsqs = static_cast<int>(n);
      else if (a == "--dispatch-actions") cfg.dispatch_actions = static_cast<int>(n);
      else cfg.dispatch_loops = static_cast<int>(n);
    } else if (a == "--policy") {
      if (!val(&v)) return usage(err);
      if (!Policy::parse(v, &cfg.policy, &err)) return usage("--policy: " + err);
    } else if (a == "--variant") {
      if (!val(&variant)) return usage(err);
    } else if (a == "--invariants") {
      if (!val(&inv_spec)) return usage(err);
    } else if (a == "--env") {
      if (!val(&v) || !parseEnvList(v, &cfg.env, &err)) return usage(err);
    } else if (a == "--max-depth") {
      if (!val(&v) || !parseIntArg(a, v, 1, 1000000, &n, &err)) return usage(err);
      lim.max_depth = static_cast<int>(n);
    } else if (a == "--max-states") {
      if (!val(&v) || !parseIntArg(a, v, 1, 4000000000L, &n, &err)) return usage(err);
      lim.max_states = static_cast<uint64_t>(n);
    } else if (a == "--max-memory") {
      if (!val(&v) || !parseIntArg(a, v, 0, 1L << 24, &n, &err)) return usage(err);
      lim.max_memory_mib = static_cast<uint64_t>(n);
    } else if (a == "--time-limit") {
      if (!val(&v) || !parseIntArg(a, v, 0, 1L << 30, &n, &err)) return usage(err);
      lim.time_limit_s = static_cast<double>(n);
    } else if (a == "--stop-at-first") {
      lim.stop_at_first = true;
    } else if (a == "--ladder-time") {
      if (!val(&v) || !parseIntArg(a, v, 0, 1L << 20, &n, &err)) return usage(err);
      ladder_time_s = static_cast<double>(n);
    } else if (a == "--no-ladder") {
      ladder = false;
    } else if (a == "--no-symmetry") {
      lim.symmetry = false;
    } else if (a == "--no-tree-store") {
      lim.tree_store = false;
    } else if (a == "--json") {
      if (!val(&json_path)) return usage(err);
      json_set = true;
    } else if (a == "--trace-all") {
      trace_all = true;
    } else if (a == "--allow-vacuous") {
      allow_vacuous = true;
    } else if (a == "--progress") {
      progress = true;
    } else if (a == "--threads") {
      if (!val(&v) || !parseIntArg(a, v, 1, 64, &n, &err)) return usage(err);
      lim.threads = static_cast<int>(n);
    } else {
      return usage("check: unknown option '" + a + "'");
    }
  }
  const std::string bad = cfg.validate();
  if (!bad.empty()) return usage(bad);
  InvariantList invs;
  if (!selectInvariants(inv_spec, &invs, &err)) return usage("--invariants: " + err);
  auto model = makeModel(variant, cfg);
  if (!model) return usage("--variant: unknown variant '" + variant + "' (see 'scxmc variants')");
  if (const std::string b = model->config().validate(); !b.empty()) return usage(b);  // what the variant implies

  // A bad output path fails before any search, the smaller configurations'
  // included (support/atomic_file.hpp).
  if (json_set)
    if (const std::string e = support::checkWritable(json_path); !e.empty()) return usage("--json: " + e);
  // Cheapest first: the smaller configurations with the same CPUs, then the
  // requested one, within one budget (harness/cost_order.hpp).
  CostOrderOptions co;
  co.variant = variant;
  co.invariants = inv_spec;
  co.limits = lim;
  co.rung_time_s = ladder_time_s;
  co.ladder = ladder;
  co.progress = progress;
  co.trace_all = trace_all;
  co.allow_vacuous = allow_vacuous;
  const CostOrderOutcome r = checkCheapestFirst(*model, co, std::cout, std::cerr);
  if (json_set) {
    if (const std::string e = support::writeFileAtomic(json_path, r.json.dump(2) + "\n"); !e.empty()) {
      std::cerr << "scxmc: --json: " << e << "\n";
      return kExitUsage;
    }
  }
  return r.exit;
}

int cmdReplay(const std::vector<std::string>& args) {
  std::string file, inv;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") { std::cout << kReplayHelp; return kExitOk; }
    if (args[i] == "--invariant") {
      if (i + 1 >= args.size()) return usage("--invariant needs a value");
      inv = args[++i];
    } else if (!args[i].empty() && args[i][0] == '-') {
      return usage("replay: unknown option '" + args[i] + "'");
    } else if (file.empty()) {
      file = args[i];
    } else {
      return usage("replay takes one FILE");
    }
  }
  if (file.empty()) return usage("replay: FILE is required");
  nlohmann::json doc;
  std::string err;
  if (!readJsonFile(file, &doc, &err)) return usage("replay: " + err);
  ReplayOutcome o;
  try {
    o = replayCounterexample(doc, inv, &std::cout);
  } catch (const nlohmann::json::exception& e) {  // a type the checks above missed: still bad input
    return usage("replay: " + file + ": " + e.what());
  }
  if (!o.input_ok) return usage("replay: " + file + ": " + o.error);
  if (o.confirmed) {
    std::cout << "confirmed: " << o.invariant << " is violated after " << o.steps << " steps: " << o.message << "\n";
    return kExitOk;
  }
  std::cout << "NOT confirmed: " << o.error << "\n";
  return kExitViolation;
}

// record: the real-kernel recorder lives in kernel-bindings/ (shell + BPF);
// this verb runs its driver with the given arguments.
int cmdRecord(const std::vector<std::string>& args) {
  const std::string script = std::string(SCXMC_SOURCE_DIR) + "/kernel-bindings/record.sh";
  std::vector<char*> argv;
  std::string sh = "bash";
  argv.push_back(sh.data());
  std::string sc = script;
  argv.push_back(sc.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execvp("bash", argv.data());
  std::cerr << "scxmc: record: cannot run " << script << "\n";
  return kExitUsage;
}

int cmdSources(const std::vector<std::string>& args) {
  const std::string fmt = args.empty() ? "" : args[0];
  if (fmt == "--help" || fmt == "-h") {
    std::cout << "usage: scxmc sources [--json|--markdown]\n"
                 "  the model-to-source table: every kernel site a model step stands for\n";
    return kExitOk;
  }
  if (args.size() > 1 || (!fmt.empty() && fmt != "--json" && fmt != "--markdown"))
    return usage("sources: unknown option '" + fmt + "'");
  nlohmann::json arr = nlohmann::json::array();
  if (fmt == "--markdown")
    std::cout << "| kernel function | location (Linux 7.3.4) | what the model does there |\n|---|---|---|\n";
  for (int i = 0; i < siteCount(); ++i) {
    const SiteInfo& s = siteInfo(static_cast<Site>(i));
    if (fmt == "--json") {
      arr.push_back({{"id", s.id}, {"function", s.function}, {"file", s.file}, {"line", s.line}, {"model", s.what}});
    } else if (fmt == "--markdown") {
      std::cout << "| `" << s.function << "` | " << s.file << ":" << s.line << " | " << s.what << " |\n";
    } else {
      std::cout << s.function << "  " << s.file << ":" << s.line << "  " << s.what << "\n";
    }
  }
  if (fmt == "--json") std::cout << arr.dump(2) << "\n";
  return kExitOk;
}

int cmdList(const std::string& what, const std::vector<std::string>& args) {
  if (!args.empty() && args[0] != "--help" && args[0] != "-h") return usage(what + ": takes no arguments");
  if (!args.empty()) {
    std::cout << "usage: scxmc " << what << "\n";
    return kExitOk;
  }
  if (what == "invariants") {
    for (const auto& i : allInvariants()) std::cout << i->id() << ": " << i->statement() << "\n";
  } else if (what == "policies") {
    std::cout << Policy::presetHelp()
              << "\ncustom: PRESET:key=v1|v2,... with keys select, enqueue, dispatch, stale, user-dsqs\n";
  } else {
    for (const auto& v : variants())
      std::cout << v.name << ": " << v.what << (v.touches == "-" ? "" : " [touches " + v.touches + "]") << "\n";
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kMainHelp;
    return kExitUsage;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kMainHelp;
    return kExitOk;
  }
  if (cmd == "--version") {
    std::cout << kVersion << "\n";
    return kExitOk;
  }
  // SIGINT/SIGTERM: the searches stop at the next state boundary and report
  // INCOMPLETE (exit 3); a second signal ends the process at once
  // (support/interrupt.hpp).  `record` execs bash, which resets them.
  support::installInterruptHandlers();
  // Memory exhaustion outside a search's own handling (counterexample
  // reconstruction, output): INCOMPLETE, never an abort.  Output files are
  // written atomically, so their temporaries are gone by now.
  try {
    if (cmd == "check") return cmdCheck(args);
    if (cmd == "replay") return cmdReplay(args);
    if (cmd == "review") return reviewMain(args);
    if (cmd == "map-patch") return mapPatchMain(args);
    if (cmd == "locks") return cmdLocks(args);
    if (cmd == "sources") return cmdSources(args);
    if (cmd == "record") return cmdRecord(args);
    if (cmd == "validate") return scxmc::validate::validateMain(args);
    if (cmd == "prove") return cmdProve(args);
    if (cmd == "invariants" || cmd == "policies" || cmd == "variants") return cmdList(cmd, args);
  } catch (const std::bad_alloc&) {
    std::cout.flush();
    std::fputs("\nINCOMPLETE: out of memory (std::bad_alloc); nothing is claimed to hold\n", stdout);
    std::fflush(stdout);
    return kExitIncomplete;
  }
  return usage("unknown command '" + cmd + "'");
}
