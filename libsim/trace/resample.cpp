#include "capsim/trace/resample.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "capsim/core/error.hpp"

namespace capsim {

ResampleOptions default_resample(TraceKind kind, SimDuration period, UtcTime anchor) {
  ResampleOptions o;
  o.period = period;
  o.anchor = anchor;
  o.downsample = kind == TraceKind::Count ? Downsample::Sum : Downsample::Mean;
  o.upsample = kind == TraceKind::Count ? Upsample::Split : Upsample::Hold;
  return o;
}

namespace {
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

Trace resample(const Trace& trace, const ResampleOptions& opt, std::vector<std::string>& warnings) {
  const std::string who = fmt::format("trace '{}' ({})", trace.name, trace.file);
  if (opt.period == trace.period) return trace;
  const SimDuration src = trace.period, dst = opt.period;
  if (trace.kind() == TraceKind::Count && (opt.downsample != Downsample::Sum || opt.upsample != Upsample::Split))
    throw Error(who + ": a request count is resampled by summing and splitting (mean, max, hold and linear are for gauges)");
  if (trace.kind() == TraceKind::Gauge && (opt.downsample == Downsample::Sum || opt.upsample == Upsample::Split))
    throw Error(who + ": a gauge is resampled by mean or max and by hold or linear (sum and split are for counts)");
  Trace out;  // the same trace but for its values and period (not copied: they can be long)
  out.name = trace.name;
  out.file = trace.file;
  out.unit = trace.unit;
  out.start = trace.start;
  out.period = dst;
  if (dst > src) {
    if (dst % src != 0)
      throw Error(fmt::format("{}: cannot resample from {} s to {} s: one period must be a whole multiple of the other", who,
                              to_seconds(src), to_seconds(dst)));
    const std::int64_t per = dst / src;
    // First new period that starts at or after the trace's start, on the anchor's grid.
    const std::int64_t offset = (trace.start - opt.anchor).count();
    if (offset % src != 0)
      throw Error(fmt::format("{}: the simulation start {} is not on the trace's {} s grid", who, format_utc(opt.anchor),
                              to_seconds(src)));
    const std::int64_t first_new = -floor_div(-offset, dst);  // ceil(offset / dst)
    const std::int64_t skip = (first_new * dst - offset) / src;  // trace points before that boundary
    const auto n = static_cast<std::int64_t>(trace.values.size());
    const std::int64_t whole = (n - skip) / per;
    out.start = opt.anchor + std::chrono::microseconds{first_new * dst};
    for (std::int64_t g = 0; g < whole; ++g) {
      double acc = opt.downsample == Downsample::Max ? trace.values[static_cast<std::size_t>(skip + g * per)] : 0.0;
      for (std::int64_t j = 0; j < per; ++j) {
        const double v = trace.values[static_cast<std::size_t>(skip + g * per + j)];
        if (opt.downsample == Downsample::Max) acc = std::max(acc, v);
        else acc += v;
      }
      out.values.push_back(opt.downsample == Downsample::Mean ? acc / static_cast<double>(per) : acc);
    }
    const std::int64_t dropped = n - whole * per;
    if (whole == 0) throw Error(fmt::format("{}: has fewer points than one {} s period", who, to_seconds(dst)));
    if (dropped > 0)
      warnings.push_back(fmt::format("{}: dropped {} point(s) at the edges that fill only part of a {} s period", who,
                                     dropped, to_seconds(dst)));
    return out;
  }
  if (src % dst != 0)
    throw Error(fmt::format("{}: cannot resample from {} s to {} s: one period must be a whole multiple of the other", who,
                            to_seconds(src), to_seconds(dst)));
  const std::int64_t per = src / dst;
  std::vector<double> share(static_cast<std::size_t>(per), 1.0 / static_cast<double>(per));
  if (!opt.profile.empty()) {
    if (opt.upsample != Upsample::Split) throw Error(who + ": a within-period profile splits counts; it does not apply to gauges");
    if (static_cast<std::int64_t>(opt.profile.size()) != per)
      throw Error(fmt::format("{}: the within-period profile has {} weights; {} s into {} s periods needs {}", who,
                              opt.profile.size(), to_seconds(src), to_seconds(dst), per));
    double sum = 0;
    for (double w : opt.profile) {
      if (!(w >= 0) || !std::isfinite(w)) throw Error(who + ": profile weights must be finite and >= 0");
      sum += w;
    }
    if (!(sum > 0)) throw Error(who + ": the profile weights add up to zero");
    for (std::size_t j = 0; j < share.size(); ++j) share[j] = opt.profile[j] / sum;
  }
  for (std::size_t i = 0; i < trace.values.size(); ++i) {
    const double v = trace.values[i];
    const double next = i + 1 < trace.values.size() ? trace.values[i + 1] : v;
    for (std::int64_t j = 0; j < per; ++j) {
      switch (opt.upsample) {
        case Upsample::Split: out.values.push_back(v * share[static_cast<std::size_t>(j)]); break;
        case Upsample::Hold: out.values.push_back(v); break;
        case Upsample::Linear: out.values.push_back(v + (next - v) * static_cast<double>(j) / static_cast<double>(per)); break;
      }
    }
  }
  return out;
}

}  // namespace capsim
