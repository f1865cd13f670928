#include "replay.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>

#include <sys/stat.h>

#include "checker.hpp"
#include "format.hpp"
#include "pack.hpp"
#include "report.hpp"
#include "variants.hpp"

namespace scxmc {

bool readJsonFile(const std::string& path, nlohmann::json* doc, std::string* err) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    *err = "cannot read '" + path + "': " + std::strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *err = "'" + path + "' is a directory";
    return false;
  }
  std::ifstream in(path);
  if (!in) {
    *err = "cannot read '" + path + "'";
    return false;
  }
  try {
    *doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    *err = "'" + path + "' is not valid JSON: " + e.what();
    return false;
  } catch (const std::exception& e) {
    *err = "cannot read '" + path + "': " + e.what();
    return false;
  }
  return true;
}

bool checkFormat(const nlohmann::json& doc, bool required, std::string* err) {
  if (!doc.is_object() || !doc.contains("format")) {
    if (required) *err = "no 'format' field: not a scxmc result file";
    return !required;
  }
  const auto& f = doc["format"];
  if (!f.is_number_integer() || f.get<int64_t>() != kResultFormat) {
    *err = "format " + f.dump() + " is not supported (this scxmc reads format " + std::to_string(kResultFormat) + ")";
    return false;
  }
  return true;
}

bool strictTransition(const std::string& s, Transition* tr) {
  // digits ':' [digits ('.' digits)*]: no sign, space or leading text that
  // strtol would skip; each number at most 3 digits (Transition::parse
  // checks the ranges)
  size_t i = 0, run = 0;
  bool colon = false;
  for (; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch >= '0' && ch <= '9') {
      if (++run > 3) return false;
    } else if ((ch == ':' && !colon) || (ch == '.' && colon)) {
      if (run == 0) return false;
      colon = true;
      run = 0;
    } else {
      return false;
    }
  }
  return colon && Transition::parse(s, tr);
}

bool readConfig(const nlohmann::json& c, Config* cfg, std::string* variant, std::string* err) {
  if (!c.is_object()) {
    *err = "config is not an object";
    return false;
  }
  // An integer field, range-checked before it is narrowed (no silent
  // truncation of 4294967298 to 2).
  auto intField = [&](const char* k, int* v, int64_t hi = 1000) {
    if (!c.contains(k) || !c[k].is_number_integer()) {
      *err = std::string("config.") + k + " is missing or not an integer";
      return false;
    }
    const bool neg = c[k].is_number_unsigned() ? false : c[k].get<int64_t>() < 0;
    const uint64_t x = neg ? 0 : c[k].get<uint64_t>();
    if (neg || x > static_cast<uint64_t>(hi)) {
      *err = std::string("config.") + k + " is out of range 0.." + std::to_string(hi) + ": " + c[k].dump();
      return false;
    }
    *v = static_cast<int>(x);
    return true;
  };
  if (!intField("tasks", &cfg->tasks) || !intField("cpus", &cfg->cpus) || !intField("user_dsqs", &cfg->user_dsqs) ||
      !intField("dispatch_actions", &cfg->dispatch_actions) || !intField("dispatch_loops", &cfg->dispatch_loops))
    return false;
  int env = 0;
  constexpr uint32_t kEnvKnown = kEnvAll | kEnvOthers | kEnvWakelist;
  if (!intField("env", &env, kEnvKnown)) return false;
  if (static_cast<uint32_t>(env) & ~kEnvKnown) {
    *err = "config.env has unknown event bits: " + std::to_string(env);
    return false;
  }
  cfg->env = static_cast<uint32_t>(env);
  if (c.contains("lifecycle")) {
    if (!c["lifecycle"].is_boolean()) {
      *err = "config.lifecycle is not a boolean";
      return false;
    }
    cfg->lifecycle = c["lifecycle"].get<bool>();
  }
  if (c.contains("fork_tasks") && !intField("fork_tasks", &cfg->fork_tasks)) return false;
  if (c.contains("cycles") && !intField("cycles", &cfg->cycles)) return false;
  if (c.contains("task_death")) {
    if (!c["task_death"].is_boolean()) {
      *err = "config.task_death is not a boolean";
      return false;
    }
    cfg->task_death = c["task_death"].get<bool>();
  }
  if (c.contains("switch_runnable")) {
    if (!c["switch_runnable"].is_boolean()) {
      *err = "config.switch_runnable is not a boolean";
      return false;
    }
    cfg->switch_runnable = c["switch_runnable"].get<bool>();
  }
  if (c.contains("switch_walks")) {
    if (!c["switch_walks"].is_boolean()) {
      *err = "config.switch_walks is not a boolean";
      return false;
    }
    cfg->switch_walks = c["switch_walks"].get<bool>();
  }
  if (c.contains("sub_scheds") && !intField("sub_scheds", &cfg->sub_scheds)) return false;
  if (c.contains("destroy_dsqs")) {
    if (!c["destroy_dsqs"].is_boolean()) {
      *err = "config.destroy_dsqs is not a boolean";
      return false;
    }
    cfg->destroy_dsqs = c["destroy_dsqs"].get<bool>();
  }
  if (c.contains("balance_callbacks")) {
    if (!c["balance_callbacks"].is_boolean()) {
      *err = "config.balance_callbacks is not a boolean";
      return false;
    }
    cfg->bal_cb = c["balance_callbacks"].get<bool>();
  }
  if (c.contains("kicks")) {
    if (!c["kicks"].is_boolean()) {
      *err = "config.kicks is not a boolean";
      return false;
    }
    cfg->kicks = c["kicks"].get<bool>();
  }
  if (c.contains("kick_flags")) {
    if (!c["kick_flags"].is_number_unsigned() || c["kick_flags"].get<unsigned>() > 0xf) {
      *err = "config.kick_flags is not a number 1..15";
      return false;
    }
    cfg->kick_flags = static_cast<uint8_t>(c["kick_flags"].get<unsigned>());
  }
  if (c.contains("nmi")) {
    if (!c["nmi"].is_boolean()) {
      *err = "config.nmi is not a boolean";
      return false;
    }
    cfg->nmi = c["nmi"].get<bool>();
  }
  if (c.contains("sub_migrations")) {
    if (!c["sub_migrations"].is_boolean()) {
      *err = "config.sub_migrations is not a boolean";
      return false;
    }
    cfg->sub_migrations = c["sub_migrations"].get<bool>();
  }
  if (c.contains("sub_fail_parent")) {
    if (!c["sub_fail_parent"].is_boolean()) {
      *err = "config.sub_fail_parent is not a boolean";
      return false;
    }
    cfg->sub_fail_parent = c["sub_fail_parent"].get<bool>();
  }
  if (c.contains("sub_enable_fail")) {
    if (!c["sub_enable_fail"].is_boolean()) {
      *err = "config.sub_enable_fail is not a boolean";
      return false;
    }
    cfg->sub_enable_fail = c["sub_enable_fail"].get<bool>();
  }
  if (c.contains("sub_early_fail")) {
    if (!c["sub_early_fail"].is_boolean()) {
      *err = "config.sub_early_fail is not a boolean";
      return false;
    }
    cfg->sub_early_fail = c["sub_early_fail"].get<bool>();
  }
  if (c.contains("sub_cgroup_all")) {
    if (!c["sub_cgroup_all"].is_boolean()) {
      *err = "config.sub_cgroup_all is not a boolean";
      return false;
    }
    cfg->sub_cgroup_all = c["sub_cgroup_all"].get<bool>();
  }
  if (!c.contains("policy") || !c["policy"].is_string()) {
    *err = "config.policy is missing or not a string";
    return false;
  }
  if (!Policy::parse(c["policy"].get<std::string>(), &cfg->policy, err)) {
    *err = "config.policy: " + *err;
    return false;
  }
  if (!c.contains("variant") || !c["variant"].is_string()) {
    *err = "config.variant is missing or not a string";
    return false;
  }
  *variant = c["variant"].get<std::string>();
  const std::string v = cfg->validate();
  if (!v.empty()) {
    *err = "config: " + v;
    return false;
  }
  return true;
}

ReplayOutcome replayCounterexample(const nlohmann::json& doc, const std::string& invariant, std::ostream* out) {
  ReplayOutcome r;
  if (!doc.is_object() || !doc.contains("config") || !doc["config"].is_object()) {
    r.error = "no 'config' object: not a scxmc result file";
    return r;
  }
  if (!checkFormat(doc, true, &r.error)) return r;
  Config cfg;
  std::string variant;
  if (!readConfig(doc["config"], &cfg, &variant, &r.error)) return r;
  auto model = makeModel(variant, cfg);
  if (!model) {
    r.error = "config.variant: unknown model variant '" + variant + "'";
    return r;
  }
  if (!doc.contains("invariants") || !doc["invariants"].is_array()) {
    r.error = "no 'invariants' array";
    return r;
  }
  // Monitors: every invariant the file lists (they own ghost state jointly).
  std::string ids;
  const nlohmann::json* target = nullptr;
  for (const auto& inv : doc["invariants"]) {
    if (!inv.is_object() || !inv.contains("id") || !inv["id"].is_string()) {
      r.error = "invariants[]: an entry has no string 'id'";
      return r;
    }
    const std::string id = inv["id"].get<std::string>();
    if (id != "deadlock" && id != "model-bounds") ids += (ids.empty() ? "" : ",") + id;
    if (inv.contains("status") && !inv["status"].is_string()) {
      r.error = "invariants[" + id + "].status is not a string";
      return r;
    }
    const bool violated = inv.contains("status") && inv["status"].get<std::string>() == "violated";
    if (!target && violated && (invariant.empty() || invariant == id)) target = &inv;
  }
  if (!target) {
    r.error = invariant.empty() ? "the file records no violated invariant"
                                : "the file records no violation of '" + invariant + "'";
    return r;
  }
  InvariantList invs;
  if (!ids.empty() && !selectInvariants(ids, &invs, &r.error)) return r;
  r.invariant = (*target)["id"].get<std::string>();
  if (!target->contains("counterexample") || !(*target)["counterexample"].is_array()) {
    r.error = "invariants[" + r.invariant + "].counterexample is missing";
    return r;
  }
  int tidx = -1;
  for (size_t i = 0; i < invs.size(); ++i)
    if (r.invariant == invs[i]->id()) tidx = static_cast<int>(i);
  r.input_ok = true;

  State s = model->initial();
  Counterexample cex;
  const auto& steps = (*target)["counterexample"];
  int n = 0;
  std::string seen;
  for (const auto& st : steps) {
    ++n;
    Transition tr;
    if (!st.is_object() || !st.contains("transition") || !st["transition"].is_string() ||
        !strictTransition(st["transition"].get<std::string>(), &tr)) {
      r.input_ok = false;
      r.error = "counterexample step " + std::to_string(n) + ": 'transition' is missing or malformed";
      return r;
    }
    State next;
    StepLog log;
    if (!applyTransition(*model, s, tr, &next, &log)) {
      r.error = "counterexample step " + std::to_string(n) + " (" + tr.str() + ", " + model->actorName(tr.actor) +
                ") is not enabled in the model here";
      r.steps = n;
      if (out) printCounterexample(*out, *model, cex);
      return r;
    }
    // every monitor runs (ghost state); the target's verdict is recorded
    seen = stepViolation(cfg, invs, tidx, s, log, next);
    cex.steps.push_back(Step{tr, log});
    s = next;
  }
  cex.final_state = s;
  r.steps = n;
  if (r.invariant == "model-bounds") {
    std::string perr;
    std::vector<uint8_t> b(Codec(cfg).bytes());
    seen = Codec(cfg).pack(s, b.data(), &perr) ? "" : "state outside the model's bounds: " + perr;
  } else if (tidx < 0) {
    // deadlock: confirmed when the final state is stuck by the checker's
    // rule (stuckOf, checker.cpp)
    StepCount steps;
    forEachSuccessor(*model, s, [&](State& next, const StepLog&, const Transition& tr) { steps.add(cfg, s, next, tr.actor); });
    const char* why = stuckMessage(stuckOf(cfg, s, steps));
    seen = why ? why : "";
  } else if (n == 0) {
    std::string w;
    if (!invs[tidx]->onState(cfg, s, &w)) seen = w;
  }
  if (out) printCounterexample(*out, *model, cex);
  r.message = seen;
  r.confirmed = !seen.empty();
  if (!r.confirmed) r.error = "the last step does not violate " + r.invariant;
  return r;
}

}  // namespace scxmc
