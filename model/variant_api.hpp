// What a variant may add without editing the core (issue 18, part 2):
// its own WARN/BUG checks and its own kernel sites, each named and cited
// (file:LINE of 7.3.4 or of the patched source).  Both are interned in
// process-wide tables so that the free functions that print events
// (describeEvent, siteInfo) can name them: an event carries only the index.
//
//  * a variant WARN is Ev::Error{a = ErrorKind::Warn, b = kVariantWarn,
//    c = index}: the `kernel-warn` invariant reports it like a built-in
//    Warn, with the variant's name, citation and text (ExtCore::defineWarn);
//  * a variant site is a Site value from kVariantSiteBase on
//    (ExtCore::defineSite / definePause): siteInfo() returns its row, so
//    traces, JSON and `scxmc locks` print it like a built-in site.
//
// Interning is by content: the same (name, file, line, text) is the same
// index, in any model of the process, whatever the order models are built.
#pragma once

#include <cstdint>
#include <string>

#include "events.hpp"
#include "sites.hpp"

namespace scxmc {

// The Warn value of a variant-registered check (Event::c is its index).
// Outside enum Warn's range of built-in values, which stay as they are.
inline constexpr Warn kVariantWarn = static_cast<Warn>(0xf0);

struct VariantWarnInfo {
  std::string name;   // short id, e.g. "recipe_new_warn"
  std::string file;   // "ext.c"
  int line = 0;       // the WARN_ON line
  std::string text;   // the condition, in words
};

// Up to kMaxVariantWarns distinct checks per process (a model bug beyond).
inline constexpr int kMaxVariantWarns = 250;
uint8_t internVariantWarn(const VariantWarnInfo& w);
// nullptr for an index never interned.
const VariantWarnInfo* variantWarnInfo(uint8_t index);
// "name (file:LINE): text" of a variant warn event's index.
std::string variantWarnText(uint8_t index);

// Site values kVariantSiteBase .. 254 are variant sites.
inline constexpr uint8_t kVariantSiteBase = 160;
static_assert(static_cast<int>(Site::Count) <= kVariantSiteBase, "built-in sites reach the variant range");
Site internVariantSite(const char* id, const char* function, const char* file, int line, const char* what);
bool isVariantSite(uint8_t s);
// The row of a variant site (siteInfo() calls it for values from kVariantSiteBase).
const SiteInfo& variantSiteInfo(uint8_t s);

}  // namespace scxmc
