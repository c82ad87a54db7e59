"""automl: an AutoML experiment-search engine.

    import automl
    res = automl.fit(df, "y", time_budget=60)
    res.leaderboard; res.predict(new_rows); res.save("model"); automl.load("model")

Heavy libraries (scikit-learn, xgboost, optuna, ray) load on first use, so ``import automl`` is fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from automl.errors import (
    AutoMLError,
    BackendError,
    ColumnsMissingError,
    ConfigError,
    DataError,
    DataFileNotFoundError,
    DataWarning,
    EmptyDataError,
    NotATableError,
    RunFolderError,
    SearchError,
    SearchSpaceError,
    TargetError,
    TargetNotFoundError,
)

__version__ = "0.1.0"

_LAZY = {
    "fit": "automl.api",
    "load": "automl.result",
    "SearchResult": "automl.result",
    "SearchConfig": "automl.config",
    "register_family": "automl.families.registry",
    "unregister_family": "automl.families.registry",
    "FitContext": "automl.families.base",
    "PrepOptions": "automl.preprocess.encode",
    "SearchBackend": "automl.search.backend",
    "LocalBackend": "automl.search.backend",
    "RayBackend": "automl.search.ray_backend",
}

__all__ = sorted([*_LAZY, "AutoMLError", "BackendError", "ColumnsMissingError", "ConfigError", "DataError",
                  "DataFileNotFoundError", "DataWarning", "EmptyDataError", "NotATableError", "RunFolderError", "SearchError",
                  "SearchSpaceError", "TargetError", "TargetNotFoundError", "__version__"])

if TYPE_CHECKING:
    from automl.api import fit
    from automl.config import SearchConfig
    from automl.families.base import FitContext
    from automl.families.registry import register_family, unregister_family
    from automl.preprocess.encode import PrepOptions
    from automl.result import SearchResult, load
    from automl.search.backend import LocalBackend, SearchBackend
    from automl.search.ray_backend import RayBackend


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'automl' has no attribute {name!r}")
