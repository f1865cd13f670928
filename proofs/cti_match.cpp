#include "cti_match.hpp"

#include <set>
#include <sstream>

#include "projection.hpp"

namespace scxmc::proofs {

struct CtiMatcher::Impl {
  SymModel& sym;
  Cti cti;
  Config cfg;
  z3::context c;
  Universe U;
  SymState x;
  z3::solver s;
  bool usable = false;
  std::string why;
  struct PerActor {
    int actor;
    ActionInstance inst;
    z3::expr fails;
  };
  std::vector<PerActor> acts;
  std::set<std::string> seen;  // projections already tried
  Impl(SymModel& m, const Cti& k, const Config& g)
      : sym(m), cti(k), cfg(g), U(c, g.tasks, g.cpus, g.user_dsqs), x(freshState(U, "m")), s(c) { noCtrlC(s); }
};

namespace {
const Conjunct* findConjunct(const std::vector<Conjunct>& inv, const std::string& id) {
  for (const Conjunct& k : inv)
    if (k.id == id) return &k;
  for (const Theorem& th : theorems())
    for (const Conjunct& k : th.targets)
      if (k.id == id) return &k;
  return nullptr;
}
}  // namespace

CtiMatcher::CtiMatcher(SymModel& sym, const Cti& cti, const std::string& theorem, const Config& cfg,
                       const std::vector<Conjunct>& inv)
    : impl_(std::make_unique<Impl>(sym, cti, cfg)) {
  Impl& I = *impl_;
  const uint32_t env = sym.env;
  sym.env = cfg.env;  // the environment events the configuration enables
  z3::expr invx = I.c.bool_val(true);
  for (const Conjunct& k : inv) invx = invx && k.holds(I.U, I.x);
  I.s.add(I.U.axioms());
  I.s.add(invx);
  if (cti.initial) {
    I.why = "the initial state violates the strengthening";
  } else if (cti.kind < 0 && !cti.conjunct.empty()) {
    const Conjunct* k = findConjunct(inv, cti.conjunct);
    if (k) {
      I.s.add(!k->holds(I.U, I.x));
      I.usable = true;
    } else {
      I.why = "unknown conjunct " + cti.conjunct;
    }
  } else if (cti.kind >= 0) {
    const Conjunct* k = cti.conjunct.empty() ? nullptr : findConjunct(inv, cti.conjunct);
    z3::expr any = I.c.bool_val(false);
    const int actors = cfg.cpus + cfg.tasks;
    for (int a = 0; a < actors; ++a) {
      z3::expr task = I.c.bool_val(false);
      ActionInstance inst = sym.build(I.U, cti.kind, I.U.actor(a), I.x, "c" + std::to_string(a), &task);
      z3::expr fails = I.c.bool_val(false);
      if (k) {
        fails = !k->holds(I.U, inst.next);
      } else {
        for (const Obligation& o : inst.obl)
          if (o.inv == theorem && o.what == cti.obligation) fails = fails || !o.holds;
      }
      const z3::expr here = inst.guard && fails;
      any = any || here;
      I.acts.push_back({a, inst, here});
    }
    I.s.add(any);
    I.usable = k != nullptr || !cti.obligation.empty();
    if (!I.usable) I.why = "the CTI names no conjunct or obligation";
  } else {
    I.why = "no counterexample to induction (the query was unknown)";
  }
  sym.env = env;
}

CtiMatcher::~CtiMatcher() = default;
bool CtiMatcher::usable() const { return impl_->usable; }
std::string CtiMatcher::why() const { return impl_->why; }

bool CtiMatcher::matches(const State& st, int* actor, std::string* how) {
  Impl& I = *impl_;
  if (!I.usable) return false;
  if (!I.seen.insert(projectionKey(I.cfg, st)).second) return false;
  z3::expr proj(I.c);
  std::string err;
  if (!projectState(I.U, I.cfg, st, I.x, &proj, &err)) return false;
  I.s.push();
  I.s.add(proj);
  const bool sat = I.s.check() == z3::sat;
  if (sat) {
    z3::model m = I.s.get_model();
    std::ostringstream o;
    for (const auto& pa : I.acts)
      if (m.eval(pa.fails, true).is_true()) {
        *actor = pa.actor;
        o << I.cti.action << " by actor" << pa.actor;
        for (const z3::expr& p : pa.inst.params) {
          const z3::expr v = m.eval(p, true);
          o << " " << p.decl().name().str() << "=" << v;
        }
        break;
      }
    *how = o.str();
  }
  I.s.pop();
  return sat;
}

}  // namespace scxmc::proofs
