#include "capsim/io/scenario/scenario_variants.hpp"

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"

namespace capsim::io {

namespace {

using ojson = nlohmann::ordered_json;  // keeps the document's key order, so its text reads as written

ojson parse_document(const Scenario& sc) {
  if (sc.document.empty()) throw Error("this scenario was not loaded from a document (load_scenario or Scenario.from_dict keep one)");
  return ojson::parse(sc.document.text);
}

Scenario reload(const Scenario& sc, const ojson& doc, const std::string& display_file) {
  return load_scenario_text(doc.dump(2), display_file, sc.document.base_dir, load_options_of(sc));
}

}  // namespace

LoadOptions load_options_of(const Scenario& sc) {
  LoadOptions options;
  options.data_root = sc.document.data_root;
  options.manifests = sc.document.manifests;
  options.manifest_policies = sc.document.manifest_policies;
  return options;
}

std::string current_document(const Scenario& sc) {
  ojson doc = parse_document(sc);
  // The loader refuses a document without a `simulation` object, so one that loaded has it.
  ojson& sim = doc["simulation"];
  if (!sim.contains("seed") || sim["seed"] != sc.simulation.seed) sim["seed"] = sc.simulation.seed;
  if (!sim.contains("replicates") || sim["replicates"] != sc.simulation.replicates) sim["replicates"] = sc.simulation.replicates;
  return doc.dump(2);
}

Scenario with_policy(const Scenario& sc, const PolicyVariant& policy) {
  ojson doc = ojson::parse(current_document(sc));
  const std::string label = sc.document.display_file + " with policy '" + policy.name + "'";
  ojson patch;
  try {
    patch = ojson::parse(policy.patch_json);
  } catch (const ojson::exception& e) {
    throw ScenarioError({Diagnostic{label, "/patch", 0, 0, "a JSON Merge Patch of the choices", e.what(), {}, {}}});
  }
  ojson entry = ojson::object();
  entry["name"] = policy.name;
  if (!policy.description.empty()) entry["description"] = policy.description;
  if (policy.extends) entry["extends"] = *policy.extends;
  entry["patch"] = std::move(patch);
  // A scenario without `policies` runs its base document as one policy, "default": the new policy
  // is added beside it so that it stays.
  if (!doc.contains("policies")) doc["policies"] = ojson::array({ojson{{"name", "default"}}});
  ojson& list = doc["policies"];
  bool replaced = false;
  for (auto& p : list)
    if (p.is_object() && p.contains("name") && p["name"] == policy.name) {
      p = entry;
      replaced = true;
    }
  if (!replaced) list.push_back(std::move(entry));
  try {
    return reload(sc, doc, sc.document.display_file);
  } catch (const ScenarioError& e) {
    // Messages about the document name the variant (it is no longer the file); those about files
    // it names (traces, catalogs) keep theirs.
    std::vector<Diagnostic> diags = e.diagnostics();
    for (auto& d : diags)
      if (d.file == sc.document.display_file) d.file = label;
    throw ScenarioError(std::move(diags));
  }
}

}  // namespace capsim::io
