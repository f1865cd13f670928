// The visited set: packed states in chunks (stable addresses, no copying on
// growth) indexed by an open-addressing hash table of 32-bit indices.  The
// index of a state is its discovery order, so for breadth-first search the
// store itself is the queue.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace scxmc {

class StateStore {
 public:
  explicit StateStore(int width) : width_(width) { table_.assign(1u << 16, 0); mask_ = table_.size() - 1; }

  int width() const { return width_; }
  uint64_t size() const { return count_; }
  const uint8_t* at(uint64_t i) const {
    return chunks_[i >> kChunkBits].get() + (i & (kChunk - 1)) * static_cast<uint64_t>(width_);
  }
  // Inserts if absent.  Returns the index; *inserted says whether it is new.
  uint64_t insert(const uint8_t* s, bool* inserted) {
    if ((count_ + 1) * 2 > table_.size()) grow();
    uint64_t h = hash(s) & mask_;
    while (uint32_t slot = table_[h]) {
      if (std::memcmp(at(slot - 1), s, width_) == 0) {
        *inserted = false;
        return slot - 1;
      }
      h = (h + 1) & mask_;
    }
    const uint64_t idx = count_++;
    if ((idx >> kChunkBits) >= chunks_.size())
      chunks_.emplace_back(new uint8_t[kChunk * static_cast<uint64_t>(width_)]);
    std::memcpy(const_cast<uint8_t*>(at(idx)), s, width_);
    table_[h] = static_cast<uint32_t>(idx + 1);
    *inserted = true;
    return idx;
  }
  // Whether `s` is stored (read-only: safe while no thread inserts).
  bool contains(const uint8_t* s) const {
    uint64_t h = hash(s) & mask_;
    while (uint32_t slot = table_[h]) {
      if (std::memcmp(at(slot - 1), s, width_) == 0) return true;
      h = (h + 1) & mask_;
    }
    return false;
  }
  uint64_t bytes() const {
    return chunks_.size() * kChunk * static_cast<uint64_t>(width_) + table_.size() * sizeof(uint32_t);
  }
  static constexpr uint64_t kMaxStates = 0xfffffff0u;

 private:
  static constexpr int kChunkBits = 20;
  static constexpr uint64_t kChunk = 1ull << kChunkBits;

  uint64_t hash(const uint8_t* s) const {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(width_);
    int i = 0;
    for (; i + 8 <= width_; i += 8) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdull;
      h ^= h >> 32;
    }
    uint64_t w = 0;
    std::memcpy(&w, s + i, width_ - i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 31);
  }
  void grow() {
    std::vector<uint32_t> t(table_.size() * 2, 0);
    const uint64_t m = t.size() - 1;
    for (uint64_t i = 0; i < count_; ++i) {
      uint64_t h = hash(at(i)) & m;
      while (t[h]) h = (h + 1) & m;
      t[h] = static_cast<uint32_t>(i + 1);
    }
    table_.swap(t);
    mask_ = m;
  }

  int width_;
  uint64_t count_ = 0;
  uint64_t mask_ = 0;
  std::vector<uint32_t> table_;
  std::vector<std::unique_ptr<uint8_t[]>> chunks_;
};

}  // namespace scxmc
