// SPDX-License-Identifier: GPL-2.0
#include "load.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace buddyctl::report {
namespace {

using nlohmann::json;

constexpr const char* kExpected =
    "expected `buddyctl record` output (JSON lines), a challenge results.json or a slab-study "
    "results.json";

// Reads typed members out of JSON objects; the first problem is kept as
// "<where>: <path>.<key>: <what>" and later calls return zero values.
class Fields {
 public:
  explicit Fields(std::string where) : where_(std::move(where)) {}

  bool ok() const { return error_.empty(); }
  absl::Status status() const {
    return ok() ? absl::OkStatus() : absl::InvalidArgumentError(error_);
  }
  void Fail(const std::string& path, const std::string& what) {
    if (ok()) error_ = absl::StrCat(where_, ": ", path, ": ", what);
  }

  const json* Get(const json& j, const char* key, const std::string& path) {
    if (!j.is_object()) {
      Fail(path, absl::StrCat("expected an object, got ", j.type_name()));
      return nullptr;
    }
    auto it = j.find(key);
    if (it == j.end()) {
      Fail(Join(path, key), "missing");
      return nullptr;
    }
    return &*it;
  }
  uint64_t U64(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key, path);
    if (v == nullptr) return 0;
    if (v->is_number_unsigned()) return v->get<uint64_t>();
    Fail(Join(path, key), absl::StrCat("expected a non-negative integer, got ", Describe(*v)));
    return 0;
  }
  uint64_t U64Or(const json& j, const char* key, const std::string& path, uint64_t dflt) {
    return j.is_object() && j.contains(key) ? U64(j, key, path) : dflt;
  }
  int64_t I64(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key, path);
    if (v == nullptr) return 0;
    if (v->is_number_integer()) return v->get<int64_t>();
    Fail(Join(path, key), absl::StrCat("expected an integer, got ", Describe(*v)));
    return 0;
  }
  double Num(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key, path);
    if (v == nullptr) return 0;
    if (v->is_number()) return v->get<double>();
    Fail(Join(path, key), absl::StrCat("expected a number, got ", Describe(*v)));
    return 0;
  }
  std::optional<double> NumOrNull(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key, path);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (v->is_number()) return v->get<double>();
    Fail(Join(path, key), absl::StrCat("expected a number or null, got ", Describe(*v)));
    return std::nullopt;
  }
  std::string Str(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key, path);
    if (v == nullptr) return "";
    if (v->is_string()) return v->get<std::string>();
    Fail(Join(path, key), absl::StrCat("expected a string, got ", Describe(*v)));
    return "";
  }
  bool Bool(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key, path);
    if (v == nullptr) return false;
    if (v->is_boolean()) return v->get<bool>();
    Fail(Join(path, key), absl::StrCat("expected true or false, got ", Describe(*v)));
    return false;
  }
  // An array member, with exactly `size` elements unless size is 0.
  const json& Array(const json& j, const char* key, const std::string& path, size_t size = 0) {
    const json* v = Get(j, key, path);
    if (v == nullptr) return Empty();
    if (!v->is_array()) {
      Fail(Join(path, key), absl::StrCat("expected an array, got ", Describe(*v)));
      return Empty();
    }
    if (size != 0 && v->size() != size) {
      Fail(Join(path, key), absl::StrCat("expected ", size, " elements, got ", v->size()));
      return Empty();
    }
    return *v;
  }
  const json& Object(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key, path);
    if (v == nullptr) return EmptyObject();
    if (!v->is_object()) {
      Fail(Join(path, key), absl::StrCat("expected an object, got ", Describe(*v)));
      return EmptyObject();
    }
    return *v;
  }
  // Element i of an array of non-negative integers.
  uint64_t U64At(const json& arr, size_t i, const std::string& path) {
    const json& v = arr.at(i);
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    Fail(absl::StrCat(path, "[", i, "]"),
         absl::StrCat("expected a non-negative integer, got ", Describe(v)));
    return 0;
  }
  int64_t I64At(const json& arr, size_t i, const std::string& path) {
    const json& v = arr.at(i);
    if (v.is_number_integer()) return v.get<int64_t>();
    Fail(absl::StrCat(path, "[", i, "]"), absl::StrCat("expected an integer, got ", Describe(v)));
    return 0;
  }

  static std::string Join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
  }
  static std::string Item(const std::string& path, const char* key, size_t i) {
    return absl::StrCat(Join(path, key), "[", i, "]");
  }

 private:
  static std::string Describe(const json& v) {
    if (v.is_number()) return absl::StrCat("the number ", v.dump());
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      if (s.size() > 20) s = s.substr(0, 20) + "...";
      return absl::StrCat("the string \"", s, "\"");
    }
    return v.type_name();
  }
  static const json& Empty() {
    static const json kEmpty = json::array();
    return kEmpty;
  }
  static const json& EmptyObject() {
    static const json kEmpty = json::object();
    return kEmpty;
  }

  std::string where_;
  std::string error_;
};

// "invalid JSON ..." / "truncated JSON ..." from nlohmann's parse error.
std::string DescribeParseError(const json::parse_error& e, size_t size) {
  std::string msg = e.what();
  // "[json.exception.parse_error.101] parse error at line 3, column 1: syntax error ..."
  if (auto pos = msg.find("] "); pos != std::string::npos) msg = msg.substr(pos + 2);
  if (msg.find("unexpected end of input") != std::string::npos || e.byte >= size) {
    return absl::StrCat("truncated JSON: the input ends before the document is complete (", msg,
                        ")");
  }
  return absl::StrCat("invalid JSON: ", msg);
}

absl::StatusOr<json> ParseJson(std::string_view text, size_t* error_byte = nullptr) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    if (error_byte != nullptr) *error_byte = e.byte;
    return absl::InvalidArgumentError(DescribeParseError(e, text.size()));
  }
}

std::string KeysOf(const json& j) {
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end() && keys.size() < 6; ++it) keys.push_back(it.key());
  if (j.size() > keys.size()) keys.emplace_back("...");
  return keys.empty() ? "no keys" : absl::StrCat("keys ", absl::StrJoin(keys, ", "));
}

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool LooksLikeRecordSample(const json& j) {
  return j.is_object() && j.contains("stats") && j.contains("frag");
}

// ---- buddyctl record -------------------------------------------------------

OrderStats ParseOrderStats(Fields& f, const json& j, const std::string& path) {
  OrderStats o;
  o.order = static_cast<uint32_t>(f.U64(j, "order", path));
  if (o.order > kMaxOrder && f.ok()) f.Fail(Fields::Join(path, "order"), "not in 0..10");
  o.requests = f.U64(j, "requests", path);
  o.successes = f.U64(j, "successes", path);
  o.failures = f.U64(j, "failures", path);
  o.slowpath = f.U64(j, "slowpath", path);
  o.compact_attempts = f.U64(j, "compact_attempts", path);
  o.compact_deferred = f.U64Or(j, "compact_deferred", path, 0);
  // Recordings made before version 0.2.0 call the raise counter "adaptive".
  o.raises = j.contains("raises") ? f.U64(j, "raises", path) : f.U64Or(j, "adaptive", path, 0);
  return o;
}

ZoneFrag ParseZone(Fields& f, const json& j, const std::string& path) {
  ZoneFrag z;
  z.node = static_cast<uint32_t>(f.U64(j, "node", path));
  z.zone_name = f.Str(j, "zone", path);
  z.free_pages = f.U64Or(j, "free_pages", path, 0);
  z.managed_pages = f.U64Or(j, "managed_pages", path, 0);
  const json& nr_free = f.Array(j, "nr_free", path, kNrOrders);
  const json& unusable = f.Array(j, "unusable_index_x1000", path, kNrOrders);
  const json& extfrag = f.Array(j, "extfrag_index_x1000", path, kNrOrders);
  if (!f.ok()) return z;
  for (size_t o = 0; o < kNrOrders; ++o) {
    z.nr_free[o] = f.U64At(nr_free, o, Fields::Join(path, "nr_free"));
    z.unusable_index[o] = f.I64At(unusable, o, Fields::Join(path, "unusable_index_x1000"));
    z.extfrag_index[o] = f.I64At(extfrag, o, Fields::Join(path, "extfrag_index_x1000"));
  }
  z.blocks_total = f.U64Or(j, "blocks_total", path, 0);
  z.blocks_free = f.U64Or(j, "blocks_free", path, 0);
  z.blocks_recoverable = f.U64Or(j, "blocks_recoverable", path, 0);
  return z;
}

void ParseBuckets(Fields& f, const json& path_obj, const std::string& path,
                  std::array<uint64_t, kLatBuckets>& buckets, uint64_t& max_ns, uint64_t& sum_ns) {
  const json& b = f.Array(path_obj, "buckets", path, kLatBuckets);
  if (!f.ok()) return;
  for (size_t i = 0; i < kLatBuckets; ++i) {
    buckets[i] = f.U64At(b, i, Fields::Join(path, "buckets"));
  }
  max_ns = f.U64(path_obj, "max_ns", path);
  sum_ns = f.U64Or(path_obj, "sum_ns", path, 0);
}

LatencyHistogram ParseLatency(Fields& f, const json& j, const std::string& path) {
  LatencyHistogram h;
  h.order = static_cast<uint32_t>(f.U64(j, "order", path));
  if (h.order > kMaxOrder && f.ok()) f.Fail(Fields::Join(path, "order"), "not in 0..10");
  const std::string fast = Fields::Join(path, "fast");
  const std::string slow = Fields::Join(path, "slow");
  ParseBuckets(f, f.Object(j, "fast", path), fast, h.fast, h.fast_max_ns, h.fast_sum_ns);
  ParseBuckets(f, f.Object(j, "slow", path), slow, h.slow, h.slow_max_ns, h.slow_sum_ns);
  h.missed = f.U64Or(j, "missed", path, 0);
  h.capture_ns = f.U64Or(j, "capture_ns", path, 0);
  return h;
}

TunerStats ParseTuner(Fields& f, const json& j, const std::string& path) {
  TunerStats t;
  const json& orders = f.Array(j, "orders", path);
  for (size_t i = 0; i < orders.size() && f.ok(); ++i) {
    const std::string p = Fields::Item(path, "orders", i);
    TunerOrderStats o;
    o.order = static_cast<uint32_t>(f.U64(orders[i], "order", p));
    o.decisions = f.U64(orders[i], "decisions", p);
    o.raises = f.U64(orders[i], "raises", p);
    o.deferrals = f.U64Or(orders[i], "deferrals", p, 0);
    o.would_raise = f.U64Or(orders[i], "would_raise", p, 0);
    t.orders.push_back(o);
  }
  if (j.contains("background")) {
    const std::string p = Fields::Join(path, "background");
    const json& b = f.Object(j, "background", path);
    t.background.checks = f.U64Or(b, "checks", p, 0);
    t.background.triggers = f.U64Or(b, "triggers", p, 0);
  }
  return t;
}

// The tuner's part of the configuration (what the report shows); the other
// fields as far as they are there.
Config ParseConfig(Fields& f, const json& j, const std::string& path) {
  Config c;
  const std::string policy = f.Str(j, "policy", path);
  if (f.ok()) {
    absl::StatusOr<Policy> p = ParsePolicy(policy);
    if (p.ok()) {
      c.policy = *p;
    } else {
      f.Fail(Fields::Join(path, "policy"), absl::StrCat("unknown policy \"", policy, "\""));
    }
  }
  c.threshold = static_cast<uint32_t>(f.U64(j, "threshold", path));
  c.min_order = static_cast<uint32_t>(f.U64(j, "min_order", path));
  c.events_per_sec = static_cast<uint32_t>(f.U64Or(j, "events_per_sec", path, 0));
  c.bg_order = static_cast<uint32_t>(f.U64Or(j, "bg_order", path, 0));
  c.bg_interval_ms = static_cast<uint32_t>(f.U64Or(j, "bg_interval_ms", path, 0));
  // Records from before duty cycles: capture was always whole.
  c.latency_duty_pct = static_cast<uint32_t>(f.U64Or(j, "latency_duty_pct", path, 100));
  if (j.is_object() && j.contains("latency")) c.latency = f.Bool(j, "latency", path);
  if (j.is_object() && j.contains("bg_enabled")) c.bg_enabled = f.Bool(j, "bg_enabled", path);
  return c;
}

absl::StatusOr<RecordSample> ParseSample(const std::string& where, const json& j) {
  Fields f(where);
  RecordSample s;
  s.timestamp = j.contains("timestamp") ? f.Num(j, "timestamp", "") : 0;
  s.elapsed_s = f.Num(j, "elapsed_s", "");
  const json& stats = f.Object(j, "stats", "");
  const json& orders = f.Array(stats, "orders", "stats");
  for (size_t i = 0; i < orders.size() && f.ok(); ++i) {
    s.stats.orders.push_back(ParseOrderStats(f, orders[i], Fields::Item("stats", "orders", i)));
  }
  if (f.ok() && s.stats.orders.empty()) f.Fail("stats.orders", "empty");
  s.stats.reset_time_ns = f.U64Or(stats, "reset_time_ns", "stats", 0);
  s.stats.now_ns = f.U64Or(stats, "now_ns", "stats", 0);
  const json& zones = f.Array(j, "frag", "");
  for (size_t i = 0; i < zones.size() && f.ok(); ++i) {
    s.zones.push_back(ParseZone(f, zones[i], absl::StrCat("frag[", i, "]")));
  }
  if (j.contains("tuner")) s.tuner = ParseTuner(f, f.Object(j, "tuner", ""), "tuner");
  if (j.contains("latency")) {
    const json& lat = f.Array(j, "latency", "");
    for (size_t i = 0; i < lat.size() && f.ok(); ++i) {
      s.latency.push_back(ParseLatency(f, lat[i], absl::StrCat("latency[", i, "]")));
    }
  }
  if (j.contains("config")) s.config = ParseConfig(f, f.Object(j, "config", ""), "config");
  if (!f.ok()) return f.status();
  return s;
}

absl::StatusOr<Record> ParseRecord(const std::string& path, std::string_view content) {
  Record r;
  r.path = path;
  int line_no = 0;
  for (size_t start = 0; start < content.size();) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    const std::string_view line = Trim(content.substr(start, end - start));
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = absl::StrCat(path, ":", line_no);
    auto j = ParseJson(line);
    if (!j.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", j.status().message()));
    if (!LooksLikeRecordSample(*j)) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": not a `buddyctl record` sample (no \"stats\" and \"frag\"; the line has ",
          j->is_object() ? KeysOf(*j) : j->type_name(), ")"));
    }
    auto s = ParseSample(where, *j);
    if (!s.ok()) return s.status();
    if (!r.samples.empty() && s->elapsed_s < r.samples.back().elapsed_s) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": elapsed_s goes backwards (", s->elapsed_s, " after ",
                       r.samples.back().elapsed_s, "): two recordings concatenated?"));
    }
    r.samples.push_back(*std::move(s));
  }
  return r;
}

// ---- challenge results ---------------------------------------------------------

// A run's THP record under `key` ("thp", "thp_churn"), if it has one.
std::optional<ChallengeThp> LoadThp(Fields& f, const json& r, const char* key,
                                    const std::string& p) {
  if (!r.contains(key) || !f.ok()) return std::nullopt;
  const json& t = f.Object(r, key, p);
  const std::string tp = Fields::Join(p, key);
  ChallengeThp thp;
  if (t.contains("error")) {
    const json& e = t["error"];
    thp.error = e.is_string() ? e.get<std::string>() : e.dump();
    return thp;
  }
  thp.regions = f.U64(t, "regions", tp);
  thp.huge = f.U64(t, "huge", tp);
  thp.limit = f.U64(t, "limit", tp);
  thp.huge_over_limit = f.NumOrNull(t, "huge_over_limit", tp);
  thp.limit_source =
      f.Str(f.Object(t, "physical_limit", tp), "source", Fields::Join(tp, "physical_limit"));
  const json& lat = f.Object(t, "fault_us", tp);
  const std::string lp = Fields::Join(tp, "fault_us");
  thp.fault_p50_us = f.Num(lat, "p50", lp);
  thp.fault_p99_us = f.Num(lat, "p99", lp);
  thp.fault_max_us = f.Num(lat, "max", lp);
  thp.agrees_with_vmstat = f.Bool(t, "agrees_with_vmstat", tp);
  return thp;
}

absl::StatusOr<Challenge> ParseChallenge(const std::string& path, const json& j) {
  Fields f(path);
  Challenge c;
  c.path = path;
  const uint64_t version = f.U64(j, "version", "");
  if (f.ok() && version != 1) {
    f.Fail("version", absl::StrCat(version, " is not a results version this buddyctl reads (1)"));
  }
  if (j.contains("created")) c.created = f.Str(j, "created", "");
  if (j.contains("scenario")) {
    for (const auto& [k, v] : f.Object(j, "scenario", "").items()) {
      c.scenario[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  const json& runs = f.Array(j, "runs", "");
  for (size_t i = 0; i < runs.size() && f.ok(); ++i) {
    const json& r = runs[i];
    const std::string p = Fields::Item("", "runs", i);
    ChallengeRun run;
    run.policy = f.Str(r, "policy", p);
    if (r.contains("rep")) run.rep = static_cast<int>(f.U64(r, "rep", p));
    if (r.contains("error")) {
      const json& e = r["error"];
      run.error = e.is_string() ? e.get<std::string>() : e.dump();
    } else {
      run.attempts = f.U64(r, "attempts", p);
      run.successes = f.U64(r, "successes", p);
      run.limit = f.U64(r, "limit", p);
      run.success_over_limit = f.NumOrNull(r, "success_over_limit", p);
      for (const auto& [k, v] : f.Object(r, "compaction_work", p).items()) {
        run.compaction_work[k] =
            f.Num(r["compaction_work"], k.c_str(), Fields::Join(p, "compaction_work"));
      }
      for (const auto& [k, v] : f.Object(r, "work_per_block", p).items()) {
        run.work_per_block[k] =
            f.NumOrNull(r["work_per_block"], k.c_str(), Fields::Join(p, "work_per_block"));
      }
      const json& log = f.Array(r, "attempt_log", p);
      for (size_t a = 0; a < log.size() && f.ok(); ++a) {
        const std::string ap = Fields::Item(p, "attempt_log", a);
        run.attempt_log.push_back({f.U64(log[a], "latency_ns", ap), f.Bool(log[a], "ok", ap)});
      }
    }
    // Each THP run is a guest of its own: it has a result or an error
    // whatever became of the 4 MiB run.
    run.thp = LoadThp(f, r, "thp", p);
    run.thp_churn = LoadThp(f, r, "thp_churn", p);
    if (!f.ok()) break;
    if (std::find(c.policies.begin(), c.policies.end(), run.policy) == c.policies.end()) {
      c.policies.push_back(run.policy);
    }
    c.runs.push_back(std::move(run));
  }
  if (f.ok() && c.runs.empty()) f.Fail("runs", "empty: the challenge recorded no run");
  if (!f.ok()) return f.status();
  return c;
}

// ---- slab study ------------------------------------------------------------------

// One group of report.py's results.json: {key: {ALLOC: {"median": .., "vs_slub":
// {"median": .., "min": .., "max": .., "n": ..} or null, ...}, ...}, ...}.
std::vector<SlabFigure> ParseSlabGroup(Fields& f, const json& j, const char* group,
                                       const std::string& unit) {
  std::vector<SlabFigure> figures;
  for (const auto& [key, by_alloc] : f.Object(j, group, "").items()) {
    const std::string path = Fields::Join(group, key.c_str());
    SlabFigure fig;
    fig.key = key;
    fig.unit = unit;
    if (!by_alloc.is_object()) {
      f.Fail(path, absl::StrCat("expected an object, got ", by_alloc.type_name()));
      break;
    }
    for (const auto& [alloc, st] : by_alloc.items()) {
      const std::string ap = Fields::Join(path, alloc.c_str());
      fig.median[alloc] = f.Num(st, "median", ap);
      const json* vs = f.Get(st, "vs_slub", ap);
      if (vs != nullptr && !vs->is_null()) {
        const std::string vp = Fields::Join(ap, "vs_slub");
        fig.vs_slub[alloc] = {f.Num(*vs, "median", vp), f.Num(*vs, "min", vp),
                              f.Num(*vs, "max", vp), static_cast<int>(f.U64(*vs, "n", vp))};
      }
    }
    if (!f.ok()) break;
    figures.push_back(std::move(fig));
  }
  return figures;
}

bool LooksLikeSlabResults(const json& j) {
  return j.contains("allocators") && j.contains("workloads_seconds");
}

absl::StatusOr<SlabStudy> ParseSlabResults(const std::string& path, const json& j) {
  Fields f(path);
  SlabStudy s;
  s.path = path;
  const json& allocs = f.Array(j, "allocators", "");
  for (size_t i = 0; i < allocs.size(); ++i) {
    if (!allocs[i].is_string()) {
      f.Fail(absl::StrCat("allocators[", i, "]"), "expected a string");
      break;
    }
    s.allocators.push_back(allocs[i].get<std::string>());
  }
  if (j.contains("rounds")) s.rounds = static_cast<int>(f.Array(j, "rounds", "").size());
  if (j.contains("quick") && j["quick"].is_boolean()) s.quick = j["quick"].get<bool>();
  for (const char* key : {"failures", "errors"}) {
    if (j.contains(key)) s.failures += static_cast<int>(f.Array(j, key, "").size());
  }
  s.workloads = ParseSlabGroup(f, j, "workloads_seconds", "s");
  if (j.contains("micro_ns_per_op")) s.micro = ParseSlabGroup(f, j, "micro_ns_per_op", "ns");
  if (j.contains("footprint_kB")) s.footprint = ParseSlabGroup(f, j, "footprint_kB", "kB");
  if (f.ok() && std::find(s.allocators.begin(), s.allocators.end(), "SLUB") == s.allocators.end()) {
    f.Fail("allocators", "no SLUB: the study compares every allocator with SLUB");
  }
  if (!f.ok()) return f.status();
  return s;
}

absl::StatusOr<Input> Classify(const std::string& path, const json& j) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": foreign JSON: a top-level ", j.type_name(), "; ", kExpected));
  }
  if (auto kind = j.find("kind"); kind != j.end()) {
    if (*kind == "buddyctl-challenge") {
      auto c = ParseChallenge(path, j);
      if (!c.ok()) return c.status();
      return Input(*std::move(c));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": foreign JSON: \"kind\" is ", kind->dump(), "; ", kExpected));
  }
  if (LooksLikeRecordSample(j)) {
    auto s = ParseSample(path, j);
    if (!s.ok()) return s.status();
    Record r;
    r.path = path;
    r.samples.push_back(*std::move(s));
    return Input(std::move(r));
  }
  if (LooksLikeSlabResults(j)) {
    auto s = ParseSlabResults(path, j);
    if (!s.ok()) return s.status();
    return Input(*std::move(s));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": foreign JSON: an object with ", KeysOf(j), "; ", kExpected));
}

}  // namespace

absl::StatusOr<Input> ParseInput(const std::string& path, std::string_view content) {
  const std::string_view text = Trim(content);
  if (text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty file; ", kExpected));
  }
  size_t error_byte = 0;
  auto whole = ParseJson(text, &error_byte);
  if (whole.ok()) return Classify(path, *whole);

  // Not one JSON document: JSON lines (a record) if the first line is a
  // record sample; otherwise report why the document does not parse.
  const std::string_view first = Trim(text.substr(0, text.find('\n')));
  if (first.size() < text.size()) {
    auto j = ParseJson(first);
    if (j.ok()) {
      if (LooksLikeRecordSample(*j)) {
        auto r = ParseRecord(path, content);
        if (!r.ok()) return r.status();
        return Input(*std::move(r));
      }
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":1: foreign JSON lines: the first line is ",
          j->is_object() ? absl::StrCat("an object with ", KeysOf(*j)) : j->type_name(), "; ",
          kExpected));
    }
  }
  const size_t line =
      1 + static_cast<size_t>(std::count(
              text.begin(),
              text.begin() + static_cast<std::ptrdiff_t>(std::min(error_byte, text.size())), '\n'));
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", whole.status().message()));
}

absl::StatusOr<Input> LoadInput(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory; ", kExpected));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open: ", std::strerror(errno)));  // NOLINT
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(
        absl::StrCat(path, ": cannot read: ", std::strerror(errno)));  // NOLINT
  }
  return ParseInput(path, buf.str());
}

}  // namespace buddyctl::report
