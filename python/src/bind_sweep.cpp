// Sweeps: scenario variants by JSON pointer (Scenario.patch), sweep points, replicate blocks that
// run on any worker, and the sweep's files (the Python half is capsim/sweeps.py).
#include <fmt/format.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "capsim/core/error.hpp"
#include "capsim/io/atomic_write.hpp"
#include "capsim/io/results/shard_file.hpp"
#include "capsim/io/results/sweep_shard_file.hpp"
#include "capsim/io/results/sweep_table.hpp"
#include "capsim/io/scenario/scenario_loader.hpp"
#include "capsim/io/scenario/scenario_patch.hpp"
#include "capsim/io/scenario/sweep_points.hpp"
#include "capsim/sim/compare.hpp"
#include "capsim/sim/replicate_blocks.hpp"

namespace py = pybind11;

namespace capsim::py_bind {

namespace {

using ValueList = std::vector<std::pair<std::string, std::string>>;  // (pointer, JSON text)

// {pointer: Python value} -> values as JSON text (json.dumps: what the loader would read).
std::vector<io::PointerValue> pointer_values(const py::dict& values) {
  const py::object dumps = py::module_::import("json").attr("dumps");
  std::vector<io::PointerValue> out;
  for (const auto& [k, v] : values) {
    if (!py::isinstance<py::str>(k)) throw py::type_error("patch keys are JSON pointers (str), such as '/services/0/replica/gpus'");
    out.push_back({k.cast<std::string>(), dumps(v, py::arg("allow_nan") = false).cast<std::string>()});
  }
  return out;
}

std::vector<io::PointerValue> from_list(const ValueList& values) {
  std::vector<io::PointerValue> out;
  for (const auto& [p, v] : values) out.push_back({p, v});
  return out;
}

ValueList to_list(const std::vector<io::PointerValue>& values) {
  ValueList out;
  for (const auto& v : values) out.emplace_back(v.pointer, v.value_json);
  return out;
}

// A sweep's shard i of n run here, as `capsim sweep --shard i/n` runs it: the sweep's (point,
// policy, replicate) runs are numbered point by point and this shard runs those whose number leaves
// i when divided by n. `loaded`: each point's scenario narrowed to the choices (none when it did not
// load; its error is in `errors`). Returns the shard's file text and the errors, a point that failed
// to run added (on_error "continue"; "stop" raises naming the point).
std::pair<std::string, std::vector<std::string>> run_sweep_shard(const Scenario& base, const std::vector<ValueList>& values,
                                                                 const std::vector<std::optional<Scenario>>& loaded,
                                                                 std::vector<std::string> errors, Shard shard,
                                                                 const io::SweepShardChoices& choices, int threads) {
  if (loaded.size() != values.size() || errors.size() != values.size())
    throw py::value_error("run_sweep_shard: values, loaded and errors need one entry per point");
  std::vector<std::vector<io::PointerValue>> points;
  for (const auto& v : values) points.push_back(from_list(v));
  io::SweepShard sharded{shard, "", "", base.name, {}};
  // The CLI digests the scenario file's bytes; a scenario loaded in Python keeps that text.
  sharded.identity = io::shard_identity_of_text(base.document.text, io::sweep_shard_choices(choices, points));
  RunOptions opt;
  opt.threads = threads;
  std::size_t offset = 0;  // runs of the points before this one
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    io::SweepShardPoint p{points[i], {}, errors[i]};
    if (loaded[i]) {
      const Scenario& sc = *loaded[i];
      opt.shard = io::sweep_point_shard(shard, offset);
      offset += sc.policies.size() * static_cast<std::size_t>(sc.simulation.replicates);
      try {
        py::gil_scoped_release release;
        p.run = ShardedRun{opt.shard, "", sharded.identity, run_scenario(sc, opt)};
      } catch (const Error& e) {
        if (choices.on_error == "stop") throw Error(fmt::format("sweep point {} ({}): {}", i, io::describe_values(points[i]), e.what()));
        p.error = errors[i] = e.what();
      }
    }
    sharded.points.push_back(std::move(p));
  }
  return {io::sweep_shard_to_json(sharded), errors};
}

}  // namespace

void bind_sweep(py::module_& m) {
  auto scenario = py::reinterpret_borrow<py::class_<Scenario>>(m.attr("Scenario"));
  scenario.def(
      "patch",
      [](const Scenario& s, const py::dict& values, const std::string& label) { return io::patch_scenario(s, pointer_values(values), label); },
      py::arg("values"), py::arg("label") = "",
      "A new scenario with values set by JSON pointer ({'/services/0/replica/gpus': 2}), loaded and checked as a file is (the "
      "same messages; label names the variant in them). Only places the document sets can be changed: a pointer that does not "
      "exist raises ScenarioError naming the closest ones.");
  scenario.def_property_readonly(
      "document_files",
      [](const Scenario& s) {
        std::vector<std::string> out;
        for (const auto& f : s.document.files) out.push_back(f.string());
        return out;
      },
      "every data file it named (traces, catalogs, price histories), resolved against base_dir");
  scenario.def_property_readonly(
      "document_manifests",
      [](const Scenario& s) {
        std::vector<std::string> out;
        for (const auto& f : s.document.manifests) out.push_back(f.string());
        return out;
      },
      "the Kubernetes manifests (files or folders) it was loaded with from outside the document (load_scenario(manifests=), "
      "--manifests), as given");

  m.def(
      "load_sweep_point",
      [](const std::string& text, const std::string& display_file, const std::filesystem::path& base_dir, const ValueList& values,
         const std::string& label, const std::optional<std::filesystem::path>& data_root,
         const std::vector<std::filesystem::path>& manifests) {
        io::LoadOptions o;
        o.data_root = data_root;
        o.manifests = manifests;
        py::gil_scoped_release release;
        const Scenario base = io::load_scenario_text(text, display_file, base_dir, o);
        return values.empty() ? base : io::patch_scenario(base, from_list(values), label);
      },
      py::arg("text"), py::arg("display_file"), py::arg("base_dir"), py::arg("values"), py::arg("label") = "",
      py::arg("data_root") = py::none(), py::arg("manifests") = std::vector<std::filesystem::path>{},
      "A scenario document (text, named display_file in messages, relative paths against base_dir, loaded with the given "
      "Kubernetes manifests as load_scenario(manifests=) does) with a sweep point's (pointer, JSON) values set: what a Dask "
      "worker loads from the bytes it was sent.");
  m.def(
      "patch_sweep_point",
      [](const Scenario& base, const ValueList& values, const std::string& label) {
        py::gil_scoped_release release;
        return io::patch_scenario(base, from_list(values), label);
      },
      py::arg("base"), py::arg("values"), py::arg("label") = "",
      "The scenario with a sweep point's (pointer, JSON text) values set, loaded again (Scenario.patch with the values as the "
      "sweep holds them): a Dask worker patches the base it loaded once.");
  m.def(
      "compare_choices",
      [](const Scenario& s, const std::vector<std::string>& policies, const std::string& baseline, int replicates) {
        CompareOptions o;
        o.policies = policies;
        o.baseline = baseline;
        o.replicates = replicates;
        return scenario_to_compare(s, o);
      },
      py::arg("scenario"), py::arg("policies") = std::vector<std::string>{}, py::arg("baseline") = "", py::arg("replicates") = 0,
      "The scenario narrowed to the chosen policies (default all), baseline and replicates (0: the scenario's), as compare does.");

  m.def(
      "parse_sweep_param",
      [](const std::string& text) {
        const auto p = io::parse_sweep_param(text);
        return std::make_pair(p.pointer, p.values_json);
      },
      py::arg("text"), "'/pointer=v1,v2' -> (pointer, [JSON text of each value]), as capsim sweep --param reads it.");
  m.def(
      "cartesian_points",
      [](const std::vector<std::pair<std::string, std::vector<std::string>>>& params) {
        std::vector<io::SweepParam> ps;
        for (const auto& [p, vs] : params) ps.push_back({p, vs});
        std::vector<ValueList> out;
        for (const auto& point : io::cartesian_points(ps)) out.push_back(to_list(point));
        return out;
      },
      py::arg("params"), "Every combination of (pointer, [JSON values]) parameters, the first varying slowest.");
  m.def(
      "read_sweep_points",
      [](const std::filesystem::path& file) {
        std::vector<ValueList> out;
        for (const auto& point : io::read_sweep_points(file)) out.push_back(to_list(point));
        return out;
      },
      py::arg("path"), "A points file ([{pointer: value, ...}, ...]) as lists of (pointer, JSON text).");
  m.def(
      "describe_values", [](const ValueList& values) { return io::describe_values(from_list(values)); }, py::arg("values"),
      "'/a=1 /b=\"x\"': a point's values as its label.");

  py::class_<ReplicateBlock>(m, "ReplicateBlock", "A policy's replicates first .. first + count - 1: one task of a distributed sweep.")
      .def(py::init([](const std::string& policy, int first, int count) { return ReplicateBlock{policy, first, count}; }),
           py::arg("policy"), py::arg("first"), py::arg("count"))
      .def_readonly("policy", &ReplicateBlock::policy)
      .def_readonly("first", &ReplicateBlock::first)
      .def_readonly("count", &ReplicateBlock::count)
      .def("__eq__", [](const ReplicateBlock& a, const ReplicateBlock& b) { return a == b; })
      .def("__repr__", [](const ReplicateBlock& b) {
        return "ReplicateBlock('" + b.policy + "', " + std::to_string(b.first) + ", " + std::to_string(b.count) + ")";
      })
      .def(py::pickle([](const ReplicateBlock& b) { return py::make_tuple(b.policy, b.first, b.count); },
                      [](const py::tuple& t) {
                        if (t.size() != 3) throw std::runtime_error("bad pickle state for ReplicateBlock");
                        return ReplicateBlock{t[0].cast<std::string>(), t[1].cast<int>(), t[2].cast<int>()};
                      }));
  m.def("replicate_blocks", &replicate_blocks, py::arg("scenario"), py::arg("block_size"),
        "Each policy's replicates in blocks of at most block_size, policy by policy.");
  py::class_<DemandDraws>(m, "DemandDraws",
                          "Each replicate's demand, drawn once and shared by the blocks of every policy run in this process "
                          "(a Dask worker keeps one per sweep point); a replicate's draws go after runs_per_replicate runs.")
      .def(py::init([](const Scenario& s, std::size_t runs_per_replicate) {
             return std::make_unique<DemandDraws>(s, std::vector<std::size_t>(static_cast<std::size_t>(s.simulation.replicates),
                                                                               runs_per_replicate));
           }),
           py::arg("scenario"), py::arg("runs_per_replicate"), py::keep_alive<1, 2>());
  m.def(
      "run_block",
      [](const Scenario& s, const ReplicateBlock& b, DemandDraws* draws) {
        py::gil_scoped_release release;
        return run_block(s, b, draws);
      },
      py::arg("scenario"), py::arg("block"), py::arg("draws") = nullptr,
      "The block's replicates (no series): the same results the whole run gives them. draws: demand shared with other "
      "policies' blocks in this process (the same scenario); None draws it for each run.");
  m.def("gather_blocks", &gather_blocks, py::arg("scenario"), py::arg("pieces"), py::arg("blocks"),
        "The run made of the blocks' results (any order), as run() would return it; raises Error on a missing or repeated replicate.");
  m.def(
      "write_sweep",
      [](const std::filesystem::path& dir, const std::string& scenario_name, const std::vector<ValueList>& values,
         const std::vector<std::optional<CompareResult>>& results, const std::vector<std::string>& errors) {
        if (values.size() != results.size() || values.size() != errors.size())
          throw py::value_error("write_sweep: values, results and errors need one entry per point");
        std::vector<io::SweepPointOutcome> points;
        for (std::size_t i = 0; i < values.size(); ++i) {
          io::SweepPointOutcome o{from_list(values[i]), {}, {}, errors[i]};
          if (results[i]) o.run = results[i]->run, o.comparison = results[i]->comparison;
          points.push_back(std::move(o));
        }
        return io::write_sweep(dir, scenario_name, points);
      },
      py::arg("dir"), py::arg("scenario_name"), py::arg("values"), py::arg("results"), py::arg("errors"),
      "Writes the sweep's files as capsim sweep does (sweep.csv, sweep_summary.csv, summary.txt, points/N/); returns summary.txt.");
  m.def(
      "run_sweep_shard",
      [](const Scenario& base, const std::vector<ValueList>& values, const std::vector<std::optional<Scenario>>& loaded,
         const std::vector<std::string>& errors, std::size_t index, std::size_t count, const std::vector<std::string>& policies,
         const std::string& baseline, int replicates, const std::string& on_error, int threads) {
        if (count == 0 || index >= count)
          throw py::value_error(fmt::format("shard=({}, {}): expected (INDEX, COUNT) with 0 <= INDEX < COUNT", index, count));
        std::vector<std::string> manifests;
        for (const auto& m : base.document.manifests) manifests.push_back(m.string());
        return run_sweep_shard(base, values, loaded, errors, {index, count}, {policies, baseline, replicates, on_error, manifests},
                               threads);
      },
      py::arg("base"), py::arg("values"), py::arg("loaded"), py::arg("errors"), py::arg("index"), py::arg("count"),
      py::arg("policies"), py::arg("baseline"), py::arg("replicates"), py::arg("on_error"), py::arg("threads") = 1,
      "Shard index of count of a sweep of base's points (values; loaded: each point's scenario narrowed to the choices, None "
      "when it did not load, its error in errors): runs the shard's runs and returns (the text capsim sweep --shard "
      "index/count writes, the errors with points that failed to run added).");
  m.def(
      "write_sweep_shard",
      [](const std::filesystem::path& dir, std::size_t index, std::size_t count, const std::string& text) {
        const auto file = dir / io::sweep_shard_file_name({index, count});
        io::write_file_atomically(file, text);
        return file;
      },
      py::arg("dir"), py::arg("index"), py::arg("count"), py::arg("text"),
      "Writes a sweep shard's text atomically to dir/sweep-shard-INDEX-of-COUNT.json (dir must exist); returns the path.");
  m.def(
      "merge_sweep_shards",
      [](const std::vector<std::filesystem::path>& paths, const std::vector<std::pair<std::string, std::string>>& texts) {
        std::vector<io::SweepShard> shards;
        for (const auto& p : paths) shards.push_back(io::read_sweep_shard(p));
        for (const auto& [source, text] : texts) shards.push_back(io::sweep_shard_from_json(text, source));
        py::gil_scoped_release release;
        std::vector<io::SweepPointOutcome> outcomes = io::merge_sweep_shards(shards);
        std::vector<ValueList> values;
        std::vector<std::optional<CompareResult>> results;
        std::vector<std::string> errors;
        for (auto& o : outcomes) {
          values.push_back(to_list(o.values));
          errors.push_back(o.error);
          if (!o.run) {
            results.emplace_back();
            continue;
          }
          check_same_demand(*o.run);
          CompareResult r;
          r.comparison = compare_policies(*o.run);
          r.run = std::move(*o.run);
          results.emplace_back(std::move(r));
        }
        return std::make_tuple(shards.front().scenario_name, values, results, errors);
      },
      py::arg("paths"), py::arg("texts") = std::vector<std::pair<std::string, std::string>>{},
      "The sweep made of its shards (files, and (source, text) pairs), as capsim merge makes it: (scenario name, each point's "
      "values, its CompareResult or None when it failed, its error). Raises Error when the shards do not belong together or "
      "one is missing.");
  m.def(
      "sweep_table_csv",
      [](const std::vector<ValueList>& values, const std::vector<std::optional<std::string>>& csvs) {
        if (values.size() != csvs.size()) throw py::value_error("sweep_table_csv: one CSV (or None) per point");
        std::vector<io::SweepPointRows> rows;
        std::vector<std::vector<io::PointerValue>> all;
        for (std::size_t i = 0; i < values.size(); ++i) {
          all.push_back(from_list(values[i]));
          if (csvs[i]) rows.push_back({static_cast<int>(i), all.back(), *csvs[i]});
        }
        return io::sweep_table_csv(io::sweep_pointers(all), rows);
      },
      py::arg("values"), py::arg("csvs"),
      "The points' CSVs (None for a failed point) stacked, each row led by its point number and values (sweep.csv's layout).");
}

}  // namespace capsim::py_bind
