"""The package installs: CMake's `python` component into a user site directory, from which a clean
interpreter imports it without PYTHONPATH; pyproject.toml describes the same package for a wheel."""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

import capsim

PACKAGE_DIR = pathlib.Path(__file__).resolve().parents[1] / "capsim"


def build_dir():
    """The build tree the module under test comes from (ctest sets CAPSIM_BUILD_DIR)."""
    d = os.environ.get("CAPSIM_BUILD_DIR")
    if d:
        return pathlib.Path(d)
    here = pathlib.Path(capsim.__file__).resolve().parents[2]  # <build>/python/capsim/__init__.py
    return here if (here / "CMakeCache.txt").exists() else None


def clean_env(home):
    # What a new login shell of another user would have: no PYTHONPATH, its own HOME.
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def test_install_component_into_the_user_site(tmp_path, source_dir):
    build = build_dir()
    if build is None:
        pytest.skip("capsim was not imported from a CMake build tree (set CAPSIM_BUILD_DIR)")
    cmake = shutil.which("cmake")
    assert cmake, "cmake is not on PATH"
    home = tmp_path / "home"
    home.mkdir()
    # The user base of that HOME, as the README's set-up (.ci/quickstart.sh) asks the interpreter.
    base = subprocess.run([sys.executable, "-m", "site", "--user-base"], env=clean_env(home), capture_output=True, text=True,
                          check=True).stdout.strip()
    assert base == str(home / ".local")
    subprocess.run([cmake, "--install", str(build), "--component", "python", "--prefix", base], check=True, capture_output=True)
    scenario = source_dir / "tests" / "data" / "scenarios" / "hand.json"
    code = f"""
import os, capsim
assert "PYTHONPATH" not in os.environ
print(capsim.__file__)
r = capsim.run(capsim.load_scenario({str(scenario)!r}))
print(round(r.policies[0].replicates[0].services[0].sla.missed, 6))
print(callable(capsim.Scenario.from_dict), callable(capsim.plot.ladder), callable(capsim.RunResult.to_pandas))
"""
    out = subprocess.run([sys.executable, "-c", code], env=clean_env(home), cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    where, missed, methods = out.stdout.splitlines()
    # Imported from the user site of that HOME, not from the build tree.
    assert pathlib.Path(where).resolve().is_relative_to((home / ".local").resolve()), where
    assert float(missed) == 100  # tests/data/scenarios/hand.json: 100 of 480 requests missed
    assert methods == "True True True"
    # Every file of the package is installed (a new module forgotten in CMake fails here).
    installed = pathlib.Path(where).parent
    for f in PACKAGE_DIR.iterdir():
        if f.is_file() and f.suffix in (".py", ".pyi", ".typed"):
            assert (installed / f.name).exists(), f"{f.name} is not installed by the python component"
    assert any(p.name.startswith("_capsim.") and p.suffix == ".so" for p in installed.iterdir())


def test_pyproject_builds_the_same_package(source_dir):
    # Only what runs here: the file parses, its version is CMake's, and the CMake options it passes
    # exist. (A wheel build needs scikit-build-core from PyPI: python3 -m build --wheel.)
    meta = tomllib.loads((source_dir / "pyproject.toml").read_text())
    assert meta["build-system"]["build-backend"] == "scikit_build_core.build"
    skb = meta["tool"]["scikit-build"]
    cmake_lists = (source_dir / "CMakeLists.txt").read_text()
    version = re.search(skb["metadata"]["version"]["regex"], cmake_lists).group("value")
    assert version == capsim.__version__
    assert skb["install"]["components"] == ["python"]
    for arg in skb["cmake"]["args"]:
        name = re.match(r"-D(\w+)=", arg).group(1)
        assert f"option({name} " in cmake_lists, f"pyproject.toml passes {name}, which CMakeLists.txt does not declare"
    python_cmake = (source_dir / "python" / "CMakeLists.txt").read_text()
    assert "if(SKBUILD)" in python_cmake and "COMPONENT python" in python_cmake
