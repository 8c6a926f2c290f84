// SPDX-License-Identifier: GPL-2.0
// hot run|status|release: high-order allocation runs in high_order_test.ko.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "buddyctl/json.h"
#include "buddyctl/status_macros.h"
#include "cli.h"
#include "format.h"
#include "uapi/buddyctl.h"

namespace buddyctl::cli {
namespace {

void PrintStatus(std::ostream& out, const HotStatus& s) {
  out << absl::StrFormat(
      "state %s: order %u, gfp %s (%#x), %u/%u attempts, %u succeeded, %u blocks held, %.3f s, "
      "stopped: %s\n",
      HotStateName(s.state), s.order, HotGfpName(s.gfp), s.gfp_flags, s.attempts_done, s.count,
      s.successes, s.held, static_cast<double>(s.elapsed_ns) / 1e9,
      HotStopReasonName(s.stop_reason));
}

absl::Status Run(Context& ctx, const Args& a) {
  HotRunParams p;
  if (auto v = a.Get("--order")) {
    BUDDYCTL_ASSIGN_OR_RETURN(p.order, ParseUint(*v, "order"));
  }
  if (auto v = a.Get("--count")) {
    BUDDYCTL_ASSIGN_OR_RETURN(p.count, ParseUint(*v, "count"));
  }
  if (auto v = a.Get("--gfp")) {
    auto g = ParseHotGfp(*v);
    if (!g.ok()) return BadValue(g.status().message());
    p.gfp = *g;
  }
  if (auto v = a.Get("--pause-us")) {
    BUDDYCTL_ASSIGN_OR_RETURN(p.pause_us, ParseUint(*v, "pause"));
  }
  p.hold_until_fail = a.Has("--hold-until-fail");
  BUDDYCTL_RETURN_IF_ERROR(RefusedValue(p.Validate()));

  BUDDYCTL_ASSIGN_OR_RETURN(HotTest hot, ctx.OpenHotTest());
  BUDDYCTL_RETURN_IF_ERROR(hot.Run(p));
  HotStatus st;
  for (;;) {
    BUDDYCTL_ASSIGN_OR_RETURN(st, hot.Status());
    *ctx.err << absl::StrFormat("%shot: %u/%u attempts, %u ok, %u held, %.1f s%s",
                                ctx.interactive ? "\r" : "", st.attempts_done, p.count,
                                st.successes, st.held, static_cast<double>(st.elapsed_ns) / 1e9,
                                ctx.interactive ? "" : "\n");
    ctx.err->flush();
    if (st.state != HotState::kRunning) break;
    if (ctx.interrupted()) {
      if (ctx.interactive) *ctx.err << "\n";
      return absl::CancelledError(
          "hot run: interrupted; the run goes on in the kernel (stop it and free its blocks with: "
          "buddyctl hot release)");
    }
    ctx.sleep(absl::Milliseconds(200));
  }
  if (ctx.interactive) *ctx.err << "\n";
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<HotAttempt> attempts, hot.Attempts());
  const HotSummary sum = Summarize(attempts);
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json{
                    {"params", p}, {"status", st}, {"summary", sum}, {"attempts", attempts}})
             << "\n";
    return absl::OkStatus();
  }
  const double pct =
      sum.attempts == 0 ? 0.0 : 100.0 * sum.successes / static_cast<double>(sum.attempts);
  *ctx.out << absl::StrFormat(
      "order %u, gfp %s: %u/%u attempts succeeded (%.1f%%), %u blocks held\n", p.order,
      HotGfpName(p.gfp), sum.successes, sum.attempts, pct, st.held);
  *ctx.out << absl::StrFormat(
      "latency: p50 %s  p99 %s  max %s\n", FormatNs(static_cast<double>(sum.p50_ns)),
      FormatNs(static_cast<double>(sum.p99_ns)), FormatNs(static_cast<double>(sum.max_ns)));
  if (sum.first_success_ns) {
    *ctx.out << absl::StrFormat("first success: attempt latency %s, %s into the run\n",
                                FormatNs(static_cast<double>(*sum.first_success_ns)),
                                FormatNs(static_cast<double>(*sum.time_to_first_success_ns)));
  } else {
    *ctx.out << "first success: none\n";
  }
  *ctx.out << "stopped because: " << HotStopReasonName(st.stop_reason) << "\n";
  if (st.held > 0) *ctx.out << "free the held blocks with: buddyctl hot release\n";
  return absl::OkStatus();
}

absl::Status Status(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(HotTest hot, ctx.OpenHotTest());
  BUDDYCTL_ASSIGN_OR_RETURN(HotStatus st, hot.Status());
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json(st)) << "\n";
  } else {
    PrintStatus(*ctx.out, st);
  }
  return absl::OkStatus();
}

absl::Status Release(Context& ctx, const Args& /*a*/) {
  BUDDYCTL_ASSIGN_OR_RETURN(HotTest hot, ctx.OpenHotTest());
  BUDDYCTL_RETURN_IF_ERROR(hot.Release());
  *ctx.out << "released: run stopped, every held block freed\n";
  return absl::OkStatus();
}

}  // namespace

void AddHotCommands(std::vector<Command>& t) {
  t.push_back({"hot run",
               Run,
               "allocate high-order blocks and hold them (root)",
               "buddyctl hot run [--order 10] [--count 64] [--gfp kernel|retry|light] "
               "[--hold-until-fail] [--pause-us N] [--json]",
               R"(high_order_test.ko allocates blocks of the order, one after another, in a
kernel thread, and holds every block it gets until `buddyctl hot release`.
Progress goes to stderr while the run goes on; then the results: successes
out of attempts, latency p50/p99/max over the attempts (exact, per attempt)
and the first success (that attempt's latency, and the time into the run).

options:
  --order N           0..)" BUDDYCTL_STR(BUDDY_ORDER_MAX) R"( (default )" BUDDYCTL_STR(BUDDY_HOT_DEFAULT_ORDER) R"( = 4 MiB)
  --count N           attempts, 1..)" BUDDYCTL_STR(
                   BUDDY_HOT_MAX_COUNT) R"( (default )" BUDDYCTL_STR(BUDDY_HOT_DEFAULT_COUNT) R"()
  --gfp MODE          kernel  GFP_KERNEL|__GFP_NOWARN
                      retry   + __GFP_RETRY_MAYFAIL (hugetlb-like, default)
                      light   no reclaim, NORETRY (THP-like)
  --hold-until-fail   stop at the first failure
  --pause-us N        pause between attempts, 0..)" BUDDYCTL_STR(BUDDY_HOT_MAX_PAUSE_US) R"( us
  --json              {"params", "status", "summary", "attempts": [...]}

examples:
  sudo buddyctl hot run --order 10 --count 64 --gfp retry
  sudo buddyctl hot run --hold-until-fail --gfp light --json > run.json
  sudo buddyctl hot release
)",
               {{"--order", true},
                {"--count", true},
                {"--gfp", true},
                {"--hold-until-fail", false},
                {"--pause-us", true},
                {"--json", false}}});
  t.push_back({"hot status",
               Status,
               "state of the current or last run",
               "buddyctl hot status [--json]",
               "",
               {{"--json", false}}});
  t.push_back({"hot release",
               Release,
               "stop a run and free every held block (root)",
               "buddyctl hot release",
               "",
               {}});
}

}  // namespace buddyctl::cli
