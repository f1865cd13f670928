// The checker's visited set with collapse compression (as in LTSmin): a
// packed state (model/pack.hpp) is cut into its parts, each part's bytes are
// stored once in a table shared by the parts of its kind (all tasks share
// one, all CPUs another).
//
// Tree compression (LTSmin's recursive collapse, Blom, Lisser, van de Pol
// and Weber, "A database approach to distributed state-space generation",
// and Laarman et al., "Parallel recursive state compression for free"; issue
// 22): the parts' indices are the leaves of a balanced binary tree, each
// inner node is stored once as the pair of its children's indices in a
// table of its own, and the state itself is the pair at the root: 8 bytes
// per state, whatever the number of parts.  Two states that differ in one
// part share every inner node off that part's path to the root, so the
// inner tables stay far smaller than the root's.  With `tree` off (or one
// part) the state is the vector of its parts' indices (4 bytes a part), as
// before session 16.
//
// Indices a state carries between resolve() and insert() (ids(), Hint):
// its parts' first, then its inner nodes' below the root, in post-order;
// idCount() of them.
//
// The index of a state is its discovery order (the store is the BFS queue).
// Concurrency as in StateStore: one thread inserts while others call
// contains() and load(); growing a table needs the readers stopped
// (needsGrow()/reserve() with the readers paused, harness/checker.cpp).
// insert() writes the parts, then the inner nodes bottom-up, then the root,
// so a reader that finds the root finds everything below it.
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
  explicit CollapseStore(const Codec& codec, bool tree = true) : parts_(codec.parts()) {
    for (int k = 0; k < static_cast<int>(PartKind::Count); ++k) {
      int w = 0;
      for (const Codec::Part& p : parts_)
        if (static_cast<int>(p.kind) == k) w = p.bytes;  // (parts of a kind have one width)
      if (w) tables_[k] = std::make_unique<StateStore>(w, false);
    }
    const int np = static_cast<int>(parts_.size());
    if (tree && np >= 2) build(0, np);
    // the root: the last node built, not among the carried indices
    if (!nodes_.empty()) {
      root_ = nodes_.back();
      nodes_.pop_back();
      for (size_t n = 0; n < nodes_.size(); ++n) inner_.push_back(std::make_unique<StateStore>(8, false));
    }
    roots_ = std::make_unique<StateStore>(rootBytes(), false);
  }

  uint64_t size() const { return roots_->size(); }

  static constexpr uint32_t kUnknown = 0xffffffffu;
  static constexpr int kMaxParts = kMaxTasks + kMaxCpus + 1;
  static constexpr int kMaxIds = 2 * kMaxParts;
  int parts() const { return static_cast<int>(parts_.size()); }
  // The indices a state carries (its parts', then its inner nodes').
  int idCount() const { return parts() + static_cast<int>(nodes_.size()); }
  bool tree() const { return root_.left >= 0; }

  // A stored state related to the ones looked up (the state they were
  // expanded from): a part equal to one of its parts of the same kind takes
  // that part's index without a table lookup, and an inner node whose
  // children have the hint's indices takes the hint's.
  struct Hint {
    const uint8_t* packed;
    const uint32_t* ids;  // idCount() of them, some may be kUnknown
  };
  // The indices of a packed state (idCount() of them); kUnknown for a part
  // or inner node never stored.  True if every one is known.
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
    for (size_t n = 0; n < nodes_.size(); ++n) {
      const Node& nd = nodes_[n];
      uint32_t& out = ids[parts_.size() + n];
      out = kUnknown;
      const uint32_t l = ids[nd.left], r = ids[nd.right];
      if (l != kUnknown && r != kUnknown) {
        if (hint && hint->ids[nd.left] == l && hint->ids[nd.right] == r) out = hint->ids[parts_.size() + n];
        if (out == kUnknown) {
          const uint32_t pair[2] = {l, r};
          const int64_t id = inner_[n]->find(reinterpret_cast<const uint8_t*>(pair));
          if (id >= 0) out = static_cast<uint32_t>(id);
        }
      }
      all = all && out != kUnknown;
    }
    return all;
  }
  // Whether the state with these (all known) indices is stored.
  bool containsIds(const uint32_t* ids) const {
    uint32_t root[kMaxParts];
    return roots_->contains(rootOf(ids, root));
  }
  bool contains(const uint8_t* packed, const Hint* hint = nullptr) const {
    uint32_t ids[kMaxIds];
    return resolve(packed, hint, ids) && containsIds(ids);
  }
  // Inserts the packed state if absent and returns its index; `ids` are its
  // indices as resolve() left them: the unknown ones are stored now.
  uint64_t insert(const uint8_t* packed, uint32_t* ids, bool* inserted) {
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (ids[i] != kUnknown) continue;
      const Codec::Part& p = parts_[i];
      bool fresh;
      ids[i] = static_cast<uint32_t>(table(p).insert(packed + p.offset, &fresh));
    }
    for (size_t n = 0; n < nodes_.size(); ++n) {
      uint32_t& out = ids[parts_.size() + n];
      if (out != kUnknown) continue;
      const uint32_t pair[2] = {ids[nodes_[n].left], ids[nodes_[n].right]};
      bool fresh;
      out = static_cast<uint32_t>(inner_[n]->insert(reinterpret_cast<const uint8_t*>(pair), &fresh));
    }
    uint32_t root[kMaxParts];
    return roots_->insert(rootOf(ids, root), inserted);
  }
  uint64_t insert(const uint8_t* packed, bool* inserted) {
    uint32_t ids[kMaxIds];
    resolve(packed, nullptr, ids);
    return insert(packed, ids, inserted);
  }
  // The indices of the state with index i (idCount() of them).
  void ids(uint64_t i, uint32_t* out) const {
    const uint8_t* r = roots_->at(i);
    if (!tree()) {
      std::memcpy(out, r, roots_->width());
      return;
    }
    uint32_t pair[2];
    std::memcpy(pair, r, 8);
    out[root_.left] = pair[0];
    out[root_.right] = pair[1];
    // top-down: the inner nodes are in post-order, so a node comes after
    // its children and before its parent; walking them backwards visits
    // every parent before its children
    for (size_t n = nodes_.size(); n-- > 0;) {
      std::memcpy(pair, inner_[n]->at(out[parts_.size() + n]), 8);
      out[nodes_[n].left] = pair[0];
      out[nodes_[n].right] = pair[1];
    }
  }
  // Writes the packed state with index i to `out` (width() bytes).
  void load(uint64_t i, uint8_t* out) const {
    uint32_t id[kMaxIds];
    ids(i, id);
    for (size_t k = 0; k < parts_.size(); ++k) {
      const Codec::Part& p = parts_[k];
      std::memcpy(out + p.offset, table(p).at(id[k]), p.bytes);
    }
  }
  // Whether inserting `extra` more states could grow a table.
  bool needsGrow(uint64_t extra) const {
    bool grow = false;
    forEachTable(*this, [&](const StateStore& t, uint64_t per_state) { grow = grow || t.needsGrow(extra * per_state); });
    return grow;
  }
  void reserve(uint64_t extra) {
    forEachTable(*this, [&](StateStore& t, uint64_t per_state) { t.reserve(extra * per_state); });
  }
  uint64_t bytes() const {
    uint64_t b = 0;
    forEachTable(*this, [&](const StateStore& t, uint64_t) { b += t.bytes(); });
    return b;
  }
  // What the entries and hash tables of every table take (the report's
  // bytes per state: this over size()).
  uint64_t usedBytes() const {
    uint64_t b = 0;
    forEachTable(*this, [&](const StateStore& t, uint64_t) { b += t.usedBytes(); });
    return b;
  }
  // The bytes of one state's own entry (the root pair, or the parts' indices).
  int rootBytes() const { return tree() ? 8 : 4 * parts(); }
  // Distinct values stored per part kind (for the report).
  uint64_t partValues(PartKind k) const {
    const auto& t = tables_[static_cast<int>(k)];
    return t ? t->size() : 0;
  }
  // Entries of all inner tables (for the report and the tests).
  uint64_t innerValues() const {
    uint64_t n = 0;
    for (const auto& t : inner_) n += t->size();
    return n;
  }

 private:
  // An inner node: its children, as positions in the carried indices.
  struct Node {
    int left = -1, right = -1;
  };
  // Builds the subtree over parts [lo, hi) (post-order) and returns its
  // position in the carried indices.
  int build(int lo, int hi) {
    if (hi - lo == 1) return lo;
    const int mid = lo + (hi - lo) / 2;
    Node nd;
    nd.left = build(lo, mid);
    nd.right = build(mid, hi);
    nodes_.push_back(nd);
    return static_cast<int>(parts_.size() + nodes_.size() - 1);
  }
  // Calls fn(table, entries it gains per inserted state at most) for the
  // roots, every inner table and every part table.
  template <class Self, class F>
  static void forEachTable(Self& self, F&& fn) {
    fn(*self.roots_, 1);
    for (auto& t : self.inner_) fn(*t, 1);
    for (auto& t : self.tables_)
      if (t) fn(*t, self.partsOfKind(t.get()));
  }
  // The root entry of a state with these indices.
  const uint8_t* rootOf(const uint32_t* ids, uint32_t* buf) const {
    if (!tree()) return reinterpret_cast<const uint8_t*>(ids);
    buf[0] = ids[root_.left];
    buf[1] = ids[root_.right];
    return reinterpret_cast<const uint8_t*>(buf);
  }

  StateStore& table(const Codec::Part& p) { return *tables_[static_cast<int>(p.kind)]; }
  const StateStore& table(const Codec::Part& p) const { return *tables_[static_cast<int>(p.kind)]; }
  uint64_t partsOfKind(const StateStore* t) const {
    uint64_t n = 0;
    for (const Codec::Part& p : parts_) n += tables_[static_cast<int>(p.kind)].get() == t;
    return n;
  }

  std::vector<Codec::Part> parts_;
  std::vector<Node> nodes_;  // the inner nodes below the root, post-order
  Node root_;                // left < 0: no tree
  std::vector<std::unique_ptr<StateStore>> inner_;  // one table per inner node
  std::unique_ptr<StateStore> roots_;
  std::array<std::unique_ptr<StateStore>, static_cast<int>(PartKind::Count)> tables_;
};

}  // namespace scxmc
