"""The command line shared by the *_choice.py benchmarks: run each dataset once, append its rows
to a JSON-lines file (an interrupted run resumes where it stopped), then print the report."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def better(a: float, b: float, greater_is_better: bool) -> str:
    """"a", "b" or "tie" (|difference| <= 0.002 for AUC, <= 1 % of the better log loss / RMSE)."""
    diff = (b - a) if greater_is_better else (a - b)  # > 0: b is better
    if abs(diff) <= (0.002 if greater_is_better else 0.01 * min(a, b)):
        return "tie"
    return "b" if diff > 0 else "a"


def main(doc: str, out: Path, run: Callable[[str], dict | list[dict]], report: Callable[[Path], None],
         extra_args: Callable[[argparse.ArgumentParser], None] = lambda ap: None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--datasets", help="comma-separated (default: all in the manifest)")
    ap.add_argument("--out", type=Path, default=out)
    ap.add_argument("--report", action="store_true", help="only reprint the table from --out")
    extra_args(ap)
    args = ap.parse_args()
    if not args.report:
        if not DATA.is_dir():
            raise SystemExit(f"{DATA} is missing: this benchmark needs ../shared/datasets.")
        names = args.datasets.split(",") if args.datasets else \
            [e["name"] for e in json.loads((DATA / "manifest.json").read_text())]
        done = {json.loads(line)["dataset"] for line in args.out.read_text().splitlines()} if args.out.exists() else set()
        for name in names:
            if name not in done:
                rows = run(name, args)
                rows = rows if isinstance(rows, list) else [rows]
                with args.out.open("a") as fh:
                    fh.writelines(json.dumps(r) + "\n" for r in rows)
    report(args.out)
    return args
