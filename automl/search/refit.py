"""The final refit: the chosen trial's pipeline trained on every training row, or on the
training rows of one CV fold (a member of a bag, see final_fit.py)."""

from __future__ import annotations

import warnings

import numpy as np

from automl.evaluation.evaluate import EvalData, TrialSpec, one_line_error
from automl.evaluation.splits import fold_indices
from automl.pipeline import build_model, fit_context, on_raw_rows
from automl.task import CLASSIFICATION


def refit(data: EvalData, spec: TrialSpec):
    """Return the fitted raw-rows Pipeline, or an error string (never raises).

    The model is fit on the cleaned table the trials used (``data.X``), and the TableCleaner that
    made it is put in front: it is stateless given the profile, so the pipeline is the same as one fit
    on the raw rows, without cleaning them again (parsing a million text dates took 21 s, which no
    refit estimate, timed on the trials' cleaned rows, had kept time for)."""
    try:
        X, y = data.X, data.y_raw.to_numpy() if data.task in CLASSIFICATION else data.y  # None: clustering
        table_rows = len(X)
        if spec.fold is not None:  # the same rows, seed and params as the trial's model for this fold
            rows = fold_indices(data.fold_id, spec.fold)[0]
            X, y = X.iloc[rows], y[rows]
        elif spec.rows is not None:  # a seeded sample of the rows (no trial finished on all of them)
            rows = np.sort(np.random.default_rng(spec.seed).permutation(len(X))[: spec.rows])
            X, y = X.iloc[rows], y[rows]
        ctx = fit_context(spec.family, data.profile, data.task, len(X), data.n_classes, spec.n_jobs, spec.seed,
                          table_rows=table_rows, target_scale=data.target_scale)
        model = build_model(spec.family, spec.params, data.profile, ctx, not data.metric.balanced_labels)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        return on_raw_rows(model, data.profile)
    except Exception as exc:
        return one_line_error(exc)
