#pragma once
// Parsers for the small textual values scenario and trace files carry: ISO 8601 instants and
// durations such as "30d" or "1h30m".
#include <optional>
#include <string_view>

#include "capsim/core/sim_time.hpp"

namespace capsim::io {

/// "2024-05-10T00:00:00Z", "2024-05-10T02:00:00+02:00", fractional seconds allowed. A zone (Z or an
/// offset) is required; nullopt otherwise.
std::optional<UtcTime> parse_iso8601(std::string_view text);

/// "90s", "15m", "36h", "30d", "1w", "500ms", combined as "1h30m"; nullopt when malformed.
std::optional<SimDuration> parse_duration(std::string_view text);

/// A finite decimal number taking the whole text; nullopt otherwise.
std::optional<double> parse_number(std::string_view text);

}  // namespace capsim::io
