// Shared helpers for the GoogleTest suites.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <vector>
#include <string>
#include <unordered_set>

#include <gtest/gtest.h>

#include "checker.hpp"
#include "pack.hpp"
#include "replay.hpp"
#include "report.hpp"
#include "variants.hpp"

namespace scxmc::test {

// A seeded custody bug: a local insert ends custody without calling
// ops.dequeue() (mutation_test.cpp, checker_threads_test.cpp).
class ForgetLocalDequeue : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-forget-local-dequeue"; }
  void rqOwnedPostEnq(uint8_t, uint8_t t) override {
    site(Site::RqOwnedPostEnq);
    leaveCustody(t);  // BUG: no ops.dequeue
  }
};

inline Config smallConfig(int tasks, int cpus, int dsqs, const std::string& policy = "full") {
  Config c;
  c.tasks = tasks;
  c.cpus = cpus;
  c.user_dsqs = dsqs;
  std::string err;
  EXPECT_TRUE(Policy::parse(policy, &c.policy, &err)) << err;
  EXPECT_EQ(c.validate(), "");
  return c;
}

inline CheckResult check(ExtCore& m, const std::string& invs, Limits lim = Limits{}) {
  InvariantList list;
  std::string err;
  EXPECT_TRUE(selectInvariants(invs, &list, &err)) << err;
  Checker c(m, std::move(list), lim);
  return c.run();
}

// check() with an observer of every transition it expands.
inline CheckResult checkObserved(ExtCore& m, const std::string& invs, Observer obs, Limits lim = Limits{}) {
  InvariantList list;
  std::string err;
  EXPECT_TRUE(selectInvariants(invs, &list, &err)) << err;
  Checker c(m, std::move(list), lim);
  c.setObserver(std::move(obs));
  return c.run();
}

inline const InvariantResult& resultOf(const CheckResult& r, const std::string& id);

// The whole search (no stop at the first violation) of `m` with and without
// the reductions (symmetry, dead fields, subsumption) gives each of `ids`
// the same status and counterexample length; returns the reduced result.
inline CheckResult expectReductionsKeep(ExtCore& m, const std::string& invs, std::initializer_list<const char*> ids) {
  Limits nosym;
  nosym.symmetry = false;
  const CheckResult a = check(m, invs), b = check(m, invs, nosym);
  EXPECT_TRUE(a.complete);
  EXPECT_TRUE(b.complete);
  for (const char* id : ids) {
    const InvariantResult &ra = resultOf(a, id), &rb = resultOf(b, id);
    EXPECT_EQ(ra.status, rb.status) << id;
    EXPECT_EQ(ra.cex.steps.size(), rb.cex.steps.size()) << id;
  }
  return a;
}

inline const InvariantResult& resultOf(const CheckResult& r, const std::string& id) {
  for (const auto& i : r.invariants)
    if (i.id == id) return i;
  ADD_FAILURE() << "no result for " << id;
  static InvariantResult none;
  return none;
}

// Saves the result as `scxmc check --json` would and replays it.
inline ReplayOutcome replay(const ExtCore& m, const CheckResult& r, const std::string& id) {
  const nlohmann::json doc = nlohmann::json::parse(resultJson(m, r).dump());
  return replayCounterexample(doc, id, nullptr);
}

// The first successor of `s` whose step log satisfies `pred`.
inline bool findStep(ExtCore& m, const State& s, const std::function<bool(const StepLog&, const State&)>& pred,
                     State* out, StepLog* log = nullptr) {
  bool found = false;
  forEachSuccessor(m, s, [&](State& next, const StepLog& l, const Transition&) {
    if (found || !pred(l, next)) return;
    found = true;
    *out = next;
    if (log) *log = l;
  });
  return found;
}

// Visits every reachable state once (depth-first, up to `limit` states);
// `on_step`, if given, sees the log of every step taken from a visited state.
inline size_t forEachReachable(ExtCore& m, size_t limit, const std::function<void(const State&)>& fn,
                               const std::function<void(const StepLog&)>& on_step = nullptr) {
  const Codec codec(m.config());
  std::unordered_set<std::string> seen;
  std::vector<State> todo{m.initial()};
  while (!todo.empty() && seen.size() < limit) {
    const State s = todo.back();
    todo.pop_back();
    std::string b(codec.bytes(), '\0');
    EXPECT_TRUE(codec.pack(s, reinterpret_cast<uint8_t*>(b.data())));
    if (!seen.insert(b).second) continue;
    fn(s);
    forEachSuccessor(m, s, [&](State& n, const StepLog& log, const Transition&) {
      if (on_step) on_step(log);
      todo.push_back(n);
    });
  }
  return seen.size();
}

// Variant `variant` on `cfg` violates `inv` with a message containing
// `phrase`, and the counterexample replays to the same message (the
// seeded-bug tests of lifecycle_test.cpp and sub_sched_test.cpp).
inline void expectCaughtOn(const std::string& variant, const Config& cfg, const std::string& inv,
                           const std::string& phrase) {
  auto m = makeModel(variant, cfg);
  ASSERT_NE(m, nullptr) << variant;
  Limits lim;
  lim.stop_at_first = true;
  const CheckResult r = check(*m, inv, lim);
  const InvariantResult& ir = resultOf(r, inv);
  ASSERT_EQ(ir.status, Status::Violated) << variant << " not caught by " << inv;
  EXPECT_NE(ir.message.find(phrase), std::string::npos) << ir.message;
  const ReplayOutcome o = replay(*m, r, inv);
  EXPECT_TRUE(o.confirmed) << o.error;
  EXPECT_EQ(o.message, ir.message);
}

inline bool has(const StepLog& l, Ev k, uint8_t t = kNone) {
  for (const Event& e : l)
    if (e.kind == k && (t == kNone || e.t == t)) return true;
  return false;
}

}  // namespace scxmc::test
