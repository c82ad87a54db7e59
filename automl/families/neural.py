"""Multi-layer perceptron."""

from __future__ import annotations

from automl.families.base import FitContext, ModelFamily
from automl.preprocess.encode import PrepOptions
from automl.task import BINARY, MULTICLASS, REGRESSION


def make_mlp(params: dict, ctx: FitContext):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    params = dict(params)
    n_layers, width = int(params.pop("n_layers", 1)), int(params.pop("width", 64))
    # Early stopping holds out 10% of the training rows: an inner split, never the scored fold.
    common = dict(hidden_layer_sizes=(width,) * n_layers, early_stopping=ctx.n_rows >= 100, max_iter=300, random_state=ctx.seed)
    if ctx.task != REGRESSION:
        return MLPClassifier(**params, **common)
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.preprocessing import StandardScaler

    # An unscaled target (prices in the 100,000s) stalls SGD; learn it standardised.
    return TransformedTargetRegressor(regressor=MLPRegressor(**params, **common), transformer=StandardScaler())


MLP = ModelFamily(
    name="mlp",
    tasks=frozenset({BINARY, MULTICLASS, REGRESSION}),
    make=make_mlp,
    prep=PrepOptions(scale=True),
    derived_params=frozenset({"n_layers", "width"}),
    description="multi-layer perceptron (scikit-learn)",
)
