#pragma once
// A typed-in figure with no source: reported with the results so nobody mistakes it for a fact.
#include <string>

namespace capsim {

struct Assumption {
  std::string pointer;  // into the policy's effective document
  std::string value;    // the figure as written

  friend bool operator==(const Assumption&, const Assumption&) = default;
};

}  // namespace capsim
