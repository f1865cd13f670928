#include "variant_api.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>

namespace scxmc {

namespace {
// Append-only tables: a slot is filled under the mutex before the count
// that publishes it is stored (release), so readers need no lock.
struct Tables {
  std::mutex mu;
  std::deque<std::string> strings;  // owns every SiteInfo's text (deque: stable addresses)
  VariantWarnInfo warns[kMaxVariantWarns];
  std::atomic<int> nwarns{0};
  SiteInfo sites[255 - kVariantSiteBase];
  std::atomic<int> nsites{0};
  const char* keep(const char* s) { return strings.emplace_back(s ? s : "").c_str(); }
};
Tables& tables() {
  static Tables t;
  return t;
}
const SiteInfo kUnknownSite{"?", "?", "?", 0, "unknown variant site"};
}  // namespace

uint8_t internVariantWarn(const VariantWarnInfo& w) {
  Tables& tb = tables();
  std::lock_guard<std::mutex> g(tb.mu);
  const int n = tb.nwarns.load(std::memory_order_relaxed);
  for (int i = 0; i < n; ++i) {
    const VariantWarnInfo& o = tb.warns[i];
    if (o.name == w.name && o.file == w.file && o.line == w.line && o.text == w.text) return static_cast<uint8_t>(i);
  }
  if (n >= kMaxVariantWarns) {
    std::fprintf(stderr, "scxmc: more than %d variant WARN checks\n", kMaxVariantWarns);
    std::abort();
  }
  tb.warns[n] = w;
  tb.nwarns.store(n + 1, std::memory_order_release);
  return static_cast<uint8_t>(n);
}

const VariantWarnInfo* variantWarnInfo(uint8_t index) {
  return index < tables().nwarns.load(std::memory_order_acquire) ? &tables().warns[index] : nullptr;
}

std::string variantWarnText(uint8_t index) {
  const VariantWarnInfo* w = variantWarnInfo(index);
  if (!w) return "variant check #" + std::to_string(index) + " (not registered in this process)";
  return w->name + " (" + w->file + ":" + std::to_string(w->line) + "): " + w->text;
}

Site internVariantSite(const char* id, const char* function, const char* file, int line, const char* what) {
  Tables& tb = tables();
  std::lock_guard<std::mutex> g(tb.mu);
  const int n = tb.nsites.load(std::memory_order_relaxed);
  auto same = [](const char* a, const char* b) { return std::string(a) == (b ? b : ""); };
  for (int i = 0; i < n; ++i) {
    const SiteInfo& o = tb.sites[i];
    if (same(o.id, id) && same(o.function, function) && same(o.file, file) && o.line == line && same(o.what, what))
      return static_cast<Site>(kVariantSiteBase + i);
  }
  if (n >= 255 - kVariantSiteBase) {
    std::fprintf(stderr, "scxmc: more than %d variant sites\n", 255 - kVariantSiteBase);
    std::abort();
  }
  tb.sites[n] = SiteInfo{tb.keep(id), tb.keep(function), tb.keep(file), line, tb.keep(what)};
  tb.nsites.store(n + 1, std::memory_order_release);
  return static_cast<Site>(kVariantSiteBase + n);
}

bool isVariantSite(uint8_t s) { return s >= kVariantSiteBase && s < 255; }

const SiteInfo& variantSiteInfo(uint8_t s) {
  const int i = s - kVariantSiteBase;
  if (s < kVariantSiteBase || i >= tables().nsites.load(std::memory_order_acquire)) return kUnknownSite;
  return tables().sites[i];
}

}  // namespace scxmc
