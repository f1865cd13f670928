#include "validator.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <stdexcept>
#include <unordered_set>

#include "next_state.hpp"

namespace scxmc::validate {

namespace {

struct StateHash {
  size_t operator()(const State& s) const {
    const auto* p = reinterpret_cast<const unsigned char*>(&s);
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < sizeof(State); ++i) { h ^= p[i]; h *= 1099511628211ULL; }
    return static_cast<size_t>(h);
  }
};

bool hasError(const StepLog& log) {
  for (const Event& e : log)
    if (e.kind == Ev::Error) return true;
  return false;
}

}  // namespace

struct Validator::Instance {
  Config cfg;
  KindMask enabled = kAllKinds;
  std::unique_ptr<ExtCore> model;
  std::vector<State> states;
  std::unordered_map<State, uint32_t, StateHash> index;
  struct Succ {
    bool done = false;
    std::vector<uint32_t> tau;   // successors logging nothing about the task
    std::vector<Edge> obs;       // successors logging observables
  };
  std::vector<Succ> succ;
  std::vector<uint32_t> universe;  // segment starts: reachable states at rest
  std::vector<uint32_t> asleep;    // ... where the task sleeps (Segment::from_wakeup)
  // memo: a frontier (sorted state ids) -> the observable edges of its
  // tau-closure, as (state, edge index)
  std::map<std::vector<uint32_t>, std::vector<std::pair<uint32_t, uint32_t>>> closures;
  // universe edges by the kind of each of their observables:
  // (state, edge index, offset of that observable in the edge)
  struct At {
    uint32_t state, edge, off;
  };
  std::array<std::vector<At>, static_cast<size_t>(ObsKind::Count)> by_kind;
};

Validator::Validator(const Options& opt) : opt_(opt) {}
Validator::~Validator() = default;

void Validator::poll() {
  if (!opt_.should_stop || (++polls_ & 0x3ff)) return;
  if (std::string why = opt_.should_stop(); !why.empty()) throw ValidateStopped(why);
}

uint32_t Validator::intern(Instance& in, const State& s) {
  auto it = in.index.find(s);
  if (it != in.index.end()) return it->second;
  poll();
  const uint32_t id = static_cast<uint32_t>(in.states.size());
  in.states.push_back(s);
  in.succ.emplace_back();
  in.index.emplace(s, id);
  return id;
}

// The direct successors of one state, split into tau and observable steps.
const std::vector<Validator::Edge>& Validator::edges(Instance& in, uint32_t id) {
  if (in.succ[id].done) return in.succ[id].obs;
  const State s = in.states[id];
  std::vector<uint32_t> tau;
  std::vector<Edge> obs;
  std::vector<Obs> ov;
  forEachSuccessor(*in.model, s, [&](const State& next, const StepLog& log, const Transition& tr) {
    if (hasError(log)) return;  // the model's own errors are not behaviours to match
    fromStepLog(log, s.task[0].cpu, in.enabled, &ov, tr.actor < in.cfg.cpus ? tr.actor : kNone);
    const uint32_t nid = intern(in, next);
    if (ov.empty()) {
      if (nid != id && std::find(tau.begin(), tau.end(), nid) == tau.end()) tau.push_back(nid);
      return;
    }
    for (const Edge& e : obs) {
      if (e.next != nid || e.obs.size() != ov.size()) continue;
      bool same = true;
      for (size_t i = 0; i < ov.size() && same; ++i)
        same = std::memcmp(&e.obs[i], &ov[i], sizeof(Obs)) == 0;
      if (same) return;
    }
    obs.push_back(Edge{ov, nid, sitesOf(log)});
  });
  in.succ[id].tau = std::move(tau);
  in.succ[id].obs = std::move(obs);
  in.succ[id].done = true;
  return in.succ[id].obs;
}

Validator::Instance& Validator::instance(int cpus, KindMask enabled, int loops, bool lifecycle) {
  for (auto& in : instances_)
    if (in->cfg.cpus == cpus && in->enabled == enabled && in->cfg.dispatch_loops == loops &&
        in->cfg.lifecycle == lifecycle)
      return *in;
  auto in = std::make_unique<Instance>();
  in->cfg.tasks = 1;
  in->cfg.cpus = cpus;
  in->cfg.user_dsqs = opt_.user_dsqs;
  in->cfg.env = kEnvAll | kEnvOthers | kEnvWakelist;
  // One kfunc call per ops.dispatch and (unless escalated) one dispatch
  // round: the task is the only one the instance has, and more calls per
  // round only multiply the states (docs/validation.md, "abstractions").
  in->cfg.dispatch_actions = opt_.dispatch_actions;
  in->cfg.dispatch_loops = loops;
  in->cfg.policy = opt_.policy;
  // the --lifecycle model when the projection holds the bypass phases
  // (Options::lifecycle and a trace with the lifecycle probes)
  in->cfg.lifecycle = lifecycle;
  const std::string err = in->cfg.validate();
  if (!err.empty()) throw std::runtime_error("validate: model instance: " + err);
  in->enabled = enabled;
  in->model = std::make_unique<ExtCore>(in->cfg);
  // Every reachable state: the start of a segment.
  const uint32_t s0 = intern(*in, in->model->initial());
  std::vector<char> seen(1, 0);
  std::deque<uint32_t> q{s0};
  seen[s0] = 1;
  while (!q.empty()) {
    const uint32_t id = q.front();
    q.pop_front();
    in->universe.push_back(id);
    edges(*in, id);
    auto visit = [&](uint32_t n) {
      if (n >= seen.size()) seen.resize(in->states.size(), 0);
      if (!seen[n]) { seen[n] = 1; q.push_back(n); }
    };
    for (uint32_t n : in->succ[id].tau) visit(n);
    for (const Edge& e : in->succ[id].obs) visit(e.next);
  }
  // Segment starts: the reachable states where every actor is at rest (no
  // kernel path half done); the tau-closure reaches the others.
  {
    std::vector<uint32_t> rest;
    for (uint32_t id : in->universe) {
      bool r = true;
      for (int a = 0; a < in->cfg.actors() && r; ++a) r = in->states[id].actor[a].pc == 0;
      if (r) rest.push_back(id);
    }
    in->universe = std::move(rest);
  }
  // A task that sleeps: dequeued (p->on_rq == 0, no SCX_TASK_QUEUED), out
  // of BPF custody with ops_state NONE, on no DSQ and with no pending direct
  // dispatch or migration.  It may still be its CPU's current task (it
  // blocked and schedule() has not switched away yet: ttwu_queue_wakelist).
  for (uint32_t id : in->universe) {
    const TaskState& t = in->states[id].task[0];
    if (t.on_rq == static_cast<uint8_t>(OnRq::No) && t.opss == static_cast<uint8_t>(Opss::None) &&
        !(t.flags & (kTaskQueued | kTaskInCustody)) && t.dsq == kNone && t.ddsp == kNone && t.deferred == kNone &&
        t.holding == kNone && t.sticky == kNone)
      in->asleep.push_back(id);
  }
  for (uint32_t id : in->universe) {
    const auto& es = in->succ[id].obs;
    for (uint32_t k = 0; k < es.size(); ++k)
      for (uint32_t o = 0; o < es[k].obs.size(); ++o)
        in->by_kind[static_cast<size_t>(es[k].obs[o].k)].push_back({id, k, o});
  }
  if (std::getenv("SCXMC_VALIDATE_DEBUG"))
    std::fprintf(stderr, "validate: universe %zu states (%zu asleep), %zu interned\n", in->universe.size(),
                 in->asleep.size(), in->states.size());
  instances_.push_back(std::move(in));
  return *instances_.back();
}

namespace {

// After recorded observables that lie outside every scx_bypass window
// (Obs::bypass_ok), no CPU of the model may be bypassing.
bool bypassGateOk(const State& next, int cpus, const std::vector<Obs>& rec, size_t pos, size_t m) {
  bool outside = false;
  for (size_t i = pos; i < pos + m && i < rec.size(); ++i) outside |= !rec[i].bypass_ok;
  if (!outside) return true;
  for (int c = 0; c < cpus; ++c)
    if (next.cpu[c].bypassing) return false;
  return true;
}

// How many recorded observables from `pos` the edge explains: all of its
// observables, or (at the end of the segment) a prefix of them when the
// recording stops inside the step.  0: it does not match.
size_t matchLen(const std::vector<Obs>& m, const std::vector<Obs>& rec, size_t pos, size_t from = 0) {
  size_t i = 0;
  for (; from + i < m.size(); ++i) {
    if (pos + i >= rec.size()) return i;  // segment ended inside this step
    if (!matches(m[from + i], rec[pos + i])) return 0;
  }
  return i;
}

std::string recordLine(const Projection& p, const Obs& o) {
  const trace::Record& r = p.recs[o.rec];
  return "seq " + std::to_string(r.seq) + " cpu" + std::to_string(r.cpu) + " " + describe(o);
}

}  // namespace

void Validator::replaySegment(Instance& in, const Projection& p, size_t si, TraceResult* out) {
  const Segment& seg = p.segs[si];
  const auto& rec = seg.obs;
  const size_t n = rec.size();
  uint64_t accepted = 0;
  size_t start = 0;
  bool clean = true;
  while (start < n) {
    std::map<size_t, std::unordered_set<uint32_t>> pend;
    // A segment opened at a wakeup starts where the task sleeps; any other
    // start (after ops.enable, or resynchronising after a disagreement) from
    // every state at rest.
    bool from_universe = !(start == 0 && seg.from_wakeup);
    if (!from_universe) pend[start].insert(in.asleep.begin(), in.asleep.end());
    size_t reached = start;
    const std::vector<std::pair<uint32_t, uint32_t>>* cl = nullptr;
    const std::vector<std::pair<uint32_t, uint32_t>>* last_edges = nullptr;  // at `reached`
    std::vector<char> mark;
    while (true) {
      poll();
      size_t pos;
      if (from_universe) {
        // Every reachable state at rest, and the recording may begin inside
        // a step (after ops.enable, or after a disagreement): any suffix of
        // an edge's observables may match.
        pos = start;
        from_universe = false;
        reached = pos;
        last_edges = nullptr;
        for (const auto& at : in.by_kind[static_cast<size_t>(rec[pos].k)]) {
          const Edge& e = in.succ[at.state].obs[at.edge];
          const size_t m = matchLen(e.obs, rec, pos, at.off);
          if (!m || !bypassGateOk(in.states[e.next], in.cfg.cpus, rec, pos, m)) continue;
          auto& dst = pend[pos + m];
          if (dst.size() < opt_.max_frontier) dst.insert(e.next);
          out->sites |= e.sites;
        }
        if (pend.empty()) break;
        continue;
      } else {
        if (pend.empty()) break;
        auto it = pend.begin();
        pos = it->first;
        std::vector<uint32_t> front(it->second.begin(), it->second.end());
        pend.erase(it);
        std::sort(front.begin(), front.end());
        auto memo = in.closures.find(front);
        if (memo == in.closures.end()) {
          // tau-closure of the frontier, then its observable edges
          mark.assign(in.states.size(), 0);
          std::vector<uint32_t> stack = front;
          std::vector<std::pair<uint32_t, uint32_t>> es;
          for (uint32_t s : stack) mark[s] = 1;
          while (!stack.empty()) {
            poll();
            const uint32_t s = stack.back();
            stack.pop_back();
            const auto& oe = edges(in, s);
            for (uint32_t k = 0; k < oe.size(); ++k) es.push_back({s, k});
            if (mark.size() < in.states.size()) mark.resize(in.states.size(), 0);
            for (uint32_t t : in.succ[s].tau)
              if (!mark[t]) { mark[t] = 1; stack.push_back(t); }
          }
          if (in.closures.size() > 200000) in.closures.clear();
          memo = in.closures.emplace(std::move(front), std::move(es)).first;
        }
        cl = &memo->second;
      }
      reached = pos;
      last_edges = cl;
      if (pos >= n) break;
      for (const auto& [s, k] : *cl) {
        const Edge& e = in.succ[s].obs[k];
        const size_t m = matchLen(e.obs, rec, pos);
        if (!m || !bypassGateOk(in.states[e.next], in.cfg.cpus, rec, pos, m)) continue;
        auto& dst = pend[pos + m];
        if (dst.size() < opt_.max_frontier) dst.insert(e.next);
        out->sites |= e.sites;
      }
    }
    if (reached >= n) {
      accepted += n - start;
      break;
    }
    accepted += reached - start;
    clean = false;
    // The first recorded observable no behaviour of the model explains.
    Disagreement d;
    d.pid = seg.pid;
    d.seg = si;
    d.pos = reached;
    d.seq = p.recs[rec[reached].rec].seq;
    d.recorded = recordLine(p, rec[reached]);
    const size_t lo = reached >= 6 ? reached - 6 : 0;
    for (size_t i = lo; i < std::min(n, reached + 4); ++i)
      d.context.push_back((i == reached ? ">> " : "   ") + recordLine(p, rec[i]));
    std::vector<std::string> allowed;
    std::vector<std::pair<uint32_t, uint32_t>> all;
    if (!last_edges) {
      for (uint32_t s : in.universe)
        for (uint32_t k = 0; k < in.succ[s].obs.size(); ++k) all.push_back({s, k});
      last_edges = &all;
    }
    for (const auto& [s, k] : *last_edges) {
      const Edge& e = in.succ[s].obs[k];
      {
        std::string a;
        for (const Obs& o : e.obs) a += (a.empty() ? "" : ", ") + describe(o);
        if (std::find(allowed.begin(), allowed.end(), a) == allowed.end()) allowed.push_back(a);
      }
    }
    std::sort(allowed.begin(), allowed.end());
    if (allowed.size() > 12) { allowed.resize(12); allowed.push_back("..."); }
    d.allowed = allowed;
    d.known = classify(p, seg, reached);
    ++out->known_counts[d.known.empty() ? "(unexplained)" : d.known];
    if (out->disagreements.size() < 1000) out->disagreements.push_back(std::move(d));  // (limited in mergeSegment)
    start = reached + 1;  // resynchronise: any reachable state again
  }
  out->accepted += accepted;
  out->events += n;
  auto& pp = out->per_pid[seg.pid];
  pp.first += accepted;
  pp.second += n;
  ++out->segments;
  if (clean) ++out->segments_clean;
}

// Adds one segment's replay to the trace's result.
static void mergeSegment(const TraceResult& one, size_t max_disagreements, TraceResult* r) {
  r->accepted += one.accepted;
  r->events += one.events;
  r->segments += one.segments;
  r->segments_clean += one.segments_clean;
  for (const auto& d : one.disagreements)
    if ((r->disagreements.size() < max_disagreements || d.known.empty()) && r->disagreements.size() < 1000)
      r->disagreements.push_back(d);
  for (const auto& [k, n] : one.known_counts) r->known_counts[k] += n;
  for (const auto& [pid, v] : one.per_pid) {
    r->per_pid[pid].first += v.first;
    r->per_pid[pid].second += v.second;
  }
  r->sites |= one.sites;
}

TraceResult Validator::run(const Projection& p, const std::string& name) {
  TraceResult r;
  r.file = name;
  r.records = p.recs.size();
  r.projected_records = p.projected_records;
  r.skipped = p.skipped;
  r.seq_gaps = p.seq_gaps;
  const int cpus = static_cast<int>(p.header.nr_cpus);
  if (cpus < 1 || cpus > kMaxCpus)
    throw std::runtime_error(name + ": the trace has " + std::to_string(cpus) +
                             " CPUs; the model hosts 1.." + std::to_string(kMaxCpus));
  Instance& in = instance(cpus, p.enabled, opt_.dispatch_loops, p.bypass_projected);
  r.custody_checked = p.enabled & bit(ObsKind::Dequeue);
  for (size_t i = 0; i < p.segs.size(); ++i) {
    for (const Obs& o : p.segs[i].obs) ++r.kind_seen[static_cast<size_t>(o.k)];
    TraceResult one;
    replaySegment(in, p, i, &one);
    if (one.accepted < one.events && opt_.escalate_loops > opt_.dispatch_loops) {
      // More ops.dispatch rounds per balance (the same model, a larger bound).
      TraceResult more;
      replaySegment(instance(cpus, p.enabled, opt_.escalate_loops, p.bypass_projected), p, i, &more);
      if (more.accepted > one.accepted) {
        r.escalated_segments += 1;
        one = std::move(more);
      }
    }
    mergeSegment(one, opt_.max_disagreements, &r);
    if (r.custody_checked) checkCustody(p, p.segs[i], &r.custody);
  }
  return r;
}


void checkCustody(const Projection& p, const Segment& seg, CustodyCheck* out) {
  bool in = false;
  auto violation = [&](const Obs& o, const char* what) {
    ++out->violations;
    if (out->first.size() < 5)
      out->first.push_back("pid " + std::to_string(seg.pid) + " seq " + std::to_string(p.recs[o.rec].seq) +
                           ": " + what);
  };
  auto enter = [&] {
    if (!in) ++out->entries;
    in = true;
  };
  for (const Obs& o : seg.obs) {
    const bool user = o.b != kNone && targetKind(o.b) == TargetKind::User;
    switch (o.k) {
      case ObsKind::Enqueue:
        if (in) violation(o, "ops.enqueue while still in BPF custody (no ops.dequeue since it entered)");
        // kept on the BPF side, or inserted into a user DSQ: custody
        if (o.b == kNone || user) enter();
        break;
      case ObsKind::SelectCpu:
        // the insert is only recorded (mark_direct_dispatch); it commits at
        // the enqueue that follows, which ops.enqueue does not see
        if (in) violation(o, "ops.select_cpu while still in BPF custody");
        if (user) enter();
        break;
      case ObsKind::Insert:
      case ObsKind::DsqMove:
        // An insert from ops.dispatch or a move acts only on a task the BPF
        // scheduler holds (ops_state QUEUED, already in custody): into a
        // user DSQ it stays there; to a local or the global DSQ custody ends
        // with ops.dequeue(0).  An insert of a task not in custody is stale
        // (it slept meanwhile): finish_dispatch drops it on the qseq /
        // ops_state check (ext.c:2901), so it does not enter custody.
        // (ci3 pid 114 seq 70506: inserted into 0x100 after its
        // ops.quiescent(SLEEP); woken later with a fresh ops.enqueue.)
        break;
      case ObsKind::Dequeue:
        if (!in) violation(o, "ops.dequeue without BPF custody");
        else ++out->dequeues;
        in = false;
        break;
      case ObsKind::Running:
        if (in) violation(o, "ops.running while in BPF custody: it left custody without ops.dequeue");
        break;
      case ObsKind::Quiescent:
        if (in) violation(o, "ops.quiescent while in BPF custody: dequeued without ops.dequeue");
        break;
      default:
        break;
    }
  }
}

}  // namespace scxmc::validate
