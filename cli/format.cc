// SPDX-License-Identifier: GPL-2.0
#include "format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "uapi/buddyctl.h"

namespace buddyctl::cli {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  auto in = [](unsigned c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; };
  const unsigned c = at(0);
  if (c < 0x80) return 1;
  if (in(c, 0xc2, 0xdf)) return in(at(1), 0x80, 0xbf) ? 2 : 0;
  if (in(c, 0xe0, 0xef)) {
    const unsigned lo = c == 0xe0 ? 0xa0 : 0x80;
    const unsigned hi = c == 0xed ? 0x9f : 0xbf;
    return in(at(1), lo, hi) && in(at(2), 0x80, 0xbf) ? 3 : 0;
  }
  if (in(c, 0xf0, 0xf4)) {
    const unsigned lo = c == 0xf0 ? 0x90 : 0x80;
    const unsigned hi = c == 0xf4 ? 0x8f : 0xbf;
    return in(at(1), lo, hi) && in(at(2), 0x80, 0xbf) && in(at(3), 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string FormatNs(double ns) {
  if (ns < 1e3) return absl::StrFormat("%.0fns", ns);
  if (ns < 1e6) return absl::StrFormat("%.3gus", ns / 1e3);
  if (ns < 1e9) return absl::StrFormat("%.3gms", ns / 1e6);
  return absl::StrFormat("%.3gs", ns / 1e9);
}

void PrintStatsTable(std::ostream& out, const Stats& stats, const std::vector<ZoneFrag>& zones) {
  out << absl::StrFormat("%5s %12s %12s %10s %10s %9s %9s %12s | %9s %10s %8s %9s %9s\n", "order",
                         "req", "success", "fail", "slowpath", "compact", "raises", "unusable_pct",
                         "sync_full", "sync_light", "async", "deferred", "c_success");
  for (const OrderStats& o : stats.orders) {
    std::string frag =
        zones.empty() ? std::string("-")
                      : absl::StrFormat("%.1f", UnusablePercent(zones, static_cast<int>(o.order)));
    out << absl::StrFormat("%5u %12u %12u %10u %10u %9u %9u %12s | %9u %10u %8u %9u %9u\n", o.order,
                           o.requests, o.successes, o.failures, o.slowpath, o.compact_attempts,
                           o.raises, frag, o.compact_by_prio[0], o.compact_by_prio[1],
                           o.compact_by_prio[2], o.compact_deferred,
                           o.compact_by_result[kCompactResultSuccess]);
  }
  const double since_s = stats.now_ns >= stats.reset_time_ns
                             ? static_cast<double>(stats.now_ns - stats.reset_time_ns) / 1e9
                             : 0.0;
  out << absl::StrFormat(
      "since reset: %.1f s; unattributed slow-path entries: %u; events sent %u, dropped %u\n",
      since_s, stats.slowpath_missed, stats.events_sent, stats.events_dropped);
  if (!stats.fallbacks.empty()) {
    std::vector<Fallback> fb = stats.fallbacks;
    std::sort(fb.begin(), fb.end(),
              [](const Fallback& a, const Fallback& b) { return a.count > b.count; });
    out << "fallbacks (kmem:mm_page_alloc_extfrag), largest first:\n";
    for (size_t i = 0; i < fb.size() && i < 10; ++i) {
      const Fallback& f = fb[i];
      out << absl::StrFormat("  order %2u %-11s from order %2u %-11s%s: %u\n", f.alloc_order,
                             MigratetypeName(static_cast<int>(f.alloc_mt)), f.fallback_order,
                             MigratetypeName(static_cast<int>(f.fallback_mt)),
                             f.fragmenting ? " (fragmenting)" : "", f.count);
    }
    if (fb.size() > 10) out << absl::StrFormat("  ... %u more keys (--json)\n", fb.size() - 10);
  }
}

namespace {
std::string Index(int64_t x1000) {
  if (x1000 < 0) return absl::StrFormat("-%d.%03d", (-x1000) / 1000, (-x1000) % 1000);
  return absl::StrFormat("%d.%03d", x1000 / 1000, x1000 % 1000);
}
}  // namespace

void PrintFrag(std::ostream& out, const std::vector<ZoneFrag>& zones) {
  uint64_t total = 0;
  uint64_t free_now = 0;
  uint64_t recoverable = 0;
  for (const ZoneFrag& z : zones) {
    out << absl::StrFormat(
        "node %u zone %s: managed %u pages, free %u pages, proactive score %u (node %u)\n", z.node,
        z.zone_name, z.managed_pages, z.free_pages, z.proactive_score, z.node_proactive_score);
    out << absl::StrFormat("  %5s %9s", "order", "nr_free");
    for (int m = 0; m < kNrMigratetypes; ++m) out << absl::StrFormat(" %11s", MigratetypeName(m));
    out << absl::StrFormat(" %9s %8s\n", "unusable", "extfrag");
    for (size_t o = 0; o < kNrOrders; ++o) {
      out << absl::StrFormat("  %5u %9u", o, z.nr_free[o]);
      for (size_t m = 0; m < kNrMigratetypes; ++m) {
        out << absl::StrFormat(" %11u", z.free_blocks[o][m]);
      }
      out << absl::StrFormat(" %9s %8s\n", Index(z.unusable_index[o]), Index(z.extfrag_index[o]));
    }
    out << absl::StrFormat(
        "  4 MiB blocks: %u aligned, %u free now, %u recoverable (only free or movable pages)\n",
        z.blocks_total, z.blocks_free, z.blocks_recoverable);
    if (z.limit_age_ns > 0) {
      out << absl::StrFormat(
          "  (recoverable: %u blocks scanned for this read, the oldest verdict %.1f s old)\n",
          z.limit_scanned_blocks, static_cast<double>(z.limit_age_ns + z.age_ns) / 1e9);
    }
    total += z.blocks_total;
    free_now += z.blocks_free;
    recoverable += z.blocks_recoverable;
  }
  out << absl::StrFormat(
      "all zones: %u order-10 blocks free now; physical limit %u recoverable of %u aligned\n",
      free_now, recoverable, total);
}

void PrintLatency(std::ostream& out, const LatencyHistogram& h) {
  using Path = LatencyHistogram::Path;
  out << absl::StrFormat(
      "order %u: %u calls (%u fast path, %u slow path); %u calls not timed (all orders)\n", h.order,
      h.Count(), h.Count(Path::kFast), h.Count(Path::kSlow), h.missed);
  if (h.Count() == 0) return;
  for (auto [label, path] : {std::pair<const char*, Path>{"all ", Path::kAll},
                             {"fast", Path::kFast},
                             {"slow", Path::kSlow}}) {
    if (h.Count(path) == 0) continue;
    out << absl::StrFormat("  %s  p50 %-9s p90 %-9s p99 %-9s max %-9s mean %s\n", label,
                           FormatNs(h.Percentile(50, path)), FormatNs(h.Percentile(90, path)),
                           FormatNs(h.Percentile(99, path)),
                           FormatNs(static_cast<double>(h.MaxNs(path))), FormatNs(h.MeanNs(path)));
  }
  int first = -1;
  int last = -1;
  uint64_t peak = 0;
  for (int i = 0; i < kLatBuckets; ++i) {
    const uint64_t c = h.fast[static_cast<size_t>(i)] + h.slow[static_cast<size_t>(i)];
    if (c == 0) continue;
    if (first < 0) first = i;
    last = i;
    peak = std::max(peak, c);
  }
  constexpr int kWidth = 40;
  out << "  latency range          fast '#', slow '*'                          calls\n";
  for (int i = first; i <= last; ++i) {
    const uint64_t f = h.fast[static_cast<size_t>(i)];
    const uint64_t s = h.slow[static_cast<size_t>(i)];
    const auto bar = [&](uint64_t c) {
      return c == 0 ? 0
                    : std::max(1, static_cast<int>(static_cast<double>(c) * kWidth /
                                                   static_cast<double>(peak)));
    };
    const int nf = bar(f);
    const int ns = std::min(bar(s), kWidth + 1 - nf);
    std::string b =
        std::string(static_cast<size_t>(nf), '#') + std::string(static_cast<size_t>(ns), '*');
    out << absl::StrFormat(
        "  [%7s, %7s) |%-*s| %u\n", FormatNs(static_cast<double>(LatencyHistogram::BucketLow(i))),
        FormatNs(static_cast<double>(LatencyHistogram::BucketHigh(i))), kWidth + 1, b, f + s);
  }
}

namespace {

// "low_memory 0, reclaim 1, budget 0, no_candidate 2, busy 0"
std::string ReservePauses(const ReserveStats& r) {
  std::string s;
  for (int i = 0; i < kNrReservePauses; ++i) {
    absl::StrAppend(&s, i == 0 ? "" : ", ", ReservePauseName(i), " ",
                    r.paused[static_cast<size_t>(i)]);
  }
  return s;
}

}  // namespace

void PrintConfig(std::ostream& out, const Config& c) {
  out << absl::StrFormat("policy          %s\n", PolicyName(c.policy));
  out << absl::StrFormat("threshold       %u%%\n", c.threshold);
  out << absl::StrFormat("min_order       %u\n", c.min_order);
  out << absl::StrFormat("background      %s (order %u, every %u ms)\n",
                         c.bg_enabled ? "on" : "off", c.bg_order, c.bg_interval_ms);
  out << absl::StrFormat("reserve         %s (%u blocks of order %u, budget %u ms/s)\n",
                         c.reserve_blocks > 0 ? "on" : "off", c.reserve_blocks, c.reserve_order,
                         c.reserve_budget_ms);
  out << absl::StrFormat("latency         %s", c.latency ? "on" : "off");
  if (c.latency_duty_pct < BUDDY_LAT_DUTY_MAX_PCT) {
    out << absl::StrFormat(", %u %% duty (hook on %u ms of every %u ms)", c.latency_duty_pct,
                           BUDDY_LAT_DUTY_PERIOD_MS * c.latency_duty_pct / BUDDY_LAT_DUTY_MAX_PCT,
                           BUDDY_LAT_DUTY_PERIOD_MS);
  }
  out << "\n";
  out << absl::StrFormat("events_per_sec  %u\n", c.events_per_sec);
}

void PrintTunerStats(std::ostream& out, const TunerStats& t) {
  out << absl::StrFormat("%5s %10s %8s %10s %11s %14s %12s\n", "order", "decisions", "raises",
                         "deferrals", "would_raise", "raised_success", "kept_success");
  for (const TunerOrderStats& o : t.orders) {
    out << absl::StrFormat("%5u %10u %8u %10u %11u %14u %12u\n", o.order, o.decisions, o.raises,
                           o.deferrals, o.would_raise, o.raised_success, o.kept_success);
  }
  const BackgroundStats& b = t.background;
  out << absl::StrFormat(
      "background: %u checks, %u triggers, %u rate-limited, %u blocks gained, last unusable "
      "%u%%\n",
      b.checks, b.triggers, b.ratelimited, b.blocks_gained, b.last_unusable_pct);
  const EvacuatorStats& e = t.evacuator;
  out << absl::StrFormat(
      "evacuator: %u requests, %u blocks emptied of %u tried (%u pages moved, %u refused), "
      "%u without candidate, %u low memory, %u busy, %u failed without compaction, %u scans, "
      "%.1f ms\n",
      e.requests, e.blocks, e.attempts, e.pages_moved, e.failures, e.no_candidate, e.low_memory,
      e.busy, e.not_compacted, e.scans, static_cast<double>(e.time_ns) / 1e6);
  const ReserveStats& r = t.reserve;
  out << absl::StrFormat(
      "reserve: %u of %u free blocks of order %u, %u blocks emptied of %u tried (%u pages moved, "
      "%u refused), %u rounds, %.1f ms; paused: %s\n",
      r.free_blocks, r.target, r.order, r.blocks, r.attempts, r.pages_moved, r.failures, r.rounds,
      static_cast<double>(r.cpu_ns) / 1e6, ReservePauses(r));
}

void PrintReserve(std::ostream& out, const Config& c, const ReserveStats& r) {
  if (c.reserve_blocks > 0) {
    out << absl::StrFormat("reserve         on: %u blocks of order %u, budget %u ms/s\n",
                           c.reserve_blocks, c.reserve_order, c.reserve_budget_ms);
  } else {
    out << absl::StrFormat("reserve         off (order %u, budget %u ms/s)\n", c.reserve_order,
                           c.reserve_budget_ms);
  }
  out << absl::StrFormat("free blocks     %u of order %u (target %u)\n", r.free_blocks, r.order,
                         r.target);
  out << absl::StrFormat(
      "prepared        %u blocks emptied of %u tried (%u pages moved, %u refused) in %u rounds, "
      "%.1f ms\n",
      r.blocks, r.attempts, r.pages_moved, r.failures, r.rounds,
      static_cast<double>(r.cpu_ns) / 1e6);
  out << absl::StrFormat("paused          %s\n", ReservePauses(r));
}

}  // namespace buddyctl::cli
