// SPDX-License-Identifier: GPL-2.0
// Host-side costs of libbuddyctl: decoding a full GET_STATS reply and
// computing percentiles. `watch` and `record` do both every interval; this
// keeps them cheap. Run: build/bench/buddyctl_host_bench
#include <benchmark/benchmark.h>

#include "buddyctl/monitor.h"
#include "buddyctl/transport.h"
#include "uapi/buddyctl.h"

namespace {

using buddyctl::Message;
using buddyctl::MessageBuilder;

// A transport that answers every request with one canned message.
class CannedTransport : public buddyctl::Transport {
 public:
  absl::StatusOr<std::vector<Message>> Transact(const Message& req) override {
    if (req.type() == GENL_ID_CTRL) {
      MessageBuilder b(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2);
      b.PutString(CTRL_ATTR_FAMILY_NAME, BUDDY_MON_GENL_NAME)
          .PutU16(CTRL_ATTR_FAMILY_ID, 42)
          .PutU32(CTRL_ATTR_VERSION, BUDDY_MON_GENL_VERSION);
      return std::vector<Message>{*b.Build()};
    }
    return std::vector<Message>{stats_};
  }
  absl::StatusOr<std::unique_ptr<buddyctl::EventSource>> Subscribe(uint32_t /*group*/) override {
    return absl::UnimplementedError("no events");
  }
  Message stats_;
};

Message StatsReply() {
  MessageBuilder b(42, BUDDY_MON_CMD_GET_STATS, BUDDY_MON_GENL_VERSION);
  b.BeginNest(BUDDY_MON_A_ORDERS);
  for (uint32_t o = 0; o < BUDDY_NR_ORDERS; ++o) {
    b.BeginNest(BUDDY_MON_A_ORDER_STATS).PutU32(BUDDY_MON_OA_ORDER, o);
    for (int a = BUDDY_MON_OA_REQUESTS; a <= BUDDY_MON_OA_SLOWPATH; ++a) b.PutU64(a, 1000 + o);
    b.BeginNest(BUDDY_MON_OA_COMPACT_RESULT);
    for (int r = 0; r < BUDDY_NR_COMPACT_RESULTS; ++r) b.PutU64(r + 1, r);
    b.EndNest().EndNest();
  }
  b.EndNest();
  return *b.Build();
}

void BM_DecodeStats(benchmark::State& state) {
  auto t = std::make_shared<CannedTransport>();
  t->stats_ = StatsReply();
  auto mon = buddyctl::Monitor::Open(t);
  for (auto _ : state) {
    auto s = mon->GetStats();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_DecodeStats);

void BM_Percentile(benchmark::State& state) {
  buddyctl::LatencyHistogram h;
  for (size_t i = 0; i < h.fast.size(); ++i) h.fast[i] = i * 7 % 13;
  h.fast_max_ns = uint64_t{1} << 30;
  for (auto _ : state) benchmark::DoNotOptimize(h.Percentile(99));
}
BENCHMARK(BM_Percentile);

}  // namespace

BENCHMARK_MAIN();
