#include "checker.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <utility>
#include <algorithm>
#include <cstring>
#include <new>

#include <malloc.h>

#include "format.hpp"
#include "interrupt.hpp"
#include "memory.hpp"
#include "pack.hpp"
#include "symmetry.hpp"
#include "collapse_store.hpp"

namespace scxmc {

const char* statusName(Status s) {
  switch (s) {
    case Status::Holds: return "holds";
    case Status::Violated: return "violated";
    case Status::Incomplete: return "incomplete";
  }
  return "?";
}

bool CheckResult::any_vacuous() const {
  for (const auto& r : invariants)
    if (r.vacuous) return true;
  return false;
}

bool CheckResult::any_violated() const {
  for (const auto& r : invariants)
    if (r.status == Status::Violated) return true;
  return false;
}

uint64_t peakRssMiB() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) / 1024;
  return 0;
}

namespace {

// Every invariant a transition or a state violates, in invariant order.  A
// monitor's ghost bits are unreliable after its own violation, so each
// violated invariant is recorded where it happens, not only the first.
using Violations = std::vector<std::pair<int, std::string>>;

void monitorStep(const Config& cfg, const InvariantList& invs, const State& from, const StepLog& log,
                 State& to, Violations* out) {
  for (size_t i = 0; i < invs.size(); ++i) {
    std::string w;
    if (!invs[i]->onStep(cfg, from, log, to, &w)) out->emplace_back(static_cast<int>(i), std::move(w));
  }
}

void monitorState(const Config& cfg, const InvariantList& invs, const State& s, Violations* out) {
  for (size_t i = 0; i < invs.size(); ++i) {
    std::string w;
    if (!invs[i]->onState(cfg, s, &w)) out->emplace_back(static_cast<int>(i), std::move(w));
  }
}

}  // namespace

std::string stepViolation(const Config& cfg, const InvariantList& invs, int k, const State& prev,
                          const StepLog& log, State& next) {
  std::string msg;
  for (size_t i = 0; i < invs.size(); ++i) {
    std::string w;
    if (!invs[i]->onStep(cfg, prev, log, next, &w) && static_cast<int>(i) == k) msg = w;
  }
  if (k >= 0 && msg.empty()) {
    std::string w;
    if (!invs[k]->onState(cfg, next, &w)) msg = w;
  }
  return msg;
}

// Subsumption on the kfunc budget of ops.dispatch.  CpuState::actions counts
// the kfunc calls made in the current ops.dispatch; the model reads it only
// to stop offering kfuncs once it reaches --dispatch-actions (bpfDispatch:
// returning is always offered).  So a state S' equal to S except that one
// CPU has spent fewer calls simulates S: every step of S is a step of S'
// with the same events and a successor that again differs only by a smaller
// counter (deadlocks too: the counter does not change whether a step is
// enabled, only which kfuncs it offers).  A successor whose dominator is
// already stored is therefore not stored: every violation reachable from it
// is reachable from the dominator in as many steps, and the dominator was
// stored first, so breadth-first counterexamples stay shortest.  The check
// happens in the merge, in state order, so it does not depend on the number
// of threads.  Off with the other reductions (Limits::symmetry).
static void packDominators(const Codec& codec, const Config& cfg, const State& canon, std::vector<uint8_t>* out) {
  for (int c = 0; c < cfg.cpus; ++c)
    for (uint8_t k = 0; k < canon.cpu[c].actions; ++k) {
      State d = canon;
      d.cpu[c].actions = k;
      const size_t at = out->size();
      out->resize(at + codec.bytes());
      canonicalPack(codec, cfg, d, true, out->data() + at);
    }
}

uint32_t Checker::SuccTwins::find(const State& s, uint32_t k) {
  const uint64_t h = hashBytes(reinterpret_cast<const uint8_t*>(&s), sizeof(State));
  for (size_t j = 0; j < n_; ++j)
    if (entries_[j].hash == h && std::memcmp(&states_[j], &s, sizeof(State)) == 0) return entries_[j].k;
  if (n_ == entries_.size()) {
    entries_.emplace_back();
    states_.emplace_back();
  }
  entries_[n_] = Entry{h, k};
  states_[n_] = s;
  ++n_;
  return kNone;
}

// Expands the stored states [lo, hi): every successor is checked by the
// monitors, normalized and packed; nothing is inserted (the caller merges).
void Checker::expandRange(ExtCore& m, const Codec& codec, const CollapseStore& store, uint64_t lo, uint64_t hi,
                          Expansion& x) const {
  const Config& cfg = m.config();
  x.first = lo;
  x.failed = false;
  x.exercised = 0;
  x.succs_per_state.clear();
  x.stuck.clear();
  x.succs.clear();
  x.packs.clear();
  x.logs.clear();
  x.notes.clear();
  x.doms.clear();
  x.doms_end.clear();
  x.ids.clear();
  const int np = store.idCount();
  Notes nt;
  std::string err;
  for (uint64_t idx = lo; idx < hi; ++idx) {
    x.scratch.resize(codec.bytes());
    store.load(idx, x.scratch.data());
    uint32_t from_ids[CollapseStore::kMaxIds];
    store.ids(idx, from_ids);
    const CollapseStore::Hint hint{x.scratch.data(), from_ids};
    const State s = codec.unpack(x.scratch.data());
    if (indexed_) x.from_state = s;
    uint32_t count = 0;
    StepCount steps;
    x.twins.clear();
    forEachSuccessor(m, s, [&](State& next, const StepLog& log, const Transition& tr) {
      ++count;
      steps.add(cfg, s, next, tr.actor);
      if (log.overflow) {
        std::fprintf(stderr, "scxmc: internal error: step log overflow\n");
        std::abort();
      }
      Succ sc;
      sc.tr = tr;
      monitorStep(cfg, invs_, s, log, next, &nt.step);
      // vacuity: which applicable invariants this step exercises (only while
      // some are not known to be exercised: the first few states, normally)
      if (const uint64_t want = vacuity_want_ & ~exercised_.load(std::memory_order_relaxed) & ~x.exercised)
        for (size_t i = 0; i < invs_.size(); ++i)
          if ((want >> i) & 1)
            for (const Event& e : log)
              if (invs_[i]->exercisedBy(e)) {
                x.exercised |= uint64_t{1} << i;
                break;
              }
      if (observer_) observer_(s, log, next);
      if (indexed_) x.logs.push_back(log);
      if (limits_.symmetry) m.normalizeDead(next);
      const size_t at = x.packs.size();
      x.packs.resize(at + codec.bytes());
      const size_t ids_at = x.ids.size();
      x.ids.resize(ids_at + np, CollapseStore::kUnknown);
      uint32_t* ids = x.ids.data() + ids_at;
      const size_t k = x.succs.size();
      const uint32_t twin = x.twins.find(next, static_cast<uint32_t>(k));
      if (twin != SuccTwins::kNone) {
        // the same successor as an earlier step of this state: reuse what
        // that one computed (see SuccTwins)
        const size_t bytes = codec.bytes();
        std::copy_n(x.packs.data() + twin * bytes, bytes, x.packs.data() + at);
        std::copy_n(x.ids.data() + static_cast<size_t>(twin) * np, np, ids);
        const size_t d0 = (twin ? x.doms_end[twin - 1] : 0) * bytes, d1 = x.doms_end[twin] * bytes;
        const size_t dat = x.doms.size();
        x.doms.resize(dat + (d1 - d0));
        std::copy_n(x.doms.data() + d0, d1 - d0, x.doms.data() + dat);
        if (const uint32_t tn = x.succs[twin].notes) {
          const Notes& other = x.notes[tn - 1];
          nt.state = other.state;
          nt.out_of_bounds = other.out_of_bounds;
          nt.bounds_why = other.bounds_why;
        }
      } else if (!canonicalPack(codec, cfg, next, limits_.symmetry, x.packs.data() + at, &next, &err)) {
        nt.out_of_bounds = true;
        nt.bounds_why = "state outside the model's bounds: " + err;
      } else if (!(store.resolve(x.packs.data() + at, &hint, ids) && store.containsIds(ids))) {
        // only a new state is checked
        monitorState(cfg, invs_, next, &nt.state);
        if (limits_.symmetry && !indexed_ && m.dispatchBudgetOnlyLimits()) packDominators(codec, cfg, next, &x.doms);
      }
      x.doms_end.push_back(static_cast<uint32_t>(x.doms.size() / codec.bytes()));
      if (!nt.step.empty() || !nt.state.empty() || nt.out_of_bounds) {
        x.notes.push_back(std::move(nt));
        nt = Notes{};
        sc.notes = static_cast<uint32_t>(x.notes.size());
      }
      x.succs.push_back(sc);
    });
    x.succs_per_state.push_back(count);
    x.stuck.push_back(static_cast<uint8_t>(stuckOf(cfg, s, steps)));
  }
}

// Is a kernel path in flight: a CPU or task actor away from its rest point,
// or the enable/disable helper inside a stage (not idle, enabled or done)?
static bool pathInFlight(const Config& cfg, const State& s) {
  for (int a = 0; a < cfg.actors(); ++a)
    if (s.actor[a].pc != 0) return true;
  if (!cfg.lifecycle) return false;
  if (s.sub_mig & kSubMigPcMask) return true;  // (--sub-migrations) the cgroup.procs writer, inside its write
  const LifePc st = lifeStage(s.life_pc);
  return st != LifePc::Idle && st != LifePc::Enabled && st != LifePc::Done;
}

void StepCount::add(const Config& cfg, const State& from, const State& to, int actor) {
  ++all;
  if (actor == cfg.nmiActor()) {
    ++nmi;
    return;
  }
  if (!(to == from)) return;
  ++back;
  if (cfg.lifecycle && actor == cfg.actors() && lifeStage(from.life_pc) == LifePc::Done) ++end;
}

// An scx_error() ends the BPF scheduler: scx_vexit (ext.c:7276) claims the
// exit and queues the disable work (scx_disable_irq_workfn ext.c:7239 ->
// scx_disable_workfn ext.c:6841 -> scx_root_disable), which takes over from
// every CPU (bypass).  Without --lifecycle the model has no disable path and
// stops the execution there (ExtCore::step), so a state without successors
// after an error is the end of the scheduler, not a deadlock.
// --nmi: the hardlockup NMI is enabled in every state of an enabled
// scheduler until it claims the exit, so it would "move" in every deadlock;
// a lockup is not resolved by a lock-free claim while the locks stay held,
// so a state whose only steps are the NMI's is a deadlock too.  Nor is a
// state with no step after its claim (its scx_error) the scheduler's end:
// --nmi needs --lifecycle, whose disable path takes over after an exit
// claim and, once through, always has a step (LifePc::Done), so a state
// where it cannot move is stuck.
// A step that leads back to the same state moves nothing (session 16): a
// retry whose condition never changes while the locks stay held (a
// cgroup.procs write whose prep_move fails, again and again).  So a state
// in which a kernel path is in flight (some CPU or task actor is not at
// rest, or the helper is inside a stage) and whose every step but the
// NMI's leads back to it is stuck too: that path never completes.  Without
// a path in flight such a state is quiet, not stuck: every task runs and
// the environment's remaining events (a renice of a running task) change
// nothing, as with a restricted --env.  Nor is the end of the execution,
// the helper at LifePc::Done after the last cycle, whose step changes
// nothing by design (the machine runs on fair).
Stuck stuckOf(const Config& cfg, const State& s, const StepCount& c) {
  if (c.all == 0) return s.scx_error && !cfg.nmi ? Stuck::ErrorExit : Stuck::NoStep;
  if (c.all - c.nmi - c.back != 0) return Stuck::No;  // some step moves the state on
  // (a quiet state stays one with the NMI's steps: before session 16 any
  // step but the NMI's kept a state from being a deadlock)
  if (c.back > c.end) return pathInFlight(cfg, s) ? Stuck::OnlyBack : Stuck::No;
  if (c.nmi != 0) return Stuck::OnlyNmi;
  return Stuck::No;  // only the end's step
}

const char* stuckMessage(Stuck k) {
  switch (k) {
    case Stuck::NoStep: return kDeadlockNoStep;
    case Stuck::OnlyNmi: return kDeadlockButNmi;
    case Stuck::OnlyBack: return kDeadlockOnlyBack;
    case Stuck::No:
    case Stuck::ErrorExit: break;
  }
  return nullptr;
}

namespace {
std::string outOfMemory() {
  return "out of memory (std::bad_alloc at " + std::to_string(support::currentRssMiB()) + " MiB resident)";
}
}  // namespace

// Memory exhaustion before the breadth-first loop (the store's first
// tables and the initial state, after an earlier search in this process
// left little address space) ends the search like the loop's own
// out-of-memory handling does: INCOMPLETE, nothing claimed, never an abort.
CheckResult Checker::run() {
  try {
    return search();
  } catch (const std::bad_alloc&) {
    CheckResult res;
    res.limits = limits_;
    res.complete = false;
    res.incomplete_reason = outOfMemory();
    for (const auto& inv : invs_) {
      InvariantResult r;
      r.id = inv->id();
      r.statement = inv->statement();
      r.status = Status::Incomplete;
      res.invariants.push_back(r);
    }
    for (const char* id : {"deadlock", "model-bounds"}) {
      InvariantResult r;
      r.id = id;
      r.status = Status::Incomplete;
      res.invariants.push_back(r);
    }
    return res;
  }
}

CheckResult Checker::search() {
  const Config& cfg = model_.config();
  const Codec codec(cfg);
  CollapseStore store(codec, limits_.tree_store);
  ChunkedArray<uint32_t> parent;  // BFS parent of each stored state
  CheckResult res;
  for (const auto& inv : invs_) {
    InvariantResult r;
    r.id = inv->id();
    r.statement = inv->statement();
    res.invariants.push_back(r);
  }
  // Built-in: a state where no actor can move is a deadlock (every actor
  // blocked on a lock or a spin-wait).  Reported like an invariant.
  {
    InvariantResult r;
    r.id = "deadlock";
    r.statement = "some actor can always move (no cycle of spin-waits and held locks); an scx_error() that ends the BPF scheduler is not a deadlock";
    res.invariants.push_back(r);
  }
  const int deadlock_idx = static_cast<int>(invs_.size());
  {
    // Built-in: every reached state fits the encoding (a DSQ longer than the
    // task count, a count beyond its field...).  Only a broken model or
    // variant can violate it; the state is then reported, not stored.
    InvariantResult r;
    r.id = "model-bounds";
    r.statement = "every reached state is representable (fields within their domains)";
    res.invariants.push_back(r);
  }
  const int bounds_idx = deadlock_idx + 1;
  const int builtins = 2;
  res.limits = limits_;
  vacuity_want_ = 0;
  exercised_.store(0);
  for (size_t i = 0; i < invs_.size() && i < 64; ++i)
    if (invs_[i]->applies(cfg)) vacuity_want_ |= uint64_t{1} << i;
  // What an earlier search in this process freed goes back to the system, so
  // that the memory limit (compared with the resident memory now, not the
  // historic peak) measures this search: a ladder rung after a run stopped
  // by its memory limit starts from what is left, not from that peak.
  malloc_trim(0);
  int open = static_cast<int>(invs_.size()) + builtins;
  auto record = [&](int i, uint64_t from, bool initial, const Transition& tr, const std::string& why) {
    InvariantResult& r = res.invariants[i];
    if (r.status == Status::Violated) return;
    r.status = Status::Violated;
    r.message = why;
    r.from = from;
    r.from_initial = initial;
    r.tr = tr;
    --open;
  };

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<uint8_t> buf(codec.bytes());
  const State init = model_.initial();
  {
    Violations v;
    monitorState(cfg, invs_, init, &v);
    for (const auto& [k, w] : v) record(k, 0, true, Transition{}, w);
    bool ins;
    State rep = init;
    if (limits_.symmetry) model_.normalizeDead(rep);
    canonicalPack(codec, cfg, rep, limits_.symmetry, buf.data());
    // (memory exhaustion here: run()'s handler)
    store.reserve(1);
    store.insert(buf.data(), &ins);
    parent.push_back(0);
  }

  // The search runs level by level.  A level's states are cut into chunks
  // that the threads expand in any order (every worker has its own model
  // instance, and at most kRing chunks wait ahead of the merge); the main
  // thread merges the chunks' successors into the store in state order,
  // expanding chunks itself while the next one to merge is not ready.  So
  // the store's order, every count and every counterexample are the same for
  // any number of threads.  Workers read the store while the main thread
  // inserts (collapse_store.hpp); growing its tables waits for them (grow_lock).
  const bool observed = observer_ || indexed_;
  const int threads = observed || !factory_ ? 1 : std::max(1, limits_.threads);
  std::vector<std::unique_ptr<ExtCore>> extra;
  for (int w = 1; w < threads; ++w) extra.push_back(factory_());
  const uint64_t chunk_states = threads > 1 ? 16 : 1;
  constexpr uint64_t kRing = 64;
  struct Slot {
    Expansion x;
    std::atomic<uint64_t> done{0};  // 1 + the number of the chunk expanded into x
  };
  std::vector<Slot> ring(threads > 1 ? kRing : 1);
  std::shared_mutex grow_lock;

  int depth = 0;
  bool stop = false;
  uint64_t merged_states = 0, next_check = 0;
  bool limited = false;  // a limit, not a violation, stopped the search
  auto limitHit = [&](std::string why) {
    res.complete = false;
    res.incomplete_reason = std::move(why);
    stop = limited = true;
  };
  for (uint64_t level_lo = 0; level_lo < store.size() && !stop;) {
    const uint64_t level_hi = store.size();
    if (level_lo > 0) {
      ++depth;
      if (progress_) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "  depth %d: %llu states, %.1f s\n", depth, (unsigned long long)store.size(), s);
      }
      if (hook_) {
        SearchProgress p;
        p.depth = depth;
        p.states = store.size();
        p.level_states = level_hi - level_lo;
        p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        p.level_start = true;
        hook_(p);
      }
    }
    if (limits_.max_depth && depth >= limits_.max_depth) {
      limitHit("depth bound " + std::to_string(limits_.max_depth) + " reached");
      break;
    }
    const uint64_t nchunks = (level_hi - level_lo + chunk_states - 1) / chunk_states;
    std::atomic<uint64_t> claimed{0}, merged{0};
    std::atomic<bool> quit{false};
    for (Slot& sl : ring) sl.done.store(0, std::memory_order_relaxed);
    auto tryClaim = [&](uint64_t* c) {
      uint64_t k = claimed.load(std::memory_order_relaxed);
      while (k < nchunks && k < merged.load(std::memory_order_acquire) + ring.size())
        if (claimed.compare_exchange_weak(k, k + 1, std::memory_order_relaxed)) {
          *c = k;
          return true;
        }
      return false;
    };
    auto expandChunk = [&](int w, uint64_t c) {
      Slot& sl = ring[c % ring.size()];
      const uint64_t lo = level_lo + c * chunk_states, hi = std::min(level_hi, lo + chunk_states);
      {
        std::shared_lock lk(grow_lock);
        try {
          expandRange(w == 0 ? model_ : *extra[w - 1], codec, store, lo, hi, sl.x);
        } catch (const std::bad_alloc&) {
          sl.x.failed = true;  // the merge stops there: out of memory
        }
      }
      sl.done.store(c + 1, std::memory_order_release);
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < threads; ++w)
      pool.emplace_back([&, w] {
        uint64_t c;
        while (!quit.load(std::memory_order_relaxed) && claimed.load(std::memory_order_relaxed) < nchunks) {
          if (tryClaim(&c)) expandChunk(w, c);
          else std::this_thread::yield();
        }
      });
    // Memory exhaustion (std::bad_alloc) in an expansion or in the merge
    // ends the search like a limit: INCOMPLETE, with the states so far.
    const auto oom = [&] { limitHit(outOfMemory()); };
    try {
    for (uint64_t m = 0; m < nchunks && !stop; ++m) {
      Slot& sl = ring[m % ring.size()];
      for (uint64_t c; sl.done.load(std::memory_order_acquire) != m + 1;) {
        if (tryClaim(&c)) expandChunk(0, c);
        else std::this_thread::yield();
      }
      if (sl.x.failed) {
        oom();
        break;
      }
      const Expansion& x = sl.x;
      if (store.needsGrow(x.succs.size())) {
        std::unique_lock lk(grow_lock);
        store.reserve(x.succs.size());
      }
      size_t k = 0;
      for (uint64_t n = 0; n < x.succs_per_state.size() && !stop; ++n) {
        const uint64_t from = x.first + n;
        for (uint32_t j = 0; j < x.succs_per_state[n]; ++j, ++k) {
          const Succ& sc = x.succs[k];
          const Notes* nt = sc.notes ? &x.notes[sc.notes - 1] : nullptr;
          ++res.stats.transitions;
          if (nt) {
            for (const auto& [v, w] : nt->step) record(v, from, false, sc.tr, w);
            if (nt->out_of_bounds) {
              record(bounds_idx, from, false, sc.tr, nt->bounds_why);
              continue;
            }
          }
          const uint8_t* packed = x.packs.data() + k * codec.bytes();
          uint32_t ids[CollapseStore::kMaxIds];
          std::copy_n(x.ids.data() + k * store.idCount(), store.idCount(), ids);
          const CollapseStore::Hint self{packed, ids};
          bool dominated = false;
          for (uint32_t d = k ? x.doms_end[k - 1] : 0; d < x.doms_end[k] && !dominated; ++d)
            dominated = store.contains(x.doms.data() + static_cast<uint64_t>(d) * codec.bytes(), &self);
          if (dominated) {
            // (counted only when not stored already: the count is then the
            // same for any chunk size; a violation of the state itself is
            // still recorded, its step from `from` names it)
            if (!store.contains(packed, &self)) {
              ++res.stats.subsumed;
              if (nt)
                for (const auto& [v, w] : nt->state) record(v, from, false, sc.tr, w);
            }
            continue;
          }
          bool inserted;
          const uint64_t to = store.insert(packed, ids, &inserted);
          if (indexed_) indexed_(from, sc.tr, x.from_state, x.logs[k], to, inserted);
          if (inserted) {
            parent.push_back(static_cast<uint32_t>(from));
            if (nt)
              for (const auto& [v, w] : nt->state) record(v, from, false, sc.tr, w);
          }
        }
        const Stuck stuck = static_cast<Stuck>(x.stuck[n]);
        if (stuck == Stuck::ErrorExit) {
          ++res.stats.error_exits;
        } else if (stuck != Stuck::No) {
          ++res.stats.deadlocks;
          if (res.invariants[deadlock_idx].status != Status::Violated) {
            // the deadlocked state itself is the end of the counterexample
            InvariantResult& r = res.invariants[deadlock_idx];
            r.status = Status::Violated;
            r.message = stuckMessage(stuck);
            r.from = from;
            r.from_initial = from == 0;
            r.tr.n = 0xff;  // marker: no final transition
            --open;
          }
        }
        if (open == 0 || (limits_.stop_at_first && open < static_cast<int>(invs_.size()) + builtins)) stop = true;
        // SIGINT/SIGTERM (support/interrupt.hpp): stop at this state boundary
        if (!stop && support::interrupted()) limitHit(support::interruptedReason());
        // the limits, checked after every expanded state
        if (++merged_states >= next_check) {
          next_check = merged_states + 0x1000;
          const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          if (hook_) {
            SearchProgress p;
            p.depth = depth;
            p.states = store.size();
            p.level_states = level_hi - level_lo;
            p.level_done = from + 1 - level_lo;
            p.seconds = secs;
            hook_(p);
          }
          if (limits_.time_limit_s > 0 && secs > limits_.time_limit_s) {
            limitHit("time limit of " + std::to_string(static_cast<int>(limits_.time_limit_s)) + " s");
          } else if (limits_.max_memory_mib && support::currentRssMiB() > limits_.max_memory_mib) {
            limitHit("memory limit of " + std::to_string(limits_.max_memory_mib) + " MiB");
          }
        }
        if (!stop && ((limits_.max_states && store.size() > limits_.max_states) || store.size() > StateStore::kMaxStates))
          limitHit("state limit of " + std::to_string(limits_.max_states ? limits_.max_states : StateStore::kMaxStates));
      }
      exercised_.fetch_or(x.exercised, std::memory_order_relaxed);  // (in merge order: deterministic)
      merged.store(m + 1, std::memory_order_release);
    }
    } catch (const std::bad_alloc&) {
      oom();
    }
    quit.store(true, std::memory_order_relaxed);
    for (auto& t : pool) t.join();
    level_lo = level_hi;
  }
  if (stop && !limited && open > 0) {
    res.complete = false;
    res.incomplete_reason = "stopped at the first violation";
  }

  res.stats.states = store.size();
  res.stats.depth = depth;
  res.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.stats.store_bytes = store.bytes();
  // the visited set's whole cost per state: the state's own entry (8 bytes
  // with the tree, 4 a part without), its hash slot, and its share of the
  // part and inner-node tables (collapse_store.hpp)
  res.stats.state_bytes = store.size() ? static_cast<int>((store.usedBytes() + store.size() / 2) / store.size()) : 0;

  // Shortest counterexamples: the BFS parent chain, replayed as a concrete
  // trace from the initial state (each link is found again by expanding the
  // concrete state and matching the stored, possibly canonical, successor);
  // then the violating step is found among the last state's successors.
  for (size_t k = 0; k < res.invariants.size(); ++k) {
    InvariantResult& r = res.invariants[k];
    if (r.status != Status::Violated) {
      if (!res.complete) r.status = Status::Incomplete;
      continue;
    }
    const bool no_last = r.tr.n == 0xff;
    std::vector<uint64_t> chain;
    if (!r.from_initial || no_last) {
      for (uint64_t i = r.from;; i = parent[i]) {
        chain.push_back(i);
        if (i == 0) break;
      }
    }
    std::vector<uint8_t> want(codec.bytes());
    State cur = init;
    for (size_t c = chain.size(); c-- > 1;) {
      const uint64_t to = chain[c - 1];
      std::vector<uint8_t> stored(codec.bytes());
      store.load(to, stored.data());
      bool found = false;
      forEachSuccessor(model_, cur, [&](State& next, const StepLog& log, const Transition& tr) {
        if (found) return;
        Violations ignored;
        monitorStep(cfg, invs_, cur, log, next, &ignored);
        State rep = next;
        if (limits_.symmetry) model_.normalizeDead(rep);
        if (!canonicalPack(codec, cfg, rep, limits_.symmetry, want.data())) return;
        if (std::memcmp(want.data(), stored.data(), codec.bytes()) == 0) {
          found = true;
          r.cex.steps.push_back(Step{tr, log});
          cur = next;
        }
      });
      if (!found) {
        std::fprintf(stderr,
                     "scxmc: internal error: counterexample reconstruction failed at step %zu of %s: no "
                     "successor of\n%s\nis stored as\n%s\n",
                     chain.size() - c, r.id.c_str(), describeState(cfg, cur).c_str(),
                     describeState(cfg, codec.unpack(stored.data())).c_str());
        std::abort();
      }
    }
    // (from_initial without no_last: the initial state itself violates it)
    if (!no_last && !r.from_initial) {
      // the violating step, among the concrete successors of `cur`
      bool found = false;
      forEachSuccessor(model_, cur, [&](State& next, const StepLog& log, const Transition& tr) {
        if (found) return;
        const bool builtin = k >= invs_.size();
        std::string msg = stepViolation(cfg, invs_, builtin ? -1 : static_cast<int>(k), cur, log, next);
        if (builtin) {  // model-bounds
          std::string perr;
          if (!codec.pack(next, want.data(), &perr)) msg = "state outside the model's bounds: " + perr;
        }
        if (msg.empty()) return;
        found = true;
        r.message = msg;
        r.cex.steps.push_back(Step{tr, log});
        cur = next;
      });
      if (!found) {
        std::fprintf(stderr, "scxmc: internal error: violating step of %s not found again\n", r.id.c_str());
        std::abort();
      }
    }
    r.cex.final_state = cur;
  }
  // Vacuity (docs/reliability.md): a complete search in which an applicable
  // invariant holds but none of its exercising events occurred.
  if (res.complete)
    for (size_t k = 0; k < invs_.size() && k < 64; ++k)
      if (res.invariants[k].status == Status::Holds && ((vacuity_want_ & ~exercised_.load()) >> k & 1))
        res.invariants[k].vacuous = true;
  res.stats.peak_rss_mib = peakRssMiB();
  return res;
}

}  // namespace scxmc
