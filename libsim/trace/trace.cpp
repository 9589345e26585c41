#include "capsim/trace/trace.hpp"

namespace capsim {

const char* to_string(TraceUnit u) {
  switch (u) {
    case TraceUnit::Requests: return "requests";
    case TraceUnit::RequestsPerSecond: return "requests/second";
    case TraceUnit::Percent: return "percent";
    case TraceUnit::Count: return "count";
  }
  return "?";
}

}  // namespace capsim
