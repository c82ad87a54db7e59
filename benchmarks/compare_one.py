"""One (system, dataset) run of benchmarks/compare.py, under the fixed protocol of ../shared/datasets/README.md.

    <env>/bin/python benchmarks/compare_one.py --system flaml --dataset adult --budget 60 --result out.json

It runs in the system's own environment (automl's venv, or a peer's from benchmarks/peers/install.sh),
so it needs only numpy, pandas and scikit-learn besides the system itself; it never imports automl
unless the system is automl. It writes one JSON object to --result (and with --pred-out its test predictions).

Protocol: read_csv; drop rows with a missing target; train_test_split(test_size=0.25, random_state=0,
stratify=y for classification); fit on the 75 % only; score on the 25 %: binary ROC AUC from the
probability of the positive class (the second of the sorted labels) + accuracy, multiclass log loss
(labels = sorted classes) + accuracy, regression RMSE + R².
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

PRIMARY = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}


def load(data_dir: Path, name: str):
    from sklearn.model_selection import train_test_split

    entry = next(e for e in json.loads((data_dir / "manifest.json").read_text()) if e["name"] == name)
    target, task = entry["target"], entry["task"]
    df = pd.read_csv(data_dir / entry["file"])
    df = df[df[target].notna()].reset_index(drop=True)
    X, y = df.drop(columns=[target]), df[target]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0,
                                              stratify=y if task != "regression" else None)
    return task, target, X_tr, X_te, y_tr, y_te


def score(task: str, classes: np.ndarray | None, y_te: pd.Series, pred: np.ndarray) -> tuple[float, float]:
    """(primary, secondary) on the test part; ``pred`` is probabilities in ``classes`` order, or values."""
    from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score, roc_auc_score

    if task == "regression":
        pred = np.asarray(pred, dtype=float)
        return math.sqrt(mean_squared_error(y_te, pred)), r2_score(y_te, pred)
    proba = np.asarray(pred, dtype=float)
    labels = classes[proba.argmax(axis=1)]
    acc = accuracy_score(y_te.astype(str), pd.Series(labels).astype(str))
    if task == "binary":
        return roc_auc_score((y_te == classes[1]).to_numpy(), proba[:, 1]), acc
    proba = np.clip(proba, 1e-15, 1)
    return log_loss(y_te, proba / proba.sum(axis=1, keepdims=True), labels=list(classes)), acc


# -- systems: fit on (X_tr, y_tr) within `budget` s; return (classes or None, test predictions, reported score) --
def run_automl(task, target, X_tr, y_tr, X_te, budget, seed, tmp, include=None):
    import automl
    from automl.search.ensembling import ENSEMBLE_TRIAL

    train = X_tr.assign(**{target: y_tr})
    res = automl.fit(train, target, time_budget=budget, seed=seed, output_dir=tmp, verbose=0, include=include)
    extra = {"best": res.best_params.get("family"), "n_trials": int((res.leaderboard["trial"] >= 0).sum())}
    if res.best_params.get("family") == "ensemble":
        extra["members"] = len(res.best_params["members"])
    blend = res.leaderboard[res.leaderboard["trial"] == ENSEMBLE_TRIAL]  # the ensemble's row: why it was not exported
    if len(blend) and isinstance(blend["error"].iloc[0], str):
        extra["ensemble_error"] = blend["error"].iloc[0]
    if task == "regression":
        return None, res.predict(X_te), res.best_score, extra
    return np.asarray(res.classes_), res.predict_proba(X_te), res.best_score, extra


def run_automl_catboost(task, target, X_tr, y_tr, X_te, budget, seed, tmp):
    """automl with the opt-in CatBoost family searched too (not in the default run of the report)."""
    return run_automl(task, target, X_tr, y_tr, X_te, budget, seed, tmp, include=["default", "catboost"])


def run_flaml(task, target, X_tr, y_tr, X_te, budget, seed, tmp):
    from flaml import AutoML

    m = AutoML()
    flaml_task = "regression" if task == "regression" else "classification"
    m.fit(X_tr, y_tr, task=flaml_task, time_budget=budget, metric=PRIMARY[task], n_jobs=-1, seed=seed, verbose=0,
          log_file_name=os.path.join(tmp, "flaml.log"))
    reported = m.best_loss if task != "binary" else 1 - m.best_loss  # FLAML minimises 1 - AUC
    extra = {"best": m.best_estimator}
    if task == "regression":
        return None, m.predict(X_te), reported, extra
    return np.asarray(m.classes_), m.predict_proba(X_te), reported, extra


def run_autogluon(task, target, X_tr, y_tr, X_te, budget, seed, tmp):
    from autogluon.tabular import TabularPredictor

    metric = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "root_mean_squared_error"}[task]
    p = TabularPredictor(label=target, eval_metric=metric, problem_type=task, path=os.path.join(tmp, "ag"), verbosity=0)
    p.fit(X_tr.assign(**{target: y_tr}), time_limit=budget, presets="medium_quality")
    board = p.leaderboard(silent=True)
    best = board.iloc[0]
    reported = abs(float(best["score_val"])) if task != "binary" else float(best["score_val"])  # AG flips losses
    extra = {"best": str(best["model"])}
    if task == "regression":
        return None, p.predict(X_te).to_numpy(), reported, extra
    proba = p.predict_proba(X_te)
    try:
        classes = sorted(proba.columns)  # as np.unique sorts the other systems' labels
    except TypeError:
        classes = sorted(proba.columns, key=str)
    order = [list(proba.columns).index(c) for c in classes]  # by position: boolean labels would mask
    return np.array(classes, dtype=object), proba.iloc[:, order].to_numpy(), reported, extra


def _categorical(X: pd.DataFrame, ref: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas categories with the training part's levels (what XGBoost/HGB take natively)."""
    out = X.copy()
    for c in ref.columns:
        if not pd.api.types.is_numeric_dtype(ref[c]) and not pd.api.types.is_bool_dtype(ref[c]):
            out[c] = pd.Categorical(X[c].astype("object"), categories=sorted(ref[c].dropna().astype("object").unique(), key=str))
    return out


def _default_model(kind, task, X_tr, y_tr, X_te, seed):
    Xtr, Xte = _categorical(X_tr, X_tr), _categorical(X_te, X_tr)
    if kind == "xgboost":
        import xgboost as xgb

        cls = xgb.XGBRegressor if task == "regression" else xgb.XGBClassifier
        model = cls(enable_categorical=True, tree_method="hist", random_state=seed, n_jobs=os.cpu_count())
    else:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

        cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
        model = cls(categorical_features="from_dtype", random_state=seed)
        wide = [c for c in Xtr.columns if isinstance(Xtr[c].dtype, pd.CategoricalDtype) and len(Xtr[c].cat.categories) > 255]
        for c in wide:  # HGB refuses > 255 levels (e.g. an ID column): give it the codes as numbers
            Xtr[c], Xte[c] = Xtr[c].cat.codes.replace(-1, np.nan), Xte[c].cat.codes.replace(-1, np.nan)
    if task == "regression":
        return None, model.fit(Xtr, y_tr).predict(Xte), None, {}
    classes, codes = np.unique(y_tr.astype("object"), return_inverse=True)
    return classes, model.fit(Xtr, codes).predict_proba(Xte), None, {}


def run_xgboost(task, target, X_tr, y_tr, X_te, budget, seed, tmp):
    return _default_model("xgboost", task, X_tr, y_tr, X_te, seed)


def run_hgb(task, target, X_tr, y_tr, X_te, budget, seed, tmp):
    return _default_model("hgb", task, X_tr, y_tr, X_te, seed)


def run_constant(task, target, X_tr, y_tr, X_te, budget, seed, tmp):
    if task == "regression":
        return None, np.full(len(X_te), float(y_tr.mean())), None, {}
    classes, counts = np.unique(y_tr.astype("object"), return_counts=True)
    return classes, np.tile(counts / counts.sum(), (len(X_te), 1)), None, {}


SYSTEMS = {"automl": run_automl, "automl_cb": run_automl_catboost, "flaml": run_flaml, "autogluon": run_autogluon,
           "xgboost": run_xgboost, "hgb": run_hgb, "constant": run_constant}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--system", required=True, choices=sorted(SYSTEMS))
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--budget", type=float, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--result", type=Path, required=True)
    ap.add_argument("--pred-out", type=Path, help="also save the test predictions here (.npy), for the paired bootstrap")
    args = ap.parse_args()
    task, target, X_tr, X_te, y_tr, y_te = load(args.data_dir, args.dataset)
    with tempfile.TemporaryDirectory(prefix=f"bench_{args.system}_") as tmp:
        t0 = time.monotonic()
        classes, pred, reported, extra = SYSTEMS[args.system](task, target, X_tr, y_tr, X_te, args.budget, args.seed, tmp)
        fit_s = time.monotonic() - t0
    if classes is not None and list(map(str, classes)) != sorted(map(str, y_tr.unique())):
        raise SystemExit(f"{args.system} answered classes {list(classes)}, expected {sorted(y_tr.unique())}")
    if classes is not None:
        classes = np.asarray(classes, dtype=object)
    primary, secondary = score(task, classes, y_te, pred)
    if args.pred_out:
        args.pred_out.parent.mkdir(parents=True, exist_ok=True)
        np.save(args.pred_out, np.asarray(pred, dtype=float))
    if args.system.startswith("automl"):  # its workers are the zygote's children: counted once it has ended
        from automl.search.launch import close_zygote

        close_zygote()
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out = {"system": args.system, "dataset": args.dataset, "task": task, "metric": PRIMARY[task], "budget": args.budget,
           "seed": args.seed, "test_score": float(primary), "secondary": float(secondary),
           "reported_score": None if reported is None else float(reported), "fit_wall_s": round(fit_s, 2),
           "peak_rss_mb": round(rss / 1024, 1), "python": sys.version.split()[0], **extra}
    args.result.write_text(json.dumps(out))


if __name__ == "__main__":
    main()
