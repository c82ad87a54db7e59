"""Preprocessing built from the data profile and a family's needs.

A model pipeline is ``Pipeline([("clean", TableCleaner), ("encode", Encoder), ("model", estimator)])``:

* ``TableCleaner`` is stateless given the profile: it selects the training columns by
  name (any order, extra columns ignored, a missing one is a clear error) and coerces
  them (±inf -> missing, booleans -> 0/1, numbers stored as text -> numbers, datetimes ->
  calendar parts, categoricals -> plain strings with NaN). Because it learns nothing,
  evaluation applies it once to the whole table.
* ``Encoder`` learns everything that is learned (imputation, one-hot, ordinal, target
  encoding, scaling) and is therefore fitted inside each CV training fold.
"""

from automl.preprocess.clean import TableCleaner
from automl.preprocess.encode import Encoder, PrepOptions

__all__ = ["TableCleaner", "Encoder", "PrepOptions"]
