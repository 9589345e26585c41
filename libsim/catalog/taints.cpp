#include "capsim/catalog/taints.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace capsim {

namespace {

bool tolerated(const Taint& taint, const std::vector<Toleration>& tolerations) {
  return std::any_of(tolerations.begin(), tolerations.end(), [&](const Toleration& t) { return tolerates(t, taint); });
}

}  // namespace

std::string_view to_string(TaintEffect e) {
  switch (e) {
    case TaintEffect::NoSchedule:
      return "NoSchedule";
    case TaintEffect::PreferNoSchedule:
      return "PreferNoSchedule";
    case TaintEffect::NoExecute:
      return "NoExecute";
  }
  return "?";
}

std::optional<TaintEffect> parse_taint_effect(std::string_view s) {
  for (const TaintEffect e : {TaintEffect::NoSchedule, TaintEffect::PreferNoSchedule, TaintEffect::NoExecute})
    if (to_string(e) == s) return e;
  return std::nullopt;
}

std::string to_string(const Taint& t) {
  if (t.value.empty()) return fmt::format("{}:{}", t.key, to_string(t.effect));
  return fmt::format("{}={}:{}", t.key, t.value, to_string(t.effect));
}

std::string_view to_string(Toleration::Op op) { return op == Toleration::Op::Exists ? "Exists" : "Equal"; }

std::optional<Toleration::Op> parse_toleration_op(std::string_view s) {
  if (s.empty() || s == "Equal") return Toleration::Op::Equal;
  if (s == "Exists") return Toleration::Op::Exists;
  return std::nullopt;
}

std::string check_toleration(const Toleration& t) {
  // The two rules of ValidateTolerations (pkg/apis/core/validation) that change what matches.
  if (t.key.empty() && t.op != Toleration::Op::Exists)
    return "operator Exists when the key is empty (an empty key means \"match all keys and values\")";
  if (t.op == Toleration::Op::Exists && !t.value.empty())
    return fmt::format("an empty value with operator Exists, got value \"{}\"", t.value);
  return {};
}

bool tolerates(const Toleration& toleration, const Taint& taint) {
  if (toleration.effect && *toleration.effect != taint.effect) return false;
  if (!toleration.key.empty() && toleration.key != taint.key) return false;
  return toleration.op == Toleration::Op::Exists || toleration.value == taint.value;
}

const Taint* first_untolerated(const std::vector<Taint>& taints, const std::vector<Toleration>& tolerations) {
  for (const Taint& taint : taints) {
    if (taint.effect == TaintEffect::PreferNoSchedule) continue;  // scored, never filtered
    if (!tolerated(taint, tolerations)) return &taint;
  }
  return nullptr;
}

const Taint* first_untolerated_any_effect(const std::vector<Taint>& taints,
                                          const std::vector<Toleration>& tolerations) {
  for (const Taint& taint : taints)
    if (!tolerated(taint, tolerations)) return &taint;
  return nullptr;
}

}  // namespace capsim
