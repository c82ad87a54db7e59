"""Encoder: the learned part of preprocessing, fitted inside each CV training fold."""

from __future__ import annotations

import warnings

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler, TargetEncoder

from automl.task import CLUSTERING


# A one-hot level or a missing-value indicator needs this many training rows. One learned from a
# row or two fits those rows alone, and cross-validation cannot see it: the row is either in the
# training folds or in the validation fold, never in both (an indicator learned from the one
# all-missing penguin sent the other one to the wrong species with p = 0.999998).
MIN_COUNT = 5


@dataclass(frozen=True)
class PrepOptions:
    """What a model family needs from preprocessing (read by the encoder, never by name)."""

    scale: bool = False  # standardise numeric inputs (linear, kNN, MLP)
    impute: bool = True  # False when the model handles NaN itself (XGBoost, HistGradientBoosting)
    native_categorical: bool = False  # ordinal codes first, for models with categorical support
    max_onehot: int = 10  # one-hot up to this many levels, target-encode above
    max_native: int = 200  # native categorical up to this many levels, target-encode above


def native_categorical_count(levels: dict[str, int], opts: PrepOptions) -> int:
    """How many leading output columns are native categoricals for these options."""
    if not opts.native_categorical:
        return 0
    return sum(1 for n in levels.values() if n <= opts.max_native)


class MedianImputer(SimpleImputer):
    """SimpleImputer(strategy="median") whose medians come from ``np.nanmedian``: the same values, but
    scikit-learn's masked-array median took 8.6 s on 240,000 x 190 numbers without a missing value
    (np.nanmedian: 0.9 s), most of a linear trial's fold on such a table. Columns with no value stay NaN
    (dropped, as SimpleImputer drops them)."""

    def _dense_fit(self, X, strategy, missing_values, fill_value):
        if strategy != "median" or self.keep_empty_features or not _is_nan(missing_values) or X.dtype.kind != "f":
            return super()._dense_fit(X, strategy, missing_values, fill_value)
        missing = np.isnan(X)
        super()._fit_indicator(missing)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "All-NaN slice": such a column's median is NaN
            return np.nanmedian(X, axis=0)


def _is_nan(value) -> bool:
    return isinstance(value, float) and np.isnan(value)


class Encoder(TransformerMixin, BaseEstimator):
    """Impute, encode and scale a TableCleaner frame into a dense float matrix.

    Output column order: native categoricals (ordinal codes, unseen -> NaN), numeric,
    missing-value indicators, one-hot, target-encoded. Levels per categorical come from the profile (schema), so
    the number of native categorical columns is known before fitting.
    """

    def __init__(self, levels: dict[str, int] | None = None, opts: PrepOptions = PrepOptions(), task: str = "binary",
                 random_state: int = 0):
        self.levels = levels
        self.opts = opts
        self.task = task
        self.random_state = random_state  # TargetEncoder's cross-fitting folds (unseeded, a run would not repeat)

    def fit(self, X: pd.DataFrame, y=None) -> "Encoder":
        self.ct_ = self._build(X).fit(X, y)
        return self

    def fit_transform(self, X: pd.DataFrame, y=None, **fit_params) -> np.ndarray:
        # TargetEncoder.fit_transform cross-fits (each row encoded without its own target).
        self.ct_ = self._build(X)
        return np.asarray(self.ct_.fit_transform(X, y), dtype="float64")

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.ct_.transform(X), dtype="float64")

    def _build(self, X: pd.DataFrame) -> ColumnTransformer:
        o, levels = self.opts, self.levels or {}
        cats = [c for c in X.columns if c.startswith("cat")]
        nums = [c for c in X.columns if not c.startswith("cat")]
        native = [c for c in cats if o.native_categorical and levels.get(c, 0) <= o.max_native]
        onehot = [c for c in cats if c not in native and levels.get(c, 0) <= o.max_onehot]
        target = [c for c in cats if c not in native and c not in onehot]
        clustering = self.task == CLUSTERING
        if clustering:  # no target to encode with: one-hot of the most frequent levels, the rest as one
            onehot, target = onehot + target, []
        parts = []
        if native:
            enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan)
            parts.append(("native", enc, native))
        if nums:
            steps = [MedianImputer(strategy="median")] if o.impute else []
            steps += [StandardScaler()] if o.scale else []
            parts.append(("num", make_pipeline(*steps) if steps else "passthrough", nums))
        missing = X[nums].isna().sum() if o.impute and nums else pd.Series(dtype="int64")
        flagged = missing.index[missing >= MIN_COUNT].tolist()  # one pass over the fold, not one per column
        if flagged:
            steps = [MissingIndicator(features="all")] + ([StandardScaler()] if o.scale else [])
            parts.append(("missing", make_pipeline(*steps), flagged))
        if onehot:
            ohe = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=MIN_COUNT, sparse_output=False,
                                dtype="float64", max_categories=o.max_onehot + 1 if clustering else None)
            parts.append(("onehot", ohe, onehot))
        if target:
            target_type = "continuous" if self.task == "regression" else self.task
            te = [TargetEncoder(target_type=target_type, cv=self._cross_fit_folds())] + ([StandardScaler()] if o.scale else [])
            parts.append(("target", make_pipeline(*te), target))
        # columns by position: scikit-learn finds names with list.index, one scan per name (1.6 s of a linear
        # fold's 3.8 s on 20,000 columns); positions select the same columns
        position = {name: i for i, name in enumerate(X.columns)}
        parts = [(name, step, [position[c] for c in columns]) for name, step, columns in parts]
        return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)

    def _cross_fit_folds(self):
        """TargetEncoder's own folds (its default: 5, shuffled, stratified for classes), seeded."""
        from sklearn.model_selection import KFold, StratifiedKFold

        folds = KFold if self.task == "regression" else StratifiedKFold
        return folds(5, shuffle=True, random_state=self.random_state)
