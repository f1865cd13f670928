// Coverage of a change: which of a variant's overridden hooks ran during a
// search, and how often they did something other than 7.3.4's code would
// have done in their place (issue 18: no silent "holds").
//
// Probed<T> wraps a variant class T.  Which hooks (model/hooks.hpp) T
// overrides is decided at compile time from the class that declares each
// one (HookExpose: a using-declaration names the member where it is
// declared, so &HookExpose<T>::f has type `R (D::*)(...)` for the class D
// that declares T's f).  Each call of an overridden hook is run twice from
// the same state: first ExtCore's implementation (7.3.4's code, its nested
// hooks 7.3.4's too), whose effects are then undone (state, events, the
// step's control flags and the choice vector), then T's.  The call
// "differs" when the two leave a different state, different events,
// different control flags, a different return value or consume different
// BPF choices.  When no call differs in a whole search, every step of the
// variant from every reachable state is 7.3.4's step, so the two reachable
// state spaces are the same (by induction over the breadth-first search).
//
// Only the models `scxmc review` checks are probed (makeProbedModel); the
// probe changes no step, which tests/variants_test.cpp checks on the state
// counts.  Not used by the access-traced build.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <type_traits>

#include "ext_core.hpp"
#include "hooks.hpp"

namespace scxmc {

// Bit words per hook for the built-in sites (model/sites.hpp).
inline constexpr int kSiteWords = 3;

// Shared by the model instances (one per search thread) of one search.
struct HookCoverage {
  std::array<bool, kHookCount> overridden{};  // T's class declares it (not ExtCore)
  std::array<std::atomic<uint64_t>, kHookCount> calls{};
  std::array<std::atomic<uint64_t>, kHookCount> differs{};
  // the sites (model/sites.hpp) T's implementation passed in the calls that
  // differed, one bit per Site
  std::array<std::array<std::atomic<uint64_t>, kSiteWords>, kHookCount> sites{};
  std::atomic<bool> attached{false};  // a Probed model was made for it
};
static_assert(static_cast<int>(Site::Count) <= 64 * kSiteWords, "HookCoverage::sites holds 64 * kSiteWords sites");

// Plain numbers, copied out of a HookCoverage after a search.
struct HookCoverageCounts {
  bool available = false;
  std::array<bool, kHookCount> overridden{};
  std::array<uint64_t, kHookCount> calls{}, differs{};
  std::array<std::array<uint64_t, kSiteWords>, kHookCount> sites{};
};
inline HookCoverageCounts snapshot(const HookCoverage& c) {
  HookCoverageCounts o;
  o.available = c.attached.load();
  o.overridden = c.overridden;
  for (int h = 0; h < kHookCount; ++h) {
    o.calls[h] = c.calls[h].load();
    o.differs[h] = c.differs[h].load();
    for (int w = 0; w < kSiteWords; ++w) o.sites[h][w] = c.sites[h][w].load();
  }
  return o;
}

template <class T>
struct HookExpose : T {
#define SCXMC_HOOK_EXPOSE(R, name, params, args, fn, file, line) using T::name;
  SCXMC_HOOKS(SCXMC_HOOK_EXPOSE)
#undef SCXMC_HOOK_EXPOSE
};

// The thread's request for a probed model (makeProbedModel sets it around a
// variant's factory; makeVariant<T> honours it).
std::shared_ptr<HookCoverage>& probeRequest();

template <class T>
class Probed final : public T {
 public:
  Probed(const Config& c, std::shared_ptr<HookCoverage> cov) : T(c), cov_(std::move(cov)) {
    cov_->attached = true;
#define SCXMC_HOOK_MARK(R, name, params, args, fn, file, line) \
  cov_->overridden[static_cast<int>(Hook::name)] = kOverrides_##name;
    SCXMC_HOOKS(SCXMC_HOOK_MARK)
#undef SCXMC_HOOK_MARK
  }

 protected:
#define SCXMC_HOOK_OVERRIDES(R, name, params, args, fn, file, line)                                     \
  static constexpr bool kOverrides_##name =                                                          \
      !std::is_same_v<decltype(&HookExpose<T>::name), decltype(&HookExpose<ExtCore>::name)>;
  SCXMC_HOOKS(SCXMC_HOOK_OVERRIDES)
#undef SCXMC_HOOK_OVERRIDES

  // pickProxy's `prev` is an in/out reference the shadow run would write:
  // its calls are counted, not compared
#define SCXMC_HOOK_WRAP(R, name, params, args, fn, file, line)                                               \
  R name params override {                                                                                   \
    if constexpr (!kOverrides_##name) {                                                                      \
      return T::name args;                                                                                   \
    } else {                                                                                                 \
      if (shadowing_) return ExtCore::name args;                                                             \
      return probe<R>(Hook::name, std::strcmp(#name, "pickProxy") != 0, [&] { return ExtCore::name args; },  \
                      [&] { return T::name args; });                                                         \
    }                                                                                                        \
  }
  SCXMC_HOOKS(SCXMC_HOOK_WRAP)
#undef SCXMC_HOOK_WRAP

 private:
  struct Control {
    bool blocked, paused, first, waited, at_entry, committed;
    bool operator==(const Control&) const = default;
  };
  Control control() const {
    return {this->blocked_, this->paused_, this->first_, this->waited_dequeue_, this->at_entry_, this->committed_};
  }
  void setControl(const Control& c) {
    this->blocked_ = c.blocked;
    this->paused_ = c.paused;
    this->first_ = c.first;
    this->waited_dequeue_ = c.waited;
    this->at_entry_ = c.at_entry;
    this->committed_ = c.committed;
  }

  template <class R, class Base, class Real>
  R probe(Hook h, bool compare, Base base, Real real) {
    const int k = static_cast<int>(h);
    cov_->calls[k].fetch_add(1, std::memory_order_relaxed);
    if (!compare) return real();
    // 7.3.4's code from here, then undo it
    const State s0 = *this->s_;
    const int n0 = this->log_->n;
    const bool overflow0 = this->log_->overflow;
    const Frame scratch0 = this->scratch_;
    const Control c0 = control();
    const Chooser ch0 = *this->ch_;
    shadowing_ = true;
    [[maybe_unused]] std::conditional_t<std::is_void_v<R>, int, R> rb{};
    if constexpr (std::is_void_v<R>) base(); else rb = base();
    shadowing_ = false;
    const State sb = *this->s_;
    const int nb = this->log_->n;
    // (raw storage: constructing kCap Events per call cost more than the call)
    static_assert(std::is_trivially_copyable_v<Event>);
    alignas(Event) unsigned char eb[sizeof(Event) * StepLog::kCap];
    std::memcpy(eb, this->log_->ev.data() + n0, sizeof(Event) * static_cast<size_t>(nb - n0));
    const Frame scratchb = this->scratch_;
    const Control cb = control();
    const Chooser chb = *this->ch_;
    *this->s_ = s0;
    this->log_->n = n0;
    this->log_->overflow = overflow0;
    this->scratch_ = scratch0;
    setControl(c0);
    *this->ch_ = ch0;
    // the variant's code
    auto differs = [&] {
      if (std::memcmp(&sb, this->s_, sizeof(State)) != 0 || nb != this->log_->n ||
          std::memcmp(eb, this->log_->ev.data() + n0, sizeof(Event) * static_cast<size_t>(nb - n0)) != 0 ||
          std::memcmp(&scratchb, &this->scratch_, sizeof(Frame)) != 0 || !(cb == control()) ||
          chb.depth() != this->ch_->depth() ||
          std::memcmp(chb.values(), this->ch_->values(), static_cast<size_t>(chb.depth())) != 0)
        return true;
      return false;
    };
    auto record = [&] {
      cov_->differs[k].fetch_add(1, std::memory_order_relaxed);
      for (int i = n0; i < this->log_->n; ++i) {
        const Event& e = this->log_->ev[i];
        if (e.kind == Ev::Site && e.a < 64 * kSiteWords)
          cov_->sites[k][e.a / 64].fetch_or(uint64_t{1} << (e.a % 64), std::memory_order_relaxed);
      }
    };
    if constexpr (std::is_void_v<R>) {
      real();
      if (differs()) record();
    } else {
      R rv = real();
      if (differs() || !(rv == rb)) record();
      return rv;
    }
  }

  std::shared_ptr<HookCoverage> cov_;
  bool shadowing_ = false;
};

// How a variant's factory makes its model: probed when makeProbedModel asked.
template <class T>
std::unique_ptr<ExtCore> makeVariant(const Config& c) {
  if (const std::shared_ptr<HookCoverage>& cov = probeRequest()) return std::make_unique<Probed<T>>(c, cov);
  return std::make_unique<T>(c);
}

}  // namespace scxmc
