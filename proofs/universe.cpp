// Sorts, static structure and quantifiers of the symbolic encoding.
#include <stdexcept>

#include "ext_core.hpp"
#include "state.hpp"
#include "sym.hpp"

namespace scxmc::proofs {

namespace {
const FieldInfo kFields[] = {
#define SCXMC_SYM_INFO(id, d, r, what) {#id, Dom::d, Rng::r, what},
    SCXMC_SYM_FIELDS(SCXMC_SYM_INFO)
#undef SCXMC_SYM_INFO
};
}  // namespace

const FieldInfo& fieldInfo(int f) { return kFields[f]; }

namespace apc {
int ConsumeLocalWait() { return static_cast<int>(Pc::ConsumeLocalWait); }
int ConsumeSrc() { return static_cast<int>(Pc::ConsumeSrc); }
int ConsumeSrcWait() { return static_cast<int>(Pc::ConsumeSrcWait); }
int MrtDst() { return static_cast<int>(Pc::MrtDst); }
int FlushLink() { return static_cast<int>(Pc::FlushLink); }
int FlushRelease() { return static_cast<int>(Pc::FlushRelease); }
int DtlSrc() { return static_cast<int>(Pc::DtlSrc); }
int DsqMoveSrc() { return static_cast<int>(Pc::DsqMoveSrc); }
int DsqMoveWait() { return static_cast<int>(Pc::DsqMoveWait); }
int DeqWait() { return static_cast<int>(Pc::DeqWait); }
int MqtDst() { return static_cast<int>(Pc::MqtDst); }
int DsqMoveRemote() { return static_cast<int>(Pc::DsqMoveRemote); }
int ChangeEnqueue() { return static_cast<int>(Pc::ChangeEnqueue); }
int MqtBegin() { return static_cast<int>(Pc::MqtBegin); }
bool isTaskPc(int pc) {
  return pc == ConsumeLocalWait() || pc == ConsumeSrc() || pc == ConsumeSrcWait() || pc == MrtDst() ||
         pc == FlushLink() || pc == FlushRelease() || pc == DtlSrc() || pc == DsqMoveSrc() ||
         pc == DsqMoveWait() || pc == DeqWait() || pc == MqtDst() || pc == DsqMoveRemote() ||
         pc == ChangeEnqueue() || pc == MqtBegin();
}
}  // namespace apc

static z3::func_decl fn(z3::context& c, const char* n, const z3::sort& d, const z3::sort& r) {
  return c.function(n, d, r);
}

Universe::Universe(z3::context& c)
    : c_(c),
      kind_(Kind::Unbounded),
      task_(c.uninterpreted_sort("Task")),
      cpu_(c.uninterpreted_sort("Cpu")),
      actor_(c.uninterpreted_sort("Actor")),
      dsq_(c.uninterpreted_sort("Dsq")),
      isLocal_(fn(c, "isLocal", dsq_, c.bool_sort())),
      owner_(fn(c, "owner", dsq_, cpu_)),
      local_(fn(c, "local", cpu_, dsq_)),
      isCpuA_(fn(c, "isCpuActor", actor_, c.bool_sort())),
      acpu_(fn(c, "actorCpu", actor_, cpu_)),
      cpuActor_(fn(c, "cpuActor", cpu_, actor_)),
      taskActor_(fn(c, "taskActor", task_, actor_)),
      atask_(fn(c, "actorTask", actor_, task_)),
      gdsq_(c.constant("GLOBAL", dsq_)),
      axioms_(c.bool_val(true)) {
  declareStatics();
}

static z3::sort enumSort(z3::context& c, const char* name, const std::string& pfx, int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back(pfx + std::to_string(i));
  std::vector<const char*> ptrs;
  for (auto& s : names) ptrs.push_back(s.c_str());
  z3::func_decl_vector cs(c), ts(c);
  return c.enumeration_sort(name, static_cast<unsigned>(n), ptrs.data(), cs, ts);
}

Universe::Universe(z3::context& c, int tasks, int cpus, int user_dsqs)
    : c_(c),
      kind_(Kind::Finite),
      task_(enumSort(c, "Task", "p", tasks)),
      cpu_(enumSort(c, "Cpu", "cpu", cpus)),
      actor_(enumSort(c, "Actor", "actor", cpus + tasks)),
      dsq_(enumSort(c, "Dsq", "dsq", cpus + 1 + user_dsqs)),
      user_dsqs_(user_dsqs),
      isLocal_(fn(c, "isLocal", dsq_, c.bool_sort())),
      owner_(fn(c, "owner", dsq_, cpu_)),
      local_(fn(c, "local", cpu_, dsq_)),
      isCpuA_(fn(c, "isCpuActor", actor_, c.bool_sort())),
      acpu_(fn(c, "actorCpu", actor_, cpu_)),
      cpuActor_(fn(c, "cpuActor", cpu_, actor_)),
      taskActor_(fn(c, "taskActor", task_, actor_)),
      atask_(fn(c, "actorTask", actor_, task_)),
      gdsq_(c.bool_val(true)),
      axioms_(c.bool_val(true)) {
  auto elems = [&](const z3::sort& s) {
    std::vector<z3::expr> v;
    const unsigned n = Z3_get_datatype_sort_num_constructors(c, s);
    for (unsigned i = 0; i < n; ++i) {
      z3::func_decl k(c, Z3_get_datatype_sort_constructor(c, s, i));
      v.push_back(k());
    }
    return v;
  };
  tasks_ = elems(task_);
  cpus_ = elems(cpu_);
  actors_ = elems(actor_);
  dsqs_ = elems(dsq_);
  gdsq_ = dsqs_.at(cpus);
  declareStatics();
}

void Universe::declareStatics() {
  auto& c = c_;
  if (kind_ == Kind::Unbounded) {
    axioms_ = all(Dom::Cpu, [&](z3::expr x) { return isLocal_(local_(x)) && owner_(local_(x)) == x; }) &&
              all(Dom::Dsq, [&](z3::expr d) { return z3::implies(isLocal_(d), local_(owner_(d)) == d); }) &&
              !isLocal_(gdsq_) &&
              all(Dom::Cpu, [&](z3::expr x) { return isCpuA_(cpuActor_(x)) && acpu_(cpuActor_(x)) == x; }) &&
              all(Dom::Actor, [&](z3::expr a) { return z3::implies(isCpuA_(a), cpuActor_(acpu_(a)) == a); }) &&
              all(Dom::Task, [&](z3::expr t) { return !isCpuA_(taskActor_(t)) && atask_(taskActor_(t)) == t; }) &&
              all(Dom::Actor, [&](z3::expr a) { return z3::implies(!isCpuA_(a), taskActor_(atask_(a)) == a); });
    return;
  }
  // finite: the static functions are tables (Universe::apply), no axioms
  const int C = static_cast<int>(cpus_.size());
  for (size_t j = 0; j < dsqs_.size(); ++j) {
    const bool loc = static_cast<int>(j) < C;
    table_[kIsLocal].push_back({dsqs_[j], c.bool_val(loc)});
    table_[kOwner].push_back({dsqs_[j], cpus_[loc ? j : 0]});
  }
  for (int i = 0; i < C; ++i) {
    table_[kLocal].push_back({cpus_[i], dsqs_[i]});
    table_[kCpuActor].push_back({cpus_[i], actors_[i]});
  }
  for (size_t i = 0; i < actors_.size(); ++i) {
    const bool isc = static_cast<int>(i) < C;
    table_[kIsCpuA].push_back({actors_[i], c.bool_val(isc)});
    table_[kAcpu].push_back({actors_[i], cpus_[isc ? i : 0]});
    table_[kAtask].push_back({actors_[i], tasks_[isc ? 0 : i - C]});
  }
  for (size_t t = 0; t < tasks_.size(); ++t) table_[kTaskActor].push_back({tasks_[t], actors_[C + t]});
  axioms_ = c.bool_val(true);
}

z3::expr Universe::apply(const z3::func_decl& f, StaticFn which, const z3::expr& x) {
  if (kind_ == Kind::Unbounded) return f(x);
  const auto& tbl = table_[which];
  for (const auto& [k, v] : tbl)
    if (z3::eq(k, x)) return v;  // a concrete element: its value
  z3::expr r = tbl.back().second;
  for (size_t i = tbl.size() - 1; i-- > 0;) r = z3::ite(x == tbl[i].first, tbl[i].second, r);
  return r;
}

z3::sort Universe::sortOf(Dom d) {
  switch (d) {
    case Dom::Task: return task_;
    case Dom::Cpu: return cpu_;
    case Dom::Actor: return actor_;
    case Dom::Dsq: return dsq_;
    case Dom::Scalar: break;
  }
  throw std::logic_error("sortOf(Scalar)");
}

z3::sort Universe::rangeOf(Rng r) {
  switch (r) {
    case Rng::Int: return c_.int_sort();
    case Rng::Bool: return c_.bool_sort();
    case Rng::Task: return task_;
    case Rng::Cpu: return cpu_;
    case Rng::Actor: return actor_;
    case Rng::Dsq: return dsq_;
  }
  return c_.int_sort();
}

const std::vector<z3::expr>& Universe::elems(Dom d) const {
  switch (d) {
    case Dom::Task: return tasks_;
    case Dom::Cpu: return cpus_;
    case Dom::Actor: return actors_;
    default: return dsqs_;
  }
}

z3::expr Universe::dsq(uint8_t d) const {
  const int C = static_cast<int>(cpus_.size());
  if (isLocalDsq(d)) return dsqs_.at(d);
  if (d == kDsqGlobal) return dsqs_.at(C);
  return dsqs_.at(C + 1 + (d - kDsqUser0));
}

z3::expr Universe::all(Dom d, const std::function<z3::expr(z3::expr)>& body) {
  if (kind_ == Kind::Finite) {
    z3::expr r = c_.bool_val(true);
    for (const auto& e : elems(d)) r = r && body(e);
    return r.simplify();
  }
  z3::expr v = c_.constant(("q" + std::to_string(fresh_++)).c_str(), sortOf(d));
  return z3::forall(v, body(v));
}

z3::expr Universe::any(Dom d, const std::function<z3::expr(z3::expr)>& body) {
  if (kind_ == Kind::Finite) {
    z3::expr r = c_.bool_val(false);
    for (const auto& e : elems(d)) r = r || body(e);
    return r.simplify();
  }
  z3::expr v = c_.constant(("q" + std::to_string(fresh_++)).c_str(), sortOf(d));
  return z3::exists(v, body(v));
}

z3::expr Universe::fresh(const std::string& name, z3::sort s) {
  return c_.constant((name + "!" + std::to_string(fresh_++)).c_str(), s);
}

SymState freshState(Universe& U, const std::string& prefix) {
  SymState s;
  for (int f = 0; f < NF; ++f) {
    const FieldInfo& fi = fieldInfo(f);
    const std::string n = prefix + "." + fi.name;
    if (fi.dom == Dom::Scalar)
      s.f.push_back(U.ctx().constant(n.c_str(), U.rangeOf(fi.rng)));
    else
      s.f.push_back(U.ctx().constant(n.c_str(), U.ctx().array_sort(U.sortOf(fi.dom), U.rangeOf(fi.rng))));
  }
  return s;
}

z3::expr sameState(Universe& U, const SymState& a, const SymState& b) {
  z3::expr r = U.ctx().bool_val(true);
  for (int f = 0; f < NF; ++f) r = r && a.f[f] == b.f[f];
  return r;
}

}  // namespace scxmc::proofs
