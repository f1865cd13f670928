// Locations of the model's shared state, and the recorder of the
// access-traced model build (field.hpp, SCXMC_TRACE_ACCESS).
//
// A location is a field kind of the kernel's state at the granularity the
// kernel accesses it (one p->scx.flags word, one ops_state, one DSQ list,
// one rq's dispatch context ...) together with its instance (task, CPU,
// DSQ, actor).  locate() maps a byte of State to its location; it is used
// by the footprint declarations (footprint.hpp) in every build.  The
// recorder below exists only in the traced build: while a step runs it is
// told of every State byte the step reads or writes, together with the
// locks the actor holds at that moment (from the step's own lock events),
// and of every handler (program counter) the step enters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config.hpp"
#include "events.hpp"
#include "locks.hpp"
#include "state.hpp"

namespace scxmc {

// Location kinds.  Task*: p->scx fields and task_cpu/cpus_mask/on_rq;
// Cpu*: rq->scx fields; DsqList: one DSQ's list and nr; DsqId: its id (destroyed or not); Frame*: an actor's
// registers (private to it) and the lock words other actors test
// (holds_rq/holds_dsq: the lock itself); the rest global.
#define SCXMC_LOCS(X)                                                                           \
  X(TaskOpss, "p->scx.ops_state")                                                               \
  X(TaskFlags, "p->scx.flags as a whole word (the model reads its bits apart)")                 \
  X(TaskQueued, "SCX_TASK_QUEUED of p->scx.flags")                                              \
  X(TaskCustody, "SCX_TASK_IN_CUSTODY of p->scx.flags")                                         \
  X(TaskSched, "p->scx.sched, the task's owner (--sub-scheds)")                                 \
  X(TaskSubInit, "SCX_TASK_SUB_INIT of p->scx.flags (--sub-scheds)")                            \
  X(TaskCgroup, "the task's cgroup: the child scheduler's or the root's (--sub-scheds)")        \
  X(TaskDsq, "p->scx.dsq")                                                                      \
  X(TaskHolding, "p->scx.holding_cpu")                                                          \
  X(TaskSticky, "p->scx.sticky_cpu")                                                            \
  X(TaskDdsp, "p->scx.ddsp_dsq_id/ddsp_enq_flags")                                              \
  X(TaskDeferred, "p->scx.dsq_list.node on rq->scx.ddsp_deferred_locals")                       \
  X(TaskCpu, "task_cpu(p)")                                                                     \
  X(TaskAffinity, "p->cpus_ptr")                                                                \
  X(TaskSlice, "p->scx.slice")                                                                  \
  X(TaskOnRq, "p->on_rq")                                                                       \
  X(TaskGhost, "monitor ghost bytes (not kernel state)")                                        \
  X(TaskScxState, "p->scx.flags task state (SCX_TASK_STATE_*)")                                 \
  X(TaskDead, "p->__state == TASK_DEAD (--task-death)")                                          \
  X(TaskPolicy, "p->policy: one task_should_scx puts on ext or not (--switch-during-walks)")      \
  X(CpuCurr, "rq->curr")                                                                        \
  X(CpuDspCtx, "the rq's dispatch context (dsp_ctx buf/cursor/nr_tasks, ops.dispatch round)")   \
  X(CpuDeferred, "rq->scx.ddsp_deferred_locals")                                                \
  X(CpuBypass, "SCX_SCHED_PCPU_BYPASSING of the CPU")                                           \
  X(CpuRqFlags, "rq->scx.flags, rq->balance_callback, rq->scx.deferred_irq_work (--balance-callbacks)") \
  X(DsqList, "dsq->list and dsq->nr")                                                           \
  X(DsqId, "dsq->id and the DSQ's sch->dsq_hash entry (--destroy-dsqs)")                       \
  X(FrameRegs, "an actor's registers and program counter")                                     \
  X(FrameLocks, "the rq / DSQ spinlock words an actor holds")                                   \
  X(ScxError, "the scheduler's error exit")                                                     \
  X(ScxEnable, "scx_enable_state")                                                              \
  X(LifePc, "the enable/disable helper's stage")                                                \
  X(BypassDepth, "sch->bypass_depth")                                                           \
  X(ProxyExec, "rq->curr when != rq->donor (proxy variants)")                                   \
  X(MutexState, "the modeled mutex's owner and blocked donors (proxy variants)")                \
  X(ScxRan, "ops.running without ops.stopping yet (proxy variants)")                            \
  X(SubExit, "sch->exit_kind, sch->aborting, the exit irq_works and disable works (sub-scheds)") \
  X(SubMig, "the cgroup.procs writer's stage and task (sub-migrations; it holds cgroup_mutex)")

enum class Loc : uint8_t {
#define SCXMC_LOC_ENUM(id, what) id,
  SCXMC_LOCS(SCXMC_LOC_ENUM)
#undef SCXMC_LOC_ENUM
      Count
};
const char* locName(Loc k);
const char* locWhat(Loc k);
bool locIsTask(Loc k);   // instance = task
bool locIsCpu(Loc k);    // instance = CPU
bool locIsFrame(Loc k);  // instance = actor

struct Location {
  Loc kind = Loc::Count;
  uint8_t inst = 0;  // task, CPU, model DSQ or actor; 0 for a global
};

// The location of byte `offset` of State.
Location locate(size_t offset);

namespace trace {

// One recorded access.
struct Access {
  Location loc;
  bool write = false;
  bool bookkeeping = false;  // a model-only update (ExtCore::qseqAdvance's dead-record drop)
  bool choice = false;       // a read that builds the choice set of the BPF program or the environment
  bool validated = false;    // a read whose answer the kernel validates under a lock before acting on it
  uint8_t handler = 0;  // Pc, or kHelperBase + LifePc for the enable helper
  uint32_t held = 0;    // the locks held then, relative to loc (kHeld* bits)
  uint8_t hreg[6] = {}; // the actor's registers at the handler's entry: t x y d home, actor
};

inline constexpr uint8_t kHelperBase = 0x80;
inline constexpr uint8_t kClaimerBase = 0xc0;  // + ClaimPc: the exit claimer (--sub-scheds)
inline constexpr uint8_t kMigratorBase = 0xe0;  // + MigPc: the cgroup.procs writer (--sub-migrations)

// What the accesses of a marked scope are (Access::bookkeeping, choice,
// validated; docs/lockless.md argues each apart):
//   Bookkeeping  the model's own bookkeeping, no kernel access (the
//                dead-record drop, endPath's lock bookkeeping)
//   Choice       reads that build the choices of a BPF program or the
//                environment ("choice reads")
//   Validated    reads the kernel makes without the lock and checks again
//                under it before acting on the answer ("validated reads")
enum class Mark : uint8_t { Bookkeeping, Choice, Validated, Count };

// Locks held relative to the accessed location (bit sets of Access::held).
inline constexpr uint32_t kHeldRqOfLoc = 1u << 0;   // the rq lock of the task's CPU / of the CPU
// a DSQ list: its lock (a local DSQ's: its rq's lock); a task: the lock of
// a DSQ whose list holds the task, or the task is on no shared DSQ's list
// (so no DSQ-lock holder can reach it through a list)
inline constexpr uint32_t kHeldDsqOfLoc = 1u << 1;
inline constexpr uint32_t kHeldPiOfLoc = 1u << 2;   // the task's p->pi_lock
inline constexpr uint32_t kHeldDispOfLoc = 1u << 3; // the task's DISPATCHING ownership (finish_dispatch's claim)
inline constexpr uint32_t kHeldOtherRq = 1u << 4;   // some other rq lock
inline constexpr uint32_t kHeldOtherDsq = 1u << 5;  // some other DSQ lock
// the task's owner by ops_state: the DISPATCHING claimer, or the holder of
// the task's rq lock while ops_state is NONE or QUEUEING (nobody can claim
// it then: claims need QUEUED, NONE -> QUEUEING needs that rq lock)
inline constexpr uint32_t kHeldOwnerOfLoc = 1u << 6;
// the lock that serializes the task's placement (set_task_cpu's rule,
// core.c: "p->pi_lock or rq->lock"): its pi_lock while it is not on a
// runqueue, the rq lock of its CPU while it is
inline constexpr uint32_t kHeldPlacementOfLoc = 1u << 7;
inline constexpr int kHeldGlobalShift = 8;          // + LockClass: a global lock (mutex, rwsem, ...)
std::string heldName(uint32_t held);

#ifdef SCXMC_TRACE_ACCESS
// Records the accesses of one step at a time.  begin() before step(),
// end() after; the model calls handler() (ext_core.cpp) and the Field8
// accessors call onRead/onWrite.
class Recorder {
 public:
  void begin(const Config& cfg, const State* s, int actor, const StepLog* log);
  void end();
  void handler(uint8_t h, const Frame& regs);
  void access(const void* addr, bool write);
  // Opens (on) or closes a scope whose accesses carry mark m (Marked below).
  void mark(Mark m, bool on) { marks_[static_cast<int>(m)] += on ? 1 : -1; }
  // An access to a location that is not a whole State byte (a flag bit).
  void virtualAccess(Location loc, bool write);
  const std::vector<Access>& accesses() const { return acc_; }
  const std::vector<uint8_t>& handlers() const { return handlers_; }

 private:
  uint32_t heldFor(Location loc);
  void record(Location loc, bool write);
  const Config* cfg_ = nullptr;
  const State* s_ = nullptr;
  const StepLog* log_ = nullptr;
  int actor_ = 0;
  int seen_ = 0;  // log events folded into held_
  std::vector<HeldLock> held_;
  uint8_t handler_ = 0;
  uint8_t hreg_[6] = {};
  bool busy_ = false;
  int marks_[static_cast<int>(Mark::Count)] = {};  // open scopes per mark (they nest)
  std::vector<Access> acc_;
  std::vector<uint8_t> handlers_;
};
// The recorder the model reports to on this thread (null: none).
void setRecorder(Recorder* r);
Recorder* recorder();
#endif

// Marks the accesses of its scope with M (a no-op in the model proper);
// done() ends the scope early (e.g. at the choice).
template <Mark M>
struct Marked {
#ifdef SCXMC_TRACE_ACCESS
  Recorder* r = recorder();
  Marked() { if (r) r->mark(M, true); }
  ~Marked() { done(); }
  void done() {
    if (r) r->mark(M, false);
    r = nullptr;
  }
#else
  Marked() {}  // (user-provided: no unused-variable warning)
  void done() {}
#endif
};
using Bookkeeping = Marked<Mark::Bookkeeping>;
using ChoiceReads = Marked<Mark::Choice>;
using ValidatedReads = Marked<Mark::Validated>;

}  // namespace trace
}  // namespace scxmc
