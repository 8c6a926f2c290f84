// SPDX-License-Identifier: GPL-2.0
// `buddyctl report INPUT... -o report.html`: one self-contained HTML page of
// plots from `buddyctl record` output, challenge results and slab-study
// results (each input recognised by its content). The page inlines Apache
// ECharts and its data, so it opens offline in any browser.
//
// Usage from C++:
//   absl::Status st = buddyctl::report::Render({"run.jsonl", "results.json"}, "report.html");
//   if (!st.ok()) std::cerr << "buddyctl report: " << st.message() << "\n";
//
// Errors are one line naming the file and what is wrong with it. The page is
// written to a temporary file beside the output and renamed over it only
// when complete, so a failed run never leaves a partial page over a good one.
#ifndef BUDDYCTL_REPORT_H_
#define BUDDYCTL_REPORT_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace buddyctl::report {

// For the CLI's command table.
inline constexpr std::string_view kSummary =
    "render recordings and experiment results as one self-contained HTML page of plots";
inline constexpr std::string_view kUsage = "buddyctl report INPUT... [-o FILE] [--title TEXT]";
// The rest of `buddyctl report --help`: what it reads, the plots, options, examples.
std::string_view Help();

struct Options {
  std::vector<std::string> inputs;
  std::string output_path = "report.html";
  std::string title = "buddyctl report";
};

struct Rendered {
  size_t inputs = 0;
  size_t plots = 0;
  std::vector<std::string> notes;  // plots left out, and why
};

absl::StatusOr<Rendered> RenderReport(const Options& options);

// RenderReport with the default title.
absl::Status Render(const std::vector<std::string>& inputs, const std::string& output_path);

// `buddyctl report ...`: argv[0] is the command's name and is skipped.
// Returns 0 on success, 1 on a runtime error (one line on stderr), 2 on a
// usage error.
int ReportMain(int argc, char** argv);
int ReportMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace buddyctl::report

#endif  // BUDDYCTL_REPORT_H_
