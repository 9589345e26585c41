#include "io/k8s/manifest_documents.hpp"

#include <charconv>

#include <fmt/format.h>

namespace capsim::io::k8s {

namespace {

constexpr std::size_t kMaxPathChars = 200;

// RFC 6901: "~1" is "/" and "~0" is "~", decoded in that order.
std::vector<std::string> pointer_tokens(const std::string& pointer) {
  std::vector<std::string> tokens;
  std::size_t at = 0;
  while (at < pointer.size() && pointer[at] == '/') {
    const std::size_t end = std::min(pointer.find('/', at + 1), pointer.size());
    std::string token;
    for (std::size_t i = at + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
        token += pointer[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    tokens.push_back(std::move(token));
    at = end;
  }
  return tokens;
}

bool is_index(const std::string& token) {
  return !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
}

// The element `token` names, or null when it names none (not a number, or past the end).
const nlohmann::json* element(const nlohmann::json& array, const std::string& token) {
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  if (!is_index(token) || ec != std::errc() || end != token.data() + token.size() || index >= array.size()) return nullptr;
  return &array[index];
}

bool is_plain_name(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

void append_key(std::string& path, const std::string& key) {
  if (is_plain_name(key)) {
    if (!path.empty()) path += '.';
    path += key;
    return;
  }
  path += "[\"";
  for (char c : key) {
    if (c == '"' || c == '\\') path += '\\';
    path += c;
  }
  path += "\"]";
}

std::string parent_of(const std::string& pointer) {
  const auto slash = pointer.rfind('/');
  return slash == std::string::npos ? std::string() : pointer.substr(0, slash);
}

}  // namespace

std::string field_path(const nlohmann::json& document, const std::string& pointer) {
  std::string path;
  const nlohmann::json* at = &document;
  for (const auto& token : pointer_tokens(pointer)) {
    if (at != nullptr && at->is_array()) {
      path += "[" + token + "]";
      at = element(*at, token);
    } else if (at != nullptr && at->is_object()) {
      append_key(path, token);
      const auto it = at->find(token);
      at = it == at->end() ? nullptr : &*it;
    } else if (is_index(token)) {  // beyond what the document holds (a missing element): a guess
      path += "[" + token + "]";
      at = nullptr;
    } else {
      append_key(path, token);
      at = nullptr;
    }
  }
  // Only a document nested hundreds deep has a path this long; its middle tells the reader nothing.
  if (path.size() > kMaxPathChars) {
    // Cut between fields where there is a boundary near the cut, else anywhere.
    std::size_t head = path.find_last_of("[.", kMaxPathChars / 2);
    std::size_t tail = path.find_first_of("[.", path.size() - kMaxPathChars / 4);
    if (head == std::string::npos || head == 0) head = kMaxPathChars / 2;
    if (tail == std::string::npos) tail = path.size() - kMaxPathChars / 4;
    path = path.substr(0, head) + " ... " + path.substr(tail);
  }
  return path;
}

SourcePosition position_of(const PositionMap& positions, const std::string& pointer) {
  std::string at = pointer;
  for (;;) {
    if (const auto it = positions.find(at); it != positions.end()) return it->second;
    if (at.empty()) return {};
    at = parent_of(at);
  }
}

std::string location(const ManifestDocument& document, const std::string& pointer) {
  const SourcePosition where = position_of(document.positions, pointer);
  const std::string path = field_path(document.value, pointer);
  std::string out = document.file;
  if (where.line > 0) out += fmt::format(":{}:{}", where.line, where.column);
  out += fmt::format(" (document {}", document.index);
  if (!path.empty()) out += ", " + path;
  return out + ")";
}

Diagnostic problem_at(const ManifestDocument& document, const std::string& pointer, std::string expected,
                      std::string got, std::string hint) {
  return problem_at(document, pointer, position_of(document.positions, pointer), std::move(expected), std::move(got),
                    std::move(hint));
}

Diagnostic problem_at(const ManifestDocument& document, const std::string& pointer, SourcePosition where,
                      std::string expected, std::string got, std::string hint) {
  Diagnostic d;
  d.file = document.file;
  d.line = where.line;
  d.column = where.column;
  const std::string path = field_path(document.value, pointer);
  d.message = fmt::format("document {}{}: expected {}", document.index, path.empty() ? "" : ", " + path, expected);
  if (!got.empty()) d.message += ", got " + got;
  if (!hint.empty()) d.message += " (" + hint + ")";
  d.expected = std::move(expected);
  d.got = std::move(got);
  d.hint = std::move(hint);
  return d;
}

}  // namespace capsim::io::k8s
