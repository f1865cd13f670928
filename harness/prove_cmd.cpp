#include "prove_cmd.hpp"

#include <cstdio>
#include <fstream>
#include <tuple>
#include <iostream>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "interrupt.hpp"
#include "parse.hpp"
#include "checker.hpp"
#include "cti_reach.hpp"
#include "replay.hpp"
#include "report.hpp"
#include "theorems.hpp"
#include "variants.hpp"

using namespace scxmc;
using namespace scxmc::proofs;

namespace {

const char* kHelp =
    "usage: scxmc prove [--variant NAME] [--theorem ID] [--json FILE] [--timeout-ms N]\n"
    "\n"
    "Proves custody, deq-flags, opss and dsq for any number of tasks, CPUs and DSQs with Z3\n"
    "(proofs/README.md).  Per theorem: proved / failed / unknown with its time.  A failure shows\n"
    "the counterexample to induction (a state satisfying the strengthening and a step from it),\n"
    "then searches the explicit checker's reachable states at 1-2 tasks x 1-2 CPUs x 1 DSQ for\n"
    "the CTI's pre-state (CTI reachable: the path and the violating step, replayed) and, as\n"
    "second evidence, for a violation of the same invariant.  A replayed violation = a real bug\n"
    "(exit 1); none = a too-weak invariant (exit 3).\n"
    "\n"
    "  --variant NAME   model variant with a symbolic encoding (default linux-7.3.4)\n"
    "  --theorem ID     custody, deq-flags, opss or dsq (default all)\n"
    "  --json FILE      write the results as JSON\n"
    "  --timeout-ms N   per unbounded solver query (default 10000; on a timeout\n                   a counterexample is searched in finite universes)\n"
    "exit status: 0 all proved, 1 failed with a reachable counterexample, 2 bad usage,\n"
    "3 unknown or a too-weak invariant\n";

struct Reach {
  bool searched = false;
  bool found = false;
  std::string where;
  std::string message;
  bool replayed = false;
};

// A violation of `inv` reachable in the executable model at small bounds.
Reach searchViolation(const std::string& variant, const std::string& inv) {
  Reach r;
  r.searched = true;
  for (const auto& [t, c, d] : std::vector<std::tuple<int, int, int>>{{1, 1, 1}, {1, 2, 1}, {2, 1, 1}, {2, 2, 1}}) {
    Config cfg;
    cfg.tasks = t;
    cfg.cpus = c;
    cfg.user_dsqs = d;
    auto m = makeModel(variant, cfg);
    if (!m) return r;
    InvariantList l;
    std::string err;
    if (!selectInvariants(inv, &l, &err)) return r;
    Limits lim;
    lim.stop_at_first = true;
    lim.time_limit_s = 60;
    lim.max_memory_mib = 2048;
    Checker ch(*m, std::move(l), lim);
    const CheckResult res = ch.run();
    for (const auto& ir : res.invariants)
      if (ir.id == inv && ir.status == Status::Violated) {
        r.found = true;
        r.where = std::to_string(t) + " task(s) x " + std::to_string(c) + " CPU(s) x " + std::to_string(d) +
                  " user DSQ(s), " + std::to_string(ir.cex.steps.size()) + " steps";
        r.message = ir.message;
        r.replayed = replayCounterexample(nlohmann::json::parse(resultJson(*m, res).dump()), inv, nullptr).confirmed;
        return r;
      }
  }
  return r;
}

}  // namespace

int cmdProve(const std::vector<std::string>& args) {
  std::string variant = "linux-7.3.4", only, json;
  ProveOptions opt;
  bool json_set = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto val = [&](std::string* v) {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::cout << kHelp;
      return 0;
    } else if (a == "--variant") {
      if (!val(&variant)) { std::cerr << "scxmc: --variant needs a value\n"; return 2; }
    } else if (a == "--theorem") {
      if (!val(&only)) { std::cerr << "scxmc: --theorem needs a value\n"; return 2; }
    } else if (a == "--json") {
      if (!val(&json)) { std::cerr << "scxmc: --json needs a value\n"; return 2; }
      json_set = true;
    } else if (a == "--timeout-ms") {
      long long ms;
      if (!val(&v) || !support::parseStrictInt(v, 1, 86400000, &ms)) {
        std::cerr << "scxmc: --timeout-ms expects an integer in 1..86400000, got '" << v << "'\n";
        return 2;
      }
      opt.timeout_ms = static_cast<unsigned>(ms);
    } else {
      std::cerr << "scxmc: prove: unknown option '" << a << "'\n(see 'scxmc prove --help')\n";
      return 2;
    }
  }
  auto sym = makeSymModel(variant);
  if (!sym) {
    std::string known;
    for (const auto& n : symVariants()) known += (known.empty() ? "" : ", ") + n;
    std::cerr << "scxmc: prove: no symbolic encoding for variant '" << variant << "' (have: " << known << ")\n";
    return 2;
  }
  bool matched = false;
  for (const Theorem& th : theorems()) matched = matched || only.empty() || th.id == only;
  if (!matched) {
    std::cerr << "scxmc: --theorem: unknown theorem '" << only << "' (custody, deq-flags, opss, dsq)\n";
    return 2;
  }
  // A bad output path fails before the proofs (support/atomic_file.hpp).
  if (json_set)
    if (const std::string e = support::checkWritable(json); !e.empty()) {
      std::cerr << "scxmc: prove: --json: " << e << "\n";
      return 2;
    }
  nlohmann::json out = nlohmann::json::array();
  int exit_code = 0;
  std::cout << "variant " << variant << ": proofs for any number of tasks, CPUs and DSQs\n";
  bool stopped = false;
  for (const Theorem& th : theorems()) {
    if (!only.empty() && th.id != only) continue;
    if (support::interrupted()) {  // SIGINT/SIGTERM: the rest is not attempted
      stopped = true;
      break;
    }
    const TheoremResult r = prove(*sym, th, opt);
    std::printf("%-10s %-8s %6.1fs  (%d solver queries)\n", th.id.c_str(), verdictName(r.verdict), r.seconds,
                r.queries);
    nlohmann::json j = {{"id", th.id}, {"verdict", verdictName(r.verdict)}, {"seconds", r.seconds},
                        {"statement", th.statement}, {"assumptions", th.assumptions}, {"message", r.message}};
    if (r.verdict != proofs::Verdict::Proved) std::cout << "  " << r.message << "\n";
    if (r.verdict == proofs::Verdict::Failed) {
      std::cout << "  counterexample to induction (" << r.cti.tasks << " tasks, " << r.cti.cpus << " CPUs, "
                << r.cti.dsqs << " DSQs):\n  fails: " << r.cti.failed << "\n  step:  " << r.cti.step
                << " [" << r.cti.site << "]\n  state before:\n" << r.cti.pre << "  state after:\n" << r.cti.post;
      // first evidence: is the CTI itself reachable?
      const std::vector<Conjunct>& inv = strengthening();
      const CtiReach cr = searchCti(variant, *sym, th.id, r.cti, inv);
      if (cr.found) {
        std::cout << "  CTI reachable (" << cr.where << "): " << cr.step << "\n";
        if (cr.violation) {
          std::cout << "  CTI reachable (real bug): its step violates " << th.id << ": " << cr.violation_message
                    << "\n  counterexample (" << (cr.violation_replayed ? "replays" : "DOES NOT REPLAY") << "):\n"
                    << cr.path;
        } else {
          std::cout << "  path to the pre-state (" << (cr.path_replayed ? "replays" : "DOES NOT REPLAY")
                    << "):\n" << cr.path
                    << "  its step violates no " << th.id << " there: the strengthening is not an invariant of "
                    << variant << "\n";
        }
      } else if (cr.searched) {
        std::cout << "  CTI not reachable at these bounds (" << cr.bounds
                  << "): the strengthening is too weak (or the CTI needs more tasks/CPUs)\n";
      } else {
        std::cout << "  CTI not searched: " << cr.why << "\n";
      }
      // second evidence: a violation of the same invariant anywhere
      const Reach re = searchViolation(variant, th.id);
      if (re.found) {
        std::cout << "  the explicit checker finds a violation of " << th.id << " at " << re.where << " ("
                  << (re.replayed ? "replays" : "DOES NOT REPLAY") << "):\n    " << re.message << "\n";
      } else {
        std::cout << "  the explicit checker finds no violation of " << th.id << " at 1-2 tasks x 1-2 CPUs\n";
      }
      const int code = failedTheoremExit(cr, re.found && re.replayed);
      std::cout << (code == 1  ? "  -> a real bug\n"
                    : cr.found ? "  -> the proof is incomplete (the strengthening does not hold for this variant, "
                                 "but no violation of " + th.id + " was found)\n"
                               : "  -> the proof is incomplete (a too-weak invariant)\n");
      if (code == 1 && (exit_code == 0 || exit_code == 3)) exit_code = 1;
      if (code == 3 && exit_code == 0) exit_code = 3;
      j["cti"] = {{"action", r.cti.action}, {"site", r.cti.site}, {"fails", r.cti.failed}, {"step", r.cti.step},
                  {"pre", r.cti.pre}, {"post", r.cti.post}};
      j["cti_reachable"] = cr.found;
      j["cti_search"] = {{"bounds", cr.bounds}, {"complete", cr.complete}, {"where", cr.where},
                         {"step", cr.step}, {"path_replayed", cr.path_replayed}, {"violation", cr.violation},
                         {"violation_replayed", cr.violation_replayed}, {"message", cr.violation_message}};
      j["reachable"] = code == 1;
      j["explicit"] = {{"where", re.where}, {"message", re.message}, {"replayed", re.replayed}};
    } else if (r.verdict == proofs::Verdict::Unknown && exit_code == 0) {
      exit_code = 3;
    }
    out.push_back(j);
  }
  if (support::interrupted()) stopped = true;
  if (stopped) {
    std::cout << "INCOMPLETE: " << support::interruptedReason() << " (the theorems not listed were not attempted)\n";
    if (exit_code != 1) exit_code = 3;
  }
  if (json_set)
    if (const std::string e = support::writeFileAtomic(
            json, nlohmann::json{{"complete", !stopped}, {"theorems", out}}.dump(2) + "\n");
        !e.empty()) {
      std::cerr << "scxmc: prove: --json: " << e << "\n";
      return 2;
    }
  return exit_code;
}
