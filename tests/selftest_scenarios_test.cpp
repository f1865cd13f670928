// The kernel's own selftests tools/testing/selftests/sched_ext/dequeue.c,
// dequeue_iter.c and dequeue_remote.c, expressed as model policies (presets
// st-dequeue-*) and checked exhaustively on 2 tasks x 2 CPUs, with the
// outcome each selftest asserts:
//   dequeue 0,1,3,4  terminal DSQs: no ops.dequeue() at all (dequeue.c:171-180)
//   dequeue 2,5,6    user DSQ / BPF queue: ops.dequeue() happens and every
//                    custody period gets exactly one (enqueue_cnt == dequeue_cnt)
//   dequeue_iter     ops.dequeue() runs without the DSQ lock (it iterates it)
//   dequeue_remote   dequeue precedes running across remote dispatch; remote
//                    dispatches happen; no late SCX_DEQ_CORE_SCHED_EXEC
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace scxmc {
namespace {

struct Counts {
  uint64_t dequeues = 0, enqueues_kept = 0, core_exec_dequeues = 0, remote_inserts = 0, running = 0;
};

Counts explore(const std::string& policy, CheckResult* out) {
  Config c = test::smallConfig(2, 2, 1, policy);
  ExtCore m(c);
  InvariantList invs;
  std::string err;
  EXPECT_TRUE(selectInvariants("all", &invs, &err));
  Checker ck(m, std::move(invs), Limits{});
  Counts n;
  ck.setObserver([&](const State& from, const StepLog& log, const State&) {
    for (const Event& e : log) {
      if (e.kind == Ev::OpsDequeue) {
        ++n.dequeues;
        if (e.a & kDeqCoreSchedExec) ++n.core_exec_dequeues;
      }
      if (e.kind == Ev::OpsEnqueue && e.b == kNone) ++n.enqueues_kept;
      if (e.kind == Ev::OpsRunning) ++n.running;
      // a dispatch to LOCAL_ON|cpu of a task whose rq is another CPU
      if (e.kind == Ev::Claim && targetKind(e.b) == TargetKind::LocalOn && from.task[e.t].cpu != targetArg(e.b))
        ++n.remote_inserts;
    }
  });
  *out = ck.run();
  return n;
}

void expectAllHold(const CheckResult& r, const std::string& policy) {
  EXPECT_TRUE(r.complete) << policy << ": " << r.incomplete_reason;
  for (const auto& i : r.invariants)
    EXPECT_EQ(i.status, Status::Holds) << policy << ": " << i.id << ": " << i.message;
}

class DequeueTerminal : public ::testing::TestWithParam<int> {};
TEST_P(DequeueTerminal, NoDequeueForTerminalDsqs) {
  const std::string p = "st-dequeue-" + std::to_string(GetParam());
  CheckResult r;
  const Counts n = explore(p, &r);
  expectAllHold(r, p);
  EXPECT_EQ(n.dequeues, 0u) << p << ": ops.dequeue called for a task that never entered custody";
  EXPECT_GT(n.running, 0u);
}
INSTANTIATE_TEST_SUITE_P(Scenarios, DequeueTerminal, ::testing::Values(0, 1, 3, 4));

class DequeueCustody : public ::testing::TestWithParam<int> {};
TEST_P(DequeueCustody, EveryCustodyPeriodGetsOneDequeue) {
  const std::string p = "st-dequeue-" + std::to_string(GetParam());
  CheckResult r;
  const Counts n = explore(p, &r);
  expectAllHold(r, p);  // includes custody: exactly one dequeue per period
  EXPECT_GT(n.dequeues, 0u) << p;
}
INSTANTIATE_TEST_SUITE_P(Scenarios, DequeueCustody, ::testing::Values(2, 5, 6));

TEST(DequeueIter, DequeueRunsWithoutTheDsqLock) {
  CheckResult r;
  const Counts n = explore("st-dequeue-iter", &r);
  expectAllHold(r, "st-dequeue-iter");
  EXPECT_EQ(test::resultOf(r, "dequeue-unlocked").status, Status::Holds);
  EXPECT_GT(n.dequeues, 0u);
}

TEST(DequeueRemote, BpfQueueDispatchToRemoteLocalDsq) {
  CheckResult r;
  const Counts n = explore("st-dequeue-remote", &r);
  expectAllHold(r, "st-dequeue-remote");  // callback-order: dequeue before running
  EXPECT_GT(n.remote_inserts, 0u) << "remote_dispatch_cnt > 0 (dequeue_remote.c:138-145)";
  EXPECT_EQ(n.core_exec_dequeues, 0u) << "no late SCX_DEQ_CORE_SCHED_EXEC";
  EXPECT_GT(n.dequeues, 0u);
  EXPECT_GT(n.enqueues_kept, 0u);
}

TEST(DequeueRemote, MoveToLocalVariant) {
  CheckResult r;
  const Counts n = explore("st-dequeue-remote-mtl", &r);
  expectAllHold(r, "st-dequeue-remote-mtl");
  EXPECT_EQ(n.core_exec_dequeues, 0u);
  EXPECT_GT(n.dequeues, 0u);
}

}  // namespace
}  // namespace scxmc
