// SPDX-License-Identifier: MIT
// scxmc-trace-dump: validate an scxmc binary trace and print it as JSONL.
//
//   scxmc-trace-dump [--sort] [--summary] [--allow-truncated] TRACE [-o OUT.jsonl]
//
// --sort      order records by seq (global event order) instead of file order
// --summary   print counts per kind, seq gaps (drops) and exit, no JSONL
// Exit status: 0 ok, 1 usage, 2 malformed trace (message names offset+field).
#include <cstdio>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include <iostream>
#include <map>
#include <string>

#include "trace_format.hpp"

using namespace scxmc::trace;

int main(int argc, char** argv) {
    bool sort = false, summary = false;
    ReadOptions opts;
    std::string in, out;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--sort") sort = true;
        else if (a == "--summary") summary = true;
        else if (a == "--allow-truncated") opts.allow_truncated_tail = true;
        else if (a == "-o" && i + 1 < argc) out = argv[++i];
        else if (a == "-h" || a == "--help") {
            std::cout << "usage: scxmc-trace-dump [--sort] [--summary] [--allow-truncated] TRACE [-o OUT.jsonl]\n";
            return 0;
        } else if (in.empty() && a[0] != '-') in = a;
        else {
            std::cerr << "scxmc-trace-dump: unexpected argument '" << a << "'\n";
            return 1;
        }
    }
    if (in.empty()) {
        std::cerr << "usage: scxmc-trace-dump [--sort] [--summary] [--allow-truncated] TRACE [-o OUT.jsonl]\n";
        return 1;
    }
    Trace t;
    try {
        t = read_file(in, opts);
    } catch (const std::exception& e) {
        std::cerr << "scxmc-trace-dump: " << e.what() << "\n";
        return 2;
    }
    if (sort) t.records = sorted_by_seq(t.records);
    if (summary) {
        std::map<std::string, std::size_t> counts;
        for (const auto& r : t.records) counts[std::string(kind_name(r.kind))]++;
        auto gaps = seq_gaps(t.records);
        std::uint64_t missing = 0;
        for (auto g : gaps) missing += g.last - g.first + 1;
        std::cout << header_to_json(t.header) << "\n";
        std::cout << "records " << t.records.size() << " seq_gaps " << gaps.size()
                  << " missing_seqs " << missing << "\n";
        for (const auto& [k, n] : counts) std::cout << "  " << k << " " << n << "\n";
        return 0;
    }
    if (out.empty()) {
        write_jsonl(std::cout, t);
    } else {
        std::ostringstream os;
        write_jsonl(os, t);
        if (const std::string e = scxmc::support::writeFileAtomic(out, os.str()); !e.empty()) {
            std::cerr << "scxmc-trace-dump: " << e << "\n";
            return 1;
        }
    }
    return 0;
}
