"""Rich renderables for leaderboards (shared by the live view and `automl leaderboard`)."""

from __future__ import annotations

import json
import os

from rich.console import Console
from rich.table import Table

KEY_PARAMS = 3  # parameters shown per row
PIPE_WIDTH = 200  # columns for output to a pipe or file, where there is no terminal to fit


def stdout_console() -> Console:
    """A console for standard output. On a pipe or in a file (CI logs, `| grep`) Rich would draw at 80
    columns: the table's params column shrank to "k…" and paths broke across lines. There, unless
    COLUMNS says otherwise, lines may be PIPE_WIDTH long."""
    console = Console()
    if console.is_terminal or "COLUMNS" in os.environ:
        return console
    return Console(width=PIPE_WIDTH)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def short_params(params) -> str:
    if isinstance(params, str):
        try:
            params = json.loads(params)
        except json.JSONDecodeError:
            return params[:40]
    items = list((params or {}).items())[:KEY_PARAMS]
    return ", ".join(f"{k}={_fmt(v)}" for k, v in items)


def leaderboard_table(board, metric: str, highlight: int | None = None, title: str | None = None) -> Table:
    """A table of leaderboard rows (a DataFrame or a list of record dicts), ``highlight`` = trial number."""
    rows = board.to_dict("records") if hasattr(board, "to_dict") else board
    t = Table(title=title, expand=False, header_style="bold")
    for col, just in (("#", "right"), ("trial", "right"), ("family", "left"), (metric, "right"), ("fit s", "right"),
                      ("status", "left"), ("key params", "left")):
        t.add_column(col, justify=just, no_wrap=col != "key params")
    for i, r in enumerate(rows, 1):
        score = r.get("score")
        std = r.get("score_std")
        text = "" if score is None or score != score else f"{score:.5g}"
        if text and std is not None and std == std:
            text += f" ± {std:.2g}"
        style = "bold green" if highlight is not None and r.get("trial") == highlight else None
        t.add_row(str(r.get("rank", i)), str(r.get("trial")), str(r.get("family")), text, f"{r.get('fit_time_s') or 0:.2f}",
                  str(r.get("status")), short_params(r.get("params")), style=style)
    return t
