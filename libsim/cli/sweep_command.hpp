#pragma once
// `capsim sweep`: scenario variants by JSON pointer, each run through compare, in one tidy table.
#include <filesystem>
#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace capsim::cli {

std::function<int()> add_sweep_command(CLI::App& app);

/// `capsim merge` of a sweep's shards (sweep-shard-I-of-N.json): writes the files one `capsim sweep`
/// would have, byte for byte. Returns the exit code (1 when a point failed).
int merge_sweep(const std::vector<std::filesystem::path>& files, const std::filesystem::path& out, bool quiet);

}  // namespace capsim::cli
