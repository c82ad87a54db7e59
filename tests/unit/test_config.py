"""SearchConfig's checks of fit()'s arguments: each bad value is a ConfigError that says what to pass."""

from __future__ import annotations

import numpy as np
import pytest

from automl.config import SearchConfig
from automl.errors import ConfigError


@pytest.mark.parametrize("kwargs,match", [
    ({"time_budget": float("inf")}, "set n_trials= to search without a time limit"),  # ran no trial, then "No trial completed"
    ({"seed": -1}, r"seed=-1 must be an int from 0 to 2\*\*32 - 1"),  # numpy's ValueError before
    ({"seed": 2**32}, "seed=4294967296"),
    ({"verbose": "yes"}, "verbose='yes' must be an int"),  # a TypeError deep inside before
    ({"n_trials": 2.5}, "n_trials=2.5 must be a positive int"),
    # Optuna's own TypeError / AttributeError from inside the first trial before
    ({"sampler": __import__("optuna").samplers.RandomSampler}, r"is a class; pass an instance, e.g. sampler=RandomSampler\(\)"),
    ({"pruner": "median"}, "pruner='median' is not an Optuna pruner"),
    ({"storage": object()}, "is not an Optuna storage; pass one such as storage='sqlite:///automl.db'"),
])
def test_bad_values_are_named(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        SearchConfig(**kwargs)


def test_numpy_numbers_are_taken_as_plain_ones():
    cfg = SearchConfig(time_budget=np.int64(10), n_trials=np.int64(3), seed=np.int64(3), trial_timeout=np.float32(4))
    assert (cfg.time_budget, cfg.n_trials, cfg.seed, cfg.trial_timeout) == (10.0, 3, 3, 4.0)
    assert all(type(v) in (int, float) for v in (cfg.time_budget, cfg.n_trials, cfg.seed, cfg.trial_timeout))
