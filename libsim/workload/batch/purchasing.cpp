#include "capsim/workload/batch/purchasing.hpp"

namespace capsim {

namespace {

PurchasingDecision on_demand_for_good() { return {Placement::OnDemand, true}; }

PurchasingDecision greedy(const JobClock& j) {
  if (j.committed || j.r() - j.look < j.c + j.d) return on_demand_for_good();
  return {j.spot_available ? Placement::Spot : Placement::Idle, false};
}

PurchasingDecision uniform_progress(const JobClock& j) {
  if (j.committed) return on_demand_for_good();
  if (j.current != Placement::Spot && j.r() - j.look < j.c + 2 * j.d) return on_demand_for_good();
  if (j.current == Placement::OnDemand)
    return {j.spot_available && j.cp() >= j.ep(j.t + 2 * j.d) ? Placement::Spot : Placement::OnDemand, false};
  if (j.spot_available) return {Placement::Spot, false};
  return {j.cp() < j.ep(j.t) ? Placement::OnDemand : Placement::Idle, false};
}

}  // namespace

PurchasingDecision decide_purchase(PurchasingKind kind, const JobClock& job) {
  if (job.c <= 0) return {};
  switch (kind) {
    case PurchasingKind::OnDemand: return {Placement::OnDemand, false};
    case PurchasingKind::Spot: return {job.spot_available ? Placement::Spot : Placement::Idle, false};
    case PurchasingKind::Greedy: return greedy(job);
    case PurchasingKind::UniformProgress: return uniform_progress(job);
  }
  return {};
}

const char* placement_name(Placement p) {
  switch (p) {
    case Placement::Idle: return "idle";
    case Placement::Spot: return "spot";
    case Placement::OnDemand: return "on-demand";
  }
  return "?";
}

const char* purchasing_name(PurchasingKind k) {
  switch (k) {
    case PurchasingKind::OnDemand: return "on-demand";
    case PurchasingKind::Spot: return "spot";
    case PurchasingKind::Greedy: return "greedy";
    case PurchasingKind::UniformProgress: return "uniform-progress";
  }
  return "?";
}

}  // namespace capsim
