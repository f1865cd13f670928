#include "pack.hpp"

#include <cstddef>
#include <cstring>

#include "ext_core.hpp"

namespace scxmc {

namespace {
int bitsFor(int values) {
  int b = 0;
  while ((1 << b) < values) ++b;
  return b;
}
}  // namespace

Codec::Codec(const Config& cfg) {
  const State probe{};
  const auto* base = reinterpret_cast<const uint8_t*>(&probe);
  auto add = [&](const Field8& field, int domain, bool none, const char* name) {
    const auto off = static_cast<uint16_t>(reinterpret_cast<const uint8_t*>(&field) - base);
    const int values = domain + (none ? 1 : 0);
    if (values <= 1) {  // a constant: no bits, but pack still checks it
      consts_.push_back(Field{off, 0, static_cast<uint16_t>(domain), none, name});
      return;
    }
    fields_.push_back(Field{off, static_cast<uint8_t>(bitsFor(values)), static_cast<uint16_t>(domain), none, name});
  };
  // Parts: byte-aligned runs of fields (see Part in pack.hpp).
  size_t first = 0;
  auto beginPart = [&] { first = fields_.size(); };
  auto endPart = [&](PartKind kind) {
    int bits = 0;
    for (size_t i = first; i < fields_.size(); ++i) bits += fields_[i].bits;
    const int nbytes = (bits + 7) / 8;
    if (nbytes == 0) return;  // nothing stored: no part
    parts_.push_back(Part{static_cast<uint16_t>(bytes_), static_cast<uint16_t>(nbytes), kind,
                          static_cast<uint16_t>(first), static_cast<uint16_t>(fields_.size())});
    bytes_ += nbytes;
    bits_ += bits;
  };
  const int T = cfg.tasks, C = cfg.cpus;
  const int ndsq = kNumDsqs;
  auto addFrame = [&](const Frame& f) {
    add(f.pc, static_cast<int>(Pc::Count), false, "frame.pc");
    add(f.op, cfg.kicks ? 16 : 8, false, "frame.op");  // (Op::Kick: --kicks)
    add(f.t, T, true, "frame.t");
    add(f.x, C, true, "frame.x");
    add(f.y, 255, true, "frame.y");
    add(f.d, 16, true, "frame.d");
    add(f.ret, 16, false, "frame.ret");
    add(f.ret2, 16, false, "frame.ret2");
    add(f.home, C, true, "frame.home");
    add(f.tag, 16, false, "frame.tag");
    add(f.holds_rq, C, true, "frame.holds_rq");
    add(f.holds_dsq, ndsq, true, "frame.holds_dsq");
  };
  auto addDsq = [&](const DsqState& q) {
    add(q.n, T + 1, false, "dsq.n");
    add(q.nr, 16, false, "dsq.nr");  // wider than n: a miscount must be representable
    for (int i = 0; i < T; ++i) add(q.q[i], T, false, "dsq.q");
  };
  // A task's part: its sched_ext_entity and its own actor's frame.
  for (int t = 0; t < T; ++t) {
    beginPart();
    const TaskState& ts = probe.task[t];
    add(ts.opss, 4, false, "task.opss");
    add(ts.flags, cfg.sub_fail_parent ? 256 : cfg.switch_walks ? 128 : cfg.sub_scheds ? 64 : cfg.task_death ? 8 : 4, false, "task.flags");
    add(ts.dsq, ndsq, true, "task.dsq");
    add(ts.holding, cfg.actors(), true, "task.holding");
    add(ts.sticky, C, true, "task.sticky");
    add(ts.ddsp, 64, true, "task.ddsp");
    add(ts.deferred, C, true, "task.deferred");
    add(ts.cpu, C, true, "task.cpu");  // none: a sleeping task's dead CPU (liveness.cpp)
    add(ts.affinity, 1 << C, false, "task.affinity");
    add(ts.slice, 2, false, "task.slice");
    add(ts.on_rq, 3, false, "task.on_rq");
    add(ts.ghost, 16, false, "task.ghost");
    add(ts.ghost2, cfg.sub_scheds ? 4 : 1, false, "task.ghost2");  // (sub-task-init, invariants/ghost.hpp)
    add(ts.scx_state, cfg.lifecycle ? 7 : 1, false, "task.scx_state");
    addFrame(probe.actor[C + t]);
    endPart(PartKind::Task);
  }
  // A CPU's part: its rq's ext fields, its actor's frame, its local DSQ.
  for (int c = 0; c < C; ++c) {
    beginPart();
    const CpuState& cs = probe.cpu[c];
    add(cs.curr, T, true, "cpu.curr");
    add(cs.nbuf, kMaxBuf + 1, false, "cpu.nbuf");
    add(cs.nr_tasks, 2, false, "cpu.nr_tasks");
    add(cs.actions, kMaxBuf + 1, false, "cpu.actions");
    add(cs.loops, 32, false, "cpu.loops");
    add(cs.verdict, 3, false, "cpu.verdict");
    add(cs.dfn, T + 1, false, "cpu.dfn");
    for (int i = 0; i < T; ++i) add(cs.dfq[i], T, false, "cpu.dfq");
    for (int i = 0; i < kMaxBuf; ++i) {
      add(cs.buf[i].task, T, true, "buf.task");
      add(cs.buf[i].target, 64, true, "buf.target");
      add(cs.buf[i].fresh, 2, false, "buf.fresh");
    }
    add(cs.bypassing, cfg.lifecycle ? 1 << (kCpuBypassCycledShift + T) : 1, false, "cpu.bypassing");
    add(cs.rqf, cfg.bal_cb ? 32 : 1, false, "cpu.rqf");  // kRq* bits
    add(cs.kick, cfg.kicks ? 255 : 1, false, "cpu.kick");    // kKick* bits (never 0xff: the queued bit lives within a step)
    add(cs.ksync, cfg.kicks ? 255 : 1, false, "cpu.ksync");  // kSync* bits (never 0xff: a CPU never syncs on itself)
    addFrame(probe.actor[c]);
    addDsq(probe.dsq[c]);
    add(probe.proxy_exec[c], cfg.proxy ? T : 0, true, "proxy_exec");
    endPart(PartKind::Cpu);
  }
  // The rest: the global and user DSQs and the machine-wide fields.
  beginPart();
  addDsq(probe.dsq[kDsqGlobal]);
  for (int d = 0; d < cfg.user_dsqs; ++d) addDsq(probe.dsq[kDsqUser0 + d]);
  add(probe.scx_error, 2, false, "scx_error");
  add(probe.scx_enable, cfg.lifecycle ? 4 : 1, false, "scx_enable");
  // (--sub-early-fail: its three helper stages are LifePc 30-32, the last needs a sixth bit)
  add(probe.life_pc, cfg.sub_early_fail ? static_cast<int>(LifePc::Count) : cfg.lifecycle ? kLifePcFirstWide : 1, false,
      "life_pc");
  add(probe.bypass_depth, cfg.lifecycle ? 131 : 1, false, "bypass_depth");  // (0..2, an underflow 127, | kBypassInLoop)
  add(probe.cycle, cfg.lifecycle ? cfg.cycles : 1, false, "cycle");
  add(probe.mutex_owner, cfg.proxy ? T : 0, true, "mutex_owner");
  add(probe.mutex_blocked, cfg.proxy ? 1 << T : 1, false, "mutex_blocked");
  add(probe.scx_ran, cfg.proxy ? 1 << T : 1, false, "scx_ran");
  for (int d = 0; d < cfg.user_dsqs; ++d) add(probe.dsq_invalid[d], cfg.destroy_dsqs ? 2 : 1, false, "dsq_invalid");
  // 2 exit kinds (3 values), 3 flags; without --sub-scheds (--lifecycle) the root's exit claimed
  add(probe.sub_exit, cfg.sub_fail_parent ? 256 : cfg.sub_scheds ? 128 : cfg.lifecycle ? 2 : 1, false, "sub_exit");
  add(probe.sub_claim, cfg.sub_fail_parent ? 256 : cfg.sub_scheds ? (cfg.nmi ? 128 : 64) : 1, false, "sub_claim");  // ClaimPc (0..5), 3 flags (--nmi: 4, --sub-fail-parent: 5)
  add(probe.sub_mig, cfg.sub_migrations ? 8 * T : 1, false, "sub_mig");  // MigPc (0..3) | prepared << 2 | task << 3
  add(probe.ghost_sched, cfg.sub_scheds ? 8 : 1, false, "ghost_sched");  // (sub-pairing, invariants/ghost.hpp)
  endPart(PartKind::Shared);
}

bool Codec::pack(const State& s, uint8_t* out, std::string* err) const {
  const auto* base = reinterpret_cast<const uint8_t*>(&s);
  for (const Field& f : consts_) {
    const uint8_t want = f.domain ? 0 : kNone;  // the one value: 0, or kNone
    if (base[f.offset] != want) {
      if (err) *err = std::string("field ") + f.name + " value " + std::to_string(base[f.offset]) +
                      " out of domain " + std::to_string(f.domain);
      return false;
    }
  }
  for (const Part& part : parts_) {
    uint64_t acc = 0;
    int nbits = 0;
    uint8_t* o = out + part.offset;
    for (uint32_t i = part.first; i < part.last; ++i) {
      const Field& f = fields_[i];
      const uint8_t v = base[f.offset];
      unsigned code;
      if (v < f.domain) {
        code = v;
      } else if (f.none && v == kNone) {
        code = f.domain;
      } else {
        if (err) *err = std::string("field ") + f.name + " value " + std::to_string(v) + " out of domain " +
                        std::to_string(f.domain);
        return false;
      }
      acc |= static_cast<uint64_t>(code) << nbits;
      nbits += f.bits;
      if (nbits >= 32) {  // (a field has at most 8 bits: nbits < 40)
        const uint32_t w = static_cast<uint32_t>(acc);
        std::memcpy(o, &w, 4);
        o += 4;
        acc >>= 32;
        nbits -= 32;
      }
    }
    for (; nbits > 0; nbits -= 8, acc >>= 8) *o++ = static_cast<uint8_t>(acc);
  }
  return true;
}

State Codec::unpack(const uint8_t* in) const {
  State s{};
  auto* base = reinterpret_cast<uint8_t*>(&s);
  for (const Part& part : parts_) {
    uint64_t acc = 0;
    int nbits = 0;
    const uint8_t* p = in + part.offset;
    const uint8_t* const end = p + part.bytes;
    for (uint32_t i = part.first; i < part.last; ++i) {
      const Field& f = fields_[i];
      while (nbits < f.bits) {
        acc |= static_cast<uint64_t>(p < end ? *p : 0) << nbits;
        ++p;
        nbits += 8;
      }
      const unsigned code = static_cast<unsigned>(acc & ((1u << f.bits) - 1));
      acc >>= f.bits;
      nbits -= f.bits;
      base[f.offset] = (f.none && code == f.domain) ? kNone : static_cast<uint8_t>(code);
    }
  }
  // (single-valued fields: 0, or kNone)
  for (const Field& f : consts_) base[f.offset] = f.domain ? 0 : kNone;
  return s;
}

}  // namespace scxmc
