#pragma once
// What a run reports about its own daily spend (analysis settings, shared by every policy): a
// forecast of the days after the window, and anomaly detection over the window's days.
#include <string>
#include <vector>

#include "capsim/cost/spend_anomalies.hpp"
#include "capsim/cost/spend_forecast.hpp"

namespace capsim {

struct SpendForecastSpec {
  int days = 0;                     // the horizon after the window; 0: no forecast
  std::vector<double> history_usd;  // real daily spend before the window (the day before it last)
  double level = kAwsForecastLevel;
};

struct SpendAnomalySpec {
  bool enabled = false;
  // Dimensions whose values are watched for the root cause: "node_pool", "capacity_type",
  // "instance_type", "zone", "aws_service", "tag:<key>".
  std::vector<std::string> dimensions;
  SpendAnomalyOptions options;
};

}  // namespace capsim
