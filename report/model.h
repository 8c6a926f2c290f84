// SPDX-License-Identifier: GPL-2.0
// What `buddyctl report` reads, parsed: the three kinds of input it knows,
// each tied to the file it came from. The record samples reuse libbuddyctl's
// types (types.h), filled from the JSON that libbuddyctl's json.cc writes.
#ifndef BUDDYCTL_REPORT_MODEL_H_
#define BUDDYCTL_REPORT_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "buddyctl/types.h"

namespace buddyctl::report {

// One line of `buddyctl record` (cli/cmd_live.cc, Sample()).
struct RecordSample {
  double timestamp = 0;  // unix seconds
  double elapsed_s = 0;  // since the first sample
  Stats stats;
  std::vector<ZoneFrag> zones;
  TunerStats tuner;
  std::vector<LatencyHistogram> latency;
};

struct Record {
  std::string path;
  std::vector<RecordSample> samples;  // at least one
};

// One order-10 attempt of a challenge run (high_order_test.ko).
struct ChallengeAttempt {
  uint64_t latency_ns = 0;
  bool ok = false;
};

// One record of bench/challenge/collect.py, as stored in results.json.
struct ChallengeRun {
  std::string policy;
  int rep = 0;
  std::optional<std::string> error;  // the run failed; nothing else is set
  uint64_t attempts = 0;
  uint64_t successes = 0;
  uint64_t limit = 0;
  std::optional<double> success_over_limit;
  // compaction_work / work_per_block: vmstat deltas, absolute and per
  // successful block (null there when no block succeeded).
  std::map<std::string, double> compaction_work;
  std::map<std::string, std::optional<double>> work_per_block;
  std::vector<ChallengeAttempt> attempt_log;
};

// bench/challenge/run's results.json ("kind": "buddyctl-challenge").
struct Challenge {
  std::string path;
  std::string created;
  std::map<std::string, std::string> scenario;  // printed as given
  std::vector<std::string> policies;            // in the order the runs name them
  std::vector<ChallengeRun> runs;
};

// One workload figure of one allocator in the slab study.
struct SlabFigure {
  std::string allocator;  // "slub", "slab", "slob"
  std::string workload;   // "messaging", "files", "tcp_stream", "kmalloc-64 alloc", ...
  std::string metric;     // "seconds", "ops_per_sec", "mib_per_sec", "ns", "kB"
  bool higher_is_better = false;
  std::vector<double> values;  // one per repetition
};

// bench/slab-study's results.
struct SlabStudy {
  std::string path;
  std::vector<std::string> allocators;  // in the order found
  std::vector<SlabFigure> figures;
};

using Input = std::variant<Record, Challenge, SlabStudy>;

}  // namespace buddyctl::report

#endif  // BUDDYCTL_REPORT_MODEL_H_
