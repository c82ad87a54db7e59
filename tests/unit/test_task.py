"""Task inference on each kind of target."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.errors import ConfigError, TargetError
from automl.task import infer_task

rng = np.random.default_rng(0)


@pytest.mark.parametrize("y,kind", [
    (pd.Series(["a", "b"] * 50), "binary"),
    (pd.Series(["a", "b", "c"] * 50), "multiclass"),
    (pd.Series([True, False] * 50), "binary"),
    (pd.Series(["x", "y", "z"] * 50, dtype="category"), "multiclass"),
    (pd.Series(["yes", "no"] * 50, dtype="string"), "binary"),
    (pd.Series([0, 1] * 50), "binary"),
    (pd.Series([0.0, 1.0] * 50), "binary"),
    (pd.Series(rng.normal(size=100)), "regression"),
    (pd.Series(rng.integers(3, 10, 4898)), "multiclass"),      # wine quality: 7 levels
    (pd.Series(rng.integers(1, 30, 4177)), "regression"),      # abalone: ~28 ring counts
    (pd.Series(rng.integers(0, 5000, 3000)), "regression"),    # counts
    (pd.Series([1.0, 2.0, 3.0] * 40), "multiclass"),           # integer-valued floats, few levels
    (pd.Series(rng.integers(0, 5, 40)), "regression"),         # 5 levels over 40 rows: too many per row
], ids=lambda v: None if isinstance(v, pd.Series) else v)
def test_inferred_kind(y, kind):
    info = infer_task(y.rename("y"))
    assert info.kind == kind
    assert "'y'" in info.reason or info.reason  # the log says why


def test_override_and_its_checks():
    y = pd.Series(rng.integers(3, 10, 500), name="quality")
    assert infer_task(y, "regression").kind == "regression"
    with pytest.raises(TargetError, match="exactly 2 classes"):
        infer_task(y, "binary")
    with pytest.raises(TargetError, match="numeric target"):
        infer_task(pd.Series(["a", "b"] * 5, name="s"), "regression")
    with pytest.raises(ConfigError, match="task='clasification'"):
        infer_task(y, "clasification")


def test_single_value_target_is_an_error():
    with pytest.raises(TargetError, match="single value") as err:
        infer_task(pd.Series(["same"] * 20, name="label"))
    assert "'label'" in str(err.value)
    assert isinstance(err.value, ValueError)
    with pytest.raises(TargetError, match=r"has a single value \(1.0\)"):  # it showed np.float64(1.0)
        infer_task(pd.Series([1.0] * 20, name="label"))


def test_no_target_is_clustering_and_task_must_agree():
    assert infer_task(None).kind == "clustering"
    assert infer_task(None, "clustering").kind == "clustering"
    with pytest.raises(ConfigError, match="task='regression' needs a target column"):
        infer_task(None, "regression")
    with pytest.raises(ConfigError, match="task='clustering' takes no target"):
        infer_task(pd.Series([1.0, 2.0] * 20, name="y"), "clustering")
    with pytest.raises(ConfigError, match="task='clusters' is not a known task"):
        infer_task(None, "clusters")
