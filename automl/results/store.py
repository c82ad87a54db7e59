"""The run folder: everything a run leaves on disk, written as it happens.

    <output_dir>/<run-id>/
      run.json          data schema, task, metric, limits, seed, versions
      study.journal     the Optuna study (JournalFileBackend: open it with optuna.load_study), unless fit(storage=)
      trials.jsonl      one line per finished trial (append-only; the leaderboard's source)
      leaderboard.csv   ranked trials, rewritten as trials finish (at most about once a second)
      folds.npy         the fixed validation fold of every training row (-1: training only)
      oof/trial_N.npy   out-of-fold predictions of the best completed trials (bounded)
      model/            the refitted best model (automl.load(...) reads it)
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from automl.errors import ConfigError

OOF_BUDGET_BYTES = 256 * 2**20  # out-of-fold predictions kept on disk, in all
OOF_MAX_TRIALS = 100


class RunStore:
    def __init__(self, run_dir: Path):
        self.run_dir = Path(run_dir)

    @classmethod
    def create(cls, output_dir: str | os.PathLike) -> "RunStore":
        base = Path(output_dir)
        try:
            base.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file of that name, or a folder we may not write
            raise ConfigError(f"output_dir='{base}' cannot hold run folders ({exc.strerror or exc}); pass a folder you"
                              " may write (it is created if needed).") from None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for _ in range(100):
            run_dir = base / f"{stamp}-{secrets.token_hex(3)}"
            try:
                run_dir.mkdir()
                (run_dir / "oof").mkdir()
                return cls(run_dir)
            except FileExistsError:
                continue
        raise ConfigError(f"Could not create a new run folder in '{base}'.")

    @classmethod
    def open(cls, run_dir: str | os.PathLike) -> "RunStore":
        run_dir = Path(run_dir)
        if not (run_dir / "run.json").is_file():
            raise ConfigError(f"resume={str(run_dir)!r} is not a run folder (no run.json); pass a folder that fit() created.")
        return cls(run_dir)

    def remove(self) -> None:
        """Delete the run folder (a new run that failed before its first trial)."""
        shutil.rmtree(self.run_dir, ignore_errors=True)

    @property
    def journal_path(self) -> Path:
        return self.run_dir / "study.journal"

    # -- small files -------------------------------------------------------------------------
    def write_json(self, name: str, obj: Any) -> None:
        tmp = self.run_dir / f".{name}.tmp"
        tmp.write_text(json.dumps(obj, indent=2, default=str))
        tmp.replace(self.run_dir / name)

    def read_json(self, name: str) -> Any:
        return json.loads((self.run_dir / name).read_text())

    def save_folds(self, fold_id: np.ndarray) -> None:
        np.save(self.run_dir / "folds.npy", fold_id)

    def load_folds(self) -> np.ndarray:
        return np.load(self.run_dir / "folds.npy")

    # -- trials ------------------------------------------------------------------------------
    def append_trial(self, record: dict) -> None:
        with open(self.run_dir / "trials.jsonl", "a") as fh:
            fh.write(json.dumps(record, default=_json_default) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def read_trials(self) -> list[dict]:
        path = self.run_dir / "trials.jsonl"
        if not path.exists():
            return []
        records = []
        for line in path.read_text().splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a kill
        return records

    def write_leaderboard(self, board) -> None:
        tmp = self.run_dir / ".leaderboard.csv.tmp"
        board.to_csv(tmp, index=False)
        tmp.replace(self.run_dir / "leaderboard.csv")

    # -- out-of-fold predictions -------------------------------------------------------------
    def save_oof(self, number: int, oof: np.ndarray, keep: list[int]) -> None:
        """Save trial ``number``'s OOF predictions; keep only the trials listed in ``keep``
        (best first), at most OOF_MAX_TRIALS and OOF_BUDGET_BYTES in all."""
        limit = max(1, min(OOF_MAX_TRIALS, OOF_BUDGET_BYTES // max(oof.nbytes, 1)))
        keep = keep[:limit]
        if number in keep:
            np.save(self._oof_path(number), oof)
        wanted = {f"trial_{n}.npy" for n in keep}
        for path in (self.run_dir / "oof").glob("trial_*.npy"):
            if path.name not in wanted:
                path.unlink(missing_ok=True)

    def has_oof(self, number: int) -> bool:
        return self._oof_path(number).exists()

    def load_oof(self, number: int) -> np.ndarray:
        return np.load(self._oof_path(number))

    def _oof_path(self, number: int) -> Path:
        return self.run_dir / "oof" / f"trial_{number}.npy"


def jsonable(v: Any) -> Any:
    """A value (a class label, a column name) as JSON keeps it: numpy scalars as Python ones, other objects as text."""
    if isinstance(v, np.generic):
        return v.item()
    return v if isinstance(v, (str, int, float, bool)) or v is None else str(v)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)
