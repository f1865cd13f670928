// The visited set: packed states in chunks (stable addresses, no copying on
// growth) indexed by an open-addressing hash table of 32-bit indices.  The
// index of a state is its discovery order, so for breadth-first search the
// store itself is the queue.
//
// Concurrency: one thread inserts while others call contains() and at().
// A state's bytes are written before its table slot is published (release
// store, acquire load), and the chunk directory never moves.  Only growing
// the table needs the readers stopped: insert() never grows it when
// `auto_grow` is off; the writer calls needsGrow()/reserve() with the
// readers paused (harness/checker.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace scxmc {

// A 64-bit hash of n bytes (word-wise multiply-xorshift, final avalanche).
inline uint64_t hashBytes(const uint8_t* s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ static_cast<uint64_t>(n);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  std::memcpy(&w, s + i, n - i);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

// An append-only array in fixed chunks: growing it never copies (a vector's
// doubling would briefly hold both copies) and never over-allocates by more
// than one chunk.
template <typename T>
class ChunkedArray {
 public:
  void push_back(T v) {
    if (size_ % kChunk == 0) chunks_.emplace_back(new T[kChunk]);
    chunks_.back()[size_ % kChunk] = v;
    ++size_;
  }
  T operator[](uint64_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  uint64_t size() const { return size_; }

 private:
  static constexpr uint64_t kChunk = 1ull << 20;
  std::vector<std::unique_ptr<T[]>> chunks_;
  uint64_t size_ = 0;
};

class StateStore {
 public:
  explicit StateStore(int width, bool auto_grow = true)
      : width_(width), auto_grow_(auto_grow), chunks_(new std::unique_ptr<uint8_t[]>[kMaxChunks]) {
    table_.assign(1u << 16, 0);
    mask_ = table_.size() - 1;
  }

  int width() const { return width_; }
  uint64_t size() const { return count_; }
  const uint8_t* at(uint64_t i) const {
    return chunks_[i >> kChunkBits].get() + (i & (kChunk - 1)) * static_cast<uint64_t>(width_);
  }
  // Whether inserting `extra` more states would grow the table.  The table
  // is at most half full while small; from 2^27 slots (512 MiB) on, three
  // quarters, so that the largest searches (hundreds of millions of states)
  // do not double a table of gigabytes for the last few states.
  bool needsGrow(uint64_t extra) const {
    const uint64_t n = count_ + extra, size = table_.size();
    return size < (1ull << 27) ? n * 2 > size : n * 4 > size * 3;
  }
  // Grows the table for `extra` more states (no concurrent readers).
  void reserve(uint64_t extra) {
    while (needsGrow(extra)) grow();
  }
  // Inserts if absent.  Returns the index; *inserted says whether it is new.
  uint64_t insert(const uint8_t* s, bool* inserted) {
    if (auto_grow_) reserve(1);
    uint64_t h = hash(s) & mask_;
    while (uint32_t slot = load(h)) {
      if (std::memcmp(at(slot - 1), s, width_) == 0) {
        *inserted = false;
        return slot - 1;
      }
      h = (h + 1) & mask_;
    }
    const uint64_t idx = count_++;
    if ((idx >> kChunkBits) >= nchunks_) chunks_[nchunks_++].reset(new uint8_t[kChunk * static_cast<uint64_t>(width_)]);
    std::memcpy(const_cast<uint8_t*>(at(idx)), s, width_);
    std::atomic_ref<uint32_t>(table_[h]).store(static_cast<uint32_t>(idx + 1), std::memory_order_release);
    *inserted = true;
    return idx;
  }
  // The index of `s`, or -1 if it is not stored.
  int64_t find(const uint8_t* s) const {
    uint64_t h = hash(s) & mask_;
    while (uint32_t slot = load(h)) {
      if (std::memcmp(at(slot - 1), s, width_) == 0) return static_cast<int64_t>(slot) - 1;
      h = (h + 1) & mask_;
    }
    return -1;
  }
  bool contains(const uint8_t* s) const { return find(s) >= 0; }
  uint64_t bytes() const {
    return nchunks_ * kChunk * static_cast<uint64_t>(width_) + table_.size() * sizeof(uint32_t);
  }
  // The bytes the stored entries and the hash table take (bytes() less the
  // unused rest of the last chunk).
  uint64_t usedBytes() const { return count_ * static_cast<uint64_t>(width_) + table_.size() * sizeof(uint32_t); }
  static constexpr uint64_t kMaxStates = 0xfffffff0u;

 private:
  static constexpr int kChunkBits = 20;
  static constexpr uint64_t kChunk = 1ull << kChunkBits;
  static constexpr uint64_t kMaxChunks = (kMaxStates >> kChunkBits) + 1;

  uint32_t load(uint64_t h) const {
    return std::atomic_ref<uint32_t>(const_cast<uint32_t&>(table_[h])).load(std::memory_order_acquire);
  }

  uint64_t hash(const uint8_t* s) const { return hashBytes(s, static_cast<size_t>(width_)); }
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
  bool auto_grow_;
  uint64_t count_ = 0;
  uint64_t mask_ = 0;
  std::vector<uint32_t> table_;
  std::unique_ptr<std::unique_ptr<uint8_t[]>[]> chunks_;  // a fixed directory: readers index it
  uint64_t nchunks_ = 0;
};

}  // namespace scxmc
