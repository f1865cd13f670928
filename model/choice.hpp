// Choice points inside one step.
//
// A step runs kernel code that reaches nondeterministic decisions: which
// environment event happens, what the BPF scheduler returns or inserts.  Each
// decision calls Chooser::pick(n) and gets an index in [0, n).  The explorer
// enumerates every choice vector of a step by re-running it (an odometer over
// the recorded decision counts), so a successor is identified by
// (actor, choice vector) and a saved counterexample replays exactly.
#pragma once

#include <array>
#include <cstdint>

namespace scxmc {

class Chooser {
 public:
  static constexpr int kMaxDepth = 16;

  // Forced mode replays a given vector; exploration mode starts at all zeros.
  void force(const uint8_t* v, int n) {
    for (int i = 0; i < n && i < kMaxDepth; ++i) { val_[i] = v[i]; }
    fixed_ = n;
    depth_ = 0;
    mismatch_ = false;
  }

  int pick(int n) {
    if (n <= 1) return 0;  // not a decision; keeps vectors short
    if (depth_ >= kMaxDepth) { overflow_ = true; return 0; }
    if (depth_ >= fixed_) { val_[depth_] = 0; }
    cnt_[depth_] = static_cast<uint8_t>(n);
    if (val_[depth_] >= n) mismatch_ = true;  // a forced vector from elsewhere
    int v = val_[depth_] < n ? val_[depth_] : n - 1;
    ++depth_;
    return v;
  }

  // After a run: advance to the next vector; false when all were produced.
  bool next() {
    for (int i = depth_ - 1; i >= 0; --i) {
      if (val_[i] + 1 < cnt_[i]) {
        ++val_[i];
        fixed_ = i + 1;
        depth_ = 0;
        return true;
      }
    }
    return false;
  }
  void start() { fixed_ = 0; depth_ = 0; overflow_ = false; mismatch_ = false; }

  int depth() const { return depth_; }
  const uint8_t* values() const { return val_.data(); }
  bool overflow() const { return overflow_; }
  bool mismatch() const { return mismatch_; }

 private:
  std::array<uint8_t, kMaxDepth> val_{};
  std::array<uint8_t, kMaxDepth> cnt_{};
  int depth_ = 0;
  int fixed_ = 0;
  bool overflow_ = false;
  bool mismatch_ = false;
};

}  // namespace scxmc
