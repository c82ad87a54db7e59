"""Quickstart: search models for scikit-learn's breast-cancer table, then predict and reload.

    python examples/quickstart.py [--budget SECONDS]
"""

from __future__ import annotations

import argparse

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import automl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60, help="time budget in seconds (default 60)")
    parser.add_argument("--output", default="results", help="parent folder of the run folder")
    args = parser.parse_args()

    df = load_breast_cancer(as_frame=True).frame
    train, test = train_test_split(df, test_size=0.25, random_state=0, stratify=df["target"])

    res = automl.fit(train, "target", time_budget=args.budget, output_dir=args.output, verbose=1)

    cols = ["rank", "family", "score", "score_std", "status", "fit_time_s"]
    print(res.leaderboard[cols].head(10).to_string(index=False))
    print(f"\nbest: {res.best_params}")
    print(f"CV {res.metric}: {res.best_score:.4f}")

    from sklearn.metrics import roc_auc_score

    proba = res.predict_proba(test.drop(columns=["target"]))[:, 1]
    print(f"test roc_auc: {roc_auc_score(test['target'], proba):.4f}")

    model = automl.load(res.run_dir)  # the run folder holds the refitted best model
    assert (model.predict(test) == res.predict(test)).all()
    print(f"run folder: {res.run_dir}")


if __name__ == "__main__":
    main()
