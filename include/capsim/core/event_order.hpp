#pragma once
// The order of events due at the same instant (the engine runs lower priorities first): capacity
// changes, then the autoscalers that read them, then the period boundary that closes the books.
// The order does not change the numbers (a boundary only closes the books) but keeps the event log
// stable; one list keeps the three phases from drifting apart.
#include <cstdint>

namespace capsim {

inline constexpr std::int32_t kPriorityCluster = 0;
inline constexpr std::int32_t kPriorityAutoscaler = 5;
inline constexpr std::int32_t kPriorityPeriod = 10;

}  // namespace capsim
