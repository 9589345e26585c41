#pragma once
// The five hand-worked minutes (tests/data/scenarios/hand.json) as a JSON document a test edits,
// and loading such a document with its relative paths resolved where hand.json lives.
#include <fstream>

#include <nlohmann/json.hpp>

#include "capsim/io/scenario/scenario_loader.hpp"
#include "test_paths.hpp"

namespace capsim::test {

inline nlohmann::json hand_doc() {
  std::ifstream in(data_dir() / "scenarios" / "hand.json");
  return nlohmann::json::parse(in);
}

inline Scenario load_beside_hand(const nlohmann::json& doc) {
  return io::load_scenario_text(doc.dump(), "inline.json", data_dir() / "scenarios");
}

}  // namespace capsim::test
