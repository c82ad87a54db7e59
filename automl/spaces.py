"""Search spaces as data: one YAML file per family in ``automl/search_spaces/``.

Format (Optuna's own argument names)::

    family: random_forest
    params:                      # every task
      n_estimators: {type: int, low: 50, high: 500, log: true}
      max_features: {type: float, low: 0.1, high: 1.0}
    classification:              # binary and multiclass only
      class_weight: {type: categorical, choices: [null, balanced]}
    regression:                  # regression only; target_transform is handled by pipeline.build_model
      target_transform: {type: categorical, choices: [none, sqrt, log]}
    default: {n_estimators: 200, max_features: 0.5}   # evaluated first (the portfolio)
    task_defaults:               # optional: values that replace the default's for one task
      multiclass: {n_estimators: 100}
    portfolio:                   # optional: more points, evaluated after every family's default
                                 # (one that is this task's default again is left out)
      - {n_estimators: 100, max_features: 1.0}

YAML is read with ``yaml.safe_load``: no code in it is ever evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from automl.errors import SearchSpaceError, did_you_mean
from automl.task import REGRESSION, TASKS

_TOP_KEYS = {"family", "params", "classification", "regression", "default", "task_defaults", "portfolio",
             "description"}
_DIST_KEYS = {"float": {"type", "low", "high", "log", "step"}, "int": {"type", "low", "high", "log", "step"},
              "categorical": {"type", "choices"}}


@dataclass(frozen=True)
class Space:
    """A family's search space for one task: Optuna distributions, a default point and
    optional further portfolio points."""

    distributions: dict[str, Any]  # name -> optuna BaseDistribution
    default: dict[str, Any]
    portfolio: tuple = ()


def default_dir() -> Path:
    """The folder holding the built-in YAML spaces (inside the installed package)."""
    return Path(__file__).parent / "search_spaces"


def read_yaml(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise SearchSpaceError(f"Search-space file not found: '{path}'.")
    try:
        spec = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise SearchSpaceError(f"'{path}' is not valid YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise SearchSpaceError(f"'{path}' must hold a mapping (family: ..., params: ...); got {type(spec).__name__}.")
    return spec


def user_spaces(search_space: str | Path | dict, searched: dict) -> dict[str, dict]:
    """``fit(search_space=...)`` as {family name: its space}. A YAML path or a dict of that shape; also one
    family's space as the built-in files write it (``family: xgboost``, ``params: ...``), e.g. a copy of one."""
    user = search_space if isinstance(search_space, dict) else read_yaml(search_space)
    if isinstance(user.get("family"), str) and set(user) <= _TOP_KEYS:
        user = {user["family"]: user}
    unknown = [k for k in user if k not in searched]
    if unknown:
        raise SearchSpaceError(f"search_space names {unknown[0]!r}, which is not a family being searched."
                               f"{did_you_mean(unknown[0], searched)} Searched: {sorted(searched)}. It maps family"
                               " names to spaces: {xgboost: {params: ...}} (or is one family's file, with family: xgboost).")
    return user


def load_space(family, task: str, spec: dict | None = None) -> Space:
    """Build the Space of ``family`` for ``task`` from ``spec`` (default: the family's own YAML)."""
    where = family.name
    if spec is None:
        src = family.space if family.space is not None else default_dir() / f"{family.name}.yaml"
        spec = src if isinstance(src, dict) else read_yaml(src)
        where = str(src) if not isinstance(src, dict) else family.name
    _check_keys(spec, _TOP_KEYS, where, "top-level key")
    if spec.get("family", family.name) != family.name:
        raise SearchSpaceError(f"{where}: 'family: {spec['family']}' does not match the family {family.name!r}.")
    section = "regression" if task == REGRESSION else "classification"
    raw = {**(spec.get("params") or {}), **(spec.get(section) or {})}
    dists = {name: _distribution(name, d, where) for name, d in raw.items()}
    _check_target_transform(dists, spec, where)
    other = "classification" if section == "regression" else "regression"
    known = set(raw) | set(spec.get(other) or {})
    point, what = _default_for(spec, task, where)
    default = _point(point, dists, known, where, what)
    extra = spec.get("portfolio") or []
    if not isinstance(extra, list):
        raise SearchSpaceError(f"{where}: 'portfolio' must be a list of points (mappings of parameter: value).")
    points = [default]
    for p in extra:  # a point of the other task's section only may be the default again for this task
        point = _point(p, dists, known, where, "portfolio point")
        if point not in points:
            points.append(point)
    return Space(dists, default, tuple(points[1:]))


def _default_for(spec: dict, task: str, where: str) -> tuple[Any, str]:
    """The ``default`` point with ``task_defaults[task]``'s values over it (e.g. a faster multiclass point),
    and what to call it in an error."""
    default, by_task = spec.get("default") or {}, spec.get("task_defaults") or {}
    if not isinstance(by_task, dict) or any(k not in TASKS or not isinstance(v, dict) for k, v in by_task.items()):
        raise SearchSpaceError(f"{where}: 'task_defaults' must map some of {list(TASKS)} to mappings of "
                               f"parameter: value (each replaces those values of 'default' for that task).")
    if task not in by_task or not isinstance(default, dict):  # _point names a default that is no mapping
        return default, "default"
    return {**default, **by_task[task]}, f"{task} default"


def _check_target_transform(dists: dict, spec: dict, where: str) -> None:
    """``target_transform`` (preprocess/target.py) is a regression parameter with known choices."""
    from automl.preprocess.target import CHOICES, TARGET_TRANSFORM

    if TARGET_TRANSFORM in (spec.get("params") or {}) or TARGET_TRANSFORM in (spec.get("classification") or {}):
        raise SearchSpaceError(f"{where}: {TARGET_TRANSFORM!r} belongs in the 'regression:' section.")
    bad = [c for c in getattr(dists.get(TARGET_TRANSFORM), "choices", ()) if c not in CHOICES]
    if bad:
        raise SearchSpaceError(f"{where}: {TARGET_TRANSFORM} choices {bad} are unknown; use some of {list(CHOICES)}.")


def _point(point: Any, dists: dict, known: set, where: str, what: str) -> dict[str, Any]:
    """Check a fixed point of the space; keep the parameters of this task's section."""
    if not isinstance(point, dict):
        raise SearchSpaceError(f"{where}: a {what} must be a mapping of parameter: value; got {point!r}.")
    for key, value in point.items():
        if key not in known:
            raise SearchSpaceError(f"{where}: {what} key {key!r} is not a parameter of the space.{did_you_mean(key, known)}")
        if key in dists and not dists[key]._contains(dists[key].to_internal_repr(value)):
            raise SearchSpaceError(f"{where}: {what} {key}={value!r} is outside its range {dists[key]}.")
    return {k: v for k, v in point.items() if k in dists}


def _distribution(name: str, d: Any, where: str):
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if not isinstance(d, dict) or "type" not in d:
        raise SearchSpaceError(f"{where}: parameter {name!r} needs a mapping with 'type' (float, int or categorical).")
    kind = d["type"]
    if kind not in _DIST_KEYS:
        raise SearchSpaceError(f"{where}: parameter {name!r} has type {kind!r}.{did_you_mean(kind, _DIST_KEYS)} Use float, int or categorical.")
    _check_keys(d, _DIST_KEYS[kind], where, f"key of parameter {name!r}")
    args = {k: v for k, v in d.items() if k != "type"}
    try:
        if kind == "categorical":
            if not isinstance(args.get("choices"), list) or not args["choices"]:
                raise ValueError("'choices' must be a non-empty list")
            return CategoricalDistribution(args["choices"])
        if "low" not in args or "high" not in args:
            raise ValueError("'low' and 'high' are required")
        cls = FloatDistribution if kind == "float" else IntDistribution
        return cls(**args)
    except (TypeError, ValueError) as exc:
        raise SearchSpaceError(f"{where}: parameter {name!r} is invalid: {str(exc).rstrip('.')}.") from None


def _check_keys(mapping: dict, allowed: set[str], where: str, what: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise SearchSpaceError(f"{where}: unknown {what} {key!r}.{did_you_mean(key, allowed)} Allowed: {sorted(allowed)}.")


def check_param_names(family, task: str, space: Space, *, trust_family_space: bool = True) -> None:
    """Fail on a space that names a parameter the family's model does not take.

    XGBoost and LightGBM keep unknown keyword arguments and ignore them, so a misspelt name
    (``max_dept``) would search nothing, silently. Known: what the model built at the space's
    default point reports in ``get_params(deep=True)``, the names ``make`` translates
    (``derived_params``), those the pipeline takes (``prior_weight``, ``target_transform``) and,
    with ``trust_family_space`` (a user's space replacing a family's), the family's own space's
    (register_family checks that one itself). A model that cannot be built at the default is left
    to its trials to report.
    """
    from automl.families.base import FitContext
    from automl.pipeline import PIPELINE_PARAMS as special

    known = special | set(family.derived_params)
    if trust_family_space and (family.space is not None or (default_dir() / f"{family.name}.yaml").is_file()):
        known |= set(load_space(family, task).distributions)
    unknown = sorted(set(space.distributions) - known)
    if not unknown:
        return
    ctx = FitContext(task=task, n_rows=1000, n_classes=0 if task == REGRESSION else 3)
    try:
        # built without the names in question: a model that keeps unknown keyword arguments reports them back
        model = family.make({k: v for k, v in space.default.items() if k not in special and k not in unknown}, ctx)
        known |= {name.rsplit("__", 1)[-1] for name in model.get_params(deep=True)}
    except Exception:
        return
    unknown = [name for name in unknown if name not in known]
    if unknown:
        translated = "" if trust_family_space else " (one your make() translates goes in register_family(derived_params=...))"
        raise SearchSpaceError(f"{family.name}: parameter {unknown[0]!r} is not one that its model takes."
                               f"{did_you_mean(unknown[0], known)} See the model's get_params() for the names{translated}.")
