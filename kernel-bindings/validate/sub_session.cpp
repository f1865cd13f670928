#include "sub_session.hpp"

#include <algorithm>
#include <sstream>

namespace scxmc::validate {

using trace::Kind;

namespace {

bool isCallback(Kind k) { return (static_cast<uint16_t>(k) & 0xff00) == 0x0100; }
bool isKfunc(Kind k) { return (static_cast<uint16_t>(k) & 0xff00) == 0x0200; }

// The callbacks that schedule the task (the ones the model's sub-ownership
// invariant routes through scx_task_sched(p)): not the lifecycle ones.
bool isSchedulingCallback(Kind k) {
  switch (k) {
    case Kind::CbSelectCpu:
    case Kind::CbEnqueue:
    case Kind::CbDequeue:
    case Kind::CbRunnable:
    case Kind::CbRunning:
    case Kind::CbStopping:
    case Kind::CbQuiescent:
    case Kind::CbSetWeight:
    case Kind::CbSetCpumask:
      return true;
    default:
      return false;
  }
}

const char* schedName(uint64_t tag) { return tag == 1 ? "root" : tag == 2 ? "child" : "?"; }

std::string at(const trace::Record& r, uint64_t tag) {
  std::ostringstream o;
  o << "seq " << r.seq << " cpu" << r.cpu << " " << trace::kind_name(r.kind);
  if (r.pid) o << " pid " << r.pid;
  o << " (" << schedName(tag) << ")";
  return o.str();
}

}  // namespace

SubSession checkSubSession(const trace::Trace& t) {
  SubSession s;
  if (t.header.scheduler != trace::Scheduler::Sub) return s;
  s.is_sub = true;
  auto violate = [&](const std::string& w) {
    ++s.violations;
    if (s.first.size() < 10) s.first.push_back(w);
  };
  std::vector<trace::Record> recs = t.records;
  std::stable_sort(recs.begin(), recs.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  auto observe = [&](Site x) { s.observed.set(static_cast<size_t>(x)); };
  std::map<uint32_t, uint64_t> owner;       // pid -> the scheduler that has it enabled
  std::map<uint32_t, uint64_t> last_owner;  // pid -> the scheduler that disabled it last
  bool child_live = false;                  // between the child's ops.init and its ops.exit
  for (const auto& r : recs) {
    const std::string name(trace::kind_name(r.kind));
    if (r.kind == Kind::MetaAttach || r.kind == Kind::MetaDetach) {
      const uint64_t tag = r.arg[2] < 3 ? r.arg[2] : 0;
      if (r.kind == Kind::MetaAttach) {
        if (r.arg[1] == 0) {
          ++s.attaches[tag];
          if (tag == 2) observe(Site::SubEnabled);  // the child's enable returned (sub.c:1971)
        } else
          ++s.attach_failures[tag];
      } else {
        ++s.detaches[tag];
      }
      continue;
    }
    if (isKfunc(r.kind)) {
      const uint64_t tag = (r.arg[4] >> 32) < 3 ? r.arg[4] >> 32 : 0;
      ++s.kfuncs[tag][name];
      if (r.kind == Kind::KfSubDispatch) {
        ++s.sub_dispatch;
        if (r.arg[3]) ++s.sub_dispatch_ok;
      }
      continue;
    }
    if (!isCallback(r.kind)) continue;
    const uint64_t tag = r.arg[4] < 3 ? r.arg[4] : 0;
    ++s.callbacks[tag][name];
    if (tag == 0) {
      violate(at(r, tag) + ": a callback without its scheduler's tag");
      continue;
    }
    // A child's callbacks lie between its ops.init and its ops.exit, and
    // the root's ops.sub_attach/sub_detach inside that window:
    // scx_sub_enable_workfn calls the child's ops.init, then the parent's
    // ops.sub_attach (sub.c:1811-1827), and scx_sub_disable the parent's
    // ops.sub_detach, then the child's ops.exit (sub.c:1640-1653; the
    // model's SubEnable and SubExit sites).  (The loader's META_ATTACH is
    // written after the attach returned, so it does not bound the window.)
    if (tag == 2 && r.kind == Kind::CbInit) child_live = true;
    if (tag == 2 && !child_live) violate(at(r, tag) + ": a child callback outside its ops.init .. ops.exit");
    if (tag == 2 && r.kind == Kind::CbExit) child_live = false;
    switch (r.kind) {
      case Kind::CbSubAttach:
        ++s.sub_attach;
        if (child_live) observe(Site::SubEnable);  // the child's ops.init, then this (sub.c:1811-1827)
        if (tag != 1) violate(at(r, tag) + ": ops.sub_attach of a scheduler other than the root");
        if (!child_live) violate(at(r, tag) + ": ops.sub_attach before the child's ops.init");
        s.child_cgroup = r.arg[0];
        break;
      case Kind::CbSubDetach:
        ++s.sub_detach;
        observe(Site::SubDisable);
        observe(Site::SubExit);  // ops.sub_detach, then the child's ops.exit (sub.c:1640-1653)
        if (tag != 1) violate(at(r, tag) + ": ops.sub_detach of a scheduler other than the root");
        if (!child_live) violate(at(r, tag) + ": ops.sub_detach after the child's ops.exit");
        break;
      case Kind::CbEnable:
        s.enabled_pids[tag].insert(r.pid);
        if (auto it = last_owner.find(r.pid); it != last_owner.end() && it->second != tag) {
          // a hand-over: p->scx.sched changes (scx_set_task_sched, sub.c:101),
          // to the child in the enable's switch loop (sub.c:1934), back to the
          // root in the disable's re-home (sub.c:1548, scx_rehome_task 1250)
          observe(Site::SetTaskSched);
          if (tag == 2) observe(Site::SubSwitchLoop);
          if (tag == 1) {
            observe(Site::SubDisableLoop);
            observe(Site::RehomeTask);
          }
        }
        if (auto it = owner.find(r.pid); it != owner.end() && it->second != tag)
          violate(at(r, tag) + ": ops.enable while the " + schedName(it->second) + " has the task enabled");
        if (auto it = last_owner.find(r.pid); it != last_owner.end() && it->second != tag) ++s.handovers;
        owner[r.pid] = tag;
        break;
      case Kind::CbDisable:
        if (auto it = owner.find(r.pid); it != owner.end() && it->second != tag)
          violate(at(r, tag) + ": ops.disable while the " + schedName(it->second) + " has the task enabled");
        owner.erase(r.pid);
        last_owner[r.pid] = tag;
        break;
      case Kind::CbInitTask:
        // the child's ops.init_task of a task still enabled on the root
        // (the enable's init loop, sub.c:1871)
        if (tag == 2 && r.arg[0] == 0 && owner.count(r.pid) && owner[r.pid] == 1) observe(Site::SubInitLoop);
        break;
      case Kind::CbCgroupInit:
        if (tag == 2) observe(Site::ClaimSubtree);  // the child's ops.cgroup_init (sub.c:1346)
        break;
      case Kind::CbCgroupExit:
        if (tag == 2) observe(Site::ReturnSubtree);  // the child's ops.cgroup_exit (sub.c:1435)
        break;
      case Kind::CbCgroupMove:
        if (s.child_cgroup && r.arg[1] == s.child_cgroup) ++s.moves_into_child;
        if (s.child_cgroup && r.arg[0] == s.child_cgroup) ++s.moves_out_of_child;
        break;
      default:
        if (isSchedulingCallback(r.kind) && r.pid) {
          if (auto it = owner.find(r.pid); it != owner.end() && it->second != tag)
            violate(at(r, tag) + ": a scheduling callback while the " + schedName(it->second) +
                    " has the task enabled (sub-ownership)");
        }
        break;
    }
  }
  return s;
}

void printSubSession(std::ostream& o, const SubSession& s) {
  if (!s.is_sub) return;
  o << "  sub-scheduler session (scx_sub, root + child on cgroup " << s.child_cgroup
    << "): decoded, not replayed (the one-task replay has one scheduler)\n";
  for (uint64_t tag : {1u, 2u}) {
    uint64_t cb = 0, kf = 0;
    for (const auto& [k, n] : s.callbacks[tag]) cb += n;
    for (const auto& [k, n] : s.kfuncs[tag]) kf += n;
    o << "    " << schedName(tag) << ": attached " << s.attaches[tag] << " (failed " << s.attach_failures[tag]
      << "), detached " << s.detaches[tag] << ", " << cb << " callbacks, " << kf << " kfunc calls, "
      << s.enabled_pids[tag].size() << " tasks enabled;";
    for (const auto& [k, n] : s.callbacks[tag]) o << " " << k << "=" << n;
    o << "\n";
  }
  o << "    ops.sub_attach " << s.sub_attach << ", ops.sub_detach " << s.sub_detach << ", scx_bpf_sub_dispatch "
    << s.sub_dispatch << " (" << s.sub_dispatch_ok << " dispatched), cgroup moves into the child's cgroup "
    << s.moves_into_child << ", out of it " << s.moves_out_of_child << ", tasks handed between the schedulers "
    << s.handovers << "\n";
  o << "    sub-scheds slice sites the recording shows running: " << s.observed.count() << ";";
  for (size_t i = 0; i < s.observed.size(); ++i)
    if (s.observed.test(i)) o << " " << siteInfo(static_cast<Site>(i)).function << ":" << siteInfo(static_cast<Site>(i)).line;
  o << "\n";
  o << "    sub-ownership on the recorded events: " << s.violations << " violations"
    << (s.violations ? "" : " - holds") << "\n";
  for (const auto& v : s.first) o << "      " << v << "\n";
}

}  // namespace scxmc::validate
