#include "replay.hpp"

#include <ostream>

#include "checker.hpp"
#include "format.hpp"
#include "pack.hpp"
#include "report.hpp"
#include "variants.hpp"

namespace scxmc {

bool readConfig(const nlohmann::json& c, Config* cfg, std::string* variant, std::string* err) {
  auto intField = [&](const char* k, int* v) {
    if (!c.contains(k) || !c[k].is_number_integer()) {
      *err = std::string("config.") + k + " is missing or not an integer";
      return false;
    }
    *v = c[k].get<int>();
    return true;
  };
  if (!intField("tasks", &cfg->tasks) || !intField("cpus", &cfg->cpus) || !intField("user_dsqs", &cfg->user_dsqs) ||
      !intField("dispatch_actions", &cfg->dispatch_actions) || !intField("dispatch_loops", &cfg->dispatch_loops))
    return false;
  int env = 0;
  if (!intField("env", &env)) return false;
  cfg->env = static_cast<uint32_t>(env);
  if (c.contains("lifecycle")) {
    if (!c["lifecycle"].is_boolean()) {
      *err = "config.lifecycle is not a boolean";
      return false;
    }
    cfg->lifecycle = c["lifecycle"].get<bool>();
  }
  if (c.contains("fork_tasks") && !intField("fork_tasks", &cfg->fork_tasks)) return false;
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
    const bool violated = inv.value("status", "") == "violated";
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
        !Transition::parse(st["transition"].get<std::string>(), &tr)) {
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
    // deadlock: confirmed when no actor can move in the final state
    int succ = 0;
    forEachSuccessor(*model, s, [&](State&, const StepLog&, const Transition&) { ++succ; });
    seen = succ == 0 ? "no actor can move" : "";
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
