#pragma once
// `capsim trace inspect` and `capsim trace convert`.
#include <CLI/CLI.hpp>

namespace capsim::cli {

/// Adds the `trace` subcommand and its children to `app`; returns a function that runs the chosen
/// one (its exit code), or nullptr when `trace` was not chosen.
std::function<int()> add_trace_commands(CLI::App& app);

}  // namespace capsim::cli
