#pragma once
// `capsim diff`: a scenario run with two sets of Kubernetes manifests, and what the change does.
#include <functional>

#include <CLI/CLI.hpp>

namespace capsim::cli {

std::function<int()> add_diff_command(CLI::App& app);

}  // namespace capsim::cli
