// SPDX-License-Identifier: GPL-2.0
// Render() and ReportMain(): the page is complete and self-contained, and a
// failed run leaves an existing output exactly as it was.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "buddyctl/report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "page.h"

namespace buddyctl::report {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Fixture(const std::string& name) {
  return std::string(BUDDYCTL_REPORT_FIXTURES) + "/" + name;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
}

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("report_test." + std::to_string(getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Everything in dir_ but `keep`: temporary files a run left behind.
  std::vector<std::string> Leftovers(const std::string& keep) const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().filename() != keep) names.push_back(e.path().filename().string());
    }
    return names;
  }

  std::string Out(const std::string& name = "report.html") const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(RenderTest, PageIsCompleteAndSelfContained) {
  ASSERT_TRUE(
      Render({Fixture("record.jsonl"), Fixture("challenge.json"), Fixture("slab-results.json")},
             Out())
          .ok());
  const std::string html = ReadFile(Out());
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("</html>\n"));
  for (const char* id :
       {"in1-orders", "in1-buddyinfo-0", "in1-buddyinfo-1", "in1-frag", "in1-extfrag",
        "in1-latency", "in1-latency-time", "in2-success", "in2-work", "in2-cdf",
        "in3-slab-workloads", "in3-slab-micro", "in3-slab-footprint"}) {
    EXPECT_THAT(html, HasSubstr(std::string("<div class=\"plot\" id=\"") + id + "\"")) << id;
  }
  // ECharts itself is inlined, and nothing is fetched at view time.
  EXPECT_THAT(html, HasSubstr("Licensed to the Apache Software Foundation"));
  EXPECT_THAT(html, HasSubstr("echarts"));
  EXPECT_THAT(html, Not(HasSubstr("<script src")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_GT(html.size(), 500000u);  // the library is about 1 MB
  EXPECT_TRUE(Leftovers("report.html").empty());
}

TEST_F(RenderTest, PageIsWrittenWithTheUsualMode) {
  const mode_t old = umask(022);
  ASSERT_TRUE(Render({Fixture("challenge.json")}, Out()).ok());
  umask(old);
  struct stat st {};
  ASSERT_EQ(stat(Out().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

// The page from a previous good run must survive every kind of failure.
TEST_F(RenderTest, BadInputLeavesTheOutputUntouched) {
  const std::string good = "<!DOCTYPE html><p>the good report</p>\n";
  WriteFile(Out(), good);
  std::string truncated = ReadFile(Fixture("challenge.json"));
  truncated.resize(truncated.size() / 3);
  WriteFile(dir_ / "truncated.json", truncated);
  WriteFile(dir_ / "foreign.json", R"({"name": "left-pad"})");
  const struct {
    std::vector<std::string> inputs;
    std::string error_starts;
  } cases[] = {
      {{(dir_ / "missing.jsonl").string()}, (dir_ / "missing.jsonl").string() + ": cannot open"},
      {{(dir_ / "truncated.json").string()}, (dir_ / "truncated.json").string() + ":"},
      {{(dir_ / "foreign.json").string()}, (dir_ / "foreign.json").string() + ": foreign JSON"},
      // A good input first: the page would have had content.
      {{Fixture("record.jsonl"), (dir_ / "foreign.json").string()},
       (dir_ / "foreign.json").string() + ": foreign JSON"},
  };
  for (const auto& c : cases) {
    const absl::Status st = Render(c.inputs, Out());
    EXPECT_FALSE(st.ok());
    EXPECT_THAT(std::string(st.message()), StartsWith(c.error_starts));
    EXPECT_EQ(ReadFile(Out()), good) << c.error_starts;
  }
  EXPECT_THAT(Leftovers("report.html"),
              ::testing::UnorderedElementsAre("truncated.json", "foreign.json"));
}

TEST_F(RenderTest, UnwritableOutputNamesIt) {
  const std::string out = (dir_ / "no" / "such" / "dir" / "r.html").string();
  const absl::Status st = Render({Fixture("challenge.json")}, out);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), StartsWith(out + ": cannot create a temporary file in "));
}

TEST_F(RenderTest, OutputThatIsAnInputIsRefused) {
  fs::copy_file(Fixture("challenge.json"), dir_ / "results.json");
  const std::string before = ReadFile(dir_ / "results.json");
  const std::string path = (dir_ / "results.json").string();
  const absl::Status st = Render({path}, path);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("the output is also an input"));
  EXPECT_EQ(ReadFile(dir_ / "results.json"), before);
}

TEST_F(RenderTest, MainWritesAndSaysWhere) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ReportMain({Fixture("challenge.json"), "-o", Out("c.html"), "--title", "Challenge"},
                       out, err),
            0);
  EXPECT_EQ(out.str(), "buddyctl report: wrote " + Out("c.html") + " (7 plots from 1 input)\n");
  EXPECT_EQ(err.str(), "");
  EXPECT_THAT(ReadFile(Out("c.html")), HasSubstr("<title>Challenge</title>"));
}

TEST_F(RenderTest, MainBadInputIsOneLineAndExitOne) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ReportMain({(dir_ / "gone.jsonl").string(), "-o", Out()}, out, err), 1);
  EXPECT_EQ(err.str(), "buddyctl report: " + (dir_ / "gone.jsonl").string() +
                           ": cannot open: No such file or directory\n");
  EXPECT_FALSE(fs::exists(Out()));
}

TEST_F(RenderTest, MainUsageErrorsExitTwo) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ReportMain({}, out, err), 2);
  EXPECT_THAT(err.str(), StartsWith("buddyctl report: no input"));
  EXPECT_THAT(err.str(), HasSubstr("usage: buddyctl report INPUT..."));
  err.str("");
  EXPECT_EQ(ReportMain({Fixture("challenge.json"), "--colour"}, out, err), 2);
  EXPECT_THAT(err.str(), StartsWith("buddyctl report: unknown option --colour"));
  err.str("");
  EXPECT_EQ(ReportMain({Fixture("challenge.json"), "-o"}, out, err), 2);
  EXPECT_THAT(err.str(), StartsWith("buddyctl report: -o needs a value"));
  EXPECT_EQ(out.str(), "");
}

TEST_F(RenderTest, MainHelp) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(ReportMain({"--help"}, out, err), 0);
  EXPECT_THAT(out.str(), StartsWith("usage: buddyctl report INPUT... [-o FILE]"));
  EXPECT_THAT(out.str(), HasSubstr("examples:"));
  EXPECT_EQ(err.str(), "");
}

TEST(PageTest, ScriptSafeJsonHasNoMarkup) {
  const std::string s = ScriptSafeJson({{"path", "a</script><b>&c.jsonl"}});
  EXPECT_EQ(s.find('<'), std::string::npos);
  EXPECT_EQ(s.find('>'), std::string::npos);
  EXPECT_EQ(s.find('&'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(s)["path"], "a</script><b>&c.jsonl");
}

TEST(PageTest, HtmlEscape) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

}  // namespace
}  // namespace buddyctl::report
