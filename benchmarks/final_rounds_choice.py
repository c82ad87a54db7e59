"""The exported boosted model's rounds: its own early stopping, or the median of the CV folds' stopping rounds?

    .venv/bin/python benchmarks/final_rounds_choice.py --seeds 3        # tables of <= 10,000 rows (~15 min)
    .venv/bin/python benchmarks/final_rounds_choice.py --report         # reprint the table

On tables of up to 10,000 rows (``REFIT_ROUNDS_MAX_ROWS``) the final refit of a boosted trial stops early on
an inner 10 % split of all its rows, then fits again on every row with the round it chose: one noisy split
decides. The search has already seen the trial stop on each of its CV folds, so the median of those rounds is a
second estimate from five splits. For each seed, 80 % of a protocol training part (``inner_split``) is
cross-validated with the family's default point as a search would (automl's cleaning, folds and encoders);
then the model is fit on all those rows both ways and scored on the other 20 % (the public test part is
never read). Measures only. HGB's final refit with the fold median was tried in the engine (branch ``foldrounds``)
and not adopted: whole 60 s searches on the 13 tables, seeds 3-4 (benchmarks/README), were better on 1, worse on 3
(car on both seeds), tied on 22.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "final_rounds_choice.jsonl"
FAMILIES = ("hist_gradient_boosting", "xgboost")


def _boosted(step):
    """The boosted estimator in a pipeline's last step: the step itself, or the one under its label encoding
    or target transform (fitted if the step is)."""
    if hasattr(step, "refit_rounds"):
        return step
    for attr in ("estimator_", "regressor_", "estimator", "regressor"):
        if getattr(step, attr, None) is not None:
            return getattr(step, attr)
    raise LookupError(f"no boosted model in {type(step).__name__}")


def _fix_rounds(model, rounds: int) -> None:
    """Turn off early stopping and fit exactly ``rounds`` rounds (HGB's ``max_iter``, XGBoost's ``n_estimators``)."""
    boosted = _boosted(model.steps[-1][1])
    if hasattr(boosted, "estimator"):  # RefitRoundsHGB
        boosted.estimator.set_params(early_stopping=False, max_iter=rounds)
    else:
        boosted.set_params(n_estimators=rounds, early_stopping_rounds=None)


def run(name: str, args) -> list[dict]:
    import numpy as np

    from automl.evaluation.splits import fold_indices, n_folds
    from automl.families.boosting import REFIT_ROUNDS_MAX_ROWS
    from automl.families.registry import get_family
    from automl.pipeline import build_model, fit_context
    from automl.spaces import load_space

    rows = []
    for seed in range(args.seeds):
        task, _, X_fit, X_in, y_fit, y_in = choice_runner.inner_split(name, seed)
        if len(y_fit) > REFIT_ROUNDS_MAX_ROWS:  # no refit with the stopping round on larger tables
            return []
        data, cleaner, classes = choice_runner.search_data(task, X_fit, y_fit, seed)
        X, y, fold_id, profile, metric = data.X, data.y, data.fold_id, data.profile, data.metric
        X_hold = cleaner.transform(X_in)
        y_hold = y_in.to_numpy(dtype="float64") if classes is None else np.searchsorted(classes, y_in.to_numpy(dtype=object))
        for fam in args.families.split(","):
            family = get_family(fam)
            params = load_space(family, task).default

            def model(n_rows: int):
                ctx = fit_context(family, profile, task, n_rows, data.n_classes, 1, seed, table_rows=len(y))
                return build_model(family, params, profile, ctx)

            def holdout(m) -> float:
                return float(metric(y_hold, m.predict(X_hold) if classes is None else m.predict_proba(X_hold)))

            fold_rounds = []
            for k in range(n_folds(fold_id)):
                train = fold_indices(fold_id, k)[0]
                fitted = model(len(train)).fit(X.iloc[train], y[train])
                fold_rounds.append(getattr(_boosted(fitted.steps[-1][1]), "n_rounds_", None))
            if None in fold_rounds:  # too few rows for an inner split: no early stopping to compare
                continue
            row = {"dataset": name, "seed": seed, "family": fam, "metric": metric.name, "n_rows": len(y),
                   "greater_is_better": metric.greater_is_better, "fold_rounds": fold_rounds}
            t = time.perf_counter()
            own = model(len(y)).fit(X, y)
            row["own"], row["own_s"] = holdout(own), round(time.perf_counter() - t, 2)
            row["own_rounds"] = int(_boosted(own.steps[-1][1]).n_rounds_)
            median = model(len(y))
            row["median_rounds"] = int(np.median(fold_rounds))
            _fix_rounds(median, row["median_rounds"])
            t = time.perf_counter()
            row["median"] = holdout(median.fit(X, y))
            row["median_s"] = round(time.perf_counter() - t, 2)
            rows.append(row)
            print(f"{name:20} s{seed} {fam:22} own {row['own']:.5g} ({row['own_rounds']} rounds), "
                  f"fold median {row['median']:.5g} ({row['median_rounds']})", flush=True)
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print(f"{'dataset':20} {'seed':>4} {'family':22} {'own ES':>10} {'rounds':>6} {'fold median':>11} {'rounds':>6}"
          "  better  (ties: 0.002 AUC, 1 % log loss / RMSE)")
    for fam in FAMILIES:
        tally, own_s, median_s = {"own ES": 0, "fold median": 0, "tie": 0}, 0.0, 0.0
        for r in sorted((r for r in rows if r["family"] == fam), key=lambda r: (r["n_rows"], r["seed"])):
            verdict = {"a": "own ES", "b": "fold median", "tie": "tie"}[
                choice_runner.better(r["own"], r["median"], r["greater_is_better"])]
            tally[verdict] += 1
            own_s, median_s = own_s + r["own_s"], median_s + r["median_s"]
            print(f"{r['dataset']:20} {r['seed']:4d} {fam:22} {r['own']:10.5g} {r['own_rounds']:6d} "
                  f"{r['median']:11.5g} {r['median_rounds']:6d}  {verdict}")
        print(f"{fam}: fold median better {tally['fold median']}, own ES better {tally['own ES']}, ties {tally['tie']}; "
              f"final fits {own_s:.1f} s with own ES, {median_s:.1f} s at the fold median")


if __name__ == "__main__":
    choice_runner.main(__doc__, OUT, run, report, lambda ap: (
        ap.add_argument("--seeds", type=int, default=3),
        ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated")))
