// --destroy-dsqs (issue 15, the WARN catalogue's ext.c:1628 row): what
// scx_bpf_destroy_dsq changes, and the lookup-to-lock window of an insert.
#include <gtest/gtest.h>

#include "symmetry.hpp"
#include "test_support.hpp"

namespace scxmc {
namespace {

Config destroyConfig(bool on = true) {
  Config c = test::smallConfig(1, 2, 1);
  c.lifecycle = true;
  c.destroy_dsqs = on;
  EXPECT_EQ(c.validate(), "");
  return c;
}

// Seeded bug: scx_dispatch_enqueue does not test the DSQ's id under its lock
// (ext.c:1627), so an insert that found the DSQ before destroy_dsq links
// the task on a DSQ that is about to be freed.
class NoInvalidIdCheck : public ExtCore {
 public:
  using ExtCore::ExtCore;
  const char* name() const override { return "mut-no-invalid-id-check"; }
  bool dispatchEnqueueLink(uint8_t rq, uint8_t d, uint8_t t, bool apply_slice, bool head) override {
    if (!isUserDsq(d)) return ExtCore::dispatchEnqueueLink(rq, d, t, apply_slice, head);
    const uint8_t was = s_->dsq_invalid[d - kDsqUser0];
    s_->dsq_invalid[d - kDsqUser0] = 0;  // BUG: the id is not checked
    const bool r = ExtCore::dispatchEnqueueLink(rq, d, t, apply_slice, head);
    s_->dsq_invalid[d - kDsqUser0] = was;
    return r;
  }
};

TEST(DestroyDsq, ConfigNeedsLifecycleAndAUserDsq) {
  Config c = test::smallConfig(1, 2, 1);
  c.destroy_dsqs = true;
  EXPECT_NE(c.validate().find("--destroy-dsqs needs --lifecycle"), std::string::npos);
  c.lifecycle = true;
  c.user_dsqs = 0;
  c.policy = Policy::full();
  EXPECT_NE(c.validate(), "");
}

// Off: no bit.  On: one bit per user DSQ.
TEST(DestroyDsq, OffCostsNoBit) {
  for (int dsqs : {1, 2, 3}) {
    Config off = destroyConfig(false);
    off.user_dsqs = dsqs;
    Config on = off;
    on.destroy_dsqs = true;
    EXPECT_EQ(Codec(on).bits(), Codec(off).bits() + dsqs) << dsqs;
  }
}

// The three places 7.3.4 notices a destroyed DSQ are reached: the lookups
// that miss it (ext.c:1875, 9408) and the id test under the DSQ's lock
// (ext.c:1628) after a lookup that found it (ExtCore::lookupUserDsq), each
// from the paths that make it: finish_dispatch, direct dispatch,
// scx_dsq_move and move_to_local.
TEST(DestroyDsq, EveryDetectionIsReached) {
  auto m = makeModel("linux-7.3.4", destroyConfig());
  ASSERT_NE(m, nullptr);
  bool seen[3] = {false, false, false};
  bool invalid_id_from_enqueue = false;  // ops.enqueue verdict, direct dispatch in the same step
  test::forEachReachable(*m, 3'000'000, [](const State&) {}, [&](const StepLog& l) {
    for (const Event& e : l)
      if (e.kind == Ev::Error && static_cast<ErrorKind>(e.a) == ErrorKind::DsqDestroyed && e.b < 3) {
        seen[e.b] = true;
        if (e.b == kDsqGoneInvalidId && test::has(l, Ev::OpsEnqueue)) invalid_id_from_enqueue = true;
      }
  });
  EXPECT_TRUE(seen[kDsqGoneLookup]) << "find_dsq_for_dispatch ext.c:1875 not reached";
  EXPECT_TRUE(seen[kDsqGoneInvalidId]) << "scx_dispatch_enqueue ext.c:1628 not reached";
  EXPECT_TRUE(seen[kDsqGoneMoveToLocal]) << "scx_bpf_dsq_move_to_local ext.c:9408 not reached";
  EXPECT_TRUE(invalid_id_from_enqueue) << "ext.c:1628 not reached from ops.enqueue's direct dispatch";
}

// 7.3.4 holds every invariant with the DSQ destruction (the scheduler's own
// breach of scx_bpf_destroy_dsq's contract is not an scx-error violation).
TEST(DestroyDsq, Linux734Holds) {
  auto m = makeModel("linux-7.3.4", destroyConfig());
  const CheckResult r = test::check(*m, "all");
  for (const auto& i : r.invariants) EXPECT_EQ(i.status, Status::Holds) << i.id << ": " << i.message;
  EXPECT_EQ(r.stats.states, 1103264u);
}

// Renaming user DSQs renames their destroyed bits, and the symmetry
// reduction gives the verdicts and the state count of the unreduced search
// divided among the renamings (2 user DSQs).
TEST(DestroyDsq, SymmetryRenamesTheDestroyedBit) {
  Config c = destroyConfig();
  c.user_dsqs = 2;
  c.cpus = 1;
  State s{};
  s.dsq_invalid[0] = 1;
  const uint8_t rho[kMaxUserDsqs] = {1, 0, 2};
  const State o = permuteUserDsqs(c, s, rho);
  EXPECT_EQ(o.dsq_invalid[0], 0);
  EXPECT_EQ(o.dsq_invalid[1], 1);
  auto m = makeModel("linux-7.3.4", c);
  Limits sym, nosym;
  nosym.symmetry = false;
  const CheckResult a = test::check(*m, "all", sym), b = test::check(*m, "all", nosym);
  ASSERT_EQ(a.invariants.size(), b.invariants.size());
  for (size_t i = 0; i < a.invariants.size(); ++i) {
    EXPECT_EQ(a.invariants[i].status, Status::Holds) << a.invariants[i].id << ": " << a.invariants[i].message;
    EXPECT_EQ(a.invariants[i].status, b.invariants[i].status) << a.invariants[i].id;
  }
  EXPECT_LT(a.stats.states, b.stats.states);
}

// The seeded bug is caught by `dsq`, and the counterexample replays.
TEST(DestroyDsq, MissingIdCheckIsCaught) {
  registerVariant({"mut-no-invalid-id-check", "test-only seeded bug", "-"},
                  [](const Config& c) { return std::make_unique<NoInvalidIdCheck>(c); });
  test::expectCaughtOn("mut-no-invalid-id-check", destroyConfig(), "dsq", "which scx_bpf_destroy_dsq destroyed");
  // without --destroy-dsqs the seeded bug is invisible: the id never changes
  auto m = makeModel("mut-no-invalid-id-check", destroyConfig(false));
  EXPECT_EQ(test::resultOf(test::check(*m, "dsq"), "dsq").status, Status::Holds);
}

}  // namespace
}  // namespace scxmc
