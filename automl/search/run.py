"""One search, stage by stage: data -> task -> profile -> folds -> study -> trials -> refit -> saved result."""

from __future__ import annotations

import logging
import platform
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from automl.config import SearchConfig
from automl.data.checks import data_fingerprint, split_target
from automl.data.intake import read_table
from automl.data.profile import DataProfile, profile_columns
from automl.errors import AutoMLError, ConfigError, EmptyDataError, SearchError, TargetError, did_you_mean, plain
from automl.evaluation.clustering import clusters_the_rows_allow, scoring_sample
from automl.evaluation.evaluate import PRUNED, EvalData
from automl.evaluation.metrics import Metric, get_metric
from automl.evaluation.splits import fold_indices, folds_for_classes, make_folds, n_folds, resolve_cv
from automl.families.registry import families_for
from automl.preprocess.clean import clean_training_table
from automl.preprocess.target import target_scale
from automl.result import SearchResult, versions
from automl.results.store import RunStore, jsonable
from automl.search.budget import WORKER_RESTART_S, Budget
from automl.search.driver import SearchDriver
from automl.search.ensembling import ENSEMBLE_TRIAL, build_ensemble, describe
from automl.search.final_fit import BAG, REFIT, FinalFit, choose_mode
from automl.search.sampling import halving_rungs, single_points
from automl.search.sample_fit import SAMPLE, fit_on_a_sample
from automl.search.study import check_trials_match, enqueue_portfolio, fail_orphans, open_study, where_study_lives
from automl.spaces import check_param_names, load_space, user_spaces
from automl.task import BINARY, CLUSTERING, REGRESSION, infer_task

logger = logging.getLogger("automl")
LATE_REFIT_FACTOR = 3.0  # a last refit past the budget may take this many times its estimate


@dataclass
class Prepared:
    X: pd.DataFrame
    y: pd.Series | None  # None: clustering
    task: str
    metric: Metric
    profile: DataProfile
    classes: np.ndarray | None
    y_fit: np.ndarray | None  # class codes or float targets
    fold_id: np.ndarray  # all -1 for clustering: no folds, every trial fits every row
    store: RunStore
    run_info: dict


def run_search(data: Any, target: Any, cfg: SearchConfig, *, t0: float, backend=None, con=None) -> SearchResult:
    budget = Budget(cfg.time_budget, cfg.n_trials, cfg.trial_timeout, t0=t0)
    backend = backend or _default_backend(cfg)
    backend.warm_up(cfg.n_jobs)  # workers get ready while the data is read and profiled
    X, y = split_target(read_table(data, con=con), target)
    fingerprint = data_fingerprint(X, y)
    prep = _resume(X, y, target, cfg, fingerprint) if cfg.resume else _new_run(X, y, target, cfg, fingerprint)
    try:
        families = {f.name: f for f in families_for(prep.task, prep.run_info["include"])}
        spaces = _spaces(families, prep.task, cfg.search_space, len(prep.X))
    except AutoMLError:  # a bad search space: a new run's folder would hold nothing but run.json
        if not cfg.resume:
            prep.store.remove()
        raise
    if (points := single_points(spaces)) is not None and (budget.n_trials is None or budget.n_trials > points):
        logger.info("The search space holds %d point(s) (every parameter fixed): %d trial(s).", points, points)
        budget.n_trials = points
    Xc = clean_training_table(prep.profile, prep.X)
    eval_data = EvalData(Xc, prep.y_fit, prep.fold_id, prep.task, len(prep.classes) if prep.classes is not None else 0,
                         prep.profile, prep.metric, y_raw=prep.y,
                         scoring=scoring_sample(Xc, prep.profile, cfg.seed) if prep.task == CLUSTERING else None,
                         target_scale=target_scale(prep.y_fit) if prep.task == REGRESSION else 1.0)
    threads = cfg.threads  # reads the cgroup's quota: once, so the worker and the driver agree
    try:
        backend.start(eval_data, threads)
        study, records = _open_study(prep, cfg, spaces)
        driver = SearchDriver(study=study, spaces=spaces, families=families, metric=prep.metric, budget=budget,
                              store=prep.store, records=records, n_rows=len(prep.X),
                              n_train_rows=len(fold_indices(prep.fold_id, 0)[0]), n_folds=n_folds(prep.fold_id),
                              seed=cfg.seed, n_jobs=threads, rungs=_rungs(prep, cfg), on_trial=cfg.on_trial,
                              stop=cfg.stop)
        try:
            backend.run(driver)
        finally:
            driver.flush()
        budget.search_s = budget.elapsed()
        final, pipeline, record = _fit_best(backend, driver, budget, cfg.final_fit, prep)
        ensemble, model = None, None
        # cluster numbers of different models do not average; a model fit on a sample has no out-of-fold predictions
        if cfg.ensemble and prep.task != CLUSTERING and final.mode != SAMPLE:
            ensemble, model = _ensemble_or_none(final, driver, budget, prep, pipeline, record)
    finally:
        backend.close()
    if ensemble is not None:
        driver.extra_rows.append(ensemble)
    if model is not None:
        pipeline, record = model, ensemble
    return _finish(prep, driver, pipeline, record, budget, target, final)


def _default_backend(cfg: SearchConfig):
    from automl.search.backend import LocalBackend

    if cfg.workers is None and cfg.ray_address is None:
        return LocalBackend()
    from automl.search.cores import usable_cores
    from automl.search.ray_backend import RayBackend

    return RayBackend(workers=cfg.workers or usable_cores(), address=cfg.ray_address)


# -- stages -------------------------------------------------------------------------------------
def _new_run(X, y, target, cfg: SearchConfig, fingerprint: str) -> Prepared:
    info = infer_task(y, cfg.task)
    logger.info("Task: %s (%s).", info.kind, info.reason)
    metric = get_metric(cfg.metric, info.kind)
    families_for(info.kind, cfg.include)  # fail on bad names before creating a run folder
    profile = _profile(X, cfg.keep_columns)
    classes, y_fit = _encode_target(y, info.kind)
    if metric.name == "f1" and info.kind == BINARY:
        _say_which_class_f1_scores(classes, y_fit, target)
    cv, fold_id = _folds(y_fit, classes, info.kind, cfg, len(X), target)
    store = RunStore.create(cfg.output_dir)
    store.save_folds(fold_id)
    run_info = {
        "target": target if target is None or isinstance(target, (str, int, float)) else str(target), "task": info.kind,
        "task_reason": info.reason, "metric": metric.name, "greater_is_better": metric.greater_is_better,
        "include": cfg.include, "keep_columns": cfg.keep_columns, "cv": cv, "seed": cfg.seed, "data_fingerprint": fingerprint,
        "rungs": _initial_rungs(fold_id, cfg.pruner) if info.kind != CLUSTERING else [],
        "n_rows": len(X), "classes": None if classes is None else [jsonable(c) for c in classes],
        "schema": profile.to_json(), "limits": cfg.limits(), "versions": {**versions(), "python": platform.python_version()},
        "search_space": cfg.search_space if isinstance(cfg.search_space, (dict, type(None))) else str(cfg.search_space),
        "sampler": _class_name(cfg.sampler), "pruner": _class_name(cfg.pruner),  # None: automl's own
    }
    run_info["study"] = where_study_lives(cfg.storage, store)
    store.write_json("run.json", run_info)
    logger.info("Run folder: %s", store.run_dir)
    return Prepared(X, y, info.kind, metric, profile, classes, y_fit, fold_id, store, run_info)


def _resume(X, y, target, cfg: SearchConfig, fingerprint: str) -> Prepared:
    store = RunStore.open(cfg.resume)
    info = store.read_json("run.json")
    if info["data_fingerprint"] != fingerprint:
        raise ConfigError(f"resume={str(cfg.resume)!r} was run on other data; pass the same table and target to continue it.")
    for name, value in (("task", cfg.task), ("metric", cfg.metric)):
        if value is not None and value != info[name]:
            raise ConfigError(f"{name}={value!r} differs from the resumed run's {info[name]!r}; leave it out when resuming.")
    if cfg.include is not None and list(cfg.include) != list(info["include"] or []):
        raise ConfigError(f"include= cannot change when resuming (the run searched {info['include'] or 'all families'}).")
    if cfg.cv != "auto" and resolve_cv(cfg.cv, len(X)) != info["cv"]:
        raise ConfigError(f"cv={cfg.cv!r} differs from the resumed run's folds (cv={info['cv']!r}): its trials were"
                          " scored on them. Leave cv out when resuming.")
    if cfg.seed not in (0, info["seed"]):  # 0 is the default: it cannot say the user asked for it
        raise ConfigError(f"seed={cfg.seed!r} differs from the resumed run's seed {info['seed']!r}; leave it out when resuming.")
    metric = get_metric(info["metric"], info["task"])
    classes, y_fit = _encode_target(y, info["task"])
    logger.info("Resuming run %s", store.run_dir)
    keep = info.get("keep_columns")
    if cfg.keep_columns is not None and list(cfg.keep_columns) != list(keep or []):
        raise ConfigError(f"keep_columns= cannot change when resuming (the run kept {keep or 'none'}).")
    _say_if_the_optuna_objects_differ(info, cfg)
    return Prepared(X, y, info["task"], metric, _profile(X, keep), classes, y_fit, store.load_folds(), store, info)


def _class_name(obj) -> str | None:
    return None if obj is None else type(obj).__name__


def _say_if_the_optuna_objects_differ(info: dict, cfg: SearchConfig) -> None:
    """Optuna keeps no sampler or pruner with a study: each session passes its own. A run searched with
    a sampler of the user's and resumed without one would go on with automl's TPE, unannounced."""
    for name, given in (("sampler", cfg.sampler), ("pruner", cfg.pruner)):
        recorded = info.get(name)
        if recorded is not None and given is None:
            logger.warning("This run was searched with %s=%s; Optuna does not store it with the study, so this"
                           " session uses automl's default %s. Pass %s=%s(...) again to go on with it.", name,
                           recorded, name, name, recorded)
        elif recorded != _class_name(given):
            logger.info("This session's %s is %s (the run's earlier sessions: %s).", name, _class_name(given),
                        recorded or "automl's default")


def _folds(y_fit: np.ndarray | None, classes: np.ndarray | None, task: str, cfg: SearchConfig, n_rows: int,
           target) -> tuple[int | float | None, np.ndarray]:
    """``cv`` resolved, and each row's validation fold. Clustering has no folds (no target to
    validate against): every row's fold is -1 and each trial fits them all."""
    if task == CLUSTERING:
        if cfg.cv != "auto":
            raise ConfigError(f"cv={cfg.cv!r} does not apply to clustering: each trial fits every row and is scored"
                              " on how well its clusters separate them. Leave cv out.")
        return None, np.full(n_rows, -1, dtype=np.int16)
    cv = resolve_cv(cfg.cv, n_rows)
    if classes is not None:
        cv = folds_for_classes(cv, classes, y_fit, task == BINARY, cfg.cv != "auto", target)
    return cv, make_folds(y_fit, task != REGRESSION, cv, cfg.seed)


def _say_which_class_f1_scores(classes: np.ndarray, y_fit: np.ndarray, target) -> None:
    """Binary F1 scores the second class in sorted order; that is rarely meant when it is the common one."""
    positive, share = plain(classes[1]), float(np.mean(y_fit == 1))
    if share > 0.5:
        logger.warning("metric='f1' scores class %r of %r (the second in sorted order), which is %.0f%% of the rows."
                       " To score the rarer class %r, recode the target so it sorts second, e.g. df[%r] == %r.",
                       positive, target, 100 * share, plain(classes[0]), target, plain(classes[0]))
    else:
        logger.info("metric='f1' scores class %r of %r (the second in sorted order).", positive, target)


def _profile(X: pd.DataFrame, keep: list | None) -> DataProfile:
    unknown = [c for c in keep or [] if c not in X.columns]
    if unknown:
        raise ConfigError(f"keep_columns: {unknown[0]!r} is not a column of the table.{did_you_mean(unknown[0], X.columns)}")
    profile = profile_columns(X, keep or ())
    if not profile.used:
        reasons = "; ".join(f"{c!r}: {r}" for c, r in list(profile.dropped.items())[:5])
        raise EmptyDataError(f"No usable feature column is left after dropping uninformative ones ({reasons}).")
    return profile


def _encode_target(y: pd.Series | None, task: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    if task == CLUSTERING:
        return None, None
    if task == REGRESSION:
        try:
            return None, y.to_numpy(dtype="float64")
        except (TypeError, ValueError):
            raise TargetError(f"task='regression' needs a numeric target; {y.name!r} has values like {y.iloc[0]!r}.") from None
    values = y.to_numpy()  # the labels the exported pipelines are fit on (refit.py): classes keep their dtype
    try:
        classes, codes = np.unique(values, return_inverse=True)
    except TypeError:  # mixed types cannot be sorted, so no model could order its classes
        kinds = sorted({type(v).__name__ for v in values})
        raise TargetError(f"Target column {y.name!r} mixes value types ({', '.join(kinds)}); make it one type, "
                          f"e.g. df[{y.name!r}] = df[{y.name!r}].astype(str).") from None
    if len(classes) < 2:
        raise TargetError(f"Target column {y.name!r} has a single class ({plain(classes[0])!r}); a classifier needs two or more.")
    return classes, codes


def _spaces(families: dict, task: str, search_space, n_rows: int) -> dict:
    """Each family's space: the user's where given (its names checked against the model's), else the
    built-in one; for clustering, no more clusters than the rows can hold."""
    user = user_spaces(search_space, families) if search_space is not None else {}
    spaces = {name: load_space(f, task, user.get(name)) for name, f in families.items()}
    for name in user:
        check_param_names(families[name], task, spaces[name])
    if task == CLUSTERING:
        spaces = {name: clusters_the_rows_allow(space, n_rows, name) for name, space in spaces.items()}
    return spaces


def _open_study(prep: Prepared, cfg: SearchConfig, spaces: dict):
    """The run's Optuna study (search/study.py) and its trial records so far."""
    records = prep.store.read_trials()
    seed = cfg.seed + len(records)  # a resumed run must not replay the same random draws
    try:
        study = open_study(prep.run_info, prep.store, cfg.storage, prep.metric.direction, cfg.sampler, cfg.pruner,
                           seed, resume=bool(cfg.resume))
    except ConfigError:  # a storage that cannot be opened: a new run's folder would hold nothing but run.json
        if not cfg.resume:
            prep.store.remove()
        raise
    check_trials_match(study, records, prep.run_info, prep.store)
    fail_orphans(study, records, prep.store)
    if not records and not study.trials:
        enqueue_portfolio(study, spaces)
    return study, records


def _prunes(pruner) -> bool:
    """False for a NopPruner (the user turned pruning off): row-fraction rungs would only cost time."""
    from optuna.pruners import NopPruner

    return not isinstance(pruner, NopPruner)


def _initial_rungs(fold_id: np.ndarray, pruner) -> list[float]:
    """The row fractions each trial is first fit on (none when pruning is off), fixed when a run starts."""
    return list(halving_rungs(len(fold_indices(fold_id, 0)[0]))) if _prunes(pruner) else []


def _rungs(prep: Prepared, cfg: SearchConfig) -> tuple[float, ...]:
    """The rungs of run.json: a run resumed with another pruner still reports the same step numbers
    (rungs, then folds) as its earlier trials. Run folders from before run.json had them: as if new."""
    return tuple(prep.run_info.get("rungs", _initial_rungs(prep.fold_id, cfg.pruner)))


def _fit_best(backend, driver: SearchDriver, budget: Budget, requested: str, prep: Prepared):
    """Fit the best trial for export (bagged or refit, see final_fit.py); when it cannot finish
    in time, the best one that can. Returns the FinalFit used, the model and its record."""
    candidates = driver.best_records()
    if not candidates and (error := driver.failing_alike()):
        raise SearchError(f"The first {len(driver.records)} trials all failed with the same error, so the search"
                          f" stopped early: {error}. Fix it, then resume from '{driver.store.run_dir}'.")
    mode = choose_mode(requested, driver.n_folds)
    final = FinalFit(mode, backend, driver, budget.hard_end, prep.task, prep.classes)
    if not candidates or driver.n_folds == 1:  # a table too large for the budget (search/sample_fit.py)
        best = candidates[0] if candidates else None
        sampled = fit_on_a_sample(backend, driver, budget.hard_end, len(prep.X), beat=best,
                                  keep_s=final.cost(best) if best else 0.0)
        if sampled is not None:
            return replace(final, mode=SAMPLE), *sampled
    if not candidates:
        raise SearchError(_nothing_to_export(driver, budget))
    errors = []
    for record in _fit_order(candidates[:5], final, budget.hard_end - time.monotonic()):
        out = final.fit(record)
        if isinstance(out, str) and final.mode == BAG:
            logger.warning("Bagging trial %d failed (%s); refitting on all rows instead.", record["trial"], out)
            final.mode = REFIT  # the ensemble's members too
            out = final.fit(record)
        if not isinstance(out, str):
            return final, out, record
        errors.append(f"trial {record['trial']}: {out}")
        logger.warning("Refit of trial %d failed: %s", record["trial"], out)
    if all("TimeoutError" in e for e in errors):  # slower than estimated (a busy machine): late beats nothing
        record = min(candidates[:5], key=final.cost)
        out = _late_refit(final, record)
        if not isinstance(out, str):
            return final, out, record
        errors.append(f"trial {record['trial']}, past the budget: {out}")
    raise SearchError("Could not refit any of the best trials on all rows: " + "; ".join(errors))


def _nothing_to_export(driver: SearchDriver, budget: Budget) -> str:
    """Why no trial completed, and what to do about it."""
    run_dir = driver.store.run_dir
    if driver.stopping():
        return f"The search was stopped before any trial completed, so there is no model to export. Resume it from '{run_dir}'."
    if not driver.records:
        return (f"No trial could start within time_budget={budget.time_budget:g} s (reading the data and keeping back"
                f" the final fit's time used it up); raise time_budget.")
    if all(r["status"] == PRUNED for r in driver.records):
        return (f"Every trial ({len(driver.records)}) was pruned before its last fold, so none has a score to export."
                " The pruner stops too many: pass a gentler one (pruner=optuna.pruners.NopPruner() turns it off), then"
                f" resume from '{run_dir}'.")
    return (f"No trial completed, so there is no model to export. The leaderboard in '{run_dir}' shows each trial's"
            " error; raise time_budget/trial_timeout or fix the errors, then resume.")


def _ensemble_or_none(final: FinalFit, driver: SearchDriver, budget: Budget, prep: Prepared, pipeline, record: dict):
    """``build_ensemble``, but a failure there costs only the blend: the best trial's model is fitted already."""
    try:
        return build_ensemble(final, driver, budget, prep.y_fit, prep.fold_id, pipeline, record)
    except Exception as e:  # noqa: BLE001 - the search's result must not be lost to the optional stage
        logger.warning("No ensemble: the ensemble stage failed (%s: %s); the best trial's model is exported.",
                       type(e).__name__, e)
        return None, None


def _late_refit(final: FinalFit, record: dict):
    """Refit ``record``'s trial past the budget: every refit ran out of time, and returning late
    loses less than raising (the search's trials would need a resume to be used)."""
    final.mode = REFIT
    final.deadline = time.monotonic() + LATE_REFIT_FACTOR * final.cost(record) + WORKER_RESTART_S
    logger.warning("The refits ran out of time (slower than their trials suggested: is the machine busy?);"
                   " refitting trial %d past the time budget rather than lose the search.", record["trial"])
    return final.fit(record)


def _fit_order(candidates: list[dict], final: FinalFit, left: float) -> list[dict]:
    """Best first among those whose fit should take less than ``left`` seconds; else the quickest one."""
    fitting = [r for r in candidates if final.cost(r) <= left]
    return fitting or [min(candidates, key=final.cost)]


def _finish(prep: Prepared, driver: SearchDriver, pipeline, record: dict, budget: Budget, target,
            final: FinalFit) -> SearchResult:
    final_fit = final.mode
    board = driver.leaderboard()
    board["exported"] = board["trial"] == record["trial"]  # not always the top row: see search/ensembling.py
    prep.store.write_leaderboard(board)
    best_params = describe(record) if record["trial"] == ENSEMBLE_TRIAL else {"family": record["family"], **record["params"]}
    result = SearchResult(pipeline=pipeline, leaderboard=board, best_params=best_params,
                          best_trial=record["trial"], best_score=record["score"], task=prep.task, metric=prep.metric.name,
                          greater_is_better=prep.metric.greater_is_better, run_dir=prep.store.run_dir, target=target,
                          feature_names=list(prep.X.columns), final_fit=final_fit)
    result.save(prep.store.run_dir / "model")
    counts = board["status"].value_counts().to_dict()
    info = prep.store.read_json("run.json")
    info.setdefault("sessions", []).append({"elapsed_s": round(budget.elapsed(), 2), "trials_started": budget.started,
                                            "limits": {"time_budget": budget.time_budget, "n_trials": budget.n_trials},
                                            "search_s": round(budget.search_s, 2), "final_fits": final.timings})
    info.update({"trial_counts": counts, "best_trial": record["trial"], "best_family": record["family"],
                 "final_fit": final_fit,
                 "best_score": record["score"], "pruning": driver.pruning_summary()})
    prep.store.write_json("run.json", info)
    logger.info("Best: trial %d %s %s=%.5g (%s); saved to %s", record["trial"], record["family"], prep.metric.name,
                record["score"], final_fit, prep.store.run_dir / "model")
    return result
