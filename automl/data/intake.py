"""Turn what the user passed (a DataFrame, a CSV/Parquet path, or a SQL query) into a DataFrame."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from automl.errors import DataError, DataFileNotFoundError, NotATableError

logger = logging.getLogger("automl")

_CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz", ".tsv", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_SQL = re.compile(r"\s*(select|with)\s", re.IGNORECASE)


def read_table(source: Any, *, con: Any = None) -> pd.DataFrame:
    """Return ``source`` as a DataFrame.

    ``source`` is a DataFrame (returned as is; pandas' copy-on-write keeps it safe),
    a path to a CSV or Parquet file, or, with ``con`` (a DB-API connection such as
    ``sqlite3.connect(...)`` or an SQLAlchemy engine), a SQL query.
    """
    if isinstance(source, pd.DataFrame):
        return source
    if con is not None:
        if not isinstance(source, str):
            raise NotATableError(f"With con=, the data must be a SQL query string; got {type(source).__name__}.")
        try:
            return pd.read_sql(source, con)
        except Exception as exc:  # the driver's own error types (sqlite3, SQLAlchemy ...): one message for all
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise DataError(f"The SQL query failed: {reason}. Check the query against the database behind con=.") from exc
    if isinstance(source, (str, os.PathLike)):
        return _read_file(Path(source))
    kind = type(source).__name__
    hint = " Convert it with pd.DataFrame(...) first." if hasattr(source, "__array__") or isinstance(source, (list, dict)) else ""
    raise NotATableError(
        f"The data must be a pandas DataFrame or a path to a CSV/Parquet file; got a {kind}.{hint}"
    )


def _read_file(path: Path) -> pd.DataFrame:
    if not path.exists():
        if _SQL.match(str(path)):
            raise DataFileNotFoundError(f"Data file not found: '{path}'. To run it as a SQL query, pass con= (a DB-API"
                                        " connection such as sqlite3.connect(...), or an SQLAlchemy engine).")
        raise DataFileNotFoundError(f"Data file not found: '{path}'. Check the path (relative paths start at {Path.cwd()}).")
    if path.is_dir():
        raise NotATableError(f"'{path}' is a folder; pass a CSV or Parquet file.")
    name = path.name.lower()
    if name.endswith(_PARQUET_SUFFIXES):
        return pd.read_parquet(path)
    if name.endswith(_CSV_SUFFIXES):
        return _read_csv(path, "\t" if name.endswith(".tsv") else ",")
    raise NotATableError(
        f"Cannot tell the format of '{path}' from its name; use a .csv (optionally .gz) or .parquet file."
    )


_OTHER_SEPARATORS = (";", "\t", "|")


def _read_csv(path: Path, sep: str) -> pd.DataFrame:
    """Read a CSV; a file read as one column whose name holds ';', tab or '|' is read again with that separator."""
    try:
        df = pd.read_csv(path, sep=sep)
        if df.shape[1] == 1 and (found := [s for s in _OTHER_SEPARATORS if s in str(df.columns[0])]):
            other = max(found, key=str(df.columns[0]).count)
            logger.info("Reading '%s' as %r-separated (read with %r it had one column).", path, other, sep)
            df = pd.read_csv(path, sep=other)
    except UnicodeDecodeError as exc:
        raise DataError(f"'{path}' is not UTF-8 text ({exc.reason} at byte {exc.start}). Re-save it as UTF-8, or read it"
                        " with pandas.read_csv(path, encoding=...) (e.g. 'latin-1') and pass the DataFrame.") from exc
    return df
