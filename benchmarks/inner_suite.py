"""The public suite's training parts as a suite of their own, for benchmarks/compare.py: is a loss on a
public test part automl's, or that test part's?

    .venv/bin/python benchmarks/inner_suite.py                  # writes /tmp/automl-inner-suite/
    .venv/bin/python benchmarks/compare.py --budget 60 --data-dir /tmp/automl-inner-suite \\
        --out benchmarks/out/inner.jsonl --datasets bike_sharing_hourly,penguins

Each table is the protocol's training part of a ../shared dataset (its 75 %, random_state=0). compare.py
splits it 75/25 again under the same protocol, so every system is fit on 56 % of the rows and scored on
19 % that the public test part never touches; the public test part is never written. baseline_check.py asks
the same question of automl against the default-hyperparameter baselines; this asks it of every system
compare.py runs, FLAML and AutoGluon included. The tables are written outside the project (the shared data
is never copied into it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from choice_runner import DATA  # noqa: E402
from compare_one import load  # noqa: E402


def build(out: Path, names: list[str] | None = None) -> None:
    """Write each dataset's training part (or only ``names``') and a manifest in the public suite's format."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for entry in json.loads((DATA / "manifest.json").read_text()):
        if names and entry["name"] not in names:
            continue
        _, target, X_tr, _, y_tr, _ = load(DATA, entry["name"])
        train = pd.concat([X_tr, y_tr], axis=1)  # one concat: cnae9 has 856 columns
        file = f"{entry['name']}.csv.gz"
        train.to_csv(out / file, index=False)
        manifest.append({**entry, "file": file, "rows": len(train),
                         "notes": f"the protocol's training part of {entry['name']} (75 %, random_state=0)"})
        print(f"{entry['name']}: {len(train)} rows", flush=True)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/automl-inner-suite"))
    ap.add_argument("--datasets", default="", help="comma-separated (default: all in the manifest)")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} not found: the public suite lives in ../shared/datasets beside the project")
    build(args.dir, [n for n in args.datasets.split(",") if n] or None)


if __name__ == "__main__":
    main()
