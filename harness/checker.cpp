#include "checker.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "pack.hpp"
#include "symmetry.hpp"
#include "state_store.hpp"

namespace scxmc {

const char* statusName(Status s) {
  switch (s) {
    case Status::Holds: return "holds";
    case Status::Violated: return "violated";
    case Status::Incomplete: return "incomplete";
  }
  return "?";
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

// Runs every monitor's transition check; the first violation wins.
void monitorStep(const Config& cfg, const InvariantList& invs, const State& from, const StepLog& log,
                 State& to, int* inv, std::string* why) {
  for (size_t i = 0; i < invs.size(); ++i) {
    std::string w;
    if (!invs[i]->onStep(cfg, from, log, to, &w) && inv && *inv < 0) {
      *inv = static_cast<int>(i);
      *why = w;
    }
  }
}

void monitorState(const Config& cfg, const InvariantList& invs, const State& s, int* inv, std::string* why) {
  for (size_t i = 0; i < invs.size(); ++i) {
    std::string w;
    if (!invs[i]->onState(cfg, s, &w) && *inv < 0) {
      *inv = static_cast<int>(i);
      *why = w;
    }
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

CheckResult Checker::run() {
  const Config& cfg = model_.config();
  const Codec codec(cfg);
  StateStore store(codec.bytes());
  std::vector<uint32_t> parent;
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
    r.statement = "some actor can always move (no cycle of spin-waits and held locks)";
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
  std::string err;
  const State init = model_.initial();
  {
    int i = -1;
    std::string why;
    monitorState(cfg, invs_, init, &i, &why);
    if (i >= 0) record(i, 0, true, Transition{}, why);
    bool ins;
    canonicalPack(codec, cfg, init, limits_.symmetry, buf.data());
    store.insert(buf.data(), &ins);
    parent.push_back(0);
  }

  uint64_t level_end = 1;
  int depth = 0;
  bool stop = false;
  for (uint64_t idx = 0; idx < store.size() && !stop; ++idx) {
    if (idx == level_end) {
      ++depth;
      level_end = store.size();
      if (progress_) {
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "  depth %d: %llu states, %.1f s\n", depth, (unsigned long long)store.size(), s);
      }
    }
    if (limits_.max_depth && depth >= limits_.max_depth) {
      res.complete = false;
      res.incomplete_reason = "depth bound " + std::to_string(limits_.max_depth) + " reached";
      break;
    }
    const State s = codec.unpack(store.at(idx));
    uint64_t succ = 0;
    forEachSuccessor(model_, s, [&](State& next, const StepLog& log, const Transition& tr) {
      ++succ;
      ++res.stats.transitions;
      if (log.overflow) {
        std::fprintf(stderr, "scxmc: internal error: step log overflow\n");
        std::abort();
      }
      int i = -1;
      std::string why;
      monitorStep(cfg, invs_, s, log, next, &i, &why);
      if (i >= 0) record(i, idx, false, tr, why);
      if (observer_) observer_(s, log, next);
      if (!canonicalPack(codec, cfg, next, limits_.symmetry, buf.data(), &next, &err)) {
        record(bounds_idx, idx, false, tr, "state outside the model's bounds: " + err);
        return;
      }
      bool inserted;
      const uint64_t to = store.insert(buf.data(), &inserted);
      if (indexed_) indexed_(idx, tr, s, log, to, inserted);
      if (inserted) {
        parent.push_back(static_cast<uint32_t>(idx));
        int j = -1;
        std::string w;
        monitorState(cfg, invs_, next, &j, &w);
        if (j >= 0) record(j, idx, false, tr, w);
      }
    });
    if (succ == 0) {
      ++res.stats.deadlocks;
      if (res.invariants[deadlock_idx].status != Status::Violated) {
        // the deadlocked state itself is the end of the counterexample
        InvariantResult& r = res.invariants[deadlock_idx];
        r.status = Status::Violated;
        r.message = "no actor can move";
        r.from = idx;
        r.from_initial = idx == 0;
        r.tr.n = 0xff;  // marker: no final transition
        --open;
      }
    }
    if (open == 0 || (limits_.stop_at_first && open < static_cast<int>(invs_.size()) + builtins)) stop = true;
    if ((idx & 0xfff) == 0) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (limits_.time_limit_s > 0 && secs > limits_.time_limit_s) {
        res.complete = false;
        res.incomplete_reason = "time limit of " + std::to_string(static_cast<int>(limits_.time_limit_s)) + " s";
        break;
      }
      if (limits_.max_memory_mib && peakRssMiB() > limits_.max_memory_mib) {
        res.complete = false;
        res.incomplete_reason = "memory limit of " + std::to_string(limits_.max_memory_mib) + " MiB";
        break;
      }
    }
    if ((limits_.max_states && store.size() > limits_.max_states) || store.size() > StateStore::kMaxStates) {
      res.complete = false;
      res.incomplete_reason = "state limit of " + std::to_string(limits_.max_states ? limits_.max_states : StateStore::kMaxStates);
      break;
    }
  }
  if (stop && open > 0) {
    res.complete = false;
    res.incomplete_reason = "stopped at the first violation";
  }

  res.stats.states = store.size();
  res.stats.depth = depth;
  res.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.stats.store_bytes = store.bytes();
  res.stats.state_bytes = codec.bytes();

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
      bool found = false;
      forEachSuccessor(model_, cur, [&](State& next, const StepLog& log, const Transition& tr) {
        if (found) return;
        int i = -1;
        std::string why;
        monitorStep(cfg, invs_, cur, log, next, &i, &why);
        if (!canonicalPack(codec, cfg, next, limits_.symmetry, want.data())) return;
        if (std::memcmp(want.data(), store.at(to), codec.bytes()) == 0) {
          found = true;
          r.cex.steps.push_back(Step{tr, log});
          cur = next;
        }
      });
      if (!found) {
        std::fprintf(stderr, "scxmc: internal error: counterexample reconstruction failed\n");
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
  res.stats.peak_rss_mib = peakRssMiB();
  return res;
}

}  // namespace scxmc
