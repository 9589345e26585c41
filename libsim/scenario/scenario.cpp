#include "capsim/scenario/scenario.hpp"

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"

namespace capsim {

const PolicySpec& Scenario::policy(std::string_view name) const {
  std::vector<std::string> names;
  for (const auto& p : policies) {
    if (p.name == name) return p;
    names.push_back(p.name);
  }
  std::string hint = did_you_mean(name, names);
  throw Error("unknown policy '" + std::string(name) + "'" + (hint.empty() ? "" : " (" + hint + ")"));
}

}  // namespace capsim
