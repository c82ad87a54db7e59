"""Column profiling and the preprocessing it drives (TableCleaner + Encoder)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.data.profile import profile_columns
from automl.errors import ColumnsMissingError
from automl.preprocess import Encoder, PrepOptions, TableCleaner
from automl.preprocess.encode import native_categorical_count

N = 300
rng = np.random.default_rng(0)


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "num": rng.normal(size=N),
        "num with inf": np.where(rng.random(N) < 0.05, np.inf, rng.normal(size=N)),
        "charges": [" " if i % 50 == 0 else f"{v:.2f}" for i, v in enumerate(rng.uniform(10, 100, N))],
        "flag": rng.random(N) < 0.5,
        "yes_no": rng.choice(["Yes", "No"], N),
        "when": pd.date_range("2020-01-01", periods=N, freq="h").astype(str),
        "colour": rng.choice(["red", "green", "blue", None], N),
        "cat_pdna": pd.array(rng.choice(["u", "v", None], N), dtype="string"),
        "zip": [f"z{i}" for i in rng.integers(0, 250, N)],
        "const": 7,
        "empty": np.nan,
        "row_id": np.arange(N),
        "customerID": [f"C-{i:05d}" for i in range(N)],
    })


def test_profile_kinds(frame):
    p = profile_columns(frame)
    assert p.numeric == ["num", "num with inf"]
    assert p.numeric_text == ["charges"]
    assert p.boolean == ["flag", "yes_no"]
    assert p.datetime == ["when"]
    assert set(p.categorical) == {"colour", "cat_pdna", "zip"}
    assert set(p.dropped) == {"const", "empty", "row_id", "customerID"}
    assert "constant" in p.dropped["const"] and "missing" in p.dropped["empty"]
    assert "identifier" in p.dropped["row_id"] and "identifier" in p.dropped["customerID"]


def test_cleaner_coerces(frame):
    p = profile_columns(frame)
    out = TableCleaner(p).fit(frame).transform(frame)
    assert np.isnan(out["num1"][np.isinf(frame["num with inf"])]).all()  # ±inf -> missing
    assert np.isnan(out["num2"][0]) and out["num2"][1] == pytest.approx(float(frame["charges"][1]))
    assert set(np.unique(out["num4"])) == {0.0, 1.0}
    assert {"dt0_year", "dt0_month", "dt0_hour", "dt0_ordinal"} <= set(out.columns)
    assert out["dt0_hour"][1] == 1.0
    cat_pdna = out["cat1"]  # string dtype with pd.NA -> plain str / np.nan
    assert all(isinstance(v, str) or (isinstance(v, float) and np.isnan(v)) for v in cat_pdna)


def test_predict_time_changes_do_not_crash(frame):
    p = profile_columns(frame)
    y = rng.integers(0, 2, N)
    cleaner = TableCleaner(p).fit(frame)
    enc = Encoder(levels={f"cat{i}": n for i, n in enumerate(p.categorical.values())}, opts=PrepOptions(scale=True))
    enc.fit(cleaner.transform(frame), y)
    new = frame.iloc[:5].copy()
    new["colour"] = ["purple", None, "red", "teal", "blue"]  # unseen + new missing
    new["num"] = [np.nan, np.inf, -np.inf, 1.0, 2.0]
    new = new[new.columns[::-1]].assign(extra_column=1)  # reordered, extra column
    out = enc.transform(cleaner.transform(new))
    assert out.shape[0] == 5 and not np.isnan(out).any()
    with pytest.raises(ColumnsMissingError, match="'colour'") as err:
        cleaner.transform(frame.drop(columns=["colour"]))
    assert isinstance(err.value, KeyError)


def test_high_cardinality_is_target_encoded_not_one_hot():
    X = pd.DataFrame({"city": [f"c{i}" for i in rng.integers(0, 5000, 20000)], "x": rng.normal(size=20000)})
    y = rng.integers(0, 2, 20000)
    p = profile_columns(X)
    clean = TableCleaner(p).fit(X).transform(X)
    levels = {"cat0": p.categorical["city"]}
    for opts in (PrepOptions(), PrepOptions(scale=True), PrepOptions(impute=False, native_categorical=True)):
        out = Encoder(levels=levels, opts=opts).fit_transform(clean, y)
        assert out.shape[1] <= 4, opts  # no one-hot explosion
    assert native_categorical_count(levels, PrepOptions(impute=False, native_categorical=True)) == 0


def test_clustering_one_hot_encodes_the_most_frequent_levels_without_a_target():
    """No target to encode a 5,000-level column with: its 10 most frequent levels one-hot, the rest as one."""
    X = pd.DataFrame({"city": [f"c{i}" for i in rng.zipf(1.5, 20000) % 5000], "x": rng.normal(size=20000)})
    p = profile_columns(X)
    clean = TableCleaner(p).fit(X).transform(X)
    out = Encoder(levels={"cat0": p.categorical["city"]}, opts=PrepOptions(scale=True), task="clustering").fit_transform(clean)
    assert out.shape == (20000, 1 + 11)
    assert np.allclose(out[:, 1:].sum(axis=1), 1)  # every row in exactly one level column (or "infrequent")


def test_native_categoricals_come_first():
    X = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(list("abcdefghijklmnop"), 200)})
    p = profile_columns(X)
    clean = TableCleaner(p).fit(X).transform(X)
    opts = PrepOptions(impute=False, native_categorical=True)
    levels = {"cat0": p.categorical["c"]}
    out = Encoder(levels=levels, opts=opts).fit_transform(clean, rng.integers(0, 2, 200))
    assert native_categorical_count(levels, opts) == 1
    assert set(np.unique(out[:, 0])) <= set(range(16))  # ordinal codes in column 0


def test_two_datetime_columns_give_their_gap_in_days():
    start = pd.Series(pd.date_range("2024-03-01", periods=N, freq="37min"))
    minutes = rng.integers(1, 90, N)
    frame = pd.DataFrame({"pickup": start.astype(str), "dropoff": (start + pd.to_timedelta(minutes, "min")).astype(str),
                          "x": rng.normal(size=N)})
    p = profile_columns(frame)
    cleaner = TableCleaner(p).fit(frame)
    out = cleaner.transform(frame)
    assert "dt1_minus_dt0" in cleaner.numeric_names_
    np.testing.assert_allclose(out["dt1_minus_dt0"] * 24 * 60, minutes, atol=1e-6)


def test_a_duration_target_is_learned_from_two_timestamps(tmp_path):
    """Only the gap between the columns predicts the target: a linear model must find it."""
    import automl

    start = pd.Series(pd.date_range("2024-03-01", periods=N, freq="53min"))
    minutes = rng.uniform(2, 60, N)
    frame = pd.DataFrame({"pickup": start.astype(str), "dropoff": (start + pd.to_timedelta(minutes, "min")).astype(str),
                          "fare": 2.5 + 0.8 * minutes})
    res = automl.fit(frame, "fare", include=["linear"], n_trials=1, ensemble=False, output_dir=tmp_path)
    assert res.best_score < 0.5  # RMSE; the target's std is ~13


def test_a_missing_indicator_needs_five_missing_training_rows():
    """An indicator learned from one missing row fits that row alone (the all-missing penguin)."""
    n = 100
    X = pd.DataFrame({"num0": rng.normal(size=n), "num1": rng.normal(size=n)})
    X.loc[[3], "num0"] = np.nan  # once: no indicator, the value is just imputed
    X.loc[[1, 2, 3, 4, 5], "num1"] = np.nan  # five times: an indicator
    y = rng.integers(0, 2, n)
    for opts in (PrepOptions(), PrepOptions(scale=True)):
        enc = Encoder(opts=opts).fit(X, y)
        out = enc.transform(X)
        assert out.shape[1] == 3, opts
        assert len(np.unique(out[:, 2])) == 2 and (np.unique(out[:, 2])[1] == out[[1, 2, 3, 4, 5], 2]).all()
        once = enc.transform(pd.DataFrame({"num0": [np.nan], "num1": [0.5]}))
        at_median = enc.transform(pd.DataFrame({"num0": [X["num0"].median()], "num1": [0.5]}))
        np.testing.assert_array_equal(once, at_median)
    assert Encoder(opts=PrepOptions(impute=False)).fit_transform(X, y).shape[1] == 2  # NaN left to the model


def test_the_median_imputer_gives_scikit_learns_medians():
    """Its medians come from np.nanmedian (scikit-learn's masked median took 8.6 s on 240,000 x 190)."""
    import warnings

    from sklearn.impute import SimpleImputer

    from automl.preprocess.encode import MedianImputer

    gen = np.random.default_rng(0)
    X = gen.integers(-5, 5, (41, 6)).astype(float) / 4  # ties and even counts of present values
    X[gen.random(X.shape) < 0.3] = np.nan
    X[:, 2] = np.nan  # no value: dropped by both
    new = gen.normal(size=(4, 6))
    new[0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ours, theirs = MedianImputer(strategy="median").fit(X), SimpleImputer(strategy="median").fit(X)
        assert np.array_equal(ours.statistics_, theirs.statistics_, equal_nan=True)
        assert np.array_equal(ours.transform(new), theirs.transform(new)) and ours.transform(new).shape == (4, 5)
