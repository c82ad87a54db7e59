"""Clustering families (no target): k-means, Gaussian mixtures, BIRCH and agglomerative clustering.

Each is fit on the encoded rows (numbers standardised, categoricals one-hot) and must
``predict`` a cluster for new rows, so that the exported pipeline labels raw rows.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from automl.families.base import FitContext, ModelFamily
from automl.preprocess.encode import PrepOptions
from automl.task import CLUSTERING

_TASKS = frozenset({CLUSTERING})
CLUSTER_PREP = PrepOptions(scale=True)  # distances need comparable units


def _k(params: dict, key: str, ctx: FitContext) -> dict:
    """The number of clusters cannot reach the rows: the one bound the YAML cannot know."""
    return {**params, key: max(2, min(int(params[key]), ctx.n_rows - 1))}


def make_kmeans(params: dict, ctx: FitContext):
    from sklearn.cluster import KMeans

    return KMeans(**_k(params, "n_clusters", ctx), random_state=ctx.seed)


def make_gaussian_mixture(params: dict, ctx: FitContext):
    from sklearn.mixture import GaussianMixture

    return GaussianMixture(**_k(params, "n_components", ctx), random_state=ctx.seed)


def make_birch(params: dict, ctx: FitContext):
    from sklearn.cluster import Birch

    return Birch(**_k(params, "n_clusters", ctx))


def make_agglomerative(params: dict, ctx: FitContext):
    return AgglomerativeClusterer(**_k(params, "n_clusters", ctx), random_state=ctx.seed)


class AgglomerativeClusterer(ClusterMixin, BaseEstimator):
    """scikit-learn's AgglomerativeClustering, made to label new rows: each goes to the nearest
    cluster centroid. Its memory grows with the square of the rows, so above ``max_rows`` it
    clusters a seeded sample and labels every row by the nearest centroid."""

    def __init__(self, n_clusters: int = 2, linkage: str = "ward", max_rows: int = 5_000, random_state: int = 0):
        self.n_clusters = n_clusters
        self.linkage = linkage
        self.max_rows = max_rows
        self.random_state = random_state

    def fit(self, X, y=None) -> "AgglomerativeClusterer":
        from sklearn.cluster import AgglomerativeClustering

        X = np.asarray(X, dtype="float64")
        sample = X
        if len(X) > self.max_rows:
            rows = np.random.default_rng(self.random_state).choice(len(X), self.max_rows, replace=False)
            sample = X[np.sort(rows)]
        labels = AgglomerativeClustering(n_clusters=self.n_clusters, linkage=self.linkage).fit_predict(sample)
        self.cluster_centers_ = np.stack([sample[labels == k].mean(axis=0) for k in np.unique(labels)])
        self.labels_ = labels if sample is X else self.predict(X)
        return self

    def predict(self, X) -> np.ndarray:
        from sklearn.metrics import pairwise_distances_argmin

        return pairwise_distances_argmin(np.asarray(X, dtype="float64"), self.cluster_centers_)


KMEANS = ModelFamily("kmeans", _TASKS, make_kmeans, prep=CLUSTER_PREP, description="k-means (scikit-learn)")
GAUSSIAN_MIXTURE = ModelFamily("gaussian_mixture", _TASKS, make_gaussian_mixture, prep=CLUSTER_PREP,
                               description="Gaussian mixture model (scikit-learn)")
BIRCH = ModelFamily("birch", _TASKS, make_birch, prep=CLUSTER_PREP, description="BIRCH (scikit-learn)")
AGGLOMERATIVE = ModelFamily("agglomerative", _TASKS, make_agglomerative, prep=CLUSTER_PREP,
                            description="agglomerative (hierarchical) clustering (scikit-learn), nearest-centroid labels for new rows")
