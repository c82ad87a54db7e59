"""automl's user-facing exceptions.

Every error meant for the user is one of these. Each also subclasses the builtin
that fits, so ``except ValueError`` (or ``KeyError`` ...) keeps working::

    AutoMLError
      ConfigError (ValueError)            a bad argument to fit()/load(): budget, metric, cv, family name ...
      DataError (ValueError)              the table cannot be read (a failed SQL query) or learned from as given
        EmptyDataError                    no rows, or no usable feature columns
        TargetError                       target all missing, a single class, wrong kind for task=
        TargetNotFoundError (KeyError)    the target column is not in the table
        ColumnsMissingError (KeyError)    predict() got a table without columns seen at fit time
        NotATableError (TypeError)        fit() got something that is not a table
        DataFileNotFoundError (FileNotFoundError)
      SearchSpaceError (ValueError)       a search-space YAML is invalid (unknown key, low > high ...)
      SearchError (RuntimeError)          the search finished without any usable model
      BackendError (RuntimeError)         a search backend could not start or lost its workers

Messages name the argument or column and say what to do (with a did-you-mean for names).

    DataWarning (UserWarning)             predict() got values it reads as missing (text in a numeric column ...)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class AutoMLError(Exception):
    """Base class of every error automl raises on purpose."""

    def __str__(self) -> str:  # KeyError would repr() the message; keep it readable.
        return str(self.args[0]) if self.args else ""


class ConfigError(AutoMLError, ValueError):
    """An argument to fit(), load() or register_family() is invalid."""


class RunFolderError(ConfigError):
    """A run folder or saved model cannot be read: damaged, or written by another automl version."""


class DataError(AutoMLError, ValueError):
    """The table cannot be learned from as given."""


class EmptyDataError(DataError):
    """No rows, or no usable feature columns."""


class TargetError(DataError):
    """The target column is unusable (all missing, one class, wrong kind for the task)."""


class TargetNotFoundError(DataError, KeyError):
    """The target column is not in the table."""


class ColumnsMissingError(DataError, KeyError):
    """predict() got a table without columns seen at fit time."""


class NotATableError(DataError, TypeError):
    """fit() got something that is not a table or a path to one."""


class DataFileNotFoundError(DataError, FileNotFoundError):
    """The data path does not exist."""


class SearchSpaceError(AutoMLError, ValueError):
    """A search-space YAML is invalid."""


class SearchError(AutoMLError, RuntimeError):
    """The search finished without any usable model."""


class BackendError(AutoMLError, RuntimeError):
    """A search backend could not start or lost its workers."""


class DataWarning(UserWarning):
    """Rows were usable, but some of their values were not: they are read as missing."""


def plain(value: object) -> object:
    """``value`` as a message should show it: a numpy scalar as its Python value (9, not np.int64(9))."""
    return value.item() if hasattr(value, "item") and type(value).__module__ == "numpy" else value


def did_you_mean(name: object, choices: Iterable[object]) -> str:
    """Return " Did you mean 'x'?" for the closest choice, or "" when nothing is close."""
    by_text = {str(c): c for c in choices}
    close = difflib.get_close_matches(str(name), list(by_text), n=1, cutoff=0.6)
    if not close:
        lowered = {k.strip().lower(): k for k in by_text}
        hit = lowered.get(str(name).strip().lower())
        close = [hit] if hit is not None else []
    return f" Did you mean {by_text[close[0]]!r}?" if close else ""
