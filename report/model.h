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
  // The configuration at this sample ("config"); absent in recordings made
  // before record wrote it.
  std::optional<Config> config;
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

// The THP run beside a challenge run (its "thp": collect.py's THP record):
// 2 MiB MADV_HUGEPAGE faults from the same fragmented heap.
struct ChallengeThp {
  std::optional<std::string> error;  // the THP run failed; nothing else is set
  uint64_t regions = 0;              // faults, one per 2 MiB region
  uint64_t huge = 0;                 // of which got a huge page
  uint64_t limit = 0;                // the physical limit at order 9
  std::optional<double> huge_over_limit;
  std::string limit_source;  // "kcore_scan_order9", or "twice_order10_lower_bound"
  double fault_p50_us = 0;
  double fault_p99_us = 0;
  double fault_max_us = 0;
  bool agrees_with_vmstat = false;  // huge == the thp_fault_alloc delta
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
  std::optional<ChallengeThp> thp;  // results without THP runs have none
  // The same faults while a background load keeps fragmenting (page-cache
  // churn and slab growth): the opt-in workload thp-churn.
  std::optional<ChallengeThp> thp_churn;
};

// Which of a run's THP records a THP figure reads.
using ThpScenario = std::optional<ChallengeThp> ChallengeRun::*;

// bench/challenge/run's results.json ("kind": "buddyctl-challenge").
struct Challenge {
  std::string path;
  std::string created;
  std::map<std::string, std::string> scenario;  // printed as given
  std::vector<std::string> policies;            // in the order the runs name them
  std::vector<ChallengeRun> runs;
};

// One figure of bench/slab-study/report.py's results.json, compared with
// SLUB: report.py pairs each allocator's value with SLUB's from the same
// round and takes the median (and range) of those ratios over the rounds.
struct SlabRatio {
  double median = 0;
  double min = 0;
  double max = 0;
  int n = 0;  // rounds with both values
};

struct SlabFigure {
  std::string key;   // "messaging", "pair@64", "boot/Slab_kB", as results.json names it
  std::string unit;  // "s", "ns", "kB"
  std::map<std::string, double> median;      // allocator -> median value over rounds
  std::map<std::string, SlabRatio> vs_slub;  // allocator -> paired ratio to SLUB
};

// build/slab-study/results.json (bench/slab-study/report.py).
struct SlabStudy {
  std::string path;
  std::vector<std::string> allocators;  // as results.json names them: "SLAB", "SLUB", "SLOB"
  int rounds = 0;
  bool quick = false;
  int failures = 0;                   // guests that failed, and workloads that errored
  std::vector<SlabFigure> workloads;  // workloads_seconds
  std::vector<SlabFigure> micro;      // micro_ns_per_op
  std::vector<SlabFigure> footprint;  // footprint_kB
};

using Input = std::variant<Record, Challenge, SlabStudy>;

}  // namespace buddyctl::report

#endif  // BUDDYCTL_REPORT_MODEL_H_
