// SPDX-License-Identifier: GPL-2.0
// fragment pin|status|release: the fragmenter in high_order_test.ko.
#include "absl/strings/str_format.h"
#include "buddyctl/json.h"
#include "buddyctl/status_macros.h"
#include "cli.h"
#include "format.h"
#include "uapi/buddyctl.h"

namespace buddyctl::cli {
namespace {

void Print(std::ostream& out, const FragStatus& s) {
  out << absl::StrFormat(
      "pinned %u pages in %u order-10 blocks; the sweep took %u of %u target pages from %u "
      "blocks (stopped: %s)\n",
      s.pinned_pages, s.pinned_blocks, s.swept_pages, s.sweep_target, s.touched_blocks,
      FragSweepStopName(s.sweep_stop));
}

absl::Status Pin(Context& ctx, const Args& a) {
  FragPinParams p;
  BUDDYCTL_ASSIGN_OR_RETURN(p.pin_percent, ParseUint(*a.Get("--percent"), "percent"));
  if (auto v = a.Get("--sweep-percent")) {
    BUDDYCTL_ASSIGN_OR_RETURN(p.sweep_percent, ParseUint(*v, "sweep percent"));
  }
  if (auto v = a.Get("--seed")) {
    BUDDYCTL_ASSIGN_OR_RETURN(p.seed, ParseUint(*v, "seed"));
  }
  BUDDYCTL_RETURN_IF_ERROR(RefusedValue(p.Validate()));
  BUDDYCTL_ASSIGN_OR_RETURN(Fragmenter frag, ctx.OpenFragmenter());
  BUDDYCTL_ASSIGN_OR_RETURN(FragStatus s, frag.Pin(p));
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json{{"params", p}, {"status", s}}) << "\n";
  } else {
    Print(*ctx.out, s);
  }
  return absl::OkStatus();
}

absl::Status PinChecked(Context& ctx, const Args& a) {
  if (!a.Has("--percent")) return UsageError("missing --percent P");
  return Pin(ctx, a);
}

absl::Status Status(Context& ctx, const Args& a) {
  BUDDYCTL_ASSIGN_OR_RETURN(Fragmenter frag, ctx.OpenFragmenter());
  BUDDYCTL_ASSIGN_OR_RETURN(FragStatus s, frag.Status());
  if (a.Has("--json")) {
    *ctx.out << DumpJson(nlohmann::json(s)) << "\n";
  } else {
    Print(*ctx.out, s);
  }
  return absl::OkStatus();
}

absl::Status Release(Context& ctx, const Args& /*a*/) {
  BUDDYCTL_ASSIGN_OR_RETURN(Fragmenter frag, ctx.OpenFragmenter());
  BUDDYCTL_RETURN_IF_ERROR(frag.Release());
  *ctx.out << "released every pinned page\n";
  return absl::OkStatus();
}

}  // namespace

void AddFragmentCommands(std::vector<Command>& t) {
  t.push_back(
      {"fragment pin",
       PinChecked,
       "fragment memory: pin unmovable pages in a share of 4 MiB blocks (root)",
       "buddyctl fragment pin --percent P [--sweep-percent S] [--seed N] [--json]",
       R"(high_order_test.ko allocates unmovable order-0 pages until S percent of
free memory is taken, keeps one page in P percent of the order-10-aligned
blocks those pages came from (chosen with the seed, so runs repeat), and
frees the rest. Those blocks can no longer become free 4 MiB blocks, by
any amount of compaction: `buddyctl frag` shows the recoverable count.

options:
  --percent P         0..)" BUDDYCTL_STR(BUDDY_FRAG_MAX_PIN_PERCENT) R"(: share of touched 4 MiB blocks to pin
  --sweep-percent S   )" BUDDYCTL_STR(BUDDY_FRAG_MIN_SWEEP_PERCENT) ".." BUDDYCTL_STR(
           BUDDY_FRAG_MAX_SWEEP_PERCENT) R"(: share of free memory to sweep (default 80)
  --seed N            choice of blocks (default 1)

examples:
  sudo buddyctl fragment pin --percent 30
  buddyctl frag | tail -1
  sudo buddyctl fragment release
)",
       {{"--percent", true}, {"--sweep-percent", true}, {"--seed", true}, {"--json", false}}});
  t.push_back({"fragment status",
               Status,
               "pages and blocks currently pinned",
               "buddyctl fragment status [--json]",
               "",
               {{"--json", false}}});
  t.push_back({"fragment release",
               Release,
               "free every pinned page (root)",
               "buddyctl fragment release",
               "",
               {}});
}

}  // namespace buddyctl::cli
