#pragma once
// `capsim compare`: every policy × R replicates, the comparison, and its files.
#include <filesystem>
#include <functional>

#include <CLI/CLI.hpp>

#include "capsim/report/shards.hpp"

namespace capsim::cli {

/// `--shard INDEX/COUNT` (compare and sweep). Throws capsim::Error unless 0 <= INDEX < COUNT.
Shard parse_shard(const std::string& text);

std::function<int()> add_compare_command(CLI::App& app);

inline constexpr const char* kManifestsHelp =
    "Kubernetes manifests (files, or folders of *.yaml, *.yml and *.json) that make the choices of every policy without "
    "manifests of its own: NodePools, EC2NodeClasses, the Deployments and StatefulSets services bind to (services[].workload), "
    "HPAs, KEDA ScaledObjects, ResourceQuotas, LimitRanges, PodDisruptionBudgets";

}  // namespace capsim::cli
