#pragma once
// Karpenter v1 NodePool disruption budgets (spec.disruption.budgets): how many of a NodePool's nodes
// Karpenter may voluntarily disrupt at once, for drift, emptiness and consolidation, as
// kubernetes-sigs/karpenter computes it:
//   https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/apis/v1/nodepool.go
//     (Budget, GetAllowedDisruptionsByReason, GetAllowedDisruptions, IsActive)
//   https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/controllers/disruption/helpers.go
//     (BuildDisruptionBudgetMapping: what counts as total and as disrupting)
//   https://karpenter.sh/v1.0/concepts/disruption/#nodepool-disruption-budgets
// Budgets bound only the graceful methods; expiration and interruption ignore them.
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/cron.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim {

/// The reasons a budget may name (the CRD's enum: Underutilized, Empty, Drifted).
enum class DisruptionReason { Underutilized, Empty, Drifted };

std::string_view to_string(DisruptionReason r);
/// Exact, case-sensitive: the CRD enum rejects "drifted".
std::optional<DisruptionReason> parse_disruption_reason(std::string_view s);

/// What allowed_disruptions returns when no budget constrains the reason. Karpenter returns
/// math.MaxInt32 for an inactive budget: a NodePool whose only budgets are scheduled windows is
/// unbounded outside them (see kubernetes-sigs/karpenter discussion #1079).
inline constexpr int kUnlimitedDisruptions = std::numeric_limits<int>::max();

/// The `nodes` value Karpenter defaults to, both for a missing budgets list and for a budget whose
/// `nodes` is omitted (+kubebuilder:default:="10%").
inline constexpr std::string_view kDefaultBudgetNodes = "10%";

/// One budget: a value type, cheap to copy, immutable.
class DisruptionBudget {
 public:
  /// Parses a budget from the manifest's strings, validated as the NodePool CRD does:
  /// - nodes: ^((100|[0-9]{1,2})%|[0-9]+)$ — a percentage 0%-100% (one or two digits, or 100) or a
  ///   non-negative count;
  /// - schedule: a 5-field cron or @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly,
  ///   always in UTC (Karpenter parses "TZ=UTC " + schedule with robfig/cron's ParseStandard);
  /// - duration: ^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$ — hours, minutes, or hours then minutes
  ///   ("8h", "90m", "1h30m"), optionally followed by the "0s" Go's Duration.String() appends
  ///   ("8h0m0s"); no seconds otherwise, no fractions, no "d", at most Go's longest duration;
  /// - schedule and duration both or neither (the CRD's CEL rule "'schedule' must be set with
  ///   'duration'");
  /// - reasons: each Underutilized, Empty or Drifted; none means every reason.
  /// Throws capsim::Error naming the field and the text, e.g.
  /// "nodes: expected a count such as \"5\" or a percentage such as \"10%\", got \"ten\"".
  static DisruptionBudget parse(std::string_view nodes, std::optional<std::string_view> schedule,
                                std::optional<std::string_view> duration, const std::vector<std::string>& reasons);

  /// Without a schedule: always. With one: some firing f has f <= t < f + duration, i.e. the first
  /// firing strictly after t - duration is at or before t (IsActive: schedule.Next(now - duration)
  /// is not after now). So the window is half-open: "0 9 * * 1-5" for 8h is active 09:00:00 up to,
  /// not including, 17:00:00, and a window longer than the schedule's period never closes. A zero
  /// duration ("0h", which the pattern accepts) is never active.
  bool active_at(UtcTime t) const;
  /// No reasons listed, or `r` among them.
  bool applies_to(DisruptionReason r) const;
  /// This budget's own value for a NodePool of `total_nodes`: a count as is; a percentage rounded
  /// UP, ceil(total * pct / 100), as intstr.GetScaledValueFromIntOrPercent(..., roundUp=true) does
  /// ("10%" of 25 nodes is 3; "5%" of 10 is 1, so a percentage budget above 0% never blocks
  /// everything). Ignores active_at. Throws capsim::Error for a negative total.
  int allowed(int total_nodes) const;
  /// The next instant after `t` at which active_at changes, or the next firing if that comes first
  /// (a firing inside an open window changes nothing now but pushes the window's end out, so ask
  /// again from there). active_at is constant on [t, result). nullopt without a schedule or with a
  /// zero duration: it never changes.
  std::optional<UtcTime> next_change_after(UtcTime t) const;

  /// The `nodes` text as given ("10%", "5").
  const std::string& nodes() const { return nodes_; }
  bool is_percent() const { return percent_; }
  /// The percentage (0-100) or the count.
  int value() const { return value_; }
  const std::optional<CronSchedule>& schedule() const { return schedule_; }
  /// 0 without a schedule.
  SimDuration duration() const { return duration_; }
  /// Empty means every reason.
  const std::vector<DisruptionReason>& reasons() const { return reasons_; }

 private:
  DisruptionBudget() = default;

  std::string nodes_;
  bool percent_ = false;
  int value_ = 0;
  std::optional<CronSchedule> schedule_;
  SimDuration duration_ = 0;
  std::vector<DisruptionReason> reasons_;
};

/// What a NodePool without spec.disruption.budgets gets: one budget, nodes "10%", no schedule, every
/// reason (+kubebuilder:default:={{nodes: "10%"}}). An explicitly empty list is not defaulted and
/// leaves the pool unbounded.
std::vector<DisruptionBudget> default_budgets();

/// How many more nodes of the NodePool Karpenter may start disrupting for `reason` at `now`:
/// the minimum of allowed(total_nodes) over the budgets active at `now` that apply to `reason`,
/// minus `disrupting`, never below 0; kUnlimitedDisruptions when no such budget exists.
///
/// What the caller counts, as BuildDisruptionBudgetMapping does:
/// - total_nodes: the NodePool's nodes that are initialized and whose instance is not yet
///   terminated (NodeClaims with the InstanceTerminating condition are left out): a replacement
///   that has not initialized does not raise a percentage budget;
/// - disrupting: of those, the nodes that are NotReady or marked for deletion (being disrupted or
///   deleted for ANY reason, including expiration, interruption or a manual delete). The count is
///   the same for every reason, not per reason.
/// Karpenter subtracts `disrupting` from MaxInt32 too when nothing is active; here the unlimited
/// value is returned unchanged so callers can compare with kUnlimitedDisruptions.
/// Throws capsim::Error for a negative total_nodes or disrupting.
int allowed_disruptions(const std::vector<DisruptionBudget>& budgets, DisruptionReason reason, UtcTime now,
                        int total_nodes, int disrupting);

/// The earliest next_change_after(t) over `budgets`: when allowed_disruptions may next change with
/// the node counts held fixed. nullopt when no budget has a schedule.
std::optional<UtcTime> next_budget_change_after(const std::vector<DisruptionBudget>& budgets, UtcTime t);

}  // namespace capsim
