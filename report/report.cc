// SPDX-License-Identifier: GPL-2.0
// Render() and `buddyctl report`'s command line.
#include "buddyctl/report.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "charts.h"
#include "load.h"
#include "page.h"

namespace buddyctl::report {
namespace {

constexpr char kHelp[] =
    R"(Reads each INPUT and writes one HTML page with a section of plots per input.
The page inlines its charting library (Apache ECharts) and its data: it opens
offline in any browser. Each plot's toolbox saves it as a PNG image or shows
the numbers behind it.

Inputs are recognised by their content:
  buddyctl record output (JSON lines)
      requested order distribution (requests, successes, failures, slow
      path, compactions per order; log scale), free blocks per order over
      time per zone (heat map), unusable free space index at orders 3, 9
      and 10 over time with the tuner's decisions, latency percentiles per
      order (when latency capture was on)
  4 MiB challenge results (build/challenge/<stamp>/results.json)
      blocks obtained / physical limit per policy (box plot over runs),
      compaction work per successful block, latency CDF per policy
  slab study results (bench/slab-study)
      each workload's figures per allocator relative to SLUB

A missing, truncated or unrecognised input is an error naming the file; the
output is then left as it was.

options:
  -o, --output FILE   where to write the page (default report.html)
  --title TEXT        the page's title (default "buddyctl report")

examples:
  buddyctl record --interval 1s --duration 60s -o run.jsonl
  buddyctl report run.jsonl -o run.html
  buddyctl report run.jsonl build/challenge/*/results.json -o report.html
)";

std::string Errno() { return std::strerror(errno); }  // NOLINT(concurrency-mt-unsafe)

// Writes `content` to `path` through a temporary file in the same directory,
// renamed over `path` only once complete.
absl::Status WriteAtomically(const std::string& path, const std::string& content) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot create a temporary file in ", dir.string(), ": ", Errno()));
  }
  // mkstemp makes the file 0600; give the page the mode a new file gets.
  const mode_t mask = umask(0);
  umask(mask);
  absl::Status st;
  size_t done = 0;
  while (st.ok() && done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      st = absl::DataLossError(absl::StrCat(path, ": cannot write: ", Errno()));
    } else {
      done += static_cast<size_t>(n);
    }
  }
  if (st.ok() && fchmod(fd, 0666 & ~mask) != 0) {
    st = absl::PermissionDeniedError(absl::StrCat(path, ": cannot set the mode: ", Errno()));
  }
  if (st.ok() && fsync(fd) != 0) {
    st = absl::DataLossError(absl::StrCat(path, ": cannot write: ", Errno()));
  }
  if (close(fd) != 0 && st.ok()) {
    st = absl::DataLossError(absl::StrCat(path, ": cannot write: ", Errno()));
  }
  if (st.ok() && rename(tmpl.c_str(), path.c_str()) != 0) {
    st = absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot rename ", tmpl, " over it: ", Errno()));
  }
  if (!st.ok()) unlink(tmpl.c_str());
  return st;
}

}  // namespace

std::string_view Help() { return kHelp; }

absl::StatusOr<Rendered> RenderReport(const Options& options) {
  if (options.inputs.empty()) return absl::InvalidArgumentError("no input given");
  if (options.output_path.empty()) return absl::InvalidArgumentError("empty output path");
  std::vector<Input> inputs;
  for (const std::string& path : options.inputs) {
    std::error_code ec;
    if (std::filesystem::equivalent(path, options.output_path, ec)) {
      return absl::InvalidArgumentError(absl::StrCat(
          options.output_path, ": the output is also an input; refusing to overwrite it"));
    }
    auto in = LoadInput(path);
    if (!in.ok()) return in.status();
    inputs.push_back(*std::move(in));
  }

  std::vector<Section> sections;
  Rendered r;
  r.inputs = options.inputs.size();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string prefix = absl::StrCat("in", i + 1);
    sections.push_back(std::visit(
        [&prefix](const auto& in) -> Section {
          using T = std::decay_t<decltype(in)>;
          if constexpr (std::is_same_v<T, Record>) {
            return RecordSection(in, prefix);
          } else if constexpr (std::is_same_v<T, Challenge>) {
            return ChallengeSection(in, prefix);
          } else {
            return SlabSection(in, prefix);
          }
        },
        inputs[i]));
    r.plots += sections.back().plots.size();
    for (const std::string& n : sections.back().notes) r.notes.push_back(n);
  }
  PageInfo info;
  info.title = options.title;
  info.inputs = options.inputs;
  info.generated = absl::FormatTime("on %Y-%m-%d at %H:%M UTC", absl::Now(), absl::UTCTimeZone());
  const absl::Status st = WriteAtomically(options.output_path, RenderPage(sections, info));
  if (!st.ok()) return st;
  return r;
}

absl::Status Render(const std::vector<std::string>& inputs, const std::string& output_path) {
  Options o;
  o.inputs = inputs;
  o.output_path = output_path;
  return RenderReport(o).status();
}

int ReportMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options o;
  bool flags = true;
  auto usage = [&err](const std::string& what) {
    err << "buddyctl report: " << what << "\nusage: " << kUsage << "  (buddyctl report --help)\n";
    return 2;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (flags && (a == "-h" || a == "--help")) {
      out << "usage: " << kUsage << "\n\n" << kSummary << ".\n\n" << kHelp;
      return 0;
    }
    if (flags && a == "--") {
      flags = false;
      continue;
    }
    std::string* target = nullptr;
    std::string value;
    if (flags && (a == "-o" || a == "--output" || a == "--title")) {
      if (i + 1 >= args.size()) return usage(absl::StrCat(a, " needs a value"));
      target = a == "--title" ? &o.title : &o.output_path;
      value = args[++i];
    } else if (flags && (a.rfind("--output=", 0) == 0 || a.rfind("--title=", 0) == 0)) {
      target = a[2] == 't' ? &o.title : &o.output_path;
      value = a.substr(a.find('=') + 1);
    } else if (flags && a.size() > 1 && a[0] == '-') {
      return usage(absl::StrCat("unknown option ", a));
    } else {
      o.inputs.push_back(a);
      continue;
    }
    if (value.empty()) return usage(absl::StrCat(a, " needs a non-empty value"));
    *target = value;
  }
  if (o.inputs.empty()) return usage("no input: name a recording or results file");
  auto r = RenderReport(o);
  if (!r.ok()) {
    err << "buddyctl report: " << r.status().message() << "\n";
    return 1;
  }
  for (const std::string& n : r->notes) err << "buddyctl report: note: " << n << "\n";
  out << "buddyctl report: wrote " << o.output_path << " (" << r->plots << " plots from "
      << r->inputs << " input" << (r->inputs == 1 ? "" : "s") << ")\n";
  return 0;
}

int ReportMain(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return ReportMain(args, std::cout, std::cerr);
}

}  // namespace buddyctl::report
