#pragma once
// Fixtures several test files share, so each file does not define its own copy.
#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/core/sim_time.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/io/text_parse.hpp"

namespace capsim::test {

/// An instant written in ISO 8601 ("2024-05-10T00:00:00Z"); the tests' literals are valid.
inline UtcTime at(const char* iso) { return *io::parse_iso8601(iso); }

/// The built-in us-east-1 catalog, read once per test process.
inline const InstanceCatalog& catalog() {
  static const InstanceCatalog c = io::builtin_catalog("aws-us-east-1");
  return c;
}

}  // namespace capsim::test
