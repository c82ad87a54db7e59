"""k-NN class probabilities: never exactly 0 or 1, so a lucky 1-NN cannot win a log-loss search."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

import automl
from automl.families._knn import SmoothedKNeighborsClassifier


@pytest.fixture(scope="module")
def iris_split():
    X, y = load_iris(return_X_y=True)
    return train_test_split(X, y, test_size=0.4, random_state=3, stratify=y)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_one_neighbour_probabilities_are_never_certain(iris_split, weights):
    X_fit, X_new, y_fit, y_new = iris_split
    plain = KNeighborsClassifier(n_neighbors=1, weights=weights).fit(X_fit, y_fit)
    smooth = SmoothedKNeighborsClassifier(n_neighbors=1, weights=weights).fit(X_fit, y_fit)
    p = smooth.predict_proba(X_new)
    assert np.all(p > 0) and np.all(p < 1)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # the same classes as plain k-NN; only the confidence changes
    assert np.array_equal(smooth.predict(X_new), plain.predict(X_new))
    assert np.array_equal(smooth.classes_[p.argmax(axis=1)], plain.predict(X_new))
    # on new rows the plain 1-NN's mistakes cost ~34 each; the smoothed ones cost a few
    assert (plain.predict(X_new) != y_new).any(), "the split must hold a 1-NN mistake for this test"
    assert log_loss(y_new, p) < 0.5 * log_loss(y_new, plain.predict_proba(X_new))


def test_smoothing_is_one_neighbour_voting_the_class_frequencies():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    y = np.array(["a", "a", "a", "b"])
    knn = SmoothedKNeighborsClassifier(n_neighbors=3).fit(X, y)
    # 3 neighbours of 0.5 are all "a"; the extra neighbour votes the frequencies 3/4, 1/4
    np.testing.assert_allclose(knn.predict_proba([[0.5]]), [[(3 + 0.75) / 4, 0.25 / 4]])


def test_exported_knn_model_gives_no_zero_probabilities(out_dir):
    X, y = load_iris(return_X_y=True, as_frame=True)
    res = automl.fit(X.assign(species=y), "species", n_trials=6, include=["knn"], ensemble=False,
                     output_dir=out_dir, seed=0)
    assert res.best_params["family"] == "knn"
    assert np.all(res.predict_proba(X) > 0)
