#pragma once
// Cost-allocation tags and Kubernetes labels as "key" → "value": what a cost line carries and what a
// pod or node is labelled with.
#include <map>
#include <string>

namespace capsim {

using Tags = std::map<std::string, std::string>;

}  // namespace capsim
