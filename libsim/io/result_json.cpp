#include "capsim/io/result_json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/io/atomic_write.hpp"

namespace capsim::io {

using ojson = nlohmann::ordered_json;

namespace {
ojson sla_json(const SlaSummary& s) {
  ojson j;
  j["requests"] = s.requests;
  j["served"] = s.served;
  j["missed"] = s.missed;
  j["interrupted"] = s.interrupted;
  j["missed_share"] = s.missed_share;
  j["minutes_under_provisioned"] = s.minutes_under_provisioned;
  j["availability"] = s.availability;
  j["backlog_p95"] = s.backlog_p95;
  j["backlog_max"] = s.backlog_max;
  j["backlog_end"] = s.backlog_end;
  j["ready_replica_hours"] = s.ready_replica_hours;
  j["busy_replica_hours"] = s.busy_replica_hours;
  return j;
}
}  // namespace

std::string result_to_json(const RunResult& r) {
  ojson j;
  j["format"] = "capsim-result";
  j["format_version"] = kResultFormatVersion;
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["replicates"] = r.replicates;
  j["window"] = {{"start", format_utc(r.start)}, {"duration_s", to_seconds(r.duration)}, {"period_s", to_seconds(r.period)}};
  j["baseline"] = r.baseline;
  j["catalog_source"] = r.catalog_source;
  j["warnings"] = r.warnings;
  ojson policies = ojson::array();
  for (const auto& p : r.policies) {
    ojson pj;
    pj["name"] = p.name;
    pj["description"] = p.description;
    ojson reps = ojson::array();
    for (const auto& rep : p.replicates) {
      ojson rj;
      rj["replicate"] = rep.replicate;
      rj["cost_usd"] = {{"gpu_instances", rep.cost.gpu_instances_usd},
                        {"other_instances", rep.cost.other_instances_usd},
                        {"eks_control_plane", rep.cost.eks_control_plane_usd},
                        {"total", rep.cost.total_usd},
                        {"allocated_to_pods", rep.cost.allocated_usd},
                        {"unallocated", rep.cost.unallocated_usd}};
      ojson tags = ojson::object();
      for (const auto& [k, v] : rep.cost.by_tag_usd) tags[k] = v;
      rj["cost_by_tag_usd"] = tags;
      ojson labels = ojson::object();
      for (const auto& [k, v] : rep.cost.allocated_by_label_usd) labels[k] = v;
      rj["allocated_cost_by_pod_label_usd"] = labels;
      rj["fleet"] = {{"nodes", rep.fleet.nodes},
                     {"gpus", rep.fleet.gpus},
                     {"max_ready_nodes", rep.fleet.max_ready_nodes},
                     {"launches", rep.fleet.launches},
                     {"interruptions", rep.fleet.interruptions},
                     {"insufficient_capacity", rep.fleet.insufficient_capacity},
                     {"rebalance_recommendations", rep.fleet.rebalance_recommendations},
                     {"scale_ups", rep.fleet.scale_ups},
                     {"consolidations", rep.fleet.consolidations},
                     {"consolidation_replacements", rep.fleet.consolidation_replacements},
                     {"expirations", rep.fleet.expirations},
                     {"pods_disrupted", rep.fleet.pods_disrupted},
                     {"unschedulable", rep.fleet.unschedulable},
                     {"scale_downs", rep.fleet.scale_downs},
                     {"provision_timeouts", rep.fleet.provision_timeouts},
                     {"target_tracking_scale_outs", rep.fleet.target_tracking_scale_outs},
                     {"target_tracking_scale_ins", rep.fleet.target_tracking_scale_ins},
                     {"scheduled_actions", rep.fleet.scheduled_actions},
                     {"disruption_evaluations", rep.fleet.disruption_evaluations},
                     {"instance_hours", rep.fleet.instance_hours},
                     {"gpu_hours", rep.fleet.gpu_hours}};
      ojson svcs = ojson::array();
      for (const auto& s : rep.services) {
        ojson sj;
        sj["name"] = s.name;
        sj["replicas_requested"] = s.replicas_requested;
        sj["replicas_placed"] = s.replicas_placed;
        sj["replica_minutes_lost"] = s.replica_minutes_lost;
        sj["quota_refused"] = s.quota_refused;
        sj["sla"] = sla_json(s.sla);
        sj["usage"] = {{"allocated_usd", s.usage.allocated_usd},
                       {"gpu_hours_requested", s.usage.gpu_hours_requested},
                       {"gpu_hours_busy", s.usage.gpu_hours_busy},
                       {"idle_requested_usd", s.usage.idle_requested_usd},
                       {"cpu_hours_requested", s.usage.cpu_hours_requested},
                       {"cpu_hours_used", s.usage.cpu_hours_used},
                       {"memory_gib_hours_requested", s.usage.memory_gib_hours_requested},
                       {"memory_gib_hours_used", s.usage.memory_gib_hours_used}};
        svcs.push_back(sj);
      }
      rj["services"] = svcs;
      reps.push_back(rj);
    }
    pj["replicates"] = reps;
    ojson as = ojson::array();
    for (const auto& a : p.assumptions) {
      // A figure as written is JSON; a default in force is described in words.
      ojson value = !a.value.empty() && ojson::accept(a.value) ? ojson::parse(a.value) : ojson(a.value);
      as.push_back({{"pointer", a.pointer}, {"value", value}});
    }
    pj["assumptions"] = as;
    policies.push_back(pj);
  }
  j["policies"] = policies;
  ojson src = ojson::object();
  for (const auto& [k, v] : r.sources) src[k] = v;
  j["sources"] = src;
  return j.dump(2) + "\n";
}

void write_result_json(const std::filesystem::path& path, const RunResult& result) {
  write_file_atomically(path, result_to_json(result));
}

std::string nodes_to_csv(const RunResult& r) {
  std::string out =
      "policy,replicate,node,owner,instance_type,zone,capacity_type,price_usd_per_h,launched_s,ready_s,cordoned_s,terminated_s,"
      "end_reason,pods_bound\n";
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& n : rep.nodes)
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", p.name, rep.replicate, n.name, n.owner, n.instance_type, n.zone,
                           n.capacity_type, n.price_usd_per_h, n.launched_s, n.ready_s, n.cordoned_s, n.terminated_s, n.end_reason,
                           n.pods_bound);
  return out;
}

std::string series_to_csv(const RunResult& r) {
  std::string out = "policy,replicate,period_start_utc,service,arrivals,capacity_requests,missed,backlog_end,ready_replicas,ready_nodes,cost_rate_usd_per_h\n";
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& s : rep.service_series)
        for (std::size_t k = 0; k < s.arrivals.size(); ++k) {
          const UtcTime t = r.start + std::chrono::microseconds{r.period * static_cast<SimDuration>(k)};
          out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", p.name, rep.replicate, format_utc(t), s.name, s.arrivals[k],
                             s.capacity_requests[k], s.missed[k], s.backlog_end[k], s.ready_replicas[k],
                             k < rep.ready_nodes.size() ? rep.ready_nodes[k] : 0,
                             k < rep.cost_rate_usd_per_h.size() ? rep.cost_rate_usd_per_h[k] : 0.0);
        }
  return out;
}

}  // namespace capsim::io
