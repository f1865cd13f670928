#include "map_patch.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hooks.hpp"
#include "sites.hpp"

#ifndef SCXMC_SOURCE_DIR
#define SCXMC_SOURCE_DIR "."
#endif

namespace scxmc {

namespace {

constexpr int kOk = 0, kUsage = 2;

const char* kHelp =
    "usage: scxmc map-patch FILE.patch [--json] [--kernel DIR]\n"
    "\n"
    "Maps a unified diff against Linux 7.3.4's kernel/sched/ext/*, kernel/sched/core.c,\n"
    "kernel/sched/syscalls.c or kernel/sched/sched.h onto the model: for each hunk, the\n"
    "7.3.4 functions whose lines it changes, the model's sites in them ('scxmc sources'),\n"
    "the variant hooks to override (virtual ExtCore members, model/hooks.hpp), or that the\n"
    "model does not cover that code, with the nearest function it does.\n"
    "\n"
    "  --json       print the mapping as JSON instead of text\n"
    "  --kernel DIR the 7.3.4 source tree: enclosing functions are read from it and every\n"
    "               hunk's context and removed lines must match it (default: the reference\n"
    "               tree next to this repository, or $SCXMC_KERNEL_SRC; without one the\n"
    "               sites table is used and the report says so)\n"
    "exit status: 0 mapped, 2 a malformed patch, a hunk that does not match 7.3.4, a file\n"
    "outside the modeled ones (each named PATCH:LINE), or bad usage\n";

// A 7.3.4 file the model stands for: the path in a patch, the short name the
// sites table uses.
struct KernelFile {
  std::string path;   // kernel/sched/ext/ext.c
  std::string short_; // ext.c
};

bool modeledFile(const std::string& path, KernelFile* out) {
  static const std::string ext = "kernel/sched/ext/";
  auto endsWith = [&](const std::string& s) { return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0; };
  if (path.rfind(ext, 0) == 0) {
    const std::string base = path.substr(ext.size());
    if (base.empty() || base.find('/') != std::string::npos || !(endsWith(".c") || endsWith(".h"))) return false;
    *out = {path, base};
    return true;
  }
  for (const char* f : {"kernel/sched/core.c", "kernel/sched/syscalls.c", "kernel/sched/sched.h"})
    if (path == f) {
      *out = {path, path.substr(std::string("kernel/sched/").size())};
      return true;
    }
  return false;
}

std::string fullPathOfShort(const std::string& s) {
  if (s == "core.c" || s == "syscalls.c" || s == "sched.h") return "kernel/sched/" + s;
  return "kernel/sched/ext/" + s;
}

// One hunk of the patch.
struct Hunk {
  KernelFile file;
  int patch_line = 0;   // its @@ line
  std::string header;   // the @@ line
  int old_start = 0, old_count = 0, new_start = 0, new_count = 0;
  std::vector<std::string> old_text;  // context and removed lines, in order
  std::vector<int> old_offsets;       // their offsets from old_start
  // what changes, in old-file coordinates relative to old_start: a removed
  // line k, or an insertion before line k (a gap)
  std::vector<int> removed, gaps;
  int shift = 0;  // where it matched 7.3.4 (relative to old_start)
  int first() const { return old_start + shift; }
};

struct ParseError {
  int line;
  std::string msg;
};

// "a/kernel/..." -> "kernel/..."; strips a timestamp after a tab.
std::string headerPath(const std::string& rest) {
  std::string p = rest.substr(0, rest.find('\t'));
  while (!p.empty() && (p.back() == ' ' || p.back() == '\r')) p.pop_back();
  if (p.rfind("a/", 0) == 0 || p.rfind("b/", 0) == 0) p = p.substr(2);
  return p;
}

bool parseRange(const std::string& s, size_t* i, int* start, int* count) {
  auto num = [&](int* v) {
    size_t j = *i;
    long x = 0;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
      x = x * 10 + (s[j] - '0');
      if (x > 100000000) return false;
      ++j;
    }
    if (j == *i) return false;
    *v = static_cast<int>(x);
    *i = j;
    return true;
  };
  if (!num(start)) return false;
  *count = 1;
  if (*i < s.size() && s[*i] == ',') {
    ++*i;
    if (!num(count)) return false;
  }
  return true;
}

// Strict unified-diff parser.  Text before the first file header and
// between files (git's headers, a commit message, a signature) is skipped;
// inside a hunk every line must be context, removed, added or "\ No newline".
std::vector<Hunk> parsePatch(const std::vector<std::string>& lines, ParseError* err) {
  std::vector<Hunk> hunks;
  KernelFile file;
  bool have_file = false;
  auto fail = [&](int ln, const std::string& m) {
    *err = {ln, m};
    return std::vector<Hunk>{};
  };
  size_t i = 0;
  const size_t n = lines.size();
  while (i < n) {
    const std::string& l = lines[i];
    if (l.rfind("--- ", 0) == 0) {
      const int ln = static_cast<int>(i + 1);
      if (i + 1 >= n || lines[i + 1].rfind("+++ ", 0) != 0)
        return fail(ln + 1, "a '--- ' file header must be followed by a '+++ ' line");
      const std::string from = headerPath(l.substr(4)), to = headerPath(lines[i + 1].substr(4));
      if (from == "/dev/null")
        return fail(ln, "'" + to + "' is a new file: the model stands for 7.3.4's existing files only");
      if (to != "/dev/null" && to != from)
        return fail(ln, "renames '" + from + "' to '" + to + "': the model stands for 7.3.4's files in place");
      if (!modeledFile(from, &file))
        return fail(ln, "'" + from + "' is not a file the model stands for (kernel/sched/ext/*, "
                        "kernel/sched/core.c, kernel/sched/syscalls.c, kernel/sched/sched.h)");
      have_file = true;
      i += 2;
      if (i >= n || lines[i].rfind("@@ ", 0) != 0)
        return fail(static_cast<int>(i + 1), "a file header must be followed by a hunk ('@@ -L,N +L,N @@')");
      continue;
    }
    if (l.rfind("@@ ", 0) == 0 || l == "@@") {
      const int ln = static_cast<int>(i + 1);
      if (!have_file) return fail(ln, "a hunk before any '--- a/FILE' / '+++ b/FILE' header");
      Hunk h;
      h.file = file;
      h.patch_line = ln;
      h.header = l;
      size_t p = 3;
      if (l.size() < 4 || l[p] != '-' || !(++p, parseRange(l, &p, &h.old_start, &h.old_count)) ||
          l.compare(p, 2, " +") != 0 || !(p += 2, parseRange(l, &p, &h.new_start, &h.new_count)) ||
          l.compare(p, 3, " @@") != 0)
        return fail(ln, "malformed hunk header (expected '@@ -L[,N] +L[,N] @@'): " + l);
      if (h.old_count > 0 && h.old_start == 0) return fail(ln, "hunk header: old lines start at line 0");
      if (h.old_count == 0 && h.new_count == 0) return fail(ln, "hunk header: an empty hunk");
      // an insertion-only hunk (-L,0) inserts after line L
      const int base = h.old_count == 0 ? h.old_start + 1 : h.old_start;
      h.shift = 0;
      int old_left = h.old_count, new_left = h.new_count, cur = 0;
      ++i;
      while (old_left > 0 || new_left > 0) {
        if (i >= n)
          return fail(static_cast<int>(i), "the patch ends inside the hunk of line " + std::to_string(ln) + " (" +
                                               std::to_string(old_left) + " old and " + std::to_string(new_left) +
                                               " new lines missing)");
        const std::string& b = lines[i];
        const char c = b.empty() ? ' ' : b[0];  // an empty line is an empty context line (mailers strip the space)
        if (c == ' ' || c == '-') {
          if (old_left == 0)
            return fail(static_cast<int>(i + 1), std::string("a '") + c + "' line beyond the " +
                                                     std::to_string(h.old_count) + " old lines the hunk header at line " +
                                                     std::to_string(ln) + " announces");
          if (c == ' ' && new_left == 0)
            return fail(static_cast<int>(i + 1), "a context line beyond the " + std::to_string(h.new_count) +
                                                     " new lines the hunk header at line " + std::to_string(ln) +
                                                     " announces");
          h.old_text.push_back(b.empty() ? "" : b.substr(1));
          h.old_offsets.push_back(cur);
          if (c == '-') h.removed.push_back(cur);
          ++cur;
          --old_left;
          if (c == ' ') --new_left;
        } else if (c == '+') {
          if (new_left == 0)
            return fail(static_cast<int>(i + 1), "a '+' line beyond the " + std::to_string(h.new_count) +
                                                     " new lines the hunk header at line " + std::to_string(ln) +
                                                     " announces");
          if (h.gaps.empty() || h.gaps.back() != cur) h.gaps.push_back(cur);
          --new_left;
        } else if (c == '\\') {
          // "\ No newline at end of file"
        } else {
          return fail(static_cast<int>(i + 1), std::string("'") + c + "' cannot start a line inside a hunk (" +
                                                   std::to_string(old_left) + " old and " + std::to_string(new_left) +
                                                   " new lines of the hunk at line " + std::to_string(ln) +
                                                   " still missing)");
        }
        ++i;
      }
      while (i < n && !lines[i].empty() && lines[i][0] == '\\') ++i;
      // the line numbers below are absolute: base + offset
      for (int& r : h.removed) r += base;
      for (int& g : h.gaps) g += base;
      for (int& o : h.old_offsets) o += base;
      h.old_start = base;
      if (h.removed.empty() && h.gaps.empty()) return fail(ln, "the hunk changes nothing (context lines only)");
      hunks.push_back(std::move(h));
      // after a hunk: another hunk, another file, or text between files;
      // a body line here means the header's counts were wrong
      while (i < n) {
        const std::string& b = lines[i];
        if (b.rfind("@@", 0) == 0 || b.rfind("--- ", 0) == 0 || b.rfind("diff ", 0) == 0) break;
        if (b == "-- " || b == "--") {  // a mail signature: the rest is not the patch
          i = n;
          break;
        }
        if (!b.empty() && (b[0] == '+' || b[0] == '-' || b[0] == ' '))
          return fail(static_cast<int>(i + 1), std::string("a '") + b[0] + "' line after the hunk of line " +
                                                   std::to_string(ln) + " is complete (its header's line counts are wrong?)");
        ++i;
      }
      continue;
    }
    ++i;  // preamble or text between files
  }
  if (hunks.empty()) return fail(1, "no hunk found: not a unified diff ('--- a/FILE', '+++ b/FILE', '@@ ... @@')");
  return hunks;
}

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

bool readLines(const std::string& path, std::vector<std::string>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string l;
  while (std::getline(in, l)) out->push_back(l);
  return !in.bad();
}

// A modeled function: named by a site or a hook.
struct Modeled {
  std::set<int> site_lines;
  std::vector<int> sites;  // Site indices
  std::vector<int> hooks;  // Hook indices
  int line = 0;            // the first cited line
};

}  // namespace

std::vector<SourceFunction> scanFunctions(const std::vector<std::string>& lines) {
  std::vector<SourceFunction> out;
  auto nameBefore = [](const std::string& l, size_t paren) {
    size_t e = paren;
    while (e > 0 && l[e - 1] == ' ') --e;
    size_t b = e;
    while (b > 0 && (std::isalnum(static_cast<unsigned char>(l[b - 1])) || l[b - 1] == '_')) --b;
    return l.substr(b, e - b);
  };
  const int n = static_cast<int>(lines.size());
  for (int i = 0; i < n; ++i) {
    const std::string& l = lines[i];
    // function-like macro: #define NAME(...) continued with backslashes
    if (l.rfind("#define ", 0) == 0) {
      const size_t paren = l.find('(');
      const size_t sp = l.find_first_of(" \t", 8);
      int j = i;
      while (j + 1 < n && !lines[j].empty() && lines[j].back() == '\\') ++j;
      if (paren != std::string::npos && (sp == std::string::npos || paren < sp))
        out.push_back({nameBefore(l, paren), i + 1, j + 1});
      i = j;
      continue;
    }
    if (l.empty() || std::isspace(static_cast<unsigned char>(l[0])) || l[0] == '#' || l[0] == '/' || l[0] == '*' ||
        l[0] == '}' || l[0] == '{')
      continue;
    size_t paren = l.find('(');
    // an attribute with arguments before the name ("static __printf(2, 3)
    // bool handle_lockup(", ext.c:5794): the name is before the next '('
    while (paren != std::string::npos && (nameBefore(l, paren) == "__printf" || nameBefore(l, paren) == "__attribute__")) {
      const size_t close = l.find(')', paren);
      paren = close == std::string::npos ? close : l.find('(', close);
    }
    if (paren == std::string::npos) continue;
    // a one-line definition "... f(...) {}" or "... f(...) { ... }"
    const std::string t = rtrim(l);
    if (t.size() > 2 && t.back() == '}' && t.find(") {") != std::string::npos) {
      out.push_back({nameBefore(l, paren), i + 1, i + 1});
      continue;
    }
    // find the body: "{" alone at column 0 within the next lines (the
    // parameter list may continue), with no ';' ending a line before it
    int j = i;
    bool body = false;
    for (; j < n && j < i + 20; ++j) {
      const std::string tj = rtrim(lines[j]);
      if (tj == "{") {
        body = true;
        break;
      }
      if (!tj.empty() && (tj.back() == ';' || tj.back() == '}')) break;
      if (j > i && !lines[j].empty() && !std::isspace(static_cast<unsigned char>(lines[j][0])) && lines[j][0] != '{')
        break;  // another declaration at column 0
    }
    if (!body) continue;
    int k = j + 1;
    while (k < n && !(lines[k].rfind("}", 0) == 0)) ++k;
    const std::string name = nameBefore(l, paren);
    if (!name.empty()) out.push_back({name, i + 1, std::min(k, n - 1) + 1});
    i = k;
  }
  return out;
}

int mapPatchMain(const std::vector<std::string>& args) {
  std::string patch, kernel;
  bool json = false, kernel_set = false;
  auto usage = [](const std::string& m) {
    std::cerr << "scxmc: map-patch: " << m << "\n(see 'scxmc map-patch --help')\n";
    return kUsage;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << kHelp;
      return kOk;
    }
    if (a == "--json") {
      json = true;
    } else if (a == "--kernel") {
      if (i + 1 >= args.size()) return usage("--kernel needs a value");
      kernel = args[++i];
      kernel_set = true;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return usage("unknown option '" + a + "'");
    } else if (patch.empty()) {
      patch = a;
    } else {
      return usage("takes one FILE.patch");
    }
  }
  if (patch.empty()) return usage("FILE.patch is required");
  if (!kernel_set) {
    const char* env = std::getenv("SCXMC_KERNEL_SRC");
    kernel = env && *env ? env : std::string(SCXMC_SOURCE_DIR) + "/../shared/reference/linux-7.3.4";
    kernel = std::filesystem::path(kernel).lexically_normal().string();
  }
  std::vector<std::string> lines;
  if (patch == "-") {
    std::string l;
    while (std::getline(std::cin, l)) lines.push_back(l);
  } else if (!readLines(patch, &lines)) {
    return usage("cannot read '" + patch + "'");
  }
  for (std::string& l : lines)
    if (!l.empty() && l.back() == '\r') l.pop_back();
  ParseError perr;
  std::vector<Hunk> hunks = parsePatch(lines, &perr);
  if (hunks.empty()) {
    std::cerr << "scxmc: map-patch: " << patch << ":" << perr.line << ": " << perr.msg << "\n";
    return kUsage;
  }

  // The 7.3.4 sources, when present: every hunk must match them.
  std::map<std::string, std::vector<std::string>> src;             // short name -> lines
  std::map<std::string, std::vector<SourceFunction>> functions;    // short name -> functions
  std::ifstream probe(kernel + "/kernel/sched/ext/ext.c");
  const bool have_kernel = static_cast<bool>(probe);
  if (kernel_set && !have_kernel) return usage("--kernel: no kernel/sched/ext/ext.c under '" + kernel + "'");
  std::vector<std::string> notes;
  if (have_kernel) {
    for (Hunk& h : hunks) {
      if (!src.count(h.file.short_)) {
        std::vector<std::string> f;
        if (!readLines(kernel + "/" + h.file.path, &f)) {
          std::cerr << "scxmc: map-patch: " << patch << ":" << h.patch_line << ": " << h.file.path
                    << " is not in the 7.3.4 tree at " << kernel << "\n";
          return kUsage;
        }
        functions[h.file.short_] = scanFunctions(f);
        src[h.file.short_] = std::move(f);
      }
      const std::vector<std::string>& f = src[h.file.short_];
      auto matchesAt = [&](int shift) {
        for (size_t k = 0; k < h.old_text.size(); ++k) {
          const long at = static_cast<long>(h.old_offsets[k]) + shift;
          if (at < 1 || at > static_cast<long>(f.size()) || rtrim(f[at - 1]) != rtrim(h.old_text[k])) return false;
        }
        return true;
      };
      if (matchesAt(0)) continue;
      bool found = false;
      for (int d = 1; d <= 400 && !found; ++d)
        for (int s : {-d, d})
          if (!found && matchesAt(s)) {
            h.shift = s;
            found = true;
          }
      if (!found) {
        std::cerr << "scxmc: map-patch: " << patch << ":" << h.patch_line << ": the hunk's context and removed lines "
                  << "do not match 7.3.4's " << h.file.path << " at line " << h.old_start
                  << " (nor within 400 lines): is the patch against 7.3.4?\n";
        return kUsage;
      }
      notes.push_back("hunk at patch line " + std::to_string(h.patch_line) + " applies to 7.3.4 at offset " +
                      (h.shift > 0 ? "+" : "") + std::to_string(h.shift) + " lines");
    }
  }

  // What the model stands for, per function: its sites and hooks.
  std::map<std::pair<std::string, std::string>, Modeled> modeled;  // (short file, function)
  for (int s = 0; s < siteCount(); ++s) {
    const SiteInfo& si = siteInfo(static_cast<Site>(s));
    Modeled& m = modeled[{si.file, si.function}];
    m.sites.push_back(s);
    if (!m.line || si.line < m.line) m.line = si.line;
  }
  for (int k = 0; k < kHookCount; ++k) {
    const HookInfo& hi = hookInfo(static_cast<Hook>(k));
    Modeled& m = modeled[{hi.file, hi.function}];
    m.hooks.push_back(k);
    if (!m.line || hi.line < m.line) m.line = hi.line;
  }
  auto functionLine = [&](const std::string& file, const std::string& fn, const Modeled& m) {
    if (functions.count(file))
      for (const SourceFunction& f : functions[file])
        if (f.name == fn) return f.first;
    return m.line;
  };

  nlohmann::json jh = nlohmann::json::array();
  std::ostringstream out;
  out << "scxmc map-patch: " << patch << ": " << hunks.size() << (hunks.size() == 1 ? " hunk" : " hunks") << "; "
      << (have_kernel ? "enclosing functions from the 7.3.4 sources in " + kernel
                      : "no 7.3.4 sources at " + kernel + ": functions from the model's sites table only")
      << "\n";
  for (const std::string& nt : notes) out << "  (" << nt << ")\n";
  int unmodeled_hunks = 0;
  std::set<std::string> all_hooks;
  for (size_t hi = 0; hi < hunks.size(); ++hi) {
    const Hunk& h = hunks[hi];
    const std::string& file = h.file.short_;
    // the changed points, in 7.3.4 line numbers: removed lines, insertion gaps
    std::vector<int> removed, gaps;
    for (int r : h.removed) removed.push_back(r + h.shift);
    for (int g : h.gaps) gaps.push_back(g + h.shift);
    int lo = 1 << 30, hi_line = 0;
    for (int r : removed) lo = std::min(lo, r), hi_line = std::max(hi_line, r);
    for (int g : gaps) lo = std::min(lo, g - 1), hi_line = std::max(hi_line, g);
    lo = std::max(lo, 1);
    // the functions containing a changed point
    std::vector<SourceFunction> touched;
    bool file_scope = false;
    if (have_kernel) {
      auto add = [&](const SourceFunction* f) {
        if (!f) {
          file_scope = true;
          return;
        }
        for (const SourceFunction& t : touched)
          if (t.name == f->name && t.first == f->first) return;
        touched.push_back(*f);
      };
      auto at = [&](int line, bool gap) -> const SourceFunction* {
        for (const SourceFunction& f : functions[file])
          if (gap ? (f.first < line && line <= f.last) : (f.first <= line && line <= f.last)) return &f;
        return nullptr;
      };
      for (int r : removed) add(at(r, false));
      for (int g : gaps) add(at(g, true));
    } else {
      // no sources: the enclosing function is unknown; a modeled function
      // is taken to be touched when one of its sites lies in the changed
      // lines or at most 15 lines above them (a site often cites the
      // function's first line)
      for (const auto& [key, m] : modeled) {
        if (key.first != file) continue;
        for (int sidx : m.sites)
          if (const int l = siteInfo(static_cast<Site>(sidx)).line; l >= lo - 15 && l <= hi_line) {
            touched.push_back({key.second, m.line, 0});
            break;
          }
      }
      if (touched.empty()) file_scope = true;
    }
    nlohmann::json j;
    j["patch_line"] = h.patch_line;
    j["file"] = h.file.path;
    j["header"] = h.header;
    j["old_lines"] = {lo, hi_line};
    j["offset"] = h.shift;
    out << "\nhunk " << hi + 1 << "  " << h.file.path << "  " << h.header << "  (patch line " << h.patch_line
        << ")\n  changes 7.3.4 lines " << file << ":" << lo << (hi_line > lo ? "-" + std::to_string(hi_line) : "")
        << "\n";
    nlohmann::json jf = nlohmann::json::array(), js = nlohmann::json::array(), jk = nlohmann::json::array();
    bool any_modeled = false;
    std::vector<std::string> unmodeled_names;
    for (const SourceFunction& f : touched) {
      auto it = modeled.find({file, f.name});
      const bool is_modeled = it != modeled.end();
      any_modeled |= is_modeled;
      nlohmann::json x = {{"name", f.name}, {"modeled", is_modeled}};
      if (f.last) x["lines"] = {f.first, f.last};
      jf.push_back(x);
      out << "  function: " << f.name << " (" << file << ":" << f.first << (f.last > f.first ? "-" + std::to_string(f.last) : "")
          << ")" << (is_modeled ? "" : "  NOT MODELED") << "\n";
      if (!is_modeled) {
        unmodeled_names.push_back(f.name);
        continue;
      }
      for (int s : it->second.sites) {
        const SiteInfo& si = siteInfo(static_cast<Site>(s));
        const bool in = si.line >= lo && si.line <= hi_line;
        js.push_back({{"id", si.id}, {"function", si.function}, {"file", si.file}, {"line", si.line}, {"what", si.what},
                      {"in_hunk", in}});
        out << "    site " << si.file << ":" << si.line << " " << si.id << (in ? " [changed]" : "") << ": " << si.what
            << "\n";
      }
      for (int k : it->second.hooks) {
        const HookInfo& hk = hookInfo(static_cast<Hook>(k));
        // a hook cites the line where its part of the function starts; one
        // citing a changed line is the likeliest to override
        const bool at = hk.line >= lo && hk.line <= hi_line;
        jk.push_back({{"name", hk.name}, {"function", hk.function}, {"file", hk.file}, {"line", hk.line},
                      {"at_change", at}});
        all_hooks.insert(hk.name);
        out << "    hook ExtCore::" << hk.name << " (" << hk.file << ":" << hk.line << ")" << (at ? " [changed]" : "")
            << "\n";
      }
      if (it->second.hooks.empty())
        out << "    no variant hook models " << f.name << " yet: split the lines the patch changes out of the model "
            << "function that cites them as a new virtual member (docs/check-your-patch.md, section 2)\n";
    }
    if (file_scope) {
      if (have_kernel) {
        out << "  at file scope (outside any function: declarations, a new function or struct)  NOT MODELED\n";
        unmodeled_names.push_back("(file scope)");
      } else {
        out << "  no modeled site within these lines (the enclosing function is unknown without the 7.3.4 "
               "sources: pass --kernel DIR)  NOT KNOWN TO BE MODELED\n";
        unmodeled_names.push_back("(unknown function)");
      }
    }
    j["functions"] = jf;
    j["sites"] = js;
    j["hooks"] = jk;
    j["modeled"] = any_modeled && unmodeled_names.empty();
    j["not_modeled"] = unmodeled_names;
    if (!unmodeled_names.empty()) {
      ++unmodeled_hunks;
      // the nearest modeled function in the same file, by its first line
      std::string near_name;
      int near_line = 0, dist = 1 << 30;
      for (const auto& [key, m] : modeled) {
        if (key.first != file) continue;
        const int line = functionLine(file, key.second, m);
        const int d = std::abs(line - lo);
        if (d < dist) {
          dist = d;
          near_name = key.second;
          near_line = line;
        }
      }
      out << "  the model " << (have_kernel ? "does" : "may") << " not cover "
          << (unmodeled_names.size() == 1 ? "this code" : "some of this code")
          << ": nothing it checks depends on these lines as written";
      if (!near_name.empty()) {
        out << "; the nearest modeled function is " << near_name << " (" << file << ":" << near_line << ")";
        j["nearest_modeled"] = {{"function", near_name}, {"file", file}, {"line", near_line}};
      } else {
        out << "; the model has no function of " << fullPathOfShort(file);
      }
      out << "\n";
    }
    jh.push_back(j);
  }
  out << "\nsummary: " << hunks.size() - unmodeled_hunks << " of " << hunks.size()
      << " hunks in modeled functions; hooks a variant would override: ";
  if (all_hooks.empty()) out << "none";
  bool first = true;
  for (const std::string& k : all_hooks) out << (first ? "" : ", ") << k, first = false;
  out << "\n";
  if (json) {
    nlohmann::json j;
    j["tool"] = "scxmc";
    j["verb"] = "map-patch";
    j["patch"] = patch;
    j["kernel_sources"] = have_kernel ? nlohmann::json(kernel) : nlohmann::json(nullptr);
    j["hunks"] = jh;
    j["hooks"] = all_hooks;
    j["unmodeled_hunks"] = unmodeled_hunks;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << out.str();
  }
  return kOk;
}

}  // namespace scxmc
