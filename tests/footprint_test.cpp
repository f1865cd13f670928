// Footprints and step granularity, checked on the access-traced model
// (issue 15): every State byte a step reads or writes is recorded with the
// handler that touched it and the locks the actor held at that moment.
//
// 1. Footprints: every access is declared by its handler's entry in
//    model/footprint_table.inc, with a scope that names its instance.
// 2. Granularity: a step may contain at most one access point to a shared
//    location that other actors may write without a lock the stepping actor
//    holds (Lipton's reduction: protected accesses commute, one unprotected
//    access is the step's commit point).  A location's protection is
//    derived from the recorded lock sets of all other actors' accesses over
//    the whole reachable state space (Eraser's lockset rule, with locks
//    named relative to the location: the task's rq, the DSQ's lock, ...).
//    Every step with two or more unprotected locations must be one of the
//    documented merges in kMerges below (docs/lockless.md gives each its
//    exactness argument), or the test fails naming the step.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include <algorithm>

#include "footprint.hpp"
#include "locks.hpp"
#include "footprint_support.hpp"
#include "format.hpp"
#include "policy.hpp"
#include "variants.hpp"

namespace scxmc::test {
namespace {

Config makeConfig(int tasks, int cpus, int dsqs, bool lifecycle = false, int actions = 2, int loops = 0) {
  Config c;
  c.tasks = tasks;
  c.cpus = cpus;
  c.user_dsqs = dsqs;
  c.lifecycle = lifecycle;
  c.dispatch_actions = actions;
  c.dispatch_loops = loops;
  std::string err;
  EXPECT_TRUE(Policy::parse("full", &c.policy, &err)) << err;
  EXPECT_EQ(c.validate(), "");
  return c;
}

bool excludedFromLockset(const trace::Access& a) {
  // Frames are the actors' own registers; the lock words are the
  // synchronization itself; ghost bytes belong to the monitors; the
  // dead-record drop is the model's bookkeeping.
  // Choice reads build the BPF program's or the environment's options
  // (docs/lockless.md argues them apart).
  return a.bookkeeping || a.choice || a.validated || locIsFrame(a.loc.kind) || a.loc.kind == Loc::TaskGhost;
}

// Is the accessing actor the location's owner (its own task, CPU, local DSQ)?
bool ownAccess(const Config& cfg, const trace::Access& a) {
  const uint8_t actor = a.hreg[5];
  // the enable/disable helper's own stage, and what only it writes
  if (a.loc.kind == Loc::LifePc || a.loc.kind == Loc::ScxEnable || a.loc.kind == Loc::BypassDepth)
    return actor == cfg.actors();
  // the cgroup.procs writer's own stage (--sub-migrations; only it writes it)
  if (a.loc.kind == Loc::SubMig) return actor == cfg.migratorActor();
  if (locIsTask(a.loc.kind)) return actor == cfg.cpus + a.loc.inst;
  if (locIsCpu(a.loc.kind) || a.loc.kind == Loc::DsqList) return actor == a.loc.inst;
  return false;
}

struct LockSets {
  // per location kind, per (own, other) x (read, write): the relative locks
  // every such access held, and whether any happened
  uint32_t mask[static_cast<int>(Loc::Count)][2][2];
  bool seen[static_cast<int>(Loc::Count)][2][2];
  LockSets() {
    for (auto& a : mask) for (auto& b : a) for (auto& c : b) c = ~0u;
    for (auto& a : seen) for (auto& b : a) for (auto& c : b) c = false;
  }
  void add(const Config& cfg, const trace::Access& a) {
    if (excludedFromLockset(a)) return;
    const int k = static_cast<int>(a.loc.kind), o = ownAccess(cfg, a) ? 0 : 1, w = a.write ? 1 : 0;
    mask[k][o][w] &= a.held;
    seen[k][o][w] = true;
  }
  // Do all other actors' writes of the location hold a lock this access holds?
  bool isProtected(const Config& cfg, const trace::Access& a) const {
    if (excludedFromLockset(a)) return true;
    // ops_state's owner (its rq lock's holder while NONE or QUEUEING, or the
    // DISPATCHING claimer) excludes every other writer of ops_state: a
    // claim needs QUEUED, and leaving NONE needs that rq lock.
    if (a.loc.kind == Loc::TaskOpss && (a.held & trace::kHeldOwnerOfLoc)) return true;
    const int k = static_cast<int>(a.loc.kind);
    const bool own = ownAccess(cfg, a);
    for (int o = 0; o < 2; ++o) {
      if (own && o == 0) continue;  // the owner is one actor: no other owner
      // Other actors' writes only: a read by another actor in between two
      // of this step's writes is that actor's step's concern (it is checked
      // against this actor's writes when its own step is checked).
      if (seen[k][o][1] && !(mask[k][o][1] & a.held)) return false;
    }
    return true;
  }
};

struct StepRecord {
  std::vector<uint8_t> handlers;
  std::vector<trace::Access> acc;
  std::string relocked;  // a lock released and taken again within the step
  State from;
  Transition tr;
};

std::string chainName(const std::vector<uint8_t>& hs) {
  std::string s;
  for (uint8_t h : hs) s += (s.empty() ? "" : ">") + handlerName(h);
  return s;
}

struct Analysis {
  Config cfg;
  size_t states = 0, steps = 0, accesses = 0;
  // observed footprint: (handler, loc, read/write) -> the scopes every such
  // access matched (flat tables: this runs for every access)
  static constexpr int kH = 256, kL = static_cast<int>(Loc::Count);
  std::vector<uint8_t> observed = std::vector<uint8_t>(kH * kL * 2, 0xff);
  std::vector<bool> seen = std::vector<bool>(kH * kL * 2, false);
  std::vector<std::string> undeclared;  // first examples
  size_t undeclared_count = 0;
  LockSets locks;
  // distinct steps by the hash of their access signature (the lockset pass
  // needs them all, after the whole space is seen)
  std::unordered_map<uint64_t, StepRecord> sigs;
  static int slot(uint8_t h, Loc l, bool w) { return (h * kL + static_cast<int>(l)) * 2 + (w ? 1 : 0); }
};

// The signature of a step: its handlers and its accesses (location kind,
// instance, read/write, locks held, kind of read), in order, repeats folded.
uint64_t signature(const TracedStep& st) {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  auto mix = [&](uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
  };
  for (uint8_t x : *st.handlers) mix(x);
  mix(0xffff);
  const trace::Access* prev = nullptr;
  for (const trace::Access& a : *st.acc) {
    if (prev && prev->loc.kind == a.loc.kind && prev->loc.inst == a.loc.inst && prev->write == a.write &&
        prev->held == a.held && prev->choice == a.choice && prev->validated == a.validated)
      continue;
    prev = &a;
    mix(static_cast<uint64_t>(a.loc.kind) | static_cast<uint64_t>(a.loc.inst) << 8 |
        static_cast<uint64_t>(a.write | a.bookkeeping << 1 | a.choice << 2 | a.validated << 3) << 16 |
        static_cast<uint64_t>(a.hreg[5]) << 24 | static_cast<uint64_t>(a.held) << 32);
  }
  return h;
}

// The declared scopes per (handler, location, read/write), flattened.
std::vector<uint8_t> declaredTable() {
  std::vector<uint8_t> d(Analysis::kH * Analysis::kL * 2, 0);
  for (const FootprintEntry& e : declaredFootprints())
    for (int w = 0; w < 2; ++w)
      if (e.access & (w ? kFpWrite : kFpRead)) d[Analysis::slot(e.handler, e.loc, w)] |= e.scopes;
  return d;
}

Analysis analyse(ExtCore& m, size_t limit) {
  Analysis an;
  an.cfg = m.config();
  const std::vector<uint8_t> decl = declaredTable();
  an.states = exploreTraced(m, limit, [&](const TracedStep& st) {
    ++an.steps;
    an.accesses += st.acc->size();
    for (const trace::Access& a : *st.acc) {
      const uint8_t sc = matchScopes(an.cfg, a.loc, a.hreg);
      const int k = Analysis::slot(a.handler, a.loc.kind, a.write);
      an.observed[k] &= sc;
      an.seen[k] = true;
      const uint8_t d = decl[k];
      if (!((d & kScopeAny) || (d & sc))) {
        if (an.undeclared.size() < 20) {
          std::ostringstream o;
          o << handlerName(a.handler) << ": " << (a.write ? "write " : "read ") << locName(a.loc.kind) << "["
            << int(a.loc.inst) << "] (matches " << scopeName(sc) << ") by " << m.actorName(a.hreg[5])
            << ", transition " << st.tr->str();
          an.undeclared.push_back(o.str());
        }
        ++an.undeclared_count;
      }
      an.locks.add(an.cfg, a);
    }
    uint64_t k = signature(st);
    // A lock the step releases and takes again: another CPU may take it in
    // between (Lipton: a release cannot be followed by an acquire).
    std::string relocked;
    {
      std::pair<uint8_t, uint8_t> released[16];
      int nrel = 0;
      for (const Event& e : *st.log) {
        const std::pair<uint8_t, uint8_t> l{e.a, e.b};
        if (e.kind == Ev::Unlock && nrel < 16) released[nrel++] = l;
        if (e.kind == Ev::Lock && relocked.empty() && std::find(released, released + nrel, l) != released + nrel)
          relocked = std::string(lockClassName(e.a)) + " " + lockInstanceName(e.a, e.b);
      }
    }
    if (!relocked.empty()) k ^= 0x5bd1e995ull;
    if (!an.sigs.count(k)) an.sigs.emplace(k, StepRecord{*st.handlers, *st.acc, relocked, *st.from, *st.tr});
  });
  return an;
}

// Prints the observed footprints as footprint_table.inc lines (a starting
// point when a handler is added; every line is reviewed against the code).
void dumpObserved(const Analysis& an) {
  for (int h = 0; h < Analysis::kH; ++h)
    for (int l = 0; l < Analysis::kL; ++l)
      for (int w = 0; w < 2; ++w) {
        const int k = Analysis::slot(static_cast<uint8_t>(h), static_cast<Loc>(l), w);
        if (!an.seen[k]) continue;
        const uint8_t sc = an.observed[k];
        std::printf("FOOTPRINT {%s, Loc::%s, %s, %s},\n", handlerId(static_cast<uint8_t>(h)).c_str(),
                    locName(static_cast<Loc>(l)), w ? "W" : "R", sc ? scopeName(sc).c_str() : "any");
      }
}

// An unprotected access the model may merge with another in one step,
// because it commutes with every access other actors can make in between
// (a mover in Lipton's sense); docs/lockless.md argues each, in the section
// named by `doc`.
struct Mover {
  const char* handler;  // handlerName()
  const char* loc;      // locName()
  char rw;              // 'R' or 'W'
  const char* doc;
};

const Mover kMovers[] = {
#include "footprint_movers.inc"
};

// Merges the audit found that are not split yet (docs/lockless.md, summary
// table, verdict "open"): listed, not failed.  {handler chain prefix, what}.
struct Open {
  const char* chain;
  const char* what;
  const char* id;
};
const Open kOpen[] = {
#include "footprint_open.inc"
};
const Open* openMerge(const std::string& chain, const std::string& key) {
  for (const Open& o : kOpen)
    if (o.chain && chain.rfind(o.chain, 0) == 0 && key.find(o.what) != std::string::npos) return &o;
  return nullptr;
}

bool isMover(const trace::Access& a) {
  const std::string h = handlerName(a.handler);
  for (const Mover& m : kMovers)
    if (h == m.handler && std::string(locName(a.loc.kind)) == m.loc && (m.rw == 'W') == a.write) return true;
  return false;
}

std::string accessClass(const trace::Access& a) {
  return handlerName(a.handler) + " " + (a.write ? "W " : "R ") + locName(a.loc.kind);
}

struct Violation {
  std::string key;  // the two first non-mover access classes
  size_t count = 0;
  const StepRecord* example = nullptr;
  std::string detail;
};

struct Granularity {
  std::vector<Violation> violations;
  std::map<std::string, size_t> open;  // known open merges met: id -> signatures
  // every unprotected access class: steps where it shares a step with
  // another unprotected access
  std::map<std::string, size_t> merged_classes;
};

Granularity granularity(const Analysis& an) {
  Granularity g;
  std::map<std::string, Violation> out;
  for (const auto& [k, st] : an.sigs) {
    std::set<std::pair<uint8_t, uint8_t>> unprot, nonmover;
    std::vector<const trace::Access*> firsts;
    for (const trace::Access& a : st.acc) {
      if (an.locks.isProtected(an.cfg, a)) continue;
      if (!unprot.insert({static_cast<uint8_t>(a.loc.kind), a.loc.inst}).second) continue;
      firsts.push_back(&a);
      if (!isMover(a)) nonmover.insert({static_cast<uint8_t>(a.loc.kind), a.loc.inst});
    }
    if (!st.relocked.empty() && openMerge(chainName(st.handlers), "relocks " + st.relocked)) {
      ++g.open[openMerge(chainName(st.handlers), "relocks " + st.relocked)->id];
    } else if (!st.relocked.empty()) {
      Violation& v = out["relocks " + st.relocked + " in " + chainName(st.handlers)];
      if (!v.count) {
        v.key = "relocks " + st.relocked + " in " + chainName(st.handlers);
        v.example = &st;
        v.detail = "a lock released and taken again in one step";
      }
      ++v.count;
    }
    if (unprot.size() < 2) continue;
    std::set<std::string> classes;
    for (const trace::Access* a : firsts) classes.insert(accessClass(*a));
    for (const auto& c : classes) ++g.merged_classes[c];
    if (nonmover.size() < 2) continue;
    std::string key, detail;
    int n = 0;
    for (const trace::Access* a : firsts) {
      if (isMover(*a)) continue;
      if (n++ < 2) key += (key.empty() ? "" : "  +  ") + accessClass(*a);
      detail += std::string(detail.empty() ? "" : ", ") + (a->write ? "write " : "read ") + locName(a->loc.kind) + "[" +
                std::to_string(a->loc.inst) + "] in " + handlerName(a->handler) + " holding " + trace::heldName(a->held);
    }
    if (const Open* o = openMerge(chainName(st.handlers), key)) {
      ++g.open[o->id];
      continue;
    }
    Violation& v = out[key];
    if (!v.count) {
      v.key = key;
      v.example = &st;
      v.detail = chainName(st.handlers) + ": " + detail;
    }
    ++v.count;
  }
  for (auto& [k, v] : out) g.violations.push_back(v);
  return g;
}

void report(const Analysis& an, const Granularity& g) {
  std::printf("%s: %zu states, %zu steps, %zu accesses, %zu distinct step signatures\n", an.cfg.describe().c_str(),
              an.states, an.steps, an.accesses, an.sigs.size());
  std::printf("locks every access of a kind held (own: the location's task/CPU actor; other: any other actor):\n");
  for (int k = 0; k < static_cast<int>(Loc::Count); ++k) {
    const auto& L = an.locks;
    bool any = false;
    for (int o = 0; o < 2; ++o) for (int w = 0; w < 2; ++w) any |= L.seen[k][o][w];
    if (!any) continue;
    std::printf("  %-14s", locName(static_cast<Loc>(k)));
    const char* const kWho[2][2] = {{"own-read", "own-write"}, {"other-read", "other-write"}};
    for (int o = 0; o < 2; ++o)
      for (int w = 0; w < 2; ++w)
        if (L.seen[k][o][w]) std::printf("  %s:{%s}", kWho[o][w], trace::heldName(L.mask[k][o][w]).c_str());
    std::printf("\n");
  }
  std::printf("unprotected access classes that share a step with another unprotected access:\n");
  for (const auto& [c, n] : g.merged_classes)
    std::printf("  %-48s %6zu signatures%s\n", c.c_str(), n, [&] {
      for (const Mover& m : kMovers)
        if (c == std::string(m.handler) + " " + m.rw + " " + m.loc) return "  (mover: docs/lockless.md)";
      return "";
    }());
  for (const auto& [id, n] : g.open)
    std::printf("OPEN (docs/lockless.md %s, not split yet): %zu step signatures\n", id.c_str(), n);
  for (const Violation& v : g.violations)
    std::printf("MERGED LOCKLESS ACCESSES: %s (%zu signatures), e.g. transition %s: %s\n", v.key.c_str(), v.count,
                v.example->tr.str().c_str(), v.detail.c_str());
}

void checkConfig(const Config& cfg, size_t limit = 50'000'000) {
  if (const char* l = std::getenv("SCXMC_FOOTPRINT_LIMIT")) limit = std::stoull(l);  // (to measure a cap)
  auto m = makeModel("linux-7.3.4", cfg);
  const Analysis an = analyse(*m, limit);
  if (std::getenv("SCXMC_FOOTPRINT_DUMP")) dumpObserved(an);
  const Granularity g = granularity(an);
  const auto& vs = g.violations;
  report(an, g);
  EXPECT_EQ(an.undeclared_count, 0u) << "accesses no footprint declares (model/footprint_table.inc), e.g.:\n"
                                     << [&] {
                                          std::string s;
                                          for (const auto& u : an.undeclared) s += "  " + u + "\n";
                                          return s;
                                        }();
  EXPECT_TRUE(vs.empty()) << vs.size()
                          << " step kinds merge two or more unprotected accesses (listed above as MERGED LOCKLESS "
                             "ACCESSES): split them at the kernel's access or argue the merge in docs/lockless.md "
                             "and tests/footprint_merges.inc";
}

TEST(Footprint, OneTaskTwoCpusOneDsq) { checkConfig(makeConfig(1, 2, 1)); }
TEST(Footprint, TwoTasksTwoCpusNoDsq) { checkConfig(makeConfig(2, 2, 0)); }
TEST(Footprint, TwoTasksTwoCpusOneDsq) { checkConfig(makeConfig(2, 2, 1)); }
TEST(Footprint, LifecycleOneTask) { checkConfig(makeConfig(1, 2, 1, true, 1, 1)); }
TEST(Footprint, LifecycleDestroyDsqs) {
  Config c = makeConfig(1, 2, 1, true, 1, 1);
  c.destroy_dsqs = true;
  checkConfig(c);
}
// --balance-callbacks: rq->scx.flags, the balance callback and the irq_work
// are rq-lock protected (CpuRqFlags); 2 tasks so that a deferral meets
// another CPU's dispatch.  The first 500,000 traced states: every declared
// CpuRqFlags line is seen within them (SCXMC_FOOTPRINT_DUMP=1 lists 20), and
// the whole space took 230-450 s (checked once, it passed).
TEST(Footprint, BalanceCallbacksTwoTasks) {
  Config c = makeConfig(2, 2, 0);
  c.bal_cb = true;
  checkConfig(c, 500'000);
}
// --sub-scheds 1 (issue 16): the child's enable/disable stages of the
// helper and the exit claimer's steps (handlers claimer:*)
TEST(Footprint, LifecycleSubScheds) {
  Config c = makeConfig(1, 2, 1, true, 1, 1);
  c.sub_scheds = 1;
  EXPECT_EQ(c.validate(), "");
  checkConfig(c);
}
// --sub-migrations (issue 16): the cgroup.procs writer's steps (handlers
// cgroup writer:*), with the child's stages it waits for
TEST(Footprint, LifecycleSubMigrations) {
  Config c = makeConfig(1, 2, 0, true, 1, 1);
  c.sub_scheds = 1;
  c.sub_migrations = true;
  EXPECT_EQ(c.validate(), "");
  checkConfig(c);
}
// --sub-fail-parent (issue 16): scx_fail_parent's stages of the helper (its
// claim, its scx_bypass, the punt loop), the root's disable meeting punted
// tasks, and a punted task's class switches
TEST(Footprint, LifecycleSubFailParent) {
  Config c = makeConfig(1, 2, 0, true, 1, 1);
  c.sub_scheds = 1;
  c.sub_fail_parent = true;
  EXPECT_EQ(c.validate(), "");
  checkConfig(c);
}
// --sub-enable-fail (issue 16): the enable's abort (the cancel loop, the
// unlock and the child's error claim, the wait for its disable), with both
// tasks in the child's cgroup so that the loop cancels an init, and no
// environment event (the sched_change paths are the tests above)
TEST(Footprint, LifecycleSubEnableFail) {
  Config c = makeConfig(2, 2, 0, true, 1, 1);
  c.sub_scheds = 1;
  c.sub_enable_fail = true;
  c.sub_cgroup_all = true;
  c.env = 0;
  EXPECT_EQ(c.validate(), "");
  checkConfig(c);
}
// --sub-early-fail (issue 16): the enable's failures before its task loops
// (ops.init, ops.sub_attach, the subtree claim's ops.cgroup_init), the
// error's claim, and the disables of a child that owns nothing
// (SubEnErrEarly) or was attached without its subtree (SubEnErrClaimed)
TEST(Footprint, LifecycleSubEarlyFail) {
  Config c = makeConfig(1, 2, 0, true, 1, 1);
  c.sub_scheds = 1;
  c.sub_early_fail = true;
  EXPECT_EQ(c.validate(), "");
  checkConfig(c);
}
// --nmi (issue 17 part 2): the hardlockup NMI's claim (model/nmi.cpp), alone
// and with the claimer's stages it goes through with --sub-scheds (it
// reports the claimer's handler ids: the same accesses)
TEST(Footprint, LifecycleNmi) {
  for (int sub : {0, 1}) {
    Config c = makeConfig(1, 2, 0, true, 1, 1);
    c.sub_scheds = sub;
    c.nmi = true;
    EXPECT_EQ(c.validate(), "");
    checkConfig(c);
  }
}
// --switch-runnable (issue 17 part 1): a runnable ext task's switch to fair
// goes through the sched_change path of a Change (environment.cpp)
TEST(Footprint, LifecycleSwitchRunnable) {
  Config c = makeConfig(1, 2, 1, true, 1, 1);
  c.switch_runnable = true;
  EXPECT_EQ(c.validate(), "");
  checkConfig(c);
}
TEST(Footprint, LifecycleSwitchDuringWalks) {
  Config c = makeConfig(1, 2, 1, true, 1, 1);
  c.switch_runnable = true;
  c.switch_walks = true;
  EXPECT_EQ(c.validate(), "");
  checkConfig(c);
}
// (2 tasks x 2 CPUs x 0 user DSQs with the lifecycle: about 3 million traced
// states, minutes; run by hand: --gtest_also_run_disabled_tests)
TEST(Footprint, DISABLED_LifecycleTwoTasks) { checkConfig(makeConfig(2, 2, 0, true, 1, 1)); }

}  // namespace
}  // namespace scxmc::test
