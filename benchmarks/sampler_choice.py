"""Compare TPE settings for the joint (family, hyperparameters) space at a fixed trial count.

    python benchmarks/sampler_choice.py [--trials 40] [--seeds 0,1,2]

Prints, per sampler setting, the mean rank of the best CV score over datasets x seeds, the mean
best score per dataset, and the sampler's own time per trial. Uses scikit-learn's bundled
datasets only (CV scores on training data; no test part is involved).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings

import numpy as np


def samplers(seed: int) -> dict:
    from optuna.exceptions import ExperimentalWarning
    from optuna.samplers import RandomSampler, TPESampler

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        return {
            "random": RandomSampler(seed=seed),
            "tpe independent (4.x default)": TPESampler(seed=seed, multivariate=False, constant_liar=False),
            "tpe optuna-5 default (multivariate)": TPESampler(seed=seed),
            "tpe multivariate+group (ours)": TPESampler(seed=seed, n_startup_trials=10, multivariate=True, group=True,
                                                        constant_liar=True),
        }


def datasets():
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine

    yield "breast_cancer", load_breast_cancer(as_frame=True).frame
    yield "wine", load_wine(as_frame=True).frame
    yield "diabetes", load_diabetes(as_frame=True).frame
    digits = load_digits(as_frame=True).frame
    yield "digits(1000)", digits.sample(1000, random_state=0)


def main() -> None:
    import automl

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--seeds", default="0,1,2")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    names = list(samplers(0))
    best = {n: {} for n in names}
    overhead = {n: [] for n in names}
    for ds, df in datasets():
        for seed in seeds:
            for name, sampler in samplers(seed).items():
                with tempfile.TemporaryDirectory() as tmp:
                    t = time.perf_counter()
                    res = automl.fit(df, "target", n_trials=args.trials, seed=seed, sampler=sampler, output_dir=tmp,
                                     include=["hist_gradient_boosting", "linear", "xgboost", "random_forest", "knn",
                                              "mlp", "decision_tree", "extra_trees"])
                    wall = time.perf_counter() - t
                b = res.leaderboard
                work = (b["fit_time_s"] + b["predict_time_s"]).sum()
                sign = 1 if res.greater_is_better else -1
                best[name][(ds, seed)] = sign * res.best_score
                overhead[name].append(1e3 * (wall - work) / len(b))
                print(f"  {ds:14s} seed {seed} {name:38s} best {res.best_score:.5f}", flush=True)
    keys = list(best[names[0]])
    ranks = {n: [] for n in names}
    for key in keys:  # average ranks, so identical results tie
        for n in names:
            better = sum(best[m][key] > best[n][key] for m in names)
            ties = sum(best[m][key] == best[n][key] for m in names)
            ranks[n].append(better + (ties + 1) / 2)
    print(f"\n{'sampler':40s} {'mean rank':>9s} " + " ".join(f"{d:>14s}" for d, _ in datasets()) + f" {'ms/trial':>9s}")
    for n in names:
        per_ds = []
        for d, _ in datasets():
            per_ds.append(statistics.mean(abs(best[n][(d, s)]) for s in seeds))
        print(f"{n:40s} {np.mean(ranks[n]):9.2f} " + " ".join(f"{v:14.5f}" for v in per_ds) + f" {np.median(overhead[n]):9.1f}")


if __name__ == "__main__":
    main()
