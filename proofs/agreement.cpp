#include "agreement.hpp"

#include <deque>
#include <functional>
#include <set>

#include "invariant.hpp"
#include "next_state.hpp"
#include "projection.hpp"

namespace scxmc::proofs {

namespace {
// The abstraction's own choices (what the projection does not track); fixed
// from the forward witness in the reverse check.  Every other choice is a BPF
// or environment decision the executable model also enumerates.
bool abstractionChoice(const std::string& name) {
  return name.find("slice_left") != std::string::npos || name.find("_allowed") != std::string::npos ||
         name.find("mask_pins") != std::string::npos || name.find("rq_not_allowed") != std::string::npos;
}
}  // namespace

struct Agreement::Impl {
  SymModel& sym;
  Config cfg;
  bool reverse;
  z3::context c;
  Universe U;
  std::unique_ptr<Invariant> custody;
  std::set<std::string> done;
  int serial = 0;
  Impl(SymModel& s, const Config& k, bool rev)
      : sym(s), cfg(k), reverse(rev), U(c, k.tasks, k.cpus, k.user_dsqs) {
    InvariantList l;
    std::string err;
    selectInvariants("custody", &l, &err);
    custody = std::move(l.at(0));
  }
};

Agreement::Agreement(SymModel& sym, const Config& cfg, bool reverse)
    : impl_(std::make_unique<Impl>(sym, cfg, reverse)) {}
Agreement::~Agreement() = default;

namespace {
constexpr int kBudget = 600;   // action instances built per transition
struct PathStep {
  int kind;
  ActionInstance inst;
  z3::expr task;
};
}  // namespace

bool Agreement::checkState(ExtCore& model, const State& s) {
  Impl& I = *impl_;
  const Config& cfg = I.cfg;
  struct Succ {
    State next;
    int actor;
  };
  std::vector<Succ> succ;
  forEachSuccessor(model, s, [&](State& next, const StepLog& log, const Transition& tr) {
    State n = next;
    std::string why;
    I.custody->onStep(cfg, s, log, n, &why);
    succ.push_back({n, tr.actor});
  });
  const std::string pre = projectionKey(cfg, s);
  SymState x0;
  std::string err;
  if (!concreteState(I.U, cfg, s, &x0, &err)) {
    st_.failures.push_back("projection: " + err);
    return false;
  }
  z3::params sp(I.c);
  sp.set("expand_select_store", true);
  sp.set("expand_select_ite", true);
  bool ok = true;
  for (const Succ& sc : succ) {
    ++st_.transitions;
    const std::string post = projectionKey(cfg, sc.next);
    const std::string key = pre + "|" + std::to_string(sc.actor) + "|" + post;
    if (!I.done.insert(key).second) continue;
    ++st_.distinct;
    if (pre == post) {
      ++st_.stutters;
      continue;
    }
    const std::string tag = "t" + std::to_string(I.serial++);
    const z3::expr actor = I.U.actor(sc.actor);
    z3::solver sv(I.c);
    sv.add(I.U.axioms());
    std::vector<PathStep> path;
    int built = 0;
    // iterative deepening DFS over action kinds; guards are simplified on the
    // concrete pre-state, so only the choices stay symbolic
    std::function<z3::expr(const SymState&)> goalOf = [&](const SymState& nx) {
      z3::expr goal(I.c);
      std::string e2;
      projectState(I.U, cfg, sc.next, nx, &goal, &e2);
      return goal;
    };
    std::function<bool(const SymState&, int)> dfs = [&](const SymState& x, int depth) -> bool {
      for (int kind = 0; kind < static_cast<int>(SymModel::kinds().size()); ++kind) {
        if (built > kBudget) return false;  // reported as a divergence below
        z3::expr task = I.c.bool_val(false);
        ActionInstance inst = I.sym.build(I.U, kind, actor, x, tag + ".p" + std::to_string(built++), &task);
        const z3::expr g = inst.guard.simplify(sp);
        if (g.is_false()) continue;
        sv.push();
        sv.add(g);
        if (sv.check() != z3::sat) {
          sv.pop();
          continue;
        }
        SymState nx = inst.next;
        for (auto& f : nx.f) f = f.simplify(sp);
        path.push_back({kind, inst, task});
        if (depth == 1) {
          sv.push();
          sv.add(goalOf(nx).simplify(sp));
          if (sv.check() == z3::sat) return true;
          sv.pop();
        } else if (dfs(nx, depth - 1)) {
          return true;
        }
        path.pop_back();
        sv.pop();
      }
      return false;
    };
    int found = 0;
    for (int k = 1; k <= Agreement::kMaxChain && !found; ++k)
      if (dfs(x0, k)) found = k;
    if (!found) {
      st_.failures.push_back(std::string(built > kBudget ? "(search budget exhausted) " : "") + "forward: " + model.actorName(sc.actor) + " step from [" + pre + "] to [" + post +
                             "] is no sequence of at most " + std::to_string(Agreement::kMaxChain) +
                             " symbolic actions");
      ok = false;
      continue;
    }
    if (found > st_.max_chain) st_.max_chain = found;
    if (!I.reverse) continue;
    // reverse: the same kinds, actor and tasks; the abstraction's own choices
    // fixed to the witness; BPF and environment decisions free
    z3::model m = sv.get_model();
    z3::solver rv(I.c);
    rv.add(I.U.axioms());
    SymState x = x0;
    std::string names;
    for (const PathStep& ps : path) {
      rv.add(ps.inst.guard);
      if (!ps.task.get_sort().is_bool()) rv.add(ps.task == m.eval(ps.task, true));
      for (const z3::expr& p : ps.inst.params)
        if (abstractionChoice(p.decl().name().str())) rv.add(p == m.eval(p, true));
      names += std::string(names.empty() ? "" : ", ") + ps.inst.name;
    }
    const std::vector<PathStep> fwd = path;
    const SymState last = fwd.back().inst.next;
    z3::expr someExec = I.c.bool_val(false);
    for (const Succ& o : succ) {
      if (o.actor != sc.actor) continue;
      z3::expr q(I.c);
      projectState(I.U, cfg, o.next, last, &q, &err);
      someExec = someExec || q;
    }
    rv.add((!someExec).simplify(sp));
    ++st_.reverse;
    // a symbolic successor no executable step reaches must be a point inside
    // an executable step: the same actor continues from it (in the model the
    // step runs on until the actor pauses) to some executable successor
    auto execGoal = [&](const SymState& nx) {
      z3::expr q = I.c.bool_val(false);
      for (const Succ& o : succ) {
        if (o.actor != sc.actor) continue;
        z3::expr e(I.c);
        std::string e2;
        projectState(I.U, cfg, o.next, nx, &e, &e2);
        q = q || e;
      }
      return q;
    };
    for (int round = 0; round < 64; ++round) {
      if (rv.check() != z3::sat) break;
      z3::model rm = rv.get_model();
      SymState xc = last;
      for (auto& f : xc.f) f = rm.eval(f, true);
      z3::expr same = I.c.bool_val(true);
      std::string choices;
      for (const PathStep& ps : fwd)
        for (const z3::expr& p : ps.inst.params) {
          same = same && p == rm.eval(p, true);
          choices += " " + p.decl().name().str() + "=" + rm.eval(p, true).to_string();
        }
      rv.add(!same);
      sv.reset();
      sv.add(I.U.axioms());
      goalOf = execGoal;
      path.clear();
      bool cont = false;
      for (int k = 1; k <= Agreement::kMaxChain - found && !cont; ++k) cont = dfs(xc, k);
      if (!cont) {
        st_.failures.push_back("reverse: from [" + pre + "] " + model.actorName(sc.actor) + " via " + names +
                               " with" + choices +
                               ": the symbolic relation reaches a projection no executable step reaches");
        ok = false;
        break;
      }
    }
  }
  return ok;
}

AgreementStats checkAgreement(SymModel& sym, ExtCore& model, size_t max_states, bool reverse) {
  const uint32_t env = sym.env;
  sym.env = model.config().env;
  Agreement ag(sym, model.config(), reverse);
  InvariantList l;
  std::string err;
  selectInvariants("custody", &l, &err);
  std::set<std::string> seen;
  std::deque<State> todo{model.initial()};
  while (!todo.empty() && seen.size() < max_states) {
    const State s = todo.front();
    todo.pop_front();
    if (!seen.insert(std::string(reinterpret_cast<const char*>(&s), sizeof(State))).second) continue;
    ag.checkState(model, s);
    forEachSuccessor(model, s, [&](State& next, const StepLog& log, const Transition&) {
      State n = next;
      std::string why;
      l.at(0)->onStep(model.config(), s, log, n, &why);
      todo.push_back(n);
    });
  }
  sym.env = env;
  return ag.stats();
}

}  // namespace scxmc::proofs
