"""Single decision trees, random forests and extra trees."""

from __future__ import annotations

from automl.families.base import FitContext, ModelFamily
from automl.task import BINARY, MULTICLASS, REGRESSION

_ALL = frozenset({BINARY, MULTICLASS, REGRESSION})


def make_decision_tree(params: dict, ctx: FitContext):
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    cls = DecisionTreeRegressor if ctx.task == REGRESSION else DecisionTreeClassifier
    return cls(**params, random_state=ctx.seed)


def make_random_forest(params: dict, ctx: FitContext):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    cls = RandomForestRegressor if ctx.task == REGRESSION else RandomForestClassifier
    return cls(**params, n_jobs=ctx.n_jobs, random_state=ctx.seed)


def make_extra_trees(params: dict, ctx: FitContext):
    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

    cls = ExtraTreesRegressor if ctx.task == REGRESSION else ExtraTreesClassifier
    return cls(**params, n_jobs=ctx.n_jobs, random_state=ctx.seed)


DECISION_TREE = ModelFamily("decision_tree", _ALL, make_decision_tree, description="CART decision tree (scikit-learn)")
RANDOM_FOREST = ModelFamily("random_forest", _ALL, make_random_forest, description="random forest (scikit-learn)")
EXTRA_TREES = ModelFamily("extra_trees", _ALL, make_extra_trees, description="extremely randomised trees (scikit-learn)")
