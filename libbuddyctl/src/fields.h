// SPDX-License-Identifier: GPL-2.0
// A field table states once, per field of a flat reply struct, everything
// the library does with it: the uapi attribute it is decoded from, its JSON
// key, and, when it is exported, its Prometheus metric. The decoder, to_json
// and the Prometheus writer all iterate the table, so a new scalar counter
// is one row (see reply_fields.cc for the tables).
#ifndef BUDDYCTL_SRC_FIELDS_H_
#define BUDDYCTL_SRC_FIELDS_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "attrs.h"

namespace buddyctl {

// How a field's value becomes a sample value.
enum class Unit {
  kCount,           // as is
  kNsAsSeconds,     // exact decimal seconds
  kMsAsSeconds,     // ms / 1000 (also a budget in ms per second as a ratio)
  kPercentAsRatio,  // percent / 100
  kOneHot,          // an enum: one sample per value of `names`, 1 for the current one
};

// The Prometheus side of one field. Samples carry the table's per-element
// labels first (e.g. order="3"), then `label`, then `index_label`.
struct Metric {
  const char* name = nullptr;  // nullptr: not exported
  const char* type = "counter";
  // nullptr: the row adds samples to the family of the row before (one
  // family over several fields, told apart by `label`).
  const char* help = nullptr;
  Unit unit = Unit::kCount;
  const char* label = nullptr;  // a label fixed for this field: label="label_value"
  const char* label_value = nullptr;
  // Arrays and kOneHot: one sample per element, labelled index_label=names(i)
  // (the index itself when the row has no names).
  const char* index_label = nullptr;
};

// Spells the common metrics.
inline Metric Counter(const char* name, const char* help, Unit unit = Unit::kCount) {
  return Metric{name, "counter", help, unit};
}
inline Metric Gauge(const char* name, const char* help, Unit unit = Unit::kCount) {
  return Metric{name, "gauge", help, unit};
}
// A counter family over several fields (the first row has the help; the
// others pass nullptr), each field one value of `label`.
inline Metric CounterBy(const char* name, const char* help, const char* label,
                        const char* label_value) {
  return Metric{name, "counter", help, Unit::kCount, label, label_value};
}
// An array (or, with Unit::kOneHot, an enum) labelled by element.
inline Metric Indexed(Metric m, const char* index_label) {
  m.index_label = index_label;
  return m;
}

template <typename S>
struct FieldRow {
  Field<S> decode;
  const char* json_key;
  // Names of the values (an enum, a migratetype) or of the elements (an
  // array indexed by priority, result, ...): JSON shows names, not numbers,
  // and Prometheus labels the elements with them. nullptr: plain numbers.
  absl::string_view (*names)(int) = nullptr;
  size_t nr_names = 0;  // values of `names` (Unit::kOneHot)
  Metric metric;
  nlohmann::json (*to_json)(const S& s, absl::string_view (*names)(int)) = nullptr;
  size_t size = 1;                                    // elements: 1, or the array's length
  uint64_t (*value)(const S& s, size_t i) = nullptr;  // nullptr: not a number
};

template <typename S>
struct FieldTable {
  const char* what;  // names the level in decode errors
  int maxtype;
  std::vector<FieldRow<S>> rows;
  // Attributes of the level no row takes (lists, nests decoded by hand).
  std::vector<AttrSpec> others = {};

  // Rows are in the order of the Prometheus families; the decoder takes
  // them in the uapi's order, so a reply missing several attributes is
  // reported by the first of them in the header.
  Decoder<S> MakeDecoder() const {
    std::vector<Field<S>> fields;
    for (const FieldRow<S>& r : rows) fields.push_back(r.decode);
    std::stable_sort(fields.begin(), fields.end(), [](const Field<S>& a, const Field<S>& b) {
      return a.spec.type < b.spec.type;
    });
    return Decoder<S>(what, maxtype, std::move(fields), others);
  }

  // Every row's JSON into `j` (an object).
  void ToJson(nlohmann::json& j, const S& s) const {
    for (const FieldRow<S>& r : rows) j[r.json_key] = r.to_json(s, r.names);
  }
};

namespace fields_internal {

template <typename T>
struct ArrayOf : std::false_type {};
template <typename E, size_t N>
struct ArrayOf<std::array<E, N>> : std::true_type {
  static constexpr size_t kSize = N;
};

template <auto member>
using MemberType = typename attrs_internal::Member<decltype(member)>::Type;
template <auto member>
using StructOf = typename attrs_internal::Member<decltype(member)>::Struct;

template <auto member>
nlohmann::json ToJson(const StructOf<member>& s, absl::string_view (*names)(int)) {
  using T = MemberType<member>;
  const T& v = s.*member;
  if constexpr (ArrayOf<T>::value) {
    if (names == nullptr) return v;
    nlohmann::json j = nlohmann::json::object();
    for (size_t i = 0; i < v.size(); ++i) j[absl::StrCat(names(static_cast<int>(i)))] = v[i];
    return j;
  } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
    if (names != nullptr && !std::is_same_v<T, bool>) {
      return absl::StrCat(names(static_cast<int>(v)));
    }
    return v;
  } else {
    return v;
  }
}

template <auto member>
uint64_t Value(const StructOf<member>& s, size_t i) {
  using T = MemberType<member>;
  if constexpr (ArrayOf<T>::value) {
    return static_cast<uint64_t>((s.*member)[i]);
  } else {
    return static_cast<uint64_t>(s.*member);
  }
}

}  // namespace fields_internal

// The row for `member`, decoded from `attr` (named `attr_name` in errors).
template <auto member>
FieldRow<fields_internal::StructOf<member>> MakeRow(int attr, const char* attr_name,
                                                    const char* json_key,
                                                    absl::string_view (*names)(int) = nullptr,
                                                    Metric metric = {}, size_t nr_names = 0) {
  using T = fields_internal::MemberType<member>;
  FieldRow<fields_internal::StructOf<member>> r{MakeField<member>(attr, attr_name), json_key, names,
                                                nr_names, metric};
  r.to_json = &fields_internal::ToJson<member>;
  if constexpr (fields_internal::ArrayOf<T>::value) {
    r.size = fields_internal::ArrayOf<T>::kSize;
    r.value = &fields_internal::Value<member>;
  } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
    r.value = &fields_internal::Value<member>;
  }
  return r;
}

// A row spelled from the uapi identifier, the member it fills and its JSON
// key; then optionally the names of its values and its Metric.
#define BUDDYCTL_ROW(attr, member, json_key, ...) \
  ::buddyctl::MakeRow<member>(attr, #attr, json_key __VA_OPT__(, ) __VA_ARGS__)

}  // namespace buddyctl

#endif  // BUDDYCTL_SRC_FIELDS_H_
