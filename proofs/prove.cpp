// The prover: initiation, consecution of the strengthening, and each
// theorem's targets and transition obligations, one solver query per action.
#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <sstream>
#include <tuple>

#include "theorems.hpp"
#include "interrupt.hpp"

namespace scxmc::proofs {

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::Proved: return "proved";
    case Verdict::Failed: return "failed";
    case Verdict::Unknown: return "unknown";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

// Names for the elements of the model's universes.
struct Namer {
  z3::model& m;
  Universe& U;
  std::map<std::string, std::string> names;
  int count(Dom d) {
    z3::sort s = U.sortOf(d);
    Z3_ast_vector v = Z3_model_get_sort_universe(m.ctx(), m, s);
    if (!v) return 0;
    z3::expr_vector ev(m.ctx(), v);
    const char* pfx = d == Dom::Task ? "p" : d == Dom::Cpu ? "cpu" : d == Dom::Actor ? "actor" : "dsq";
    for (unsigned i = 0; i < ev.size(); ++i) names[ev[i].to_string()] = pfx + std::to_string(i);
    return static_cast<int>(ev.size());
  }
  std::vector<z3::expr> elems(Dom d) {
    std::vector<z3::expr> r;
    Z3_ast_vector v = Z3_model_get_sort_universe(m.ctx(), m, U.sortOf(d));
    if (!v) return r;
    z3::expr_vector ev(m.ctx(), v);
    for (unsigned i = 0; i < ev.size(); ++i) r.push_back(ev[i]);
    return r;
  }
  std::string show(const z3::expr& e) {
    z3::expr v = m.eval(e, true);
    auto it = names.find(v.to_string());
    return it != names.end() ? it->second : v.to_string();
  }
};

std::string describe(Namer& n, const SymState& x) {
  std::ostringstream o;
  for (const z3::expr& t : n.elems(Dom::Task)) {
    o << "  " << n.show(t) << ":";
    for (int f = 0; f < NF; ++f)
      if (fieldInfo(f).dom == Dom::Task) o << " " << fieldInfo(f).name << "=" << n.show(z3::select(x.f[f], t));
    o << "\n";
  }
  for (const z3::expr& c : n.elems(Dom::Cpu)) {
    o << "  " << n.show(c) << ": HC=" << n.show(z3::select(x.f[HC], c)) << " CUR=" << n.show(z3::select(x.f[CUR], c))
      << " actor=" << n.show(n.U.cpuActor(c)) << " local=" << n.show(n.U.local(c)) << "\n";
  }
  for (const z3::expr& a : n.elems(Dom::Actor)) {
    o << "  " << n.show(a) << (n.show(n.U.isCpuA(a)) == "true" ? " (cpu " + n.show(n.U.acpu(a)) + ")"
                                                               : " (task " + n.show(n.U.atask(a)) + ")")
      << ":";
    for (int f = 0; f < NF; ++f)
      if (fieldInfo(f).dom == Dom::Actor) o << " " << fieldInfo(f).name << "=" << n.show(z3::select(x.f[f], a));
    o << "\n";
  }
  for (const z3::expr& d : n.elems(Dom::Dsq)) {
    o << "  " << n.show(d) << ": " << (n.show(n.U.isLocal(d)) == "true" ? "local of " + n.show(n.U.owner(d))
                                       : n.show(d == n.U.gdsq()) == "true" ? std::string("GLOBAL")
                                                                            : std::string("user"))
      << " N=" << n.show(z3::select(x.f[N], d)) << " NR=" << n.show(z3::select(x.f[NR], d)) << "\n";
  }
  o << "  ERR=" << n.show(x.f[ERR]) << "\n";
  return o.str();
}

struct Ctx {
  z3::context c;
  Universe U{c};
  SymState x = freshState(U, "s");
};

z3::check_result check(z3::solver& s, int* queries) {
  ++*queries;
  return s.check();
}

// Fills a CTI from a model of: axioms, inv(x), guard, not(goal(next)).
Cti makeCti(Ctx& k, z3::model& m, const ActionInstance& inst, const z3::expr& actor, const z3::expr& task,
            const std::string& failed) {
  Namer n{m, k.U, {}};
  Cti c;
  c.tasks = n.count(Dom::Task);
  c.cpus = n.count(Dom::Cpu);
  c.actors = n.count(Dom::Actor);
  c.dsqs = n.count(Dom::Dsq);
  c.action = inst.name;
  c.site = inst.site;
  c.failed = failed;
  c.pre = describe(n, k.x);
  c.post = describe(n, inst.next);
  std::ostringstream o;
  o << inst.name << " by " << n.show(actor) << " on " << n.show(task);
  for (const z3::expr& p : inst.params) o << " " << p.decl().name().str() << "=" << n.show(p);
  c.step = o.str();
  return c;
}

z3::expr conj(Universe& U, const std::vector<Conjunct>& cs, const SymState& x) {
  z3::expr r = U.ctx().bool_val(true);
  for (const Conjunct& c : cs) r = r && c.holds(U, x);
  return r;
}

// A CTI in a finite universe (a model of the same query with a few tasks,
// CPUs and DSQs): used when the unbounded query times out.
// The failure searched: a conjunct after the action, or an obligation of it.
using FailFn = std::function<z3::expr(Universe&, const ActionInstance&)>;
bool finiteCti(SymModel& model, int kind, const FailFn& fail, const std::string& failed,
               const std::vector<Conjunct>& strengthening, Cti* out);

bool finiteCti(SymModel& model, int kind, const Conjunct& c, const std::vector<Conjunct>& strengthening,
               Cti* out) {
  if (!finiteCti(model, kind, [&](Universe& U, const ActionInstance& inst) { return !c.holds(U, inst.next); },
                 c.id + ": " + c.words, strengthening, out))
    return false;
  out->conjunct = c.id;
  return true;
}

bool finiteCti(SymModel& model, int kind, const FailFn& fail, const std::string& failed,
               const std::vector<Conjunct>& strengthening, Cti* out) {
  for (const auto& tcd : std::vector<std::tuple<int, int, int>>{{1, 1, 1}, {1, 2, 1}, {2, 1, 1}, {2, 2, 1}}) {
    // (plain ints: clang before 16 cannot capture structured bindings in a lambda)
    const int T = std::get<0>(tcd), C = std::get<1>(tcd), D = std::get<2>(tcd);
    z3::context ctx;
    Universe U(ctx, T, C, D);
    SymState x = freshState(U, "s");
    const z3::expr inv = conj(U, strengthening, x);
    for (int ai = 0; ai < T + C; ++ai) {
      z3::expr task = ctx.bool_val(false);
      const ActionInstance inst = model.build(U, kind, U.actor(ai), x, "f", &task);
      z3::solver s(ctx);
      noCtrlC(s);
      s.add(U.axioms());
      s.add(inv);
      s.add(inst.guard);
      s.add(fail(U, inst));
      if (s.check() != z3::sat) continue;
      z3::model m = s.get_model();
      auto show = [&](const SymState& y) {
        std::ostringstream o;
        for (int t = 0; t < T; ++t) {
          o << "  p" << t << ":";
          for (int f = 0; f < NF; ++f)
            if (fieldInfo(f).dom == Dom::Task) o << " " << fieldInfo(f).name << "=" << m.eval(z3::select(y.f[f], U.task(t)), true);
          o << "\n";
        }
        for (int k = 0; k < C; ++k)
          o << "  cpu" << k << ": HC=" << m.eval(z3::select(y.f[HC], U.cpu(k)), true)
            << " CUR=" << m.eval(z3::select(y.f[CUR], U.cpu(k)), true) << "\n";
        for (int a = 0; a < T + C; ++a) {
          o << "  actor" << a << ":";
          for (int f = 0; f < NF; ++f)
            if (fieldInfo(f).dom == Dom::Actor) o << " " << fieldInfo(f).name << "=" << m.eval(z3::select(y.f[f], U.actor(a)), true);
          o << "\n";
        }
        return o.str();
      };
      out->tasks = T;
      out->cpus = C;
      out->actors = T + C;
      out->dsqs = C + 1 + D;
      out->action = inst.name;
      out->site = inst.site;
      out->failed = failed;
      out->kind = kind;
      out->pre = show(x);
      out->post = show(inst.next);
      std::ostringstream st;
      st << inst.name << " by actor" << ai << " on " << m.eval(task, true);
      for (const z3::expr& p : inst.params) st << " " << p.decl().name().str() << "=" << m.eval(p, true);
      out->step = st.str();
      return true;
    }
  }
  return false;
}

struct LemmaCache {
  bool done = false;
  TheoremResult r;
};
std::map<std::string, LemmaCache>& lemmaCache() {
  static std::map<std::string, LemmaCache> m;
  return m;
}


// Initiation and consecution of the strengthening.
TheoremResult proveStrengthening(SymModel& model, const ProveOptions& opt) {
  TheoremResult r;
  r.id = "strengthening";
  const auto t0 = Clock::now();
  Ctx k;
  z3::params p(k.c);
  p.set("timeout", opt.timeout_ms);
  const auto& inv = opt.strengthening ? *opt.strengthening : strengthening();
  {
    z3::solver s(k.c);
    noCtrlC(s);
    s.set(p);
    s.add(k.U.axioms());
    s.add(model.initial(k.U, k.x));
    s.add(!conj(k.U, inv, k.x));
    const auto res = check(s, &r.queries);
    if (res != z3::unsat) {
      r.verdict = res == z3::sat ? Verdict::Failed : Verdict::Unknown;
      r.message = res == z3::sat ? "the initial state violates the invariant" : "initiation: " + s.reason_unknown();
      if (res == z3::sat) {
        z3::model m = s.get_model();
        for (const Conjunct& c : inv)
          if (m.eval(c.holds(k.U, k.x), true).is_false()) { r.cti.failed = c.id; break; }
        r.cti.initial = true;
      }
      r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      return r;
    }
  }
  const z3::expr invx = conj(k.U, inv, k.x);
  z3::params sp(k.c);  // select(store(..)) and select(ite(..)) become ite over the base arrays
  sp.set("expand_select_store", true);
  sp.set("expand_select_ite", true);
  for (int kind = 0; kind < static_cast<int>(SymModel::kinds().size()); ++kind) {
    const z3::expr a = k.c.constant(("a" + std::to_string(kind)).c_str(), k.U.sortOf(Dom::Actor));
    z3::expr task = k.c.bool_val(false);
    const ActionInstance inst = model.build(k.U, kind, a, k.x, "k" + std::to_string(kind), &task);
    // one query per conjunct of the post-state: small goals keep the
    // quantifier instantiation focused
    for (const Conjunct& c : inv) {
      if (support::interrupted()) {  // SIGINT/SIGTERM: between solver queries
        r.verdict = Verdict::Unknown;
        r.message = support::interruptedReason();
        r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        return r;
      }
      z3::solver s(k.c);
      noCtrlC(s);
      s.set(p);
      s.add(k.U.axioms());
      s.add(invx);
      s.add(inst.guard.simplify(sp));
      s.add((!c.holds(k.U, inst.next)).simplify(sp));
      const auto res = check(s, &r.queries);
      if (res == z3::unsat) continue;
      r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      if (res == z3::unknown && finiteCti(model, kind, c, inv, &r.cti)) {
        r.verdict = Verdict::Failed;
        r.message = "the strengthening is not inductive: " + std::string(inst.name) + " breaks '" + c.id +
                    "' (counterexample found in a finite universe; the unbounded query timed out)";
        return r;
      }
      if (res == z3::unknown) {
        r.verdict = Verdict::Unknown;
        r.message = std::string("consecution of '") + c.id + "' over " + inst.name + ": " + s.reason_unknown();
        r.cti.action = inst.name;
        r.cti.failed = c.id + ": " + c.words;
        return r;
      }
      z3::model m = s.get_model();
      r.verdict = Verdict::Failed;
      r.cti = makeCti(k, m, inst, a, task, c.id + ": " + c.words);
      r.cti.kind = kind;
      r.cti.conjunct = c.id;
      r.message = "the strengthening is not inductive: " + std::string(inst.name) + " breaks '" + c.id + "'";
      return r;
    }
  }
  r.verdict = Verdict::Proved;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

}  // namespace

TheoremResult prove(SymModel& model, const Theorem& th, const ProveOptions& opt) {
  TheoremResult r;
  r.id = th.id;
  // (a strengthening other than strengthening() is its own lemma)
  LemmaCache& lc = lemmaCache()[std::string(model.name()) + "#" +
                                std::to_string(reinterpret_cast<uintptr_t>(opt.strengthening))];
  if (!lc.done) {
    lc.r = proveStrengthening(model, opt);
    lc.done = true;
  }
  const auto t0 = Clock::now();  // the theorem's own queries; the shared lemma's time is added
  if (lc.r.verdict != Verdict::Proved) {
    r = lc.r;
    r.id = th.id;
    return r;
  }
  r.queries = lc.r.queries;
  Ctx k;
  z3::params p(k.c);
  p.set("timeout", opt.timeout_ms);
  const z3::expr invx = conj(k.U, opt.strengthening ? *opt.strengthening : strengthening(), k.x);
  // targets: conjuncts of the strengthening, or implied by it
  auto stopped = [&] {  // SIGINT/SIGTERM: between solver queries
    if (!support::interrupted()) return false;
    r.verdict = Verdict::Unknown;
    r.message = support::interruptedReason();
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count() + lc.r.seconds;
    return true;
  };
  for (const Conjunct& c : th.targets) {
    if (!c.derived) continue;
    if (stopped()) return r;
    z3::solver s(k.c);
    noCtrlC(s);
    s.set(p);
    s.add(k.U.axioms());
    s.add(invx);
    s.add(!c.holds(k.U, k.x));
    const auto res = check(s, &r.queries);
    if (res == z3::unsat) continue;
    r.verdict = res == z3::sat ? Verdict::Failed : Verdict::Unknown;
    r.message = "'" + c.id + "' does not follow from the strengthening" +
                (res == z3::unknown ? ": " + s.reason_unknown() : std::string());
    r.cti.failed = c.id + ": " + c.words;
    r.cti.conjunct = c.id;
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count() + lc.r.seconds;
    return r;
  }
  // the transition obligations
  for (int kind = 0; kind < static_cast<int>(SymModel::kinds().size()); ++kind) {
    const z3::expr a = k.c.constant(("a" + std::to_string(kind)).c_str(), k.U.sortOf(Dom::Actor));
    z3::expr task = k.c.bool_val(false);
    const ActionInstance inst = model.build(k.U, kind, a, k.x, "k" + std::to_string(kind), &task);
    for (const Obligation& o : inst.obl) {
      if (o.inv != th.id) continue;
      if (stopped()) return r;
      z3::solver s(k.c);
      noCtrlC(s);
      s.set(p);
      s.add(k.U.axioms());
      s.add(invx);
      s.add(inst.guard);
      s.add(!o.holds);
      const auto res = check(s, &r.queries);
      if (res == z3::unsat) continue;
      if (res == z3::unknown) {
        // the unbounded query timed out: the same obligation in finite universes
        const std::string what = o.what, inv = th.id;
        auto fail = [&](Universe&, const ActionInstance& fi) {
          z3::expr f = fi.guard.ctx().bool_val(false);
          for (const Obligation& fo : fi.obl)
            if (fo.inv == inv && fo.what == what) f = f || !fo.holds;
          return fi.guard && f;
        };
        if (finiteCti(model, kind, fail, what, opt.strengthening ? *opt.strengthening : strengthening(), &r.cti)) {
          r.cti.obligation = what;
          r.verdict = Verdict::Failed;
          r.message = std::string(inst.name) + " violates '" + what +
                      "' from a state satisfying the invariant (counterexample found in a finite universe; the "
                      "unbounded query timed out)";
          r.seconds = std::chrono::duration<double>(Clock::now() - t0).count() + lc.r.seconds;
          return r;
        }
        r.verdict = Verdict::Unknown;
        r.message = std::string(inst.name) + ": " + s.reason_unknown();
        r.seconds = std::chrono::duration<double>(Clock::now() - t0).count() + lc.r.seconds;
        return r;
      }
      z3::model m = s.get_model();
      r.verdict = Verdict::Failed;
      r.cti = makeCti(k, m, inst, a, task, o.what);
      r.cti.kind = kind;
      r.cti.obligation = o.what;
      r.message = std::string(inst.name) + " violates '" + o.what + "' from a state satisfying the invariant";
      r.seconds = std::chrono::duration<double>(Clock::now() - t0).count() + lc.r.seconds;
      return r;
    }
  }
  r.verdict = Verdict::Proved;
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count() + lc.r.seconds;
  return r;
}

}  // namespace scxmc::proofs
