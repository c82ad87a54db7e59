"""Real messy data from ../shared/datasets (skipped with a message when it is absent)."""

from __future__ import annotations

import json

import pytest

import automl
from tests.conftest import shared_dataset

pytestmark = pytest.mark.slow


def test_telco_churn_ids_and_numbers_stored_as_text(out_dir):
    df, entry = shared_dataset("telco_churn")
    res = automl.fit(df, entry["target"], n_trials=2, include=["linear", "hist_gradient_boosting"], output_dir=out_dir)
    schema = json.loads((res.run_dir / "run.json").read_text())["schema"]
    assert "customerID" in schema["dropped"]  # a row identifier
    assert "TotalCharges" in schema["numeric"]  # text with blank cells, read as numbers
    assert res.task == "binary" and res.best_score > 0.8


def test_nyc_taxis_datetime_text_columns(out_dir):
    df, entry = shared_dataset("nyc_taxis")
    res = automl.fit(df, entry["target"], n_trials=1, include=["hist_gradient_boosting"], output_dir=out_dir)
    schema = json.loads((res.run_dir / "run.json").read_text())["schema"]
    assert {"pickup", "dropoff"} <= set(schema["datetime"])
    assert res.task == "regression" and res.best_score < df[entry["target"]].std()


def test_catboost_family_on_categoricals_with_missing_values(out_dir, tmp_path):
    """The optional CatBoost family takes raw rows with text categoricals (its own categorical
    handling), scores above chance on unseen rows and survives save/load."""
    pytest.importorskip("catboost", reason='the optional CatBoost family: pip install "automl[catboost]"')
    df, entry = shared_dataset("credit_g")
    target = entry["target"]
    df = df.assign(checking_status=df["checking_status"].mask(df.index % 7 == 0))  # missing categoricals too
    train, new = df.iloc[:800], df.iloc[800:]
    res = automl.fit(train, target, n_trials=1, include=["catboost"], output_dir=out_dir, seed=0)
    done = res.leaderboard[res.leaderboard["trial"] >= 0]
    assert (done["family"] == "catboost").all() and (done["status"] == "complete").all()
    assert res.best_score > 0.7  # CV ROC AUC; the constant predictor scores 0.5
    X_new = new.drop(columns=[target])
    from sklearn.metrics import roc_auc_score

    proba = res.predict_proba(X_new)
    positive = list(res.classes_).index("good")
    assert roc_auc_score(new[target] == "good", proba[:, positive]) > 0.7
    back = automl.load(res.save(tmp_path / "saved"))
    assert (back.predict_proba(X_new) == proba).all()
