#include "capsim/provisioning/karpenter/disruption_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "capsim/core/error.hpp"

namespace capsim {

namespace {

constexpr std::array<std::pair<DisruptionReason, std::string_view>, 3> kReasons{{
    {DisruptionReason::Underutilized, "Underutilized"},
    {DisruptionReason::Empty, "Empty"},
    {DisruptionReason::Drifted, "Drifted"},
}};

// Go's time.Duration is int64 nanoseconds, so time.ParseDuration rejects anything past
// 2562047h47m16.854775807s; in whole minutes that is 2562047h47m.
constexpr std::int64_t kMaxDurationMinutes = 2562047LL * 60 + 47;

// Digits only, at least one; nullopt past `limit` (so "99999999999999999999" cannot overflow).
std::optional<std::int64_t> digits(std::string_view text, std::int64_t limit) {
  if (text.empty()) return std::nullopt;
  std::int64_t n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
    if (n > limit) return std::nullopt;
  }
  return n;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `nodes`: ^((100|[0-9]{1,2})%|[0-9]+)$ (the CRD's pattern). Sets percent/value.
void parse_nodes(std::string_view text, bool& percent, int& value) {
  const auto bad = [&] {
    return Error(fmt::format("nodes: expected a count such as \"5\" or a percentage such as \"10%\", got \"{}\"", text));
  };
  if (!text.empty() && text.back() == '%') {
    const std::string_view number = text.substr(0, text.size() - 1);
    if (!all_digits(number)) throw bad();
    // One or two digits, or exactly "100": "007%" and "101%" fail the pattern.
    if (number != "100" && number.size() > 2)
      throw Error(fmt::format("nodes: expected a percentage from 0% to 100%, got \"{}\"", text));
    percent = true;
    value = static_cast<int>(*digits(number, 100));
    return;
  }
  if (!all_digits(text)) throw bad();
  // The pattern allows any digit string, but Karpenter stores a count as an int32
  // (intstr.FromInt), so a larger one would wrap; refuse it.
  const std::optional<std::int64_t> n = digits(text, std::numeric_limits<int>::max());
  if (!n)
    throw Error(fmt::format("nodes: expected a count of at most {}, got \"{}\"", std::numeric_limits<int>::max(), text));
  percent = false;
  value = static_cast<int>(*n);
}

// `duration`: ^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$ (the CRD's pattern), in microseconds.
SimDuration parse_duration(std::string_view text) {
  const auto bad = [&] {
    return Error(fmt::format(
        "duration: expected hours and minutes such as \"8h\", \"30m\" or \"1h30m\" (no seconds), got \"{}\"", text));
  };
  std::string_view rest = text;
  // The optional trailing "0s" that metav1.Duration's String() adds; it must follow an h or m term.
  if (rest.size() > 2 && rest.substr(rest.size() - 2) == "0s") rest.remove_suffix(2);
  std::int64_t minutes = 0;
  // Leading digits, then the unit letter.
  const auto term = [&](std::string_view& s, char& unit) -> std::optional<std::int64_t> {
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == 0 || i == s.size()) return std::nullopt;
    unit = s[i];
    if (unit != 'h' && unit != 'm') return std::nullopt;  // a bad unit, before any "too long"
    const std::optional<std::int64_t> n = digits(s.substr(0, i), kMaxDurationMinutes);
    s.remove_prefix(i + 1);
    if (!n) throw Error(fmt::format("duration: at most 2562047h47m (Go's longest duration), got \"{}\"", text));
    return n;
  };
  char unit = 0;
  const std::optional<std::int64_t> first = term(rest, unit);
  if (!first || (unit != 'h' && unit != 'm')) throw bad();
  minutes = unit == 'h' ? *first * 60 : *first;
  if (!rest.empty()) {
    // Only "<hours>h<minutes>m" has a second term.
    if (unit != 'h') throw bad();
    const std::optional<std::int64_t> second = term(rest, unit);
    if (!second || unit != 'm' || !rest.empty()) throw bad();
    minutes += *second;
  }
  if (minutes > kMaxDurationMinutes)
    throw Error(fmt::format("duration: at most 2562047h47m (Go's longest duration), got \"{}\"", text));
  return minutes * kMicrosPerMinute;
}

}  // namespace

std::string_view to_string(DisruptionReason r) {
  for (const auto& [reason, name] : kReasons)
    if (reason == r) return name;
  return "?";
}

std::optional<DisruptionReason> parse_disruption_reason(std::string_view s) {
  for (const auto& [reason, name] : kReasons)
    if (name == s) return reason;
  return std::nullopt;
}

DisruptionBudget DisruptionBudget::parse(std::string_view nodes, std::optional<std::string_view> schedule,
                                         std::optional<std::string_view> duration,
                                         const std::vector<std::string>& reasons) {
  DisruptionBudget b;
  b.nodes_ = std::string(nodes);
  parse_nodes(nodes, b.percent_, b.value_);

  if (schedule.has_value() != duration.has_value()) {
    if (schedule)
      throw Error(fmt::format("schedule \"{}\" needs a duration: schedule and duration are set together", *schedule));
    throw Error(fmt::format("duration \"{}\" needs a schedule: schedule and duration are set together", *duration));
  }
  if (schedule) {
    // Karpenter evaluates schedules with robfig/cron in UTC; CronSchedule follows Vixie cron, which
    // agrees with robfig except for a day field written "*/n" (n > 1) next to a restricted other
    // day field, and for day-of-week 7 (Sunday here, rejected by robfig).
    try {
      b.schedule_ = CronSchedule::parse(*schedule, "UTC");
    } catch (const Error& e) {
      throw Error(fmt::format("schedule: {}", e.what()));
    }
    b.duration_ = parse_duration(*duration);
  }

  for (const std::string& text : reasons) {
    const std::optional<DisruptionReason> r = parse_disruption_reason(text);
    if (!r) throw Error(fmt::format("reasons: expected Underutilized, Empty or Drifted, got \"{}\"", text));
    if (std::find(b.reasons_.begin(), b.reasons_.end(), *r) == b.reasons_.end()) b.reasons_.push_back(*r);
  }
  return b;
}

bool DisruptionBudget::active_at(UtcTime t) const {
  if (!schedule_) return true;
  if (duration_ == 0) return false;
  // IsActive: checkPoint = now - duration; active iff schedule.Next(checkPoint) is not after now.
  // Both Next and next_after are "strictly after", so a firing exactly `duration` ago has ended.
  return schedule_->next_after(t - std::chrono::microseconds{duration_}) <= t;
}

bool DisruptionBudget::applies_to(DisruptionReason r) const {
  return reasons_.empty() || std::find(reasons_.begin(), reasons_.end(), r) != reasons_.end();
}

int DisruptionBudget::allowed(int total_nodes) const {
  if (total_nodes < 0) throw Error(fmt::format("disruption budget: total nodes must be >= 0, got {}", total_nodes));
  if (!percent_) return value_;
  // ceil(pct * total / 100) in integers: exact where math.Ceil on float64 is exact too.
  return static_cast<int>((static_cast<std::int64_t>(value_) * total_nodes + 99) / 100);
}

std::optional<UtcTime> DisruptionBudget::next_change_after(UtcTime t) const {
  if (!schedule_ || duration_ == 0) return std::nullopt;
  const std::chrono::microseconds d{duration_};
  const UtcTime next_firing = schedule_->next_after(t);
  // The earliest firing whose window is open at t, if it is at or before t.
  UtcTime f = schedule_->next_after(t - d);
  if (f > t) return next_firing;  // inactive: nothing fired in (t - d, t], so f is next_firing
  // Active: the window closes at L + d for the latest firing L <= t. That only matters when it comes
  // before next_firing, so walk only the firings f <= t with f + d < next_firing: few, since they lie
  // in (t - d, next_firing - d), an interval no longer than the gap between firings around t.
  while (f + d < next_firing) {
    const UtcTime g = schedule_->next_after(f);
    if (g > t) return f + d;  // f is L
    f = g;
  }
  return next_firing;
}

std::vector<DisruptionBudget> default_budgets() {
  return {DisruptionBudget::parse(kDefaultBudgetNodes, std::nullopt, std::nullopt, {})};
}

int allowed_disruptions(const std::vector<DisruptionBudget>& budgets, DisruptionReason reason, UtcTime now,
                        int total_nodes, int disrupting) {
  if (total_nodes < 0 || disrupting < 0)
    throw Error(fmt::format("allowed_disruptions: node counts must be >= 0, got total {} and disrupting {}",
                            total_nodes, disrupting));
  std::optional<int> allowed;  // nullopt: nothing constrains `reason` now
  for (const DisruptionBudget& b : budgets)
    if (b.applies_to(reason) && b.active_at(now))
      allowed = std::min(allowed.value_or(kUnlimitedDisruptions), b.allowed(total_nodes));
  if (!allowed) return kUnlimitedDisruptions;
  return std::max(*allowed - disrupting, 0);
}

std::optional<UtcTime> next_budget_change_after(const std::vector<DisruptionBudget>& budgets, UtcTime t) {
  std::optional<UtcTime> earliest;
  for (const DisruptionBudget& b : budgets)
    if (const std::optional<UtcTime> c = b.next_change_after(t); c && (!earliest || *c < *earliest)) earliest = c;
  return earliest;
}

}  // namespace capsim
