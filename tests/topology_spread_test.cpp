// Topology spread by zone (and hostname): the skew test kube-scheduler and Karpenter share, and
// Karpenter's choice of a NodeClaim's zone. Expected placements are worked out by hand from the
// rule skew = count in the domain + 1 - least count over the eligible domains <= maxSkew, and from
// Karpenter's pick of the least-populated zone that keeps it (ties: the first by name in capsim).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "capsim/catalog/labels.hpp"
#include "capsim/catalog/topology_spread.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/provisioning/karpenter/scheduler.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
using test::catalog;
using test::kZones;

TopologySpreadConstraint zone_spread(int max_skew, bool schedule_anyway = false) {
  TopologySpreadConstraint c;
  c.key = std::string(label::kZone);
  c.max_skew = max_skew;
  c.schedule_anyway = schedule_anyway;
  return c;
}

// Six replicas of a one-GPU pod held to g4dn.xlarge (one GPU: one pod a node), spread by zone.
std::vector<PodSpec> replicas(const TopologySpreadConstraint& c, int n = 6) {
  std::vector<PodSpec> out;
  for (int i = 0; i < n; ++i) {
    PodSpec p;
    p.name = "p" + std::to_string(i);
    p.requests = ResourceList{1000, 2048, 1, 1};
    p.requirements = Requirements({{std::string(label::kInstanceType), Operator::In, {"g4dn.xlarge"}}});
    p.topology_spread = {c};
    p.workload = "chat";
    out.push_back(std::move(p));
  }
  return out;
}

NodePoolSpec spread_pool() {
  NodePoolSpec p;
  p.name = "gpu";
  return p;
}

// Pods per zone over the claims, and the zone of each pod.
std::map<std::string, int> per_zone(const SchedulingResult& r) {
  std::map<std::string, int> out;
  for (const PlannedNodeClaim& c : r.claims) out[c.zone] += static_cast<int>(c.pods.size());
  return out;
}
std::string zone_of_pod(const SchedulingResult& r, const std::string& pod) {
  auto c = r.claim_of(pod);
  return c ? r.claims[*c].zone : std::string();
}
}  // namespace

TEST_CASE("the skew test: count + 1 - global minimum <= maxSkew; minDomains makes the minimum 0") {
  const TopologySpreadConstraint c = zone_spread(1);
  const DomainCounts counts = {{"a", 2}, {"b", 1}, {"c", 1}};
  CHECK(spread_global_min(c, counts) == 1);
  CHECK(spread_allows(c, counts, "b", 1));   // 1 + 1 - 1 = 1 <= 1
  CHECK(!spread_allows(c, counts, "a", 1));  // 2 + 1 - 1 = 2 > 1
  CHECK(spread_violation(c, counts, "a", 1) ==
        "topology spread: topology.kubernetes.io/zone a would hold 3 pods of the workload, 3 - 1 > maxSkew 1 (b holds 1)");
  CHECK(spread_violation(c, counts, "b", 1).empty());
  // minDomains 4 with three eligible domains: the global minimum is 0, so even b (1 + 1 - 0 = 2) is refused.
  TopologySpreadConstraint four = c;
  four.min_domains = 4;
  CHECK(spread_global_min(four, counts) == 0);
  CHECK(!spread_allows(four, counts, "b", 0));
  CHECK(spread_global_min(four, {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}}) == 1);
}

TEST_CASE("Karpenter: 6 replicas with maxSkew 1 over 3 zones land 2/2/2, each claim in the zone its spread picks") {
  // Counts start 0/0/0. p0: every zone within skew, least-populated, first by name: 1a. p1: 1a would
  // be 2 - 0 > 1, so 1b (tie with 1c, by name). p2: 1c. Now 1/1/1: p3 1a (2 - 1 = 1), p4 1b, p5 1c.
  // One GPU per g4dn.xlarge: a claim each.
  const SchedulingResult r = schedule(replicas(zone_spread(1)), {spread_pool()}, {}, catalog(), ondemand_offerings(catalog(), kZones));
  CHECK(r.unschedulable.empty());
  REQUIRE(r.claims.size() == 6);
  CHECK(per_zone(r) == std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}, {"us-east-1c", 2}});
  CHECK(zone_of_pod(r, "p0") == "us-east-1a");
  CHECK(zone_of_pod(r, "p1") == "us-east-1b");
  CHECK(zone_of_pod(r, "p2") == "us-east-1c");
  CHECK(zone_of_pod(r, "p3") == "us-east-1a");
  CHECK(zone_of_pod(r, "p4") == "us-east-1b");
  CHECK(zone_of_pod(r, "p5") == "us-east-1c");
  // The launch request keeps to that zone: the claim's requirements pin it.
  for (const PlannedNodeClaim& c : r.claims) CHECK(c.requirements.keys().at(std::string(label::kZone)).describe().find(c.zone) != std::string::npos);
  // Without the spread all six go to the cheapest zone's offerings; the on-demand price is the same
  // in every zone, so the first offering's zone, 1a, takes them all.
  std::vector<PodSpec> plain = replicas(zone_spread(1));
  for (PodSpec& p : plain) p.topology_spread.clear();
  CHECK(per_zone(schedule(plain, {spread_pool()}, {}, catalog(), ondemand_offerings(catalog(), kZones))) == std::map<std::string, int>{{"us-east-1a", 6}});
}

TEST_CASE("Karpenter: pods that share nodes join a planned claim of their zone only within the skew") {
  // 1-CPU pods without a type requirement: claims can hold several. p0 opens a claim in 1a; p1
  // cannot join it (1a would be 2 - 0 > 1) and opens 1b; p2 opens 1c; then 1/1/1, and p3, p4, p5
  // join the one-pod claims in order (fewest pods first): 1a, 1b, 1c. Three claims of two pods.
  std::vector<PodSpec> pods = replicas(zone_spread(1));
  for (PodSpec& p : pods) {
    p.requests = ResourceList{1000, 1024, 0, 1};
    p.requirements = Requirements();
  }
  const SchedulingResult r = schedule(pods, {spread_pool()}, {}, catalog(), ondemand_offerings(catalog(), kZones));
  REQUIRE(r.claims.size() == 3);
  CHECK(r.claims[0].pods == std::vector<std::string>{"p0", "p3"});
  CHECK(r.claims[0].zone == "us-east-1a");
  CHECK(r.claims[1].pods == std::vector<std::string>{"p1", "p4"});
  CHECK(r.claims[1].zone == "us-east-1b");
  CHECK(r.claims[2].pods == std::vector<std::string>{"p2", "p5"});
  CHECK(r.claims[2].zone == "us-east-1c");
}

TEST_CASE("Karpenter: existing pods of the workload count, on nodes the pod's affinity admits") {
  // Two replicas already run in 1a (a full node): counts 2/0/0. Four new ones: p0 1b (1 - 0 = 1),
  // p1 1c, now 2/1/1: p2 1b (2 - 1 = 1), p3 1c. Zones 2/2/2 in all.
  const InstanceType& g4 = catalog().at("g4dn.12xlarge");
  Offering in_a;
  in_a.instance_type = g4.name;
  in_a.zone = "us-east-1a";
  ExistingNode full{"n0", &g4, ResourceList{0, 0, 0, 0}, std::make_shared<const Labels>(labels_of(g4, in_a)), "", {}};
  full.workload_pods = {{"chat", 2}};
  const SchedulingResult r = schedule(replicas(zone_spread(1), 4), {spread_pool()}, {full}, catalog(), ondemand_offerings(catalog(), kZones));
  CHECK(r.unschedulable.empty());
  CHECK(per_zone(r) == std::map<std::string, int>{{"us-east-1b", 2}, {"us-east-1c", 2}});
}

TEST_CASE("Karpenter: a zone whose capacity is gone leaves DoNotSchedule pods pending with the reason; ScheduleAnyway places them") {
  // A full node in 1c (no room) makes 1c an eligible domain with 0 pods, and 1c has no available
  // offering. p0 1a, p1 1b (ties by name among 1b and 1c), then the least-populated zone within the
  // skew is 1c: its claim finds no type; p3..p5 likewise (1a and 1b would be 2 - 0 > 1).
  std::vector<Offering> offerings = ondemand_offerings(catalog(), kZones);
  for (Offering& o : offerings) o.available = o.zone != "us-east-1c";
  const InstanceType& m5 = catalog().at("m5.large");
  Offering in_c;
  in_c.instance_type = m5.name;
  in_c.zone = "us-east-1c";
  const ExistingNode full{"full-c", &m5, ResourceList{0, 0, 0, 0}, std::make_shared<const Labels>(labels_of(m5, in_c)), "", {}};
  const SchedulingResult hard = schedule(replicas(zone_spread(1)), {spread_pool()}, {full}, catalog(), offerings);
  CHECK(per_zone(hard) == std::map<std::string, int>{{"us-east-1a", 1}, {"us-east-1b", 1}});
  REQUIRE(hard.unschedulable.size() == 4);
  for (const UnschedulablePod& u : hard.unschedulable) {
    INFO(u.reason);
    CHECK(u.reason.rfind("pool gpu: topology spread picks topology.kubernetes.io/zone us-east-1c (the least-populated zone within maxSkew), where ",
                         0) == 0);
  }
  // ScheduleAnyway: honoured while it can be (1a, 1b), then dropped for the pods it would hold back,
  // which go to the cheapest available zone's claims (g4dn.xlarge holds one: new claims in 1a).
  const SchedulingResult soft = schedule(replicas(zone_spread(1, true)), {spread_pool()}, {full}, catalog(), offerings);
  CHECK(soft.unschedulable.empty());
  CHECK(per_zone(soft) == std::map<std::string, int>{{"us-east-1a", 5}, {"us-east-1b", 1}});
  // Without the full node, 1c is no domain at all (Karpenter's zones are the available offerings'):
  // the six spread 3/3 over 1a and 1b.
  CHECK(per_zone(schedule(replicas(zone_spread(1)), {spread_pool()}, {}, catalog(), offerings)) ==
        std::map<std::string, int>{{"us-east-1a", 3}, {"us-east-1b", 3}});
}

TEST_CASE("Karpenter: kubernetes.io/hostname with maxSkew 1 puts one replica on each node") {
  // Hostname domains are nodes and the minimum is 0 (a new node can always be made): 1-CPU pods
  // that would share one claim each get a claim of their own.
  TopologySpreadConstraint host;
  host.key = std::string(label::kHostname);
  host.max_skew = 1;
  std::vector<PodSpec> pods = replicas(host, 3);
  for (PodSpec& p : pods) {
    p.requests = ResourceList{1000, 1024, 0, 1};
    p.requirements = Requirements();
  }
  const SchedulingResult r = schedule(pods, {spread_pool()}, {}, catalog(), ondemand_offerings(catalog(), kZones));
  REQUIRE(r.claims.size() == 3);
  for (const PlannedNodeClaim& c : r.claims) CHECK(c.pods.size() == 1);
  // maxSkew 2: two a node.
  pods = replicas(host, 3);
  for (PodSpec& p : pods) {
    p.requests = ResourceList{1000, 1024, 0, 1};
    p.requirements = Requirements();
    p.topology_spread.front().max_skew = 2;
  }
  CHECK(schedule(pods, {spread_pool()}, {}, catalog(), ondemand_offerings(catalog(), kZones)).claims.size() == 2);
}
