#pragma once
// Karpenter's requirements algebra: In, NotIn, Exists, DoesNotExist, Gt, Lt (and Karpenter's own
// Gte, Lte, which newer karpenter.sh/v1 NodePools and NodeOverlays accept and Kubernetes pods do not)
// on label keys. One
// algebra serves pods, NodePools, instance types and offerings: a set of requirements matches a set
// of labels, and two sets are compatible when some labels could satisfy both.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/labels.hpp"

namespace capsim {

enum class Operator { In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte, Lte };

const char* to_string(Operator op);
std::optional<Operator> parse_operator(std::string_view s);

/// One requirement as written in YAML: {key, operator, values}.
struct Requirement {
  std::string key;
  Operator op = Operator::In;
  std::vector<std::string> values;
};

/// What one key may be: a set of values (or everything but a set), integer bounds, and whether the
/// label may be absent. Intersecting two of them narrows the key as both requirements together do.
class KeyConstraint {
 public:
  static KeyConstraint from(const Requirement& r);
  /// Whether a label with this value satisfies the constraint.
  bool allows(std::string_view value) const;
  /// Whether a missing label satisfies it (NotIn and DoesNotExist allow absence).
  bool allows_absent() const { return allows_absent_; }
  KeyConstraint intersect(const KeyConstraint& o) const;
  /// True when no value and no absence satisfies it.
  bool empty() const;
  std::string describe() const;
  friend bool operator==(const KeyConstraint&, const KeyConstraint&) = default;

 private:
  bool complement_ = true;  // true: every value except `values_`; false: only `values_`
  std::set<std::string, std::less<>> values_;  // looked up by string_view: allows() builds no string
  std::optional<std::int64_t> greater_than_, less_than_;
  bool allows_absent_ = true;
  bool must_be_absent_ = false;
};

class Requirements {
 public:
  Requirements() = default;
  /// Throws capsim::Error for an operator without the values it needs (In/NotIn: at least one;
  /// Gt/Lt/Gte/Lte: exactly one integer; Exists/DoesNotExist: none). Keys are not checked here: the
  /// inputs check them (a NodeOverlay may also select on karpenter.sh/nodepool and template labels).
  explicit Requirements(const std::vector<Requirement>& rs);

  /// Every key's constraint satisfied by `labels` (keys the labels lack must allow absence).
  bool matches(const Labels& labels, bool (*ignore)(std::string_view key) = nullptr) const;
  /// Both sets together: the intersection, key by key.
  Requirements intersect(const Requirements& o) const;
  /// Some labels could satisfy both sets.
  bool compatible(const Requirements& o) const;
  /// The first requirement `labels` fail, described ("karpenter.k8s.aws/instance-gpu-count In [4]
  /// but the type has 1"), or "" when they match: the reason Karpenter's explain output gives.
  /// Keys for which `ignore` returns true are not checked (offering keys when matching a type).
  std::string why_not(const Labels& labels, bool (*ignore)(std::string_view key) = nullptr) const;
  bool empty() const { return keys_.empty(); }
  const std::map<std::string, KeyConstraint>& keys() const { return keys_; }
  /// The same constraint on the same keys (so the same answers).
  friend bool operator==(const Requirements&, const Requirements&) = default;

 private:
  std::map<std::string, KeyConstraint> keys_;
};

/// Validates one requirement as written (operator and values; the key must be well known). Returns
/// "" when fine, else what was expected.
std::string check_requirement(const Requirement& r);
/// The same without the key: only the operator and its values.
std::string check_requirement_values(const Requirement& r);

}  // namespace capsim
