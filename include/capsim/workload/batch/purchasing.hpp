#pragma once
// Deadline-aware purchasing, as pure decisions: given how far a job (or one pod's share of a task)
// has got, how long it has left and whether spot capacity is there, which kind of instance it
// should be on now. The names follow Wu et al., "Can't Be Late: Optimizing Spot Instance Savings
// under Deadlines" (NSDI 2024), §3.1: C(t) the computation time still needed, R(t) the time left
// to the deadline, d the changeover delay paid on every new instance (spot or on-demand; stopping
// costs none), cp(t) = C(0) − C(t) the progress made and ep(t) = t·C(0)/R(0) the expected progress
// (eq. 5).
#include "capsim/workload/batch/batch_spec.hpp"

namespace capsim {

/// What a job runs on now (the paper's three states).
enum class Placement { Idle, Spot, OnDemand };

struct JobClock {
  double t = 0;          // since the job (task share) was released, s
  double c0 = 0;         // C(0): computation it needed at release, s
  double c = 0;          // C(t): computation still needed, s
  double r0 = 0;         // R(0): time from release to the deadline, s
  double d = 0;          // changeover delay, s
  double look = 0;       // until the policy looks again (a decision interval; a trace's gap), s
  Placement current = Placement::Idle;  // after any preemption: a reclaimed spot instance is Idle
  bool spot_available = false;
  bool committed = false;  // an earlier safety net moved it to on-demand for good

  double r() const { return r0 - t; }
  double cp() const { return c0 - c; }
  double ep(double at) const { return r0 > 0 ? at * c0 / r0 : c0; }
};

struct PurchasingDecision {
  Placement placement = Placement::Idle;
  bool commit = false;  // on-demand from now to the end (the safety net fired)
};

/// The decision of `kind` for `job`. Discrete looks: a rule that must hold until the next look is
/// checked against R(t) − look, so a deadline is not missed between two looks.
///
/// - OnDemand: on-demand until done.
/// - Spot: spot when available, else wait idle.
/// - Greedy (§3.4, with the slack rule of the batch issue): spot while available, waiting when it
///   is not; once R(t) − look < C(t) + d (the slack would no longer cover the rest plus one
///   changeover) on-demand to the end, from any state.
/// - UniformProgress (§5.2.2, with the Safety Net of §3.3): Safety Net: not on spot and
///   R(t) − look < C(t) + 2d → on-demand to the end. Rule 2, Taking Risks: spot whenever available,
///   kept until preempted (the Exploitation Rule, so no safety net on spot). Rule 1, Uniform Progress:
///   idle and cp(t) < ep(t) → on-demand. Rule 3, Hysteresis: on on-demand, stay until
///   cp(t) ≥ ep(t + 2d) and then only for spot (the authors' simulator never goes from on-demand to
///   idle), so a short-lived spot instance does not cost two changeovers.
PurchasingDecision decide_purchase(PurchasingKind kind, const JobClock& job);

const char* placement_name(Placement p);
const char* purchasing_name(PurchasingKind k);

}  // namespace capsim
