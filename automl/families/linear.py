"""Linear models: logistic regression for classes; ridge or elastic-net for regression."""

from __future__ import annotations

from automl.families.base import FitContext, ModelFamily
from automl.preprocess.encode import PrepOptions
from automl.task import BINARY, MULTICLASS, REGRESSION


def make_linear(params: dict, ctx: FitContext):
    params = dict(params)
    kind = params.pop("regularization", "l2")
    l1_ratio = params.pop("l1_ratio", 0.5)
    if ctx.task == REGRESSION:
        from sklearn.linear_model import ElasticNet, Ridge

        if kind == "l2":
            return Ridge(**params, random_state=ctx.seed)
        return ElasticNet(**params, l1_ratio=l1_ratio, max_iter=2000, random_state=ctx.seed)
    from sklearn.linear_model import LogisticRegression

    if kind == "l2":  # lbfgs: fast and exact for the L2 penalty
        return LogisticRegression(**params, l1_ratio=0.0, solver="lbfgs", max_iter=1000, random_state=ctx.seed)
    return LogisticRegression(**params, l1_ratio=l1_ratio, solver="saga", max_iter=300, tol=1e-3, random_state=ctx.seed)


LINEAR = ModelFamily(
    name="linear",
    tasks=frozenset({BINARY, MULTICLASS, REGRESSION}),
    make=make_linear,
    prep=PrepOptions(scale=True),
    derived_params=frozenset({"regularization", "l1_ratio"}),
    log_loss_fit=True,
    description="logistic regression / ridge / elastic-net (scikit-learn)",
)
