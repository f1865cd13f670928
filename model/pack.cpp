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
  auto add = [&](const uint8_t& field, int domain, bool none, const char* name) {
    const auto off = static_cast<uint16_t>(&field - base);
    const int values = domain + (none ? 1 : 0);
    if (values <= 1) {  // a constant: no bits, but pack still checks it
      consts_.push_back(Field{off, 0, static_cast<uint8_t>(domain), none, name});
      return;
    }
    fields_.push_back(Field{off, static_cast<uint8_t>(bitsFor(values)), static_cast<uint8_t>(domain), none, name});
  };
  const int T = cfg.tasks, C = cfg.cpus, A = cfg.actors();
  const int ndsq = kNumDsqs;
  for (int t = 0; t < T; ++t) {
    const TaskState& ts = probe.task[t];
    add(ts.opss, 4, false, "task.opss");
    add(ts.flags, 4, false, "task.flags");
    add(ts.dsq, ndsq, true, "task.dsq");
    add(ts.holding, A, true, "task.holding");
    add(ts.sticky, C, true, "task.sticky");
    add(ts.ddsp, 64, true, "task.ddsp");
    add(ts.deferred, C, true, "task.deferred");
    add(ts.cpu, C, true, "task.cpu");  // none: a sleeping task's dead CPU (liveness.cpp)
    add(ts.affinity, 1 << C, false, "task.affinity");
    add(ts.slice, 2, false, "task.slice");
    add(ts.on_rq, 3, false, "task.on_rq");
    add(ts.ghost, 16, false, "task.ghost");
    add(ts.ghost2, 1, false, "task.ghost2");
    add(ts.scx_state, cfg.lifecycle ? 6 : 1, false, "task.scx_state");
  }
  for (int c = 0; c < C; ++c) {
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
    add(cs.bypassing, cfg.lifecycle ? 2 : 1, false, "cpu.bypassing");
  }
  for (int a = 0; a < A; ++a) {
    const Frame& f = probe.actor[a];
    add(f.pc, static_cast<int>(Pc::Count), false, "frame.pc");
    add(f.op, 8, false, "frame.op");
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
  }
  for (int d = 0; d < ndsq; ++d) {
    const bool used = (isLocalDsq(static_cast<uint8_t>(d)) && d < C) || d == kDsqGlobal ||
                      (isUserDsq(static_cast<uint8_t>(d)) && d - kDsqUser0 < cfg.user_dsqs);
    if (!used) continue;
    const DsqState& q = probe.dsq[d];
    add(q.n, T + 1, false, "dsq.n");
    add(q.nr, 16, false, "dsq.nr");  // wider than n: a miscount must be representable
    for (int i = 0; i < T; ++i) add(q.q[i], T, false, "dsq.q");
  }
  add(probe.scx_error, 2, false, "scx_error");
  add(probe.scx_enable, cfg.lifecycle ? 4 : 1, false, "scx_enable");
  add(probe.life_pc, cfg.lifecycle ? 32 : 1, false, "life_pc");
  add(probe.bypass_depth, cfg.lifecycle ? 3 : 1, false, "bypass_depth");
  for (int c = 0; c < C; ++c) add(probe.proxy_exec[c], cfg.proxy ? T : 0, true, "proxy_exec");
  add(probe.mutex_owner, cfg.proxy ? T : 0, true, "mutex_owner");
  add(probe.mutex_blocked, cfg.proxy ? 1 << T : 1, false, "mutex_blocked");
  add(probe.scx_ran, cfg.proxy ? 1 << T : 1, false, "scx_ran");
  for (const Field& f : fields_) bits_ += f.bits;
  bytes_ = (bits_ + 7) / 8;
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
  uint64_t acc = 0;
  int nbits = 0;
  uint8_t* o = out;
  for (const Field& f : fields_) {
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
    while (nbits >= 8) {
      *o++ = static_cast<uint8_t>(acc);
      acc >>= 8;
      nbits -= 8;
    }
  }
  if (nbits) *o++ = static_cast<uint8_t>(acc);
  return true;
}

State Codec::unpack(const uint8_t* in) const {
  State s{};
  auto* base = reinterpret_cast<uint8_t*>(&s);
  uint64_t acc = 0;
  int nbits = 0;
  const uint8_t* p = in;
  for (const Field& f : fields_) {
    while (nbits < f.bits) {
      acc |= static_cast<uint64_t>(*p++) << nbits;
      nbits += 8;
    }
    const unsigned code = static_cast<unsigned>(acc & ((1u << f.bits) - 1));
    acc >>= f.bits;
    nbits -= f.bits;
    base[f.offset] = (f.none && code == f.domain) ? kNone : static_cast<uint8_t>(code);
  }
  return s;
}

}  // namespace scxmc
