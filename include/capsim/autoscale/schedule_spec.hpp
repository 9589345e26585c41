#pragma once
// Scheduled scaling as the scenario gives it.
#include <optional>
#include <string>

namespace capsim {

/// A cron schedule that sets an HPA's bounds, or a node group's size as an EC2 Auto Scaling
/// scheduled action does (scheduled scaling).
struct ScheduleSpec {
  std::string schedule;   // 5-field cron or macro
  std::string time_zone = "UTC";
  std::string hpa;        // the service whose HPA it changes...
  std::optional<int> min_replicas;
  std::optional<int> max_replicas;
  std::string node_group;  // ...or the node group whose MinSize / MaxSize / DesiredCapacity it sets
  std::optional<int> min_size;
  std::optional<int> max_size;
  std::optional<int> desired_capacity;
};

}  // namespace capsim
