"""Reading the user's table: separators and encodings a CSV brings, and the rows a missing target drops."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from automl.data.checks import split_target
from automl.data.intake import read_table
from automl.errors import DataError
from automl.task import infer_task

FRAME = pd.DataFrame({"x": [1.5, 2.5, 3.5], "city": ["Köln", "Paris", "Zürich"], "y": ["a", "b", "a"]})


@pytest.mark.parametrize("sep,suffix", [(";", ".csv"), ("\t", ".txt"), ("|", ".csv")])
def test_a_csv_with_another_separator_is_read_with_it(tmp_path, sep, suffix, caplog):
    path = tmp_path / f"t{suffix}"
    FRAME.to_csv(path, sep=sep, index=False)
    with caplog.at_level(logging.INFO, logger="automl"):
        df = read_table(path)
    assert list(df.columns) == ["x", "city", "y"] and df["x"].tolist() == [1.5, 2.5, 3.5]
    assert f"as {sep!r}-separated" in caplog.text


def test_a_one_column_csv_stays_one_column(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"y": [1, 2, 3]}).to_csv(path, index=False)
    assert list(read_table(path).columns) == ["y"]


def test_a_csv_that_is_not_utf8_says_how_to_read_it(tmp_path):
    path = tmp_path / "latin.csv"
    FRAME.to_csv(path, index=False, encoding="latin-1")
    with pytest.raises(DataError, match=r"latin\.csv' is not UTF-8 text .*encoding=\.\.\.\) \(e\.g\. 'latin-1'\)"):
        read_table(path)


def test_rows_without_a_target_are_dropped_and_counted(caplog):
    df = pd.DataFrame({"x": np.arange(40.0), "y": [1.0, np.nan, 2.0, 3.0] * 10})
    with caplog.at_level(logging.INFO, logger="automl"):
        X, y = split_target(df, "y")
    assert len(X) == len(y) == 30 and "Dropping 10 of 40 rows: their target 'y' is missing" in caplog.text


def test_classes_that_differ_in_case_or_spaces_are_warned_of(caplog):
    y = pd.Series(["yes", "Yes ", "no", " no", "maybe"] * 4, name="answer")
    with caplog.at_level(logging.WARNING, logger="automl"):
        assert infer_task(y).kind == "multiclass"
    assert "'answer' has classes that differ only in case or spaces ('no' / ' no'; 'yes' / 'Yes ')" in caplog.text
    caplog.clear()
    infer_task(pd.Series(["yes", "no"] * 5, name="answer"))
    assert "differ only" not in caplog.text
