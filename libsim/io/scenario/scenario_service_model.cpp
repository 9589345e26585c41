// A service's model choice: fluid or request level, the request model's router, service-time shape
// and interruption handling, and its SLO.
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "io/scenario/scenario_loader_impl.hpp"
#include "io/text_file.hpp"

namespace capsim::io::detail {

namespace {

// Most in-flight requests a replica may hold (vLLM's max_num_seqs defaults to 256; servers rarely
// run more than a few thousand at once). A bound keeps a typo from allocating millions of slots.
constexpr double kMaxConcurrency = 65536;

}  // namespace

std::optional<std::vector<double>> Loader::service_time_samples(const std::string& name, const std::string& ptr) {
  const auto in = input_file(name, ptr);
  if (!in) return std::nullopt;
  std::string text;
  try {
    text = read_text_file(*in);
  } catch (const Error& e) {
    ck_.fail_message(ptr, e.what());
    return std::nullopt;
  }
  // One service time in seconds per line; a first line that is not a number is a header.
  std::vector<double> values;
  std::istringstream lines(text);
  std::string line;
  for (std::size_t n = 1; std::getline(lines, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    char* end = nullptr;
    const double v = std::strtod(line.c_str(), &end);
    const bool number = end != line.c_str() && std::string_view(end).find_first_not_of(" \t") == std::string_view::npos;
    if (!number && n == 1) continue;
    if (!number || !std::isfinite(v) || v <= 0) {
      ck_.fail(ptr, fmt::format("a file of service times in seconds, one number > 0 per line ({} line {})", in->display, n),
               fmt::format("'{}'", line.substr(0, 40)));
      return std::nullopt;
    }
    values.push_back(v);
  }
  if (values.empty()) {
    ck_.fail(ptr, "a file of service times in seconds, one number > 0 per line", fmt::format("{} with no value", in->display));
    return std::nullopt;
  }
  return values;
}

void Loader::parse_service_model(const json& s, const std::string& p, ServiceSpec& svc) {
  const std::string model = ck_.one_of(s, p, "model", {"fluid", "request"}).value_or("fluid");
  svc.model = model == "request" ? ServiceModelKind::Request : ServiceModelKind::Fluid;
  const bool request = svc.model == ServiceModelKind::Request;
  for (const char* key : {"request", "slo"})
    if (s.contains(key) && !request)
      ck_.fail(ptr_join(p, key), "\"model\": \"request\" beside it (only the request-level model follows requests and their latency)",
               "the fluid model");
  if (request && (svc.concurrency < 1 || svc.concurrency != std::floor(svc.concurrency) || svc.concurrency > kMaxConcurrency))
    ck_.fail(p + "/replica/concurrency", fmt::format("a whole number of requests from 1 to {:g} (the request model's slots)", kMaxConcurrency),
             fmt::format("{:g}", svc.concurrency));
  if (auto r = s.find("request"); r != s.end()) {
    const std::string rp = p + "/request";
    if (ck_.object(*r, rp, {"router", "service_time", "on_interruption"})) {
      const std::string router =
          ck_.one_of(*r, rp, "router", {"round-robin", "least-outstanding", "power-of-two-choices", "shared-queue"}).value_or("least-outstanding");
      svc.request.router = router == "round-robin"            ? RouterKind::RoundRobin
                           : router == "power-of-two-choices" ? RouterKind::PowerOfTwo
                           : router == "shared-queue"         ? RouterKind::SharedQueue
                                                              : RouterKind::LeastOutstanding;
      const std::string oi = ck_.one_of(*r, rp, "on_interruption", {"retry", "lose"}).value_or("retry");
      svc.request.on_interruption = oi == "lose" ? OnInterruption::Lose : OnInterruption::Retry;
      if (auto st = r->find("service_time"); st != r->end()) {
        const std::string sp = rp + "/service_time";
        if (ck_.object(*st, sp, {"shape", "sigma", "file"}, {"shape"})) {
          const std::string shape = ck_.one_of(*st, sp, "shape", {"fixed", "exponential", "lognormal", "empirical"}).value_or("fixed");
          ServiceTimeSpec& t = svc.request.service_time;
          t.shape = shape == "exponential" ? ServiceTimeShape::Exponential
                    : shape == "lognormal" ? ServiceTimeShape::Lognormal
                    : shape == "empirical" ? ServiceTimeShape::Empirical
                                           : ServiceTimeShape::Fixed;
          if (st->contains("sigma") != (t.shape == ServiceTimeShape::Lognormal))
            ck_.fail(sp + "/sigma", "'sigma' with the lognormal shape only (the spread of log service times)",
                     st->contains("sigma") ? "sigma with shape '" + shape + "'" : "a lognormal shape without it");
          else if (t.shape == ServiceTimeShape::Lognormal)
            t.sigma = ck_.number(*st, sp, "sigma", Bound::Positive).value_or(0);
          if (st->contains("file") != (t.shape == ServiceTimeShape::Empirical)) {
            ck_.fail(sp + "/file", "'file' with the empirical shape only (measured service times, one per line)",
                     st->contains("file") ? "file with shape '" + shape + "'" : "an empirical shape without it");
          } else if (t.shape == ServiceTimeShape::Empirical) {
            if (auto name = ck_.string(*st, sp, "file"))
              if (auto values = service_time_samples(*name, sp + "/file")) {
                // Their shape only: each type's throughput gives the mean.
                double sum = 0;
                for (double v : *values) sum += v;
                const double mean = sum / static_cast<double>(values->size());
                for (double v : *values) t.relative_sizes.push_back(v / mean);
                t.source = *name;
              }
          }
        }
      }
    }
  }
  if (auto o = s.find("slo"); o != s.end()) {
    const std::string op = p + "/slo";
    if (ck_.object(*o, op, {"latency", "percentile", "target_s", "window_s", "availability"}, {"percentile", "target_s"})) {
      SloSpec slo;
      slo.latency = ck_.one_of(*o, op, "latency", {"end-to-end", "wait"}).value_or("end-to-end") == "wait" ? LatencyKind::Wait
                                                                                                          : LatencyKind::EndToEnd;
      if (auto pc = ck_.number(*o, op, "percentile", Bound::Any)) {
        if (*pc <= 0 || *pc >= 100) ck_.fail(op + "/percentile", "a percentile between 0 and 100, both excluded (95 for p95)", fmt::format("{:g}", *pc));
        slo.percentile = *pc;
      }
      if (auto t = ck_.number(*o, op, "target_s", Bound::Any)) {
        if (*t <= 0) ck_.fail(op + "/target_s", "a latency target in seconds > 0", fmt::format("{:g}", *t));
        slo.latency_target_s = *t;
      }
      if (o->contains("window_s"))
        if (auto w = ck_.seconds(*o, op, "window_s", seconds(1))) slo.window_s = to_seconds(*w);
      if (auto a = ck_.number(*o, op, "availability", Bound::Any)) {
        if (*a <= 0 || *a >= 1) ck_.fail(op + "/availability", "a share of requests served between 0 and 1, both excluded (0.999 for 99.9%)",
                                         fmt::format("{:g}", *a));
        slo.availability = *a;
      }
      svc.slo = slo;
    }
  }
}

}  // namespace capsim::io::detail
