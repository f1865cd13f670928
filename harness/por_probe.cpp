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
// usage: por_probe TASKS USER_DSQS [all|wst] [STATES]   (2 CPUs, the full policy)
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
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: por_probe TASKS USER_DSQS [all|wst] [STATES]\n");
    return 2;
  }
  Config cfg;
  cfg.tasks = std::atoi(argv[1]);
  cfg.user_dsqs = std::atoi(argv[2]);
  if (argc > 3 && std::string(argv[3]) == "wst") cfg.env = kEnvWake | kEnvSleep | kEnvTick;
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
  int total = 0, with = 0, by_cpu = 0, by_task = 0;
  for (const State& s : sample) {
    std::vector<std::pair<Transition, State>> steps;
    forEachSuccessor(*m, s, [&](const State& n, const StepLog&, const Transition& t) { steps.push_back({t, n}); });
    std::vector<bool> enabled(cfg.steppers(), false);
    for (const auto& x : steps) enabled[x.first.actor] = true;
    int actors = 0;
    for (bool e : enabled) actors += e;
    if (actors < 2) continue;
    ++total;
    for (int a = 0; a < cfg.steppers(); ++a) {
      if (!enabled[a]) continue;
      bool commutes = true;
      for (const auto& x : steps) {
        if (x.first.actor != a) continue;
        for (const auto& u : steps) {
          if (u.first.actor == a) continue;
          State xu, ux;
          StepLog log;
          if (!applyTransition(*m, x.second, u.first, &xu, &log) || !applyTransition(*m, u.second, x.first, &ux, &log) ||
              !(xu == ux)) {
            commutes = false;
            break;
          }
        }
        if (!commutes) break;
      }
      if (commutes) {
        ++with;
        (m->isCpu(a) ? by_cpu : by_task) += 1;
        break;
      }
    }
  }
  std::printf("%zu raw states explored, %zu sampled, %d with two or more actors enabled, %d (%.1f%%) of those have "
              "an actor whose steps commute in one step with all others' (a CPU in %d, a task actor in %d)\n",
              seen.size(), sample.size(), total, with, total ? 100.0 * with / total : 0.0, by_cpu, by_task);
  return 0;
}
