#include "cti_reach.hpp"
#include "interrupt.hpp"

#include <chrono>
#include <sstream>
#include <unordered_set>

#include "cti_match.hpp"
#include "projection.hpp"
#include "next_state.hpp"
#include "replay.hpp"
#include "report.hpp"
#include "variants.hpp"

namespace scxmc {

namespace {

struct Node {
  State s;
  int64_t parent;
  Transition tr;
};

std::string bytes(const State& s) { return std::string(reinterpret_cast<const char*>(&s), sizeof(State)); }

// Re-executes `path` from the initial state with the monitors of `invs`
// (their ghost bits), filling the steps; false if a transition does not apply.
bool rerun(ExtCore& m, const InvariantList& invs, const std::vector<Transition>& path, std::vector<Step>* steps,
           State* end) {
  State cur = m.initial();
  for (const Transition& tr : path) {
    State next;
    StepLog log;
    if (!applyTransition(m, cur, tr, &next, &log)) return false;
    stepViolation(m.config(), invs, -1, cur, log, next);
    steps->push_back(Step{tr, log});
    cur = next;
  }
  *end = cur;
  return true;
}

}  // namespace

int failedTheoremExit(const CtiReach& cti, bool violation_replayed) {
  return (cti.found && cti.violation && cti.violation_replayed) || violation_replayed ? 1 : 3;
}

CtiReach searchCti(const std::string& variant, proofs::SymModel& sym, const std::string& theorem,
                   const proofs::Cti& cti, const std::vector<proofs::Conjunct>& inv, const CtiSearchOptions& opt) {
  CtiReach r;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  for (const auto& [T, C, D] : opt.bounds) {
    Config cfg;
    cfg.tasks = T;
    cfg.cpus = C;
    cfg.user_dsqs = D;
    auto m = makeModel(variant, cfg);
    if (!m) {
      r.why = "no executable variant '" + variant + "'";
      return r;
    }
    proofs::CtiMatcher match(sym, cti, theorem, cfg, inv);
    if (!match.usable()) {
      r.why = match.why();
      return r;
    }
    r.searched = true;
    const std::string b = std::to_string(T) + "x" + std::to_string(C) + "x" + std::to_string(D);
    // the custody monitor keeps the ghost bit the projection reads
    InvariantList ghost;
    std::string err;
    selectInvariants("custody", &ghost, &err);
    std::vector<Node> nodes{{m->initial(), -1, {}}};
    std::unordered_set<std::string> seen{bytes(nodes[0].s)};
    bool full = true;
    int64_t hit = -1;
    int actor = -1;
    std::string how;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (match.matches(nodes[i].s, &actor, &how)) {
        hit = static_cast<int64_t>(i);
        break;
      }
      if (nodes.size() >= opt.max_states || elapsed() > opt.time_limit_s || support::interrupted()) {
        full = false;
        continue;  // match what is stored, expand no further
      }
      const State s = nodes[i].s;
      forEachSuccessor(*m, s, [&](State& next, const StepLog& log, const Transition& tr) {
        State n = next;
        std::string why;
        // after a custody violation the ghost bit means nothing: not explored
        if (!ghost.at(0)->onStep(cfg, s, log, n, &why)) return;
        if (!seen.insert(bytes(n)).second) return;
        nodes.push_back({n, static_cast<int64_t>(i), tr});
      });
    }
    r.bounds += (r.bounds.empty() ? "" : ", ") + b + (full ? "" : " (first " + std::to_string(nodes.size()) + " states)");
    if (!full) r.complete = false;
    if (hit < 0) {
      if (elapsed() > opt.time_limit_s || support::interrupted()) break;
      continue;
    }
    // the path to the pre-state, replayed from the initial state
    std::vector<Transition> path;
    for (int64_t q = hit; q > 0; q = nodes[q].parent) path.insert(path.begin(), nodes[q].tr);
    r.found = true;
    r.step = how;
    r.where = b + ", pre-state after " + std::to_string(path.size()) + " steps";
    // the theorem's monitor, and the custody monitor for the ghost bit the
    // projection read
    InvariantList invs;
    if (!selectInvariants(theorem == "custody" ? theorem : theorem + ",custody", &invs, &err)) return r;
    int k = 0;
    for (size_t i = 0; i < invs.size(); ++i)
      if (theorem == invs[i]->id()) k = static_cast<int>(i);
    Counterexample cex;
    State end{};
    r.path_replayed = rerun(*m, invs, path, &cex.steps, &end) &&
                      proofs::projectionKey(cfg, end) == proofs::projectionKey(cfg, nodes[hit].s);
    cex.final_state = end;
    std::ostringstream o;
    printCounterexample(o, *m, cex);
    r.path = o.str();
    if (!r.path_replayed) return r;
    // the CTI's step in the executable model: a step of the same actor from
    // the pre-state that violates the theorem's invariant, or the last of a
    // few consecutive steps of that actor (the executable model may pause
    // inside what the encoding does in one action, e.g. at Pc::ChangeEnqueue)
    struct Link {
      State s;
      std::vector<Step> steps;
    };
    std::vector<Link> frontier{{end, {}}};
    for (int depth = 0; depth < 3 && !r.violation && !frontier.empty(); ++depth) {
      std::vector<Link> next_frontier;
      for (const Link& l : frontier) {
        forEachSuccessor(*m, l.s, [&](State& next, const StepLog& log, const Transition& tr) {
          if (r.violation || (actor >= 0 && tr.actor != actor)) return;
          State n = next;
          const std::string msg = stepViolation(cfg, invs, k, l.s, log, n);
          if (msg.empty()) {
            Link more{n, l.steps};
            more.steps.push_back(Step{tr, log});
            next_frontier.push_back(std::move(more));
            return;
          }
          r.violation = true;
          r.violation_message = msg;
          for (const Step& st : l.steps) cex.steps.push_back(st);
          cex.steps.push_back(Step{tr, log});
          cex.final_state = n;
        });
      }
      frontier.swap(next_frontier);
    }
    if (r.violation) {
      CheckResult cr;
      InvariantResult ir;
      ir.id = theorem;
      ir.status = Status::Violated;
      ir.message = r.violation_message;
      ir.cex = cex;
      cr.invariants.push_back(ir);
      const ReplayOutcome ro = replayCounterexample(nlohmann::json::parse(resultJson(*m, cr).dump()), theorem, nullptr);
      r.violation_replayed = ro.confirmed;
      std::ostringstream v;
      printCounterexample(v, *m, cex);
      r.path = v.str();
    }
    return r;
  }
  return r;
}

}  // namespace scxmc
