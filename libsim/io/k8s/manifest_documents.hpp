#pragma once
// Internal to io/k8s: a manifest file's text as JSON documents, each with where its values are
// written, so a problem found later in a decoded object can still be reported at a line and column.
// The YAML side is the only place yaml-cpp is used; this header does not include it.
//
// YAML → JSON (what a manifest means is what `kubectl` would send as JSON, read as YAML 1.2):
//  - mappings become objects; a key must be a scalar (its text is the member's name); a key written
//    twice in one mapping is an error naming both lines; the YAML 1.1 merge key `<<` is refused
//    (capsim reads YAML 1.2, which has none) rather than kept as a member named "<<";
//  - sequences become arrays;
//  - plain (unquoted) scalars resolve by the YAML 1.2 core schema: null, Null, NULL, ~ and nothing
//    are null; true/false (also True, TRUE, ...) are booleans; decimal, 0o octal and 0x hex
//    integers are integers (beyond 64 bits: a floating-point number); decimal floats are numbers;
//    .inf and .nan are refused, as JSON has no such numbers; anything else is a string. Unlike
//    kubectl's YAML 1.1, `yes`, `no`, `on` and `off` are strings;
//  - quoted and block (| >) scalars are always strings, so `"1"` stays the string Kubernetes
//    expects in a label value or a quantity;
//  - anchors and aliases are expanded (an alias's positions are its anchor's); tags other than the
//    core schema's (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are refused, on keys too.
// A JSON file is parsed by nlohmann/json (its numbers are kept exactly as written), and scanned once
// more for positions and for keys written twice, which a JSON parser would silently collapse.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/core/error.hpp"

namespace capsim::io::k8s {

// Far deeper than any Kubernetes object (a pod's node affinity values sit 12 levels down; a CRD's
// schema perhaps 60), shallow enough that the recursive conversion cannot exhaust the stack.
inline constexpr std::size_t kMaxManifestDepth = 256;
// Values in one file once aliases are expanded (a mapping's keys not counted): a few aliases of
// aliases would otherwise expand a small file into billions of values.
inline constexpr std::size_t kMaxManifestValues = 1'000'000;

/// 1-based line and column (column in bytes).
struct SourcePosition {
  std::size_t line = 0;
  std::size_t column = 0;
};

/// JSON pointer, from the document's root, → where that value is written. A member's position is
/// its key's (where the field is named); an array element's is where the element starts.
using PositionMap = std::map<std::string, SourcePosition>;

/// One document of a manifest file.
struct ManifestDocument {
  std::string file;        // as the user gave it, for messages
  std::size_t index = 0;   // 0-based, empty documents counted, so it matches the file's `---` order
  nlohmann::json value;
  PositionMap positions;
};

/// The non-empty documents of a YAML file (`---` separated). A syntax error stops the file and is
/// reported as `file:line:col: YAML syntax error: ...`; a document with any other problem is left
/// out and each of its problems appended to `problems`.
std::vector<ManifestDocument> parse_yaml_documents(const std::string& text, const std::string& file,
                                                   std::vector<Diagnostic>& problems);

/// A JSON file's one document (index 0), or none when it has problems (appended to `problems`).
std::vector<ManifestDocument> parse_json_document(const std::string& text, const std::string& file,
                                                  std::vector<Diagnostic>& problems);

/// `pointer` (from the document's root) as a field path: "spec.template.spec.requirements[2].operator",
/// a key that is not a plain name quoted: `metadata.labels["karpenter.sh/capacity-type"]`; "" for
/// the root. Reads `document` to tell an array index from a member whose name is a number.
std::string field_path(const nlohmann::json& document, const std::string& pointer);

/// Where `pointer` is written, or its nearest parent that has a position ({0, 0} if none has).
SourcePosition position_of(const PositionMap& positions, const std::string& pointer);

/// "file:line:col (document N, field.path)", or "file:line:col (document N)" at the root.
std::string location(const ManifestDocument& document, const std::string& pointer);

/// A problem at `pointer` of `document`: file, line and column set, and a message that leads with
/// the document and field path ("document 2, spec.replicas: expected ..., got ..."), since a
/// Diagnostic has no place of its own for them. `expected`, `got` and `hint` are kept as well.
Diagnostic problem_at(const ManifestDocument& document, const std::string& pointer, std::string expected,
                      std::string got, std::string hint = {});

/// The same for a problem whose position is not the pointer's own (a key written a second time).
Diagnostic problem_at(const ManifestDocument& document, const std::string& pointer, SourcePosition where,
                      std::string expected, std::string got, std::string hint = {});

}  // namespace capsim::io::k8s
