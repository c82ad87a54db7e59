"""A user family without predict_proba answers with probabilities that rank rows as its scores do."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from automl.pipeline import EncodedLabelClassifier


def test_binary_scores_keep_their_ranking():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    labels = np.where(y == 1, "benign", "malignant")
    model = EncodedLabelClassifier(LinearSVC(C=0.01)).fit(X, labels)
    proba = model.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1.0) and 0.0 < proba.min() and proba.max() < 1.0  # not one-hot
    scores = model.estimator_.decision_function(X)
    assert roc_auc_score(labels == "malignant", proba[:, 1]) == roc_auc_score(labels == "malignant", scores)
    assert list(model.predict(X)) == list(np.where(scores > 0, "malignant", "benign"))


def test_multiclass_scores_become_a_softmax():
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = EncodedLabelClassifier(LinearSVC()).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1) == model.estimator_.decision_function(X).argmax(axis=1)).all()
