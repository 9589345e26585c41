#pragma once
// Scenario variants by JSON pointer (RFC 6901): values set at existing places of a scenario
// document, then the document loaded again, so a variant is checked exactly as a file is. The
// sweep's points and Python's Scenario.patch are such variants.
#include <string>
#include <string_view>
#include <vector>

#include "capsim/scenario/scenario.hpp"

namespace capsim::io {

/// One value to set: where (a JSON pointer such as /services/0/replica/gpus) and what (JSON text).
struct PointerValue {
  std::string pointer;
  std::string value_json;

  friend bool operator==(const PointerValue&, const PointerValue&) = default;
};

/// `/a/b=2 /c="x"`: the values as a sweep point's label in messages and tables.
std::string describe_values(const std::vector<PointerValue>& values);

/// The document with each value replaced at its pointer, in order. Only places that exist can be
/// set (a misspelt pointer must not add a key the loader would then reject far from its cause):
/// throws ScenarioError naming `display_file`, the pointer and the closest pointers that exist, or
/// the value when it is not JSON. The result is not validated (patch_scenario loads it).
std::string patch_document(std::string_view text, const std::vector<PointerValue>& values, const std::string& display_file);

/// The scenario's current document (io::current_document: its seed and replicates) with the values
/// set, loaded again with the same folder and load options. A value the loader refuses gives the
/// loader's message, its file named with `label` ("scenario.json (sweep point 3:
/// /services/0/replica/gpus="two")"). Throws ScenarioError.
Scenario patch_scenario(const Scenario& scenario, const std::vector<PointerValue>& values, const std::string& label = "");

}  // namespace capsim::io
