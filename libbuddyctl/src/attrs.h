// SPDX-License-Identifier: GPL-2.0
// Reply decoding with libnl: each attribute level has a layout (a typed
// struct nla_policy, the attributes' names, and which of them this version
// requires), nla_parse checks types and lengths against the policy, and a
// required attribute that is absent is an error naming it, not a 0.
#ifndef BUDDYCTL_SRC_ATTRS_H_
#define BUDDYCTL_SRC_ATTRS_H_

#include <netlink/attr.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "buddyctl/status_macros.h"
#include "buddyctl/transport.h"

namespace buddyctl {

// One attribute of a level. nla_type is libnl's (NLA_U8, NLA_U32, NLA_U64,
// NLA_STRING, NLA_NESTED); name is the uapi identifier, for messages.
struct AttrSpec {
  int type;
  uint16_t nla_type;
  const char* name;
  bool required;
};

// Spells an AttrSpec from the uapi identifier, so its name is never retyped.
#define BUDDYCTL_REQUIRED(attr, nla_type) \
  ::buddyctl::AttrSpec { attr, nla_type, #attr, true }
#define BUDDYCTL_OPTIONAL(attr, nla_type) \
  ::buddyctl::AttrSpec { attr, nla_type, #attr, false }

// The layout of one level of attributes (types 0..maxtype).
class AttrLayout {
 public:
  AttrLayout(absl::string_view what, int maxtype, std::initializer_list<AttrSpec> attrs);

  absl::string_view what() const { return what_; }
  int maxtype() const { return maxtype_; }
  const nla_policy* policy() const { return policy_.data(); }
  const std::vector<AttrSpec>& attrs() const { return attrs_; }

 private:
  std::string what_;
  int maxtype_;
  std::vector<AttrSpec> attrs_;
  std::vector<nla_policy> policy_;  // maxtype + 1 entries, as nla_parse wants
};

// One level parsed against its layout. Views point into the Message, which
// must outlive them.
class Attrs {
 public:
  static absl::StatusOr<Attrs> Parse(const AttrLayout& layout, const nlattr* head, int len);
  static absl::StatusOr<Attrs> Parse(const AttrLayout& layout, const Message& m);

  bool Has(int type) const;
  // Readers of attributes the layout has checked; an optional one that is
  // absent reads as 0 or "" (test it with Has() when absence matters).
  uint8_t U8(int type) const;
  uint16_t U16(int type) const;
  uint32_t U32(int type) const;
  uint64_t U64(int type) const;
  std::string Str(int type) const;

  // The nest `type`, parsed with `layout`; an error if it is required and
  // absent, an empty level if it is optional and absent.
  absl::StatusOr<Attrs> Nested(int type, const AttrLayout& layout) const;
  // Every attribute of `member` inside the nest `list` (repeated nests);
  // kAnyMember takes every one, whatever its type (numbered nests).
  static constexpr int kAnyMember = -1;
  absl::StatusOr<std::vector<Attrs>> List(int list, int member, const AttrLayout& layout) const;
  // Every attribute of `member` at this level (repeated nests).
  absl::StatusOr<std::vector<Attrs>> All(int member, const AttrLayout& layout) const;

  // A uapi "array of u64 indexed by X": nest whose member types are X + 1,
  // each a u64; absent members are zero.
  template <size_t N>
  absl::StatusOr<std::array<uint64_t, N>> U64Array(int type) const {
    std::array<uint64_t, N> out{};
    BUDDYCTL_RETURN_IF_ERROR(ReadU64Array(type, out.data(), N));
    return out;
  }

 private:
  Attrs(const AttrLayout* layout, const nlattr* head, int len);
  nlattr* At(int type) const;
  absl::Status ReadU64Array(int type, uint64_t* out, size_t n) const;
  absl::StatusOr<std::vector<Attrs>> Each(const nlattr* head, int len, int member,
                                          const AttrLayout& layout) const;

  const AttrLayout* layout_;
  const nlattr* head_;
  int len_;
  std::vector<nlattr*> tb_;
};

}  // namespace buddyctl

#endif  // BUDDYCTL_SRC_ATTRS_H_
