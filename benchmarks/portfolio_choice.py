"""Is each boosted family's default the point leave-one-dataset-out CV would choose? Training parts only.

    .venv/bin/python benchmarks/portfolio_choice.py                     # every dataset (~25 min on 2 cores)
    .venv/bin/python benchmarks/portfolio_choice.py --report            # reprint the table
    .venv/bin/python benchmarks/portfolio_choice.py --families lightgbm --max-rows 20000 \
        --points '[{"num_leaves": 128, ...}]' --out benchmarks/out/lgbm_points.jsonl  # named points too

The search evaluates each family's ``default:`` point first (the portfolio). Here the defaults meet
rivals: for each family, its default and ``--candidates`` points drawn at random (seeded) from its
search space are cross-validated on every dataset's 75 % training part, exactly as a search would
(automl's folds and preprocessing, seed 0; the public test part is never read). Training parts
above ``--max-rows`` are subsampled (seeded) to keep the study to minutes.

Then, leave one dataset out: on the other datasets, the point with the best mean normalised CV
score ((score - worst) / (best - worst) among the family's points, per dataset) is "chosen"; the
report shows, for the held-out dataset, that point's normalised score next to the default's, and how
often the choice is the default. A second point is chosen the same way for a portfolio of two (the
point that most raises the mean of the better of the pair), scored by the better of the pair.

`benchmarks/out/portfolio_choice.jsonl` was made at 9c698eb, whose HistGradientBoosting default was
scikit-learn's (the point this study then replaced) and whose XGBoost space had no portfolio point; a
rerun compares against the current defaults.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "portfolio_choice.jsonl"
FAMILIES = ("xgboost", "lightgbm", "hist_gradient_boosting")


def candidates(family, task: str, n: int, named: list[dict] = ()) -> list[dict]:
    """The default, the ``named`` points (e.g. another library's published defaults), then ``n`` points
    drawn with a fixed seed: the same points on every dataset. They are drawn from the classification
    space (a regression space differs only by lacking class keys, which would shift the random stream);
    every point keeps the keys of ``task``'s space."""
    import optuna

    from automl.search.sampling import suggest
    from automl.spaces import load_space

    space, drawn_from = load_space(family, task), load_space(family, "binary")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    points = [dict(space.default), *({k: v for k, v in p.items() if k in space.distributions} for p in named)]
    for _ in range(n):
        trial = study.ask()
        point = suggest(trial, {family.name: drawn_from})[1]
        points.append({k: v for k, v in point.items() if k in space.distributions})
        study.tell(trial, 0.0)
    return points


def run(name: str, args) -> list[dict]:
    from automl.evaluation.evaluate import TrialSpec, evaluate
    from automl.families.registry import get_family

    task, metric, data = choice_runner.training_data(name, args.max_rows)
    rows = []
    for fam in args.families.split(","):
        family = get_family(fam)
        scores, seconds = [], []
        points = candidates(family, task, args.candidates, json.loads(args.points))
        for point in points:
            res = evaluate(data, TrialSpec(0, family, point, seed=0, n_jobs=2, keep_oof=False))
            scores.append(res.score if not res.error else None)
            seconds.append(round(res.fit_time_s, 2))
        rows.append({"dataset": name, "task": task, "metric": metric.name, "family": fam, "n_rows": len(data.y),
                     "greater_is_better": metric.greater_is_better, "scores": scores, "fit_s": seconds,
                     "points": points})
        print(f"{name:20} {fam:22} default {scores[0]:.5g}, best other "
              f"{max((s for s in scores[1:] if s is not None), key=lambda s: s if metric.greater_is_better else -s):.5g}",
              flush=True)
    return rows


def _normalised(rows: list[dict]) -> np.ndarray:
    """(datasets, points): 1 = the best point on that dataset, 0 = the worst (a failed point: 0)."""
    out = []
    for r in rows:
        s = np.array([np.nan if v is None else v for v in r["scores"]], dtype=float)
        s = s if r["greater_is_better"] else -s
        lo, hi = np.nanmin(s), np.nanmax(s)
        out.append(np.nan_to_num((s - lo) / (hi - lo) if hi > lo else np.ones_like(s), nan=0.0))
    return np.array(out)


def _pick(norm: np.ndarray, start: list[int]) -> int:
    """The point that most raises the mean (over datasets) of the best score within start + [point]."""
    base = norm[:, start].max(axis=1) if start else np.zeros(len(norm))
    gains = [np.maximum(base, norm[:, j]).mean() for j in range(norm.shape[1])]
    return int(np.argmax(gains))


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print("held-out normalised CV score (1 = best of the family's points on that dataset); LODO = chosen on the others")
    pairs = []
    print(f"{'family':22} {'datasets':>8} {'default':>8} {'LODO 1':>8} {'LODO picks default':>19} "
          f"{'default+LODO':>13} {'LODO 2':>8} {'oracle':>7}")
    for fam in dict.fromkeys(r["family"] for r in rows):
        fam_rows = [r for r in rows if r["family"] == fam]
        norm = _normalised(fam_rows)
        one, two, with_default, same = [], [], [], 0
        for i in range(len(norm)):
            rest = np.delete(norm, i, axis=0)
            first = _pick(rest, [])
            second = _pick(rest, [first])
            same += first == 0
            one.append(norm[i, first])
            two.append(max(norm[i, first], norm[i, second]))
            with_default.append(max(norm[i, 0], norm[i, _pick(rest, [0])]))
        print(f"{fam:22} {len(norm):8d} {norm[:, 0].mean():8.3f} {np.mean(one):8.3f} {same:>12d} of {len(norm):<4d}"
              f" {np.mean(with_default):13.3f} {np.mean(two):8.3f} {norm.max(axis=1).mean():7.3f}")
        pairs.append((fam, norm))
    print("default+LODO: the default plus the point chosen on the other datasets to pair with it (a portfolio of two);"
          " LODO 2: two points both chosen on the others.")
    for fam, norm in pairs:
        chosen = Counter(_pick(np.delete(norm, i, axis=0), [0]) for i in range(len(norm)))
        point, times = chosen.most_common(1)[0]
        print(f"{fam}: the point that pairs best with the default, chosen on {times} of {len(norm)} held-out datasets:"
              f" candidate {point} = {_points(rows, fam)[point]}")


def _points(rows: list[dict], fam: str) -> list[dict]:
    """The family's points as its rows list them, a classification table's first (it has the class keys);
    for rows made before the points were stored, the default and the seeded random draws."""
    from automl.families.registry import get_family

    rows = sorted((r for r in rows if r["family"] == fam), key=lambda r: r["task"] == "regression")
    stored = [r["points"] for r in rows if "points" in r]
    return stored[0] if stored else candidates(get_family(fam), "binary", len(rows[0]["scores"]) - 1)


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated")
        ap.add_argument("--candidates", type=int, default=5, help="random points per family besides the default")
        ap.add_argument("--max-rows", type=int, default=5000, help="subsample larger training parts to this")
        ap.add_argument("--points", default="[]", help="JSON list of named points tried after the default")

    choice_runner.main(__doc__, OUT, run, report, extra)
