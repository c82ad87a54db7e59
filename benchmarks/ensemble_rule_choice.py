"""Blend or best single trial? The ensemble's export rule, measured on the public suite's training parts only.

    .venv/bin/python benchmarks/ensemble_rule_choice.py --budget 60 --seeds 2     # every dataset (~40 min)
    .venv/bin/python benchmarks/ensemble_rule_choice.py --report                  # reprint the table

The engine exports the blend of its best trials only when, cross-fitted (weights chosen on half of
the folds, scored on the other half), it scores at least as well as "take the best single trial"
(search/ensembling.py). This asks whether that rule picks the better of the two on rows no search
saw. For each dataset and seed, the protocol's 75 % training part is split again (20 % inner holdout,
seeded; the public test part is never read); one search runs on the rest with the rule switched off
(``SINGLE_WINS_BY = inf``: the blend is exported whenever it has two or more members), and both the
blend and the best single trial (its member model, or a refit of it when the blend left it out) are
scored on the inner holdout. The row also keeps the rule's own verdict, so "the rule" is the blend
where it said blend and the single trial where it said single. One search, both models: the
comparison is not blurred by two searches finding different trials.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402
from compare_one import score  # noqa: E402  (the protocol's scoring)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "ensemble_rule_choice.jsonl"


def run(name: str, args) -> list[dict]:
    import automl
    from automl.evaluation.metrics import get_metric
    from automl.search import ensembling

    ensembling.SINGLE_WINS_BY = math.inf
    rows = []
    for seed in range(args.seeds):
        task, target, X_fit, X_in, y_fit, y_in = choice_runner.inner_split(name, seed)
        with tempfile.TemporaryDirectory() as tmp:
            res = automl.fit(X_fit.assign(**{target: y_fit}), target, time_budget=args.budget, seed=seed, output_dir=tmp)
            board = res.leaderboard
            single = _single_model(res, task, X_fit, y_fit, seed)
        classes = None if task == "regression" else np.asarray(res.classes_)

        def holdout(model) -> float:
            pred = model.predict(X_in) if task == "regression" else model.predict_proba(X_in)
            return score(task, classes, y_in, pred)[0]

        row = {"dataset": name, "seed": seed, "task": task, "greater_is_better": task == "binary",
               "single": holdout(single), "members": 1, "rule": "single"}
        blend = board[board["trial"] == ensembling.ENSEMBLE_TRIAL]
        if res.best_params["family"] == "ensemble":
            params = blend["params"].iloc[0]
            params = params if isinstance(params, dict) else json.loads(params)
            row.update(blend=holdout(res.pipeline_), members=len(res.best_params["members"]),
                       honest_blend=float(blend["score"].iloc[0]), honest_single=params["single_best_cross_fitted"])
            single_wins = get_metric(None, task).is_better(row["honest_single"], row["honest_blend"])
            row["rule"] = "single" if single_wins else "blend"
        else:  # selection kept the best trial alone, or the blend's members did not fit in time
            row["blend"] = row["single"]
            row["note"] = str(blend["error"].iloc[0]) if len(blend) else "selection picked one trial"
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def _single_model(res, task, X_fit, y_fit, seed):
    """The best single trial's exported model: the blend's member when it is one, else a refit."""
    from automl.ensemble import EnsembleModel

    board = res.leaderboard
    trials = board[(board["trial"] >= 0) & (board["status"] == "complete")]
    best = trials.iloc[0]
    if not isinstance(res.pipeline_, EnsembleModel):
        return res.pipeline_
    ids = [m["trial"] for m in res.best_params["members"]]
    if int(best["trial"]) in ids:
        return res.pipeline_.members[ids.index(int(best["trial"]))]
    return choice_runner.refit_trial(res, task, X_fit, y_fit, best.to_dict(), seed)


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    tally = {k: {"a": 0, "b": 0, "tie": 0} for k in ("blend vs single", "blend vs rule")}
    print(f"{'dataset':20} {'seed':>4} {'single':>11} {'blend':>11} {'members':>7} {'rule says':>9}  "
          "better (ties: 0.002 AUC, 1 % log loss / RMSE)")
    for r in rows:
        rule = r["blend"] if r["rule"] == "blend" else r["single"]
        v1 = choice_runner.better(r["single"], r["blend"], r["greater_is_better"])
        v2 = choice_runner.better(rule, r["blend"], r["greater_is_better"])
        tally["blend vs single"][v1] += 1
        tally["blend vs rule"][v2] += 1
        verdict = {"a": "single", "b": "blend", "tie": "tie"}[v1]
        print(f"{r['dataset']:20} {r['seed']:4d} {r['single']:11.5g} {r['blend']:11.5g} {r['members']:7d} "
              f"{r['rule']:>9}  {verdict}")
    for k, t in tally.items():
        print(f"{k}: blend better on {t['b']}, {k.split(' vs ')[1]} better on {t['a']}, ties {t['tie']} (of {len(rows)})")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=2)

    choice_runner.main(__doc__, OUT, run, report, extra)
