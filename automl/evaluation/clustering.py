"""Evaluate one clustering trial: fit on every row, score its clusters on a fixed sample of rows.

There is no truth to hold out, so a clustering is scored by how well its clusters separate
the rows (silhouette by default; ``metrics.py``). Every trial is scored in the same space:
the rows encoded once for the whole search (numbers standardised, categoricals one-hot),
whatever preprocessing the family itself uses. The sample (at most ``SCORE_ROWS`` rows,
seeded) keeps the silhouette's pairwise distances affordable on large tables. The labels
scored are the fitted model's ``predict`` on the rows, which is what the exported model
answers (agglomerative clustering labels rows by the nearest cluster centroid).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from automl.data.profile import DataProfile
from automl.errors import DataError
from automl.families.clustering import CLUSTER_PREP
from automl.pipeline import build_model, category_levels, fit_context
from automl.preprocess import Encoder
from automl.task import CLUSTERING

if TYPE_CHECKING:
    from automl.evaluation.evaluate import EvalData, TrialResult, TrialSpec

SCORE_ROWS = 5_000
# The smallest share of the rows a cluster may hold. The silhouette rewards splitting off a few
# far-away rows (on digits: 2 rows against 1,795, silhouette 0.78, no relation to the digits),
# so a clustering with a smaller cluster fails as outliers, not a grouping.
MIN_CLUSTER_SHARE, MIN_CLUSTER_ROWS = 0.01, 5


CLUSTER_COUNT_PARAMS = ("n_clusters", "n_components")  # what the clustering families call their number of clusters


def clusters_the_rows_allow(space, n_rows: int, family: str):
    """``space`` with its number of clusters capped at what ``n_rows`` allow (MIN_CLUSTER_ROWS each):
    above it every trial would fail as outliers (on 15 rows, 2-20 clusters failed 324 trials of 324)."""
    from optuna.distributions import IntDistribution

    from automl.spaces import Space

    cap = n_rows // MIN_CLUSTER_ROWS
    name = next((p for p in CLUSTER_COUNT_PARAMS if p in space.distributions), None)
    dist = space.distributions.get(name)
    if not isinstance(dist, IntDistribution) or dist.high <= cap:
        return space
    if cap < max(dist.low, 2):
        raise DataError(f"{n_rows} rows are too few to cluster ({family}: {name} >= {dist.low}, and a cluster needs"
                        f" {MIN_CLUSTER_ROWS} rows or more); pass at least {max(dist.low, 2) * MIN_CLUSTER_ROWS} rows.")
    capped = IntDistribution(dist.low, cap, log=dist.log, step=dist.step)

    def clip(point: dict) -> dict:
        return {**point, name: min(point[name], cap)} if name in point else point

    default, portfolio = clip(space.default), []
    for point in map(clip, space.portfolio):  # points the cap made equal are evaluated once
        if point != default and point not in portfolio:
            portfolio.append(point)
    return Space({**space.distributions, name: capped}, default, tuple(portfolio))


@dataclass
class ScoringSample:
    """The rows a clustering is scored on, and those rows in the common scoring space."""

    rows: np.ndarray
    X: np.ndarray


def scoring_space(X: pd.DataFrame, profile: DataProfile) -> np.ndarray:
    """``X`` (TableCleaner output) in the space every clustering is scored in."""
    return Encoder(levels=category_levels(profile), opts=CLUSTER_PREP, task=CLUSTERING).fit_transform(X)


def scoring_sample(X: pd.DataFrame, profile: DataProfile, seed: int) -> ScoringSample:
    """The scoring space's rows a search scores on: at most SCORE_ROWS of them, seeded."""
    rows = np.arange(len(X))
    if len(X) > SCORE_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(len(X), SCORE_ROWS, replace=False))
    return ScoringSample(rows, scoring_space(X, profile)[rows])


def evaluate_clustering(data: EvalData, spec: TrialSpec, res: TrialResult) -> None:
    """Fit ``spec``'s clusterer on every row of ``data`` and put its score and times in ``res``."""
    ctx = fit_context(spec.family, data.profile, CLUSTERING, len(data.X), 0, spec.n_jobs, spec.seed)
    model = build_model(spec.family, spec.params, data.profile, ctx)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; failures still raise
        model.fit(data.X)
        t1 = time.perf_counter()
        labels = np.asarray(model.predict(data.X))  # what the exported model says of these rows
    _check_sizes(labels)
    sample = data.scoring
    res.score = float(data.metric(sample.X, labels[sample.rows]))
    res.fit_time_s, res.predict_time_s = t1 - t0, time.perf_counter() - t1


def _check_sizes(labels: np.ndarray) -> None:
    """Raise unless there are >= 2 clusters and each holds enough rows to be a group."""
    sizes = np.unique(labels, return_counts=True)[1]
    if len(sizes) < 2:
        raise ValueError("every row fell in one cluster; there is nothing to score")
    floor = max(MIN_CLUSTER_ROWS, MIN_CLUSTER_SHARE * len(labels))
    if sizes.min() < floor:
        raise ValueError(f"a cluster holds only {sizes.min()} of {len(labels)} rows (under {floor:.0f}): "
                         "outliers split off, not a grouping of the rows")
