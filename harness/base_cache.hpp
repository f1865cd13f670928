// The base cache of `scxmc review`: a complete check of the base model
// (linux-7.3.4) in which every invariant holds, kept on disk so that the
// next review against the same base, configuration and invariants searches
// only the variants.  A reviewer rebuilds scxmc after every change to a
// variant; the base's verdicts do not depend on the variants' own files, so
// the cache is keyed by a fingerprint of the sources they do depend on (the
// model outside model/variants/, the invariants, the checker and its
// stores, support/: cmake/fingerprint.cmake), not by the binary.
//
// Only exhaustive results with no violation are stored: they carry no
// counterexample, and nothing about them depends on the limits that did not
// stop the search (threads, time, memory).  A file that does not parse, has
// another format or another key is ignored (and replaced by the next
// store); the reason is reported, never fatal.
#pragma once

#include <string>

#include "checker.hpp"

namespace scxmc {

// The fingerprint the key carries (generated at build time).
const char* modelFingerprint();

// The cache key of a base check: fingerprint, model name, configuration,
// the selected invariant ids in order, symmetry.  Compared verbatim on load.
std::string baseCacheKey(const ExtCore& m, const std::string& invariant_ids, const Limits& lim);

// The default directory: $XDG_CACHE_HOME/scxmc/review-base, else
// $HOME/.cache/scxmc/review-base; "" when neither is set.
std::string defaultBaseCacheDir();

// Is a result of this check worth storing, and may one be loaded for it?
// (complete, nothing violated; no --max-depth / --max-states bound)
bool baseCacheable(const Limits& lim);
bool baseStorable(const CheckResult& r);

// Loads the entry for `key` from `dir` into *out (its invariants, stats,
// completeness; statements from `invs` order).  False on a miss; *note
// says why when a file existed but was not used.
bool loadBaseResult(const std::string& dir, const std::string& key, CheckResult* out, std::string* note);
// Stores `r` under `key` (atomically; creates `dir`).  "" or the error.
std::string storeBaseResult(const std::string& dir, const std::string& key, const CheckResult& r);
// Creates `dir` (and its parents) if needed: "" or why it cannot be used.
std::string prepareBaseCacheDir(const std::string& dir);
// The file an entry for `key` lives in.
std::string baseCachePath(const std::string& dir, const std::string& key);

}  // namespace scxmc
