// SPDX-License-Identifier: GPL-2.0
// Reads one report input and tells what it is by its content, not its name:
//   - JSON lines whose objects carry "stats" and "frag": `buddyctl record`;
//   - an object with "kind": "buddyctl-challenge": bench/challenge/run;
//   - an object with "allocators" and "workloads_seconds": the slab study's
//     results.json (bench/slab-study/report.py; it has no "kind" field).
// Every error is one line that starts with the file name (and the line, for
// JSON lines) and says what is wrong: unreadable, empty, truncated, not
// JSON, JSON of another kind, a field missing or of the wrong type.
#ifndef BUDDYCTL_REPORT_LOAD_H_
#define BUDDYCTL_REPORT_LOAD_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "model.h"

namespace buddyctl::report {

absl::StatusOr<Input> LoadInput(const std::string& path);

// The same, from `content` already read; `path` only names it in errors.
absl::StatusOr<Input> ParseInput(const std::string& path, std::string_view content);

}  // namespace buddyctl::report

#endif  // BUDDYCTL_REPORT_LOAD_H_
