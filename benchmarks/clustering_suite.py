"""Clustering (no target) on labelled tables with the labels removed: automl against k-means by hand.

    python benchmarks/clustering_suite.py --budget 30 [--datasets iris,penguins]

For each table: automl.fit(X, time_budget=B) (its wall time, trials, best family and number of
clusters, silhouette, peak memory), and what an engineer would do by hand: k-means with k = the
number of classes (which automl is not told), 10 restarts, in the same standardised space. Both
silhouettes are computed on the same rows (automl's scoring sample); the adjusted Rand index
against the hidden classes is an outside check (the classes are one grouping of the rows, not the
only good one). Each table runs in its own subprocess; one JSON line per table is printed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets"
BUNDLED = {"iris": "load_iris", "wine": "load_wine", "breast_cancer": "load_breast_cancer", "digits": "load_digits"}
SHARED = ("penguins", "segment", "adult")  # adult: 48,842 rows, categoricals (the sampled scoring and agglomerative)
DEFAULT = tuple(BUNDLED) + SHARED


def load(name: str):
    """(features, hidden class labels)."""
    import pandas as pd

    if name in BUNDLED:
        import sklearn.datasets

        frame = getattr(sklearn.datasets, BUNDLED[name])(as_frame=True).frame
        return frame.drop(columns=["target"]), frame["target"]
    entry = next(e for e in json.loads((DATA / "manifest.json").read_text()) if e["name"] == name)
    df = pd.read_csv(DATA / entry["file"])
    return df.drop(columns=[entry["target"]]), df[entry["target"]].astype(str)


def by_hand(X, classes, rows):
    """k-means with the true number of classes in automl's scoring space: (silhouette on ``rows``, labels)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    from automl.data.profile import profile_columns
    from automl.evaluation.clustering import scoring_space
    from automl.preprocess import TableCleaner

    profile = profile_columns(X)
    Z = scoring_space(TableCleaner(profile).fit(X).transform(X), profile)
    labels = KMeans(classes.nunique(), n_init=10, random_state=0).fit_predict(Z)
    return float(silhouette_score(Z[rows], labels[rows])), labels


def run_one(name: str, budget: float) -> dict:
    from sklearn.metrics import adjusted_rand_score

    import automl
    from automl.data.profile import profile_columns
    from automl.evaluation.clustering import scoring_sample
    from automl.preprocess import TableCleaner
    from automl.search.launch import close_zygote

    X, classes = load(name)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        res = automl.fit(X, time_budget=budget, seed=0, output_dir=tmp)
        wall = time.monotonic() - t0
    profile = profile_columns(X)
    rows = scoring_sample(TableCleaner(profile).fit(X).transform(X), profile, 0).rows
    hand_sil, hand_labels = by_hand(X, classes, rows)
    labels = res.predict(X)
    close_zygote()  # the workers are its children: counted in RUSAGE_CHILDREN once it has ended
    usage = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    best = res.best_params
    return {"dataset": name, "rows": len(X), "classes": int(classes.nunique()), "budget": budget,
            "fit_wall_s": round(wall, 2), "overrun": wall > budget * 1.1 + 2,
            "trials": res.leaderboard["status"].value_counts().to_dict(), "best": best["family"],
            "k": int(len(set(labels))), "silhouette": round(res.best_score, 4), "hand_silhouette": round(hand_sil, 4),
            "ari": round(adjusted_rand_score(classes, labels), 3), "hand_ari": round(adjusted_rand_score(classes, hand_labels), 3),
            "peak_rss_mb": round(usage / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=30.0)
    ap.add_argument("--datasets", default=",".join(DEFAULT))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.budget)), flush=True)
        return
    names = [n for n in args.datasets.split(",") if n in BUNDLED or (DATA / "manifest.json").is_file()]
    print(f"{'dataset':14} {'rows':>6} {'classes':>7} {'wall s':>7} {'trials':>7} {'best':18} {'k':>3}"
          f" {'silhouette':>10} {'by hand':>8} {'ARI':>6} {'by hand':>7} {'peak MB':>8}")
    for name in names:
        proc = subprocess.run([sys.executable, __file__, "--one", name, "--budget", str(args.budget)],
                              capture_output=True, text=True, timeout=args.budget * 1.5 + 300)
        if proc.returncode != 0:
            print(f"{name:14} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{r['dataset']:14} {r['rows']:6d} {r['classes']:7d} {r['fit_wall_s']:7.1f} {sum(r['trials'].values()):7d}"
              f" {r['best']:18} {r['k']:3d} {r['silhouette']:10.4f} {r['hand_silhouette']:8.4f} {r['ari']:6.3f}"
              f" {r['hand_ari']:7.3f} {r['peak_rss_mb']:8.0f}{'  OVERRUN' if r['overrun'] else ''}", flush=True)


if __name__ == "__main__":
    main()
