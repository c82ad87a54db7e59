"""The final refit: the chosen trial's pipeline trained on every training row."""

from __future__ import annotations

import warnings

from automl.evaluation.evaluate import EvalData, TrialSpec, one_line_error
from automl.pipeline import build_pipeline, fit_context


def refit(data: EvalData, spec: TrialSpec):
    """Return the fitted raw-rows Pipeline, or an error string (never raises)."""
    try:
        ctx = fit_context(spec.family, data.profile, data.task, len(data.y), data.n_classes, spec.n_jobs, spec.seed)
        pipe = build_pipeline(spec.family, spec.params, data.profile, ctx)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pipe.fit(data.X_raw, data.y_raw.to_numpy() if data.task != "regression" else data.y)
    except Exception as exc:
        return one_line_error(exc)
