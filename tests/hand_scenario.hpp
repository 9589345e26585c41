#pragma once
// The five hand-worked minutes (tests/data/scenarios/hand.json) as a JSON document a test edits,
// and loading such a document with its relative paths resolved where hand.json lives.
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "test_paths.hpp"

namespace capsim::test {

inline nlohmann::json hand_doc() {
  std::ifstream in(data_dir() / "scenarios" / "hand.json");
  return nlohmann::json::parse(in);
}

inline Scenario load_beside_hand(const nlohmann::json& doc) {
  return io::load_scenario_text(doc.dump(), "inline.json", data_dir() / "scenarios");
}

// The Karpenter drift tests' scenario: four 1-GPU replicas that may run on g5.xlarge (1 GPU, 1.006 USD/h) or g6.xlarge (1 GPU, 0.8048):
// no type they may use holds two, so each gets its own node. The NodePool allows on-demand g5 only,
// so Karpenter launches four g5.xlarge 1 s in (the batch window), ready 60 s later (node_ready_s).
// WhenEmpty keeps consolidation out of the way; the one budget limits Drifted disruptions alone.
inline nlohmann::json drift_doc(const std::string& budget_nodes) {
  nlohmann::json doc = nlohmann::json::parse(std::ifstream(data_dir() / "scenarios" / "hand.json"));
  doc["simulation"] = {{"start", "2024-05-10T00:00:00Z"}, {"duration", "1h"}, {"period_s", 60}, {"seed", 5}};
  doc["traces"]["t"] = {{"format", "generator"}, {"period_s", 60}, {"generator", {{"kind", "constant"}, {"rps", 1}}}};
  doc["catalog"] = {{"zones", {"us-east-1a"}}};
  doc["market"] = {{"interruption_rate_by_bucket", {0, 0, 0, 0, 0}}};
  doc["services"][0]["replicas"] = 4;
  doc["services"][0]["throughput_rps"] = {{"g5.xlarge", 1.0}, {"g6.xlarge", 1.0}};
  doc["services"][0]["replica"]["startup_s"] = 60;
  doc["cluster"] = nlohmann::json::parse(R"({
    "provisioner": "karpenter", "eks_control_plane": false, "node_ready_s": 60, "node_groups": [],
    "node_pools": [{"metadata": {"name": "gpu"},
                    "spec": {"template": {"spec": {"requirements": [
                               {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
                               {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["g5"]}]}},
                             "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "30s",
                                            "budgets": [{"nodes": "", "reasons": ["Drifted"]}]}}}]})");
  doc["cluster"]["node_pools"][0]["spec"]["disruption"]["budgets"][0]["nodes"] = budget_nodes;
  return doc;
}

}  // namespace capsim::test
