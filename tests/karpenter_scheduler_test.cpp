// Karpenter's provisioning simulation against the bundled aws-us-east-1 catalog. Every expected type
// and price below was read off scenarios/data/aws-us-east-1/instance_catalog.csv by hand (alloc cpu,
// alloc memory, gpus, on-demand price), not taken from the program's output.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "capsim/catalog/labels.hpp"
#include "capsim/provisioning/karpenter/scheduler.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
using test::catalog;
using test::req;
PodSpec pod(std::string name, std::int64_t cpu_m, std::int64_t mem_mib, int gpus = 0, std::vector<Requirement> rs = {}) {
  return PodSpec{std::move(name), ResourceList{cpu_m, mem_mib, gpus, 1}, Requirements(rs), {}, {}, {}};
}
NodePoolSpec node_pool(std::string name, std::vector<Requirement> rs = {}, int weight = 0) {
  NodePoolSpec p;
  p.name = std::move(name);
  p.requirements = Requirements(rs);
  p.weight = weight;
  return p;
}
std::vector<Offering> ondemand() { return ondemand_offerings(catalog(), {"us-east-1a"}); }
Offering offer(std::string type, CapacityType ct, double price) {
  Offering o;
  o.instance_type = std::move(type);
  o.zone = "us-east-1a";
  o.capacity_type = ct;
  o.price_usd_per_h = price;
  return o;
}
const Rejection* rejection(const ClaimExplanation& e, std::string_view type) {
  for (const Rejection& r : e.cheaper_rejected)
    if (r.instance_type == type) return &r;
  return nullptr;
}
bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

TEST_CASE("a 1-GPU pod gets the cheapest 1-GPU type, g4dn.xlarge") {
  // GPU types by on-demand price: g4dn.xlarge 0.526 < g4dn.2xlarge 0.752 < g6.xlarge 0.8048 <
  // g6.2xlarge 0.9776 < g5.xlarge 1.006. All hold 1000m / 2048Mi / 1 GPU.
  auto r = schedule({pod("infer", 1000, 2048, 1)}, {node_pool("default")}, {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 1);
  const PlannedNodeClaim& c = r.claims[0];
  CHECK(c.node_pool == "default");
  CHECK(c.pods == std::vector<std::string>{"infer"});
  REQUIRE(c.instance_types.size() >= 5);
  CHECK(c.instance_types[0] == "g4dn.xlarge");
  CHECK(c.instance_types[1] == "g4dn.2xlarge");
  CHECK(c.instance_types[2] == "g6.xlarge");
  CHECK(c.instance_types[3] == "g6.2xlarge");
  CHECK(c.instance_types[4] == "g5.xlarge");
  CHECK(c.capacity_type == CapacityType::OnDemand);
  CHECK(c.zone == "us-east-1a");
  CHECK(c.cheapest_price_usd_per_h == doctest::Approx(0.526));
  // Non-metal types with >= 1 GPU: g4dn 6 + g5 8 + g6 8 + g6e 8 + p3 3 + p4d 1 + p5 2 = 36
  // (g4dn.metal is dropped by the exotic filter: no size or type is required).
  CHECK(c.explanation.types_considered == 36);
  CHECK(c.instance_types.size() == 36);
  CHECK(std::find(c.instance_types.begin(), c.instance_types.end(), "g4dn.metal") == c.instance_types.end());
  // Cheaper than 0.526: c6i.large/xlarge/2xlarge, m5 and m6i large/xlarge/2xlarge, r6i
  // large/xlarge/2xlarge (0.504) = 12 CPU types, each without a GPU.
  CHECK(c.explanation.opened_by == "infer");
  REQUIRE(c.explanation.cheaper_rejected.size() == 12);
  CHECK(c.explanation.cheaper_rejected.front().instance_type == "c6i.large");
  CHECK(c.explanation.cheaper_rejected.front().price_usd_per_h == doctest::Approx(0.085));
  CHECK(c.explanation.cheaper_rejected.back().instance_type == "r6i.2xlarge");
  for (const Rejection& rej : c.explanation.cheaper_rejected)
    CHECK(rej.reason == "fit: nvidia.com/gpu 1 > 0 (not a GPU type)");
}

TEST_CASE("a 4-GPU pod: the explanation names g5.xlarge (fit, 1 GPU) and m5 (not a GPU type)") {
  // Types with >= 4 GPUs, by price: g4dn.12xlarge 3.912, g6.12xlarge 4.6016, g5.12xlarge 5.672, ...
  auto r = schedule({pod("train", 1000, 4096, 4)}, {node_pool("default")}, {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 1);
  const PlannedNodeClaim& c = r.claims[0];
  CHECK(c.instance_types[0] == "g4dn.12xlarge");
  CHECK(c.instance_types[1] == "g6.12xlarge");
  CHECK(c.instance_types[2] == "g5.12xlarge");
  CHECK(c.cheapest_price_usd_per_h == doctest::Approx(3.912));
  // >= 4 GPUs, not metal: g4dn.12xl; g5.12xl/24xl/48xl; g6.12xl/24xl/48xl; g6e.12xl/24xl/48xl;
  // p3.8xl/16xl; p4d.24xl; p5.48xl = 14.
  CHECK(c.instance_types.size() == 14);
  const Rejection* g5 = rejection(c.explanation, "g5.xlarge");
  REQUIRE(g5 != nullptr);
  CHECK(g5->reason == "fit: nvidia.com/gpu 4 > 1");
  CHECK(g5->price_usd_per_h == doctest::Approx(1.006));
  const Rejection* p3 = rejection(c.explanation, "p3.2xlarge");  // 3.06 < 3.912, one V100
  REQUIRE(p3 != nullptr);
  CHECK(p3->reason == "fit: nvidia.com/gpu 4 > 1");
  // m5.large (0.096) ... m5.16xlarge (3.072) are cheaper; m5.24xlarge (4.608) is not.
  for (std::string m5 : {"m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge", "m5.8xlarge", "m5.12xlarge", "m5.16xlarge"}) {
    const Rejection* m = rejection(c.explanation, m5);
    REQUIRE_MESSAGE(m != nullptr, m5);
    CHECK(m->reason == "fit: nvidia.com/gpu 4 > 0 (not a GPU type)");
  }
  CHECK(rejection(c.explanation, "m5.24xlarge") == nullptr);
  CHECK(rejection(c.explanation, "g4dn.metal") == nullptr);  // 7.824: not cheaper
  // Cheapest first.
  const auto& rej = c.explanation.cheaper_rejected;
  CHECK(std::is_sorted(rej.begin(), rej.end(), [](const Rejection& a, const Rejection& b) { return a.price_usd_per_h < b.price_usd_per_h; }));
}

TEST_CASE("GPU pods land only on types with enough GPUs") {
  std::vector<PodSpec> pods = {pod("g1", 1000, 2048, 1), pod("g2", 1000, 2048, 2), pod("g4", 1000, 2048, 4),
                               pod("g8", 1000, 2048, 8)};
  // Each pod scheduled alone, so no packing mixes them.
  for (const PodSpec& p : pods) {
    auto r = schedule({p}, {node_pool("default")}, {}, catalog(), ondemand());
    REQUIRE(r.claims.size() == 1);
    for (const std::string& t : r.claims[0].instance_types) CHECK_MESSAGE(catalog().at(t).gpus >= p.requests.gpus, t);
  }
}

TEST_CASE("a CPU pod never lands on a GPU type: the exotic filter") {
  // A spot g4dn.xlarge at 0.05 is cheaper than any CPU type (c6i.large 0.085) but is exotic.
  auto offs = ondemand();
  offs.push_back(offer("g4dn.xlarge", CapacityType::Spot, 0.05));
  auto spot_or_od = node_pool("default", {req(label::kCapacityType, Operator::In, {"spot", "on-demand"})});
  auto r = schedule({pod("web", 1000, 2048)}, {spot_or_od}, {}, catalog(), offs);
  REQUIRE(r.claims.size() == 1);
  const PlannedNodeClaim& c = r.claims[0];
  CHECK(c.instance_types[0] == "c6i.large");
  CHECK(c.capacity_type == CapacityType::OnDemand);  // no spot offering among the claim's types
  CHECK(c.cheapest_price_usd_per_h == doctest::Approx(0.085));
  for (const std::string& t : c.instance_types) CHECK_MESSAGE(!catalog().at(t).accelerated(), t);
  REQUIRE(c.explanation.cheaper_rejected.size() == 1);
  CHECK(c.explanation.cheaper_rejected[0].instance_type == "g4dn.xlarge");
  CHECK(c.explanation.cheaper_rejected[0].price_usd_per_h == doctest::Approx(0.05));
  CHECK(starts_with(c.explanation.cheaper_rejected[0].reason, "exotic: GPU"));

  SUBCASE("unless the pool allows nothing but GPU types") {
    auto g4dn = node_pool("g4dn", {req(label::kFamily, Operator::In, {"g4dn"})});
    auto r2 = schedule({pod("web", 1000, 2048)}, {g4dn}, {}, catalog(), offs);
    REQUIRE(r2.claims.size() == 1);
    // Spot 0.05 <= the cheapest on-demand offering (g4dn.xlarge 0.526): spot, and only g4dn.xlarge has spot.
    CHECK(r2.claims[0].capacity_type == CapacityType::Spot);
    CHECK(r2.claims[0].instance_types == std::vector<std::string>{"g4dn.xlarge"});
    CHECK(r2.claims[0].cheapest_price_usd_per_h == doctest::Approx(0.05));
  }
}

TEST_CASE("mixed GPU pods: Karpenter packs them into one in-flight claim while a type holds all") {
  // Sorted by cpu: "big" (2000m, 4 GPUs) first opens a claim of the 14 types with >= 4 GPUs. "a"
  // (1 GPU) can join it: 5 GPUs leave the 8-GPU non-metal types; "b" joins too (6 GPUs). The
  // cheapest 8-GPU type: g6.48xlarge 13.3504 < g5.48xlarge 16.288 < p4d.24xlarge 21.957642 <
  // p3.16xlarge 24.48 < g6e.48xlarge 30.13118 < p5.48xlarge 55.04.
  std::vector<PodSpec> pods = {pod("a", 1000, 4096, 1), pod("b", 1000, 4096, 1), pod("big", 2000, 8192, 4)};
  auto r = schedule(pods, {node_pool("default")}, {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 1);
  const PlannedNodeClaim& c = r.claims[0];
  CHECK(c.pods == std::vector<std::string>{"big", "a", "b"});
  CHECK(c.instance_types == std::vector<std::string>{"g6.48xlarge", "g5.48xlarge", "p4d.24xlarge", "p3.16xlarge",
                                                      "g6e.48xlarge", "p5.48xlarge"});
  CHECK(c.cheapest_price_usd_per_h == doctest::Approx(13.3504));
  CHECK(c.requests.gpus == 6);
  CHECK(c.requests.cpu_millicores == 4000);
  CHECK(c.explanation.opened_by == "big");
  CHECK(c.explanation.opened_price_usd_per_h == doctest::Approx(3.912));  // g4dn.12xlarge when opened

  SUBCASE("pods that require T4 GPUs cannot narrow the 4-GPU claim (query, then commit)") {
    // "a" requires gpu-name t4: the big claim's types ∩ g4dn with >= 5 GPUs is empty (g4dn.12xlarge
    // has 4, g4dn.metal is exotic), so it opens g4dn.xlarge (0.526). "b" (same requirements) then joins
    // "a"'s claim: 2 GPUs leave g4dn.12xlarge (3.912) alone.
    std::vector<Requirement> t4 = {req(label::kGpuName, Operator::In, {"t4"})};
    auto r2 = schedule({pod("a", 1000, 4096, 1, t4), pod("b", 1000, 4096, 1, t4), pod("big", 2000, 8192, 4)}, {node_pool("default")},
                       {}, catalog(), ondemand());
    REQUIRE(r2.claims.size() == 2);
    CHECK(r2.claims[0].pods == std::vector<std::string>{"big"});
    CHECK(r2.claims[0].instance_types.size() == 14);  // unchanged by the failed query
    CHECK(r2.claims[0].instance_types[0] == "g4dn.12xlarge");
    CHECK(r2.claims[1].pods == std::vector<std::string>{"a", "b"});
    CHECK(r2.claims[1].instance_types == std::vector<std::string>{"g4dn.12xlarge"});
    CHECK(r2.claims[1].explanation.opened_price_usd_per_h == doctest::Approx(0.526));
  }
}

TEST_CASE("NodePool limits stop provisioning") {
  // limits nvidia.com/gpu 4: the first 4-GPU pod's claim keeps only types of <= 4 GPUs and reserves
  // their largest GPU count (4), so nothing is left for the second.
  auto gpu = node_pool("gpu");
  gpu.limits.gpus = 4;
  auto r = schedule({pod("p1", 1000, 4096, 4), pod("p2", 1000, 4096, 4)}, {gpu}, {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 1);
  CHECK(r.claims[0].pods == std::vector<std::string>{"p1"});
  // 4-GPU types: g4dn.12xl, g5.12xl/24xl, g6.12xl/24xl, g6e.12xl/24xl, p3.8xl = 8.
  CHECK(r.claims[0].instance_types.size() == 8);
  CHECK(r.claims[0].instance_types[0] == "g4dn.12xlarge");
  REQUIRE(r.unschedulable.size() == 1);
  CHECK(r.unschedulable[0].pod == "p2");
  CHECK(r.unschedulable[0].reason == "pool gpu: limits: nvidia.com/gpu 4 > 0 remaining (g4dn.12xlarge)");

  SUBCASE("a nodes limit counts the pool's existing nodes") {
    auto one = node_pool("one");
    one.limits.nodes = 1;
    ExistingNode n{"n1", &catalog().at("m5.large"), ResourceList{0, 0, 0, 0}, std::make_shared<const Labels>(labels_of(catalog().at("m5.large"))), "one", {}};
    auto r2 = schedule({pod("web", 1000, 2048)}, {one}, {n}, catalog(), ondemand());
    CHECK(r2.claims.empty());
    REQUIRE(r2.unschedulable.size() == 1);
    CHECK(starts_with(r2.unschedulable[0].reason, "pool one: limits: nodes 1 + 1 > 1"));
  }
}

TEST_CASE("NodePool weights order the pools") {
  // "high" (weight 10, c6i) is tried before "low" (weight 0, m5) although listed second.
  auto low = node_pool("low", {req(label::kFamily, Operator::In, {"m5"})}, 0);
  auto high = node_pool("high", {req(label::kFamily, Operator::In, {"c6i"})}, 10);
  auto r = schedule({pod("x", 1000, 2048), pod("y", 1000, 2048, 0, {req(label::kFamily, Operator::In, {"m5"})})}, {low, high},
                    {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 2);
  CHECK(r.claims[0].node_pool == "high");
  CHECK(r.claims[0].pods == std::vector<std::string>{"x"});
  CHECK(r.claims[0].instance_types[0] == "c6i.large");  // 0.085
  // "y" requires m5: "high" is incompatible, so "low" provides m5.large (0.096), then m5.xlarge.
  CHECK(r.claims[1].node_pool == "low");
  CHECK(r.claims[1].pods == std::vector<std::string>{"y"});
  CHECK(r.claims[1].instance_types[0] == "m5.large");
  CHECK(r.claims[1].instance_types[1] == "m5.xlarge");
}

TEST_CASE("an existing node with room is used first; pods are placed largest first") {
  const InstanceType& m5 = catalog().at("m5.xlarge");
  ExistingNode n1{"n1", &m5, ResourceList{2000, 4096, 0, 10}, std::make_shared<const Labels>(labels_of(m5)), "", {}};
  // Input order p3, p2, p1; the queue is p1 (1500m), p2 (1000m), p3 (500m).
  std::vector<PodSpec> pods = {pod("p3", 500, 512, 0, {req(label::kFamily, Operator::In, {"c6i"})}), pod("p2", 1000, 1024),
                               pod("p1", 1500, 2048)};
  auto r = schedule(pods, {node_pool("default")}, {n1}, catalog(), ondemand());
  // p1 → n1 (500m left); p2 does not fit → new claim (c6i.large 0.085 holds 1000m/1024Mi); p3 fits
  // n1's 500m but requires c6i, so it joins p2's claim, narrowed to the c6i family (non-metal: 9).
  REQUIRE(r.bound_to_existing.size() == 1);
  CHECK(r.node_of("p1") == "n1");
  REQUIRE(r.claims.size() == 1);
  CHECK(r.claims[0].pods == std::vector<std::string>{"p2", "p3"});
  CHECK(r.claims[0].instance_types.size() == 9);
  for (const std::string& t : r.claims[0].instance_types) CHECK(starts_with(t, "c6i."));
  CHECK(r.claims[0].instance_types[0] == "c6i.large");
  CHECK(r.unschedulable.empty());
}

TEST_CASE("spot is chosen over on-demand when allowed and cheaper than the cheapest on-demand") {
  auto both = node_pool("default", {req(label::kCapacityType, Operator::In, {"spot", "on-demand"})});
  std::vector<Offering> offs = {offer("m5.large", CapacityType::OnDemand, 0.096), offer("m5.large", CapacityType::Spot, 0.035),
                                offer("c6i.large", CapacityType::OnDemand, 0.085), offer("c6i.large", CapacityType::Spot, 0.10)};
  SUBCASE("spot 0.035 below the cheapest on-demand 0.085") {
    auto r = schedule({pod("web", 1000, 2048)}, {both}, {}, catalog(), offs);
    REQUIRE(r.claims.size() == 1);
    CHECK(r.claims[0].capacity_type == CapacityType::Spot);
    // c6i.large's spot (0.10) is above the cheapest on-demand (0.085): dropped.
    CHECK(r.claims[0].instance_types == std::vector<std::string>{"m5.large"});
    CHECK(r.claims[0].cheapest_price_usd_per_h == doctest::Approx(0.035));
  }
  SUBCASE("spot 0.09 above the cheapest on-demand 0.085 is dropped") {
    offs[1].price_usd_per_h = 0.09;
    auto r = schedule({pod("web", 1000, 2048)}, {both}, {}, catalog(), offs);
    REQUIRE(r.claims.size() == 1);
    CHECK(r.claims[0].capacity_type == CapacityType::OnDemand);
    CHECK(r.claims[0].instance_types == std::vector<std::string>{"c6i.large", "m5.large"});
    CHECK(r.claims[0].cheapest_price_usd_per_h == doctest::Approx(0.085));
  }
  SUBCASE("a pool that allows only on-demand") {
    auto od = node_pool("od", {req(label::kCapacityType, Operator::In, {"on-demand"})});
    auto r = schedule({pod("web", 1000, 2048)}, {od}, {}, catalog(), offs);
    REQUIRE(r.claims.size() == 1);
    CHECK(r.claims[0].capacity_type == CapacityType::OnDemand);
    CHECK(r.claims[0].instance_types == std::vector<std::string>{"c6i.large", "m5.large"});
  }
  SUBCASE("types without an available offering are rejected for the offering") {
    offs[0].available = false;
    offs[1].available = false;  // m5.large: nothing available
    auto r = schedule({pod("web", 1000, 2048)}, {both}, {}, catalog(), offs);
    REQUIRE(r.claims.size() == 1);
    CHECK(r.claims[0].instance_types == std::vector<std::string>{"c6i.large"});
  }
}

TEST_CASE("a claim carries at most 60 instance types, cheapest first") {
  // 100 synthetic 2-vCPU types at 1.00 .. 1.99 USD/h plus the 35 non-exotic real ones: 135 candidates.
  std::vector<InstanceType> types = catalog().types();
  for (int k = 0; k < 100; ++k) {
    InstanceType t = catalog().at("m5.large");
    t.name = "t9.s" + std::to_string(k);
    t.family = "t9";
    t.ondemand_usd_per_h = 1.0 + 0.01 * k;
    types.push_back(t);
  }
  const InstanceCatalog big(types, "test");
  auto r = schedule({pod("tiny", 100, 128)}, {node_pool("default")}, {}, big, ondemand_offerings(big, {"us-east-1a"}));
  REQUIRE(r.claims.size() == 1);
  const auto& its = r.claims[0].instance_types;
  CHECK(r.claims[0].explanation.types_considered == 135);
  REQUIRE(its.size() == 60);
  CHECK(its[0] == "c6i.large");
  for (std::size_t i = 1; i < its.size(); ++i) CHECK(big.at(its[i - 1]).ondemand_usd_per_h <= big.at(its[i]).ondemand_usd_per_h);
}

TEST_CASE("without a NodePool a pod is unschedulable; negative requests are rejected") {
  auto r = schedule({pod("web", 1000, 2048)}, {}, {}, catalog(), ondemand());
  REQUIRE(r.unschedulable.size() == 1);
  CHECK(r.unschedulable[0].reason == "no NodePool");
  CHECK_THROWS_AS(schedule({pod("bad", -1, 0)}, {node_pool("default")}, {}, catalog(), ondemand()), Error);
}

TEST_CASE("NodePool taints: NoSchedule blocks pods without the toleration; PreferNoSchedule only when another pool can take them") {
  NodePoolSpec gpu = node_pool("gpu");
  gpu.taints = {Taint{"nvidia.com/gpu", "true", TaintEffect::NoSchedule}};
  PodSpec p = pod("infer", 1000, 2048, 1);
  auto r = schedule({p}, {gpu}, {}, catalog(), ondemand());
  REQUIRE(r.unschedulable.size() == 1);
  CHECK(r.unschedulable[0].reason == "pool gpu: taints: the pod does not tolerate nvidia.com/gpu=true:NoSchedule");
  p.tolerations = {Toleration{"nvidia.com/gpu", Toleration::Op::Exists, "", std::nullopt}};
  r = schedule({p}, {gpu}, {}, catalog(), ondemand());
  CHECK(r.unschedulable.empty());
  CHECK(r.claims.size() == 1);

  // "preferred" weighs more but prefers not to take untolerating pods: they go to "plain" while it
  // can take them, and to "preferred" when it is the only pool.
  NodePoolSpec preferred = node_pool("preferred", {}, 10);
  preferred.taints = {Taint{"dedicated", "batch", TaintEffect::PreferNoSchedule}};
  const PodSpec q = pod("web", 1000, 2048);
  r = schedule({q}, {preferred, node_pool("plain")}, {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 1);
  CHECK(r.claims[0].node_pool == "plain");
  r = schedule({q}, {preferred}, {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 1);
  CHECK(r.claims[0].node_pool == "preferred");
}

TEST_CASE("a pod requesting aws.amazon.com/neuron gets an Inferentia type, never a GPU type") {
  // The bundled catalog's Neuron types are inf2.xlarge (1 device, 0.7582), inf2.8xlarge (1, 1.96786),
  // inf2.24xlarge (6, 6.49063) and inf2.48xlarge (12, 12.98127). Cheaper than 0.7582 are twelve CPU
  // types up to r6i.2xlarge, c6i.4xlarge (0.68) and the GPU types g4dn.xlarge (0.526) and
  // g4dn.2xlarge (0.752): fifteen, the GPU ones rejected for having the other kind of accelerator.
  PodSpec p = pod("neuron", 1000, 2048, 1);
  p.requests.device = DeviceResource::AwsNeuron;
  auto r = schedule({p}, {node_pool("default")}, {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 1);
  const PlannedNodeClaim& c = r.claims[0];
  CHECK(c.instance_types == std::vector<std::string>{"inf2.xlarge", "inf2.8xlarge", "inf2.24xlarge", "inf2.48xlarge"});
  CHECK(c.cheapest_price_usd_per_h == doctest::Approx(0.7582));
  CHECK(c.requests.device == DeviceResource::AwsNeuron);
  CHECK(c.explanation.cheaper_rejected.size() == 15);
  const Rejection* g4 = rejection(c.explanation, "g4dn.xlarge");
  REQUIRE(g4);
  CHECK(g4->reason == "fit: aws.amazon.com/neuron: the type's accelerators are GPUs");
  const Rejection* c6 = rejection(c.explanation, "c6i.large");
  REQUIRE(c6);
  CHECK(c6->reason == "fit: aws.amazon.com/neuron 1 > 0 (not a Neuron type)");
  // Two devices: inf2.xlarge and inf2.8xlarge hold one each, so the claim starts at inf2.24xlarge.
  p.requests.gpus = 2;
  r = schedule({p}, {node_pool("default")}, {}, catalog(), ondemand());
  REQUIRE(r.claims.size() == 1);
  CHECK(r.claims[0].instance_types.front() == "inf2.24xlarge");
}

TEST_CASE("a pod held off every type that fits only by its service's throughput list is told so") {
  // The service has a throughput for g4dn.xlarge only, whose 14481Mi allocatable cannot hold 20000Mi;
  // the larger g4dn types (and other GPU types) would hold it but have no throughput.
  PodSpec p = pod("p", 1000, 20000, 1, {req(label::kInstanceType, Operator::In, {"g4dn.xlarge"})});
  p.serving_types = {"g4dn.xlarge"};
  auto r = schedule({p}, {node_pool("default")}, {}, catalog(), ondemand());
  REQUIRE(r.unschedulable.size() == 1);
  const std::string& why = r.unschedulable[0].reason;
  INFO(why);
  CHECK(starts_with(why, "pool default: no instance type fits the pod; the cheapest, g4dn.xlarge: "));
  CHECK(why.find("memory 20000Mi > 14481Mi") != std::string::npos);
  CHECK(why.find("type(s) of the pool would fit but the pod's service has no throughput_rps for them (g4dn.12xlarge, g4dn.16xlarge, "
                 "g4dn.2xlarge") != std::string::npos);
  // Without the serving list (a user's own instance-type requirement) nothing is blamed on throughput.
  p.serving_types.clear();
  auto plain = schedule({p}, {node_pool("default")}, {}, catalog(), ondemand());
  REQUIRE(plain.unschedulable.size() == 1);
  CHECK(plain.unschedulable[0].reason.find("throughput") == std::string::npos);
}
