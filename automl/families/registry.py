"""The registry of model families. Its order is the order of the default portfolio."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from automl.errors import ConfigError, did_you_mean
from automl.families.base import ModelFamily
from automl.families.bayes import NAIVE_BAYES
from automl.families.boosting import CATBOOST, HIST_GRADIENT_BOOSTING, LIGHTGBM, XGBOOST
from automl.families.clustering import AGGLOMERATIVE, BIRCH, GAUSSIAN_MIXTURE, KMEANS
from automl.families.linear import LINEAR
from automl.families.neighbors import KNN
from automl.families.neural import MLP
from automl.families.trees import DECISION_TREE, EXTRA_TREES, RANDOM_FOREST
from automl.preprocess.encode import PrepOptions
from automl.task import ALL_TASKS, TASKS

_FAMILIES: dict[str, ModelFamily] = {
    f.name: f
    for f in (
        HIST_GRADIENT_BOOSTING,
        LINEAR,
        XGBOOST,
        LIGHTGBM,
        CATBOOST,
        RANDOM_FOREST,
        EXTRA_TREES,
        KNN,
        MLP,
        DECISION_TREE,
        NAIVE_BAYES,
        KMEANS,
        GAUSSIAN_MIXTURE,
        BIRCH,
        AGGLOMERATIVE,
    )
}
BUILTIN = tuple(_FAMILIES)


def all_families() -> dict[str, ModelFamily]:
    """Every registered family by name (built-in ones first, in portfolio order)."""
    return dict(_FAMILIES)


def get_family(name: str) -> ModelFamily:
    try:
        return _FAMILIES[name]
    except KeyError:
        raise ConfigError(
            f"Unknown model family {name!r}.{did_you_mean(name, _FAMILIES)} Known families: {sorted(_FAMILIES)}."
        ) from None


DEFAULT = "default"  # in include=: the default search's families ("default", "catboost": those and CatBoost)


def families_for(task: str, include: Iterable[str] | None = None) -> list[ModelFamily]:
    """The families to search for ``task``, in registry order (the portfolio's: cheap strong defaults
    first, whatever order ``include`` lists). Without ``include``: every family that supports the task,
    is installed and is in the default search; with it, those named (``"default"`` stands for that set)."""
    default = [f for f in _FAMILIES.values() if task in f.tasks and f.available() and f.default_search]
    if include is None:
        return default
    if isinstance(include, str):
        include = [include]
    chosen = [f for name in include for f in (default if name == DEFAULT else [get_family(name)])]
    if not chosen:
        raise ConfigError("include=[] names no model family; leave it out to search the default families.")
    unfit = [f.name for f in chosen if task not in f.tasks]
    if unfit:
        raise ConfigError(f"Families {unfit} do not support a {task} task; remove them from include=.")
    missing = [f for f in chosen if not f.available()]
    if missing:
        raise ConfigError(f"Family {missing[0].name!r} needs the {missing[0].requires} package: "
                          f'pip install "automl[{missing[0].requires}]", or remove it from include=.')
    names = {f.name for f in chosen}
    return [f for f in _FAMILIES.values() if f.name in names]


def register_family(
    name: str,
    make: Callable[[dict[str, Any], Any], Any],
    space: str | Path | dict,
    *,
    tasks: Iterable[str] = TASKS,
    prep: PrepOptions = PrepOptions(),
    derived_params: Iterable[str] = (),
    log_loss_fit: bool = False,
    replace: bool = False,
) -> ModelFamily:
    """Add a model family that automl will search.

    Args:
        name: family name, as used in ``include=`` and on the leaderboard.
        make: ``make(params, ctx) -> estimator``; ``ctx`` is an ``automl.FitContext``. It is sent
            to the worker processes with cloudpickle (a lambda or a function in ``__main__`` works).
        space: the search space, a YAML path or the same structure as a dict (see search_spaces/).
        tasks: the tasks it supports (``"binary"``, ``"multiclass"``, ``"regression"``; or
            ``"clustering"``, for an estimator whose ``predict`` gives each row a cluster number).
        prep: what preprocessing it needs (``automl.PrepOptions``).
        derived_params: space keys that ``make`` translates instead of passing on.
        log_loss_fit: the classifier minimises (weighted) log loss, as logistic regression and
            gradient boosting do; its probabilities after ``class_weight="balanced"`` training are
            then put back on the training class priors (see ``pipeline.EncodedLabelClassifier``).
        replace: allow replacing a family with the same name.
    """
    from automl.spaces import check_param_names, load_space

    _check_registration(name, make, prep)
    tasks = frozenset([tasks] if isinstance(tasks, str) else tasks)
    bad = sorted(tasks - set(ALL_TASKS))
    if bad:
        raise ConfigError(f"register_family({name!r}): unknown tasks {bad}; use some of {list(ALL_TASKS)}.")
    if name in _FAMILIES and not replace:
        raise ConfigError(f"A family named {name!r} is already registered; pass replace=True to replace it.")
    family = ModelFamily(name=name, tasks=tasks, make=make, prep=prep, derived_params=frozenset(derived_params),
                         space=Path(space) if isinstance(space, str) else space, log_loss_fit=log_loss_fit)
    for task in tasks:  # fail now, not mid-search, on a bad space
        check_param_names(family, task, load_space(family, task), trust_family_space=False)
    _FAMILIES[name] = family
    return family


RESERVED = ("ensemble", DEFAULT)  # the blend's leaderboard rows; include='s name for the default families


def _check_registration(name: str, make: Any, prep: Any) -> None:
    """Arguments that would otherwise fail inside every trial, or make rows look like another's."""
    if not isinstance(name, str) or not name or "." in name or name in RESERVED:
        raise ConfigError(f"register_family({name!r}): a family name must be a non-empty str without '.' (trial"
                          f" parameters are named 'family.param') and not one of {list(RESERVED)}.")
    if not callable(make):
        raise ConfigError(f"register_family({name!r}): make={make!r} must be a function make(params, ctx) -> estimator.")
    if not isinstance(prep, PrepOptions):
        raise ConfigError(f"register_family({name!r}): prep={prep!r} must be an automl.PrepOptions, e.g."
                          " prep=automl.PrepOptions(scale=True).")


def unregister_family(name: str) -> None:
    """Remove a family added with register_family (built-in families stay)."""
    if name in BUILTIN:
        raise ConfigError(f"{name!r} is a built-in family; use include= to leave it out of a search.")
    if name not in _FAMILIES:
        raise ConfigError(f"No family {name!r} is registered.{did_you_mean(name, _FAMILIES)}")
    del _FAMILIES[name]
