#pragma once
// Arrival times inside one period, for models that follow every request. A Poisson process that put
// n requests into a period places them as n independent uniform times (sorted): the count stays the
// world's draw that every model shares, and only the times are new.
#include <cstdint>
#include <vector>

#include "capsim/core/rng.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

/// `n` sorted times in [start, start + length): uniform order statistics, drawn as normalised sums of
/// n + 1 exponential spacings (linear time, no sort).
void poisson_arrival_times(std::int64_t n, SimTime start, SimDuration length, Rng& rng, std::vector<SimTime>& out);

/// `n` times evenly spaced in [start, start + length), each in the middle of its n-th of the period.
void even_arrival_times(std::int64_t n, SimTime start, SimDuration length, std::vector<SimTime>& out);

}  // namespace capsim
