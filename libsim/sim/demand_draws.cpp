#include "capsim/sim/demand_draws.hpp"

#include <fmt/format.h>

#include "capsim/sim/simulation.hpp"

namespace capsim {

DemandDraws::DemandDraws(const Scenario& scenario, std::vector<std::size_t> runs) : scenario_(scenario), runs_left_(std::move(runs)) {}

std::shared_ptr<const std::vector<double>> DemandDraws::get(const ServiceSpec& service, int replicate) {
  // Everything draw_arrivals reads of the service, so two specs share a draw only when it is the same.
  const std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", service.name, service.demand.trace, service.demand.scale,
                                      static_cast<int>(service.demand.arrivals), static_cast<const void*>(service.demand.log.get()));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& mine = draws_[replicate];
    if (auto it = mine.find(key); it != mine.end()) return it->second;
  }
  // Drawn outside the lock (another replicate's runs need not wait); two runs drawing the same at
  // once get the same values, and the first kept is the one shared.
  auto drawn = std::make_shared<const std::vector<double>>(draw_arrivals(scenario_, service, replicate));
  std::lock_guard<std::mutex> lock(mutex_);
  return draws_[replicate].emplace(key, std::move(drawn)).first->second;
}

void DemandDraws::run_done(int replicate) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto r = static_cast<std::size_t>(replicate);
  if (r < runs_left_.size() && runs_left_[r] > 0 && --runs_left_[r] == 0) draws_.erase(replicate);
}

}  // namespace capsim
