"""The only code that touches optuna.Trial: pick a family, then its namespaced parameters."""

from __future__ import annotations

from typing import Any

FAMILY_PARAM = "family"
MIN_RUNG_ROWS = 5_000  # smallest rung: a judgement, not measured (fewer rows rank models more noisily)


def suggest(trial, spaces: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Sample ``family`` (categorical) and then ``<family>.<param>`` for each of its parameters."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    family = trial.suggest_categorical(FAMILY_PARAM, list(spaces))
    params = {}
    for name, dist in spaces[family].distributions.items():
        key = f"{family}.{name}"
        if isinstance(dist, CategoricalDistribution):
            params[name] = trial.suggest_categorical(key, dist.choices)
        elif isinstance(dist, IntDistribution):
            params[name] = trial.suggest_int(key, dist.low, dist.high, step=dist.step, log=dist.log)
        elif isinstance(dist, FloatDistribution):
            params[name] = trial.suggest_float(key, dist.low, dist.high, step=dist.step, log=dist.log)
        else:  # pragma: no cover - spaces.py only builds the three kinds above
            raise TypeError(f"unsupported distribution {dist!r}")
    return family, params


def single_points(spaces: dict[str, Any]) -> int | None:
    """The number of points to search when every family's space is one point (each parameter fixed:
    one choice, or low == high), else None. The sampler would propose such a point again and again."""
    from optuna.distributions import CategoricalDistribution

    def fixed(dist) -> bool:
        return len(dist.choices) == 1 if isinstance(dist, CategoricalDistribution) else dist.low == dist.high

    return len(spaces) if all(fixed(d) for s in spaces.values() for d in s.distributions.values()) else None


def fixed_params(family: str, params: dict[str, Any]) -> dict[str, Any]:
    """The study's parameter dict for a given point (for ``study.enqueue_trial``)."""
    return {FAMILY_PARAM: family, **{f"{family}.{k}": v for k, v in params.items()}}


def make_sampler(seed: int):
    """TPE, with every argument that Optuna 5 changed set explicitly.

    multivariate=False: on this conditional space (a family, then its own parameters)
    Optuna 5's default multivariate TPE falls back to independent sampling anyway, and
    group=True did no better at 30 trials (benchmarks/sampler_choice.py: mean rank 2.31 vs
    2.25 over 4 datasets x 2 seeds) while costing ~3x the sampler time at 1,000 trials.
    constant_liar: trials still running count as bad results, so parallel workers are not
    handed the same point.
    """
    from optuna.samplers import TPESampler

    return TPESampler(seed=seed, n_startup_trials=10, multivariate=False, group=False, constant_liar=True)


def make_pruner():
    """Median pruning on the running mean of fold scores, after 5 completed trials."""
    from optuna.pruners import MedianPruner

    return MedianPruner(n_startup_trials=5, n_warmup_steps=0)


def halving_rungs(n_train_rows: int) -> tuple[float, ...]:
    """Row fractions of fold 0's training rows that each trial is scored on before its folds:
    successive halving with factor 3 (1/9, then 1/3 of the rows), keeping only the rungs with at
    least MIN_RUNG_ROWS rows, so none below 15,000 training rows. The pruner compares a trial
    with the completed ones at the same rung, so a poor one stops after a small, cheap fit."""
    return tuple(f for f in (1 / 9, 1 / 3) if f * n_train_rows >= MIN_RUNG_ROWS)
