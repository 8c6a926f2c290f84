// SPDX-License-Identifier: GPL-2.0
// The dispatcher: `buddyctl <command> [args]`, `buddyctl <group> <command>`.
#include "cli.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "buddyctl/family.h"
#include "buddyctl/report.h"
#include "buddyctl/version.h"

namespace buddyctl::cli {

std::optional<uint64_t> ReadMemFreePages() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string key;
    uint64_t kib = 0;
    if (s >> key >> kib && key == "MemFree:") {
      const long page = sysconf(_SC_PAGESIZE);
      if (page <= 0) return std::nullopt;
      return kib * 1024 / static_cast<uint64_t>(page);
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::shared_ptr<Transport>> Context::Transport_() {
  if (transport_) return transport_;
  if (!open_transport) return absl::InternalError("no transport configured");
  auto t = open_transport();
  if (!t.ok()) return t.status();
  transport_ = *t;
  return transport_;
}

absl::StatusOr<Monitor> Context::OpenMonitor() {
  auto t = Transport_();
  if (!t.ok()) return t.status();
  return Monitor::Open(*t);
}

absl::StatusOr<HotTest> Context::OpenHotTest() {
  auto t = Transport_();
  if (!t.ok()) return t.status();
  return HotTest::Open(*t);
}

absl::StatusOr<Fragmenter> Context::OpenFragmenter() {
  auto t = Transport_();
  if (!t.ok()) return t.status();
  return Fragmenter::Open(*t);
}

absl::StatusOr<FamilyInfo> Context::ResolveFamily(absl::string_view name) {
  auto t = Transport_();
  if (!t.ok()) return t.status();
  return buddyctl::ResolveFamily(**t, name);
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> table = [] {
    std::vector<Command> t;
    AddMonitorCommands(t);
    AddLiveCommands(t);
    AddTunerCommands(t);
    AddHotCommands(t);
    AddFragmentCommands(t);
    AddExportCommands(t);
    AddExporterCommands(t);
    return t;
  }();
  return table;
}

namespace {

constexpr absl::string_view kUsage = "usage: buddyctl <command> [options]  (buddyctl --help)";

constexpr absl::string_view kIntro =
    R"(buddyctl: observe and tune the Linux buddy allocator on a stock kernel.

It talks to the buddyctl kernel modules over generic netlink:
  buddy_monitor.ko    per-order counters, latency, fragmentation, the tuner
  high_order_test.ko  high-order allocation runs (hot) and the fragmenter
Reading needs no privileges; changing state (reset, policy, hot, fragment)
needs CAP_SYS_ADMIN.

usage: buddyctl <command> [options]
       buddyctl <command> --help     options and examples for one command

commands:
)";

constexpr absl::string_view kOutro = R"(
examples:
  buddyctl stats                       per-order table since the last reset
  buddyctl stats --order 9 --json      one order, machine-readable
  buddyctl watch                       live view, refreshed every second
  sudo buddyctl policy adaptive        let the tuner raise compaction priority
  sudo buddyctl set-threshold 80       ... when fragmentation exceeds 80%
  buddyctl record --interval 1s --duration 60s -o run.jsonl
  sudo buddyctl hot run --order 10 --count 64 --gfp retry

exit status: 0 ok, 1 runtime error (one line on stderr), 2 usage error.
)";

void PrintTopHelp(std::ostream& out) {
  out << kIntro;
  size_t width = 0;
  for (const Command& c : Commands()) width = std::max(width, c.name.size());
  for (const Command& c : Commands()) {
    out << "  " << c.name << std::string(width - c.name.size() + 2, ' ') << c.summary << "\n";
  }
  out << "  report" << std::string(width - 4, ' ') << report::kSummary << "\n";
  out << kOutro;
}

void PrintCommandHelp(std::ostream& out, const Command& c) {
  out << "usage: " << c.usage << "\n\n" << c.summary << "\n";
  if (!c.help.empty()) out << "\n" << c.help;
  if (c.help.empty() || c.help.back() != '\n') out << "\n";
}

// `buddyctl hot` / `buddyctl hot --help`: the group's commands.
bool PrintGroupHelp(std::ostream& out, absl::string_view group) {
  bool any = false;
  for (const Command& c : Commands()) {
    if (c.name.size() > group.size() && c.name.substr(0, group.size()) == group &&
        c.name[group.size()] == ' ') {
      if (!any) out << "usage: buddyctl " << group << " <command> [options]\n\ncommands:\n";
      any = true;
      out << "  " << c.usage << "\n      " << c.summary << "\n";
    }
  }
  if (any) out << "\nbuddyctl " << group << " <command> --help shows options and examples.\n";
  return any;
}

// `buddyctl --version`: this build's version, then each kernel interface
// this buddyctl speaks and the version the loaded module speaks, so a
// mismatch after an upgrade is visible before any command fails.
void PrintVersion(Context& ctx) {
  std::ostream& out = *ctx.out;
  out << "buddyctl " << BUDDYCTL_VERSION_STRING << "\n";
  for (const FamilySpec* spec : {&kMonitorFamily, &kHotFamily, &kFragFamily}) {
    out << "  " << spec->family << " (" << spec->module << ".ko): built for interface version "
        << spec->version << ", ";
    auto info = ctx.ResolveFamily(spec->family);
    if (info.ok()) {
      out << "loaded module speaks version " << info->version
          << (info->version == spec->version ? "" : " (mismatch)") << "\n";
    } else if (absl::IsNotFound(info.status())) {
      out << "module not loaded\n";
    } else {
      out << "unknown (" << info.status().message() << ")\n";
    }
  }
}

}  // namespace

int Run(const std::vector<std::string>& args, Context& ctx) {
  std::ostream& err = *ctx.err;
  if (args.empty()) {
    err << kUsage << "\n";
    return 2;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    if (args.size() >= 2) {
      std::vector<std::string> rest(args.begin() + 1, args.end());
      rest.emplace_back("--help");
      return Run(rest, ctx);
    }
    PrintTopHelp(*ctx.out);
    return 0;
  }
  if (first == "--version") {
    PrintVersion(ctx);
    return 0;
  }

  // `report` reads files, not the kernel, and parses its own arguments.
  if (first == "report") {
    std::vector<std::string> rest(args.begin() + 1, args.end());
    return report::ReportMain(rest, *ctx.out, err);
  }

  const Command* cmd = nullptr;
  size_t consumed = 1;
  if (args.size() >= 2) {
    const std::string two = absl::StrCat(first, " ", args[1]);
    for (const Command& c : Commands()) {
      if (c.name == two) cmd = &c;
    }
    if (cmd != nullptr) consumed = 2;
  }
  if (cmd == nullptr) {
    for (const Command& c : Commands()) {
      if (c.name == first) cmd = &c;
    }
  }
  if (cmd == nullptr) {
    const bool help = args.size() == 1 || args[1] == "--help" || args[1] == "-h";
    std::ostream& where = help && args.size() <= 2 ? *ctx.out : err;
    if (PrintGroupHelp(where, first)) {
      if (help && args.size() <= 2) return 0;
      err << "buddyctl: unknown " << first << " command '" << args[1] << "'\n";
      return 2;
    }
    err << "buddyctl: unknown command '" << first << "'\n" << kUsage << "\n";
    return 2;
  }

  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(consumed), args.end());
  auto parsed = Args::Parse(rest, cmd->flags);
  if (!parsed.ok()) {
    err << "buddyctl " << cmd->name << ": " << parsed.status().message()
        << "\nusage: " << cmd->usage << "\n";
    return 2;
  }
  if (parsed->help()) {
    PrintCommandHelp(*ctx.out, *cmd);
    return 0;
  }
  const int npos = static_cast<int>(parsed->positional().size());
  if (npos < cmd->min_args || npos > cmd->max_args) {
    err << "buddyctl " << cmd->name << ": "
        << (npos < cmd->min_args ? "missing argument" : "too many arguments")
        << "\nusage: " << cmd->usage << "\n";
    return 2;
  }
  absl::Status st = cmd->fn(ctx, *parsed);
  if (st.ok()) return 0;
  if (IsUsageError(st)) {
    err << "buddyctl " << cmd->name << ": " << st.message() << "\nusage: " << cmd->usage << "\n";
    return 2;
  }
  err << "buddyctl: " << st.message() << "\n";
  return IsBadValue(st) ? 2 : 1;
}

}  // namespace buddyctl::cli
