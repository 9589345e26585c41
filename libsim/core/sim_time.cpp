#include "capsim/core/sim_time.hpp"

#include <date/date.h>

namespace capsim {

std::string format_utc(UtcTime t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  if (secs == t) return date::format("%Y-%m-%dT%H:%M:%SZ", secs);
  return date::format("%Y-%m-%dT%H:%M:%SZ", t);
}

}  // namespace capsim
