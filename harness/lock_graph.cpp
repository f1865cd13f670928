#include "lock_graph.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <ostream>
#include <sstream>
#include <tuple>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/tiernan_all_cycles.hpp>

// Boost 1.74's VertexIndexGraph concept check (used by tiernan_all_cycles)
// calls renumber_vertex_indices, which vecS adjacency lists do not declare;
// their indices are always dense, so renumbering is a no-op.
namespace boost {
inline void renumber_vertex_indices(const adjacency_list<vecS, vecS, directedS>&) {}
}  // namespace boost

#include "format.hpp"
#include "replay.hpp"
#include "report.hpp"

namespace scxmc {

namespace {

std::string instName(uint8_t cls, uint8_t inst) { return lockInstanceName(cls, inst); }

// A site of a leaf function that takes no lock: an acquisition after it
// belongs to its caller (find_dsq_for_dispatch, ext.c:1847).
bool leafSite(const Event& e) { return static_cast<Site>(e.a) == Site::FindDsq; }

// The kernel function in which the acquisition happened: the last site the
// step passed before the event.
std::string siteBefore(const StepLog& log, const Event* ev) {
  std::string w;
  for (const Event* e = log.begin(); e != ev; ++e)
    if (e->kind == Ev::Site && !leafSite(*e)) {
      const SiteInfo& si = siteInfo(static_cast<Site>(e->a));
      w = std::string(si.function) + " " + si.file + ":" + std::to_string(si.line);
    }
  if (!w.empty()) return w;
  // taken before the step's first site: name the function it enters
  for (const Event* e = ev; e != log.end(); ++e)
    if (e->kind == Ev::Site && !leafSite(*e)) {
      const SiteInfo& si = siteInfo(static_cast<Site>(e->a));
      return std::string("(start of step) before ") + si.function + " " + si.file + ":" + std::to_string(si.line);
    }
  return "(start of step)";
}

std::string traceString(const std::vector<Transition>& tr) {
  std::string s;
  for (const auto& t : tr) s += (s.empty() ? "" : " ") + t.str();
  return s;
}

}  // namespace

std::string edgeName(const LockEdge& e) {
  return std::string(lockClassName(e.from)) + (e.wait ? " ~> " : " -> ") + lockClassName(e.to);
}

LockGraph buildLockGraph(ExtCore& model, Limits limits, bool progress) {
  const Config& cfg = model.config();
  LockGraph g;
  std::map<std::tuple<uint8_t, uint8_t, bool>, int> index;
  std::map<int, int> usage_index;                 // cls * 2 + IrqUsage -> g.usages
  std::set<std::pair<int, uint8_t>> step_reports;  // (check, class): the first execution of each
  std::vector<uint32_t> parent{0};
  std::vector<Transition> via{Transition{}};
  limits.symmetry = false;  // stored paths must be concrete executions
  limits.stop_at_first = false;
  Checker checker(model, InvariantList{}, limits);
  checker.setProgress(progress);
  checker.setIndexedObserver([&](uint64_t from, const Transition& tr, const State& s, const StepLog& log,
                                 uint64_t to, bool fresh) {
    if (fresh) {
      parent.resize(to + 1);
      via.resize(to + 1);
      parent[to] = static_cast<uint32_t>(from);
      via[to] = tr;
    }
    forEachLockDependency(cfg, s, tr.actor, log, [&](HeldLock h, HeldLock to, bool wait, const Event* ev) {
      const auto key = std::make_tuple(h.cls, to.cls, wait);
      auto it = index.find(key);
      if (it == index.end()) {
        LockEdge le;
        le.from = h.cls;
        le.to = to.cls;
        le.wait = wait;
        le.from_inst = h.inst;
        le.to_inst = to.inst;
        le.actor = tr.actor;
        le.where = siteBefore(log, ev);
        le.via = from;
        le.last = tr;
        it = index.emplace(key, static_cast<int>(g.edges.size())).first;
        g.edges.push_back(le);
      }
      LockEdge& le = g.edges[it->second];
      ++le.count;
      if (h.inst < 8 && to.inst < 8) le.instances |= 1ull << (h.inst * 8 + to.inst);
    });
    // irq usages and the per-acquisition context checks
    forEachLockAcquisition(cfg, s, tr.actor, log, [&](const LockAcquisition& a) {
      auto use = [&](IrqUsage u) {
        const int k = a.lock.cls * 2 + static_cast<int>(u);
        auto it = usage_index.find(k);
        if (it == usage_index.end()) {
          LockUsage lu;
          lu.cls = a.lock.cls;
          lu.inst = a.lock.inst;
          lu.usage = u;
          lu.actor = tr.actor;
          lu.where = siteBefore(log, a.ev);
          lu.via = from;
          lu.last = tr;
          it = usage_index.emplace(k, static_cast<int>(g.usages.size())).first;
          g.usages.push_back(lu);
        }
        ++g.usages[it->second].count;
      };
      if (!a.wait && a.ctx == LockCtx::Hardirq) use(IrqUsage::InHardirq);
      if (!a.wait && a.irqs_on) use(IrqUsage::HardirqOn);
      HeldLock culprit;
      std::string why;
      const CtxCheck c = checkLockContext(a, &culprit, &why);
      if (c == CtxCheck::Ok) return;
      const auto key = std::make_pair(static_cast<int>(c), a.lock.cls);
      if (!step_reports.insert(key).second) return;
      LockContextReport r;
      r.kind = c == CtxCheck::Nmi ? ContextReportKind::Nmi : ContextReportKind::InvalidWait;
      r.why = why;
      r.cls = a.lock.cls;
      r.inst = a.lock.inst;
      r.actor = tr.actor;
      r.culprit = culprit;
      r.ctx = a.ctx;
      r.irqs_on = a.irqs_on;
      r.preempt_on = a.preempt_on;
      r.held.assign(a.held, a.held + a.n_held);
      r.where = siteBefore(log, a.ev);
      r.via = from;
      r.last = tr;
      g.reports.push_back(r);
    });
  });
  g.check = checker.run();
  auto path = [&](uint64_t from, const Transition& last) {
    std::vector<Transition> rev{last};
    for (uint64_t i = from; i != 0; i = parent[i]) rev.push_back(via[i]);
    return std::vector<Transition>(rev.rbegin(), rev.rend());
  };
  for (LockEdge& e : g.edges) e.trace = path(e.via, e.last);
  for (LockUsage& u : g.usages) u.trace = path(u.via, u.last);
  for (LockContextReport& r : g.reports) r.trace = path(r.via, r.last);
  std::sort(g.edges.begin(), g.edges.end(), [](const LockEdge& a, const LockEdge& b) {
    return std::make_tuple(lockClassInfo(static_cast<LockClass>(a.from)).rank, lockClassInfo(static_cast<LockClass>(a.to)).rank, a.wait) <
           std::make_tuple(lockClassInfo(static_cast<LockClass>(b.from)).rank, lockClassInfo(static_cast<LockClass>(b.to)).rank, b.wait);
  });
  std::sort(g.usages.begin(), g.usages.end(), [](const LockUsage& a, const LockUsage& b) {
    return std::make_tuple(lockClassInfo(static_cast<LockClass>(a.cls)).rank, a.usage) <
           std::make_tuple(lockClassInfo(static_cast<LockClass>(b.cls)).rank, b.usage);
  });
  findLockCycles(&g);
  findContextReports(&g);
  return g;
}

const char* irqUsageName(IrqUsage u) { return u == IrqUsage::InHardirq ? "IN-HARDIRQ-W" : "HARDIRQ-ON-W"; }

const char* contextReportName(ContextReportKind k) {
  switch (k) {
    case ContextReportKind::InvalidWait: return "invalid-wait-context";
    case ContextReportKind::Nmi: return "lock-in-nmi";
    case ContextReportKind::Inconsistent: return "inconsistent-lock-state";
    case ContextReportKind::SafeToUnsafe: return "irq-safe-to-irq-unsafe";
  }
  return "?";
}

void findContextReports(LockGraph* g) {
  std::vector<LockContextReport> kept;
  for (auto& r : g->reports)
    if (r.kind == ContextReportKind::InvalidWait || r.kind == ContextReportKind::Nmi) kept.push_back(r);
  g->reports = kept;
  const int nc = static_cast<int>(LockClass::Count);
  std::vector<int> safe(nc, -1), unsafe(nc, -1);
  for (size_t i = 0; i < g->usages.size(); ++i)
    (g->usages[i].usage == IrqUsage::InHardirq ? safe : unsafe)[g->usages[i].cls] = static_cast<int>(i);
  for (int c = 0; c < nc; ++c)
    if (safe[c] >= 0 && unsafe[c] >= 0) {
      LockContextReport r;
      r.kind = ContextReportKind::Inconsistent;
      r.cls = static_cast<uint8_t>(c);
      r.usages = {safe[c], unsafe[c]};
      r.why = std::string(lockClassName(static_cast<uint8_t>(c))) + " taken in hardirq context and with hardirqs enabled";
      g->reports.push_back(r);
    }
  // lockdep's check_irq_usage: from every hardirq-safe class, the shortest
  // chain of acquire edges (spin-waits acquire nothing) to a hardirq-unsafe one
  for (int a = 0; a < nc; ++a) {
    if (safe[a] < 0) continue;
    std::vector<int> by_edge(nc, -2);  // the edge that reached the class (-1: the start)
    by_edge[a] = -1;
    std::vector<int> queue{a};
    for (size_t q = 0; q < queue.size(); ++q) {
      const int u = queue[q];
      for (size_t i = 0; i < g->edges.size(); ++i) {
        const LockEdge& e = g->edges[i];
        if (e.wait || e.from != u || by_edge[e.to] != -2) continue;
        by_edge[e.to] = static_cast<int>(i);
        queue.push_back(e.to);
      }
    }
    for (int b = 0; b < nc; ++b) {
      if (b == a || by_edge[b] < 0 || unsafe[b] < 0) continue;
      LockContextReport r;
      r.kind = ContextReportKind::SafeToUnsafe;
      r.cls = static_cast<uint8_t>(b);
      r.culprit = HeldLock{static_cast<uint8_t>(a), 0};
      r.usages = {safe[a], unsafe[b]};
      for (int v = b; by_edge[v] >= 0; v = g->edges[by_edge[v]].from) r.edges.insert(r.edges.begin(), by_edge[v]);
      r.why = std::string("hardirq-safe ") + lockClassName(static_cast<uint8_t>(a)) + " -> hardirq-unsafe " +
              lockClassName(static_cast<uint8_t>(b));
      g->reports.push_back(r);
    }
  }
}

namespace {
struct CycleCollector {
  std::vector<std::vector<int>>* out;
  template <class Path, class Graph>
  void cycle(const Path& p, const Graph&) {
    std::vector<int> v(p.begin(), p.end());
    out->push_back(v);
  }
};
}  // namespace

void findLockCycles(LockGraph* g) {
  g->cycles.clear();
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  const int nv = static_cast<int>(LockClass::Count);
  Graph bg(nv);
  // edge (u,v) -> the edge index reported for it (an acquisition before a wait)
  std::map<std::pair<int, int>, int> pick;
  for (size_t i = 0; i < g->edges.size(); ++i) {
    const LockEdge& e = g->edges[i];
    if (e.from == e.to) {
      for (int a = 0; a < 8; ++a)
        for (int b = 0; b < 8; ++b)
          if (((e.instances >> (a * 8 + b)) & 1) && !sameClassAllowed(e.from, a, b)) {
            LockCycle c;
            c.edges = {static_cast<int>(i)};
            c.why = std::string(lockClassName(e.from)) + " nested in itself (" + instName(e.from, a) + " then " +
                    instName(e.to, b) + ") against its ordering rule";
            g->cycles.push_back(c);
            a = b = 8;
          }
      continue;
    }
    auto key = std::make_pair<int, int>(e.from, e.to);
    auto it = pick.find(key);
    if (it == pick.end()) {
      pick[key] = static_cast<int>(i);
      boost::add_edge(e.from, e.to, bg);
    } else if (g->edges[it->second].wait && !e.wait) {
      it->second = static_cast<int>(i);
    }
  }
  std::vector<std::vector<int>> cycles;
  boost::tiernan_all_cycles(bg, CycleCollector{&cycles});
  for (const auto& vs : cycles) {
    if (vs.size() < 2) continue;
    LockCycle c;
    for (size_t k = 0; k < vs.size(); ++k) {
      const int u = vs[k], v = vs[(k + 1) % vs.size()];
      c.edges.push_back(pick.at({u, v}));
      c.why += std::string(k ? " -> " : "") + lockClassName(static_cast<uint8_t>(u));
    }
    c.why += std::string(" -> ") + lockClassName(static_cast<uint8_t>(vs[0]));
    g->cycles.push_back(c);
  }
}

std::string replayLockEdge(ExtCore& model, const LockEdge& e) {
  State s = model.initial();
  StepLog log;
  for (size_t i = 0; i < e.trace.size(); ++i) {
    State next;
    if (!applyTransition(model, s, e.trace[i], &next, &log))
      return "step " + std::to_string(i + 1) + " (" + e.trace[i].str() + ") is not enabled";
    if (i + 1 == e.trace.size()) {
      bool found = false;
      forEachLockDependency(model.config(), s, e.trace[i].actor, log, [&](HeldLock h, HeldLock to, bool wait, const Event*) {
        if (h.cls == e.from && to.cls == e.to && wait == e.wait) found = true;
      });
      if (!found) return "the last step does not create " + edgeName(e);
    }
    s = next;
  }
  if (e.trace.empty()) return "empty trace";
  return "";
}

namespace {
// Re-executes `trace`; calls last(pre-state, log) on its last step.
template <class F>
std::string replayTrace(ExtCore& model, const std::vector<Transition>& trace, F&& last) {
  if (trace.empty()) return "empty trace";
  State s = model.initial();
  StepLog log;
  for (size_t i = 0; i < trace.size(); ++i) {
    State next;
    if (!applyTransition(model, s, trace[i], &next, &log))
      return "step " + std::to_string(i + 1) + " (" + trace[i].str() + ") is not enabled";
    if (i + 1 == trace.size() && !last(s, log)) return "the last step does not make it";
    s = next;
  }
  return "";
}
}  // namespace

std::string replayLockUsage(ExtCore& model, const LockUsage& u) {
  return replayTrace(model, u.trace, [&](const State& s, const StepLog& log) {
    bool found = false;
    forEachLockAcquisition(model.config(), s, u.trace.back().actor, log, [&](const LockAcquisition& a) {
      if (a.wait || a.lock.cls != u.cls) return;
      if (u.usage == IrqUsage::InHardirq ? a.ctx == LockCtx::Hardirq : a.irqs_on) found = true;
    });
    return found;
  });
}

std::string replayContextReport(ExtCore& model, const LockContextReport& r) {
  if (r.kind != ContextReportKind::InvalidWait && r.kind != ContextReportKind::Nmi)
    return "only per-acquisition reports replay alone (replay their usages and edges)";
  const CtxCheck want = r.kind == ContextReportKind::Nmi ? CtxCheck::Nmi : CtxCheck::InvalidWait;
  return replayTrace(model, r.trace, [&](const State& s, const StepLog& log) {
    bool found = false;
    forEachLockAcquisition(model.config(), s, r.trace.back().actor, log, [&](const LockAcquisition& a) {
      HeldLock c;
      std::string why;
      if (a.lock.cls == r.cls && checkLockContext(a, &c, &why) == want) found = true;
    });
    return found;
  });
}

void printContextSplat(std::ostream& o, const ExtCore& m, const LockGraph& g, const LockContextReport& r) {
  const std::string bar(54, '=');
  auto usage = [&](const LockUsage& u) {
    o << "       " << lockClassName(u.cls) << " [" << instName(u.cls, u.inst) << "] "
      << (u.usage == IrqUsage::InHardirq ? "taken in hardirq context" : "taken with hardirqs enabled") << " {"
      << irqUsageName(u.usage) << "}\n       by " << m.actorName(u.actor) << " after " << u.where << "\n"
      << "       shortest execution (" << u.trace.size() << " steps): " << traceString(u.trace) << "\n";
  };
  const char* cls = lockClassName(r.cls);
  switch (r.kind) {
    case ContextReportKind::InvalidWait:
    case ContextReportKind::Nmi: {
      o << bar << "\n"
        << (r.kind == ContextReportKind::Nmi ? "WARNING: lock taken in NMI context" : "[ BUG: Invalid wait context ]")
        << "\nscxmc " << m.name() << " (" << m.config().describe() << ")\n" << std::string(54, '-') << "\n"
        << r.why << "\n"
        << "context: " << lockCtxName(r.ctx) << ", hardirqs " << (r.irqs_on ? "on" : "off") << ", preemption "
        << (r.preempt_on ? "on" : "off") << "\n"
        << "held locks (" << r.held.size() << "):\n";
      for (const HeldLock& h : r.held)
        o << "  " << lockClassName(h.cls) << " [" << instName(h.cls, h.inst) << "] ("
          << lockKindName(lockClassInfo(static_cast<LockClass>(h.cls)).kind) << ")\n";
      o << "by " << m.actorName(r.actor) << " after " << r.where << "\n"
        << "shortest execution (" << r.trace.size() << " steps): " << traceString(r.trace) << "\n";
      break;
    }
    case ContextReportKind::Inconsistent: {
      o << bar << "\nWARNING: inconsistent lock state\nscxmc " << m.name() << " (" << m.config().describe() << ")\n"
        << std::string(54, '-') << "\ninconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage of " << cls << ".\n";
      for (int i : r.usages) usage(g.usages[i]);
      o << "\nother info that might help us debug this:\n Possible unsafe locking scenario:\n\n"
        << "       CPU0\n       ----\n  lock(" << cls << ");\n  <Interrupt>\n    lock(" << cls
        << ");\n\n *** DEADLOCK ***\n";
      break;
    }
    case ContextReportKind::SafeToUnsafe: {
      const char* safe = lockClassName(r.culprit.cls);
      o << bar << "\nWARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected\nscxmc " << m.name() << " ("
        << m.config().describe() << ")\n" << std::string(54, '-') << "\n" << r.why << "\n\n"
        << "the dependencies between the HARDIRQ-safe lock and the HARDIRQ-unsafe lock:\n";
      for (int i : r.edges) {
        const LockEdge& e = g.edges[i];
        o << "  " << edgeName(e) << " by " << m.actorName(e.actor) << " after " << e.where << "\n"
          << "       shortest execution (" << e.trace.size() << " steps): " << traceString(e.trace) << "\n";
      }
      o << "\nthe HARDIRQ-safe lock's usage:\n";
      usage(g.usages[r.usages[0]]);
      o << "the HARDIRQ-unsafe lock's usage:\n";
      usage(g.usages[r.usages[1]]);
      o << "\nother info that might help us debug this:\n Possible interrupt unsafe locking scenario:\n\n"
        << "       CPU0                    CPU1\n       ----                    ----\n"
        << "  lock(" << cls << ");\n                               local_irq_disable();\n"
        << "                               lock(" << safe << ");\n"
        << "                               lock(" << cls << ");\n"
        << "  <Interrupt>\n    lock(" << safe << ");\n\n *** DEADLOCK ***\n";
      break;
    }
  }
  o << "\n(replay: scxmc locks ... --json FILE; scxmc locks --replay FILE)\n" << bar << "\n";
}

void printLockGraph(std::ostream& o, const ExtCore& m, const LockGraph& g) {
  o << "scxmc locks: " << m.name() << ", " << m.config().describe() << "\n";
  o << "lock-order graph (A -> B: B acquired holding A; A ~> B: spinning on B holding A):\n";
  for (const LockEdge& e : g.edges) {
    o << "  " << edgeName(e) << "   [first: " << instName(e.from, e.from_inst) << (e.wait ? " ~> " : " -> ")
      << instName(e.to, e.to_inst) << " by " << m.actorName(e.actor) << " after " << e.where << ", "
      << e.trace.size() << " steps]\n";
  }
  o << "lock classes (kind; irq usage over every execution):\n";
  std::vector<bool> used(static_cast<int>(LockClass::Count));
  for (const LockEdge& e : g.edges) used[e.from] = used[e.to] = true;
  for (const LockUsage& u : g.usages) used[u.cls] = true;
  for (int c = 0; c < static_cast<int>(LockClass::Count); ++c) {
    if (!used[c]) continue;
    o << "  " << lockClassName(static_cast<uint8_t>(c)) << " ("
      << lockKindName(lockClassInfo(static_cast<LockClass>(c)).kind) << ")";
    bool any = false;
    for (const LockUsage& u : g.usages)
      if (u.cls == c) {
        o << (any ? ", " : ": ") << irqUsageName(u.usage) << " [first: " << m.actorName(u.actor) << " after " << u.where
          << ", " << u.trace.size() << " steps]";
        any = true;
      }
    o << (any ? "" : ": taken in process context with hardirqs off only") << "\n";
  }
  const Stats& s = g.check.stats;
  o << "  " << g.edges.size() << " edges over " << s.states << " states, " << s.transitions << " transitions, "
    << s.seconds << " s\n";
}

void printSplat(std::ostream& o, const ExtCore& m, const LockGraph& g, const LockCycle& c) {
  const std::string bar(54, '=');
  o << bar << "\nWARNING: possible circular locking dependency detected\n"
    << "scxmc " << m.name() << " (" << m.config().describe() << ")\n" << std::string(54, '-') << "\n";
  o << "cycle: " << c.why << "\n\nthe existing dependency chain (in reverse order) is:\n";
  for (size_t k = c.edges.size(); k-- > 0;) {
    const LockEdge& e = g.edges[c.edges[k]];
    o << "\n-> #" << k << " (" << lockClassName(e.to) << "){" << (e.wait ? "spin-wait" : "acquire") << "}:\n"
      << "       held " << lockClassName(e.from) << " [" << instName(e.from, e.from_inst) << "] while "
      << (e.wait ? "spinning on " : "taking ") << lockClassName(e.to) << " [" << instName(e.to, e.to_inst) << "]\n"
      << "       by " << m.actorName(e.actor) << " after " << e.where << "\n"
      << "       shortest execution (" << e.trace.size() << " steps): " << traceString(e.trace) << "\n";
  }
  if (c.edges.size() == 2) {
    const LockEdge& a = g.edges[c.edges[0]];
    const LockEdge& b = g.edges[c.edges[1]];
    o << "\nother info that might help us debug this:\n\n Possible unsafe locking scenario:\n\n"
      << "       CPU0                    CPU1\n       ----                    ----\n"
      << "  lock(" << lockClassName(a.from) << ");\n"
      << "                               lock(" << lockClassName(b.from) << ");\n"
      << "                               lock(" << lockClassName(b.to) << ");\n"
      << "  lock(" << lockClassName(a.to) << ");\n\n *** DEADLOCK ***\n";
  }
  o << "\n(replay every edge: scxmc locks ... --json FILE; scxmc locks --replay FILE)\n" << bar << "\n";
}

std::string lockGraphDot(const LockGraph& g) {
  std::ostringstream o;
  o << "digraph lock_order {\n  rankdir=TB;\n  node [shape=box, fontname=monospace];\n";
  std::vector<bool> used(static_cast<int>(LockClass::Count));
  for (const LockEdge& e : g.edges) used[e.from] = used[e.to] = true;
  for (int c = 0; c < static_cast<int>(LockClass::Count); ++c)
    if (used[c]) {
      const bool pseudo = lockClassInfo(static_cast<LockClass>(c)).kind == LockKind::Pseudo;
      o << "  n" << c << " [label=\"" << lockClassName(c) << "\"" << (pseudo ? ", style=dashed" : "") << "];\n";
    }
  std::vector<bool> on_cycle(g.edges.size());
  for (const auto& c : g.cycles)
    for (int i : c.edges) on_cycle[i] = true;
  for (size_t i = 0; i < g.edges.size(); ++i) {
    const LockEdge& e = g.edges[i];
    o << "  n" << int(e.from) << " -> n" << int(e.to) << " [label=\"" << e.trace.size() << " steps\""
      << (e.wait ? ", style=dashed" : "") << (on_cycle[i] ? ", color=red, penwidth=2" : "") << "];\n";
  }
  o << "}\n";
  return o.str();
}

nlohmann::json lockGraphJson(const ExtCore& m, const LockGraph& g) {
  nlohmann::json j;
  j["tool"] = "scxmc";
  j["format"] = kResultFormat;
  j["config"] = configJson(m.config(), m.name());
  j["complete"] = g.check.complete;
  if (!g.check.complete) j["incomplete_reason"] = g.check.incomplete_reason;
  j["states"] = g.check.stats.states;
  j["transitions"] = g.check.stats.transitions;
  nlohmann::json edges = nlohmann::json::array();
  for (const LockEdge& e : g.edges) {
    nlohmann::json ej;
    ej["from"] = lockClassName(e.from);
    ej["to"] = lockClassName(e.to);
    ej["from_class"] = e.from;
    ej["to_class"] = e.to;
    ej["kind"] = e.wait ? "spin-wait" : "acquire";
    ej["first"] = {{"from", instName(e.from, e.from_inst)}, {"to", instName(e.to, e.to_inst)},
                   {"actor", m.actorName(e.actor)}, {"where", e.where}};
    nlohmann::json tr = nlohmann::json::array();
    for (const auto& t : e.trace) tr.push_back(t.str());
    ej["trace"] = tr;
    ej["count"] = e.count;
    edges.push_back(ej);
  }
  j["edges"] = edges;
  nlohmann::json cyc = nlohmann::json::array();
  for (const auto& c : g.cycles) cyc.push_back({{"why", c.why}, {"edges", c.edges}});
  j["cycles"] = cyc;
  auto trJson = [](const std::vector<Transition>& trace) {
    nlohmann::json tr = nlohmann::json::array();
    for (const auto& t : trace) tr.push_back(t.str());
    return tr;
  };
  nlohmann::json us = nlohmann::json::array();
  for (const LockUsage& u : g.usages)
    us.push_back({{"class", lockClassName(u.cls)}, {"class_id", u.cls}, {"usage", irqUsageName(u.usage)},
                  {"first", {{"instance", instName(u.cls, u.inst)}, {"actor", m.actorName(u.actor)}, {"where", u.where}}},
                  {"trace", trJson(u.trace)}, {"count", u.count}});
  j["usages"] = us;
  nlohmann::json rs = nlohmann::json::array();
  for (const LockContextReport& r : g.reports) {
    nlohmann::json rj{{"kind", contextReportName(r.kind)}, {"why", r.why}, {"class", lockClassName(r.cls)},
                      {"class_id", r.cls}};
    if (r.kind == ContextReportKind::InvalidWait || r.kind == ContextReportKind::Nmi) {
      nlohmann::json held = nlohmann::json::array();
      for (const HeldLock& h : r.held) held.push_back(std::string(lockClassName(h.cls)) + " [" + instName(h.cls, h.inst) + "]");
      rj["context"] = lockCtxName(r.ctx);
      rj["hardirqs"] = r.irqs_on ? "on" : "off";
      rj["preemption"] = r.preempt_on ? "on" : "off";
      rj["held"] = held;
      rj["actor"] = m.actorName(r.actor);
      rj["where"] = r.where;
      rj["trace"] = trJson(r.trace);
    } else {
      rj["usages"] = r.usages;
      rj["edges"] = r.edges;
    }
    rs.push_back(rj);
  }
  j["reports"] = rs;
  j["verdict"] = !g.cycles.empty() ? "cycle" : !g.reports.empty() ? "lock-context" : g.check.complete ? "acyclic" : "incomplete";
  return j;
}

bool lockEdgesFromJson(const nlohmann::json& doc, std::vector<LockEdge>* edges, std::string* err) {
  if (!checkFormat(doc, false, err)) return false;  // (files before issue 20 have no "format")
  if (!doc.contains("edges") || !doc["edges"].is_array()) {
    *err = "no 'edges' array: not a 'scxmc locks --json' file";
    return false;
  }
  edges->clear();
  int k = 0;
  for (const auto& ej : doc["edges"]) {
    const std::string at = "edges[" + std::to_string(k++) + "]";
    if (!ej.contains("from_class") || !ej["from_class"].is_number_integer() || !ej.contains("to_class") ||
        !ej["to_class"].is_number_integer() || !ej.contains("kind") || !ej["kind"].is_string() ||
        !ej.contains("trace") || !ej["trace"].is_array()) {
      *err = at + ": needs from_class, to_class, kind and trace";
      return false;
    }
    LockEdge e;
    const int64_t f = ej["from_class"].get<int64_t>(), t = ej["to_class"].get<int64_t>();
    if (f < 0 || t < 0 || f >= static_cast<int>(LockClass::Count) || t >= static_cast<int>(LockClass::Count) ||
        (ej["from_class"].is_number_unsigned() && ej["from_class"].get<uint64_t>() > INT64_MAX) ||
        (ej["to_class"].is_number_unsigned() && ej["to_class"].get<uint64_t>() > INT64_MAX)) {
      *err = at + ": from_class/to_class is not a known lock class";
      return false;
    }
    e.from = static_cast<uint8_t>(f);
    e.to = static_cast<uint8_t>(t);
    e.wait = ej["kind"].get<std::string>() == "spin-wait";
    for (const auto& s : ej["trace"]) {
      Transition tr;
      if (!s.is_string() || !strictTransition(s.get<std::string>(), &tr)) {
        *err = at + ".trace: malformed transition";
        return false;
      }
      e.trace.push_back(tr);
    }
    edges->push_back(e);
  }
  return true;
}

}  // namespace scxmc

namespace scxmc {

namespace {
bool tracesFromJson(const nlohmann::json& ej, const std::string& at, std::vector<Transition>* out, std::string* err) {
  if (!ej.contains("trace") || !ej["trace"].is_array()) {
    *err = at + ": needs a trace";
    return false;
  }
  for (const auto& s : ej["trace"]) {
    Transition tr;
    if (!s.is_string() || !strictTransition(s.get<std::string>(), &tr)) {
      *err = at + ".trace: malformed transition";
      return false;
    }
    out->push_back(tr);
  }
  return true;
}

bool classFromJson(const nlohmann::json& ej, const std::string& at, uint8_t* cls, std::string* err) {
  if (!ej.contains("class_id") || !ej["class_id"].is_number_unsigned() ||
      ej["class_id"].get<uint64_t>() >= static_cast<uint64_t>(LockClass::Count)) {
    *err = at + ": class_id is not a known lock class";
    return false;
  }
  *cls = static_cast<uint8_t>(ej["class_id"].get<uint64_t>());
  return true;
}
}  // namespace

bool lockUsagesFromJson(const nlohmann::json& doc, std::vector<LockUsage>* usages, std::string* err) {
  usages->clear();
  if (!doc.contains("usages")) return true;  // (files before issue 17)
  if (!doc["usages"].is_array()) {
    *err = "'usages' is not an array";
    return false;
  }
  int k = 0;
  for (const auto& uj : doc["usages"]) {
    const std::string at = "usages[" + std::to_string(k++) + "]";
    LockUsage u;
    if (!uj.is_object() || !classFromJson(uj, at, &u.cls, err)) {
      if (err->empty()) *err = at + ": not an object";
      return false;
    }
    if (!uj.contains("usage") || !uj["usage"].is_string() ||
        (uj["usage"] != irqUsageName(IrqUsage::InHardirq) && uj["usage"] != irqUsageName(IrqUsage::HardirqOn))) {
      *err = at + ": usage is not IN-HARDIRQ-W or HARDIRQ-ON-W";
      return false;
    }
    u.usage = uj["usage"] == irqUsageName(IrqUsage::InHardirq) ? IrqUsage::InHardirq : IrqUsage::HardirqOn;
    if (!tracesFromJson(uj, at, &u.trace, err)) return false;
    usages->push_back(u);
  }
  return true;
}

bool lockStepReportsFromJson(const nlohmann::json& doc, std::vector<LockContextReport>* reports, std::string* err) {
  reports->clear();
  if (!doc.contains("reports")) return true;
  if (!doc["reports"].is_array()) {
    *err = "'reports' is not an array";
    return false;
  }
  int k = 0;
  for (const auto& rj : doc["reports"]) {
    const std::string at = "reports[" + std::to_string(k++) + "]";
    if (!rj.is_object() || !rj.contains("kind") || !rj["kind"].is_string()) {
      *err = at + ": needs a kind";
      return false;
    }
    const std::string kind = rj["kind"].get<std::string>();
    LockContextReport r;
    if (kind == contextReportName(ContextReportKind::InvalidWait)) r.kind = ContextReportKind::InvalidWait;
    else if (kind == contextReportName(ContextReportKind::Nmi)) r.kind = ContextReportKind::Nmi;
    else if (kind == contextReportName(ContextReportKind::Inconsistent) ||
             kind == contextReportName(ContextReportKind::SafeToUnsafe)) continue;  // (replayed through usages and edges)
    else {
      *err = at + ": unknown kind '" + kind + "'";
      return false;
    }
    if (!classFromJson(rj, at, &r.cls, err) || !tracesFromJson(rj, at, &r.trace, err)) return false;
    reports->push_back(r);
  }
  return true;
}

}  // namespace scxmc
