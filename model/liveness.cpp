// Dead-field normalization: fields whose value no future step can read are
// set to one fixed value before a state is stored, so states that differ
// only in dead fields are stored once.  This is a bisimulation quotient like
// the symmetry reduction (docs/architecture.md, "Reductions"): every step
// from the normalized state has the same effect on the live fields and the
// same events as from the original one.
//
// The arguments, field by field (checked against the model's readers):
// - slice of a task that is no CPU's curr.  The model reads p->scx.slice
//   only for rq->curr: the tick test (task_tick_scx), the keep-prev test
//   (do_pick_task_scx, ext.c:3009-3010) and put_prev_task_scx's
//   preempted-or-expired test.  A task becomes curr only through
//   pickFinish, which refills an empty slice first (refill_task_slice_dfl),
//   so the value it had while not curr is overwritten unread whenever it is
//   0, and kept when it is already 1.
// - affinity of a sleeping task when affinity changes are in the
//   environment: the wakeup re-chooses the mask before anything reads it
//   (environment.cpp folds sched_setaffinity on a sleeping task into the
//   wakeup).
// - task_cpu of a sleeping task (set to "no CPU", which CPU renamings keep)
//   when ops.select_cpu picks any allowed CPU
//   (the policy does not use prev_cpu): the wakeup reads it only as the
//   prev_cpu argument that such a policy ignores, and sets it anew.
// - the kfunc counter (actions) and nr_tasks of a CPU paused before another
//   ops.dispatch round (Pc::CallDispatch, --dispatch-loops 0): callDispatch
//   resets both (dspc->nr_tasks = 0, inlines.h:92) before anything reads
//   them.
// - --balance-callbacks: a pending deferred irq_work (kRqIrqWork) of an rq
//   whose list is empty, or is being run (deferredRunOn: the waker's
//   task_woken_scx, the balance callback, the irq_work itself), or will be
//   run by this CPU's balance callback before the CPU is at rest again
//   (SCX_RQ_BAL_CB_PENDING or the callback queued: set only while the CPU
//   is in dispatch_one, consumed at the end of its pick with the rq lock
//   held since, pick.cpp; the callback runs the list until it is empty,
//   ext.c:4470; a RETRY_TASK pick queues the irq_work again).  Its one reader
//   that decides something is the CPU's rest step, and there it can only
//   run an empty list (a step that changes nothing but the bit, which
//   restCpu does not offer) or a list another mechanism filled meanwhile:
//   the wakeup hook's, while that run is in progress, which restCpu offers
//   whether or not an irq_work is pending (the over-approximation in
//   docs/architecture.md), or one that queued the irq_work again.
//   schedule_deferred_locked only sets it (irq_work_queue_on of a pending
//   work does nothing).
// "Sleeping" here means nothing refers to the task: off the rq, no CPU's
// curr, on no DSQ or deferred list, in no dispatch buffer, referenced by no
// paused actor, its own actor at rest, ops_state NONE, no flags.
#include "ext_core.hpp"

namespace scxmc {

namespace {

bool referenced(const Config& cfg, const State& s, uint8_t t) {
  for (int c = 0; c < cfg.cpus; ++c) {
    const CpuState& cs = s.cpu[c];
    if (cs.curr == t) return true;
    for (int i = 0; i < cs.nbuf; ++i)
      if (cs.buf[i].task == t) return true;
    for (int i = 0; i < cs.dfn; ++i)
      if (cs.dfq[i] == t) return true;
  }
  for (int a = 0; a < cfg.actors(); ++a) {
    const Frame& f = s.actor[a];
    if (f.pc != 0 && f.t == t) return true;
  }
  return s.actor[cfg.cpus + t].pc != 0;
}

}  // namespace

void ExtCore::normalizeDead(State& s) const {
  // (the validation environment reads both: a sleeping task's attribute
  // change offers the masks it does not have, a wake-list wakeup runs on
  // task_cpu; so does the lifecycle: enable, disable, policy changes and
  // cgroup moves take a sleeping task's rq lock)
  const bool mask_dead = (cfg_.env & kEnvAffinity) && !(cfg_.env & kEnvOthers) && !cfg_.lifecycle;
  const bool cpu_dead = cfg_.policy.has_select_cpu && !cfg_.policy.select_prev_cpu &&
                        !(cfg_.env & kEnvWakelist) && !cfg_.lifecycle;
  for (int c = 0; c < cfg_.cpus; ++c)
    if (s.actor[c].pc == static_cast<uint8_t>(Pc::CallDispatch)) {
      s.cpu[c].actions = 0;
      s.cpu[c].nr_tasks = 0;
    }
  for (uint8_t t = 0; t < cfg_.tasks; ++t) {
    TaskState& ts = s.task[t];
    bool curr = false;
    for (int c = 0; c < cfg_.cpus; ++c) curr |= s.cpu[c].curr == t;
    if (!curr) ts.slice = 1;
    if (ts.on_rq != static_cast<uint8_t>(OnRq::No) || ts.dsq != kNone || ts.holding != kNone ||
        ts.opss != static_cast<uint8_t>(Opss::None) || ts.flags || ts.deferred != kNone ||
        ts.sticky != kNone || ts.ddsp != kNone || referenced(cfg_, s, t))
      continue;
    if (mask_dead) ts.affinity = cfg_.allCpusMask();
    if (cpu_dead) ts.cpu = kNone;  // no CPU: a value every CPU renaming keeps
  }
  if (cfg_.sub_scheds) normalizeDeadExit(s);
  if (cfg_.bal_cb)
    for (uint8_t c = 0; c < cfg_.cpus; ++c) {
      const uint8_t f = s.cpu[c].rqf;
      if (s.cpu[c].dfn == 0 || deferredRunOn(cfg_, s, c) || (f & (kRqBalCbPending | kRqBalCbQueued)))
        s.cpu[c].rqf = static_cast<uint8_t>(f & ~kRqIrqWork);
    }
}

bool ExtCore::deferredRunOn(const Config& cfg, const State& s, uint8_t rq) {
  for (int a = 0; a < cfg.actors(); ++a) {
    const Frame& f = s.actor[a];
    if (f.pc != static_cast<uint8_t>(Pc::Rest) && f.op == static_cast<uint8_t>(Op::Deferred) && f.home == rq)
      return true;
  }
  return false;
}

// Exit claiming (sub_sched.cpp).  The child's ->aborting has no reader in
// the model (no grandchild links under it, and the dispatch path's read,
// ext.c:2730, is of the dispatching scheduler's: the root's, consume.cpp);
// the root's is read by scx_link_sched (ext.c:6538) and by every consume
// of a non-bypass DSQ (ExtCore::consumeAborting), so it is kept.  A queued
// propagation irq_work whose every claim must fail does nothing but run:
// the child's always (only a successful claim of the child queues it, and
// exit_kind never returns to NONE), the root's once the child's exit is
// claimed or the child can no longer be on the root's list (nor join it:
// not while the root is still enabling, which only --nmi's claim reaches
// with the exit claimed).  This needs
// the claim to be the cmpxchg (claim_is_cmpxchg_).
void ExtCore::normalizeDeadExit(State& s) const {
  s.sub_exit &= static_cast<uint8_t>(~kSubAbortingChild);
  const auto pc = static_cast<LifePc>(static_cast<uint8_t>(s.life_pc));
  const bool link_ahead = pc == LifePc::Enabled || pc == LifePc::SubEnLinked;
  if (!claim_is_cmpxchg_) return;
  s.sub_claim &= static_cast<uint8_t>(~kSubPropagateChild);
  const bool child_claimed = ((s.sub_exit >> kSubExitChildShift) & 3) != 0;
  // (--nmi: the root's exit may be claimed while it is still ENABLING; the
  // child may link once it is ENABLED, so the queued work is live until then)
  const bool enabling = static_cast<uint8_t>(lifeStage(s.life_pc)) <= static_cast<uint8_t>(LifePc::EnPublish);
  if (child_claimed || !(link_ahead || enabling || subListed(s.life_pc)))
    s.sub_exit &= static_cast<uint8_t>(~kSubPropagateRoot);
}

}  // namespace scxmc
