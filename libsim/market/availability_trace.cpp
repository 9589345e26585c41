#include "capsim/market/availability_trace.hpp"

#include "capsim/core/error.hpp"

namespace capsim {

int AvailabilityTrace::capacity_at(SimDuration since_start) const {
  if (gap <= 0 || data.empty()) throw Error("availability trace needs a gap > 0 and at least one value");
  // Times before the start can come from events scheduled at negative offsets (warm-up); they see
  // the first recorded value rather than nothing.
  const auto size = static_cast<SimDuration>(data.size());
  SimDuration index = since_start <= 0 ? 0 : since_start / gap;
  if (tile) index %= size;
  const int v = index >= size ? data.back() : data[static_cast<std::size_t>(index)];
  constexpr int kUnlimited = -1;
  switch (meaning) {
    case AvailabilityMeaning::AvailableCount: return v;
    case AvailabilityMeaning::PreemptedFlag: return v == 1 ? 0 : kUnlimited;
    case AvailabilityMeaning::AvailableFlag: return v == 1 ? kUnlimited : 0;
  }
  return v;
}

void AvailabilityTrace::tile_to_cover(SimDuration span) {
  if (gap <= 0 || data.empty()) throw Error("availability trace needs a gap > 0 and at least one value");
  tile = true;
  // Whole repetitions, so reading the longer series modulo its length is reading the original's.
  const std::size_t n = data.size();
  while (gap * static_cast<SimDuration>(data.size()) < span) data.insert(data.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace capsim
