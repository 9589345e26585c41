#pragma once
// Parsers for the small textual values scenario and trace files carry: ISO 8601 instants and
// durations such as "30d" or "1h30m".
#include <optional>
#include <string_view>

#include "capsim/core/sim_time.hpp"

namespace capsim::io {

/// "2024-05-10T00:00:00Z", "2024-05-10T02:00:00+02:00", fractional seconds allowed. A zone (Z or an
/// offset) is required, and the year must lie in kFirstYear..kLastYear; nullopt otherwise.
std::optional<UtcTime> parse_iso8601(std::string_view text);

/// "90s", "15m", "36h", "30d", "1w", "500ms", combined as "1h30m"; nullopt when malformed or out of
/// range (checked_seconds).
std::optional<SimDuration> parse_duration(std::string_view text);

/// A Kubernetes CPU quantity in millicores: "4", "0.5", "500m"; nullopt when malformed or negative.
std::optional<std::int64_t> parse_cpu_millicores(std::string_view text);
/// A Kubernetes memory quantity in MiB: "16Gi", "512Mi", "1Ti", "2G", "1000M", bytes "1048576".
std::optional<std::int64_t> parse_memory_mib(std::string_view text);

/// A finite decimal number taking the whole text; nullopt otherwise.
std::optional<double> parse_number(std::string_view text);

}  // namespace capsim::io
