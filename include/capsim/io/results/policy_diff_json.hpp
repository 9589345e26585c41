#pragma once
// diff.json of `capsim diff`: the PolicyDiff as JSON (NaN as null).
#include <string>

#include "capsim/report/policy_diff.hpp"

namespace capsim::io {

std::string policy_diff_to_json(const PolicyDiff& diff);

}  // namespace capsim::io
