#pragma once
// `capsim catalog`: instance types by requirements, price and order.
#include <functional>

#include <CLI/CLI.hpp>

namespace capsim::cli {

std::function<int()> add_catalog_command(CLI::App& app);

}  // namespace capsim::cli
