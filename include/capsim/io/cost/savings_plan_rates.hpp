#pragma once
// Savings Plan rates from a CSV file: one row per instance type and Savings Plan product.
//
//   # lines starting with '#' are comments (sources, dates); blank lines are skipped
//   instance_type,family,plan,term,payment,usd_per_h
//   g5.xlarge,g5,compute,1y,no-upfront,0.7
//   g5.xlarge,g5,ec2-instance,3y,all-upfront,0.35
//
// instance_type: a type of the scenario's catalog. family: that type's family in the catalog (written
// out so an EC2 Instance plan's family can be read off the file). plan: compute | ec2-instance.
// term: 1y | 3y. payment: no-upfront | partial-upfront | all-upfront. usd_per_h: the Savings Plans
// rate per instance-hour in the catalog's region, > 0 and at most the type's on-demand price. Columns
// in any order, each once; no other column; no quoted fields; one row per (type, plan, term, payment).
// A product missing from the file has no rate: plans do not cover that type (see apply_commitments).
#include <filesystem>
#include <string>
#include <string_view>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/cost/commitments.hpp"

namespace capsim::io {

/// Parses rate CSV text. Throws TraceError naming `display` and the line: what was expected and what
/// was found (with close matches for misspelt names). The rates' source is `display`.
SavingsPlanRates parse_savings_plan_rates(std::string_view text, const std::string& display, const InstanceCatalog& catalog);

/// Reads a rate file (see parse_savings_plan_rates); a missing or unreadable file is a TraceError too.
SavingsPlanRates read_savings_plan_rates(const std::filesystem::path& path, const std::string& display,
                                         const InstanceCatalog& catalog);

}  // namespace capsim::io
