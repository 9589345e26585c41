// Karpenter's consolidation decisions on small hand-made catalogs, so every expected type and price
// can be worked out by hand: "gx" GPU types whose sizes and prices are chosen below.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "capsim/catalog/labels.hpp"
#include "capsim/provisioning/karpenter/consolidation.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {

using test::gpu_type;

// gx.1: 1 GPU, 3900m, 1.00 USD/h; gx.2: 2 GPUs, 7900m, 1.50; gx.4: 4 GPUs, 15900m, 2.50;
// gx.8: 8 GPUs, 31900m, 5.00 — on-demand only, one zone.
InstanceCatalog gx_catalog() {
  return InstanceCatalog({gpu_type("gx.1", 4, 1, 1.00), gpu_type("gx.2", 8, 2, 1.50), gpu_type("gx.4", 16, 4, 2.50),
                          gpu_type("gx.8", 32, 8, 5.00)},
                         "test");
}

Offering offering(const std::string& type, CapacityType ct, double price) {
  Offering o;
  o.instance_type = type;
  o.zone = "us-east-1a";
  o.capacity_type = ct;
  o.price_usd_per_h = price;
  return o;
}

PodSpec consolidation_pod(std::string name, std::int64_t cpu_m, int gpus) { return PodSpec{std::move(name), ResourceList{cpu_m, 1024, gpus, 1}, {}, {}, {}, {}}; }

// A node of `type` holding `pods`, as both the cluster sees it and as a candidate.
struct TestNode {
  ExistingNode node;
  ConsolidationCandidate candidate;
};
TestNode node(const InstanceCatalog& cat, std::string name, const std::string& type, CapacityType ct, double price,
              std::vector<PodSpec> pods) {
  const InstanceType& t = cat.at(type);
  ResourceList free{t.alloc_cpu_millicores, t.alloc_memory_mib, t.gpus, t.alloc_pods};
  for (const auto& p : pods) {
    free.cpu_millicores -= p.requests.cpu_millicores;
    free.memory_mib -= p.requests.memory_mib;
    free.gpus -= p.requests.gpus;
    free.pods -= 1;
  }
  TestNode n;
  n.node = ExistingNode{name, &t, free, std::make_shared<const Labels>(labels_of(t, offering(type, ct, price))), "gpu", {}};
  n.candidate.node = name;
  n.candidate.node_pool = "gpu";
  n.candidate.instance_type = type;
  n.candidate.capacity_type = ct;
  n.candidate.price_usd_per_h = price;
  n.candidate.pods = std::move(pods);
  n.candidate.disruption_cost = static_cast<double>(n.candidate.pods.size());
  return n;
}

struct World {
  InstanceCatalog catalog;
  std::vector<NodePoolSpec> pools;
  std::vector<ExistingNode> nodes;
  std::vector<Offering> offerings;
  std::optional<SchedulingCatalog> prepared;
  std::optional<SchedulingSnapshot> snapshot;
  ClusterView view() {
    prepared.emplace(catalog);
    snapshot.emplace(*prepared, offerings);
    return ClusterView{&pools, &nodes, &*snapshot};
  }
};

World gx_world(const std::vector<TestNode>& nodes) {
  World w{gx_catalog(), {}, {}, {}, {}, {}};
  NodePoolSpec p;
  p.name = "gpu";
  w.pools.push_back(p);
  for (const auto& n : nodes) w.nodes.push_back(n.node);
  for (const auto& t : w.catalog.types()) w.offerings.push_back(offering(t.name, CapacityType::OnDemand, t.ondemand_usd_per_h));
  return w;
}

}  // namespace

TEST_CASE("single-node consolidation replaces a node by a cheaper type that holds its pods") {
  // One gx.4 (2.50 USD/h) running one 1-GPU pod and nothing else in the cluster: the pod cannot move,
  // so the simulation opens one claim; of the types that hold 1 GPU + 1000m (all four), those under
  // 2.50 are gx.1 (1.00) and gx.2 (1.50), cheapest first.
  const InstanceCatalog cat = gx_catalog();
  const TestNode a = node(cat, "a", "gx.4", CapacityType::OnDemand, 2.50, {consolidation_pod("p0", 1000, 1)});
  World w = gx_world({a});
  const ConsolidationCommand cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), {});
  REQUIRE(cmd.action == ConsolidationAction::Replace);
  CHECK(cmd.method == "single-node");
  CHECK(cmd.candidates == std::vector<std::string>{"a"});
  CHECK(cmd.candidates_price_usd_per_h == doctest::Approx(2.50));
  REQUIRE(cmd.replacement);
  CHECK(cmd.replacement->instance_types == std::vector<std::string>{"gx.1", "gx.2"});
  CHECK(cmd.replacement->instance_type_prices == std::vector<double>{1.00, 1.50});
  CHECK(cmd.replacement->capacity_type == CapacityType::OnDemand);
  // Multi-node consolidation needs at least two candidates.
  CHECK(multi_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), {}).action == ConsolidationAction::None);
}

TEST_CASE("a node already on the cheapest type that fits is left alone") {
  // gx.1 (1.00) with a 1-GPU pod: no type under 1.00 holds a GPU.
  const InstanceCatalog cat = gx_catalog();
  const TestNode a = node(cat, "a", "gx.1", CapacityType::OnDemand, 1.00, {consolidation_pod("p0", 1000, 1)});
  World w = gx_world({a});
  const ConsolidationCommand cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), {});
  CHECK(cmd.action == ConsolidationAction::None);
  CHECK(cmd.reason == "node a: Can't replace with a cheaper node");
}

TEST_CASE("multi-node consolidation replaces two half-empty nodes by one") {
  // Two gx.2 (1.50 each, 3.00 together), each half its GPUs used by one pod of 1 GPU + 5000m. One
  // pod cannot join the other node (2900m free < 5000m), and alone each would need a type of >= 2
  // GPU... no: of >= 5000m, i.e. gx.2 at 1.50, not cheaper than itself. Together the two pods need
  // 2 GPUs + 10000m: gx.4 (2.50) or gx.8 (5.00); under 3.00 only gx.4, which is not a candidate's
  // own type, so the pair is replaced by one gx.4.
  const InstanceCatalog cat = gx_catalog();
  const TestNode a = node(cat, "a", "gx.2", CapacityType::OnDemand, 1.50, {consolidation_pod("p0", 5000, 1)});
  const TestNode b = node(cat, "b", "gx.2", CapacityType::OnDemand, 1.50, {consolidation_pod("p1", 5000, 1)});
  World w = gx_world({a, b});
  const ConsolidationCommand multi = multi_node_consolidation({a.candidate, b.candidate}, {{"gpu", 2}}, w.view(), {});
  REQUIRE(multi.action == ConsolidationAction::Replace);
  CHECK(multi.method == "multi-node");
  CHECK(multi.candidates == std::vector<std::string>{"a", "b"});
  CHECK(multi.candidates_price_usd_per_h == doctest::Approx(3.00));
  REQUIRE(multi.replacement);
  CHECK(multi.replacement->instance_types == std::vector<std::string>{"gx.4"});
  CHECK(multi.replacement->pods.size() == 2);
  // Alone, neither can be consolidated.
  const ConsolidationCommand single = single_node_consolidation({a.candidate, b.candidate}, {{"gpu", 2}}, w.view(), {});
  CHECK(single.action == ConsolidationAction::None);
  // A budget of one disruption leaves a single eligible candidate: no multi-node command.
  CHECK(multi_node_consolidation({a.candidate, b.candidate}, {{"gpu", 1}}, w.view(), {}).action == ConsolidationAction::None);
}

TEST_CASE("replacing nodes by one of their own type is refused; deleting the emptier one is chosen") {
  // a: gx.4 with two 1-GPU pods; b: gx.4 with one. Together three GPUs: gx.4 (2.50 < 5.00) would do,
  // but gx.4 is a candidate's own type and nothing is cheaper than 2.50 among the types that hold
  // three GPUs, so multi-node finds nothing (filterOutSameType). Single-node takes the cheaper to
  // disrupt first, b (one pod), whose pod fits on a (two GPUs free): delete b.
  const InstanceCatalog cat = gx_catalog();
  const TestNode a = node(cat, "a", "gx.4", CapacityType::OnDemand, 2.50, {consolidation_pod("p0", 1000, 1), consolidation_pod("p1", 1000, 1)});
  const TestNode b = node(cat, "b", "gx.4", CapacityType::OnDemand, 2.50, {consolidation_pod("p2", 1000, 1)});
  World w = gx_world({a, b});
  CHECK(multi_node_consolidation({a.candidate, b.candidate}, {{"gpu", 2}}, w.view(), {}).action == ConsolidationAction::None);
  const ConsolidationCommand single = single_node_consolidation({a.candidate, b.candidate}, {{"gpu", 2}}, w.view(), {});
  REQUIRE(single.action == ConsolidationAction::Delete);
  CHECK(single.candidates == std::vector<std::string>{"b"});
  // With no disruption allowed for the pool, nothing happens.
  CHECK(single_node_consolidation({a.candidate, b.candidate}, {{"gpu", 0}}, w.view(), {}).action == ConsolidationAction::None);
}

namespace {
std::string s_name(int i) { return (i < 10 ? "s.t0" : "s.t") + std::to_string(i); }

// Twenty 1-GPU types s.t01..s.t20: on-demand 10 + i USD/h (far above spot, so no spot offering is
// dropped for costing more than on-demand), spot 0.50 + 0.05 i.
World spot_world() {
  World w;
  std::vector<InstanceType> types;
  for (int i = 1; i <= 20; ++i) types.push_back(gpu_type(s_name(i), 4, 1, 10.0 + i));
  w.catalog = InstanceCatalog(types, "test");
  NodePoolSpec p;
  p.name = "gpu";
  w.pools.push_back(p);
  for (int i = 1; i <= 20; ++i) {
    w.offerings.push_back(offering(s_name(i), CapacityType::OnDemand, 10.0 + i));
    w.offerings.push_back(offering(s_name(i), CapacityType::Spot, 0.50 + 0.05 * i));
  }
  return w;
}
}  // namespace

TEST_CASE("spot-to-spot consolidation: behind its feature gate, and for one node only with 15 cheaper types") {
  World w = spot_world();
  auto spot_node = [&](int i) {
    TestNode n = node(w.catalog, "n", s_name(i), CapacityType::Spot, 0.50 + 0.05 * i, {consolidation_pod("p0", 1000, 1)});
    w.nodes = {n.node};
    return n.candidate;
  };
  const ConsolidationSettings on{true};
  // s.t16 at 1.30: the spot types under 1.30 are s.t01..s.t15 (1.25), 15 of them: allowed, and the
  // launch request is exactly those 15.
  ConsolidationCandidate c16 = spot_node(16);
  ConsolidationCommand cmd = single_node_consolidation({c16}, {{"gpu", 1}}, w.view(), on);
  REQUIRE(cmd.action == ConsolidationAction::Replace);
  REQUIRE(cmd.replacement);
  CHECK(cmd.replacement->capacity_type == CapacityType::Spot);
  REQUIRE(cmd.replacement->instance_types.size() == 15);
  CHECK(cmd.replacement->instance_types.front() == "s.t01");
  CHECK(cmd.replacement->instance_types.back() == "s.t15");
  // The gate off: refused.
  cmd = single_node_consolidation({c16}, {{"gpu", 1}}, w.view(), {});
  CHECK(cmd.action == ConsolidationAction::None);
  CHECK(cmd.reason == "node n: SpotToSpotConsolidation is disabled, can't replace a spot node with a spot node");
  // s.t15 at 1.25: only s.t01..s.t14 are cheaper, 14 < 15: refused.
  ConsolidationCandidate c15 = spot_node(15);
  cmd = single_node_consolidation({c15}, {{"gpu", 1}}, w.view(), on);
  CHECK(cmd.action == ConsolidationAction::None);
  CHECK(cmd.reason == "node n: SpotToSpotConsolidation requires 15 cheaper instance type options than the current candidate to "
                      "consolidate, got 14");
  // s.t20 at 1.50: 19 cheaper types, the launch request keeps the 15 cheapest.
  ConsolidationCandidate c20 = spot_node(20);
  cmd = single_node_consolidation({c20}, {{"gpu", 1}}, w.view(), on);
  REQUIRE(cmd.action == ConsolidationAction::Replace);
  CHECK(cmd.replacement->instance_types.size() == 15);
  CHECK(cmd.replacement->instance_types.back() == "s.t15");
}

TEST_CASE("an on-demand node is replaced by spot when its NodePool allows spot, without the 15-type rule") {
  // On-demand s.t03 at 13.00 with one pod; the pool allows both capacity types, so the claim is spot
  // (spot before on-demand) and every spot type is under 13.00: all 20, cheapest first, no cap.
  World w = spot_world();
  TestNode n = node(w.catalog, "n", s_name(3), CapacityType::OnDemand, 13.0, {consolidation_pod("p0", 1000, 1)});
  w.nodes = {n.node};
  const ConsolidationCommand cmd = single_node_consolidation({n.candidate}, {{"gpu", 1}}, w.view(), {});
  REQUIRE(cmd.action == ConsolidationAction::Replace);
  CHECK(cmd.replacement->capacity_type == CapacityType::Spot);
  CHECK(cmd.replacement->instance_types.size() == 20);
  CHECK(cmd.replacement->instance_type_prices.front() == doctest::Approx(0.55));
}

TEST_CASE("Balanced consolidation takes a move scoring >= 1/k and refuses one below, with its score") {
  // One gx.8 (5.00 USD/h) running three 1-GPU pods, alone in the cluster: the pods need one claim of
  // 3 GPUs + 3000m, and the only cheaper type that holds them is gx.4 (2.50). Savings 5.00 - 2.50 =
  // 2.50 USD/h; the move's disruption cost is the node's baseline 1 + 3 pods = 4.
  const InstanceCatalog cat = gx_catalog();
  const TestNode a = node(cat, "a", "gx.8", CapacityType::OnDemand, 5.00, {consolidation_pod("p0", 1000, 1), consolidation_pod("p1", 1000, 1), consolidation_pod("p2", 1000, 1)});
  World w = gx_world({a});
  ConsolidationSettings settings;

  SUBCASE("approved: NodePool cost 10 USD/h and disruption cost 10") {
    // savings fraction 2.50 / 10 = 0.25; disruption fraction 4 / 10 = 0.4; score 0.25 / 0.4 = 0.625 >= 1/2.
    settings.pools["gpu"] = BalancedPool{true, 2, 10.0, 10.0};
    const ConsolidationCommand cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), settings);
    REQUIRE(cmd.action == ConsolidationAction::Replace);
    CHECK(cmd.replacement->instance_types == std::vector<std::string>{"gx.4"});
    REQUIRE(cmd.scores.size() == 1);
    const MoveScore& s = cmd.scores.front();
    CHECK(s.method == "single-node");
    CHECK(s.candidates == std::vector<std::string>{"a"});
    CHECK(s.savings_usd_per_h == doctest::Approx(2.50));
    CHECK(s.savings_fraction == doctest::Approx(0.25));
    CHECK(s.disruption_cost == doctest::Approx(4.0));
    CHECK(s.disruption_fraction == doctest::Approx(0.4));
    CHECK(s.score == doctest::Approx(0.625));
    CHECK(s.threshold == doctest::Approx(0.5));
    CHECK(s.approved);
  }
  SUBCASE("refused: NodePool cost 20 USD/h; taken again with consolidationThreshold 4") {
    // savings fraction 2.50 / 20 = 0.125; disruption fraction 4 / 10 = 0.4; score 0.3125 < 1/2.
    settings.pools["gpu"] = BalancedPool{true, 2, 20.0, 10.0};
    ConsolidationCommand cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), settings);
    CHECK(cmd.action == ConsolidationAction::None);
    CHECK(cmd.reason.rfind("node a: Balanced: score 0.31", 0) == 0);
    CHECK(cmd.reason.find("< threshold 0.500 (savings 12.5%, disruption 40.0%)") != std::string::npos);
    REQUIRE(cmd.scores.size() == 1);
    CHECK(cmd.scores.front().score == doctest::Approx(0.3125));
    CHECK_FALSE(cmd.scores.front().approved);
    // k = 4: threshold 0.25 <= 0.3125.
    settings.pools["gpu"].k = 4;
    cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), settings);
    CHECK(cmd.action == ConsolidationAction::Replace);
    REQUIRE(cmd.scores.size() == 1);
    CHECK(cmd.scores.front().threshold == doctest::Approx(0.25));
    CHECK(cmd.scores.front().approved);
  }
  SUBCASE("a NodePool that is not Balanced is not scored") {
    settings.pools["gpu"] = BalancedPool{false, 2, 20.0, 10.0};
    const ConsolidationCommand cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), settings);
    CHECK(cmd.action == ConsolidationAction::Replace);
    CHECK(cmd.scores.empty());
  }
}

TEST_CASE("Balanced multi-node consolidation: a delete saving the whole price of two nodes is scored against the NodePool") {
  // Two gx.2 (1.50 USD/h each) with one 1-GPU pod each, and a gx.4 (2.50) with one 1-GPU pod and 3
  // GPUs free: both gx.2's pods fit on the gx.4, so deleting the two saves 3.00 USD/h. Candidates are
  // the two gx.2 (the gx.4 is not a candidate here). NodePool totals: cost 1.50 + 1.50 + 2.50 = 5.50,
  // disruption cost (1+1) × 3 = 6. Move: savings fraction 3.00 / 5.50 = 0.5454...; disruption 2 + 2 = 4,
  // fraction 4 / 6 = 0.6667; score 0.8182 >= 0.5: taken.
  const InstanceCatalog cat = gx_catalog();
  const TestNode a = node(cat, "a", "gx.2", CapacityType::OnDemand, 1.50, {consolidation_pod("p0", 1000, 1)});
  const TestNode b = node(cat, "b", "gx.2", CapacityType::OnDemand, 1.50, {consolidation_pod("p1", 1000, 1)});
  const TestNode c = node(cat, "c", "gx.4", CapacityType::OnDemand, 2.50, {consolidation_pod("p2", 1000, 1)});
  World w = gx_world({a, b, c});
  ConsolidationSettings settings;
  settings.pools["gpu"] = BalancedPool{true, 2, 5.50, 6.0};
  const ConsolidationCommand cmd = multi_node_consolidation({a.candidate, b.candidate}, {{"gpu", 10}}, w.view(), settings);
  REQUIRE(cmd.action == ConsolidationAction::Delete);
  CHECK(cmd.candidates == std::vector<std::string>{"a", "b"});
  REQUIRE(cmd.scores.size() == 1);
  CHECK(cmd.scores.front().method == "multi-node");
  CHECK(cmd.scores.front().savings_usd_per_h == doctest::Approx(3.00));
  CHECK(cmd.scores.front().score == doctest::Approx((3.00 / 5.50) / (4.0 / 6.0)));
  CHECK(cmd.scores.front().score == doctest::Approx(0.8182).epsilon(1e-4));
  // consolidationThreshold 1 (threshold 1.0) refuses it: 0.818 < 1.
  settings.pools["gpu"].k = 1;
  const ConsolidationCommand refused = multi_node_consolidation({a.candidate, b.candidate}, {{"gpu", 10}}, w.view(), settings);
  CHECK(refused.action == ConsolidationAction::None);
  REQUIRE(refused.scores.size() == 1);
  CHECK_FALSE(refused.scores.front().approved);
}

TEST_CASE("minValues: a claim keeps that many distinct instance types, or the NodePool does not take the pod") {
  // NodePool gpu with node.kubernetes.io/instance-type Exists, minValues 3. On the gx catalog the
  // types that hold 2 GPUs are gx.2, gx.4, gx.8 (3: a claim) and those that hold 3 GPUs are gx.4 and
  // gx.8 (2 < 3: none).
  const InstanceCatalog cat = gx_catalog();
  World w = gx_world({});
  w.pools[0].min_values = {MinValues{std::string(label::kInstanceType), 3}};
  std::vector<Offering> offerings = w.offerings;

  SUBCASE("a 3-GPU pod is refused with the reason") {
    const SchedulingResult r = schedule({consolidation_pod("big", 1000, 3)}, w.pools, {}, cat, offerings);
    CHECK(r.claims.empty());
    REQUIRE(r.unschedulable.size() == 1);
    CHECK(r.unschedulable[0].reason ==
          "pool gpu: minValues: the types that fit have 2 distinct value(s) of node.kubernetes.io/instance-type, the NodePool requires 3");
  }
  SUBCASE("a 2-GPU pod does not join the 1-GPU pod's claim, which would keep only gx.4 and gx.8") {
    // Pods go largest first by CPU then memory, equal here, so in the order given: the 1-GPU pod opens
    // a claim of all four types; the 2-GPU pod with it would need 3 GPUs (gx.4, gx.8: 2 types), so it
    // opens its own claim of gx.2, gx.4, gx.8.
    const SchedulingResult r = schedule({consolidation_pod("one", 1000, 1), consolidation_pod("two", 1000, 2)}, w.pools, {}, cat, offerings);
    REQUIRE(r.claims.size() == 2);
    CHECK(r.claims[0].pods == std::vector<std::string>{"one"});
    CHECK(r.claims[0].instance_types == std::vector<std::string>{"gx.1", "gx.2", "gx.4", "gx.8"});
    CHECK(r.claims[1].pods == std::vector<std::string>{"two"});
    CHECK(r.claims[1].instance_types == std::vector<std::string>{"gx.2", "gx.4", "gx.8"});
    // Without the floor the two share one claim of gx.4 and gx.8.
    w.pools[0].min_values.clear();
    const SchedulingResult free = schedule({consolidation_pod("one", 1000, 1), consolidation_pod("two", 1000, 2)}, w.pools, {}, cat, offerings);
    REQUIRE(free.claims.size() == 1);
    CHECK(free.claims[0].instance_types == std::vector<std::string>{"gx.4", "gx.8"});
  }
}

TEST_CASE("minValues BestEffort: the floor gives way to the types there are, and the claim says so") {
  // The same NodePool (instance-type minValues 3) under MIN_VALUES_POLICY BestEffort: the 3-GPU pod,
  // refused under Strict, gets a claim of the two types that hold it (gx.4, gx.8), relaxed; the
  // 2-GPU pod joins the 1-GPU pod's claim as it would without the floor (gx.4, gx.8), relaxed.
  const InstanceCatalog cat = gx_catalog();
  World w = gx_world({});
  w.pools[0].min_values = {MinValues{std::string(label::kInstanceType), 3}};
  w.pools[0].min_values_policy = MinValuesPolicy::BestEffort;
  const SchedulingResult big = schedule({consolidation_pod("big", 1000, 3)}, w.pools, {}, cat, w.offerings);
  REQUIRE(big.claims.size() == 1);
  CHECK(big.unschedulable.empty());
  CHECK(big.claims[0].instance_types == std::vector<std::string>{"gx.4", "gx.8"});
  CHECK(big.claims[0].min_values_relaxed);
  const SchedulingResult two = schedule({consolidation_pod("one", 1000, 1), consolidation_pod("two", 1000, 2)}, w.pools, {}, cat, w.offerings);
  REQUIRE(two.claims.size() == 1);
  CHECK(two.claims[0].instance_types == std::vector<std::string>{"gx.4", "gx.8"});
  CHECK(two.claims[0].min_values_relaxed);
  // A claim that meets the floor is not relaxed: the 1-GPU pod alone has gx.1, gx.2, gx.4, gx.8.
  const SchedulingResult one = schedule({consolidation_pod("one", 1000, 1)}, w.pools, {}, cat, w.offerings);
  REQUIRE(one.claims.size() == 1);
  CHECK(one.claims[0].instance_types.size() == 4);
  CHECK_FALSE(one.claims[0].min_values_relaxed);
}

TEST_CASE("minValues and the launch request's cut to 60 types: Strict fails the launch, BestEffort sends the 60") {
  // 70 one-GPU types: fa.0 ... fa.29 at 1.00 + 0.01 i USD/h, fb.0 ... fb.29 at 1.30 + 0.01 i, and
  // fc.0 ... fc.9 at 2.00 + 0.01 i. A 1-GPU pod's claim holds all 70 (three families), so the
  // NodePool's instance-family minValues 3 holds while scheduling. The launch request keeps the 60
  // cheapest: the 30 fa and 30 fb (the dearest, fb.29, 1.59 < fc.0's 2.00), two families < 3.
  std::vector<InstanceType> types;
  for (int i = 0; i < 30; ++i) types.push_back(gpu_type("fa." + std::to_string(i), 4, 1, 1.00 + 0.01 * i));
  for (int i = 0; i < 30; ++i) types.push_back(gpu_type("fb." + std::to_string(i), 4, 1, 1.30 + 0.01 * i));
  for (int i = 0; i < 10; ++i) types.push_back(gpu_type("fc." + std::to_string(i), 4, 1, 2.00 + 0.01 * i));
  const InstanceCatalog cat(types, "test");
  std::vector<NodePoolSpec> pools(1);
  pools[0].name = "gpu";
  pools[0].min_values = {MinValues{std::string(label::kFamily), 3}};
  std::vector<Offering> offerings;
  for (const auto& t : cat.types()) offerings.push_back(offering(t.name, CapacityType::OnDemand, t.ondemand_usd_per_h));

  const SchedulingResult strict = schedule({consolidation_pod("p", 1000, 1)}, pools, {}, cat, offerings);
  CHECK(strict.claims.empty());
  REQUIRE(strict.unschedulable.size() == 1);
  CHECK(strict.unschedulable[0].reason ==
        "pool gpu: minValues: the types that fit have 2 distinct value(s) of karpenter.k8s.aws/instance-family, the NodePool requires 3 "
        "among the 60 cheapest types of the launch request");

  pools[0].min_values_policy = MinValuesPolicy::BestEffort;
  const SchedulingResult best = schedule({consolidation_pod("p", 1000, 1)}, pools, {}, cat, offerings);
  REQUIRE(best.claims.size() == 1);
  CHECK(best.claims[0].instance_types.size() == 60);
  CHECK(best.claims[0].instance_types.back() == "fb.29");

  // With minValues 2 the 60 cheapest (fa and fb) meet it under Strict too.
  pools[0].min_values_policy = MinValuesPolicy::Strict;
  pools[0].min_values = {MinValues{std::string(label::kFamily), 2}};
  const SchedulingResult two = schedule({consolidation_pod("p", 1000, 1)}, pools, {}, cat, offerings);
  REQUIRE(two.claims.size() == 1);
  CHECK(two.claims[0].instance_types.size() == 60);
}

TEST_CASE("consolidation keeps minValues: a replacement whose cheaper types fall below the floor is refused") {
  // One gx.8 (5.00 USD/h) with one 1-GPU pod: the pod's claim holds gx.1, gx.2, gx.4, gx.8 (4
  // types); the cheaper ones are gx.1, gx.2, gx.4 (3). With instance-type minValues 3 the
  // replacement keeps 3 >= 3 (replaced); with 4 the cheaper types have 3 < 4 (refused, Karpenter's
  // "Filtering by price" on minValues). Under BestEffort with minValues 5, the claim was relaxed to
  // its 4 distinct types, and the 3 cheaper ones still fall below 4: refused too.
  const InstanceCatalog cat = gx_catalog();
  const TestNode a = node(cat, "a", "gx.8", CapacityType::OnDemand, 5.00, {consolidation_pod("p0", 1000, 1)});
  World w = gx_world({a});
  w.pools[0].min_values = {MinValues{std::string(label::kInstanceType), 3}};
  ConsolidationCommand cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), {});
  REQUIRE(cmd.action == ConsolidationAction::Replace);
  CHECK(cmd.replacement->instance_types == std::vector<std::string>{"gx.1", "gx.2", "gx.4"});

  w.pools[0].min_values = {MinValues{std::string(label::kInstanceType), 4}};
  cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), {});
  CHECK(cmd.action == ConsolidationAction::None);
  CHECK(cmd.reason ==
        "node a: Filtering by price: minValues: the types have 3 distinct value(s) of node.kubernetes.io/instance-type, the NodePool requires 4 "
        "among the cheaper types");

  w.pools[0].min_values = {MinValues{std::string(label::kInstanceType), 5}};
  w.pools[0].min_values_policy = MinValuesPolicy::BestEffort;
  cmd = single_node_consolidation({a.candidate}, {{"gpu", 1}}, w.view(), {});
  CHECK(cmd.action == ConsolidationAction::None);
  CHECK(cmd.reason.find("the NodePool requires 4 among the cheaper types") != std::string::npos);
}
