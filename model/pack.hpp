// Compact encoding of a State for the explorer's visited set.
//
// Every byte field the configuration uses is visited with its domain (how
// many values it can take) and packed into the fewest bits that hold it;
// slots beyond the configuration's bounds are not stored.  pack() checks that
// each value is within its domain, so a model change that widens a field
// fails loudly instead of aliasing states.
//
// The bytes are cut into parts, each byte-aligned: one per task (its
// sched_ext_entity and its own actor's frame), one per CPU (the rq's ext
// fields, the CPU actor's frame, the local DSQ), and one for the rest (the
// global and user DSQs, machine-wide fields).  Parts of one kind have the
// same layout, so a store can share one table of part values among them
// (harness/collapse_store.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.hpp"
#include "state.hpp"

namespace scxmc {

enum class PartKind : uint8_t { Task = 0, Cpu, Shared, Count };

class Codec {
 public:
  struct Part {
    uint16_t offset;  // first byte in the packed state
    uint16_t bytes;
    PartKind kind;
    uint16_t first, last;  // its fields: [first, last) of fields_
  };
  explicit Codec(const Config& cfg);
  const std::vector<Part>& parts() const { return parts_; }
  int bytes() const { return bytes_; }
  int bits() const { return bits_; }
  // Writes bytes() bytes.  Returns false (with *err) if a field is out of
  // its domain.
  bool pack(const State& s, uint8_t* out, std::string* err = nullptr) const;
  State unpack(const uint8_t* in) const;

 private:
  struct Field {
    uint16_t offset;  // byte offset in State
    uint8_t bits;
    uint16_t domain;  // values 0..domain-1 are proper (up to 256); kNone maps to domain
    bool none;        // kNone allowed
    const char* name;
  };
  std::vector<Field> fields_;
  std::vector<Field> consts_;  // single-valued fields: stored in no bits
  std::vector<Part> parts_;
  int bits_ = 0;
  int bytes_ = 0;
};

}  // namespace scxmc
