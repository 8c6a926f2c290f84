// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/family.h"

#include <linux/genetlink.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "attrs.h"
#include "buddyctl/status_macros.h"
#include "uapi/buddyctl.h"

namespace buddyctl {

const FamilySpec kMonitorFamily{BUDDY_MON_GENL_NAME, BUDDY_MON_GENL_VERSION, "buddy_monitor"};
const FamilySpec kHotFamily{BUDDY_HOT_GENL_NAME, BUDDY_HOT_GENL_VERSION, "high_order_test"};
const FamilySpec kFragFamily{BUDDY_FRAG_GENL_NAME, BUDDY_FRAG_GENL_VERSION, "high_order_test"};

namespace {
// The controller's own version as sent by iproute2/libnl.
constexpr uint8_t kCtrlVersion = 2;

// The controller's reply (CTRL_CMD_NEWFAMILY), as the kernel's
// ctrl_fill_info() lays it out; the groups are a nest of nests numbered
// from 1, read whatever their number.
const Decoder<FamilyInfo> kFamily("resolve family", CTRL_ATTR_MAX,
                                  {BUDDYCTL_FIELD(CTRL_ATTR_FAMILY_NAME, &FamilyInfo::name),
                                   BUDDYCTL_FIELD(CTRL_ATTR_FAMILY_ID, &FamilyInfo::id),
                                   BUDDYCTL_FIELD(CTRL_ATTR_VERSION, &FamilyInfo::version),
                                   BUDDYCTL_FIELD(CTRL_ATTR_HDRSIZE, &FamilyInfo::hdrsize)},
                                  {BUDDYCTL_OPTIONAL(CTRL_ATTR_MCAST_GROUPS, NLA_NESTED)});

const AttrLayout kGroupLayout("resolve family: multicast group", CTRL_ATTR_MCAST_GRP_MAX,
                              {BUDDYCTL_REQUIRED(CTRL_ATTR_MCAST_GRP_NAME, NLA_STRING),
                               BUDDYCTL_REQUIRED(CTRL_ATTR_MCAST_GRP_ID, NLA_U32)});
}  // namespace

absl::StatusOr<FamilyInfo> ResolveFamily(Transport& transport, absl::string_view name) {
  MessageBuilder b(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, kCtrlVersion);
  b.PutString(CTRL_ATTR_FAMILY_NAME, absl::StrCat(name));
  BUDDYCTL_ASSIGN_OR_RETURN(Message req, b.Build());
  auto replies = transport.Transact(req);
  if (!replies.ok()) {
    if (KernelErrno(replies.status()) == ENOENT) {
      return absl::NotFoundError(absl::StrCat("generic netlink family '", name, "' not found"));
    }
    return DescribeKernelError(replies.status(), absl::StrCat("resolving family '", name, "'"));
  }
  BUDDYCTL_ASSIGN_OR_RETURN(Message reply, SingleReply(std::move(*replies), "resolve family"));
  BUDDYCTL_ASSIGN_OR_RETURN(Attrs t, Attrs::Parse(kFamily.layout(), reply));
  BUDDYCTL_ASSIGN_OR_RETURN(FamilyInfo info, kFamily.Decode(t));
  BUDDYCTL_ASSIGN_OR_RETURN(std::vector<Attrs> groups,
                            t.List(CTRL_ATTR_MCAST_GROUPS, Attrs::kAnyMember, kGroupLayout));
  for (const Attrs& g : groups) {
    info.mcast_groups.emplace_back(g.Str(CTRL_ATTR_MCAST_GRP_NAME), g.U32(CTRL_ATTR_MCAST_GRP_ID));
  }
  if (info.id == 0) {
    return absl::InternalError(absl::StrCat("controller reply for '", name, "' has no family id"));
  }
  return info;
}

absl::StatusOr<FamilyClient> FamilyClient::Open(std::shared_ptr<Transport> transport,
                                                const FamilySpec& spec) {
  if (!transport) return absl::InvalidArgumentError("no transport");
  auto info = ResolveFamily(*transport, spec.family);
  if (!info.ok()) {
    if (absl::IsNotFound(info.status())) {
      return absl::NotFoundError(
          absl::StrCat(spec.module, " module is not loaded (family '", spec.family,
                       "' not found); load it with: sudo modprobe ", spec.module,
                       " (from a build tree: sudo insmod modules/", spec.module, ".ko)"));
    }
    return info.status();
  }
  if (info->version != spec.version) {
    return absl::FailedPreconditionError(
        absl::StrCat(spec.family, " interface version mismatch: the loaded module speaks version ",
                     info->version, ", this buddyctl was built for version ", spec.version,
                     "; build buddyctl and the modules from the same tree"));
  }
  return FamilyClient(std::move(transport), spec, std::move(*info));
}

absl::StatusOr<std::vector<Message>> FamilyClient::Call(uint8_t cmd, absl::string_view op,
                                                        const Filler& fill, bool dump) {
  MessageBuilder b(info_.id, cmd, static_cast<uint8_t>(spec_.version),
                   dump ? static_cast<uint16_t>(NLM_F_DUMP) : uint16_t{0});
  if (fill) fill(b);
  BUDDYCTL_ASSIGN_OR_RETURN(Message req, b.Build());
  auto replies = transport_->Transact(req);
  if (!replies.ok()) return DescribeKernelError(replies.status(), op);
  for (const Message& m : *replies) {
    if (!m.Valid() || m.type() != info_.id) {
      return absl::InternalError(
          absl::StrCat(op, ": unexpected reply (not from family '", spec_.family, "')"));
    }
  }
  return replies;
}

absl::StatusOr<uint32_t> FamilyClient::GroupId(absl::string_view name) const {
  for (const auto& [gname, id] : info_.mcast_groups) {
    if (gname == name) return id;
  }
  return absl::NotFoundError(absl::StrCat("family '", spec_.family, "' has no multicast group '",
                                          name, "' (module too old?)"));
}

absl::Status DescribeKernelError(const absl::Status& status, absl::string_view op) {
  const int err = KernelErrno(status);
  if (err == 0) return status;  // a local/socket error, already worded
  if (err == EPERM || err == EACCES) {
    return absl::PermissionDeniedError(
        absl::StrCat("permission denied: ", op, " needs CAP_SYS_ADMIN (run as root)"));
  }
  return absl::Status(status.code(), absl::StrCat(op, " failed: ", status.message()));
}

absl::StatusOr<Message> SingleReply(std::vector<Message> replies, absl::string_view op) {
  if (replies.empty()) return absl::InternalError(absl::StrCat(op, ": the kernel sent no reply"));
  return std::move(replies.front());
}

}  // namespace buddyctl
