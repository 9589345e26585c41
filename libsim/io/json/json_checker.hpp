#pragma once
// Internal to io/: typed reads from a JSON document that record a Diagnostic for every problem
// instead of stopping at the first, so `capsim validate` can list them all.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/core/distributions.hpp"
#include "capsim/core/error.hpp"
#include "capsim/core/sim_time.hpp"

namespace capsim::io::detail {

using nlohmann::json;

/// "/a/b" + "c~d" → "/a/b/c~0d" (RFC 6901 escaping).
std::string ptr_join(const std::string& ptr, const std::string& key);
std::string ptr_join(const std::string& ptr, std::size_t index);
/// How a JSON value reads in a message: `the string "x"`, `the number -3`, `an array`, ...
std::string describe(const json& j);

enum class Bound { Any, NonNegative, Positive };

class Checker {
 public:
  Checker(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  /// Maps a pointer in the checked document to where the value is written in the file (policies).
  std::function<std::string(const std::string&)> locate = [](const std::string& p) { return p; };

  void fail(const std::string& ptr, std::string expected, std::string got, std::string hint = {});
  void fail_message(const std::string& ptr, std::string message);
  const std::string& file() const { return file_; }
  std::size_t errors() const { return out_.size(); }

  /// True when `j` is an object that holds every `required` key, so the caller may read them;
  /// reports keys not in `allowed` (with close matches) and each missing required key.
  bool object(const json& j, const std::string& ptr, const std::vector<std::string>& allowed,
              const std::vector<std::string>& required = {});

  std::optional<std::string> string(const json& obj, const std::string& ptr, const char* key, bool non_empty = true);
  std::optional<std::string> one_of(const json& obj, const std::string& ptr, const char* key,
                                    const std::vector<std::string>& values, const std::string& hint_for_other = {});
  std::optional<double> number(const json& obj, const std::string& ptr, const char* key, Bound bound);
  std::optional<std::int64_t> integer(const json& obj, const std::string& ptr, const char* key, std::int64_t min,
                                      std::int64_t max = INT64_MAX);
  std::optional<bool> boolean(const json& obj, const std::string& ptr, const char* key);
  /// A number of seconds from `min` (0: zero allowed) to kMaxDurationSeconds, as SimDuration.
  std::optional<SimDuration> seconds(const json& obj, const std::string& ptr, const char* key, SimDuration min);
  /// A duration: seconds as a number > 0, or a string such as "30d" or "1h30m", up to 100 years.
  std::optional<SimDuration> duration(const json& obj, const std::string& ptr, const char* key);
  /// A distribution (a number is a constant).
  /// `may_be_negative`: a signed quantity (a shift), whose numbers and normal draws may be below zero.
  std::optional<Distribution> distribution(const json& obj, const std::string& ptr, const char* key, bool may_be_negative = false);
  /// An object of string values (tags, sources).
  std::map<std::string, std::string> string_map(const json& obj, const std::string& ptr, const char* key);

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
};

}  // namespace capsim::io::detail
