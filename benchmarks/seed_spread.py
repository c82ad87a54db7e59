"""How much of a same-run report is the seed? automl against one baseline, per dataset, over several seeds.

    .venv/bin/python benchmarks/compare.py --systems constant,xgboost,hgb,automl --seed 1 --out benchmarks/out/seeds.jsonl
    ...                                                                            # the same for --seed 2, 3, ...
    .venv/bin/python benchmarks/seed_spread.py benchmarks/out/compare.jsonl benchmarks/out/seeds.jsonl --vs xgboost

compare.py runs every system with one seed (the protocol's split is fixed; the seed is automl's: its folds,
its sampler, its models). A single run's win or loss by a few percent can be the seed. This prints, per
dataset, automl's test score for each seed, their mean and range, the baseline's, and automl's
wins/ties/losses against it seed by seed (the tie rule of compare.py: 0.002 AUC, 1 % of log loss / RMSE).
It measures only; it chooses nothing (choices are made on the training parts, see choice_runner.py).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from choice_runner import better
from compare import LOWER_IS_BETTER, read_rows

OUTCOME = {"b": 0, "tie": 1, "a": 2}  # better(baseline, automl, ...) -> index in wins/ties/losses


def spread(rows: list[dict], budget: float, system: str, vs: str) -> None:
    scores: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)  # (system, dataset) -> seed -> score
    metrics = {}
    for r in rows:
        if r["budget"] == budget and "error" not in r and r["system"] in (system, vs):
            scores[(r["system"], r["dataset"])][r["seed"]] = r["test_score"]  # a rerun replaces the earlier line
            metrics[r["dataset"]] = r["metric"]
    datasets = list(dict.fromkeys(d for (s, d) in scores if s == system))
    total = [0, 0, 0]
    print(f"{system} vs {vs}, budget {budget:g} s: test score per seed (w/t/l: {system}'s wins, ties, losses)")
    print(f"  {'dataset':20s} {'metric':8s} {'seeds':>5s} {system + ' mean':>12s} {'min':>10s} {'max':>10s} "
          f"{vs + ' mean':>12s}  w/t/l   mean vs mean")
    for d in datasets:
        mine, theirs = scores[(system, d)], scores.get((vs, d), {})
        seeds = sorted(set(mine) & set(theirs))
        if not seeds:
            continue
        higher = metrics[d] not in LOWER_IS_BETTER
        wtl = [0, 0, 0]
        for s in seeds:
            wtl[OUTCOME[better(theirs[s], mine[s], higher)]] += 1
        total = [t + n for t, n in zip(total, wtl)]
        m = sum(mine[s] for s in seeds) / len(seeds)
        o = sum(theirs[s] for s in seeds) / len(seeds)
        verdict = ("win", "tie", "loss")[OUTCOME[better(o, m, higher)]]
        print(f"  {d:20s} {metrics[d]:8s} {len(seeds):5d} {m:12.5g} {min(mine[s] for s in seeds):10.5g} "
              f"{max(mine[s] for s in seeds):10.5g} {o:12.5g}  {'/'.join(map(str, wtl)):7s} {verdict}")
    print(f"  all seeds: {'/'.join(map(str, total))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="+", type=Path, help="compare.py JSON-lines files (any seeds)")
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--system", default="automl")
    ap.add_argument("--vs", default="xgboost")
    args = ap.parse_args()
    spread([r for p in args.results for r in read_rows(p)], args.budget, args.system, args.vs)


if __name__ == "__main__":
    main()
