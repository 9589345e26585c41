#pragma once
// The fluid SLA model: demand joins a FIFO backlog that capacity drains; a request's wait is
// estimated as the backlog ahead of it divided by capacity, and a request whose wait would exceed
// max_wait_s is missed (dropped, or served late). Within a segment of constant arrival rate and
// capacity the backlog moves linearly, so every quantity is computed exactly in closed form.
namespace capsim {

/// What happens to a request that would wait longer than its SLA allows.
enum class OverloadAction { Drop, Late };

struct FluidTotals {
  double arrived = 0;
  double served = 0;
  double missed = 0;               // dropped (drop), served later than max_wait_s (late), or cut off in service
  double interrupted = 0;          // of those, cut off in service when their replica stopped abruptly
  double under_provisioned_s = 0;  // time with capacity below the arrival rate
  double backlog_max = 0;
};

class FluidQueue {
 public:
  FluidQueue(double max_wait_s, OverloadAction on_overload) : max_wait_s_(max_wait_s), on_overload_(on_overload) {}

  /// Advances `duration_s` seconds with constant arrival rate and capacity (requests/s).
  void advance(double duration_s, double arrival_rps, double capacity_rps);
  /// Requests cut off while being served (their replica stopped abruptly): they miss the SLA.
  void interrupt(double requests) {
    totals_.missed += requests;
    totals_.interrupted += requests;
  }

  double backlog() const { return backlog_; }
  const FluidTotals& totals() const { return totals_; }

 private:
  double max_wait_s_;
  OverloadAction on_overload_;
  double backlog_ = 0;
  FluidTotals totals_;
};

}  // namespace capsim
