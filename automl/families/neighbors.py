"""k-nearest neighbours."""

from __future__ import annotations

from automl.families.base import FitContext, ModelFamily
from automl.preprocess.encode import PrepOptions
from automl.task import BINARY, MULTICLASS, REGRESSION


def make_knn(params: dict, ctx: FitContext):
    from sklearn.neighbors import KNeighborsRegressor

    from automl.families._knn import SmoothedKNeighborsClassifier

    # k cannot exceed the training rows: the one bound the YAML cannot know.
    params = {**params, "n_neighbors": max(1, min(int(params.get("n_neighbors", 5)), ctx.n_rows - 1))}
    cls = KNeighborsRegressor if ctx.task == REGRESSION else SmoothedKNeighborsClassifier
    return cls(**params, n_jobs=ctx.n_jobs)


KNN = ModelFamily(
    name="knn",
    tasks=frozenset({BINARY, MULTICLASS, REGRESSION}),
    make=make_knn,
    prep=PrepOptions(scale=True),
    description="k-nearest neighbours (scikit-learn)",
)
