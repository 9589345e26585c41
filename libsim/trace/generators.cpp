#include "capsim/trace/generators.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <string_view>

#include "capsim/core/distributions.hpp"
#include "../core/overloaded.hpp"
#include "capsim/core/error.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/core/stream_keys.hpp"

namespace capsim {

namespace {

using detail::Overloaded;

constexpr double kSecondsPerDay = 86400.0;
constexpr double kHoursPerDay = 24.0;

[[noreturn]] void invalid(const std::string& name, std::string_view field, std::string_view expected, std::string_view got) {
  throw Error(fmt::format("trace generator '{}': {}: expected {}, got {}", name, field, expected, got));
}

// `!(v >= 0)` also rejects NaN.
void require_non_negative(const std::string& name, std::string_view field, double v, std::string_view what) {
  if (!(v >= 0.0) || !std::isfinite(v)) invalid(name, field, fmt::format("{} >= 0", what), fmt::format("{:g}", v));
}

void require_rate(const std::string& name, std::string_view field, double v) {
  require_non_negative(name, field, v, "a finite rate in requests/s");
}

UtcTime midpoint(UtcTime start, SimDuration period, std::size_t i) {
  return start + std::chrono::microseconds{period * static_cast<SimDuration>(i) + period / 2};
}

const date::time_zone* validated_diurnal(const DiurnalGenerator& g, const std::string& name) {
  require_rate(name, "base_rps", g.base_rps);
  require_rate(name, "peak_rps", g.peak_rps);
  if (g.peak_rps < g.base_rps)
    invalid(name, "peak_rps", fmt::format("a rate >= base_rps ({:g})", g.base_rps), fmt::format("{:g}", g.peak_rps));
  if (!(g.peak_hour >= 0.0 && g.peak_hour < kHoursPerDay))
    invalid(name, "peak_hour", "a local hour in [0, 24)", fmt::format("{:g}", g.peak_hour));
  require_non_negative(name, "weekend_factor", g.weekend_factor, "a finite multiplier");
  require_non_negative(name, "noise_cv", g.noise_cv, "a finite coefficient of variation");
  require_non_negative(name, "bursts_per_day", g.bursts_per_day, "a finite rate");
  require_non_negative(name, "burst_factor", g.burst_factor, "a finite multiplier");
  require_non_negative(name, "burst_duration_s", g.burst_duration_s, "a finite duration in seconds");
  try {
    return date::locate_zone(g.time_zone);
  } catch (const std::exception&) {
    invalid(name, "time_zone", "an IANA time zone such as \"UTC\" or \"America/New_York\"",
            fmt::format("\"{}\"", g.time_zone));
  }
}

std::vector<double> diurnal_rates(const DiurnalGenerator& g, const std::string& name, UtcTime start,
                                  SimDuration period, std::size_t periods, std::uint64_t seed) {
  const date::time_zone* zone = validated_diurnal(g, name);
  const double sigma = std::sqrt(std::log1p(g.noise_cv * g.noise_cv));
  const double median = std::exp(-0.5 * sigma * sigma);  // so the mean is exactly 1
  const bool bursts = g.bursts_per_day > 0.0 && g.burst_duration_s > 0.0;
  Rng burst_rng = make_stream({seed, 0, stream::kTraceBursts, name, 0});
  // Burst times are continuous draws in seconds from `start`, kept as doubles so a tiny
  // bursts_per_day (a mean gap of centuries) cannot overflow a microsecond count.
  const double mean_gap_s = bursts ? kSecondsPerDay / g.bursts_per_day : 0.0;
  double next_burst_s = bursts ? sample_exponential(burst_rng, mean_gap_s) : 0.0;
  double burst_until_s = -1.0;

  std::vector<double> rates(periods);
  for (std::size_t i = 0; i < periods; ++i) {
    const UtcTime mid = midpoint(start, period, i);
    const auto local = zone->to_local(mid);
    const auto local_day = date::floor<date::days>(local);
    const double hour = std::chrono::duration<double, std::ratio<3600>>(local - local_day).count();
    const double phase = 2.0 * std::numbers::pi * (hour - g.peak_hour) / kHoursPerDay;
    double rate = g.base_rps + (g.peak_rps - g.base_rps) * (1.0 + std::cos(phase)) / 2.0;

    const date::weekday wd{local_day};
    if (wd == date::Saturday || wd == date::Sunday) rate *= g.weekend_factor;

    if (g.noise_cv > 0.0) {
      Rng noise_rng = make_stream({seed, 0, stream::kTraceNoise, name, i});
      rate *= sample_lognormal(noise_rng, median, sigma);
    }

    if (bursts) {
      // Bursts last equally long, so the latest start at or before the midpoint decides.
      const double mid_s = to_seconds((mid - start).count());
      while (next_burst_s <= mid_s) {
        burst_until_s = next_burst_s + g.burst_duration_s;
        next_burst_s += sample_exponential(burst_rng, mean_gap_s);
      }
      if (mid_s < burst_until_s) rate *= g.burst_factor;
    }
    rates[i] = rate;
  }
  return rates;
}

template <class RateAt>
std::vector<double> shaped_rates(UtcTime start, SimDuration period, std::size_t periods, RateAt rate_at) {
  std::vector<double> rates(periods);
  for (std::size_t i = 0; i < periods; ++i) rates[i] = rate_at(midpoint(start, period, i));
  return rates;
}

}  // namespace

Trace generate_trace(const GeneratorSpec& spec, const std::string& name, UtcTime start, SimDuration period,
                     std::size_t periods, std::uint64_t seed) {
  if (period <= 0) invalid(name, "period", "a period > 0 s", fmt::format("{:g} s", to_seconds(period)));

  std::vector<double> rates = std::visit(
      Overloaded{
          [&](const DiurnalGenerator& g) { return diurnal_rates(g, name, start, period, periods, seed); },
          [&](const ConstantGenerator& g) {
            require_rate(name, "rps", g.rps);
            return shaped_rates(start, period, periods, [&](UtcTime) { return g.rps; });
          },
          [&](const StepGenerator& g) {
            require_rate(name, "before_rps", g.before_rps);
            require_rate(name, "after_rps", g.after_rps);
            return shaped_rates(start, period, periods,
                                [&](UtcTime mid) { return mid < g.at ? g.before_rps : g.after_rps; });
          },
          [&](const RampGenerator& g) {
            require_rate(name, "from_rps", g.from_rps);
            require_rate(name, "to_rps", g.to_rps);
            if (g.end < g.start)
              invalid(name, "end", fmt::format("a time at or after start ({})", format_utc(g.start)), format_utc(g.end));
            return shaped_rates(start, period, periods, [&](UtcTime mid) {
              // `end` first: a zero-length ramp is a step at `start`, like StepGenerator.
              if (mid >= g.end) return g.to_rps;
              if (mid <= g.start) return g.from_rps;
              const double f = static_cast<double>((mid - g.start).count()) / static_cast<double>((g.end - g.start).count());
              return g.from_rps + (g.to_rps - g.from_rps) * f;
            });
          }},
      spec);

  Trace t;
  t.name = name;
  t.start = start;
  t.period = period;
  t.unit = TraceUnit::Requests;
  t.file = "(generated)";
  const double period_s = to_seconds(period);
  t.values.reserve(rates.size());
  for (double r : rates) t.values.push_back(r * period_s);
  return t;
}

}  // namespace capsim
