// The rules of `scxmc check`'s cheapest-first run (harness/cost_order.hpp)
// that are plain arithmetic: the time share of the smaller configurations
// and the remaining-levels estimate of --progress.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cost_order.hpp"

namespace scxmc {
namespace {

TEST(CostOrder, SmallerConfigurationsShareAtMostHalfTheTimeLimit) {
  // no time limit: each gets --ladder-time
  EXPECT_EQ(rungTimeLimit(0, 60, 0), 60);
  EXPECT_EQ(rungTimeLimit(0, 60, 1000), 60);
  // 600 s: at most 60 s each until 300 s are spent
  EXPECT_EQ(rungTimeLimit(600, 60, 0), 60);
  EXPECT_EQ(rungTimeLimit(600, 60, 250), 50);
  EXPECT_EQ(rungTimeLimit(600, 60, 299.5), 0);  // less than a second left: skipped
  EXPECT_EQ(rungTimeLimit(600, 60, 400), 0);
  // a short limit: half of it in all
  EXPECT_EQ(rungTimeLimit(10, 60, 0), 5);
  EXPECT_EQ(rungTimeLimit(10, 60, 3), 2);
}

TEST(CostOrder, RemainingLevelsAreEstimatedOnlyOnceTheLevelsShrink) {
  EXPECT_EQ(remainingEstimate({}).rfind("no estimate", 0), 0u);
  EXPECT_EQ(remainingEstimate({10, 100}).rfind("no estimate", 0), 0u);
  EXPECT_EQ(remainingEstimate({10, 100, 1000, 900}).rfind("no estimate", 0), 0u);  // shrinking once
  EXPECT_EQ(remainingEstimate({10, 100, 1000, 500, 250}).rfind("no estimate", 0), std::string::npos);
  EXPECT_EQ(remainingEstimate({1000, 990, 980}).rfind("no estimate", 0), 0u);  // too slowly to tell
  // halving from 1024: ten more levels, about 1024 more states
  const std::string e = remainingEstimate({1, 4096, 2048, 1024});
  EXPECT_NE(e.find("roughly 10 more levels"), std::string::npos) << e;
  EXPECT_NE(e.find("~1024 more states"), std::string::npos) << e;
  EXPECT_NE(e.find("shrink 50%"), std::string::npos) << e;
}

}  // namespace
}  // namespace scxmc
