#include "capsim/core/sim_time.hpp"

#include <fmt/format.h>

#include <date/date.h>

namespace capsim {

std::string format_utc(UtcTime t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  if (secs == t) {
    // Whole seconds (every period start): the calendar fields directly, since date::format's stream
    // and locale set-up per call made writing a month of per-period rows slower than simulating it.
    const auto day = date::floor<date::days>(secs);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<std::chrono::seconds> hms{secs - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  }
  return date::format("%Y-%m-%dT%H:%M:%SZ", t);
}

}  // namespace capsim
