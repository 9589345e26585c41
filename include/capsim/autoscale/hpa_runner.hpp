#pragma once
// The HPAs of a run: every sync period each reads its metrics from its service (as a metrics
// pipeline would, `collection_lag` late) and sets the service's desired replicas through its scale
// target; cron schedules change their minReplicas/maxReplicas, or a node group's size.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "capsim/autoscale/hpa.hpp"
#include "capsim/autoscale/hpa_config.hpp"
#include "capsim/autoscale/keda.hpp"
#include "capsim/autoscale/scale_targets.hpp"
#include "capsim/autoscale/schedule_spec.hpp"
#include "capsim/core/cron.hpp"
#include "capsim/core/engine.hpp"
#include "capsim/workload/service.hpp"

namespace capsim {

/// An External metric's value at a simulation time (a trace read as a metrics pipeline would).
using ExternalMetric = std::function<double(const std::string& name, SimTime t)>;

/// The value a Resource metric reads per pod when arrivals of `rate_rps` meet ready replicas that
/// serve `capacity_rps` in all: the replica's use by load at that busy share (millicores or MiB), or
/// for a Utilization target that use as a whole percentage of the request.
double resource_value(const HpaMetric& m, double rate_rps, double capacity_rps);

struct HpaRunnerInputs {
  std::vector<std::string> services;       // names, by index
  std::map<std::string, HpaConfig> hpas;   // by service name
  std::map<std::string, ScaledObjectSpec> keda;  // KEDA ScaledObjects, by service name
  std::vector<ScheduleSpec> schedules;
  std::vector<std::string> node_groups;    // names, by index (scheduled actions name them)
  UtcTime start{};
  SimTime window_end = 0;
};

class HpaRunner {
 public:
  HpaRunner(Engine& engine, HpaRunnerInputs inputs, ReplicaScaleTarget& replicas, NodeGroupScaleTarget& groups,
            const std::vector<std::unique_ptr<Service>>& services, ExternalMetric external);
  void start();

 private:
  /// What a sync reads for one metric, decided from its source and name when the HPA is bound.
  enum class Reading { External, Resource, RequestsPerSecond, RequestsInService, KvCacheUsage, WaitingRequests, GpuUtilization };
  struct Bound {
    std::size_t service;
    HpaConfig config;
    HpaController controller;
    std::deque<std::pair<SimTime, QueueState>> queue_history;  // for queue metrics read collection_lag late
    std::vector<Reading> readings = {};  // per metric
    bool reads_queue = false;            // some metric is read from the service's queue
    std::vector<std::optional<MetricSample>> samples = {};  // the last sync's, its room reused by the next
    // Every metric's sample follows from the replica counts, the arrival rate and (when it reads it)
    // the ready capacity; a sync where none of them moved (most do: the rate changes once a period)
    // has the controller repeat its last proposals rather than work them out again.
    bool pure = false;
    bool reads_capacity = false;
    struct Inputs {
      int current = -1;
      int ready = -1;
      std::uint64_t rate = 0;  // the doubles' bits: the same bits give the same samples
      std::uint64_t capacity = 0;
      friend bool operator==(const Inputs&, const Inputs&) = default;
    };
    Inputs last = {};  // those of the last sync that built its samples
  };
  void bind(std::size_t service, const HpaConfig& config);
  struct KedaBound {
    std::size_t service;
    ScaledObjectSpec spec;
    KedaActivation activation;
  };
  void sync(std::size_t i);
  /// A sync's end: the replicas it decided, and the next sync.
  void finish_sync(std::size_t i, int current, int desired);
  void poll(std::size_t k);
  void fire(std::size_t schedule);
  /// The service's queue as of `lag` ago (samples taken at syncs), or nullopt before there is one.
  std::optional<QueueState> queue_at(Bound& h, SimTime now);
  /// An External metric's whole value: a trace's, or the service's queue.
  std::optional<double> external_value(const HpaMetric& m, const std::optional<QueueState>& queue, SimTime t) const;

  Engine& engine_;
  HpaRunnerInputs in_;
  ReplicaScaleTarget& replicas_;
  NodeGroupScaleTarget& groups_;
  const std::vector<std::unique_ptr<Service>>& services_;
  ExternalMetric external_;
  std::vector<Bound> hpas_;
  std::vector<KedaBound> keda_;
  std::vector<CronSchedule> schedules_;
};

}  // namespace capsim
