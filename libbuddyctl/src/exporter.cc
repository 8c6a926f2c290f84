// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/exporter.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "buddyctl/status_macros.h"

namespace buddyctl {

absl::StatusOr<MonitorSnapshot> ReadSnapshot(Monitor& mon, bool with_frag,
                                             const std::function<absl::Time()>& now) {
  MonitorSnapshot s;
  BUDDYCTL_ASSIGN_OR_RETURN(s.info, mon.Info());
  BUDDYCTL_ASSIGN_OR_RETURN(s.stats, mon.GetStats());
  s.reset_time = ResetWallTime(s.stats, now());
  BUDDYCTL_ASSIGN_OR_RETURN(s.tuner, mon.GetTunerStats());
  BUDDYCTL_ASSIGN_OR_RETURN(s.config, mon.GetConfig());
  BUDDYCTL_ASSIGN_OR_RETURN(s.latency, mon.GetLatency());
  const bool have_latency =
      s.config.latency ||
      std::any_of(s.latency.begin(), s.latency.end(), [](const auto& h) { return h.Count() > 0; });
  if (!have_latency) s.latency.clear();
  if (with_frag) {
    BUDDYCTL_ASSIGN_OR_RETURN(s.zones, mon.GetFrag());
  }
  const long page = sysconf(_SC_PAGESIZE);
  if (page > 0) s.page_size = static_cast<uint64_t>(page);
  return s;
}

Collector::Collector(TransportOpener open, CollectorOptions options,
                     std::function<absl::Time()> now)
    : open_(std::move(open)), options_(options), now_(std::move(now)), start_(now_()) {
  self_.frag_interval_seconds = absl::ToDoubleSeconds(options_.frag_interval);
  self_.max_connections = options_.max_connections;
  self_.threads = options_.threads;
  self_.start_time_seconds = absl::ToDoubleSeconds(start_ - absl::UnixEpoch());
}

absl::Status Collector::Refresh(absl::Time now) {
  if (!monitor_) {
    BUDDYCTL_ASSIGN_OR_RETURN(std::shared_ptr<Transport> t, open_());
    BUDDYCTL_ASSIGN_OR_RETURN(Monitor m, Monitor::Open(std::move(t)));
    monitor_.emplace(std::move(m));
    // A new module instance: nothing cached from the old one is valid.
    frag_at_.reset();
    zones_.clear();
    reset_ns_ = 0;
  }
  const bool frag_due = !frag_at_ || now - *frag_at_ >= options_.frag_interval;
  BUDDYCTL_ASSIGN_OR_RETURN(MonitorSnapshot s, ReadSnapshot(*monitor_, false, now_));
  if (frag_due) {
    const absl::Time t0 = now_();
    BUDDYCTL_ASSIGN_OR_RETURN(zones_, monitor_->GetFrag());
    frag_at_ = now;
    ++self_.frag_refreshes;
    self_.frag_refresh_seconds = absl::ToDoubleSeconds(now_() - t0);
  }
  s.zones = zones_;
  // The reset time is derived from two clocks read a moment apart; keep the
  // first estimate for a given reset so the series does not jitter.
  if (s.stats.reset_time_ns != reset_ns_) {
    reset_ns_ = s.stats.reset_time_ns;
    reset_wall_ = s.reset_time;
  }
  s.reset_time = reset_wall_;
  snapshot_ = std::move(s);
  return absl::OkStatus();
}

void Collector::FillProcess(ExporterSelf& self) const {
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    self.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0;
  uint64_t resident = 0;
  if (statm >> size >> resident) {
    self.resident_bytes = resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  }
}

std::string Collector::Scrape(ExpositionFormat format) {
  std::lock_guard<std::mutex> lock(mu_);
  ++self_.scrapes;
  const absl::Time now = now_();
  if (!read_at_ || now - *read_at_ >= options_.min_interval) {
    const absl::Time t0 = now_();
    absl::Status st = Refresh(now);
    read_at_ = now;
    ++self_.collections;
    self_.collect_seconds = absl::ToDoubleSeconds(now_() - t0);
    if (!st.ok()) {
      ++self_.collect_errors;
      // The family may come back under a new id (module reloaded): reopen.
      monitor_.reset();
      snapshot_.reset();
      if (was_up_ && log_) log_(absl::StrCat("monitor down: ", st.message()));
      was_up_ = false;
    } else {
      if (!was_up_ && log_) log_("monitor up");
      was_up_ = true;
    }
  }
  ExporterSelf self = self_;
  if (snapshot_ && frag_at_) self.frag_age_seconds = absl::ToDoubleSeconds(now - *frag_at_);
  FillProcess(self);
  return FormatPrometheus(snapshot_ ? &*snapshot_ : nullptr, &self, format);
}

}  // namespace buddyctl
