// scx_bpf_dsq_move's dsq_id is chosen where scx_dsq_move first reads it
// (ExtCore::bpfDsqMoveTarget), not when ops.dispatch makes the call.  That
// is exact only if the two reach the same states once the pending target
// register is set aside: checked here over whole state spaces, with the
// cpumask changes the argument rests on, against a model that chooses at the
// call as the kernel's BPF program does.
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_set>
#include <vector>

#include "test_support.hpp"

namespace scxmc {
namespace {

class TargetAtCall : public ExtCore {
 public:
  explicit TargetAtCall(const Config& c) : ExtCore(c) { move_target_at_call_ = true; }
};

// The reachable states with the target register of a pending scx_dsq_move
// (paused before, or spinning in, move_task_between_dsqs) erased; and
// whether any step raised an error or a kernel warning (MoveTargetsGone
// among them).
std::unordered_set<std::string> reachable(ExtCore& m, bool* warned) {
  const Codec codec(m.config());
  std::unordered_set<std::string> erased;
  test::forEachReachable(
      m, SIZE_MAX,
      [&](const State& s) {
        State e = s;
        for (Frame& f : e.actor)
          if (f.pc == static_cast<uint8_t>(Pc::DsqMoveSrc) || f.pc == static_cast<uint8_t>(Pc::DsqMoveWait))
            f.y = kNone;
        std::string b(codec.bytes(), '\0');
        EXPECT_TRUE(codec.pack(e, reinterpret_cast<uint8_t*>(b.data())));
        erased.insert(b);
      },
      [&](const StepLog& log) { *warned |= test::has(log, Ev::Error); });
  return erased;
}

void expectSameStates(const Config& cfg, size_t at_least) {
  ExtCore late(cfg);
  TargetAtCall early(cfg);
  bool warned_late = false, warned_early = false;
  const auto a = reachable(late, &warned_late), b = reachable(early, &warned_early);
  EXPECT_GE(a.size(), at_least);
  std::printf("%d x %d x %d: %zu states either way (target register erased)\n", cfg.tasks, cfg.cpus, cfg.user_dsqs,
              a.size());
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b) << "choosing the dsq_move target late reaches other states than choosing it at the call";
  EXPECT_FALSE(warned_late);
  EXPECT_FALSE(warned_early);
}

TEST(DsqMoveTarget, ChosenWhereReadReachesTheStatesOfChoosingAtTheCall) {
  expectSameStates(test::smallConfig(1, 2, 1), 30000);
  expectSameStates(test::smallConfig(1, 2, 2), 30000);
}

TEST(DsqMoveTarget, SameStatesWithTwoTasksAndCpumaskChanges) {
  Config cfg = test::smallConfig(2, 2, 1);
  cfg.env = kEnvWake | kEnvSleep | kEnvAffinity;
  cfg.dispatch_actions = 1;
  cfg.dispatch_loops = 1;
  expectSameStates(cfg, 100000);
}

// The comparison can fail: a late choice that offers only SCX_DSQ_GLOBAL
// reaches fewer states than the call-time choice among all targets.
class LateOnlyGlobal : public ExtCore {
 public:
  using ExtCore::ExtCore;
  uint8_t bpfDsqMoveTarget(uint8_t, uint8_t, uint8_t) override { return makeTarget(TargetKind::Global); }
};

TEST(DsqMoveTarget, TheComparisonSeesALateChoiceThatDiffers) {
  const Config cfg = test::smallConfig(1, 2, 1);
  LateOnlyGlobal late(cfg);
  TargetAtCall early(cfg);
  bool w1 = false, w2 = false;
  EXPECT_LT(reachable(late, &w1).size(), reachable(early, &w2).size());
}

}  // namespace
}  // namespace scxmc
