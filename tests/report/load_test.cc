// SPDX-License-Identifier: GPL-2.0
// Bad input: every error is one line that names the file (and the line for
// JSON lines) and says what is wrong.
#include "load.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace buddyctl::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Fixture(const std::string& name) {
  return std::string(BUDDYCTL_REPORT_FIXTURES) + "/" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The error of ParseInput("in.json", content), checked to be one line.
std::string ErrorOf(const std::string& content, const std::string& name = "in.json") {
  auto in = ParseInput(name, content);
  EXPECT_FALSE(in.ok()) << "accepted: " << content.substr(0, 80);
  if (in.ok()) return "";
  std::string msg(in.status().message());
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "not one line: " << msg;
  return msg;
}

TEST(LoadTest, FixturesLoadAsTheirKind) {
  auto rec = LoadInput(Fixture("record.jsonl"));
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_TRUE(std::holds_alternative<Record>(*rec));
  auto ch = LoadInput(Fixture("challenge.json"));
  ASSERT_TRUE(ch.ok()) << ch.status();
  EXPECT_TRUE(std::holds_alternative<Challenge>(*ch));
  auto slab = LoadInput(Fixture("slab-results.json"));
  ASSERT_TRUE(slab.ok()) << slab.status();
  EXPECT_TRUE(std::holds_alternative<SlabStudy>(*slab));
}

TEST(LoadTest, OneLineRecordIsARecordOfOneSample) {
  const std::string first =
      ReadFile(Fixture("record.jsonl")).substr(0, ReadFile(Fixture("record.jsonl")).find('\n'));
  auto in = ParseInput("one.jsonl", first);
  ASSERT_TRUE(in.ok()) << in.status();
  ASSERT_TRUE(std::holds_alternative<Record>(*in));
  EXPECT_EQ(std::get<Record>(*in).samples.size(), 1u);
}

TEST(LoadTest, MissingFileIsNamed) {
  auto in = LoadInput("/nonexistent/run.jsonl");
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(std::string(in.status().message()),
            "/nonexistent/run.jsonl: cannot open: No such file or directory");
}

TEST(LoadTest, DirectoryIsNamed) {
  auto in = LoadInput(BUDDYCTL_REPORT_FIXTURES);
  ASSERT_FALSE(in.ok());
  EXPECT_THAT(std::string(in.status().message()),
              StartsWith(std::string(BUDDYCTL_REPORT_FIXTURES) + ": is a directory"));
}

TEST(LoadTest, EmptyFile) {
  EXPECT_THAT(ErrorOf("", "run.jsonl"), StartsWith("run.jsonl: empty file; expected"));
  EXPECT_THAT(ErrorOf(" \n\n", "run.jsonl"), StartsWith("run.jsonl: empty file"));
}

TEST(LoadTest, TruncatedRecordNamesTheLine) {
  std::string rec = ReadFile(Fixture("record.jsonl"));
  rec.resize(rec.size() - 500);  // cuts into the 4th (last) line
  EXPECT_THAT(ErrorOf(rec, "run.jsonl"), StartsWith("run.jsonl:4: truncated JSON"));
}

TEST(LoadTest, TruncatedResultsNameTheLine) {
  std::string results = ReadFile(Fixture("challenge.json"));
  results.resize(results.size() / 2);
  const std::string msg = ErrorOf(results, "results.json");
  EXPECT_THAT(msg, StartsWith("results.json:"));
  EXPECT_THAT(msg, HasSubstr("truncated JSON"));
}

TEST(LoadTest, NotJsonAtAll) {
  EXPECT_THAT(ErrorOf("order req success\n0 12 12\n", "stats.txt"),
              StartsWith("stats.txt:1: invalid JSON"));
}

TEST(LoadTest, ForeignJsonObject) {
  EXPECT_THAT(ErrorOf(R"({"name": "left-pad", "version": "1.3.0"})", "package.json"),
              StartsWith("package.json: foreign JSON: an object with keys name, version; "
                         "expected `buddyctl record` output"));
}

TEST(LoadTest, ForeignJsonArrayAndScalar) {
  EXPECT_THAT(ErrorOf("[1, 2, 3]"), StartsWith("in.json: foreign JSON: a top-level array"));
  EXPECT_THAT(ErrorOf("42"), StartsWith("in.json: foreign JSON: a top-level number"));
}

TEST(LoadTest, ForeignJsonLines) {
  EXPECT_THAT(
      ErrorOf("{\"a\": 1}\n{\"a\": 2}\n", "ev.jsonl"),
      StartsWith("ev.jsonl:1: foreign JSON lines: the first line is an object with keys a"));
}

TEST(LoadTest, ForeignKind) {
  EXPECT_THAT(ErrorOf(R"({"kind": "mmtests-result", "runs": []})"),
              StartsWith("in.json: foreign JSON: \"kind\" is \"mmtests-result\""));
}

TEST(LoadTest, ChallengeOfANewerVersion) {
  EXPECT_EQ(ErrorOf(R"({"kind": "buddyctl-challenge", "version": 2, "runs": []})"),
            "in.json: version: 2 is not a results version this buddyctl reads (1)");
}

TEST(LoadTest, ChallengeWithoutRuns) {
  EXPECT_EQ(ErrorOf(R"({"kind": "buddyctl-challenge", "version": 1, "runs": []})"),
            "in.json: runs: empty: the challenge recorded no run");
}

TEST(LoadTest, ChallengeRunMissingAField) {
  EXPECT_EQ(ErrorOf(R"({"kind": "buddyctl-challenge", "version": 1,
                        "runs": [{"policy": "stock", "attempts": 3, "successes": 1}]})"),
            "in.json: runs[0].limit: missing");
}

TEST(LoadTest, ChallengeThpRecordMissingAField) {
  EXPECT_EQ(ErrorOf(R"({"kind": "buddyctl-challenge", "version": 1,
                        "runs": [{"policy": "stock", "error": "exit 1",
                                  "thp": {"regions": 40, "huge": 10}}]})"),
            "in.json: runs[0].thp.limit: missing");
}

TEST(LoadTest, RecordSampleMissingAField) {
  std::string line = ReadFile(Fixture("record.jsonl"));
  line = line.substr(0, line.find('\n'));
  const std::string key = "\"requests\":5000,";
  const size_t at = line.find(key);
  ASSERT_NE(at, std::string::npos);
  line.erase(at, key.size());
  EXPECT_EQ(ErrorOf(line + "\n" + line + "\n", "run.jsonl"),
            "run.jsonl:1: stats.orders[0].requests: missing");
}

TEST(LoadTest, RecordSampleFieldOfTheWrongType) {
  std::string line = ReadFile(Fixture("record.jsonl"));
  line = line.substr(0, line.find('\n'));
  const size_t at = line.find("\"requests\":5000");
  ASSERT_NE(at, std::string::npos);
  line.replace(at, 15, "\"requests\":\"many\"");
  EXPECT_EQ(ErrorOf(line, "run.jsonl"),
            "run.jsonl: stats.orders[0].requests: expected a non-negative integer, got the "
            "string \"many\"");
}

// "config" (the tuner's configuration) came later than the other fields:
// recordings without it load, with no configuration.
TEST(LoadTest, RecordSampleWithoutConfig) {
  std::string line = ReadFile(Fixture("record.jsonl"));
  line = line.substr(0, line.find('\n'));
  const size_t at = line.find(",\"config\":{");
  ASSERT_NE(at, std::string::npos);
  line = line.substr(0, at) + "}";
  auto in = ParseInput("run.jsonl", line);
  ASSERT_TRUE(in.ok()) << in.status();
  ASSERT_TRUE(std::holds_alternative<Record>(*in));
  EXPECT_FALSE(std::get<Record>(*in).samples[0].config.has_value());
}

// Recordings made before version 0.2.0 call the raise counter "adaptive";
// they load with the same figures.
TEST(LoadTest, RecordSampleWithTheOldNameOfTheRaiseCounter) {
  std::string line = ReadFile(Fixture("record.jsonl"));
  line = line.substr(0, line.find('\n'));
  const std::string key = "\"compact_deferred\":0,\"raises\":0,";
  const size_t at = line.find(key);
  ASSERT_NE(at, std::string::npos);
  line.replace(at, key.size(), "\"compact_deferred\":0,\"adaptive\":7,");
  auto in = ParseInput("old.jsonl", line);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(std::get<Record>(*in).samples[0].stats.orders[0].raises, 7u);
  line.replace(at, std::string("\"compact_deferred\":0,\"adaptive\":7,").size(),
               "\"compact_deferred\":0,\"raises\":9,");
  auto now = ParseInput("new.jsonl", line);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(std::get<Record>(*now).samples[0].stats.orders[0].raises, 9u);
}

TEST(LoadTest, RecordSampleConfig) {
  auto in = LoadInput(Fixture("record.jsonl"));
  ASSERT_TRUE(in.ok()) << in.status();
  const Record& r = std::get<Record>(*in);
  ASSERT_TRUE(r.samples[2].config.has_value());
  EXPECT_EQ(r.samples[2].config->policy, Policy::kAlwaysMax);
  EXPECT_EQ(r.samples[3].config->threshold, 50u);
  EXPECT_EQ(r.samples[3].config->min_order, 3u);
}

TEST(LoadTest, RecordSampleWithAnUnknownPolicy) {
  std::string line = ReadFile(Fixture("record.jsonl"));
  line = line.substr(0, line.find('\n'));
  const size_t at = line.find("\"policy\":\"adaptive\"");
  ASSERT_NE(at, std::string::npos);
  line.replace(at, 19, "\"policy\":\"greedy\"");
  EXPECT_EQ(ErrorOf(line, "run.jsonl"), "run.jsonl: config.policy: unknown policy \"greedy\"");
}

TEST(LoadTest, ConcatenatedRecordingsAreRefused) {
  const std::string rec = ReadFile(Fixture("record.jsonl"));
  EXPECT_THAT(ErrorOf(rec + rec, "run.jsonl"),
              StartsWith("run.jsonl:5: elapsed_s goes backwards (0 after 3)"));
}

TEST(LoadTest, ALaterForeignLineInARecord) {
  std::string rec = ReadFile(Fixture("record.jsonl"));
  rec += "{\"type\": \"alloc_fail\", \"time_ns\": 5}\n";
  EXPECT_THAT(ErrorOf(rec, "run.jsonl"), StartsWith("run.jsonl:5: not a `buddyctl record` sample"));
}

TEST(LoadTest, SlabResultsWithoutSlub) {
  EXPECT_EQ(ErrorOf(R"({"allocators": ["SLAB", "SLOB"], "workloads_seconds": {}})"),
            "in.json: allocators: no SLUB: the study compares every allocator with SLUB");
}

TEST(LoadTest, ErrorsDoNotLeakTheParserPrefix) {
  EXPECT_THAT(ErrorOf("{\"a\": [1, 2"), Not(HasSubstr("json.exception")));
}

}  // namespace
}  // namespace buddyctl::report
