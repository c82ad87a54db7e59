"""Profile the feature columns: what kind each one is, and which ones carry no information.

The profile is schema, not a fitted statistic: it is computed once on the training
table and decides which preprocessing branch each column takes. Values that are
learned (medians, categories, encodings) are fitted later, inside each CV fold.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Collection, Hashable
from dataclasses import MISSING, dataclass, field, fields

import numpy as np
import pandas as pd

from automl.errors import plain

logger = logging.getLogger("automl")

_ID_NAME = re.compile(r"(^|[^a-z])(id|key|index|instant|uuid|guid)$|^(row|order)(_?(no|num|number))?$", re.I)
_SAMPLE = 500


@dataclass
class DataProfile:
    """Column kinds of a training table (names exactly as in the table)."""

    n_rows: int
    numeric: list[Hashable] = field(default_factory=list)
    boolean: list[Hashable] = field(default_factory=list)
    categorical: dict[Hashable, int] = field(default_factory=dict)  # name -> number of levels
    datetime: list[Hashable] = field(default_factory=list)
    numeric_text: list[Hashable] = field(default_factory=list)  # text holding numbers, e.g. " 12.5"
    duration: list[Hashable] = field(default_factory=list)  # timedeltas, used as seconds
    presence: list[Hashable] = field(default_factory=list)  # one value or missing: used as present (1) / missing (0)
    datetime_tz: dict[Hashable, str] = field(default_factory=dict)  # datetime name -> its time zone, if it has one
    dropped: dict[Hashable, str] = field(default_factory=dict)  # name -> reason
    columns: list[Hashable] = field(default_factory=list)  # every column seen at fit time, in order

    def __setstate__(self, state: dict) -> None:
        """A model saved before a field existed loads with that field's default."""
        defaults = {f.name: f.default_factory() for f in fields(self) if f.default_factory is not MISSING}
        self.__dict__.update({**defaults, **state})

    @property
    def used(self) -> list[Hashable]:
        return [c for c in self.columns if c not in self.dropped]

    def to_json(self) -> dict:
        return {
            "n_rows": self.n_rows,
            "columns": [_jsonable(c) for c in self.columns],
            "numeric": [_jsonable(c) for c in self.numeric + self.numeric_text + self.duration],
            "boolean": [_jsonable(c) for c in self.boolean + self.presence],
            "categorical": {str(k): v for k, v in self.categorical.items()},
            "datetime": [_jsonable(c) for c in self.datetime],
            "dropped": {str(k): v for k, v in self.dropped.items()},
        }


def _jsonable(name: Hashable) -> object:
    return name if isinstance(name, (str, int, float)) else str(name)


def profile_columns(X: pd.DataFrame, keep: Collection[Hashable] = ()) -> DataProfile:
    """Classify every column of ``X`` and log the columns it drops. A column in ``keep`` that looks
    like a row identifier is used anyway (a year, one per row, looks like a row counter)."""
    prof = DataProfile(n_rows=len(X), columns=list(X.columns))
    for name in X.columns:
        kind, detail = _classify(X[name])
        if kind == "drop" and name in keep and "identifier" in detail:
            numeric = pd.api.types.is_numeric_dtype(X[name].dtype)
            kind, detail = ("numeric", None) if numeric else ("categorical", int(X[name].nunique()))
        if kind == "drop":
            prof.dropped[name] = detail
        elif kind == "categorical":
            prof.categorical[name] = detail
        else:
            getattr(prof, kind).append(name)
            if kind == "datetime" and (tz := _time_zone(X[name].dtype)) is not None:
                prof.datetime_tz[name] = tz
    for name, reason in prof.dropped.items():
        hint = f" (pass keep_columns=[{name!r}] to use it)" if "identifier" in reason else ""
        logger.info("Dropping column %r: %s%s.", name, reason, hint)
    for name in prof.presence:
        logger.info("Column %r holds one value or is missing: it is used as present (1) or missing (0).", name)
    return prof


def _classify(col: pd.Series) -> tuple[str, object]:
    non_null = col.dropna()
    if len(non_null) == 0:
        return "drop", "all values are missing"
    try:
        n_unique = non_null.nunique()
    except TypeError:  # unhashable cells
        kinds = sorted({type(v).__name__ for v in non_null.iloc[:_SAMPLE]})
        return "drop", f"it holds {'/'.join(kinds)} values, not one value per cell (join or expand them into columns to use them)"
    if n_unique == 1:
        if len(non_null) < len(col):
            return "presence", None
        return "drop", f"constant (every value is {plain(non_null.iloc[0])!r})"
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean", None
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return "datetime", None
    if pd.api.types.is_timedelta64_dtype(dtype) or getattr(dtype, "kind", None) == "m":  # numpy or pyarrow durations
        return "duration", None
    if pd.api.types.is_numeric_dtype(dtype):
        if _is_row_id(col, non_null, n_unique):
            return "drop", "a row identifier (one distinct integer per row)"
        return "numeric", None
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical", int(n_unique)
    # text / object / string
    text = non_null.astype("str").str.strip()
    text = text[text != ""]
    if len(text) == 0:
        return "drop", "all values are missing or blank"
    sample = text.iloc[:_SAMPLE]
    if _mostly(numbers_in_text(sample).notna()[~sample.str.lower().isin(MISSING_TOKENS)]):
        return "numeric_text", None
    if _looks_datetime(sample[~sample.str.lower().isin(MISSING_TOKENS)]):  # "n/a" in a date column is missing
        return "datetime", None
    if _is_bool_text(text):
        return "boolean", None
    if n_unique == len(col) and len(col) >= 20:
        return "drop", "a row identifier (a distinct text value per row)"
    return "categorical", int(n_unique)


MISSING_TOKENS = frozenset({"?", "na", "n/a", "nan", "none", "null", "-", "--", "missing", "unknown"})
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")


def numbers_in_text(text: pd.Series) -> pd.Series:
    """The numbers of a text column: " 12.5", "$1,234.50" and "45%" read as 12.5, 1234.5 and 45; a
    placeholder ("?", "n/a", "-" ...) or any other text is missing. (A decimal comma, "12,5", is not a number.)"""
    s = text.astype("str").str.strip()
    s = s.mask(s.str.lower().isin(MISSING_TOKENS))
    s = s.str.replace(r"^([-+]?)\s*[$€£¥]\s*", r"\1", regex=True).str.replace(r"\s*%$", "", regex=True)
    s = s.where(~s.str.match(_THOUSANDS, na=False), s.str.replace(",", "", regex=False))
    return pd.to_numeric(s, errors="coerce")


def _time_zone(dtype) -> str | None:
    """The time zone of a datetime dtype (numpy-backed or pyarrow), or None when it is naive."""
    tz = getattr(dtype, "tz", None) or getattr(getattr(dtype, "pyarrow_dtype", None), "tz", None)
    return None if tz is None else str(tz)


def _is_row_id(col: pd.Series, non_null: pd.Series, n_unique: int) -> bool:
    """An integer column with one distinct value per row that counts rows or is named like an ID."""
    if not pd.api.types.is_integer_dtype(col.dtype) or n_unique != len(col) or len(col) < 20:
        return False
    values = np.sort(non_null.to_numpy())
    consecutive = bool((np.diff(values) == 1).all())
    return consecutive or bool(_ID_NAME.search(str(col.name)))


def _mostly(mask: pd.Series, share: float = 0.95) -> bool:
    return len(mask) > 0 and float(mask.mean()) >= share


# Dates without "-", "/" or ":": "01.03.2021" (day first, as where dots are written) and "Mar 1, 2021".
# A version string ("1.2.3") has no four-digit year, so it is neither.
DOTTED_DATE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{4}(?:\s|$)")
_MONTH_NAME = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b.*\b\d{4}\b"
                         r"|\b\d{4}\b.*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)


def _looks_datetime(text: pd.Series) -> bool:
    if not text.str.contains(r"\d", regex=True).all():
        return False
    dated = text.str.contains(r"[-/:]", regex=True) | text.str.match(DOTTED_DATE) | text.str.contains(_MONTH_NAME)
    if not dated.mean() > 0.95:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=day_first(text))
    return _mostly(parsed.notna())


def day_first(text: pd.Series) -> bool:
    """Whether dates are written "01.03.2021" (1 March: the day comes first where dates are written with dots)."""
    first = text.dropna()
    return len(first) > 0 and DOTTED_DATE.match(str(first.iloc[0])) is not None


_TRUE = {"true", "yes", "y", "t"}
_FALSE = {"false", "no", "n", "f"}


def _is_bool_text(text: pd.Series) -> bool:
    levels = set(text.str.lower().unique())
    return len(levels) == 2 and levels <= (_TRUE | _FALSE) and bool(levels & _TRUE) and bool(levels & _FALSE)
