// SPDX-License-Identifier: GPL-2.0
// Client of the "buddy_monitor" family: allocator behaviour, latency,
// fragmentation, the tuner's configuration and counters, and events.
#ifndef BUDDYCTL_MONITOR_H_
#define BUDDYCTL_MONITOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "buddyctl/family.h"
#include "buddyctl/transport.h"
#include "buddyctl/types.h"

namespace buddyctl {

// Pull-based event subscription (its own socket, joined to the "events"
// multicast group).
class EventStream {
 public:
  EventStream(std::unique_ptr<EventSource> source, uint16_t family_id)
      : source_(std::move(source)), family_id_(family_id) {}
  // The next event, or std::nullopt if none came within `timeout`.
  absl::StatusOr<std::optional<Event>> Next(absl::Duration timeout);
  // Events lost in userspace because we read too slowly (socket overrun).
  // Events the kernel dropped by rate limit are in Event::dropped.
  uint64_t overruns() const { return source_->overruns(); }

 private:
  std::unique_ptr<EventSource> source_;
  uint16_t family_id_;
};

// Decodes one BUDDY_MON_CMD_EVENT message.
absl::StatusOr<Event> ParseEvent(const Message& msg);

class Monitor {
 public:
  // Opens the real netlink transport and resolves the family.
  static absl::StatusOr<Monitor> Open();
  static absl::StatusOr<Monitor> Open(std::shared_ptr<Transport> transport);

  absl::StatusOr<MonitorInfo> Info();
  // Every order, or only `order` (0..10).
  absl::StatusOr<Stats> GetStats(std::optional<uint32_t> order = std::nullopt);
  absl::StatusOr<std::vector<LatencyHistogram>> GetLatency(
      std::optional<uint32_t> order = std::nullopt);
  // One entry per populated zone. The physical limit of a zone larger than
  // BUDDY_LIMIT_SLICE_BLOCKS blocks is assembled over several reads
  // (ZoneFrag::limit_age_ns); `full_scan` (CAP_SYS_ADMIN or CAP_PERFMON)
  // scans every block for this read.
  absl::StatusOr<std::vector<ZoneFrag>> GetFrag(bool full_scan = false);
  // Zeroes every counter and histogram (CAP_SYS_ADMIN).
  absl::Status Reset();
  absl::StatusOr<Config> GetConfig();
  // Applies `update` (CAP_SYS_ADMIN) and returns the resulting config.
  absl::StatusOr<Config> SetConfig(const ConfigUpdate& update);
  absl::StatusOr<TunerStats> GetTunerStats();

  absl::StatusOr<EventStream> Subscribe();
  // Push style: calls `on_event` for every event until it returns false or
  // `stop` (polled every `poll`) returns true.
  absl::Status Subscribe(const std::function<bool(const Event&)>& on_event,
                         const std::function<bool()>& stop = nullptr,
                         absl::Duration poll = absl::Milliseconds(200));

 private:
  explicit Monitor(FamilyClient family) : family_(std::move(family)) {}
  FamilyClient family_;
};

}  // namespace buddyctl

#endif  // BUDDYCTL_MONITOR_H_
