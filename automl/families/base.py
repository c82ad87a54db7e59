"""ModelFamily: what automl needs to know to search and build one kind of model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automl.preprocess.encode import PrepOptions


@dataclass(frozen=True)
class FitContext:
    """Facts about the data a model is built for (read by make(); never mutated)."""

    task: str
    n_rows: int  # rows the model will be trained on
    n_classes: int = 0
    n_native_categorical: int = 0  # leading columns that are ordinal-coded categoricals
    n_jobs: int = 1
    seed: int = 0
    # rows of the whole table the search runs on (what the exported model is trained on): a choice that
    # must be the same for a trial's fold models and the final model reads this, not n_rows. None: n_rows.
    table_rows: int | None = None
    target_scale: float = 1.0  # regression: the model is fit on y / target_scale (preprocess/target.py)


@dataclass(frozen=True)
class ModelFamily:
    """One model family.

    ``make(params, ctx)`` returns an unfitted scikit-learn estimator; ``params`` are the
    sampled values of the family's search space (``space`` YAML). ``derived_params`` are
    YAML keys that ``make`` translates instead of passing them through (e.g. the MLP's
    ``n_layers``/``width`` -> ``hidden_layer_sizes``). Classifiers are trained on encoded
    labels 0..K-1 and must have ``predict_proba``.
    """

    name: str
    tasks: frozenset[str]
    make: Callable[[dict[str, Any], FitContext], Any]
    prep: PrepOptions = PrepOptions()
    derived_params: frozenset[str] = frozenset()
    space: Path | dict | None = None  # None: search_spaces/<name>.yaml
    description: str = ""
    requires: str | None = None  # an optional package it needs ("lightgbm"); without it the family is left out
    # False: searched only when named in include= (a family that did not earn its place in the default
    # search's benchmark, but that a user may want: CatBoost).
    default_search: bool = True
    # Classifiers fit by minimising (weighted) log loss: class_weight="balanced" multiplies their
    # probabilities by 1 / prior, which pipeline.EncodedLabelClassifier undoes. Not so for forests
    # of pure leaves (measured: the same undoing sent ExtraTrees' mean probability far below the prior).
    log_loss_fit: bool = False

    def available(self) -> bool:
        """Whether its optional package is installed (checked without importing it)."""
        from importlib.util import find_spec

        return self.requires is None or find_spec(self.requires) is not None
