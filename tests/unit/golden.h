// SPDX-License-Identifier: GPL-2.0
// Comparison of a test's output with a file under tests/unit/golden/. To
// regenerate after an intended change, run the unit tests with
// BUDDYCTL_UPDATE_GOLDEN=1 (and --gtest_filter to the tests concerned),
// then read the diff before committing it.
#ifndef BUDDYCTL_TESTS_UNIT_GOLDEN_H_
#define BUDDYCTL_TESTS_UNIT_GOLDEN_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace buddyctl::testing {

inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(BUDDYCTL_UNIT_GOLDEN) + "/" + name;
  if (std::getenv("BUDDYCTL_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path;
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(actual, golden.str()) << "differs from " << path;
}

}  // namespace buddyctl::testing

#endif  // BUDDYCTL_TESTS_UNIT_GOLDEN_H_
