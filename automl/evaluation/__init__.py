"""Evaluation: metrics, fixed CV folds, and the pure trial evaluation that backends run."""
