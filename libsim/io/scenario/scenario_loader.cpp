#include "capsim/io/scenario/scenario_loader.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/json/json_checker.hpp"
#include "io/scenario/policy_patch.hpp"
#include "io/scenario/scenario_loader_impl.hpp"
#include "io/text_file.hpp"
#include "capsim/catalog/labels.hpp"
#include "capsim/cluster/pod_fit.hpp"

namespace capsim::io::detail {

std::vector<std::string> split_pointer(const std::string& ptr) {
  std::vector<std::string> out;
  if (ptr.empty()) return out;
  std::size_t i = 1;
  while (true) {
    std::size_t j = ptr.find('/', i);
    std::string tok = ptr.substr(i, j == std::string::npos ? std::string::npos : j - i);
    std::string un;
    for (std::size_t k = 0; k < tok.size(); ++k) {
      if (tok[k] == '~' && k + 1 < tok.size()) {
        un += tok[k + 1] == '1' ? '/' : '~';
        ++k;
      } else {
        un += tok[k];
      }
    }
    out.push_back(un);
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

/// The value at `ptr`, or null when there is none (no exceptions: pointers come from users).
const json* find_pointer(const json& doc, const std::string& ptr) {
  const json* node = &doc;
  for (const auto& tok : split_pointer(ptr)) {
    if (node->is_object()) {
      auto it = node->find(tok);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      // An index no array can reach (more digits than any size) points nowhere, like one past the end.
      if (tok.empty() || tok.size() > 9 || !std::all_of(tok.begin(), tok.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return nullptr;
      const std::size_t i = std::stoul(tok);
      if (i >= node->size()) return nullptr;
      node = &(*node)[i];
    } else {
      return nullptr;
    }
  }
  return node;
}

// A demand's "arrivals" as written (already checked to be one of the three).
ArrivalModel arrival_model(const std::string& s) {
  return s == "expected" ? ArrivalModel::Expected : s == "log" ? ArrivalModel::Log : ArrivalModel::Poisson;
}

bool covers(const std::string& source_ptr, const std::string& ptr) {
  return ptr == source_ptr || (ptr.size() > source_ptr.size() && ptr.compare(0, source_ptr.size(), source_ptr) == 0 &&
                               ptr[source_ptr.size()] == '/');
}

// Deeper than any scenario needs (a NodePool inside a policy's patch sits about 12 levels down);
// the checks that walk the document recurse, so a deeper one is refused before they run.
constexpr std::size_t kMaxJsonDepth = 64;

/// Finds duplicate keys, which nlohmann/json would silently collapse to the last one, and
/// returns false (with a diagnostic) for a document nested deeper than kMaxJsonDepth.
bool check_structure(const std::string& text, const std::string& file, std::vector<Diagnostic>& out) {
  struct TooDeep {};
  struct Frame {
    bool is_object;
    std::set<std::string> keys;
    std::string key;
    std::size_t index = 0;
  };
  std::vector<Frame> stack;
  auto path = [&](std::size_t upto) {
    std::string p;
    for (std::size_t i = 0; i < upto; ++i)
      p = stack[i].is_object ? ptr_join(p, stack[i].key) : ptr_join(p, stack[i].index - 1);
    return p;
  };
  auto enter_value = [&] {
    if (!stack.empty() && !stack.back().is_object) ++stack.back().index;
  };
  auto check_depth = [&] {
    if (stack.size() <= kMaxJsonDepth) return;
    Diagnostic d;
    d.file = file;
    d.pointer = path(stack.size() - 1);
    d.expected = fmt::format("objects and arrays nested at most {} deep", kMaxJsonDepth);
    d.got = "deeper nesting";
    out.push_back(d);
    throw TooDeep{};
  };
  json::parser_callback_t cb = [&](int, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start:
        enter_value();
        stack.push_back({true, {}, {}, 0});
        check_depth();
        break;
      case json::parse_event_t::array_start:
        enter_value();
        stack.push_back({false, {}, {}, 0});
        check_depth();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack.pop_back();
        break;
      case json::parse_event_t::key: {
        std::string k = parsed.get<std::string>();
        if (!stack.back().keys.insert(k).second) {
          Diagnostic d;
          d.file = file;
          d.pointer = ptr_join(path(stack.size() - 1), k);
          d.expected = "each key once per object";
          d.got = "'" + k + "' again";
          out.push_back(d);
        }
        stack.back().key = k;
        break;
      }
      case json::parse_event_t::value:
        enter_value();
        break;
    }
    return true;
  };
  try {
    json discarded = json::parse(text, cb);
    (void)discarded;
  } catch (const json::exception&) {
    // Syntax errors are reported by the main parse.
  } catch (const TooDeep&) {
    return false;
  }
  return true;
}

bool check_json_structure(const std::string& text, const std::string& file, std::vector<Diagnostic>& out) {
  return check_structure(text, file, out);
}

Scenario Loader::load(std::string_view text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann reports a byte offset; users want line:column.
    Diagnostic d;
    d.file = file_;
    std::tie(d.line, d.column) = detail::line_column(text, e.byte);
    d.expected = "valid JSON";
    d.got = detail::json_syntax_error(e.what());
    throw ScenarioError({d});
  } catch (const json::exception& e) {  // a number too large for any type: no position is given
    throw ScenarioError({Diagnostic{file_, "", 0, 0, "valid JSON", detail::json_syntax_error(e.what()), {}, {}}});
  }
  if (!check_structure(std::string(text), file_, diags_)) throw ScenarioError(diags_);
  // Each section is read only if present, so a missing one does not stop the others being checked.
  ck_.object(root, "", kTopKeys, {"capsim", "name", "simulation", "traces", "services", "cluster"});
  if (!root.is_object()) throw ScenarioError(diags_);
  if (auto v = root.find("capsim"); v != root.end() && !(v->is_number_integer() && v->get<int>() == 1))
    ck_.fail("/capsim", "format version 1", describe(*v));
  sc_.name = ck_.string(root, "", "name").value_or("");
  sc_.description = ck_.string(root, "", "description", false).value_or("");
  parse_simulation(root);
  parse_traces(root);
  parse_catalog(root);
  parse_savings_plan_rates(root);
  parse_market(root);
  parse_uncertainty(root);
  parse_budgets(root);
  parse_spend_reports(root);
  sc_.sources = ck_.string_map(root, "", "sources");
  parse_compare(root);
  json base = root;
  base.erase("policies");
  for (const auto& [ptr, text_] : sc_.sources) {
    if (ptr.empty() || ptr[0] != '/' || !find_pointer(base, ptr))
      ck_.fail(ptr_join("/sources", ptr), "a JSON pointer to a figure in this file (such as /services/0/throughput_rps/g5.xlarge)",
               "\"" + ptr + "\", which points nowhere");
    if (text_.empty()) ck_.fail(ptr_join("/sources", ptr), "a non-empty description of the source", "\"\"");
  }

  auto policies = parse_policies(root);
  if (!options_.manifest_policies.empty()) {
    if (!policies.empty())
      sc_.warnings.push_back(fmt::format("the scenario's {} polic{} not run: each policy compared here is the scenario's base choices "
                                         "with one set of manifests",
                                         policies.size(), policies.size() == 1 ? "y is" : "ies are"));
    policies.clear();
    for (std::size_t i = 0; i < options_.manifest_policies.size(); ++i) {
      const auto& mp = options_.manifest_policies[i];
      PolicyEntry e;
      e.name = mp.name;
      e.index = i;
      std::vector<std::string> shown;
      for (const auto& m : mp.manifests) {
        e.manifests.push_back({m, m.string()});
        shown.push_back(m.string());
      }
      e.description = fmt::format("the manifests in {}", fmt::join(shown, ", "));
      policies.push_back(std::move(e));
    }
  }
  if (policies.empty()) {
    json doc = base;
    k8s::ManifestOverlay overlay;
    ck_.locate = [](const std::string& ptr) { return ptr; };
    apply_policy_manifests({}, doc, overlay);
    apply_change_manifests(doc, overlay);
    const std::size_t first = diags_.size();
    PolicySpec p = parse_choices(doc, "default", "");
    place_in_manifests(first, overlay);
    // These scans read the raw document, so they run only on one with no error anywhere.
    if (ck_.errors() == 0) p.assumptions = assumptions(base, doc, {});
    ck_.locate = [](const std::string& ptr) { return ptr; };
    add_derived_figures(p);
    sc_.policies.push_back(std::move(p));
  }
  for (const auto& pe : policies) {
    auto chain = chain_of(policies, pe, true);
    if (chain.empty()) continue;  // cycle or unknown parent: already reported
    json doc = base;
    // A parent's patch is checked when its own policy is loaded; here only this policy's.
    for (const PolicyEntry* c : chain)
      apply_policy_patch(doc, c->patch, c == chain.back() ? &ck_ : nullptr, fmt::format("/policies/{}/patch", c->index));
    // Errors in a policy's document are reported where the offending value is written: in the
    // manifest that wrote it (placed after parsing), in the latest patch of the chain that wrote it,
    // else in the base document.
    k8s::ManifestOverlay overlay;
    ck_.locate = [chain, &doc, &overlay](const std::string& ptr) -> std::string {
      if (ptr.empty()) return ptr;
      Diagnostic probe;
      probe.pointer = ptr;
      if (overlay.place(probe)) return ptr;
      for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        if (auto at = written_by_patch((*it)->patch, doc, ptr)) return fmt::format("/policies/{}/patch{}", (*it)->index, *at);
      return ptr;
    };
    apply_policy_manifests(chain, doc, overlay);
    apply_change_manifests(doc, overlay);
    const std::size_t first = diags_.size();
    PolicySpec p = parse_choices(doc, pe.name, pe.description);
    place_in_manifests(first, overlay);
    p.extends = pe.extends.value_or("");
    // The checks across policies read the raw documents, so they run only while no error has been
    // found anywhere (the load fails anyway, with the errors that matter).
    const bool valid = ck_.errors() == 0;
    if (valid) {
      check_demand_is_the_world(base, p);
      check_objectives_are_the_world(base, doc, p.name);
      check_batch_is_the_world(base, doc, p.name);
      warn_throughput_without_hpa(base, p);
    }
    ck_.locate = [](const std::string& p) { return p; };
    if (valid) p.assumptions = assumptions(base, doc, chain);
    add_derived_figures(p);
    sc_.policies.push_back(std::move(p));
  }

  // A recorded External metric (a trace) is the world as it was: the uncertainty section's demand
  // draws do not move it, so an HPA reading it scales to the recorded traffic, not the drawn one.
  if (sc_.uncertainty.any_demand())
    for (const auto& p : sc_.policies)
      for (const auto& entry : p.cluster.hpa)
        for (const auto& m : entry.second.metrics)
          if (m.source == HpaMetric::Source::External && !m.service_queue) {
            const std::string note = fmt::format(
                "service '{}': its HPA's External metric '{}' is a recorded trace, which the uncertainty section's demand draws "
                "(demand_scale, demand_monthly_factor, daily_peak_shift_s) do not move: the HPA follows the recorded traffic",
                entry.first, m.name);
            if (std::find(sc_.warnings.begin(), sc_.warnings.end(), note) == sc_.warnings.end()) sc_.warnings.push_back(note);
          }
  if (!options_.manifest_policies.empty()) {
    sc_.baseline = options_.manifest_policies.front().name;
  } else if (auto b = ck_.string(root, "", "baseline")) {
    std::vector<std::string> names;
    for (const auto& p : policies) names.push_back(p.name);
    if (policies.empty()) names.push_back("default");
    if (std::find(names.begin(), names.end(), *b) == names.end())
      ck_.fail("/baseline", "the name of a policy in this file", "\"" + *b + "\"", did_you_mean(*b, names));
    else
      sc_.baseline = *b;
  }
  if (sc_.baseline.empty() && !sc_.policies.empty()) sc_.baseline = sc_.policies.front().name;

  if (!diags_.empty()) {
    // A problem in the base document shows up once per policy; report it once.
    std::vector<Diagnostic> unique;
    std::set<std::string> seen;
    for (auto& d : diags_)
      if (seen.insert(d.to_string()).second) unique.push_back(std::move(d));
    throw ScenarioError(std::move(unique));
  }
  return std::move(sc_);
}

std::shared_ptr<const k8s::Manifests> Loader::read_manifests(const std::vector<InputFile>& inputs) {
  std::string key;
  for (const auto& in : inputs) key += in.path.string() + '\n';
  auto cached = manifests_.find(key);
  if (cached == manifests_.end()) {
    // Problems with the files are reported once, when they are first read.
    const auto files = k8s::manifest_files(inputs, diags_);
    cached = manifests_.emplace(key, std::make_shared<const k8s::Manifests>(k8s::read_manifest_files(files, diags_))).first;
  }
  return cached->second;
}

void Loader::apply_policy_manifests(const std::vector<const PolicyEntry*>& chain, json& doc, k8s::ManifestOverlay& overlay) {
  std::vector<InputFile> inputs;
  for (auto it = chain.rbegin(); it != chain.rend() && inputs.empty(); ++it) inputs = (*it)->manifests;
  if (inputs.empty())
    for (const auto& m : options_.manifests) inputs.push_back({m, m.string()});
  if (inputs.empty()) return;
  std::vector<Diagnostic> problems;
  overlay = k8s::apply_manifests(doc, read_manifests(inputs), declared_traces_, ck_, problems);
  for (auto& d : problems) diags_.push_back(std::move(d));
  // The notes reach the results (the kinds skipped name their files): a manifest given by an
  // absolute path, or found from a scenario named by one, is named there from the scenario's folder,
  // so results hold no absolute path. Messages keep the names as given.
  std::vector<std::pair<std::string, std::string>> shown;
  for (const auto& in : inputs)
    if (std::filesystem::path(in.display).is_absolute()) {
      std::error_code ec;
      const std::filesystem::path base = std::filesystem::absolute(base_dir_, ec).lexically_normal();
      shown.emplace_back(in.display, std::filesystem::path(in.display).lexically_normal().lexically_proximate(base).string());
    }
  for (std::string note : overlay.notes) {
    for (const auto& [absolute, relative] : shown)
      for (auto at = note.find(absolute); at != std::string::npos; at = note.find(absolute, at + relative.size()))
        note.replace(at, absolute.size(), relative);
    if (std::find(sc_.warnings.begin(), sc_.warnings.end(), note) == sc_.warnings.end()) sc_.warnings.push_back(note);
  }
}

void Loader::place_in_manifests(std::size_t first, const k8s::ManifestOverlay& overlay) {
  for (std::size_t i = first; i < diags_.size(); ++i)
    if (diags_[i].file == file_)
      if (auto placed = overlay.place(diags_[i])) diags_[i] = std::move(*placed);
}

void Loader::parse_compare(const json& root) {
  auto it = root.find("compare");
  if (it == root.end()) return;
  if (!ck_.object(*it, "/compare", {"risk_tolerance"}, {})) return;
  if (auto t = ck_.number(*it, "/compare", "risk_tolerance", Bound::NonNegative)) {
    if (*t >= 1)
      ck_.fail("/compare/risk_tolerance", "a share of replicates below 1, such as 0.05 (5%)",
               fmt::format("{:g}{}", *t, *t >= 1.5 ? ": a percentage? write 0.05 for 5%" : ", which accepts any policy"));
    else
      sc_.compare = {*t, true};
  }
}

void Loader::parse_simulation(const json& root) {
  auto it = root.find("simulation");
  if (it == root.end()) return;
  const std::string p = "/simulation";
  if (!ck_.object(*it, p, {"start", "duration", "period_s", "seed", "replicates"}, {"start", "duration"})) return;
  const std::size_t before = ck_.errors();
  auto& sim = sc_.simulation;
  if (auto s = ck_.string(*it, p, "start")) {
    if (auto t = parse_iso8601(*s)) sim.start = *t;
    else ck_.fail(p + "/start", "an ISO 8601 time with a zone from 1970 to 2199, such as \"2024-05-10T00:00:00Z\"", describe((*it)["start"]));
  }
  if (auto d = ck_.duration(*it, p, "duration")) sim.duration = *d;
  if (auto v = ck_.seconds(*it, p, "period_s", kMicrosPerSecond)) sim.period = *v;
  if (auto v = ck_.integer(*it, p, "seed", 0)) sim.seed = static_cast<std::uint64_t>(*v);
  if (auto v = ck_.integer(*it, p, "replicates", 1, kMaxReplicates)) sim.replicates = static_cast<int>(*v);
  if (ck_.errors() == before && sim.period > 0 && sim.duration % sim.period != 0)
    ck_.fail(p + "/duration", fmt::format("a whole number of periods of {} s", to_seconds(sim.period)),
             fmt::format("{} s", to_seconds(sim.duration)));
  if (ck_.errors() == before && sim.period > 0 && sim.duration / sim.period > kMaxPeriodsPerRun)
    ck_.fail(p + "/duration", fmt::format("at most {} periods of {:g} s", kMaxPeriodsPerRun, to_seconds(sim.period)),
             fmt::format("{} periods; use a longer period_s or a shorter duration", sim.duration / sim.period));
  simulation_ok_ = ck_.errors() == before && it->contains("start") && it->contains("duration");
}

std::vector<PolicyEntry> Loader::parse_policies(const json& root) {
  std::vector<PolicyEntry> out;
  auto it = root.find("policies");
  if (it == root.end()) return out;
  if (!it->is_array()) {
    ck_.fail("/policies", "an array of policies", describe(*it));
    return out;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& pj = (*it)[i];
    const std::string p = ptr_join("/policies", i);
    if (!ck_.object(pj, p, {"name", "description", "extends", "patch", "sources", "manifests"}, {"name"})) continue;
    PolicyEntry e;
    e.index = i;
    e.name = ck_.string(pj, p, "name").value_or("");
    if (e.name.empty()) continue;
    if (!names.insert(e.name).second) ck_.fail(p + "/name", "a policy name used once", "\"" + e.name + "\" again");
    e.description = ck_.string(pj, p, "description", false).value_or("");
    e.extends = ck_.string(pj, p, "extends");
    e.sources = ck_.string_map(pj, p, "sources");
    if (auto m = pj.find("manifests"); m != pj.end()) {
      // A folder or a file, or a list of them, relative to the scenario file.
      const json list = m->is_string() ? json::array({*m}) : *m;
      if (!list.is_array() || list.empty()) ck_.fail(p + "/manifests", "a folder or file of Kubernetes manifests, or a non-empty list of them", describe(*m));
      else
        for (std::size_t k = 0; k < list.size(); ++k) {
          const std::string mp = m->is_string() ? p + "/manifests" : ptr_join(p + "/manifests", k);
          if (!list[k].is_string() || list[k].get<std::string>().empty()) ck_.fail(mp, "the path of a folder or file of manifests", describe(list[k]));
          else if (auto in = input_file(list[k].get<std::string>(), mp)) e.manifests.push_back(std::move(*in));
        }
    }
    if (auto patch = pj.find("patch"); patch != pj.end()) {
      if (!patch->is_object()) {
        ck_.fail(p + "/patch", "an object (a JSON Merge Patch of the choices)", describe(*patch));
      } else {
        for (const auto& [key, v] : patch->items()) {
          if (std::find(kPatchable.begin(), kPatchable.end(), key) != kPatchable.end()) continue;
          bool world = key == "simulation" || key == "traces" || key == "catalog" || key == "market" || key == "compare" || key == "uncertainty" ||
                       key == "budgets" || key == "forecast" || key == "anomaly_detection";
          ck_.fail(ptr_join(p + "/patch", key), "a patch of the choices only (services, cluster, batch, commitments)",
                   world ? "a change to the world section '" + key + "', which every policy must share"
                         : "a change to '" + key + "'",
                   world ? "" : did_you_mean(key, kPatchable));
        }
        // Keys already reported are left out so the choices still get checked.
        e.patch = *patch;
        for (auto k = e.patch.begin(); k != e.patch.end();) {
          if (std::find(kPatchable.begin(), kPatchable.end(), k.key()) == kPatchable.end()) k = e.patch.erase(k);
          else ++k;
        }
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<const PolicyEntry*> Loader::chain_of(const std::vector<PolicyEntry>& all, const PolicyEntry& p, bool report) {
  std::vector<const PolicyEntry*> chain{&p};
  std::vector<std::string> names;
  for (const auto& q : all) names.push_back(q.name);
  const PolicyEntry* cur = &p;
  while (cur->extends) {
    auto parent = std::find_if(all.begin(), all.end(), [&](const PolicyEntry& q) { return q.name == *cur->extends; });
    const std::string ptr = fmt::format("/policies/{}/extends", cur->index);
    if (parent == all.end()) {
      if (report) ck_.fail(ptr, "the name of another policy", "\"" + *cur->extends + "\"", did_you_mean(*cur->extends, names));
      return {};
    }
    if (std::find(chain.begin(), chain.end(), &*parent) != chain.end()) {
      std::string cycle;
      for (auto c = chain.rbegin(); c != chain.rend(); ++c) cycle = (*c)->name + (cycle.empty() ? "" : " -> ") + cycle;
      std::string path;
      for (const PolicyEntry* c : chain) path += c->name + " -> ";
      if (report) ck_.fail(ptr, "a chain of 'extends' that ends", "a cycle: " + path + parent->name);
      return {};
    }
    chain.push_back(&*parent);
    cur = &*parent;
  }
  std::reverse(chain.begin(), chain.end());  // parents first
  return chain;
}

PolicySpec Loader::parse_choices(const json& doc, const std::string& name, const std::string& description) {
  PolicySpec out;
  out.name = name;
  out.description = description;
  if (auto s = doc.find("services"); s != doc.end()) {
    if (!s->is_array() || s->empty()) {
      ck_.fail("/services", "a non-empty array of services", describe(*s));
    } else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < s->size(); ++i) {
        ServiceSpec svc = parse_service((*s)[i], ptr_join("/services", i));
        if (!svc.name.empty() && !names.insert(svc.name).second)
          ck_.fail(ptr_join(ptr_join("/services", i), "name"), "a service name used once", "\"" + svc.name + "\" again");
        out.services.push_back(std::move(svc));
      }
    }
  }
  if (auto c = doc.find("cluster"); c != doc.end()) out.cluster = parse_cluster(*c, "/cluster");
  out.batch = parse_batch(doc);
  out.commitments = parse_commitments(doc);
  for (const SavingsPlan& sp : out.commitments.savings_plans)
    if (sp.payment == PaymentOption::PartialUpfront) {
      sc_.warnings.push_back(fmt::format("policy {}: a partial-upfront Savings Plan's upfront part is taken as half its commitment (AWS: "
                                         "at least half); only billed_usd depends on it, not the effective cost",
                                         name));
      break;
    }
  // Cross checks between services and the cluster.
  std::vector<std::string> service_names;
  for (const auto& s : out.services) service_names.push_back(s.name);
  parse_shared_disruption_budgets(doc, out);
  for (const auto& entry : out.cluster.keda) {
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    const std::string& name = entry.first;
    const ScaledObjectSpec& so = entry.second;
    auto svc = std::find_if(out.services.begin(), out.services.end(), [&](const ServiceSpec& s) { return s.name == name; });
    if (svc == out.services.end()) {
      ck_.fail(ptr_join("/cluster/keda", name), "the name of a service", "\"" + name + "\"", did_you_mean(name, service_names));
      continue;
    }
    for (std::size_t k = 0; k < so.triggers.size(); ++k)
      if (so.triggers[k].metric.service_queue && svc->model != ServiceModelKind::Request)
        ck_.fail(ptr_join(ptr_join(ptr_join("/cluster/keda", name), "triggers"), k),
                 fmt::format("\"model\": \"request\" on service '{}' for a trigger on its queue", name), "the fluid model, which follows no request");
  }
  for (auto& entry : out.cluster.hpa) {
    const std::string& name = entry.first;
    auto& hpa = entry.second;
    auto svc = std::find_if(out.services.begin(), out.services.end(), [&](const ServiceSpec& s) { return s.name == name; });
    if (svc == out.services.end()) {
      ck_.fail(ptr_join("/cluster/hpa", name), "the name of a service", "\"" + name + "\"", did_you_mean(name, service_names));
      continue;
    }
    // Queue metrics come from the request-level model only; the KV cache from an LLM service.
    for (std::size_t k = 0; k < hpa.metrics.size(); ++k) {
      const std::string mp = ptr_join(ptr_join(ptr_join("/cluster/hpa", name), "metrics"), k);
      if (hpa.metrics[k].service_queue && svc->model != ServiceModelKind::Request)
        ck_.fail(mp, fmt::format("\"model\": \"request\" on service '{}' for a metric of its queue ({})", name, hpa.metrics[k].name),
                 "the fluid model, which follows no request");
      else if (hpa.metrics[k].name == "kv_cache_usage" && !svc->request.llm)
        ck_.fail(mp, fmt::format("request.llm on service '{}' for kv_cache_usage (an LLM engine's KV cache)", name), "a service without it");
    }
    // Resource metrics read the replica's use by load against its request.
    for (std::size_t k = 0; k < hpa.metrics.size(); ++k) {
      HpaMetric& m = hpa.metrics[k];
      if (m.source != HpaMetric::Source::Resource) continue;
      const bool cpu = m.name == "cpu";
      const auto idle = cpu ? svc->use_by_load.idle_cpu_millicores : svc->use_by_load.idle_memory_mib;
      const auto busy = cpu ? svc->use_by_load.busy_cpu_millicores : svc->use_by_load.busy_memory_mib;
      const std::string mp = ptr_join(ptr_join(ptr_join("/cluster/hpa", name), "metrics"), k);
      if (!idle || !busy)
        ck_.fail(mp, fmt::format("replica.usage_by_load.idle.{0} and busy.{0} of service '{1}', which say how its {0} use follows its "
                                 "load",
                                 m.name, name),
                 "a Resource metric on a service without them");
      const double request = static_cast<double>(cpu ? svc->replica_cpu_millicores : svc->replica_memory_mib);
      if (m.target_type == HpaMetric::Target::Utilization && request <= 0)
        ck_.fail(mp, fmt::format("a {} request on service '{}' (Utilization is a percentage of it)", m.name, name),
                 "a service without one (the controller reports 'missing request')");
      m.request = request;
      m.use = {static_cast<double>(idle.value_or(0)), static_cast<double>(busy.value_or(0))};
    }
    // A requests/s target no replica can reach keeps the HPA from ever scaling out in time: each
    // replica would have to serve more than its type allows before a new one is asked for.
    double fastest = 0;
    for (const auto& [_, rps] : svc->throughput_rps) fastest = std::max(fastest, rps);
    for (const HpaMetric& m : hpa.metrics)
      if (m.source == HpaMetric::Source::Pods && m.name == "requests_per_second" && fastest > 0 && m.target > fastest) {
        const std::string note = fmt::format("policy '{}': the HPA of service '{}' targets {:g} requests/s per replica, more than a replica "
                                             "serves on any of its types ({:g} at most): it scales out only once replicas are already "
                                             "overloaded",
                                             out.name, name, m.target, fastest);
        if (std::find(sc_.warnings.begin(), sc_.warnings.end(), note) == sc_.warnings.end()) sc_.warnings.push_back(note);
      }
  }
  for (std::size_t i = 0; i < out.cluster.schedules.size(); ++i) {
    const ScheduleSpec& sc = out.cluster.schedules[i];
    if (!sc.node_group.empty()) {
      std::vector<std::string> names;
      for (const auto& g : out.cluster.node_groups) names.push_back(g.name);
      if (std::find(names.begin(), names.end(), sc.node_group) == names.end())
        ck_.fail(ptr_join(ptr_join("/cluster/schedules", i), "node_group"), "the name of a node group", "\"" + sc.node_group + "\"",
                 did_you_mean(sc.node_group, names));
    } else if (!out.cluster.hpa.count(sc.hpa)) {
      std::vector<std::string> with_hpa;
      for (const auto& [n, _] : out.cluster.hpa) with_hpa.push_back(n);
      ck_.fail(ptr_join(ptr_join("/cluster/schedules", i), "hpa"), "a service with an HPA under /cluster/hpa", "\"" + sc.hpa + "\"",
               did_you_mean(sc.hpa, with_hpa));
    }
  }
  // A target-tracked group serves one service, which then has no HPA and whose replica count follows
  // the group.
  std::set<std::string> tracked;
  for (std::size_t g = 0; g < out.cluster.node_groups.size(); ++g) {
    const auto& group = out.cluster.node_groups[g];
    if (!group.target_tracking) continue;
    const std::string tp = ptr_join(ptr_join("/cluster/node_groups", g), "target_tracking");
    const std::string& name = group.target_tracking->service;
    auto svc = std::find_if(out.services.begin(), out.services.end(), [&](const ServiceSpec& s) { return s.name == name; });
    if (svc == out.services.end()) {
      ck_.fail(tp + "/service", "the name of a service", "\"" + name + "\"", did_you_mean(name, service_names));
      continue;
    }
    const std::string sp = ptr_join("/services", static_cast<std::size_t>(svc - out.services.begin()));
    if (!tracked.insert(name).second) ck_.fail(tp + "/service", "a service no other target-tracked group serves", "\"" + name + "\" again");
    if (out.cluster.hpa.count(name))
      ck_.fail(tp + "/service", "a service without an HPA (its replicas follow the group)", "\"" + name + "\", which has one");
    if (svc->replicas != 0)
      ck_.fail(sp + "/replicas", "0: the replicas of a service on a target-tracked group follow its instances (one per " +
                                     std::to_string(svc->replica_gpus) + " " + std::string(to_string(svc->replica_device)) + " of each)",
               std::to_string(svc->replicas));
    for (const auto& t : group.instance_types)
      if (!svc->throughput_rps.count(t))
        ck_.fail(sp + "/throughput_rps", "a throughput for '" + t + "', the type of target-tracked group '" + group.name + "'",
                 "none");
  }
  // Every service must fit some instance type the policy can launch: its node groups' types (the
  // Cluster Autoscaler's template type for a group it scales) and every type a NodePool allows, among
  // the types the service has a throughput for. Else its pods stay pending for the whole run.
  check_services_can_run(out, name);
  warn_node_overlays(out, name);
  // Nodes that start cold, or spot nodes whose replacements do, need the start-up latencies.
  const NodeGroupSpec* cold = nullptr;
  for (const auto& g : out.cluster.node_groups)
    if (!cold && (g.initial_state == InitialState::Launching || g.capacity_type == CapacityType::Spot ||
                  (out.cluster.provisioner == ProvisionerKind::ClusterAutoscaler && g.max_size > g.count) ||
                  (g.target_tracking && g.max_size > g.count)))
      cold = &g;
  std::string why = cold ? fmt::format("node group '{}' {}", cold->name,
                                       cold->capacity_type == CapacityType::Spot ? "is spot (replacements launch cold)"
                                       : cold->initial_state == InitialState::Launching ? "starts \"launching\""
                                                                                          : "can grow (new nodes launch cold)")
                         : "";
  if (why.empty() && out.cluster.provisioner == ProvisionerKind::Karpenter) why = "provisioner karpenter launches every node cold";
  if (why.empty() && (!out.cluster.hpa.empty() || !out.cluster.keda.empty()))
    for (std::size_t i = 0; i < out.services.size(); ++i)
      if ((out.cluster.hpa.count(out.services[i].name) || out.cluster.keda.count(out.services[i].name)) &&
          !out.services[i].has_startup_latency())
        ck_.fail(ptr_join(ptr_join("/services", i), "replica"),
                 out.cluster.keda.count(out.services[i].name) ? "the key 'startup_s', since KEDA starts new replicas"
                                                              : "the key 'startup_s', since an HPA starts new replicas",
                 "an object without it");
  if (!why.empty() && !out.cluster.has_node_latency())
    ck_.fail("/cluster", "the key 'node_ready_s' (launch → Ready latency), since " + why, "an object without it");
  if (!why.empty())
    for (std::size_t i = 0; i < out.services.size(); ++i)
      if (!out.services[i].has_startup_latency())
        ck_.fail(ptr_join(ptr_join("/services", i), "replica"), "the key 'startup_s' (pod start → ready latency), since " + why,
                 "an object without it");
  return out;
}

std::optional<PodDisruptionBudget> Loader::parse_disruption_budget(const json& j, const std::string& p,
                                                                   const std::vector<std::string>& other_keys) {
  // A PodDisruptionBudget over the service's pods: policy/v1's fields in capsim's spelling.
  std::vector<std::string> keys = other_keys;
  keys.insert(keys.end(), {"max_unavailable", "min_available", "unhealthy_pod_eviction_policy"});
  if (!ck_.object(j, p, keys, other_keys)) return std::nullopt;
  const bool max = j.contains("max_unavailable"), min = j.contains("min_available");
  if (max == min) {
    ck_.fail(p, "exactly one of max_unavailable and min_available (a PodDisruptionBudget has one)", max ? "both" : "neither");
    return std::nullopt;
  }
  PodDisruptionBudget out;
  out.kind = max ? PodDisruptionBudget::Kind::MaxUnavailable : PodDisruptionBudget::Kind::MinAvailable;
  const char* key = max ? "max_unavailable" : "min_available";
  const json& v = j[key];
  const std::string vp = ptr_join(p, key);
  const std::string expected = "a count of pods (an integer, 0 or more) or a whole percentage of them such as \"25%\"";
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= kMaxReplicas) {
    out.count = static_cast<int>(v.get<std::int64_t>());
  } else if (v.is_string()) {
    const std::string text = v.get<std::string>();
    const auto n = text.size() > 1 && text.back() == '%' ? parse_number(text.substr(0, text.size() - 1)) : std::nullopt;
    if (!n || *n < 0 || *n > 100 || *n != static_cast<double>(static_cast<int>(*n))) {
      ck_.fail(vp, expected, describe(v));
      return std::nullopt;
    }
    out.percent = *n;
  } else {
    ck_.fail(vp, expected, describe(v));
    return std::nullopt;
  }
  out.always_allow_unhealthy =
      ck_.one_of(j, p, "unhealthy_pod_eviction_policy", {"IfHealthyBudget", "AlwaysAllow"}).value_or("IfHealthyBudget") == "AlwaysAllow";
  return out;
}

void Loader::parse_shared_disruption_budgets(const json& doc, PolicySpec& out) {
  // One PodDisruptionBudget whose selector matches the pods of several workloads: Kubernetes counts
  // them all under the one budget (expected pods = the sum of their scales), so an eviction of any of
  // them draws on the same allowance. A pod under two budgets cannot be evicted at all (the Eviction
  // API answers 500 "This pod has more than one PodDisruptionBudget"), so a service gets one budget.
  auto c = doc.find("cluster");
  if (c == doc.end() || !c->is_object()) return;
  auto list = c->find("pod_disruption_budgets");
  if (list == c->end()) return;
  const std::string lp = "/cluster/pod_disruption_budgets";
  if (!list->is_array()) {
    ck_.fail(lp, "an array of PodDisruptionBudgets shared by services", describe(*list));
    return;
  }
  std::vector<std::string> service_names;
  for (const auto& s : out.services) service_names.push_back(s.name);
  std::map<std::string, std::string> budget_of;  // service → the shared budget that took it
  std::set<std::string> budget_names;
  for (std::size_t k = 0; k < list->size(); ++k) {
    const json& j = (*list)[k];
    const std::string p = ptr_join(lp, k);
    auto budget = parse_disruption_budget(j, p, {"name", "services"});
    if (!j.is_object()) continue;
    const auto name = ck_.string(j, p, "name");
    if (name && !budget_names.insert(*name).second)
      ck_.fail(p + "/name", "a budget name used once", "\"" + *name + "\" again");
    const json& names = j.contains("services") ? j["services"] : json();
    const std::string sp = p + "/services";
    if (!names.is_array() || names.empty()) {
      if (j.contains("services")) ck_.fail(sp, "a non-empty array of the names of the services whose pods the budget counts", describe(names));
      continue;
    }
    std::string namespace_name;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string ip = ptr_join(sp, i);
      if (!names[i].is_string()) {
        ck_.fail(ip, "the name of a service", describe(names[i]));
        continue;
      }
      const std::string svc_name = names[i].get<std::string>();
      auto svc = std::find_if(out.services.begin(), out.services.end(), [&](const ServiceSpec& s) { return s.name == svc_name; });
      if (svc == out.services.end()) {
        ck_.fail(ip, "the name of a service", "\"" + svc_name + "\"", did_you_mean(svc_name, service_names));
        continue;
      }
      if (auto taken = budget_of.find(svc_name); taken != budget_of.end() && name && taken->second == *name) {
        ck_.fail(ip, "each service named once", "\"" + svc_name + "\" again");
        continue;
      } else if (taken != budget_of.end()) {
        ck_.fail(ip, fmt::format("one PodDisruptionBudget over the pods of service '{}' (the Eviction API refuses, with an error 500, to "
                                 "evict a pod two budgets select)",
                                 svc_name),
                 fmt::format("a second one, after '{}'", taken->second));
        continue;
      }
      if (svc->disruption_budget) {
        ck_.fail(ip, fmt::format("one PodDisruptionBudget over the pods of service '{}' (the Eviction API refuses, with an error 500, to "
                                 "evict a pod two budgets select)",
                                 svc_name),
                 "a service with its own disruption_budget too");
        continue;
      }
      if (!namespace_name.empty() && svc->namespace_name != namespace_name) {
        ck_.fail(ip, fmt::format("a service of namespace '{}' (a PodDisruptionBudget selects pods of its own namespace)", namespace_name),
                 fmt::format("service '{}' of namespace '{}'", svc_name, svc->namespace_name));
        continue;
      }
      if (namespace_name.empty()) namespace_name = svc->namespace_name;
      budget_of.emplace(svc_name, name.value_or(""));
      if (!budget || !name) continue;
      svc->disruption_budget = *budget;
      svc->disruption_budget->shared_name = *name;
    }
  }
}

ServiceSpec Loader::parse_service(const json& s, const std::string& p) {
  ServiceSpec svc;
  std::map<std::string, std::string> pod_labels;  // from a pod template: they join the service's tags
  // A service bound to a workload takes its pods from the policy's manifests, which have replaced
  // `workload` with them by now: one still here had no manifests to come from.
  const bool unbound = s.is_object() && s.contains("workload");
  if (!ck_.object(s, p, {"name", "namespace", "demand", "replica", "replicas", "throughput_rps", "sla", "tags", "model", "request", "slo", "workload",
                         "disruption_budget"},
                  unbound ? std::vector<std::string>{"name", "demand", "throughput_rps", "sla"}
                          : std::vector<std::string>{"name", "demand", "replica", "replicas", "throughput_rps", "sla"}))
    return svc;
  // null: the manifests could not bind it, which is reported. The rest of the service is still read,
  // without its pods.
  if (unbound && !s["workload"].is_null())
    ck_.fail(p + "/workload", "a policy with Kubernetes manifests to take the workload's pods from (the policy's 'manifests', or --manifests)",
             "a policy without manifests");
  svc.name = ck_.string(s, p, "name").value_or("");
  svc.namespace_name = ck_.string(s, p, "namespace").value_or("default");
  if (auto d = s.find("demand"); d != s.end()) {
    const std::string dp = p + "/demand";
    if (ck_.object(*d, dp, {"trace", "scale", "arrivals"}, {"trace"})) {
      if (auto t = ck_.string(*d, dp, "trace")) {
        svc.demand.trace = *t;
        if (!declared_traces_.count(*t)) {
          std::vector<std::string> names(declared_traces_.begin(), declared_traces_.end());
          ck_.fail(dp + "/trace", "the name of a trace under /traces", "\"" + *t + "\"", did_you_mean(*t, names));
        } else if (auto tr = sc_.traces.find(*t); tr != sc_.traces.end() && (tr->second.trace.unit == TraceUnit::Percent ||
                                                                              tr->second.trace.unit == TraceUnit::Count)) {
          ck_.fail(dp + "/trace", "a trace of requests or requests/second to drive demand",
                   "trace '" + *t + "', which measures " + to_string(tr->second.trace.unit));
        }
      }
      svc.demand.scale = ck_.number(*d, dp, "scale", Bound::NonNegative).value_or(1.0);
      auto arr = ck_.one_of(*d, dp, "arrivals", {"poisson", "expected", "log"}).value_or("poisson");
      svc.demand.arrivals = arrival_model(arr);
      if (svc.demand.arrivals == ArrivalModel::Log) svc.demand.log = replayable_log(svc.demand, dp);
    }
  }
  if (auto r = s.find("replica"); r != s.end()) {
    const std::string rp = p + "/replica";
    if (ck_.object(*r, rp, {"gpus", "aws.amazon.com/neuron", "cpu", "memory", "limits", "requirements", "tolerations", "usage", "concurrency",
                            "startup_s", "pod_template", "usage_by_load", "termination_grace_period_s", "topology_spread"})) {
      // The pod: a Kubernetes pod template (a Deployment's spec.template) or capsim's short keys.
      const bool from_template = r->contains("pod_template");
      for (const char* k : {"gpus", "aws.amazon.com/neuron", "cpu", "memory", "limits", "requirements", "tolerations", "topology_spread"})
        if (from_template && r->contains(k))
          ck_.fail(ptr_join(rp, k), "the pod's resources, affinity, tolerations and topology spread in 'pod_template' only", "both");
      // The accelerator request: nvidia.com/gpu ("gpus") or Neuron devices (Inferentia, Trainium).
      const bool gpus = r->contains("gpus"), neuron = r->contains("aws.amazon.com/neuron");
      if (gpus == neuron && !from_template && !unbound)
        ck_.fail(rp, "exactly one accelerator request: 'gpus' (nvidia.com/gpu) or 'aws.amazon.com/neuron'", gpus ? "both" : "neither");
      if (from_template) {
        if (auto shape = k8s::pod_template(ck_, (*r)["pod_template"], rp + "/pod_template")) {
          svc.replica_device = shape->device;
          svc.replica_gpus = shape->devices;
          svc.replica_cpu_millicores = shape->cpu_millicores;
          svc.replica_memory_mib = shape->memory_mib;
          svc.limit_cpu_millicores = shape->limit_cpu_millicores;
          svc.limit_memory_mib = shape->limit_memory_mib;
          svc.replica_requirements = Requirements(shape->requirements);
          svc.tolerations = shape->tolerations;
          pod_labels = shape->labels;
          if (shape->termination_grace_period_s) svc.termination_grace_period = seconds(static_cast<double>(*shape->termination_grace_period_s));
          const std::string note = rp + "/pod_template/spec/affinity/nodeAffinity: preferredDuringSchedulingIgnoredDuringExecution is "
                                        "not simulated; only the required terms constrain placement";
          // Services are read once per policy: say it once.
          if (shape->preferred_affinity && std::find(sc_.warnings.begin(), sc_.warnings.end(), note) == sc_.warnings.end())
            sc_.warnings.push_back(note);
          svc.topology_spread = shape->topology_spread;
          for (const std::string& n : shape->topology_spread_notes) {
            const std::string spread = fmt::format("service '{}': {}", svc.name, n);
            if (std::find(sc_.warnings.begin(), sc_.warnings.end(), spread) == sc_.warnings.end()) sc_.warnings.push_back(spread);
          }
        }
      } else if (neuron) {
        svc.replica_device = DeviceResource::AwsNeuron;
        svc.replica_gpus = static_cast<int>(ck_.integer(*r, rp, "aws.amazon.com/neuron", 1).value_or(1));
      } else {
        svc.replica_gpus = static_cast<int>(ck_.integer(*r, rp, "gpus", 1).value_or(1));
      }
      svc.concurrency = ck_.number(*r, rp, "concurrency", Bound::Positive).value_or(1.0);
      if (r->contains("termination_grace_period_s")) {
        if (from_template) ck_.fail(rp + "/termination_grace_period_s", "the grace period in pod_template's terminationGracePeriodSeconds", "both");
        else if (auto g = ck_.seconds(*r, rp, "termination_grace_period_s", 0)) svc.termination_grace_period = *g;
      }
      if (!from_template) {
        const std::optional<std::int64_t> cpu = k8s::cpu_quantity(ck_, *r, rp, "cpu");
        const std::optional<std::int64_t> memory = k8s::memory_quantity(ck_, *r, rp, "memory");
        // Limits as Kubernetes treats them: a request left out defaults to its limit, and a limit below
        // its request is refused. Scheduling reads requests only; limits cap what `usage` may be.
        if (auto lm = r->find("limits"); lm != r->end() && ck_.object(*lm, rp + "/limits", {"cpu", "memory"})) {
          svc.limit_cpu_millicores = k8s::cpu_quantity(ck_, *lm, rp + "/limits", "cpu");
          svc.limit_memory_mib = k8s::memory_quantity(ck_, *lm, rp + "/limits", "memory");
        }
        svc.replica_cpu_millicores = cpu.value_or(svc.limit_cpu_millicores.value_or(0));
        svc.replica_memory_mib = memory.value_or(svc.limit_memory_mib.value_or(0));
        if (svc.limit_cpu_millicores && *svc.limit_cpu_millicores < svc.replica_cpu_millicores)
          ck_.fail(rp + "/limits/cpu", fmt::format("a limit at least the cpu request ({}m)", svc.replica_cpu_millicores),
                   fmt::format("{}m", *svc.limit_cpu_millicores));
        if (svc.limit_memory_mib && *svc.limit_memory_mib < svc.replica_memory_mib)
          ck_.fail(rp + "/limits/memory", fmt::format("a limit at least the memory request ({}Mi)", svc.replica_memory_mib),
                   fmt::format("{}Mi", *svc.limit_memory_mib));
        if (auto rq = r->find("requirements"); rq != r->end()) svc.replica_requirements = Requirements(k8s::requirements(ck_, *rq, rp + "/requirements"));
        if (auto tl = r->find("tolerations"); tl != r->end()) svc.tolerations = k8s::tolerations(ck_, *tl, rp + "/tolerations");
        if (auto ts = r->find("topology_spread"); ts != r->end()) svc.topology_spread = k8s::topology_spread_short(ck_, *ts, rp + "/topology_spread");
      }
      // What a replica uses on average, against what it requests: over-requesting shows as waste.
      if (auto us = r->find("usage"); us != r->end() && ck_.object(*us, rp + "/usage", {"cpu", "memory"})) {
        svc.usage_cpu_millicores = k8s::cpu_quantity(ck_, *us, rp + "/usage", "cpu");
        svc.usage_memory_mib = k8s::memory_quantity(ck_, *us, rp + "/usage", "memory");
        // Without a limit a pod may use more than it requests; with one, not more than that.
        if (svc.usage_cpu_millicores && svc.limit_cpu_millicores && *svc.usage_cpu_millicores > *svc.limit_cpu_millicores)
          ck_.fail(rp + "/usage/cpu", fmt::format("at most the cpu limit ({}m)", *svc.limit_cpu_millicores),
                   fmt::format("{}m", *svc.usage_cpu_millicores));
        if (svc.usage_memory_mib && svc.limit_memory_mib && *svc.usage_memory_mib > *svc.limit_memory_mib)
          ck_.fail(rp + "/usage/memory", fmt::format("at most the memory limit ({}Mi)", *svc.limit_memory_mib),
                   fmt::format("{}Mi", *svc.usage_memory_mib));
      }
      // How its use follows its load, for HPA Resource metrics: {"idle": {...}, "busy": {...}}.
      if (auto ul = r->find("usage_by_load"); ul != r->end() && ck_.object(*ul, rp + "/usage_by_load", {"idle", "busy"}, {"idle", "busy"})) {
        const std::string up = rp + "/usage_by_load";
        for (const char* end : {"idle", "busy"})
          if (ck_.object((*ul)[end], up + "/" + end, {"cpu", "memory"})) {
            const bool idle = std::string(end) == "idle";
            (idle ? svc.use_by_load.idle_cpu_millicores : svc.use_by_load.busy_cpu_millicores) = k8s::cpu_quantity(ck_, (*ul)[end], up + "/" + end, "cpu");
            (idle ? svc.use_by_load.idle_memory_mib : svc.use_by_load.busy_memory_mib) =
                k8s::memory_quantity(ck_, (*ul)[end], up + "/" + end, "memory");
          }
        // A replica uses more serving than idle, and never more than its limit.
        const UseByLoad& u = svc.use_by_load;
        auto check = [&](const char* what, const std::optional<std::int64_t>& idle, const std::optional<std::int64_t>& busy,
                         const std::optional<std::int64_t>& limit, const char* unit) {
          if (idle && busy && *busy < *idle)
            ck_.fail(up + "/busy/" + what, fmt::format("at least the idle use ({}{})", *idle, unit), fmt::format("{}{}", *busy, unit));
          if (busy && limit && *busy > *limit)
            ck_.fail(up + "/busy/" + what, fmt::format("at most the {} limit ({}{})", what, *limit, unit), fmt::format("{}{}", *busy, unit));
        };
        check("cpu", u.idle_cpu_millicores, u.busy_cpu_millicores, svc.limit_cpu_millicores, "m");
        check("memory", u.idle_memory_mib, u.busy_memory_mib, svc.limit_memory_mib, "Mi");
      }
      if (auto st = r->find("startup_s"); st != r->end() && st->is_object() && !st->contains("dist")) {
        // The parts, each drawn from its own stream.
        if (ck_.object(*st, rp + "/startup_s", {"image_pull_s", "model_load_s"}, {"image_pull_s", "model_load_s"})) {
          svc.image_pull_s = ck_.distribution(*st, rp + "/startup_s", "image_pull_s");
          svc.model_load_s = ck_.distribution(*st, rp + "/startup_s", "model_load_s");
        }
      } else {
        svc.startup_s = ck_.distribution(*r, rp, "startup_s");
      }
    }
  }
  svc.replicas = static_cast<int>(ck_.integer(s, p, "replicas", 0, kMaxReplicas).value_or(0));
  if (auto b = s.find("disruption_budget"); b != s.end()) svc.disruption_budget = parse_disruption_budget(*b, p + "/disruption_budget");
  if (auto t = s.find("throughput_rps"); t != s.end()) {
    const std::string tp = p + "/throughput_rps";
    if (!t->is_object() || t->empty()) {
      ck_.fail(tp, "an object of instance type → requests/s per replica, with at least one type", describe(*t));
    } else {
      for (const auto& [type, v] : t->items()) {
        const std::string ptp = ptr_join(tp, type);
        auto it = sc_.catalog.find(type);
        if (!it) {
          ck_.fail(ptp, "an instance type of the catalog", "'" + type + "'", did_you_mean(type, sc_.catalog.closest(type)));
          continue;
        }
        if (const int devices = device_count(*it, svc.replica_device); devices < svc.replica_gpus) {
          const bool neuron = svc.replica_device == DeviceResource::AwsNeuron;
          ck_.fail(ptp, fmt::format("an instance type with at least {} {} for one replica", svc.replica_gpus,
                                    neuron ? "Neuron device(s) (aws.amazon.com/neuron)" : "GPU(s)"),
                   fmt::format("{} with {} {}", type, devices, neuron ? "Neuron device(s)" : "GPU(s)"));
          continue;
        }
        if (auto x = ck_.number(*t, tp, type.c_str(), Bound::Positive)) svc.throughput_rps[type] = *x;
      }
    }
  }
  if (auto sla = s.find("sla"); sla != s.end()) {
    const std::string sp = p + "/sla";
    if (ck_.object(*sla, sp, {"max_wait_s", "on_overload", "target_served_share"}, {"max_wait_s"})) {
      svc.sla.max_wait_s = ck_.number(*sla, sp, "max_wait_s", Bound::NonNegative).value_or(0);
      auto o = ck_.one_of(*sla, sp, "on_overload", {"drop", "late"}).value_or("drop");
      svc.sla.on_overload = o == "late" ? OverloadAction::Late : OverloadAction::Drop;
      if (auto t = ck_.number(*sla, sp, "target_served_share", Bound::Positive)) {
        if (*t >= 1)
          ck_.fail(sp + "/target_served_share", "a share of requests below 1, such as 0.999 (99.9%)",
                   fmt::format("{:g}{}", *t, *t >= 1.5 ? ": a percentage? write 0.999 for 99.9%" : ", which no queue can promise"));
        else
          svc.sla.target_served_share = *t;
      }
    }
  }
  // A replica must fit the allocatable of at least one type it may run on; else name the closest.
  if (!svc.throughput_rps.empty() && (svc.replica_cpu_millicores > 0 || svc.replica_memory_mib > 0)) {
    const InstanceType* closest = nullptr;
    std::string why;
    bool fits_one = false;
    for (const auto& [type, _] : svc.throughput_rps) {
      const InstanceType& t = sc_.catalog.at(type);
      const bool cpu_ok = svc.replica_cpu_millicores <= t.alloc_cpu_millicores;
      const bool mem_ok = svc.replica_memory_mib <= t.alloc_memory_mib;
      if (cpu_ok && mem_ok) fits_one = true;
      if (!closest || t.alloc_cpu_millicores + t.alloc_memory_mib > closest->alloc_cpu_millicores + closest->alloc_memory_mib) {
        closest = &t;
        why = !cpu_ok ? fmt::format("cpu {}m > {}m allocatable", svc.replica_cpu_millicores, t.alloc_cpu_millicores)
                      : fmt::format("memory {} MiB > {} MiB allocatable", svc.replica_memory_mib, t.alloc_memory_mib);
      }
    }
    if (!fits_one)
      ck_.fail(p + "/replica", "a replica that fits at least one instance type of its throughput_rps",
               fmt::format("a pod of service '{}' that fits none; closest: {} ({})", svc.name, closest->name, why));
  }
  parse_service_model(s, p, svc);
  svc.tags = ck_.string_map(s, p, "tags");
  for (const auto& [k, v] : pod_labels) svc.tags.emplace(k, v);  // the service's own tags win
  return svc;
}

void Loader::check_demand_is_the_world(const json& base, const PolicySpec& policy) {
  // A service's demand (its trace, scale and arrival model) is part of the world every policy is
  // compared in: a policy that changes it — often by restating `services` whole and leaving out the
  // base's `scale` — would be compared against different traffic.
  auto describe_demand = [](const DemandSpec& d) {
    return fmt::format("trace '{}', scale {:g}, {} arrivals", d.trace, d.scale,
                       d.arrivals == ArrivalModel::Expected ? "expected" : d.arrivals == ArrivalModel::Log ? "log" : "poisson");
  };
  const json& services = base.contains("services") && base["services"].is_array() ? base["services"] : json::array();
  for (std::size_t i = 0; i < policy.services.size(); ++i) {
    const ServiceSpec& svc = policy.services[i];
    for (const auto& b : services) {
      if (!b.is_object() || b.value("name", "") != svc.name || !b.contains("demand") || !b["demand"].is_object()) continue;
      const json& d = b["demand"];
      DemandSpec world;
      world.trace = d.value("trace", "");
      world.scale = d.contains("scale") && d["scale"].is_number() ? d["scale"].get<double>() : 1.0;
      world.arrivals = arrival_model(d.value("arrivals", "poisson"));
      if (world.trace != svc.demand.trace || world.scale != svc.demand.scale || world.arrivals != svc.demand.arrivals)
        ck_.fail(ptr_join(ptr_join("/services", i), "demand"),
                 fmt::format("the demand of service '{}' as the scenario gives it ({}): demand is the world every policy is compared in, "
                             "which policy '{}' may not change",
                             svc.name, describe_demand(world), policy.name),
                 describe_demand(svc.demand));
    }
  }
}

void Loader::check_objectives_are_the_world(const json& base, const json& doc, const std::string& policy) {
  // What a service is held to (its SLA and SLO) is the organisation's, not a policy's: a policy
  // that relaxed it would look safer for changing the ruler, not the fleet.
  const json none = json::array();
  const json& before = base.contains("services") && base["services"].is_array() ? base["services"] : none;
  const json& after = doc.contains("services") && doc["services"].is_array() ? doc["services"] : none;
  for (std::size_t i = 0; i < after.size(); ++i) {
    const json& a = after[i];
    if (!a.is_object()) continue;
    for (const auto& b : before) {
      if (!b.is_object() || b.value("name", "") != a.value("name", "")) continue;
      for (const char* key : {"sla", "slo"}) {
        const json missing;
        const json& x = b.contains(key) ? b[key] : missing;
        const json& y = a.contains(key) ? a[key] : missing;
        if (x != y)
          ck_.fail(ptr_join(ptr_join("/services", i), key),
                   fmt::format("the {} of service '{}' as the scenario gives it ({}): the objective every policy is held to, which policy "
                               "'{}' may not change",
                               key, a.value("name", ""), x.is_null() ? "none" : x.dump(), policy),
                   y.is_null() ? "none" : y.dump());
      }
    }
  }
}

void Loader::warn_throughput_without_hpa(const json& base, const PolicySpec& policy) {
  // A faster replica (a quantized variant, say) with the same requests/s target keeps replicas at the
  // old load: the policy pays for capacity its HPA never asks them to use.
  const json& services = base.contains("services") && base["services"].is_array() ? base["services"] : json::array();
  const json* hpas = find_pointer(base, "/cluster/hpa");
  for (const ServiceSpec& svc : policy.services) {
    auto h = policy.cluster.hpa.find(svc.name);
    if (h == policy.cluster.hpa.end() || !hpas || !hpas->is_object() || !hpas->contains(svc.name)) continue;
    for (const auto& b : services) {
      if (!b.is_object() || b.value("name", "") != svc.name || !b.contains("throughput_rps") || !b["throughput_rps"].is_object()) continue;
      std::map<std::string, double> before;
      for (const auto& [type, v] : b["throughput_rps"].items())
        if (v.is_number()) before[type] = v.get<double>();
      if (before == svc.throughput_rps) continue;
      // The base's requests/s target, as written: the policy kept it if its own is the same figure.
      const json& metrics = (*hpas)[svc.name].value("metrics", json::array());
      for (const HpaMetric& m : h->second.metrics) {
        if (m.source != HpaMetric::Source::Pods || m.name != "requests_per_second") continue;
        bool same = false;
        for (const auto& bm : metrics) {
          const json* target = find_pointer(bm, "/pods/target/averageValue");
          const json* name = find_pointer(bm, "/pods/metric/name");
          if (!target || !name || *name != "requests_per_second") continue;
          std::optional<double> v = target->is_number() ? std::optional<double>(target->get<double>())
                                    : target->is_string() ? parse_number(target->get<std::string>())
                                                          : std::nullopt;
          same = v && *v == m.target;
        }
        if (!same) continue;
        const std::string note = fmt::format("policy '{}' changes the throughput of service '{}' but keeps its HPA target of {:g} requests/s "
                                             "per replica: its replicas stay at the old load",
                                             policy.name, svc.name, m.target);
        if (std::find(sc_.warnings.begin(), sc_.warnings.end(), note) == sc_.warnings.end()) sc_.warnings.push_back(note);
      }
    }
  }
}

void Loader::warn_node_overlays(const PolicySpec& policy, const std::string& policy_name) {
  const auto& overlays = policy.cluster.karpenter.node_overlays;
  if (overlays.empty() || ck_.errors() != 0) return;
  const auto& node_pools = policy.cluster.karpenter.node_pools;
  const NodeOverlayEffects fx = resolve_node_overlays(overlays, overlay_node_pools(node_pools), sc_.catalog, sc_.zones);
  auto note = [&](const std::string& text) {
    if (std::find(sc_.warnings.begin(), sc_.warnings.end(), text) == sc_.warnings.end()) sc_.warnings.push_back(text);
  };
  // "" when every NodePool sees it, else " in NodePool(s) a, b" (NodeOverlays apply per NodePool).
  auto in_pools = [&](const std::set<std::string>& pools) -> std::string {
    if (pools.size() == node_pools.size()) return {};
    return fmt::format(" in NodePool(s) {}", fmt::join(pools, ", "));
  };
  for (const OverlayConflict& c : fx.conflicts)
    note(fmt::format("policy '{}': NodeOverlay '{}' (weight {}) sets {} of {} in NodePool '{}', which NodeOverlay '{}' of the same weight "
                     "set first: Karpenter marks '{}' ValidationSucceeded=False (Conflict) and applies none of it",
                     policy_name, c.overlay, c.weight, c.field == "price" ? "the price" : "capacity " + c.field, c.where, c.node_pool, c.other,
                     c.overlay));
  for (const std::string& o : fx.unmatched)
    note(fmt::format("policy '{}': NodeOverlay '{}' selects no offering of the catalog in the scenario's zones for any NodePool: it "
                     "changes nothing",
                     policy_name, o));
  for (const std::string& n : fx.capacity_not_simulated) note(fmt::format("policy '{}': {}", policy_name, n));
  if (fx.any_price()) {
    // The offerings changed in some NodePool; one example, the first on-demand offering changed in
    // the first NodePool that changes it (the catalog's own price is its price).
    std::set<std::string> offerings, types, pools;
    std::string example;
    for (const NodePoolOverlayEffects& np : fx.node_pools)
      for (const auto& [pool, change] : np.prices) {
        const std::string type = pool.substr(0, pool.find('/'));
        offerings.insert(pool);
        types.insert(type);
        pools.insert(np.node_pool);
        if (example.empty() && pool.size() > 10 && pool.compare(pool.size() - 10, 10, "/on-demand") == 0) {
          const double real = sc_.catalog.at(type).ondemand_usd_per_h;
          example = fmt::format(", e.g. {} on-demand {:.4g} -> {:.4g} USD/h ({})", type, real, change.apply(real), change.text);
        }
      }
    note(fmt::format("policy '{}': NodeOverlays change the prices Karpenter decides by on {} offering(s) of {} instance type(s){}{}: its "
                     "launches and consolidation follow them, but the bill stays at the real prices, so decisions and bill diverge",
                     policy_name, offerings.size(), types.size(), in_pools(pools), example));
  }
  std::map<std::pair<std::string, int>, std::set<std::string>> slices;  // (type, devices) → NodePools
  for (const NodePoolOverlayEffects& np : fx.node_pools)
    for (const auto& [type, devices] : np.devices) slices[{type, devices}].insert(np.node_pool);
  for (const auto& [key, pools] : slices) {
    const auto& [type, devices] = key;
    const InstanceType& t = sc_.catalog.at(type);
    if (devices <= t.gpus + t.accelerators) continue;
    note(fmt::format("policy '{}': a NodeOverlay gives {} {} device(s) for its {}{}: pods share them (GPU time-slicing), and each pod "
                     "still serves its service's full throughput_rps on the type, which capsim does not divide among them",
                     policy_name, type, devices, t.gpus + t.accelerators, in_pools(pools)));
  }
}

void Loader::check_services_can_run(const PolicySpec& policy, const std::string& policy_name) {
  // A cross check: on a document with other problems it would only repeat them.
  if (ck_.errors() != 0) return;
  const ClusterSpec& c = policy.cluster;
  std::set<std::string> offered;
  for (const auto& g : c.node_groups)
    for (std::size_t i = 0; i < g.instance_types.size(); ++i)
      if (i == 0 || c.provisioner != ProvisionerKind::ClusterAutoscaler) offered.insert(g.instance_types[i]);
  if (c.provisioner == ProvisionerKind::Karpenter)
    for (const InstanceType& t : sc_.catalog.types()) {
      const Labels labels = labels_of(t);
      for (const auto& np : c.karpenter.node_pools)
        if (np.scheduling.requirements.matches(labels, is_offering_label)) offered.insert(t.name);
    }
  for (std::size_t i = 0; i < policy.services.size(); ++i) {
    const ServiceSpec& svc = policy.services[i];
    const std::string sp = ptr_join(ptr_join("/services", i), "replica");
    std::vector<std::string> candidates;
    for (const auto& [type, _] : svc.throughput_rps)
      if (offered.count(type) && sc_.catalog.contains(type)) candidates.push_back(type);
    if (candidates.empty()) {
      std::string list;
      std::size_t shown = 0;
      for (const auto& t : offered)
        if (shown++ < 6) list += (list.empty() ? "" : ", ") + t;
      if (offered.size() > 6) list += fmt::format(", ... {} in all", offered.size());
      ck_.fail(ptr_join(ptr_join("/services", i), "throughput_rps"),
               fmt::format("a throughput for an instance type policy '{}' can launch ({})", policy_name, list.empty() ? "none" : list),
               fmt::format("none for service '{}'", svc.name));
      continue;
    }
    PodSpec pod;
    pod.requests = {svc.replica_cpu_millicores, svc.replica_memory_mib, svc.replica_gpus, 1, svc.replica_device};
    pod.requirements = svc.replica_requirements;
    std::optional<std::string> closest_why;
    std::string closest;
    bool runs = false;
    for (const auto& type : candidates) {
      const InstanceType& t = sc_.catalog.at(type);
      const Labels labels = labels_of(t);
      // Node affinity on zones or capacity types is the offering's, not the type's: not judged here.
      auto why = why_pod_cannot_run(pod, t, labels, {});
      if (why && why->rfind("requirements:", 0) == 0 && svc.replica_requirements.matches(labels, is_offering_label)) why.reset();
      if (!why) {
        runs = true;
        break;
      }
      if (closest.empty() || t.alloc_cpu_millicores + t.alloc_memory_mib > sc_.catalog.at(closest).alloc_cpu_millicores +
                                                                           sc_.catalog.at(closest).alloc_memory_mib) {
        closest = type;
        closest_why = why;
      }
    }
    if (!runs)
      ck_.fail(sp, fmt::format("a replica that fits an instance type policy '{}' can launch with a throughput for it", policy_name),
               fmt::format("a pod of service '{}' that fits none; closest: {} ({})", svc.name, closest, *closest_why));
  }
}

std::optional<InputFile> Loader::input_file(const std::string& name, const std::string& ptr) {
  // Named as found from where the scenario's relative paths resolve (a file's folder, or the folder
  // given for a document loaded from memory).
  InputFile f{base_dir_ / name, (base_dir_ / name).lexically_normal().string()};
  sc_.document.files.push_back(f.path.lexically_normal());
  if (!options_.data_root) return f;
  // Both sides resolved the same way (symbolic links and ".." followed), then compared by component.
  std::error_code ec;
  const auto root = std::filesystem::weakly_canonical(*options_.data_root, ec);
  const auto resolved = std::filesystem::weakly_canonical(f.path, ec);
  auto r = root.begin();
  auto p = resolved.begin();
  for (; r != root.end() && !r->empty(); ++r, ++p)
    if (p == resolved.end() || *p != *r) {
      ck_.fail(ptr, fmt::format("a file inside the data root {}", options_.data_root->string()),
               fmt::format("\"{}\", which resolves outside it", name));
      return std::nullopt;
    }
  return f;
}

std::vector<Assumption> Loader::assumptions(const json& base, const json& doc, const std::vector<const PolicyEntry*>& chain) {
  // Sources that still describe the figure: a base source stops covering a value a patch changed.
  std::vector<std::string> live;
  for (const auto& [ptr, _] : sc_.sources) {
    const json* a = find_pointer(base, ptr);
    const json* b = find_pointer(doc, ptr);
    if (a && b && *a == *b) live.push_back(ptr);
  }
  for (const PolicyEntry* c : chain)
    for (const auto& [ptr, text] : c->sources) {
      if (ptr.empty() || ptr[0] != '/' || !find_pointer(doc, ptr))
        ck_.fail(ptr_join(fmt::format("/policies/{}/sources", c->index), ptr),
                 "a JSON pointer to a figure in this policy's document", "\"" + ptr + "\", which points nowhere");
      live.push_back(ptr);
    }
  std::vector<std::string> figures;
  if (auto s = doc.find("services"); s != doc.end() && s->is_array())
    for (std::size_t i = 0; i < s->size(); ++i) {
      const json& svc = (*s)[i];
      if (!svc.is_object()) continue;
      const std::string sp = ptr_join("/services", i);
      if (auto t = svc.find("throughput_rps"); t != svc.end() && t->is_object())
        for (const auto& [type, _] : t->items()) figures.push_back(ptr_join(sp + "/throughput_rps", type));
      if (auto r = svc.find("replica"); r != svc.end() && r->is_object() && r->contains("startup_s"))
        figures.push_back(sp + "/replica/startup_s");
      if (auto r = svc.find("replica"); r != svc.end() && r->is_object() && r->contains("usage"))
        figures.push_back(sp + "/replica/usage");
      if (auto r = svc.find("replica"); r != svc.end() && r->is_object() && r->contains("usage_by_load"))
        figures.push_back(sp + "/replica/usage_by_load");
      if (auto r = svc.find("replica"); r != svc.end() && r->is_object() && r->contains("concurrency"))
        figures.push_back(sp + "/replica/concurrency");
      // What the organisation holds the service to: a choice, not a measurement, so it is shown.
      if (find_pointer(svc, "/sla/target_served_share")) figures.push_back(sp + "/sla/target_served_share");
      // How service times spread around the mean: measured (a file) or assumed (a shape).
      if (find_pointer(svc, "/request/service_time")) figures.push_back(sp + "/request/service_time");
      // An LLM's prefill speed per type (no published figure is bundled) and its token distributions.
      if (const json* pf = find_pointer(svc, "/request/llm/prefill_tokens_per_s"); pf && pf->is_object())
        for (const auto& [type, _] : pf->items()) figures.push_back(ptr_join(sp + "/request/llm/prefill_tokens_per_s", type));
      if (const json* tk = find_pointer(svc, "/request/llm/tokens"); tk && tk->is_object()) figures.push_back(sp + "/request/llm/tokens");
    }
  if (const json* nr = find_pointer(doc, "/cluster/node_ready_s")) {
    (void)nr;
    figures.push_back("/cluster/node_ready_s");
  }
  // Typed-in facts about traces: a generator's shape, and the zone or origin a request log lacks.
  if (auto tr = doc.find("traces"); tr != doc.end() && tr->is_object())
    for (const auto& [name, t] : tr->items())
      for (const char* k : {"generator", "time_zone", "origin"})
        if (t.is_object() && t.contains(k) && !(std::string(k) == "time_zone" && t.value("format", "") == "csv"))
          figures.push_back(ptr_join(ptr_join("/traces", name), k));
  if (find_pointer(doc, "/compare/risk_tolerance")) figures.push_back("/compare/risk_tolerance");
  // The uncertain world's distributions.
  if (const json* un = find_pointer(doc, "/uncertainty"); un && un->is_object())
    for (const auto& [k, _] : un->items()) figures.push_back(ptr_join("/uncertainty", k));
  // Typed-in market figures.
  for (const char* k : {"/market/interruption_rate_by_bucket", "/market/interruption_buckets", "/market/pool_events",
                        "/market/shortages", "/market/spot_pool_capacity"})
    if (find_pointer(doc, k)) figures.push_back(k);
  if (const json* po = find_pointer(doc, "/catalog/price_overrides"); po && po->is_object())
    for (const auto& [type, _] : po->items()) figures.push_back(ptr_join("/catalog/price_overrides", type) + "/ondemand_usd_per_h");
  std::vector<Assumption> out;
  // Batch jobs: their measured work and speeds are figures; the defaults left in force are listed.
  batch_assumptions(doc, figures, out);
  // Defaults that stand in for figures nobody publishes, when the policy runs spot.
  bool spot = false;
  if (const json* groups = find_pointer(doc, "/cluster/node_groups"); groups && groups->is_array())
    for (const auto& g : *groups) spot = spot || (g.is_object() && g.value("capacity_type", "") == "spot");
  // A reclaimed node group instance stops its replicas abruptly: their requests in service are lost,
  // as many as the replica's concurrency (default 1) allows.
  if (spot)
    if (const json* svcs = find_pointer(doc, "/services"); svcs && svcs->is_array())
      for (std::size_t i = 0; i < svcs->size(); ++i)
        if (!find_pointer((*svcs)[i], "/replica/concurrency"))
          out.push_back({ptr_join(ptr_join("/services", i), "replica") + "/concurrency",
                         "1 (capsim's default: one request in service per replica, lost when a spot node group's instance is "
                         "reclaimed under it)"});
  // The request-level model without a service-time shape serves every request in its type's mean.
  if (const json* svcs = find_pointer(doc, "/services"); svcs && svcs->is_array())
    for (std::size_t i = 0; i < svcs->size(); ++i)
      if ((*svcs)[i].is_object() && (*svcs)[i].value("model", "") == "request" && !find_pointer((*svcs)[i], "/request/service_time") &&
          !find_pointer((*svcs)[i], "/request/llm"))
        out.push_back({ptr_join(ptr_join("/services", i), "request") + "/service_time",
                       "fixed (capsim's default: every request takes its type's mean, concurrency / throughput_rps)"});
  // A NodePool that allows spot (its capacity-type requirement lists it).
  if (const json* pools = find_pointer(doc, "/cluster/node_pools"); pools && pools->is_array())
    for (const auto& np : *pools)
      if (const json* reqs = find_pointer(np, "/spec/template/spec/requirements"); reqs && reqs->is_array())
        for (const auto& r : *reqs)
          if (r.is_object() && r.value("key", "") == "karpenter.sh/capacity-type" && r.value("operator", "") == "In" &&
              r.contains("values") && r["values"].is_array())
            for (const auto& v : r["values"]) spot = spot || v == "spot";
  // AWS does not publish the AlarmLow threshold of target tracking.
  if (const json* groups = find_pointer(doc, "/cluster/node_groups"); groups && groups->is_array())
    for (std::size_t g = 0; g < groups->size(); ++g)
      if (const json* tt = find_pointer((*groups)[g], "/target_tracking"); tt && tt->is_object() && !tt->contains("scale_in_threshold_ratio"))
        out.push_back({ptr_join(ptr_join("/cluster/node_groups", g), "target_tracking") + "/scale_in_threshold_ratio",
                       "0.7 (capsim's default: the AlarmLow threshold / TargetValue seen on EC2 target tracking alarms; AWS "
                       "does not publish it)"});
  if (sc_.market.uncertainty.interruption_rate_in_bucket && !find_pointer(doc, "/uncertainty/interruption_rate_in_bucket/top_bucket_max"))
    out.push_back({"/uncertainty/interruption_rate_in_bucket/top_bucket_max",
                   "0.3 (capsim's default upper end of the Advisor's '>20%' bucket, symmetric about its 25% midpoint)"});
  // Rates drawn within the Advisor's ranges replace the table of midpoints.
  if (spot && !sc_.market.interruption_rates_given && !sc_.market.uncertainty.interruption_rate_in_bucket)
    out.push_back({"/market/interruption_rate_by_bucket",
                   "[0.025,0.075,0.125,0.175,0.25] (capsim's default: the midpoints of the Spot Instance Advisor's ranges, "
                   "25% for >20%)"});
  if (spot && !sc_.market.spot_price_history.empty() && !find_pointer(doc, "/catalog/zone_ids"))
    out.push_back({"/catalog/zone_ids", "use1-az1 → us-east-1a, use1-az2 → us-east-1b, use1-az4 → us-east-1c, ... (capsim's "
                                        "default; zone names differ per account)"});
  for (const auto& f : figures) {
    bool sourced = std::any_of(live.begin(), live.end(), [&](const std::string& s) { return covers(s, f); });
    if (!sourced) {
      const json* v = find_pointer(doc, f);
      out.push_back({f, v ? v->dump() : ""});
    }
  }
  return out;
}

}  // namespace capsim::io::detail

namespace capsim::io {

using nlohmann::json;

Scenario load_scenario(const std::filesystem::path& file, const LoadOptions& options) {
  std::ifstream in;
  try {
    in = detail::open_input_file(file, file.string());
  } catch (const TraceError& e) {
    Diagnostic d;
    d.file = file.string();
    d.message = e.message() + " (the scenario file)";
    throw ScenarioError({d});
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_scenario_text(ss.str(), file.string(), file.parent_path(), options);
}

Scenario load_scenario_text(std::string_view text, const std::string& display_file, const std::filesystem::path& base_dir,
                            const LoadOptions& options) {
  // A data root that is not a folder would refuse every file, each with a message that hides why.
  if (options.data_root) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*options.data_root, ec))
      throw ScenarioError({Diagnostic{display_file, "", 0, 0, "--data-root naming an existing folder",
                                      "\"" + options.data_root->string() + "\", which " +
                                          (std::filesystem::exists(*options.data_root, ec) ? "is not a folder" : "does not exist"),
                                      {}, {}}});
  }
  const std::filesystem::path base = base_dir.empty() ? std::filesystem::path(".") : base_dir;
  detail::Loader loader(display_file, base, options);
  Scenario sc = loader.load(text);  // its document already lists the files it named
  sc.document.text = std::string(text);
  sc.document.display_file = display_file;
  sc.document.base_dir = base;
  sc.document.data_root = options.data_root;
  sc.document.manifests = options.manifests;
  sc.document.manifest_policies = options.manifest_policies;
  return sc;
}

std::string effective_document(std::string_view scenario_text, std::string_view policy, const std::string& display_file) {
  json doc;
  try {
    doc = json::parse(scenario_text);
  } catch (const json::exception& e) {
    throw ScenarioError({Diagnostic{display_file, "", 0, 0, "a JSON document", detail::json_syntax_error(e.what()), {}, {}}});
  }
  return detail::effective_document(doc, policy, display_file).dump(2);
}

namespace detail {

json effective_document(const json& scenario, std::string_view policy, const std::string& display_file) {
  auto error = [&](const std::string& expected, const std::string& got) {
    return ScenarioError({Diagnostic{display_file, "/policies", 0, 0, expected, got, {}, {}}});
  };
  if (!scenario.is_object()) throw ScenarioError({Diagnostic{display_file, "", 0, 0, "a scenario (an object)", describe(scenario), {}, {}}});
  json base = scenario;
  base.erase("policies");
  if (policy == "default" && !scenario.contains("policies")) return base;
  const auto list = scenario.find("policies");
  if (list == scenario.end() || !list->is_array()) throw error("an array of policies", list == scenario.end() ? "none" : describe(*list));
  std::vector<const json*> chain;
  std::string name(policy);
  while (true) {
    const json* found = nullptr;
    for (const auto& p : *list)
      if (p.is_object() && p.contains("name") && p["name"] == name) found = &p;
    if (!found) throw error("a policy named '" + name + "'", "none");
    if (std::find(chain.begin(), chain.end(), found) != chain.end()) throw error("a chain of 'extends' that ends", "a cycle through '" + name + "'");
    chain.push_back(found);
    const auto parent = found->find("extends");
    if (parent == found->end()) break;
    if (!parent->is_string()) throw error("'extends' as the name of a policy", describe(*parent));
    name = parent->get<std::string>();
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    if (auto patch = (*it)->find("patch"); patch != (*it)->end()) apply_policy_patch(base, *patch, nullptr, "");
  return base;
}

}  // namespace detail

}  // namespace capsim::io
