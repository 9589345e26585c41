// A service's model choice: fluid or request level, the request model's router, service-time shape
// and interruption handling, and its SLO.
#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "capsim/core/close_match.hpp"
#include "capsim/trace/align.hpp"
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
    if (ck_.object(*r, rp, {"router", "service_time", "on_interruption", "llm"})) {
      const std::string router =
          ck_.one_of(*r, rp, "router", {"round-robin", "least-outstanding", "power-of-two-choices", "shared-queue"}).value_or("least-outstanding");
      svc.request.router = router == "round-robin"            ? RouterKind::RoundRobin
                           : router == "power-of-two-choices" ? RouterKind::PowerOfTwo
                           : router == "shared-queue"         ? RouterKind::SharedQueue
                                                              : RouterKind::LeastOutstanding;
      const std::string oi = ck_.one_of(*r, rp, "on_interruption", {"retry", "lose"}).value_or("retry");
      svc.request.on_interruption = oi == "lose" ? OnInterruption::Lose : OnInterruption::Retry;
      if (auto llm = r->find("llm"); llm != r->end()) {
        if (r->contains("service_time"))
          ck_.fail(rp + "/service_time", "no service_time beside llm (an LLM's time comes from its tokens and rates)", "both");
        if (s.contains("replica") && s["replica"].is_object() && s["replica"].contains("concurrency"))
          ck_.fail(p + "/replica/concurrency", "no concurrency with request.llm (its max_num_seqs bounds the batch)", "both");
        svc.request.llm = parse_llm(*llm, rp + "/llm", p, svc);
      }
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
      const std::string kind = ck_.one_of(*o, op, "latency", {"end-to-end", "wait", "time-to-first-token"}).value_or("end-to-end");
      slo.latency = kind == "wait" ? LatencyKind::Wait : kind == "time-to-first-token" ? LatencyKind::TimeToFirstToken : LatencyKind::EndToEnd;
      if (slo.latency == LatencyKind::TimeToFirstToken && !(s.contains("request") && s["request"].is_object() && s["request"].contains("llm")))
        ck_.fail(op + "/latency", "\"time-to-first-token\" for an LLM service only (request.llm)", "a service without it");
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

namespace capsim::io::detail {

namespace {

// vLLM's defaults (its engine arguments): the most sequences a replica batches, and the share of
// GPU memory it takes for weights and KV cache.
constexpr int kVllmMaxNumSeqs = 256;
constexpr double kVllmGpuMemoryUtilization = 0.9;

// Least squares of step time = base + per_sequence × batch through measured (batch, tokens/s) points:
// at batch b the replica makes b tokens per step, so a step takes b / (tokens/s).
std::pair<double, double> fit_step(const std::vector<std::pair<double, double>>& points) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [b, tps] : points) {
    const double y = b / tps;
    n += 1, sx += b, sy += y, sxx += b * b, sxy += b * y;
  }
  const double per = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return {(sy - per * sx) / n, per};
}

}  // namespace

std::optional<LlmModelFile> Loader::read_llm_model(const std::string& name, const std::string& ptr, int depth) {
  const auto in = input_file(name, ptr);
  if (!in) return std::nullopt;
  json m;
  try {
    const std::string text = read_text_file(*in);
    if (!check_json_structure(text, in->display, diags_)) return std::nullopt;
    m = json::parse(text);
  } catch (const Error& e) {
    ck_.fail_message(ptr, e.what());
    return std::nullopt;
  } catch (const json::exception& e) {
    ck_.fail(ptr, "a capsim LLM model file (JSON)", fmt::format("{}: {}", in->display, json_syntax_error(e.what())));
    return std::nullopt;
  }
  Checker mc(in->display, diags_);
  const bool derived_model = m.is_object() && m.contains("derived_from_model");
  if (!mc.object(m, "", {"format", "format_version", "model", "retrieved", "architecture", "decode_tokens_per_s", "derived_decode", "derived_from_model",
                         "decode_check", "native_fp8", "variants", "variant_speed"},
                 {"format", "model", "architecture", derived_model ? "derived_from_model" : "decode_tokens_per_s", "native_fp8", "variants"}) ||
      mc.one_of(m, "", "format", {"capsim-llm-model"}) != "capsim-llm-model")
    return std::nullopt;
  LlmModelFile out;
  out.display = in->display;
  out.model = mc.string(m, "", "model").value_or("");
  out.variant_speed = m.value("variant_speed", std::string());
  const json& arch = m["architecture"];
  if (!mc.object(arch, "/architecture", {"parameters", "layers", "kv_heads", "head_dim", "kv_bytes_per_value", "source"},
                 {"parameters", "layers", "kv_heads", "head_dim", "kv_bytes_per_value", "source"}))
    return std::nullopt;
  out.params = mc.number(arch, "/architecture", "parameters", Bound::Positive).value_or(0);
  out.kv_bytes_per_token = 2 * mc.number(arch, "/architecture", "layers", Bound::Positive).value_or(0) *
                           mc.number(arch, "/architecture", "kv_heads", Bound::Positive).value_or(0) *
                           mc.number(arch, "/architecture", "head_dim", Bound::Positive).value_or(0) *
                           mc.number(arch, "/architecture", "kv_bytes_per_value", Bound::Positive).value_or(0);
  if (m["variants"].is_object())
    for (const auto& [k, v] : m["variants"].items()) {
      const std::string vp = ptr_join("/variants", k);
      if (!mc.object(v, vp, {"weight_bytes_per_parameter", "needs_native_fp8", "quality"}, {"weight_bytes_per_parameter", "needs_native_fp8"}))
        continue;
      out.variants[k] = {mc.number(v, vp, "weight_bytes_per_parameter", Bound::Positive).value_or(2), mc.boolean(v, vp, "needs_native_fp8").value_or(false)};
    }
  if (const json* f = find_pointer(m, "/native_fp8/gpus"); f && f->is_array())
    for (const auto& g : *f)
      if (g.is_string()) out.native_fp8.insert(g.get<std::string>());
  if (derived_model) {
    // Another model's decode steps, scaled: the fixed part of a step reads the weights (so it goes
    // with the parameter count), the per-sequence part reads the KV cache (so it goes with the KV
    // bytes per token).
    const json& d = m["derived_from_model"];
    if (!mc.object(d, "/derived_from_model", {"model_file", "derivation"}, {"model_file", "derivation"})) return std::nullopt;
    if (depth > 0) {
      mc.fail("/derived_from_model", "a model file with figures of its own (one level of derivation)", "a chain of derivations");
      return std::nullopt;
    }
    const std::string base_name = (std::filesystem::path(name).parent_path() / d.value("model_file", "")).generic_string();
    const auto base = read_llm_model(base_name, ptr, depth + 1);
    if (!base) return std::nullopt;
    const double w = out.params / base->params, kv = out.kv_bytes_per_token / base->kv_bytes_per_token;
    for (const auto& [gpu, st] : base->steps) {
      out.steps[gpu] = {st.first * w, st.second * kv};
      std::string how = fmt::format("derived from {}: {} (step x {:.4f} fixed, x {:.4f} per sequence)", base->model, d.value("derivation", ""), w, kv);
      if (auto b = base->derived.find(gpu); b != base->derived.end()) how += "; and " + b->second.value;
      out.derived[gpu] = {name + "#/derived_from_model", how};
    }
    return out;
  }
  // Decode step fits per GPU: measured, or derived from another GPU by memory bandwidth.
  if (const json* by = find_pointer(m, "/decode_tokens_per_s/by_gpu"); by && by->is_object())
    for (const auto& [gpu, pts] : by->items()) {
      std::vector<std::pair<double, double>> points;
      for (const auto& [b, tps] : pts.items())
        if (tps.is_number() && tps.get<double>() > 0) points.emplace_back(std::strtod(b.c_str(), nullptr), tps.get<double>());
      if (points.size() >= 2) out.steps[gpu] = fit_step(points);
      else mc.fail(ptr_join("/decode_tokens_per_s/by_gpu", gpu), "at least two batch sizes with tokens/s > 0", describe(pts));
    }
  if (const json* dd = find_pointer(m, "/derived_decode"); dd && dd->is_object())
    for (const auto& [gpu, d] : dd->items()) {
      const std::string dp = ptr_join("/derived_decode", gpu);
      if (!mc.object(d, dp, {"from", "bandwidth_gb_s", "from_bandwidth_gb_s", "derivation"}, {"from", "bandwidth_gb_s", "from_bandwidth_gb_s", "derivation"}))
        continue;
      auto from = out.steps.find(d.value("from", ""));
      if (from == out.steps.end()) {
        mc.fail(dp + "/from", "a GPU with measured decode figures", describe(d["from"]));
        continue;
      }
      const double ratio = mc.number(d, dp, "from_bandwidth_gb_s", Bound::Positive).value_or(1) / mc.number(d, dp, "bandwidth_gb_s", Bound::Positive).value_or(1);
      out.steps[gpu] = {from->second.first * ratio, from->second.second * ratio};
      // As written in the scenario: no absolute path reaches the results.
      out.derived[gpu] = {name + "#/derived_decode/" + gpu, "derived: " + d.value("derivation", "")};
    }
  return out;
}

std::optional<LlmSpec> Loader::parse_llm(const json& j, const std::string& p, const std::string& sp, const ServiceSpec& svc) {
  if (!ck_.object(j, p, {"model_file", "variant", "prefill_tokens_per_s", "tokens", "max_num_seqs", "gpu_memory_utilization"},
                  {"model_file", "variant", "prefill_tokens_per_s", "tokens"}))
    return std::nullopt;
  LlmSpec llm;
  const int max_seqs = static_cast<int>(ck_.integer(j, p, "max_num_seqs", 1, 65536).value_or(kVllmMaxNumSeqs));
  double util = kVllmGpuMemoryUtilization;
  if (auto u = ck_.number(j, p, "gpu_memory_utilization", Bound::Positive)) {
    if (*u > 1) ck_.fail(p + "/gpu_memory_utilization", "a share of GPU memory in (0, 1] (vLLM's default 0.9)", fmt::format("{:g}", *u));
    util = *u;
  }
  if (!j.contains("max_num_seqs")) llm.derived.push_back({sp + "/request/llm/max_num_seqs", "256 (vLLM's default max_num_seqs)"});
  if (!j.contains("gpu_memory_utilization"))
    llm.derived.push_back({sp + "/request/llm/gpu_memory_utilization", "0.9 (vLLM's default gpu_memory_utilization)"});

  // Tokens: distributions, or the pairs of the demand's request log.
  if (auto t = j.find("tokens"); t != j.end()) {
    const std::string tp = p + "/tokens";
    if (t->is_string() && *t == "from_trace") {
      auto tr = sc_.traces.find(svc.demand.trace);
      if (tr != sc_.traces.end() && tr->second.requests && !tr->second.requests->input_tokens.empty()) {
        auto pairs = std::make_shared<TokenPairs>();
        pairs->input = tr->second.requests->input_tokens;
        pairs->output = tr->second.requests->output_tokens;
        llm.token_pairs = std::move(pairs);
      } else if (tr != sc_.traces.end()) {
        ck_.fail(tp, "a demand trace with token counts for \"from_trace\" (a request log: azure-llm-csv or jsonl-requests), or "
                     "{\"input\": distribution, \"output\": distribution}",
                 "trace '" + svc.demand.trace + "', which has no token counts");
      }
    } else if (ck_.object(*t, tp, {"input", "output"}, {"input", "output"})) {
      llm.input_tokens = ck_.distribution(*t, tp, "input");
      llm.output_tokens = ck_.distribution(*t, tp, "output");
    }
  }

  // The model file: architecture, measured and derived decode speeds, variants.
  const auto name = ck_.string(j, p, "model_file");
  if (!name) return std::nullopt;
  const auto mf = read_llm_model(*name, p + "/model_file", 0);
  if (!mf) return std::nullopt;
  llm.model = mf->model;
  const double params = mf->params;
  const double kv_per_token = mf->kv_bytes_per_token;
  const std::string display = mf->display;
  // The variant: its weight size and whether it needs native FP8.
  std::vector<std::string> variant_names;
  for (const auto& [k, _] : mf->variants) variant_names.push_back(k);
  llm.variant = ck_.string(j, p, "variant").value_or("");
  auto v = mf->variants.find(llm.variant);
  if (v == mf->variants.end()) {
    ck_.fail(p + "/variant", "a variant of " + display + " (" + fmt::format("{}", fmt::join(variant_names, ", ")) + ")",
             "\"" + llm.variant + "\"", did_you_mean(llm.variant, variant_names));
    return std::nullopt;
  }
  const double weight_bytes_per_param = v->second.weight_bytes_per_parameter;
  const bool needs_fp8 = v->second.needs_native_fp8;
  const double weight_bytes = params * weight_bytes_per_param;
  const std::set<std::string>& fp8_gpus = mf->native_fp8;
  const auto& steps = mf->steps;
  const auto& derived_how = mf->derived;
  // Each instance type the service may run on.
  double largest_gib = 0;
  std::string largest_type;
  bool any_fits = false;
  const auto* prefill = j.contains("prefill_tokens_per_s") && j["prefill_tokens_per_s"].is_object() ? &j["prefill_tokens_per_s"] : nullptr;
  if (!prefill) ck_.fail(p + "/prefill_tokens_per_s", "an object of instance type → prompt tokens/s one replica prefills (no published figure is bundled)",
                         j.contains("prefill_tokens_per_s") ? describe(j["prefill_tokens_per_s"]) : "nothing");
  for (const auto& [type, _] : svc.throughput_rps) {
    const InstanceType& it = sc_.catalog.at(type);
    const std::string tp = ptr_join(sp + "/throughput_rps", type);
    const std::string gpu = it.gpu_model;
    const double memory = static_cast<double>(it.gpu_memory_mib_per_gpu) * svc.replica_gpus * 1048576.0;
    if (memory / 1073741824.0 > largest_gib) largest_gib = memory / 1073741824.0, largest_type = type;
    auto step = steps.find(gpu);
    if (step == steps.end()) {
      std::vector<std::string> known;
      for (const auto& [g, _] : steps) known.push_back(g);
      ck_.fail(tp, fmt::format("an instance type whose GPU {} has decode figures for ({})", display, fmt::join(known, ", ")),
               fmt::format("{} with {}", type, gpu.empty() ? "no GPU" : gpu));
      continue;
    }
    if (needs_fp8 && !fp8_gpus.count(gpu)) {
      ck_.fail(p + "/variant",
               fmt::format("a variant {} can run: '{}' needs native FP8 (compute capability 8.9 or more: {})", type, llm.variant,
                           fmt::join(fp8_gpus, ", ")),
               fmt::format("'{}' on {} ({}, without native FP8)", llm.variant, type, gpu));
      continue;
    }
    const double usable = memory * util;
    if (weight_bytes >= usable) {
      ck_.fail(tp, fmt::format("an instance type whose GPU memory holds variant '{}': {:.1f} GiB of weights plus KV cache, within {:g} of the memory",
                               llm.variant, weight_bytes / 1073741824.0, util),
               fmt::format("{} with {:.1f} GiB ({} GPU{} of {})", type, memory / 1073741824.0, svc.replica_gpus, svc.replica_gpus == 1 ? "" : "s", gpu));
      continue;
    }
    any_fits = true;
    LlmRates r;
    // A decode step's fixed part reads the weights: it shrinks with a smaller variant.
    r.step_base_s = step->second.first * weight_bytes_per_param / 2.0;
    r.step_per_sequence_s = step->second.second;
    r.kv_cache_tokens = (usable - weight_bytes) / kv_per_token;
    r.max_num_seqs = max_seqs;
    if (prefill) {
      if (!prefill->contains(type)) ck_.fail(ptr_join(p + "/prefill_tokens_per_s", type), "the prompt tokens/s one replica prefills on " + type, "nothing");
      else r.prefill_tokens_per_s = ck_.number(*prefill, p + "/prefill_tokens_per_s", type.c_str(), Bound::Positive).value_or(1);
    }
    llm.rates[type] = r;
    if (auto d = derived_how.find(gpu); d != derived_how.end() && std::find(llm.derived.begin(), llm.derived.end(), d->second) == llm.derived.end())
      llm.derived.push_back(d->second);
  }
  if (!any_fits && !svc.throughput_rps.empty() && weight_bytes > 0 && largest_gib > 0 && weight_bytes >= largest_gib * 1073741824.0 * util)
    ck_.fail(p + "/variant", fmt::format("a variant that fits an allowed GPU: '{}' needs {:.1f} GiB of weights plus KV cache", llm.variant, weight_bytes / 1073741824.0),
             fmt::format("at most {:.1f} GiB usable ({:.1f} GiB on {}, the largest allowed)", largest_gib * util, largest_gib, largest_type));
  if (weight_bytes_per_param != 2) llm.derived.push_back({*name + "#/variant_speed", mf->variant_speed});
  return llm;
}

void Loader::add_derived_figures(PolicySpec& policy) const {
  for (const ServiceSpec& s : policy.services)
    if (s.request.llm)
      for (const Assumption& a : s.request.llm->derived)
        if (std::find(policy.assumptions.begin(), policy.assumptions.end(), a) == policy.assumptions.end()) policy.assumptions.push_back(a);
}

}  // namespace capsim::io::detail

namespace capsim::io::detail {

std::shared_ptr<const RequestLog> Loader::replayable_log(const DemandSpec& d, const std::string& dp) {
  auto tr = sc_.traces.find(d.trace);
  if (tr == sc_.traces.end()) return nullptr;  // reported with the trace
  const TraceInput& in = tr->second;
  if (!in.requests) {
    ck_.fail(dp + "/arrivals", "\"log\" only for a request log (azure-llm-csv or jsonl-requests: one row per request)",
             "trace '" + d.trace + "', which counts requests per period");
    return nullptr;
  }
  if (in.tile || d.scale != 1) {
    ck_.fail(dp + "/arrivals", "\"log\" for a request log replayed as recorded: not tiled, scale 1",
             in.tile ? "a tiled trace" : fmt::format("scale {:g}", d.scale));
    return nullptr;
  }
  // The replay follows the file's own times: the trace's per-period counts (which the fluid model
  // and every check read) must be those times counted, with no transform having moved them.
  const auto& sim = sc_.simulation;
  const std::vector<double> counted = align_to_window(in.trace, AlignOptions{sim.start, sim.period, sim.periods(), false, 0});
  std::vector<double> replayed(counted.size(), 0.0);
  for (const UtcTime t : in.requests->arrivals) {
    const std::int64_t since = (t - sim.start).count();
    if (since >= 0 && since / sim.period < static_cast<std::int64_t>(replayed.size())) replayed[static_cast<std::size_t>(since / sim.period)] += 1;
  }
  for (std::size_t k = 0; k < counted.size(); ++k)
    if (counted[k] != replayed[k]) {
      ck_.fail(dp + "/arrivals", "\"log\" for a request log whose per-period counts are its requests counted (no transform or resampling)",
               fmt::format("period {} with {:g} requests in the trace and {:g} in the log", k, counted[k], replayed[k]));
      return nullptr;
    }
  auto& shared = replay_logs_[d.trace];
  if (!shared) shared = std::make_shared<const RequestLog>(*in.requests);
  return shared;
}

}  // namespace capsim::io::detail
