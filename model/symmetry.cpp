#include "symmetry.hpp"

#include <algorithm>
#include <array>
#include <cstring>

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
  put(ts.holding == kNone ? kNone : ts.holding < cfg.cpus ? ts.holding : 0xfe);  // a task actor: unnamed
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

}  // namespace scxmc
