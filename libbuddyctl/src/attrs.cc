// SPDX-License-Identifier: GPL-2.0
#include "attrs.h"

#include <netlink/errno.h>
#include <netlink/netlink.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace buddyctl {
namespace {

// libnl's walkers and parsers take non-const pointers but do not write.
nlattr* Mutable(const nlattr* a) {
  return const_cast<nlattr*>(a);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

absl::Status Malformed(absl::string_view what, int nl_err) {
  return absl::InternalError(absl::StrCat("malformed ", what, " reply: ", nl_geterror(nl_err)));
}

}  // namespace

AttrLayout::AttrLayout(absl::string_view what, int maxtype, std::vector<AttrSpec> attrs)
    : what_(what),
      maxtype_(maxtype),
      attrs_(std::move(attrs)),
      policy_(static_cast<size_t>(maxtype) + 1) {
  for (const AttrSpec& a : attrs_) policy_[static_cast<size_t>(a.type)].type = a.nla_type;
}

Attrs::Attrs(const AttrLayout* layout, const nlattr* head, int len)
    : layout_(layout), head_(head), len_(len), tb_(static_cast<size_t>(layout->maxtype()) + 1) {}

absl::StatusOr<Attrs> Attrs::Parse(const AttrLayout& layout, const nlattr* head, int len) {
  Attrs a(&layout, head, len);
  if (head != nullptr) {
    const int err = nla_parse(a.tb_.data(), layout.maxtype(), Mutable(head), len, layout.policy());
    if (err < 0) return Malformed(layout.what(), err);
  }
  for (const AttrSpec& s : layout.attrs()) {
    if (s.required && !a.Has(s.type)) {
      return absl::InternalError(
          absl::StrCat("malformed ", layout.what(), " reply: ", s.name,
                       " is missing (the module and buddyctl are not built from the same tree?)"));
    }
  }
  return a;
}

absl::StatusOr<Attrs> Attrs::Parse(const AttrLayout& layout, const Message& m) {
  return Parse(layout, m.attrs(), m.attrs_len());
}

bool Attrs::Has(int type) const {
  return type >= 0 && static_cast<size_t>(type) < tb_.size() &&
         tb_[static_cast<size_t>(type)] != nullptr;
}

nlattr* Attrs::At(int type) const { return Has(type) ? tb_[static_cast<size_t>(type)] : nullptr; }

// The policy has checked each present attribute's length for its type.
uint8_t Attrs::U8(int type) const { return Has(type) ? nla_get_u8(At(type)) : 0; }
uint16_t Attrs::U16(int type) const { return Has(type) ? nla_get_u16(At(type)) : 0; }
uint32_t Attrs::U32(int type) const { return Has(type) ? nla_get_u32(At(type)) : 0; }
uint64_t Attrs::U64(int type) const { return Has(type) ? nla_get_u64(At(type)) : 0; }
std::string Attrs::Str(int type) const { return Has(type) ? nla_get_string(At(type)) : ""; }

absl::StatusOr<Attrs> Attrs::Nested(int type, const AttrLayout& layout) const {
  if (!Has(type)) return Parse(layout, nullptr, 0);
  return Parse(layout, static_cast<const nlattr*>(nla_data(At(type))), nla_len(At(type)));
}

absl::StatusOr<std::vector<Attrs>> Attrs::Each(const nlattr* head, int len, int member,
                                               const AttrLayout& layout) const {
  std::vector<Attrs> out;
  nlattr* pos = nullptr;
  int rem = 0;
  nla_for_each_attr(pos, Mutable(head), len, rem) {
    if (member != kAnyMember && nla_type(pos) != member) continue;
    BUDDYCTL_ASSIGN_OR_RETURN(
        Attrs a, Parse(layout, static_cast<const nlattr*>(nla_data(pos)), nla_len(pos)));
    out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<std::vector<Attrs>> Attrs::List(int list, int member,
                                               const AttrLayout& layout) const {
  if (!Has(list)) return std::vector<Attrs>{};  // a required one was checked by Parse
  return Each(static_cast<const nlattr*>(nla_data(At(list))), nla_len(At(list)), member, layout);
}

absl::StatusOr<std::vector<Attrs>> Attrs::All(int member, const AttrLayout& layout) const {
  if (head_ == nullptr) return std::vector<Attrs>{};
  return Each(head_, len_, member, layout);
}

absl::Status Attrs::ReadU64Array(int type, uint64_t* out, size_t n) const {
  if (!Has(type)) return absl::OkStatus();  // required ones were checked by Parse
  std::vector<nla_policy> policy(n + 1);
  for (size_t i = 1; i <= n; ++i) policy[i].type = NLA_U64;
  std::vector<nlattr*> tb(n + 1);
  const int err = nla_parse_nested(tb.data(), static_cast<int>(n), At(type), policy.data());
  if (err < 0) return Malformed(layout_->what(), err);
  for (size_t i = 0; i < n; ++i) out[i] = tb[i + 1] != nullptr ? nla_get_u64(tb[i + 1]) : 0;
  return absl::OkStatus();
}

}  // namespace buddyctl
