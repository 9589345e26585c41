#include "capsim/sim/simulation.hpp"
#include "capsim/sim/replicate_blocks.hpp"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "capsim/core/distributions.hpp"
#include "capsim/core/error.hpp"
#include "capsim/core/event_order.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/core/stream_keys.hpp"
#include "capsim/cost/allocation.hpp"
#include "capsim/cost/billing_hours.hpp"
#include "capsim/cost/budget.hpp"
#include "capsim/cost/commitment_charges.hpp"
#include "capsim/report/billing_rollup.hpp"
#include "capsim/report/explain.hpp"
#include "capsim/sim/assembly.hpp"
#include "capsim/sim/world_draw.hpp"
#include "capsim/trace/align.hpp"
#include "capsim/workload/objective.hpp"
#include "commitment_outcome.hpp"
#include "committed_spend.hpp"
#include "spend_outcome.hpp"

namespace capsim {

std::vector<double> draw_arrivals(const Scenario& scenario, const ServiceSpec& service, int replicate) {
  const auto& sim = scenario.simulation;
  const TraceInput& in = scenario.traces.at(service.demand.trace);
  AlignOptions opt{sim.start, sim.period, sim.periods(), in.tile, in.tile_period};
  const std::vector<double> trace = align_to_window(in.trace, opt);
  // A rate becomes the count of requests in each period.
  const double per_value = in.trace.unit == TraceUnit::RequestsPerSecond ? to_seconds(sim.period) : 1.0;
  // The replicate's world: demand scaled, grown month by month, its curve moved by whole periods
  // (the window's first or last value repeated where the move reaches past it).
  const WorldDraw world = draw_world(scenario.uncertainty, sim.seed, static_cast<std::uint64_t>(replicate));
  const auto shift = static_cast<std::int64_t>(std::llround(world.daily_peak_shift_s / to_seconds(sim.period)));
  const auto n = static_cast<std::int64_t>(trace.size());
  std::vector<double> demand(trace.size());
  const StreamFamily arrivals({sim.seed, static_cast<std::uint64_t>(replicate), stream::kArrivals, service.name, 0});
  for (std::size_t k = 0; k < demand.size(); ++k) {
    const std::int64_t src = std::clamp<std::int64_t>(static_cast<std::int64_t>(k) - shift, 0, std::max<std::int64_t>(n - 1, 0));
    const double grown = scenario.uncertainty.any_demand()
                             ? demand_multiplier(world, (static_cast<double>(k) + 0.5) * to_seconds(sim.period))
                             : 1.0;
    const double mean = trace[static_cast<std::size_t>(src)] * per_value * service.demand.scale * grown;
    if (service.demand.arrivals != ArrivalModel::Poisson) {  // expected, or a log's own counts
      demand[k] = mean;
    } else {
      Rng rng = arrivals.stream(k);
      demand[k] = static_cast<double>(sample_poisson(rng, mean));
    }
  }
  return demand;
}

namespace {

std::vector<NodeRecord> node_records(const Assembly& a) {
  std::vector<NodeRecord> out;
  out.reserve(a.state.nodes().size());
  // A NodePool keeps its place through the changes, and those a change creates come after: the last
  // change's list names them all.
  const KarpenterSpec& karpenter = a.policy.cluster.karpenter;
  const auto& node_pools = karpenter.changes.empty() ? karpenter.node_pools : karpenter.changes.back().node_pools;
  for (const Node& n : a.state.nodes()) {
    const MarketPool& mp = a.market.at(n.pool);
    NodeRecord r;
    r.name = a.ledger.line(n.ledger_line).resource;
    r.owner = n.node_pool != kNoOwner ? node_pools[n.node_pool].scheduling.name
                                      : a.policy.cluster.node_groups[n.group].name;
    r.instance_type = n.type->name;
    r.zone = mp.offering.zone;
    r.capacity_type = std::string(to_string(mp.offering.capacity_type));
    r.price_usd_per_h = mp.prices->price_at(n.created_at);
    r.launched_s = to_seconds(n.created_at);
    r.ready_s = n.became_ready ? to_seconds(n.ready_at) : -1;
    r.cordoned_s = n.cordoned_at >= 0 ? to_seconds(n.cordoned_at) : -1;
    r.terminated_s = n.terminated_at >= 0 ? to_seconds(n.terminated_at) : -1;
    r.end_reason = n.end_reason;
    r.pods_bound = n.binds;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

ReplicateResult run_replicate(const Scenario& scenario, const PolicySpec& policy, int replicate, bool keep_series, bool explain,
                              DemandDraws* draws, std::vector<std::vector<EligibleUsage>>* eligible_usage) {
  const auto& sim = scenario.simulation;
  const SimTime window_end = sim.duration;
  Assembly a(scenario, policy, replicate, explain, draws);
  a.start();
  std::vector<int> ready_nodes_series;
  std::vector<double> cost_rate;
  // Each boundary schedules the next: one pending boundary keeps the event queue small (a month of
  // minutes queued up front made every pop walk a 43,200-deep heap). Nothing else runs at this
  // priority, so the order of events is the same.
  std::function<void()> boundary;
  std::size_t next_period = 1;
  boundary = [&] {
    for (auto& s : a.workloads.services) s->period_boundary(a.engine.now());
    if (keep_series) {
      ready_nodes_series.push_back(a.nodes.ready_nodes());
      cost_rate.push_back(a.ledger.running_usd_per_h());
    }
    // A one-pointer lambda: std::function keeps it without a heap allocation each period.
    if (++next_period <= sim.periods())
      a.engine.schedule_at(static_cast<SimTime>(next_period) * sim.period, [&boundary] { boundary(); }, kPriorityPeriod);
  };
  if (sim.periods() >= 1) a.engine.schedule_at(sim.period, boundary, kPriorityPeriod);
  a.engine.run_until(window_end);

  ReplicateResult out;
  out.replicate = replicate;
  out.world = a.record.world;
  const auto lines = a.ledger.close();
  const CostSplit split = split_costs(lines);
  out.cost.gpu_instances_usd = split.gpu_instances_usd;
  out.cost.other_instances_usd = split.other_instances_usd;
  out.cost.eks_control_plane_usd = split.eks_control_plane_usd;
  out.cost.total_usd = split.total_usd;
  out.cost.on_demand_usd = split.on_demand_usd;
  out.cost.spot_usd = split.spot_usd;
  out.cost.reserved_usd = split.reserved_usd;
  out.cost.by_tag_usd = costs_by_tag(lines);
  // The bill hour by hour, cut once for everything that reads it (commitments, budgets, the
  // forecast, anomalies, the kept series), and only when something does.
  const bool spend_reports = !scenario.budgets.empty() || scenario.forecast.days > 0 || scenario.anomaly_detection.enabled;
  const bool committed = !policy.commitments.empty();
  std::vector<HourCharge> charges;
  if (spend_reports || committed || eligible_usage || keep_series) charges = charges_by_hour(lines, offset_in_hour(sim.start));
  std::optional<detail::CommittedSpend> committed_bill;
  if (committed || eligible_usage) {
    RunUsage usage = detail::eligible_usage_of(scenario, lines, charges);
    if (committed) {
      out.commitments = detail::bill_commitments(scenario, policy, usage);
      out.cost.commitment_savings_usd = out.commitments->savings_usd;
      out.cost.total_usd -= out.commitments->savings_usd;
      out.commitments->run_effective_usd = out.cost.total_usd;
      out.commitments->run_billed_usd = out.cost.total_usd - out.commitments->upfront_usd;
      // Itemised for the hourly bill and FOCUS, which are written from the kept series, and for the
      // spend reports, which read the bill after the commitments.
      if (keep_series || spend_reports) {
        std::vector<CommitmentCharge> items = itemise_commitments(usage, lines, charges, policy.commitments, scenario.savings_plan_rates,
                                                                  NormalizationFactors::aws_table(), detail::held_hours_of(scenario));
        if (spend_reports) committed_bill = detail::committed_spend(lines, charges, items, sim.start);
        if (keep_series) out.commitment_charges = std::move(items);
      }
    }
    if (eligible_usage) *eligible_usage = std::move(usage);
  }
  if (spend_reports) {
    // A committed policy's reports read its bill after the commitments (AWS Budgets' default, unblended cost).
    const std::vector<LedgerLine>& spent_lines = committed_bill ? committed_bill->lines : lines;
    const std::vector<HourCharge>& spent = committed_bill ? committed_bill->charges : charges;
    if (!scenario.budgets.empty()) out.budgets = evaluate_budgets(scenario.budgets, spent_lines, spent, sim.start, sim.duration);
    if (!scenario.budgets.empty() && keep_series)
      out.budget_spend = budget_spend(scenario.budgets, spent_lines, spent, sim.start, sim.duration);
    out.forecast = detail::forecast_outcome(scenario, spent_lines, spent);
    out.anomalies = detail::anomaly_outcomes(scenario, spent_lines, spent);
  }
  out.fleet = a.record.counters;
  for (const auto& l : lines) {
    if (l.category == CostCategory::EksControlPlane) continue;
    out.fleet.instance_hours += l.billed_s / 3600.0;
    out.fleet.gpu_hours += l.billed_s / 3600.0 * scenario.catalog.at(l.instance_type).gpus;
  }
  // The cost allocation: each node's billed cost split by what its pods requested over its life.
  // Every pod template's share: the services', then batch work's.
  const std::vector<double> allocated = allocate_costs(lines, a.state.allocations(a.engine.now()), a.workloads.pod_specs.size());
  const std::vector<double> bound_s = a.state.bound_seconds(a.engine.now());
  for (double x : allocated) out.cost.allocated_usd += x;
  // A pod template's tags are its pods' labels: the allocated cost by label, "key=(untagged)" for pods without the key.
  std::set<std::string> label_keys;
  for (const auto& svc : a.workloads.pod_specs)
    for (const auto& [k, _] : svc.tags) label_keys.insert(k);
  for (std::size_t s = 0; s < a.workloads.pod_specs.size(); ++s)
    for (const auto& k : label_keys) {
      auto it = a.workloads.pod_specs[s].tags.find(k);
      out.cost.allocated_by_label_usd[k + "=" + (it == a.workloads.pod_specs[s].tags.end() ? std::string("(untagged)") : it->second)] +=
          allocated[s];
    }
  out.cost.unallocated_usd = std::max(0.0, split.gpu_instances_usd + split.other_instances_usd - out.cost.allocated_usd);
  const std::vector<int> placed = a.replicas.placed();
  // Pods still pending, and why: the provisioner's reason (the pod's PodScheduled message), else
  // whether a node is still on its way.
  const bool launching = std::any_of(a.state.live_nodes().begin(), a.state.live_nodes().end(), [](const Node& n) { return !n.ready; });
  const std::vector<double> minutes_lost = a.replicas.replica_minutes_lost();
  for (std::size_t s = 0; s < policy.services.size(); ++s) {
    ServiceResult r;
    r.name = policy.services[s].name;
    r.sla = a.workloads.services[s]->summary();
    r.latency = a.workloads.services[s]->latency();
    r.slo = a.workloads.services[s]->slo();
    r.llm = a.workloads.services[s]->llm();
    r.objective = judge_objectives(policy.services[s], r.sla, r.slo);
    r.replicas_requested = a.replicas.desired()[s];  // the desired count at the end (an HPA moves it)
    r.quota_refused = a.replicas.quota_refused()[s];
    r.replicas_placed = placed[s];
    r.replica_minutes_lost = minutes_lost[s];
    for (const Pod& pod : a.state.pods()) {
      if (pod.service != s || !pod.pending()) continue;
      if (r.pending_at_end++ > 0) continue;
      r.pending_reason = !pod.unschedulable.empty() ? pod.unschedulable
                         : launching               ? "waiting for a node being launched"
                                                   : "no node has room for it and no provisioner launches one";
    }
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
      for (const auto& p : a.workloads.services[s]->periods()) {
        ser.arrivals.push_back(p.arrivals);
        ser.capacity_requests.push_back(p.capacity_requests);
        ser.missed.push_back(p.missed);
        ser.backlog_end.push_back(p.backlog_end);
        ser.ready_replicas.push_back(p.ready_replicas_end);
      }
      out.service_series.push_back(std::move(ser));
    }
  }
  if (a.jobs) {
    out.jobs = a.jobs->jobs(a.engine.now());
    out.batch = a.jobs->summaries(out.jobs);
  }
  out.decisions = a.record.decisions;
  out.explanations = capsim::explain(a.record.decisions, sim.start);
  if (keep_series) {
    out.ready_nodes = std::move(ready_nodes_series);
    out.cost_rate_usd_per_h = std::move(cost_rate);
    out.nodes = node_records(a);
    for (const LedgerLine& l : lines) out.cost_lines.push_back(cost_line_of(l));
    for (const HourCharge& c : charges)
      out.billing_hours.push_back({static_cast<int>(c.line), static_cast<int>(c.hour), c.usage_h, c.cost_usd});
  }
  return out;
}

void check_same_demand(const RunResult& result) {
  // Policies are compared on the same traffic: every policy must have seen, replicate by replicate,
  // the same requests for every service (the loader keeps demand out of policies' reach; this holds
  // the run to it whatever built the scenario). The counts are the same draws; their sums over a
  // run's segments may differ in the last bits, hence the relative tolerance; and a request-level
  // model releases expected (fractional) demand as whole requests, its running total rounded, so it
  // may differ from the fluid model's by half a request.
  const auto& ps = result.policies;
  for (std::size_t i = 0; i < ps.size(); ++i)
    for (std::size_t j = i + 1; j < ps.size(); ++j)
      for (const ReplicateResult& mine : ps[i].replicates) {
        // Paired by replicate number: a shard holds different replicates of different policies.
        const auto other = std::find_if(ps[j].replicates.begin(), ps[j].replicates.end(),
                                        [&](const ReplicateResult& x) { return x.replicate == mine.replicate; });
        if (other == ps[j].replicates.end()) continue;
        const int r = mine.replicate;
        for (const ServiceResult& a : mine.services) {
          const auto& theirs = other->services;
          auto b = std::find_if(theirs.begin(), theirs.end(), [&](const ServiceResult& s) { return s.name == a.name; });
          if (b == theirs.end())
            throw Error(fmt::format("policies saw different demand: policy '{}' runs service '{}' and policy '{}' does not; demand is the "
                                    "world every policy is compared in",
                                    ps[i].name, a.name, ps[j].name));
          if (std::fabs(b->sla.requests - a.sla.requests) > 0.5 + 1e-9 * std::max(1.0, std::fabs(a.sla.requests)))
            throw Error(fmt::format("policies saw different demand: service '{}', replicate {}: {:.0f} requests under policy '{}', {:.0f} "
                                    "under policy '{}'; demand is the world every policy is compared in",
                                    a.name, r, a.sla.requests, ps[i].name, b->sla.requests, ps[j].name));
        }
      }
}

RunResult run_header(const Scenario& scenario) {
  RunResult result;
  result.scenario = scenario.name;
  result.seed = scenario.simulation.seed;
  result.replicates = scenario.simulation.replicates;
  result.start = scenario.simulation.start;
  result.duration = scenario.simulation.duration;
  result.period = scenario.simulation.period;
  result.baseline = scenario.baseline;
  result.risk_tolerance = scenario.compare.risk_tolerance;
  result.risk_tolerance_given = scenario.compare.risk_tolerance_given;
  result.catalog_source = scenario.catalog.source();
  result.sources = scenario.sources;
  result.warnings = scenario.warnings;
  result.uncertain = describe_uncertainty(scenario);
  for (const auto& p : scenario.policies) {
    PolicyResult pr;
    pr.name = p.name;
    pr.description = p.description;
    pr.extends = p.extends;
    pr.assumptions = p.assumptions;
    result.policies.push_back(std::move(pr));
  }
  return result;
}

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  check_forecast_horizon(scenario);
  RunResult result = run_header(scenario);
  const int reps = scenario.simulation.replicates;
  for (auto& pr : result.policies) pr.replicates.resize(static_cast<std::size_t>(reps));
  // Each task writes its own pre-sized slot, so the result does not depend on scheduling.
  const std::size_t tasks = scenario.policies.size() * static_cast<std::size_t>(reps);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::size_t done = 0;
  if (options.shard.count == 0 || options.shard.index >= options.shard.count)
    throw Error(fmt::format("shard {}/{}: the index must be below the count", options.shard.index, options.shard.count));
  // Replicate by replicate, every policy in turn: a replicate's demand is drawn once and shared by
  // its policies' runs (each writes its own slot, so the order changes no result).
  const std::size_t policies = scenario.policies.size();
  std::size_t held = 0;
  std::vector<std::size_t> runs_per_replicate(static_cast<std::size_t>(reps), 0);
  for (std::size_t r = 0; r < static_cast<std::size_t>(reps); ++r)
    for (std::size_t p = 0; p < policies; ++p)
      if (options.shard.holds(p, r, static_cast<std::size_t>(reps))) ++held, ++runs_per_replicate[r];
  DemandDraws draws(scenario, std::move(runs_per_replicate));
  // Commitment advice weighs every replicate's hourly usage at once: kept per run until the end.
  std::optional<SavingsPlanOffer> offer;
  std::vector<std::vector<RunUsage>> usage;
  if (!options.advise_savings_plan.empty()) {
    offer = detail::parse_savings_plan_offer(options.advise_savings_plan);
    if (scenario.savings_plan_rates.usd_per_h.empty())
      throw Error("--advise-savings-plan needs Savings Plan rates: give the scenario catalog.savings_plan_rates (capsim bundles none)");
    if (options.shard.count > 1)
      throw Error("--advise-savings-plan weighs every replicate's usage at once: a shard holds only some of them; run without --shard");
    usage.assign(policies, std::vector<RunUsage>(static_cast<std::size_t>(reps)));
  }
  auto worker = [&] {
    for (std::size_t t; (t = next.fetch_add(1)) < tasks;) {
      const std::size_t p = t % policies;
      const int r = static_cast<int>(t / policies);
      if (!options.shard.holds(p, static_cast<std::size_t>(r), static_cast<std::size_t>(reps))) continue;
      try {
        if (options.cancel && options.cancel->load()) throw Interrupted();
        const bool series = options.keep_series && (r == 0 || !options.series_of_first_replicate_only);
        result.policies[p].replicates[static_cast<std::size_t>(r)] =
            run_replicate(scenario, scenario.policies[p], r, series, options.explain && (r == 0 || options.explain_every_replicate), &draws,
                          offer ? &usage[p][static_cast<std::size_t>(r)] : nullptr);
        draws.run_done(r);
        if (options.progress) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          options.progress(++done, held);
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next.store(tasks);  // the others stop after their current run
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
  if (offer)
    for (std::size_t p = 0; p < policies; ++p)
      result.policies[p].savings_plan_advice =
          detail::advise(usage[p], *offer, scenario.savings_plan_rates, scenario.policies[p].commitments, detail::held_hours_of(scenario));
  if (options.shard.count > 1)
    for (std::size_t p = 0; p < result.policies.size(); ++p) {
      auto& rs = result.policies[p].replicates;
      std::vector<ReplicateResult> kept;
      for (std::size_t r = 0; r < rs.size(); ++r)
        if (options.shard.holds(p, r, static_cast<std::size_t>(reps))) kept.push_back(std::move(rs[r]));
      rs = std::move(kept);
    }
  check_same_demand(result);
  return result;
}

}  // namespace capsim
