#include "capsim/sim/compare.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"

namespace capsim {

namespace {
std::string hint(const std::string& word, const std::vector<std::string>& names) {
  const std::string d = did_you_mean(word, names);
  return d.empty() ? d : " (" + d + ")";
}
}  // namespace

Scenario scenario_to_compare(const Scenario& scenario, const CompareOptions& options) {
  Scenario out = scenario;
  std::vector<std::string> names;
  for (const auto& p : scenario.policies) names.push_back(p.name);
  if (!options.policies.empty()) {
    std::set<std::string> chosen;
    for (const auto& n : options.policies) {
      if (std::find(names.begin(), names.end(), n) == names.end())
        throw Error(fmt::format("policy '{}' is not in scenario '{}'{}; its policies: {}", n, scenario.name, hint(n, names),
                                fmt::join(names, ", ")));
      if (!chosen.insert(n).second) throw Error(fmt::format("policy '{}' is named twice in the policies to compare", n));
    }
    out.policies.clear();
    for (const auto& p : scenario.policies)
      if (chosen.count(p.name)) out.policies.push_back(p);
  }
  if (out.policies.empty()) throw Error(fmt::format("scenario '{}' has no policy to compare", scenario.name));
  if (!options.baseline.empty()) {
    if (std::find(names.begin(), names.end(), options.baseline) == names.end())
      throw Error(fmt::format("the baseline '{}' is not a policy of scenario '{}'{}", options.baseline, scenario.name,
                              hint(options.baseline, names)));
    out.baseline = options.baseline;
  }
  if (std::none_of(out.policies.begin(), out.policies.end(), [&](const PolicySpec& p) { return p.name == out.baseline; }))
    throw Error(fmt::format("the baseline '{}' is not among the policies to compare ({}); add it, or choose another baseline", out.baseline,
                            fmt::join(options.policies, ", ")));
  if (options.replicates < 0) throw Error(fmt::format("replicates must be at least 1, not {}", options.replicates));
  if (options.replicates > 0) out.simulation.replicates = options.replicates;
  return out;
}

CompareResult compare_scenario(const Scenario& scenario, const CompareOptions& options) {
  const Scenario chosen = scenario_to_compare(scenario, options);
  CompareResult out;
  out.run = run_scenario(chosen, options.run);
  out.comparison = compare_policies(out.run);
  return out;
}

}  // namespace capsim
