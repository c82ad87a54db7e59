"""Two commits of automl against each other on the training parts: the evidence for an engine change
that has no switch (it lives in the trial workers, which a benchmark cannot patch from outside).

    .venv/bin/python benchmarks/revision_choice.py --a main~1 --b main --datasets car,segment --seeds 2
    .venv/bin/python benchmarks/revision_choice.py --report --out benchmarks/out/revision_choice.jsonl

Each revision is checked out once into a git worktree under benchmarks/out/revisions/. For each dataset
and seed, the protocol's 75 % training part is split again (80 / 20, seeded); a ``fit`` of each revision
in turn runs on the 80 % in its own process (its worktree first on the path and as the working folder, so
its trial workers import that revision too), and the exported model is scored on the inner 20 %. The
public test part is never read. The worktrees stay for a resumed run; ``git worktree remove`` them after.
With the same commit as ``--a`` and ``--b`` it measures how far two runs of one commit differ (timing noise):
dfc5ba3 against itself, all 18 at seed 3, tied on all 18 and scored identically on 15.
With ``--busy N``, N busy loops (one process each) run beside every fit: a machine shared with other work.
With ``--cpu-quota C``, every fit runs in a cgroup allowed C CPUs: a container given ``--cpus C`` (needs root;
the cgroup, ``automl-quota-C`` at the cpu controller's top, stays: ``rmdir`` it after).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "revision_choice.jsonl"
TREES = ROOT / "benchmarks" / "out" / "revisions"
BUSY_LOOP = "import time\nend = time.monotonic() + 900\nwhile time.monotonic() < end: pass"  # ends even if we are killed


def worktree(rev: str) -> Path:
    """A checkout of ``rev`` (a commit id, so a moving branch name cannot change it under a run)."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], check=True, capture_output=True,
                         text=True).stdout.strip()
    path = TREES / sha
    if not path.is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), sha], check=True)
    return path


def quota_cgroup(cpus: float) -> Path:
    """The file a process writes its pid to, to join a cgroup allowed ``cpus`` CPUs (cgroup v1's cpu
    controller, or v2's at its mount's top)."""
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fs_type, _, options = right.split()[:3]
        top = Path(left.split()[4])
        group = top / f"automl-quota-{cpus:g}"
        if fs_type == "cgroup" and "cpu" in options.split(","):
            group.mkdir(exist_ok=True)
            (group / "cpu.cfs_period_us").write_text("100000")
            (group / "cpu.cfs_quota_us").write_text(str(int(cpus * 100000)))
            return group / "tasks"
        if fs_type == "cgroup2" and "cpu" in _controllers(top):
            (top / "cgroup.subtree_control").write_text("+cpu")
            group.mkdir(exist_ok=True)
            (group / "cpu.max").write_text(f"{int(cpus * 100000)} 100000")
            return group / "cgroup.procs"
    raise SystemExit("--cpu-quota needs a cgroup cpu controller (none is mounted)")


def _controllers(top: Path) -> list[str]:
    """The controllers a cgroup v2 mount offers (none on a hybrid host's unified mount)."""
    path = top / "cgroup.controllers"
    return path.read_text().split() if path.exists() else []


def run(name: str, args) -> list[dict]:
    rows = []
    join = []  # the command prefix that puts a fit in the quota's cgroup
    if args.cpu_quota:
        try:
            join = ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(quota_cgroup(args.cpu_quota))]
        except OSError as e:
            raise SystemExit(f"--cpu-quota needs root to make a cgroup: {e}")
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for arm, rev in (("a", args.a), ("b", args.b)):
            tree = worktree(rev)
            env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{Path(__file__).resolve().parent}"}
            loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(args.busy)]
            try:
                out = subprocess.run(join + [sys.executable, str(Path(__file__).resolve()), "--one", name, str(seed),
                                      str(args.budget)], cwd=tree, env=env, capture_output=True, text=True)
            finally:
                for loop in loops:
                    loop.kill()
                    loop.wait()
            if out.returncode != 0:
                raise SystemExit(f"{name} seed {seed} at {rev} failed:\n{out.stderr[-3000:]}")
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append({**row, "arm": arm, "rev": f"{rev} ({tree.name})", "busy": args.busy,
                         "cpu_quota": args.cpu_quota})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def one(name: str, seed: int, budget: float) -> None:
    """One fit in this process (started by ``run`` with a revision's worktree on the path): print its row."""
    import automl

    row, _ = choice_runner.fit_on_inner(name, seed, budget)
    print(json.dumps({**row, "automl": automl.__file__}))


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    revs = {r["arm"]: r["rev"] for r in rows}
    print(f"a = {revs.get('a')}, b = {revs.get('b')}")
    print(f"{'dataset':20} {'seed':>4} {'holdout a':>11} {'holdout b':>11} {'trials':>7} {'wall s':>11}  better"
          f"  (ties: 0.002 AUC, 1 % log loss / RMSE)   best a | best b")
    tally = {"a": 0, "b": 0, "tie": 0}
    for name, seed, x, y, verdict in choice_runner.arm_pairs(rows, ("a", "b")):
        tally[verdict] += 1
        print(f"{name:20} {seed:4d} {x['holdout']:11.5g} {y['holdout']:11.5g} {x['trials']:>3}/{y['trials']:<3}"
              f" {x['wall_s']:5.1f}/{y['wall_s']:<5.1f}  {verdict:6}  {x['best']} | {y['best']}")
    print(f"b better {tally['b']}, a better {tally['a']}, ties {tally['tie']}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
        sys.exit()

    def extra(ap):
        ap.add_argument("--a", default="HEAD~1", help="the revision measured first (default HEAD~1)")
        ap.add_argument("--b", default="HEAD", help="the revision measured second (default HEAD)")
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=2)
        ap.add_argument("--busy", type=int, default=0, help="busy loops beside each fit (a shared machine)")
        ap.add_argument("--cpu-quota", type=float, default=0.0,
                        help="CPUs each fit's cgroup allows (a container given --cpus; needs root); 0: none")
        ap.add_argument("--first-seed", type=int, default=0,
                        help="split seeds first-seed .. first-seed + seeds - 1 (fresh splits for a second variant)")

    choice_runner.main(__doc__, OUT, run, report, extra)
