#include "rung_lift.hpp"

#include <algorithm>

#include "next_state.hpp"

namespace scxmc {

namespace {

// `big` as the rung sees it: the extra tasks and their actors blanked to
// the rung's unused slots, after checking the actors are at rest.
bool rungView(const State& big, const Config& sc, const Config& bc, const State& small_blank, State* out) {
  State v = big;
  for (int t = sc.tasks; t < bc.tasks; ++t) {
    if (big.actor[bc.cpus + t].pc != static_cast<uint8_t>(Pc::Rest)) return false;
    v.task[t] = small_blank.task[t];
    v.actor[bc.cpus + t] = small_blank.actor[sc.cpus + t];
  }
  // the helper inside its visit of an extra task (ops.init_task's window)
  // is, to the rung, still in the init loop
  if (const uint8_t t = lifeInitTask(big.life_pc); t != kNone && t >= sc.tasks)
    v.life_pc = static_cast<uint8_t>(LifePc::EnInitTask);
  // scx_bypass's cycling marks (kCpuBypassCycledShift) of the extra tasks
  for (int c = 0; c < sc.cpus; ++c)
    v.cpu[c].bypassing &= static_cast<uint8_t>((1u << (kCpuBypassCycledShift + sc.tasks)) - 1);
  *out = v;
  return true;
}

// The actor of the larger model that runs a rung actor's step: CPUs and the
// rung's tasks keep their ids; the lifecycle helper comes after every task,
// and the exit claimer (--sub-scheds) after the helper.
int mapActor(int a, const Config& sc, const Config& bc) {
  return a < sc.actors() ? a : bc.actors() + (a - sc.actors());
}

int indexOf(const InvariantList& invs, const std::string& id) {
  for (size_t i = 0; i < invs.size(); ++i)
    if (invs[i]->id() == id) return static_cast<int>(i);
  return -1;
}

}  // namespace

LiftedCounterexample liftCounterexample(ExtCore& small, const Counterexample& cex, ExtCore& big,
                                        const std::string& invariants, const std::string& id) {
  LiftedCounterexample out;
  const Config& sc = small.config();
  const Config& bc = big.config();
  if (sc.cpus != bc.cpus || sc.tasks > bc.tasks || sc.user_dsqs > bc.user_dsqs || sc.lifecycle != bc.lifecycle ||
      sc.fork_tasks != bc.fork_tasks || sc.cycles != bc.cycles || sc.task_death != bc.task_death || sc.switch_runnable != bc.switch_runnable ||
      sc.switch_walks != bc.switch_walks || sc.proxy != bc.proxy ||
      sc.sub_scheds != bc.sub_scheds || sc.destroy_dsqs != bc.destroy_dsqs || sc.bal_cb != bc.bal_cb ||
      sc.nmi != bc.nmi || sc.sub_migrations != bc.sub_migrations || sc.sub_fail_parent != bc.sub_fail_parent ||
      sc.sub_enable_fail != bc.sub_enable_fail || sc.sub_early_fail != bc.sub_early_fail || sc.sub_cgroup_all != bc.sub_cgroup_all || sc.kicks != bc.kicks || sc.kick_flags != bc.kick_flags) {
    out.error = "the rung is not a smaller configuration of the same machine";
    return out;
  }
  InvariantList sinv, binv;
  std::string err;
  if (!selectInvariants(invariants, &sinv, &err) || !selectInvariants(invariants, &binv, &err)) {
    out.error = err;
    return out;
  }
  const int k = indexOf(binv, id);
  if (k < 0) {
    out.error = "'" + id + "' is a built-in check: not lifted";
    return out;
  }
  // The rung's unused slots, as its states carry them.
  const State blank = small.initial();
  State s = blank;
  State b = big.initial();
  State view;
  if (!rungView(b, sc, bc, blank, &view) || !(view == s)) {
    out.error = "the initial states differ on the rung's tasks";
    return out;
  }
  if (cex.steps.empty()) {
    std::string w;
    if (!binv[k]->onState(bc, b, &w)) {
      out.ok = true;
      out.message = w;
      out.cex.final_state = b;
    } else {
      out.error = "the initial state violates nothing in the larger configuration";
    }
    return out;
  }
  // The transition of `actor` from b whose successor the rung sees as
  // `want` (and, with `progress`, differs from b); false if none.  Several
  // steps can have that successor (a step whose effect the state does not
  // record, like a DSQ destruction, looks like an idle pass of the same
  // actor), so the choice is by rank: the rung's own choice vector `same`
  // first, then, on the trace's last step, one that violates the
  // invariant, then the first in successor order.
  auto match = [&](int actor, const State& want, bool progress, const Transition* same, bool last, Step* st,
                   State* next, std::string* msg) {
    int best = -1;
    forEachSuccessor(big, b, [&](const State& n0, const StepLog& log, const Transition& tr) {
      if (best >= 3 || tr.actor != actor) return;
      State n = n0;
      const std::string v = stepViolation(bc, binv, k, b, log, n);
      State nv;
      if ((progress && n == b) || !rungView(n, sc, bc, blank, &nv) || !(nv == want)) return;
      const bool same_choices =
          same && tr.n == same->n && std::equal(tr.choice.begin(), tr.choice.begin() + tr.n, same->choice.begin());
      const int rank = (same_choices ? 2 : 0) + (last && !v.empty() ? 1 : 0);
      if (rank <= best) return;
      best = rank;
      *st = Step{tr, log};
      *next = n;
      *msg = v;
    });
    return best >= 0;
  };
  std::string last;
  for (size_t i = 0; i < cex.steps.size(); ++i) {
    const Transition& tr = cex.steps[i].tr;
    State sn;
    StepLog slog;
    if (!applyTransition(small, s, tr, &sn, &slog)) {
      out.error = "step " + std::to_string(i + 1) + " does not replay on the rung";
      return out;
    }
    stepViolation(sc, sinv, -1, s, slog, sn);  // the rung's ghosts
    const int actor = mapActor(tr.actor, sc, bc);
    const bool helper = sc.lifecycle && tr.actor == sc.actors();
    Step st;
    State next;
    std::string msg;
    // A helper step may first need the helper's visits of the extra tasks:
    // helper steps the rung does not see (bounded only against a model bug).
    State seen;
    const bool last_step = i + 1 == cex.steps.size();
    for (int visits = 0; !match(actor, sn, false, &tr, last_step, &st, &next, &msg); ++visits) {
      rungView(b, sc, bc, blank, &seen);
      if (!helper || visits >= 4 * (bc.tasks - sc.tasks) || !match(actor, seen, true, nullptr, false, &st, &next, &msg)) {
        out.error = "step " + std::to_string(i + 1) + " (" + small.actorName(tr.actor) +
                    ") has no match on the larger configuration";
        return out;
      }
      out.cex.steps.push_back(st);
      b = next;
      ++out.inserted;
    }
    out.cex.steps.push_back(st);
    b = next;
    last = msg;
    s = sn;
  }
  if (last.empty()) {
    out.error = "the lifted trace's last step violates no '" + id + "' in the larger configuration";
    return out;
  }
  out.ok = true;
  out.message = last;
  out.cex.final_state = b;
  return out;
}

}  // namespace scxmc
