// SPDX-License-Identifier: GPL-2.0
// What `buddyctl exporter` and `buddyctl export --prometheus` read from the
// monitor, and the Collector that serves scrapes from it: it reopens the
// monitor after a failure (module unloaded and loaded again), reads the
// expensive fragmentation figures at most once per interval whoever
// scrapes, and lets scrapes that arrive close together share one reading,
// so scrape load reaches the kernel at a bounded rate.
#ifndef BUDDYCTL_EXPORTER_H_
#define BUDDYCTL_EXPORTER_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "buddyctl/monitor.h"
#include "buddyctl/prometheus.h"
#include "buddyctl/transport.h"

namespace buddyctl {

// Reads every family of the snapshot from `mon`; the fragmentation figures
// only when `with_frag`. Latency histograms are included while capture is
// on or an earlier capture's data remains. `now` is the wall clock.
absl::StatusOr<MonitorSnapshot> ReadSnapshot(Monitor& mon, bool with_frag,
                                             const std::function<absl::Time()>& now = absl::Now);

struct CollectorOptions {
  // At most one fragmentation reading (a walk over every zone's page
  // array) per interval; scrapes in between get the cached figures and
  // their age (buddyctl_exporter_frag_age_seconds).
  absl::Duration frag_interval = absl::Seconds(30);
  // Scrapes within this interval of the last reading share it.
  absl::Duration min_interval = absl::Seconds(1);
  // Reported as buddyctl_exporter_max_connections / _threads.
  uint64_t max_connections = 0;
  uint64_t threads = 0;
};

using TransportOpener = std::function<absl::StatusOr<std::shared_ptr<Transport>>()>;

class Collector {
 public:
  Collector(TransportOpener open, CollectorOptions options,
            std::function<absl::Time()> now = absl::Now);

  // The exposition for one scrape. Never fails: a monitor that does not
  // answer is buddyctl_up 0. Thread-safe; scrapes are serialised.
  std::string Scrape(ExpositionFormat format);

  // Called with one line when the monitor goes down or comes back.
  void set_log(std::function<void(const std::string&)> log) { log_ = std::move(log); }

 private:
  absl::Status Refresh(absl::Time now);
  void FillProcess(ExporterSelf& self) const;

  TransportOpener open_;
  CollectorOptions options_;
  std::function<absl::Time()> now_;
  std::function<void(const std::string&)> log_;
  absl::Time start_;

  std::mutex mu_;
  std::optional<Monitor> monitor_;
  MonitorInfo info_;
  std::optional<MonitorSnapshot> snapshot_;  // the latest reading, if it succeeded
  std::optional<absl::Time> read_at_;
  std::vector<ZoneFrag> zones_;
  std::optional<absl::Time> frag_at_;
  uint64_t reset_ns_ = 0;  // the kernel's reset time reset_wall_ was computed for
  absl::Time reset_wall_;
  bool was_up_ = true;
  ExporterSelf self_;
};

}  // namespace buddyctl

#endif  // BUDDYCTL_EXPORTER_H_
