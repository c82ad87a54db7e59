"""final_fit.choose_mode: the requested final fit, except that a holdout split is always refit."""

from __future__ import annotations

from automl.search.final_fit import BAG, REFIT, choose_mode


def test_a_bag_needs_k_fold_models():
    assert choose_mode(BAG, 5) == BAG
    assert choose_mode(REFIT, 5) == REFIT
    assert choose_mode(BAG, 1) == REFIT  # cv="auto" above 100k rows is a holdout: one fold model


def test_a_bag_that_cannot_finish_is_not_started():
    import time
    from types import SimpleNamespace

    from automl.search.final_fit import FinalFit

    class NoBackend:
        def refit_many(self, specs, deadline):
            raise AssertionError("the bag should not have been started")

    driver = SimpleNamespace(n_folds=5, n_rows=1000, n_train_rows=800, rungs=(), spec_for=lambda record: None)
    final = FinalFit(BAG, NoBackend(), driver, time.monotonic() + 30.0, "binary", None)
    out = final.fit({"trial": 3, "family": "xgboost", "fit_time_s": 40.0})  # its CV took 40 s: a bag needs ~60 s
    assert isinstance(out, str) and "the bag needs" in out  # -> _fit_best refits it instead
    [timing] = final.timings  # run.json's final_fits
    assert (timing["trial"], timing["mode"], timing["error"]) == (3, BAG, out) and timing["estimated_s"] > 60
