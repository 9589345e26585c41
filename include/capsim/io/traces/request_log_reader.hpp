#pragma once
// Request-level trace files: the Azure LLM inference CSV (TIMESTAMP,ContextTokens,GeneratedTokens;
// timestamps without a zone) and JSON Lines ({"timestamp": ms, "input_length", "output_length"}, as
// the Mooncake traces).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "capsim/trace/request_log.hpp"

namespace capsim::io {

/// `time_zone` (IANA) is the zone of the file's zone-less timestamps. Rows out of time order are
/// sorted and counted in the warnings.
RequestLog read_azure_llm_csv(const std::filesystem::path& path, const std::string& display, const std::string& time_zone,
                              std::vector<std::string>& warnings);

/// `origin`: the instant of timestamp 0 when timestamps are offsets (Mooncake's start at 0);
/// without it they are milliseconds since the Unix epoch.
RequestLog read_jsonl_requests(const std::filesystem::path& path, const std::string& display, std::optional<UtcTime> origin,
                               std::vector<std::string>& warnings);

}  // namespace capsim::io
