#pragma once
// The run summary: one aligned column per policy (cost split, fleet, SLA measures), then the
// assumptions, so nobody mistakes an unsourced figure for a fact.
#include <string>

#include "capsim/report/result.hpp"

namespace capsim {

/// Mean of a quantity over a policy's replicates.
template <class F>
double replicate_mean(const PolicyResult& p, F&& value) {
  if (p.replicates.empty()) return 0.0;
  double s = 0;
  for (const auto& r : p.replicates) s += value(r);
  return s / static_cast<double>(p.replicates.size());
}

/// The side-by-side comparison printed by `capsim run`.
std::string format_comparison(const RunResult& result);

/// What follows the table: the assumptions (each unsourced figure once, with the policies using
/// it), pods pending at the end, the warnings from reading the inputs, and the catalog's source.
std::string format_run_notes(const RunResult& result);

}  // namespace capsim
