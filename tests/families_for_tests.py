"""Model families that misbehave on purpose, importable by the worker process."""

from __future__ import annotations

import time

from sklearn.base import BaseEstimator, ClassifierMixin


class AlwaysRaises(ClassifierMixin, BaseEstimator):
    def __init__(self, level: int = 0):
        self.level = level

    def fit(self, X, y):
        raise RuntimeError("this family always fails (on purpose)")


class Sleeper(ClassifierMixin, BaseEstimator):
    def __init__(self, seconds: float = 600.0):
        self.seconds = seconds

    def fit(self, X, y):
        time.sleep(self.seconds)
        return self


def make_raising(params, ctx):
    return AlwaysRaises(**params)


def make_sleeper(params, ctx):
    return Sleeper(**params)


RAISING_SPACE = {"params": {"level": {"type": "int", "low": 0, "high": 3}}, "default": {"level": 0}}
SLEEPER_SPACE = {"params": {"seconds": {"type": "float", "low": 500.0, "high": 600.0}}, "default": {"seconds": 600.0}}


class PidSleeper(ClassifierMixin, BaseEstimator):
    """Writes its process id to ``pid_file`` and sleeps, the first time only (a trial to SIGKILL)."""

    def __init__(self, pid_file: str = "", seconds: float = 60.0):
        self.pid_file = pid_file
        self.seconds = seconds

    def fit(self, X, y):
        import os

        import numpy as np

        if not os.path.exists(self.pid_file):
            with open(self.pid_file, "w") as fh:
                fh.write(str(os.getpid()))
            time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        import numpy as np

        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def make_pid_sleeper(params, ctx):
    return PidSleeper(**params)


def make_refit_pid_sleeper(params, ctx):
    """A PidSleeper only when fitting on all ``rows`` (the final refit); instant in the CV folds."""
    own = {k: v for k, v in params.items() if k != "rows"}
    return PidSleeper(**own) if ctx.n_rows == params["rows"] else PidSleeper(own["pid_file"] + ".cv", 0.0)


class Coin(ClassifierMixin, BaseEstimator):
    """A depth-3 tree when ``good`` else a constant (AUC 0.5); each fit takes ``seconds`` (to be pruned)."""

    def __init__(self, good: int = 1, seconds: float = 0.3):
        self.good, self.seconds = good, seconds

    def fit(self, X, y):
        import numpy as np
        from sklearn.tree import DecisionTreeClassifier

        time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        self.tree_ = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y) if self.good else None
        return self

    def predict_proba(self, X):
        import numpy as np

        if self.tree_ is None:
            return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))
        return self.tree_.predict_proba(X)


def make_coin(params, ctx):
    return Coin(**params)


COIN_SPACE = {"params": {"good": {"type": "categorical", "choices": [0, 1]},
                         "seconds": {"type": "float", "low": 0.3, "high": 0.31}}}


class SlowAfterSearch(ClassifierMixin, BaseEstimator):
    """A constant classifier whose fit sleeps ``seconds`` once ``flag_file`` exists, on fewer
    than ``rows`` rows: fast in the search, slow in a bag's fold models, fast in a refit."""

    def __init__(self, flag_file: str = "", seconds: float = 60.0, rows: int = 0):
        self.flag_file, self.seconds, self.rows = flag_file, seconds, rows

    def fit(self, X, y):
        import os

        import numpy as np

        if os.path.exists(self.flag_file) and len(X) < self.rows:
            time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        import numpy as np

        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def make_slow_after_search(params, ctx):
    return SlowAfterSearch(**params)


class SlowOnce(ClassifierMixin, BaseEstimator):
    """A constant classifier whose first fit on ``rows`` rows or more, once ``flag_file`` exists,
    removes the flag and sleeps ``seconds``: the first refit after the search is far slower than
    the trial suggested (a busy machine); a second one is fast."""

    def __init__(self, flag_file: str = "", seconds: float = 60.0, rows: int = 0):
        self.flag_file, self.seconds, self.rows = flag_file, seconds, rows

    def fit(self, X, y):
        import os

        import numpy as np

        if len(X) >= self.rows and os.path.exists(self.flag_file):
            os.remove(self.flag_file)
            time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        return self

    predict_proba = SlowAfterSearch.predict_proba


def make_slow_once(params, ctx):
    return SlowOnce(**params)


class WhereAmI(ClassifierMixin, BaseEstimator):
    """Fails with what a trial sees in its error: the worker's parent process, working directory and
    $AUTOML_TEST_MARK."""

    def __init__(self, level: int = 0):
        self.level = level

    def fit(self, X, y):
        import os

        raise RuntimeError(f"ppid={os.getppid()} cwd={os.getcwd()} mark={os.environ.get('AUTOML_TEST_MARK')}")


def make_where_am_i(params, ctx):
    return WhereAmI(**params)


class ThreadProbe(ClassifierMixin, BaseEstimator):
    """A constant classifier whose fit appends the thread count of the worker's OpenMP runtimes
    (what HistGradientBoosting would use) and ``n_jobs`` to ``log_file``, then sleeps ``seconds``."""

    def __init__(self, log_file: str = "", seconds: float = 0.2, n_jobs: int = 1):
        self.log_file, self.seconds, self.n_jobs = log_file, seconds, n_jobs

    def fit(self, X, y):
        import numpy as np
        from threadpoolctl import threadpool_info

        omp = min(i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp")
        with open(self.log_file, "a") as fh:
            fh.write(f"{omp} {self.n_jobs}\n")
        time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        return self

    predict_proba = SlowAfterSearch.predict_proba


def make_thread_probe(params, ctx):
    return ThreadProbe(**params, n_jobs=ctx.n_jobs)


class SlowOnManyRows(ClassifierMixin, BaseEstimator):
    """A depth-``max_depth`` tree, but a fit on more than ``fast_rows`` rows first sleeps ``seconds``:
    a family for which the table is too large to fit on all rows within the budget."""

    def __init__(self, max_depth: int = 4, fast_rows: int = 8_000, seconds: float = 600.0):
        self.max_depth, self.fast_rows, self.seconds = max_depth, fast_rows, seconds

    def fit(self, X, y):
        from sklearn.tree import DecisionTreeClassifier

        if len(X) > self.fast_rows:
            time.sleep(self.seconds)
        self.tree_ = DecisionTreeClassifier(max_depth=self.max_depth, random_state=0).fit(X, y)
        self.classes_ = self.tree_.classes_
        return self

    def predict_proba(self, X):
        return self.tree_.predict_proba(X)


def make_slow_on_many_rows(params, ctx):
    return SlowOnManyRows(**params)


SLOW_ON_MANY_ROWS_SPACE = {"params": {"max_depth": {"type": "int", "low": 2, "high": 8}}, "default": {"max_depth": 4}}
