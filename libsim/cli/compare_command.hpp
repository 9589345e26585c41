#pragma once
// `capsim compare`: every policy × R replicates, the comparison, and its files.
#include <functional>

#include <CLI/CLI.hpp>

namespace capsim::cli {

std::function<int()> add_compare_command(CLI::App& app);

}  // namespace capsim::cli
