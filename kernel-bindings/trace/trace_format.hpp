// SPDX-License-Identifier: MIT
// scxmc trace format: reader, writer and JSONL export.
//
// The binary layout is defined in scx_trace_abi.h (shared with the BPF
// recorders) and documented in docs/trace-format.md.  This library has no
// dependency on the scxmc model.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace scxmc::trace {

inline constexpr std::string_view kMagic = "SCXTRACE";
// The version this code writes; the reader also accepts kMinVersion.. (a
// version-1 file may hold only the kinds of version 1, KindInfo::since).
inline constexpr std::uint16_t kVersion = 2;
inline constexpr std::uint16_t kMinVersion = 1;
inline constexpr std::size_t kHeaderSize = 64;
inline constexpr std::size_t kRecordSize = 64;
inline constexpr std::size_t kNrArgs = 5;
inline constexpr std::uint32_t kMaxCpus = 4096;

enum class Scheduler : std::uint32_t {
    Unknown = 0,
    Rec = 1,
    Simple = 2,
    Central = 3,
    Qmap = 4,
    Sub = 5,
};

namespace header_flags {
inline constexpr std::uint16_t kObserver = 0x1;
inline constexpr std::uint16_t kAll = kObserver;
}  // namespace header_flags

// Keep in sync with enum scxt_kind in scx_trace_abi.h (a static_assert in
// trace_format.cpp checks every value).
enum class Kind : std::uint16_t {
    MetaSessionBegin = 0x0001,
    MetaAttach = 0x0002,
    MetaDetach = 0x0003,
    MetaDrops = 0x0004,
    MetaSessionEnd = 0x0005,
    MetaTaskComm = 0x0006,

    CbSelectCpu = 0x0101,
    CbSelectCpuRet = 0x0102,
    CbEnqueue = 0x0103,
    CbDequeue = 0x0104,
    CbDispatch = 0x0105,
    CbRunnable = 0x0106,
    CbRunning = 0x0107,
    CbStopping = 0x0108,
    CbQuiescent = 0x0109,
    CbEnable = 0x010a,
    CbDisable = 0x010b,
    CbInitTask = 0x010c,
    CbInitTaskRet = 0x010d,
    CbExitTask = 0x010e,
    CbInit = 0x010f,
    CbInitRet = 0x0110,
    CbExit = 0x0111,
    CbSetWeight = 0x0112,
    CbSetCpumask = 0x0113,
    CbTick = 0x0114,
    CbCgroupInit = 0x0115,
    CbCgroupExit = 0x0116,
    CbCgroupPrepMove = 0x0117,
    CbCgroupMove = 0x0118,
    CbCgroupCancelMove = 0x0119,
    CbSubAttach = 0x011a,
    CbSubDetach = 0x011b,

    KfDsqInsert = 0x0201,
    KfDsqMoveToLocal = 0x0202,
    KfDsqMove = 0x0203,
    KfCreateDsq = 0x0204,
    KfSelectCpuDfl = 0x0205,
    KfKickCpu = 0x0206,
    KfDsqNrQueued = 0x0207,
    KfDsqMoveSetSlice = 0x0208,
    KfDestroyDsq = 0x0209,
    KfError = 0x020a,
    KfSubDispatch = 0x020b,
    KfSubGrant = 0x020c,

    TpSchedSwitch = 0x0301,
    TpSchedWakeup = 0x0302,
    TpSchedMigrate = 0x0303,
    TpProcessFork = 0x0304,
    TpProcessExit = 0x0305,
    TpScxExit = 0x0306,

    // version 2: fentry/fexit on the sched_ext core (bpf/rec_lifecycle.bpf.h)
    KEnableWorkfn = 0x0401,
    KEnableWorkfnRet = 0x0402,
    KRootDisable = 0x0403,
    KRootDisableRet = 0x0404,
    KBypass = 0x0405,
    KBypassRet = 0x0406,
    KTaskState = 0x0407,
    KSwitchingTo = 0x0408,
    KSwitchedFrom = 0x0409,
    KFork = 0x040a,
    KForkRet = 0x040b,
    KPostFork = 0x040c,
    KCancelFork = 0x040d,
    KDead = 0x040e,
    KSetScheduler = 0x040f,
};

// Static description of one kind: its JSONL name and the names of the args
// it uses (empty string = unused, must be 0 in the binary).
struct KindInfo {
    Kind kind;
    std::string_view name;
    std::array<std::string_view, kNrArgs> args;
    // bit i set: arg i is a boolean (0 or 1)
    std::uint8_t bool_args;
    // the first trace format version that has this kind
    std::uint16_t since = 1;
};

// All known kinds, in numeric order.
std::span<const KindInfo> all_kinds();
const KindInfo* find_kind(std::uint16_t raw);
std::optional<Kind> kind_from_name(std::string_view name);
std::string_view kind_name(Kind k);

// Well-known DSQ ids (kernel enum scx_dsq_id_flags, 7.3).
namespace dsq {
inline constexpr std::uint64_t kBuiltin = 1ULL << 63;
inline constexpr std::uint64_t kLocalOn = 0xC000000000000000ULL;
inline constexpr std::uint64_t kInvalid = kBuiltin | 0;
inline constexpr std::uint64_t kGlobal = kBuiltin | 1;
inline constexpr std::uint64_t kLocal = kBuiltin | 2;
inline constexpr std::uint64_t kLocalCpuMask = 0xFFFFFFFFULL;
// "LOCAL", "GLOBAL", "LOCAL_ON|3", "0x100", ...
std::string describe(std::uint64_t dsq_id);
}  // namespace dsq

struct Header {
    std::uint16_t version = kVersion;
    std::uint16_t flags = 0;
    std::uint32_t nr_cpus = 1;
    Scheduler scheduler = Scheduler::Unknown;
    std::uint64_t seed = 0;
    std::string kernel_release;  // at most 31 bytes

    bool operator==(const Header&) const = default;
};

struct Record {
    std::uint64_t seq = 0;
    std::uint64_t ts_ns = 0;
    Kind kind = Kind::MetaSessionBegin;
    std::uint16_t cpu = 0;
    std::uint32_t pid = 0;
    std::array<std::uint64_t, kNrArgs> arg{};

    bool operator==(const Record&) const = default;
};

struct Trace {
    Header header;
    std::vector<Record> records;  // in file order (ring-buffer drain order)

    bool operator==(const Trace&) const = default;
};

// Thrown for any malformed input.  what() reads
//   "trace: byte offset 80 (field 'kind'): record 0: unknown event kind 0x0999"
class TraceError : public std::runtime_error {
public:
    TraceError(std::uint64_t offset, std::string field, const std::string& msg);
    std::uint64_t offset() const noexcept { return offset_; }
    const std::string& field() const noexcept { return field_; }
    const std::string& message() const noexcept { return message_; }

private:
    std::uint64_t offset_;
    std::string field_;
    std::string message_;
};

struct ReadOptions {
    // Accept (and drop) a partial last record, as left by a VM killed while
    // writing.  Off by default: a truncated file is an error.
    bool allow_truncated_tail = false;
    // Reject two records with the same seq.
    bool check_unique_seq = true;
    // Asked every 4096 records; a non-empty answer (a limit, an interrupt)
    // stops the read with ReadStopped carrying it.
    std::function<std::string()> should_stop;
};

// Reading stopped because ReadOptions::should_stop said so (not an input error).
class ReadStopped : public std::runtime_error {
public:
    explicit ReadStopped(const std::string& why) : std::runtime_error(why) {}
};

Trace parse(std::span<const std::byte> data, const ReadOptions& opts = {});
Trace parse(std::string_view data, const ReadOptions& opts = {});
// Streams the file: the 64-byte header is checked before any record is read.
Trace read_file(const std::string& path, const ReadOptions& opts = {});

// Serialize; throws TraceError (offset = where the bad value would go) if
// the trace cannot be represented (e.g. kernel_release too long).
std::string serialize(const Trace& t);
void write_file(const std::string& path, const Trace& t);

// JSONL: one header object, then one object per record.
void write_jsonl(std::ostream& os, const Trace& t);
std::string record_to_json(const Record& r);
std::string header_to_json(const Header& h);

// Records ordered by seq (the global order of events; file order is only
// per-CPU ordered).
std::vector<Record> sorted_by_seq(const std::vector<Record>& records);

// Sequence numbers taken but never recorded (ring-buffer drops), as
// [first, last] ranges, computed over the seq values present.
struct SeqGap {
    std::uint64_t first;
    std::uint64_t last;
};
std::vector<SeqGap> seq_gaps(const std::vector<Record>& records);

}  // namespace scxmc::trace
