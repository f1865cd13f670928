// Validation of the golden traces against the model, and mutated traces that
// must be rejected at the right place (docs/validation.md).
#include <gtest/gtest.h>

#include <set>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "lifecycle_check.hpp"
#include "sub_session.hpp"
#include "next_state.hpp"
#include "validate_cli.hpp"
#include "validator.hpp"

using namespace scxmc;
using namespace scxmc::validate;

namespace {

const std::string kGolden = SCXMC_GOLDEN_DIR;

trace::Trace golden(const char* name) { return trace::read_file(kGolden + "/" + name); }

// One validator per test process, so that its model instance is built once.
// It does not escalate to more ops.dispatch rounds (building that instance
// takes seconds); `scxmc validate` does, and ValidateEscalation tests it.
Options oneRound() {
  Options o;
  o.escalate_loops = 0;
  return o;
}

TraceResult run(const trace::Trace& t) {
  static Validator v(oneRound());
  return v.run(project(t), "test");
}

size_t unexplained(const TraceResult& r) {
  return static_cast<size_t>(std::count_if(r.disagreements.begin(), r.disagreements.end(),
                                           [](const Disagreement& d) { return d.known.empty(); }));
}

// The first disagreement of `pid` that is not a documented known one.
const Disagreement* firstUnexplained(const TraceResult& r, uint32_t pid) {
  const Disagreement* best = nullptr;
  for (const auto& d : r.disagreements)
    if (d.pid == pid && d.known.empty() && (!best || d.seq < best->seq)) best = &d;
  return best;
}

// Seqs of the records of `pid` that the projection turned into observables,
// in order.
std::vector<uint64_t> projectedSeqs(const trace::Trace& t, uint32_t pid) {
  const Projection p = project(t);
  std::vector<uint64_t> v;
  for (const auto& s : p.segs)
    if (s.pid == pid)
      for (const auto& o : s.obs) v.push_back(p.recs[o.rec].seq);
  return v;
}

}  // namespace

TEST(ValidateGolden, SimpleIsFullyExplained) {
  const TraceResult r = run(golden("simple.bin"));
  EXPECT_GT(r.events, 400u);
  EXPECT_EQ(r.accepted, r.events);
  EXPECT_TRUE(r.disagreements.empty());
  EXPECT_FALSE(r.custody_checked);  // scx_simple has no ops.dequeue
}

TEST(ValidateGolden, RecIsExplained) {
  const TraceResult r = run(golden("rec-seed3.bin"));
  EXPECT_GT(r.events, 600u);
  // The failed scx_bpf_dsq_move calls at seq 1699-1712 (a non-empty DSQ,
  // listed as `disable-refused` in docs/validation.md) are explained since
  // the model pauses between the DSQ iterator and scx_dsq_move: another CPU
  // may take the task in between.
  EXPECT_EQ(r.accepted, r.events);
  EXPECT_TRUE(r.disagreements.empty());
  EXPECT_EQ(unexplained(r), 0u);
  EXPECT_TRUE(r.custody_checked);
  EXPECT_EQ(r.custody.violations, 0u);
  EXPECT_GT(r.custody.entries, 20u);
}

TEST(ValidateGolden, CliExitStatus) {
  EXPECT_EQ(validateMain({kGolden + "/simple.bin"}), 0);
  EXPECT_EQ(validateMain({kGolden + "/rec-seed3.bin"}), 0);
  {
    // an ops.dequeue dropped from the recording: a disagreement, exit 1
    trace::Trace t = golden("rec-seed3.bin");
    const auto it = std::find_if(t.records.begin(), t.records.end(), [](const trace::Record& r) {
      return r.kind == trace::Kind::CbDequeue && r.arg[0] == 0 && r.pid != 113;
    });
    ASSERT_NE(it, t.records.end());
    t.records.erase(it);
    const std::string mutated = ::testing::TempDir() + "/dropped-dequeue.bin";
    trace::write_file(mutated, t);
    EXPECT_EQ(validateMain({mutated}), 1);
    std::remove(mutated.c_str());
  }
  {
    // a trace with no task event explains nothing: exit 1, not a vacuous pass
    trace::Trace t = golden("simple.bin");
    std::erase_if(t.records, [](const trace::Record& r) { return r.pid != 0; });
    const std::string empty = ::testing::TempDir() + "/no-task-events.bin";
    trace::write_file(empty, t);
    EXPECT_EQ(validateMain({empty}), 1);
    std::remove(empty.c_str());
  }
  EXPECT_EQ(validateMain({kGolden + "/no-such-trace.bin"}), 2);
  EXPECT_EQ(validateMain({}), 2);
  EXPECT_EQ(validateMain({"--bogus"}), 2);
  // a truncated trace is bad input (the reader names offset and field)
  const std::string bad = ::testing::TempDir() + "/truncated.bin";
  {
    std::ifstream in(kGolden + "/simple.bin", std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(bad, std::ios::binary);
    out << data.substr(0, data.size() - 10);
  }
  EXPECT_EQ(validateMain({bad}), 2);
  std::remove(bad.c_str());
}

// Dropping an ops.dequeue the kernel called: the model cannot run the task
// (or re-enqueue it) without it, and the custody check misses the dequeue.
TEST(ValidateMutation, DroppedDequeueIsRejectedAtTheNextEvent) {
  trace::Trace t = golden("rec-seed3.bin");
  const TraceResult clean = run(t);
  // a dequeue(0) followed by ops.running of a pid explained without disagreement
  auto recs = trace::sorted_by_seq(t.records);
  uint32_t pid = 0;
  uint64_t dropped = 0;
  for (size_t i = 0; i + 1 < recs.size() && !pid; ++i) {
    const auto& r = recs[i];
    if (r.kind != trace::Kind::CbDequeue || r.arg[0] != 0 || r.pid == 113) continue;
    const auto pp = clean.per_pid.find(r.pid);
    if (pp == clean.per_pid.end() || pp->second.first != pp->second.second) continue;
    pid = r.pid;
    dropped = r.seq;
  }
  ASSERT_NE(pid, 0u);
  const auto seqs = projectedSeqs(t, pid);
  const auto next = std::upper_bound(seqs.begin(), seqs.end(), dropped);
  ASSERT_NE(next, seqs.end());
  std::erase_if(t.records, [&](const trace::Record& r) { return r.seq == dropped; });
  const TraceResult r = run(t);
  const Disagreement* d = firstUnexplained(r, pid);
  ASSERT_NE(d, nullptr) << "dropping the ops.dequeue at seq " << dropped << " was accepted";
  EXPECT_EQ(d->seq, *next) << d->recorded;
  EXPECT_LT(r.accepted, clean.accepted);
}

// Swapping ops.running with the sched_switch that follows it: the kernel
// calls ops.running in set_next_task before the switch tracepoint.
TEST(ValidateMutation, SwappedRunningAndSwitchIsRejected) {
  trace::Trace t = golden("simple.bin");
  auto& recs = t.records;
  std::sort(recs.begin(), recs.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  size_t at = recs.size();
  for (size_t i = 0; i + 1 < recs.size(); ++i) {
    if (recs[i].kind == trace::Kind::CbRunning && recs[i + 1].kind == trace::Kind::TpSchedSwitch &&
        recs[i + 1].pid == recs[i].pid && i > recs.size() / 2) {
      at = i;
      break;
    }
  }
  ASSERT_LT(at, recs.size());
  const uint32_t pid = recs[at].pid;
  const uint64_t first = recs[at].seq;
  std::swap(recs[at].seq, recs[at + 1].seq);
  const TraceResult r = run(t);
  const Disagreement* d = firstUnexplained(r, pid);
  ASSERT_NE(d, nullptr) << "the swapped pair at seq " << first << " was accepted";
  EXPECT_EQ(d->seq, first) << d->recorded;
  EXPECT_NE(d->recorded.find("sched_switch(in)"), std::string::npos) << d->recorded;
}

// A task that runs without the ops.enqueue that followed its ops.select_cpu:
// removing the enqueue (and its insert) must be caught.  (Without the
// select_cpu, a wakeup that skips ops.enqueue is the kernel's bypass path,
// the documented known "enqueue-bypassed".)
TEST(ValidateMutation, DroppedEnqueueIsRejected) {
  trace::Trace t = golden("rec-seed3.bin");
  auto recs = trace::sorted_by_seq(t.records);
  const TraceResult clean = run(t);
  uint64_t drop = 0;
  uint32_t pid = 0;
  std::map<uint32_t, trace::Kind> last;  // pid -> its previous callback
  for (size_t i = 0; i < recs.size() && !pid; ++i) {
    const auto& r = recs[i];
    if (r.seq > 800 && r.kind == trace::Kind::CbEnqueue && last.count(r.pid) && last[r.pid] == trace::Kind::CbRunnable) {
      // ... and the one before the runnable was the select_cpu return
      for (size_t j = i; j-- > 0;) {
        if (recs[j].pid != r.pid || recs[j].kind == trace::Kind::CbRunnable ||
            (static_cast<uint16_t>(recs[j].kind) >> 8) != 1)
          continue;
        if (recs[j].kind == trace::Kind::CbSelectCpuRet) { pid = r.pid; drop = r.seq; }
        break;
      }
    }
    if ((static_cast<uint16_t>(r.kind) >> 8) == 1) last[r.pid] = r.kind;
  }
  ASSERT_NE(pid, 0u);
  std::erase_if(t.records, [&](const trace::Record& r) {
    return r.seq == drop || (r.kind == trace::Kind::KfDsqInsert && r.pid == pid && r.seq > drop && r.seq < drop + 4 &&
                             r.arg[4] == static_cast<uint64_t>(trace::Kind::CbEnqueue));
  });
  const TraceResult r = run(t);
  const Disagreement* d = firstUnexplained(r, pid);
  ASSERT_NE(d, nullptr) << "dropping ops.enqueue at seq " << drop << " was accepted";
  // at the wakeup whose ops.select_cpu / ops.runnable can no longer be
  // followed by what was recorded
  EXPECT_LE(d->seq, drop + 10) << d->recorded;
  EXPECT_GE(d->seq + 10, drop) << d->recorded;
  EXPECT_LT(r.accepted, clean.accepted);
}

// The fidelity fix the recordings showed: select_task_rq calls
// ops.select_cpu only when more than one CPU is allowed (core.c:3635).  Every
// wakeup step of a pinned task in the reachable states logs no
// ops.select_cpu, and some wakeup of an unpinned one does.
TEST(ModelFidelity, PinnedTaskWakesWithoutSelectCpu) {
  Config cfg;
  cfg.tasks = 1;
  cfg.cpus = 2;
  cfg.user_dsqs = 1;
  cfg.dispatch_actions = 1;
  cfg.dispatch_loops = 1;
  ExtCore m(cfg);
  std::vector<State> todo{m.initial()};
  std::vector<State> seen = todo;
  size_t pinned_wakes = 0, unpinned_selects = 0;
  while (!todo.empty() && seen.size() < 20000) {
    const State s = todo.back();
    todo.pop_back();
    forEachSuccessor(m, s, [&](const State& next, const StepLog& log, const Transition& tr) {
      if (tr.actor == cfg.cpus) {
        bool woke = false, selected = false;
        for (const Event& e : log) {
          woke |= e.kind == Ev::Site && static_cast<Site>(e.a) == Site::TryToWakeUp;
          selected |= e.kind == Ev::OpsSelectCpu;
        }
        const uint8_t mask = next.task[0].affinity;
        if (woke && !(mask & (mask - 1))) {
          ++pinned_wakes;
          EXPECT_FALSE(selected) << "ops.select_cpu for a task pinned to mask " << int(mask);
        }
        if (woke && (mask & (mask - 1)) && selected) ++unpinned_selects;
      }
      if (std::find(seen.begin(), seen.end(), next) == seen.end()) {
        seen.push_back(next);
        todo.push_back(next);
      }
    });
  }
  EXPECT_GT(pinned_wakes, 0u);
  EXPECT_GT(unpinned_selects, 0u);
}

// The target of an scx_bpf_dsq_insert from ops.dispatch resolves the model's
// choice when finish_dispatch claims the record.  SCX_DSQ_LOCAL recorded as
// SCX_DSQ_LOCAL_ON|the other CPU must be caught: the task would have to run
// there.  (LOCAL, GLOBAL and a user DSQ are often observably the same for one
// task, because the move_to_local that consumes it names no task.)
TEST(ValidateMutation, ChangedDispatchInsertTargetIsRejected) {
  trace::Trace t = golden("rec-seed3.bin");
  const TraceResult clean = run(t);
  size_t caught = 0, tried = 0;
  for (const auto& r0 : trace::sorted_by_seq(t.records)) {
    if (r0.kind != trace::Kind::KfDsqInsert || r0.arg[4] != static_cast<uint64_t>(trace::Kind::CbDispatch)) continue;
    if (r0.arg[0] != trace::dsq::kLocal) continue;
    const auto pp = clean.per_pid.find(r0.pid);
    if (pp == clean.per_pid.end() || pp->second.first != pp->second.second) continue;
    trace::Trace m = t;
    for (auto& r : m.records)
      if (r.seq == r0.seq) r.arg[0] = trace::dsq::kLocalOn | (1u - r0.cpu);
    const TraceResult res = run(m);
    ++tried;
    const Disagreement* d = firstUnexplained(res, r0.pid);
    if (d && d->seq >= r0.seq && d->seq <= r0.seq + 20) ++caught;
  }
  ASSERT_GT(tried, 0u);
  EXPECT_EQ(caught, tried) << caught << " of " << tried << " changed insert targets were caught";
}

// ---------------------------------------------------------------------------
// scx_bypass at the start of scx_disable (issue 5, the "seventh run"
// disagreement: ops.dequeue(SAVE|SCX_DEQ_SCHED_CHANGE), ops.quiescent(SAVE|...),
// ops.runnable(RESTORE) with no ops.enqueue).  A synthetic trace shaped on
// the real recording /tmp/val/e2e-rec.bin seq 133454-133519 (docs/validation.md):
// pid 15 wakes on cpu0 and its ops.enqueue inserts it into a user DSQ (BPF
// custody); scx_bypass(true) turns bypass on for cpu0 and cycles it through
// an empty sched_change(DEQUEUE_SAVE|DEQUEUE_MOVE) (ext.c:6383), which puts
// it on the bypass DSQ without ops.enqueue; it then runs from there, while
// cpu1, not bypassing yet, still calls ops.dispatch.
namespace {

struct TraceBuilder {
  trace::Trace t;
  uint64_t seq = 0;
  TraceBuilder() {
    t.header.nr_cpus = 2;
    t.header.scheduler = trace::Scheduler::Rec;
    t.header.kernel_release = "synthetic";
  }
  void add(trace::Kind k, uint16_t cpu, uint32_t pid, std::array<uint64_t, trace::kNrArgs> a = {}) {
    trace::Record r;
    r.seq = seq++;
    r.ts_ns = 1000 * r.seq;
    r.kind = k;
    r.cpu = cpu;
    r.pid = pid;
    r.arg = a;
    t.records.push_back(r);
  }
};

// deq_flags of the cycling: SCX_DEQ_SCHED_CHANGE | DEQUEUE_NOCLOCK |
// DEQUEUE_MOVE | DEQUEUE_SAVE; ops.runnable gets ENQUEUE_RESTORE|MOVE|NOCLOCK.
trace::Trace bypassCycling(uint64_t deq_flags, uint64_t enq_flags, bool exiting = false) {
  using K = trace::Kind;
  TraceBuilder b;
  b.add(K::MetaSessionBegin, 0, 1, {1, 0, 2});
  b.add(K::CbEnable, 0, 15);
  b.add(K::MetaAttach, 0, 1, {0});
  // the wakeup: select_cpu(prev 0, WF_TTWU) -> 0, runnable/enqueue(WAKEUP),
  // inserted into user DSQ 0x102 by ops.enqueue
  b.add(K::CbSelectCpu, 0, 15, {0, 8});
  b.add(K::CbSelectCpuRet, 0, 15, {0});
  b.add(K::CbRunnable, 0, 15, {0x100009});
  b.add(K::CbEnqueue, 0, 15, {0x100009});
  b.add(K::KfDsqInsert, 0, 15, {0x102, 5000000, 0x100009, 1, static_cast<uint64_t>(K::CbEnqueue)});
  b.add(K::TpSchedWakeup, 0, 15, {0, 0});
  // (do_exit's sched_process_exit; the cycling comes from whatever sched_change)
  if (exiting) b.add(K::TpProcessExit, 0, 15, {1});
  // scx_bypass(true) on cpu0
  const uint64_t first = b.seq;
  b.add(K::CbDequeue, 0, 15, {deq_flags, 0});
  b.add(K::CbQuiescent, 0, 15, {deq_flags});
  b.add(K::CbRunnable, 0, 15, {enq_flags});
  // runs from the bypass DSQ
  b.add(K::CbRunning, 0, 15);
  b.add(K::TpSchedSwitch, 0, 15, {0, 0, 0, 0, 0});
  // cpu1 still dispatches (not bypassing yet): the cycle's decision window
  // reaches past pid 15's cycling
  b.add(K::CbDispatch, 1, 0, {1, 0});
  b.add(K::MetaDetach, 0, 1, {0, 64});
  EXPECT_EQ(first, exiting ? 10u : 9u);
  return b.t;
}

}  // namespace

TEST(ValidateBypass, DisableBypassCyclingEndsTheTaskSegment) {
  const trace::Trace t = bypassCycling(0x20000000eULL, 0xe);
  const Projection p = project(t);
  const TraceResult r = run(t);
  // the wakeup is validated, the bypass phase from the ops.dequeue on is not
  // projected
  EXPECT_EQ(r.events, 4u);  // select_cpu, runnable, enqueue, sched_wakeup
  EXPECT_EQ(r.accepted, r.events);
  EXPECT_TRUE(r.disagreements.empty());
  EXPECT_EQ(p.skipped.at("scx_disable's scx_bypass cycled the task: its bypass phase (not modeled)"), 5u);
  EXPECT_EQ(r.custody.violations, 0u);
}

// An exiting task (PF_EXITING) cycled the same way never goes back to the
// BPF scheduler either (scx_do_enqueue_task ext.c:2058): the rest is counted
// as such, e.g. rec20 pids 421/422 cycled by scx_enable's unbypass.
TEST(ValidateBypass, ExitingTaskCyclingEndsTheTaskSegment) {
  const trace::Trace t = bypassCycling(0x20000000eULL, 0xe, /*exiting=*/true);
  const Projection p = project(t);
  const TraceResult r = run(t);
  EXPECT_EQ(r.events, 4u);
  EXPECT_EQ(r.accepted, r.events);
  EXPECT_EQ(p.skipped.at("exiting task enqueued again without ops.enqueue (PF_EXITING, not modeled)"), 5u);
  EXPECT_EQ(p.skipped.count("scx_disable's scx_bypass cycled the task: its bypass phase (not modeled)"), 0u);
}

// The same callbacks from a sched_change that is not scx_bypass's (no
// DEQUEUE_MOVE: set_user_nice, __sched_setaffinity) must still be replayed,
// and the model has no such path without an ops.enqueue: this is the
// disagreement the seventh CI run reported (then at the ops.dequeue).
TEST(ValidateBypass, OtherPropertyChangeWithoutEnqueueIsRejected) {
  const trace::Trace t = bypassCycling(0x20000000aULL, 0xa);
  const TraceResult r = run(t);
  const Disagreement* d = firstUnexplained(r, 15);
  ASSERT_NE(d, nullptr) << "a sched_change without ops.enqueue outside bypass was accepted";
  // (the model's sched_change pauses between its dequeue and its enqueue
  // when the dequeue dropped a DSQ's lock, Pc::ChangeEnqueue: the dequeue
  // and ops.quiescent replay, the ops.runnable without ops.enqueue does not)
  EXPECT_EQ(d->seq, 11u) << d->recorded;
  EXPECT_NE(d->recorded.find("ops.runnable"), std::string::npos) << d->recorded;
  EXPECT_LT(r.accepted, r.events);
}

// A scheduler without ops.enable (scx_central): a task's segment opens at
// its first wakeup in the cycle, replayed from the model's states where it
// sleeps.  scx_simple's golden trace with its ops.enable/ops.disable removed
// stands for one.
TEST(ValidateNoEnable, SegmentsOpenAtTheFirstWakeup) {
  trace::Trace t = golden("simple.bin");
  std::erase_if(t.records, [](const trace::Record& r) {
    return r.kind == trace::Kind::CbEnable || r.kind == trace::Kind::CbDisable;
  });
  const Projection p = project(t);
  EXPECT_FALSE(p.has_enable);
  ASSERT_GT(p.segs.size(), 3u);
  for (const auto& s : p.segs) {
    EXPECT_TRUE(s.from_wakeup);
    const ObsKind k = s.obs.front().k;
    EXPECT_TRUE(k == ObsKind::SelectCpu || k == ObsKind::Enqueue || k == ObsKind::Runnable) << describe(s.obs.front());
  }
  const TraceResult r = run(t);
  EXPECT_GT(r.events, 200u);
  EXPECT_EQ(r.accepted, r.events);
  EXPECT_TRUE(r.disagreements.empty());
}

// ... and those segments are replayed, not only projected: dropping the
// ops.enqueue (and its insert) of the wakeup that opened a segment is caught.
TEST(ValidateNoEnable, DroppedAnchorEnqueueIsRejected) {
  trace::Trace t = golden("simple.bin");
  std::erase_if(t.records, [](const trace::Record& r) {
    return r.kind == trace::Kind::CbEnable || r.kind == trace::Kind::CbDisable;
  });
  const Projection p0 = project(t);
  const Segment* seg = nullptr;
  for (const auto& s : p0.segs)
    if (s.obs.size() > 3 && s.obs[0].k == ObsKind::SelectCpu && s.obs[1].k == ObsKind::Enqueue) { seg = &s; break; }
  ASSERT_NE(seg, nullptr);
  const trace::Record enq = p0.recs[seg->obs[1].rec];
  std::erase_if(t.records, [&](const trace::Record& r) {
    return r.seq == enq.seq || (r.kind == trace::Kind::KfDsqInsert && r.pid == enq.pid && r.seq > enq.seq &&
                                r.seq < enq.seq + 4 && r.arg[4] == static_cast<uint64_t>(trace::Kind::CbEnqueue));
  });
  const TraceResult r = run(t);
  const Disagreement* d = firstUnexplained(r, enq.pid);
  ASSERT_NE(d, nullptr) << "dropping the anchor's ops.enqueue at seq " << enq.seq << " was accepted";
  EXPECT_LE(d->seq, enq.seq + 10) << d->recorded;
}

// scx_central (no ops.enable, ops.dequeue, ops.runnable or ops.quiescent):
// every segment opens at a wakeup and is explained, including the central
// CPU's inserts into the other CPUs' local DSQs (SCX_DSQ_LOCAL_ON|cpu from
// ops.dispatch).
TEST(ValidateGolden, CentralIsExplained) {
  const trace::Trace t = golden("central.bin");
  const Projection p = project(t);
  EXPECT_FALSE(p.has_enable);
  for (const auto& s : p.segs) EXPECT_TRUE(s.from_wakeup);
  const TraceResult r = run(t);
  EXPECT_GT(r.events, 300u);
  EXPECT_EQ(r.accepted, r.events);
  EXPECT_TRUE(r.disagreements.empty());
  EXPECT_FALSE(r.custody_checked);
  EXPECT_EQ(validateMain({kGolden + "/central.bin"}), 0);
}

// The central CPU's SCX_DSQ_LOCAL_ON|other CPU inserts are checked: named
// as SCX_DSQ_LOCAL_ON|the dispatching CPU instead, the task would run on the
// central CPU, not where it was recorded to run.
TEST(ValidateMutation, CentralRemoteLocalInsertIsChecked) {
  const trace::Trace t = golden("central.bin");
  const Projection p = project(t);
  const TraceResult clean = run(t);
  size_t caught = 0, tried = 0;
  for (const auto& s : p.segs) {
    const auto pp = clean.per_pid.find(s.pid);
    if (pp == clean.per_pid.end() || pp->second.first != pp->second.second) continue;
    for (const auto& o : s.obs) {
      const trace::Record& r0 = p.recs[o.rec];
      if (o.k != ObsKind::Insert || (r0.arg[0] & trace::dsq::kLocalOn) != trace::dsq::kLocalOn) continue;
      if ((r0.arg[0] & trace::dsq::kLocalCpuMask) == r0.cpu) continue;
      trace::Trace m = t;
      for (auto& r : m.records)
        if (r.seq == r0.seq) r.arg[0] = trace::dsq::kLocalOn | r0.cpu;
      const TraceResult res = run(m);
      ++tried;
      const Disagreement* d = firstUnexplained(res, r0.pid);
      if (d && d->seq >= r0.seq && d->seq <= r0.seq + 20) ++caught;
      if (tried == 8) break;
    }
    if (tried == 8) break;
  }
  ASSERT_GT(tried, 0u);
  EXPECT_EQ(caught, tried) << caught << " of " << tried << " changed LOCAL_ON targets were caught";
}

// Two ops.dispatch rounds of one balance that each insert a task that is no
// longer the BPF scheduler's (stale: finish_dispatch drops it, but
// dspc->nr_tasks counts it, so the kernel calls ops.dispatch again,
// inl.h:92-130).  Shaped on scx_central /tmp/val2/central20.bin seq
// 20283-20312, pid 114 (docs/validation.md): it blocks on cpu0, and cpu0's
// ops.dispatch pops two stale entries of it from central_q.  One round per
// balance cannot explain the second insert; the validator replays the
// segment with two rounds, which does.
namespace {

trace::Trace staleInsertRounds() {
  using K = trace::Kind;
  TraceBuilder b;
  b.t.header.flags = trace::header_flags::kObserver;
  b.t.header.scheduler = trace::Scheduler::Central;
  const uint64_t disp = static_cast<uint64_t>(K::CbDispatch);
  const uint64_t local_on0 = trace::dsq::kLocalOn | 0;
  b.add(K::MetaSessionBegin, 0, 1, {3, 0, 2});
  b.add(K::MetaAttach, 0, 1, {0});
  // wakes (central's select_cpu returns the central CPU), kept in central_q
  b.add(K::CbSelectCpu, 0, 114, {0, 8});
  b.add(K::CbSelectCpuRet, 0, 114, {0});
  b.add(K::CbEnqueue, 0, 114, {9});
  b.add(K::TpSchedWakeup, 0, 114, {0, 0});
  // cpu0 dispatches it to itself and runs it
  b.add(K::CbDispatch, 0, 0, {0, 0});
  b.add(K::KfDsqInsert, 0, 114, {local_on0, ~0ULL, 0, 1, disp});
  b.add(K::CbRunning, 0, 114);
  b.add(K::TpSchedSwitch, 0, 114, {0, 0, 0, 0, 0});
  // it blocks; ops.dispatch (prev still current) inserts stale entries of it
  b.add(K::CbStopping, 0, 114, {0});
  b.add(K::CbDispatch, 0, 114, {0, 1});
  b.add(K::KfDsqInsert, 0, 114, {local_on0, ~0ULL, 0, 1, disp});
  b.add(K::CbDispatch, 0, 114, {0, 1});
  b.add(K::KfDsqInsert, 0, 114, {local_on0, ~0ULL, 0, 1, disp});
  b.add(K::TpSchedSwitch, 0, 0, {114, 1, 0, 0, 0});
  // it wakes again
  b.add(K::CbSelectCpu, 0, 114, {0, 8});
  b.add(K::CbSelectCpuRet, 0, 114, {0});
  b.add(K::CbEnqueue, 0, 114, {9});
  b.add(K::TpSchedWakeup, 0, 114, {0, 0});
  b.add(K::CbDispatch, 0, 0, {0, 0});
  b.add(K::MetaDetach, 0, 1, {0, 64});
  return b.t;
}

}  // namespace

TEST(ValidateEscalation, StaleInsertsInTwoDispatchRoundsNeedTwoRounds) {
  const trace::Trace t = staleInsertRounds();
  const TraceResult one = run(t);
  const Disagreement* d = firstUnexplained(one, 114);
  ASSERT_NE(d, nullptr) << "one ops.dispatch round explained two rounds' inserts";
  EXPECT_EQ(d->seq, 14u) << d->recorded;  // the second stale insert
  Validator v(Options{});  // escalate_loops = 2, as `scxmc validate`
  const TraceResult two = v.run(project(t), "test");
  EXPECT_EQ(two.accepted, two.events);
  EXPECT_EQ(two.escalated_segments, 1u);
  EXPECT_TRUE(two.disagreements.empty());
}

// ---- the lifecycle session (record.sh --lifecycle): tests/golden/rec-lifecycle.bin

namespace {

// Index (in file order) of the first record matching `pred`, in seq order.
template <typename Pred>
size_t findRecord(const trace::Trace& t, Pred pred) {
  size_t best = t.records.size();
  for (size_t i = 0; i < t.records.size(); ++i)
    if (pred(t.records[i]) && (best == t.records.size() || t.records[i].seq < t.records[best].seq)) best = i;
  return best;
}

bool firstViolationAt(const LifecycleCheck& l, uint64_t seq) {
  return !l.first.empty() && l.first.front().rfind("seq " + std::to_string(seq) + " ", 0) == 0;
}

}  // namespace

TEST(ValidateLifecycle, GoldenSessionIsExplainedAndHolds) {
  const trace::Trace t = golden("rec-lifecycle.bin");
  EXPECT_EQ(t.header.version, 2);
  // replayed as `scxmc validate` does: on the --lifecycle model, with the
  // bypass phases projected
  Validator v(oneRound());
  const TraceResult r = v.run(project(t, ProjectOptions{true}), "test");
  EXPECT_GT(r.events, 2000u);
  EXPECT_LT(run(t).events, r.events);
  int lifecycle_explained = 0;
  for (int i = 0; i < siteCount(); ++i)
    if (r.sites.test(i) && siteSlice(static_cast<Site>(i)) == SiteSlice::Lifecycle) ++lifecycle_explained;
  EXPECT_GE(lifecycle_explained, 10);  // scx_bypass, the bypass enqueue, the switch loop, ...
  EXPECT_EQ(r.accepted, r.events);
  EXPECT_EQ(unexplained(r), 0u);
  EXPECT_EQ(r.custody.violations, 0u);
  const LifecycleCheck l = checkLifecycle(project(t));
  ASSERT_TRUE(l.checked);
  EXPECT_EQ(l.violations, 0u) << (l.first.empty() ? "" : l.first.front());
  EXPECT_EQ(l.cycles, 2u);
  EXPECT_EQ(l.stages, 32u);  // 16 helper stages per cycle, in the model's order
  EXPECT_EQ(l.bypass_windows, 4u);
  EXPECT_EQ(l.error_exits, 1u);
  EXPECT_EQ(l.dsq_destroys, 2u);
  EXPECT_GT(l.class_switches_to, 0u);
  EXPECT_GT(l.class_switches_from, 0u);
  EXPECT_GT(l.forks, 50u);
  EXPECT_GT(l.cgroup_moves, 0u);
  EXPECT_GT(l.transitions, 500u);
  int lifecycle_observed = 0;
  for (int i = 0; i < siteCount(); ++i)
    if (l.observed.test(i) && siteSlice(static_cast<Site>(i)) == SiteSlice::Lifecycle) ++lifecycle_observed;
  EXPECT_GE(lifecycle_observed, 26);
  // version-1 traces have no lifecycle probes: nothing to check
  EXPECT_FALSE(checkLifecycle(project(golden("rec-seed3.bin"))).checked);
  EXPECT_EQ(validateMain({kGolden + "/rec-lifecycle.bin"}), 0);
  EXPECT_EQ(validateMain({"--baseline", kGolden + "/rec-lifecycle.bin"}), 0);
}

// find_dsq_for_dispatch (ext.c:1847) runs in direct_dispatch (1941) and
// finish_dispatch (2934): the model marks it where it resolves the target,
// so a recorded ops.dispatch insert and a direct insert exercise it.
TEST(ValidateGolden, FindDsqForDispatchIsOnExplainingSteps) {
  const TraceResult r = run(golden("rec-seed3.bin"));
  EXPECT_EQ(r.accepted, r.events);
  EXPECT_TRUE(r.sites.test(static_cast<int>(Site::FindDsq)));
  EXPECT_TRUE(r.sites.test(static_cast<int>(Site::FinishDispatch)));
}

// A task state transition the model's machine does not have: READY -> INIT
// instead of READY -> ENABLED.
TEST(ValidateLifecycle, NonEdgeTaskStateIsRejectedAtItsRecord) {
  trace::Trace t = golden("rec-lifecycle.bin");
  const size_t i = findRecord(t, [](const trace::Record& r) {
    return r.kind == trace::Kind::KTaskState && r.arg[0] == 3 && r.arg[1] == 4;
  });
  ASSERT_LT(i, t.records.size());
  t.records[i].arg[1] = 2;
  const LifecycleCheck l = checkLifecycle(project(t));
  EXPECT_GE(l.violations, 1u);
  EXPECT_TRUE(firstViolationAt(l, t.records[i].seq)) << (l.first.empty() ? "" : l.first.front());
  EXPECT_NE(l.first.front().find("READY -> INIT is not an edge"), std::string::npos) << l.first.front();
}

// Finding L1: sched_ext_dead's NONE -> DEAD (ext.c:4383-4385) is the
// model's NONE -> DEAD (model/lifecycle.cpp taskExit), not its freeing.  The
// golden session's deaths are accepted as recorded; a DEAD task that comes
// back to NONE (scx_set_task_state warns, ext.c:654-655) is rejected, which
// the old mapping of that DEAD to the model's freed slot accepted as a new
// task.
TEST(ValidateLifecycle, DeadAfterNoneIsTheModelsDeadAndNotAFreedSlot) {
  trace::Trace t = golden("rec-lifecycle.bin");
  const size_t i = findRecord(t, [](const trace::Record& r) {
    return r.kind == trace::Kind::KTaskState && r.arg[0] == 0 && r.arg[1] == 5;
  });
  ASSERT_LT(i, t.records.size()) << "no NONE -> DEAD in the golden lifecycle session";
  {
    const LifecycleCheck l = checkLifecycle(project(t));
    EXPECT_EQ(l.violations, 0u) << (l.first.empty() ? "" : l.first.front());
  }
  // the same pid's next record after its death: DEAD -> NONE
  trace::Record back = t.records[i];
  back.arg[0] = 5;
  back.arg[1] = 0;
  back.seq = t.records[i].seq + 1;
  for (auto& r : t.records)
    if (r.seq > t.records[i].seq) ++r.seq;
  t.records.insert(t.records.begin() + static_cast<std::ptrdiff_t>(i) + 1, back);
  const LifecycleCheck l = checkLifecycle(project(t));
  EXPECT_GE(l.violations, 1u);
  EXPECT_TRUE(firstViolationAt(l, back.seq)) << (l.first.empty() ? "" : l.first.front());
  EXPECT_NE(l.first.front().find("DEAD -> NONE is not an edge"), std::string::npos) << l.first.front();
}

// ops.enable of a task still in INIT (its READY transition removed, and the
// next transition leaving INIT): the model runs ops.enable in READY only.
TEST(ValidateLifecycle, EnableBeforeReadyIsRejected) {
  trace::Trace t = golden("rec-lifecycle.bin");
  const size_t e = findRecord(t, [](const trace::Record& r) { return r.kind == trace::Kind::CbEnable; });
  ASSERT_LT(e, t.records.size());
  const uint32_t pid = t.records[e].pid;
  // the task's last transition before its ops.enable is INIT -> READY (or
  // ENABLED -> READY); make it INIT_BEGIN -> INIT instead
  size_t last = t.records.size();
  for (size_t i = 0; i < t.records.size(); ++i)
    if (t.records[i].kind == trace::Kind::KTaskState && t.records[i].pid == pid && t.records[i].seq < t.records[e].seq &&
        (last == t.records.size() || t.records[i].seq > t.records[last].seq))
      last = i;
  ASSERT_LT(last, t.records.size());
  ASSERT_EQ(t.records[last].arg[1], 3u);
  t.records[last].arg[0] = 1;
  t.records[last].arg[1] = 2;
  // and the transition after ops.enable starts from INIT too (else the check
  // takes READY for a transition the probe missed and accepts the callback)
  size_t next = t.records.size();
  for (size_t i = 0; i < t.records.size(); ++i)
    if (t.records[i].kind == trace::Kind::KTaskState && t.records[i].pid == pid && t.records[i].seq > t.records[e].seq &&
        (next == t.records.size() || t.records[i].seq < t.records[next].seq))
      next = i;
  ASSERT_LT(next, t.records.size());
  ASSERT_EQ(t.records[next].arg[0], 3u);
  t.records[next].arg[0] = 2;
  const LifecycleCheck l = checkLifecycle(project(t));
  ASSERT_GE(l.violations, 1u);
  bool found = false;
  for (const auto& v : l.first)
    found |= v.rfind("seq " + std::to_string(t.records[e].seq) + " ", 0) == 0 &&
             v.find("runs ops.enable in READY") != std::string::npos;
  EXPECT_TRUE(found) << l.first.front();
}

// A BPF decision while every CPU bypasses: an ops.runnable inside the
// enable's bypass window relabelled as ops.enqueue.
TEST(ValidateLifecycle, DecisionWhileBypassingIsRejected) {
  trace::Trace t = golden("rec-lifecycle.bin");
  const size_t on = findRecord(t, [](const trace::Record& r) { return r.kind == trace::Kind::KBypassRet && r.arg[0]; });
  ASSERT_LT(on, t.records.size());
  const uint64_t from = t.records[on].seq;
  const size_t off = findRecord(t, [&](const trace::Record& r) {
    return r.kind == trace::Kind::KBypass && !r.arg[0] && r.seq > from;
  });
  ASSERT_LT(off, t.records.size());
  const size_t run_i = findRecord(t, [&](const trace::Record& r) {
    return r.kind == trace::Kind::CbRunnable && r.seq > from && r.seq < t.records[off].seq;
  });
  ASSERT_LT(run_i, t.records.size()) << "no ops.runnable inside the enable's bypass";
  t.records[run_i].kind = trace::Kind::CbEnqueue;
  const LifecycleCheck l = checkLifecycle(project(t));
  EXPECT_EQ(l.violations, 1u);
  EXPECT_TRUE(firstViolationAt(l, t.records[run_i].seq)) << (l.first.empty() ? "" : l.first.front());
  EXPECT_EQ(validateMain({"--max-disagreements", "0", "/dev/null"}), 2);  // (usage: not a trace)
}

// The helper's stages out of the model's order: the enable returns before
// its scx_bypass(false).
TEST(ValidateLifecycle, HelperStageOutOfOrderIsRejected) {
  trace::Trace t = golden("rec-lifecycle.bin");
  const size_t off = findRecord(t, [](const trace::Record& r) { return r.kind == trace::Kind::KBypass && !r.arg[0]; });
  ASSERT_LT(off, t.records.size());
  t.records[off].kind = trace::Kind::KEnableWorkfnRet;
  t.records[off].arg[0] = 0;
  const LifecycleCheck l = checkLifecycle(project(t));
  ASSERT_GE(l.violations, 1u);
  EXPECT_TRUE(firstViolationAt(l, t.records[off].seq)) << l.first.front();
  EXPECT_NE(l.first.front().find("where the model's helper program has scx_bypass(false)"), std::string::npos)
      << l.first.front();
}

// The bypass phases are replayed on the --lifecycle model, gated by the
// recorded scx_bypass windows: with the disable's scx_bypass records removed
// from the golden lifecycle trace, the tasks' bypass-mode events of that
// disable (ops.runnable without ops.enqueue, runs from the bypass DSQ) have
// no explanation any more.
TEST(ValidateLifecycle, BypassPhaseOutsideScxBypassIsRejected) {
  trace::Trace t = golden("rec-lifecycle.bin");
  {
    const Projection p = project(t, ProjectOptions{true});
    EXPECT_TRUE(p.bypass_projected);
    EXPECT_EQ(p.bypass_windows.size(), 4u);
    EXPECT_EQ(p.skipped.count("bypass phase of scx_enable/scx_disable (not projected)"), 0u);
  }
  const size_t dis = findRecord(t, [](const trace::Record& r) { return r.kind == trace::Kind::KRootDisable; });
  ASSERT_LT(dis, t.records.size());
  const uint64_t from = t.records[dis].seq;
  std::erase_if(t.records, [&](const trace::Record& r) {
    return (r.kind == trace::Kind::KBypass || r.kind == trace::Kind::KBypassRet) && r.seq > from &&
           r.seq < from + 3000;
  });
  Validator v(oneRound());
  const TraceResult r = v.run(project(t, ProjectOptions{true}), "test");
  EXPECT_GT(unexplained(r), 0u);
  EXPECT_LT(r.accepted, r.events);
  for (const auto& d : r.disagreements)
    if (d.known.empty()) {
      EXPECT_GT(d.seq, from) << d.recorded;
    }
}

// A transition the fentry probe missed (seen in a 20 s session: pid 121's
// READY -> ENABLED after ops.enable at seq 89799 has no record, its
// ENABLED -> READY at seq 91187 starts from ENABLED) is inferred from the
// next transition, not reported.
TEST(ValidateLifecycle, MissedTransitionIsInferredFromTheNextOne) {
  trace::Trace t = golden("rec-lifecycle.bin");
  const LifecycleCheck before = checkLifecycle(project(t));
  const size_t i = findRecord(t, [](const trace::Record& r) {
    return r.kind == trace::Kind::KTaskState && r.arg[0] == 3 && r.arg[1] == 4;
  });
  ASSERT_LT(i, t.records.size());
  t.records.erase(t.records.begin() + static_cast<std::ptrdiff_t>(i));
  const LifecycleCheck l = checkLifecycle(project(t));
  EXPECT_EQ(l.violations, 0u) << (l.first.empty() ? "" : l.first.front());
  EXPECT_GT(l.inferred, before.inferred);
}

// The project CI's session of 2026-12-07 (seed 11): pid 666's ops.disable
// and ops.exit_task (seq 13212) came from a root disable's task walk, and
// no transition of pid 666 was recorded after them (ENABLED -> READY,
// ext.c:4098, and READY -> NONE, ext.c:4189, both at call sites the probe
// missed; the task then died in NONE, which sched_ext_dead does not mark,
// ext.c:4373).  ops.disable is always followed by ENABLED -> READY under
// the same rq lock (scx_disable_task, ext.c:4096-4098): the check takes
// the callback for that transition.  Reduced to the records that matter.
TEST(ValidateLifecycle, DisableImpliesReadyWhenNoLaterTransitionIsRecorded) {
  using K = trace::Kind;
  auto session = [](bool with_disable, bool ready_recorded) {
    TraceBuilder b;
    b.add(K::MetaSessionBegin, 0, 1, {1, 0, 2});
    b.add(K::KTaskState, 0, 666, {2, 3});  // INIT -> READY
    b.add(K::CbEnable, 0, 666);
    b.add(K::KTaskState, 0, 666, {3, 4});  // READY -> ENABLED (ext.c:4084)
    if (with_disable) b.add(K::CbDisable, 0, 666);
    if (ready_recorded) b.add(K::KTaskState, 0, 666, {4, 3});
    b.add(K::CbExitTask, 0, 666);
    return b.t;
  };
  {
    const LifecycleCheck l = checkLifecycle(project(session(true, false)));
    EXPECT_TRUE(l.checked);
    EXPECT_EQ(l.violations, 0u) << (l.first.empty() ? "" : l.first.front());
    EXPECT_EQ(l.inferred, 1u);  // ops.exit_task shows ENABLED -> READY was not recorded
  }
  {
    // recorded: the same verdict, and the implied transition is not counted twice
    const LifecycleCheck l = checkLifecycle(project(session(true, true)));
    EXPECT_EQ(l.violations, 0u) << (l.first.empty() ? "" : l.first.front());
    EXPECT_EQ(l.inferred, 0u);
    EXPECT_EQ(l.transitions, 3u);
  }
  {
    // ops.exit_task of an ENABLED task without ops.disable is still rejected
    const LifecycleCheck l = checkLifecycle(project(session(false, false)));
    ASSERT_EQ(l.violations, 1u);
    EXPECT_NE(l.first.front().find("CB_EXIT_TASK pid 666 in task state ENABLED"), std::string::npos)
        << l.first.front();
  }
}

namespace {

// The CI lifecycle session's pid 119 (seq 32673-32784), reduced: a wakeup's
// ops.select_cpu on cpu0 while cpu1's scx_disable turns bypass on, then the
// enqueue without ops.enqueue.  `bypass_first`: scx_bypass(true) lands
// between ops.select_cpu and ops.runnable (as recorded); else after both.
trace::Trace selectThenBypassTrace(bool bypass_first) {
  using K = trace::Kind;
  TraceBuilder b;
  b.add(K::MetaSessionBegin, 0, 1, {1, 0, 2});
  b.add(K::CbEnable, 0, 119);
  b.add(K::MetaAttach, 0, 1, {0, 0});
  b.add(K::CbSelectCpu, 0, 119, {0, 8});
  b.add(K::CbSelectCpuRet, 0, 119, {0});
  b.add(K::CbRunnable, 0, 119, {9});
  b.add(K::CbEnqueue, 0, 119, {9});
  b.add(K::TpSchedWakeup, 0, 119, {0, 0});
  b.add(K::CbDispatch, 0, 0, {0, 0});
  b.add(K::CbRunning, 0, 119);
  b.add(K::TpSchedSwitch, 0, 119, {0, 0, 0, 0, 0});
  b.add(K::CbStopping, 0, 119, {0});
  b.add(K::CbQuiescent, 0, 119, {9});
  b.add(K::TpSchedSwitch, 0, 0, {119, 1, 0, 0, 0});
  b.add(K::CbSelectCpu, 0, 119, {0, 8});  // seq 14
  auto bypass = [&] {
    b.add(K::TpScxExit, 1, 0, {64});
    b.add(K::KRootDisable, 1, 0);
    b.add(K::KBypass, 1, 0, {1});
    b.add(K::KBypassRet, 1, 0, {1});
  };
  if (bypass_first) bypass();
  b.add(K::CbSelectCpuRet, 0, 119, {0});
  b.add(K::CbRunnable, 0, 119, {0x100009});
  b.add(K::TpSchedWakeup, 0, 119, {0, 0});
  if (!bypass_first) bypass();
  b.add(K::CbRunning, 0, 119);
  b.add(K::TpSchedSwitch, 0, 119, {0, 0, 0, 0, 0});
  b.add(K::CbDisable, 0, 119);
  b.add(K::KBypass, 1, 0, {0});
  b.add(K::KBypassRet, 1, 0, {0});
  b.add(K::MetaDetach, 0, 1, {0, 64});
  return b.t;
}

}  // namespace

TEST(ValidateLifecycle, SelectThenBypassRuleNeedsTheBypassInBetween) {
  for (bool first : {true, false}) {
    SCOPED_TRACE(first ? "scx_bypass between select_cpu and the enqueue" : "scx_bypass after the wakeup");
    const Projection p = project(selectThenBypassTrace(first), ProjectOptions{true});
    ASSERT_TRUE(p.bypass_projected);
    const Segment* seg = nullptr;
    for (const auto& s : p.segs)
      if (s.pid == 119) seg = &s;
    ASSERT_NE(seg, nullptr);
    size_t pos = seg->obs.size();
    for (size_t i = 0; i < seg->obs.size(); ++i)
      if (seg->obs[i].k == ObsKind::SelectCpu && p.recs[seg->obs[i].rec].seq == 14) pos = i;
    ASSERT_LT(pos, seg->obs.size());
    EXPECT_EQ(classify(p, *seg, pos) == "select-then-bypass", first);
  }
}

// The coverage per slice over the committed golden traces (docs/validation.md,
// "Coverage per slice"): the union the CLI writes as coverage_slices_union.
TEST(ValidateLifecycle, GoldenCoverageUnionPerSlice) {
  const std::string json = ::testing::TempDir() + "/golden-coverage.json";
  ASSERT_EQ(validateMain({kGolden + "/rec-lifecycle.bin", kGolden + "/rec-seed3.bin", kGolden + "/simple.bin",
                          kGolden + "/central.bin", "--json", json}),
            0);
  std::ifstream in(json);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(json.c_str());
  // (read the three numbers without a JSON library in the test)
  auto field = [&](const std::string& slice, const std::string& key) {
    const size_t at = text.find("\"" + slice + "\"", text.find("\"coverage_slices_union\""));
    const size_t k = text.find("\"" + key + "\"", at);
    return std::stoi(text.substr(text.find(':', k) + 1));
  };
  // 52 of 57 (91.2%, issue 19's bar is 90%) since the model marks
  // find_dsq_for_dispatch (ext.c:1847) where it resolves a verdict's DSQ;
  // the five left are explained in docs/validation.md
  EXPECT_GE(field("baseline", "explained"), 52);
  EXPECT_EQ(field("baseline", "sites"), 57);
  EXPECT_GE(100 * field("baseline", "explained"), 90 * field("baseline", "sites"));
  // 13 since the wakeup's select half is a step of its own with the
  // lifecycle (lockless V2): the shortest explanation of a wakeup without
  // ops.select_cpu is now the one-step wakelist path, not select_task_rq_scx's
  // bypass branch (ext.c:3646), which stays reachable but off the chosen path
  EXPECT_GE(field("lifecycle", "explained"), 13);
  EXPECT_GE(field("lifecycle", "observed"), 26);
}

// The CI session of seq 53616-53674 (pid 119 prev), reduced: cpu0's
// ops.dispatch loop began before cpu1's scx_bypass(true) and its second
// round runs after it returned.  scx_dispatch_sched tests bypass only at its
// entry (inl.h:42-48), so that round is allowed; a pick on cpu0 in between
// makes it a new loop entered while bypassing, which is reported.
TEST(ValidateLifecycle, LaterDispatchRoundInBypassIsAllowedANewOneIsNot) {
  using K = trace::Kind;
  for (bool picked : {false, true}) {
    SCOPED_TRACE(picked ? "a pick in between" : "the same dispatch loop");
    TraceBuilder b;
    b.add(K::KTaskState, 0, 119, {0, 1});  // (the trace has the lifecycle probes)
    b.add(K::CbDispatch, 0, 119, {0, 1});
    b.add(K::KfDsqInsert, 0, 120, {trace::dsq::kGlobal, 5000000, 0, 1, static_cast<uint64_t>(K::CbDispatch)});
    b.add(K::KRootDisable, 1, 0);
    b.add(K::KBypass, 1, 0, {1});
    b.add(K::KBypassRet, 1, 0, {1});
    if (picked) b.add(K::TpSchedSwitch, 0, 120, {119, 0, 1, 0, 0});
    b.add(K::CbDispatch, 0, 119, {0, 1});
    const LifecycleCheck l = checkLifecycle(project(b.t));
    ASSERT_TRUE(l.checked);
    size_t dispatch_violations = 0;
    for (const auto& v : l.first)
      if (v.find("ops.dispatch entered while every CPU bypasses") != std::string::npos) ++dispatch_violations;
    EXPECT_EQ(dispatch_violations, picked ? 1u : 0u);
    EXPECT_EQ(l.bypass_later_rounds, picked ? 0u : 1u);
  }
}

// The sub-scheduler session (scx_sub): the reader accepts the scheduler tags
// (arg4 of a callback, arg2 of META_ATTACH) only in a scx_sub trace, and
// the sub-ownership check reports a root scheduling callback for a task the
// child has enabled (the model's invariant sub-ownership).
TEST(ValidateSubSession, TagsAreReadAndOwnershipIsChecked) {
  using trace::Kind;
  trace::Trace t;
  t.header.scheduler = trace::Scheduler::Sub;
  t.header.nr_cpus = 2;
  t.header.kernel_release = "7.3.4+deb13-cloud-amd64";
  uint64_t seq = 0;
  auto add = [&](Kind k, uint32_t pid, uint64_t tag, uint64_t a0 = 0) {
    trace::Record r;
    r.seq = seq++;
    r.kind = k;
    r.pid = pid;
    r.arg[0] = a0;
    r.arg[4] = tag;
    t.records.push_back(r);
    return r.seq;
  };
  add(Kind::CbInit, 0, 2);
  add(Kind::CbInitRet, 0, 2);
  add(Kind::CbSubAttach, 0, 1, 54);
  add(Kind::CbEnable, 10, 2);
  add(Kind::CbRunnable, 10, 2);
  const uint64_t bad = add(Kind::CbEnqueue, 10, 1);  // the root, while the child has pid 10
  add(Kind::CbEnqueue, 10, 2);
  add(Kind::CbDisable, 10, 2);
  add(Kind::CbEnable, 10, 1);  // handed back to the root
  add(Kind::CbEnqueue, 10, 1);
  add(Kind::CbSubDetach, 0, 1, 54);
  add(Kind::CbExit, 0, 2, 64);
  {
    trace::Record m;
    m.seq = seq++;
    m.kind = Kind::MetaAttach;
    m.arg[2] = 2;  // the child's attach
    t.records.push_back(m);
  }
  const std::string path = ::testing::TempDir() + "/sub-session.bin";
  trace::write_file(path, t);
  const trace::Trace back = trace::read_file(path);
  std::remove(path.c_str());
  ASSERT_EQ(back.records.size(), t.records.size());
  EXPECT_EQ(back.records[5].arg[4], 1u);
  SubSession s = checkSubSession(back);
  ASSERT_TRUE(s.is_sub);
  EXPECT_EQ(s.child_cgroup, 54u);
  EXPECT_EQ(s.sub_attach, 1u);
  EXPECT_EQ(s.attaches[2], 1u);
  EXPECT_EQ(s.handovers, 1u);
  ASSERT_EQ(s.violations, 1u);
  EXPECT_NE(s.first.front().find("seq " + std::to_string(bad)), std::string::npos) << s.first.front();
  EXPECT_NE(s.first.front().find("sub-ownership"), std::string::npos) << s.first.front();
  // without the root's enqueue it holds
  trace::Trace ok = back;
  ok.records.erase(ok.records.begin() + 5);
  EXPECT_EQ(checkSubSession(ok).violations, 0u);
  // a child callback after its ops.exit is reported
  trace::Trace late = ok;
  trace::Record r = late.records[1];  // the child's CB_INIT_RET, after its CB_EXIT
  r.seq = seq++;
  late.records.push_back(r);
  EXPECT_EQ(checkSubSession(late).violations, 1u);
  // the same tags in a scx_rec trace are malformed
  trace::Trace rec = t;
  rec.header.scheduler = trace::Scheduler::Rec;
  const std::string p2 = ::testing::TempDir() + "/not-sub.bin";
  trace::write_file(p2, rec);
  EXPECT_THROW(trace::read_file(p2), trace::TraceError);
  std::remove(p2.c_str());
}

// The committed sub-scheduler session (tests/golden/sub-session.bin): the
// child attaches and detaches once, the root's ops.sub_attach/sub_detach
// name its cgroup, tasks are handed from one scheduler to the other, and
// sub-ownership holds on the recorded events.
TEST(ValidateSubSession, GoldenSessionDecodes) {
  const trace::Trace t = golden("sub-session.bin");
  const SubSession s = checkSubSession(t);
  ASSERT_TRUE(s.is_sub);
  EXPECT_EQ(s.attaches[1], 1u);
  EXPECT_EQ(s.attaches[2], 1u);
  EXPECT_EQ(s.detaches[2], 1u);
  EXPECT_EQ(s.sub_attach, 1u);
  EXPECT_EQ(s.sub_detach, 1u);
  EXPECT_EQ(s.child_cgroup, 54u);
  EXPECT_GT(s.handovers, 0u);
  EXPECT_GT(s.enabled_pids[2].size(), 0u);
  EXPECT_GT(s.callbacks[2].at("CB_RUNNING"), 0u);
  EXPECT_EQ(s.violations, 0u) << (s.first.empty() ? "" : s.first.front());
  // the --sub-scheds slice's sites the session shows running: the child's
  // enable and disable stages and the re-homing, whose BPF callbacks the
  // recorder sees; not scx_link_sched and scx_unlink_sched (no callback),
  // nor exit claiming and propagation (no callback, and no error exit in
  // this session)
  const std::set<Site> shown = {Site::SetTaskSched,  Site::SubEnable,  Site::ClaimSubtree,   Site::SubInitLoop,
                                Site::SubSwitchLoop, Site::SubEnabled, Site::SubDisable,     Site::ReturnSubtree,
                                Site::SubDisableLoop, Site::RehomeTask, Site::SubExit};
  int sub_sites = 0, observed = 0;
  for (int i = 0; i < siteCount(); ++i)
    if (siteSlice(static_cast<Site>(i)) == SiteSlice::SubScheds) {
      ++sub_sites;
      const Site x = static_cast<Site>(i);
      observed += s.observed.test(static_cast<size_t>(i));
      if (shown.count(x)) {
        EXPECT_TRUE(s.observed.test(static_cast<size_t>(i))) << siteInfo(x).function << ":" << siteInfo(x).line;
      }
      if (x == Site::LinkSched || x == Site::UnlinkSched || x == Site::ClaimExit || x == Site::PropagateExit) {
        EXPECT_FALSE(s.observed.test(static_cast<size_t>(i))) << siteInfo(x).function << ":" << siteInfo(x).line;
      }
    }
  EXPECT_GE(sub_sites, 13);
  EXPECT_EQ(observed, 11);
  EXPECT_EQ(validateMain({kGolden + "/sub-session.bin"}), 0);
  // a root callback for a task while the child has it enabled is reported
  trace::Trace bad = t;
  std::vector<trace::Record> recs = trace::sorted_by_seq(bad.records);
  for (const auto& r : recs)
    if (r.kind == trace::Kind::CbEnable && r.arg[4] == 2) {
      for (auto& q : bad.records)
        if (q.pid == r.pid && q.seq > r.seq && q.kind == trace::Kind::CbRunnable && q.arg[4] == 2) {
          q.arg[4] = 1;
          break;
        }
      break;
    }
  EXPECT_GE(checkSubSession(bad).violations, 1u);
}
