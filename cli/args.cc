// SPDX-License-Identifier: GPL-2.0
#include "args.h"

#include <cctype>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "buddyctl/status_macros.h"

namespace buddyctl::cli {
namespace {
constexpr char kUsagePayload[] = "buddyctl/usage";
constexpr char kBadValuePayload[] = "buddyctl/bad-value";

bool LooksNumeric(absl::string_view t) {
  return t.size() >= 2 && t[0] == '-' && std::isdigit(static_cast<unsigned char>(t[1])) != 0;
}
}  // namespace

absl::Status UsageError(absl::string_view message) {
  absl::Status st = absl::InvalidArgumentError(message);
  st.SetPayload(kUsagePayload, absl::Cord("1"));
  return st;
}
bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}
absl::Status BadValue(absl::string_view message) {
  absl::Status st = absl::InvalidArgumentError(message);
  st.SetPayload(kBadValuePayload, absl::Cord("1"));
  return st;
}
bool IsBadValue(const absl::Status& status) {
  return status.GetPayload(kBadValuePayload).has_value();
}

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& tokens,
                                 const std::vector<FlagSpec>& specs) {
  Args a;
  bool flags_done = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (flags_done || t.empty() || t[0] != '-' || t == "-" || LooksNumeric(t)) {
      a.positional_.push_back(t);
      continue;
    }
    if (t == "--") {
      flags_done = true;
      continue;
    }
    if (t == "--help" || t == "-h") {
      a.help_ = true;
      continue;
    }
    std::string name = t;
    std::optional<std::string> inline_value;
    if (auto eq = t.find('='); eq != std::string::npos && t.rfind("--", 0) == 0) {
      name = t.substr(0, eq);
      inline_value = t.substr(eq + 1);
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : specs) {
      if (name == s.name || (!s.alias.empty() && name == s.alias)) spec = &s;
    }
    if (spec == nullptr) return UsageError(absl::StrCat("unknown option '", name, "'"));
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < tokens.size()) {
        value = tokens[++i];
      } else {
        return UsageError(absl::StrCat("option '", spec->name, "' needs a value"));
      }
    } else if (inline_value) {
      return UsageError(absl::StrCat("option '", spec->name, "' takes no value"));
    }
    a.flags_[absl::StrCat(spec->name)] = value;
  }
  return a;
}

std::optional<std::string> Args::Get(absl::string_view flag) const {
  auto it = flags_.find(absl::StrCat(flag));
  if (it == flags_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<uint32_t> ParseUint(absl::string_view text, uint32_t lo, uint32_t hi,
                                   absl::string_view what) {
  int64_t v = 0;
  bool digits = !text.empty();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!(std::isdigit(static_cast<unsigned char>(c)) != 0 || (i == 0 && c == '-'))) {
      digits = false;
    }
  }
  if (!digits || !absl::SimpleAtoi(text, &v) || v < lo || v > hi) {
    return BadValue(
        absl::StrCat("invalid ", what, " '", text, "': must be an integer in ", lo, "..", hi));
  }
  return static_cast<uint32_t>(v);
}

absl::StatusOr<uint32_t> ParseUint(absl::string_view text, absl::string_view what) {
  auto v = ParseUint(text, 0, UINT32_MAX, what);
  if (v.ok()) return v;
  return BadValue(absl::StrCat("invalid ", what, " '", text, "': not a 32-bit unsigned integer"));
}

absl::Status ParseUintFlag(const Args& a, absl::string_view flag, absl::string_view what,
                           std::optional<uint32_t>& out) {
  if (auto v = a.Get(flag)) {
    BUDDYCTL_ASSIGN_OR_RETURN(uint32_t n, ParseUint(*v, what));
    out = n;
  }
  return absl::OkStatus();
}

absl::Status RefusedValue(absl::Status status) {
  if (status.ok() || IsBadValue(status)) return status;
  return BadValue(status.message());
}

absl::StatusOr<absl::Duration> ParseDurationArg(absl::string_view text, absl::string_view what) {
  absl::Duration d;
  double secs = 0;
  if (absl::SimpleAtod(text, &secs) && !text.empty() &&
      std::isdigit(static_cast<unsigned char>(text.back())) != 0) {
    d = absl::Seconds(secs);
  } else if (!absl::ParseDuration(text, &d)) {
    return BadValue(
        absl::StrCat("invalid ", what, " '", text,
                     "': expected a duration like 1s, 500ms, 2m (bare number = seconds)"));
  }
  if (d <= absl::ZeroDuration()) {
    return BadValue(absl::StrCat("invalid ", what, " '", text, "': must be positive"));
  }
  return d;
}

absl::StatusOr<bool> ParseOnOff(absl::string_view text, absl::string_view what) {
  if (text == "on" || text == "1" || text == "true") return true;
  if (text == "off" || text == "0" || text == "false") return false;
  return BadValue(absl::StrCat("invalid ", what, " '", text, "': expected on or off"));
}

}  // namespace buddyctl::cli
