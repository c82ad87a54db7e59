"""Ensembles of trials: Caruana selection over out-of-fold predictions, and the fitted blend."""

from automl.ensemble.model import EnsembleModel
from automl.ensemble.selection import Selection, caruana, select_honestly

__all__ = ["EnsembleModel", "Selection", "caruana", "select_honestly"]
