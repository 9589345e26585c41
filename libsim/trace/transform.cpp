#include "capsim/trace/transform.hpp"

#include <fmt/format.h>

namespace capsim {

Trace scaled(Trace t, double factor) {
  for (double& v : t.values) v *= factor;
  return t;
}

Trace shifted(Trace t, SimDuration by) {
  t.start += std::chrono::microseconds{by};
  return t;
}

Trace clipped(Trace t, std::optional<double> lo, std::optional<double> hi, std::vector<std::string>& warnings) {
  std::size_t changed = 0;
  for (double& v : t.values) {
    if (lo && v < *lo) {
      v = *lo;
      ++changed;
    } else if (hi && v > *hi) {
      v = *hi;
      ++changed;
    }
  }
  if (changed > 0) warnings.push_back(fmt::format("trace '{}' ({}): clipped {} point(s)", t.name, t.file, changed));
  return t;
}

}  // namespace capsim
