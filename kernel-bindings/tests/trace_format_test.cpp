// SPDX-License-Identifier: MIT
#include "trace_format.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scx_trace_abi.h"

using namespace scxmc::trace;

namespace {

Trace sample() {
    Trace t;
    t.header.nr_cpus = 2;
    t.header.scheduler = Scheduler::Rec;
    t.header.seed = 42;
    t.header.kernel_release = "7.3.4+deb13-cloud-amd64";
    Record r;
    r.seq = 0; r.kind = Kind::MetaSessionBegin; r.arg = {1, 42, 2, 0, 0};
    t.records.push_back(r);
    r = {}; r.seq = 2; r.ts_ns = 1000; r.kind = Kind::CbEnqueue; r.cpu = 1; r.pid = 77; r.arg[0] = 1;
    t.records.push_back(r);
    r = {}; r.seq = 1; r.ts_ns = 900; r.kind = Kind::KfDsqInsert; r.cpu = 0; r.pid = 77;
    r.arg = {dsq::kLocalOn | 1, 5000000, 0, 1, static_cast<std::uint64_t>(Kind::CbEnqueue)};
    t.records.push_back(r);
    r = {}; r.seq = 5; r.kind = Kind::CbStopping; r.cpu = 1; r.pid = 77; r.arg[0] = 1;
    t.records.push_back(r);
    return t;
}

std::string bytes() { return serialize(sample()); }

template <typename T>
void poke(std::string& s, std::size_t off, T v) { std::memcpy(s.data() + off, &v, sizeof(T)); }

void expect_error(const std::string& data, std::uint64_t offset, const std::string& field,
                  const std::string& needle, const ReadOptions& o = {}) {
    try {
        parse(std::string_view(data), o);
        FAIL() << "expected TraceError at offset " << offset << " field " << field;
    } catch (const TraceError& e) {
        EXPECT_EQ(e.offset(), offset) << e.what();
        EXPECT_EQ(e.field(), field) << e.what();
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("byte offset " + std::to_string(offset)),
                  std::string::npos) << e.what();
    }
}

}  // namespace

TEST(TraceFormat, AbiLayout) {
    EXPECT_EQ(sizeof(scxt_header), 64u);
    EXPECT_EQ(sizeof(scxt_record), 64u);
    EXPECT_EQ(offsetof(scxt_record, pid), 20u);
    EXPECT_EQ(offsetof(scxt_header, kernel_release), 32u);
    for (const auto& k : all_kinds()) {
        EXPECT_EQ(find_kind(static_cast<std::uint16_t>(k.kind)), &k);
        EXPECT_EQ(kind_from_name(k.name), k.kind);
    }
}

TEST(TraceFormat, RoundTrip) {
    const Trace t = sample();
    const std::string s = serialize(t);
    ASSERT_EQ(s.size(), 64u + 4 * 64u);
    EXPECT_EQ(s.substr(0, 8), "SCXTRACE");
    EXPECT_EQ(parse(std::string_view(s)), t);
}

TEST(TraceFormat, FileRoundTrip) {
    const auto path = (std::filesystem::temp_directory_path() / "scxmc_trace_rt.bin").string();
    write_file(path, sample());
    EXPECT_EQ(read_file(path), sample());
    std::filesystem::remove(path);
}

TEST(TraceFormat, EmptyBodyIsValid) {
    Trace t = sample();
    t.records.clear();
    EXPECT_EQ(parse(std::string_view(serialize(t))).records.size(), 0u);
}

TEST(TraceFormat, RejectsBadMagic) {
    std::string s = bytes();
    s[3] = 'X';
    expect_error(s, 0, "magic", "bad magic");
    expect_error("hello", 0, "magic", "not an scxmc trace");
    expect_error("", 0, "magic", "not an scxmc trace");
}

TEST(TraceFormat, RejectsTruncatedHeader) {
    expect_error(bytes().substr(0, 40), 40, "header", "truncated header: 40 of 64 bytes");
}

TEST(TraceFormat, RejectsVersionMismatch) {
    std::string s = bytes();
    poke<std::uint16_t>(s, 8, 3);
    expect_error(s, 8, "version", "unsupported trace version 3 (this reader supports versions 1 to 2)");
    poke<std::uint16_t>(s, 8, 0);
    expect_error(s, 8, "version", "unsupported trace version 0");
}

TEST(TraceFormat, RejectsBadSizes) {
    std::string s = bytes();
    poke<std::uint16_t>(s, 10, 48);
    expect_error(s, 10, "header_size", "header_size 48");
    s = bytes();
    poke<std::uint16_t>(s, 12, 72);
    expect_error(s, 12, "record_size", "record_size 72");
}

TEST(TraceFormat, RejectsBadHeaderFields) {
    std::string s = bytes();
    poke<std::uint16_t>(s, 14, 0x80);
    expect_error(s, 14, "flags", "unknown header flag");
    s = bytes();
    poke<std::uint32_t>(s, 16, 0);
    expect_error(s, 16, "nr_cpus", "nr_cpus 0");
    s = bytes();
    poke<std::uint32_t>(s, 20, 9);
    expect_error(s, 20, "scheduler", "unknown scheduler id 9");
    s = bytes();
    std::memset(s.data() + 32, 'a', 32);
    expect_error(s, 32, "kernel_release", "not NUL-terminated");
    s = bytes();
    s[33] = '\x01';
    expect_error(s, 33, "kernel_release", "non-printable");
    s = bytes();
    s[62] = 'z';
    expect_error(s, 62, "kernel_release", "after the NUL");
}

TEST(TraceFormat, RejectsTruncatedRecord) {
    const std::string s = bytes();
    const std::string cut = s.substr(0, s.size() - 10);
    expect_error(cut, 64 + 3 * 64, "record", "truncated record 3: 54 of 64 bytes");
    ReadOptions o;
    o.allow_truncated_tail = true;
    EXPECT_EQ(parse(std::string_view(cut), o).records.size(), 3u);
}

TEST(TraceFormat, RejectsUnknownKind) {
    std::string s = bytes();
    poke<std::uint16_t>(s, 64 + 64 + 16, 0x0999);
    expect_error(s, 64 + 64 + 16, "kind", "record 1: unknown event kind 0x0999");
}

// Version 1 files are still read, but only with the kinds of version 1: a
// version-2 kind (the lifecycle probes) in a version-1 file is an error.
TEST(TraceFormat, VersionOneReadsButRejectsVersionTwoKinds) {
    std::string s = bytes();
    poke<std::uint16_t>(s, 8, 1);
    EXPECT_EQ(parse(std::string_view(s)).header.version, 1);
    poke<std::uint16_t>(s, 64 + 64 + 16, static_cast<std::uint16_t>(Kind::KBypass));
    expect_error(s, 64 + 64 + 16, "kind",
                 "record 1: event kind K_BYPASS (0x0405) needs trace version 2, the header says version 1");
    poke<std::uint16_t>(s, 8, 2);
    EXPECT_EQ(parse(std::string_view(s)).records[1].kind, Kind::KBypass);
}

TEST(TraceFormat, RejectsCpuOutOfRange) {
    std::string s = bytes();
    poke<std::uint16_t>(s, 64 + 2 * 64 + 18, 2);
    expect_error(s, 64 + 2 * 64 + 18, "cpu", "cpu 2 >= nr_cpus 2");
}

TEST(TraceFormat, RejectsUnusedArgAndBadBool) {
    std::string s = bytes();
    poke<std::uint64_t>(s, 64 + 64 + 24 + 8 * 3, 7);  // CB_ENQUEUE arg3
    expect_error(s, 64 + 64 + 24 + 24, "arg3", "CB_ENQUEUE does not use arg3");
    s = bytes();
    poke<std::uint64_t>(s, 64 + 3 * 64 + 24, 2);  // CB_STOPPING.runnable
    expect_error(s, 64 + 3 * 64 + 24, "arg0", "CB_STOPPING.runnable must be 0 or 1");
}

TEST(TraceFormat, RejectsDuplicateSeq) {
    std::string s = bytes();
    poke<std::uint64_t>(s, 64 + 2 * 64, 2);  // record 2 gets record 1's seq
    expect_error(s, 64 + 2 * 64, "seq", "duplicate seq 2 (first at byte offset 128)");
    ReadOptions o;
    o.check_unique_seq = false;
    EXPECT_NO_THROW(parse(std::string_view(s), o));
}

TEST(TraceFormat, SerializeRejectsUnrepresentable) {
    Trace t = sample();
    t.header.kernel_release = std::string(40, 'k');
    EXPECT_THROW(serialize(t), TraceError);
}

TEST(TraceFormat, SortAndGaps) {
    const Trace t = sample();
    auto v = sorted_by_seq(t.records);
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0].seq, 0u);
    EXPECT_EQ(v[1].seq, 1u);
    EXPECT_EQ(v[2].seq, 2u);
    auto g = seq_gaps(t.records);
    ASSERT_EQ(g.size(), 1u);
    EXPECT_EQ(g[0].first, 3u);
    EXPECT_EQ(g[0].last, 4u);
}

TEST(TraceFormat, Jsonl) {
    std::ostringstream os;
    write_jsonl(os, sample());
    const std::string j = os.str();
    EXPECT_NE(j.find("{\"type\":\"header\",\"version\":2"), std::string::npos) << j;
    EXPECT_NE(j.find("\"scheduler\":\"rec\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"kind\":\"KF_DSQ_INSERT\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"dsq\":\"LOCAL_ON|1\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"caller\":\"CB_ENQUEUE\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"result\":true"), std::string::npos) << j;
    EXPECT_NE(j.find("\"runnable\":true"), std::string::npos) << j;
    EXPECT_EQ(std::count(j.begin(), j.end(), '\n'), 5);
    EXPECT_EQ(dsq::describe(dsq::kGlobal), "GLOBAL");
    EXPECT_EQ(dsq::describe(dsq::kLocal), "LOCAL");
    EXPECT_EQ(dsq::describe(0x100), "0x100");
}

// Every committed golden trace parses and its JSONL export matches the
// committed .jsonl byte for byte.
TEST(TraceFormat, GoldenTraces) {
    namespace fs = std::filesystem;
    const fs::path dir = SCXMC_GOLDEN_DIR;
    int n = 0;
    if (fs::is_directory(dir)) {
        for (const auto& e : fs::directory_iterator(dir)) {
            if (e.path().extension() != ".bin") continue;
            ++n;
            SCOPED_TRACE(e.path().string());
            const Trace t = read_file(e.path().string());
            EXPECT_GT(t.records.size(), 0u);
            EXPECT_TRUE(seq_gaps(t.records).empty());
            fs::path jp = e.path();
            jp.replace_extension(".jsonl");
            std::ifstream jf(jp);
            ASSERT_TRUE(jf) << "missing " << jp;
            std::stringstream want;
            want << jf.rdbuf();
            // The committed JSONL is in seq order (scxmc-trace-dump --sort).
            Trace sorted = t;
            sorted.records = sorted_by_seq(t.records);
            std::ostringstream got;
            write_jsonl(got, sorted);
            EXPECT_EQ(got.str(), want.str());
        }
    }
    if (n == 0) GTEST_SKIP() << "no golden traces in " << dir;
}
