// Karpenter NodeOverlay (karpenter.sh/v1alpha1): requirements, weight, price or priceAdjustment,
// capacity, checked as the CRD's validation and Karpenter's runtime validation check them.
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/io/text_parse.hpp"
#include "io/k8s/decoders.hpp"

namespace capsim::io::k8s {

namespace {

// The CRD bounds (pkg/apis/v1alpha1 NodeOverlaySpec): weight 1..10000, at most 100 requirements.
constexpr std::int64_t kMaxOverlayWeight = 10'000;
constexpr std::size_t kMaxOverlayRequirements = 100;
// A bound on an extended resource's count that only catches typing mistakes.
constexpr std::int64_t kMaxExtendedResource = 1'000'000;

// The CRD's patterns: price "^\d+(\.\d+)?$"; priceAdjustment a signed amount ("+0.5", "-2"), a
// positive percentage ("+10%"), or a negative one of at most 100% ("-15%", "-100%").
const std::regex& price_pattern() {
  static const std::regex re(R"(^\d+(\.\d+)?$)");
  return re;
}
const std::regex& adjustment_pattern() {
  static const std::regex re(R"(^(([+-]\d*\.?\d+)|(\+\d*\.?\d+%)|(-\d{1,2}(\.\d+)?%)|(-100%))$)");
  return re;
}

std::optional<PriceAdjustment> price_of(Checker& ck, const json& spec, const std::string& sp) {
  const bool has_price = spec.contains("price"), has_adjustment = spec.contains("priceAdjustment");
  if (has_price && has_adjustment) {
    ck.fail(sp + "/priceAdjustment", "'price' or 'priceAdjustment', not both (the CRD refuses both)", "both");
    return std::nullopt;
  }
  if (has_price) {
    const json& v = spec["price"];
    if (!v.is_string() || !std::regex_match(v.get<std::string>(), price_pattern())) {
      ck.fail(sp + "/price", "a price as a quoted decimal string such as \"0.85\" (USD/h)", describe(v));
      return std::nullopt;
    }
    const std::string text = v.get<std::string>();
    return PriceAdjustment{PriceAdjustment::Kind::Price, *parse_number(text), text};
  }
  if (has_adjustment) {
    const json& v = spec["priceAdjustment"];
    if (!v.is_string() || !std::regex_match(v.get<std::string>(), adjustment_pattern())) {
      ck.fail(sp + "/priceAdjustment",
              "a signed amount (\"+0.5\", \"-0.25\", USD/h) or a percentage (\"+10%\", or \"-15%\" down to \"-100%\") as a quoted string",
              describe(v));
      return std::nullopt;
    }
    std::string text = v.get<std::string>();
    const bool percent = text.back() == '%';
    const std::string number = percent ? text.substr(0, text.size() - 1) : text;
    // parse_number does not take a leading '+'.
    const double magnitude = *parse_number(number.substr(1));
    return PriceAdjustment{percent ? PriceAdjustment::Kind::Percent : PriceAdjustment::Kind::Amount,
                           number[0] == '-' ? -magnitude : magnitude, text};
  }
  return std::nullopt;
}

std::map<std::string, std::int64_t> capacity_of(Checker& ck, const json& c, const std::string& cp) {
  std::map<std::string, std::int64_t> out;
  if (!c.is_object()) {
    ck.fail(cp, "an object of extended resource → count (\"nvidia.com/gpu\": 4)", describe(c));
    return out;
  }
  for (const auto& [name, v] : c.items()) {
    const std::string rp = ptr_join(cp, name);
    if (name == "cpu" || name == "memory" || name == "ephemeral-storage" || name == "pods") {
      ck.fail(rp, "an extended resource (a NodeOverlay cannot change cpu, memory, ephemeral-storage or pods)", "'" + name + "'");
      continue;
    }
    if (name.rfind("hugepages-", 0) == 0) {
      ck.fail(rp, "an extended resource capsim simulates (it does not simulate hugepages)", "'" + name + "'");
      continue;
    }
    if (name.find('/') == std::string::npos) {
      ck.fail(rp, "an extended resource name with its domain, such as nvidia.com/gpu", "'" + name + "'");
      continue;
    }
    // Extended resources are whole numbers (Kubernetes refuses fractions of them).
    std::optional<std::int64_t> n;
    if (v.is_number_integer()) n = v.get<std::int64_t>();
    else if (v.is_string() && !v.get<std::string>().empty() &&
             v.get<std::string>().find_first_not_of("0123456789") == std::string::npos && v.get<std::string>().size() <= 9)
      n = std::stoll(v.get<std::string>());
    if (!n || *n < 0 || *n > kMaxExtendedResource) {
      ck.fail(rp, fmt::format("a whole number of {} from 0 to {}", name, kMaxExtendedResource), describe(v));
      continue;
    }
    out.emplace(name, *n);
  }
  return out;
}

// What an overlay's requirements may select on: Karpenter matches them against each NodePool's
// instance types with karpenter.sh/nodepool and the NodePool's template labels added
// (NodeOverlaySpec: "well-known labels ... karpenter.sh/nodepool; custom labels from NodePool's
// spec.template.labels"), with Karpenter's operators. A key none of these has is a typo, refused.
RequirementRules overlay_rules(const std::vector<std::string>& template_labels) {
  RequirementRules rules;
  rules.karpenter = true;
  rules.extra_keys.push_back(std::string(label::kNodePool));
  for (const auto& k : template_labels)
    if (k != label::kNodePool) rules.extra_keys.push_back(k);
  rules.extra_keys_note = "karpenter.sh/nodepool or a key of a NodePool's spec.template.metadata.labels";
  return rules;
}

}  // namespace

std::optional<NodeOverlay> node_overlay(Checker& ck, const json& j, const std::string& p, const std::vector<std::string>& template_labels) {
  if (!ck.object(j, p, {"apiVersion", "kind", "metadata", "spec"}, {"metadata", "spec"})) return std::nullopt;
  const std::size_t before = ck.errors();
  // The scenario's cluster.node_overlays may leave out apiVersion and kind; given, they must be these.
  if (j.contains("apiVersion") && j["apiVersion"] != "karpenter.sh/v1alpha1")
    ck.fail(p + "/apiVersion", "\"karpenter.sh/v1alpha1\" (the NodeOverlay API capsim reads)", describe(j["apiVersion"]));
  if (j.contains("kind") && j["kind"] != "NodeOverlay") ck.fail(p + "/kind", "\"NodeOverlay\"", describe(j["kind"]));
  NodeOverlay out;
  if (ck.object(j["metadata"], p + "/metadata", {"name", "labels", "annotations"}, {"name"}))
    out.name = ck.string(j["metadata"], p + "/metadata", "name").value_or("");
  const json& spec = j["spec"];
  const std::string sp = p + "/spec";
  if (!ck.object(spec, sp, {"requirements", "weight", "price", "priceAdjustment", "capacity"})) return std::nullopt;
  if (spec.contains("weight")) out.weight = static_cast<int>(ck.integer(spec, sp, "weight", 1, kMaxOverlayWeight).value_or(0));
  if (auto r = spec.find("requirements"); r != spec.end()) {
    if (r->is_array() && r->size() > kMaxOverlayRequirements)
      ck.fail(sp + "/requirements", fmt::format("at most {} requirements", kMaxOverlayRequirements), fmt::format("{}", r->size()));
    else
      out.requirements = Requirements(requirements(ck, *r, sp + "/requirements", overlay_rules(template_labels)));
  }
  out.price = price_of(ck, spec, sp);
  if (auto c = spec.find("capacity"); c != spec.end()) out.capacity = capacity_of(ck, *c, sp + "/capacity");
  if (ck.errors() != before) return std::nullopt;
  return out;
}

}  // namespace capsim::io::k8s
