#include "capsim/core/error.hpp"

#include <fmt/format.h>

namespace capsim {

std::string Diagnostic::to_string() const {
  std::string where = file;
  if (!message.empty() && pointer.empty() && line == 0) return fmt::format("{}: {}", file, message);
  if (line > 0) {
    where += fmt::format(":{}:{}", line, column);
  } else {
    where += fmt::format(": {}", pointer.empty() ? "/ (document root)" : pointer);
  }
  if (!message.empty()) return fmt::format("{}: {}", where, message);
  std::string msg = fmt::format("{}: expected {}", where, expected);
  if (!got.empty()) msg += fmt::format(", got {}", got);
  if (!hint.empty()) msg += fmt::format(" ({})", hint);
  return msg;
}

namespace {
std::string join(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : Error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

TraceError::TraceError(std::string file, std::size_t line, const std::string& message)
    : Error(line > 0 ? fmt::format("{}:{}: {}", file, line, message) : fmt::format("{}: {}", file, message)),
      file_(std::move(file)),
      message_(message),
      line_(line) {}

TraceError::TraceError(std::string file, std::string pointer, const std::string& message)
    : Error(fmt::format("{}: {}: {}", file, pointer.empty() ? "/ (document root)" : pointer, message)),
      file_(std::move(file)),
      message_(message),
      pointer_(std::move(pointer)) {}

}  // namespace capsim
