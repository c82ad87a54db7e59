"""End-to-end on messy frames: mixed column kinds, awkward names, label kinds, rare classes, files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import automl

pytestmark = pytest.mark.slow
rng = np.random.default_rng(0)
FAST = dict(n_trials=3, time_budget=60, include=["linear", "hist_gradient_boosting", "xgboost"])


def messy_frame(n: int = 600) -> pd.DataFrame:
    x = rng.normal(size=n)
    colour = rng.choice(["red", "green", "blue"], n)
    df = pd.DataFrame({
        "x value": np.where(rng.random(n) < 0.1, np.nan, x),
        "with inf": np.where(rng.random(n) < 0.03, np.inf, rng.normal(size=n)),
        "colour": np.where(rng.random(n) < 0.05, None, colour),
        "when": pd.date_range("2021-01-01", periods=n, freq="D").astype(str),
        "user id [x]": [f"u{i}" for i in rng.integers(0, 3000, n)],  # high cardinality, XGBoost-hostile name
        "a<b>:\"q\"": rng.normal(size=n),
        "constant": "same",
        3: rng.normal(size=n),  # a non-string column name
    })
    df["target "] = np.where(x + (colour == "red") + rng.normal(scale=0.5, size=n) > 0.5, "yes", "no")
    return df


def test_messy_frame_end_to_end(out_dir):
    df = messy_frame()
    res = automl.fit(df, "target ", output_dir=out_dir, **FAST)
    assert res.task == "binary" and list(res.classes_) == ["no", "yes"]
    assert (res.leaderboard["status"] == "complete").sum() >= 3, res.leaderboard[["family", "error"]]
    X = df.drop(columns=["target "])
    assert (res.predict(X) == df["target "]).mean() > 0.8
    assert res.leaderboard.iloc[0]["score"] > 0.8
    # new rows with unseen categories, new missing values, reordered and extra columns
    new = X.head(20).copy()
    new["colour"] = ["purple"] * 10 + [None] * 10
    new["x value"] = np.nan
    new["when"] = "2030-06-01"
    new = new[list(new.columns)[::-1]].assign(unexpected=1)
    proba = res.predict_proba(new)
    assert proba.shape == (20, 2) and np.allclose(proba.sum(axis=1), 1)
    with pytest.raises(automl.ColumnsMissingError, match="'colour'"):
        res.predict(X.drop(columns=["colour"]))
    info = (res.run_dir / "run.json").read_text()
    assert "constant" in info  # the dropped column is recorded in the schema


@pytest.mark.parametrize("labels", [
    np.array([True, False]), np.array([1, 5, 9]), np.array(["low", "mid", "high"]),
], ids=["bool", "gapped-ints", "strings"])
def test_label_kinds_are_decoded(labels, out_dir):
    n = 300
    x = rng.normal(size=n)
    idx = np.digitize(x, np.quantile(x, np.linspace(0, 1, len(labels) + 1)[1:-1]))
    df = pd.DataFrame({"x": x, "noise": rng.normal(size=n), "y": labels[idx]})
    res = automl.fit(df, "y", output_dir=out_dir, task=None if len(labels) != 3 or labels.dtype.kind != "i" else "multiclass", **FAST)
    assert list(res.classes_) == sorted(labels.tolist())
    pred = res.predict(df[["x", "noise"]])
    assert set(pred.tolist()) <= set(labels.tolist()) and (pred == df["y"]).mean() > 0.85


def test_rare_class_with_a_single_sample(out_dir):
    n = 300
    x = rng.normal(size=n)
    y = np.where(x > 0, "pos", "neg").astype(object)
    y[0] = "singleton"
    df = pd.DataFrame({"x": x, "z": rng.normal(size=n), "y": y})
    res = automl.fit(df, "y", output_dir=out_dir, **FAST)
    assert res.task == "multiclass" and list(res.classes_) == ["neg", "pos", "singleton"]
    proba = res.predict_proba(df[["x", "z"]])
    assert proba.shape == (n, 3) and np.allclose(proba.sum(axis=1), 1)
    # columns follow classes_: "pos" rows get their mass in column 1
    assert proba[x > 1, 1].mean() > 0.8
    assert (res.leaderboard["status"] == "complete").any()


def test_csv_and_parquet_paths(tmp_path, out_dir):
    df = messy_frame(200).drop(columns=[3])  # parquet needs string column names
    csv, parquet = tmp_path / "d.csv", tmp_path / "d.parquet"
    df.to_csv(csv, index=False)
    df.to_parquet(parquet)
    for path in (csv, str(parquet)):
        res = automl.fit(path, "target ", output_dir=out_dir, n_trials=2, include=["linear"])
        assert res.task == "binary" and res.leaderboard.iloc[0]["status"] == "complete"


def test_same_seed_same_scores_with_a_target_encoded_column(out_dir):
    """High-cardinality columns are target-encoded with cross-fitting folds: they must follow the seed."""
    df = messy_frame()
    runs = [automl.fit(df, "target ", output_dir=out_dir, n_trials=2, include=["linear"], ensemble=False, seed=0)
            for _ in range(2)]
    a, b = (r.leaderboard.sort_values("trial")["score"].tolist() for r in runs)
    assert a == b
