"""Real messy data from ../shared/datasets (skipped with a message when it is absent)."""

from __future__ import annotations

import json

import pytest

import automl
from tests.conftest import shared_dataset

pytestmark = pytest.mark.slow


def test_telco_churn_ids_and_numbers_stored_as_text(out_dir):
    df, entry = shared_dataset("telco_churn")
    res = automl.fit(df, entry["target"], n_trials=4, include=["linear", "hist_gradient_boosting"], output_dir=out_dir)
    schema = json.loads((res.run_dir / "run.json").read_text())["schema"]
    assert "customerID" in schema["dropped"]  # a row identifier
    assert "TotalCharges" in schema["numeric"]  # text with blank cells, read as numbers
    assert res.task == "binary" and res.best_score > 0.8


def test_nyc_taxis_datetime_text_columns(out_dir):
    df, entry = shared_dataset("nyc_taxis")
    res = automl.fit(df, entry["target"], n_trials=3, include=["hist_gradient_boosting"], output_dir=out_dir)
    schema = json.loads((res.run_dir / "run.json").read_text())["schema"]
    assert {"pickup", "dropoff"} <= set(schema["datetime"])
    assert res.task == "regression" and res.best_score < df[entry["target"]].std()
