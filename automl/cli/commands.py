"""The read-only commands: predict, leaderboard, info."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from automl.errors import ConfigError, RunFolderError

RUN_KEYS = ("target", "task", "metric", "greater_is_better")  # what info and leaderboard need from run.json


def read_input(path: str):
    """A CSV/Parquet path, or - for CSV on stdin."""
    import pandas as pd

    from automl.data.intake import read_table

    return pd.read_csv(sys.stdin) if path == "-" else read_table(path)


def predict(args: Namespace) -> int:
    import pandas as pd

    import automl

    if args.output and not Path(args.output).parent.is_dir():  # say so before the work, not after it
        raise ConfigError(f"--output {args.output!r}: the folder '{Path(args.output).parent}' does not exist; create it"
                          " or write the file elsewhere.")
    model = automl.load(args.model)
    rows = read_input(args.data)
    if args.id is not None and args.id not in rows.columns:
        from automl.errors import ColumnsMissingError, did_you_mean

        raise ColumnsMissingError(f"--id column {args.id!r} is not in the data.{did_you_mean(args.id, rows.columns)}")
    if args.proba:
        if model.classes_ is None:
            raise ConfigError(f"--proba gives class probabilities; this is a {model.task} model. Drop --proba.")
        out = pd.DataFrame(model.predict_proba(rows), columns=[str(c) for c in model.classes_])
    else:
        out = pd.DataFrame({"prediction": model.predict(rows)})
    if args.id is not None:
        out.insert(0, args.id, rows[args.id].to_numpy())
    try:
        out.to_csv(args.output if args.output else sys.stdout, index=False)
    except (PermissionError, IsADirectoryError) as exc:
        raise ConfigError(f"--output {args.output!r} cannot be written ({exc.strerror}); pass a file you may write.") from None
    return 0


def _run_dir(path: str) -> Path:
    run = Path(path)
    if not (run / "run.json").is_file():
        raise ConfigError(f"'{run}' is not a run folder (no run.json); pass a folder that `automl search` created.")
    return run


def _run_info(run: Path) -> dict:
    """run.json, or an error saying the folder is damaged (not a traceback)."""
    from automl.results.store import RunStore

    try:
        info = RunStore(run).read_json("run.json")
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"'{run / 'run.json'}' cannot be read ({type(exc).__name__}: {exc}); the run folder is"
                             " damaged. Run the search again.") from exc
    missing = [k for k in RUN_KEYS if k not in info] if isinstance(info, dict) else list(RUN_KEYS)
    if missing:
        raise RunFolderError(f"'{run / 'run.json'}' lacks {', '.join(missing)}; the run folder is damaged. Run the"
                             " search again.")
    return info


def _board(run: Path, info: dict):
    """leaderboard.csv, or, when the search never wrote it (killed), the board of the trials on disk."""
    import pandas as pd

    from automl.results.leaderboard import make_leaderboard
    from automl.results.store import RunStore

    board_file = run / "leaderboard.csv"
    try:
        if board_file.is_file():
            return pd.read_csv(board_file)
        return make_leaderboard(RunStore(run).read_trials(), info["greater_is_better"])
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"The leaderboard of '{run}' cannot be read ({type(exc).__name__}: {exc}); the run folder"
                             " is damaged. Run the search again.") from exc


def leaderboard(args: Namespace) -> int:
    run = _run_dir(args.run_dir)
    info = _run_info(run)
    board = _board(run, info)
    if args.format == "table":
        from automl.cli.render import leaderboard_table, stdout_console

        stdout_console().print(leaderboard_table(board.head(args.top or 20), info["metric"]))
        return 0
    board = board.head(args.top) if args.top else board
    if args.format == "csv":
        board.to_csv(sys.stdout, index=False)
    else:  # params as a JSON object, not a string of JSON inside the JSON
        params = [json.loads(p) if isinstance(p, str) else p for p in board["params"]]
        sys.stdout.write(board.assign(params=params).to_json(orient="records", indent=1) + "\n")
    return 0


def info(args: Namespace) -> int:
    from rich.table import Table

    from automl.cli.render import stdout_console

    run = _run_dir(args.run_dir)
    info = _run_info(run)
    t = Table(show_header=False, box=None, pad_edge=False)
    schema = info.get("schema", {})
    rows = [
        ("run folder", str(run)),
        ("target", repr(info["target"])),
        ("task", f"{info['task']} ({info.get('task_reason', '')})"),
        ("metric", f"{info['metric']} ({'higher' if info['greater_is_better'] else 'lower'} is better)"),
        ("rows", str(info.get("n_rows"))),
        ("columns", ", ".join(f"{len(schema.get(k, []))} {k}" for k in ("numeric", "boolean", "categorical", "datetime"))),
        ("dropped", ", ".join(f"{k} ({v})" for k, v in schema.get("dropped", {}).items()) or "none"),
        ("cv", str(info.get("cv"))),
        ("limits", json.dumps(info.get("limits", {})) + "  (the first session's; each session's are below)"),
        ("sessions", _sessions(run, info.get("sessions", []))),
        ("trials", json.dumps(info.get("trial_counts", {}))),
        ("pruning", json.dumps(info.get("pruning", {}))),
        ("best", f"trial {info.get('best_trial')} {info.get('best_family')} {info['metric']}={info.get('best_score')}"),
        ("model", str(run / "model") if (run / "model" / "model.joblib").is_file() else "not saved"),
        ("versions", ", ".join(f"{k} {v}" for k, v in info.get("versions", {}).items())),
    ]
    for key, value in rows:
        t.add_row(f"[bold]{key}[/bold]", value)
    stdout_console().print(t)
    return 0


def _sessions(run: Path, sessions: list[dict]) -> str:
    """Each finished session's time, trials and limits; then the trials on disk no finished session
    accounts for (a session killed before it could write run.json)."""
    from automl.results.store import RunStore

    parts = [f"{s['elapsed_s']} s, {s['trials_started']} trials ({_limits(s.get('limits', {}))})" for s in sessions]
    unfinished = len(RunStore(run).read_trials()) - sum(int(s.get("trials_started", 0)) for s in sessions)
    if unfinished > 0:
        parts.append(f"{unfinished} trials of a session that did not finish (killed?)")
    return "; ".join(parts) or "none finished"


def _limits(limits: dict) -> str:
    """A session's limits in words: "time_budget 60 s, n_trials 20"."""
    parts = [f"time_budget {limits['time_budget']:g} s" if limits.get("time_budget") is not None else "",
             f"n_trials {limits['n_trials']}" if limits.get("n_trials") is not None else ""]
    return ", ".join(p for p in parts if p) or "no limits"
