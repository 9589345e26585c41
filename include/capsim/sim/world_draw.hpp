#pragma once
// One replicate's draw of the world's uncertain figures, and what it does to demand.
#include <cstdint>
#include <string>
#include <vector>

#include "capsim/core/sim_time.hpp"
#include "capsim/report/result.hpp"
#include "capsim/scenario/scenario.hpp"

namespace capsim {

/// Each figure from its own substream (seed, replicate, "uncertainty", its pointer): adding or
/// removing one figure leaves the others' draws unchanged. Without a distribution, the neutral value.
WorldDraw draw_world(const UncertaintySpec& spec, std::uint64_t seed, std::uint64_t replicate);

/// The demand multiplier at `t` seconds into the window: scale × monthly factor^(t / 30 days).
double demand_multiplier(const WorldDraw& world, double t_s);

/// What the scenario's uncertainty section varies, one line each ("demand_scale: lognormal(...)");
/// empty when nothing does.
std::vector<std::string> describe_uncertainty(const Scenario& scenario);

}  // namespace capsim
