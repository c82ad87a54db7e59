"""TableCleaner: raw rows -> a tidy frame of numeric and categorical columns."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Hashable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from automl.data.profile import MISSING_TOKENS, DataProfile, day_first, numbers_in_text
from automl.errors import ColumnsMissingError, DataError, DataWarning, NotATableError

logger = logging.getLogger("automl")

_TRUE = {"true", "yes", "y", "t", "1", "1.0"}
_FALSE = {"false", "no", "n", "f", "0", "0.0"}
LARGEST = 1e38  # numbers are clipped to +-this: XGBoost casts to float32 (max 3.4e38), scalers square them
DATETIME_PARTS = ("year", "month", "day", "dayofweek", "hour", "ordinal")
MAX_DATE_FORMATS = 4  # formats of one text date column parsed in vectorised passes before value-by-value parsing
MAX_GAP_COLUMNS = 5  # gaps (later - earlier, in days) between each pair of the first 5 datetime columns


class TableCleaner(TransformerMixin, BaseEstimator):
    """Select the profiled columns and coerce them to clean numeric / categorical columns.

    Output column names are internal (``num0``, ``cat0`` ...), so any original name works,
    including names XGBoost would refuse. ``numeric_names_`` and ``categorical_names_``
    list the output columns of each kind; ``categorical_levels_`` the profiled level counts.
    """

    def __init__(self, profile: DataProfile | None = None):
        self.profile = profile

    def fit(self, X: pd.DataFrame, y=None) -> "TableCleaner":
        self._check_frame(X)
        p = self.profile
        self.feature_names_in_ = np.asarray(p.used, dtype=object)
        self.n_features_in_ = len(p.used)
        num = p.numeric + p.numeric_text + p.boolean + p.duration + p.presence
        self.numeric_names_ = [f"num{i}" for i in range(len(num))]
        self.numeric_names_ += [f"dt{i}_{part}" for i in range(len(p.datetime)) for part in DATETIME_PARTS]
        self.numeric_names_ += [_gap_name(i, j) for i, j in _gap_pairs(len(p.datetime))]
        self.categorical_names_ = [f"cat{i}" for i in range(len(p.categorical))]
        self.categorical_levels_ = dict(zip(self.categorical_names_, p.categorical.values()))
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        self._check_frame(X)
        p = self.profile
        X = _names_as_trained(X, p.used)
        missing = [c for c in p.used if c not in X.columns]
        if missing:
            raise ColumnsMissingError(
                f"The table is missing {len(missing)} column(s) seen at fit time: {', '.join(map(repr, missing[:10]))}."
                " Pass rows with every training column (extra columns are ignored, order does not matter)."
            )
        out: dict[str, np.ndarray] = {}
        unreadable: dict[Hashable, pd.Series] = {}  # column -> values present in X but read as missing
        readers = [(c, _to_float) for c in p.numeric] + [(c, _text_to_float) for c in p.numeric_text]
        readers += [(c, _bool_to_float) for c in p.boolean] + [(c, _seconds) for c in p.duration]
        for i, (c, read) in enumerate(readers):
            out[f"num{i}"] = read(X[c])
            unreadable[c] = _unreadable(X[c], out[f"num{i}"])
        off = len(readers)
        for i, c in enumerate(p.presence):
            out[f"num{off + i}"] = X[c].notna().to_numpy(dtype="float64")
        for i, c in enumerate(p.datetime):
            for part, values in _datetime_parts(X[c], p.datetime_tz.get(c)).items():
                out[f"dt{i}_{part}"] = values
            unreadable[c] = _unreadable(X[c], out[f"dt{i}_ordinal"])
        for i, j in _gap_pairs(len(p.datetime)):
            out[_gap_name(i, j)] = out[f"dt{j}_ordinal"] - out[f"dt{i}_ordinal"]
        for i, c in enumerate(p.categorical):
            out[f"cat{i}"] = _to_text(X[c])
        _warn_unreadable(unreadable, len(X))
        return pd.DataFrame(out, index=X.index)

    def _check_frame(self, X) -> None:
        if not isinstance(X, pd.DataFrame):
            raise NotATableError(
                f"Expected a pandas DataFrame with the training columns; got {type(X).__name__}."
                " Build one with pd.DataFrame(rows, columns=...)."
            )
        if X.columns.has_duplicates and (twice := {c for c in X.columns[X.columns.duplicated()] if c in self.profile.used}):
            raise DataError(f"The table has duplicate column names: {sorted(map(str, twice))}. Rename or drop them so"
                            " each training column appears once.")


def clean_training_table(profile: DataProfile, X: pd.DataFrame) -> pd.DataFrame:
    """``X`` through a TableCleaner of ``profile``. Values it reads as missing are logged here, once per fit
    (the training table is the user's; at predict time the same finding is a DataWarning)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cleaned = TableCleaner(profile).fit(X).transform(X)
    for w in caught:
        if issubclass(w.category, DataWarning):
            logger.info("%s", w.message)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return cleaned


def _names_as_trained(X: pd.DataFrame, names: list) -> pd.DataFrame:
    """Rename text column names ("0") to the training names they spell (0): a CSV has only text names."""
    absent = {str(c): c for c in names if not isinstance(c, str) and c not in X.columns}
    renamed = {col: absent[col] for col in X.columns if isinstance(col, str) and col in absent}
    return X.rename(columns=renamed) if renamed else X


def _unreadable(raw: pd.Series, read: np.ndarray) -> pd.Series:
    """The values of ``raw`` that are present but were read as missing (a placeholder such as "n/a" or a
    blank is meant as missing; so is a number too large or infinite, read as missing in training too)."""
    lost = raw.notna().to_numpy() & np.isnan(read)
    if not lost.any() or pd.api.types.is_numeric_dtype(raw.dtype):
        return raw.iloc[:0]
    text = raw[lost].astype("str").str.strip().str.lower()
    return raw[lost][~(text.isin(MISSING_TOKENS) | (text == ""))]


def _warn_unreadable(unreadable: dict[Hashable, pd.Series], n_rows: int) -> None:
    """One DataWarning naming each column with values it could not read, and a few of them."""
    lines = [f"{name!r}: {len(values)} of {n_rows} ({', '.join(map(repr, values.astype('str').unique()[:3]))})"
             for name, values in unreadable.items() if len(values)]
    if lines:
        warnings.warn(DataWarning(
            f"Values that cannot be read as the column's kind are treated as missing: {'; '.join(lines)}."
            " Fix them, or send them as missing (NaN / None) to silence this."), stacklevel=2)


def _text_to_float(col: pd.Series) -> np.ndarray:
    return _to_float(numbers_in_text(col))


def _to_float(col: pd.Series) -> np.ndarray:
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64", na_value=np.nan).copy()
    values[~np.isfinite(values)] = np.nan
    return np.clip(values, -LARGEST, LARGEST, out=values)


def _seconds(col: pd.Series) -> np.ndarray:
    """A duration column (timedelta, pyarrow duration, or its text such as "3 days 02:00:00") in seconds."""
    if getattr(col.dtype, "kind", None) != "m":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            col = pd.to_timedelta(col.astype("object"), errors="coerce")
    elif isinstance(col.dtype, pd.ArrowDtype):
        col = col.astype(col.dtype.numpy_dtype)
    return _to_float(col.dt.total_seconds())


def _bool_to_float(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(col.dtype) and not col.hasnans:
        return col.to_numpy(dtype="float64")
    text = col.astype("object").map(lambda v: str(v).strip().lower() if pd.notna(v) else None)
    return np.where(text.isin(_TRUE), 1.0, np.where(text.isin(_FALSE), 0.0, np.nan))


def _to_text(col: pd.Series) -> np.ndarray:
    """Categorical values as a plain object array of str, missing as np.nan (what sklearn encoders accept).

    A whole float is written as an int ("1", not "1.0"): a column of int codes comes back as floats
    from a CSV with a missing value, and its levels must still match the training ones.
    """
    values = col.astype("object").to_numpy(copy=True)
    mask = pd.isna(values)
    values[~mask] = [_level(v) for v in values[~mask]]
    values[mask] = np.nan
    return values


def _level(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _as_datetime(col: pd.Series) -> pd.Series:
    """A numpy-backed datetime column from a datetime, pyarrow timestamp/date, period, epoch-number or text column."""
    dtype = col.dtype
    if isinstance(dtype, pd.PeriodDtype):
        return col.dt.to_timestamp()
    if isinstance(dtype, pd.ArrowDtype) and dtype.kind == "M":
        return pd.to_datetime(col) if getattr(dtype.pyarrow_dtype, "tz", None) else col.astype(dtype.numpy_dtype)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return col
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return pd.to_datetime(col, unit=_epoch_unit(col), errors="coerce", utc=True)
    dayfirst = day_first(col.dropna().iloc[:1].astype("str"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(col, errors="coerce", utc=True, dayfirst=dayfirst, format=_format_of(col, dayfirst))
        if parsed.notna().sum() < 0.9 * col.notna().sum():
            parsed = _several_formats(col, parsed, dayfirst)
    return parsed


def _format_of(col: pd.Series, dayfirst: bool) -> str | None:
    """The most common format among the first 20 values (None when none is guessed: pandas then infers it
    from the first value, or parses value by value). Guessed from one value, as pandas does, a stray first
    value ("n/a", another format) made a million rows parse value by value."""
    from pandas.tseries.api import guess_datetime_format

    guesses = [guess_datetime_format(str(v), dayfirst=dayfirst) for v in col.dropna().iloc[:20]]
    guesses = [g for g in guesses if g is not None]
    return max(set(guesses), key=guesses.count) if guesses else None


def _several_formats(col: pd.Series, parsed: pd.Series, dayfirst: bool) -> pd.Series:
    """Text dates in several formats ("2019-03-04 12:00:00" and "03/04/2019 12:00"): each format, the most
    common one guessed among the first unparsed values, is parsed in one vectorised pass; what is left,
    value by value, each distinct value once. Value by value for every row (format="mixed") took 15-21 s
    on a million rows."""
    for _ in range(MAX_DATE_FORMATS):
        todo = col.notna() & parsed.isna()
        if (fmt := _format_of(col[todo], dayfirst)) is None:
            break
        more = pd.to_datetime(col[todo], errors="coerce", utc=True, format=fmt)
        if more.isna().all():
            break
        parsed = parsed.fillna(more)
    todo = col.notna() & parsed.isna()
    if todo.any():
        text = col[todo].astype("str")
        distinct = pd.unique(text)
        each = pd.Series(pd.to_datetime(distinct, errors="coerce", utc=True, format="mixed", dayfirst=dayfirst),
                         index=distinct)
        parsed = parsed.fillna(text.map(each))
    return parsed


def _epoch_unit(col: pd.Series) -> str:
    """The unit of epoch numbers given for a datetime column, by their size: seconds since 1970 are
    about 1e9 today, milliseconds 1e12, microseconds 1e15, nanoseconds 1e18."""
    size = float(np.nanmedian(np.abs(col.to_numpy(dtype="float64", na_value=np.nan)))) if col.notna().any() else 0.0
    return "s" if size < 1e11 else "ms" if size < 1e14 else "us" if size < 1e17 else "ns"


def _gap_pairs(n_datetime: int) -> list[tuple[int, int]]:
    """Pairs of datetime columns whose difference becomes a feature: a duration (dropoff - pickup,
    shipped - ordered) is often what predicts, and trees cannot subtract two timestamp columns."""
    n = min(n_datetime, MAX_GAP_COLUMNS)
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


def _gap_name(i: int, j: int) -> str:
    return f"dt{j}_minus_dt{i}"


def _datetime_parts(col: pd.Series, tz: str | None) -> dict[str, np.ndarray]:
    """Calendar parts of a datetime column. A column trained with a time zone gives its parts in that
    zone whatever arrives (other zones, naive values, text); others as they are, text in UTC."""
    parsed = _as_datetime(col)
    if tz is not None:
        if parsed.dt.tz is None:
            parsed = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        else:
            parsed = parsed.dt.tz_convert(tz)
    dt = parsed.dt
    parts = {
        "year": dt.year, "month": dt.month, "day": dt.day,
        "dayofweek": dt.day_of_week, "hour": dt.hour + dt.minute / 60.0,
    }
    out = {k: v.to_numpy(dtype="float64", na_value=np.nan) for k, v in parts.items()}
    seconds = (parsed - pd.Timestamp(0, tz=parsed.dt.tz)).dt.total_seconds()
    out["ordinal"] = seconds.to_numpy(dtype="float64", na_value=np.nan) / 86400.0
    return out
