// scxmc validate TRACE... : the command behind the verb (harness/cli.cpp
// calls validateMain).  Exit 0: at least 99.9% of the events accepted and
// every disagreement is a documented known one; 1 otherwise; 2 bad usage or
// input (the trace reader names the byte offset and field).
#include "validate_cli.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "interrupt.hpp"
#include "lifecycle_check.hpp"
#include "sub_session.hpp"
#include "memory.hpp"
#include "parse.hpp"
#include "validator.hpp"

namespace scxmc::validate {

namespace {

const char* kHelp =
    "usage: scxmc validate TRACE... [--json FILE] [--max-disagreements N] [--policy SPEC]\n"
    "                      [--min-accept PCT] [--max-memory MIB] [--time-limit SEC] [--baseline]\n"
    "\n"
    "Replays each recorded trace (kernel-bindings, docs/trace-format.md) against the model:\n"
    "every task's callbacks, kfunc calls and tracepoints, in seq order, must be produced by a\n"
    "behaviour of a one-task instance of the model on the trace's CPUs (other tasks are the\n"
    "environment).  Prints events accepted / total per trace and per pid, the first\n"
    "disagreements with context and what the model allowed instead, the custody balance per\n"
    "pid, and which kernel sites the explained steps exercised and which they never did, per\n"
    "model slice.  A trace with the lifecycle probes (record.sh, trace format 2) has its bypass\n"
    "phases replayed on the --lifecycle model and gets the lifecycle check (task states,\n"
    "lifecycle callbacks, the helper's stages, no BPF decision while every CPU bypasses).\n"
    "See docs/validation.md.\n"
    "\n"
    "  --json FILE             also write the results as JSON\n"
    "  --max-disagreements N   disagreements printed per trace (default 3; all are counted)\n"
    "  --policy SPEC           restrict the model's BPF scheduler (default full)\n"
    "  --baseline              replay on the baseline model (no --lifecycle slice) and do not\n"
    "                          project the bypass phases of scx_enable/scx_disable (the replay\n"
    "                          before issue 19); default: the --lifecycle model, bypass projected\n"
    "  --min-accept PCT        acceptance threshold for exit 0 (default 99.9)\n"
    "  --max-memory MIB        stop when the resident memory exceeds MIB (default 4096; 0 = no limit)\n"
    "  --time-limit SEC        stop after SEC seconds (default 600; 0 = no limit)\n"
    "\n"
    "exit status: 0 accepted >= threshold, every disagreement is a documented known one and the\n"
    "lifecycle check (when the trace has the probes) holds,\n"
    "1 otherwise, 2 bad usage or input, 3 a limit or a signal stopped it (INCOMPLETE)\n";

int usage(const std::string& m) {
  std::cerr << "scxmc: " << m << "\nRun 'scxmc validate --help' for usage.\n";
  return 2;
}

std::string pct(uint64_t a, uint64_t n) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(3) << (n ? 100.0 * static_cast<double>(a) / static_cast<double>(n) : 100.0)
    << "%";
  return o.str();
}

nlohmann::json lifecycleJson(const LifecycleCheck& l) {
  if (!l.checked) return nullptr;
  return {{"transitions", l.transitions}, {"inferred", l.inferred}, {"callbacks", l.callbacks},
          {"cycles", l.cycles}, {"stages", l.stages}, {"bypass_windows", l.bypass_windows},
          {"bypass_records", l.bypass_records}, {"bypass_later_rounds", l.bypass_later_rounds},
          {"class_switches_to", l.class_switches_to},
          {"class_switches_from", l.class_switches_from}, {"setscheduler", l.setscheduler},
          {"forks", l.forks}, {"cancelled_forks", l.cancelled_forks}, {"deaths", l.deaths},
          {"cgroup_moves", l.cgroup_moves}, {"cgroup_inits", l.cgroup_inits}, {"cgroup_exits", l.cgroup_exits},
          {"dsq_creates", l.dsq_creates}, {"dsq_destroys", l.dsq_destroys}, {"error_exits", l.error_exits},
          {"violations", l.violations}, {"first", l.first}};
}

// Coverage per model slice: the sites on explaining steps and, for the
// lifecycle slice, the sites the recording shows running (lifecycle_check).
nlohmann::json sliceJson(const TraceResult& r, const LifecycleCheck& l) {
  nlohmann::json out = nlohmann::json::object();
  for (SiteSlice sl : {SiteSlice::Baseline, SiteSlice::Lifecycle, SiteSlice::ProxyExec, SiteSlice::SubScheds,
                        SiteSlice::BalanceCallbacks, SiteSlice::Nmi, SiteSlice::Kicks}) {
    nlohmann::json j = {{"sites", 0}, {"explained", 0}, {"observed", 0}, {"never", nlohmann::json::array()}};
    for (int i = 0; i < siteCount(); ++i) {
      if (siteSlice(static_cast<Site>(i)) != sl) continue;
      j["sites"] = j["sites"].get<int>() + 1;
      const bool ex = r.sites.test(i), ob = l.observed.test(i);
      if (ex) j["explained"] = j["explained"].get<int>() + 1;
      if (ob) j["observed"] = j["observed"].get<int>() + 1;
      if (!ex && !ob) {
        const SiteInfo& s = siteInfo(static_cast<Site>(i));
        j["never"].push_back(std::string(s.function) + ":" + std::to_string(s.line));
      }
    }
    out[sliceName(sl)] = j;
  }
  return out;
}

nlohmann::json toJson(const TraceResult& r) {
  nlohmann::json j;
  j["file"] = r.file;
  j["records"] = r.records;
  j["projected_records"] = r.projected_records;
  j["events"] = r.events;
  j["accepted"] = r.accepted;
  j["segments"] = r.segments;
  j["segments_clean"] = r.segments_clean;
  j["escalated_segments"] = r.escalated_segments;
  j["seq_gaps"] = r.seq_gaps;
  j["not_projected"] = r.skipped;
  j["known_disagreements"] = r.known_counts;
  nlohmann::json ds = nlohmann::json::array();
  for (const auto& d : r.disagreements)
    ds.push_back({{"pid", d.pid}, {"seq", d.seq}, {"position", d.pos}, {"recorded", d.recorded},
                  {"context", d.context}, {"model_allowed", d.allowed}, {"known", d.known}});
  j["disagreements"] = ds;
  nlohmann::json pp = nlohmann::json::object();
  for (const auto& [pid, v] : r.per_pid) pp[std::to_string(pid)] = {{"accepted", v.first}, {"events", v.second}};
  j["per_pid"] = pp;
  if (r.custody_checked)
    j["custody"] = {{"entries", r.custody.entries}, {"dequeues", r.custody.dequeues},
                    {"violations", r.custody.violations}, {"first", r.custody.first}};
  else
    j["custody"] = nullptr;
  nlohmann::json cov = {{"exercised", nlohmann::json::array()}, {"never", nlohmann::json::array()}};
  for (int i = 0; i < siteCount(); ++i) {
    const SiteInfo& s = siteInfo(static_cast<Site>(i));
    const std::string name = std::string(s.function) + " " + s.file + ":" + std::to_string(s.line);
    cov[r.sites.test(i) ? "exercised" : "never"].push_back(name);
  }
  j["coverage_sites"] = cov;
  nlohmann::json kinds = nlohmann::json::object();
  for (size_t k = 0; k < r.kind_seen.size(); ++k) kinds[obsName(static_cast<ObsKind>(k))] = r.kind_seen[k];
  j["recorded_observables"] = kinds;
  return j;
}

void printLifecycle(std::ostream& o, const TraceResult& r, const LifecycleCheck& l) {
  if (!l.checked) {
    o << "  lifecycle check: not checkable (no lifecycle probes: a version-1 trace or not a --lifecycle session)\n";
  } else {
    o << "  lifecycle check (recorded events vs the model's task states and helper program): " << l.transitions
      << " task state transitions (" << l.inferred << " inferred at inlined call sites), " << l.callbacks
      << " init_task/enable/disable/exit_task placed, " << l.cycles << " cycles with " << l.stages
      << " helper stages in order, " << l.bypass_windows << " all-CPU bypass windows (" << l.bypass_records
      << " records, no BPF decision but " << l.bypass_later_rounds
      << " later ops.dispatch rounds of a loop begun before); class switches to ext " << l.class_switches_to << ", from ext "
      << l.class_switches_from << ", sched_setscheduler " << l.setscheduler << ", forks " << l.forks
      << " (cancelled " << l.cancelled_forks << "), sched_ext_dead " << l.deaths << ", cgroup moves "
      << l.cgroup_moves << " (cgroup init " << l.cgroup_inits << ", exit " << l.cgroup_exits << "), create_dsq "
      << l.dsq_creates << ", destroy_dsq " << l.dsq_destroys << ", scx_bpf_error " << l.error_exits << "; "
      << l.violations << " violations" << (l.violations ? "" : " - holds") << "\n";
    for (const auto& v : l.first) o << "    " << v << "\n";
  }
  const nlohmann::json sl = sliceJson(r, l);
  o << "  coverage per slice:";
  for (const char* n : {"baseline", "lifecycle", "proxy-exec", "sub-scheds", "balance-callbacks", "nmi"}) {
    const auto& j = sl.at(n);
    o << " " << n << " " << j["explained"].get<int>() << " / " << j["sites"].get<int>() << " explained";
    if (j["observed"].get<int>()) o << " (" << j["observed"].get<int>() << " observed running)";
    o << ";";
  }
  o << "\n";
  for (const char* n : {"baseline", "lifecycle", "proxy-exec", "sub-scheds", "balance-callbacks", "nmi"}) {
    const auto& j = sl.at(n);
    if (j["never"].empty()) continue;
    o << "    " << n << " never exercised nor observed:";
    for (const auto& s : j["never"]) o << " " << s.get<std::string>();
    o << "\n";
  }
}

void print(std::ostream& o, const TraceResult& r, size_t max_d) {
  o << "trace " << r.file << ": " << r.records << " records, " << r.projected_records
    << " projected into " << r.events << " task events in " << r.segments << " segments";
  if (r.seq_gaps) o << " (" << r.seq_gaps << " seqs missing)";
  o << "\n  accepted " << r.accepted << " / " << r.events << " events (" << pct(r.accepted, r.events) << "); "
    << r.segments_clean << " / " << r.segments << " segments explained without a disagreement\n";
  if (r.escalated_segments)
    o << "  " << r.escalated_segments
      << " segment(s) replayed again with more ops.dispatch rounds per balance, which explained more\n";
  o << "  not projected (no task, or no model step):\n";
  for (const auto& [why, n] : r.skipped) o << "    " << std::setw(8) << n << "  " << why << "\n";
  o << "  recorded task events by kind:";
  for (size_t k = 0; k < r.kind_seen.size(); ++k)
    if (r.kind_seen[k]) o << " " << obsName(static_cast<ObsKind>(k)) << "=" << r.kind_seen[k];
  o << "\n";
  // per pid: the worst few and a summary
  uint64_t full = 0;
  std::vector<std::pair<double, uint32_t>> worst;
  for (const auto& [pid, v] : r.per_pid) {
    if (v.first == v.second) ++full;
    else worst.push_back({static_cast<double>(v.first) / static_cast<double>(v.second), pid});
  }
  std::sort(worst.begin(), worst.end());
  o << "  per pid: " << full << " / " << r.per_pid.size() << " pids fully accepted";
  if (!worst.empty()) {
    o << "; lowest:";
    for (size_t i = 0; i < worst.size() && i < 5; ++i) {
      const auto& v = r.per_pid.at(worst[i].second);
      o << " pid " << worst[i].second << " " << v.first << "/" << v.second;
    }
  }
  o << "\n";
  if (r.custody_checked)
    o << "  invariant custody (per pid, recorded events): " << r.custody.entries << " entries into BPF custody, "
      << r.custody.dequeues << " ended by ops.dequeue, " << r.custody.violations << " violations"
      << (r.custody.violations ? "" : " - holds") << "\n";
  else
    o << "  invariant custody: not checkable (the scheduler implements no ops.dequeue)\n";
  for (const auto& v : r.custody.first) o << "    " << v << "\n";
  if (!r.known_counts.empty()) {
    o << "  disagreements:";
    for (const auto& [k, n] : r.known_counts) o << " " << k << "=" << n;
    o << "\n";
  }
  size_t shown = 0;  // unexplained first, then known
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& d : r.disagreements) {
      if ((pass == 0) != d.known.empty() || shown >= max_d) continue;
      ++shown;
      o << "  disagreement at pid " << d.pid << " seq " << d.seq << " ("
        << (d.known.empty() ? "unexplained" : "known: " + d.known) << "): " << d.recorded << "\n";
      o << "    recorded events of pid " << d.pid << " around it:\n";
      for (const auto& c : d.context) o << "      " << c << "\n";
      o << "    the model allowed instead:\n";
      if (d.allowed.empty()) o << "      (no observable step)\n";
      for (const auto& a : d.allowed) o << "      " << a << "\n";
    }
  int ex = 0;
  std::string never;
  for (int i = 0; i < siteCount(); ++i) {
    if (r.sites.test(i)) ++ex;
    else never += std::string(never.empty() ? "" : ", ") + siteInfo(static_cast<Site>(i)).function + ":" +
                  std::to_string(siteInfo(static_cast<Site>(i)).line);
  }
  o << "  coverage: " << ex << " / " << siteCount() << " model sites on explaining steps; never exercised: "
    << (never.empty() ? "(none)" : never) << "\n";
}

}  // namespace

int validateMain(const std::vector<std::string>& args) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> files;
  std::string json_path;
  bool json_set = false;
  size_t max_d = 3;
  double min_accept = 99.9;
  long long max_memory_mib = 4096, time_limit_s = 600;
  Options opt;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto val = [&](std::string* v) {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    std::string v;
    long long n;
    if (a == "--help" || a == "-h") {
      std::cout << kHelp;
      return 0;
    } else if (a == "--json") {
      if (!val(&json_path)) return usage("--json needs a FILE");
      json_set = true;
    } else if (a == "--max-disagreements") {
      if (!val(&v)) return usage("--max-disagreements needs a number");
      if (!support::parseStrictInt(v, 0, 100000, &n)) return usage("--max-disagreements: '" + v + "' is not 0..100000");
      max_d = static_cast<size_t>(n);
    } else if (a == "--max-memory") {
      if (!val(&v)) return usage("--max-memory needs a number of MiB");
      if (!support::parseStrictInt(v, 0, 1LL << 24, &max_memory_mib))
        return usage("--max-memory: '" + v + "' is not 0..16777216");
    } else if (a == "--time-limit") {
      if (!val(&v)) return usage("--time-limit needs a number of seconds");
      if (!support::parseStrictInt(v, 0, 1LL << 30, &time_limit_s))
        return usage("--time-limit: '" + v + "' is not 0..1073741824");
    } else if (a == "--min-accept") {
      if (!val(&v)) return usage("--min-accept needs a percentage");
      if (!support::parseStrictDouble(v, 0, 100, &min_accept))
        return usage("--min-accept: '" + v + "' is not a number in 0..100");
    } else if (a == "--baseline") {
      opt.lifecycle = false;
    } else if (a == "--policy") {
      std::string err;
      if (!val(&v)) return usage("--policy needs a SPEC");
      if (!Policy::parse(v, &opt.policy, &err)) return usage("--policy: " + err);
    } else if (!a.empty() && a[0] == '-') {
      return usage("validate: unknown option '" + a + "'");
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) return usage("validate: at least one TRACE is required");
  opt.max_disagreements = std::max<size_t>(max_d, 20);

  // A bad output path fails before reading a trace (support/atomic_file.hpp).
  if (json_set)
    if (const std::string e = support::checkWritable(json_path); !e.empty()) return usage("--json: " + e);

  // The limits and SIGINT/SIGTERM, asked by the reader and the validator.
  uint64_t asked = 0;
  auto stopReason = [&]() -> std::string {
    if (support::interrupted()) return support::interruptedReason();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (time_limit_s > 0 && secs > static_cast<double>(time_limit_s))
      return "time limit of " + std::to_string(time_limit_s) + " s";
    if (max_memory_mib > 0 && (asked++ & 0xf) == 0 &&
        support::currentRssMiB() > static_cast<uint64_t>(max_memory_mib))
      return "memory limit of " + std::to_string(max_memory_mib) + " MiB";
    return "";
  };
  opt.should_stop = stopReason;
  trace::ReadOptions ropt;
  ropt.should_stop = stopReason;

  bool ok = true;
  nlohmann::json all = nlohmann::json::array();
  uint64_t acc = 0, tot = 0;
  // union over the traces: sites on explaining steps, and lifecycle sites
  // the recordings show running
  TraceResult cov_union;
  LifecycleCheck life_union;
  std::string stopped;  // why the run is incomplete, or ""
  size_t done = 0;
  auto writeJson = [&]() -> bool {
    if (!json_set) return true;
    nlohmann::json known = nlohmann::json::array();
    for (const auto& [id, s] : knownDisagreements()) known.push_back({{"id", id}, {"summary", s}});
    nlohmann::json j{{"traces", all}, {"pass", ok && stopped.empty()}, {"min_accept_percent", min_accept},
                     {"coverage_slices_union", sliceJson(cov_union, life_union)},
                     {"known_disagreements", known}, {"complete", stopped.empty()}};
    if (!stopped.empty()) j["incomplete_reason"] = stopped;
    if (const std::string e = support::writeFileAtomic(json_path, j.dump(2) + "\n"); !e.empty()) {
      std::cerr << "scxmc: validate: --json: " << e << "\n";
      return false;
    }
    return true;
  };
  try {
    // Every trace is read (streamed, header first) before any is validated,
    // so that a bad file fails at once.
    std::vector<trace::Trace> traces;
    for (const auto& f : files) {
      try {
        traces.push_back(trace::read_file(f, ropt));
      } catch (const trace::ReadStopped&) {
        throw;
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const std::exception& e) {
        std::cerr << "scxmc: validate: " << f << ": " << e.what() << "\n";
        return 2;
      }
    }
    Validator val(opt);
    for (size_t i = 0; i < files.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      if (const SubSession sub = checkSubSession(traces[i]); sub.is_sub) {
        // the sub-scheduler session: decoded, summarised and checked for
        // sub-ownership on the recorded events; the one-task replay has one
        // scheduler and does not apply (docs/validation.md)
        std::cout << "trace " << files[i] << ": " << traces[i].records.size() << " records\n";
        printSubSession(std::cout, sub);
        life_union.observed |= sub.observed;
        const bool pass = sub.violations == 0 && sub.attaches[2] > 0;
        std::cout << "  verdict: " << (pass ? "DECODED" : "FAIL")
                  << (sub.attaches[2] ? "" : " (the child never attached)") << "\n";
        ok = ok && pass;
        nlohmann::json j{{"file", files[i]}, {"records", traces[i].records.size()}, {"pass", pass},
                         {"sub_session",
                          {{"child_cgroup", sub.child_cgroup}, {"root_attaches", sub.attaches[1]},
                           {"child_attaches", sub.attaches[2]}, {"child_attach_failures", sub.attach_failures[2]},
                           {"sub_attach", sub.sub_attach}, {"sub_detach", sub.sub_detach},
                           {"sub_dispatch", sub.sub_dispatch}, {"sub_dispatch_ok", sub.sub_dispatch_ok},
                           {"root_tasks_enabled", sub.enabled_pids[1].size()},
                           {"child_tasks_enabled", sub.enabled_pids[2].size()},
                           {"moves_into_child", sub.moves_into_child}, {"moves_out_of_child", sub.moves_out_of_child},
                           {"handovers", sub.handovers}, {"violations", sub.violations}, {"first", sub.first}}}};
        all.push_back(j);
        ++done;
        continue;
      }
      TraceResult r;
      try {
        ProjectOptions po;
        po.bypass_phases = opt.lifecycle;
        r = val.run(project(traces[i], po), files[i]);
      } catch (const ValidateStopped&) {
        throw;
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const std::exception& e) {
        std::cerr << "scxmc: validate: " << e.what() << "\n";
        return 2;
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      print(std::cout, r, max_d);
      const LifecycleCheck life = checkLifecycle(project(traces[i]));
      printLifecycle(std::cout, r, life);
      cov_union.sites |= r.sites;
      life_union.observed |= life.observed;
      std::cout << "  validated in " << std::fixed << std::setprecision(1) << secs << " s\n";
      acc += r.accepted;
      tot += r.events;
      const bool unexplained = r.known_counts.count("(unexplained)");
      // a trace with no task event explains nothing: it cannot pass
      const bool pass = r.events > 0 && !unexplained && r.custody.violations == 0 && life.violations == 0 &&
                        100.0 * static_cast<double>(r.accepted) >= min_accept * static_cast<double>(r.events);
      std::cout << "  verdict: " << (pass ? "PASS" : "FAIL")
                << (r.events ? "" : " (no task event was projected from this trace)") << "\n";
      ok = ok && pass;
      auto j = toJson(r);
      j["lifecycle"] = lifecycleJson(life);
      j["coverage_slices"] = sliceJson(r, life);
      j["pass"] = pass;
      j["seconds"] = secs;
      all.push_back(j);
      ++done;
    }
  } catch (const trace::ReadStopped& e) {
    stopped = e.what();
  } catch (const ValidateStopped& e) {
    stopped = e.what();
  } catch (const std::bad_alloc&) {
    stopped = "out of memory (std::bad_alloc)";
  }
  if (!stopped.empty()) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "validated " << done << " of " << files.size() << " trace(s), accepted " << acc << " / " << tot
              << " events, " << std::fixed << std::setprecision(1) << secs << " s, memory "
              << support::currentRssMiB() << " MiB\n"
              << "INCOMPLETE: " << stopped << " (nothing is claimed about the traces not listed above)\n";
    if (!writeJson()) return 2;
    return 3;
  }
  if (files.size() > 1) {
    const nlohmann::json sl = sliceJson(cov_union, life_union);
    std::cout << "total coverage per slice (union over the traces):";
    for (const char* n : {"baseline", "lifecycle", "proxy-exec", "sub-scheds", "balance-callbacks", "nmi"}) {
      const auto& j = sl.at(n);
      const int sites = j["sites"].get<int>(), never = static_cast<int>(j["never"].size());
      std::cout << " " << n << " " << j["explained"].get<int>() << " / " << sites << " explained, " << sites - never
                << " / " << sites << " explained or observed;";
    }
    std::cout << "\n";
  }
  if (files.size() > 1)
    std::cout << "total: accepted " << acc << " / " << tot << " events (" << pct(acc, tot) << "): "
              << (ok ? "PASS" : "FAIL") << "\n";
  if (!writeJson()) return 2;
  return ok ? 0 : 1;
}

}  // namespace scxmc::validate
