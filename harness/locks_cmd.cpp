// scxmc locks: the lock-order graph over every explored execution and its
// verdict, and lockdep's context checks (exit 0 acyclic and none, 1 a cycle
// or a lock-context report, 2 bad usage, 3 incomplete).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "lock_graph.hpp"
#include "cli_args.hpp"
#include "replay.hpp"
#include "variants.hpp"
#include "atomic_file.hpp"
#include "spawn.hpp"

namespace scxmc {

namespace {

constexpr int kOk = 0, kCycle = 1, kUsage = 2, kIncomplete = 3;

const char* kLocksHelp =
    "usage: scxmc locks [options]\n"
    "       scxmc locks --replay FILE\n"
    "\n"
    "Explores every interleaving within the bounds (symmetry off, so that every path is a\n"
    "concrete execution), records each lock a step takes or spins on while holding others\n"
    "(lock classes as lockdep names them, plus the ops_state DISPATCHING pseudo-lock that\n"
    "spin-waits wait for), prints the lock-order graph with the shortest execution that\n"
    "created each edge, and reports every cycle as a lockdep-style splat.  Each acquisition\n"
    "also records its context (process, hardirq, NMI) and whether hardirqs and preemption\n"
    "are enabled, and the lock's kind (raw_spinlock_t, spinlock_t, mutex, rwsem, percpu\n"
    "rwsem); lockdep's other checks are reported as splats too: invalid wait context (a\n"
    "sleeping lock under a spinlock or in an interrupt, a spinlock_t under a raw spinlock or\n"
    "in hardirq), inconsistent lock state (a class taken in hardirq and elsewhere with\n"
    "hardirqs enabled), HARDIRQ-safe -> HARDIRQ-unsafe dependencies, and any lock taken in\n"
    "NMI context.\n"
    "\n"
    "  --tasks N --cpus N --user-dsqs N --policy SPEC --variant NAME --env LIST\n"
    "  --dispatch-actions N --dispatch-loops N --lifecycle --fork-tasks N --cycles N --task-death --switch-runnable --destroy-dsqs --sub-scheds N\n"
    "  --sub-migrations --sub-fail-parent --sub-enable-fail --sub-early-fail --sub-cgroup-all\n"
    "  --switch-during-walks --balance-callbacks --nmi --kicks --kick-flags LIST\n"
    "                        bounds, as for 'scxmc check' (defaults here: 2 tasks, 2 CPUs,\n"
    "                        1 user DSQ, policy full, 1 dispatch action, 1 dispatch loop,\n"
    "                        every environment event; --lifecycle adds enable/disable)\n"
    "  --max-states N --max-memory MIB --time-limit SEC --max-depth N\n"
    "                        limits (defaults: 8192 MiB, 600 s); hitting one is INCOMPLETE\n"
    "  --dot FILE            write the graph in Graphviz DOT (cycle edges in red)\n"
    "  --svg FILE            render it with graphviz's 'dot' (when installed)\n"
    "  --json FILE           write the graph, every edge's shortest execution, the cycles, each\n"
    "                        class's irq usages and the lock-context reports with their executions\n"
    "  --replay FILE         re-execute every edge's, irq usage's and per-acquisition report's\n"
    "                        execution from a --json file and confirm that its last step makes\n"
    "                        it (exit 0 all confirmed, 1 not)\n"
    "  --progress            print a line per BFS level to stderr\n"
    "exit status: 0 acyclic and no lock-context report (complete search), 1 a cycle or a\n"
    "lock-context report, 2 bad usage or input, 3 incomplete\n";

int usage(const std::string& msg) {
  std::cerr << "scxmc: " << msg << "\n(see 'scxmc locks --help')\n";
  return kUsage;
}

int replayEdges(const std::string& file, const nlohmann::json& doc);

int replayFile(const std::string& file) {
  nlohmann::json doc;
  std::string rerr;
  if (!readJsonFile(file, &doc, &rerr)) return usage("locks --replay: " + rerr);
  try {
    return replayEdges(file, doc);
  } catch (const nlohmann::json::exception& e) {  // a type the checks missed: still bad input
    return usage("locks --replay: " + file + ": " + e.what());
  }
}

int replayEdges(const std::string& file, const nlohmann::json& doc) {
  Config cfg;
  std::string variant, err;
  if (!doc.is_object() || !doc.contains("config") || !readConfig(doc["config"], &cfg, &variant, &err))
    return usage("locks --replay: " + file + ": " + (err.empty() ? "no 'config' object" : err));
  auto model = makeModel(variant, cfg);
  if (!model) return usage("locks --replay: " + file + ": unknown variant '" + variant + "'");
  std::vector<LockEdge> edges;
  if (!lockEdgesFromJson(doc, &edges, &err)) return usage("locks --replay: " + file + ": " + err);
  std::vector<LockUsage> usages;
  if (!lockUsagesFromJson(doc, &usages, &err)) return usage("locks --replay: " + file + ": " + err);
  std::vector<LockContextReport> reports;
  if (!lockStepReportsFromJson(doc, &reports, &err)) return usage("locks --replay: " + file + ": " + err);
  int bad = 0;
  for (const LockEdge& e : edges) {
    const std::string why = replayLockEdge(*model, e);
    std::cout << (why.empty() ? "confirmed  " : "NOT confirmed  ") << edgeName(e) << " (" << e.trace.size()
              << " steps)" << (why.empty() ? "" : ": " + why) << "\n";
    if (!why.empty()) ++bad;
  }
  std::cout << edges.size() - bad << " of " << edges.size() << " edges confirmed\n";
  int ubad = 0;
  for (const LockUsage& u : usages) {
    const std::string why = replayLockUsage(*model, u);
    std::cout << (why.empty() ? "confirmed  " : "NOT confirmed  ") << lockClassName(u.cls) << " "
              << irqUsageName(u.usage) << " (" << u.trace.size() << " steps)" << (why.empty() ? "" : ": " + why)
              << "\n";
    if (!why.empty()) ++ubad;
  }
  if (!usages.empty()) std::cout << usages.size() - ubad << " of " << usages.size() << " irq usages confirmed\n";
  int rbad = 0;
  for (const LockContextReport& r : reports) {
    const std::string why = replayContextReport(*model, r);
    std::cout << (why.empty() ? "confirmed  " : "NOT confirmed  ") << contextReportName(r.kind) << " "
              << lockClassName(r.cls) << " (" << r.trace.size() << " steps)" << (why.empty() ? "" : ": " + why)
              << "\n";
    if (!why.empty()) ++rbad;
  }
  if (!reports.empty())
    std::cout << reports.size() - rbad << " of " << reports.size() << " lock-context reports confirmed\n";
  return bad || ubad || rbad ? kCycle : kOk;
}

// A temporary's name as a program argument ("./-x", never an option).
std::string argPath(const std::string& p) { return !p.empty() && p[0] == '-' ? "./" + p : p; }

// --svg: graphviz's dot renders a temporary DOT file into a temporary next
// to the target (argument vector, no shell), which then replaces the target.
std::string renderSvg(const std::string& svg_path, const std::string& dot) {
  support::AtomicFile in, out;
  std::string err;
  if (!in.open(svg_path, &err) || !in.write(dot)) return err.empty() ? "cannot write a temporary" : err;
  if (!out.open(svg_path, &err)) return err;
  const support::SpawnResult r =
      support::runProgram({"dot", "-Tsvg", argPath(in.tempPath()), "-o", argPath(out.tempPath())});
  in.abandon();
  if (!r.ok()) return r.error;
  if (!out.commit(&err)) return err;
  return "";
}

}  // namespace

int cmdLocks(const std::vector<std::string>& args) {
  Config cfg;
  cfg.tasks = 2;
  cfg.cpus = 2;
  cfg.user_dsqs = 1;
  cfg.dispatch_actions = 1;  // without symmetry reduction: bounds that complete (~80 s)
  cfg.dispatch_loops = 1;
  Limits lim;
  lim.max_memory_mib = 8192;
  lim.time_limit_s = 600;
  std::string variant = "linux-7.3.4", dot_path, svg_path, json_path, err;
  bool progress = false, dot_set = false, svg_set = false, json_set = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") { std::cout << kLocksHelp; return kOk; }
    std::string v;
    auto val = [&](std::string* out) {
      if (i + 1 >= args.size()) { err = a + " needs a value"; return false; }
      *out = args[++i];
      return true;
    };
    long n;
    if (const int sl = parseSliceOption(args, &i, &cfg, &err); sl != 0) {
      if (sl < 0) return usage(err);
    } else if (a == "--replay") {
      if (!val(&v)) return usage(err);
      return replayFile(v);
    } else if (a == "--tasks" || a == "--cpus" || a == "--user-dsqs" || a == "--dispatch-actions" ||
               a == "--dispatch-loops") {
      if (!val(&v) || !parseIntArg(a, v, 0, 1000, &n, &err)) return usage(err);
      int& f = a == "--tasks" ? cfg.tasks : a == "--cpus" ? cfg.cpus : a == "--user-dsqs" ? cfg.user_dsqs
               : a == "--dispatch-actions" ? cfg.dispatch_actions : cfg.dispatch_loops;
      f = static_cast<int>(n);
    } else if (a == "--policy") {
      if (!val(&v)) return usage(err);
      if (!Policy::parse(v, &cfg.policy, &err)) return usage("--policy: " + err);
    } else if (a == "--variant") {
      if (!val(&variant)) return usage(err);
    } else if (a == "--env") {
      if (!val(&v) || !parseEnvList(v, &cfg.env, &err)) return usage(err);
    } else if (a == "--max-depth" || a == "--max-states" || a == "--max-memory" || a == "--time-limit") {
      if (!val(&v) || !parseIntArg(a, v, 0, 4000000000L, &n, &err)) return usage(err);
      if (a == "--max-depth") lim.max_depth = static_cast<int>(n);
      else if (a == "--max-states") lim.max_states = static_cast<uint64_t>(n);
      else if (a == "--max-memory") lim.max_memory_mib = static_cast<uint64_t>(n);
      else lim.time_limit_s = static_cast<double>(n);
    } else if (a == "--dot") {
      if (!val(&dot_path)) return usage(err);
      dot_set = true;
    } else if (a == "--svg") {
      if (!val(&svg_path)) return usage(err);
      svg_set = true;
    } else if (a == "--json") {
      if (!val(&json_path)) return usage(err);
      json_set = true;
    } else if (a == "--progress") {
      progress = true;
    } else {
      return usage("locks: unknown option '" + a + "'");
    }
  }
  const std::string bad = cfg.validate();
  if (!bad.empty()) return usage(bad);
  auto model = makeModel(variant, cfg);
  if (!model) return usage("--variant: unknown variant '" + variant + "' (see 'scxmc variants')");
  if (!svg_path.empty() && !support::programInPath("dot"))
    return usage("--svg needs graphviz's 'dot' (apt-get install graphviz); use --dot FILE instead");
  // every output path is checked before the search
  for (const auto& [opt, set, path] : {std::tuple<std::string, bool, std::string>{"--dot", dot_set, dot_path},
                                       {"--svg", svg_set, svg_path}, {"--json", json_set, json_path}})
    if (set)
      if (const std::string e = support::checkWritable(path); !e.empty()) return usage(opt + ": " + e);

  const LockGraph g = buildLockGraph(*model, lim, progress);
  printLockGraph(std::cout, *model, g);
  for (const LockCycle& c : g.cycles) {
    std::cout << "\n";
    printSplat(std::cout, *model, g, c);
  }
  const std::string dot = lockGraphDot(g);
  if (!dot_path.empty())
    if (const std::string e = support::writeFileAtomic(dot_path, dot); !e.empty()) return usage("--dot: " + e);
  if (!svg_path.empty())
    if (const std::string e = renderSvg(svg_path, dot); !e.empty()) return usage("--svg: " + e);
  if (!json_path.empty())
    if (const std::string e = support::writeFileAtomic(json_path, lockGraphJson(*model, g).dump(2) + "\n"); !e.empty())
      return usage("--json: " + e);
  for (const LockContextReport& r : g.reports) {
    std::cout << "\n";
    printContextSplat(std::cout, *model, g, r);
  }
  if (!g.cycles.empty() || !g.reports.empty()) {
    std::cout << "verdict:";
    if (!g.cycles.empty())
      std::cout << " " << g.cycles.size() << " possible circular locking dependenc"
                << (g.cycles.size() == 1 ? "y" : "ies") << (g.reports.empty() ? "" : ";");
    if (!g.reports.empty())
      std::cout << " " << g.reports.size() << " lock-context report" << (g.reports.size() == 1 ? "" : "s") << " (";
    for (size_t i = 0; i < g.reports.size(); ++i)
      std::cout << (i ? ", " : "") << contextReportName(g.reports[i].kind) << ": " << g.reports[i].why;
    if (!g.reports.empty()) std::cout << ")";
    std::cout << "\n";
    return kCycle;
  }
  if (!g.check.complete) {
    std::cout << "verdict: INCOMPLETE: " << g.check.incomplete_reason << ": no cycle among the edges found so far\n";
    return kIncomplete;
  }
  std::cout << "verdict: acyclic (" << g.edges.size() << " edges, every execution within the bounds), no lock-context report\n";
  return kOk;
}

}  // namespace scxmc
