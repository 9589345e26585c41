#pragma once
// Cron schedules for scheduled scaling and disruption-budget windows: the 5-field Vixie-cron
// expressions that Kubernetes CronJobs, Karpenter budget schedules and AWS scheduled actions use,
// evaluated in an IANA time zone.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "capsim/core/sim_time.hpp"

namespace date {
class time_zone;
}

namespace capsim {

/// A parsed cron schedule: a value type, cheap to copy, immutable.
///
/// Day matching follows Vixie cron (and cronie): a day field "is restricted" unless its text starts
/// with '*' (so "*/2" is unrestricted, as in Vixie; robfig/cron would call it restricted). When both
/// day-of-month and day-of-week are restricted a day matches if EITHER matches, otherwise both must.
///
/// Daylight saving, decided as cronie does for small clock jumps:
/// - a local time that does not exist (spring forward) fires once, at the instant the gap ends
///   (02:30 in New York on 2024-03-10 fires at 03:00 EDT = 07:00Z); several firings in one gap merge;
/// - a local time that occurs twice (fall back) fires once, at its first occurrence. This holds for
///   every schedule: "0 * * * *" fires 01:00 EDT, then 02:00 EST, two hours later.
class CronSchedule {
 public:
  /// Parses "minute hour day-of-month month day-of-week": numbers, '*', ranges a-b, steps */n, a-b/n
  /// and a/n (a to the field's end, as Kubernetes accepts), lists a,b,c; month names JAN-DEC and day
  /// names SUN-SAT in any case; day-of-week 0-7 with 0 and 7 both Sunday (so FRI-SUN is 5-7). Or a
  /// macro: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. `time_zone` is an IANA
  /// zone.
  /// Throws capsim::Error naming the field, the offending text and what was expected, e.g.
  /// "cron '0 25 * * *': hour: expected 0-23, got 25". A schedule that can never fire ("0 0 30 2 *")
  /// is an error too: in a simulation it is always a mistake.
  static CronSchedule parse(std::string_view expression, std::string_view time_zone = "UTC");

  /// The first firing strictly after `after`, evaluated in the schedule's zone (see DST above).
  UtcTime next_after(UtcTime after) const;

  const std::string& expression() const { return expression_; }
  const std::string& time_zone() const { return time_zone_; }

 private:
  CronSchedule() = default;
  // The first local wall-clock minute at or after `from` that matches; both are minutes since
  // 1970-01-01 00:00 local time.
  std::chrono::minutes next_local_match(std::chrono::minutes from) const;
  bool day_matches(unsigned day_of_month, unsigned weekday) const;

  std::string expression_;
  std::string time_zone_;
  const date::time_zone* zone_ = nullptr;  // owned by the date library's tz database
  // One bit per allowed value: stepping through set bits instead of minutes keeps a search over a
  // year to a handful of iterations.
  std::uint64_t minutes_ = 0;        // bits 0-59
  std::uint32_t hours_ = 0;          // bits 0-23
  std::uint32_t days_of_month_ = 0;  // bits 1-31
  std::uint16_t months_ = 0;         // bits 1-12
  std::uint8_t days_of_week_ = 0;    // bits 0-6, Sunday = 0 (7 is folded into 0)
  bool either_day_ = false;          // both day fields restricted: Vixie's OR
};

}  // namespace capsim
