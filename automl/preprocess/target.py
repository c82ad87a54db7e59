"""Target transforms for regression: a model fit on sqrt(y) or log(1 + y) instead of y.

A searched parameter (``target_transform`` in a family's ``regression:`` space), because which one helps
depends on the table: on skewed targets such as prices or counts a boosted model fit on a compressed
scale predicts the raw scale better (measured on the public suite's training parts, 5-fold CV RMSE of
the boosted families' defaults: ames_housing -1 to -7 % with sqrt or log, bike_sharing -1 to -3 % with
sqrt), while on others it costs (nyc_taxis +1 to +8 %). Each trial is scored on the raw scale, so the
search keeps a transform only where it pays. The transforms are signed (``sign(y) * f(|y|)``), so any
real target is valid, and monotone, so the model's ranking of rows is the same on either scale.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from automl.errors import ConfigError

# A regression trial's parameter, popped by pipeline.build_model (not the family's own).
TARGET_TRANSFORM = "target_transform"
NONE = "none"


def signed_sqrt(y: np.ndarray) -> np.ndarray:
    return np.sign(y) * np.sqrt(np.abs(y))


def signed_square(z: np.ndarray) -> np.ndarray:
    return np.sign(z) * np.square(z)


def signed_log1p(y: np.ndarray) -> np.ndarray:
    return np.sign(y) * np.log1p(np.abs(y))


def signed_expm1(z: np.ndarray) -> np.ndarray:
    return np.sign(z) * np.expm1(np.abs(z))


# name -> (forward, inverse); module-level functions, so an exported pipeline pickles.
TRANSFORMS = {"sqrt": (signed_sqrt, signed_square), "log": (signed_log1p, signed_expm1)}
CHOICES = (NONE, *TRANSFORMS)


def target_scale(y: np.ndarray) -> float:
    """1, or the power of ten a regression target is divided by when its spread is tiny (std < 0.1):
    on y * 1e-12, XGBoost and LightGBM found no split worth their gain threshold and predicted a constant,
    and HistGradientBoosting's RMSE was 1.7x its unit-scale one. A power of ten keeps the digits exact."""
    std = float(np.std(y))
    if not 0 < std < 0.1:
        return 1.0
    return float(10.0 ** np.floor(np.log10(std)))


def with_target_scale(model: Any, scale: float) -> Any:
    """``model`` fit on ``y / scale`` and predicting ``model.predict(X) * scale``; ``model`` itself for scale 1."""
    if scale == 1.0:
        return model
    from sklearn.compose import TransformedTargetRegressor

    return TransformedTargetRegressor(regressor=model, func=partial(np.multiply, 1.0 / scale),
                                      inverse_func=partial(np.multiply, scale), check_inverse=False)


def with_target_transform(model: Any, name: str) -> Any:
    """``model`` fit on ``f(y)`` and predicting ``f^-1(model.predict(X))``; ``model`` itself for ``"none"``."""
    if name == NONE:
        return model
    if name not in TRANSFORMS:
        raise ConfigError(f"Unknown target_transform {name!r}; use one of {list(CHOICES)}.")
    from sklearn.compose import TransformedTargetRegressor

    func, inverse = TRANSFORMS[name]
    return TransformedTargetRegressor(regressor=model, func=func, inverse_func=inverse, check_inverse=False)
