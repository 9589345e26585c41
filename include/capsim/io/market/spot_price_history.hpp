#pragma once
// Spot price history as the AWS CLI prints it: `aws ec2 describe-spot-price-history`.
#include <map>
#include <string>
#include <vector>

#include "capsim/catalog/instance_catalog.hpp"
#include "capsim/io/traces/cloudwatch.hpp"  // InputFile
#include "capsim/market/spot_prices.hpp"

namespace capsim::io {

struct SpotPriceHistoryOptions {
  // Zone IDs name the same physical zone in every account; zone names are shuffled per account, so
  // only the user can say which name an ID is for them.
  std::map<std::string, std::string> zone_ids;  // zone ID ("use1-az4") -> zone name ("us-east-1a")
  std::string product = "Linux/UNIX";           // ProductDescription to keep; others are skipped and counted in the warnings
  // Whole-region histories list types a scenario's catalog leaves out; without this they are errors.
  bool skip_unknown_types = false;  // skip (and count in the warnings) instance types not in the catalog
};

/// Reads `aws ec2 describe-spot-price-history` output files (several pages: NextToken) into one
/// series per (instance type, zone), ascending in time. Entries carry AvailabilityZone (a name) or
/// AvailabilityZoneId (mapped through zone_ids); with both, the name is used and must agree with
/// zone_ids when the ID is listed there. Prices are strings ("0.370100"). Newest first in the
/// files; order does not matter. Two entries for the same pool and instant must agree (identical
/// ones are merged). Series come ordered by instance type, then zone (both as plain strings).
/// Throws TraceError (file and JSON pointer, or line for malformed JSON); an output with no entry
/// left to keep is an error too. Warnings: entries skipped (other products, unknown types) and pools
/// whose spot price rises above the type's on-demand price.
std::vector<SpotPriceSeries> read_spot_price_history(const std::vector<InputFile>& files, const InstanceCatalog& catalog,
                                                     const SpotPriceHistoryOptions& options, std::vector<std::string>& warnings);

}  // namespace capsim::io
