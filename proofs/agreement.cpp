#include "agreement.hpp"

#include <deque>
#include <functional>
#include <algorithm>
#include <random>
#include <set>

#include "ghost.hpp"
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

void ghostPastViolation(const State& s, const StepLog& log, State& next) {
  for (int t = 0; t < kMaxTasks; ++t)
    next.task[t].ghost = static_cast<uint8_t>((next.task[t].ghost & ~kGhostCustody) | (s.task[t].ghost & kGhostCustody));
  for (const Event& e : log) {
    if (e.t == kNone) continue;
    uint8_t& g = next.task[e.t].ghost;
    if (e.kind == Ev::OpsDequeue) g &= static_cast<uint8_t>(~kGhostCustody);
    if (entersCustody(e)) g |= kGhostCustody;
  }
}

struct Agreement::Impl {
  SymModel& sym;
  Config cfg;
  bool reverse;
  int max_chain;
  z3::context c;
  Universe U;
  std::unique_ptr<Invariant> custody;
  std::set<std::string> done;
  int serial = 0;
  Impl(SymModel& s, const Config& k, bool rev, int chain)
      : sym(s), cfg(k), reverse(rev), max_chain(chain), U(c, k.tasks, k.cpus, k.user_dsqs) {
    InvariantList l;
    std::string err;
    selectInvariants("custody", &l, &err);
    custody = std::move(l.at(0));
  }
};

Agreement::Agreement(SymModel& sym, const Config& cfg, bool reverse, int max_chain)
    : impl_(std::make_unique<Impl>(sym, cfg, reverse, max_chain)) {}
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
    if (!I.custody->onStep(cfg, s, log, n, &why)) ghostPastViolation(s, log, n);
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
    noCtrlC(sv);
    sv.add(I.U.axioms());
    std::vector<PathStep> path;
    z3::model wm(I.c);  // the witness's model
    bool exhausted = false;
    // breadth-first over chains of action kinds (shortest first); each chain
    // is built once and extended, guards are simplified on the concrete
    // pre-state so only the choices stay symbolic, and only the kinds whose
    // pc matches the actor's (concrete) pc are built
    auto search = [&](const SymState& root, int max_depth, const std::function<z3::expr(const SymState&)>& goalOf) {
      struct Node {
        int parent;
        PathStep step;
        z3::expr guard;
        SymState x;
      };
      std::vector<Node> nodes;
      std::vector<int> level{-1};
      int built = 0;
      for (int depth = 1; depth <= max_depth; ++depth) {
        std::vector<int> next;
        for (const int p : level) {
          const SymState x = p < 0 ? root : nodes[p].x;  // (nodes grows below)
          const z3::expr pc = z3::select(x.f[APC], actor).simplify(sp);
          for (int kind = 0; kind < static_cast<int>(SymModel::kinds().size()); ++kind) {
            const ActionKind& ak = SymModel::kinds()[kind];
            if ((ak.cpu_only && sc.actor >= cfg.cpus) || (ak.task_only && sc.actor < cfg.cpus)) continue;
            if (pc.is_numeral() && pc.get_numeral_int() != SymModel::requiredPc(kind)) continue;
            if (++built > kBudget) {
              exhausted = true;
              return 0;
            }
            z3::expr task = I.c.bool_val(false);
            ActionInstance inst =
                I.sym.build(I.U, kind, actor, x, tag + ".p" + std::to_string(I.serial++), &task);
            const z3::expr g = inst.guard.simplify(sp);
            if (g.is_false()) continue;
            sv.push();
            for (int q = p; q >= 0; q = nodes[q].parent) sv.add(nodes[q].guard);
            sv.add(g);
            if (sv.check() != z3::sat) {
              sv.pop();
              continue;
            }
            SymState nx = inst.next;
            for (auto& f : nx.f) f = f.simplify(sp);
            sv.push();
            sv.add(goalOf(nx).simplify(sp));
            if (sv.check() == z3::sat) {
              wm = sv.get_model();
              path.clear();
              path.push_back({kind, inst, task});
              for (int q = p; q >= 0; q = nodes[q].parent) path.insert(path.begin(), nodes[q].step);
              sv.pop();
              sv.pop();
              return depth;
            }
            sv.pop();
            sv.pop();
            nodes.push_back({p, {kind, inst, task}, g, nx});
            next.push_back(static_cast<int>(nodes.size()) - 1);
          }
        }
        level = std::move(next);
      }
      return 0;
    };
    auto fwdGoal = [&](const SymState& nx) {
      z3::expr goal(I.c);
      std::string e2;
      projectState(I.U, cfg, sc.next, nx, &goal, &e2);
      return goal;
    };
    const int found = search(x0, I.max_chain, fwdGoal);
    if (!found) {
      st_.failures.push_back(std::string(exhausted ? "(search budget exhausted) " : "") + "forward: " + model.actorName(sc.actor) + " step from [" + pre + "] to [" + post +
                             "] is no sequence of at most " + std::to_string(I.max_chain) +
                             " symbolic actions");
      ok = false;
      continue;
    }
    if (found > st_.max_chain) st_.max_chain = found;
    if (!I.reverse) continue;
    // reverse: the same kinds, actor and tasks; the abstraction's own choices
    // fixed to the witness; BPF and environment decisions free
    const z3::model m = wm;
    z3::solver rv(I.c);
    noCtrlC(rv);
    rv.add(I.U.axioms());
    SymState x = x0;
    std::string names;
    // the rq a task actor's process_ddsp_deferred_locals runs on is its
    // frame's home, which the projection leaves out: the rq it woke on when
    // the wakeup is in the same step (task_woken_scx), else the witness's
    std::unique_ptr<z3::expr> woke_on;
    for (const PathStep& ps : path) {
      rv.add(ps.inst.guard);
      if (!ps.task.get_sort().is_bool()) rv.add(ps.task == m.eval(ps.task, true));
      for (const z3::expr& p : ps.inst.params) {
        const std::string pn = p.decl().name().str();
        if (abstractionChoice(pn)) rv.add(p == m.eval(p, true));
        if (ps.inst.name == "try_to_wake_up" && pn.find(".cpu!") != std::string::npos)
          woke_on = std::make_unique<z3::expr>(p);
        if (ps.inst.name == "process_ddsp_deferred_locals" && pn.find(".rq!") != std::string::npos &&
            sc.actor >= cfg.cpus)
          rv.add(p == (woke_on ? *woke_on : m.eval(p, true)));
      }
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
      std::string choices;
      for (const PathStep& ps : fwd)
        for (const z3::expr& p : ps.inst.params)
          choices += " " + p.decl().name().str() + "=" + rm.eval(p, true).to_string();
      // the next symbolic successor differs in some field (the witnesses,
      // which the projection leaves free, aside)
      z3::expr samePost = I.c.bool_val(true);
      for (int f = 0; f < NF; ++f)
        if (f != DSPA && f != MIG && f != RQH) samePost = samePost && last.f[f] == xc.f[f];
      rv.add(!samePost);
      const bool cont = search(xc, I.max_chain - found, execGoal) > 0;
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
  AgreementOptions o;
  o.first = max_states;
  o.reverse = reverse;
  return checkAgreement(sym, model, o);
}

AgreementStats checkAgreement(SymModel& sym, ExtCore& model, const AgreementOptions& opt) {
  const uint32_t env = sym.env;
  sym.env = model.config().env;
  Agreement ag(sym, model.config(), opt.reverse, opt.max_chain);
  InvariantList l;
  std::string err;
  selectInvariants("custody", &l, &err);
  // breadth-first: the first `first` states are checked, the next states up
  // to `explore` are the pool the seeded sample is drawn from
  std::set<std::string> seen;
  std::deque<State> todo{model.initial()};
  std::vector<State> pool;
  const size_t limit = std::max(opt.first, opt.explore);
  size_t selected = 0;
  while (!todo.empty() && seen.size() < limit) {
    // only selected states wanted after the first ones: stop once they are found
    if (opt.select && !opt.sampled && seen.size() >= opt.first && selected >= opt.selected) break;
    const State s = todo.front();
    todo.pop_front();
    if (!seen.insert(std::string(reinterpret_cast<const char*>(&s), sizeof(State))).second) continue;
    if (seen.size() <= opt.first) {
      ag.checkState(model, s);
      if (opt.max_failures && ag.stats().failures.size() >= opt.max_failures) break;
    } else if (opt.select && selected < opt.selected && opt.select(s)) {
      ++selected;
      ag.checkState(model, s);
      if (opt.max_failures && ag.stats().failures.size() >= opt.max_failures) break;
    } else {
      pool.push_back(s);
    }
    forEachSuccessor(model, s, [&](State& next, const StepLog& log, const Transition&) {
      State n = next;
      std::string why;
      if (!l.at(0)->onStep(model.config(), s, log, n, &why)) ghostPastViolation(s, log, n);
      todo.push_back(n);
    });
  }
  std::mt19937 rng(opt.seed);
  std::shuffle(pool.begin(), pool.end(), rng);
  for (size_t i = 0; i < pool.size() && i < opt.sampled; ++i) {
    if (opt.max_failures && ag.stats().failures.size() >= opt.max_failures) break;
    ag.checkState(model, pool[i]);
  }
  AgreementStats st = ag.stats();
  st.states = std::min(seen.size(), opt.first) + selected + std::min(pool.size(), opt.sampled);
  st.explored = seen.size();
  sym.env = env;
  return st;
}

}  // namespace scxmc::proofs
