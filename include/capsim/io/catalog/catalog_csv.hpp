#pragma once
// Instance catalogs in CSV (the bundled one is compiled into the library).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/market/spot_advisor.hpp"

namespace capsim::io {

/// Parses a catalog CSV with the columns of scenarios/data/aws-us-east-1/instance_catalog.csv.
/// Throws TraceError-style errors (file and line) through capsim::Error on bad rows.
InstanceCatalog parse_catalog_csv(std::string_view text, const std::string& display_file, std::string source);

/// A user's catalog file: CSV with the bundled catalog's columns, or JSON (an array of objects with
/// the same keys). Throws TraceError naming the file and the line or JSON pointer.
std::vector<InstanceType> read_catalog_file(const std::filesystem::path& path, const std::string& display);

/// Names of the catalogs compiled into the library ("aws-us-east-1").
std::vector<std::string> builtin_catalog_names();
/// A compiled-in catalog; throws capsim::Error with close matches for an unknown name.
InstanceCatalog builtin_catalog(std::string_view name);

/// The compiled-in Spot Instance Advisor figures of a builtin catalog's region (scenarios/data/
/// aws-us-east-1/spot_advisor.csv for "aws-us-east-1").
SpotAdvisor builtin_spot_advisor(std::string_view name);

}  // namespace capsim::io
