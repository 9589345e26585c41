"""Parameter sweeps: scenario variants by JSON pointer, each run through compare, in one tidy table.

Run in this process, or on a Dask cluster (Debian ``python3-distributed``)::

    import capsim
    sc = capsim.load_scenario("scenarios/gpu-inference-eks.json")
    result = capsim.sweep(sc, {"/services/0/replica/gpus": [1, 2], "/simulation/seed": [7, 8]}, replicates=20)
    result.to_pandas()            # one row per point x policy x replicate, a column per swept pointer
    result.comparisons[0]         # point 0's CompareResult

    from distributed import Client
    result = capsim.sweep(sc, grid, replicates=200, client=Client("tcp://scheduler:8786"))

Every point runs the same replicate numbers on the same seeds (common random numbers), so differences
between points are the parameters' effects. A point's results are the same bytes whether it runs
alone (``capsim compare`` on the patched file), in a sweep, sharded, or on Dask: on Dask each task
runs a block of one policy's replicates, and the blocks are gathered back into the run one process
would have made.

The scenario and every data file it names are sent to the workers as bytes (their folders kept
relative to each other), so workers need no shared file system; files the scenario names by absolute
path are shipped too, but the document still names them by that path, so they must exist there on
the workers. ``python3 -m capsim sweep`` is the command line behind ``capsim sweep --dask``.

Without a scheduler (a Kubernetes Indexed Job, an AWS Batch array job), each pod runs one shard::

    part = capsim.sweep(sc, grid, replicates=200, shard=(index, 8))   # capsim sweep --shard index/8
    part.write("/shared/sweep-42")                                    # the CLI's sweep-shard-index-of-8.json
    result = capsim.merge_sweep_shards(["/shared/sweep-42"])          # capsim merge: the unsharded SweepResult
"""
from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _capsim

Values = List[Tuple[str, str]]  # (JSON pointer, JSON text), as the C++ side takes them

# How long a client waits for an unreachable scheduler before it gives up.
CONNECT_TIMEOUT_S = 5


class SweepResult:
    """A sweep's points, each one's comparison (None when it failed), and the tidy tables."""

    def __init__(self, scenario_name: str, values: List[Values], comparisons: List[Optional[_capsim.CompareResult]],
                 errors: List[str]):
        self.scenario_name = scenario_name
        self._values = values
        self.comparisons = comparisons
        self.errors = {i: e for i, e in enumerate(errors) if e}
        self._error_list = errors

    @property
    def points(self) -> List[Dict[str, Any]]:
        """Each point's values, pointer -> Python value."""
        return [{p: json.loads(v) for p, v in point} for point in self._values]

    @property
    def pointers(self) -> List[str]:
        out: List[str] = []
        for point in self._values:
            out += [p for p, _ in point if p not in out]
        return out

    def labels(self) -> List[str]:
        return [_capsim.describe_values(v) for v in self._values]

    def table_csv(self) -> str:
        """sweep.csv: one row per point x policy x replicate, led by the point and its values."""
        return _capsim.sweep_table_csv(self._values, [
            None if c is None else _capsim.replicates_csv(c.run, c.comparison.month_factor) for c in self.comparisons])

    def summary_csv(self) -> str:
        """sweep_summary.csv: one row per point x policy (compare's summary.csv, led by the point)."""
        return _capsim.sweep_table_csv(self._values, [
            None if c is None else _capsim.comparison_summary_csv(c.comparison) for c in self.comparisons])

    def to_pandas(self):
        """sweep.csv as a DataFrame (pandas): a column per swept pointer, then compare's replicates.csv columns."""
        import io
        import pandas
        return pandas.read_csv(io.StringIO(self.table_csv()))

    def summary_frame(self):
        """sweep_summary.csv as a DataFrame: one row per point x policy."""
        import io
        import pandas
        return pandas.read_csv(io.StringIO(self.summary_csv()))

    def write(self, out_dir: str) -> str:
        """Writes the files capsim sweep writes (sweep.csv, sweep_summary.csv, summary.txt, points/N/); returns summary.txt."""
        return _capsim.write_sweep(out_dir, self.scenario_name, self._values, self.comparisons, self._error_list)

    def __repr__(self) -> str:
        return f"SweepResult('{self.scenario_name}', {len(self._values)} points, {len(self.errors)} failed)"


class SweepShard:
    """One shard of a sweep, run here (``sweep(..., shard=(index, count))``): the file ``capsim sweep
    --shard index/count`` writes, byte for byte. ``merge_sweep_shards`` makes the sweep from all of them."""

    def __init__(self, index: int, count: int, scenario_name: str, text: str, errors: List[str]):
        self.index = index
        self.count = count
        self.scenario_name = scenario_name
        self.errors = {i: e for i, e in enumerate(errors) if e}
        self._text = text

    @property
    def file_name(self) -> str:
        """sweep-shard-INDEX-of-COUNT.json, the name capsim sweep --shard gives it."""
        return f"sweep-shard-{self.index}-of-{self.count}.json"

    def to_json(self) -> str:
        return self._text

    def write(self, out_dir: str) -> str:
        """Writes out_dir/sweep-shard-INDEX-of-COUNT.json atomically (out_dir made if missing); returns its path."""
        os.makedirs(out_dir, exist_ok=True)
        return str(_capsim.write_sweep_shard(out_dir, self.index, self.count, self._text))

    def __repr__(self) -> str:
        return f"SweepShard('{self.scenario_name}', shard {self.index} of {self.count}, {len(self.errors)} failed)"


def merge_sweep_shards(shards: Sequence[Any]) -> SweepResult:
    """The sweep its shards make together, as ``capsim merge`` makes it: the SweepResult (and so the
    files) an unsharded sweep gives. shards: SweepShard values, their files, or folders holding
    sweep-shard-I-of-N.json files. Raises capsim.Error when they do not belong together (another
    scenario file, points or choices; another shard count), when one is missing or given twice."""
    if isinstance(shards, (str, bytes, os.PathLike, SweepShard)):
        shards = [shards]
    paths: List[str] = []
    texts: List[Tuple[str, str]] = []
    for s in shards:
        if isinstance(s, SweepShard):
            texts.append((f"shard {s.index} of {s.count} of sweep '{s.scenario_name}' (in memory)", s.to_json()))
        elif isinstance(s, (str, os.PathLike)):
            if os.path.isdir(s):
                found = sorted(n for n in os.listdir(s) if n.startswith("sweep-shard-") and n.endswith(".json"))
                if not found:
                    raise _capsim.Error(f"{os.fspath(s)}: no sweep shard file (sweep-shard-I-of-N.json) in the directory")
                paths += [os.path.join(s, n) for n in found]
            else:
                paths.append(os.fspath(s))
        else:
            raise TypeError(f"merge_sweep_shards: expected SweepShard values, files or folders, got {type(s).__name__}")
    name, values, comparisons, errors = _capsim.merge_sweep_shards(paths, texts)
    return SweepResult(name, values, comparisons, errors)


def _check_shard(shard) -> Tuple[int, int]:
    ok = isinstance(shard, (tuple, list)) and len(shard) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in shard)
    if not ok or shard[1] < 1 or not 0 <= shard[0] < shard[1]:
        raise ValueError(f"shard={shard!r}: expected (INDEX, COUNT) with 0 <= INDEX < COUNT, such as (0, 4) (Kubernetes "
                         "Indexed Jobs number from 0)")
    return shard[0], shard[1]


def grid_points(grid: Mapping[str, Sequence[Any]]) -> List[Values]:
    """The Cartesian product of {pointer: [values]}, the first pointer varying slowest."""
    if not isinstance(grid, Mapping):
        raise TypeError("grid: expected {pointer: [values, ...]}, such as {'/services/0/replica/gpus': [1, 2]}")
    params = []
    for pointer, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
            raise TypeError(f"grid['{pointer}']: expected a non-empty list of values, got {values!r}")
        params.append((pointer, [json.dumps(v, allow_nan=False) for v in values]))
    return _capsim.cartesian_points(params)


def list_points(points: Sequence[Mapping[str, Any]]) -> List[Values]:
    if len(points) == 0:
        raise ValueError("points: expected a non-empty list of {pointer: value} points")
    return [[(p, json.dumps(v, allow_nan=False)) for p, v in point.items()] for point in points]


def sweep(scenario: _capsim.Scenario, grid: Optional[Mapping[str, Sequence[Any]]] = None, replicates: int = 0, *,
          points: Optional[Sequence[Mapping[str, Any]]] = None,
          policies: Sequence[str] = (), baseline: str = "", client=None, block_size: int = 0,
          on_error: str = "stop", threads: int = 1, progress: Any = False, retries: int = 2,
          shard: Optional[Tuple[int, int]] = None) -> Union[SweepResult, SweepShard]:
    """Runs every point of the grid (their Cartesian product) or of ``points`` through compare.

    grid: {JSON pointer: [values]}; points: [{JSON pointer: value}, ...] instead. replicates (0: the
    scenario's), policies and baseline as in compare. client: a distributed.Client to run on Dask, in
    tasks of (point, policy, block_size replicates; 0: all of them), each retried ``retries`` times;
    a task whose worker dies is run again elsewhere. on_error: 'stop' (raise before anything runs
    when a point does not load, or when one fails) or 'continue' (the failures are in
    result.errors). progress: True for a text bar on stderr, or a callable(done, total).

    shard=(index, count): run only shard index of count of the sweep's (point, policy, replicate)
    runs, as ``capsim sweep --shard index/count`` does (one per Kubernetes Indexed Job pod or AWS
    Batch array child), and return a SweepShard (its .write(dir) writes the CLI's file, byte for
    byte); ``merge_sweep_shards`` makes the SweepResult from all of them. Without shard: a SweepResult.
    """
    if on_error not in ("stop", "continue"):
        raise ValueError(f"on_error='{on_error}': expected 'stop' or 'continue'")
    if shard is not None:
        shard = _check_shard(shard)
        if client is not None:
            raise ValueError("shard runs a slice of the sweep in this process, for a Kubernetes Indexed Job or an AWS Batch "
                             "array job; client sends the whole sweep to a Dask cluster: give one of them")
    if (grid is None) == (points is None):
        raise ValueError("give either grid ({pointer: [values]}) or points ([{pointer: value}, ...])")
    values = grid_points(grid) if grid is not None else list_points(points)
    return _sweep_values(scenario, values, replicates=replicates, policies=list(policies), baseline=baseline,
                         client=client, block_size=block_size, on_error=on_error, threads=threads,
                         progress=progress, retries=retries, shard=shard)


def _sweep_values(scenario, values: List[Values], *, replicates, policies, baseline, client, block_size, on_error,
                  threads, progress, retries, shard=None) -> Union[SweepResult, SweepShard]:
    _capsim.compare_choices(scenario, policies, baseline, replicates)  # bad choices fail before any point loads
    loaded: List[Optional[_capsim.Scenario]] = []
    errors: List[str] = []
    failures = []
    for i, v in enumerate(values):
        label = f"sweep point {i}: {_capsim.describe_values(v)}"
        try:
            sc = scenario.patch({p: json.loads(x) for p, x in v}, label=label)
            loaded.append(_capsim.compare_choices(sc, policies, baseline, replicates))
            errors.append("")
        except _capsim.Error as e:
            loaded.append(None)
            errors.append(str(e))
            failures.append(f"point {i} does not load:\n  " + str(e).replace("\n", "\n  "))
    if failures and on_error == "stop":
        raise _capsim.Error(f"{len(failures)} of {len(values)} sweep points cannot run; nothing ran "
                            "(on_error='continue' runs the others):\n" + "\n".join(failures))
    if shard is not None:
        text, errors = _capsim.run_sweep_shard(scenario, values, loaded, errors, shard[0], shard[1], policies, baseline,
                                               replicates, on_error, threads)
        return SweepShard(shard[0], shard[1], scenario.name, text, errors)
    report = _progress_reporter(progress)
    if client is None:
        comparisons = _run_here(loaded, values, errors, on_error, threads, report)
    else:
        comparisons = _run_on_dask(client, scenario, loaded, values, errors, (policies, baseline, replicates),
                                   block_size, on_error, retries, report)
    return SweepResult(scenario.name, values, comparisons, errors)


def _progress_reporter(progress) -> Optional[Callable[[int, int], None]]:
    if callable(progress):
        return progress
    if not progress:
        return None
    started = time.monotonic()

    def bar(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        filled = 30 * done // total if total else 30
        rate = done / elapsed if elapsed > 0 else 0.0
        sys.stderr.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {done}/{total} tasks, {rate:.1f} tasks/s ")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return bar


def _compare_result(run) -> _capsim.CompareResult:
    out = _capsim.CompareResult()
    out.run = run
    out.comparison = _capsim.compare_policies(run)
    return out


def _run_here(loaded, values, errors, on_error, threads, report):
    out = []
    total = sum(1 for s in loaded if s is not None)
    done = 0
    for i, sc in enumerate(loaded):
        if sc is None:
            out.append(None)
            continue
        try:
            out.append(_compare_result(_capsim.run(sc, threads=threads)))
        except _capsim.Error as e:
            if on_error == "stop":
                raise _capsim.Error(f"sweep point {i} ({_capsim.describe_values(values[i])}): {e}") from None
            out.append(None)
            errors[i] = str(e)
        done += 1
        if report:
            report(done, total)
    return out


# ---- Dask -------------------------------------------------------------------------------------

def _files_of(scenarios) -> List[Tuple[str, str]]:
    """(absolute path, name as the scenario or --manifests gave it) of every file to send: the files
    the documents name, and every file in a folder of manifests. Raises capsim.Error naming a file that
    cannot be read now (moved or deleted since the scenario loaded): a worker would fail on it later,
    far from the cause."""
    files: Dict[str, str] = {}
    for sc in scenarios:
        for given in [*sc.document_files, *sc.document_manifests]:
            f = os.path.abspath(given)
            if os.path.isdir(f):  # a folder of Kubernetes manifests: every file in it
                for d, _, names in os.walk(f):
                    files.update((os.path.join(d, n), os.path.join(given, os.path.relpath(os.path.join(d, n), f))) for n in names)
            else:
                files[f] = given
    return sorted(files.items())


def _read_to_ship(path: str, given: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as e:
        raise _capsim.Error(f"{given}: cannot send it to the Dask workers: {e.strerror or e} (the scenario or its manifests "
                            "name it, and it could be read when the scenario loaded: was it moved or deleted since?)") from None


def scenario_package(scenario, variants=()) -> Dict[str, Any]:
    """The scenario's document and the bytes of every file it (or a variant) names, the Kubernetes
    manifests it was loaded with (load_scenario(manifests=), --manifests) included, their folders kept
    relative to each other: what a worker without the scenario's file system needs to load it."""
    base_dir = os.path.abspath(scenario.base_dir)
    files = _files_of([scenario, *variants])
    manifests = [os.path.abspath(m) for m in scenario.document_manifests]
    root = os.path.commonpath([base_dir, *manifests, *(f for f, _ in files)])
    blobs = {}
    digest = hashlib.sha256(scenario.document_text.encode())
    for f, given in files:
        rel = os.path.relpath(f, root)
        blobs[rel] = _read_to_ship(f, given)
        digest.update(rel.encode() + b"\0" + hashlib.sha256(blobs[rel]).digest())
    shipped_manifests = [os.path.relpath(m, root) for m in manifests]
    digest.update(json.dumps(shipped_manifests).encode())
    return {"text": scenario.document_text, "file": scenario.display_file, "dir": os.path.relpath(base_dir, root),
            "files": blobs, "manifests": shipped_manifests, "digest": digest.hexdigest()}


_MATERIALISED: Dict[str, str] = {}  # package digest -> its root folder on this worker
_BASES: Dict[str, Any] = {}  # package digest -> the scenario loaded from it (a sweep's points are patches of it)
_LOADED: Dict[Tuple[str, str], tuple] = {}  # (digest, point and choices) -> (scenario, its demand draws), a few kept


def _materialise(package) -> str:
    root = _MATERIALISED.get(package["digest"])
    if root is not None:
        return root
    root = tempfile.mkdtemp(prefix="capsim-sweep-")
    atexit.register(shutil.rmtree, root, True)
    for rel, data in package["files"].items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
    os.makedirs(os.path.join(root, package["dir"]), exist_ok=True)
    _MATERIALISED[package["digest"]] = root
    return root


def _base_scenario(package):
    """The package's scenario, loaded once per worker: each point is a patch of it, as on the client."""
    base = _BASES.get(package["digest"])
    if base is None:
        root = _materialise(package)
        base = _capsim.load_sweep_point(package["text"], package["file"], os.path.normpath(os.path.join(root, package["dir"])), [],
                                        manifests=[os.path.join(root, m) for m in package.get("manifests", [])])
        if len(_BASES) >= 2:
            _BASES.pop(next(iter(_BASES)))
        _BASES[package["digest"]] = base
    return base


def run_task(package, values: Values, label: str, choices, block) -> list:
    """One task on a worker: the point's scenario from the package's bytes, one block of one policy's
    replicates. Returns their ReplicateResults."""
    key = (package["digest"], json.dumps([values, list(choices[0]), choices[1], choices[2]]))
    loaded = _LOADED.get(key)
    if loaded is None:
        base = _base_scenario(package)
        sc = _capsim.patch_sweep_point(base, values, label) if values else base
        sc = _capsim.compare_choices(sc, list(choices[0]), choices[1], choices[2])
        # Demand is the world: drawn once per replicate here and shared by every policy's block of it
        # that this worker runs (the results are the same as drawing it per run).
        loaded = (sc, _capsim.DemandDraws(sc, len(sc.policy_names)))
        if len(_LOADED) >= 4:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = loaded
    return _capsim.run_block(loaded[0], block, loaded[1])


def connect(address: str, timeout_s: float = CONNECT_TIMEOUT_S):
    """A distributed.Client for the scheduler at address; a clear error when it cannot be reached."""
    try:
        from distributed import Client
    except ImportError as e:
        raise _capsim.Error("running on Dask needs the distributed package (Debian: apt-get install python3-distributed)") from e
    try:
        return Client(address, timeout=f"{timeout_s}s")
    except (OSError, TimeoutError) as e:
        raise _capsim.Error(f"cannot reach the Dask scheduler at {address} within {timeout_s:g} s ({type(e).__name__}: {e}); "
                            "start one with `dask-scheduler` and workers with `dask-worker ADDRESS`, or check the address "
                            "(tcp://host:8786)") from None


def _run_on_dask(client, scenario, loaded, values, errors, choices, block_size, on_error, retries, report):
    from distributed import as_completed

    package = scenario_package(scenario, [s for s in loaded if s is not None])
    [shipped] = client.scatter([package], broadcast=True, hash=False)
    run_id = uuid.uuid4().hex[:8]
    blocks: Dict[int, list] = {}
    for i, sc in enumerate(loaded):
        if sc is not None:
            blocks[i] = _capsim.replicate_blocks(sc, block_size or sc.replicates)
    plan = [(i, b) for i in blocks for b in range(len(blocks[i]))]
    # One graph of tasks without worker restrictions: the scheduler holds them in its queue and hands
    # the next one to whichever worker is free (Dask's root-task queuing), so the workers end
    # together whatever the tasks cost. A point's policies then run on both workers, each loading
    # the point and drawing its demand (about 2% of the point's runs on the default scenario), where
    # worker restrictions kept a point on one worker but, the policies' costs being unequal (the
    # default scenario's first two take a tenth to a fifth of the others' time), left one worker idle at the end.
    futures = client.map(run_task, [shipped] * len(plan), [values[i] for i, _ in plan],
                         [f"sweep point {i}: {_capsim.describe_values(values[i])}" for i, _ in plan], [choices] * len(plan),
                         [blocks[i][b] for i, b in plan], key=[f"capsim-sweep-{run_id}-{i}-{b}" for i, b in plan],
                         retries=retries, pure=False) if plan else []
    tasks = dict(zip(futures, plan))
    pieces = {i: [None] * len(bs) for i, bs in blocks.items()}
    done = 0
    try:
        for f in as_completed(list(tasks)):
            i, b = tasks[f]
            if f.status == "error":
                e = f.exception()
                if on_error == "stop":
                    raise _capsim.Error(f"sweep point {i} ({_capsim.describe_values(values[i])}), policy "
                                        f"'{blocks[i][b].policy}': {e}") from None
                errors[i] = errors[i] or str(e)
            else:
                pieces[i][b] = f.result()
            done += 1
            if report:
                report(done, len(tasks))
    finally:
        client.cancel(list(tasks))
    out = []
    for i, sc in enumerate(loaded):
        if sc is None or errors[i]:
            out.append(None)
            continue
        out.append(_compare_result(_capsim.gather_blocks(sc, pieces[i], blocks[i])))
    return out


# ---- the command line behind `capsim sweep --dask` --------------------------------------------

def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m capsim sweep", description=(
        "capsim sweep on a Dask cluster (capsim sweep --dask runs this): scenario variants by JSON pointer, each run "
        "through compare, written as capsim sweep writes them."))
    ap.add_argument("scenario")
    ap.add_argument("--param", action="append", default=[], help="/POINTER=V1,V2,... (repeat; their product is swept)")
    ap.add_argument("--points", help="a JSON file of points: [{\"/pointer\": value, ...}, ...]")
    ap.add_argument("-r", "--replicates", type=int, default=0)
    ap.add_argument("--policies", default="")
    ap.add_argument("--baseline", default="")
    ap.add_argument("-o", "--out", default="capsim-sweep")
    ap.add_argument("--on-error", choices=["stop", "continue"], default="stop")
    ap.add_argument("--dask", help="the scheduler's address (tcp://host:8786); without it the sweep runs in this process")
    ap.add_argument("--block-size", type=int, default=0, help="replicates per task (default: all of a policy's)")
    ap.add_argument("--data-root")
    ap.add_argument("--manifests", action="append", default=[],
                    help="Kubernetes manifests (files or folders) for every policy without its own, as capsim compare --manifests")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    try:
        if a.param and a.points:
            raise _capsim.Error("give the points either as --param (their Cartesian product) or as --points FILE, not both")
        if a.points:
            values = _capsim.read_sweep_points(a.points)
        else:
            values = _capsim.cartesian_points([_capsim.parse_sweep_param(p) for p in a.param])
        scenario = _capsim.load_scenario(a.scenario, a.data_root, a.manifests)
        client = connect(a.dask) if a.dask else None
        try:
            result = _sweep_values(scenario, values, replicates=a.replicates,
                                   policies=[p for p in a.policies.split(",") if p], baseline=a.baseline,
                                   client=client, block_size=a.block_size, on_error=a.on_error, threads=1,
                                   progress=not a.quiet and sys.stderr.isatty(), retries=2)
        finally:
            if client is not None:
                client.close()
        os.makedirs(a.out, exist_ok=True)
        text = result.write(a.out)
    except _capsim.Error as e:
        print(f"capsim: error: {e}", file=sys.stderr)
        return 2
    if not a.quiet:
        print(text, end="")
        print(f"\nWrote {a.out}: sweep.csv (point x policy x replicate), sweep_summary.csv (point x policy), summary.txt, "
              "points/N/ (each point's summary.csv and replicates.csv, as compare writes them)")
    if result.errors:
        print(f"capsim: {len(result.errors)} of {len(values)} sweep points failed (--on-error continue):\n" +
              "\n".join(f"point {i} failed: {e}" for i, e in sorted(result.errors.items())), file=sys.stderr)
        return 1
    return 0


