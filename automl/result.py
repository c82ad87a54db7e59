"""SearchResult: what fit() returns and load() reads back: the best model plus its leaderboard."""

from __future__ import annotations

import json
import os
import pickle
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from automl.errors import ConfigError, NotATableError, RunFolderError
from automl.results.store import jsonable
from automl.task import CLASSIFICATION

MODEL_FILE, META_FILE, BOARD_FILE = "model.joblib", "model.json", "leaderboard.csv"
FORMAT = 1  # of model.json; load() refuses a newer one


class SearchResult:
    """The outcome of a search.

    Attributes:
        pipeline_: the exported model on raw rows: a scikit-learn Pipeline (clean -> encode -> model),
            or an EnsembleModel averaging such pipelines (an ensemble's members, a bag's fold models).
        leaderboard: one row per finished trial, best first.
        best_params: ``{"family": ..., **its hyperparameters}`` of the exported model.
        final_fit: how it was fit after the search: "bag" (the average of the k fold models
            cross-validation scored) or "refit" (once on all rows).
        task, metric, greater_is_better, classes_ (classification), run_dir, best_score.
    """

    def __init__(self, *, pipeline: Any, leaderboard: pd.DataFrame, best_params: dict, best_trial: int | None,
                 best_score: float | None, task: str, metric: str, greater_is_better: bool, run_dir: Path | None,
                 target: Any = None, feature_names: list | None = None, final_fit: str | None = None):
        self.pipeline_ = pipeline
        self.leaderboard = leaderboard
        self.best_params = best_params
        self.best_trial = best_trial
        self.best_score = best_score
        self.task = task
        self.metric = metric
        self.greater_is_better = greater_is_better
        self.run_dir = Path(run_dir) if run_dir is not None else None
        self.target = target
        self.feature_names_in_ = feature_names
        self.final_fit = final_fit

    @property
    def classes_(self) -> np.ndarray | None:
        return getattr(self.pipeline_, "classes_", None) if self.task in CLASSIFICATION else None

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predictions for raw rows (original labels for classification, cluster numbers 0..k-1 for clustering)."""
        X = _as_frame(X)
        return self.pipeline_.predict(_at_least_one_row(X))[: len(X)]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` order."""
        if self.task not in CLASSIFICATION:
            raise ConfigError(f"predict_proba() is for classification; this is a {self.task} model. Use predict().")
        X = _as_frame(X)
        return self.pipeline_.predict_proba(_at_least_one_row(X))[: len(X)]

    def __repr__(self) -> str:
        return (f"SearchResult(task={self.task!r}, metric={self.metric!r}, best={self.best_params.get('family')!r}, "
                f"score={self.best_score}, trials={self._n_trials()}, run_dir={str(self.run_dir)!r})")

    def _n_trials(self) -> int:
        """Optuna trials on the leaderboard (the ensemble's row, trial -1, is not one)."""
        return int((self.leaderboard["trial"] >= 0).sum()) if "trial" in self.leaderboard else 0

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Write the model to a folder (created if needed); ``automl.load(path)`` reads it back."""
        import joblib

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        joblib.dump(self.pipeline_, path / MODEL_FILE)
        self.leaderboard.to_csv(path / BOARD_FILE, index=False)
        meta = {
            "format": FORMAT, "task": self.task, "metric": self.metric, "greater_is_better": self.greater_is_better,
            "best_params": self.best_params, "best_trial": self.best_trial, "best_score": self.best_score,
            "final_fit": self.final_fit,
            "target": jsonable(self.target), "feature_names": [jsonable(c) for c in self.feature_names_in_ or []],
            "run_dir": str(Path(self.run_dir).resolve()) if self.run_dir else None, "versions": versions(),
            "classes": [jsonable(c) for c in self.classes_] if self.classes_ is not None else None,
        }
        (path / META_FILE).write_text(json.dumps(meta, indent=2, default=str))
        return path


def load(path: str | os.PathLike) -> SearchResult:
    """Load a model saved by ``SearchResult.save`` (or a run folder, whose ``model/`` it reads).

    The model is a pickle: load only files you trust.
    """
    path = Path(path)
    if (path / "model" / META_FILE).is_file():
        path = path / "model"
    if not path.exists():
        raise ConfigError(f"'{path}' does not exist; pass a folder written by save() or a run folder"
                          f" (relative paths start at {Path.cwd()}).")
    if not (path / META_FILE).is_file():
        raise ConfigError(f"'{path}' holds no saved automl model ({META_FILE} is missing); pass a folder written by save() or a run folder.")
    try:
        return _load(path)
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as exc:
        if isinstance(exc, ConfigError):
            raise
        if _names_missing_code(exc):
            raise RunFolderError(f"The model in '{path}' uses code this process cannot import ({type(exc).__name__}:"
                                 f" {exc}). Import or define it (e.g. your own family's estimator class, in a module"
                                 " rather than a script's __main__) before load().") from exc
        raise RunFolderError(f"The model in '{path}' cannot be read ({type(exc).__name__}: {exc}). Its files are damaged"
                             " or incomplete; save it again, or run the search again.") from exc


def _names_missing_code(exc: Exception) -> bool:
    """Unpickling failed on a class or module that is not importable here, not on damaged bytes."""
    return isinstance(exc, ImportError) or (isinstance(exc, AttributeError) and "Can't get attribute" in str(exc))


def _load(path: Path) -> SearchResult:
    import joblib

    meta = json.loads((path / META_FILE).read_text())
    if meta.get("format", FORMAT) > FORMAT:
        raise RunFolderError(f"The model in '{path}' was saved by a newer automl (format {meta['format']}, this one"
                             f" reads {FORMAT}); upgrade automl to load it.")
    now = versions()
    changed = {k: (v, now.get(k)) for k, v in meta.get("versions", {}).items() if now.get(k) != v}
    if changed:
        warnings.warn(f"The model was saved with other library versions {changed}; predictions may differ.", stacklevel=3)
    board = pd.read_csv(path / BOARD_FILE) if (path / BOARD_FILE).is_file() else pd.DataFrame()
    return SearchResult(
        pipeline=joblib.load(path / MODEL_FILE), leaderboard=board, best_params=meta["best_params"],
        best_trial=meta.get("best_trial"), best_score=meta.get("best_score"), task=meta["task"], metric=meta["metric"],
        greater_is_better=meta["greater_is_better"], run_dir=meta.get("run_dir"), target=meta.get("target"),
        feature_names=meta.get("feature_names"), final_fit=meta.get("final_fit"),
    )


def versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for pkg in ("automl", "scikit-learn", "xgboost", "pandas", "numpy", "optuna"):
        try:
            out[pkg] = md.version(pkg if pkg != "xgboost" else _xgb_dist())
        except md.PackageNotFoundError:
            continue
    return out


def _xgb_dist() -> str:
    import importlib.metadata as md

    for name in ("xgboost", "xgboost-cpu"):
        try:
            md.version(name)
            return name
        except md.PackageNotFoundError:
            continue
    return "xgboost"


def _as_frame(X: Any) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame().T
    raise NotATableError(f"predict() needs a pandas DataFrame with the training columns; got {type(X).__name__}.")


def _at_least_one_row(X: pd.DataFrame) -> pd.DataFrame:
    """A batch of no rows as one empty row, so that its columns are still checked and the answer
    (cut back to no rows) has the dtype and width of any other (scikit-learn refuses 0 rows)."""
    return X.reindex(index=[0]) if len(X) == 0 else X
