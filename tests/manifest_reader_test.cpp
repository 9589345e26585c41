// Kubernetes manifests read as capsim's objects: the folder under tests/data/manifests/ (a small GPU
// inference cluster), YAML → JSON by the YAML 1.2 core schema, and each bad file under
// tests/data/bad/manifests/ reported at the line and column counted by hand from the file, with
// its document and field path.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"
#include "io/k8s/decoders.hpp"
#include "io/k8s/manifest_reader.hpp"
#include "test_paths.hpp"

using namespace capsim;
using namespace capsim::io::k8s;
using nlohmann::json;

namespace {

std::filesystem::path good_dir() { return test::data_dir() / "manifests"; }
std::filesystem::path bad_dir() { return test::data_dir() / "bad" / "manifests"; }

// The folder as a user would name it: messages then say "manifests/karpenter.yaml".
Manifests cluster() { return read_manifests({{good_dir(), "manifests"}}); }

const ManifestObject& find(const Manifests& m, ManifestKind kind, const std::string& name) {
  for (const auto& o : m.objects)
    if (o.kind == kind && o.name == name) return o;
  FAIL("no " << kind_info(kind).name << " " << name);
  throw std::logic_error("unreachable");
}

// Every problem reading one bad file (named by its file name alone), as the CLI prints them.
std::vector<std::string> problems_of(const std::string& name) {
  std::vector<Diagnostic> problems;
  read_manifest_files({{bad_dir() / name, name}}, problems);
  std::vector<std::string> out;
  for (const auto& d : problems) out.push_back(d.to_string());
  return out;
}

// The documents of a YAML text (which must have no problem).
std::vector<ManifestDocument> yaml(const std::string& text) {
  std::vector<Diagnostic> problems;
  auto docs = parse_yaml_documents(text, "inline.yaml", problems);
  for (const auto& p : problems) FAIL_CHECK(p.to_string());
  return docs;
}

std::vector<std::string> yaml_problems(const std::string& text) {
  std::vector<Diagnostic> problems;
  parse_yaml_documents(text, "inline.yaml", problems);
  std::vector<std::string> out;
  for (const auto& d : problems) out.push_back(d.to_string());
  return out;
}

}  // namespace

TEST_CASE("manifest folder: every *.yaml, *.yml and *.json in it, sorted by name, List items expanded") {
  const Manifests m = cluster();
  std::vector<std::string> read;
  for (const auto& o : m.objects) read.push_back(std::string(kind_info(o.kind).name) + " " + o.namespace_name + "/" + o.name);
  // batch-scaler.json, inference.yaml, karpenter.yaml, namespace-list.yaml; README.md is not read.
  CHECK(read == std::vector<std::string>{"ScaledObject inference/embedder", "Deployment inference/llm-server",
                                         "HorizontalPodAutoscaler inference/llm-server", "PodDisruptionBudget inference/llm-server",
                                         "NodePool /gpu", "EC2NodeClass /gpu", "ResourceQuota inference/gpus",
                                         "LimitRange inference/defaults"});
  CHECK(find(m, ManifestKind::Deployment, "llm-server").document->file == "manifests/inference.yaml");
  CHECK(find(m, ManifestKind::Deployment, "llm-server").document->index == 1);
  CHECK(find(m, ManifestKind::EC2NodeClass, "gpu").document->index == 1);
  CHECK(find(m, ManifestKind::LimitRange, "defaults").pointer == "/items/2");
  CHECK(find(m, ManifestKind::NodePool, "gpu").pointer.empty());
  CHECK(unmodelled_note(m) ==
        "capsim skipped 2 objects of kinds it does not model: 1 ConfigMap at manifests/inference.yaml:3:1 (document 0); "
        "1 Namespace at manifests/namespace-list.yaml:5:5 (document 0, items[0])");
}

TEST_CASE("manifest values: quoted scalars stay strings, plain numbers are numbers, as Kubernetes reads them") {
  const Manifests m = cluster();
  const json& container = find(m, ManifestKind::Deployment, "llm-server").object["spec"]["template"]["spec"]["containers"][0];
  const json& requests = container["resources"]["requests"];
  CHECK(requests["cpu"] == json("6"));  // written "6"
  CHECK(requests["memory"] == json("24Gi"));
  CHECK(requests["nvidia.com/gpu"].is_number_unsigned());
  CHECK(requests["nvidia.com/gpu"] == 1);
  CHECK(find(m, ManifestKind::NodePool, "gpu").object["spec"]["template"]["spec"]["taints"][0]["value"] == json("true"));
  CHECK(find(m, ManifestKind::HorizontalPodAutoscaler, "llm-server").object["spec"]["maxReplicas"] == 12);
  CHECK(find(m, ManifestKind::ScaledObject, "embedder").object["spec"]["cooldownPeriod"] == 300);
}

TEST_CASE("manifest positions: a deep field's line and column, its document and field path") {
  const Manifests m = cluster();
  const ManifestObject& pool = find(m, ManifestKind::NodePool, "gpu");
  // karpenter.yaml line 24 is "          operator: Lt": the third requirement's operator, ten spaces in.
  CHECK(location(pool, "/spec/template/spec/requirements/2/operator") ==
        "manifests/karpenter.yaml:24:11 (document 0, spec.template.spec.requirements[2].operator)");
  // The third requirement itself starts after "        - " on line 23.
  CHECK(location(pool, "/spec/template/spec/requirements/2") ==
        "manifests/karpenter.yaml:23:11 (document 0, spec.template.spec.requirements[2])");
  // A key that is not a plain name is quoted; "    nvidia.com/gpu: 64" is line 34.
  CHECK(location(pool, "/spec/limits/nvidia.com~1gpu") == "manifests/karpenter.yaml:34:5 (document 0, spec.limits[\"nvidia.com/gpu\"])");
  // A field not written falls back to the nearest parent that is: spec.template.spec on line 11.
  CHECK(location(pool, "/spec/template/spec/nodeSelector") ==
        "manifests/karpenter.yaml:11:5 (document 0, spec.template.spec.nodeSelector)");
  // The second document's root: "apiVersion: karpenter.k8s.aws/v1" after the --- on line 40.
  CHECK(location(find(m, ManifestKind::EC2NodeClass, "gpu"), "") == "manifests/karpenter.yaml:41:1 (document 1)");
  // A List's item keeps its document and its place under items: "            cpu: 500m" is line 27.
  const ManifestObject& limits = find(m, ManifestKind::LimitRange, "defaults");
  CHECK(location(limits, limits.pointer + "/spec/limits/0/defaultRequest/cpu") ==
        "manifests/namespace-list.yaml:27:13 (document 0, items[2].spec.limits[0].defaultRequest.cpu)");
  // JSON: "queueLength" is 91 bytes into line 17 of batch-scaler.json.
  CHECK(location(find(m, ManifestKind::ScaledObject, "embedder"), "/spec/triggers/0/metadata/queueLength") ==
        "manifests/batch-scaler.json:17:92 (document 0, spec.triggers[0].metadata.queueLength)");
}

TEST_CASE("manifest positions: a decoder's problem is placed at the field's line and column") {
  std::vector<Diagnostic> problems;
  const Manifests m = read_manifest_files({{bad_dir() / "bad_operator.yaml", "bad_operator.yaml"}}, problems);
  REQUIRE(problems.empty());
  REQUIRE(m.objects.size() == 1);
  const ManifestObject& pool = m.objects[0];
  std::vector<Diagnostic> decoded;
  Checker ck(pool.document->file, decoded);
  CHECK_FALSE(node_pool(ck, pool.object, pool.pointer).has_value());
  REQUIRE(decoded.size() == 1);
  CHECK(decoded[0].pointer == "/spec/template/spec/requirements/2/operator");
  // "          operator: LessThan" is line 17.
  CHECK(in_manifest(pool, decoded[0]).to_string() ==
        "bad_operator.yaml:17:11: document 0, spec.template.spec.requirements[2].operator: expected one of \"In\", \"NotIn\", "
        "\"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\", \"Gte\", \"Lte\", got the string \"LessThan\"");
  // A problem given as a whole message keeps it after the document and field path.
  Diagnostic whole;
  whole.file = pool.document->file;
  whole.pointer = "/spec/template";
  whole.message = "expected a template capsim can schedule";
  CHECK(in_manifest(pool, whole).to_string() == "bad_operator.yaml:7:3: document 0, spec.template: expected a template capsim can schedule");
}

TEST_CASE("manifest YAML to JSON: the YAML 1.2 core schema for plain scalars, strings for quoted ones") {
  const auto docs = yaml(R"(a: 1
b: "1"
c: '1'
d: -3
e: 0x1F
f: 0o17
g: 1.5
h: 1e3
i: .5
j: true
k: False
l: yes
m: ~
n: null
o:
p: "null"
q: !!str 5
r: !!int "7"
s: !!float 2
t: 99999999999999999999
u: 0755
v: 1.0.0
w: |
  two
  lines
x: +12
)");
  REQUIRE(docs.size() == 1);
  const json& v = docs[0].value;
  CHECK(v["a"].is_number_unsigned());
  CHECK(v["a"] == 1);
  CHECK(v["b"] == json("1"));
  CHECK(v["c"] == json("1"));
  CHECK(v["d"].is_number_integer());
  CHECK(v["d"] == -3);
  CHECK(v["e"] == 31);
  CHECK(v["f"] == 15);
  CHECK(v["g"].is_number_float());
  CHECK(v["g"] == 1.5);
  CHECK(v["h"].is_number_float());
  CHECK(v["h"] == 1000.0);
  CHECK(v["i"] == 0.5);
  CHECK(v["j"] == true);
  CHECK(v["k"] == false);
  CHECK(v["l"] == json("yes"));  // YAML 1.1's boolean; a string in 1.2
  CHECK(v["m"].is_null());
  CHECK(v["n"].is_null());
  CHECK(v["o"].is_null());
  CHECK(v["p"] == json("null"));
  CHECK(v["q"] == json("5"));
  CHECK(v["r"] == 7);
  CHECK(v["s"].is_number_float());
  CHECK(v["s"] == 2.0);
  CHECK(v["t"].is_number_float());  // beyond 64 bits
  CHECK(v["t"] == 1e20);
  CHECK(v["u"] == 755);  // YAML 1.2: a leading zero is not octal
  CHECK(v["v"] == json("1.0.0"));
  CHECK(v["w"] == json("two\nlines\n"));
  CHECK(v["x"] == 12);
}

TEST_CASE("manifest YAML to JSON: anchors and aliases expanded, empty documents skipped but counted") {
  // A comment before the first --- belongs to no document; documents 0 and 1 and the last are empty.
  const auto docs = yaml("# a file of empty documents\n---\n# only a comment\n---\n---\na: &shared {cpu: \"1\"}\nb: *shared\n---\n");
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].index == 2);
  CHECK(docs[0].value["b"] == json::parse(R"({"cpu": "1"})"));
  // An alias's fields are where its anchor wrote them.
  CHECK(position_of(docs[0].positions, "/b/cpu").line == 6);
  CHECK(position_of(docs[0].positions, "/b").line == 7);
}

TEST_CASE("manifest YAML to JSON: what JSON cannot hold is refused, at the value's line and column") {
  CHECK(yaml_problems("a: .inf\nb: -.Inf\nc: .nan\n") ==
        std::vector<std::string>{
            "inline.yaml:1:4: document 0, a: expected a finite number (JSON, and so Kubernetes, has no infinity or NaN), got \".inf\"",
            "inline.yaml:2:4: document 0, b: expected a finite number (JSON, and so Kubernetes, has no infinity or NaN), got \"-.Inf\"",
            "inline.yaml:3:4: document 0, c: expected a finite number (JSON, and so Kubernetes, has no infinity or NaN), got \".nan\""});
  CHECK(yaml_problems("a: !!int x\nb: !!binary aGk=\n") ==
        std::vector<std::string>{"inline.yaml:1:4: document 0, a: expected an integer, as the !!int tag says, got \"x\"",
                                 "inline.yaml:2:4: document 0, b: expected no tag, or one of the core schema's (!!str, !!int, "
                                 "!!float, !!bool, !!null, !!map, !!seq), got the tag !!binary"});
  CHECK(yaml_problems("metadata:\n  !key name: web\n") ==
        std::vector<std::string>{"inline.yaml:2:3: document 0, metadata: expected no tag, or one of the core schema's (!!str, "
                                 "!!int, !!float, !!bool, !!null, !!map, !!seq), got the tag !key on a key"});
  // A document with problems is left out; the file's other documents are still read.
  std::vector<Diagnostic> problems;
  const auto docs = parse_yaml_documents("a: .inf\n---\nb: 1\n", "inline.yaml", problems);
  CHECK(problems.size() == 1);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].index == 1);
}

TEST_CASE("manifest limits: nesting deeper than capsim reads, and aliases that expand without end") {
  const std::string deep = "a: " + std::string(kMaxManifestDepth + 5, '[') + std::string(kMaxManifestDepth + 5, ']') + "\n";
  const auto deep_problems = yaml_problems(deep);
  REQUIRE(deep_problems.size() == 1);
  CHECK(deep_problems[0].find("expected mappings and sequences nested at most 256 deep, got deeper nesting") != std::string::npos);

  // An alias inside its own anchor's node: a sequence that holds itself.
  const auto cycle_problems = yaml_problems("a: &x [1, *x]\n");
  REQUIRE(cycle_problems.size() == 1);
  // Where the sequence that holds itself starts: its anchor, "&x", on line 1.
  CHECK(cycle_problems[0].find("inline.yaml:1:4: document 0, a[1][1][1]") == 0);
  CHECK(cycle_problems[0].find("[1][1] ... [1][1]") != std::string::npos);  // the path's middle elided
  CHECK(cycle_problems[0].size() < 400);
  CHECK(cycle_problems[0].find("expected mappings and sequences nested at most 256 deep") != std::string::npos);

  // A path long for want of boundaries near the cut (one long key) is cut anywhere.
  const std::string long_path = field_path(json::object(), "/" + std::string(300, 'k'));
  CHECK(long_path == std::string(100, 'k') + " ... " + std::string(50, 'k'));

  std::vector<Diagnostic> problems;
  const std::string deep_json = std::string(kMaxManifestDepth + 5, '[') + std::string(kMaxManifestDepth + 5, ']');
  CHECK(parse_json_document(deep_json, "deep.json", problems).empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].to_string().find("expected objects and arrays nested at most 256 deep") != std::string::npos);

  // Each level holds ten of the one before: 10^7 values from a few lines.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'g'; ++level) {
    bomb += std::string{level} + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i == 0 ? "" : ", ") + "*" + static_cast<char>(level - 1);
    bomb += "]\n";
  }
  const auto bomb_problems = yaml_problems(bomb);
  REQUIRE(bomb_problems.size() == 1);
  CHECK(bomb_problems[0] ==
        "inline.yaml:1:1: document 0: expected at most 1000000 values in one file, aliases expanded, got more (aliases of aliases?)");
}

TEST_CASE("manifest JSON: numbers exactly as written") {
  std::vector<Diagnostic> problems;
  const auto docs = parse_json_document("{\"a\": 0.1, \"b\": 18446744073709551615, \"c\": -9223372036854775808}", "x.json", problems);
  REQUIRE(docs.size() == 1);
  CHECK(problems.empty());
  CHECK(docs[0].value == json::parse("{\"a\": 0.1, \"b\": 18446744073709551615, \"c\": -9223372036854775808}"));
  CHECK(docs[0].value["b"].get<std::uint64_t>() == 18446744073709551615ULL);
  // A byte order mark takes no column.
  const auto bom = parse_json_document("\xEF\xBB\xBF{\"a\": 1}", "bom.json", problems);
  REQUIRE(bom.size() == 1);
  CHECK(position_of(bom[0].positions, "/a").column == 2);
}

TEST_CASE("bad manifests: a YAML syntax error at its line and column") {
  // Line 5 is "  labels: app: web": the second ':' is its 14th character.
  CHECK(problems_of("syntax_error.yaml") == std::vector<std::string>{"syntax_error.yaml:5:14: YAML syntax error: illegal map value"});
}

TEST_CASE("bad manifests: input on which yaml-cpp's LoadAll would never return is a syntax error") {
  // Where a node should start: a ',' after a flow mapping, and a lone ',' in a later document.
  CHECK(yaml_problems("{a: 1},\n") == std::vector<std::string>{"inline.yaml:1:7: YAML syntax error: no node can start here (a stray "
                                                                 "',', ']' or '}'?)"});
  CHECK(yaml_problems("a: 1\n---\n,\n") == std::vector<std::string>{"inline.yaml:3:1: YAML syntax error: no node can start here (a "
                                                                      "stray ',', ']' or '}'?)"});
}

TEST_CASE("bad manifests: a key written twice, with both places") {
  CHECK(problems_of("duplicate_key.yaml") ==
        std::vector<std::string>{"duplicate_key.yaml:8:3: document 0, spec.replicas: expected each key once in a mapping, got "
                                 "'replicas' again (first at line 6, column 3)"});
  // Line 4 of the JSON file: the second "app" of labels starts at byte 73, the first at 42.
  CHECK(problems_of("duplicate_key.json") ==
        std::vector<std::string>{"duplicate_key.json:4:73: document 0, metadata.labels.app: expected each key once in an object, "
                                 "got 'app' again (first at line 4, column 42)"});
}

TEST_CASE("bad manifests: an object without kind, in the second document") {
  // The second document's first key, after its comment, is on line 7.
  CHECK(problems_of("missing_kind.yaml") ==
        std::vector<std::string>{"missing_kind.yaml:7:1: document 1: expected the required key 'kind' (a string such as "
                                 "Deployment), got an object without it"});
}

TEST_CASE("bad manifests: a modelled kind at an API version capsim does not read") {
  CHECK(problems_of("nodepool_v1beta1.yaml") ==
        std::vector<std::string>{"nodepool_v1beta1.yaml:1:1: document 0, apiVersion: expected apiVersion karpenter.sh/v1 for a "
                                 "NodePool (capsim reads the v1 API), got the string \"karpenter.sh/v1beta1\""});
}

TEST_CASE("bad manifests: a key that is not a scalar, a merge key, an unknown tag") {
  // Line 6 is "    ? [app, tier]": the key's sequence starts at column 7.
  CHECK(problems_of("non_scalar_key.yaml") ==
        std::vector<std::string>{"non_scalar_key.yaml:6:7: document 0, metadata.labels: expected a scalar key (a field name), got a "
                                 "sequence as a key"});
  // Line 12 is "        <<: *defaults".
  CHECK(problems_of("merge_key.yaml") ==
        std::vector<std::string>{"merge_key.yaml:12:9: document 0, spec.limits[0].defaultRequest: expected a field name (capsim "
                                 "reads YAML 1.2, which has no merge key; write the fields out), got the merge key <<"});
  // Line 6 is "  replicas: !replicas 3": the tag starts at column 13.
  CHECK(problems_of("unknown_tag.yaml") ==
        std::vector<std::string>{"unknown_tag.yaml:6:13: document 0, spec.replicas: expected no tag, or one of the core schema's "
                                 "(!!str, !!int, !!float, !!bool, !!null, !!map, !!seq), got the tag !replicas"});
}

TEST_CASE("bad manifests: a document that is not an object, the same NodePool twice, an empty folder, a missing file") {
  CHECK(problems_of("not_an_object.yaml") ==
        std::vector<std::string>{"not_an_object.yaml:1:1: document 0: expected a Kubernetes object (a mapping with apiVersion and "
                                 "kind), got an array"});
  CHECK(problems_of("duplicate_name.yaml") ==
        std::vector<std::string>{"duplicate_name.yaml:13:3: document 1, metadata.name: expected each NodePool named once, got 'gpu' "
                                 "again (first at duplicate_name.yaml:4:3 (document 0, metadata.name))"});
  std::vector<Diagnostic> problems;
  CHECK(manifest_files({{bad_dir() / "empty_folder", "empty_folder"}}, problems).empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].to_string() == "empty_folder: a folder without any *.yaml, *.yml or *.json file (subfolders are not read)");
  CHECK(problems_of("no_such_file.yaml") == std::vector<std::string>{"no_such_file.yaml: no such file"});
}

TEST_CASE("bad manifests: every problem of every file, not only the first") {
  std::vector<io::InputFile> files;
  for (const char* name : {"syntax_error.yaml", "duplicate_key.yaml", "missing_kind.yaml", "nodepool_v1beta1.yaml"})
    files.push_back({bad_dir() / name, name});
  try {
    read_manifests(files);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    std::vector<std::string> files_named;
    for (const auto& d : e.diagnostics()) files_named.push_back(d.file);
    CHECK(files_named == std::vector<std::string>{"syntax_error.yaml", "duplicate_key.yaml", "missing_kind.yaml", "nodepool_v1beta1.yaml"});
    CHECK(std::string(e.what()).find("missing_kind.yaml:7:1: document 1") != std::string::npos);
  }
}

TEST_CASE("every file under tests/data/bad/manifests/ is exercised above") {
  const std::set<std::string> checked = {"syntax_error.yaml", "duplicate_key.yaml", "duplicate_key.json", "missing_kind.yaml",
                                         "nodepool_v1beta1.yaml", "non_scalar_key.yaml", "merge_key.yaml", "unknown_tag.yaml",
                                         "bad_operator.yaml", "not_an_object.yaml", "duplicate_name.yaml", "empty_folder",
                                         "overlay_unknown_key.yaml", "overlay_operator.yaml",  // in node_overlay_test.cpp
                                         "drift_new_class"};           // in karpenter_node_class_drift_test.cpp
  std::set<std::string> present;
  for (const auto& e : std::filesystem::directory_iterator(bad_dir())) present.insert(e.path().filename().string());
  CHECK(present == checked);
}
