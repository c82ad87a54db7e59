"""The command line shared by the *_choice.py benchmarks: run each dataset once, append its rows
to a JSON-lines file (an interrupted run resumes where it stopped), then print the report."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def training_data(name: str, max_rows: int | None = None):
    """``(task, metric, EvalData)``: the protocol's training part of dataset ``name`` as a search sees it
    (automl's cleaning, target encoding and folds, seed 0). The public test part is dropped here. Above
    ``max_rows`` rows, a seeded subsample."""
    import numpy as np

    from compare_one import load  # the protocol's split

    task, _, X, _, y, _ = load(DATA, name)
    if max_rows is not None and len(y) > max_rows:
        keep = np.sort(np.random.default_rng(0).choice(len(y), max_rows, replace=False))
        X, y = X.iloc[keep], y.iloc[keep]
    data, _, _ = search_data(task, X, y, 0)
    return task, data.metric, data


def search_data(task: str, X, y, seed: int):
    """``(EvalData, fitted TableCleaner, classes or None)``: rows ``X``, ``y`` as a search with ``seed`` sees
    them (automl's cleaning, target encoding, folds and default metric)."""
    from automl.data.profile import profile_columns
    from automl.evaluation.evaluate import EvalData
    from automl.evaluation.metrics import get_metric
    from automl.evaluation.splits import make_folds, resolve_cv
    from automl.preprocess import TableCleaner
    from automl.search.run import _encode_target

    X, y = X.reset_index(drop=True), y.reset_index(drop=True)
    profile = profile_columns(X)
    classes, y_fit = _encode_target(y, task)
    fold_id = make_folds(y_fit, task != "regression", resolve_cv("auto", len(y)), seed)
    cleaner = TableCleaner(profile).fit(X)
    data = EvalData(cleaner.transform(X), y_fit, fold_id, task, 0 if classes is None else len(classes), profile,
                    get_metric(None, task))
    return data, cleaner, classes


def inner_split(name: str, seed: int, test_size: float = 0.2):
    """``(task, target, X_fit, X_in, y_fit, y_in)``: the protocol's training part of dataset ``name``
    split again (seeded, stratified for classes), so a choice is scored on rows the public test part
    never touches. The test part is dropped here."""
    from sklearn.model_selection import train_test_split

    from compare_one import load

    task, target, X, _, y, _ = load(DATA, name)
    parts = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y if task != "regression" else None)
    return (task, target, *parts)


def with_target(X, y):
    """``X`` with ``y`` as its last column, "__target" (one concat: inserting a column into a wide frame,
    856 on cnae9, makes pandas warn that it is highly fragmented)."""
    import pandas as pd

    return pd.concat([X, pd.Series(y.to_numpy(), index=X.index, name="__target")], axis=1)


def holdout_score(res, task: str, X_in, y_in) -> float:
    """The protocol's primary score of a ``fit`` result on the inner holdout rows."""
    import numpy as np

    from compare_one import score

    if task == "regression":
        return score(task, None, y_in, res.predict(X_in))[0]
    return score(task, np.asarray(res.classes_), y_in, res.predict_proba(X_in))[0]


def fit_on_inner(name: str, seed: int, budget: float, **fit_kwargs) -> tuple[dict, dict]:
    """A ``fit`` of ``budget`` seconds on 80 % of dataset ``name``'s training part (``inner_split``), its
    exported model scored on the other 20 %: ``(row, run_info)``. ``row`` holds what every *_choice.py
    table shows (holdout and reported score, wall seconds, trials, what it exported); ``run_info`` is the
    run's run.json, for anything else a benchmark reports."""
    import automl

    task, _, X_fit, X_in, y_fit, y_in = inner_split(name, seed)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        res = automl.fit(with_target(X_fit, y_fit), "__target", time_budget=budget, seed=seed, output_dir=tmp,
                         **fit_kwargs)
        wall = time.monotonic() - t0
        info = json.loads((res.run_dir / "run.json").read_text())
    row = {"dataset": name, "seed": seed, "rows": len(y_fit), "metric": res.metric,
           "greater_is_better": res.greater_is_better, "holdout": holdout_score(res, task, X_in, y_in),
           "reported": res.best_score, "wall_s": round(wall, 2), "trials": sum(info["trial_counts"].values()),
           "best": best_model(res), "threads": thread_counts(res.leaderboard)}
    return row, info


def thread_counts(board) -> dict | None:
    """How many trials ran on each thread count (fewer than all cores while other processes took some)."""
    if "threads" not in board:
        return None  # before the engine chose threads per trial
    return {str(int(k)): int(v) for k, v in board["threads"].dropna().value_counts().sort_index().items()}


def best_model(res) -> str:
    """What a ``fit`` result exports: its family, or "ensemble:" and its members' families."""
    params = res.best_params
    if params.get("family") != "ensemble":
        return params.get("family", "?")
    return "ensemble:" + "+".join(sorted({m["family"] for m in params["members"]}))


def refit_trial(res, task: str, X_fit, y_fit, record: dict, seed: int):
    """Trial ``record`` of search result ``res`` refit on all the search's rows (``X_fit``, ``y_fit``),
    as the engine's final refit does: for scoring a trial the search did not export."""
    import numpy as np

    from automl.ensemble import EnsembleModel
    from automl.evaluation.evaluate import EvalData, TrialSpec
    from automl.evaluation.metrics import get_metric
    from automl.families.registry import get_family
    from automl.search.refit import refit

    first = res.pipeline_.members[0] if isinstance(res.pipeline_, EnsembleModel) else res.pipeline_
    y_raw = y_fit.reset_index(drop=True)
    cleaner = first.named_steps["clean"]
    data = EvalData(cleaner.transform(X_fit.reset_index(drop=True)), y_raw.to_numpy(dtype="float64") if task == "regression" else None,
                    np.load(res.run_dir / "folds.npy"), task, 0 if task == "regression" else len(res.classes_),
                    cleaner.profile, get_metric(None, task), y_raw=y_raw)
    params = record["params"] if isinstance(record["params"], dict) else json.loads(record["params"])
    model = refit(data, TrialSpec(int(record["trial"]), get_family(record["family"]), params, seed=seed, n_jobs=2))
    if isinstance(model, str):
        raise RuntimeError(f"refit of trial {record['trial']} failed: {model}")
    return model


def arm_pairs(rows: list[dict], arms: tuple[str, str]):
    """``(dataset, seed, row of arms[0], row of arms[1], winner)`` for each dataset and seed that has both
    arms; ``winner`` is the arm whose inner-holdout score is better beyond noise, or "tie"."""
    for name, seed in sorted({(r["dataset"], r["seed"]) for r in rows}):
        found = {r["arm"]: r for r in rows if (r["dataset"], r["seed"]) == (name, seed)}
        if all(a in found for a in arms):
            off, on = found[arms[0]], found[arms[1]]
            verdict = better(off["holdout"], on["holdout"], off["greater_is_better"])
            yield name, seed, off, on, {"a": arms[0], "b": arms[1], "tie": "tie"}[verdict]


def better(a: float, b: float, greater_is_better: bool) -> str:
    """"a", "b" or "tie" (|difference| <= 0.002 for AUC, <= 1 % of the better log loss / RMSE)."""
    diff = (b - a) if greater_is_better else (a - b)  # > 0: b is better
    if abs(diff) <= (0.002 if greater_is_better else 0.01 * min(a, b)):
        return "tie"
    return "b" if diff > 0 else "a"


def main(doc: str, out: Path, run: Callable[[str], dict | list[dict]], report: Callable[[Path], None],
         extra_args: Callable[[argparse.ArgumentParser], None] = lambda ap: None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--datasets", help="comma-separated (default: all in the manifest)")
    ap.add_argument("--out", type=Path, default=out)
    ap.add_argument("--report", action="store_true", help="only reprint the table from --out")
    extra_args(ap)
    args = ap.parse_args()
    if not args.report:
        if not DATA.is_dir():
            raise SystemExit(f"{DATA} is missing: this benchmark needs ../shared/datasets.")
        names = args.datasets.split(",") if args.datasets else \
            [e["name"] for e in json.loads((DATA / "manifest.json").read_text())]
        args.out.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no benchmarks/out yet
        done = {json.loads(line)["dataset"] for line in args.out.read_text().splitlines()} if args.out.exists() else set()
        for name in names:
            if name not in done:
                rows = run(name, args)
                rows = rows if isinstance(rows, list) else [rows]
                with args.out.open("a") as fh:
                    fh.writelines(json.dumps(r) + "\n" for r in rows)
    if not args.out.exists():
        raise SystemExit(f"{args.out} does not exist yet: rows are written when a dataset's runs have all finished.")
    report(args.out)
    return args
