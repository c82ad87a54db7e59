"""Which test rows carry automl's difference to a baseline on one dataset, over compare.py's seeds?

    .venv/bin/python benchmarks/row_influence.py ames_housing benchmarks/out/compare.jsonl benchmarks/out/seeds.jsonl

RMSE and log loss are built from a mean of per-row terms (squared errors, -log p(true class)), so the
difference between two systems is a sum over the test rows, and on a small test part one or two rows can
carry it. From the test predictions compare.py saved beside each results file, this lists the rows where
automl's term exceeds the baseline's most (summed over the seeds), with their target and both systems'
predictions, then each seed's score with and without those rows. It measures only: dropping test rows to
choose anything would be choosing on the test part.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from choice_runner import DATA
from compare import pred_file, read_rows
from compare_one import load
from paired_bootstrap import row_losses


def seed_predictions(results: list[Path], dataset: str, budget: float, systems: tuple[str, str]) -> dict[int, list]:
    """seed -> [automl's test predictions, the baseline's], for every seed both have saved."""
    found = {}
    for path in results:
        for seed in sorted({r["seed"] for r in read_rows(path) if r["dataset"] == dataset and r["budget"] == budget}):
            files = [pred_file(path, s, dataset, budget, seed) for s in systems]
            if all(f.exists() for f in files):
                found[seed] = [np.load(f) for f in files]
    return found


def influence(dataset: str, results: list[Path], budget: float, vs: str, top: int) -> None:
    task, _, _, X_te, y_tr, y_te = load(DATA, dataset)
    if task == "binary":
        raise SystemExit(f"{dataset}: ROC AUC is not a mean over rows; this works for log loss and RMSE.")
    classes = None if task == "regression" else np.array(sorted(y_tr.unique(), key=str), dtype=object)
    preds = seed_predictions(results, dataset, budget, ("automl", vs))
    if not preds:
        raise SystemExit(f"no saved test predictions of both automl and {vs} on {dataset} at budget {budget:g}.")
    terms = {s: [row_losses(task, classes, y_te, p) for p in pair] for s, pair in preds.items()}
    excess = sum(mine - theirs for mine, theirs in terms.values())  # > 0: automl's term is larger
    rows = np.argsort(-excess)[:top]
    score = (lambda t: float(np.sqrt(t.mean()))) if task == "regression" else (lambda t: float(t.mean()))
    shown = "prediction" if task == "regression" else "p(true class)"
    print(f"{dataset} ({len(y_te)} test rows), automl vs {vs}, seeds {sorted(preds)}: the {top} rows where "
          f"automl's term exceeds {vs}'s most, summed over the seeds ({shown}; excess: automl's term minus "
          f"{vs}'s, summed; over all rows {excess.sum():+.4g})")
    for i in rows:
        print(f"  row {X_te.index[i]}: target {y_te.iloc[i]}, {vs} {_shown(task, classes, y_te, preds, i, 1)}, "
              f"automl {_shown(task, classes, y_te, preds, i, 0)}; excess {excess[i]:+.4g}")
    keep = np.ones(len(y_te), bool)
    keep[rows] = False
    print(f"  {'seed':>4s} {'automl':>10s} {vs:>10s}   without those rows: {'automl':>10s} {vs:>10s}")
    for s, (mine, theirs) in sorted(terms.items()):
        print(f"  {s:4d} {score(mine):10.5g} {score(theirs):10.5g}   {'':20s}{score(mine[keep]):10.5g} "
              f"{score(theirs[keep]):10.5g}")


def _shown(task: str, classes, y_te, preds: dict, i: int, which: int) -> str:
    """One system's prediction for test row ``i``: the value, or p(true class), seed by seed."""
    if task == "regression":
        values = [p[which][i] for p in preds.values()]
    else:
        true = list(map(str, classes)).index(str(y_te.iloc[i]))
        values = [p[which][i, true] for p in preds.values()]
    values = values[:1] if which == 1 and len(set(values)) == 1 else values  # a deterministic baseline: once
    return ", ".join(f"{v:.4g}" for v in values)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    ap.add_argument("results", nargs="+", type=Path, help="compare.py JSON-lines files (predictions saved beside them)")
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--vs", default="xgboost")
    ap.add_argument("--top", type=int, default=3)
    args = ap.parse_args()
    influence(args.dataset, args.results, args.budget, args.vs, args.top)


if __name__ == "__main__":
    main()
