#include "config.hpp"

#include <sstream>

namespace scxmc {

std::string Config::validate() const {
  std::ostringstream e;
  if (tasks < 1 || tasks > kMaxTasks) e << "--tasks must be 1.." << kMaxTasks << " (got " << tasks << ")";
  else if (cpus < 1 || cpus > kMaxCpus) e << "--cpus must be 1.." << kMaxCpus << " (got " << cpus << ")";
  else if (user_dsqs < 0 || user_dsqs > kMaxUserDsqs)
    e << "--user-dsqs must be 0.." << kMaxUserDsqs << " (got " << user_dsqs << ")";
  else if (dispatch_loops < 0 || dispatch_loops > 32)
    e << "--dispatch-loops must be 0..32 (got " << dispatch_loops << ")";
  else if (dispatch_actions < 0 || dispatch_actions > kMaxBuf)
    e << "--dispatch-actions must be 0.." << kMaxBuf << " (got " << dispatch_actions << ")";
  else if (user_dsqs == 0 && (policy.enqueue_verdicts == kVerdictUser || policy.select_verdicts == kVerdictUser ||
                              policy.dispatch == kDspMoveToLocal))
    e << "policy '" << policy.name << "' needs a user DSQ but --user-dsqs is 0";
  else if (fork_tasks < 0 || fork_tasks > tasks || (fork_tasks && !lifecycle))
    e << "--fork-tasks must be 0..tasks and needs --lifecycle (got " << fork_tasks << ")";
  else if (cycles < 1 || cycles > 3 || (cycles > 1 && !lifecycle))
    e << "--cycles must be 1..3 and more than 1 needs --lifecycle (got " << cycles << ")";
  else if (task_death && !lifecycle)
    e << "--task-death needs --lifecycle";
  else if (switch_runnable && !lifecycle)
    e << "--switch-runnable needs --lifecycle";
  else if (switch_walks && !lifecycle)
    e << "--switch-during-walks needs --lifecycle";
  else if (sub_scheds < 0 || sub_scheds > 1 || (sub_scheds && !lifecycle))
    e << "--sub-scheds must be 0..1 (2 is not built yet) and needs --lifecycle (got " << sub_scheds << ")";
  else if (sub_scheds && (fork_tasks || task_death || cycles > 1 || switch_runnable || switch_walks))
    e << "--sub-scheds does not model fork, task death, more cycles or class switches outside ENABLED yet: drop "
         "--fork-tasks, --task-death, --cycles, --switch-runnable, --switch-during-walks";
  else if (sub_migrations && !sub_scheds)
    e << "--sub-migrations needs --sub-scheds 1 (it moves tasks between the root's cgroup and the child's)";
  else if (sub_fail_parent && !sub_scheds)
    e << "--sub-fail-parent needs --sub-scheds 1 (it fails the root while the child is disabled)";
  else if (sub_cgroup_all && !sub_scheds)
    e << "--sub-cgroup-all needs --sub-scheds 1 (it places every task in the child's cgroup)";
  else if (sub_enable_fail && !sub_scheds)
    e << "--sub-enable-fail needs --sub-scheds 1 (it fails the child's ops.init_task while it is enabled)";
  else if (sub_early_fail && !sub_scheds)
    e << "--sub-early-fail needs --sub-scheds 1 (it fails the child's ops.init, the parent's ops.sub_attach or "
         "the child's ops.cgroup_init while the child is enabled)";
  else if (destroy_dsqs && (!lifecycle || user_dsqs == 0))
    e << "--destroy-dsqs needs --lifecycle and --user-dsqs 1 or more";
  else if (kicks && (kick_flags == 0 || kick_flags > 0xf))
    e << "--kick-flags: at least one of plain, preempt, wait, preempt-wait";
  else if (kicks && lifecycle)
    e << "--kicks does not compose with --lifecycle yet: the kick masks live in sch->pcpu, which scx_root_disable "
         "frees after irq_work_sync (ext.c:6466-6480); drop one of the two";
  else if (nmi && !lifecycle)
    e << "--nmi needs --lifecycle (the NMI claims the exit of an ENABLING or ENABLED scheduler)";
  else if (proxy && lifecycle)
    e << "the proxy-exec variants (Config::proxy) do not model the scheduler lifecycle: drop --lifecycle";
  return e.str();
}

std::string Config::describe() const {
  std::ostringstream o;
  o << tasks << " tasks, " << cpus << " CPUs, " << user_dsqs << " user DSQs, policy " << policy.name
    << ", dispatch-actions " << dispatch_actions << ", dispatch-loops " << dispatch_loops;
  if (lifecycle) o << ", lifecycle";
  if (fork_tasks) o << ", " << fork_tasks << " forked";
  if (cycles > 1) o << ", " << cycles << " cycles";
  if (task_death) o << ", task death";
  if (switch_runnable) o << ", runnable class switches";
  if (switch_walks) o << ", class switches during walks";
  if (sub_scheds) o << ", " << sub_scheds << " sub-scheduler" << (sub_scheds > 1 ? "s" : "");
  if (sub_migrations) o << ", cgroup migrations between schedulers";
  if (sub_fail_parent) o << ", the parent's init_task failing in the child's disable";
  if (sub_enable_fail) o << ", the child's init_task failing in its enable";
  if (sub_early_fail) o << ", the child's enable failing before its task loops";
  if (sub_cgroup_all) o << ", every task in the child's cgroup";
  if (destroy_dsqs) o << ", DSQ destruction";
  if (bal_cb) o << ", balance callbacks";
  if (kicks) {
    o << ", kicks";
    if (kick_flags != 0xf) {
      static const char* const kNames[] = {"plain", "preempt", "wait", "preempt-wait"};
      o << " (";
      bool first = true;
      for (int f = 0; f < 4; ++f)
        if (kick_flags & (1 << f)) { o << (first ? "" : ",") << kNames[f]; first = false; }
      o << ")";
    }
  }
  if (nmi) o << ", hardlockup NMI";
  if (proxy) o << ", proxy-exec";
  return o.str();
}

}  // namespace scxmc
