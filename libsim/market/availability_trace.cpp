#include "capsim/market/availability_trace.hpp"

#include "capsim/core/error.hpp"

namespace capsim {

int AvailabilityTrace::capacity_at(SimDuration since_start) const {
  if (gap <= 0 || data.empty()) throw Error("availability trace needs a gap > 0 and at least one value");
  // Times before the start can come from events scheduled at negative offsets (warm-up); they see
  // the first recorded value rather than nothing.
  const SimDuration index = since_start <= 0 ? 0 : since_start / gap;
  const int v = index >= static_cast<SimDuration>(data.size()) ? data.back() : data[static_cast<std::size_t>(index)];
  constexpr int kUnlimited = -1;
  switch (meaning) {
    case AvailabilityMeaning::AvailableCount: return v;
    case AvailabilityMeaning::PreemptedFlag: return v == 1 ? 0 : kUnlimited;
    case AvailabilityMeaning::AvailableFlag: return v == 1 ? kUnlimited : 0;
  }
  return v;
}

}  // namespace capsim
