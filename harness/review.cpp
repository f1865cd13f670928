#include "review.hpp"
#include "atomic_file.hpp"
#include "interrupt.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <thread>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base_cache.hpp"
#include "behaviour_diff.hpp"
#include "checker.hpp"
#include "hook_probe.hpp"
#include "cli_args.hpp"
#include "next_state.hpp"
#include "report.hpp"
#include "review_ladder.hpp"
#include "rung_lift.hpp"
#include "variants.hpp"

namespace scxmc {

namespace {

constexpr int kOk = 0, kViolation = 1, kUsage = 2, kIncomplete = 3;

const char* kHelp =
    "usage: scxmc review [--base NAME] --variant NAME... [options]\n"
    "\n"
    "Checks the base model and each variant with the same bounds and limits and reports:\n"
    "a matrix invariants x models (holds / violated / incomplete); for every invariant a\n"
    "variant newly breaks, its shortest counterexample; for every one it newly fixes, the\n"
    "base's counterexample; for one violated by both, whether the base's counterexample\n"
    "still reproduces in the variant; and the behaviour diff: the sequences of ops callbacks\n"
    "a task can receive that one model allows and the other does not, each with a shortest\n"
    "trace: compared up to length 6 first, then 8, 10, ... up to --diff-length until a\n"
    "difference shows; the text shows the shortest ones, at most about a screenful per\n"
    "variant, --json all of them.  And the coverage of the change: how often each hook the\n"
    "variant overrides (model/hooks.hpp) was called and did something else than 7.3.4's\n"
    "code, and one line when the variant's state space is the base's, with the likely cause.\n"
    "\n"
    "  --base NAME           the model to compare against (default linux-7.3.4)\n"
    "  --variant NAME...     one or more variants (see 'scxmc variants'); repeatable\n"
    "  --chain               compare each variant with the one before it (the first with the\n"
    "                        base): a patch series or the revisions of a reviewed patch\n"
    "  --tasks N, --cpus N, --user-dsqs N, --policy SPEC, --env LIST, --invariants LIST,\n"
    "  --dispatch-actions N, --dispatch-loops N, --max-depth N, --max-states N,\n"
    "  --max-memory MIB, --no-symmetry, --threads N, and the slice options --lifecycle,\n"
    "  --fork-tasks N, --cycles N, --task-death, --switch-runnable, --switch-during-walks,\n"
    "  --destroy-dsqs,\n"
    "  --sub-scheds N, --sub-migrations, --sub-fail-parent, --sub-enable-fail, --sub-early-fail,\n"
    "  --sub-cgroup-all,\n"
    "  --balance-callbacks,\n"
    "  --kicks, --kick-flags LIST, --nmi\n"
    "                        as for 'scxmc check' (see 'scxmc check --help'); a variant whose\n"
    "                        changed code runs only in a slice switches it on itself, and is\n"
    "                        compared with the base made with the same slices (its own\n"
    "                        column, e.g. linux-7.3.4+lifecycle+sub-scheds=1)\n"
    "  --time-limit SEC      per model checked (default 15; 0 = no limit)\n"
    "  --ladder-time SEC     when a check of the requested configuration is incomplete, decide\n"
    "                        on smaller configurations (the same CPUs, fewer tasks and user\n"
    "                        DSQs; each model at most SEC seconds on each, default 5): a\n"
    "                        variant that violates an invariant on one where the base holds\n"
    "                        it newly breaks it (its counterexample replayed on the requested\n"
    "                        configuration), and the report names that configuration\n"
    "  --retry-time SEC      a smaller configuration where one model violates an invariant and\n"
    "                        the other stopped at --ladder-time is checked again for up to SEC\n"
    "                        (default 60)\n"
    "  --no-ladder           decide only on the requested configuration\n"
    "  --diff-length N       the longest callback sequence the diff grows to (default 10; it\n"
    "                        starts at 6, or N if smaller, and stops at the first length with\n"
    "                        a difference; 0 = no diff)\n"
    "  --diff-max-pairs N    (state, sequence) pairs per model before the diff gives up\n"
    "                        (default 4000000)\n"
    "  --base-cache DIR      where complete checks of linux-7.3.4 in which everything holds are\n"
    "                        kept, keyed by the sources they depend on (not the variants' own\n"
    "                        files), the configuration and the invariants, so that the next\n"
    "                        review against the same base searches only the variants (default\n"
    "                        $XDG_CACHE_HOME/scxmc/review-base or ~/.cache/scxmc/review-base)\n"
    "  --no-base-cache       neither read nor write the base cache\n"
    "  --json FILE           write the report as JSON (each model's check result included,\n"
    "                        so its counterexamples can be replayed)\n"
    "  --trace-all           show every event of a trace, not only the salient ones\n"
    "exit status: 1 a variant newly breaks an invariant, 3 something incomplete prevents a\n"
    "verdict, 2 bad usage, 0 otherwise\n";

struct Options {
  std::string base = "linux-7.3.4";
  std::vector<std::string> variants;
  Config cfg;
  Limits lim;
  std::string invariants = "all";
  BehaviourLimits blim;
  std::string json_path;
  bool json_set = false;
  bool trace_all = false;
  bool chain = false;
  bool ladder = true;
  double ladder_time_s = 5;
  double retry_time_s = 60;
  std::string base_cache_dir;  // "" = no cache
  bool base_cache_explicit = false;
};

int usage(const std::string& msg) {
  std::cerr << "scxmc: review: " << msg << "\n(see 'scxmc review --help')\n";
  return kUsage;
}

// Returns -1 when parsed, else an exit status (help or usage error).
int parse(const std::vector<std::string>& args, Options* o) {
  o->lim.max_memory_mib = 8192;
  o->lim.time_limit_s = 15;
  o->blim.time_limit_s = 15;
  o->blim.length = 10;
  o->blim.grow_from = 6;
  o->lim.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  o->base_cache_dir = defaultBaseCacheDir();
  std::string err;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") { std::cout << kHelp; return kOk; }
    auto val = [&](std::string* v) {
      if (i + 1 >= args.size() || args[i + 1].rfind("--", 0) == 0) { err = a + " needs a value"; return false; }
      *v = args[++i];
      return true;
    };
    std::string v;
    long n;
    if (const int sl = parseSliceOption(args, &i, &o->cfg, &err); sl != 0) {
      if (sl < 0) return usage(err);
    } else if (a == "--variant") {
      const size_t before = o->variants.size();
      while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) o->variants.push_back(args[++i]);
      if (o->variants.size() == before) return usage("--variant needs at least one NAME");
    } else if (a == "--base") {
      if (!val(&o->base)) return usage(err);
    } else if (a == "--tasks" || a == "--cpus" || a == "--user-dsqs" || a == "--dispatch-actions" ||
               a == "--dispatch-loops") {
      if (!val(&v) || !parseIntArg(a, v, 0, 1000, &n, &err)) return usage(err);
      int* f = a == "--tasks" ? &o->cfg.tasks : a == "--cpus" ? &o->cfg.cpus : a == "--user-dsqs" ? &o->cfg.user_dsqs
               : a == "--dispatch-actions" ? &o->cfg.dispatch_actions : &o->cfg.dispatch_loops;
      *f = static_cast<int>(n);
    } else if (a == "--policy") {
      if (!val(&v)) return usage(err);
      if (!Policy::parse(v, &o->cfg.policy, &err)) return usage("--policy: " + err);
    } else if (a == "--env") {
      if (!val(&v) || !parseEnvList(v, &o->cfg.env, &err)) return usage(err);
    } else if (a == "--invariants") {
      if (!val(&o->invariants)) return usage(err);
    } else if (a == "--max-depth") {
      if (!val(&v) || !parseIntArg(a, v, 1, 1000000, &n, &err)) return usage(err);
      o->lim.max_depth = static_cast<int>(n);
    } else if (a == "--max-states") {
      if (!val(&v) || !parseIntArg(a, v, 1, 4000000000L, &n, &err)) return usage(err);
      o->lim.max_states = static_cast<uint64_t>(n);
    } else if (a == "--max-memory") {
      if (!val(&v) || !parseIntArg(a, v, 0, 1L << 24, &n, &err)) return usage(err);
      o->lim.max_memory_mib = static_cast<uint64_t>(n);
    } else if (a == "--time-limit") {
      if (!val(&v) || !parseIntArg(a, v, 0, 1L << 30, &n, &err)) return usage(err);
      o->lim.time_limit_s = static_cast<double>(n);
      o->blim.time_limit_s = static_cast<double>(n);
    } else if (a == "--ladder-time") {
      if (!val(&v) || !parseIntArg(a, v, 1, 1L << 20, &n, &err)) return usage(err);
      o->ladder_time_s = static_cast<double>(n);
    } else if (a == "--retry-time") {
      if (!val(&v) || !parseIntArg(a, v, 1, 1L << 20, &n, &err)) return usage(err);
      o->retry_time_s = static_cast<double>(n);
    } else if (a == "--no-ladder") {
      o->ladder = false;
    } else if (a == "--no-symmetry") {
      o->lim.symmetry = false;
    } else if (a == "--threads") {
      if (!val(&v) || !parseIntArg(a, v, 1, 64, &n, &err)) return usage(err);
      o->lim.threads = static_cast<int>(n);
    } else if (a == "--diff-length") {
      if (!val(&v) || !parseIntArg(a, v, 0, 64, &n, &err)) return usage(err);
      o->blim.length = static_cast<int>(n);
      o->blim.grow_from = std::min(6, o->blim.length);
    } else if (a == "--diff-max-pairs") {
      if (!val(&v) || !parseIntArg(a, v, 1, 4000000000L, &n, &err)) return usage(err);
      o->blim.max_pairs = static_cast<uint64_t>(n);
    } else if (a == "--json") {
      if (!val(&o->json_path)) return usage(err);
      o->json_set = true;
    } else if (a == "--trace-all") {
      o->trace_all = true;
    } else if (a == "--chain") {
      o->chain = true;
    } else if (a == "--base-cache") {
      if (!val(&o->base_cache_dir)) return usage(err);
      if (o->base_cache_dir.empty()) return usage("--base-cache needs a directory");
      o->base_cache_explicit = true;
    } else if (a == "--no-base-cache") {
      o->base_cache_dir.clear();
      o->base_cache_explicit = true;
    } else {
      return usage("unknown option '" + a + "'");
    }
  }
  if (o->variants.empty()) return usage("--variant NAME is required");
  const std::string bad = o->cfg.validate();
  if (!bad.empty()) return usage(bad);
  InvariantList probe;
  if (!selectInvariants(o->invariants, &probe, &err)) return usage("--invariants: " + err);
  for (const std::string& name : o->variants) {
    auto m = makeModel(name, o->cfg);
    if (!m) return usage("--variant: unknown variant '" + name + "' (see 'scxmc variants')");
    if (const std::string b = m->config().validate(); !b.empty()) return usage(name + ": " + b);
  }
  if (!makeModel(o->base, o->cfg)) return usage("--base: unknown variant '" + o->base + "' (see 'scxmc variants')");
  if (o->base_cache_explicit && !o->base_cache_dir.empty())
    if (const std::string e = prepareBaseCacheDir(o->base_cache_dir); !e.empty()) return usage("--base-cache: " + e);
  return -1;
}

struct Checked {
  std::string name;
  std::string label;        // its column: the name, and a base's slices ("linux-7.3.4+lifecycle+nmi")
  Config cfg;               // what it is made with (a variant's factory may add to it)
  Config base_cfg;          // a base: cfg; a variant: the configuration of the base it is compared with
  bool base = false;
  size_t cmp = 0;           // the model a variant is compared with
  VariantInfo info;
  std::unique_ptr<ExtCore> model;
  CheckResult res;
  std::shared_ptr<HookCoverage> cov;  // a variant's probe (hook_probe.hpp)
  HookCoverageCounts coverage;        // ... after its search
  std::string cached;                 // the base cache file its result came from ("": searched)
};

// A base column's label suffix: the slice options its configuration adds
// to the requested one, " --lifecycle --sub-scheds 1" as
// "+lifecycle+sub-scheds=1" ("" for the requested configuration).
std::string sliceLabel(const Config& c, const Config& requested) {
  std::string out;
  const std::string opts = sliceOptions(c, requested);
  for (size_t pos = 0; pos < opts.size();) {
    size_t next = opts.find(" --", pos + 1);
    if (next == std::string::npos) next = opts.size();
    std::string word = opts.substr(pos, next - pos);
    if (word.rfind(" --", 0) == 0) word = word.substr(3);
    if (const size_t sp = word.find(' '); sp != std::string::npos) word[sp] = '=';
    out += "+" + word;
    pos = next;
  }
  return out;
}

// How the base's counterexample of invariant `id` fares in model `m`:
// "" if it reproduces the violation there, else why not.
std::string reproduce(ExtCore& m, const std::string& invs_spec, const std::string& id, const Counterexample& cex) {
  InvariantList invs;
  std::string err;
  selectInvariants(invs_spec, &invs, &err);
  int k = -1;
  for (size_t i = 0; i < invs.size(); ++i)
    if (invs[i]->id() == id) k = static_cast<int>(i);
  if (k < 0) return "a built-in check: not replayed";
  State s = m.initial();
  std::string seen;
  int n = 0;
  for (const Step& st : cex.steps) {
    ++n;
    State next;
    StepLog log;
    if (!applyTransition(m, s, st.tr, &next, &log))
      return "step " + std::to_string(n) + " (" + m.actorName(st.tr.actor) + ") is not possible here";
    seen = stepViolation(m.config(), invs, k, s, log, next);
    s = next;
  }
  if (cex.steps.empty()) {
    std::string w;
    if (!invs[k]->onState(m.config(), s, &w)) seen = w;
  }
  return seen.empty() ? "the trace runs but its last step violates nothing" : "";
}

const InvariantResult* find(const CheckResult& r, const std::string& id) {
  for (const auto& i : r.invariants)
    if (i.id == id) return &i;
  return nullptr;
}

// Is x a listed sequence with callbacks prepended (e.g. a set_cpumask before
// the wakeup)?
bool extendsAnother(const BehaviourExample& x, const std::vector<BehaviourExample>& xs) {
  for (const BehaviourExample& y : xs)
    if (y.seq.size() < x.seq.size() && std::equal(y.seq.rbegin(), y.seq.rend(), x.seq.rbegin())) return true;
  return false;
}

// Which of the variant's overridden hooks ran in its search and how often
// they did something else than 7.3.4's code (hook_probe.hpp); when the
// variant's state space is the base's, one line saying so, with the likely
// causes (issue 18: no silent "holds").
nlohmann::json coverageReport(std::ostream& out, const Checked& v, const Checked& base, bool chain) {
  const HookCoverageCounts& c = v.coverage;
  nlohmann::json j;
  j["available"] = c.available;
  if (!c.available) {
    out << "   change coverage: not measured (the variant was registered without makeVariant<T>)\n";
    return j;
  }
  uint64_t calls = 0, differs = 0, uncompared = 0;
  nlohmann::json hooks = nlohmann::json::array();
  const std::string scope = v.res.complete ? "in the whole search" : "in the part searched before the limit";
  out << "   change coverage (every call of an overridden function also run as linux-7.3.4's code, " << scope << "):\n";
  for (int h = 0; h < kHookCount; ++h) {
    if (!c.overridden[h]) continue;
    const HookInfo& hi = hookInfo(static_cast<Hook>(h));
    calls += c.calls[h];
    differs += c.differs[h];
    std::string sites;
    nlohmann::json jsites = nlohmann::json::array();
    for (int s = 0; s < siteCount() && s < 64 * kSiteWords; ++s)
      if ((c.sites[h][s / 64] >> (s % 64)) & 1) {
        const SiteInfo& si = siteInfo(static_cast<Site>(s));
        sites += (sites.empty() ? "" : ", ") + std::string(si.function) + " " + si.file + ":" + std::to_string(si.line);
        jsites.push_back({{"id", si.id}, {"function", si.function}, {"file", si.file}, {"line", si.line}});
      }
    out << "     " << hi.name << " (" << hi.function << " " << hi.file << ":" << hi.line << "): ";
    // pickProxy's in/out argument keeps its calls from being compared
    // (hook_probe.hpp): its calls prove nothing about the state space
    const bool comparable = std::string(hi.name) != "pickProxy";
    if (!comparable) uncompared += c.calls[h];
    if (c.calls[h] == 0) {
      out << "never called\n";
    } else if (!comparable) {
      out << c.calls[h] << " calls (not compared with linux-7.3.4's code: an in/out argument)\n";
    } else {
      out << c.calls[h] << " calls, " << c.differs[h] << " did something else than linux-7.3.4's code"
          << (sites.empty() ? std::string() : " (passing " + sites + ")") << "\n";
    }
    hooks.push_back({{"name", hi.name}, {"function", hi.function}, {"file", hi.file}, {"line", hi.line},
                     {"calls", c.calls[h]}, {"differing_calls", c.differs[h]}, {"sites_in_differing_calls", jsites}});
  }
  if (hooks.empty()) out << "     (no hook of model/hooks.hpp is overridden)\n";
  j["hooks"] = hooks;
  j["calls"] = calls;
  j["differing_calls"] = differs;
  // The verdict on the state space.  Zero differing calls in a complete
  // search proves it is 7.3.4's (hook_probe.hpp); equal counts only suggest
  // it when the comparison is with another variant or calls differed.
  const bool complete = v.res.complete && base.res.complete;
  const bool same_counts = complete && v.res.stats.states == base.res.stats.states &&
                           v.res.stats.transitions == base.res.stats.transitions;
  const bool proven = complete && !chain && base.base && differs == 0 && uncompared == 0 && !hooks.empty();
  j["same_state_space"] = proven ? "identical" : same_counts ? "same counts" : "different";
  if (proven || same_counts) {
    out << "   SAME STATE SPACE as " << base.label << (proven ? "" : " (the same counts)") << ": "
        << v.res.stats.states << " states, " << v.res.stats.transitions << " transitions; likely causes: ";
    std::string why;
    if (calls == 0)
      why = "the changed code is not reached at these bounds (no overridden function was called: grow --tasks, "
            "--cpus, --user-dsqs or widen --policy/--env)";
    else if (differs == 0)
      why = "the changed code ran " + std::to_string(calls) + " times and always did what linux-7.3.4's does: the "
            "case it changes is not reached at these bounds, or a model step is coarser than the kernel's access "
            "(the model runs the changed lines inside one atomic step, so the interleaving they matter for does "
            "not exist at this granularity)";
    else {
      bool same_verdicts = true;
      for (size_t i = 0; i < v.res.invariants.size() && i < base.res.invariants.size(); ++i)
        same_verdicts &= v.res.invariants[i].status == base.res.invariants[i].status;
      why = std::to_string(differs) + " calls did something else, yet the states are the same: the change "
            "alters the events of steps (what the invariants and the behaviour diff see), not the states" +
            std::string(same_verdicts ? "; here no invariant tells them apart: the effect is invisible to every "
                                        "invariant"
                                      : "");
    }
    out << why << "\n";
    j["likely_cause"] = why;
  }
  return j;
}

}  // namespace

int reviewMain(const std::vector<std::string>& args) {
  Options o;
  const int pr = parse(args, &o);
  if (pr >= 0) return pr;

  // A bad output path fails before the search (support/atomic_file.hpp).
  if (o.json_set)
    if (const std::string e = support::checkWritable(o.json_path); !e.empty()) return usage("--json: " + e);

  // A variant is compared with the base made with the variant's own
  // configuration: its factory may switch on the slices the functions it
  // changes run in (the lifecycle, a sub-scheduler, the NMI, kicks, balance
  // callbacks, runnable class switches), and "held before" must be decided
  // with the same behaviours.  One base column per distinct configuration,
  // labelled with the slice options it adds.  (Proxy execution, which some
  // variants imply, has no 7.3.4 counterpart: their base does not get it.)
  std::vector<Checked> models;
  auto add = [&](const std::string& name, const Config& cfg, bool base) {
    Checked c;
    c.name = name;
    c.label = name + (base ? sliceLabel(cfg, o.cfg) : "");
    c.cfg = cfg;
    c.base_cfg = cfg;  // a variant's: set by the caller
    c.base = base;
    for (const auto& v : variants())
      if (v.name == name) c.info = v;
    if (base) {
      c.model = makeModel(name, cfg);
    } else {
      c.cov = std::make_shared<HookCoverage>();
      c.model = makeProbedModel(name, cfg, c.cov);
    }
    models.push_back(std::move(c));
  };
  auto baseConfigOf = [&](const std::string& variant) {
    Config c = makeModel(variant, o.cfg)->config();
    c.proxy = o.cfg.proxy;
    return c;
  };
  // the base model with configuration `cfg`, added on first use
  auto baseFor = [&](const Config& cfg) {
    for (size_t m = 0; m < models.size(); ++m)
      if (models[m].base && models[m].cfg == cfg) return m;
    add(o.base, cfg, true);
    return models.size() - 1;
  };
  baseFor(o.cfg);
  for (const std::string& name : o.variants) baseFor(baseConfigOf(name));
  for (const std::string& name : o.variants) {
    const size_t bm = baseFor(baseConfigOf(name));
    add(name, o.cfg, false);
    const size_t m = models.size() - 1;
    models[m].base_cfg = models[bm].cfg;
    size_t cmp = bm;
    if (o.chain && !models[m - 1].base && models[m - 1].base_cfg == models[m].base_cfg) cmp = m - 1;
    models[m].cmp = cmp;
  }
  // The base cache (base_cache.hpp): only for linux-7.3.4, whose code is
  // all in the fingerprinted sources (a variant base has its own files).
  std::string selected_ids;
  {
    InvariantList invs;
    std::string err;
    selectInvariants(o.invariants, &invs, &err);
    for (const auto& inv : invs) selected_ids += std::string(selected_ids.empty() ? "" : ",") + inv->id();
  }
  std::vector<std::string> cache_notes;
  for (Checked& c : models) {
    const bool cacheable = c.base && c.name == "linux-7.3.4" && !o.base_cache_dir.empty() && baseCacheable(o.lim);
    const std::string key = cacheable ? baseCacheKey(*c.model, selected_ids, o.lim) : "";
    if (cacheable) {
      std::string note;
      if (loadBaseResult(o.base_cache_dir, key, &c.res, &note)) {
        c.res.limits = o.lim;
        c.cached = baseCachePath(o.base_cache_dir, key);
        continue;
      }
      if (!note.empty()) cache_notes.push_back(note);
    }
    InvariantList invs;
    std::string err;
    selectInvariants(o.invariants, &invs, &err);
    Checker checker(*c.model, std::move(invs), o.lim);
    const std::string name = c.name;
    const Config cfg = c.cfg;
    const std::shared_ptr<HookCoverage> cov = c.cov;
    checker.setWorkerFactory([name, cfg, cov] { return cov ? makeProbedModel(name, cfg, cov) : makeModel(name, cfg); });
    c.res = checker.run();
    if (cov) c.coverage = snapshot(*cov);
    if (cacheable && baseStorable(c.res))
      if (const std::string e = storeBaseResult(o.base_cache_dir, key, c.res); !e.empty())
        cache_notes.push_back("not stored: " + e);
  }
  const Checked& base0 = models[0];
  Limits rung_lim = o.lim;
  rung_lim.time_limit_s = o.ladder_time_s;  // only time and memory bound a rung (as in `check`)
  rung_lim.max_depth = 0;
  rung_lim.max_states = 0;
  // one ladder per base configuration
  std::vector<std::unique_ptr<Ladder>> ladders(models.size());
  for (size_t m = 0; m < models.size(); ++m)
    if (models[m].base) {
      ladders[m] = std::make_unique<Ladder>(models[m].cfg, o.invariants, rung_lim);
      ladders[m]->setBaseCache(o.base_cache_dir);
    }
  auto ladderOf = [&](size_t m) -> Ladder& {
    for (size_t b = 0; b < models.size(); ++b)
      if (models[b].base && models[b].cfg == models[m].base_cfg) return *ladders[b];
    return *ladders[0];  // not reached: every variant's base was added above
  };
  auto ladderSeconds = [&] {
    double t = 0;
    for (const auto& l : ladders)
      if (l) t += l->seconds();
    return t;
  };

  // The verdict on invariant `id` for model `vm` compared with model `bm`:
  // on the requested configuration, else on the first ladder rung where one
  // of them holds it (exhaustively) and the other violates it.
  struct Verdict {
    enum Kind { Same, Broken, Fixed, Open } kind = Same;
    int rung = -1;  // -1: the requested configuration
    LiftedCounterexample lifted;  // a rung's counterexample, replayed on the requested configuration
    std::string unlifted;         // rungs whose counterexample did not lift, and why
  };
  auto statusOf = [](const CheckResult& r, const std::string& id) { return find(r, id)->status; };
  auto decide = [&](size_t vm, size_t bm, const std::string& id) -> Verdict {
    const Status vs = statusOf(models[vm].res, id), bs = statusOf(models[bm].res, id);
    if (vs == Status::Violated && bs == Status::Holds) return {Verdict::Broken, -1, {}, {}};
    if (vs == Status::Holds && bs == Status::Violated) return {Verdict::Fixed, -1, {}, {}};
    if (vs != Status::Incomplete && bs != Status::Incomplete) return {Verdict::Same, -1, {}, {}};
    Ladder& ladder = ladderOf(vm);
    Verdict out{Verdict::Open, -1, {}, {}};
    // A rung decides only with its counterexample replayed on the requested
    // configuration (rung_lift.hpp).
    auto lifts = [&](size_t r, size_t who, const CheckResult& res, Verdict::Kind kind) {
      LiftedCounterexample l =
          liftCounterexample(ladder.model(r, models[who].name), find(res, id)->cex, *models[who].model, o.invariants, id);
      if (!l.ok) {
        out.unlifted += (out.unlifted.empty() ? "" : "; ") + rungName(ladder.config(r)) + ": " + l.error;
        return false;
      }
      out = {kind, static_cast<int>(r), std::move(l), out.unlifted};
      return true;
    };
    if (o.ladder && id != "deadlock")
      for (size_t r = 0; r < ladder.size(); ++r) {
        const CheckResult* rb = ladder.result(r, models[bm].name);
        const CheckResult* rv = rb ? ladder.result(r, models[vm].name) : nullptr;
        if (!rv) continue;
        Status a = statusOf(*rv, id), b = statusOf(*rb, id);
        // one side violates it and the other stopped at its time limit:
        // give that one --retry-time on this rung (it may hold)
        if (a == Status::Violated && b == Status::Incomplete) {
          rb = ladder.retry(r, models[bm].name, o.retry_time_s);
          b = statusOf(*rb, id);
        } else if (b == Status::Violated && a == Status::Incomplete) {
          rv = ladder.retry(r, models[vm].name, o.retry_time_s);
          a = statusOf(*rv, id);
        }
        if (a == Status::Violated && b == Status::Holds && lifts(r, vm, *rv, Verdict::Broken)) return out;
        if (a == Status::Holds && b == Status::Violated && lifts(r, bm, *rb, Verdict::Fixed)) return out;
      }
    return out;
  };
  auto where = [&](size_t m, int rung) {
    return rung < 0 ? std::string() : "@" + rungName(ladderOf(m).config(rung));
  };

  std::ostream& out = std::cout;
  out << "scxmc review: base " << base0.name << (o.chain ? " (chain: each variant against the one before)" : "") << ", " << o.cfg.describe()
      ;
  {
    std::string more;
    for (size_t m = 1; m < models.size(); ++m)
      if (models[m].base) more += (more.empty() ? "" : ", ") + models[m].label;
    if (!more.empty()) out << " (and " << more << " for the variants that imply their slices)";
  }
  out << "\n\n";

  // ---- the verdicts, then the matrix --------------------------------------------
  std::vector<std::string> ids;
  for (const auto& i : base0.res.invariants) ids.push_back(i.id);
  std::vector<std::map<std::string, Verdict>> verdicts(models.size());
  for (size_t m = 1; m < models.size(); ++m)
    if (!models[m].base)
      for (const std::string& id : ids) verdicts[m][id] = decide(m, models[m].cmp, id);

  size_t w = 18;
  for (const auto& c : models) w = std::max(w, c.label.size() + 2);
  w = std::max<size_t>(w, 24);
  out << std::left << std::setw(18) << "invariant";
  for (const auto& c : models) out << std::setw(static_cast<int>(w)) << c.label;
  out << "\n";
  bool newly_broken_any = false, undetermined_any = false;
  nlohmann::json matrix = nlohmann::json::object();
  for (const std::string& id : ids) {
    out << std::setw(18) << id;
    for (size_t m = 0; m < models.size(); ++m) {
      const Status s = find(models[m].res, id)->status;
      std::string cell = statusName(s);
      if (!models[m].base) {
        const Verdict& v = verdicts[m][id];
        if (v.kind == Verdict::Broken) cell = "VIOLATED (new" + where(m, v.rung) + ")";
        else if (v.kind == Verdict::Fixed) cell = "holds (fixed" + where(m, v.rung) + ")";
        else if (s == Status::Violated) cell = "violated";
      }
      out << std::setw(static_cast<int>(w)) << cell;
      matrix[id][models[m].label] = statusName(s);
    }
    out << "\n";
  }
  out << std::right;
  for (const auto& c : models) {
    const Stats& s = c.res.stats;
    out << "  " << c.label << ": " << s.states << " states, " << std::fixed << std::setprecision(2) << s.seconds
        << " s" << std::defaultfloat;
    if (!c.res.complete) {
      out << ", INCOMPLETE: " << c.res.incomplete_reason;
      undetermined_any = true;
    }
    if (!c.cached.empty()) out << " when searched; from the base cache " << c.cached << " (--no-base-cache searches again)";
    out << "\n";
  }
  for (const std::string& n : cache_notes) out << "  base cache: " << n << "\n";
  // What the ladder established, per model (only the rungs it needed).
  nlohmann::json jladder = nlohmann::json::object();
  if (o.ladder && ladderSeconds() > 0) {
    out << "\n  smaller configurations checked (tasks x CPUs x user DSQs; " << std::fixed << std::setprecision(1)
        << ladderSeconds() << " s" << std::defaultfloat << "):\n";
    for (size_t m = 0; m < models.size(); ++m) {
      const Checked& c = models[m];
      Ladder& ladder = ladderOf(m);
      std::string line;
      for (size_t r = 0; r < ladder.size(); ++r) {
        const CheckResult* res = ladder.peek(r, c.name);
        if (!res) continue;
        std::string v = res->any_violated() ? "violated" : res->complete ? "holds" : "incomplete";
        if (res->any_violated()) {
          std::string which;
          for (const auto& i : res->invariants)
            if (i.status == Status::Violated) which += (which.empty() ? "" : ",") + i.id;
          v += " " + which;
        }
        const bool cached = ladder.cached(r, c.name);
        line += (line.empty() ? "" : ", ") + rungName(ladder.config(r)) + " " + v + (cached ? " (base cache)" : "");
        jladder[c.label][rungName(ladder.config(r))] = {{"complete", res->complete},
                                                       {"states", res->stats.states},
                                                       {"seconds", res->stats.seconds},
                                                       {"verdict", v},
                                                       {"from_base_cache", cached}};
      }
      if (!line.empty()) out << "    " << c.label << ": " << line << "\n";
    }
  }

  nlohmann::json jvariants = nlohmann::json::array();
  for (size_t m = 1; m < models.size(); ++m) {
    if (models[m].base) continue;
    Checked& v = models[m];
    const size_t bm = v.cmp;
    Checked& base = models[bm];
    Ladder& ladder = ladderOf(m);
    nlohmann::json jv;
    jv["name"] = v.name;
    jv["compared_with"] = base.label;
    jv["what"] = v.info.what;
    jv["touches"] = v.info.touches;
    nlohmann::json broken = nlohmann::json::array(), fixed = nlohmann::json::array(),
                   undetermined = nlohmann::json::array(), both = nlohmann::json::array(),
                   decided_on = nlohmann::json::object(), lifted = nlohmann::json::object();
    out << "\n== " << v.name << " (against " << base.label << "): " << v.info.what
        << "\n   touches: " << v.info.touches << "\n";
    jv["coverage"] = coverageReport(out, v, base, o.chain);
    for (const std::string& id : ids) {
      const InvariantResult& bi = *find(base.res, id);
      const InvariantResult& vi = *find(v.res, id);
      const Verdict& vd = verdicts[m][id];
      if (vd.rung >= 0) {
        const std::string rn = rungName(ladder.config(vd.rung));
        decided_on[id] = rn;
        const CheckResult& holder = *ladder.peek(vd.rung, vd.kind == Verdict::Broken ? base.name : v.name);
        out << "\n   (decided on " << rn << ": " << (vd.kind == Verdict::Broken ? base.label : v.name) << " holds "
            << id << " there exhaustively, " << holder.stats.states << " states; the requested configuration is "
            << "not exhausted)";
      }
      // The counterexample to show: the requested configuration's (shortest
      // there) when it has one, else the rung's, replayed on the requested
      // configuration.
      auto show = [&](const Checked& who, const InvariantResult& at_top, const std::string& what) {
        if (at_top.status == Status::Violated || vd.rung < 0) {
          out << what << " (" << at_top.cex.steps.size() << " steps): " << at_top.message << "\n";
          printCounterexample(out, *who.model, at_top.cex, o.trace_all);
          return;
        }
        const std::string rn = rungName(ladder.config(vd.rung));
        const size_t rung_steps = find(*ladder.peek(vd.rung, who.name), id)->cex.steps.size();
        out << what << " (" << vd.lifted.cex.steps.size() << " steps: the " << rn << " counterexample of "
            << rung_steps << " steps replayed on " << rungName(who.model->config())
            << (vd.lifted.inserted ? " with " + std::to_string(vd.lifted.inserted) + " helper visits of the extra tasks"
                                   : std::string())
            << "): " << vd.lifted.message << "\n";
        printCounterexample(out, *who.model, vd.lifted.cex, o.trace_all);
        lifted[id] = {{"rung", rn},
                      {"rung_steps", rung_steps},
                      {"inserted_helper_steps", vd.lifted.inserted},
                      {"message", vd.lifted.message},
                      {"trace", traceJson(*who.model, vd.lifted.cex)}};
      };
      if (vd.kind == Verdict::Broken) {
        newly_broken_any = true;
        broken.push_back(id);
        show(v, vi, "\n   newly breaks " + id);
      } else if (vd.kind == Verdict::Fixed) {
        fixed.push_back(id);
        show(base, bi, "\n   newly fixes " + id + "; the base's counterexample");
      } else if (vi.status == Status::Violated && bi.status == Status::Violated) {
        const std::string why = reproduce(*v.model, o.invariants, id, bi.cex);
        out << "\n   still violates " << id << "; the base's counterexample "
            << (why.empty() ? "reproduces here" : "does not reproduce here (" + why + ")") << "\n";
        both.push_back({{"id", id}, {"base_counterexample_reproduces", why.empty()}, {"why_not", why}});
      } else if (vi.status != bi.status) {
        // one of them is incomplete: no verdict
        undetermined_any = true;
        out << "\n   " << id << ": no verdict (" << v.name << " " << statusName(vi.status) << ", " << base.name
            << " " << statusName(bi.status) << ")";
        nlohmann::json ju = {{"id", id}};
        if (!vd.unlifted.empty()) {
          out << " (a rung's counterexample did not replay on the requested configuration: " << vd.unlifted << ")";
          ju["not_lifted"] = vd.unlifted;
        }
        // Still show the violation that was found, and whether its trace
        // violates the other model too (if not, at least this trace is new).
        const bool in_variant = vi.status == Status::Violated;
        if (in_variant || bi.status == Status::Violated) {
          const InvariantResult& found = in_variant ? vi : bi;
          ExtCore& other = in_variant ? *base.model : *v.model;
          const std::string why = reproduce(other, o.invariants, id, found.cex);
          out << "; " << (in_variant ? v.name : base.name) << "'s counterexample "
              << (why.empty() ? "violates " + id + " in " + other.name() + " too"
                              : "does not violate it in " + std::string(other.name()) + " (" + why + ")")
              << " (" << found.cex.steps.size() << " steps): " << found.message << "\n";
          printCounterexample(out, in_variant ? *v.model : *base.model, found.cex, o.trace_all);
          ju["violated_in"] = in_variant ? v.name : base.name;
          ju["reproduces_in_other"] = why.empty();
        } else {
          out << "\n";
        }
        undetermined.push_back(ju);
      }
    }
    jv["newly_broken"] = broken;
    jv["newly_fixed"] = fixed;
    jv["undetermined"] = undetermined;
    jv["violated_by_both"] = both;
    jv["decided_on"] = decided_on;
    jv["lifted_counterexamples"] = lifted;

    if (o.blim.length > 0) {
      // On the requested configuration first; when the checks did not
      // exhaust it (its diff rarely completes then), only for --ladder-time,
      // and then on the largest rung where both checks were exhaustive.
      BehaviourLimits top_lim = o.blim;
      if (o.ladder && !(v.res.complete && base.res.complete) &&
          (top_lim.time_limit_s <= 0 || top_lim.time_limit_s > o.ladder_time_s))
        top_lim.time_limit_s = o.ladder_time_s;
      BehaviourDiff d = behaviourDiffGrowing(*v.model, *base.model, top_lim);
      ExtCore* dv = v.model.get();
      ExtCore* db = base.model.get();
      for (size_t r = ladder.size(); !d.complete && o.ladder && r-- > 0;) {
        const CheckResult* rv = ladder.peek(r, v.name);
        const CheckResult* rb = ladder.peek(r, base.name);
        if (!rv || !rb || !rv->complete || !rb->complete) continue;
        BehaviourDiff dr = behaviourDiffGrowing(ladder.model(r, v.name), ladder.model(r, base.name), o.blim);
        if (!dr.complete) continue;
        out << "\n   (behaviour diff on " << rungName(ladder.config(r)) << ": on the requested configuration "
            << d.incomplete_reason << ")";
        d = std::move(dr);
        dv = &ladder.model(r, v.name);
        db = &ladder.model(r, base.name);
      }
      nlohmann::json jd;
      jd["length"] = d.length;
      jd["lengths_compared"] = d.lengths;
      jd["cap"] = o.blim.length;
      if (!d.growth_stopped.empty()) jd["growth_stopped"] = d.growth_stopped;
      jd["complete"] = d.complete;
      jd["configuration"] = rungName(dv->config());
      std::string grown;
      if (d.lengths.size() > 1) {
        grown = ", grown ";
        for (size_t i = 0; i < d.lengths.size(); ++i) grown += (i ? " -> " : "") + std::to_string(d.lengths[i]);
      }
      out << "\n   behaviour diff (a task's ops callbacks, sequences up to " << d.length << grown << "; cap "
          << o.blim.length << "): ";
      if (!d.complete) {
        undetermined_any = true;
        jd["incomplete_reason"] = d.incomplete_reason;
        out << "INCOMPLETE: " << d.incomplete_reason << " (nothing is claimed)\n";
      } else {
        out << d.only_a.size() << " only in " << v.name << ", " << d.only_b.size() << " only in " << base.name
            << " (" << d.sequences_a << " and " << d.sequences_b << " sequences)\n";
        if (!d.growth_stopped.empty())
          out << "   (no difference up to length " << d.length << "; " << d.growth_stopped << ")\n";
        auto side = [&](const std::vector<BehaviourExample>& xs, const ExtCore& mdl) {
          nlohmann::json arr = nlohmann::json::array();
          for (const BehaviourExample& x : xs) {
            nlohmann::json seq = nlohmann::json::array();
            for (Callback c : x.seq) seq.push_back(callbackName(c));
            arr.push_back({{"sequence", seq}, {"example", traceJson(mdl, x.trace)}});
          }
          return arr;
        };
        jd["only_in_variant"] = side(d.only_a, *dv);
        jd["only_in_base"] = side(d.only_b, *db);
        // The text: the shortest differences first (both sides), each once
        // (one that only adds callbacks in front of another listed difference
        // is not printed), within about a screenful; the rest is in --json.
        struct Shown {
          const BehaviourExample* x;
          const ExtCore* m;
          const std::string* who;
        };
        std::vector<Shown> items;
        for (const BehaviourExample& x : d.only_a)
          if (!extendsAnother(x, d.only_a)) items.push_back({&x, dv, &v.name});
        for (const BehaviourExample& x : d.only_b)
          if (!extendsAnother(x, d.only_b)) items.push_back({&x, db, &base.name});
        std::stable_sort(items.begin(), items.end(),
                         [](const Shown& p, const Shown& q) { return p.x->seq.size() < q.x->seq.size(); });
        constexpr int kScreen = 40;
        int used = 0;
        size_t shown = 0;
        for (const Shown& it : items) {
          std::ostringstream block;
          block << "\n   only in " << *it.who << ": " << seqName(it.x->seq) << "\n";
          printCounterexample(block, *it.m, it.x->trace, o.trace_all);
          std::string text = block.str();
          const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
          if (shown > 0 && used + lines > kScreen) break;
          if (lines > kScreen) {  // the first one alone: cut its trace
            size_t at = 0;
            for (int l = 0; l < kScreen && at != std::string::npos; ++l) at = text.find('\n', at + 1);
            if (at != std::string::npos) text = text.substr(0, at + 1) + "   ... (trace cut; all of it is in --json)\n";
          }
          out << text;
          used += lines;
          ++shown;
        }
        const size_t total = d.only_a.size() + d.only_b.size();
        if (shown < total)
          out << "\n   (" << total - shown << " more differences not shown, longer or differing from a shown one "
              << "only by callbacks in front; every one with a shortest trace is in --json)\n";
        jd["shown_in_text"] = shown;
      }
      jd["sequences_variant"] = d.sequences_a;
      jd["sequences_base"] = d.sequences_b;
      jv["behaviour_diff"] = jd;
    }
    jvariants.push_back(jv);
  }

  // SIGINT/SIGTERM: whatever was decided before it stands; nothing else is claimed
  if (support::interrupted()) out << "\nINCOMPLETE: " << support::interruptedReason() << "\n";
  const int code = newly_broken_any ? kViolation : undetermined_any || support::interrupted() ? kIncomplete : kOk;
  out << "\nverdict: "
      << (code == kViolation ? "a variant newly breaks an invariant"
                             : code == kIncomplete ? "INCOMPLETE (a limit prevents a verdict)" : "no invariant newly broken")
      << "\n";
  if (o.json_set) {
    nlohmann::json j;
    j["tool"] = "scxmc";
    j["verb"] = "review";
    j["format"] = 1;
    j["base"] = base0.name;
    j["chain"] = o.chain;
    j["config"] = configJson(o.cfg, base0.name);
    j["invariants"] = ids;
    j["matrix"] = matrix;
    j["ladder"] = jladder;
    nlohmann::json jm = nlohmann::json::array();
    for (const auto& c : models) {
      jm.push_back({{"name", c.name}, {"label", c.label}, {"check", resultJson(*c.model, c.res)}});
      if (!c.cached.empty()) jm.back()["from_base_cache"] = c.cached;
    }
    j["models"] = jm;
    j["variants"] = jvariants;
    j["exit"] = code;
    j["complete"] = code != kIncomplete;  // false: a limit or a signal left something undecided
    if (support::interrupted()) j["incomplete_reason"] = support::interruptedReason();
    if (const std::string e = support::writeFileAtomic(o.json_path, j.dump(2) + "\n"); !e.empty()) {
      std::cerr << "scxmc: review: --json: " << e << "\n";
      return kUsage;
    }
  }
  return code;
}

}  // namespace scxmc
