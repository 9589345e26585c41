import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("CAPSIM_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def data_dir():
    return SOURCE_DIR / "tests" / "data"


@pytest.fixture
def cli():
    """The capsim command line built beside this module (ctest sets CAPSIM_CLI)."""
    path = os.environ.get("CAPSIM_CLI", str(SOURCE_DIR / "build" / "release" / "capsim"))
    assert os.path.exists(path), f"no capsim command line at {path}: build it, or set CAPSIM_CLI"
    return path
