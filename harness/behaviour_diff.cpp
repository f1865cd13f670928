#include "behaviour_diff.hpp"
#include "interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>

#include "format.hpp"
#include "pack.hpp"
#include "state_store.hpp"

namespace scxmc {

namespace {

enum class Cb : uint8_t { SelectCpu = 1, Enqueue, Dequeue, Runnable, Running, Stopping, Quiescent, SetWeight, SetCpumask };

// The kind of a direct-insert verdict (no CPU or DSQ number: those are
// renamings, not behaviour); 0 = none / kept on the BPF side.
uint8_t verdictKind(uint8_t target) {
  if (target == kNone) return 0;
  return static_cast<uint8_t>(1 + static_cast<uint8_t>(targetKind(target)));
}

const char* verdictKindName(uint8_t k) {
  static const char* const n[] = {"-", "LOCAL", "LOCAL_ON", "GLOBAL", "USER"};
  return k < 5 ? n[k] : "?";
}

Callback make(Cb k, uint8_t arg = 0) { return static_cast<Callback>((static_cast<uint16_t>(k) << 8) | arg); }

// One exploration: the (state, sequence) pairs and the sequence trie.
struct Explorer {
  struct Node {
    int parent;
    Callback cb;
    int depth;
    std::map<Callback, int> kids;
    uint64_t from;    // the pair whose expansion first produced it
    Transition tr;    // ... by this transition (root: unused)
    int run;          // ... in this exploration (one per representative task)
  };
  ExtCore& m;
  const BehaviourLimits& lim;
  Codec codec;
  std::vector<Node> nodes;
  // per exploration: each pair's parent pair and the transition to it
  std::vector<std::vector<uint32_t>> parents;
  std::vector<std::vector<Transition>> vias;
  bool complete = true;
  std::string reason;
  uint64_t pairs = 0;

  Explorer(ExtCore& model, const BehaviourLimits& l) : m(model), lim(l), codec(model.config()) {}

  int child(int n, Callback c, uint64_t from, const Transition& tr) {
    auto it = nodes[n].kids.find(c);
    if (it != nodes[n].kids.end()) return it->second;
    const int id = static_cast<int>(nodes.size());
    nodes.push_back(Node{n, c, nodes[n].depth + 1, {}, from, tr, static_cast<int>(parents.size()) - 1});
    nodes[n].kids.emplace(c, id);
    return id;
  }

  // Explores the sequences of task `task`, adding them to the trie.
  void run(uint8_t task) {
    const int w = codec.bytes();
    StateStore store(w + 4);
    std::vector<uint8_t> key(w + 4);
    if (nodes.empty()) nodes.push_back(Node{-1, 0, 0, {}, 0, Transition{}, 0});
    parents.emplace_back();
    vias.emplace_back();
    std::vector<uint32_t>& parent = parents.back();
    std::vector<Transition>& via = vias.back();
    auto put = [&](const State& s, int node, uint32_t par, const Transition& tr) {
      if (!codec.pack(s, key.data())) return;  // out of bounds: the checker reports it
      std::memcpy(key.data() + w, &node, 4);
      bool ins;
      store.insert(key.data(), &ins);
      if (ins) {
        parent.push_back(par);
        via.push_back(tr);
      }
    };
    put(m.initial(), 0, 0, Transition{});
    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t idx = 0; idx < store.size(); ++idx) {
      if (store.size() > lim.max_pairs) {
        complete = false;
        reason = "more than " + std::to_string(lim.max_pairs) + " (state, sequence) pairs";
        break;
      }
      if (support::interrupted()) {
        complete = false;
        reason = support::interruptedReason();
        break;
      }
      if ((idx & 0xfff) == 0 && lim.time_limit_s > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > lim.time_limit_s) {
        complete = false;
        reason = "time limit of " + std::to_string(static_cast<int>(lim.time_limit_s)) + " s";
        break;
      }
      int node;
      std::memcpy(&node, store.at(idx) + w, 4);
      if (nodes[node].depth >= lim.length) continue;  // nothing longer is compared
      const State s = codec.unpack(store.at(idx));
      forEachSuccessor(m, s, [&](State& next, const StepLog& log, const Transition& tr) {
        int n = node;
        for (Callback c : callbacksOf(log, task)) {
          if (nodes[n].depth >= lim.length) break;
          n = child(n, c, idx, tr);
        }
        put(next, n, static_cast<uint32_t>(idx), tr);
      });
    }
    pairs += store.size();
  }

  CallbackSeq seqOf(int n) const {
    CallbackSeq s;
    for (; n > 0; n = nodes[n].parent) s.push_back(nodes[n].cb);
    return CallbackSeq(s.rbegin(), s.rend());
  }

  // The shortest trace that produced node n: the pair chain to `from`, then
  // the transition that produced it, re-executed from the initial state.
  Counterexample example(int n) {
    std::vector<Transition> trs{nodes[n].tr};
    const auto& parent = parents[nodes[n].run];
    const auto& via = vias[nodes[n].run];
    for (uint64_t p = nodes[n].from; p != 0; p = parent[p]) trs.push_back(via[p]);
    Counterexample c;
    State s = m.initial();
    for (size_t i = trs.size(); i-- > 0;) {
      Step st{trs[i], StepLog{}};
      State next;
      if (!applyTransition(m, s, trs[i], &next, &st.log)) break;  // cannot happen: same model
      c.steps.push_back(st);
      s = next;
    }
    c.final_state = s;
    return c;
  }
};

// Sequences of `x` whose parent is in `y` but which are not.
void onlyIn(Explorer& x, const Explorer& y, std::vector<BehaviourExample>* out) {
  // walk both tries together
  std::vector<std::pair<int, int>> todo{{0, 0}};
  while (!todo.empty()) {
    const auto [nx, ny] = todo.back();
    todo.pop_back();
    for (const auto& [cb, kx] : x.nodes[nx].kids) {
      auto it = y.nodes[ny].kids.find(cb);
      if (it == y.nodes[ny].kids.end()) {
        out->push_back(BehaviourExample{x.seqOf(kx), x.example(kx)});
      } else {
        todo.emplace_back(kx, it->second);
      }
    }
  }
  std::sort(out->begin(), out->end(), [](const BehaviourExample& p, const BehaviourExample& q) {
    return p.seq.size() != q.seq.size() ? p.seq.size() < q.seq.size() : p.seq < q.seq;
  });
}

}  // namespace

// One task per class of interchangeable tasks.  Initially task t sleeps on
// CPU t mod C with every CPU allowed; renaming CPUs and tasks maps t to u
// exactly when their CPUs start with the same number of tasks.
std::vector<uint8_t> representativeTasks(const Config& cfg) {
  std::vector<uint8_t> out;
  std::vector<int> seen;
  for (int t = 0; t < cfg.tasks; ++t) {
    int sharing = 0;
    for (int u = 0; u < cfg.tasks; ++u) sharing += (u % cfg.cpus) == (t % cfg.cpus);
    if (std::find(seen.begin(), seen.end(), sharing) != seen.end()) continue;
    seen.push_back(sharing);
    out.push_back(static_cast<uint8_t>(t));
  }
  return out;
}

CallbackSeq callbacksOf(const StepLog& log, uint8_t t) {
  CallbackSeq out;
  for (const Event& e : log) {
    if (e.t != t) continue;
    switch (e.kind) {
      case Ev::OpsSelectCpu: out.push_back(make(Cb::SelectCpu, verdictKind(e.b))); break;
      case Ev::OpsEnqueue: out.push_back(make(Cb::Enqueue, static_cast<uint8_t>((e.a & 7) | (verdictKind(e.b) << 3)))); break;
      case Ev::OpsDequeue: out.push_back(make(Cb::Dequeue, e.a)); break;
      case Ev::OpsRunnable: out.push_back(make(Cb::Runnable, e.a)); break;
      case Ev::OpsRunning: out.push_back(make(Cb::Running)); break;
      case Ev::OpsStopping: out.push_back(make(Cb::Stopping, e.a)); break;
      case Ev::OpsQuiescent: out.push_back(make(Cb::Quiescent, e.a)); break;
      case Ev::OpsSetWeight: out.push_back(make(Cb::SetWeight)); break;
      case Ev::OpsSetCpumask: out.push_back(make(Cb::SetCpumask)); break;
      default: break;
    }
  }
  return out;
}

std::string callbackName(Callback c) {
  const uint8_t arg = c & 0xff;
  auto flags = [](const std::string& f) { return f.empty() ? std::string("0") : f; };
  switch (static_cast<Cb>(c >> 8)) {
    case Cb::SelectCpu: return std::string("select_cpu(") + (arg ? std::string("insert ") + verdictKindName(arg) : "no insert") + ")";
    case Cb::Enqueue:
      return "enqueue(" + flags(enqFlagsName(arg & 7)) + ", " +
             ((arg >> 3) ? std::string("insert ") + verdictKindName(arg >> 3) : std::string("keep")) + ")";
    case Cb::Dequeue: return "dequeue(" + flags(deqFlagsName(arg)) + ")";
    case Cb::Runnable: return "runnable(" + flags(enqFlagsName(arg)) + ")";
    case Cb::Running: return "running";
    case Cb::Stopping: return std::string("stopping(") + (arg ? "true" : "false") + ")";
    case Cb::Quiescent: return "quiescent(" + flags(deqFlagsName(arg)) + ")";
    case Cb::SetWeight: return "set_weight";
    case Cb::SetCpumask: return "set_cpumask";
  }
  return "?";
}

std::string seqName(const CallbackSeq& s) {
  std::string o;
  for (Callback c : s) o += (o.empty() ? "" : " ") + callbackName(c);
  return o;
}

BehaviourDiff behaviourDiff(ExtCore& a, ExtCore& b, const BehaviourLimits& lim) {
  BehaviourDiff d;
  d.length = lim.length;
  Explorer xa(a, lim), xb(b, lim);
  for (uint8_t t : representativeTasks(a.config())) {
    if (xa.complete) xa.run(t);
    if (xb.complete) xb.run(t);
  }
  d.pairs_a = xa.pairs;
  d.pairs_b = xb.pairs;
  d.sequences_a = xa.nodes.size() - 1;
  d.sequences_b = xb.nodes.size() - 1;
  if (!xa.complete || !xb.complete) {
    d.complete = false;
    d.incomplete_reason = (!xa.complete ? std::string(a.name()) + ": " + xa.reason
                                        : std::string(b.name()) + ": " + xb.reason);
    return d;  // a sequence missing from an unfinished exploration proves nothing
  }
  onlyIn(xa, xb, &d.only_a);
  onlyIn(xb, xa, &d.only_b);
  return d;
}

BehaviourDiff behaviourDiffGrowing(ExtCore& a, ExtCore& b, const BehaviourLimits& lim) {
  const auto t0 = std::chrono::steady_clock::now();
  const int first = lim.grow_from > 0 && lim.grow_from < lim.length ? lim.grow_from : lim.length;
  BehaviourDiff best;
  std::vector<int> tried;
  for (int len = first;; len = std::min(len + 2, lim.length)) {
    BehaviourLimits l = lim;
    l.length = len;
    if (lim.time_limit_s > 0) {
      l.time_limit_s = lim.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (l.time_limit_s <= 0) {
        best.growth_stopped = "length " + std::to_string(len) + " not compared: the diff's time limit of " +
                              std::to_string(static_cast<int>(lim.time_limit_s)) + " s is used up";
        break;
      }
    }
    BehaviourDiff d = behaviourDiff(a, b, l);
    if (!d.complete) {
      if (len == first) {
        d.lengths = {len};
        return d;  // nothing complete to show
      }
      best.growth_stopped = "length " + std::to_string(len) + " stopped: " + d.incomplete_reason;
      break;
    }
    tried.push_back(len);  // (the lengths compared completely)
    best = std::move(d);
    if (!best.only_a.empty() || !best.only_b.empty() || len >= lim.length) break;
  }
  best.lengths = tried;
  return best;
}

}  // namespace scxmc
