#pragma once
// `capsim sweep`: scenario variants by JSON pointer, each run through compare, in one tidy table.
#include <functional>

#include <CLI/CLI.hpp>

namespace capsim::cli {

std::function<int()> add_sweep_command(CLI::App& app);

}  // namespace capsim::cli
