// Locations of State bytes, and the access recorder of the traced build.
#include "access_trace.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>

#include "ext_core.hpp"

namespace scxmc {

namespace {
struct LocInfo {
  const char* name;
  const char* what;
};
const LocInfo kLocs[] = {
#define SCXMC_LOC_INFO(id, what) {#id, what},
    SCXMC_LOCS(SCXMC_LOC_INFO)
#undef SCXMC_LOC_INFO
};
static_assert(sizeof(kLocs) / sizeof(kLocs[0]) == static_cast<size_t>(Loc::Count));

using Table = std::array<Location, sizeof(State)>;

Table buildTable() {
  Table tab{};
  auto set = [&](size_t off, size_t len, Loc k, uint8_t inst) {
    for (size_t i = 0; i < len; ++i) tab[off + i] = Location{k, inst};
  };
#define FIELD(S, f) offsetof(S, f), sizeof(S::f)
  for (int t = 0; t < kMaxTasks; ++t) {
    const size_t b = offsetof(State, task) + t * sizeof(TaskState);
    const uint8_t i = static_cast<uint8_t>(t);
    auto tf = [&](size_t off, size_t len, Loc k) { set(b + off, len, k, i); };
    tf(FIELD(TaskState, opss), Loc::TaskOpss);
    tf(FIELD(TaskState, flags), Loc::TaskFlags);
    tf(FIELD(TaskState, dsq), Loc::TaskDsq);
    tf(FIELD(TaskState, holding), Loc::TaskHolding);
    tf(FIELD(TaskState, sticky), Loc::TaskSticky);
    tf(FIELD(TaskState, ddsp), Loc::TaskDdsp);
    tf(FIELD(TaskState, deferred), Loc::TaskDeferred);
    tf(FIELD(TaskState, cpu), Loc::TaskCpu);
    tf(FIELD(TaskState, affinity), Loc::TaskAffinity);
    tf(FIELD(TaskState, slice), Loc::TaskSlice);
    tf(FIELD(TaskState, on_rq), Loc::TaskOnRq);
    tf(FIELD(TaskState, ghost), Loc::TaskGhost);
    tf(FIELD(TaskState, ghost2), Loc::TaskGhost);
    tf(FIELD(TaskState, scx_state), Loc::TaskScxState);
  }
  for (int c = 0; c < kMaxCpus; ++c) {
    const size_t b = offsetof(State, cpu) + c * sizeof(CpuState);
    const uint8_t i = static_cast<uint8_t>(c);
    set(b, sizeof(CpuState), Loc::CpuDspCtx, i);
    set(b + offsetof(CpuState, curr), 1, Loc::CpuCurr, i);
    set(b + offsetof(CpuState, dfn), 1, Loc::CpuDeferred, i);
    set(b + offsetof(CpuState, dfq), sizeof(CpuState::dfq), Loc::CpuDeferred, i);
    set(b + offsetof(CpuState, bypassing), 1, Loc::CpuBypass, i);
    set(b + offsetof(CpuState, rqf), 1, Loc::CpuRqFlags, i);
  }
  for (int a = 0; a < kMaxActors; ++a) {
    const size_t b = offsetof(State, actor) + a * sizeof(Frame);
    const uint8_t i = static_cast<uint8_t>(a);
    set(b, sizeof(Frame), Loc::FrameRegs, i);
    set(b + offsetof(Frame, holds_rq), 1, Loc::FrameLocks, i);
    set(b + offsetof(Frame, holds_dsq), 1, Loc::FrameLocks, i);
  }
  for (int d = 0; d < kNumDsqs; ++d)
    set(offsetof(State, dsq) + d * sizeof(DsqState), sizeof(DsqState), Loc::DsqList, static_cast<uint8_t>(d));
  set(FIELD(State, scx_error), Loc::ScxError, 0);
  set(FIELD(State, scx_enable), Loc::ScxEnable, 0);
  set(FIELD(State, life_pc), Loc::LifePc, 0);
  set(FIELD(State, bypass_depth), Loc::BypassDepth, 0);
  set(FIELD(State, cycle), Loc::LifePc, 0);
  for (int c = 0; c < kMaxCpus; ++c) set(offsetof(State, proxy_exec) + c, 1, Loc::ProxyExec, static_cast<uint8_t>(c));
  set(FIELD(State, mutex_owner), Loc::MutexState, 0);
  set(FIELD(State, mutex_blocked), Loc::MutexState, 0);
  set(FIELD(State, scx_ran), Loc::ScxRan, 0);
  for (int d = 0; d < kMaxUserDsqs; ++d)  // dsq->id: the DSQ's own field, written under its lock
    set(offsetof(State, dsq_invalid) + d, 1, Loc::DsqId, static_cast<uint8_t>(kDsqUser0 + d));
  set(FIELD(State, sub_exit), Loc::SubExit, 0);
  set(FIELD(State, sub_claim), Loc::SubExit, 0);
  set(FIELD(State, sub_mig), Loc::SubMig, 0);
  // the monitors' scheduler-level ghost byte (sub-pairing): not kernel
  // state, the model never touches it (Loc::TaskGhost is every ghost byte's)
  set(FIELD(State, ghost_sched), Loc::TaskGhost, 0);
#undef FIELD
  for (size_t o = 0; o < tab.size(); ++o)
    if (tab[o].kind == Loc::Count) {
      std::fprintf(stderr, "scxmc: State byte %zu has no location (access_trace.cpp)\n", o);
      std::abort();
    }
  return tab;
}

const Table& table() {
  static const Table tab = buildTable();
  return tab;
}
}  // namespace

const char* locName(Loc k) { return k < Loc::Count ? kLocs[static_cast<int>(k)].name : "?"; }
const char* locWhat(Loc k) { return k < Loc::Count ? kLocs[static_cast<int>(k)].what : "?"; }
bool locIsTask(Loc k) { return k <= Loc::TaskPolicy; }
bool locIsCpu(Loc k) { return (k >= Loc::CpuCurr && k <= Loc::CpuRqFlags) || k == Loc::ProxyExec; }
bool locIsFrame(Loc k) { return k == Loc::FrameRegs || k == Loc::FrameLocks; }

Location locate(size_t offset) { return offset < sizeof(State) ? table()[offset] : Location{}; }

namespace trace {

std::string heldName(uint32_t held) {
  std::string s;
  auto add = [&](const std::string& n) { s += (s.empty() ? "" : "+") + n; };
  if (held & kHeldRqOfLoc) add("rq");
  if (held & kHeldDsqOfLoc) add("dsq");
  if (held & kHeldPiOfLoc) add("pi");
  if (held & kHeldDispOfLoc) add("DISPATCHING");
  if (held & kHeldOtherRq) add("other-rq");
  if (held & kHeldOtherDsq) add("other-dsq");
  if (held & kHeldOwnerOfLoc) add("owner");
  if (held & kHeldPlacementOfLoc) add("placement");
  for (int c = 0; c < static_cast<int>(LockClass::Count); ++c)
    if (held & (1u << (kHeldGlobalShift + c))) add(lockClassName(static_cast<uint8_t>(c)));
  return s.empty() ? "-" : s;
}

#ifdef SCXMC_TRACE_ACCESS

namespace {
thread_local Recorder* g_rec = nullptr;
}

void setRecorder(Recorder* r) { g_rec = r; }
Recorder* recorder() { return g_rec; }

void onRead(const void* addr) {
  if (g_rec) g_rec->access(addr, false);
}
void onWrite(const void* addr) {
  if (g_rec) g_rec->access(addr, true);
}

void Recorder::begin(const Config& cfg, const State* s, int actor, const StepLog* log) {
  busy_ = true;
  cfg_ = &cfg;
  s_ = s;
  log_ = log;
  actor_ = actor;
  seen_ = 0;
  HeldLock h[kMaxHeld];
  const int n = heldLocks(cfg, *s, actor, h);
  held_.assign(h, h + n);
  handler_ = 0;
  for (int& m : marks_) m = 0;
  acc_.clear();
  handlers_.clear();
  busy_ = false;
}

void Recorder::end() { s_ = nullptr; }

void Recorder::handler(uint8_t h, const Frame& regs) {
  busy_ = true;
  handler_ = h;
  handlers_.push_back(h);
  hreg_[0] = regs.t.raw();
  hreg_[1] = regs.x.raw();
  hreg_[2] = regs.y.raw();
  hreg_[3] = regs.d.raw();
  hreg_[4] = regs.home.raw();
  hreg_[5] = static_cast<uint8_t>(actor_);
  busy_ = false;
}

uint32_t Recorder::heldFor(Location loc) {
  // fold the lock events the step emitted since the last access
  for (; seen_ < log_->n; ++seen_) {
    const Event& e = log_->ev[seen_];
    if (e.kind == Ev::Lock) {
      held_.push_back(HeldLock{e.a, e.b});
    } else if (e.kind == Ev::Unlock) {
      for (size_t i = held_.size(); i-- > 0;)
        if (held_[i].cls == e.a && held_[i].inst == e.b) {
          held_.erase(held_.begin() + static_cast<long>(i));
          break;
        }
    }
  }
  uint32_t m = 0;
  const bool task = locIsTask(loc.kind);
  const uint8_t tcpu = task ? s_->task[loc.inst].cpu.raw() : kNone;
  bool on_shared = false;  // the task is linked on a shared (non-local) DSQ's list
  if (task)
    for (int d = kDsqGlobal; d < kNumDsqs; ++d)
      for (int i = 0; i < s_->dsq[d].n.raw(); ++i) on_shared |= s_->dsq[d].q[i].raw() == loc.inst;
  if (task && !on_shared) m |= kHeldDsqOfLoc;
  for (const HeldLock& h : held_) {
    switch (static_cast<LockClass>(h.cls)) {
      case LockClass::Rq: {
        // a local DSQ's list is protected by its rq's lock: the DSQ's lock
        if ((loc.kind == Loc::DsqList || loc.kind == Loc::DsqId) && h.inst == loc.inst) { m |= kHeldDsqOfLoc; break; }
        const bool mine = (task && h.inst == tcpu) || (locIsCpu(loc.kind) && h.inst == loc.inst);
        m |= mine ? kHeldRqOfLoc : kHeldOtherRq;
        break;
      }
      case LockClass::Dsq: {
        bool mine = (loc.kind == Loc::DsqList || loc.kind == Loc::DsqId) && h.inst == loc.inst;
        for (int i = 0; task && i < s_->dsq[h.inst].n.raw(); ++i) mine |= s_->dsq[h.inst].q[i].raw() == loc.inst;
        m |= mine ? kHeldDsqOfLoc : kHeldOtherDsq;
        break;
      }
      case LockClass::PiLock:
        if (task && h.inst == loc.inst) m |= kHeldPiOfLoc;
        break;
      case LockClass::DispatchingClaim:
      case LockClass::DispatchingPublished:
        if (task && h.inst == loc.inst) m |= kHeldDispOfLoc | kHeldOwnerOfLoc;
        break;
      default:
        m |= 1u << (kHeldGlobalShift + h.cls);
        break;
    }
  }
  if (task) {
    const bool on_rq = s_->task[loc.inst].on_rq.raw() != static_cast<uint8_t>(OnRq::No);
    if (on_rq ? (m & kHeldRqOfLoc) : (m & kHeldPiOfLoc)) m |= kHeldPlacementOfLoc;
  }
  if (task && (m & kHeldRqOfLoc)) {
    const uint8_t o = s_->task[loc.inst].opss.raw();
    if (o == static_cast<uint8_t>(Opss::None) || o == static_cast<uint8_t>(Opss::Queueing)) m |= kHeldOwnerOfLoc;
  }
  return m;
}

void Recorder::virtualAccess(Location loc, bool write) {
  if (busy_ || !s_) return;
  record(loc, write);
}

void Recorder::access(const void* addr, bool write) {
  if (busy_ || !s_) return;
  const auto* b = reinterpret_cast<const uint8_t*>(s_);
  const auto* p = static_cast<const uint8_t*>(addr);
  if (p < b || p >= b + sizeof(State)) return;  // a copy outside the state
  const Location loc = locate(static_cast<size_t>(p - b));
  // An actor's own registers are private to it by construction: not
  // recorded (the lock words it holds are: others test them).
  if (loc.kind == Loc::FrameRegs && loc.inst == actor_) return;
  record(loc, write);
}

void Recorder::record(Location loc, bool write) {
  busy_ = true;
  Access a;
  a.loc = loc;
  a.write = write;
  a.bookkeeping = marks_[static_cast<int>(Mark::Bookkeeping)] > 0;
  a.choice = marks_[static_cast<int>(Mark::Choice)] > 0 && !write;
  a.validated = marks_[static_cast<int>(Mark::Validated)] > 0 && !write;
  a.handler = handler_;
  // (an actor's own frame and the monitors' bytes are nobody else's: their
  // lock sets are never consulted)
  const bool own = (locIsFrame(a.loc.kind) && a.loc.inst == actor_) || a.loc.kind == Loc::TaskGhost;
  a.held = own ? 0 : heldFor(a.loc);
  for (int i = 0; i < 6; ++i) a.hreg[i] = hreg_[i];
  acc_.push_back(a);
  busy_ = false;
}

#endif  // SCXMC_TRACE_ACCESS

}  // namespace trace
}  // namespace scxmc
