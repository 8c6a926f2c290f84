// SPDX-License-Identifier: GPL-2.0
// Status propagation helpers, in the style of libnetdutils / ghost.
#ifndef BUDDYCTL_STATUS_MACROS_H_
#define BUDDYCTL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define BUDDYCTL_CONCAT_INNER_(a, b) a##b
#define BUDDYCTL_CONCAT_(a, b) BUDDYCTL_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define BUDDYCTL_RETURN_IF_ERROR(expr)  \
  do {                                  \
    absl::Status buddyctl_st_ = (expr); \
    if (!buddyctl_st_.ok()) {           \
      return buddyctl_st_;              \
    }                                   \
  } while (0)

// `tmp` and `lhs` cannot be parenthesized: `lhs` may be a declaration.
// NOLINTBEGIN(bugprone-macro-parentheses)
// `lhs = value of expr` (an absl::StatusOr<T>), or return its status.
#define BUDDYCTL_ASSIGN_OR_RETURN(lhs, expr) \
  BUDDYCTL_ASSIGN_OR_RETURN_IMPL_(BUDDYCTL_CONCAT_(buddyctl_sor_, __LINE__), lhs, expr)
#define BUDDYCTL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) {                                      \
    return std::move(tmp).status();                     \
  }                                                     \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // BUDDYCTL_STATUS_MACROS_H_
