"""Naive Bayes (classification only)."""

from __future__ import annotations

from automl.families.base import FitContext, ModelFamily
from automl.preprocess.encode import PrepOptions
from automl.task import BINARY, MULTICLASS


def make_naive_bayes(params: dict, ctx: FitContext):
    from sklearn.naive_bayes import BernoulliNB, GaussianNB

    params = dict(params)
    variant = params.pop("variant", "gaussian")
    alpha = params.pop("alpha", 1.0)
    if variant == "gaussian":
        return GaussianNB(**params)
    # Inputs are standardised, so binarize=0 splits each feature at its training mean.
    return BernoulliNB(alpha=alpha, binarize=0.0)


NAIVE_BAYES = ModelFamily(
    name="naive_bayes",
    tasks=frozenset({BINARY, MULTICLASS}),
    make=make_naive_bayes,
    prep=PrepOptions(scale=True),
    derived_params=frozenset({"variant", "alpha"}),
    description="Gaussian / Bernoulli naive Bayes (scikit-learn)",
)
