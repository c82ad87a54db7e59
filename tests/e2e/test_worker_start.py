"""How trial workers start: forked by one warm zygote per search process (Linux), else fresh interpreters.

Either way a worker must see what a fresh process would: the caller's working directory and
environment as they are at this fit, not as they were when the zygote started."""

from __future__ import annotations

import os
import re
import signal

import pytest

import automl
from automl.search import launch
from tests.families_for_tests import RAISING_SPACE, make_where_am_i

pytestmark = pytest.mark.slow
zygote_only = pytest.mark.skipif(not launch._zygote_supported(), reason="the zygote is Linux-only (fork + pidfd)")


@pytest.fixture
def where_am_i():
    automl.register_family("where_am_i", make_where_am_i, RAISING_SPACE, tasks=["binary", "multiclass"])
    yield
    automl.unregister_family("where_am_i")


def seen_by_trial(df, out_dir) -> dict:
    """What the where_am_i trial saw in its worker: {"ppid": ..., "cwd": ..., "mark": ...}."""
    res = automl.fit(df, "target", n_trials=2, include=["where_am_i", "linear"], output_dir=out_dir, ensemble=False)
    board = res.leaderboard
    error = board.loc[board["family"] == "where_am_i", "error"].iloc[0]
    assert res.best_params["family"] == "linear"
    return dict(re.findall(r"(ppid|cwd|mark)=(\S+)", error))


@zygote_only
def test_workers_of_several_fits_are_forked_by_one_zygote(breast_cancer, tmp_path, where_am_i):
    first = seen_by_trial(breast_cancer, tmp_path / "a")
    zygote = launch._ZYGOTE
    second = seen_by_trial(breast_cancer, tmp_path / "b")
    assert zygote is launch._ZYGOTE and zygote.proc.poll() is None
    assert int(first["ppid"]) == int(second["ppid"]) == zygote.proc.pid != os.getpid()


@zygote_only
def test_forked_worker_sees_the_callers_cwd_and_environment_of_this_fit(breast_cancer, tmp_path, monkeypatch,
                                                                        where_am_i):
    seen_by_trial(breast_cancer, tmp_path / "a")  # the zygote is running from here on
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("AUTOML_TEST_MARK", "set-after-the-zygote-started")
    seen = seen_by_trial(breast_cancer, tmp_path / "b")
    assert seen["cwd"] == str(elsewhere)
    assert seen["mark"] == "set-after-the-zygote-started"


@zygote_only
def test_a_killed_zygote_is_replaced_and_the_search_goes_on(breast_cancer, tmp_path, where_am_i):
    seen_by_trial(breast_cancer, tmp_path / "a")
    old = launch._ZYGOTE.proc
    os.kill(old.pid, signal.SIGKILL)
    old.wait()
    seen = seen_by_trial(breast_cancer, tmp_path / "b")
    assert launch._ZYGOTE.proc.pid != old.pid
    assert int(seen["ppid"]) == launch._ZYGOTE.proc.pid


def test_without_the_zygote_a_worker_is_a_fresh_interpreter(breast_cancer, tmp_path, monkeypatch, where_am_i):
    """The path macOS and other platforms take (fork after importing native libraries is not safe there)."""
    monkeypatch.setattr(launch, "_zygote_supported", lambda: False)
    monkeypatch.setenv("AUTOML_TEST_MARK", "fresh")
    seen = seen_by_trial(breast_cancer, tmp_path / "a")
    assert int(seen["ppid"]) == os.getpid()  # our own child, not the zygote's
    assert seen["mark"] == "fresh"


@pytest.mark.parametrize("zygote", [True, False], ids=["zygote", "fresh-interpreter"])
def test_workers_import_the_searchs_automl_not_a_folder_of_that_name_in_the_working_directory(tmp_path, zygote):
    """`python -m` puts the working directory first on sys.path: run from a checkout of another automl
    version (or beside a user's package named automl), the workers imported that one."""
    import subprocess
    import sys
    import textwrap

    if zygote and not launch._zygote_supported():
        pytest.skip("the zygote is Linux-only (fork + pidfd)")
    cwd = tmp_path / "project"
    (cwd / "automl" / "search").mkdir(parents=True)
    (cwd / "automl" / "__init__.py").write_text("raise ImportError('the automl folder in the working directory')\n")
    (cwd / "automl" / "search" / "__init__.py").write_text("")
    script = tmp_path / "fit.py"  # outside cwd: the script's own folder comes first on the search's sys.path
    script.write_text(textwrap.dedent(f"""
        import automl
        from automl.search import launch
        from sklearn.datasets import load_breast_cancer
        if not {zygote}:
            launch._zygote_supported = lambda: False
        res = automl.fit(load_breast_cancer(as_frame=True).frame, "target", n_trials=1, include=["linear"],
                         output_dir={str(tmp_path / "runs")!r}, ensemble=False)
        print("status", res.leaderboard["status"].tolist())
    """))
    proc = subprocess.run([sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "status ['complete']" in proc.stdout
