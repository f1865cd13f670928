// SPDX-License-Identifier: MIT
#include "trace_format.hpp"
#include "atomic_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <sys/stat.h>
#include <cstring>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <unordered_map>

#include "scx_trace_abi.h"

namespace scxmc::trace {

static_assert(sizeof(scxt_header) == kHeaderSize);
static_assert(sizeof(scxt_record) == kRecordSize);
static_assert(SCXT_VERSION == kVersion);
static_assert(offsetof(scxt_record, kind) == 16);
static_assert(offsetof(scxt_record, arg) == 24);

namespace {

constexpr std::uint8_t B0 = 1, B1 = 2;

// clang-format off
constexpr KindInfo kKinds[] = {
    {Kind::MetaSessionBegin, "META_SESSION_BEGIN", {"scheduler", "seed", "nr_cpus", "", ""}, 0},
    {Kind::MetaAttach,       "META_ATTACH",        {"cycle", "result", "", "", ""}, 0},
    {Kind::MetaDetach,       "META_DETACH",        {"cycle", "exit_kind", "", "", ""}, 0},
    {Kind::MetaDrops,        "META_DROPS",         {"drops", "seq", "", "", ""}, 0},
    {Kind::MetaSessionEnd,   "META_SESSION_END",   {"last_seq", "drops", "cycles", "", ""}, 0},
    {Kind::MetaTaskComm,     "META_TASK_COMM",     {"comm_lo", "comm_hi", "", "", ""}, 0},

    {Kind::CbSelectCpu,      "CB_SELECT_CPU",      {"prev_cpu", "wake_flags", "", "", ""}, 0},
    {Kind::CbSelectCpuRet,   "CB_SELECT_CPU_RET",  {"cpu", "", "", "", ""}, 0},
    {Kind::CbEnqueue,        "CB_ENQUEUE",         {"enq_flags", "", "", "", ""}, 0},
    {Kind::CbDequeue,        "CB_DEQUEUE",         {"deq_flags", "was_held", "", "", ""}, B1},
    {Kind::CbDispatch,       "CB_DISPATCH",        {"cpu", "has_prev", "", "", ""}, B1},
    {Kind::CbRunnable,       "CB_RUNNABLE",        {"enq_flags", "", "", "", ""}, 0},
    {Kind::CbRunning,        "CB_RUNNING",         {"", "", "", "", ""}, 0},
    {Kind::CbStopping,       "CB_STOPPING",        {"runnable", "", "", "", ""}, B0},
    {Kind::CbQuiescent,      "CB_QUIESCENT",       {"deq_flags", "", "", "", ""}, 0},
    {Kind::CbEnable,         "CB_ENABLE",          {"", "", "", "", ""}, 0},
    {Kind::CbDisable,        "CB_DISABLE",         {"", "", "", "", ""}, 0},
    {Kind::CbInitTask,       "CB_INIT_TASK",       {"fork", "", "", "", ""}, B0},
    {Kind::CbInitTaskRet,    "CB_INIT_TASK_RET",   {"ret", "", "", "", ""}, 0},
    {Kind::CbExitTask,       "CB_EXIT_TASK",       {"cancelled", "", "", "", ""}, B0},
    {Kind::CbInit,           "CB_INIT",            {"", "", "", "", ""}, 0},
    {Kind::CbInitRet,        "CB_INIT_RET",        {"ret", "", "", "", ""}, 0},
    {Kind::CbExit,           "CB_EXIT",            {"exit_kind", "exit_code", "", "", ""}, 0},
    {Kind::CbSetWeight,      "CB_SET_WEIGHT",      {"weight", "", "", "", ""}, 0},
    {Kind::CbSetCpumask,     "CB_SET_CPUMASK",     {"cpumask", "", "", "", ""}, 0},
    {Kind::CbTick,           "CB_TICK",            {"", "", "", "", ""}, 0},
    {Kind::CbCgroupInit,     "CB_CGROUP_INIT",     {"cgroup_id", "weight", "", "", ""}, 0, 2},
    {Kind::CbCgroupExit,     "CB_CGROUP_EXIT",     {"cgroup_id", "", "", "", ""}, 0, 2},
    {Kind::CbCgroupPrepMove, "CB_CGROUP_PREP_MOVE", {"from_cgroup_id", "to_cgroup_id", "", "", ""}, 0, 2},
    {Kind::CbCgroupMove,     "CB_CGROUP_MOVE",     {"from_cgroup_id", "to_cgroup_id", "", "", ""}, 0, 2},
    {Kind::CbCgroupCancelMove, "CB_CGROUP_CANCEL_MOVE", {"from_cgroup_id", "to_cgroup_id", "", "", ""}, 0, 2},
    {Kind::CbSubAttach,      "CB_SUB_ATTACH",      {"sub_cgroup_id", "", "", "", "sched"}, 0, 2},
    {Kind::CbSubDetach,      "CB_SUB_DETACH",      {"sub_cgroup_id", "", "", "", "sched"}, 0, 2},

    {Kind::KfDsqInsert,      "KF_DSQ_INSERT",      {"dsq_id", "slice", "enq_flags", "result", "caller"}, 0},
    {Kind::KfDsqMoveToLocal, "KF_DSQ_MOVE_TO_LOCAL", {"dsq_id", "enq_flags", "", "result", "caller"}, 0},
    {Kind::KfDsqMove,        "KF_DSQ_MOVE",        {"dst_dsq_id", "src_dsq_id", "enq_flags", "result", "caller"}, 0},
    {Kind::KfCreateDsq,      "KF_CREATE_DSQ",      {"dsq_id", "node", "", "result", "caller"}, 0},
    {Kind::KfSelectCpuDfl,   "KF_SELECT_CPU_DFL",  {"prev_cpu", "wake_flags", "is_idle", "result", "caller"}, 4},
    {Kind::KfKickCpu,        "KF_KICK_CPU",        {"cpu", "flags", "", "", "caller"}, 0},
    {Kind::KfDsqNrQueued,    "KF_DSQ_NR_QUEUED",   {"dsq_id", "", "", "result", "caller"}, 0},
    {Kind::KfDsqMoveSetSlice,"KF_DSQ_MOVE_SET_SLICE", {"slice", "", "", "", "caller"}, 0},
    {Kind::KfDestroyDsq,     "KF_DESTROY_DSQ",     {"dsq_id", "", "", "", "caller"}, 0, 2},
    {Kind::KfError,          "KF_ERROR",           {"cycle", "", "", "", "caller"}, 0, 2},
    {Kind::KfSubDispatch,    "KF_SUB_DISPATCH",    {"cgroup_id", "", "", "result", "caller"}, 0, 2},
    {Kind::KfSubGrant,       "KF_SUB_GRANT",       {"cgroup_id", "caps", "", "result", "caller"}, 0, 2},

    {Kind::TpSchedSwitch,    "TP_SCHED_SWITCH",    {"prev_pid", "prev_state", "preempt", "prev_policy", "next_policy"}, 4},
    {Kind::TpSchedWakeup,    "TP_SCHED_WAKEUP",    {"cpu", "wakeup_new", "", "", ""}, B1},
    {Kind::TpSchedMigrate,   "TP_SCHED_MIGRATE",   {"orig_cpu", "dest_cpu", "", "", ""}, 0},
    {Kind::TpProcessFork,    "TP_PROCESS_FORK",    {"parent_pid", "child_tgid", "", "", ""}, 0},
    {Kind::TpProcessExit,    "TP_PROCESS_EXIT",    {"group_dead", "", "", "", ""}, B0},
    {Kind::TpScxExit,        "TP_SCX_EXIT",        {"exit_kind", "", "", "", ""}, 0, 2},

    {Kind::KEnableWorkfn,    "K_ENABLE_WORKFN",    {"", "", "", "", ""}, 0, 2},
    {Kind::KEnableWorkfnRet, "K_ENABLE_WORKFN_RET", {"", "", "", "", ""}, 0, 2},
    {Kind::KRootDisable,     "K_ROOT_DISABLE",     {"", "", "", "", ""}, 0, 2},
    {Kind::KRootDisableRet,  "K_ROOT_DISABLE_RET", {"", "", "", "", ""}, 0, 2},
    {Kind::KBypass,          "K_BYPASS",           {"bypass", "", "", "", ""}, B0, 2},
    {Kind::KBypassRet,       "K_BYPASS_RET",       {"bypass", "", "", "", ""}, B0, 2},
    {Kind::KTaskState,       "K_TASK_STATE",       {"from", "to", "", "", ""}, 0, 2},
    {Kind::KSwitchingTo,     "K_SWITCHING_TO",     {"", "", "", "", ""}, 0, 2},
    {Kind::KSwitchedFrom,    "K_SWITCHED_FROM",    {"", "", "", "", ""}, 0, 2},
    {Kind::KFork,            "K_FORK",             {"", "", "", "", ""}, 0, 2},
    {Kind::KForkRet,         "K_FORK_RET",         {"ret", "", "", "", ""}, 0, 2},
    {Kind::KPostFork,        "K_POST_FORK",        {"", "", "", "", ""}, 0, 2},
    {Kind::KCancelFork,      "K_CANCEL_FORK",      {"", "", "", "", ""}, 0, 2},
    {Kind::KDead,            "K_DEAD",             {"", "", "", "", ""}, 0, 2},
    {Kind::KSetScheduler,    "K_SETSCHEDULER",     {"old_policy", "new_policy", "", "", ""}, 0, 2},
};
// clang-format on

// Every C++ kind must equal the C ABI value.
static_assert(static_cast<std::uint16_t>(Kind::MetaTaskComm) == SCXT_META_TASK_COMM);
static_assert(static_cast<std::uint16_t>(Kind::CbTick) == SCXT_CB_TICK);
static_assert(static_cast<std::uint16_t>(Kind::CbDequeue) == SCXT_CB_DEQUEUE);
static_assert(static_cast<std::uint16_t>(Kind::KfDsqMoveSetSlice) == SCXT_KF_DSQ_MOVE_SET_SLICE);
static_assert(static_cast<std::uint16_t>(Kind::TpProcessExit) == SCXT_TP_PROCESS_EXIT);
static_assert(static_cast<std::uint16_t>(Kind::TpSchedSwitch) == SCXT_TP_SCHED_SWITCH);
static_assert(static_cast<std::uint16_t>(Kind::CbExit) == SCXT_CB_EXIT);
static_assert(static_cast<std::uint16_t>(Kind::CbCgroupInit) == SCXT_CB_CGROUP_INIT);
static_assert(static_cast<std::uint16_t>(Kind::CbCgroupCancelMove) == SCXT_CB_CGROUP_CANCEL_MOVE);
static_assert(static_cast<std::uint16_t>(Kind::KfDestroyDsq) == SCXT_KF_DESTROY_DSQ);
static_assert(static_cast<std::uint16_t>(Kind::KfError) == SCXT_KF_ERROR);
static_assert(static_cast<std::uint16_t>(Kind::CbSubAttach) == SCXT_CB_SUB_ATTACH);
static_assert(static_cast<std::uint16_t>(Kind::CbSubDetach) == SCXT_CB_SUB_DETACH);
static_assert(static_cast<std::uint16_t>(Kind::KfSubDispatch) == SCXT_KF_SUB_DISPATCH);
static_assert(static_cast<std::uint16_t>(Kind::KfSubGrant) == SCXT_KF_SUB_GRANT);
static_assert(static_cast<std::uint32_t>(Scheduler::Sub) == SCXT_SCHED_SUB);
static_assert(static_cast<std::uint16_t>(Kind::TpScxExit) == SCXT_TP_SCX_EXIT);
static_assert(static_cast<std::uint16_t>(Kind::KEnableWorkfn) == SCXT_K_ENABLE_WORKFN);
static_assert(static_cast<std::uint16_t>(Kind::KTaskState) == SCXT_K_TASK_STATE);
static_assert(static_cast<std::uint16_t>(Kind::KSetScheduler) == SCXT_K_SETSCHEDULER);

constexpr const char* kFieldNames[] = {"arg0", "arg1", "arg2", "arg3", "arg4"};

template <typename T>
T load_le(const std::byte* p) {
    T v{};
    // Hosts and guests are x86-64 (little endian); memcpy keeps this
    // alignment-safe.
    std::memcpy(&v, p, sizeof(T));
    return v;
}

template <typename T>
void store_le(std::string& out, T v) {
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out.append(buf, sizeof(T));
}

std::string hex(std::uint64_t v, int width = 0) {
    std::ostringstream s;
    s << "0x" << std::hex;
    if (width) {
        s.width(width);
        s.fill('0');
    }
    s << v;
    return s.str();
}

void json_string(std::ostream& os, std::string_view s) {
    os << '"';
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            os << '\\' << c;
        else if (u < 0x20 || u >= 0x7f)
            os << "\\u00" << "0123456789abcdef"[u >> 4] << "0123456789abcdef"[u & 15];
        else
            os << c;
    }
    os << '"';
}

}  // namespace

std::span<const KindInfo> all_kinds() { return kKinds; }

const KindInfo* find_kind(std::uint16_t raw) {
    for (const auto& k : kKinds)
        if (static_cast<std::uint16_t>(k.kind) == raw) return &k;
    return nullptr;
}

std::optional<Kind> kind_from_name(std::string_view name) {
    for (const auto& k : kKinds)
        if (k.name == name) return k.kind;
    return std::nullopt;
}

std::string_view kind_name(Kind k) {
    const KindInfo* i = find_kind(static_cast<std::uint16_t>(k));
    return i ? i->name : std::string_view("UNKNOWN");
}

std::string dsq::describe(std::uint64_t id) {
    if ((id & kLocalOn) == kLocalOn) return "LOCAL_ON|" + std::to_string(id & kLocalCpuMask);
    if (id == kLocal) return "LOCAL";
    if (id == kGlobal) return "GLOBAL";
    if (id == kInvalid) return "INVALID";
    if (id & kBuiltin) return "BUILTIN|" + hex(id & ~kBuiltin);
    return hex(id);
}

TraceError::TraceError(std::uint64_t offset, std::string field, const std::string& msg)
    : std::runtime_error("trace: byte offset " + std::to_string(offset) + " (field '" + field +
                         "'): " + msg),
      offset_(offset),
      field_(std::move(field)),
      message_(msg) {}

Trace parse(std::string_view data, const ReadOptions& opts) {
    return parse(std::span<const std::byte>(reinterpret_cast<const std::byte*>(data.data()),
                                            data.size()),
                 opts);
}

namespace {

// The 64-byte header; `p` holds kHeaderSize bytes.
Header parse_header(const std::byte* p) {
    Trace t;
    if (std::memcmp(p, kMagic.data(), kMagic.size()) != 0)
        throw TraceError(0, "magic", "bad magic, expected \"SCXTRACE\"");
    const auto version = load_le<std::uint16_t>(p + 8);
    if (version < kMinVersion || version > kVersion)
        throw TraceError(8, "version",
                         "unsupported trace version " + std::to_string(version) +
                             " (this reader supports versions " + std::to_string(kMinVersion) +
                             " to " + std::to_string(kVersion) + ")");
    const auto header_size = load_le<std::uint16_t>(p + 10);
    if (header_size != kHeaderSize)
        throw TraceError(10, "header_size",
                         "header_size " + std::to_string(header_size) + ", expected " +
                             std::to_string(kHeaderSize));
    const auto record_size = load_le<std::uint16_t>(p + 12);
    if (record_size != kRecordSize)
        throw TraceError(12, "record_size",
                         "record_size " + std::to_string(record_size) + ", expected " +
                             std::to_string(kRecordSize));
    t.header.version = version;
    t.header.flags = load_le<std::uint16_t>(p + 14);
    if (t.header.flags & ~header_flags::kAll)
        throw TraceError(14, "flags", "unknown header flag bits " + hex(t.header.flags));
    t.header.nr_cpus = load_le<std::uint32_t>(p + 16);
    if (t.header.nr_cpus == 0 || t.header.nr_cpus > kMaxCpus)
        throw TraceError(16, "nr_cpus",
                         "nr_cpus " + std::to_string(t.header.nr_cpus) + " out of range 1.." +
                             std::to_string(kMaxCpus));
    const auto sched = load_le<std::uint32_t>(p + 20);
    if (sched > static_cast<std::uint32_t>(Scheduler::Sub))
        throw TraceError(20, "scheduler", "unknown scheduler id " + std::to_string(sched));
    t.header.scheduler = static_cast<Scheduler>(sched);
    t.header.seed = load_le<std::uint64_t>(p + 24);
    {
        const char* kr = reinterpret_cast<const char*>(p + 32);
        std::size_t len = 0;
        while (len < 32 && kr[len]) ++len;
        if (len == 32)
            throw TraceError(32, "kernel_release", "kernel_release is not NUL-terminated");
        for (std::size_t i = 0; i < len; ++i) {
            auto c = static_cast<unsigned char>(kr[i]);
            if (c < 0x20 || c >= 0x7f)
                throw TraceError(32 + i, "kernel_release",
                                 "non-printable byte " + hex(c) + " in kernel_release");
        }
        for (std::size_t i = len; i < 32; ++i)
            if (kr[i])
                throw TraceError(32 + i, "kernel_release",
                                 "non-zero byte after the NUL terminator");
        t.header.kernel_release.assign(kr, len);
    }

    return t.header;
}

// One record at byte offset `off` (record number i); `seen` maps seqs to
// their offsets when unique seqs are checked.
Record parse_record(const std::byte* r, std::size_t i, std::size_t off, const Header& h,
                    std::unordered_map<std::uint64_t, std::size_t>* seen) {
    const std::string rn = "record " + std::to_string(i) + ": ";
    Record rec;
    rec.seq = load_le<std::uint64_t>(r);
    rec.ts_ns = load_le<std::uint64_t>(r + 8);
    const auto kind = load_le<std::uint16_t>(r + 16);
    const KindInfo* ki = find_kind(kind);
    if (!ki) throw TraceError(off + 16, "kind", rn + "unknown event kind " + hex(kind, 4));
    if (ki->since > h.version)
        throw TraceError(off + 16, "kind",
                         rn + "event kind " + std::string(ki->name) + " (" + hex(kind, 4) +
                             ") needs trace version " + std::to_string(ki->since) +
                             ", the header says version " + std::to_string(h.version));
    rec.kind = ki->kind;
    rec.cpu = load_le<std::uint16_t>(r + 18);
    if (rec.cpu >= h.nr_cpus)
        throw TraceError(off + 18, "cpu",
                         rn + "cpu " + std::to_string(rec.cpu) + " >= nr_cpus " +
                             std::to_string(h.nr_cpus));
    rec.pid = load_le<std::uint32_t>(r + 20);
    for (std::size_t a = 0; a < kNrArgs; ++a) {
        rec.arg[a] = load_le<std::uint64_t>(r + 24 + 8 * a);
        // the sub-scheduler session (scx_sub) tags each callback with its
        // scheduler in arg4 and each META_ATTACH/DETACH in arg2
        // (docs/trace-format.md)
        const bool sub_tag = h.scheduler == Scheduler::Sub &&
                             ((a == 4 && (static_cast<std::uint16_t>(ki->kind) & 0xff00) == 0x0100) ||
                              (a == 2 && (ki->kind == Kind::MetaAttach || ki->kind == Kind::MetaDetach)));
        if (ki->args[a].empty() && rec.arg[a] != 0 && !sub_tag)
            throw TraceError(off + 24 + 8 * a, kFieldNames[a],
                             rn + std::string(ki->name) + " does not use " +
                                 kFieldNames[a] + " but it holds " + hex(rec.arg[a]));
        if ((ki->bool_args >> a) & 1 && rec.arg[a] > 1)
            throw TraceError(off + 24 + 8 * a, kFieldNames[a],
                             rn + std::string(ki->name) + "." + std::string(ki->args[a]) +
                                 " must be 0 or 1, got " + std::to_string(rec.arg[a]));
    }
    if (seen) {
        auto [it, fresh] = seen->emplace(rec.seq, off);
        if (!fresh)
            throw TraceError(off, "seq",
                             rn + "duplicate seq " + std::to_string(rec.seq) +
                                 " (first at byte offset " + std::to_string(it->second) + ")");
    }
    return rec;
}

}  // namespace

Trace parse(std::span<const std::byte> d, const ReadOptions& opts) {
    Trace t;
    const std::size_t n = d.size();
    if (n < kHeaderSize) {
        if (n < kMagic.size() ||
            std::memcmp(d.data(), kMagic.data(), kMagic.size()) != 0)
            throw TraceError(0, "magic",
                             "not an scxmc trace: " + std::to_string(n) +
                                 " bytes, need a 64-byte header starting with \"SCXTRACE\"");
        throw TraceError(n, "header",
                         "truncated header: " + std::to_string(n) + " of " +
                             std::to_string(kHeaderSize) + " bytes");
    }
    const std::byte* p = d.data();
    t.header = parse_header(p);
    std::size_t body = n - kHeaderSize;
    std::size_t nrec = body / kRecordSize;
    if (body % kRecordSize) {
        const std::size_t off = kHeaderSize + nrec * kRecordSize;
        if (!opts.allow_truncated_tail)
            throw TraceError(off, "record",
                             "truncated record " + std::to_string(nrec) + ": " +
                                 std::to_string(body % kRecordSize) + " of " +
                                 std::to_string(kRecordSize) + " bytes");
    }
    t.records.reserve(nrec);
    std::unordered_map<std::uint64_t, std::size_t> seen;
    if (opts.check_unique_seq) seen.reserve(nrec * 2);
    for (std::size_t i = 0; i < nrec; ++i) {
        if (opts.should_stop && (i & 0xfff) == 0)
            if (std::string why = opts.should_stop(); !why.empty()) throw ReadStopped(why);
        const std::size_t off = kHeaderSize + i * kRecordSize;
        t.records.push_back(
            parse_record(p + off, i, off, t.header, opts.check_unique_seq ? &seen : nullptr));
    }
    return t;
}

// Streams the file: the header is read and checked before anything else,
// then the records one buffer at a time (never the whole file at once).
Trace read_file(const std::string& path, const ReadOptions& opts) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        throw std::runtime_error("trace: cannot open '" + path + "': " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw std::runtime_error("trace: '" + path + "' is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("trace: cannot open '" + path + "'");
    auto fill = [&](char* buf, std::size_t want) {
        in.read(buf, static_cast<std::streamsize>(want));
        if (in.bad()) throw std::runtime_error("trace: error reading '" + path + "'");
        return static_cast<std::size_t>(in.gcount());
    };
    try {
        Trace t;
        std::array<char, kHeaderSize> hb{};
        const std::size_t hn = fill(hb.data(), kHeaderSize);
        if (hn < kHeaderSize) return parse(std::string_view(hb.data(), hn), opts);  // its error
        t.header = parse_header(reinterpret_cast<const std::byte*>(hb.data()));
        std::unordered_map<std::uint64_t, std::size_t> seen;
        std::vector<char> buf(kRecordSize * 1024);
        std::size_t i = 0;
        while (true) {
            const std::size_t got = fill(buf.data(), buf.size());
            const std::size_t whole = got / kRecordSize;
            for (std::size_t k = 0; k < whole; ++k, ++i) {
                if (opts.should_stop && (i & 0xfff) == 0)
                    if (std::string why = opts.should_stop(); !why.empty()) throw ReadStopped(why);
                const std::size_t off = kHeaderSize + i * kRecordSize;
                t.records.push_back(parse_record(reinterpret_cast<const std::byte*>(buf.data()) + k * kRecordSize,
                                                 i, off, t.header,
                                                 opts.check_unique_seq ? &seen : nullptr));
            }
            if (got % kRecordSize) {
                if (!opts.allow_truncated_tail)
                    throw TraceError(kHeaderSize + i * kRecordSize, "record",
                                     "truncated record " + std::to_string(i) + ": " +
                                         std::to_string(got % kRecordSize) + " of " +
                                         std::to_string(kRecordSize) + " bytes");
                break;
            }
            if (got < buf.size()) break;
        }
        return t;
    } catch (const TraceError& e) {
        throw TraceError(e.offset(), e.field(), e.message() + " [in " + path + "]");
    }
}

std::string serialize(const Trace& t) {
    std::string out;
    out.reserve(kHeaderSize + t.records.size() * kRecordSize);
    if (t.header.kernel_release.size() > 31)
        throw TraceError(32, "kernel_release", "kernel_release longer than 31 bytes");
    if (t.header.nr_cpus == 0 || t.header.nr_cpus > kMaxCpus)
        throw TraceError(16, "nr_cpus", "nr_cpus out of range");
    out.append(kMagic);
    store_le<std::uint16_t>(out, t.header.version);
    store_le<std::uint16_t>(out, static_cast<std::uint16_t>(kHeaderSize));
    store_le<std::uint16_t>(out, static_cast<std::uint16_t>(kRecordSize));
    store_le<std::uint16_t>(out, t.header.flags);
    store_le<std::uint32_t>(out, t.header.nr_cpus);
    store_le<std::uint32_t>(out, static_cast<std::uint32_t>(t.header.scheduler));
    store_le<std::uint64_t>(out, t.header.seed);
    std::string kr = t.header.kernel_release;
    kr.resize(32, '\0');
    out.append(kr);
    for (const auto& r : t.records) {
        store_le<std::uint64_t>(out, r.seq);
        store_le<std::uint64_t>(out, r.ts_ns);
        store_le<std::uint16_t>(out, static_cast<std::uint16_t>(r.kind));
        store_le<std::uint16_t>(out, r.cpu);
        store_le<std::uint32_t>(out, r.pid);
        for (auto a : r.arg) store_le<std::uint64_t>(out, a);
    }
    return out;
}

void write_file(const std::string& path, const Trace& t) {
    const std::string data = serialize(t);
    // atomically: a temporary next to it, fsync, rename (support/atomic_file.hpp)
    if (const std::string e = support::writeFileAtomic(path, data); !e.empty())
        throw std::runtime_error("trace: " + e);
}

std::string header_to_json(const Header& h) {
    static constexpr std::string_view kSched[] = {"unknown", "rec", "simple", "central", "qmap", "sub"};
    std::ostringstream os;
    auto si = static_cast<std::uint32_t>(h.scheduler);
    os << "{\"type\":\"header\",\"version\":" << h.version << ",\"flags\":" << h.flags
       << ",\"observer\":" << ((h.flags & header_flags::kObserver) ? "true" : "false")
       << ",\"nr_cpus\":" << h.nr_cpus << ",\"scheduler\":\""
       << (si < std::size(kSched) ? kSched[si] : "unknown") << "\",\"seed\":" << h.seed
       << ",\"kernel_release\":";
    json_string(os, h.kernel_release);
    os << '}';
    return os.str();
}

std::string record_to_json(const Record& r) {
    std::ostringstream os;
    const KindInfo* ki = find_kind(static_cast<std::uint16_t>(r.kind));
    os << "{\"seq\":" << r.seq << ",\"ts_ns\":" << r.ts_ns << ",\"kind\":\""
       << (ki ? ki->name : "UNKNOWN") << "\",\"cpu\":" << r.cpu << ",\"pid\":" << r.pid;
    os << ",\"args\":{";
    bool first = true;
    for (std::size_t a = 0; a < kNrArgs; ++a) {
        if (ki && ki->args[a].empty() && r.arg[a] != 0) {
            // (only a sub-scheduler session's scheduler tag is read there)
            if (!first) os << ',';
            first = false;
            os << "\"sched\":" << r.arg[a];
            continue;
        }
        if (!ki || ki->args[a].empty()) continue;
        if (!first) os << ',';
        first = false;
        const std::string_view name = ki->args[a];
        os << '"' << name << "\":";
        const bool is_bool_result =
            name == "result" && (r.kind == Kind::KfDsqInsert || r.kind == Kind::KfDsqMove ||
                                 r.kind == Kind::KfDsqMoveToLocal);
        const bool is_signed =
            name == "ret" || name == "node" || name == "exit_code" || name == "prev_cpu" ||
            (name == "cpu" && r.kind == Kind::CbSelectCpuRet) ||
            (name == "result" && !is_bool_result);
        if (name == "caller") {
            const KindInfo* c = find_kind(static_cast<std::uint16_t>(r.arg[a]));
            if (c && r.arg[a])
                os << '"' << c->name << '"';
            else
                os << r.arg[a];
            if (r.arg[a] >> 32) os << ",\"sched\":" << (r.arg[a] >> 32);  // scx_sub's tag
        } else if (is_bool_result || ((ki->bool_args >> a) & 1) != 0) {
            os << (r.arg[a] ? "true" : "false");
        } else if (is_signed) {
            os << static_cast<std::int64_t>(r.arg[a]);
        } else {
            os << r.arg[a];
        }
    }
    os << '}';
    if (r.kind == Kind::KfDsqInsert || r.kind == Kind::KfDsqMoveToLocal ||
        r.kind == Kind::KfCreateDsq || r.kind == Kind::KfDsqNrQueued) {
        os << ",\"dsq\":\"" << dsq::describe(r.arg[0]) << '"';
    } else if (r.kind == Kind::KfDsqMove) {
        os << ",\"dsq\":\"" << dsq::describe(r.arg[0]) << "\",\"src_dsq\":\""
           << dsq::describe(r.arg[1]) << '"';
    }
    os << '}';
    return os.str();
}

void write_jsonl(std::ostream& os, const Trace& t) {
    os << header_to_json(t.header) << '\n';
    for (const auto& r : t.records) os << record_to_json(r) << '\n';
}

std::vector<Record> sorted_by_seq(const std::vector<Record>& records) {
    std::vector<Record> v = records;
    std::stable_sort(v.begin(), v.end(),
                     [](const Record& a, const Record& b) { return a.seq < b.seq; });
    return v;
}

std::vector<SeqGap> seq_gaps(const std::vector<Record>& records) {
    std::vector<std::uint64_t> s;
    s.reserve(records.size());
    for (const auto& r : records) s.push_back(r.seq);
    std::sort(s.begin(), s.end());
    std::vector<SeqGap> gaps;
    for (std::size_t i = 1; i < s.size(); ++i)
        if (s[i] > s[i - 1] + 1) gaps.push_back({s[i - 1] + 1, s[i] - 1});
    return gaps;
}

}  // namespace scxmc::trace
