// Compact encoding of a State for the explorer's visited set.
//
// Every byte field the configuration uses is visited with its domain (how
// many values it can take) and packed into the fewest bits that hold it;
// slots beyond the configuration's bounds are not stored.  pack() checks that
// each value is within its domain, so a model change that widens a field
// fails loudly instead of aliasing states.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.hpp"
#include "state.hpp"

namespace scxmc {

class Codec {
 public:
  explicit Codec(const Config& cfg);
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
    uint8_t domain;   // values 0..domain-1 are proper; kNone maps to domain
    bool none;        // kNone allowed
    const char* name;
  };
  std::vector<Field> fields_;
  std::vector<Field> consts_;  // single-valued fields: stored in no bits
  int bits_ = 0;
  int bytes_ = 0;
};

}  // namespace scxmc
