#include "capsim/workload/batch/task_graph.hpp"

#include <algorithm>
#include <map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <fmt/format.h>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"

namespace capsim {

namespace {

// Edges run from a task to the tasks that wait for it. vecS keeps vertices in file order, so the
// graph (and everything read off it) is the same on every platform.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

// Known edges only: unknown names are the caller's error to report.
Graph graph_of(const std::vector<TaskSpec>& tasks) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < tasks.size(); ++i) index.emplace(tasks[i].name, i);
  Graph g(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i)
    for (const std::string& before : tasks[i].after)
      if (auto it = index.find(before); it != index.end()) boost::add_edge(it->second, i, g);
  return g;
}

// Remembers the DFS tree and the first back edge: the edge that closes a cycle.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* parent;
  std::pair<Vertex, Vertex>* back;
  bool* found;
  void tree_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) const {
    if (!*found) *back = {boost::source(e, g), boost::target(e, g)}, *found = true;
  }
};

}  // namespace

std::vector<std::string> find_task_cycle(const std::vector<TaskSpec>& tasks) {
  const Graph g = graph_of(tasks);
  std::vector<Vertex> parent(tasks.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  std::pair<Vertex, Vertex> back{};
  bool found = false;
  boost::depth_first_search(g, boost::visitor(CycleFinder{{}, &parent, &back, &found}));
  if (!found) return {};
  // The back edge u → v closes v → … → u in the tree: walk up from u to v.
  const auto [u, v] = back;
  std::vector<std::string> cycle{tasks[u].name};
  for (Vertex x = u; x != v; x = parent[x]) cycle.push_back(tasks[parent[x]].name);
  std::reverse(cycle.begin(), cycle.end());
  cycle.push_back(cycle.front());
  return cycle;
}

TaskGraph TaskGraph::build(const std::vector<TaskSpec>& tasks, const std::string& where) {
  const std::string at = where.empty() ? "" : where + ": ";
  std::vector<std::string> names;
  for (const TaskSpec& t : tasks) names.push_back(t.name);
  for (const TaskSpec& t : tasks)
    for (const std::string& before : t.after) {
      if (before == t.name) throw Error(fmt::format("{}task '{}' comes after itself", at, t.name));
      if (std::find(names.begin(), names.end(), before) == names.end()) {
        const std::string hint = did_you_mean(before, names);
        throw Error(fmt::format("{}task '{}' comes after '{}', which is no task of this job{}", at, t.name, before,
                                hint.empty() ? "" : " (" + hint + ")"));
      }
    }
  if (auto cycle = find_task_cycle(tasks); !cycle.empty())
    throw Error(fmt::format("{}the tasks' 'after' lists form a cycle: {}", at, fmt::join(cycle, " → ")));

  TaskGraph out;
  const Graph g = graph_of(tasks);
  out.parents_.resize(tasks.size());
  out.children_.resize(tasks.size());
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    out.parents_[boost::target(*e, g)].push_back(boost::source(*e, g));
    out.children_[boost::source(*e, g)].push_back(boost::target(*e, g));
  }
  std::vector<Vertex> reversed;
  boost::topological_sort(g, std::back_inserter(reversed));
  out.order_.assign(reversed.rbegin(), reversed.rend());
  return out;
}

TaskSchedule TaskGraph::schedule(const std::vector<double>& duration_s) const {
  const std::size_t n = size();
  TaskSchedule s;
  s.earliest_start_s.assign(n, 0);
  std::vector<double> finish(n, 0);
  for (std::size_t t : order_) {
    for (std::size_t p : parents_[t]) s.earliest_start_s[t] = std::max(s.earliest_start_s[t], finish[p]);
    finish[t] = s.earliest_start_s[t] + duration_s[t];
    s.length_s = std::max(s.length_s, finish[t]);
  }
  s.latest_start_s.assign(n, 0);
  std::vector<double> latest_finish(n, s.length_s);
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
    const std::size_t t = *it;
    for (std::size_t c : children_[t]) latest_finish[t] = std::min(latest_finish[t], s.latest_start_s[c]);
    s.latest_start_s[t] = latest_finish[t] - duration_s[t];
  }
  s.slack_s.resize(n);
  for (std::size_t t = 0; t < n; ++t) s.slack_s[t] = s.latest_start_s[t] - s.earliest_start_s[t];
  // The critical path: from a task that ends last, back through the parent that finished last.
  if (n == 0) return s;
  std::size_t at = 0;
  for (std::size_t t = 0; t < n; ++t)
    if (finish[t] > finish[at]) at = t;
  for (;;) {
    s.critical_path.push_back(at);
    if (parents_[at].empty()) break;
    std::size_t best = parents_[at].front();
    for (std::size_t p : parents_[at])
      if (finish[p] > finish[best]) best = p;
    at = best;
  }
  std::reverse(s.critical_path.begin(), s.critical_path.end());
  return s;
}

}  // namespace capsim
