#include "capsim/sim/assembly.hpp"
#include "capsim/sim/world_draw.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>

#include "capsim/catalog/labels.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/trace/align.hpp"
#include "capsim/workload/batch/task_timing.hpp"

namespace capsim {

namespace {

// The account's capacity reservations, billed whole in every policy (they are the world's): an ODCR at
// its type's on-demand rate for every reserved instance-hour while active, a Capacity Block at its
// price for all its instance-hours (paid upfront; the part inside the window is billed over its
// hours). Instances running in them are billed nothing (their pool's price is 0), so the line is the
// whole cost of the reservation, used or not.
void bill_capacity_reservations(Ledger& ledger, const InstanceCatalog& catalog, const std::vector<CapacityReservation>& reservations,
                                const Tags& cluster_tags) {
  const SimTime window_end = ledger.window_end();
  for (const CapacityReservation& r : reservations) {
    const SimTime from = std::max<SimTime>(r.begins, 0);
    if (from >= window_end || (r.ends && *r.ends <= 0)) continue;
    Tags tags = cluster_tags;
    for (const auto& [k, v] : r.tags) tags[k] = v;
    const char* kind = r.type == ReservationType::CapacityBlock ? "capacity-block" : "odcr";
    const std::size_t line = ledger.open_reservation(std::string(kind) + "/" + r.id, catalog.at(r.instance_type), r.instance_count, from,
                                                     std::move(tags), {"capacity-reservations", r.zone}, r.usd_per_instance_h);
    if (r.ends && *r.ends < window_end) ledger.close_instance(line, *r.ends);
  }
}

}  // namespace

namespace {

bool has_spot_prices(const Scenario& s, const std::string& type) {
  return s.spot_advisor.find(type) ||
         std::any_of(s.market.spot_price_history.begin(), s.market.spot_price_history.end(),
                     [&](const SpotPriceSeries& p) { return p.instance_type == type; });
}

// An External metric: the trace's value of the period holding t, on the simulation's grid.
double external_value(const Scenario& s, const std::string& trace, SimTime t) {
  const TraceInput& in = s.traces.at(trace);
  const Trace& tr = in.trace;
  if (tr.values.empty()) return 0;
  const std::int64_t since = (s.simulation.start - tr.start).count() + t;
  std::int64_t k = since / tr.period - (since % tr.period < 0 ? 1 : 0);
  const auto n = static_cast<std::int64_t>(tr.values.size());
  if (in.tile) {
    // As the demand of a tiled trace repeats: every tile span, holding the last value past the data.
    const std::int64_t span = (in.tile_period > 0 ? in.tile_period : tile_span(tr)) / tr.period;
    k = ((k % span) + span) % span;
  }
  return tr.values[static_cast<std::size_t>(std::clamp<std::int64_t>(k, 0, n - 1))];
}

std::vector<std::unique_ptr<Service>> make_services(const Scenario& s, const PolicySpec& policy, int replicate, DemandDraws* draws) {
  std::vector<std::unique_ptr<Service>> out;
  for (const auto& svc : policy.services)
    out.push_back(make_service(svc, {s.simulation.period, draws ? *draws->get(svc, replicate) : draw_arrivals(s, svc, replicate),
                                     s.simulation.seed, static_cast<std::uint64_t>(replicate), s.simulation.start}));
  return out;
}

HpaRunnerInputs hpa_inputs(const Scenario& s, const PolicySpec& policy) {
  HpaRunnerInputs in;
  for (const auto& svc : policy.services) in.services.push_back(svc.name);
  in.hpas = policy.cluster.hpa;
  in.keda = policy.cluster.keda;
  in.schedules = policy.cluster.schedules;
  for (const auto& g : policy.cluster.node_groups) in.node_groups.push_back(g.name);
  in.start = s.simulation.start;
  in.window_end = s.simulation.duration;
  return in;
}

std::vector<TrackedGroup> tracked_groups(const PolicySpec& policy) {
  std::vector<TrackedGroup> out;
  for (std::size_t g = 0; g < policy.cluster.node_groups.size(); ++g) {
    const auto& tt = policy.cluster.node_groups[g].target_tracking;
    if (!tt) continue;
    std::size_t s = 0;
    while (policy.services[s].name != tt->service) ++s;
    out.push_back({g, s, *tt});
  }
  return out;
}

}  // namespace

std::vector<PodSpec> pod_templates(const std::vector<ServiceSpec>& services) {
  std::vector<PodSpec> out;
  for (const ServiceSpec& svc : services) {
    PodSpec p;
    p.name = svc.name;
    p.requests = {svc.replica_cpu_millicores, svc.replica_memory_mib, svc.replica_gpus, 1, svc.replica_device};
    // A replica runs only on the types its service has a throughput for.
    std::vector<std::string> types;
    for (const auto& [t, _] : svc.throughput_rps) types.push_back(t);
    p.requirements = svc.replica_requirements.intersect(Requirements({{std::string(label::kInstanceType), Operator::In, types}}));
    p.affinity = svc.replica_requirements;
    p.serving_types = std::move(types);
    p.tolerations = svc.tolerations;
    p.topology_spread = svc.topology_spread;
    p.workload = svc.name;
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

std::vector<ServiceSpec> all_pod_specs(const PolicySpec& p) {
  std::vector<ServiceSpec> out = p.services;
  for (ServiceSpec& b : batch_pod_specs(p.batch)) out.push_back(std::move(b));
  return out;
}

double mean_or_zero(const std::optional<Distribution>& d) { return d ? d->mean() : 0.0; }

// Per job template and task: the delay a purchasing policy plans a new instance with (the paper's
// d): a node's launch to Ready, the pod's start-up, then the restart overhead (means).
std::vector<std::vector<double>> changeovers(const PolicySpec& p) {
  const auto& c = p.cluster;
  const double node = c.node_ready_s ? c.node_ready_s->mean() : mean_or_zero(c.node_launch_s) + mean_or_zero(c.node_boot_s);
  std::vector<std::vector<double>> out;
  for (const JobTemplate& job : p.batch.jobs) {
    std::vector<double> per_task;
    for (const TaskSpec& t : job.tasks) per_task.push_back(node + mean_or_zero(t.startup_s) + to_seconds(t.restart_overhead));
    out.push_back(std::move(per_task));
  }
  return out;
}

}  // namespace

Assembly::Assembly(const Scenario& s, const PolicySpec& p, int replicate, bool explain, DemandDraws* draws)
    : policy(p),
      ledger(s.simulation.duration),
      workloads{all_pod_specs(p), make_services(s, p, replicate, draws)},
      market(s.market, s.catalog, s.spot_advisor, s.simulation.start, s.simulation.duration, s.simulation.seed,
             static_cast<std::uint64_t>(replicate)),
      record{draw_world(s.uncertainty, s.simulation.seed, static_cast<std::uint64_t>(replicate)), {}, {}},
      run{engine, market, ledger, s.catalog, s.zones, s.simulation.start, s.simulation.duration, s.simulation.seed,
          static_cast<std::uint64_t>(replicate), record.counters, explain, record.decisions, record.world.node_latency_factor,
          record.world.startup_latency_factor},
      state(pod_templates(workloads.pod_specs)),
      replicas(run, state, workloads.pod_specs, p.cluster.resource_quotas, workloads.services),
      nodes(run, state, replicas, NodeStartup{p.cluster.node_ready_s, p.cluster.node_launch_s, p.cluster.node_boot_s}),
      groups(run, state, nodes, replicas, p.cluster.node_groups, workloads.pod_specs, p.cluster.tags),
      scheduler(state, replicas, workloads.pod_specs),
      autoscalers{HpaRunner(engine, hpa_inputs(s, p), replicas, groups, workloads.services,
                            [&s](const std::string& trace, SimTime t) { return external_value(s, trace, t); }),
                  TargetTrackingRunner(engine, tracked_groups(p), groups, workloads.services)} {
  // The wiring: who reacts to what (the reverse edges between controllers).
  replicas.set_placement([this] { scheduler.place_pending(); });
  nodes.place_pending = [this] { scheduler.place_pending(); };
  nodes.group_notice = [this](std::size_t g) { groups.launch(g, 1, false); };
  nodes.on_removed([this](std::size_t id) {
    if (const std::size_t g = state.nodes()[id].group; g != kNoOwner) groups.sync_replicas(g);
  });
  const ClusterControllers cluster{run, state, nodes, groups, replicas, scheduler};
  provisioner = make_provisioner(p.cluster.provisioner, cluster,
                                 ProvisionerSpecs{p.cluster.karpenter, p.cluster.cluster_autoscaler, workloads.pod_specs, p.cluster.tags,
                                                  [&s](const std::string& type) { return has_spot_prices(s, type); }});
  scheduler.set_unplaced([this] { provisioner->pods_pending(); });
  if (p.batch.empty()) return;
  // Spot is on offer for a task when any pool its pods may use has capacity now. Which pools those
  // are never changes, so each task's are listed once (the policy looks every minute a task runs,
  // and listing them built every allowed type's labels each time: nine tenths of a run). A pool is
  // still asked of the market the first time the scan reaches it, as before, so pools are created
  // in the same order.
  struct SpotPool {
    std::string type, zone;
    std::size_t pool = SIZE_MAX;  // not asked yet
  };
  auto pools_of = std::make_shared<std::map<const TaskSpec*, std::vector<SpotPool>>>();
  auto spot_available = [this, &s, pools_of](const TaskSpec& task, SimTime now) {
    auto [it, fresh] = pools_of->try_emplace(&task);
    if (fresh)
      for (const std::string& type : allowed_types(task, s.catalog)) {
        if (!has_spot_prices(s, type)) continue;
        for (const std::string& zone : s.zones)
          // Only the zones its node affinity allows (the other keys were checked per type).
          if (task.requirements.matches(Labels{{std::string(label::kZone), zone}}, [](std::string_view k) { return k != label::kZone; }))
            it->second.push_back({type, zone});
      }
    for (SpotPool& p : it->second) {
      if (p.pool == SIZE_MAX) p.pool = market.pool(p.type, p.zone, CapacityType::Spot);
      const auto cap = market.capacity_at(p.pool, now);
      if (!cap || *cap > 0) return true;
    }
    return false;
  };
  jobs = std::make_unique<JobController>(run, state, replicas, p.batch, s.catalog, p.services.size(), changeovers(p), spot_available);
  for (std::size_t i = p.services.size(); i < workloads.pod_specs.size(); ++i) workloads.services.push_back(make_batch_slot(*jobs));
}

void Assembly::start() {
  // Recorded availability reclaims in every spot pool it covers, whoever launches there (node
  // groups or Karpenter, whose pools appear as it launches).
  std::vector<std::size_t> watched = groups.all_pools();
  for (const auto& a : market.spec().availability)
    for (const std::string& zone : run.zones)
      if (zone == a.zone && run.catalog.find(a.instance_type)) watched.push_back(market.pool(a.instance_type, zone, CapacityType::Spot));
  std::sort(watched.begin(), watched.end());
  watched.erase(std::unique(watched.begin(), watched.end()), watched.end());
  nodes.watch_availability(watched);
  groups.start();
  replicas.start();
  if (jobs) jobs->start();
  for (std::size_t g = 0; g < groups.size(); ++g) groups.sync_replicas(g);
  scheduler.place_pending();
  provisioner->start();
  autoscalers.hpas.start();
  autoscalers.target_tracking.start();
  bill_capacity_reservations(ledger, run.catalog, market.spec().capacity_reservations, policy.cluster.tags);
  if (policy.cluster.eks_control_plane) ledger.add_control_plane(policy.cluster.eks_control_plane_usd_per_h, policy.cluster.tags);
}

}  // namespace capsim
