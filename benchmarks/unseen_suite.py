"""Datasets automl was never tuned on: build a second suite for benchmarks/compare.py.

    .venv/bin/python benchmarks/unseen_suite.py              # writes benchmarks/out/unseen/ (needs PyPI)
    .venv/bin/python benchmarks/compare.py --budget 60 --data-dir benchmarks/out/unseen --out benchmarks/out/unseen.jsonl

Every default and design choice of automl was measured on the public suite (../shared/datasets) or
on scikit-learn's bundled datasets. These five real tables come from two PyPI packages' own data
files (the wheels are downloaded with ``pip download --no-deps`` and read as zip files; nothing is
installed): statsmodels' ``fair``, ``anes96`` and ``randhie``, and vega_datasets' ``cars`` and
``seattle-weather``. The manifest has the public suite's format, so compare.py runs them under the
same protocol (75/25 split, random_state=0; ROC AUC, log loss, RMSE).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent / "out" / "unseen"
WHEELS = {"statsmodels": "statsmodels==0.15.0", "vega_datasets": "vega_datasets==0.9.0"}


def _wheel(name: str) -> zipfile.ZipFile:
    folder = OUT / "wheels"
    found = sorted(folder.glob(f"{name}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), WHEELS[name]],
                       check=True)
        found = sorted(folder.glob(f"{name}-*.whl"))
    return zipfile.ZipFile(found[-1])


def tables() -> list[tuple[dict, pd.DataFrame]]:
    sm, vega = _wheel("statsmodels"), _wheel("vega_datasets")
    fair = pd.read_csv(io.BytesIO(sm.read("statsmodels/datasets/fair/fair.csv")))
    fair = fair.assign(had_affair=(fair.pop("affairs") > 0).map({True: "yes", False: "no"}))
    anes = pd.read_csv(io.BytesIO(sm.read("statsmodels/datasets/anes96/anes96.csv")), sep="\t")
    anes.columns = [c.strip("'") for c in anes.columns]
    randhie = pd.read_csv(io.BytesIO(sm.read("statsmodels/datasets/randhie/randhie.csv")))
    cars = pd.read_json(io.BytesIO(vega.read("vega_datasets/_data/cars.json")))
    weather = pd.read_csv(io.BytesIO(vega.read("vega_datasets/_data/seattle-weather.csv")))
    return [
        ({"name": "fair_affairs", "target": "had_affair", "task": "binary",
          "source": "statsmodels.datasets.fair (1974 Redbook survey); target: affairs > 0"}, fair),
        ({"name": "anes96_vote", "target": "vote", "task": "binary",
          "source": "statsmodels.datasets.anes96 (1996 American National Election Study)"}, anes),
        ({"name": "seattle_weather", "target": "weather", "task": "multiclass",
          "source": "vega_datasets seattle-weather (2012-2015 daily; a text date column)"}, weather),
        ({"name": "cars_mpg", "target": "Miles_per_Gallon", "task": "regression",
          "source": "vega_datasets cars (auto-mpg; car names, origin, a date column, missing targets)"}, cars),
        ({"name": "randhie_visits", "target": "mdvis", "task": "regression",
          "source": "statsmodels.datasets.randhie (RAND health insurance experiment, doctor visits)"}, randhie),
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = []
    for entry, df in tables():
        file = f"{entry['name']}.csv.gz"
        df.to_csv(OUT / file, index=False)
        manifest.append({**entry, "file": file, "rows": len(df), "cols": df.shape[1] - 1})
        print(f"{entry['name']:16} {entry['task']:10} {len(df):6d} rows  {df.shape[1] - 1:3d} columns")
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
