#include "policy.hpp"

#include <sstream>
#include <utility>
#include <vector>

namespace scxmc {

namespace {

struct Word {
  const char* name;
  uint16_t bit;
};

const Word kVerdictWords[] = {{"none", kVerdictNone},     {"keep", kVerdictKeep},
                              {"local", kVerdictLocal},   {"local-on", kVerdictLocalOn},
                              {"global", kVerdictGlobal}, {"user", kVerdictUser}};

const Word kDispatchWords[] = {{"insert-local", kDspInsertLocal},
                               {"insert-local-on", kDspInsertLocalOn},
                               {"insert-global", kDspInsertGlobal},
                               {"insert-user", kDspInsertUser},
                               {"insert-here-or-global", kDspInsertHereOrGlobal},
                               {"move-to-local", kDspMoveToLocal},
                               {"move-local", kDspMoveLocal},
                               {"move-global", kDspMoveGlobal},
                               {"move-user", kDspMoveUser}};

constexpr uint16_t kAllDirect = kVerdictLocal | kVerdictLocalOn | kVerdictGlobal | kVerdictUser;
constexpr uint16_t kAllDispatch = kDspInsertLocal | kDspInsertLocalOn | kDspInsertGlobal |
                                  kDspInsertUser | kDspMoveToLocal | kDspMoveLocal |
                                  kDspMoveGlobal | kDspMoveUser;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) { out.push_back(cur); cur.clear(); } else { cur += c; }
  }
  out.push_back(cur);
  return out;
}

template <size_t N>
bool parseWords(const std::string& key, const std::string& val, const Word (&words)[N],
                uint16_t* bits, std::string* err) {
  *bits = 0;
  for (const std::string& w : split(val, '|')) {
    if (w.empty()) {
      *err = "policy key '" + key + "': empty value in '" + val + "' (a '|' with nothing on one side)";
      return false;
    }
    if (w == "nothing") continue;
    bool found = false;
    for (const Word& word : words)
      if (w == word.name) { *bits |= word.bit; found = true; }
    if (!found) {
      *err = "policy key '" + key + "': unknown value '" + w + "' (allowed:";
      for (const Word& word : words) *err += std::string(" ") + word.name;
      *err += ")";
      return false;
    }
  }
  return true;
}

template <size_t N>
std::string describeWords(uint16_t bits, const Word (&words)[N]) {
  std::string s;
  for (const Word& w : words)
    if (bits & w.bit) s += (s.empty() ? "" : "|") + std::string(w.name);
  return s.empty() ? "nothing" : s;
}

struct Preset {
  const char* name;
  const char* what;
  const char* spec;  // applied on top of `full`
};

// The kernel selftests' schedulers (tools/testing/selftests/sched_ext) and
// scx_simple (tools/sched_ext/scx_simple.bpf.c), as restrictions of `full`.
const Preset kPresets[] = {
    {"full", "every choice the kfunc contract allows", ""},
    {"simple", "scx_simple (FIFO): default select_cpu, enqueue to DSQ 0, move_to_local",
     "select=default,enqueue=user,dispatch=move-to-local,user-dsqs=first"},
    {"st-dequeue-0", "selftest dequeue scenario 0: select_cpu inserts to SCX_DSQ_LOCAL",
     "select=local|prev-cpu,enqueue=global,dispatch=move-to-local,user-dsqs=first"},
    {"st-dequeue-1", "selftest dequeue scenario 1: select_cpu inserts to SCX_DSQ_GLOBAL",
     "select=global|prev-cpu,enqueue=global,dispatch=move-to-local,user-dsqs=first"},
    {"st-dequeue-2", "selftest dequeue scenario 2: select_cpu inserts to a user DSQ",
     "select=user|prev-cpu,enqueue=global,dispatch=move-to-local,user-dsqs=first"},
    {"st-dequeue-3", "selftest dequeue scenario 3: enqueue inserts to SCX_DSQ_LOCAL",
     "select=none|prev-cpu,enqueue=local,dispatch=move-to-local,user-dsqs=first"},
    {"st-dequeue-4", "selftest dequeue scenario 4: enqueue inserts to SCX_DSQ_GLOBAL",
     "select=none|prev-cpu,enqueue=global,dispatch=move-to-local,user-dsqs=first"},
    {"st-dequeue-5", "selftest dequeue scenario 5: enqueue inserts to a user DSQ",
     "select=none|prev-cpu,enqueue=user,dispatch=move-to-local,user-dsqs=first"},
    {"st-dequeue-6", "selftest dequeue scenario 6: BPF queue, dispatch to LOCAL_ON|cpu or GLOBAL",
     "select=none|prev-cpu,enqueue=keep,dispatch=insert-here-or-global,stale=yes,user-dsqs=first"},
    {"st-dequeue-iter", "selftest dequeue_iter: user DSQ, move_to_local; ops.dequeue iterates the DSQ",
     "select=none|prev-cpu,enqueue=user,dispatch=move-to-local,user-dsqs=first"},
    {"st-dequeue-remote", "selftest dequeue_remote: BPF queue, dispatch to LOCAL_ON|cpu (remote tasks)",
     "select=none|prev-cpu,enqueue=keep,dispatch=insert-here-or-global,stale=no,user-dsqs=first"},
    {"st-dequeue-remote-mtl", "selftest dequeue_remote with test_use_move_to_local",
     "select=none|prev-cpu,enqueue=user,dispatch=move-to-local,user-dsqs=first"},
};

bool applySpec(const std::string& spec, Policy* p, std::string* err) {
  if (spec.empty()) return true;
  std::vector<std::string> seen;
  for (const std::string& kv : split(spec, ',')) {
    if (kv.empty()) {
      *err = "empty policy item in '" + spec + "' (a ',' with nothing on one side)";
      return false;
    }
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) {
      *err = "policy item '" + kv + "' is not key=value";
      return false;
    }
    const std::string key = kv.substr(0, eq), val = kv.substr(eq + 1);
    for (const std::string& k : seen)
      if (k == key) {
        *err = "policy key '" + key + "' is given twice in '" + spec + "'";
        return false;
      }
    seen.push_back(key);
    if (val.empty()) {
      *err = "policy key '" + key + "' has no value in '" + kv + "' (write 'nothing' for none)";
      return false;
    }
    if (key == "select") {
      p->has_select_cpu = true;
      p->select_prev_cpu = false;
      std::string rest;
      for (const std::string& w : split(val, '|')) {
        if (w.empty()) {
          *err = "policy key 'select': empty value in '" + val + "' (a '|' with nothing on one side)";
          return false;
        }
        if (w == "default") p->has_select_cpu = false;
        else if (w == "prev-cpu") p->select_prev_cpu = true;
        else rest += (rest.empty() ? "" : "|") + w;
      }
      p->select_verdicts = 0;
      if (!rest.empty() && !parseWords(key, rest, kVerdictWords, &p->select_verdicts, err)) return false;
      if (p->select_verdicts & kVerdictKeep) {
        *err = "policy key 'select': 'keep' is an ops.enqueue verdict";
        return false;
      }
      if (p->select_verdicts == 0) p->select_verdicts = kVerdictNone;
    } else if (key == "enqueue") {
      if (!parseWords(key, val, kVerdictWords, &p->enqueue_verdicts, err)) return false;
      if (p->enqueue_verdicts & kVerdictNone) {
        *err = "policy key 'enqueue': 'none' is an ops.select_cpu verdict (use keep)";
        return false;
      }
      if (p->enqueue_verdicts == 0) {
        *err = "policy key 'enqueue': at least one verdict is needed";
        return false;
      }
    } else if (key == "dispatch") {
      if (!parseWords(key, val, kDispatchWords, &p->dispatch, err)) return false;
    } else if (key == "stale") {
      if (val != "yes" && val != "no") {
        *err = "policy key 'stale': expected yes or no, got '" + val + "'";
        return false;
      }
      p->insert_stale = val == "yes";
    } else if (key == "user-dsqs") {
      if (val != "all" && val != "first") {
        *err = "policy key 'user-dsqs': expected all or first, got '" + val + "'";
        return false;
      }
      p->only_user_dsq0 = val == "first";
    } else {
      *err = "unknown policy key '" + key + "' (keys: select enqueue dispatch stale user-dsqs)";
      return false;
    }
  }
  return true;
}

}  // namespace

Policy Policy::full() {
  Policy p;
  p.name = "full";
  p.select_verdicts = kVerdictNone | kAllDirect;
  p.enqueue_verdicts = kVerdictKeep | kAllDirect;
  p.dispatch = kAllDispatch;
  return p;
}

bool Policy::preset(const std::string& name, Policy* out) {
  for (const Preset& pr : kPresets) {
    if (name != pr.name) continue;
    Policy p = full();
    std::string err;
    if (!applySpec(pr.spec, &p, &err)) return false;
    p.name = name;
    *out = p;
    return true;
  }
  return false;
}

bool Policy::parse(const std::string& text, Policy* out, std::string* err) {
  std::string base = "full", spec = text;
  const size_t colon = text.find(':');
  if (colon != std::string::npos) {
    base = text.substr(0, colon);
    spec = text.substr(colon + 1);
    if (spec.empty()) {
      *err = "'" + text + "': nothing after ':' (write the preset alone, or PRESET:key=v1|v2,...)";
      return false;
    }
  } else if (text.find('=') == std::string::npos) {
    base = text;
    spec.clear();
  }
  Policy p;
  if (!preset(base, &p)) {
    *err = "unknown policy '" + base + "'; presets: " + presetList();
    return false;
  }
  if (!applySpec(spec, &p, err)) return false;
  p.name = text;
  *out = p;
  return true;
}

std::string Policy::presetList() {
  std::string s;
  for (const Preset& pr : kPresets) s += (s.empty() ? "" : ", ") + std::string(pr.name);
  return s;
}

std::string Policy::presetHelp() {
  std::ostringstream o;
  for (const Preset& pr : kPresets) o << "  " << pr.name << ": " << pr.what << "\n";
  return o.str();
}

std::string Policy::describe() const {
  std::ostringstream o;
  o << "select=" << (has_select_cpu ? "" : "default|") << (select_prev_cpu ? "prev-cpu|" : "")
    << describeWords(select_verdicts, kVerdictWords)
    << ",enqueue=" << describeWords(enqueue_verdicts, kVerdictWords)
    << ",dispatch=" << describeWords(dispatch, kDispatchWords)
    << ",stale=" << (insert_stale ? "yes" : "no")
    << ",user-dsqs=" << (only_user_dsq0 ? "first" : "all");
  return o.str();
}

}  // namespace scxmc
