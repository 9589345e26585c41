// JSON manifests: nlohmann/json reads the values (numbers exactly as written); a second pass over
// the text, which the parser has already accepted, finds where each value is written and any key
// written twice (which the parser would keep only once).
#include <fmt/format.h>

#include "io/json/json_checker.hpp"
#include "io/k8s/manifest_documents.hpp"
#include "io/text_file.hpp"

namespace capsim::io::k8s {

namespace {

using nlohmann::json;

struct TooDeep {};

class PositionScanner {
 public:
  struct Duplicate {
    std::string pointer;
    SourcePosition where;
    std::string key;
    SourcePosition first;
  };

  PositionScanner(const std::string& text, PositionMap& positions) : text_(text), positions_(positions) {
    if (text_.rfind("\xEF\xBB\xBF", 0) == 0) at_ = 3;  // a byte order mark takes no column
  }

  void document() {
    space();
    positions_[""] = here();
    value("", 0);
  }

  const std::vector<Duplicate>& duplicates() const { return duplicates_; }
  const std::string& too_deep_at() const { return too_deep_at_; }

 private:
  SourcePosition here() const { return {line_, column_}; }

  void advance() {
    if (text_[at_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++at_;
  }

  void space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) advance();
  }

  // A string token, the cursor on its opening quote; returns it as written (quotes included).
  std::string string_token() {
    const std::size_t from = at_;
    advance();
    while (at_ < text_.size() && text_[at_] != '"') {
      if (text_[at_] == '\\') advance();
      advance();
    }
    advance();
    return text_.substr(from, at_ - from);
  }

  void value(const std::string& ptr, std::size_t depth) {
    if (depth > kMaxManifestDepth) {
      too_deep_at_ = ptr;
      throw TooDeep{};
    }
    const char c = text_[at_];
    if (c == '{') {
      object(ptr, depth);
    } else if (c == '[') {
      array(ptr, depth);
    } else if (c == '"') {
      string_token();
    } else {  // a number, true, false or null: up to the next delimiter
      while (at_ < text_.size() && std::string_view(",}] \t\r\n").find(text_[at_]) == std::string_view::npos) advance();
    }
  }

  void object(const std::string& ptr, std::size_t depth) {
    std::map<std::string, SourcePosition> first_seen;
    advance();  // {
    space();
    while (text_[at_] != '}') {
      const SourcePosition where = here();
      const std::string key = json::parse(string_token()).get<std::string>();
      const std::string member = detail::ptr_join(ptr, key);
      if (const auto [seen, fresh] = first_seen.emplace(key, where); !fresh)
        duplicates_.push_back({member, where, key, seen->second});
      else
        positions_[member] = where;
      space();
      advance();  // :
      space();
      value(member, depth + 1);
      space();
      if (text_[at_] == ',') {
        advance();
        space();
      }
    }
    advance();  // }
  }

  void array(const std::string& ptr, std::size_t depth) {
    std::size_t index = 0;
    advance();  // [
    space();
    while (text_[at_] != ']') {
      const std::string element = detail::ptr_join(ptr, index++);
      positions_[element] = here();
      value(element, depth + 1);
      space();
      if (text_[at_] == ',') {
        advance();
        space();
      }
    }
    advance();  // ]
  }

  const std::string& text_;
  PositionMap& positions_;
  std::size_t at_ = 0, line_ = 1, column_ = 1;
  std::vector<Duplicate> duplicates_;
  std::string too_deep_at_;
};

}  // namespace

std::vector<ManifestDocument> parse_json_document(const std::string& text, const std::string& file,
                                                  std::vector<Diagnostic>& problems) {
  ManifestDocument doc;
  doc.file = file;
  try {
    doc.value = json::parse(text);
  } catch (const json::parse_error& e) {
    Diagnostic d;
    d.file = file;
    std::tie(d.line, d.column) = detail::line_column(text, e.byte);
    d.message = "JSON syntax error: " + detail::json_syntax_error(e.what());
    problems.push_back(std::move(d));
    return {};
  } catch (const json::exception& e) {  // a number too large for any type: no position is given
    Diagnostic d;
    d.file = file;
    d.message = "JSON syntax error: " + detail::json_syntax_error(e.what());
    problems.push_back(std::move(d));
    return {};
  }
  PositionScanner scanner(text, doc.positions);
  try {
    scanner.document();
  } catch (const TooDeep&) {
    problems.push_back(problem_at(doc, scanner.too_deep_at(),
                                  fmt::format("objects and arrays nested at most {} deep", kMaxManifestDepth), "deeper nesting"));
    return {};
  }
  for (const auto& d : scanner.duplicates())
    problems.push_back(problem_at(doc, d.pointer, d.where, "each key once in an object",
                                  fmt::format("'{}' again (first at line {}, column {})", d.key, d.first.line, d.first.column)));
  if (!scanner.duplicates().empty()) return {};
  std::vector<ManifestDocument> out;
  out.push_back(std::move(doc));
  return out;
}

}  // namespace capsim::io::k8s
