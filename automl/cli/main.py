"""`automl search | predict | leaderboard | info`: arguments in, public API calls, one clear line on error.

Exit codes: 0 ok, 1 user error (one line on stderr; --debug shows the traceback), 2 usage error,
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

EXAMPLES = {
    "search": "examples:\n  automl search data.csv --target price --time-budget 120\n"
              "  automl search customers.csv --time-budget 60      # no target: cluster the rows",
    "predict": "example:\n  automl predict results/20261128-101500-ab12cd new_rows.csv -o predictions.csv --id id",
    "leaderboard": "example:\n  automl leaderboard results/20261128-101500-ab12cd --top 10",
    "info": "example:\n  automl info results/20261128-101500-ab12cd",
}


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="automl", description="AutoML experiment search: table in, ranked leaderboard and best model out.",
                                epilog="Run `automl COMMAND --help` for a command's options.")
    p.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fmt = argparse.RawDescriptionHelpFormatter

    s = sub.add_parser("search", help="search models for a table and save the best", epilog=EXAMPLES["search"], formatter_class=fmt)
    s.add_argument("data", help="CSV or Parquet file, or - for CSV on stdin")
    s.add_argument("--target", help="the target column (leave it out to cluster the rows)")
    s.add_argument("--task", choices=["binary", "multiclass", "regression", "clustering"],
                   help="default: inferred from the target (clustering without one)")
    s.add_argument("--metric", help="accuracy, balanced_accuracy, f1, log_loss, roc_auc, rmse, mae or r2;"
                                    " clustering: silhouette, calinski_harabasz or davies_bouldin")
    s.add_argument("--time-budget", type=float, metavar="S", help="seconds for the whole search (default 60 unless --trials)")
    s.add_argument("--trials", type=_positive_int, metavar="N", help="stop after N trials")
    s.add_argument("--include", metavar="FAM,FAM", help="families to search, comma-separated ('default' stands for the default set: default,catboost)")
    s.add_argument("--keep", metavar="COL,COL", help="use these columns even if they look like row IDs (e.g. a year)")
    s.add_argument("--search-space", metavar="FILE.yaml", help="YAML replacing the spaces of the families it names")
    s.add_argument("--output", default="results", metavar="DIR", help="parent folder of the run folder (default results/)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--workers", type=_positive_int, metavar="N", help="trials in parallel on Ray")
    s.add_argument("--ray-address", metavar="ADDR", help="an existing Ray cluster, e.g. auto or ray://host:10001")
    s.add_argument("--no-ensemble", dest="ensemble", action="store_false",
                   help="export the best single trial, never a blend of the best trials")
    s.add_argument("--final-fit", choices=["refit", "bag"], default="refit",
                   help="exported model: refit = one fit on all rows (default), bag = average of the k fold models")
    s.add_argument("--storage", metavar="URL", help="Optuna storage for the study, e.g. sqlite:///automl.db"
                                                    " (default: a journal in the run folder)")
    s.add_argument("--resume", metavar="RUN_DIR", help="continue an earlier run on the same data")
    s.add_argument("--quiet", action="store_true", help="no live view: one plain line per trial")
    s.add_argument("--log-format", choices=["text", "json"], default="text", help="per-trial lines when not live")
    s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    pr = sub.add_parser("predict", help="predict new rows with a saved model", epilog=EXAMPLES["predict"], formatter_class=fmt)
    pr.add_argument("model", help="a run folder or a folder written by SearchResult.save")
    pr.add_argument("data", help="CSV or Parquet file with the training columns, or - for CSV on stdin")
    pr.add_argument("-o", "--output", help="CSV file to write (default: stdout)")
    pr.add_argument("--proba", action="store_true", help="one column per class instead of the predicted label")
    pr.add_argument("--id", metavar="COL", help="copy this column first, to join predictions back")
    pr.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    lb = sub.add_parser("leaderboard", help="show a run's leaderboard", epilog=EXAMPLES["leaderboard"], formatter_class=fmt)
    lb.add_argument("run_dir")
    lb.add_argument("--top", type=_positive_int, metavar="N", help="only the best N rows (table default: 20)")
    lb.add_argument("--format", choices=["table", "csv", "json"], default="table")
    lb.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    inf = sub.add_parser("info", help="what a run did: task, metric, schema, limits, trials, best model",
                         epilog=EXAMPLES["info"], formatter_class=fmt)
    inf.add_argument("run_dir")
    inf.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from automl.errors import AutoMLError

    try:
        if args.command == "search":
            from automl.cli.search import run_search_command

            return run_search_command(args)
        from automl.cli import commands

        return getattr(commands, args.command)(args)
    except AutoMLError as exc:
        if args.debug:
            raise
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `automl predict ... | head`
        return 0
