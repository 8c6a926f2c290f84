// SPDX-License-Identifier: GPL-2.0
// buddyctl's command table and the context commands run in. Commands talk
// to the kernel only through Context::open_transport, so the unit tests run
// them against a fake transport and capture their output.
#ifndef BUDDYCTL_CLI_CLI_H_
#define BUDDYCTL_CLI_CLI_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "args.h"
#include "buddyctl/fragmenter.h"
#include "buddyctl/hot_test.h"
#include "buddyctl/monitor.h"

// A uapi limit as a string literal, for help texts: BUDDYCTL_STR(BUDDY_THRESHOLD_MAX).
#define BUDDYCTL_STR_(x) #x
#define BUDDYCTL_STR(x) BUDDYCTL_STR_(x)
#include "buddyctl/transport.h"

namespace buddyctl::cli {

// MemFree of /proc/meminfo in pages, nullopt if it cannot be read.
std::optional<uint64_t> ReadMemFreePages();

struct Context {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // Opens the transport to the kernel (the real one in main.cc).
  std::function<absl::StatusOr<std::shared_ptr<Transport>>()> open_transport;
  // stdout is a terminal: `watch` redraws in place with ANSI escapes.
  bool interactive = false;
  // True once SIGINT/SIGTERM arrived; long-running commands stop cleanly.
  std::function<bool()> interrupted = [] { return false; };
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) { absl::SleepFor(d); };
  std::function<absl::Time()> now = [] { return absl::Now(); };
  // Free memory in pages (MemFree), for checks before sending; nullopt
  // when unknown, and the kernel's own check decides.
  std::function<std::optional<uint64_t>()> free_pages = ReadMemFreePages;

  absl::StatusOr<Monitor> OpenMonitor();
  absl::StatusOr<HotTest> OpenHotTest();
  absl::StatusOr<Fragmenter> OpenFragmenter();
  // Asks the kernel whether a generic netlink family is registered and at
  // which interface version (NotFound when its module is not loaded).
  absl::StatusOr<FamilyInfo> ResolveFamily(absl::string_view name);

 private:
  absl::StatusOr<std::shared_ptr<Transport>> Transport_();
  std::shared_ptr<Transport> transport_;
};

using CommandFn = absl::Status (*)(Context&, const Args&);

struct Command {
  absl::string_view name;  // "stats", or two words for groups: "hot run"
  CommandFn fn;
  absl::string_view summary;  // one line for `buddyctl --help`
  absl::string_view usage;    // "buddyctl stats [--order N] [--json]"
  absl::string_view help;     // the rest of `buddyctl <cmd> --help`: options, examples
  std::vector<FlagSpec> flags;
  int min_args = 0;  // positional arguments after the command name
  int max_args = 0;
};

// Command families, one file each.
void AddMonitorCommands(std::vector<Command>& table);   // cmd_monitor.cc
void AddLiveCommands(std::vector<Command>& table);      // cmd_live.cc
void AddTunerCommands(std::vector<Command>& table);     // cmd_tuner.cc
void AddHotCommands(std::vector<Command>& table);       // cmd_hot.cc
void AddFragmentCommands(std::vector<Command>& table);  // cmd_fragment.cc
void AddExportCommands(std::vector<Command>& table);    // cmd_export.cc
void AddExporterCommands(std::vector<Command>& table);  // cmd_exporter.cc

const std::vector<Command>& Commands();

// Runs buddyctl with `args` (argv without argv[0]). Returns the exit code:
// 0 success, 1 runtime error ("buddyctl: <message>" on stderr), 2 usage
// error (a usage line on stderr).
int Run(const std::vector<std::string>& args, Context& ctx);

}  // namespace buddyctl::cli

#endif  // BUDDYCTL_CLI_CLI_H_
