"""Clustering: no target given -> automl searches clustering families and exports a model that
labels raw rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

import automl
from automl.errors import ConfigError
from tests.conftest import shared_dataset

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wine_search(tmp_path_factory, wine):
    """One search on the wine table's 13 measurements, the cultivar column removed."""
    X = wine.drop(columns=["target"])
    res = automl.fit(X, n_trials=16, output_dir=tmp_path_factory.mktemp("results"), seed=0)
    return res, X, wine["target"]


def test_no_target_searches_clustering_families_and_finds_the_cultivars(wine_search):
    res, X, cultivar = wine_search
    assert res.task == "clustering" and res.metric == "silhouette" and res.greater_is_better
    done = res.leaderboard[res.leaderboard["status"] == "complete"]
    assert {"kmeans", "gaussian_mixture", "birch", "agglomerative"} <= set(done["family"])
    assert (res.leaderboard["trial"] >= 0).all()  # no ensemble row: cluster numbers do not average
    assert res.best_score == pytest.approx(done["score"].max())
    labels = res.predict(X)
    assert labels.shape == (len(X),) and labels.min() >= 0
    # nobody told it the cultivars: the best silhouette's clusters recover them anyway (3 clusters,
    # adjusted Rand index ~0.9 for k-means on standardised wine; chance is 0)
    assert adjusted_rand_score(cultivar, labels) > 0.6, (res.best_params, adjusted_rand_score(cultivar, labels))
    assert res.classes_ is None
    with pytest.raises(ConfigError, match="predict_proba.*clustering"):
        res.predict_proba(X)


def test_clustering_run_folder_save_load_and_resume(wine_search, tmp_path):
    res, X, _ = wine_search
    info = json.loads((res.run_dir / "run.json").read_text())
    assert info["task"] == "clustering" and info["target"] is None and info["cv"] is None
    back = automl.load(res.save(tmp_path / "saved"))
    assert back.task == "clustering" and np.array_equal(back.predict(X.iloc[::-1]), res.predict(X.iloc[::-1]))
    more = automl.fit(X, n_trials=2, resume=res.run_dir)
    assert len(more.leaderboard) == len(res.leaderboard) + 2


def test_messy_table_clusters_and_labels_unseen_rows(out_dir):
    """Missing numbers, a high-cardinality text column, booleans, datetimes and an ID column:
    the same intake and profile as the supervised tasks, encoded without a target. Three customer
    segments differ in most columns (every column counts in a distance, noise ones too)."""
    rng = np.random.default_rng(0)
    n = 600
    group = rng.integers(0, 3, n)
    df = pd.DataFrame({
        "customer_id": np.arange(n) + 1000,
        "spend": np.where(rng.random(n) < 0.1, np.nan, np.array([0, 6, 0])[group] + rng.normal(size=n)),
        "visits": np.array([0, 0, 6])[group] + rng.normal(size=n),
        "segment": np.array(["a", "b", "c"])[group],
        "city": [f"city{i}" for i in rng.integers(0, 60, n)],  # 60 levels: no target to encode them with
        "member": rng.random(n) < 0.1 + 0.4 * group,
        "joined": pd.Timestamp("2024-01-01") + pd.to_timedelta(group * 120 + rng.integers(0, 30, n), unit="D"),
    })
    res = automl.fit(df, n_trials=8, output_dir=out_dir, include=["kmeans", "gaussian_mixture"])
    assert res.task == "clustering"
    schema = json.loads((res.run_dir / "run.json").read_text())["schema"]
    assert "customer_id" in schema["dropped"]
    assert adjusted_rand_score(group, res.predict(df)) > 0.8
    new = df.head(5).assign(city="a city never seen", spend=np.nan)
    assert res.predict(new).shape == (5,)


def test_clustering_metrics_and_bad_arguments(wine, out_dir):
    X = wine.drop(columns=["target"])
    four = {"kmeans": {"params": {"n_clusters": {"type": "int", "low": 4, "high": 4}}}}  # as the README says
    res = automl.fit(X, n_trials=3, metric="davies_bouldin", include=["kmeans"], search_space=four, output_dir=out_dir)
    assert res.metric == "davies_bouldin" and not res.greater_is_better
    assert res.best_score == pytest.approx(res.leaderboard["score"].min())
    assert res.best_params["n_clusters"] == 4 and len(np.unique(res.predict(X))) == 4
    with pytest.raises(ConfigError, match="cv=5 does not apply to clustering"):
        automl.fit(X, n_trials=1, cv=5, output_dir=out_dir)
    with pytest.raises(ConfigError, match="metric='rmse' does not fit a clustering task"):
        automl.fit(X, n_trials=1, metric="rmse", output_dir=out_dir)
    with pytest.raises(ConfigError, match="Families \\['xgboost'\\] do not support a clustering task"):
        automl.fit(X, n_trials=1, include=["xgboost"], output_dir=out_dir)
    with pytest.raises(ConfigError, match="task='binary' needs a target column"):
        automl.fit(X, n_trials=1, task="binary", output_dir=out_dir)
    with pytest.raises(ConfigError, match="task='clustering' takes no target"):
        automl.fit(wine, "target", n_trials=1, task="clustering", output_dir=out_dir)


def test_a_space_of_one_point_is_evaluated_once(wine, out_dir):
    # the README's fixed number of clusters: the sampler proposed that one point 315 times in 10 s
    X = wine.drop(columns=["target"])
    four = {"kmeans": {"params": {"n_clusters": {"type": "int", "low": 4, "high": 4}}}}
    res = automl.fit(X, time_budget=30, include=["kmeans"], search_space=four, output_dir=out_dir)
    assert len(res.leaderboard) == 1 and res.best_params["n_clusters"] == 4


def test_the_number_of_clusters_fits_the_rows(wine, out_dir):
    # 15 rows allow at most 3 clusters of 5: above that every trial failed as outliers (324 of 324 in 10 s)
    X = wine.drop(columns=["target"]).sample(15, random_state=0)
    res = automl.fit(X, n_trials=12, output_dir=out_dir, seed=0)
    params = [json.loads(p) for p in res.leaderboard["params"]]
    assert all(p.get("n_clusters", p.get("n_components", 2)) <= 3 for p in params)
    assert (res.leaderboard["status"] == "complete").sum() >= 6
    four = {"kmeans": {"params": {"n_clusters": {"type": "int", "low": 4, "high": 4}}}}
    with pytest.raises(automl.DataError, match=r"15 rows are too few to cluster \(kmeans: n_clusters >= 4.*at least 20 rows"):
        automl.fit(X, n_trials=2, include=["kmeans"], search_space=four, output_dir=out_dir)


def test_penguins_cluster_by_species(out_dir):
    """Real data with categoricals and missing values (../shared): the clusters follow the species."""
    df, entry = shared_dataset("penguins")
    X = df.drop(columns=[entry["target"]])
    res = automl.fit(X, n_trials=12, output_dir=out_dir, seed=0)
    assert res.task == "clustering"
    assert adjusted_rand_score(df[entry["target"]], res.predict(X)) > 0.5, res.best_params
