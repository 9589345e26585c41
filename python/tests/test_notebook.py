"""The seed-story notebook runs end to end (Debian python3-nbclient and python3-ipykernel)."""
import os
import pathlib

import pytest

import capsim

NOTEBOOK = "examples/notebooks/seed-story.ipynb"


def test_seed_story_notebook_runs(source_dir):
    try:
        import nbclient
        import nbformat
    except ImportError as e:
        pytest.skip(f"nbclient is not installed ({e}); Debian: python3-nbclient python3-ipykernel (.ci/install-deps.sh)")
    path = source_dir / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    # Run from the notebook's folder, as a user opening it would, importing the capsim under test
    # (its folder first on the kernel's path, absolute: the kernel runs elsewhere).
    env = dict(os.environ)
    here = str(pathlib.Path(capsim.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([here] + [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)  # raises CellExecutionError naming the cell on any error, the notebook's own checks included
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell did not run"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # The three plots were drawn as images (ladder, capacity, cost).
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3, f"{len(images)} images"
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "chosen: " in text and "report.html" in text
