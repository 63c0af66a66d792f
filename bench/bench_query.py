"""Speed and memory of the product on the five bundled plans.

    python bench/bench_query.py [--runs 3] [--max-wait 600]

Measures, and writes as Markdown to ``bench/results/query.md``:

1. Cold indexing: the wall time of ``python -m qa index --index TMP`` in a fresh
   process with an empty index folder (Python start-up, imports, model load,
   reading, chunking, embedding, BM25 and FAISS, writing), median of ``--runs``.
2. Warm query latency: :meth:`qa.pipeline.Assistant.ask` end to end, every question
   of ``eval/questions.jsonl`` in every mode, after one untimed question per mode;
   p50/p95/max, and the median of each stage the answer reports in ``timings_ms``.
3. Memory: resident set (``VmRSS``) and its peak (``VmHWM``) of the serving process
   after opening the index and after answering every question.

Targets: p50 <= 50 ms and p95 <= 150 ms warm; indexing from nothing <= 15 s;
resident memory while serving <= 1 GB.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import benchlib
from benchlib import DOCUMENTS_DIR, QUESTIONS_FILE, REPO_ROOT, summary_ms, table, verdict

MODES = ("hybrid", "bm25", "dense")
STAGES = ("analyse", "embed", "retrieve", "answer", "total")
TARGET_P50_MS = 50.0
TARGET_P95_MS = 150.0
TARGET_INDEX_S = 15.0
TARGET_RSS_MIB = 1024.0


def index_cold(index_dir: Path) -> tuple[float, str]:
    """Seconds ``python -m qa index`` takes into an empty folder, and what it printed."""
    command = [sys.executable, "-m", "qa", "index", "--documents", str(DOCUMENTS_DIR), "--index", str(index_dir)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"`{' '.join(command)}` failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stdout.splitlines()[0]


def ask_all(assistant, questions: list[dict], mode: str) -> tuple[list[float], dict[str, list[float]]]:
    """End-to-end milliseconds per question, and each stage's milliseconds."""
    wall: list[float] = []
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    for q in questions:
        started = time.perf_counter()
        answer = assistant.ask(q["question"], mode=mode, id=q["id"])
        wall.append((time.perf_counter() - started) * 1000)
        for stage in STAGES:
            stages[stage].append(answer.timings_ms[stage])
    return wall, stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="cold indexing runs (median reported)")
    benchlib.add_max_wait(parser)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    load_before = benchlib.wait_until_quiet(args.max_wait)

    with tempfile.TemporaryDirectory(prefix="bench-query-") as tmp:
        # 1. Cold indexing, each run in a fresh process and an empty folder.
        index_runs: list[float] = []
        for run in range(args.runs):
            seconds, said = index_cold(Path(tmp) / f"index-{run}")
            index_runs.append(seconds)
            print(f"index run {run + 1}: {seconds:.2f} s ({said})", file=sys.stderr)
        chunks = re.search(r"(\d+) chunks", said)
        index_peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: kB

        # 2. and 3. Serve from the last build: opening loads it, nothing is rebuilt.
        from eval.runner import load_questions
        from qa.config import load_settings
        from qa.pipeline import Assistant

        questions, problems = load_questions(QUESTIONS_FILE)
        for problem in problems:
            print(f"skipped question: {problem}", file=sys.stderr)
        # The optional generator is a network call: the benchmark measures the offline product.
        settings = replace(load_settings(index_dir=Path(tmp) / f"index-{args.runs - 1}",
                                         documents_dir=DOCUMENTS_DIR), generator_url=None)
        started = time.perf_counter()
        assistant = Assistant.open(settings)
        open_s = time.perf_counter() - started
        mem_loaded = benchlib.memory_mib()

        results: dict[str, tuple[dict[str, float], dict[str, float]]] = {}
        for mode in MODES:
            assistant.ask(questions[0]["question"], mode=mode)  # untimed warm-up
            wall, stages = ask_all(assistant, questions, mode)
            results[mode] = (summary_ms(wall), {s: statistics.median(v) for s, v in stages.items()})
            print(f"{mode}: p50 {results[mode][0]['p50']:.1f} ms, p95 {results[mode][0]['p95']:.1f} ms",
                  file=sys.stderr)
        mem_served = benchlib.memory_mib()

    markdown = report(args.runs, index_runs, chunks.group(1) if chunks else "?", index_peak_mib, open_s,
                      len(questions), results, mem_loaded, mem_served, load_before)
    print(markdown)
    print(f"written to {benchlib.write_result('query.md', markdown)}", file=sys.stderr)
    return 0


def report(runs: int, index_runs: list[float], n_chunks: str, index_peak_mib: float, open_s: float,
           n_questions: int, results: dict, mem_loaded: dict[str, float], mem_served: dict[str, float],
           load_before: float) -> str:
    index_median = statistics.median(index_runs)
    hybrid = results["hybrid"][0]
    lines = [
        "# Query benchmark: five bundled plans",
        "",
        "Written by `python bench/bench_query.py`; see `bench/README.md`.",
        "",
        *benchlib.machine_lines(load_before),
        "",
        "## Targets",
        "",
        table(["target", "limit", "measured", ""], [
            ("index from nothing, model load included (median)", f"{TARGET_INDEX_S:.0f} s",
             f"{index_median:.2f} s", verdict(index_median, TARGET_INDEX_S)),
            ("warm query p50 (hybrid, the default mode)", f"{TARGET_P50_MS:.0f} ms",
             f"{hybrid['p50']:.1f} ms", verdict(hybrid["p50"], TARGET_P50_MS)),
            ("warm query p95 (hybrid, the default mode)", f"{TARGET_P95_MS:.0f} ms",
             f"{hybrid['p95']:.1f} ms", verdict(hybrid["p95"], TARGET_P95_MS)),
            ("peak resident memory while serving (VmHWM)", "1024 MiB",
             f"{mem_served['hwm']:.0f} MiB", verdict(mem_served["hwm"], TARGET_RSS_MIB)),
        ]),
        "",
        "## Indexing from nothing",
        "",
        f"`python -m qa index --index TMP` in a fresh process and an empty folder: {n_chunks} chunks "
        f"from the five documents. Wall time per run: "
        + ", ".join(f"{s:.2f} s" for s in index_runs)
        + f"; median **{index_median:.2f} s** of {runs}. Peak resident memory of an indexing process: "
        f"{index_peak_mib:.0f} MiB. The model file is in the page cache after the first run.",
        "",
        "## Warm query latency",
        "",
        f"`Assistant.ask` end to end (wall clock around the call), {n_questions} questions of "
        f"`eval/questions.jsonl` per mode, after one untimed question per mode. Stage columns are "
        f"medians of the answer's own `timings_ms` (ms).",
        "",
        table(["mode", "p50 ms", "p95 ms", "max ms", *[f"{s} (median)" for s in STAGES]], [
            (mode, s["p50"], s["p95"], s["max"], *[f"{stages[st]:.2f}" for st in STAGES])
            for mode, (s, stages) in results.items()
        ]),
        "",
        "## Memory of the serving process",
        "",
        f"Opening the assistant on the built index took {open_s * 1000:.0f} ms (model load and index load).",
        "",
        table(["when", "VmRSS MiB", "VmHWM MiB"], [
            ("after opening the assistant", mem_loaded["rss"], mem_loaded["hwm"]),
            (f"after {n_questions * len(results) + len(results)} questions", mem_served["rss"], mem_served["hwm"]),
        ]),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
