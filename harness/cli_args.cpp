#include "cli_args.hpp"

#include <cstdlib>
#include <map>
#include <sstream>

#include "config.hpp"
#include "parse.hpp"

namespace scxmc {

bool parseIntArg(const std::string& opt, const std::string& v, long lo, long hi, long* out, std::string* err) {
  // decimal digits only: no '+', no space, no trailing text (support/parse.hpp)
  long long x;
  if (!support::parseStrictInt(v, lo, hi, &x)) {
    *err = opt + " expects an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" + v + "'";
    return false;
  }
  *out = static_cast<long>(x);
  return true;
}

bool parseEnvList(const std::string& v, uint32_t* env, std::string* err) {
  if (v == "all") { *env = kEnvAll; return true; }
  static const std::map<std::string, uint32_t> names = {
      {"wake", kEnvWake}, {"sleep", kEnvSleep}, {"nice", kEnvNice}, {"affinity", kEnvAffinity}, {"tick", kEnvTick}};
  *env = 0;
  if (v.empty()) return true;  // no environment events (the header line says env none)
  std::stringstream ss(v + ",");
  std::string w;
  while (std::getline(ss, w, ',')) {
    auto it = names.find(w);
    if (it == names.end()) {
      *err = "--env: unknown event '" + w + "' (known: wake,sleep,nice,affinity,tick,all)";
      return false;
    }
    *env |= it->second;
  }
  return true;
}

namespace {
const char* const kKickFlagNames[] = {"plain", "preempt", "wait", "preempt-wait"};  // Config::kick_flags bits
}  // namespace

bool parseKickFlags(const std::string& v, uint8_t* flags, std::string* err) {
  const char* const* kNames = kKickFlagNames;
  if (v == "all") {
    *flags = 0xf;
    return true;
  }
  uint8_t out = 0;
  size_t pos = 0;
  while (pos <= v.size()) {
    const size_t comma = v.find(',', pos);
    const std::string w = v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    int f = -1;
    for (int i = 0; i < 4; ++i)
      if (w == kNames[i]) f = i;
    if (f < 0) {
      *err = "--kick-flags: unknown flag set '" + w + "' in '" + v + "' (allowed: plain, preempt, wait, preempt-wait, all)";
      return false;
    }
    out = static_cast<uint8_t>(out | (1 << f));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  *flags = out;
  return true;
}

int parseSliceOption(const std::vector<std::string>& args, size_t* i, Config* cfg, std::string* err) {
  const std::string& a = args[*i];
  auto count = [&](int lo, int hi, int* field) {
    long n;
    if (*i + 1 >= args.size()) { *err = a + " needs a value"; return -1; }
    if (!parseIntArg(a, args[*i + 1], lo, hi, &n, err)) return -1;
    ++*i;
    *field = static_cast<int>(n);
    return 1;
  };
  auto flag = [](bool* field) { *field = true; return 1; };
  if (a == "--lifecycle") return flag(&cfg->lifecycle);
  if (a == "--fork-tasks") return count(0, 1000, &cfg->fork_tasks);
  if (a == "--cycles") return count(1, 3, &cfg->cycles);
  if (a == "--task-death") return flag(&cfg->task_death);
  if (a == "--switch-runnable") return flag(&cfg->switch_runnable);
  if (a == "--switch-during-walks") return flag(&cfg->switch_walks);
  if (a == "--destroy-dsqs") return flag(&cfg->destroy_dsqs);
  if (a == "--sub-scheds") return count(0, 1000, &cfg->sub_scheds);
  if (a == "--balance-callbacks") return flag(&cfg->bal_cb);
  if (a == "--kicks") return flag(&cfg->kicks);
  if (a == "--nmi") return flag(&cfg->nmi);
  if (a == "--sub-migrations") return flag(&cfg->sub_migrations);
  if (a == "--sub-fail-parent") return flag(&cfg->sub_fail_parent);
  if (a == "--sub-enable-fail") return flag(&cfg->sub_enable_fail);
  if (a == "--sub-early-fail") return flag(&cfg->sub_early_fail);
  if (a == "--sub-cgroup-all") return flag(&cfg->sub_cgroup_all);
  if (a == "--kick-flags") {
    if (*i + 1 >= args.size()) { *err = a + " needs a value"; return -1; }
    if (!parseKickFlags(args[*i + 1], &cfg->kick_flags, err)) return -1;
    ++*i;
    return 1;
  }
  return 0;
}

std::string sliceOptions(const Config& c, const Config& from) {
  std::ostringstream o;
  if (c.lifecycle != from.lifecycle) o << (c.lifecycle ? " --lifecycle" : " (no --lifecycle)");
  if (c.fork_tasks != from.fork_tasks) o << " --fork-tasks " << c.fork_tasks;
  if (c.cycles != from.cycles) o << " --cycles " << c.cycles;
  if (c.task_death != from.task_death) o << (c.task_death ? " --task-death" : " (no --task-death)");
  if (c.switch_runnable != from.switch_runnable)
    o << (c.switch_runnable ? " --switch-runnable" : " (no --switch-runnable)");
  if (c.switch_walks != from.switch_walks)
    o << (c.switch_walks ? " --switch-during-walks" : " (no --switch-during-walks)");
  if (c.destroy_dsqs != from.destroy_dsqs) o << (c.destroy_dsqs ? " --destroy-dsqs" : " (no --destroy-dsqs)");
  if (c.sub_scheds != from.sub_scheds) o << " --sub-scheds " << c.sub_scheds;
  if (c.bal_cb != from.bal_cb) o << (c.bal_cb ? " --balance-callbacks" : " (no --balance-callbacks)");
  if (c.kicks != from.kicks) o << (c.kicks ? " --kicks" : " (no --kicks)");
  if (c.kick_flags != from.kick_flags) {
    const char* const* kNames = kKickFlagNames;
    o << " --kick-flags ";
    bool first = true;
    for (int f = 0; f < 4; ++f)
      if (c.kick_flags & (1 << f)) { o << (first ? "" : ",") << kNames[f]; first = false; }
  }
  if (c.nmi != from.nmi) o << (c.nmi ? " --nmi" : " (no --nmi)");
  if (c.sub_migrations != from.sub_migrations)
    o << (c.sub_migrations ? " --sub-migrations" : " (no --sub-migrations)");
  if (c.sub_fail_parent != from.sub_fail_parent)
    o << (c.sub_fail_parent ? " --sub-fail-parent" : " (no --sub-fail-parent)");
  if (c.sub_enable_fail != from.sub_enable_fail)
    o << (c.sub_enable_fail ? " --sub-enable-fail" : " (no --sub-enable-fail)");
  if (c.sub_early_fail != from.sub_early_fail)
    o << (c.sub_early_fail ? " --sub-early-fail" : " (no --sub-early-fail)");
  if (c.sub_cgroup_all != from.sub_cgroup_all)
    o << (c.sub_cgroup_all ? " --sub-cgroup-all" : " (no --sub-cgroup-all)");
  return o.str();
}

}  // namespace scxmc
