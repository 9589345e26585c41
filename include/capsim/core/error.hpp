#pragma once
// One error hierarchy: the CLI turns any capsim::Error into one clear message and exit code 2.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace capsim {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One problem in a scenario file: where it is (file and JSON pointer, or line:column when the JSON
/// itself is malformed), what was expected, what was found, and a close match when there is one.
struct Diagnostic {
  std::string file;
  std::string pointer;   // JSON pointer ("" is the document root); empty when `line` is set
  std::size_t line = 0;  // 1-based; 0 when the position is a pointer
  std::size_t column = 0;
  std::string expected;
  std::string got;
  std::string hint;  // "did you mean ...?" text, or empty
  std::string message;  // a complete message instead of expected/got (errors from a nested file)

  std::string to_string() const;
};

/// A scenario that cannot be used. Carries every problem found, not only the first.
class ScenarioError : public Error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// A trace file that cannot be read: the file, where in it (a 1-based line, or a JSON pointer), and
/// what was wrong.
class TraceError : public Error {
 public:
  TraceError(std::string file, std::size_t line, const std::string& message);
  TraceError(std::string file, std::string pointer, const std::string& message);
  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }        // 0 when the position is a pointer
  const std::string& pointer() const { return pointer_; }
  const std::string& message() const { return message_; }  // what() without the file and position

 private:
  std::string file_;
  std::string message_;
  std::size_t line_ = 0;
  std::string pointer_;
};

/// A run stopped on request (Ctrl-C) before it finished: nothing was written.
class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted before the run finished; nothing was written") {}
};

}  // namespace capsim
