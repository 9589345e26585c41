"""Scenarios as Python values: ``Scenario.from_dict`` / ``.to_dict()`` and ``.with_policy(...)``.

A scenario keeps the document it was loaded from; a variant is that document changed and loaded
again by the same loader as a file, so it is validated with the same messages (they name the
display file, such as ``<dict>``, and the JSON pointer) and runs exactly as the file would.
"""
import json
import math
import numbers
import os

from ._capsim import Scenario, load_scenario_text


def _pointer_token(key):
    # RFC 6901: "~" and "/" inside a key are escaped.
    return str(key).replace("~", "~0").replace("/", "~1")


def _plain(value, pointer, display_file):
    """`value` as JSON-ready Python (numpy scalars and tuples accepted), or a TypeError/ValueError
    naming the display file and the JSON pointer of the first value JSON cannot hold."""
    where = f"{display_file}: {pointer or '/'}"
    if value is None or isinstance(value, (str, bool)):
        return value
    if type(value).__name__ == "bool_":  # numpy.bool_ (not a subclass of bool)
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"{where}: expected a finite number, got {x!r} (JSON has no NaN or infinity)")
        return x
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where}: expected object keys that are strings, got {k!r} ({type(k).__name__})")
            out[k] = _plain(v, f"{pointer}/{_pointer_token(k)}", display_file)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{pointer}/{i}", display_file) for i, v in enumerate(value)]
    raise TypeError(f"{where}: expected a JSON value (dict, list, str, number, bool or None), got {type(value).__name__}")


def from_dict(d, base_dir=".", name="<dict>", data_root=None):
    """Loads and validates a scenario given as a dict (the JSON document of a scenario file).

    Relative paths inside it (traces, catalogs, price histories) resolve from ``base_dir``; messages
    name ``name`` and the JSON pointer, as they name the file for ``load_scenario``. Raises
    ScenarioError listing every problem, and TypeError/ValueError for a value JSON cannot hold.
    """
    if not isinstance(d, dict):
        raise TypeError(f"{name}: expected a scenario as a dict, got {type(d).__name__}")
    text = json.dumps(_plain(d, "", name), indent=2, allow_nan=False)
    return load_scenario_text(text, name, os.fspath(base_dir), None if data_root is None else os.fspath(data_root))


def to_dict(self):
    """The scenario's document as a dict: the one it was loaded from, with its current seed and
    replicates. ``Scenario.from_dict(sc.to_dict(), base_dir=sc.base_dir)`` loads it again."""
    return json.loads(self.document_text)


def effective_dict(self, policy):
    """One policy's document as a dict: the scenario without ``policies``, the policy's chain of
    patches applied (what the policy runs)."""
    return json.loads(self.effective_document_text(policy))


def with_policy(self, name, patch=None, parent=None, description=""):
    """A copy with the policy ``name`` added after the others (or replacing the one of that name, in
    its place): ``patch`` is its JSON Merge Patch of the choices (services, cluster, batch,
    commitments; services, node groups and NodePools merge by name), ``parent`` the policy it
    extends (None: the base document). Validated as a file is; messages name
    "<file> with policy 'NAME'" and the JSON pointer (/policies/N/patch/...)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"with_policy: expected a policy name (a non-empty string), got {name!r}")
    if parent is not None and not isinstance(parent, str):
        raise TypeError(f"with_policy: expected parent as a policy name or None, got {type(parent).__name__}")
    label = f"{self.display_file} with policy '{name}'"
    patch = {} if patch is None else patch
    if not isinstance(patch, dict):
        raise TypeError(f"{label}: patch: expected a dict (a JSON Merge Patch of the choices), got {type(patch).__name__}")
    text = json.dumps(_plain(patch, "/patch", label), allow_nan=False)
    return self.with_policy_json(name, text, parent, description)


Scenario.from_dict = staticmethod(from_dict)
Scenario.to_dict = to_dict
Scenario.effective_dict = effective_dict
Scenario.with_policy = with_policy
