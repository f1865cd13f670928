// por_probe: a measurement for the partial-order reduction that issue 2 still
// needs, not part of the checker.  It explores the first N raw states (no
// symmetry, no monitors) breadth-first, samples about 8000 of them, and
// counts the sampled states with two or more actors enabled in which one
// actor's every enabled step commutes in one step with every enabled step
// of every other actor (s.a.u == s.u.a, both enabled).  That is necessary
// (not sufficient: later steps of others count too) for "the steps of that
// actor" to be an ample set, so the figure bounds how often such a
// reduction could apply.
//
// With `gain` it instead explores every raw state three times: fully; expanding,
// where such an actor exists, only that actor's steps; and expanding only the
// enabled steps of the smallest component (fewest steps) of the one-step
// conflict graph between actors (two actors conflict when some step of one
// does not commute in one step with some step of the other).  A persistent
// set must be closed under one-step conflict between enabled steps, so no
// persistent-set reduction expands fewer steps in a state than the last
// choice; with no cycle proviso and no visibility condition, both figures
// are optimistic bounds on what a sound partial-order reduction can save.
//
// With `lockfree` (issue 22, session 10) the commuting actor must also take
// no lock in any of its enabled steps (no Ev::Lock or Ev::Wait): a persistent
// set that contains a step taking lock L must contain every actor that can
// take L before that step runs, and every CPU and task actor can later take
// every rq and DSQ lock, so only such steps can form a persistent set of one
// actor.  The figure bounds the reduction a sound POR gets from this model's
// steps (still without proviso and visibility).  `gain lockfree` explores
// twice (fully, and expanding only such an actor); the sampling mode with
// `lockfree` also prints the share of steps expanded in the sampled states,
// and `pcs` lists where those actors are paused.
//
// With `quiet` (issue 22, session 16) the actor's steps must also be
// invisible in the mildest sense a sound reduction could use: every event
// they log is a `Site` (a source-location marker) or an `Unlock`, none of
// the events through which the monitors see the kernel (callbacks, kfuncs,
// ops_state and custody writes, DSQ links, switches, task states).  Site
// events still feed `kernel-warn` and Unlock events `lock-order`, so even
// this bound is optimistic.
//
// usage: por_probe TASKS USER_DSQS [all|wst] [STATES | gain] [lockfree] [quiet] [pcs]   (2 CPUs, the full policy)
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "next_state.hpp"
#include "variants.hpp"

using namespace scxmc;

namespace {
struct StateHash {
  size_t operator()(const State& s) const {
    const auto* p = reinterpret_cast<const uint8_t*>(&s);
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < sizeof(State); ++i) h = (h ^ p[i]) * 1099511628211ull;
    return h;
  }
};
using Steps = std::vector<std::pair<Transition, State>>;
// With `lockfree`: whether each enabled step takes no lock (set by successors()).
std::vector<uint8_t> g_lockfree;
bool g_need_lockfree = false;
bool g_need_quiet = false;  // `quiet`: lockfree and only Site/Unlock events

// Whether two enabled steps (each with its successor) commute in one step:
// both stay enabled after the other and reach the same state.
bool commute(ExtCore& m, const std::pair<Transition, State>& x, const std::pair<Transition, State>& u) {
  State xu, ux;
  StepLog log;
  return applyTransition(m, x.second, u.first, &xu, &log) && applyTransition(m, u.second, x.first, &ux, &log) &&
         xu == ux;
}

// An enabled actor whose every step commutes in one step with every enabled
// step of every other actor, or -1 (also when fewer than two are enabled).
int commutingActor(ExtCore& m, const Steps& steps) {
  std::vector<bool> enabled(m.config().steppers(), false);
  for (const auto& x : steps) enabled[x.first.actor] = true;
  int actors = 0;
  for (bool e : enabled) actors += e;
  if (actors < 2) return -1;
  for (int a = 0; a < m.config().steppers(); ++a) {
    if (!enabled[a]) continue;
    bool commutes = true;
    for (size_t i = 0; i < steps.size(); ++i) {
      const auto& x = steps[i];
      if (x.first.actor != a) continue;
      if (g_need_lockfree && !g_lockfree[i]) {
        commutes = false;
        break;
      }
      for (const auto& u : steps) {
        if (u.first.actor == a) continue;
        if (!commute(m, x, u)) {
          commutes = false;
          break;
        }
      }
      if (!commutes) break;
    }
    if (commutes) return a;
  }
  return -1;
}

// The enabled actors of the smallest (fewest steps) component of the
// one-step conflict graph, as a bit mask; 0 if there is one component.
uint32_t smallestComponent(ExtCore& m, const Steps& steps) {
  const int n = m.config().steppers();
  uint32_t enabled = 0, conflict[32] = {};
  int count[32] = {};
  for (const auto& x : steps) enabled |= 1u << x.first.actor, ++count[x.first.actor];
  for (size_t i = 0; i < steps.size(); ++i)
    for (size_t j = 0; j < steps.size(); ++j) {
      const int a = steps[i].first.actor, b = steps[j].first.actor;
      if (a >= b || (conflict[a] >> b & 1)) continue;
      if (!commute(m, steps[i], steps[j])) conflict[a] |= 1u << b, conflict[b] |= 1u << a;
    }
  uint32_t best = 0, seen = 0;
  int best_steps = 1 << 30;
  for (int a = 0; a < n; ++a) {
    if (!(enabled >> a & 1) || (seen >> a & 1)) continue;
    uint32_t comp = 1u << a, frontier = comp;
    while (frontier) {
      const int b = __builtin_ctz(frontier);
      frontier &= frontier - 1;
      const uint32_t add = conflict[b] & enabled & ~comp;
      comp |= add, frontier |= add;
    }
    seen |= comp;
    int k = 0;
    for (int b = 0; b < n; ++b) if (comp >> b & 1) k += count[b];
    if (k < best_steps) best = comp, best_steps = k;
  }
  return best == enabled ? 0 : best;
}

Steps successors(ExtCore& m, const State& s) {
  Steps steps;
  g_lockfree.clear();
  forEachSuccessor(m, s, [&](const State& n, const StepLog& log, const Transition& t) {
    steps.push_back({t, n});
    bool lockfree = true;
    for (const Event& e : log)
      lockfree = lockfree && e.kind != Ev::Lock && e.kind != Ev::Wait &&
                 (!g_need_quiet || e.kind == Ev::Site || e.kind == Ev::Unlock);
    g_lockfree.push_back(lockfree);
  });
  return steps;
}

// Raw states reachable breadth-first; with `reduce`, a state with a
// commuting actor expands only that actor's steps.
size_t explore(ExtCore& m, bool reduce, bool comp = false) {
  std::unordered_set<State, StateHash> seen;
  std::deque<State> queue;
  const State s0 = m.initial();
  seen.insert(s0);
  queue.push_back(s0);
  while (!queue.empty()) {
    const State s = queue.front();
    queue.pop_front();
    const Steps steps = successors(m, s);
    const int only = reduce && !comp ? commutingActor(m, steps) : -1;
    const uint32_t mask = comp ? smallestComponent(m, steps) : 0;
    for (const auto& x : steps)
      if ((only < 0 || x.first.actor == only) && (!mask || (mask >> x.first.actor & 1)) &&
          seen.insert(x.second).second)
        queue.push_back(x.second);
  }
  return seen.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: por_probe TASKS USER_DSQS [all|wst] [STATES | gain] [lockfree] [quiet] [pcs]\n");
    return 2;
  }
  Config cfg;
  cfg.tasks = std::atoi(argv[1]);
  cfg.user_dsqs = std::atoi(argv[2]);
  if (argc > 3 && std::string(argv[3]) == "wst") cfg.env = kEnvWake | kEnvSleep | kEnvTick;
  bool pcs = false;
  for (int i = 5; i < argc; ++i) {
    const std::string o = argv[i];
    if (o == "lockfree") {
      g_need_lockfree = true;
    } else if (o == "quiet") {
      g_need_lockfree = g_need_quiet = true;
    } else if (o == "pcs") {
      pcs = true;
    } else {
      std::fprintf(stderr, "por_probe: unknown option '%s' (lockfree, quiet, pcs)\n", argv[i]);
      return 2;
    }
  }
  if (argc > 4 && std::string(argv[4]) == "gain") {
    if (const std::string bad = cfg.validate(); !bad.empty()) {
      std::fprintf(stderr, "por_probe: %s\n", bad.c_str());
      return 2;
    }
    auto m = makeModel("linux-7.3.4", cfg);
    if (g_need_lockfree) {
      const size_t full = explore(*m, false), reduced = explore(*m, true);
      std::printf("%zu raw states; %zu expanding only an actor whose steps take no lock%s and commute in one step with "
                  "all others' (%.2fx fewer)\n",
                  full, reduced, g_need_quiet ? ", log only Site and Unlock events" : "",
                  static_cast<double>(full) / static_cast<double>(reduced));
      return 0;
    }
    const size_t full = explore(*m, false), reduced = explore(*m, true), comp = explore(*m, true, true);
    std::printf("%zu raw states; %zu expanding only a commuting actor where one exists (%.2fx fewer); %zu expanding "
                "the smallest component of the one-step conflict graph (%.2fx fewer)\n",
                full, reduced, static_cast<double>(full) / static_cast<double>(reduced), comp,
                static_cast<double>(full) / static_cast<double>(comp));
    return 0;
  }
  const size_t cap = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 400000;
  if (const std::string bad = cfg.validate(); !bad.empty() || cap < 8000) {
    std::fprintf(stderr, "por_probe: %s\n", bad.empty() ? "STATES must be at least 8000" : bad.c_str());
    return 2;
  }
  auto m = makeModel("linux-7.3.4", cfg);
  std::unordered_set<State, StateHash> seen;
  std::deque<State> queue;
  std::vector<State> sample;
  std::mt19937 rng(1);
  const State s0 = m->initial();
  seen.insert(s0);
  queue.push_back(s0);
  while (!queue.empty() && seen.size() < cap) {
    const State s = queue.front();
    queue.pop_front();
    if (rng() % (cap / 8000) == 0) sample.push_back(s);
    forEachSuccessor(*m, s, [&](const State& n, const StepLog&, const Transition&) {
      if (seen.insert(n).second) queue.push_back(n);
    });
  }
  int total = 0, with = 0, by_cpu = 0, by_task = 0, with_comp = 0;
  size_t all_steps = 0, comp_steps = 0, act_all = 0, act_steps = 0;
  for (const State& s : sample) {
    const Steps steps = successors(*m, s);
    std::vector<bool> enabled(cfg.steppers(), false);
    for (const auto& x : steps) enabled[x.first.actor] = true;
    int actors = 0;
    for (bool e : enabled) actors += e;
    if (actors < 2) continue;
    ++total;
    const uint32_t comp = smallestComponent(*m, steps);
    all_steps += steps.size();
    for (const auto& x : steps) comp_steps += !comp || (comp >> x.first.actor & 1);
    with_comp += comp != 0;
    const int a = commutingActor(*m, steps);
    if (a >= 0) {
      act_all += steps.size();
      for (const auto& x : steps) act_steps += x.first.actor == a;
    } else {
      act_all += steps.size();
      act_steps += steps.size();
    }
    if (a < 0) continue;
    if (pcs) std::printf("pc %s%s\n", pcName(s.actor[a].pc), m->isCpu(a) ? " (cpu)" : " (task)");
    ++with;
    (m->isCpu(a) ? by_cpu : by_task) += 1;
  }
  std::printf("%zu raw states explored, %zu sampled, %d with two or more actors enabled, %d (%.1f%%) of those have "
              "an actor whose steps commute in one step with all others' (a CPU in %d, a task actor in %d)\n",
              seen.size(), sample.size(), total, with, total ? 100.0 * with / total : 0.0, by_cpu, by_task);
  std::printf("%d (%.1f%%) of those have a conflict-graph component smaller than all enabled actors; expanding the "
              "smallest one takes %zu of their %zu steps (%.2fx fewer)\n",
              with_comp, total ? 100.0 * with_comp / total : 0.0, comp_steps, all_steps,
              comp_steps ? static_cast<double>(all_steps) / static_cast<double>(comp_steps) : 0.0);
  std::printf("expanding only the commuting actor where one exists takes %zu of %zu steps (%.2fx fewer)\n", act_steps,
              act_all, act_steps ? static_cast<double>(act_all) / static_cast<double>(act_steps) : 0.0);
  return 0;
}
