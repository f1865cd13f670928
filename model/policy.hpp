// What the modeled BPF scheduler may decide in each callback.
//
// The default ("full") policy is the most general scheduler the kfunc
// contract allows; a Policy restricts the choice points so that a user can
// model one concrete scheduler (e.g. the kernel selftests' schedulers).
#pragma once

#include <cstdint>
#include <string>

namespace scxmc {

// Verdict kinds for direct dispatch (ops.select_cpu / ops.enqueue).
inline constexpr uint16_t kVerdictNone = 1u << 0;     // select_cpu: no insert
inline constexpr uint16_t kVerdictKeep = 1u << 1;     // enqueue: keep on BPF side
inline constexpr uint16_t kVerdictLocal = 1u << 2;    // SCX_DSQ_LOCAL
inline constexpr uint16_t kVerdictLocalOn = 1u << 3;  // SCX_DSQ_LOCAL_ON | cpu
inline constexpr uint16_t kVerdictGlobal = 1u << 4;   // SCX_DSQ_GLOBAL
inline constexpr uint16_t kVerdictUser = 1u << 5;     // a user DSQ

// ops.dispatch() kfunc calls.
inline constexpr uint16_t kDspInsertLocal = 1u << 0;    // scx_bpf_dsq_insert(p, LOCAL)
inline constexpr uint16_t kDspInsertLocalOn = 1u << 1;  // ... LOCAL_ON | cpu
inline constexpr uint16_t kDspInsertGlobal = 1u << 2;   // ... GLOBAL
inline constexpr uint16_t kDspInsertUser = 1u << 3;     // ... user DSQ
inline constexpr uint16_t kDspMoveToLocal = 1u << 4;    // scx_bpf_dsq_move_to_local()
inline constexpr uint16_t kDspMoveLocal = 1u << 5;      // scx_bpf_dsq_move() to a local DSQ
inline constexpr uint16_t kDspMoveUser = 1u << 6;       // scx_bpf_dsq_move() to a user DSQ
inline constexpr uint16_t kDspMoveGlobal = 1u << 7;     // scx_bpf_dsq_move() to GLOBAL
// The selftests' dispatch pattern: insert to SCX_DSQ_LOCAL_ON|this cpu if the
// task allows it, else SCX_DSQ_GLOBAL (st/dequeue.bpf.c:336-341).
inline constexpr uint16_t kDspInsertHereOrGlobal = 1u << 8;
inline constexpr uint16_t kDspInsertAny =
    kDspInsertLocal | kDspInsertLocalOn | kDspInsertGlobal | kDspInsertUser | kDspInsertHereOrGlobal;

struct Policy {
  std::string name = "full";
  bool has_select_cpu = true;      // ops.select_cpu defined (else scx_select_cpu_dfl)
  bool select_prev_cpu = false;    // select_cpu always returns prev_cpu
  uint16_t select_verdicts = 0;    // kVerdict* allowed from ops.select_cpu
  uint16_t enqueue_verdicts = 0;   // kVerdict* allowed from ops.enqueue
  uint16_t dispatch = 0;           // kDsp* kfunc calls allowed from ops.dispatch
  bool insert_stale = true;        // ops.dispatch may insert tasks it no longer owns
  bool only_user_dsq0 = false;     // user-DSQ verdicts use DSQ 0 only (SHARED_DSQ)

  static Policy full();
  // Named presets; returns false (and leaves *out alone) on an unknown name.
  static bool preset(const std::string& name, Policy* out);
  // Parses "preset" or "preset:key=v1|v2,key=..." or "key=...,..." on top of
  // full.  On error returns false and sets *err to a message naming the key.
  static bool parse(const std::string& text, Policy* out, std::string* err);
  static std::string presetList();
  static std::string presetHelp();  // one line per preset
  std::string describe() const;

  bool operator==(const Policy&) const = default;
};

}  // namespace scxmc
