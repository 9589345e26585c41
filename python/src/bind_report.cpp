// report/: what a run produces. Plain value types, picklable; per-period series as numpy arrays.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind_value.hpp"
#include "capsim/io/text_parse.hpp"
#include "capsim/report/result.hpp"
#include "capsim/report/summary.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

void bind_report(py::module_& m) {
  {
    using T = Assumption;
    value_class<T>(m, "Assumption", "A typed-in figure without a source.",
                   field("pointer", &T::pointer, "JSON pointer into the policy's document"),
                   field("value", &T::value, "the figure as written (JSON)"));
  }
  {
    using T = CostBreakdown;
    value_class<T>(m, "CostBreakdown", "Cost over the simulation window, USD.",
                   field("gpu_instances_usd", &T::gpu_instances_usd, "instances with GPUs or accelerators"),
                   field("other_instances_usd", &T::other_instances_usd, "every other instance"),
                   field("eks_control_plane_usd", &T::eks_control_plane_usd, "EKS control plane fee"),
                   field("total_usd", &T::total_usd, "the sum"),
                   field("by_tag_usd", &T::by_tag_usd, "'key=value' tag -> USD ('key=(untagged)' for lines without it)"),
                   field("allocated_usd", &T::allocated_usd, "instance cost the pods' requests take up"),
                   field("unallocated_usd", &T::unallocated_usd, "instance cost no pod requested"),
                   field("allocated_by_label_usd", &T::allocated_by_label_usd, "allocated cost by the services' pod labels"));
  }
  {
    using T = ServiceUsage;
    value_class<T>(m, "ServiceUsage", "What a service's pods requested and used, and the node cost their requests take up.",
                   field("allocated_usd", &T::allocated_usd, "its pods' share of their nodes' cost (by requested GPUs)"),
                   field("gpu_hours_requested", &T::gpu_hours_requested, "GPU-hours requested while bound to nodes"),
                   field("gpu_hours_busy", &T::gpu_hours_busy, "GPU-hours spent serving"),
                   field("idle_requested_usd", &T::idle_requested_usd, "allocated cost of requested GPUs not serving"),
                   field("cpu_hours_requested", &T::cpu_hours_requested, "vCPU-hours requested"),
                   field("cpu_hours_used", &T::cpu_hours_used, "vCPU-hours used (the usage parameter)"),
                   field("memory_gib_hours_requested", &T::memory_gib_hours_requested, "GiB-hours requested"),
                   field("memory_gib_hours_used", &T::memory_gib_hours_used, "GiB-hours used (the usage parameter)"));
  }
  {
    using T = FleetSummary;
    value_class<T>(m, "FleetSummary", "The fleet a policy ran.", field("nodes", &T::nodes, "instances"),
                   field("gpus", &T::gpus, "GPUs in the fleet"), field("max_ready_nodes", &T::max_ready_nodes, "most nodes ready at once"),
                   field("launches", &T::launches, "instances launched, replacements included"),
                   field("interruptions", &T::interruptions, "spot instances reclaimed"),
                   field("insufficient_capacity", &T::insufficient_capacity, "launch attempts a pool failed with insufficient capacity"),
                   field("rebalance_recommendations", &T::rebalance_recommendations, "spot rebalance recommendations (events only)"),
                   field("consolidations", &T::consolidations, "nodes Karpenter's consolidation removed (empty or underutilized)"),
                   field("consolidation_replacements", &T::consolidation_replacements, "cheaper nodes launched to replace consolidated ones"),
                   field("expirations", &T::expirations, "nodes removed at their NodePool's expireAfter"),
                   field("pods_disrupted", &T::pods_disrupted, "pods evicted by consolidation, expiration, spot interruption or scale-down"),
                   field("unschedulable", &T::unschedulable, "pod placements no Karpenter NodePool (each retry) or Cluster Autoscaler node group (once per pending spell) could make"),
                   field("scale_ups", &T::scale_ups, "nodes the Cluster Autoscaler added"),
                   field("scale_downs", &T::scale_downs, "nodes the Cluster Autoscaler removed"),
                   field("provision_timeouts", &T::provision_timeouts, "nodes the Cluster Autoscaler deleted for not being ready in time"),
                   field("target_tracking_scale_outs", &T::target_tracking_scale_outs, "instances target tracking added"),
                   field("target_tracking_scale_ins", &T::target_tracking_scale_ins, "instances target tracking removed"),
                   field("scheduled_actions", &T::scheduled_actions, "scheduled actions applied to node groups"),
                   field("disruption_evaluations", &T::disruption_evaluations, "Karpenter disruption polls that evaluated"),
                   field("instance_hours", &T::instance_hours, "billed instance-hours"),
                   field("gpu_hours", &T::gpu_hours, "billed GPU-hours"));
  }
  {
    using T = SlaSummary;
    value_class<T>(m, "SlaSummary", "SLA measures of one service from the fluid model.",
                   field("requests", &T::requests, "requests that arrived"), field("served", &T::served, "requests served"),
                   field("missed", &T::missed, "dropped, served later than max_wait_s, or cut off in service"),
                   field("interrupted", &T::interrupted, "cut off in service by an abrupt stop (counted in missed)"),
                   field("missed_share", &T::missed_share, "missed / requests"),
                   field("minutes_under_provisioned", &T::minutes_under_provisioned, "time with capacity below the arrival rate"),
                   field("availability", &T::availability, "share of periods whose capacity covered their arrivals"),
                   field("backlog_p95", &T::backlog_p95, "95th percentile of the backlog at period ends"),
                   field("backlog_max", &T::backlog_max, "largest backlog"),
                   field("backlog_end", &T::backlog_end, "backlog when the window closed"),
                   field("ready_replica_hours", &T::ready_replica_hours, "ready replicas integrated over the window"),
                   field("busy_replica_hours", &T::busy_replica_hours, "of which serving requests"));
  }
  {
    using T = ServiceResult;
    value_class<T>(m, "ServiceResult", "One service's outcome.", field("name", &T::name, "service name"),
                   field("sla", &T::sla, "SLA measures"), field("replicas_requested", &T::replicas_requested, "replicas asked for"),
                   field("replicas_placed", &T::replicas_placed, "replicas on a node at the end of the window"),
                   field("quota_refused", &T::quota_refused, "pod creations its namespace's ResourceQuota refused"),
                   field("replica_minutes_lost", &T::replica_minutes_lost, "replicas down between a disruption (spot reclaim, scale-down) and their restart"),
                   field("usage", &T::usage, "requests, use and allocated cost"));
  }
  {
    using T = ServiceSeries;
    value_class<T>(m, "ServiceSeries", "Per-period series of one service (numpy arrays, one value per period).",
                   field("name", &T::name, "service name"), field("arrivals", &T::arrivals, "requests that arrived"),
                   field("capacity_requests", &T::capacity_requests, "capacity integrated over the period"),
                   field("missed", &T::missed, "requests missed"), field("backlog_end", &T::backlog_end, "backlog at the period end"),
                   field("ready_replicas", &T::ready_replicas, "ready replicas at the period end"));
  }
  {
    using T = NodeRecord;
    value_class<T>(m, "NodeRecord", "One node's life in a run (times in seconds from the start; -1: not in the window).",
                   field("name", &T::name, "its cost line"), field("owner", &T::owner, "node group or NodePool"),
                   field("instance_type", &T::instance_type, "instance type"), field("zone", &T::zone, "availability zone"),
                   field("capacity_type", &T::capacity_type, "on-demand or spot"),
                   field("price_usd_per_h", &T::price_usd_per_h, "price at launch"), field("launched_s", &T::launched_s, "launched"),
                   field("ready_s", &T::ready_s, "Ready"), field("cordoned_s", &T::cordoned_s, "cordoned"),
                   field("terminated_s", &T::terminated_s, "terminated (-1: running at the end)"),
                   field("end_reason", &T::end_reason, "why it ended"), field("pods_bound", &T::pods_bound, "pods bound over its life"));
  }
  {
    using T = ReplicateResult;
    value_class<T>(m, "ReplicateResult", "One policy, one replicate.", field("replicate", &T::replicate, "replicate number"),
                   field("cost", &T::cost, "cost split"), field("fleet", &T::fleet, "fleet summary"),
                   field("services", &T::services, "per-service outcome"),
                   field("service_series", &T::service_series, "per-period series (when asked for)"),
                   field("ready_nodes", &T::ready_nodes, "ready nodes at each period end (when asked for)"),
                   field("cost_rate_usd_per_h", &T::cost_rate_usd_per_h, "USD/h of running instances at each period end"),
                   field("explanations", &T::explanations, "Karpenter's reasons for each node it launched (when asked for)"),
                   field("nodes", &T::nodes, "the node log (kept with the series)"));
  }
  {
    using T = PolicyResult;
    value_class<T>(m, "PolicyResult", "Every replicate of one policy.", field("name", &T::name, "policy name"),
                   field("description", &T::description, "policy description"),
                   field("replicates", &T::replicates, "one result per replicate"),
                   field("assumptions", &T::assumptions, "unsourced figures this policy uses"));
  }
  auto state = [](const RunResult& r) {
    return py::make_tuple(r.scenario, r.seed, r.replicates, format_utc(r.start), r.duration, r.period, r.baseline,
                          r.catalog_source, r.sources, r.policies, r.warnings);
  };
  py::class_<RunResult>(m, "RunResult", "Every policy of a scenario.")
      .def(py::init<>())
      .def_readwrite("scenario", &RunResult::scenario, "scenario name")
      .def_readwrite("seed", &RunResult::seed, "root seed")
      .def_readwrite("replicates", &RunResult::replicates, "replicates per policy")
      .def_property_readonly("start_utc", [](const RunResult& r) { return format_utc(r.start); }, "window start, ISO 8601")
      .def_property_readonly("duration_s", [](const RunResult& r) { return to_seconds(r.duration); }, "window length, seconds")
      .def_property_readonly("period_s", [](const RunResult& r) { return to_seconds(r.period); }, "period, seconds")
      .def_readwrite("baseline", &RunResult::baseline, "baseline policy name")
      .def_readwrite("catalog_source", &RunResult::catalog_source, "where the catalog's facts come from")
      .def_readwrite("sources", &RunResult::sources, "JSON pointer -> source of a figure")
      .def_readwrite("warnings", &RunResult::warnings, "points filled, merged, dropped or clipped while reading the inputs")
      .def_readwrite("policies", &RunResult::policies, "one result per policy, in file order")
      .def(
          "policy",
          [](const RunResult& r, const std::string& name) {
            for (const auto& p : r.policies)
              if (p.name == name) return p;
            throw py::key_error("no policy named '" + name + "'");
          },
          py::arg("name"), "The result of the policy called name.")
      .def("__eq__", [state](const RunResult& a, const RunResult& b) { return state(a).equal(state(b)); }, py::arg("other"))
      .def(py::pickle(state, [](const py::tuple& t) {
        if (t.size() != 11) throw std::runtime_error("bad pickle state for RunResult");
        RunResult r;
        r.scenario = t[0].cast<std::string>();
        r.seed = t[1].cast<std::uint64_t>();
        r.replicates = t[2].cast<int>();
        auto start = io::parse_iso8601(t[3].cast<std::string>());
        if (!start) throw std::runtime_error("bad start time in pickled RunResult");
        r.start = *start;
        r.duration = t[4].cast<SimDuration>();
        r.period = t[5].cast<SimDuration>();
        r.baseline = t[6].cast<std::string>();
        r.catalog_source = t[7].cast<std::string>();
        r.sources = t[8].cast<std::map<std::string, std::string>>();
        r.policies = t[9].cast<std::vector<PolicyResult>>();
        r.warnings = t[10].cast<std::vector<std::string>>();
        return r;
      }));
  m.def("format_comparison", &format_comparison, py::arg("result"),
        "The side-by-side table `capsim run` prints: one column per policy, then the assumptions.");
}

}  // namespace capsim::py_bind
