// The checker's visited set with collapse compression (as in LTSmin): a
// packed state (model/pack.hpp) is cut into its parts, each part's bytes are
// stored once in a table shared by the parts of its kind (all tasks share
// one, all CPUs another), and the state itself is stored as the vector of
// its parts' indices.  States differ mostly in one or two parts, so most
// parts are shared by millions of states: a state of 3 tasks x 2 CPUs x 2
// user DSQs takes 24 bytes instead of 63.
//
// The index of a state is its discovery order (the store is the BFS queue).
// Concurrency as in StateStore: one thread inserts while others call
// contains() and load(); growing a table needs the readers stopped
// (needsGrow()/reserve() with the readers paused, harness/checker.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "pack.hpp"
#include "state_store.hpp"

namespace scxmc {

class CollapseStore {
 public:
  explicit CollapseStore(const Codec& codec) : parts_(codec.parts()), roots_(rootWidth(codec), false) {
    for (int k = 0; k < static_cast<int>(PartKind::Count); ++k) {
      int w = 0;
      for (const Codec::Part& p : parts_)
        if (static_cast<int>(p.kind) == k) w = p.bytes;  // (parts of a kind have one width)
      if (w) tables_[k] = std::make_unique<StateStore>(w, false);
    }
  }

  uint64_t size() const { return roots_.size(); }

  static constexpr uint32_t kUnknown = 0xffffffffu;
  static constexpr int kMaxParts = kMaxTasks + kMaxCpus + 1;
  int parts() const { return static_cast<int>(parts_.size()); }

  // A stored state related to the ones looked up (the state they were
  // expanded from): a part equal to one of its parts of the same kind takes
  // that part's index without a table lookup.
  struct Hint {
    const uint8_t* packed;
    const uint32_t* ids;
  };
  // The part indices of a packed state (parts() of them); kUnknown for a
  // part never stored.  True if every part is known.
  bool resolve(const uint8_t* packed, const Hint* hint, uint32_t* ids) const {
    bool all = true;
    for (size_t i = 0; i < parts_.size(); ++i) {
      const Codec::Part& p = parts_[i];
      ids[i] = kUnknown;
      if (hint)
        for (size_t j = 0; j < parts_.size() && ids[i] == kUnknown; ++j)
          if (parts_[j].kind == p.kind && std::memcmp(packed + p.offset, hint->packed + parts_[j].offset, p.bytes) == 0)
            ids[i] = hint->ids[j];
      if (ids[i] == kUnknown) {
        const int64_t id = table(p).find(packed + p.offset);
        if (id >= 0) ids[i] = static_cast<uint32_t>(id);
      }
      all = all && ids[i] != kUnknown;
    }
    return all;
  }
  // Whether the state with these (all known) part indices is stored.
  bool containsIds(const uint32_t* ids) const { return roots_.contains(reinterpret_cast<const uint8_t*>(ids)); }
  bool contains(const uint8_t* packed, const Hint* hint = nullptr) const {
    uint32_t ids[kMaxParts];
    return resolve(packed, hint, ids) && containsIds(ids);
  }
  // Inserts the packed state if absent and returns its index; `ids` are its
  // part indices as resolve() left them: the unknown ones are stored now.
  uint64_t insert(const uint8_t* packed, uint32_t* ids, bool* inserted) {
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (ids[i] != kUnknown) continue;
      const Codec::Part& p = parts_[i];
      bool fresh;
      ids[i] = static_cast<uint32_t>(table(p).insert(packed + p.offset, &fresh));
    }
    return roots_.insert(reinterpret_cast<const uint8_t*>(ids), inserted);
  }
  uint64_t insert(const uint8_t* packed, bool* inserted) {
    uint32_t ids[kMaxParts];
    resolve(packed, nullptr, ids);
    return insert(packed, ids, inserted);
  }
  // The part indices of the state with index i (parts() of them).
  void ids(uint64_t i, uint32_t* out) const { std::memcpy(out, roots_.at(i), roots_.width()); }
  // Writes the packed state with index i to `out` (width() bytes).
  void load(uint64_t i, uint8_t* out) const {
    uint32_t id[kMaxParts];
    ids(i, id);
    for (size_t k = 0; k < parts_.size(); ++k) {
      const Codec::Part& p = parts_[k];
      std::memcpy(out + p.offset, table(p).at(id[k]), p.bytes);
    }
  }
  // Whether inserting `extra` more states could grow a table.
  bool needsGrow(uint64_t extra) const {
    if (roots_.needsGrow(extra)) return true;
    for (const auto& t : tables_)
      if (t && t->needsGrow(extra * partsOfKind(t.get()))) return true;
    return false;
  }
  void reserve(uint64_t extra) {
    roots_.reserve(extra);
    for (auto& t : tables_)
      if (t) t->reserve(extra * partsOfKind(t.get()));
  }
  uint64_t bytes() const {
    uint64_t b = roots_.bytes();
    for (const auto& t : tables_)
      if (t) b += t->bytes();
    return b;
  }
  int rootBytes() const { return roots_.width(); }
  // Distinct values stored per part kind (for the report).
  uint64_t partValues(PartKind k) const {
    const auto& t = tables_[static_cast<int>(k)];
    return t ? t->size() : 0;
  }

 private:
  static int rootWidth(const Codec& codec) { return 4 * static_cast<int>(codec.parts().size()); }

  StateStore& table(const Codec::Part& p) { return *tables_[static_cast<int>(p.kind)]; }
  const StateStore& table(const Codec::Part& p) const { return *tables_[static_cast<int>(p.kind)]; }
  uint64_t partsOfKind(const StateStore* t) const {
    uint64_t n = 0;
    for (const Codec::Part& p : parts_) n += tables_[static_cast<int>(p.kind)].get() == t;
    return n;
  }

  std::vector<Codec::Part> parts_;
  StateStore roots_;
  std::array<std::unique_ptr<StateStore>, static_cast<int>(PartKind::Count)> tables_;
};

}  // namespace scxmc
