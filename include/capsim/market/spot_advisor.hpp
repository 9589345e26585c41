#pragma once
// The Spot Instance Advisor's figures per instance type: the interruption-frequency bucket and the
// typical savings against on-demand.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace capsim {

struct SpotAdvisorEntry {
  int bucket = 0;            // 0: <5%, 1: 5-10%, 2: 10-15%, 3: 15-20%, 4: >20% of instances interrupted a month
  double savings_pct = 0;    // spot price = on-demand × (1 − savings_pct / 100)
};

class SpotAdvisor {
 public:
  SpotAdvisor() = default;
  SpotAdvisor(std::map<std::string, SpotAdvisorEntry, std::less<>> entries, std::string source)
      : entries_(std::move(entries)), source_(std::move(source)) {}
  std::optional<SpotAdvisorEntry> find(std::string_view type) const {
    auto it = entries_.find(type);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  const std::string& source() const { return source_; }
  std::size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, SpotAdvisorEntry, std::less<>> entries_;
  std::string source_;
};

}  // namespace capsim
