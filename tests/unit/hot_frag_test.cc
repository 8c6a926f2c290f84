// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "buddyctl/fragmenter.h"
#include "buddyctl/hot_test.h"
#include "fake_transport.h"
#include "replies.h"

namespace buddyctl {
namespace {

using ::buddyctl::testing::kFragId;
using ::buddyctl::testing::kHotId;
using ::buddyctl::testing::MakeFake;
using ::buddyctl::testing::NlReply;
using ::buddyctl::testing::ParseRequest;

TEST(HotTestTest, RunSendsEveryParameter) {
  auto fake = MakeFake();
  fake->Reply(kHotId, BUDDY_HOT_CMD_RUN, {});
  auto hot = HotTest::Open(fake);
  ASSERT_TRUE(hot.ok()) << hot.status();
  HotRunParams p;
  p.order = 9;
  p.count = 128;
  p.gfp = HotGfp::kLight;
  p.hold_until_fail = true;
  p.pause_us = 250;
  ASSERT_TRUE(hot->Run(p).ok());
  ASSERT_EQ(fake->sent.size(), 1u);
  auto tb = ParseRequest(fake->sent[0], BUDDY_HOT_A_MAX);
  ASSERT_NE(tb[BUDDY_HOT_A_ORDER], nullptr);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_HOT_A_ORDER]), 9u);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_HOT_A_COUNT]), 128u);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_HOT_A_GFP_MODE]), static_cast<uint32_t>(BUDDY_HOT_GFP_LIGHT));
  EXPECT_EQ(nla_get_u8(tb[BUDDY_HOT_A_HOLD_UNTIL_FAIL]), 1);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_HOT_A_PAUSE_US]), 250u);
}

TEST(HotTestTest, BadParamsAreRefusedBeforeSending) {
  auto fake = MakeFake();
  auto hot = HotTest::Open(fake);
  ASSERT_TRUE(hot.ok());
  HotRunParams order;
  order.order = 11;
  EXPECT_EQ(hot->Run(order).message(), "invalid order 11: must be 0..10");
  HotRunParams zero;
  zero.count = 0;
  EXPECT_EQ(hot->Run(zero).message(), "invalid count 0: must be 1..65536");
  HotRunParams huge;
  huge.count = 65537;
  EXPECT_FALSE(hot->Run(huge).ok());
  HotRunParams gfp;
  gfp.gfp = static_cast<HotGfp>(7);
  EXPECT_FALSE(hot->Run(gfp).ok());
  EXPECT_TRUE(fake->sent.empty());
}

TEST(HotTestTest, StatusAndAttemptsAcrossDumpParts) {
  auto fake = MakeFake();
  fake->Reply(kHotId, BUDDY_HOT_CMD_STATUS,
              {::buddyctl::testing::HotStatusReply(BUDDY_HOT_DONE, 3, 2, 2, BUDDY_HOT_STOP_COUNT)});

  auto attempt = [](NlReply& r, uint32_t i, bool ok, uint64_t lat) {
    nlattr* a = nla_nest_start(r.msg(), BUDDY_HOT_A_ATTEMPT);
    nla_put_u32(r.msg(), BUDDY_HOT_AA_INDEX, i);
    nla_put_u8(r.msg(), BUDDY_HOT_AA_OK, ok ? 1 : 0);
    r.PutU64Padded(BUDDY_HOT_AA_LATENCY_NS, lat, BUDDY_HOT_AA_PAD);
    if (ok) r.PutU64Padded(BUDDY_HOT_AA_PFN, 1024ULL * (i + 1), BUDDY_HOT_AA_PAD);
    nla_nest_end(r.msg(), a);
  };
  NlReply p1(kHotId, BUDDY_HOT_CMD_GET_ATTEMPTS);
  attempt(p1, 0, true, 1000);
  attempt(p1, 1, false, 5000000);
  NlReply p2(kHotId, BUDDY_HOT_CMD_GET_ATTEMPTS);
  attempt(p2, 2, true, 2000);
  fake->Reply(kHotId, BUDDY_HOT_CMD_GET_ATTEMPTS, {p1.Take(), p2.Take()});

  auto hot = HotTest::Open(fake);
  ASSERT_TRUE(hot.ok());
  auto s = hot->Status();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->state, HotState::kDone);
  EXPECT_EQ(s->order, 10u);
  EXPECT_EQ(s->gfp, HotGfp::kRetry);
  EXPECT_EQ(s->attempts_done, 3u);
  EXPECT_EQ(s->successes, 2u);
  EXPECT_EQ(s->held, 2u);
  EXPECT_EQ(s->elapsed_ns, 7000000u);
  EXPECT_EQ(s->stop_reason, HotStopReason::kCount);
  EXPECT_EQ(s->gfp_flags, 0x4cc0u);
  EXPECT_EQ(s->min_free_pages, 8192u);

  auto a = hot->Attempts();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->size(), 3u);
  EXPECT_TRUE((*a)[0].ok);
  EXPECT_EQ((*a)[0].pfn, 1024u);
  EXPECT_FALSE((*a)[1].ok);
  EXPECT_FALSE((*a)[1].pfn.has_value());
  EXPECT_EQ((*a)[1].latency_ns, 5000000u);
  EXPECT_EQ((*a)[2].index, 2u);
}

TEST(FragmenterTest, PinSendsParamsAndParsesStatus) {
  auto fake = MakeFake();
  NlReply r(kFragId, BUDDY_FRAG_CMD_PIN);
  r.PutU64Padded(BUDDY_FRAG_A_PINNED_PAGES, 60, BUDDY_FRAG_A_PAD);
  r.PutU64Padded(BUDDY_FRAG_A_PINNED_BLOCKS, 60, BUDDY_FRAG_A_PAD);
  r.PutU64Padded(BUDDY_FRAG_A_TOUCHED_BLOCKS, 200, BUDDY_FRAG_A_PAD);
  r.PutU64Padded(BUDDY_FRAG_A_SWEEP_TARGET, 400000, BUDDY_FRAG_A_PAD);
  r.PutU64Padded(BUDDY_FRAG_A_SWEPT_PAGES, 399000, BUDDY_FRAG_A_PAD);
  nla_put_u32(r.msg(), BUDDY_FRAG_A_SWEEP_STOP, BUDDY_FRAG_SWEEP_MEM_FLOOR);
  fake->Reply(kFragId, BUDDY_FRAG_CMD_PIN, {r.Take()});
  auto frag = Fragmenter::Open(fake);
  ASSERT_TRUE(frag.ok()) << frag.status();
  FragPinParams p;
  p.pin_percent = 30;
  p.sweep_percent = 90;
  p.seed = 7;
  auto s = frag->Pin(p);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->pinned_pages, 60u);
  EXPECT_EQ(s->pinned_blocks, 60u);
  EXPECT_EQ(s->touched_blocks, 200u);
  EXPECT_EQ(s->sweep_target, 400000u);
  EXPECT_EQ(s->swept_pages, 399000u);
  EXPECT_EQ(s->sweep_stop, FragSweepStop::kMemFloor);
  auto tb = ParseRequest(fake->sent[0], BUDDY_FRAG_A_MAX);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_FRAG_A_PIN_PERCENT]), 30u);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_FRAG_A_SWEEP_PERCENT]), 90u);
  EXPECT_EQ(nla_get_u32(tb[BUDDY_FRAG_A_SEED]), 7u);

  FragPinParams bad;
  bad.pin_percent = 101;
  EXPECT_EQ(frag->Pin(bad).status().message(), "invalid pin percent 101: must be 0..100");
  bad.pin_percent = 10;
  bad.sweep_percent = 96;
  EXPECT_EQ(frag->Pin(bad).status().message(), "invalid sweep percent 96: must be 1..95");
  EXPECT_EQ(fake->sent.size(), 1u);
}

}  // namespace
}  // namespace buddyctl
