"""Each trial's class probabilities are mixed with the class frequencies, by a weight its folds choose,
when the metric scores the probabilities themselves (log loss)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.datasets import load_wine

import automl
from automl.evaluation.calibration import WEIGHTS, choose_weight, fold_priors
from automl.evaluation.metrics import get_metric

LOG_LOSS = get_metric("log_loss", "multiclass")


def test_weight_is_zero_for_calibrated_probabilities_and_positive_for_certain_mistakes():
    rng = np.random.default_rng(0)
    p = rng.dirichlet([2.0, 2.0, 2.0], size=20_000)
    y = np.array([rng.choice(3, p=row) for row in p])  # labels drawn from p: p is calibrated
    prior = np.full((len(y), 3), 1 / 3)
    assert choose_weight(y, p, prior, LOG_LOSS) <= 1e-4
    hard = np.eye(3)[y]
    hard[:20] = np.eye(3)[(y[:20] + 1) % 3]  # 20 rows certain of the wrong class
    w = choose_weight(y, hard, prior, LOG_LOSS)
    assert w > 0 and LOG_LOSS(y, (1 - w) * hard + w * prior) < LOG_LOSS(y, hard) / 3


@pytest.fixture(scope="module")
def wine_tree_run(tmp_path_factory):
    df = load_wine(as_frame=True).frame
    res = automl.fit(df, "target", n_trials=3, include=["decision_tree"], ensemble=False, final_fit="bag",
                     output_dir=tmp_path_factory.mktemp("calibration"), seed=0)
    return df, res


def test_a_tree_trial_is_calibrated_on_its_folds(wine_tree_run):
    df, res = wine_tree_run
    assert res.metric == "log_loss"
    y = np.searchsorted(res.classes_, df["target"])
    fold_id = np.load(res.run_dir / "folds.npy")
    oof = np.load(res.run_dir / "oof" / f"trial_{res.best_trial}.npy").astype("float64")
    w = res.best_params["prior_weight"]
    assert w in WEIGHTS and w > 0
    # the stored out-of-fold probabilities are the mixed ones, and the leaderboard's score is theirs
    raw = (oof - w * fold_priors(y, fold_id, 3)) / (1 - w)
    p_true, raw_true = oof[np.arange(len(y)), y], raw[np.arange(len(y)), y]
    assert (raw_true < 1e-9).any(), "a fully grown tree is certain of some of its mistakes"
    assert (p_true > 1e-4).all()
    def cv_score(pred):  # the mean of the fold scores, as the leaderboard's
        return np.mean([LOG_LOSS(y[fold_id == k], pred[fold_id == k]) for k in range(fold_id.max() + 1)])

    assert res.best_score == pytest.approx(cv_score(oof), rel=1e-5)
    assert res.best_score < cv_score(raw) / 2


def test_the_exported_bag_mixes_as_the_folds_did(wine_tree_run, tmp_path):
    df, res = wine_tree_run
    X = df.drop(columns=["target"])
    fold_id = np.load(res.run_dir / "folds.npy")
    oof = np.load(res.run_dir / "oof" / f"trial_{res.best_trial}.npy")
    for k, member in enumerate(res.pipeline_.members):
        rows = fold_id == k
        np.testing.assert_allclose(member.predict_proba(X[rows]), oof[rows], atol=1e-6)
    board = res.leaderboard.set_index("trial")
    assert json.loads(board.loc[res.best_trial, "params"])["prior_weight"] == res.best_params["prior_weight"]
    back = automl.load(res.save(tmp_path / "saved"))
    assert np.array_equal(back.predict_proba(X), res.predict_proba(X))


@pytest.mark.parametrize("metric", ["roc_auc", "accuracy"])
def test_metrics_of_ranking_or_labels_are_never_calibrated(breast_cancer, out_dir, metric):
    res = automl.fit(breast_cancer, "target", n_trials=3, include=["decision_tree"], ensemble=False,
                     metric=metric, output_dir=out_dir, seed=0)
    params = [json.loads(p) for p in res.leaderboard["params"]]
    assert params and not any("prior_weight" in p for p in params)
