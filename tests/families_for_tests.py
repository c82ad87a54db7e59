"""Model families that misbehave on purpose, importable by the worker process."""

from __future__ import annotations

import time

from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin


class AlwaysRaises(ClassifierMixin, BaseEstimator):
    def __init__(self, level: int = 0):
        self.level = level

    def fit(self, X, y):
        raise RuntimeError("this family always fails (on purpose)")


class Sleeper(ClassifierMixin, BaseEstimator):
    def __init__(self, seconds: float = 600.0):
        self.seconds = seconds

    def fit(self, X, y):
        time.sleep(self.seconds)
        return self


def make_raising(params, ctx):
    return AlwaysRaises(**params)


def make_sleeper(params, ctx):
    return Sleeper(**params)


RAISING_SPACE = {"params": {"level": {"type": "int", "low": 0, "high": 3}}, "default": {"level": 0}}
SLEEPER_SPACE = {"params": {"seconds": {"type": "float", "low": 500.0, "high": 600.0}}, "default": {"seconds": 600.0}}
