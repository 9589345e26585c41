// Karpenter's capacity type "reserved": On-Demand Capacity Reservations and Capacity Blocks of the
// scenario's market.capacity_reservations, selected by an EC2NodeClass's
// capacityReservationSelectorTerms, tried before spot and on-demand, billed whole, and a Capacity
// Block's nodes drained before its end. Every figure is worked out by hand from the bundled catalog
// (g5.xlarge: 1 GPU, 1.006 USD/h on demand).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/results/result_json.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/market/capacity_reservation.hpp"
#include "capsim/provisioning/karpenter/scheduler.hpp"
#include "capsim/sim/simulation.hpp"
#include "test_paths.hpp"

using namespace capsim;
using nlohmann::json;

namespace {

using test::scenario_file;
json doc_of(const std::string& name) { return json::parse(std::ifstream(scenario_file(name))); }
RunResult run_reserved(const json& doc) {
  RunOptions opt;
  opt.keep_series = true;
  return run_scenario(io::load_scenario_text(doc.dump(), "reserved.json", test::data_dir() / "scenarios"), opt);
}
const CostLine& line_named(const ReplicateResult& rep, const std::string& resource) {
  auto it = std::find_if(rep.cost_lines.begin(), rep.cost_lines.end(), [&](const CostLine& l) { return l.resource == resource; });
  REQUIRE(it != rep.cost_lines.end());
  return *it;
}
bool has_warning(const std::vector<std::string>& warnings, const std::string& text) {
  return std::find(warnings.begin(), warnings.end(), text) != warnings.end();
}

}  // namespace

TEST_CASE("a 2-instance ODCR takes the first two nodes; the third goes on demand") {
  // Three replicas of 1 GPU; the NodePool allows reserved and on-demand g5.xlarge (1 GPU each), so
  // each pod gets its own claim. The reservation holds 2: the first two claims take it (reserved
  // is tried first), the third is on demand. All three launch when the batch window closes, 1 s in.
  const RunResult r = run_reserved(doc_of("karpenter_reserved.json"));
  const ReplicateResult& rep = r.policies[0].replicates[0];
  REQUIRE(rep.nodes.size() == 3);
  int reserved = 0, on_demand = 0;
  for (const NodeRecord& n : rep.nodes) {
    CHECK(n.launched_s == 1);
    CHECK(n.instance_type == "g5.xlarge");
    if (n.capacity_type == "reserved") {
      ++reserved;
      CHECK(n.price_usd_per_h == 0);  // paid by the reservation
    } else {
      ++on_demand;
      CHECK(n.capacity_type == "on-demand");
      CHECK(n.price_usd_per_h == doctest::Approx(1.006));
    }
  }
  CHECK(reserved == 2);
  CHECK(on_demand == 1);
  // The ODCR is billed whole for the 2-hour window, used or not: 2 instances x 1.006 x 2 h = 4.024.
  const CostLine& odcr = line_named(rep, "odcr/cr-0a1b2c3d4e5f60001");
  CHECK(odcr.capacity_type == "reserved");
  CHECK(odcr.owner == "capacity-reservations");
  CHECK(odcr.start_s == 0);
  CHECK(odcr.end_s == 7200);
  CHECK(odcr.cost_usd == doctest::Approx(2 * 1.006 * 2));
  CHECK(odcr.tags.at("team") == "ml");
  // The on-demand node runs from 1 s to the end: 1.006 x 7199/3600; the reserved nodes cost nothing.
  CHECK(rep.cost.reserved_usd == doctest::Approx(4.024));
  CHECK(rep.cost.on_demand_usd == doctest::Approx(1.006 * 7199 / 3600));
  CHECK(rep.cost.gpu_instances_usd == doctest::Approx(4.024 + 1.006 * 7199 / 3600));
  CHECK(rep.services[0].replicas_placed == 3);
}

TEST_CASE("an ODCR that is not used is billed all the same, and Karpenter without reserved in its NodePool goes on demand") {
  // The NodePool allows on-demand only: three on-demand nodes (3 x 1.006 x 7199/3600) and the
  // reservation still bills 4.024 (the account holds it whatever the policy).
  json doc = doc_of("karpenter_reserved.json");
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["requirements"][0]["values"] = {"on-demand"};
  const RunResult r = run_reserved(doc);
  const ReplicateResult& rep = r.policies[0].replicates[0];
  REQUIRE(rep.nodes.size() == 3);
  for (const NodeRecord& n : rep.nodes) CHECK(n.capacity_type == "on-demand");
  CHECK(rep.cost.reserved_usd == doctest::Approx(4.024));
  CHECK(rep.cost.on_demand_usd == doctest::Approx(3 * 1.006 * 7199 / 3600));
}

TEST_CASE("an ODCR that ends inside the window leaves its nodes running on demand") {
  // The reservation ends at 01:00Z (3,600 s): billed 2 x 1.006 x 1 h = 2.012 until then; its two
  // nodes run on, each billed on demand from 3,600 s to 7,200 s (1.006 each); the third node is on
  // demand throughout (1.006 x 7199/3600).
  json doc = doc_of("karpenter_reserved.json");
  doc["market"]["capacity_reservations"][0]["end"] = "2024-05-10T01:00:00Z";
  const RunResult r = run_reserved(doc);
  const ReplicateResult& rep = r.policies[0].replicates[0];
  REQUIRE(rep.nodes.size() == 3);
  CHECK(line_named(rep, "odcr/cr-0a1b2c3d4e5f60001").end_s == 3600);
  CHECK(rep.cost.reserved_usd == doctest::Approx(2.012));
  CHECK(rep.cost.on_demand_usd == doctest::Approx(2 * 1.006 + 1.006 * 7199 / 3600));
  int moved = 0;
  for (const CostLine& l : rep.cost_lines)
    if (l.capacity_type == "on-demand" && l.start_s == 3600) {
      ++moved;
      CHECK(l.end_s == 7200);
      CHECK(l.resource.rfind("node/gpu/", 0) == 0);
    }
  CHECK(moved == 2);
}

TEST_CASE("a Capacity Block ending at 11:30 UTC has its node drained by 11:00 and replaced") {
  // The block (one g5.xlarge, 0.5 USD per instance-hour) runs 2024-05-09 11:30Z to 2024-05-10 11:30Z;
  // the window starts 2024-05-10 00:00Z, so the block ends 41,400 s in. Karpenter drains its node 40
  // minutes before (10:50Z, 39,000 s): the replica goes pending, the batch window closes 1 s later
  // and, the block no longer offered, the replacement is on demand at 39,001 s, Ready 60 s later
  // (39,061 s, 10:51:01Z) and serving after the replica's 60 s startup, before EC2 starts
  // terminating the block's instances at 11:00Z (39,600 s).
  const RunResult r = run_reserved(doc_of("karpenter_capacity_block.json"));
  const ReplicateResult& rep = r.policies[0].replicates[0];
  REQUIRE(rep.nodes.size() == 2);
  const NodeRecord& block = rep.nodes[0];
  CHECK(block.capacity_type == "reserved");
  CHECK(block.launched_s == 1);
  CHECK(block.terminated_s == 39000);
  CHECK(block.end_reason == "capacity-block-drain");
  const NodeRecord& replacement = rep.nodes[1];
  CHECK(replacement.capacity_type == "on-demand");
  CHECK(replacement.launched_s == 39001);
  CHECK(replacement.ready_s == 39061);
  CHECK(replacement.ready_s < 39600);
  CHECK(replacement.terminated_s == -1);
  // The block is billed at its price for its hours inside the window (paid upfront): 0.5 x 41400/3600
  // = 5.75; the on-demand node from 39,001 s to 43,200 s: 1.006 x 4199/3600.
  const CostLine& cb = line_named(rep, "capacity-block/cr-0b1b2c3d4e5f60002");
  CHECK(cb.start_s == 0);
  CHECK(cb.end_s == 41400);
  CHECK(cb.cost_usd == doctest::Approx(5.75));
  CHECK(rep.cost.reserved_usd == doctest::Approx(5.75));
  CHECK(rep.cost.on_demand_usd == doctest::Approx(1.006 * 4199 / 3600));
}

TEST_CASE("the NodePool and EC2NodeClass as manifests run as their JSON twin, byte for byte") {
  const Scenario from_json = io::load_scenario(scenario_file("karpenter_reserved.json"));
  const Scenario from_manifests = io::load_scenario(scenario_file("manifests_reserved.json"));
  REQUIRE(from_manifests.policies.front().cluster.karpenter.node_pools.size() == 1);
  CHECK(from_manifests.policies.front().cluster.karpenter.node_pools[0].scheduling.capacity_reservations ==
        std::vector<std::string>{"cr-0a1b2c3d4e5f60001"});
  RunResult a = run_scenario(from_json, {});
  RunResult b = run_scenario(from_manifests, {});
  // The one difference: the manifests' note that the EC2NodeClass's role and AMI terms are read and ignored.
  CHECK(has_warning(b.warnings, "EC2NodeClass 'gpu': amiSelectorTerms, role read and ignored (they do not change what capsim simulates)"));
  CHECK(b.warnings.size() == a.warnings.size() + 1);
  b.warnings = a.warnings;
  const std::string ja = io::result_to_json(a), jb = io::result_to_json(b);
  CHECK(ja == jb);
  const json j = json::parse(ja);
  CHECK(j["policies"][0]["replicates"][0]["cost_usd"]["reserved"].get<double>() == doctest::Approx(4.024));
}

TEST_CASE("selector terms that match no reservation are a warning, as Karpenter finds none and goes on") {
  json doc = doc_of("karpenter_reserved.json");
  auto& terms = doc["cluster"]["node_classes"][0]["spec"]["capacityReservationSelectorTerms"];
  terms[0]["tags"]["team"] = "infra";
  const Scenario sc = io::load_scenario_text(doc.dump(), "reserved.json", test::data_dir() / "scenarios");
  CHECK(has_warning(sc.warnings, "EC2NodeClass 'gpu': capacityReservationSelectorTerms[0] selects no reservation of "
                                 "market.capacity_reservations, so Karpenter has no reserved capacity from it"));
  CHECK(sc.policies[0].cluster.karpenter.node_pools[0].scheduling.capacity_reservations.empty());
  // Reserved and on-demand allowed: all three on demand.
  const RunResult r = run_reserved(doc);
  for (const NodeRecord& n : r.policies[0].replicates[0].nodes) CHECK(n.capacity_type == "on-demand");
  // Reserved only: the pods get no node, and the loader says why before the run.
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["requirements"][0]["values"] = {"reserved"};
  const Scenario only = io::load_scenario_text(doc.dump(), "reserved.json", test::data_dir() / "scenarios");
  CHECK(has_warning(only.warnings, "NodePool 'gpu' allows only reserved capacity, but its EC2NodeClass 'gpu' selects no such capacity "
                                   "reservation: its pods get no node from it"));
}

TEST_CASE("a NodePool requiring Capacity Blocks does not launch into an ODCR") {
  // capacity-reservation-type In [capacity-block]: the ODCR (type default) is not offered to it, and
  // only reserved offerings carry the label, so no offering is left: a warning, and no node.
  json doc = doc_of("karpenter_reserved.json");
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["requirements"].push_back(
      {{"key", "karpenter.k8s.aws/capacity-reservation-type"}, {"operator", "In"}, {"values", {"capacity-block"}}});
  const Scenario sc = io::load_scenario_text(doc.dump(), "reserved.json", test::data_dir() / "scenarios");
  CHECK(has_warning(sc.warnings, "NodePool 'gpu' allows only reserved capacity of type In [capacity-block], but its EC2NodeClass 'gpu' "
                                 "selects no such capacity reservation: its pods get no node from it"));
  const RunResult r = run_reserved(doc);
  CHECK(r.policies[0].replicates[0].nodes.empty());
  // Requiring "default" instead, the two reserved nodes launch and the third pod finds nothing.
  doc["cluster"]["node_pools"][0]["spec"]["template"]["spec"]["requirements"][2]["values"] = {"default"};
  const RunResult d = run_reserved(doc);
  CHECK(d.policies[0].replicates[0].nodes.size() == 2);
  for (const NodeRecord& n : d.policies[0].replicates[0].nodes) CHECK(n.capacity_type == "reserved");
}

TEST_CASE("one scheduling round plans no more claims into a reservation than it holds") {
  // Three 1-GPU pods, g5.xlarge only (1 GPU: one pod a claim). Offerings: on demand at 1.006, and a
  // reservation of 2 priced near zero. The first two claims take the reservation, the third is on
  // demand; a NodePool whose class does not select the reservation gets on-demand only.
  const InstanceCatalog catalog = io::builtin_catalog("aws-us-east-1");
  std::vector<Offering> offerings = ondemand_offerings(catalog, {"us-east-1a"});
  Offering r;
  r.instance_type = "g5.xlarge";
  r.zone = "us-east-1a";
  r.capacity_type = CapacityType::Reserved;
  r.price_usd_per_h = 1.006e-7;
  r.capacity = 2;
  r.reservation_id = "cr-1";
  r.reservation_type = "default";
  offerings.push_back(r);
  NodePoolSpec pool;
  pool.name = "gpu";
  pool.requirements = Requirements({Requirement{std::string(label::kInstanceType), Operator::In, {"g5.xlarge"}}});
  pool.capacity_reservations = {"cr-1"};
  std::vector<PodSpec> pods;
  for (const char* name : {"a", "b", "c"}) pods.push_back(PodSpec{name, ResourceList{1000, 2048, 1, 1}, Requirements(), {}, {}, {}});
  const SchedulingResult s = schedule(pods, {pool}, {}, catalog, offerings);
  REQUIRE(s.claims.size() == 3);
  CHECK(s.claims[0].capacity_type == CapacityType::Reserved);
  CHECK(s.claims[1].capacity_type == CapacityType::Reserved);
  CHECK(s.claims[2].capacity_type == CapacityType::OnDemand);
  CHECK(s.claims[2].cheapest_price_usd_per_h == doctest::Approx(1.006));
  pool.capacity_reservations.clear();
  const SchedulingResult none = schedule(pods, {pool}, {}, catalog, offerings);
  REQUIRE(none.claims.size() == 3);
  for (const PlannedNodeClaim& c : none.claims) CHECK(c.capacity_type == CapacityType::OnDemand);
}

TEST_CASE("selector terms: an id alone, or tags all matching with the owner") {
  CapacityReservation r;
  r.id = "cr-1";
  r.owner_id = "111122223333";
  r.tags = {{"team", "ml"}, {"env", "prod"}};
  CHECK(selects({std::string("cr-1"), {}, ""}, r));
  CHECK_FALSE(selects({std::string("cr-2"), {}, ""}, r));
  CHECK(selects({std::nullopt, {{"team", "ml"}}, ""}, r));
  CHECK(selects({std::nullopt, {{"team", "ml"}, {"env", "prod"}}, "111122223333"}, r));
  CHECK_FALSE(selects({std::nullopt, {{"team", "ml"}}, "999999999999"}, r));
  CHECK_FALSE(selects({std::nullopt, {{"team", "ml"}, {"env", "dev"}}, ""}, r));
  // A block is offered from its start until Karpenter drains it, 40 minutes before its end.
  CapacityReservation b = r;
  b.type = ReservationType::CapacityBlock;
  b.begins = 3600 * kMicrosPerSecond;
  b.ends = 3 * 3600 * kMicrosPerSecond;
  CHECK_FALSE(reservation_offered_at(b, 3600 * kMicrosPerSecond - 1));
  CHECK(reservation_offered_at(b, 3600 * kMicrosPerSecond));
  CHECK(reservation_offered_at(b, (3 * 3600 - 2400) * kMicrosPerSecond - 1));
  CHECK_FALSE(reservation_offered_at(b, (3 * 3600 - 2400) * kMicrosPerSecond));
}

namespace {
// karpenter_reserved.json with two ODCRs of g5.xlarge in us-east-1a, both tagged team=ml (so the
// class selects both): `first` listed before `second`; `replicas` 1-GPU replicas, one a node.
json two_reservations(json first, json second, int replicas) {
  json doc = doc_of("karpenter_reserved.json");
  json base = doc["market"]["capacity_reservations"][0];
  doc["market"]["capacity_reservations"] = json::array();
  for (json* r : {&first, &second}) {
    json full = base;
    full.merge_patch(*r);
    doc["market"]["capacity_reservations"].push_back(full);
  }
  doc["services"][0]["replicas"] = replicas;
  return doc;
}
}  // namespace

TEST_CASE("two reservations of one type and zone: each an offering of its own, each holding its own count") {
  // cr-...a holds 1 and ends at 01:00Z (3,600 s), cr-...b holds 2. Four replicas: the round's claims
  // take cr-...a's one instance, then cr-...b's two, and the fourth is on demand (all at 1 s).
  // At 3,600 s cr-...a ends and its one node runs on, billed on demand. So on demand: the fourth node
  // 1 s to 7,200 s (7,199 s) and cr-...a's node 3,600 s to 7,200 s: 1.006 x (7,199 + 3,600) / 3,600.
  // Reservations: cr-...a 1 x 1.006 x 1 h = 1.006; cr-...b 2 x 1.006 x 2 h = 4.024; 5.030 in all.
  // Had one reservation held all three reserved nodes, the end of cr-...a would move another count
  // of them to on demand.
  const json doc = two_reservations({{"id", "cr-0a1b2c3d4e5f6000a"}, {"instance_count", 1}, {"end", "2024-05-10T01:00:00Z"}},
                                     {{"id", "cr-0a1b2c3d4e5f6000b"}, {"instance_count", 2}}, 4);
  const RunResult r = run_reserved(doc);
  const ReplicateResult& rep = r.policies[0].replicates[0];
  REQUIRE(rep.nodes.size() == 4);
  int reserved = 0;
  for (const NodeRecord& n : rep.nodes) {
    CHECK(n.launched_s == 1);
    if (n.capacity_type == "reserved") ++reserved;
  }
  CHECK(reserved == 3);
  CHECK(line_named(rep, "odcr/cr-0a1b2c3d4e5f6000a").cost_usd == doctest::Approx(1.006));
  CHECK(line_named(rep, "odcr/cr-0a1b2c3d4e5f6000b").cost_usd == doctest::Approx(4.024));
  CHECK(rep.cost.reserved_usd == doctest::Approx(5.030));
  CHECK(rep.cost.on_demand_usd == doctest::Approx(1.006 * (7199 + 3600) / 3600));
  CHECK(rep.services[0].replicas_placed == 4);
}

TEST_CASE("two equal reservations of one type and zone are filled in the scenario's order") {
  // Both hold 2; the one that ends at 01:00Z is listed first or second. Three replicas: the first
  // listed takes two nodes, the other one. The ending reservation's nodes run on demand for the last
  // hour: two of them (2 x 1.006 = 2.012) when it is listed first, one (1.006) when second.
  const json ending = {{"id", "cr-0a1b2c3d4e5f6000a"}, {"end", "2024-05-10T01:00:00Z"}};
  const json lasting = {{"id", "cr-0a1b2c3d4e5f6000b"}};
  const RunResult first = run_reserved(two_reservations(ending, lasting, 3));
  CHECK(first.policies[0].replicates[0].cost.on_demand_usd == doctest::Approx(2 * 1.006));
  const RunResult second = run_reserved(two_reservations(lasting, ending, 3));
  CHECK(second.policies[0].replicates[0].cost.on_demand_usd == doctest::Approx(1.006));
  // The reservations bill the same either way: 2 x 1.006 x 1 h + 2 x 1.006 x 2 h = 6.036.
  CHECK(first.policies[0].replicates[0].cost.reserved_usd == doctest::Approx(6.036));
  CHECK(second.policies[0].replicates[0].cost.reserved_usd == doctest::Approx(6.036));
}
