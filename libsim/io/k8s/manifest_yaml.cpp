// YAML manifests to JSON documents with positions; the rules are in manifest_documents.hpp.
#include <charconv>
#include <cstdint>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "io/json/json_checker.hpp"
#include "io/k8s/manifest_documents.hpp"

namespace capsim::io::k8s {

namespace {

using nlohmann::json;

constexpr const char* kCoreTagPrefix = "tag:yaml.org,2002:";
constexpr const char* kCoreTags = "no tag, or one of the core schema's (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq)";

SourcePosition position(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {static_cast<std::size_t>(mark.line) + 1, static_cast<std::size_t>(mark.column) + 1};
}

bool is_digits(std::string_view s, std::string_view digits) {
  return !s.empty() && s.find_first_not_of(digits) == std::string_view::npos;
}

// An integer as nlohmann/json stores one parsed from text: unsigned when not negative.
std::optional<json> integer_value(std::string_view digits, int base, bool negative) {
  std::uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec == std::errc() && end == digits.data() + digits.size()) {
    if (!negative) return json(magnitude);
    if (magnitude <= static_cast<std::uint64_t>(INT64_MAX) + 1) return json(static_cast<std::int64_t>(0 - magnitude));
  }
  if (base != 10) return std::nullopt;
  // Too large for 64 bits: a floating-point number, as a JSON parser would keep it.
  double value = 0;
  const auto [fend, fec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (fec != std::errc() || fend != digits.data() + digits.size()) return std::nullopt;
  return json(negative ? -value : value);
}

// YAML 1.2 core schema: [-+]? [0-9]+ | 0o [0-7]+ | 0x [0-9a-fA-F]+.
std::optional<json> core_integer(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && is_digits(s.substr(2), "01234567")) return integer_value(s.substr(2), 8, false);
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && is_digits(s.substr(2), "0123456789abcdefABCDEF"))
    return integer_value(s.substr(2), 16, false);
  const bool negative = !s.empty() && s[0] == '-';
  const std::string_view digits = !s.empty() && (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
  if (!is_digits(digits, "0123456789")) return std::nullopt;
  return integer_value(digits, 10, negative);
}

// YAML 1.2 core schema: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_core_float(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - from;
  };
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

bool is_core_special_float(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN";
}

std::optional<bool> core_bool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

bool is_core_null(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// The core schema tag's name ("str") a node's tag names; "" when it names none (a plain node's "?",
// a quoted scalar's non-specific "!", a null's nothing); nullopt for any other tag.
std::optional<std::string> core_tag(const std::string& tag) {
  if (tag.empty() || tag == "?" || tag == "!") return std::string();
  if (tag.rfind(kCoreTagPrefix, 0) != 0) return std::nullopt;
  std::string core = tag.substr(std::string(kCoreTagPrefix).size());
  for (const char* known : {"str", "int", "float", "bool", "null", "map", "seq"})
    if (core == known) return core;
  return std::nullopt;
}

std::string shown_tag(const std::string& tag) {
  return tag.rfind(kCoreTagPrefix, 0) == 0 ? "!!" + tag.substr(std::string(kCoreTagPrefix).size()) : tag;
}

std::string shown_scalar(const std::string& s) {
  return fmt::format("\"{}\"", s.size() > 40 ? s.substr(0, 37) + "..." : s);
}

// Counts the values `node` expands to, aliases included, into `values` (a mapping's keys are not
// walked: a key that is not a scalar is refused before it is converted); false as soon as the count
// passes kMaxManifestValues. A walk that builds nothing, so a document that expands without end is
// refused quickly, before it is converted. An alias inside its own anchor's node makes a cycle:
// the walk stops at kMaxManifestDepth, where the conversion reports it.
bool count_values(const YAML::Node& node, std::size_t& values, std::size_t depth) {
  if (++values > kMaxManifestValues) return false;
  if (depth > kMaxManifestDepth) return true;
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node val = it->second;
      if (!count_values(val, values, depth + 1)) return false;
    }
  } else if (node.IsSequence()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node item = *it;
      if (!count_values(item, values, depth + 1)) return false;
    }
  }
  return true;
}

// yaml-cpp 0.7's LoadAll never returns on some malformed input (a stray ',' or '}' where a node
// should start, as in "{a: 1},"): its parser reports an empty document at the same place forever,
// and LoadAll keeps every one of them until memory runs out. A first pass through the parser's
// events stops when a document starts where the one before it started: the parser has not moved
// on, and never will.
struct NoProgress {
  YAML::Mark mark;
};

class ProgressGuard : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (started_ && mark.pos <= last_start_.pos) throw NoProgress{mark};
    started_ = true;
    last_start_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  bool started_ = false;
  YAML::Mark last_start_;
};

void check_progress(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  ProgressGuard guard;
  while (parser.HandleNextDocument(guard)) {
  }
}

// One document's conversion. Problems are kept with their pointers until the document is complete,
// so their field paths can tell array indices from member names.
class Converter {
 public:
  struct Problem {
    std::string pointer;
    SourcePosition where;
    std::string expected, got;
  };

  explicit Converter(PositionMap& positions) : positions_(positions) {}

  json value(const YAML::Node& node, const std::string& ptr, std::size_t depth) {
    if (depth > kMaxManifestDepth && (node.IsMap() || node.IsSequence())) {
      fail(ptr, node, fmt::format("mappings and sequences nested at most {} deep", kMaxManifestDepth), "deeper nesting");
      return nullptr;
    }
    const std::string& tag = node.Tag();
    const std::optional<std::string> tagged = core_tag(tag);
    if (!tagged) {
      fail(ptr, node, kCoreTags, "the tag " + shown_tag(tag));
      return nullptr;
    }
    const std::string& core = *tagged;
    if ((core == "map" && !node.IsMap()) || (core == "seq" && !node.IsSequence())) {
      fail(ptr, node, core == "map" ? "a mapping, as the !!map tag says" : "a sequence, as the !!seq tag says", "another kind of node");
      return nullptr;
    }
    switch (node.Type()) {
      case YAML::NodeType::Map: return mapping(node, ptr, depth);
      case YAML::NodeType::Sequence: return sequence(node, ptr, depth);
      case YAML::NodeType::Scalar: return scalar(node, ptr, core.empty() ? (tag == "!" ? "str" : "") : core);
      default: return nullptr;  // Null and Undefined: yaml-cpp has resolved null, ~ and nothing already
    }
  }

  const std::vector<Problem>& problems() const { return problems_; }

 private:
  void fail(const std::string& ptr, const YAML::Node& node, std::string expected, std::string got) {
    problems_.push_back({ptr, position(node.Mark()), std::move(expected), std::move(got)});
  }

  json mapping(const YAML::Node& node, const std::string& ptr, std::size_t depth) {
    json out = json::object();
    std::map<std::string, SourcePosition> first_seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      // Copies: yaml-cpp's iterator hands out a temporary pair of node handles.
      const YAML::Node key = it->first;
      const YAML::Node val = it->second;
      if (!key.IsScalar()) {
        fail(ptr, key, "a scalar key (a field name)",
             key.IsMap() ? "a mapping as a key" : key.IsSequence() ? "a sequence as a key" : "an empty (null) key");
        continue;
      }
      if (!core_tag(key.Tag())) {
        fail(ptr, key, kCoreTags, "the tag " + shown_tag(key.Tag()) + " on a key");
        continue;
      }
      const std::string& name = key.Scalar();
      if (name == "<<" && key.Tag() == "?") {
        fail(ptr, key, "a field name (capsim reads YAML 1.2, which has no merge key; write the fields out)", "the merge key <<");
        continue;
      }
      const std::string member = detail::ptr_join(ptr, name);
      const SourcePosition at = position(key.Mark());
      if (const auto [seen, fresh] = first_seen.emplace(name, at); !fresh) {
        problems_.push_back({member, at, "each key once in a mapping",
                             fmt::format("'{}' again (first at line {}, column {})", name, seen->second.line, seen->second.column)});
        continue;
      }
      positions_[member] = at;
      out[name] = value(val, member, depth + 1);
    }
    return out;
  }

  json sequence(const YAML::Node& node, const std::string& ptr, std::size_t depth) {
    json out = json::array();
    std::size_t index = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++index) {
      const std::string element = detail::ptr_join(ptr, index);
      const YAML::Node item = *it;
      positions_[element] = position(item.Mark());
      out.push_back(value(item, element, depth + 1));
    }
    return out;
  }

  json scalar(const YAML::Node& node, const std::string& ptr, const std::string& core) {
    const std::string& s = node.Scalar();
    if (core == "str") return s;
    if (core.empty() || core == "null")
      if (is_core_null(s)) return nullptr;
    if (core.empty() || core == "bool")
      if (auto b = core_bool(s)) return *b;
    if (core.empty() || core == "int" || core == "float")
      if (auto i = core_integer(s)) return core == "float" ? json(i->get<double>()) : *i;
    if (core.empty() || core == "float") {
      if (is_core_special_float(s)) {
        fail(ptr, node, "a finite number (JSON, and so Kubernetes, has no infinity or NaN)", shown_scalar(s));
        return nullptr;
      }
      if (is_core_float(s)) {
        double v = 0;
        const std::string_view digits = s[0] == '+' ? std::string_view(s).substr(1) : std::string_view(s);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec == std::errc() && end == digits.data() + digits.size()) return v;
        fail(ptr, node, "a number a double can hold", shown_scalar(s));
        return nullptr;
      }
    }
    if (core.empty()) return s;
    const char* wanted = core == "int" ? "an integer" : core == "float" ? "a number" : core == "bool" ? "true or false" : "null";
    fail(ptr, node, fmt::format("{}, as the !!{} tag says", wanted, core), shown_scalar(s));
    return nullptr;
  }

  PositionMap& positions_;
  std::vector<Problem> problems_;
};

}  // namespace

std::vector<ManifestDocument> parse_yaml_documents(const std::string& text, const std::string& file,
                                                   std::vector<Diagnostic>& problems) {
  auto syntax_error = [&](const YAML::Mark& mark, const std::string& message) {
    Diagnostic d;
    d.file = file;
    const SourcePosition at = position(mark);
    d.line = at.line;
    d.column = at.column;
    d.message = "YAML syntax error: " + message;
    problems.push_back(std::move(d));
  };
  std::vector<YAML::Node> nodes;
  try {
    check_progress(text);
    nodes = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {  // ParserException, and the depth guard's DeepRecursion
    syntax_error(e.mark, e.msg);
    return {};
  } catch (const NoProgress& e) {
    syntax_error(e.mark, "no node can start here (a stray ',', ']' or '}'?)");
    return {};
  }
  std::vector<ManifestDocument> documents;
  std::size_t values = 0;
  for (std::size_t index = 0; index < nodes.size(); ++index) {
    if (nodes[index].IsNull() && nodes[index].Tag().empty()) continue;  // an empty document (only comments, or nothing)
    ManifestDocument doc;
    doc.file = file;
    doc.index = index;
    doc.positions[""] = position(nodes[index].Mark());
    if (!count_values(nodes[index], values, 0)) {
      problems.push_back(problem_at(doc, "", fmt::format("at most {} values in one file, aliases expanded", kMaxManifestValues),
                                    "more (aliases of aliases?)"));
      return documents;
    }
    Converter converter(doc.positions);
    doc.value = converter.value(nodes[index], "", 0);
    if (converter.problems().empty()) {
      documents.push_back(std::move(doc));
      continue;
    }
    for (const auto& p : converter.problems()) problems.push_back(problem_at(doc, p.pointer, p.where, p.expected, p.got));
  }
  return documents;
}

}  // namespace capsim::io::k8s
