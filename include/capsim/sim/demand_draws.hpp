#pragma once
// One replicate's demand, drawn once and shared by every policy run in that replicate: demand is
// the world (the loader keeps it out of policies' reach), so each policy would draw the same
// requests from the same substreams. Thread-safe; a replicate's draws are dropped once its last
// run is done, so memory holds only the replicates in flight.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "capsim/scenario/scenario.hpp"

namespace capsim {

class DemandDraws {
 public:
  /// `runs`: per replicate, how many runs will ask (the policies a run or shard holds).
  DemandDraws(const Scenario& scenario, std::vector<std::size_t> runs);

  /// The requests per period of `service` in `replicate` (draw_arrivals'), drawn on first use.
  std::shared_ptr<const std::vector<double>> get(const ServiceSpec& service, int replicate);
  /// One of `replicate`'s runs is done; after its last, the replicate's draws go.
  void run_done(int replicate);

 private:
  const Scenario& scenario_;
  std::mutex mutex_;
  std::vector<std::size_t> runs_left_;
  // By replicate, then by what the draw depends on (service name, trace, scale, arrival model).
  std::map<int, std::map<std::string, std::shared_ptr<const std::vector<double>>>> draws_;
};

}  // namespace capsim
