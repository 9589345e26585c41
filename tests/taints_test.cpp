// Taints and tolerations against the rules of the Kubernetes documentation and of
// k8s.io/api/core/v1 Toleration.ToleratesTaint.
#include <doctest/doctest.h>

#include <vector>

#include "capsim/catalog/taints.hpp"

using namespace capsim;

namespace {
using Op = Toleration::Op;

const Taint kGpu{"nvidia.com/gpu", "true", TaintEffect::NoSchedule};
}  // namespace

TEST_CASE("taints: a GPU taint and the tolerations that do or do not match it") {
  // No tolerations: blocked, and the taint is named.
  const std::vector<Taint> node{kGpu};
  CHECK(first_untolerated(node, {}) == &node[0]);

  // Exists on the key: any value, any effect.
  CHECK(tolerates({"nvidia.com/gpu", Op::Exists, "", std::nullopt}, kGpu));
  CHECK(first_untolerated(node, {{"nvidia.com/gpu", Op::Exists, "", std::nullopt}}) == nullptr);
  // Equal with the same value and effect.
  CHECK(tolerates({"nvidia.com/gpu", Op::Equal, "true", TaintEffect::NoSchedule}, kGpu));
  // Equal with the same value and no effect: every effect.
  CHECK(tolerates({"nvidia.com/gpu", Op::Equal, "true", std::nullopt}, kGpu));
  // A different value.
  CHECK_FALSE(tolerates({"nvidia.com/gpu", Op::Equal, "false", TaintEffect::NoSchedule}, kGpu));
  // Equal with an empty value does not match the value "true".
  CHECK_FALSE(tolerates({"nvidia.com/gpu", Op::Equal, "", std::nullopt}, kGpu));
  // Only NoExecute: the NoSchedule taint stays untolerated.
  CHECK_FALSE(tolerates({"nvidia.com/gpu", Op::Exists, "", TaintEffect::NoExecute}, kGpu));
  CHECK(first_untolerated(node, {{"nvidia.com/gpu", Op::Exists, "", TaintEffect::NoExecute}}) == &node[0]);
  // Another key; keys are compared exactly.
  CHECK_FALSE(tolerates({"amd.com/gpu", Op::Exists, "", std::nullopt}, kGpu));
  CHECK_FALSE(tolerates({"NVIDIA.com/gpu", Op::Exists, "", std::nullopt}, kGpu));
  // One matching toleration among others is enough.
  CHECK(first_untolerated(node, {{"dedicated", Op::Equal, "ml", std::nullopt},
                                 {"nvidia.com/gpu", Op::Exists, "", TaintEffect::NoSchedule}}) == nullptr);
}

TEST_CASE("taints: an empty key with Exists tolerates every taint") {
  const Toleration everything{"", Op::Exists, "", std::nullopt};
  CHECK(tolerates(everything, kGpu));
  CHECK(tolerates(everything, {"dedicated", "", TaintEffect::NoExecute}));
  CHECK(tolerates(everything, {"node.kubernetes.io/not-ready", "", TaintEffect::PreferNoSchedule}));
  // With an effect it tolerates every key of that effect only.
  const Toleration every_no_execute{"", Op::Exists, "", TaintEffect::NoExecute};
  CHECK(tolerates(every_no_execute, {"dedicated", "x", TaintEffect::NoExecute}));
  CHECK_FALSE(tolerates(every_no_execute, kGpu));
  // The Go code's reading of an empty key with Equal (which validation refuses): any key, same value.
  CHECK(tolerates({"", Op::Equal, "true", std::nullopt}, kGpu));
  CHECK_FALSE(tolerates({"", Op::Equal, "false", std::nullopt}, kGpu));
}

TEST_CASE("taints: PreferNoSchedule never blocks scheduling, but counts for Karpenter's first pass") {
  const std::vector<Taint> node{{"spot", "true", TaintEffect::PreferNoSchedule}};
  CHECK(first_untolerated(node, {}) == nullptr);
  CHECK(first_untolerated_any_effect(node, {}) == &node[0]);
  // Karpenter's relaxation adds {Exists, PreferNoSchedule}, which then tolerates it.
  CHECK(first_untolerated_any_effect(node, {{"", Op::Exists, "", TaintEffect::PreferNoSchedule}}) == nullptr);

  // The first blocking taint in order, skipping the preference.
  const std::vector<Taint> mixed{{"spot", "true", TaintEffect::PreferNoSchedule},
                                 {"dedicated", "ml", TaintEffect::NoExecute},
                                 kGpu};
  CHECK(first_untolerated(mixed, {}) == &mixed[1]);
  CHECK(first_untolerated_any_effect(mixed, {}) == &mixed[0]);
  CHECK(first_untolerated(mixed, {{"dedicated", Op::Equal, "ml", std::nullopt}}) == &mixed[2]);
  CHECK(first_untolerated(mixed, {{"dedicated", Op::Equal, "ml", std::nullopt},
                                  {"nvidia.com/gpu", Op::Exists, "", std::nullopt}}) == nullptr);
  CHECK(first_untolerated({}, {}) == nullptr);
}

TEST_CASE("taints: text forms") {
  CHECK(to_string(kGpu) == "nvidia.com/gpu=true:NoSchedule");
  CHECK(to_string(Taint{"dedicated", "", TaintEffect::NoExecute}) == "dedicated:NoExecute");
  CHECK(to_string(Taint{"spot", "true", TaintEffect::PreferNoSchedule}) == "spot=true:PreferNoSchedule");

  CHECK(parse_taint_effect("NoSchedule") == TaintEffect::NoSchedule);
  CHECK(parse_taint_effect("PreferNoSchedule") == TaintEffect::PreferNoSchedule);
  CHECK(parse_taint_effect("NoExecute") == TaintEffect::NoExecute);
  CHECK_FALSE(parse_taint_effect("noschedule").has_value());
  CHECK_FALSE(parse_taint_effect("").has_value());
  CHECK_FALSE(parse_taint_effect("NoScheduleNoAdmit").has_value());

  CHECK(parse_toleration_op("") == Op::Equal);  // the API's default
  CHECK(parse_toleration_op("Equal") == Op::Equal);
  CHECK(parse_toleration_op("Exists") == Op::Exists);
  CHECK_FALSE(parse_toleration_op("In").has_value());
  CHECK_FALSE(parse_toleration_op("Gt").has_value());
  CHECK(to_string(Op::Exists) == "Exists");
}

TEST_CASE("taints: tolerations the API server would refuse") {
  CHECK(check_toleration({"nvidia.com/gpu", Op::Exists, "", std::nullopt}).empty());
  CHECK(check_toleration({"nvidia.com/gpu", Op::Equal, "true", TaintEffect::NoSchedule}).empty());
  CHECK(check_toleration({"", Op::Exists, "", std::nullopt}).empty());
  CHECK(check_toleration({"", Op::Equal, "true", std::nullopt}) ==
        "operator Exists when the key is empty (an empty key means \"match all keys and values\")");
  CHECK(check_toleration({"nvidia.com/gpu", Op::Exists, "true", std::nullopt}) ==
        "an empty value with operator Exists, got value \"true\"");
}
