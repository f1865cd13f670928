// Strict number parsing for command-line values (issue 20): the whole
// string must be the number: no sign other than a leading '-', no leading or
// trailing space, no '+', no trailing text, within the given range; doubles
// must be finite.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace scxmc::support {

// An integer in lo..hi written in decimal digits (optionally with a leading
// '-'); false otherwise.
inline bool parseStrictInt(const std::string& v, long long lo, long long hi, long long* out) {
  if (v.empty() || v.size() > 20) return false;
  size_t i = v[0] == '-' ? 1 : 0;
  if (i == v.size()) return false;
  for (size_t k = i; k < v.size(); ++k)
    if (v[k] < '0' || v[k] > '9') return false;
  errno = 0;
  char* end = nullptr;
  const long long x = std::strtoll(v.c_str(), &end, 10);
  if (errno == ERANGE || *end || x < lo || x > hi) return false;
  *out = x;
  return true;
}

// A finite decimal number in lo..hi (digits, at most one '.', an optional
// leading '-'; no exponent, no "nan"/"inf", no spaces, no '+').
inline bool parseStrictDouble(const std::string& v, double lo, double hi, double* out) {
  if (v.empty() || v.size() > 40) return false;
  size_t i = v[0] == '-' ? 1 : 0;
  bool digit = false, dot = false;
  for (size_t k = i; k < v.size(); ++k) {
    if (v[k] == '.') {
      if (dot) return false;
      dot = true;
    } else if (v[k] >= '0' && v[k] <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  if (!digit) return false;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (*end || !std::isfinite(x) || x < lo || x > hi) return false;
  *out = x;
  return true;
}

}  // namespace scxmc::support
