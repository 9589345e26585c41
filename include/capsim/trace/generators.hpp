#pragma once
// Synthetic demand for when no trace exists: a daily cycle with weekends, noise and bursts, or a
// constant, a step or a ramp.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "capsim/trace/trace.hpp"

namespace capsim {

struct DiurnalGenerator {
  double base_rps = 0;            // the daily trough (requests/s), weekdays
  double peak_rps = 0;            // the daily peak (requests/s), weekdays
  double peak_hour = 14;          // local hour of the peak, [0, 24)
  std::string time_zone = "UTC";  // IANA zone of local hours and weekends (daylight saving applies)
  double weekend_factor = 1;      // multiplier on local Saturdays and Sundays
  double noise_cv = 0;            // multiplicative noise per period: lognormal with mean 1 and this coefficient of variation
  double bursts_per_day = 0;      // burst starts are a Poisson process with this rate
  double burst_factor = 1;        // multiplier while a burst lasts
  double burst_duration_s = 0;
};
struct ConstantGenerator {
  double rps = 0;
};
struct StepGenerator {
  double before_rps = 0, after_rps = 0;
  UtcTime at{};  // a period whose midpoint is at or after `at` gets after_rps
};
struct RampGenerator {
  double from_rps = 0, to_rps = 0;
  UtcTime start{}, end{};  // linear in between; constant outside [start, end]
};
using GeneratorSpec = std::variant<DiurnalGenerator, ConstantGenerator, StepGenerator, RampGenerator>;

/// A request-count trace (unit Requests: requests per period) of `periods` periods from `start`.
/// The rate shape is evaluated at each period's midpoint and multiplied by the period length.
/// Random parts (noise, bursts) come from the substreams (seed, 0, "trace_noise", name, period) and
/// (seed, 0, "trace_bursts", name, 0), so a generated trace is the same for every policy and replicate.
/// Throws Error naming the field when the spec is invalid.
Trace generate_trace(const GeneratorSpec& spec, const std::string& name, UtcTime start, SimDuration period,
                     std::size_t periods, std::uint64_t seed);

}  // namespace capsim
