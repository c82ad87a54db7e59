"""The examples run, `import automl` stays light, and a built (non-editable) install finds its YAML spaces."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_automl_loads_no_heavy_module():
    code = ("import sys, automl; heavy = ('sklearn', 'xgboost', 'lightgbm', 'catboost', 'ray', 'optuna', 'pandas', 'optuna.visualization');"
            "print(sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_quickstart_example_runs(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py"), "--budget", "8",
                          "--output", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "test roc_auc: 0.9" in out.stdout
    assert "run folder:" in out.stdout


@pytest.mark.slow
def test_wheel_ships_search_spaces(tmp_path):
    """Build a wheel, install it outside the source tree and load every built-in space from it."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(wheel_dir), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(wheel_dir.glob("automl-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "automl/search_spaces/xgboost.yaml" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    code = ("import automl.spaces as s, automl.families.registry as r;"
            "assert str(s.default_dir()).startswith(%r), s.default_dir();"
            "print(sum(len(s.load_space(f, t).distributions) > 0 for f in r.all_families().values() for t in f.tasks))"
            % str(target))
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    from automl.families.registry import BUILTIN, all_families

    pairs = sum(len(f.tasks) for name, f in all_families().items() if name in BUILTIN)
    assert pairs >= 29 and int(out.stdout.strip()) == pairs  # every (family, task) pair's space loads from the wheel
