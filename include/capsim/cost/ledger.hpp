#pragma once
// The billing ledger: every instance from launch to termination, per second with a 60-second
// minimum, plus the EKS control plane per cluster-hour. Each line carries its tags.
#include <map>
#include <string>
#include <vector>

#include <memory>
#include <optional>

#include "capsim/core/sim_time.hpp"
#include "capsim/cost/price_schedule.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/catalog/offering.hpp"
#include "capsim/core/tags.hpp"

namespace capsim {

// Defaults of the real system (AWS EC2 per-second billing for Linux, aws.amazon.com/ec2/pricing):
// billed in one-second increments (a partial second counts as a whole one), 60 seconds at least.
inline constexpr SimDuration kBillingIncrement = kMicrosPerSecond;
inline constexpr SimDuration kMinimumBilledDuration = 60 * kMicrosPerSecond;

enum class CostCategory { GpuInstances, OtherInstances, EksControlPlane };

struct LedgerLine {
  std::string resource;       // "node/gpu-fleet/3", "eks-control-plane"
  std::string instance_type;  // empty for the control plane
  std::string owner;          // the node group or Karpenter NodePool that launched it; empty for the control plane
  std::string zone;           // its availability zone; empty when it has none (control plane, a regional reservation)
  CostCategory category = CostCategory::OtherInstances;
  CapacityType capacity = CapacityType::OnDemand;  // how the instance is bought (a reservation line: Reserved)
  double units = 1;  // instances the line bills at once: a capacity reservation's size, else 1
  double price_usd_per_h = 0;                  // the price at launch
  std::shared_ptr<const PriceSchedule> schedule;  // a price that moves (spot); null: price_usd_per_h throughout
  SimTime start = 0;
  SimTime end = 0;
  bool terminated = false;  // false: still running when the window closed (billed up to the window end)
  Tags tags;
  double billed_s = 0;
  double cost_usd = 0;
};

/// Seconds billed for an instance that ran from `start` to `end`.
double billed_seconds(SimTime start, SimTime end, bool terminated);

class Ledger {
 public:
  explicit Ledger(SimTime window_end) : window_end_(window_end) {}
  SimTime window_end() const { return window_end_; }

  /// Where a billed instance sits: the bill groups and filters by these (NodePool, zone).
  struct Placement {
    std::string owner;
    std::string zone;
  };
  /// Starts billing an instance; returns its line number for close_instance().
  std::size_t open_instance(std::string resource, const InstanceType& type, CapacityType capacity, double price_usd_per_h, SimTime start,
                            Tags tags, Placement where = {});
  /// A capacity reservation of `units` instances of `type`, billed whole from `start` on.
  /// `usd_per_instance_h`: a price other than the type's on-demand one (a Capacity Block's).
  std::size_t open_reservation(std::string resource, const InstanceType& type, double units, SimTime start, Tags tags, Placement where,
                               std::optional<double> usd_per_instance_h = std::nullopt);
  /// The same at a price that follows `schedule` (a spot price series).
  std::size_t open_instance(std::string resource, const InstanceType& type, CapacityType capacity,
                            std::shared_ptr<const PriceSchedule> schedule, SimTime start, Tags tags, Placement where = {});
  /// Stops billing an instance terminated at `end`.
  void close_instance(std::size_t line, SimTime end);
  /// The EKS control plane for the whole window.
  void add_control_plane(double usd_per_h, Tags tags);
  /// Sum of the hourly prices of the instances running now (spot at their launch price).
  double running_usd_per_h() const { return running_usd_per_h_; }
  const LedgerLine& line(std::size_t i) const { return lines_[i]; }

  /// Every line, billed; instances still running are billed up to the window end.
  std::vector<LedgerLine> close() const;

 private:
  SimTime window_end_;
  std::vector<LedgerLine> lines_;
  double running_usd_per_h_ = 0;
};

struct CostSplit {
  double gpu_instances_usd = 0;
  double other_instances_usd = 0;
  double eks_control_plane_usd = 0;
  double total_usd = 0;
  double on_demand_usd = 0;  // instances by how they were bought (the control plane is in none)
  double spot_usd = 0;
  double reserved_usd = 0;   // capacity reservations, paid whole
};

CostSplit split_costs(const std::vector<LedgerLine>& lines);
/// Cost per "key=value" tag; for every tag key, lines without it are summed under "key=(untagged)".
std::map<std::string, double> costs_by_tag(const std::vector<LedgerLine>& lines);

}  // namespace capsim
