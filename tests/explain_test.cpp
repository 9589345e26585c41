// The report's words for the provisioners' decisions, from hand-made records.
#include <doctest/doctest.h>

#include "capsim/io/text_parse.hpp"
#include "capsim/report/explain.hpp"

using namespace capsim;

TEST_CASE("rejected types sharing a requirement are one line; others are listed by price") {
  Decisions d;
  LaunchDecision l;
  l.sequence = 0;
  l.at_s = 61;
  l.node_pool = "gpu";
  l.instance_type = "g5.xlarge";
  l.capacity_type = "spot";
  l.zone = "us-east-1a";
  l.price_usd_per_h = 0.5;
  l.pods = {"api#0"};
  l.types_considered = 3;
  l.types_in_request = 1;
  l.cheaper_rejected = {{"m5.large", 0.03, "requirements: karpenter.k8s.aws/instance-family In [g5] but it is m5"},
                        {"g4dn.xlarge", 0.2, "fit: memory 20000Mi > 14481Mi"},
                        {"c6i.large", 0.04, "requirements: karpenter.k8s.aws/instance-family In [g5] but it is c6i"},
                        {"g6.xlarge", 0.3, "throughput: the pod's service has no throughput_rps for this type"},
                        {"g6.2xlarge", 0.4, "throughput: the pod's service has no throughput_rps for this type"}};
  d.launches.push_back(l);
  ConsolidationDecision c;
  c.sequence = 1;
  c.at_s = 120;
  c.method = "empty";
  c.nodes = {{"g5.xlarge", "spot", 0}};
  c.nodes_price_usd_per_h = 0.5;
  d.consolidations.push_back(c);
  const auto lines = explain(d, *io::parse_iso8601("2024-05-10T00:00:00Z"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        "2024-05-10T00:01:01Z NodePool gpu: node g5.xlarge (spot, us-east-1a, 0.5000 USD/h) for 1 pod(s) [api#0]; 3 type(s) considered, "
        "1 in the launch request\n"
        "    2 cheaper types (0.0300 to 0.0400 USD/h): requirements: karpenter.k8s.aws/instance-family In [g5]: m5.large, c6i.large\n"
        "    2 cheaper types (0.3000 to 0.4000 USD/h): throughput: the pod's service has no throughput_rps for this type: g6.xlarge, "
        "g6.2xlarge\n"
        "    g4dn.xlarge (0.2000 USD/h): fit: memory 20000Mi > 14481Mi");
  CHECK(lines[1] == "2024-05-10T00:02:00Z consolidation (empty): delete 1 node(s) [g5.xlarge (spot, 0 pod(s))] costing 0.5000 USD/h");
}
