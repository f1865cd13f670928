// Field8: the byte every State field is made of.
//
// In the model library it is plain uint8_t.  The access-traced build of the
// model (library scxmc_model_traced, compiled with SCXMC_TRACE_ACCESS; used
// only by tests/footprint_test.cpp) makes it a one-byte class whose reads and
// writes report their address to the recorder of model/access_trace.hpp, so
// that the footprint test sees every State byte a step actually reads or
// writes, not what the code was meant to touch.  The class has the size,
// layout and value semantics of uint8_t; only its copies and conversions
// are visible to the recorder.
#pragma once

#include <cstdint>
#include <type_traits>

#ifndef SCXMC_TRACE_ACCESS

namespace scxmc {
using Field8 = uint8_t;
// A read the recorder does not see (the model's own lock bookkeeping).
inline uint8_t untraced(Field8 f) { return f; }
}  // namespace scxmc

#else

namespace scxmc {

namespace trace {
// Set by the recorder while a step runs; null otherwise (state copies and
// packing outside a step are not steps' accesses).
void onRead(const void* addr);
void onWrite(const void* addr);
}  // namespace trace

class Field8 {
 public:
  Field8() = default;
  constexpr Field8(uint8_t v) : v_(v) {}  // NOLINT: implicit, as a uint8_t
  Field8(const Field8& o) : v_(o.get()) {}
  Field8& operator=(const Field8& o) { return set(o.get()); }
  Field8& operator=(uint8_t v) { return set(v); }

  operator uint8_t() const { return get(); }  // NOLINT: implicit, as a uint8_t
  template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
  explicit operator E() const { return static_cast<E>(get()); }

  Field8& operator|=(uint8_t m) { return set(static_cast<uint8_t>(get() | m)); }
  Field8& operator&=(uint8_t m) { return set(static_cast<uint8_t>(get() & m)); }
  Field8& operator+=(int k) { return set(static_cast<uint8_t>(get() + k)); }
  Field8& operator-=(int k) { return set(static_cast<uint8_t>(get() - k)); }
  Field8& operator++() { return set(static_cast<uint8_t>(get() + 1)); }
  Field8& operator--() { return set(static_cast<uint8_t>(get() - 1)); }
  uint8_t operator++(int) { const uint8_t v = get(); set(static_cast<uint8_t>(v + 1)); return v; }
  uint8_t operator--(int) { const uint8_t v = get(); set(static_cast<uint8_t>(v - 1)); return v; }

  // The value without telling the recorder (the recorder's own reads, and
  // accessors that report a finer location themselves).
  uint8_t raw() const { return v_; }
  void setRaw(uint8_t v) { v_ = v; }

 private:
  uint8_t get() const { trace::onRead(&v_); return v_; }
  Field8& set(uint8_t v) { trace::onWrite(&v_); v_ = v; return *this; }
  uint8_t v_ = 0;
};
static_assert(sizeof(Field8) == 1 && std::is_standard_layout_v<Field8>);
// A read the recorder does not see (the model's own lock bookkeeping).
inline uint8_t untraced(const Field8& f) { return f.raw(); }

}  // namespace scxmc

#endif
