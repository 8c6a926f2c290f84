// SPDX-License-Identifier: GPL-2.0
// Command-line flags for one command: --name VALUE, --name=VALUE, boolean
// --name, short aliases (-o), "--" ends flags. A token like "-1" is a
// positional argument (a negative number), so `set-threshold -1` reaches
// the range check instead of failing as an unknown flag.
#ifndef BUDDYCTL_CLI_ARGS_H_
#define BUDDYCTL_CLI_ARGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace buddyctl::cli {

struct FlagSpec {
  absl::string_view name;  // "--order"
  bool takes_value = false;
  absl::string_view alias = {};  // "-o"
};

class Args {
 public:
  // Usage errors (unknown flag, missing value) come back as UsageError().
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& tokens,
                                    const std::vector<FlagSpec>& specs);

  bool Has(absl::string_view flag) const { return flags_.count(absl::StrCat(flag)) > 0; }
  std::optional<std::string> Get(absl::string_view flag) const;
  const std::vector<std::string>& positional() const { return positional_; }
  bool help() const { return help_; }

 private:
  std::map<std::string, std::string> flags_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

// A usage error: exit 2 with the command's usage line.
absl::Status UsageError(absl::string_view message);
bool IsUsageError(const absl::Status& status);
// A bad argument value: exit 2 with just this one line.
absl::Status BadValue(absl::string_view message);
bool IsBadValue(const absl::Status& status);

// "<what> must be an integer in lo..hi" errors for "abc", "-1", "101".
absl::StatusOr<uint32_t> ParseUint(absl::string_view text, uint32_t lo, uint32_t hi,
                                   absl::string_view what);
// Text to a number for a field whose range libbuddyctl checks (the uapi
// limits): only "abc", "-1" or what does not fit 32 bits is refused here.
absl::StatusOr<uint32_t> ParseUint(absl::string_view text, absl::string_view what);
// When `flag` is given, its value as ParseUint(text, what) into `out`;
// `out` is left alone otherwise.
absl::Status ParseUintFlag(const Args& a, absl::string_view flag, absl::string_view what,
                           std::optional<uint32_t>& out);
// A library Validate() refusal as a bad value: exit 2 with its one line.
absl::Status RefusedValue(absl::Status status);
// "1s", "500ms", "2m", "1.5s"; a bare number means seconds.
absl::StatusOr<absl::Duration> ParseDurationArg(absl::string_view text, absl::string_view what);
// on|off (also 1|0, true|false)
absl::StatusOr<bool> ParseOnOff(absl::string_view text, absl::string_view what);

}  // namespace buddyctl::cli

#endif  // BUDDYCTL_CLI_ARGS_H_
