#include "capsim/sim/simulation.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "capsim/autoscale/hpa_runner.hpp"
#include "capsim/autoscale/target_tracking_runner.hpp"
#include "capsim/cluster/fleet_controller.hpp"
#include "capsim/market/spot_market.hpp"
#include "capsim/core/distributions.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/core/error.hpp"
#include "capsim/cost/ledger.hpp"
#include "capsim/trace/align.hpp"
#include "capsim/workload/service_model.hpp"

namespace capsim {

namespace {
// Capacity changes at an instant run before the period boundary at the same instant; the order
// does not change the numbers (a boundary only closes the books) but keeps the event log stable.
constexpr std::int32_t kPriorityCapacity = 0;
constexpr std::int32_t kPriorityPeriod = 10;
}  // namespace

std::vector<double> draw_arrivals(const Scenario& scenario, const ServiceSpec& service, int replicate) {
  const auto& sim = scenario.simulation;
  const TraceInput& in = scenario.traces.at(service.demand.trace);
  AlignOptions opt{sim.start, sim.period, sim.periods(), in.tile};
  std::vector<double> demand = align_to_window(in.trace, opt);
  // A rate becomes the count of requests in each period.
  const double per_value = in.trace.unit == TraceUnit::RequestsPerSecond ? to_seconds(sim.period) : 1.0;
  for (std::size_t k = 0; k < demand.size(); ++k) {
    const double mean = demand[k] * per_value * service.demand.scale;
    if (service.demand.arrivals == ArrivalModel::Expected) {
      demand[k] = mean;
    } else {
      Rng rng = make_stream({sim.seed, static_cast<std::uint64_t>(replicate), "arrivals", service.name, k});
      demand[k] = static_cast<double>(sample_poisson(rng, mean));
    }
  }
  return demand;
}

ReplicateResult run_replicate(const Scenario& scenario, const PolicySpec& policy, int replicate, bool keep_series, bool explain) {
  const auto& sim = scenario.simulation;
  const SimTime window_end = sim.duration;
  const auto rep = static_cast<std::uint64_t>(replicate);
  Engine engine;
  Ledger ledger(window_end);

  std::vector<ServiceModel> services;
  services.reserve(policy.services.size());
  for (const auto& svc : policy.services)
    services.emplace_back(svc.sla.max_wait_s, svc.sla.on_overload, sim.period, draw_arrivals(scenario, svc, replicate));

  SpotMarket market(scenario.market, scenario.catalog, scenario.spot_advisor, sim.start, window_end, sim.seed, rep);
  FleetController fleet(engine, scenario, policy, market, ledger, services, rep);
  fleet.keep_explanations(explain);
  fleet.start();
  HpaRunner hpas(engine, scenario, policy, fleet, services);
  hpas.start();
  TargetTrackingRunner asgs(engine, policy, fleet, services);
  asgs.start();
  std::vector<int> ready_nodes_series;
  if (policy.cluster.eks_control_plane) ledger.add_control_plane(policy.cluster.eks_control_plane_usd_per_h, policy.cluster.tags);

  std::vector<double> cost_rate;
  for (std::size_t k = 1; k <= sim.periods(); ++k) {
    engine.schedule_at(static_cast<SimTime>(k) * sim.period, [&] {
      for (auto& s : services) s.period_boundary(engine.now());
      if (keep_series) {
        ready_nodes_series.push_back(fleet.ready_nodes());
        cost_rate.push_back(ledger.running_usd_per_h());
      }
    }, kPriorityPeriod);
  }
  engine.run_until(window_end);

  ReplicateResult out;
  out.replicate = replicate;
  const auto lines = ledger.close();
  const CostSplit split = split_costs(lines);
  out.cost.gpu_instances_usd = split.gpu_instances_usd;
  out.cost.other_instances_usd = split.other_instances_usd;
  out.cost.eks_control_plane_usd = split.eks_control_plane_usd;
  out.cost.total_usd = split.total_usd;
  out.cost.by_tag_usd = costs_by_tag(lines);
  const FleetCounters counters = fleet.counters();
  out.fleet = counters.fleet;
  for (const auto& l : lines) {
    if (l.category == CostCategory::EksControlPlane) continue;
    out.fleet.instance_hours += l.billed_s / 3600.0;
    out.fleet.gpu_hours += l.billed_s / 3600.0 * scenario.catalog.at(l.instance_type).gpus;
  }
  // The cost allocation: each node's billed cost split by what its pods requested over its life.
  std::vector<double> allocated(policy.services.size(), 0.0);
  for (const NodeAllocation& a : fleet.allocations()) {
    const LedgerLine& line = lines[a.ledger_line];
    const double life_s = to_seconds(line.end - line.start);
    if (life_s <= 0) continue;
    for (std::size_t s = 0; s < a.share_s.size(); ++s) allocated[s] += line.cost_usd * a.share_s[s] / life_s;
  }
  const std::vector<double> bound_s = fleet.bound_replica_seconds();
  for (double a : allocated) out.cost.allocated_usd += a;
  // A service's tags are its pods' labels: the allocated cost by label, "key=(untagged)" for services without the key.
  std::set<std::string> label_keys;
  for (const auto& svc : policy.services)
    for (const auto& [k, _] : svc.tags) label_keys.insert(k);
  for (std::size_t s = 0; s < policy.services.size(); ++s)
    for (const auto& k : label_keys) {
      auto it = policy.services[s].tags.find(k);
      out.cost.allocated_by_label_usd[k + "=" + (it == policy.services[s].tags.end() ? std::string("(untagged)") : it->second)] +=
          allocated[s];
    }
  out.cost.unallocated_usd = std::max(0.0, split.gpu_instances_usd + split.other_instances_usd - out.cost.allocated_usd);
  for (std::size_t s = 0; s < policy.services.size(); ++s) {
    ServiceResult r;
    r.name = policy.services[s].name;
    r.sla = services[s].summary();
    r.replicas_requested = counters.replicas_desired[s];  // the desired count at the end (an HPA moves it)
    r.quota_refused = counters.quota_refused[s];
    r.replicas_placed = counters.replicas_placed[s];
    r.replica_minutes_lost = counters.replica_minutes_lost[s];
    const ServiceSpec& spec = policy.services[s];
    ServiceUsage& u = r.usage;
    const double bound_h = bound_s[s] / 3600.0;
    u.allocated_usd = allocated[s];
    u.gpu_hours_requested = bound_h * spec.replica_gpus;
    u.gpu_hours_busy = r.sla.busy_replica_hours * spec.replica_gpus;
    u.idle_requested_usd = u.gpu_hours_requested > 0 ? u.allocated_usd * std::max(0.0, 1.0 - u.gpu_hours_busy / u.gpu_hours_requested) : 0.0;
    u.cpu_hours_requested = bound_h * static_cast<double>(spec.replica_cpu_millicores) / 1000.0;
    u.cpu_hours_used = bound_h * static_cast<double>(spec.usage_cpu_millicores.value_or(spec.replica_cpu_millicores)) / 1000.0;
    u.memory_gib_hours_requested = bound_h * static_cast<double>(spec.replica_memory_mib) / 1024.0;
    u.memory_gib_hours_used = bound_h * static_cast<double>(spec.usage_memory_mib.value_or(spec.replica_memory_mib)) / 1024.0;
    out.services.push_back(std::move(r));
    if (keep_series) {
      ServiceSeries ser;
      ser.name = policy.services[s].name;
      for (const auto& p : services[s].periods()) {
        ser.arrivals.push_back(p.arrivals);
        ser.capacity_requests.push_back(p.capacity_requests);
        ser.missed.push_back(p.missed);
        ser.backlog_end.push_back(p.backlog_end);
        ser.ready_replicas.push_back(p.ready_replicas_end);
      }
      out.service_series.push_back(std::move(ser));
    }
  }
  out.explanations = fleet.explanations();
  if (keep_series) {
    out.ready_nodes = std::move(ready_nodes_series);
    out.cost_rate_usd_per_h = std::move(cost_rate);
    out.nodes = fleet.node_records();
  }
  return out;
}

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  RunResult result;
  result.scenario = scenario.name;
  result.seed = scenario.simulation.seed;
  result.replicates = scenario.simulation.replicates;
  result.start = scenario.simulation.start;
  result.duration = scenario.simulation.duration;
  result.period = scenario.simulation.period;
  result.baseline = scenario.baseline;
  result.catalog_source = scenario.catalog.source();
  result.sources = scenario.sources;
  result.warnings = scenario.warnings;
  const int reps = scenario.simulation.replicates;
  for (const auto& p : scenario.policies) {
    PolicyResult pr;
    pr.name = p.name;
    pr.description = p.description;
    pr.assumptions = p.assumptions;
    pr.replicates.resize(static_cast<std::size_t>(reps));
    result.policies.push_back(std::move(pr));
  }
  // Each task writes its own pre-sized slot, so the result does not depend on scheduling.
  const std::size_t tasks = scenario.policies.size() * static_cast<std::size_t>(reps);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (std::size_t t; (t = next.fetch_add(1)) < tasks;) {
      const std::size_t p = t / static_cast<std::size_t>(reps);
      const int r = static_cast<int>(t % static_cast<std::size_t>(reps));
      try {
        result.policies[p].replicates[static_cast<std::size_t>(r)] =
            run_replicate(scenario, scenario.policies[p], r, options.keep_series, options.explain && r == 0);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::size_t threads = options.threads > 0 ? static_cast<std::size_t>(options.threads)
                                            : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max<std::size_t>(tasks, 1));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
  }
  if (failure) std::rethrow_exception(failure);
  return result;
}

}  // namespace capsim
