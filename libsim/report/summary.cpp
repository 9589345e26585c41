#include "capsim/report/summary.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

namespace capsim {

namespace {

std::string money(double usd) {
  // 12345.678 → "12,345.68"
  std::string digits = fmt::format("{:.2f}", std::fabs(usd));
  std::string whole = digits.substr(0, digits.size() - 3);
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  return (usd < 0 ? "-" : "") + out + digits.substr(digits.size() - 3);
}

std::string count(double v) {
  std::string s = money(std::round(v));
  return s.substr(0, s.size() - 3);
}

struct Table {
  std::vector<std::vector<std::string>> rows;  // first cell: label; empty row = blank line
  void add(std::vector<std::string> r) { rows.push_back(std::move(r)); }
  std::string render() const {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (width.size() <= i) width.push_back(0);
        if (r.size() > 1) width[i] = std::max(width[i], r[i].size());
      }
    std::string out;
    for (const auto& r : rows) {
      std::string line;
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (r.size() == 1) {
          line += r[i];
        } else if (i == 0) {
          line += fmt::format("{:<{}}", r[i], width[i]);
        } else {
          line += fmt::format("  {:>{}}", r[i], width[i]);
        }
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }
};

}  // namespace

std::string format_comparison(const RunResult& r) {
  std::string out;
  const double hours = to_hours(r.duration);
  const std::string span = hours >= 48 ? fmt::format("{:g} days", hours / 24) : hours >= 2 ? fmt::format("{:g} h", hours)
                                                                                       : fmt::format("{:g} min", hours * 60);
  out += fmt::format("Scenario {}: {} for {}, period {:g} s, seed {}, {} replicate{}; baseline policy: {}\n",
                     r.scenario, format_utc(r.start), span, to_seconds(r.period), r.seed,
                     r.replicates, r.replicates == 1 ? "" : "s (means shown)", r.baseline);
  out += "\n";
  Table t;
  std::vector<std::string> header{""};
  for (const auto& p : r.policies) header.push_back(p.name);
  t.add(header);
  auto row = [&](const std::string& label, const std::function<std::string(const PolicyResult&)>& cell) {
    std::vector<std::string> cells{label};
    for (const auto& p : r.policies) cells.push_back(cell(p));
    t.add(cells);
  };
  auto mean = [](auto f) { return [f](const PolicyResult& p) { return replicate_mean(p, f); }; };
  const PolicyResult* base = nullptr;
  for (const auto& p : r.policies)
    if (p.name == r.baseline) base = &p;

  t.add({"Cost over the window (USD)"});
  row("  GPU instances", [&](auto& p) { return money(mean([](auto& x) { return x.cost.gpu_instances_usd; })(p)); });
  row("  other instances", [&](auto& p) { return money(mean([](auto& x) { return x.cost.other_instances_usd; })(p)); });
  row("  EKS control plane", [&](auto& p) { return money(mean([](auto& x) { return x.cost.eks_control_plane_usd; })(p)); });
  row("  total", [&](auto& p) { return money(mean([](auto& x) { return x.cost.total_usd; })(p)); });
  row("  vs baseline", [&](auto& p) {
    if (!base || &p == base) return std::string("-");
    const double b = mean([](auto& x) { return x.cost.total_usd; })(*base);
    const double v = mean([](auto& x) { return x.cost.total_usd; })(p);
    return b > 0 ? fmt::format("{:+.1f}%", 100.0 * (v - b) / b) : std::string("-");
  });
  row("  allocated to pods' requests", [&](auto& p) { return money(replicate_mean(p, [](const ReplicateResult& x) { return x.cost.allocated_usd; })); });
  row("  requested by no pod (idle capacity)", [&](auto& p) { return money(replicate_mean(p, [](const ReplicateResult& x) { return x.cost.unallocated_usd; })); });
  // A section of "key=value" rows from a map every replicate carries (missing keys count 0).
  auto map_section = [&](const std::string& title, std::map<std::string, double> CostBreakdown::*field) {
    std::set<std::string> keys;
    for (const auto& p : r.policies)
      for (const auto& rep : p.replicates)
        for (const auto& [k, _] : rep.cost.*field) keys.insert(k);
    if (keys.empty()) return;
    t.add({title});
    for (const auto& key : keys)
      row("  " + key, [&](auto& p) {
        return money(replicate_mean(p, [&](const ReplicateResult& x) {
          auto it = (x.cost.*field).find(key);
          return it == (x.cost.*field).end() ? 0.0 : it->second;
        }));
      });
  };
  map_section("Cost allocated by pod label (USD)", &CostBreakdown::allocated_by_label_usd);
  map_section("Cost by tag (USD)", &CostBreakdown::by_tag_usd);
  t.add({"Fleet"});
  row("  nodes", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.nodes); })(p)); });
  row("  GPUs", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.gpus); })(p)); });
  row("  launches", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.launches); })(p)); });
  row("  spot interruptions", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.interruptions); })(p)); });
  row("  insufficient capacity", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.insufficient_capacity); })(p)); });
  row("  autoscaler nodes added / removed", [&](auto& p) {
    return fmt::format("{} / {}", count(mean([](auto& x) { return double(x.fleet.scale_ups); })(p)),
                       count(mean([](auto& x) { return double(x.fleet.scale_downs); })(p)));
  });
  row("  autoscaler provision timeouts", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.provision_timeouts); })(p)); });
  row("  target tracking instances added / removed", [&](auto& p) {
    return fmt::format("{} / {}", count(mean([](auto& x) { return double(x.fleet.target_tracking_scale_outs); })(p)),
                       count(mean([](auto& x) { return double(x.fleet.target_tracking_scale_ins); })(p)));
  });
  row("  node group scheduled actions", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.scheduled_actions); })(p)); });
  row("  Karpenter consolidations / replacements", [&](auto& p) {
    return fmt::format("{} / {}", count(mean([](auto& x) { return double(x.fleet.consolidations); })(p)),
                       count(mean([](auto& x) { return double(x.fleet.consolidation_replacements); })(p)));
  });
  row("  Karpenter expirations", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.expirations); })(p)); });
  row("  pods no provisioner could place", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.unschedulable); })(p)); });
  row("  pods disrupted", [&](auto& p) { return count(mean([](auto& x) { return double(x.fleet.pods_disrupted); })(p)); });
  row("  instance-hours", [&](auto& p) { return fmt::format("{:.1f}", mean([](auto& x) { return x.fleet.instance_hours; })(p)); });
  row("  GPU-hours", [&](auto& p) { return fmt::format("{:.1f}", mean([](auto& x) { return x.fleet.gpu_hours; })(p)); });

  std::vector<std::string> services;
  for (const auto& p : r.policies)
    for (const auto& rep : p.replicates)
      for (const auto& s : rep.services)
        if (std::find(services.begin(), services.end(), s.name) == services.end()) services.push_back(s.name);
  for (const auto& name : services) {
    auto svc = [&](const std::function<double(const ServiceResult&)>& f) {
      return [&, f](const PolicyResult& p) {
        return replicate_mean(p, [&](const ReplicateResult& x) {
          for (const auto& s : x.services)
            if (s.name == name) return f(s);
          return 0.0;
        });
      };
    };
    t.add({"Service " + name});
    row("  replicas at the end: placed / desired", [&](auto& p) {
      return fmt::format("{:g} / {:g}", svc([](auto& s) { return double(s.replicas_placed); })(p),
                         svc([](auto& s) { return double(s.replicas_requested); })(p));
    });
    row("  replica-minutes lost to disruptions", [&](auto& p) { return fmt::format("{:.1f}", svc([](auto& s) { return s.replica_minutes_lost; })(p)); });
    row("  cost allocated (USD)", [&](auto& p) { return money(svc([](auto& s) { return s.usage.allocated_usd; })(p)); });
    row("  GPU-hours requested / busy", [&](auto& p) {
      return fmt::format("{:.0f} / {:.0f}", svc([](auto& s) { return s.usage.gpu_hours_requested; })(p),
                         svc([](auto& s) { return s.usage.gpu_hours_busy; })(p));
    });
    row("  requested GPUs not serving (USD)", [&](auto& p) { return money(svc([](auto& s) { return s.usage.idle_requested_usd; })(p)); });
    row("  vCPU-hours requested / used", [&](auto& p) {
      return fmt::format("{:.0f} / {:.0f}", svc([](auto& s) { return s.usage.cpu_hours_requested; })(p),
                         svc([](auto& s) { return s.usage.cpu_hours_used; })(p));
    });
    row("  pod creations refused by quota", [&](auto& p) { return count(svc([](auto& s) { return double(s.quota_refused); })(p)); });
    row("  requests", [&](auto& p) { return count(svc([](auto& s) { return s.sla.requests; })(p)); });
    row("  missed", [&](auto& p) { return count(svc([](auto& s) { return s.sla.missed; })(p)); });
    row("  of which cut off in service", [&](auto& p) { return count(svc([](auto& s) { return s.sla.interrupted; })(p)); });
    row("  missed share", [&](auto& p) { return fmt::format("{:.4f}%", 100.0 * svc([](auto& s) { return s.sla.missed_share; })(p)); });
    row("  minutes under-provisioned", [&](auto& p) { return fmt::format("{:.1f}", svc([](auto& s) { return s.sla.minutes_under_provisioned; })(p)); });
    row("  availability (periods)", [&](auto& p) { return fmt::format("{:.4f}%", 100.0 * svc([](auto& s) { return s.sla.availability; })(p)); });
    row("  backlog p95 / max", [&](auto& p) {
      return fmt::format("{} / {}", count(svc([](auto& s) { return s.sla.backlog_p95; })(p)),
                         count(svc([](auto& s) { return s.sla.backlog_max; })(p)));
    });
  }
  out += t.render();

  // Assumptions: each unsourced figure once, with the policies that use it.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> assumed;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& p : r.policies)
    for (const auto& a : p.assumptions) {
      auto key = std::make_pair(a.pointer, a.value);
      if (!assumed.count(key)) order.push_back(key);
      assumed[key].push_back(p.name);
    }
  out += "\n";
  if (order.empty()) {
    out += "Assumptions: none (every typed-in figure has a source)\n";
  } else {
    out += "Assumptions (figures typed into the scenario without a source):\n";
    for (const auto& key : order) {
      const auto& users = assumed[key];
      std::string who;
      if (users.size() == r.policies.size()) who = "all policies";
      else
        for (std::size_t i = 0; i < users.size(); ++i) who += (i ? ", " : "") + users[i];
      out += fmt::format("  {} = {}  [{}]\n", key.first, key.second, who);
    }
  }
  if (!r.warnings.empty()) {
    out += "Warnings (reading the inputs):\n";
    for (const auto& w : r.warnings) out += "  " + w + "\n";
  }
  out += fmt::format("Catalog: {}\n", r.catalog_source);
  return out;
}

}  // namespace capsim
