"""`automl search`: fit with a live view (or log lines), Ctrl-C handling, and a closing summary."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sys
import threading
import time
from argparse import Namespace

from automl.errors import AutoMLError, ConfigError
from automl.task import CLUSTERING

INTERRUPTED = 130
# fit()'s argument names, as errors from it say them, and the flags of `automl search` that set them
FLAGS = {"time_budget": "--time-budget", "n_trials": "--trials", "task": "--task", "metric": "--metric",
         "include": "--include", "keep_columns": "--keep", "search_space": "--search-space", "output_dir": "--output",
         "seed": "--seed", "workers": "--workers", "ray_address": "--ray-address", "final_fit": "--final-fit",
         "storage": "--storage", "resume": "--resume", "target": "--target"}
_ARGUMENT = re.compile(r"(?<![\w.])(" + "|".join(FLAGS) + r")=(\S?)")


def as_flags(message: str) -> str:
    """``message`` with fit()'s ``name=`` in the CLI's words: "remove it from include=." -> "from --include."."""
    def flag(m: re.Match) -> str:
        value = m.group(2)
        return FLAGS[m.group(1)] + (" " if value and value not in ".,;:)" else "") + value

    return _ARGUMENT.sub(flag, message)


class _CtrlC:
    """First Ctrl-C: ask the search to stop (it refits and saves). Second: exit at once."""

    def __init__(self, stop: threading.Event, on_first):
        self.stop, self.on_first = stop, on_first

    def __enter__(self) -> "_CtrlC":
        self._old = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        signal.signal(signal.SIGINT, self._old)

    def _handle(self, signum, frame) -> None:
        if self.stop.is_set():
            os._exit(INTERRUPTED)  # every finished trial is on disk already; the worker exits with us
        self.stop.set()
        self.on_first()


def run_search_command(args: Namespace) -> int:
    from rich.console import Console

    import automl
    from automl.cli.commands import read_input
    from automl.cli.live import LineReporter, LiveView, SearchState
    from automl.cli.render import stdout_console

    if args.time_budget is not None and args.time_budget <= 0:
        raise ConfigError(f"--time-budget {args.time_budget:g} must be a positive number of seconds, e.g. --time-budget 60.")
    data = read_input(args.data) if args.data == "-" else args.data
    err = Console(stderr=True)
    live = err.is_terminal and not args.quiet and args.log_format == "text"
    state = SearchState(args.metric, None, args.time_budget if args.time_budget or args.trials else 60.0, args.trials)
    if args.resume:
        _carry_over(state, args.resume)
    view = LiveView(state, err) if live else LineReporter(state, args.log_format)
    stop = threading.Event()

    def first_ctrl_c() -> None:
        state.stopping = True
        if not live:
            print("Stopping: refitting the best model so far (Ctrl-C again to quit now)", file=sys.stderr, flush=True)

    with _CtrlC(stop, first_ctrl_c), view:
        try:
            res = automl.fit(data, args.target, time_budget=args.time_budget, n_trials=args.trials, task=args.task,
                             metric=args.metric, include=args.include.split(",") if args.include else None,
                             search_space=args.search_space, output_dir=args.output, resume=args.resume, seed=args.seed,
                             on_trial=view.on_trial, stop=stop, workers=args.workers, ray_address=args.ray_address,
                             ensemble=args.ensemble, final_fit=args.final_fit, storage=args.storage,
                             keep_columns=args.keep.split(",") if args.keep else None)
        except AutoMLError as exc:
            exc.args = (as_flags(str(exc)), *exc.args[1:])  # the user typed flags, not fit()'s arguments
            if not stop.is_set():
                raise
            print(f"Stopped: {exc}", file=sys.stderr)
            return INTERRUPTED
    _summary(res, stdout_console(), live, view)
    return INTERRUPTED if stop.is_set() else 0


def _carry_over(state, run_dir: str) -> None:
    """A resumed run's best so far includes its earlier sessions' trials (fit reports a bad folder)."""
    from automl.errors import AutoMLError
    from automl.results.store import RunStore

    try:
        store = RunStore.open(run_dir)
        state.carry_over(store.read_trials(), bool(store.read_json("run.json")["greater_is_better"]))
    except (AutoMLError, OSError, KeyError, ValueError):
        return


def _summary(res, out, live: bool, view) -> None:
    from automl.cli.render import leaderboard_table

    out.print(leaderboard_table(res.leaderboard.head(20), res.metric, title="leaderboard (top 20)"))
    score = res.metric if res.task == CLUSTERING else f"CV {res.metric}"  # a clustering is scored on every row
    out.print(f"best: trial {res.best_trial} {res.best_params['family']}  {score} = {res.best_score:.6g}"
              f" ({'higher' if res.greater_is_better else 'lower'} is better); final fit: {res.final_fit}")
    out.print(f"run folder: {res.run_dir}")
    out.print(f"model: {res.run_dir / 'model'}   leaderboard: {res.run_dir / 'leaderboard.csv'}")
    out.print(f"predict with: automl predict {shlex.quote(str(res.run_dir))} NEW_ROWS.csv -o predictions.csv", soft_wrap=True)
    if live and view.redraws:
        run_s = max(time.monotonic() - view.state.t0, 1e-9)
        out.print(f"[dim]live view: {view.redraws} redraws, {view.render_cpu_s * 1e3:.0f} ms CPU "
                  f"({view.render_cpu_s / run_s:.2%} of the run; {view.render_s * 1e3:.0f} ms wall)[/dim]")
