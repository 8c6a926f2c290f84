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
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
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
  AttrLayout(absl::string_view what, int maxtype, std::vector<AttrSpec> attrs);

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

// ---- one table per struct ------------------------------------------------------
//
// A Decoder<S> is the one table that says which attribute fills which field
// of S: its layout (policy, names, required set) and its decoding both come
// from it. A field's libnl type follows from the field's C++ type: bool ->
// NLA_U8, uint16_t -> NLA_U16, uint32_t or an enum -> NLA_U32, uint64_t ->
// NLA_U64, std::string -> NLA_STRING, std::array<(u)int64_t, N> -> a uapi
// "array of u64" nest. A std::optional<T> field is an optional attribute,
// left empty when absent; every other field's attribute is required.

template <typename S>
struct Field {
  AttrSpec spec;
  absl::Status (*assign)(S& s, const Attrs& a, int type);
};

namespace attrs_internal {

template <typename>
struct Member;
template <typename S, typename T>
struct Member<T S::*> {
  using Struct = S;
  using Type = T;
};

template <typename T>
struct Optional : std::false_type {
  using Inner = T;
};
template <typename T>
struct Optional<std::optional<T>> : std::true_type {
  using Inner = T;
};

template <typename T>
struct U64Array : std::false_type {};
template <typename E, size_t N>
struct U64Array<std::array<E, N>> : std::bool_constant<sizeof(E) == 8> {};

template <typename T>
constexpr uint16_t NlaType() {
  if constexpr (std::is_same_v<T, bool>) {
    return NLA_U8;
  } else if constexpr (std::is_same_v<T, uint16_t>) {
    return NLA_U16;
  } else if constexpr (std::is_enum_v<T> || std::is_same_v<T, uint32_t>) {
    return NLA_U32;
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return NLA_U64;
  } else if constexpr (std::is_same_v<T, std::string>) {
    return NLA_STRING;
  } else {
    static_assert(U64Array<T>::value, "no attribute type for this field type");
    return NLA_NESTED;
  }
}

template <typename T>
absl::StatusOr<T> Read(const Attrs& a, int type) {
  if constexpr (std::is_same_v<T, bool>) {
    return a.U8(type) != 0;
  } else if constexpr (std::is_same_v<T, uint16_t>) {
    return a.U16(type);
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<T>(a.U32(type));
  } else if constexpr (std::is_same_v<T, uint32_t>) {
    return a.U32(type);
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return a.U64(type);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return a.Str(type);
  } else {
    // (u64)(s64) on the wire for the signed ones.
    BUDDYCTL_ASSIGN_OR_RETURN(auto raw, a.U64Array<std::tuple_size_v<T>>(type));
    T out{};
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<typename T::value_type>(raw[i]);
    }
    return out;
  }
}

}  // namespace attrs_internal

// The Field for `member` (a pointer to member) filled from attribute `type`.
template <auto member>
Field<typename attrs_internal::Member<decltype(member)>::Struct> MakeField(int type,
                                                                           const char* name) {
  using S = typename attrs_internal::Member<decltype(member)>::Struct;
  using T = typename attrs_internal::Member<decltype(member)>::Type;
  using Opt = attrs_internal::Optional<T>;
  return {AttrSpec{type, attrs_internal::NlaType<typename Opt::Inner>(), name, !Opt::value},
          [](S& s, const Attrs& a, int t) -> absl::Status {
            if (Opt::value && !a.Has(t)) return absl::OkStatus();
            BUDDYCTL_ASSIGN_OR_RETURN(s.*member, attrs_internal::Read<typename Opt::Inner>(a, t));
            return absl::OkStatus();
          }};
}

// A field entry spelled from the uapi identifier and the member it fills.
#define BUDDYCTL_FIELD(attr, member) ::buddyctl::MakeField<member>(attr, #attr)

template <typename S>
class Decoder {
 public:
  // `others`: attributes of the level that no field takes (lists, nests
  // decoded by hand), so the policy and the required check cover them.
  Decoder(absl::string_view what, int maxtype, std::vector<Field<S>> fields,
          std::vector<AttrSpec> others = {})
      : fields_(std::move(fields)), layout_(what, maxtype, Specs(fields_, std::move(others))) {}

  const AttrLayout& layout() const { return layout_; }

  // Every field of `s` from `a`, a level parsed with layout().
  absl::Status Fill(const Attrs& a, S& s) const {
    for (const Field<S>& f : fields_) BUDDYCTL_RETURN_IF_ERROR(f.assign(s, a, f.spec.type));
    return absl::OkStatus();
  }
  absl::StatusOr<S> Decode(const Attrs& a) const {
    S s{};
    BUDDYCTL_RETURN_IF_ERROR(Fill(a, s));
    return s;
  }
  // Parse a whole message's attributes and decode them.
  absl::StatusOr<S> Decode(const Message& m) const {
    BUDDYCTL_ASSIGN_OR_RETURN(Attrs a, Attrs::Parse(layout_, m));
    return Decode(a);
  }

 private:
  static std::vector<AttrSpec> Specs(const std::vector<Field<S>>& fields,
                                     std::vector<AttrSpec> specs) {
    for (const Field<S>& f : fields) specs.push_back(f.spec);
    return specs;
  }

  std::vector<Field<S>> fields_;
  AttrLayout layout_;
};

}  // namespace buddyctl

#endif  // BUDDYCTL_SRC_ATTRS_H_
