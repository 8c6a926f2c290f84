// SPDX-License-Identifier: GPL-2.0
// The real libnl transport against the host kernel's own generic netlink
// controller ("nlctrl", always registered), so the socket, ACK, dump and
// error paths run for real without the buddyctl modules. Skipped where the
// sandbox forbids netlink sockets.
#include "buddyctl/netlink_transport.h"

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>

#include <string>

#include "buddyctl/family.h"

namespace buddyctl {
namespace {

std::shared_ptr<Transport> OpenOrSkip() {
  auto t = OpenNetlinkTransport();
  if (!t.ok()) return nullptr;
  return *t;
}

TEST(NetlinkTransportTest, ResolvesTheControllerItself) {
  auto t = OpenOrSkip();
  if (!t) GTEST_SKIP() << "no generic netlink socket here";
  auto info = ResolveFamily(*t, "nlctrl");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, GENL_ID_CTRL);
  EXPECT_EQ(info->name, "nlctrl");
  EXPECT_GE(info->version, 1u);
  bool notify = false;
  for (const auto& [name, id] : info->mcast_groups) notify = notify || (name == "notify" && id > 0);
  EXPECT_TRUE(notify);
}

TEST(NetlinkTransportTest, UnknownFamilyIsNotFound) {
  auto t = OpenOrSkip();
  if (!t) GTEST_SKIP() << "no generic netlink socket here";
  // (Family names are at most 15 characters: longer ones fail the
  // controller's policy with EINVAL, not ENOENT.)
  auto info = ResolveFamily(*t, "buddy_nosuch");
  EXPECT_EQ(info.status().code(), absl::StatusCode::kNotFound);
  auto fam = FamilyClient::Open(t, FamilySpec{"buddy_nosuch", 1, "nothing"});
  EXPECT_EQ(fam.status().message(),
            "nothing module is not loaded (family 'buddy_nosuch' not found); load it "
            "with: sudo modprobe nothing (from a build tree: sudo insmod modules/nothing.ko)");
}

TEST(NetlinkTransportTest, DumpReturnsEveryPart) {
  auto t = OpenOrSkip();
  if (!t) GTEST_SKIP() << "no generic netlink socket here";
  MessageBuilder b(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 2, NLM_F_DUMP);
  auto req = b.Build();
  ASSERT_TRUE(req.ok());
  auto replies = t->Transact(*req);
  ASSERT_TRUE(replies.ok()) << replies.status();
  // At least nlctrl itself; every part is a controller message.
  ASSERT_GE(replies->size(), 1u);
  bool saw_ctrl = false;
  for (const Message& m : *replies) {
    EXPECT_EQ(m.type(), GENL_ID_CTRL);
    nlattr* tb[CTRL_ATTR_MAX + 1] = {};
    ASSERT_EQ(nla_parse(tb, CTRL_ATTR_MAX, const_cast<nlattr*>(m.attrs()), m.attrs_len(), nullptr),
              0);
    saw_ctrl = saw_ctrl || (tb[CTRL_ATTR_FAMILY_NAME] != nullptr &&
                            std::string(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME])) == "nlctrl");
  }
  EXPECT_TRUE(saw_ctrl);
  // The socket is still in step after a dump: a doit works.
  EXPECT_TRUE(ResolveFamily(*t, "nlctrl").ok());
}

TEST(NetlinkTransportTest, KernelErrorCarriesErrno) {
  auto t = OpenOrSkip();
  if (!t) GTEST_SKIP() << "no generic netlink socket here";
  // GETFAMILY without a name or id: the controller answers -EINVAL.
  MessageBuilder b(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 2);
  auto req = b.Build();
  ASSERT_TRUE(req.ok());
  auto replies = t->Transact(*req);
  ASSERT_FALSE(replies.ok());
  EXPECT_EQ(KernelErrno(replies.status()), EINVAL);
}

}  // namespace
}  // namespace buddyctl
