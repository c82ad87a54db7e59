"""The Optuna study a run's trials are asked from and told to: which storage holds it, and how a
run resumes it.

By default the study is a journal file in the run folder (``study.journal``), so a run folder is
complete on its own. ``fit(storage=...)`` puts it in any Optuna storage instead (a URL such as
``"sqlite:///automl.db"`` or ``"postgresql://..."``, or a storage object), under a study name of
its own per run (``automl-<run folder>``), so many runs can share one database and its
dashboard. run.json records where the study is; ``resume`` opens it there again.
"""

from __future__ import annotations

from typing import Any

from automl.errors import ConfigError
from automl.evaluation.evaluate import FAILED
from automl.results.store import RunStore
from automl.search.sampling import fixed_params, make_pruner, make_sampler

STUDY_NAME = "automl"  # the study's name in the run folder's journal
JOURNAL = "journal"


def where_study_lives(storage: Any, store: RunStore) -> dict:
    """run.json's ``study`` entry for a new run: the study's name and its storage (a URL without its
    password, or the storage's type; ``"journal"`` for the run folder's own)."""
    if storage is None:
        return {"name": STUDY_NAME, "storage": JOURNAL}
    return {"name": f"automl-{store.run_dir.name}", "storage": _shown(storage)}


def open_study(run_info: dict, store: RunStore, storage: Any, direction: str, sampler, pruner, seed: int,
               resume: bool):
    """The run's study, created (a new run) or loaded (resume), with the sampler and pruner of this session."""
    import optuna

    study_at = run_info.get("study", {"name": STUDY_NAME, "storage": JOURNAL})  # run folders from before storage=
    where = _storage(study_at, store, storage)
    sampler, pruner = sampler or make_sampler(seed), pruner or make_pruner()
    try:
        if resume and study_at["storage"] != JOURNAL:  # never create an empty study in a storage given by mistake
            return optuna.load_study(study_name=study_at["name"], storage=where, sampler=sampler, pruner=pruner)
        return optuna.create_study(storage=where, study_name=study_at["name"], load_if_exists=True,
                                   direction=direction, sampler=sampler, pruner=pruner)
    except KeyError:
        raise ConfigError(f"storage= holds no study {study_at['name']!r}: this run's study is in"
                          f" {study_at['storage']!r}. Pass that storage to resume it.") from None
    except Exception as exc:  # a URL Optuna cannot open: a typo, a missing driver, a database that refuses
        raise ConfigError(f"storage={study_at['storage']!r} could not be opened ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0] if str(exc) else ''}). Pass an Optuna storage URL such as "
                          "'sqlite:///automl.db' or a storage object, or leave storage out to keep the study in the"
                          " run folder.") from exc


def _storage(study_at: dict, store: RunStore, storage: Any):
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    recorded = study_at["storage"]
    if recorded == JOURNAL:
        if storage is not None:
            raise ConfigError("This run's study is in its run folder (study.journal); leave storage= out to resume it.")
        return JournalStorage(JournalFileBackend(str(store.journal_path)))
    if storage is not None:
        return storage
    if isinstance(recorded, str) and "://" in recorded and "***" not in recorded:
        return recorded  # a URL without a password: open it again
    raise ConfigError(f"This run's study is in storage {recorded!r}; pass the same storage= to resume it.")


def _shown(storage: Any) -> str:
    """A storage as run.json records it: a URL with its password hidden, or its type's name."""
    if not isinstance(storage, str):
        return type(storage).__name__
    try:
        from sqlalchemy.engine import make_url

        return make_url(storage).render_as_string(hide_password=True)
    except Exception:  # not a SQLAlchemy URL: Optuna will say what is wrong with it
        return storage


def check_trials_match(study, records: list[dict], run_info: dict, store: RunStore) -> None:
    """Refuse a study that has fewer trials than the run folder records: new trials would reuse the
    numbers (and out-of-fold files) of recorded ones."""
    seen = {r["trial"] for r in records}
    if seen and len(study.trials) <= max(seen):
        storage = run_info.get("study", {}).get("storage", JOURNAL)
        where = f"study journal ({store.journal_path.name})" if storage == JOURNAL else f"study in {storage!r}"
        raise ConfigError(f"The run folder '{store.run_dir}' has {len(records)} trial records but its {where} has"
                          f" {len(study.trials)} trials: it is missing or damaged, so the run cannot be resumed."
                          " Start a new run.")


def fail_orphans(study, records: list[dict], store: RunStore) -> None:
    """Trials left RUNNING by a process that died are failed, and recorded when they were not."""
    from optuna.trial import TrialState

    seen = {r["trial"] for r in records}
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        study.tell(t.number, state=TrialState.FAIL)
        if t.number not in seen:
            records.append(_orphan_record(t))
            store.append_trial(records[-1])


def enqueue_portfolio(study, spaces: dict) -> None:
    """A new study's first trials: each family's default, then their extra portfolio points."""
    points = [(n, s.default) for n, s in spaces.items()] + [(n, p) for n, s in spaces.items() for p in s.portfolio]
    for name, point in points:
        study.enqueue_trial(fixed_params(name, point), skip_if_exists=True)


def _orphan_record(t) -> dict:
    family = t.params.get("family", "?")
    params = {k.split(".", 1)[1]: v for k, v in t.params.items() if "." in k}
    start = t.datetime_start.isoformat() if t.datetime_start else ""
    return {"trial": t.number, "family": family, "params": params, "status": FAILED, "score": None,
            "score_std": None, "fold_scores": [], "error": "Orphaned: the process running this trial died",
            "fit_time_s": 0.0, "predict_time_s": 0.0, "started_at": start, "finished_at": "", "worker": ""}
