#include "report.hpp"

#include <iomanip>
#include <ostream>
#include <sstream>

#include "format.hpp"

namespace scxmc {

namespace {

// Which protocol events are worth showing next to the BPF-visible ones.
bool interesting(const Event& e) {
  switch (e.kind) {
    case Ev::Site: return false;
    case Ev::Lock:
    case Ev::Unlock:
    case Ev::Wait: return false;  // shown by 'scxmc locks'
    case Ev::OnRqChange:
    case Ev::SetCpu: return true;
    default: return true;
  }
}

std::string siteChain(const StepLog& log) {
  std::string s;
  int shown = 0;
  for (const Event& e : log) {
    if (e.kind != Ev::Site) continue;
    const SiteInfo& si = siteInfo(static_cast<Site>(e.a));
    if (shown++) s += " > ";
    s += std::string(si.function) + " " + si.file + ":" + std::to_string(si.line);
  }
  return s;
}

Op stepOp(const StepLog& log) {
  for (const Event& e : log)
    if (e.op != Op::None) return e.op;
  return Op::None;
}

}  // namespace

void printCounterexample(std::ostream& o, const ExtCore& m, const Counterexample& cex, bool all_events) {
  int n = 0;
  for (const Step& st : cex.steps) {
    ++n;
    const std::string who = m.actorName(st.tr.actor);
    o << std::setw(4) << n << "  " << std::left << std::setw(6) << who << std::right << " ["
      << opName(stepOp(st.log)) << "] " << siteChain(st.log) << "\n";
    for (const Event& e : st.log) {
      if (!all_events && !interesting(e)) continue;
      bool bpf = false;
      const std::string text = describeEvent(e, &bpf);
      o << "            " << (bpf ? "BPF  " : "     ") << text << "\n";
    }
  }
  o << "  final state:\n" << describeState(m.config(), cex.final_state, &m);
}

std::string envList(uint32_t env) {
  static const std::pair<uint32_t, const char*> names[] = {{kEnvWake, "wake"},     {kEnvSleep, "sleep"},
                                                           {kEnvNice, "nice"},     {kEnvAffinity, "affinity"},
                                                           {kEnvTick, "tick"},     {kEnvOthers, "others"},
                                                           {kEnvWakelist, "wakelist"}};
  std::string s;
  for (const auto& [bit, name] : names)
    if (env & bit) s += (s.empty() ? "" : ",") + std::string(name);
  return s.empty() ? "none" : s;
}

std::string settingsLine(const Config& cfg, const Limits& l) {
  std::ostringstream o;
  auto lim = [](uint64_t v, const char* unit) { return v ? std::to_string(v) + unit : std::string("none"); };
  o << "env " << envList(cfg.env) << "; policy " << cfg.policy.name << " = " << cfg.policy.describe()
    << "; max-depth " << lim(static_cast<uint64_t>(l.max_depth), "") << ", max-states " << lim(l.max_states, "")
    << ", max-memory " << lim(l.max_memory_mib, " MiB") << ", time-limit "
    << lim(static_cast<uint64_t>(l.time_limit_s), " s") << (l.stop_at_first ? ", stop-at-first" : "")
    << (l.symmetry ? "" : ", no-symmetry") << (l.tree_store ? "" : ", no-tree-store");
  return o.str();
}

void printResult(std::ostream& o, const ExtCore& m, const CheckResult& r, bool verbose_trace, bool header) {
  const Config& cfg = m.config();
  if (header) {
    o << "scxmc check: " << m.name() << ", " << cfg.describe() << "\n";
    // every setting that shaped the search (issue 20)
    o << "  settings: " << settingsLine(cfg, r.limits) << "\n";
  }
  for (const auto& inv : r.invariants) {
    o << "  " << std::left << std::setw(18) << inv.id << std::right << (inv.vacuous ? "vacuous" : statusName(inv.status));
    if (inv.status == Status::Violated) o << ": " << inv.message;
    o << "\n";
  }
  const Stats& s = r.stats;
  const double rate = s.seconds > 0 ? s.states / s.seconds : 0;
  o << "  states " << s.states << ", transitions " << s.transitions << ", depth " << s.depth << ", "
    << std::fixed << std::setprecision(2) << s.seconds << " s, peak memory " << s.peak_rss_mib
    << " MiB, " << std::setprecision(0) << rate << " states/s, " << s.state_bytes << " bytes/state\n"
    << std::defaultfloat;
  if (s.deadlocks) o << "  deadlocked states (no actor can move): " << s.deadlocks << "\n";
  if (s.error_exits)
    o << "  states where scx_error() ended the BPF scheduler (the kernel's disable path takes over; not deadlocks): "
      << s.error_exits << "\n";
  if (s.subsumed) o << "  successors not stored because a state with fewer kfunc calls spent was: " << s.subsumed << "\n";
  if (!r.complete) o << "  INCOMPLETE: " << r.incomplete_reason << " (nothing is claimed to hold)\n";
  if (r.any_vacuous()) {
    o << "  VACUOUS:";
    for (const auto& inv : r.invariants)
      if (inv.vacuous) o << " " << inv.id;
    o << " (nothing that exercises them happened in the whole search, e.g. no task entered BPF custody;\n"
         "    their 'holds' says nothing: widen --env/--policy/--tasks, or accept with --allow-vacuous)\n";
  }
  for (const auto& inv : r.invariants) {
    if (inv.status != Status::Violated) continue;
    o << "\ncounterexample for " << inv.id << " (" << inv.cex.steps.size() << " steps): " << inv.message << "\n";
    printCounterexample(o, m, inv.cex, verbose_trace);
  }
}

nlohmann::json configJson(const Config& cfg, const std::string& variant) {
  nlohmann::json j;
  j["variant"] = variant;
  j["tasks"] = cfg.tasks;
  j["cpus"] = cfg.cpus;
  j["user_dsqs"] = cfg.user_dsqs;
  j["policy"] = cfg.policy.name;
  j["policy_detail"] = cfg.policy.describe();
  j["dispatch_actions"] = cfg.dispatch_actions;
  j["dispatch_loops"] = cfg.dispatch_loops;
  j["env"] = cfg.env;
  if (cfg.lifecycle) j["lifecycle"] = true;
  if (cfg.fork_tasks) j["fork_tasks"] = cfg.fork_tasks;
  if (cfg.cycles > 1) j["cycles"] = cfg.cycles;
  if (cfg.task_death) j["task_death"] = true;
  if (cfg.switch_runnable) j["switch_runnable"] = true;
  if (cfg.switch_walks) j["switch_walks"] = true;
  if (cfg.sub_scheds) j["sub_scheds"] = cfg.sub_scheds;
  if (cfg.destroy_dsqs) j["destroy_dsqs"] = true;
  if (cfg.bal_cb) j["balance_callbacks"] = true;
  if (cfg.kicks) j["kicks"] = true;
  if (cfg.kicks && cfg.kick_flags != 0xf) j["kick_flags"] = cfg.kick_flags;
  if (cfg.nmi) j["nmi"] = true;
  if (cfg.sub_migrations) j["sub_migrations"] = true;
  if (cfg.sub_fail_parent) j["sub_fail_parent"] = true;
  if (cfg.sub_enable_fail) j["sub_enable_fail"] = true;
  if (cfg.sub_early_fail) j["sub_early_fail"] = true;
  if (cfg.sub_cgroup_all) j["sub_cgroup_all"] = true;
  return j;
}

nlohmann::json traceJson(const ExtCore& m, const Counterexample& c) {
  nlohmann::json a = nlohmann::json::array();
  for (const Step& s : c.steps) a.push_back(stepJson(m, s));
  return a;
}

nlohmann::json stepJson(const ExtCore& m, const Step& s) {
  nlohmann::json j;
  j["actor"] = m.actorName(s.tr.actor);
  j["transition"] = s.tr.str();
  nlohmann::json kernel = nlohmann::json::array(), bpf = nlohmann::json::array(), proto = nlohmann::json::array();
  for (const Event& e : s.log) {
    bool isBpf = false;
    const std::string text = describeEvent(e, &isBpf);
    if (e.kind == Ev::Site) kernel.push_back(text);
    else if (isBpf) bpf.push_back(text);
    else proto.push_back(text);
  }
  j["kernel"] = kernel;
  j["bpf"] = bpf;
  j["effects"] = proto;
  return j;
}

nlohmann::json resultJson(const ExtCore& m, const CheckResult& r) {
  nlohmann::json j;
  j["tool"] = "scxmc";
  j["format"] = 1;  // kResultFormat (replay.hpp)
  j["config"] = configJson(m.config(), m.name());
  j["complete"] = r.complete;
  if (!r.complete) j["incomplete_reason"] = r.incomplete_reason;
  j["settings"] = settingsLine(m.config(), r.limits);
  nlohmann::json invs = nlohmann::json::array();
  for (const auto& inv : r.invariants) {
    nlohmann::json ij;
    ij["id"] = inv.id;
    ij["statement"] = inv.statement;
    ij["status"] = inv.vacuous ? "vacuous" : statusName(inv.status);
    if (inv.status == Status::Violated) {
      ij["message"] = inv.message;
      ij["counterexample"] = traceJson(m, inv.cex);
      ij["final_state"] = describeState(m.config(), inv.cex.final_state, &m);
    }
    invs.push_back(ij);
  }
  j["invariants"] = invs;
  const Stats& s = r.stats;
  j["stats"] = {{"states", s.states},
                {"transitions", s.transitions},
                {"depth", s.depth},
                {"seconds", s.seconds},
                {"peak_rss_mib", s.peak_rss_mib},
                {"states_per_second", s.seconds > 0 ? s.states / s.seconds : 0.0},
                {"bytes_per_state", s.state_bytes},
                {"deadlocked_states", s.deadlocks},
                {"error_exit_states", s.error_exits},
                {"subsumed_successors", s.subsumed}};
  return j;
}

}  // namespace scxmc
