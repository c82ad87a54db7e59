"""Checks that a table and its target can be learned from, with errors that say what to fix."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Hashable

import pandas as pd

from automl.errors import EmptyDataError, TargetError, TargetNotFoundError, did_you_mean, DataError

logger = logging.getLogger("automl")


def split_target(df: pd.DataFrame, target: Hashable | None) -> tuple[pd.DataFrame, pd.Series | None]:
    """Return (features, target) with rows whose target is missing dropped; ``target=None``
    (clustering) gives (every column, None).

    Raises clear errors for an empty table, an unknown or all-missing target, and
    a table with no feature columns.
    """
    if df.shape[0] == 0:
        raise EmptyDataError("The table has no rows; pass a table with at least 10 labelled rows.")
    if df.columns.has_duplicates:
        dups = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise DataError(f"The table has duplicate column names: {dups}. Rename them so every column is unique.")
    if target is None:
        if len(df) < 10:
            raise EmptyDataError(f"The table has only {len(df)} rows; clustering needs at least 10.")
        return df.reset_index(drop=True), None
    if target not in df.columns:
        raise TargetNotFoundError(
            f"Target column {target!r} is not in the table.{did_you_mean(target, df.columns)}"
            f" Columns: {_preview(df.columns)}."
        )
    y = df[target]
    X = df.drop(columns=[target])
    if X.shape[1] == 0:
        raise EmptyDataError(f"The table has only the target column {target!r}; add feature columns.")
    y = _normalise_missing(y)
    keep = y.notna().to_numpy()
    if not keep.any():
        raise TargetError(f"Target column {target!r} is all missing; choose a column with values.")
    if not keep.all():
        logger.info("Dropping %d of %d rows: their target %r is missing.", len(keep) - keep.sum(), len(keep), target)
        X, y = X.loc[keep], y.loc[keep]
    if len(y) < 10:
        raise EmptyDataError(f"Only {len(y)} rows have a value in {target!r}; automl needs at least 10.")
    return X.reset_index(drop=True), y.reset_index(drop=True)


def _normalise_missing(y: pd.Series) -> pd.Series:
    """Treat ±inf and blank strings in the target as missing."""
    if pd.api.types.is_float_dtype(y.dtype):
        return y.where(~y.isin([float("inf"), float("-inf")]))
    if pd.api.types.is_string_dtype(y.dtype) or y.dtype == object:
        return y.where(~y.astype("str").str.strip().eq(""))
    return y


def _preview(columns: pd.Index, n: int = 12) -> str:
    names = [repr(c) for c in columns[:n]]
    more = f", ... ({len(columns) - n} more)" if len(columns) > n else ""
    return ", ".join(names) + more


def data_fingerprint(X, y) -> str:
    """A hash of the training rows, to check that resume= gets the same data."""
    h = hashlib.sha256()
    try:
        rows = pd.util.hash_pandas_object(X, index=False)
    except TypeError:  # cells holding lists or dicts (unhashable): hash their text
        rows = pd.util.hash_pandas_object(X.apply(lambda c: c.map(repr) if c.dtype == object else c), index=False)
    h.update(rows.to_numpy().tobytes())
    if y is not None:
        h.update(pd.util.hash_pandas_object(y, index=False).to_numpy().tobytes())
    h.update(repr([str(c) for c in X.columns]).encode())
    return h.hexdigest()[:16]

