"""Column kinds a real table brings (pyarrow dtypes, time zones, durations, flags, lists) and what
arrives at predict time in another dtype: the cleaned numbers must be the ones training saw."""

from __future__ import annotations

import io
import logging
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

from automl.data.checks import data_fingerprint
from automl.data.profile import profile_columns
from automl.errors import DataError, DataWarning
from automl.preprocess import TableCleaner
from automl.preprocess.clean import clean_training_table

N = 60
rng = np.random.default_rng(0)


def _clean(train: pd.DataFrame, new: pd.DataFrame | None = None) -> pd.DataFrame:
    cleaner = TableCleaner(profile_columns(train)).fit(train)
    return cleaner.transform(train if new is None else new)


def _via_csv(X: pd.DataFrame) -> pd.DataFrame:
    buf = io.StringIO()
    X.to_csv(buf, index=False)
    buf.seek(0)
    return pd.read_csv(buf)


def test_one_value_or_missing_is_a_presence_flag():
    has = np.arange(N) % 3 == 0
    X = pd.DataFrame({"pool": np.where(has, "Y", None), "discount": np.where(has, 10.0, np.nan), "z": rng.normal(size=N)})
    p = profile_columns(X)
    assert p.presence == ["pool", "discount"] and not p.dropped  # they were dropped as constant, losing the signal
    out = _clean(X)
    assert out["num1"].tolist() == has.astype(float).tolist() and out["num2"].tolist() == has.astype(float).tolist()
    assert "constant" in profile_columns(X.assign(pool="Y")).dropped["pool"]  # no missing value: still constant


def test_category_levels_match_when_int_codes_come_back_as_floats():
    code = np.arange(N) % 5 + 1
    X = pd.DataFrame({"code": pd.Categorical(code), "flag": code > 2, "z": rng.normal(size=N)})
    seen = _clean(X)
    missing_one = X.assign(code=X["code"].astype(float).where(np.arange(N) != 0))  # a CSV with one gap does this
    drifted = _clean(X, missing_one.assign(flag=X["flag"].astype(float)))
    assert drifted["cat0"][1:].tolist() == seen["cat0"][1:].tolist()  # "1" and not "1.0": not an unseen level
    assert drifted.filter(like="num").equals(seen.filter(like="num"))  # 1.0 / 0.0 read as true / false


def test_a_time_zone_column_gives_the_same_parts_however_it_arrives():
    ts = pd.Timestamp("2022-03-20", tz="Europe/Berlin") + pd.to_timedelta(np.arange(N) * 7, unit="h")
    X = pd.DataFrame({"ts": ts, "z": rng.normal(size=N)})
    assert profile_columns(X).datetime_tz == {"ts": "Europe/Berlin"}
    seen = _clean(X)
    assert seen["dt0_hour"].tolist() == ts.hour.astype(float).tolist()  # local wall-clock hours
    for new in (_via_csv(X), X.assign(ts=X["ts"].dt.tz_convert("UTC")), X.assign(ts=ts.tz_localize(None))):
        assert np.array_equal(_clean(X, new).to_numpy(), seen.to_numpy(), equal_nan=True)


@pytest.mark.parametrize("dtype", ["timestamp[ns][pyarrow]", "timestamp[us, tz=UTC][pyarrow]", "date32[pyarrow]"])
def test_pyarrow_dates_are_datetimes(dtype):
    # these dtypes come from read_parquet(dtype_backend="pyarrow"); fit raised ArrowInvalid on them
    days = pd.Series(pd.date_range("2020-01-01", periods=N, freq="D", tz="UTC" if "tz" in dtype else None))
    X = pd.DataFrame({"t": days.astype(dtype), "z": rng.normal(size=N)})
    assert profile_columns(X).datetime == ["t"]
    expected = _clean(pd.DataFrame({"t": days, "z": X["z"]}))
    assert np.array_equal(_clean(X).to_numpy(), expected.to_numpy(), equal_nan=True)


@pytest.mark.parametrize("to_dtype", [None, "duration[s][pyarrow]"])
def test_durations_are_seconds(to_dtype):
    hours = rng.integers(1, 500, N)
    d = pd.Series(pd.to_timedelta(hours, unit="h"))
    X = pd.DataFrame({"d": d if to_dtype is None else d.astype(to_dtype), "z": rng.normal(size=N)})
    assert profile_columns(X).duration == ["d"]  # was dropped as "a row identifier"
    assert _clean(X)["num1"].tolist() == (hours * 3600.0).tolist()
    assert _clean(X, _via_csv(X))["num1"].tolist() == (hours * 3600.0).tolist()  # "20 days 05:00:00" text


def test_periods_are_datetimes():
    X = pd.DataFrame({"month": pd.period_range("2000-01", periods=N, freq="M"), "z": rng.normal(size=N)})
    out = _clean(X)
    assert out["dt0_month"].tolist() == [float(m % 12 + 1) for m in range(N)]  # every part was NaN


def test_a_column_of_lists_is_dropped_with_its_reason():
    X = pd.DataFrame({"tags": [[1, 2], [3]] * (N // 2), "z": rng.normal(size=N)})
    assert "holds list values, not one value per cell" in profile_columns(X).dropped["tags"]
    assert data_fingerprint(X, None) == data_fingerprint(X.copy(), None)  # raised "unhashable type: 'list'"


def test_duplicate_training_columns_at_predict_time_are_named():
    X = pd.DataFrame({"a": rng.normal(size=N), "z": rng.normal(size=N)})
    with pytest.raises(DataError, match=r"duplicate column names: \['z'\]"):
        _clean(X, pd.concat([X, X[["z"]]], axis=1))
    _clean(X, pd.concat([X, X[["z"]].set_axis(["other"], axis=1), X[["z"]].set_axis(["other"], axis=1)], axis=1))


def test_huge_numbers_are_clipped_to_what_models_take():
    X = pd.DataFrame({"a": rng.normal(size=N) * 1e300, "z": rng.normal(size=N)})
    out = _clean(X)["num0"].to_numpy()
    assert np.isfinite(out).all() and np.abs(out).max() == 1e38
    assert np.array_equal(np.sign(out), np.sign(X["a"].to_numpy()))


def test_a_profile_saved_before_a_field_existed_loads_with_its_default():
    p = profile_columns(pd.DataFrame({"a": rng.normal(size=N)}))
    state = dict(p.__dict__)
    del state["duration"], state["presence"], state["datetime_tz"]
    old = pickle.loads(pickle.dumps(p))
    old.__dict__.clear()
    old.__setstate__(state)
    assert old.duration == [] and old.presence == [] and old.datetime_tz == {}


def test_int_column_names_are_found_in_a_csvs_text_names():
    X = pd.DataFrame(rng.normal(size=(N, 3)))  # columns 0, 1, 2: a CSV gives back "0", "1", "2"
    assert np.array_equal(_clean(X, _via_csv(X)).to_numpy(), _clean(X).to_numpy())


def test_a_column_kept_by_name_is_used_though_it_looks_like_a_row_id(caplog):
    import logging

    X = pd.DataFrame({"year": np.arange(1950, 1950 + N), "code": [f"c{i}" for i in range(N)], "z": rng.normal(size=N)})
    with caplog.at_level(logging.INFO, logger="automl"):
        assert set(profile_columns(X).dropped) == {"year", "code"}
    assert "pass keep_columns=['year'] to use it" in caplog.text
    p = profile_columns(X, keep=["year", "code"])
    assert p.numeric == ["year", "z"] and p.categorical == {"code": N} and not p.dropped
    assert "constant" in profile_columns(X.assign(c=1), keep=["c"]).dropped["c"]  # keep overrides the ID rule only


def test_numbers_written_with_symbols_or_placeholders_are_numbers():
    x = rng.uniform(0, 5000, N)
    X = pd.DataFrame({
        "money": [f"${v:,.2f}" for v in x],  # was dropped as "a row identifier"
        "pct": [f"{v / 100:.1f}%" for v in x],
        "age": [("?" if i % 12 == 0 else str(int(v))) for i, v in enumerate(x)],  # was 300 categorical levels
        "doors": (["2", "3", "4", "5more"] * N)[:N],  # a level that is text keeps the column categorical
    })
    p = profile_columns(X)
    assert p.numeric_text == ["money", "pct", "age"] and list(p.categorical) == ["doors"]
    out = _clean(X)
    assert np.allclose(out["num0"], np.round(x, 2)) and np.allclose(out["num1"], np.round(x / 100, 1))
    assert np.isnan(out["num2"][::12]).all() and np.allclose(out["num2"][1::12], x[1::12].astype(int))


def test_values_that_cannot_be_read_at_predict_time_are_named_in_a_warning():
    X = pd.DataFrame({"x": rng.normal(size=N), "price": [f"${v:,.0f}" for v in rng.uniform(1, 9e3, N)],
                      "member": ["yes", "no"] * (N // 2), "day": pd.date_range("2021-01-01", periods=N, freq="D")})
    cleaner = TableCleaner(profile_columns(X)).fit(X)
    new = pd.DataFrame({"x": ["abc", "1.5", None, "?"], "price": ["$10", "ten", "n/a", ""],
                        "member": ["maybe", "yes", None, "no"], "day": ["2021-02-30", "2021-02-03", None, "-"]})
    with pytest.warns(DataWarning) as caught:
        out = cleaner.transform(new)  # these became missing without a word
    (message,) = [str(w.message) for w in caught]
    for named in ("'x': 1 of 4 ('abc')", "'price': 1 of 4 ('ten')", "'member': 1 of 4 ('maybe')", "'day': 1 of 4 ('2021-02-30')"):
        assert named in message
    assert out["num0"].tolist()[1] == 1.5 and np.isnan(out["num0"][0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # placeholders and missing values are meant as missing: no warning
        cleaner.transform(new.iloc[[2]])
        cleaner.transform(X)


def test_unreadable_training_values_are_logged_once_not_warned(caplog):
    X = pd.DataFrame({"age": [str(v) for v in range(N - 1)] + ["about forty"], "z": rng.normal(size=N)})
    with warnings.catch_warnings(), caplog.at_level(logging.INFO, logger="automl"):
        warnings.simplefilter("error")
        clean_training_table(profile_columns(X), X)
    assert "'age': 1 of 60 ('about forty')" in caplog.text


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_epoch_numbers_for_a_datetime_column_are_read_in_their_unit(unit):
    ts = pd.Timestamp("2023-05-01 08:00") + pd.to_timedelta(np.arange(N) * 31, unit="h")
    X = pd.DataFrame({"ts": ts, "z": rng.normal(size=N)})
    epoch = (ts - pd.Timestamp(0)) // pd.Timedelta(1, unit=unit)  # was read as nanoseconds whatever its size: 1970
    assert np.array_equal(_clean(X, X.assign(ts=epoch)).to_numpy(), _clean(X).to_numpy())


def test_dates_written_with_dots_or_month_names_are_datetimes():
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, N), unit="D")
    X = pd.DataFrame({"dotted": days.strftime("%d.%m.%Y"), "named": days.strftime("%b %d, %Y"),
                      "version": [f"{a}.{b}.{c}" for a, b, c in rng.integers(0, 12, (N, 3))],
                      "month": ["may", "jun"] * (N // 2)})
    p = profile_columns(X)
    assert p.datetime == ["dotted", "named"] and list(p.categorical) == ["version", "month"]
    out = _clean(X)
    assert out["dt0_day"].tolist() == days.day.astype(float).tolist()  # "01.03.2021" is 1 March, on every row
    assert out["dt0_ordinal"].tolist() == out["dt1_ordinal"].tolist()


def test_a_date_column_in_several_formats_gives_each_value_its_date():
    """Parsed one vectorised pass per format (format="mixed" parsed a million rows value by value: 15 s);
    a stray first value must not decide the format."""
    when = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 2000 * 86400, N), unit="s").floor("min")
    text = np.where(np.arange(N) % 2 == 0, when.strftime("%Y-%m-%d %H:%M:%S"), when.strftime("%m/%d/%Y %H:%M"))
    text[::15] = when[::15].strftime("%B %d, %Y %H:%M")
    text[0] = "unknown"
    X = pd.DataFrame({"when": text, "z": rng.normal(size=N)})
    assert profile_columns(X).datetime == ["when"]
    out = _clean(X)
    expected = (when - pd.Timestamp(0)).total_seconds().to_numpy() / 86400.0
    assert np.isnan(out["dt0_ordinal"][0]) and np.allclose(out["dt0_ordinal"][1:], expected[1:])
