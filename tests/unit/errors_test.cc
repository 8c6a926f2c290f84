// SPDX-License-Identifier: GPL-2.0
// Every failure is one line that says what went wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "buddyctl/fragmenter.h"
#include "buddyctl/hot_test.h"
#include "buddyctl/monitor.h"
#include "fake_transport.h"
#include "replies.h"

namespace buddyctl {
namespace {

using ::buddyctl::testing::FakeTransport;
using ::buddyctl::testing::kHotId;
using ::buddyctl::testing::kMonId;
using ::buddyctl::testing::MakeFake;

TEST(ErrorsTest, FamilyNotFoundSaysTheModuleIsNotLoaded) {
  auto fake = std::make_shared<FakeTransport>();  // no families registered: ENOENT
  auto mon = Monitor::Open(fake);
  ASSERT_FALSE(mon.ok());
  EXPECT_EQ(mon.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(mon.status().message(),
            "buddy_monitor module is not loaded (family 'buddy_monitor' not found); load it "
            "with: sudo modprobe buddy_monitor (from a build tree: sudo insmod "
            "modules/buddy_monitor.ko)");
  EXPECT_EQ(fake->lookups, std::vector<std::string>{"buddy_monitor"});

  auto hot = HotTest::Open(fake);
  EXPECT_EQ(hot.status().message(),
            "high_order_test module is not loaded (family 'buddy_hot' not found); load it with: "
            "sudo modprobe high_order_test (from a build tree: sudo insmod "
            "modules/high_order_test.ko)");
  auto frag = Fragmenter::Open(fake);
  EXPECT_EQ(frag.status().message(),
            "high_order_test module is not loaded (family 'buddy_frag' not found); load it with: "
            "sudo modprobe high_order_test (from a build tree: sudo insmod "
            "modules/high_order_test.ko)");
}

TEST(ErrorsTest, VersionMismatchNamesBothVersions) {
  auto fake = std::make_shared<FakeTransport>();
  fake->AddFamily("buddy_monitor", kMonId, 7);
  auto mon = Monitor::Open(fake);
  ASSERT_FALSE(mon.ok());
  EXPECT_EQ(mon.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(mon.status().message(),
            "buddy_monitor interface version mismatch: the loaded module speaks version 7, this "
            "buddyctl was built for version 2; build buddyctl and the modules from the same tree");
  EXPECT_TRUE(fake->sent.empty());
}

TEST(ErrorsTest, EpermSaysWhichOperationNeedsRoot) {
  auto fake = MakeFake();
  fake->Fail(kMonId, BUDDY_MON_CMD_RESET, EPERM);
  fake->Fail(kMonId, BUDDY_MON_CMD_SET_CONFIG, EPERM);
  fake->Fail(kHotId, BUDDY_HOT_CMD_RUN, EPERM);
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  absl::Status st = mon->Reset();
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(st.message(), "permission denied: reset needs CAP_SYS_ADMIN (run as root)");
  ConfigUpdate u;
  u.threshold = 10;
  EXPECT_EQ(mon->SetConfig(u).status().message(),
            "permission denied: set config needs CAP_SYS_ADMIN (run as root)");
  auto hot = HotTest::Open(fake);
  ASSERT_TRUE(hot.ok());
  EXPECT_EQ(hot->Run(HotRunParams{}).message(),
            "permission denied: hot run needs CAP_SYS_ADMIN (run as root)");
}

TEST(ErrorsTest, KernelExtackMessageIsShown) {
  auto fake = MakeFake();
  fake->Fail(kMonId, BUDDY_MON_CMD_SET_CONFIG, EINVAL, "threshold: value out of range 0..100");
  fake->Fail(kHotId, BUDDY_HOT_CMD_RUN, EBUSY, "blocks from an earlier run are still held");
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  ConfigUpdate u;
  u.threshold = 100;
  auto c = mon->SetConfig(u);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "set config failed: threshold: value out of range 0..100 (Invalid argument)");
  auto hot = HotTest::Open(fake);
  ASSERT_TRUE(hot.ok());
  EXPECT_EQ(hot->Run(HotRunParams{}).message(),
            "hot run failed: blocks from an earlier run are still held (Device or resource busy)");
}

TEST(ErrorsTest, KernelErrorWithoutExtackUsesStrerror) {
  auto fake = MakeFake();
  fake->Fail(kMonId, BUDDY_MON_CMD_GET_STATS, ENOMEM);
  auto mon = Monitor::Open(fake);
  ASSERT_TRUE(mon.ok());
  EXPECT_EQ(mon->GetStats().status().message(), "stats failed: Cannot allocate memory");
}

TEST(ErrorsTest, KernelErrorStatusCarriesErrnoAndExtack) {
  absl::Status st = KernelErrorStatus(ERANGE, "order: out of range");
  EXPECT_EQ(KernelErrno(st), ERANGE);
  EXPECT_EQ(KernelExtack(st), "order: out of range");
  EXPECT_EQ(KernelErrno(absl::InternalError("x")), 0);
}

// Builds an NLMSG_ERROR as the kernel's netlink_ack() does.
std::vector<uint8_t> ErrorMessage(int error, const char* extack, bool capped, uint32_t orig_len) {
  std::vector<uint8_t> orig(orig_len, 0xab);
  auto* oh = reinterpret_cast<nlmsghdr*>(orig.data());
  oh->nlmsg_len = orig_len;
  oh->nlmsg_type = kMonId;
  const size_t payload = sizeof(nlmsgerr) + (capped ? 0 : orig_len - NLMSG_HDRLEN);
  size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(payload);
  const size_t str_len = std::strlen(extack) + 1;
  const size_t total = off + NLA_ALIGN(NLA_HDRLEN + str_len);
  std::vector<uint8_t> buf(total, 0);
  auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
  h->nlmsg_len = static_cast<uint32_t>(total);
  h->nlmsg_type = NLMSG_ERROR;
  h->nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
  auto* e = reinterpret_cast<nlmsgerr*>(buf.data() + NLMSG_HDRLEN);
  e->error = -error;
  std::memcpy(&e->msg, orig.data(), capped ? sizeof(nlmsghdr) : orig_len);
  auto* a = reinterpret_cast<nlattr*>(buf.data() + off);
  a->nla_len = static_cast<uint16_t>(NLA_HDRLEN + str_len);
  a->nla_type = NLMSGERR_ATTR_MSG;
  std::memcpy(buf.data() + off + NLA_HDRLEN, extack, str_len);
  return buf;
}

TEST(ErrorsTest, ParseAckFindsTheExtackMessage) {
  for (bool capped : {false, true}) {
    auto buf = ErrorMessage(EINVAL, "Attribute failed policy validation", capped, 36);
    auto ack = ParseAck(buf.data(), buf.size());
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->error, -EINVAL);
    EXPECT_EQ(ack->extack, "Attribute failed policy validation") << "capped=" << capped;
  }
}

TEST(ErrorsTest, ParseAckOfPlainAck) {
  std::vector<uint8_t> buf(NLMSG_HDRLEN + sizeof(nlmsgerr), 0);
  auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
  h->nlmsg_len = static_cast<uint32_t>(buf.size());
  h->nlmsg_type = NLMSG_ERROR;
  auto ack = ParseAck(buf.data(), buf.size());
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->error, 0);
  EXPECT_EQ(ack->extack, "");
  EXPECT_FALSE(ParseAck(buf.data(), 10).has_value());
}

}  // namespace
}  // namespace buddyctl
