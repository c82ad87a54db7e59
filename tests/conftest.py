"""Shared fixtures: small real datasets, a temp output folder, and the shared benchmark data when present."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# Every Ray node a test starts (the test cluster, the CLI's local Ray) binds to 127.0.0.1 only:
# Ray reads this before choosing a node IP (ray._private.services.get_node_ip_address). It must be
# set before ray is imported; subprocesses inherit it.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"


@pytest.fixture
def out_dir(tmp_path) -> Path:
    return tmp_path / "results"


@pytest.fixture(scope="session")
def breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame


@pytest.fixture(scope="session")
def wine():
    from sklearn.datasets import load_wine

    return load_wine(as_frame=True).frame


@pytest.fixture(scope="session")
def diabetes():
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame


def shared_dataset(name: str):
    """(DataFrame, manifest entry) of a dataset in ../shared/datasets, or skip when it is absent."""
    import pandas as pd

    manifest = SHARED / "manifest.json"
    if not manifest.is_file():
        pytest.skip(f"../shared/datasets is not present beside the project ({SHARED}); skipping real-data test")
    entry = next(e for e in json.loads(manifest.read_text()) if e["name"] == name)
    return pd.read_csv(SHARED / entry["file"]), entry
