"""Agglomerative clustering made to label new rows, and on more rows than its memory allows."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from automl.families.clustering import AgglomerativeClusterer


def test_agglomerative_labels_new_rows_by_the_nearest_centroid():
    X, blob = make_blobs(600, centers=[(-5, -5), (0, 5), (5, -5)], random_state=0)
    model = AgglomerativeClusterer(n_clusters=3).fit(X[:500])
    assert adjusted_rand_score(blob[:500], model.labels_) > 0.9
    assert adjusted_rand_score(blob[500:], model.predict(X[500:])) > 0.9
    assert model.cluster_centers_.shape == (3, 2)


def test_agglomerative_clusters_a_sample_above_max_rows_and_labels_every_row():
    X, blob = make_blobs(3000, centers=[(-5, -5), (0, 5), (5, -5), (9, 9)], random_state=1)
    model = AgglomerativeClusterer(n_clusters=4, max_rows=300, random_state=0).fit(X)
    assert model.labels_.shape == (3000,)
    assert np.array_equal(model.labels_, model.predict(X))
    assert adjusted_rand_score(blob, model.labels_) > 0.9


def test_a_clustering_that_splits_off_a_few_outliers_fails_as_such():
    """The silhouette would score 'three far rows against the rest' highly; it is not a grouping."""
    import pandas as pd

    from automl.data.profile import profile_columns
    from automl.evaluation.clustering import scoring_sample
    from automl.evaluation.evaluate import FAILED, EvalData, TrialSpec, evaluate
    from automl.evaluation.metrics import get_metric
    from automl.families.registry import get_family
    from automl.preprocess import TableCleaner

    rng = np.random.default_rng(0)
    X = pd.DataFrame(np.vstack([rng.normal(size=(497, 2)), [[40, 40], [41, 40], [40, 41]]]), columns=["a", "b"])
    profile = profile_columns(X)
    Xc = TableCleaner(profile).fit(X).transform(X)
    data = EvalData(Xc, None, np.full(len(X), -1), "clustering", 0, profile, get_metric(None, "clustering"),
                    scoring=scoring_sample(Xc, profile, 0))
    two = evaluate(data, TrialSpec(0, get_family("kmeans"), {"n_clusters": 2, "init": "k-means++", "n_init": 3}))
    assert two.status == FAILED and "a cluster holds only 3 of 500 rows" in two.error
