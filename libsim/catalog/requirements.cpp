#include "capsim/catalog/requirements.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"

namespace capsim {

namespace {
std::optional<std::int64_t> as_integer(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

const char* to_string(Operator op) {
  switch (op) {
    case Operator::In: return "In";
    case Operator::NotIn: return "NotIn";
    case Operator::Exists: return "Exists";
    case Operator::DoesNotExist: return "DoesNotExist";
    case Operator::Gt: return "Gt";
    case Operator::Lt: return "Lt";
    case Operator::Gte: return "Gte";
    case Operator::Lte: return "Lte";
  }
  return "?";
}

std::optional<Operator> parse_operator(std::string_view s) {
  for (Operator op : {Operator::In, Operator::NotIn, Operator::Exists, Operator::DoesNotExist, Operator::Gt, Operator::Lt, Operator::Gte,
                      Operator::Lte})
    if (s == to_string(op)) return op;
  return std::nullopt;
}

std::string check_requirement(const Requirement& r) {
  const auto& keys = well_known_label_keys();
  if (std::find(keys.begin(), keys.end(), r.key) == keys.end()) {
    std::string hint = did_you_mean(r.key, keys);
    return fmt::format("a well-known label key (such as {}), got '{}'{}", label::kGpuCount, r.key, hint.empty() ? "" : " (" + hint + ")");
  }
  return check_requirement_values(r);
}

std::string check_requirement_values(const Requirement& r) {
  switch (r.op) {
    case Operator::In:
    case Operator::NotIn:
      if (r.values.empty()) return fmt::format("at least one value for {}", to_string(r.op));
      break;
    case Operator::Exists:
    case Operator::DoesNotExist:
      if (!r.values.empty()) return fmt::format("no values for {}", to_string(r.op));
      break;
    case Operator::Gt:
    case Operator::Lt:
    case Operator::Gte:
    case Operator::Lte:
      if (r.values.size() != 1 || !as_integer(r.values[0]))
        return fmt::format("exactly one integer value for {}", to_string(r.op));
      break;
  }
  return {};
}

KeyConstraint KeyConstraint::from(const Requirement& r) {
  KeyConstraint k;
  switch (r.op) {
    case Operator::In:
      k.complement_ = false;
      k.values_ = {r.values.begin(), r.values.end()};
      k.allows_absent_ = false;
      break;
    case Operator::NotIn:
      k.values_ = {r.values.begin(), r.values.end()};
      break;
    case Operator::Exists:
      k.allows_absent_ = false;
      break;
    case Operator::DoesNotExist:
      k.must_be_absent_ = true;
      break;
    case Operator::Gt:
      k.greater_than_ = as_integer(r.values.at(0));
      k.allows_absent_ = false;
      break;
    case Operator::Lt:
      k.less_than_ = as_integer(r.values.at(0));
      k.allows_absent_ = false;
      break;
    // On integers Gte N is Gt N-1 and Lte N is Lt N+1 (Karpenter canonicalises the other way, Gt N
    // to Gte N+1): one pair of bounds serves all four.
    case Operator::Gte: {
      const std::int64_t n = *as_integer(r.values.at(0));
      if (n > std::numeric_limits<std::int64_t>::min()) k.greater_than_ = n - 1;  // Gte of the least integer bounds nothing
      k.allows_absent_ = false;
      break;
    }
    case Operator::Lte: {
      const std::int64_t n = *as_integer(r.values.at(0));
      if (n < std::numeric_limits<std::int64_t>::max()) k.less_than_ = n + 1;
      k.allows_absent_ = false;
      break;
    }
  }
  return k;
}

bool KeyConstraint::allows(std::string_view v) const {
  if (must_be_absent_) return false;
  const bool listed = values_.count(v) > 0;
  if (complement_ == listed) return false;
  if (greater_than_ || less_than_) {
    auto n = as_integer(v);
    if (!n) return false;
    if (greater_than_ && !(*n > *greater_than_)) return false;
    if (less_than_ && !(*n < *less_than_)) return false;
  }
  return true;
}

KeyConstraint KeyConstraint::intersect(const KeyConstraint& o) const {
  KeyConstraint k;
  if (!complement_ && !o.complement_) {
    k.complement_ = false;
    std::set_intersection(values_.begin(), values_.end(), o.values_.begin(), o.values_.end(),
                          std::inserter(k.values_, k.values_.end()));
  } else if (!complement_ || !o.complement_) {
    const KeyConstraint& in = complement_ ? o : *this;
    const KeyConstraint& out = complement_ ? *this : o;
    k.complement_ = false;
    for (const auto& v : in.values_)
      if (!out.values_.count(v)) k.values_.insert(v);
  } else {
    k.values_ = values_;
    k.values_.insert(o.values_.begin(), o.values_.end());
  }
  auto tighter = [](std::optional<std::int64_t> a, std::optional<std::int64_t> b, bool lower) -> std::optional<std::int64_t> {
    if (!a) return b;
    if (!b) return a;
    return lower ? std::max(*a, *b) : std::min(*a, *b);
  };
  k.greater_than_ = tighter(greater_than_, o.greater_than_, true);
  k.less_than_ = tighter(less_than_, o.less_than_, false);
  k.allows_absent_ = allows_absent_ && o.allows_absent_;
  k.must_be_absent_ = must_be_absent_ || o.must_be_absent_;
  return k;
}

bool KeyConstraint::empty() const {
  if (allows_absent_) return false;
  if (must_be_absent_) return true;
  if (greater_than_ && less_than_ && *less_than_ - *greater_than_ < 2) return true;
  if (!complement_) return std::none_of(values_.begin(), values_.end(), [&](const std::string& v) { return allows(v); });
  return false;
}

std::string KeyConstraint::describe() const {
  std::string s;
  if (must_be_absent_) return "DoesNotExist";
  if (!complement_ || !values_.empty()) {
    s = complement_ ? "NotIn [" : "In [";
    std::size_t i = 0;
    for (const auto& v : values_) s += (i++ ? ", " : "") + v;
    s += "]";
  } else if (!greater_than_ && !less_than_) {
    s = allows_absent_ ? "(anything)" : "Exists";
  }
  if (greater_than_) s += (s.empty() ? "" : " ") + fmt::format("Gt {}", *greater_than_);
  if (less_than_) s += (s.empty() ? "" : " ") + fmt::format("Lt {}", *less_than_);
  return s;
}

Requirements::Requirements(const std::vector<Requirement>& rs) {
  for (const auto& r : rs) {
    if (auto bad = check_requirement_values(r); !bad.empty()) throw Error(fmt::format("requirement on {}: expected {}", r.key, bad));
    KeyConstraint k = KeyConstraint::from(r);
    auto it = keys_.find(r.key);
    if (it == keys_.end()) keys_.emplace(r.key, k);
    else it->second = it->second.intersect(k);
  }
}

bool Requirements::matches(const Labels& labels, bool (*ignore)(std::string_view key)) const {
  // The same test as why_not, without building the message: scheduling asks this very often.
  for (const auto& [key, k] : keys_) {
    if (ignore && ignore(key)) continue;
    auto it = labels.find(key);
    if (it == labels.end() ? !k.allows_absent() : !k.allows(it->second)) return false;
  }
  return true;
}

std::string Requirements::why_not(const Labels& labels, bool (*ignore)(std::string_view key)) const {
  for (const auto& [key, k] : keys_) {
    if (ignore && ignore(key)) continue;
    auto it = labels.find(key);
    if (it == labels.end()) {
      if (!k.allows_absent()) return fmt::format("{} {} but the label is not set", key, k.describe());
    } else if (!k.allows(it->second)) {
      return fmt::format("{} {} but it is {}", key, k.describe(), it->second);
    }
  }
  return {};
}

Requirements Requirements::intersect(const Requirements& o) const {
  Requirements out = *this;
  for (const auto& [key, k] : o.keys_) {
    auto it = out.keys_.find(key);
    if (it == out.keys_.end()) out.keys_.emplace(key, k);
    else it->second = it->second.intersect(k);
  }
  return out;
}

bool Requirements::compatible(const Requirements& o) const {
  for (const auto& [key, k] : o.keys_) {
    auto it = keys_.find(key);
    if (it != keys_.end() && it->second.intersect(k).empty()) return false;
  }
  return true;
}

}  // namespace capsim
