// SPDX-License-Identifier: GPL-2.0
// The installed documentation covers the CLI: every command in the dispatch
// table (and `report`, dispatched on its own) has a section in buddyctl(8)
// and is offered by the bash completion. A command added without them
// fails here, not in a user's terminal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "cli.h"

namespace buddyctl::cli {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  for (const Command& c : Commands()) names.emplace_back(c.name);
  names.emplace_back("report");
  return names;
}

TEST(ManPageTest, EveryCommandHasASection) {
  const std::string man = ReadFile(BUDDYCTL_SOURCE_DIR "/doc/buddyctl.8");
  std::set<std::string> sections;
  for (absl::string_view line : absl::StrSplit(man, '\n')) {
    if (absl::ConsumePrefix(&line, ".SS ")) sections.emplace(line);
  }
  ASSERT_GE(sections.size(), 20u) << "buddyctl.8 lost its per-command sections";
  for (const std::string& name : CommandNames()) {
    // roff writes a literal hyphen as \-.
    const std::string escaped = absl::StrReplaceAll(name, {{"-", "\\-"}});
    EXPECT_TRUE(sections.count(escaped) == 1) << "buddyctl.8 has no \".SS " << escaped << "\"";
  }
}

TEST(ManPageTest, ManPagesNameExitCodesAndFiles) {
  const std::string man = ReadFile(BUDDYCTL_SOURCE_DIR "/doc/buddyctl.8");
  EXPECT_THAT(man, ::testing::HasSubstr("\n.SH EXIT STATUS\n"));
  EXPECT_THAT(man, ::testing::HasSubstr("\n.SH FILES\n"));
  EXPECT_THAT(man, ::testing::HasSubstr("\n.SH EXAMPLES\n"));
  const std::string mod = ReadFile(BUDDYCTL_SOURCE_DIR "/doc/buddy_monitor.4");
  EXPECT_THAT(mod, ::testing::HasSubstr("/proc/buddy_monitor"));
  EXPECT_THAT(mod, ::testing::HasSubstr("\n.SH PARAMETERS\n"));
}

TEST(CompletionTest, EveryCommandIsCompleted) {
  const std::string comp = ReadFile(BUDDYCTL_SOURCE_DIR "/packaging/bash-completion/buddyctl");
  std::set<std::string> words;
  for (absl::string_view w :
       absl::StrSplit(comp, absl::ByAnyChar(" \t\n\"=|()"), absl::SkipEmpty())) {
    words.emplace(w);
  }
  for (const std::string& name : CommandNames()) {
    for (absl::string_view part : absl::StrSplit(name, ' ')) {
      EXPECT_TRUE(words.count(std::string(part)) == 1)
          << "the bash completion does not offer \"" << part << "\" (of " << name << ")";
    }
  }
}

}  // namespace
}  // namespace buddyctl::cli
