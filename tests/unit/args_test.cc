// SPDX-License-Identifier: GPL-2.0
#include "args.h"

#include <gtest/gtest.h>

namespace buddyctl::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {
    {"--order", true}, {"--json", false}, {"--output", true, "-o"}};

TEST(ArgsTest, FlagsValuesAndPositionals) {
  auto a = Args::Parse({"--order", "3", "pos", "--json", "-o", "f.jsonl"}, kSpecs);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->Get("--order"), "3");
  EXPECT_TRUE(a->Has("--json"));
  EXPECT_EQ(a->Get("--output"), "f.jsonl");
  EXPECT_EQ(a->positional(), std::vector<std::string>{"pos"});
  EXPECT_FALSE(a->help());
}

TEST(ArgsTest, EqualsFormAndDoubleDash) {
  auto a = Args::Parse({"--order=9", "--", "--json"}, kSpecs);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->Get("--order"), "9");
  EXPECT_FALSE(a->Has("--json"));
  EXPECT_EQ(a->positional(), std::vector<std::string>{"--json"});
}

TEST(ArgsTest, NegativeNumbersArePositional) {
  auto a = Args::Parse({"-1"}, kSpecs);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->positional(), std::vector<std::string>{"-1"});
}

TEST(ArgsTest, UnknownFlagAndMissingValueAreUsageErrors) {
  auto a = Args::Parse({"--bogus"}, kSpecs);
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(IsUsageError(a.status()));
  EXPECT_EQ(a.status().message(), "unknown option '--bogus'");
  auto b = Args::Parse({"--order"}, kSpecs);
  EXPECT_EQ(b.status().message(), "option '--order' needs a value");
  auto c = Args::Parse({"--json=1"}, kSpecs);
  EXPECT_EQ(c.status().message(), "option '--json' takes no value");
}

TEST(ArgsTest, HelpAnywhere) {
  auto a = Args::Parse({"--json", "--help"}, kSpecs);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->help());
}

TEST(ParseUintTest, RangeAndGarbage) {
  EXPECT_EQ(*ParseUint("0", 0, 100, "threshold"), 0u);
  EXPECT_EQ(*ParseUint("100", 0, 100, "threshold"), 100u);
  for (const char* bad :
       {"101", "-1", "abc", "", "1.5", "80%", " 8", "+5", "99999999999999999999"}) {
    auto v = ParseUint(bad, 0, 100, "threshold");
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_TRUE(IsBadValue(v.status()));
    EXPECT_EQ(v.status().message(),
              std::string("invalid threshold '") + bad + "': must be an integer in 0..100");
  }
}

TEST(ParseUintTest, WithoutRangeRefusesOnlyWhatIsNotAU32) {
  EXPECT_EQ(*ParseUint("101", "threshold"), 101u);
  EXPECT_EQ(*ParseUint("4294967295", "seed"), 4294967295u);
  for (const char* bad : {"-1", "abc", "", "1.5", "4294967296"}) {
    auto v = ParseUint(bad, "threshold");
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_TRUE(IsBadValue(v.status()));
    EXPECT_EQ(v.status().message(),
              std::string("invalid threshold '") + bad + "': not a 32-bit unsigned integer");
  }
}

TEST(RefusedValueTest, LibraryRefusalBecomesOneBadValueLine) {
  EXPECT_TRUE(RefusedValue(absl::OkStatus()).ok());
  absl::Status st =
      RefusedValue(absl::InvalidArgumentError("invalid threshold 101: must be 0..100"));
  EXPECT_TRUE(IsBadValue(st));
  EXPECT_EQ(st.message(), "invalid threshold 101: must be 0..100");
}

TEST(ParseDurationTest, UnitsAndBareSeconds) {
  EXPECT_EQ(*ParseDurationArg("1s", "interval"), absl::Seconds(1));
  EXPECT_EQ(*ParseDurationArg("500ms", "interval"), absl::Milliseconds(500));
  EXPECT_EQ(*ParseDurationArg("2m", "interval"), absl::Minutes(2));
  EXPECT_EQ(*ParseDurationArg("3", "interval"), absl::Seconds(3));
  EXPECT_EQ(*ParseDurationArg("1.5", "interval"), absl::Milliseconds(1500));
  EXPECT_FALSE(ParseDurationArg("abc", "interval").ok());
  EXPECT_FALSE(ParseDurationArg("0s", "interval").ok());
  EXPECT_FALSE(ParseDurationArg("-1s", "interval").ok());
}

TEST(ParseOnOffTest, Words) {
  EXPECT_TRUE(*ParseOnOff("on", "x"));
  EXPECT_FALSE(*ParseOnOff("off", "x"));
  EXPECT_FALSE(ParseOnOff("maybe", "x").ok());
}

}  // namespace
}  // namespace buddyctl::cli
