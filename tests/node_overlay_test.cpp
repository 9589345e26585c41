// Karpenter NodeOverlays: how overlays resolve (weight, first price wins, equal-weight conflicts,
// capacity merged by resource), what they change in a run (the launch choice, GPU time-slicing)
// and what they do not (the bill), the manifest form against its JSON twin, and bad overlays.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/provisioning/karpenter/node_overlay.hpp"
#include "capsim/sim/simulation.hpp"
#include "bad_input_check.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {

InstanceType overlay_gpu_type(const std::string& name, const std::string& family, double price) {
  InstanceType t;
  t.name = name;
  t.family = family;
  t.vcpu = 4;
  t.memory_mib = 16384;
  t.gpus = 1;
  t.gpu_manufacturer = "nvidia";
  t.gpu_model = "a10g";
  t.arch = "amd64";
  t.ondemand_usd_per_h = price;
  return t;
}

NodeOverlay overlay(const std::string& name, int weight, std::vector<Requirement> reqs) {
  NodeOverlay o;
  o.name = name;
  o.weight = weight;
  o.requirements = Requirements(reqs);
  return o;
}

Requirement types_in(std::vector<std::string> names) { return {"node.kubernetes.io/instance-type", Operator::In, std::move(names)}; }

Offering overlay_offering(const std::string& type, CapacityType c) {
  Offering o;
  o.instance_type = type;
  o.zone = "us-east-1a";
  o.capacity_type = c;
  return o;
}

using test::scenario_file;

json twin_doc() { return json::parse(std::ifstream(scenario_file("node_overlay_json.json"))); }

RunResult run_doc(const json& doc) {
  RunOptions opt;
  opt.explain = true;
  opt.keep_series = true;  // the node log
  return run_scenario(io::load_scenario_text(doc.dump(), "overlay.json", test::data_dir() / "scenarios"), opt);
}

// The overlays of node_overlay_json.json: 0 savings plan (-25% on g5, weight 10), 1 licence
// (+50% on g5.xlarge, weight 5), 2 time-slicing (nvidia.com/gpu: 4 on g5.xlarge, no weight).
json with_overlays(const std::vector<int>& keep) {
  json doc = twin_doc();
  json kept = json::array();
  for (int i : keep) kept.push_back(doc["cluster"]["node_overlays"][i]);
  doc["cluster"]["node_overlays"] = kept;
  return doc;
}

using test::check_message;

// One node runs from its launch at 1 s (the batch closes 1 s after the pods go pending at 0 s,
// batchIdleDuration) to the end of the 30 min window: billed 1799 s.
constexpr double kBilledHours = 1799.0 / 3600.0;

}  // namespace

TEST_CASE("a price adjustment: a percentage, an amount or a price, never below 0") {
  CHECK(PriceAdjustment{PriceAdjustment::Kind::Percent, 10, "+10%"}.apply(2.0) == doctest::Approx(2.2));
  CHECK(PriceAdjustment{PriceAdjustment::Kind::Percent, -25, "-25%"}.apply(1.006) == doctest::Approx(0.7545));
  CHECK(PriceAdjustment{PriceAdjustment::Kind::Percent, -100, "-100%"}.apply(3.0) == 0.0);
  CHECK(PriceAdjustment{PriceAdjustment::Kind::Amount, 0.5, "+0.5"}.apply(1.0) == doctest::Approx(1.5));
  CHECK(PriceAdjustment{PriceAdjustment::Kind::Amount, -2, "-2"}.apply(0.096) == 0.0);  // floored
  CHECK(PriceAdjustment{PriceAdjustment::Kind::Price, 5, "5.00"}.apply(0.8) == 5.0);
}

TEST_CASE("overlays resolve by weight: the first price wins, equal weights conflict, capacity merges by resource") {
  InstanceType m5 = overlay_gpu_type("m5.large", "m5", 0.096);
  m5.gpus = 0;
  m5.gpu_manufacturer.clear();
  const InstanceCatalog catalog({overlay_gpu_type("g5.xlarge", "g5", 1.006), overlay_gpu_type("g6.xlarge", "g6", 0.8048), m5}, "test");

  NodeOverlay plan = overlay("a-plan", 10, {{"karpenter.k8s.aws/instance-family", Operator::In, {"g5"}}});
  plan.price = PriceAdjustment{PriceAdjustment::Kind::Percent, -25, "-25%"};
  NodeOverlay licence = overlay("b-licence", 5, {types_in({"g5.xlarge"})});
  licence.price = PriceAdjustment{PriceAdjustment::Kind::Percent, 50, "+50%"};
  // Two overlays of weight 20 on g6.xlarge: taken by name from the later in the alphabet, so
  // d-high prices it and c-high conflicts, and applies nowhere (not on m5.large either).
  NodeOverlay c_high = overlay("c-high", 20, {types_in({"g6.xlarge", "m5.large"})});
  c_high.price = PriceAdjustment{PriceAdjustment::Kind::Price, 0.5, "0.50"};
  NodeOverlay d_high = overlay("d-high", 20, {types_in({"g6.xlarge"})});
  d_high.price = PriceAdjustment{PriceAdjustment::Kind::Price, 0.4, "0.40"};
  // Capacity: weight 3 gives g5.xlarge 2 GPUs, which the weight-0 overlay's 4 does not override;
  // the fuse device of another weight-0 overlay merges in (another resource: no conflict).
  NodeOverlay e_slices = overlay("e-slices", 0, {types_in({"g5.xlarge"})});
  e_slices.capacity = {{"nvidia.com/gpu", 4}};
  NodeOverlay f_slices = overlay("f-slices", 3, {types_in({"g5.xlarge"})});
  f_slices.capacity = {{"nvidia.com/gpu", 2}};
  NodeOverlay g_fuse = overlay("g-fuse", 0, {types_in({"g5.xlarge"})});
  g_fuse.capacity = {{"smarter-devices/fuse", 1}};
  NodeOverlay h_floor = overlay("h-floor", 1, {{"karpenter.k8s.aws/instance-family", Operator::In, {"m5"}}});
  h_floor.price = PriceAdjustment{PriceAdjustment::Kind::Amount, -2, "-2"};
  NodeOverlay nothing = overlay("i-p5", 1, {{"karpenter.k8s.aws/instance-family", Operator::In, {"p5"}}});
  nothing.price = PriceAdjustment{PriceAdjustment::Kind::Percent, -50, "-50%"};

  const std::vector<OverlayNodePool> one_pool = {{"gpu", {}}};
  const NodeOverlayEffects all =
      resolve_node_overlays({licence, plan, c_high, d_high, e_slices, f_slices, g_fuse, h_floor, nothing}, one_pool, catalog, {"us-east-1a"});
  REQUIRE(all.node_pools.size() == 1);
  const NodePoolOverlayEffects& fx = all.node_pools[0];
  // g5.xlarge: the plan (weight 10) before the licence (5): 1.006 × (1 − 0.25) = 0.7545 on demand,
  // and a spot price of 0.40 becomes 0.40 × 0.75 = 0.30.
  CHECK(fx.decided_price(overlay_offering("g5.xlarge", CapacityType::OnDemand), 1.006) == doctest::Approx(0.7545));
  CHECK(fx.decided_price(overlay_offering("g5.xlarge", CapacityType::Spot), 0.40) == doctest::Approx(0.30));
  CHECK(fx.decided_price(overlay_offering("g6.xlarge", CapacityType::OnDemand), 0.8048) == doctest::Approx(0.40));
  // m5.large: c-high refused, so h-floor's 0.096 − 2 < 0 → 0.
  CHECK(fx.decided_price(overlay_offering("m5.large", CapacityType::OnDemand), 0.096) == 0.0);
  REQUIRE(all.conflicts.size() == 1);
  CHECK(all.conflicts[0].overlay == "c-high");
  CHECK(all.conflicts[0].other == "d-high");
  CHECK(all.conflicts[0].weight == 20);
  CHECK(all.conflicts[0].field == "price");
  CHECK(all.conflicts[0].where == "g6.xlarge/us-east-1a/on-demand");
  CHECK(all.conflicts[0].node_pool == "gpu");
  CHECK(fx.devices_of(catalog.at("g5.xlarge")) == 2);
  CHECK(fx.devices_of(catalog.at("g6.xlarge")) == 1);  // its own GPU
  CHECK(all.unmatched == std::vector<std::string>{"i-p5"});
  REQUIRE(all.capacity_not_simulated.size() == 1);
  CHECK(all.capacity_not_simulated[0].find("smarter-devices/fuse (on 1 instance type(s)) changes nothing") != std::string::npos);

  // Two capacity overlays of one weight giving the same resource conflict too.
  NodeOverlay e_same = overlay("e-same", 0, {types_in({"g5.xlarge"})});
  e_same.capacity = {{"nvidia.com/gpu", 8}};
  const NodeOverlayEffects both = resolve_node_overlays({e_slices, e_same}, one_pool, catalog, {"us-east-1a"});
  REQUIRE(both.conflicts.size() == 1);
  CHECK(both.conflicts[0].overlay == "e-same");  // "e-slices" > "e-same": e-slices is taken first
  CHECK(both.conflicts[0].field == "nvidia.com/gpu");
  CHECK(both.node_pools[0].devices_of(catalog.at("g5.xlarge")) == 4);
}

TEST_CASE("overlays resolve per NodePool: karpenter.sh/nodepool and template labels select, a conflict in one refuses the overlay everywhere") {
  const InstanceCatalog catalog({overlay_gpu_type("g5.xlarge", "g5", 1.006), overlay_gpu_type("g6.xlarge", "g6", 0.8048)}, "test");
  const std::vector<OverlayNodePool> pools = {{"research", {{"team", "research"}}}, {"prod", {{"team", "prod"}}}};
  // research's Savings Plan: generation Lte 5 selects g5 (generation 5), not g6.
  NodeOverlay plan = overlay("plan", 10, {{"karpenter.sh/nodepool", Operator::In, {"research"}},
                                          {"karpenter.k8s.aws/instance-generation", Operator::Lte, {"5"}}});
  plan.price = PriceAdjustment{PriceAdjustment::Kind::Percent, -25, "-25%"};
  // prod's time-slicing, by its template label.
  NodeOverlay slices = overlay("slices", 0, {{"team", Operator::In, {"prod"}}, types_in({"g6.xlarge"})});
  slices.capacity = {{"nvidia.com/gpu", 4}};
  // Weight 5 twice on g6 in prod: y-cheap is taken first (later name), so x-all conflicts there and
  // applies nowhere, not even in research, where nothing else prices g6.
  NodeOverlay y_cheap = overlay("y-cheap", 5, {{"karpenter.sh/nodepool", Operator::In, {"prod"}}, {"karpenter.k8s.aws/instance-family", Operator::In, {"g6"}}});
  y_cheap.price = PriceAdjustment{PriceAdjustment::Kind::Price, 0.3, "0.30"};
  NodeOverlay x_all = overlay("x-all", 5, {{"karpenter.k8s.aws/instance-family", Operator::In, {"g6"}}});
  x_all.price = PriceAdjustment{PriceAdjustment::Kind::Price, 0.5, "0.50"};
  NodeOverlay none = overlay("z-none", 1, {{"karpenter.sh/nodepool", Operator::In, {"staging"}}});
  none.price = PriceAdjustment{PriceAdjustment::Kind::Percent, -50, "-50%"};

  const NodeOverlayEffects fx = resolve_node_overlays({none, x_all, slices, plan, y_cheap}, pools, catalog, {"us-east-1a"});
  REQUIRE(fx.node_pools.size() == 2);
  const NodePoolOverlayEffects& research = fx.node_pools[0];
  const NodePoolOverlayEffects& prod = fx.node_pools[1];
  CHECK(research.node_pool == "research");
  CHECK(fx.of("prod") == &prod);
  CHECK(fx.of("staging") == nullptr);
  // g5.xlarge: research 1.006 × 0.75 = 0.7545 (spot 0.40 × 0.75 = 0.30); prod the real 1.006.
  CHECK(research.decided_price(overlay_offering("g5.xlarge", CapacityType::OnDemand), 1.006) == doctest::Approx(0.7545));
  CHECK(research.decided_price(overlay_offering("g5.xlarge", CapacityType::Spot), 0.40) == doctest::Approx(0.30));
  CHECK(prod.decided_price(overlay_offering("g5.xlarge", CapacityType::OnDemand), 1.006) == 1.006);
  CHECK(prod.price_change("g5.xlarge/us-east-1a/on-demand") == nullptr);
  // g6.xlarge: prod y-cheap's 0.30; research the real 0.8048 (x-all refused, plan is Lte 5).
  CHECK(prod.decided_price(overlay_offering("g6.xlarge", CapacityType::OnDemand), 0.8048) == doctest::Approx(0.30));
  CHECK(research.decided_price(overlay_offering("g6.xlarge", CapacityType::OnDemand), 0.8048) == 0.8048);
  // 2 prices in research (g5 on-demand and spot), 2 in prod (g6 on-demand and spot).
  CHECK(research.prices.size() == 2);
  CHECK(prod.prices.size() == 2);
  // Capacity: 4 slices of g6.xlarge in prod only; its own 1 GPU in research.
  CHECK(prod.devices_of(catalog.at("g6.xlarge")) == 4);
  CHECK(research.devices_of(catalog.at("g6.xlarge")) == 1);
  CHECK(prod.devices_of(catalog.at("g5.xlarge")) == 1);
  REQUIRE(fx.conflicts.size() == 1);
  CHECK(fx.conflicts[0].overlay == "x-all");
  CHECK(fx.conflicts[0].other == "y-cheap");
  CHECK(fx.conflicts[0].node_pool == "prod");
  CHECK(fx.conflicts[0].where == "g6.xlarge/us-east-1a/on-demand");
  CHECK(fx.unmatched == std::vector<std::string>{"z-none"});
  CHECK(fx.any_price());
}

TEST_CASE("Gte and Lte are inclusive bounds, Gt and Lt strict; all four need one integer") {
  auto allows = [](Operator op, const std::string& bound, const std::string& value) {
    return Requirements({{"karpenter.k8s.aws/instance-generation", op, {bound}}}).matches({{"karpenter.k8s.aws/instance-generation", value}});
  };
  CHECK(allows(Operator::Gte, "6", "6"));
  CHECK(allows(Operator::Gte, "6", "7"));
  CHECK_FALSE(allows(Operator::Gte, "6", "5"));
  CHECK(allows(Operator::Lte, "5", "5"));
  CHECK_FALSE(allows(Operator::Lte, "5", "6"));
  CHECK(allows(Operator::Gt, "5", "6"));
  CHECK_FALSE(allows(Operator::Gt, "5", "5"));
  CHECK(allows(Operator::Lt, "6", "5"));
  CHECK_FALSE(allows(Operator::Lt, "6", "6"));
  // A bound needs the label: absent, no type passes Gte 0.
  CHECK_FALSE(Requirements({{"karpenter.k8s.aws/instance-generation", Operator::Gte, {"0"}}}).matches({}));
  // Gte 5 and Lte 5 together leave exactly 5.
  const Requirements five({{"karpenter.k8s.aws/instance-generation", Operator::Gte, {"5"}}, {"karpenter.k8s.aws/instance-generation", Operator::Lte, {"5"}}});
  CHECK(five.matches({{"karpenter.k8s.aws/instance-generation", "5"}}));
  CHECK_FALSE(five.matches({{"karpenter.k8s.aws/instance-generation", "4"}}));
  CHECK_FALSE(five.matches({{"karpenter.k8s.aws/instance-generation", "6"}}));
  CHECK(parse_operator("Gte") == Operator::Gte);
  CHECK(parse_operator("Lte") == Operator::Lte);
  CHECK_FALSE(parse_operator("Ge").has_value());
  CHECK(check_requirement_values({"karpenter.k8s.aws/instance-generation", Operator::Lte, {"5", "6"}}) == "exactly one integer value for Lte");
  CHECK(check_requirement_values({"team", Operator::In, {"prod"}}).empty());  // any key: the inputs check keys
  CHECK(check_requirement({"team", Operator::In, {"prod"}}).find("a well-known label key") == 0);
}

TEST_CASE("the NodeOverlays of manifests run as their JSON twin, byte for byte") {
  const Scenario from_json = io::load_scenario(scenario_file("node_overlay_json.json"));
  const Scenario from_manifests = io::load_scenario(scenario_file("node_overlay.json"));
  REQUIRE(from_manifests.policies.size() == 1);
  const auto& overlays = from_manifests.policies[0].cluster.karpenter.node_overlays;
  REQUIRE(overlays.size() == 3);
  CHECK(overlays == from_json.policies[0].cluster.karpenter.node_overlays);
  CHECK(overlays[0].name == "g5-savings-plan");
  CHECK(overlays[0].weight == 10);
  CHECK(overlays[2].weight == 0);  // left out
  CHECK(overlays[2].capacity == std::map<std::string, std::int64_t>{{"nvidia.com/gpu", 4}});
  // The manifests hold only Karpenter objects capsim models: nothing else to note.
  CHECK(from_manifests.warnings == from_json.warnings);
  const std::string a = io::result_to_json(run_scenario(from_json, {}));
  const std::string b = io::result_to_json(run_scenario(from_manifests, {}));
  CHECK(a == b);
  CHECK(json::parse(a)["policies"][0]["replicates"][0]["fleet"]["launches"] == 1);  // not a vacuous equality
}

TEST_CASE("the run warns that decisions follow the overlaid prices while the bill does not") {
  const Scenario sc = io::load_scenario(scenario_file("node_overlay_json.json"));
  // g5 has 8 types in the catalog, 3 zones, on-demand and spot: 48 offerings. The first on-demand
  // one by name is g5.12xlarge: 5.672 × 0.75 = 4.254.
  const std::vector<std::string> want = {
      "trace 't' is tiled every 5 min; the window starts at its instant 2024-05-10T00:00:00Z",
      "policy 'overlays': NodeOverlays change the prices Karpenter decides by on 48 offering(s) of 8 instance type(s), e.g. "
      "g5.12xlarge on-demand 5.672 -> 4.254 USD/h (-25%): its launches and consolidation follow them, but the bill stays at the "
      "real prices, so decisions and bill diverge",
      "policy 'overlays': a NodeOverlay gives g5.xlarge 4 device(s) for its 1: pods share them (GPU time-slicing), and each pod "
      "still serves its service's full throughput_rps on the type, which capsim does not divide among them",
  };
  CHECK(sc.warnings == want);
}

TEST_CASE("a price overlay that makes the pricier type the cheapest flips the launch; the bill stays real") {
  // Without overlays: two one-GPU pods, g6.xlarge at 0.8048 < g5.xlarge at 1.006, one GPU each:
  // two g6.xlarge, billed 2 × 0.8048 × 1799/3600.
  {
    const RunResult r = run_doc(with_overlays({}));
    const auto& rep = r.policies[0].replicates[0];
    REQUIRE(rep.nodes.size() == 2);
    CHECK(rep.nodes[0].instance_type == "g6.xlarge");
    CHECK(rep.nodes[1].instance_type == "g6.xlarge");
    CHECK(rep.cost.gpu_instances_usd == doctest::Approx(2 * 0.8048 * kBilledHours));
  }
  // The savings plan (-25%) makes g5.xlarge 1.006 × 0.75 = 0.7545 < 0.8048: two g5.xlarge, billed
  // at their real 1.006 (2 × 1.006 × 1799/3600), and the launches record the real price.
  {
    const RunResult r = run_doc(with_overlays({0}));
    const auto& rep = r.policies[0].replicates[0];
    REQUIRE(rep.nodes.size() == 2);
    CHECK(rep.nodes[0].instance_type == "g5.xlarge");
    CHECK(rep.nodes[1].instance_type == "g5.xlarge");
    CHECK(rep.cost.gpu_instances_usd == doctest::Approx(2 * 1.006 * kBilledHours));
    REQUIRE(rep.decisions.launches.size() == 2);
    CHECK(rep.decisions.launches[0].price_usd_per_h == doctest::Approx(1.006));
  }
  // Weights: with the licence (+50%) above the plan, g5.xlarge is 1.006 × 1.5 = 1.509 > 0.8048,
  // and Karpenter launches g6.xlarge again; at the shipped weights (plan 10 > licence 5) the plan wins.
  {
    json doc = with_overlays({0, 1});
    doc["cluster"]["node_overlays"][1]["spec"]["weight"] = 20;
    const auto rep = run_doc(doc).policies[0].replicates[0];  // a copy: the run result is a temporary
    REQUIRE(rep.nodes.size() == 2);
    CHECK(rep.nodes[0].instance_type == "g6.xlarge");
    const auto shipped = run_doc(with_overlays({0, 1})).policies[0].replicates[0];  // a copy: the run result is a temporary
    REQUIRE(shipped.nodes.size() == 2);
    CHECK(shipped.nodes[0].instance_type == "g5.xlarge");
  }
}

TEST_CASE("a capacity overlay lets two GPU pods share one GPU node (time-slicing)") {
  // nvidia.com/gpu: 4 on g5.xlarge. The first pod opens a claim of [g6.xlarge 0.8048, g5.xlarge
  // 1.006]; the second joins it, which only g5.xlarge (4 slices) can hold: one g5.xlarge for both
  // instead of two g6.xlarge, billed 1.006 × 1799/3600 = 0.50272 < 2 × 0.8048 × 1799/3600 = 0.80430.
  const RunResult r = run_doc(with_overlays({2}));
  const auto& rep = r.policies[0].replicates[0];
  REQUIRE(rep.nodes.size() == 1);
  CHECK(rep.nodes[0].instance_type == "g5.xlarge");
  CHECK(rep.nodes[0].pods_bound == 2);
  CHECK(rep.fleet.gpus_launched == 1);  // one physical GPU
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(1.006 * kBilledHours));
  // Each pod's share of the node is its slice (1 of 4), so the two together are allocated half of it.
  CHECK(rep.cost.allocated_usd == doctest::Approx(0.5 * 1.006 * kBilledHours));
}

TEST_CASE("two NodePools see the same types at different prices and capacity; prod's GPU limit counts the overlaid slices") {
  // node_overlay_pools_json.json: research (weight 10, tainted, team: research) and prod (team:
  // prod, limits nvidia.com/gpu: 4), both g5/g6 on demand; train (2 pods of 1 GPU, 1 CPU, 4Gi,
  // tolerating research's taint) and chat (5 pods of 1 GPU, 500m, 2Gi), both served on g5.xlarge
  // and g6.xlarge only. The overlays: research-savings-plan (karpenter.sh/nodepool In [research],
  // instance-generation Lte 5, -25%) and prod-time-slicing (team In [prod], g6.xlarge, gpu-count
  // Gte 1: nvidia.com/gpu 4).
  const json doc = json::parse(std::ifstream(scenario_file("node_overlay_pools_json.json")));
  const RunResult r = run_doc(doc);
  const auto& rep = r.policies[0].replicates[0];
  // train (larger CPU, scheduled first) goes to research, tried first by weight: there g5.xlarge is
  // 1.006 × 0.75 = 0.7545 < g6.xlarge 0.8048, one GPU each, so one g5.xlarge per pod. chat cannot
  // go to research (taint): in prod g5.xlarge is the real 1.006 > 0.8048 and g6.xlarge holds 4
  // slices, so four chat pods share one g6.xlarge. The fifth needs another node, but prod's limit
  // already counts that node's 4 overlaid GPUs: 4 + 1 (g5.xlarge) > 4, and 4 + 4 (g6.xlarge) > 4.
  int g5 = 0, g6 = 0;
  for (const auto& n : rep.nodes) {
    if (n.instance_type == "g5.xlarge") ++g5;
    if (n.instance_type == "g6.xlarge") {
      ++g6;
      CHECK(n.pods_bound == 4);
    }
  }
  CHECK(g5 == 2);
  CHECK(g6 == 1);
  CHECK(rep.nodes.size() == 3);
  // Billed at the real prices from the launch at 1 s to the end: (2 × 1.006 + 0.8048) × 1799/3600.
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx((2 * 1.006 + 0.8048) * kBilledHours));
  REQUIRE_FALSE(rep.decisions.unschedulable.empty());
  bool limit_named = false;
  for (const auto& u : rep.decisions.unschedulable) {
    CHECK(u.pod.rfind("chat#", 0) == 0);
    limit_named = limit_named || u.reason.find("pool prod: limits: nvidia.com/gpu 4 > 0 remaining (g6.xlarge)") != std::string::npos;
  }
  CHECK(limit_named);
  // The launches record the prices decided by in their NodePool: research's g5.xlarge at 0.7545.
  bool research_launch = false;
  for (const auto& l : rep.decisions.launches)
    if (l.instance_type == "g5.xlarge") {
      research_launch = true;
      CHECK(l.node_pool == "research");
    }
  CHECK(research_launch);
}

TEST_CASE("NodeOverlays scoped to NodePools from manifests run as their JSON twin, byte for byte") {
  const Scenario from_json = io::load_scenario(scenario_file("node_overlay_pools_json.json"));
  const Scenario from_manifests = io::load_scenario(scenario_file("node_overlay_pools.json"));
  const auto& overlays = from_manifests.policies[0].cluster.karpenter.node_overlays;
  REQUIRE(overlays.size() == 2);
  CHECK(overlays == from_json.policies[0].cluster.karpenter.node_overlays);
  CHECK(from_manifests.warnings == from_json.warnings);
  // The price overlay selects research only, the capacity overlay prod only: the warnings say so.
  const auto has = [&](const std::string& text) {
    return std::any_of(from_json.warnings.begin(), from_json.warnings.end(), [&](const std::string& w) { return w.find(text) != std::string::npos; });
  };
  CHECK(has("instance type(s) in NodePool(s) research"));
  CHECK(has("a NodeOverlay gives g6.xlarge 4 device(s) for its 1 in NodePool(s) prod"));
  const std::string a = io::result_to_json(run_scenario(from_json, {}));
  const std::string b = io::result_to_json(run_scenario(from_manifests, {}));
  CHECK(a == b);
  CHECK(json::parse(a)["policies"][0]["replicates"][0]["fleet"]["launches"] == 3);  // not a vacuous equality
}

TEST_CASE("bad NodeOverlays are reported where they are written") {
  check_message("manifests_overlay_unknown_key.json",
                // Line 21 is "    - key: karpenter.k8s.aws/instance-famly", its key at column 7.
                {"bad/manifests/overlay_unknown_key.yaml:21:7: document 1, spec.requirements[0].key: expected a well-known label key",
                 "got 'karpenter.k8s.aws/instance-famly'", "did you mean 'karpenter.k8s.aws/instance-family'"},
                false);
  check_message("node_overlay_unknown_key.json",
                {"/cluster/node_overlays/0/spec/requirements/0/key",
                 "expected a well-known label key (such as karpenter.k8s.aws/instance-gpu-count) or karpenter.sh/nodepool or a key of a "
                 "NodePool's spec.template.metadata.labels",
                 "got 'karpenter.sh/node-pool'", "did you mean 'karpenter.sh/nodepool'"});
  check_message("node_overlay_price_and_adjustment.json",
                {"/cluster/node_overlays/0/spec/priceAdjustment", "expected 'price' or 'priceAdjustment', not both", "got both"});
  check_message("node_overlay_without_gate.json",
                {"/cluster/node_overlays", "expected the NodeOverlay feature gate on (cluster.karpenter.featureGates.nodeOverlay: true",
                 "got 3 NodeOverlay(s) with the gate off"});
  check_message("node_overlay_capacity_cpu.json",
                {"/cluster/node_overlays/2/spec/capacity/cpu", "expected an extended resource (a NodeOverlay cannot change cpu", "got 'cpu'"});
  check_message("manifests_overlay_operator.json",
                // Line 22 is "      operator: Ge", its key at column 7.
                {"bad/manifests/overlay_operator.yaml:22:7: document 1, spec.requirements[0].operator: expected one of \"In\", \"NotIn\", "
                 "\"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\", \"Gte\", \"Lte\"",
                 "got the string \"Ge\"", "did you mean 'Gt', 'Gte' or 'In'?"},
                false);
  check_message("node_overlay_negative_bound.json",
                {"/cluster/node_overlays/0/spec/requirements/0/values/0",
                 "expected a single non-negative integer for Gt (Karpenter refuses a negative bound)", "got '-1'"});
  check_message("pod_requirement_gte.json",
                {"/services/0/replica/requirements/0/operator",
                 "expected one of In, NotIn, Exists, DoesNotExist, Gt, Lt (a Kubernetes node selector; Gte and Lte are Karpenter's, for "
                 "NodePools and NodeOverlays only)",
                 "got the string \"Gte\""});
  check_message("node_overlay_adjustment_below_100.json",
                {"/cluster/node_overlays/0/spec/priceAdjustment", "\"-15%\" down to \"-100%\"", "got the string \"-150%\""});
}
