#include "lock_graph.hpp"

#include <algorithm>
#include <map>
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

// The kernel function in which the acquisition happened: the last site the
// step passed before the event.
std::string siteBefore(const StepLog& log, const Event* ev) {
  std::string w;
  for (const Event* e = log.begin(); e != ev; ++e)
    if (e->kind == Ev::Site) {
      const SiteInfo& si = siteInfo(static_cast<Site>(e->a));
      w = std::string(si.function) + " " + si.file + ":" + std::to_string(si.line);
    }
  return w.empty() ? "(start of step)" : w;
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
  });
  g.check = checker.run();
  for (LockEdge& e : g.edges) {
    std::vector<Transition> rev{e.last};
    for (uint64_t i = e.via; i != 0; i = parent[i]) rev.push_back(via[i]);
    e.trace.assign(rev.rbegin(), rev.rend());
  }
  std::sort(g.edges.begin(), g.edges.end(), [](const LockEdge& a, const LockEdge& b) {
    return std::make_tuple(lockClassInfo(static_cast<LockClass>(a.from)).rank, lockClassInfo(static_cast<LockClass>(a.to)).rank, a.wait) <
           std::make_tuple(lockClassInfo(static_cast<LockClass>(b.from)).rank, lockClassInfo(static_cast<LockClass>(b.to)).rank, b.wait);
  });
  findLockCycles(&g);
  return g;
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

void printLockGraph(std::ostream& o, const ExtCore& m, const LockGraph& g) {
  o << "scxmc locks: " << m.name() << ", " << m.config().describe() << "\n";
  o << "lock-order graph (A -> B: B acquired holding A; A ~> B: spinning on B holding A):\n";
  for (const LockEdge& e : g.edges) {
    o << "  " << edgeName(e) << "   [first: " << instName(e.from, e.from_inst) << (e.wait ? " ~> " : " -> ")
      << instName(e.to, e.to_inst) << " by " << m.actorName(e.actor) << " after " << e.where << ", "
      << e.trace.size() << " steps]\n";
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
  j["verdict"] = !g.cycles.empty() ? "cycle" : g.check.complete ? "acyclic" : "incomplete";
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
