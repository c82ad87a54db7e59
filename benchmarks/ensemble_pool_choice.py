"""Which trials may the ensemble pick from? The 20 best, or the 20 best plus each other family's best.

    .venv/bin/python benchmarks/ensemble_pool_choice.py --budget 60 --seeds 2     # every dataset (~45 min)
    .venv/bin/python benchmarks/ensemble_pool_choice.py --report                  # reprint the table

TPE often fills the top of the leaderboard with near-copies of one family's best point; selection
over them picks one trial, and no blend is made. ``search/ensembling.py: ensemble_pool`` adds each
other family's best trial. Measured on the public suite's training parts only: for each dataset and
seed, the protocol's 75 % training part is split again (20 % inner holdout, seeded; the public test
part is never read); one 60 s search runs on the rest; then, from its saved out-of-fold predictions,
both pools go through the engine's own selection and export rule (``select_honestly``; the best single
trial when selection keeps one trial or the single trial wins cross-fitted), each chosen trial is
refit on all the search's rows, and both exported models are scored on the inner holdout. One search,
two pools: the comparison is not blurred by two searches finding different trials. (The member fits
here are not timed against the budget; the engine's are.)
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402
from compare_one import score  # noqa: E402  (the protocol's scoring)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "ensemble_pool_choice.jsonl"
POOLS = ("top20", "families")


def run(name: str, args) -> list[dict]:
    import automl

    rows = []
    for seed in range(args.seeds):
        task, target, X_fit, X_in, y_fit, y_in = choice_runner.inner_split(name, seed)
        with tempfile.TemporaryDirectory() as tmp:
            res = automl.fit(X_fit.assign(**{target: y_fit}), target, time_budget=args.budget, seed=seed, output_dir=tmp)
            row = {"dataset": name, "seed": seed, "task": task, "greater_is_better": task == "binary"}
            models = _exported_models(res, task, X_fit, y_fit, seed, row)
        classes = None if task == "regression" else np.asarray(res.classes_)
        for pool, model in models.items():
            pred = model.predict(X_in) if task == "regression" else model.predict_proba(X_in)
            row[pool] = score(task, classes, y_in, pred)[0]
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def _exported_models(res, task, X_fit, y_fit, seed, row: dict) -> dict:
    """Each pool's exported model (blend or single trial), as the engine's rule chooses it."""
    from automl.ensemble import EnsembleModel, select_honestly
    from automl.evaluation.metrics import get_metric
    from automl.search.ensembling import N_CANDIDATES, ensemble_pool
    from automl.search.run import _encode_target

    metric = get_metric(None, task)
    classes, y = _encode_target(y_fit.reset_index(drop=True), task)
    fold_id = np.load(res.run_dir / "folds.npy")
    records = [json.loads(line) for line in (res.run_dir / "trials.jsonl").read_text().splitlines()]
    best = sorted((r for r in records if r["status"] == "complete"),
                  key=lambda r: -r["score"] if metric.greater_is_better else r["score"])
    fitted, out = {}, {}
    pools = {"top20": best[:N_CANDIDATES], "families": ensemble_pool(best)}
    for name, pool in pools.items():
        pool = [r for r in pool if (res.run_dir / "oof" / f"trial_{r['trial']}.npy").exists()]
        preds = [np.load(res.run_dir / "oof" / f"trial_{r['trial']}.npy") for r in pool]
        ok = np.all([np.isfinite(p).reshape(len(y), -1).all(axis=1) for p in preds], axis=0)
        sel = select_honestly([p[ok].astype("float64") for p in preds], y[ok], fold_id[ok], metric, seed=seed)
        members = [(r, w) for r, w in zip(pool, sel.weights) if w > 0]
        if len(members) < 2 or metric.is_better(sel.honest_single, sel.honest_score):
            members = [(best[0], 1.0)]
        row[f"{name}_members"] = [f"{r['family']}:{r['trial']}:{w:.2f}" for r, w in members]
        for r, _ in members:
            if r["trial"] not in fitted:
                fitted[r["trial"]] = choice_runner.refit_trial(res, task, X_fit, y_fit, r, seed)
        out[name] = EnsembleModel([fitted[r["trial"]] for r, _ in members], [w for _, w in members], task, classes)
    return out


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    tally = {"a": 0, "b": 0, "tie": 0}
    print(f"{'dataset':20} {'seed':>4} {'top20':>11} {'families':>11}  better   members (families pool)")
    for r in rows:
        v = choice_runner.better(r["top20"], r["families"], r["greater_is_better"])
        tally[v] += 1
        same = " (same as top20)" if r["top20_members"] == r["families_members"] else ""
        print(f"{r['dataset']:20} {r['seed']:4d} {r['top20']:11.5g} {r['families']:11.5g}  "
              f"{ {'a': 'top20', 'b': 'families', 'tie': 'tie'}[v]:8} {' '.join(r['families_members'])}{same}")
    print(f"families pool better on {tally['b']}, top-20 pool better on {tally['a']}, ties {tally['tie']} "
          f"(of {len(rows)}; ties: 0.002 AUC, 1 % log loss / RMSE)")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=2)

    choice_runner.main(__doc__, OUT, run, report, extra)
