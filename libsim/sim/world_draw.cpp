#include "capsim/sim/world_draw.hpp"

#include <cmath>
#include <string_view>

#include "capsim/core/rng.hpp"
#include "capsim/core/stream_keys.hpp"

#include <fmt/format.h>

namespace capsim {

namespace {
constexpr double kMonthSeconds = 30 * 86400.0;

double draw(const std::optional<Distribution>& d, std::string_view pointer, std::uint64_t seed, std::uint64_t replicate,
            double neutral) {
  if (!d) return neutral;
  Rng rng = make_stream({seed, replicate, stream::kUncertainty, std::string(pointer), 0});
  return d->sample(rng);
}
}  // namespace

WorldDraw draw_world(const UncertaintySpec& u, std::uint64_t seed, std::uint64_t replicate) {
  WorldDraw w;
  w.demand_scale = draw(u.demand_scale, "/uncertainty/demand_scale", seed, replicate, 1);
  w.demand_monthly_factor = draw(u.demand_monthly_factor, "/uncertainty/demand_monthly_factor", seed, replicate, 1);
  w.daily_peak_shift_s = draw(u.daily_peak_shift_s, "/uncertainty/daily_peak_shift_s", seed, replicate, 0);
  w.node_latency_factor = draw(u.node_latency_factor, "/uncertainty/node_latency_factor", seed, replicate, 1);
  w.startup_latency_factor = draw(u.startup_latency_factor, "/uncertainty/startup_latency_factor", seed, replicate, 1);
  return w;
}

double demand_multiplier(const WorldDraw& w, double t_s) {
  return w.demand_scale * (w.demand_monthly_factor == 1 ? 1.0 : std::pow(w.demand_monthly_factor, t_s / kMonthSeconds));
}

std::vector<std::string> describe_uncertainty(const Scenario& s) {
  std::vector<std::string> out;
  auto add = [&](const char* name, const std::optional<Distribution>& d, const char* what) {
    if (d) out.push_back(fmt::format("{}: {} ({})", name, d->describe(), what));
  };
  const UncertaintySpec& u = s.uncertainty;
  add("demand_scale", u.demand_scale, "multiplies demand, per replicate");
  add("demand_monthly_factor", u.demand_monthly_factor, "demand's growth per month, per replicate");
  add("daily_peak_shift_s", u.daily_peak_shift_s, "moves the demand curve, per replicate");
  add("node_latency_factor", u.node_latency_factor, "multiplies node start-up, per replicate");
  add("startup_latency_factor", u.startup_latency_factor, "multiplies replica start-up, per replicate");
  const MarketUncertainty& m = s.market.uncertainty;
  add("spot_price_factor", m.spot_price_factor, "multiplies each spot pool's prices, per replicate and pool");
  add("shortages_per_month", m.shortages_per_month, "capacity shortages a month, per replicate");
  if (m.interruption_rate_in_bucket)
    out.push_back(fmt::format("interruption_rate_in_bucket: uniform within each pool's Advisor bucket, top bucket up to {:g} (per "
                              "replicate and pool)",
                              m.top_bucket_max_rate));
  return out;
}

}  // namespace capsim
