#include "symmetry.hpp"

#include "ext_core.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace scxmc {

namespace {

constexpr int kKey = 64;
using Key = std::array<uint8_t, kKey>;

// Everything about task t that does not depend on the names of the others.
Key signature(const Config& cfg, const State& s, uint8_t t) {
  Key k{};
  int n = 0;
  auto put = [&](uint8_t v) { if (n < kKey) k[n++] = v; };
  const TaskState& ts = s.task[t];
  put(ts.opss); put(ts.flags); put(ts.dsq);
  put(ts.holding == kNone ? kNone : ts.holding < cfg.cpus ? static_cast<int>(ts.holding) : 0xfe);  // a task actor: unnamed
  put(ts.sticky); put(ts.ddsp); put(ts.deferred); put(ts.cpu); put(ts.affinity);
  put(ts.slice); put(ts.on_rq); put(ts.ghost); put(ts.ghost2);
  const Frame& own = s.actor[cfg.cpus + t];
  put(own.pc); put(own.op); put(own.t == kNone ? kNone : own.t == t ? 0xfd : 0xfc);
  put(own.x); put(own.y); put(own.d); put(own.ret); put(own.ret2); put(own.home); put(own.tag);
  put(own.holds_rq); put(own.holds_dsq);
  // where it is
  uint8_t curr = kNone;
  for (int c = 0; c < cfg.cpus; ++c)
    if (s.cpu[c].curr == t) curr = static_cast<uint8_t>(c);
  put(curr);
  uint8_t pos = kNone;
  if (ts.dsq != kNone)
    for (int i = 0; i < s.dsq[ts.dsq].n; ++i)
      if (s.dsq[ts.dsq].q[i] == t) pos = static_cast<uint8_t>(i);
  put(pos);
  if (ts.deferred != kNone) {
    for (int i = 0; i < s.cpu[ts.deferred].dfn; ++i)
      if (s.cpu[ts.deferred].dfq[i] == t) put(static_cast<uint8_t>(i));
  } else {
    put(kNone);
  }
  for (int c = 0; c < cfg.cpus; ++c) {
    uint8_t mask = 0;
    for (int i = 0; i < s.cpu[c].nbuf; ++i)
      if (s.cpu[c].buf[i].task == t) mask |= static_cast<uint8_t>(1u << i);
    put(mask);
    put(s.actor[c].t == t ? 1 : 0);  // a CPU actor is working on it
  }
  for (int u = 0; u < cfg.tasks; ++u)  // other task actors working on it
    if (u != t) put(s.actor[cfg.cpus + u].t == t ? 1 : 0);
  put(lifeInitTask(s.life_pc) == t ? 1 : 0);  // the helper runs its ops.init_task
  uint8_t cycled = 0;  // scx_bypass's cycling has visited it (kCpuBypassHeld)
  for (int c = 0; c < cfg.cpus; ++c) cycled |= (s.cpu[c].bypassing >> (kCpuBypassCycledShift + t)) & 1;
  put(cycled);
  // (--sub-migrations) the cgroup.procs writer is moving it
  put((s.sub_mig & kSubMigPcMask) && (s.sub_mig >> kSubMigTaskShift) == t ? 1 : 0);
  return k;
}

}  // namespace

State permuteTasks(const Config& cfg, const State& s, const uint8_t* perm) {
  const int T = cfg.tasks, C = cfg.cpus;
  uint8_t inv[kMaxTasks];
  for (int i = 0; i < T; ++i) inv[perm[i]] = static_cast<uint8_t>(i);
  auto map = [&](uint8_t t) -> uint8_t { return t == kNone || t >= T ? t : inv[t]; };
  auto mapActor = [&](uint8_t a) -> uint8_t {
    return (a == kNone || a < C) ? a : static_cast<uint8_t>(C + inv[a - C]);
  };
  State o = s;
  for (int i = 0; i < T; ++i) {
    o.task[i] = s.task[perm[i]];
    o.actor[C + i] = s.actor[C + perm[i]];
  }
  for (int i = 0; i < T; ++i) o.task[i].holding = mapActor(o.task[i].holding);
  for (int a = 0; a < C + T; ++a) o.actor[a].t = map(o.actor[a].t);
  for (int c = 0; c < C; ++c) {
    CpuState& cs = o.cpu[c];
    cs.curr = map(cs.curr);
    for (int i = 0; i < cs.dfn; ++i) cs.dfq[i] = map(cs.dfq[i]);
    for (int i = 0; i < cs.nbuf; ++i) cs.buf[i].task = map(cs.buf[i].task);
  }
  for (auto& q : o.dsq)
    for (int i = 0; i < q.n; ++i) q.q[i] = map(q.q[i]);
  if (const uint8_t t = lifeInitTask(s.life_pc); t != kNone)
    o.life_pc = static_cast<uint8_t>(static_cast<uint8_t>(LifePc::EnInitCall0) + map(t));
  if (s.sub_mig & kSubMigPcMask)  // (--sub-migrations) the task the cgroup.procs writer moves
    o.sub_mig = static_cast<uint8_t>((s.sub_mig & ((1u << kSubMigTaskShift) - 1)) |
                                     map(static_cast<uint8_t>(s.sub_mig >> kSubMigTaskShift)) << kSubMigTaskShift);
  for (int c = 0; c < C; ++c) {  // scx_bypass's cycled tasks (kCpuBypassCycledShift)
    const uint8_t b = s.cpu[c].bypassing;
    uint8_t m = static_cast<uint8_t>(b & ((1u << kCpuBypassCycledShift) - 1));
    for (int t = 0; t < T; ++t)
      if ((b >> (kCpuBypassCycledShift + t)) & 1) m = static_cast<uint8_t>(m | 1u << (kCpuBypassCycledShift + map(t)));
    o.cpu[c].bypassing = m;
  }
  return o;
}

bool canonicalizeTasks(const Config& cfg, State& s) {
  const int T = cfg.tasks;
  if (T < 2) return false;
  Key keys[kMaxTasks];
  uint8_t perm[kMaxTasks];
  for (int t = 0; t < T; ++t) {
    keys[t] = signature(cfg, s, static_cast<uint8_t>(t));
    perm[t] = static_cast<uint8_t>(t);
  }
  std::stable_sort(perm, perm + T, [&](uint8_t a, uint8_t b) { return keys[a] < keys[b]; });
  bool identity = true;
  for (int i = 0; i < T; ++i) identity = identity && perm[i] == i;
  if (identity) return false;
  s = permuteTasks(cfg, s, perm);
  return true;
}

namespace {

uint8_t mapTarget(uint8_t target, const uint8_t* sigma) {
  if (target == kNone || targetKind(target) != TargetKind::LocalOn) return target;
  return makeTarget(TargetKind::LocalOn, sigma[targetArg(target)]);
}

uint8_t mapMask(uint8_t m, int cpus, const uint8_t* sigma) {
  uint8_t o = 0;
  for (int c = 0; c < cpus; ++c)
    if ((m >> c) & 1) o = static_cast<uint8_t>(o | (1u << sigma[c]));
  return o;
}

}  // namespace

namespace {

// A variant's pause point (Pc::Variant0..5, ExtCore::definePause): y is a
// value (Variant0/1), a DSQ (Variant2/3) or a CPU (Variant4/5).  Inside a
// dequeue (tag a DeqThen* continuation) a value-y pause keeps the registers
// as DeqWait does: d the dequeue flags, y what the continuation needs.
// Anywhere else its d is a DSQ.
bool variantPc(Pc pc) { return pc == Pc::Variant0 || pc == Pc::Variant1; }
bool variantDsqPc(Pc pc) { return pc == Pc::Variant2 || pc == Pc::Variant3; }
bool variantCpuPc(Pc pc) { return pc == Pc::Variant4 || pc == Pc::Variant5; }
bool inDequeue(Ret tag) { return tag == Ret::DeqThenPick || tag == Ret::DeqThenChange || tag == Ret::DeqThenMigrate; }

// Whether Frame::d holds dequeue flags rather than a DSQ.
bool dIsDeqFlags(const Frame& f) {
  const auto pc = static_cast<Pc>(f.pc);
  return pc == Pc::DeqWait || (variantPc(pc) && inDequeue(static_cast<Ret>(f.tag)));
}

// What Frame::y holds, by where the actor is (the writers of Frame::y:
// bpfDispatch's dsq_move, finishDispatch, dispatchToLocalDsq, the
// sched_change paths, returnHome).
enum class YKind { Unused, Target, Cpu, Mask, Dsq, Pc };

YKind yKind(const Frame& f) {
  const auto pc = static_cast<Pc>(f.pc);
  const auto tag = static_cast<Ret>(f.tag);
  if (pc == Pc::DsqMoveSrc || pc == Pc::DsqMoveWait || pc == Pc::DsqMoveRemote ||
      (pc == Pc::MrtDst && tag == Ret::MrtDsqMove))
    return YKind::Target;
  if (pc == Pc::DtlSrc || (pc == Pc::MrtDst && tag == Ret::MrtDtl) ||
      ((pc == Pc::DeqWait || variantPc(pc)) && tag == Ret::DeqThenMigrate) || pc == Pc::MqtDst ||
      variantCpuPc(pc))
    return YKind::Cpu;
  if (((pc == Pc::DeqWait || variantPc(pc)) && tag == Ret::DeqThenChange) || pc == Pc::ChangeEnqueue)
    return YKind::Mask;
  if (pc == Pc::FlushLink || variantDsqPc(pc)) return YKind::Dsq;  // (FlushLink: a non-local DSQ)
  if (pc == Pc::RelockHome || pc == Pc::KickIrq) return YKind::Pc;
  return YKind::Unused;
}

}  // namespace

State permuteCpus(const Config& cfg, const State& s, const uint8_t* sigma) {
  const int T = cfg.tasks, C = cfg.cpus;
  auto cpu = [&](uint8_t c) -> uint8_t { return c == kNone ? c : sigma[c]; };
  auto actor = [&](uint8_t a) -> uint8_t { return (a == kNone || a >= C) ? a : sigma[a]; };
  auto dsq = [&](uint8_t d) -> uint8_t { return (d != kNone && isLocalDsq(d)) ? sigma[d] : d; };
  State o = s;
  for (int c = 0; c < C; ++c) {
    o.cpu[sigma[c]] = s.cpu[c];
    o.dsq[sigma[c]] = s.dsq[c];
    o.actor[sigma[c]] = s.actor[c];
  }
  for (int c = 0; c < C; ++c)
    for (int i = 0; i < o.cpu[c].nbuf; ++i) o.cpu[c].buf[i].target = mapTarget(o.cpu[c].buf[i].target, sigma);
  if (cfg.kicks)
    for (int c = 0; c < C; ++c) {
      // (--kicks) the CPU masks inside the kick bytes
      CpuState& cs = o.cpu[c];
      const uint8_t k = cs.kick, y = cs.ksync;
      cs.kick = static_cast<uint8_t>((k & ~0x3f) | mapMask(k & kKickToKickMask, C, sigma) |
                                     mapMask((k >> kKickPreemptShift) & kKickToKickMask, C, sigma) << kKickPreemptShift);
      cs.ksync = static_cast<uint8_t>((y & ~0x3f) | mapMask(y & kSyncToWaitMask, C, sigma) |
                                      mapMask((y >> kSyncShift) & kSyncToWaitMask, C, sigma) << kSyncShift);
    }
  for (int t = 0; t < T; ++t) {
    TaskState& ts = o.task[t];
    ts.dsq = dsq(ts.dsq);
    ts.holding = actor(ts.holding);
    ts.sticky = cpu(ts.sticky);
    ts.ddsp = mapTarget(ts.ddsp, sigma);
    ts.deferred = cpu(ts.deferred);
    ts.cpu = cpu(ts.cpu);
    ts.affinity = mapMask(ts.affinity, C, sigma);
  }
  for (int a = 0; a < C + T; ++a) {
    Frame& f = o.actor[a];
    f.x = cpu(f.x);
    f.home = cpu(f.home);
    f.holds_rq = cpu(f.holds_rq);
    switch (yKind(f)) {
      case YKind::Target: f.y = mapTarget(f.y, sigma); break;
      case YKind::Cpu: f.y = cpu(f.y); break;
      // (markers, not masks: 0xfe a sched_change whose body calls no ext
      // callback, ExtCore::kChangeToFair one that moves the task to fair;
      // environment.cpp)
      case YKind::Mask:
        if (f.y != kNone && f.y != 0xfe && f.y != kChangeToFair) f.y = mapMask(f.y, C, sigma);
        break;
      case YKind::Dsq: f.y = dsq(f.y); break;  // (a local one: FlushLink's never is)
      default: break;  // a program counter, or unused
    }
  }
  return o;
}

State permuteUserDsqs(const Config& cfg, const State& s, const uint8_t* rho) {
  const int T = cfg.tasks, C = cfg.cpus;
  auto dsq = [&](uint8_t d) -> uint8_t {
    return (d != kNone && isUserDsq(d)) ? static_cast<uint8_t>(kDsqUser0 + rho[d - kDsqUser0]) : d;
  };
  auto target = [&](uint8_t t) -> uint8_t {
    return (t == kNone || targetKind(t) != TargetKind::User) ? t : makeTarget(TargetKind::User, rho[targetArg(t)]);
  };
  State o = s;
  for (int d = 0; d < cfg.user_dsqs; ++d) {
    o.dsq[kDsqUser0 + rho[d]] = s.dsq[kDsqUser0 + d];
    o.dsq_invalid[rho[d]] = s.dsq_invalid[d];  // (--destroy-dsqs)
  }
  for (int t = 0; t < T; ++t) {
    o.task[t].dsq = dsq(o.task[t].dsq);
    o.task[t].ddsp = target(o.task[t].ddsp);
  }
  for (int c = 0; c < C; ++c)
    for (int i = 0; i < o.cpu[c].nbuf; ++i) o.cpu[c].buf[i].target = target(o.cpu[c].buf[i].target);
  for (int a = 0; a < C + T; ++a) {
    Frame& f = o.actor[a];
    if (!dIsDeqFlags(f)) f.d = dsq(f.d);  // (in DeqWait, d holds dequeue flags)
    f.holds_dsq = dsq(f.holds_dsq);
    if (yKind(f) == YKind::Dsq) f.y = dsq(f.y);
    else if (yKind(f) == YKind::Target) f.y = target(f.y);
  }
  return o;
}

namespace {

using Sig = std::array<uint8_t, 24>;

// What a task is, without naming CPUs, DSQs or other tasks.
void nameFree(const TaskState& ts, uint8_t* out) {
  out[0] = ts.opss;
  out[1] = ts.flags;
  out[2] = ts.slice;
  out[3] = ts.on_rq;
  out[4] = ts.ghost;
  out[5] = static_cast<uint8_t>(__builtin_popcount(ts.affinity));
}

// A CPU's signature: only facts that renaming tasks, CPUs or DSQs keeps.
Sig cpuSig(const Config& cfg, const State& s, uint8_t c) {
  Sig k{};
  const CpuState& cs = s.cpu[c];
  const Frame& f = s.actor[c];
  if (cs.curr != kNone) nameFree(s.task[cs.curr], &k[0]); else k[0] = 0xff;
  k[6] = s.dsq[c].n;
  k[7] = cs.dfn;
  k[8] = cs.nbuf;
  k[9] = static_cast<uint8_t>(cs.nr_tasks | cs.actions << 1 | cs.loops << 3);
  k[10] = f.pc;
  k[11] = f.op;
  k[12] = f.tag;
  k[13] = static_cast<uint8_t>(f.ret | f.ret2 << 4);
  k[14] = static_cast<uint8_t>((f.holds_rq == c) | (f.home == c) << 1 | (f.x == c) << 2 | (f.holds_dsq != kNone) << 3);
  for (int t = 0; t < cfg.tasks; ++t) {
    const TaskState& ts = s.task[t];
    k[15] += ts.cpu == c;
    k[16] += (ts.affinity >> c) & 1;
    k[17] += ts.sticky == c;
    k[18] += ts.deferred == c;
  }
  for (int a = 0; a < cfg.actors(); ++a) k[19] += s.actor[a].holds_rq == c;
  return k;
}

// A user DSQ's signature (d is the model DSQ index).
Sig dsqSig(const Config& cfg, const State& s, uint8_t d) {
  Sig k{};
  const DsqState& q = s.dsq[d];
  k[0] = q.n;
  k[1] = q.nr;
  for (int i = 0; i < q.n && i < 3; ++i) nameFree(s.task[q.q[i]], &k[2 + 6 * i]);
  for (int a = 0; a < cfg.actors(); ++a) k[20] += s.actor[a].holds_dsq == d;
  for (int a = 0; a < cfg.actors(); ++a) k[21] += s.actor[a].d == d && !dIsDeqFlags(s.actor[a]);
  return k;
}

// Does the renaming put the items in signature order (new slot i holds old
// item inv[i])?  Only such renamings are candidates for the representative.
bool sorted(const Sig* sig, const uint8_t* perm, int n) {
  uint8_t inv[kMaxCpus > kMaxUserDsqs ? kMaxCpus : kMaxUserDsqs];
  for (int i = 0; i < n; ++i) inv[perm[i]] = static_cast<uint8_t>(i);
  for (int i = 0; i + 1 < n; ++i)
    if (sig[inv[i + 1]] < sig[inv[i]]) return false;
  return true;
}

}  // namespace

bool canonicalPack(const Codec& codec, const Config& cfg, const State& s, bool symmetric, uint8_t* out,
                   State* canon, std::string* err) {
  // (proxy execution gives tasks roles through the mutex fields, which the
  // renamings do not map: no reduction there, exact)
  if (!symmetric || cfg.proxy) {  // no renaming at all: the state itself
    if (canon) *canon = s;
    return codec.pack(s, out, err);
  }
  // Candidates: every renaming of CPUs x user DSQs (user DSQs only when the
  // policy treats them alike) that orders them by their name-free signature;
  // each is followed by the task canonicalization; the smallest state (as
  // bytes: any total order on states will do) wins and is packed.  The
  // candidate set renames along with the state, so symmetric states get the
  // same representative.
  const int nc = cfg.cpus, nd = cfg.policy.only_user_dsq0 ? 1 : cfg.user_dsqs;
  Sig csig[kMaxCpus], dsig[kMaxUserDsqs];
  for (int c = 0; c < nc; ++c) csig[c] = cpuSig(cfg, s, static_cast<uint8_t>(c));
  for (int d = 0; d < nd; ++d) dsig[d] = dsqSig(cfg, s, static_cast<uint8_t>(kDsqUser0 + d));
  uint8_t sigma[kMaxCpus], rho[kMaxUserDsqs];
  for (int c = 0; c < nc; ++c) sigma[c] = static_cast<uint8_t>(c);
  bool have = false;
  State best;
  do {
    if (!sorted(csig, sigma, nc)) continue;
    for (int d = 0; d < kMaxUserDsqs; ++d) rho[d] = static_cast<uint8_t>(d);
    do {
      if (nd > 1 && !sorted(dsig, rho, nd)) continue;
      bool ident = true;
      for (int c = 0; c < nc; ++c) ident &= sigma[c] == c;
      State cand = ident ? s : permuteCpus(cfg, s, sigma);
      if (nd > 1) {
        bool rident = true;
        for (int d = 0; d < nd; ++d) rident &= rho[d] == d;
        if (!rident) cand = permuteUserDsqs(cfg, cand, rho);
      }
      canonicalizeTasks(cfg, cand);
      if (!have || std::memcmp(&cand, &best, sizeof(State)) < 0) {
        best = cand;
        have = true;
      }
    } while (nd > 1 && std::next_permutation(rho, rho + nd));
  } while (std::next_permutation(sigma, sigma + nc));
  if (!codec.pack(best, out, err)) return false;
  if (canon) *canon = best;
  return true;
}

}  // namespace scxmc
