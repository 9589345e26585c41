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
