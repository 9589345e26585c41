#pragma once
// Recorded per-pool availability series in the JSON form public spot datasets use.
#include <filesystem>
#include <string>

#include "capsim/market/availability_trace.hpp"

namespace capsim::io {

/// {"metadata": {"gap_seconds": N}, "data": [int, ...]}; `meaning` says what the values are. Other
/// metadata keys are allowed and ignored. Integral numbers written as 3.0 count as integers. Throws
/// TraceError naming `display` and the JSON pointer (the line and column for malformed JSON).
AvailabilityTrace read_availability_trace(const std::filesystem::path& path, const std::string& display, AvailabilityMeaning meaning);

}  // namespace capsim::io
