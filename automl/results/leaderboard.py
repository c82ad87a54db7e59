"""The leaderboard: one row per finished trial, best first; pruned, failed and timed-out last."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

COLUMNS = ["rank", "trial", "family", "score", "score_std", "status", "error", "fit_time_s", "predict_time_s",
           "params", "started_at", "finished_at", "worker", "threads"]
_STATUS_ORDER = {"complete": 0, "pruned": 1, "failed": 2, "timeout": 3}


def make_leaderboard(records: list[dict], greater_is_better: bool) -> pd.DataFrame:
    """Rank trial records (dicts as in trials.jsonl): completed by score, then the others."""
    if not records:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("score", "score_std") else "object") for c in COLUMNS})
    df = pd.DataFrame(records)
    for col in COLUMNS:
        if col not in df:
            df[col] = None
    df["params"] = [json.dumps(p, default=str) if not isinstance(p, str) else p for p in df["params"]]
    df["score"] = pd.to_numeric(df["score"], errors="coerce")
    df["score_std"] = pd.to_numeric(df["score_std"], errors="coerce")
    sign = -1.0 if greater_is_better else 1.0
    key_status = df["status"].map(_STATUS_ORDER).fillna(9)
    key_score = (sign * df["score"]).fillna(np.inf)
    df = df.assign(_s=key_status, _v=key_score).sort_values(["_s", "_v", "trial"], kind="stable")
    df["rank"] = np.arange(1, len(df) + 1)
    return df[COLUMNS].reset_index(drop=True)
