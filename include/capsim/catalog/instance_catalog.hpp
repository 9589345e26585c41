#pragma once
// The instance types a scenario may buy, looked up by name.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/instance_type.hpp"

namespace capsim {

class InstanceCatalog {
 public:
  InstanceCatalog() = default;
  /// `source` names where the facts come from (kept in results and reports).
  InstanceCatalog(std::vector<InstanceType> types, std::string source);

  /// The type named `name`; throws capsim::Error naming the bad key and the closest names.
  const InstanceType& at(std::string_view name) const;
  /// The type named `name`, or nullopt.
  std::optional<InstanceType> find(std::string_view name) const;
  bool contains(std::string_view name) const { return index_.count(std::string(name)) > 0; }
  /// Up to `n` known names closest to `name` (edit distance), closest first.
  std::vector<std::string> closest(std::string_view name, std::size_t n = 3) const;

  const std::vector<InstanceType>& types() const { return types_; }
  const std::string& source() const { return source_; }
  /// Adds a type, or replaces the one of the same name; true when it replaced one.
  bool upsert(InstanceType type);
  /// Replaces a type's on-demand price (discounts, another region).
  void override_price(std::string_view name, double ondemand_usd_per_h);

 private:
  std::vector<InstanceType> types_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::string source_;
};

}  // namespace capsim
