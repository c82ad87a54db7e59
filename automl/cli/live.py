"""Watching a search: a Rich live view on a terminal, plain or JSON lines elsewhere.

Both are fed by ``automl.fit(on_trial=...)``; neither knows anything about the search itself.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from rich.console import Console, Group
from rich.text import Text

from automl.cli.render import leaderboard_table

TOP_N = 10
REFRESH_PER_SECOND = 2  # the header (time bar, counts) redraws this often
TABLE_EVERY_S = 2.0  # the top-N table is re-laid-out at most this often (a Rich table costs ~5 ms a layout)


class _Throttled:
    """A renderable that re-renders ``make()`` at most every ``every`` seconds, and only when marked
    changed; in between it replays the rendered lines (so fast trials cannot make redraws costly)."""

    def __init__(self, make, every: float):
        self.make, self.every = make, every
        self.changed = True
        self._lines = None
        self._width = None
        self._at = 0.0

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        now = time.monotonic()
        stale = self.changed and now - self._at >= self.every
        if self._lines is None or stale or options.max_width != self._width:
            self._lines = console.render_lines(self.make(), options, pad=False)
            self._width, self._at, self.changed = options.max_width, now, False
        for line in self._lines:
            yield from line
            yield Segment.line()


class SearchState:
    """What the views show, updated by on_trial records."""

    def __init__(self, metric: str | None, greater_is_better: bool | None, time_budget: float | None, n_trials: int | None):
        self.metric, self.greater = metric, greater_is_better
        self.time_budget, self.n_trials = time_budget, n_trials
        self.t0 = time.monotonic()
        self.records: list[dict] = []
        self.counts = {"complete": 0, "pruned": 0, "failed": 0, "timeout": 0}
        self.best: dict | None = None
        self.best_at: float | None = None
        self.last_failure: str | None = None
        self.stopping = False
        self.running = 1  # trials in flight when the last one finished (the backend's concurrency)

    def add(self, record: dict) -> None:
        if self.metric is None or self.greater is None:
            self.metric, self.greater = record.get("metric"), record.get("greater_is_better")
        self.records.append(record)
        self.running = int(record.get("running", 1))
        self.counts[record["status"]] = self.counts.get(record["status"], 0) + 1
        if record["status"] in ("failed", "timeout") and record.get("error"):
            self.last_failure = f"trial {record['trial']} {record['family']}: {record['error']}"
        if record["status"] == "complete" and (self.best is None or self._better(record["score"], self.best["score"])):
            self.best, self.best_at = record, time.monotonic() - self.t0

    def carry_over(self, records: list[dict], greater_is_better: bool) -> None:
        """Start a resumed run from the best of its earlier trials (shown as found at 0 s)."""
        self.greater = greater_is_better
        for record in records:
            if record.get("status") == "complete" and record.get("score") is not None and (
                    self.best is None or self._better(record["score"], self.best["score"])):
                self.best, self.best_at = record, 0.0

    def _better(self, a: float, b: float) -> bool:
        return a > b if self.greater is not False else a < b

    def top(self, n: int) -> list[dict]:
        done = [r for r in self.records if r["status"] == "complete"]
        done.sort(key=lambda r: -r["score"] if self.greater is not False else r["score"])
        return [{**r, "rank": i} for i, r in enumerate(done[:n], 1)]


class LiveView:
    """The live display: budget progress, counts, best so far, top-N table, last failure."""

    def __init__(self, state: SearchState, console: Console | None = None):
        self.state = state
        self.console = console or Console()
        self.redraws = 0
        self.render_s = 0.0  # wall time inside refreshes (includes waiting on the terminal)
        self.render_cpu_s = 0.0  # CPU time the refreshes used
        self._live = None
        self._table = _Throttled(self._top_table, TABLE_EVERY_S)

    def __enter__(self) -> "LiveView":
        from rich.live import Live

        self._live = Live(get_renderable=self.renderable, console=self.console, refresh_per_second=REFRESH_PER_SECOND,
                          transient=True, redirect_stdout=False, redirect_stderr=False)
        refresh = self._live.refresh

        def timed_refresh() -> None:  # measures what the display costs: building + writing each frame
            t, cpu = time.perf_counter(), time.thread_time()
            refresh()
            self.redraws += 1
            self.render_s += time.perf_counter() - t
            self.render_cpu_s += time.thread_time() - cpu

        self._live.refresh = timed_refresh
        self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._live.__exit__(*exc)

    def on_trial(self, record: dict) -> None:
        self.state.add(record)  # the next timed refresh shows it; no redraw per trial
        self._table.changed = True

    def _top_table(self):
        newest = self.state.records[-1]["trial"]
        return leaderboard_table(self.state.top(TOP_N), self.state.metric or "score", highlight=newest)

    def renderable(self):
        s = self.state
        elapsed = time.monotonic() - s.t0
        done = len(s.records)
        if s.time_budget:
            progress = _bar(elapsed / s.time_budget)
            left = s.time_budget - elapsed
            progress.append(f" {elapsed:5.0f} s / {s.time_budget:.0f} s, "
                            + (f"{left:.0f} s left" if left > 0 else "fitting the final model"))
            searching = left > 0
        else:
            progress = _bar(done / (s.n_trials or 1))
            progress.append(f" {done} / {s.n_trials} trials ({elapsed:.0f} s)")
            searching = done < (s.n_trials or 0)
        c = s.counts
        lines: list[Any] = [Text("time   ") + progress if s.time_budget else Text("trials ") + progress,
                            Text(f"trials {c['complete']} complete, {c['pruned']} pruned, {c['failed']} failed, "
                                 f"{c['timeout']} timed out, {s.running if searching and not s.stopping else 0} running")]
        if s.best:
            best = Text("best   ")
            best.append(f"{s.metric} {s.best['score']:.5g}", style="bold")
            best.append(f"  {s.best['family']} (trial {s.best['trial']}, found at {s.best_at:.0f} s)")
            lines.append(best)
        if s.records:
            lines.append(self._table)
        if s.last_failure:
            lines.append(Text(f"last failure: {s.last_failure}"[: self.console.width * 2], style="red"))
        if s.stopping:
            lines.append(Text("Stopping: refitting the best model so far (Ctrl-C again to quit now)", style="yellow"))
        return Group(*lines)


def _bar(fraction: float, width: int = 30) -> Text:
    """A plain-text progress bar (cheaper to draw than a Rich table cell)."""
    filled = int(round(max(0.0, min(fraction, 1.0)) * width))
    bar = Text("━" * filled, style="magenta")
    bar.append("─" * (width - filled), style="grey37")
    return bar


class LineReporter:
    """One line per finished trial (text or JSON), for logs and pipes: no ANSI codes."""

    def __init__(self, state: SearchState, fmt: str = "text", stream=None):
        self.state, self.fmt = state, fmt
        self.stream = stream or sys.stderr
        self._handler: logging.Handler | None = None

    def __enter__(self) -> "LineReporter":
        if self.fmt == "json":  # automl's warnings too, so every line of the stream parses as JSON
            self._handler = logging.StreamHandler(self.stream)
            self._handler.setLevel(logging.WARNING)
            self._handler.setFormatter(_JsonFormatter())
            logging.getLogger("automl").addHandler(self._handler)
        return self

    def __exit__(self, *exc) -> None:
        if self._handler is not None:
            logging.getLogger("automl").removeHandler(self._handler)
        return None

    def on_trial(self, record: dict) -> None:
        self.state.add(record)
        if self.fmt == "json":
            line = json.dumps({"event": "trial", **record}, default=str)
        else:
            score = "" if record.get("score") is None else f" {self.state.metric}={record['score']:.5g}"
            err = f" error={record['error']}" if record.get("error") else ""
            best = self.state.best
            line = (f"trial {record['trial']:>4} {record['family']:<24} {record['status']:<8}{score}"
                    f" fit={record['fit_time_s']:.2f}s{err}"
                    + (f" | best {best['score']:.5g} ({best['family']})" if best else ""))
        print(line, file=self.stream, flush=True)


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({"event": "log", "level": record.levelname.lower(), "message": record.getMessage()})
