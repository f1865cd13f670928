#include "projection.hpp"

#include "ext_core.hpp"
#include "sym_model.hpp"

namespace scxmc::proofs {

namespace {
bool used(const Config& cfg, uint8_t d) {
  return (isLocalDsq(d) && d < cfg.cpus) || d == kDsqGlobal || (isUserDsq(d) && d - kDsqUser0 < cfg.user_dsqs);
}

uint8_t linkedOn(const Config& cfg, const State& s, uint8_t t) {
  for (uint8_t d = 0; d < kNumDsqs; ++d) {
    if (!used(cfg, d)) continue;
    for (int i = 0; i < s.dsq[d].n; ++i)
      if (s.dsq[d].q[i] == t) return d;
  }
  return kNone;
}

// The model DSQ a dispatch target names from `home`.
uint8_t targetToDsq(uint8_t target, uint8_t home) {
  switch (targetKind(target)) {
    case TargetKind::Local: return home;
    case TargetKind::LocalOn: return targetArg(target);
    case TargetKind::Global: return kDsqGlobal;
    case TargetKind::User: return static_cast<uint8_t>(kDsqUser0 + targetArg(target));
  }
  return kDsqGlobal;
}

struct Row {
  std::vector<std::pair<std::string, int>> kv;
  void add(const std::string& k, int v) { kv.push_back({k, v}); }
};

// Calls put(field, index-expr-or-null, value) for every meaningful field.
template <class Put>
bool visit(const Config& cfg, const State& s, Put&& put, std::string* err) {
  for (uint8_t t = 0; t < cfg.tasks; ++t) {
    const TaskState& ts = s.task[t];
    put(OPSS, 'T', t, 'I', ts.opss);
    put(ONRQ, 'T', t, 'I', ts.on_rq);
    put(QD, 'T', t, 'B', (ts.flags & kTaskQueued) ? 1 : 0);
    put(CUST, 'T', t, 'B', (ts.flags & kTaskInCustody) ? 1 : 0);
    put(G, 'T', t, 'B', (ts.ghost & 1) ? 1 : 0);  // kGhostCustody
    const uint8_t l = linkedOn(cfg, s, t);
    put(LK, 'T', t, 'B', l != kNone);
    if (l != kNone) put(LD, 'T', t, 'D', l);
    put(HP, 'T', t, 'B', ts.dsq != kNone);
    if (ts.dsq != kNone) put(PD, 'T', t, 'D', ts.dsq);
    put(HH, 'T', t, 'B', ts.holding != kNone);
    if (ts.holding != kNone) put(HD, 'T', t, 'A', ts.holding);
    put(STICKY, 'T', t, 'B', ts.sticky != kNone);
    put(DFR, 'T', t, 'B', ts.deferred != kNone);
    if (ts.deferred != kNone) {
      put(DFRQ, 'T', t, 'C', ts.deferred);
      put(DDST, 'T', t, 'C', targetToDsq(ts.ddsp, ts.deferred));
    }
    bool rec = false;
    for (int c = 0; c < cfg.cpus; ++c)
      for (int i = 0; i < s.cpu[c].nbuf; ++i)
        if (s.cpu[c].buf[i].task == t && s.cpu[c].buf[i].fresh) rec = true;
    put(REC, 'T', t, 'B', rec);
    put(CPU, 'T', t, 'C', ts.cpu);
    put(PIN, 'T', t, 'B', ts.affinity != cfg.allCpusMask());
  }
  for (uint8_t c = 0; c < cfg.cpus; ++c) {
    put(HC, 'C', c, 'B', s.cpu[c].curr != kNone);
    if (s.cpu[c].curr != kNone) put(CUR, 'C', c, 'T', s.cpu[c].curr);
  }
  for (uint8_t a = 0; a < cfg.actors(); ++a) {
    const Frame& f = s.actor[a];
    if (!apc::isTaskPc(f.pc)) {
      if (f.pc != 0 && f.t != kNone) {
        *err = "actor " + std::to_string(a) + " names task " + std::to_string(f.t) + " at pc " + pcName(f.pc) +
               ", which the symbolic encoding does not represent";
        return false;
      }
      put(APC, 'A', a, 'I', 0);
      continue;
    }
    put(APC, 'A', a, 'I', f.pc);
    put(AT, 'A', a, 'T', f.t);
    const Pc pc = static_cast<Pc>(f.pc);
    switch (pc) {
      case Pc::DeqWait:
        put(AX, 'A', a, 'C', f.x);
        put(AFLAG, 'A', a, 'I', f.d);
        put(ATAG, 'A', a, 'I', f.tag);
        put(AOP, 'A', a, 'I', f.op);
        if (f.tag == static_cast<uint8_t>(Ret::DeqThenMigrate)) put(AY, 'A', a, 'C', f.y);
        break;
      case Pc::ConsumeSrc:
      case Pc::ConsumeSrcWait:
      case Pc::MrtDst:
      case Pc::MqtDst:
        put(AX, 'A', a, 'C', f.x);
        break;
      case Pc::FlushLink:
        put(AD, 'A', a, 'D', f.y);
        break;
      case Pc::FlushRelease:
        put(AFLAG, 'A', a, 'I', f.tag);
        break;
      case Pc::DtlSrc:
        put(AX, 'A', a, 'C', f.x);
        put(AY, 'A', a, 'C', f.y);
        break;
      case Pc::ChangeEnqueue:
        put(AX, 'A', a, 'C', f.x);
        put(AOP, 'A', a, 'I', f.op);
        break;
      case Pc::MqtBegin:
        put(AX, 'A', a, 'C', f.x);
        break;
      case Pc::DsqMoveRemote:
        put(AX, 'A', a, 'C', f.x);
        put(AY, 'A', a, 'C', targetToDsq(f.y, f.home));  // the destination rq (a local DSQ)
        put(AD, 'A', a, 'D', f.d);
        break;
      case Pc::DsqMoveSrc:
      case Pc::DsqMoveWait:
        put(AX, 'A', a, 'C', f.x);
        put(AD, 'A', a, 'D', f.d);
        if (pc == Pc::DsqMoveSrc) put(AFLAG, 'A', a, 'I', f.tag);
        break;
      default:
        break;
    }
  }
  for (uint8_t d = 0; d < kNumDsqs; ++d) {
    if (!used(cfg, d)) continue;
    put(N, 'D', d, 'I', s.dsq[d].n);
    put(NR, 'D', d, 'I', s.dsq[d].nr);
  }
  put(ERR, 'S', 0, 'B', s.scx_error ? 1 : 0);
  return true;
}

// The symbolic value of a projected field element of kind `k` (visit()'s
// domain letters: Task, Cpu, Actor, Dsq, Bool, else Int).
z3::expr elemOf(Universe& U, char k, int v) {
  switch (k) {
    case 'T': return U.task(v);
    case 'C': return U.cpu(v);
    case 'A': return U.actor(v);
    case 'D': return U.dsq(static_cast<uint8_t>(v));
    case 'B': return U.ctx().bool_val(v != 0);
    default: return U.ctx().int_val(v);
  }
}
}  // namespace

bool projectState(Universe& U, const Config& cfg, const State& s, const SymState& x, z3::expr* out,
                  std::string* err) {
  z3::context& c = U.ctx();
  z3::expr r = c.bool_val(true);
  auto elem = [&](char k, int v) { return elemOf(U, k, v); };
  const bool ok = visit(
      cfg, s,
      [&](int f, char dk, int idx, char rk, int v) {
        if (dk == 'S') r = r && x.f[f] == elem(rk, v);
        else r = r && z3::select(x.f[f], elem(dk, idx)) == elem(rk, v);
      },
      err);
  *out = r;
  return ok;
}

bool concreteState(Universe& U, const Config& cfg, const State& s, SymState* out, std::string* err) {
  z3::context& c = U.ctx();
  auto elem = [&](char k, int v) { return elemOf(U, k, v); };
  SymState x;
  for (int f = 0; f < NF; ++f) {
    const FieldInfo& fi = fieldInfo(f);
    z3::expr dflt = fi.rng == Rng::Int ? c.int_val(0)
                    : fi.rng == Rng::Bool ? c.bool_val(false)
                                          : U.elems(fi.rng == Rng::Task   ? Dom::Task
                                                    : fi.rng == Rng::Cpu  ? Dom::Cpu
                                                    : fi.rng == Rng::Actor ? Dom::Actor
                                                                           : Dom::Dsq)
                                                .at(0);
    if (fi.dom == Dom::Scalar) x.f.push_back(dflt);
    else x.f.push_back(z3::const_array(U.sortOf(fi.dom), dflt));
  }
  const bool ok = visit(
      cfg, s,
      [&](int f, char dk, int idx, char rk, int v) {
        if (dk == 'S') x.f[f] = elem(rk, v);
        else x.f[f] = z3::store(x.f[f], elem(dk, idx), elem(rk, v));
      },
      err);
  *out = x;
  return ok;
}

std::string projectionKey(const Config& cfg, const State& s) {
  std::string k;
  std::string err;
  visit(
      cfg, s,
      [&](int f, char, int idx, char, int v) {
        k += std::to_string(f) + ":" + std::to_string(idx) + "=" + std::to_string(v) + ",";
      },
      &err);
  return k;
}

}  // namespace scxmc::proofs
