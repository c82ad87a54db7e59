"""final_fit.choose_mode: the requested final fit, except that a holdout split is always refit."""

from __future__ import annotations

from automl.search.final_fit import BAG, REFIT, choose_mode


def test_a_bag_needs_k_fold_models():
    assert choose_mode(BAG, 5) == BAG
    assert choose_mode(REFIT, 5) == REFIT
    assert choose_mode(BAG, 1) == REFIT  # cv="auto" above 100k rows is a holdout: one fold model
