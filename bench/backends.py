"""The two search back ends side by side: the same answers, and the cost of Milvus Lite.

    python bench/backends.py agree [--sets articles,plans] [--split all]
    python bench/backends.py scale [--chunks 10000,100000] [--questions 100] [--max-wait 600]

``agree`` asks every question of each set (``eval/``'s sets, hybrid mode, through the
same ``eval.runner.run_mode`` as ``python -m eval``) twice: on the local index (FAISS +
bm25s) and on Milvus Lite filled from the same index. It reports how many answers are
the same (answer text and abstention), how many top-5 retrieved lists are the same, and
recall@5 and accuracy on each back end. Targets (issue 10): the same answer on at least
``TARGET_AGREEMENT`` of the questions, recall@5 within ``TARGET_RECALL_GAP``. Written to
``bench/results/backends.md``.

``scale`` builds the synthetic collections of ``bench_100k.py`` (its helpers, the same
seed) at each size, writes each as an index build folder, and measures three fresh
processes on it, so that each one's memory is its own:

- ``local``: loads the build and answers ``--questions`` questions (the local back end);
- ``milvus-build``: loads the build and fills an empty Milvus Lite file from it (every
  chunk's BM25 terms, its vector, its row), then answers the questions;
- ``milvus-serve``: loads the build, opens the filled Milvus Lite file (nothing to write)
  and answers the questions: what a server on Milvus Lite holds.

Each reports ``Assistant.ask`` (hybrid) p50/p95 and its retrieval stage, ``VmRSS`` and
``VmHWM``. The answers of the local and the Milvus processes are compared too. Written to
``bench/results/backends_scale.md``. Milvus Lite 3.x runs inside the Python process
(threads, no server binary), so its memory is part of each process's figure.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import benchlib
from benchlib import DOCUMENTS_DIR, QUESTIONS_FILE, REPO_ROOT, summary_ms, table

import bench_100k  # noqa: E402  (the synthetic collection's helpers)
from eval import metrics  # noqa: E402
from eval.runner import load_questions, load_set_questions, run_mode, select_split  # noqa: E402
from eval.sets import standard_sets  # noqa: E402
from qa.indexing import index as qa_index  # noqa: E402
from qa.config import load_settings  # noqa: E402
from qa.indexing.index import load_build  # noqa: E402
from qa.pipeline import Assistant  # noqa: E402

#: Issue 10: the Milvus back end answers as the local one on at least this share of questions ...
TARGET_AGREEMENT = 0.98
#: ... with recall@5 within this much of the local back end's.
TARGET_RECALL_GAP = 0.01
SEED = bench_100k.SEED
MODE = "hybrid"


# ------------------------------------------------------------------ agreement

def same_answer(a: metrics.Record, b: metrics.Record) -> bool:
    """The same answer: the same text (markers included) and the same abstention."""
    return a.result.answer == b.result.answer and a.result.abstained == b.result.abstained


def agreement(name: str, split: str, work: Path) -> dict[str, Any]:
    """One set asked on both back ends; the figures of the comparison."""
    from qa.__main__ import _progress_bar

    evalset = standard_sets()[name]
    reason = evalset.missing()
    if reason:
        print(f"[{name}] skipped: {reason}", file=sys.stderr)
        return {"set": name, "skipped": reason}
    questions = select_split(load_set_questions(evalset), split)
    settings = replace(load_settings(documents_dir=evalset.documents, index_dir=evalset.index), generator_url=None,
                       milvus_uri=None)
    local = Assistant.open(settings, progress=_progress_bar())
    started = time.perf_counter()
    milvus = Assistant.open(replace(settings, milvus_uri=str(work / f"{name}.db")), progress=_progress_bar())
    fill_s = time.perf_counter() - started
    for assistant in (local, milvus):
        assistant.ask(questions[0]["question"], mode=MODE)  # untimed warm-up
    records = {label: run_mode(questions, assistant, MODE, progress=True, label=f"{name} {label}")
               for label, assistant in (("local", local), ("milvus", milvus))}
    pairs = list(zip(records["local"], records["milvus"]))
    figures = {label: metrics.summarise(rs) for label, rs in records.items()}
    return {
        "set": name, "split": split, "n": len(questions), "n_chunks": len(local.index.chunks), "fill_s": fill_s,
        "same_answer": sum(same_answer(a, b) for a, b in pairs),
        "same_top5": sum(list(a.result.retrieved[:5]) == list(b.result.retrieved[:5]) for a, b in pairs),
        "figures": figures,
        "different": [{"id": a.question["id"], "question": a.question["question"], "local": a.result.answer,
                       "milvus": b.result.answer} for a, b in pairs if not same_answer(a, b)],
    }


def agreement_report(runs: list[dict[str, Any]], load_before: float) -> str:
    lines = ["# Search back ends: the same answers on the local index and on Milvus Lite", "",
             "Written by `python bench/backends.py agree`; see `bench/README.md`.", "",
             *benchlib.machine_lines(load_before), "",
             f"Every question of each set ({MODE} mode), asked on the local back end (FAISS + bm25s files) and "
             "on Milvus Lite filled from the same index. *Same answer*: the same text and abstention. Targets "
             f"(issue 10): the same answer on ≥ {TARGET_AGREEMENT:.0%} of questions, recall@5 within "
             f"{TARGET_RECALL_GAP}.", ""]
    rows = []
    for run in runs:
        if "skipped" in run:
            rows.append((run["set"], "skipped: " + run["skipped"], "", "", "", "", "", ""))
            continue
        loc, mil = run["figures"]["local"], run["figures"]["milvus"]
        share = run["same_answer"] / run["n"]
        gap = abs((loc["recall@5"] or 0) - (mil["recall@5"] or 0))
        rows.append((f"{run['set']} ({run['split']}, {run['n_chunks']:,} chunks)", run["n"],
                     f"{run['same_answer']} ({share:.3f}) {'met' if share >= TARGET_AGREEMENT else '**MISSED**'}",
                     f"{run['same_top5']} ({run['same_top5'] / run['n']:.3f})",
                     f"{loc['recall@5']:.3f} / {mil['recall@5']:.3f} "
                     f"{'met' if gap <= TARGET_RECALL_GAP else '**MISSED**'}",
                     f"{loc['accuracy']:.3f} / {mil['accuracy']:.3f}",
                     f"{loc['latency_p50_ms']:.0f} / {mil['latency_p50_ms']:.0f}",
                     f"{run['fill_s']:.1f}"))
    lines.append(table(["set", "questions", "same answer", "same top-5 passages", "recall@5 local / Milvus",
                        "accuracy local / Milvus", "p50 ms local / Milvus", "Milvus filled in s"], rows))
    for run in runs:
        if run.get("different"):
            lines += ["", f"## {run['set']}: the questions answered differently", ""]
            lines.append(table(["id", "question", "local", "Milvus"],
                               [(d["id"], _cell(d["question"]), _cell(d["local"]), _cell(d["milvus"]))
                                for d in run["different"]]))
    return "\n".join(lines) + "\n"


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ------------------------------------------------------------------ scale

def scale(n_chunks: int, n_questions: int, work: Path) -> dict[str, Any]:
    """One synthetic size: built here, measured in three fresh processes."""
    settings = replace(load_settings(documents_dir=DOCUMENTS_DIR), generator_url=None, milvus_uri=None)
    build: dict[str, float] = {}
    index, _, recorded, _ = bench_100k.build_index(settings, n_chunks, build)
    recorded.clear()  # (rank-bm25's terms: not needed here)
    folder_root = work / f"index-{n_chunks}"
    qa_index._publish(folder_root, index)
    folder = folder_root / (folder_root / "CURRENT").read_text(encoding="utf-8").strip()
    del index
    gc.collect()
    db = work / f"plans-{n_chunks}.db"
    runs = {child: _child(child, folder, db, n_questions) for child in ("local", "milvus-build", "milvus-serve")}
    answers = {child: run.pop("answers") for child, run in runs.items()}
    same = sum(a == b for a, b in zip(answers["local"], answers["milvus-serve"]))
    return {"n_chunks": n_chunks, "n_questions": n_questions, "local_build_s": build, "runs": runs,
            "same_answers": same}


def _child(role: str, folder: Path, db: Path, n_questions: int) -> dict[str, Any]:
    print(f"[{role}] {folder}", file=sys.stderr)
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "child", role, str(folder), str(db),
                           str(n_questions)], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the {role} process failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(role: str, folder: Path, db: Path, n_questions: int) -> int:
    """A fresh process: load the build, open the back end, answer, report (JSON on stdout)."""
    settings = replace(load_settings(documents_dir=DOCUMENTS_DIR), generator_url=None,
                       milvus_uri=None if role == "local" else str(db))
    out: dict[str, Any] = {}
    started = time.perf_counter()
    index = load_build(folder)
    out["load_s"] = time.perf_counter() - started
    out["mem_loaded"] = benchlib.memory_mib()
    if role == "milvus-build":
        from qa.indexing.milvus_backend import MilvusBackend  # only here: pymilvus alone holds 80 MiB

        last = [0.0]

        def progress(_stage: str, done: int, total: int) -> None:
            if time.monotonic() - last[0] > 30 or done == total:
                last[0] = time.monotonic()
                print(f"  milvus: {done:,}/{total:,} chunks", file=sys.stderr)

        started = time.perf_counter()
        backend = MilvusBackend.open(settings, index, progress)
        out["fill_s"] = time.perf_counter() - started
        out["fill"] = backend.last_sync
        out["mem_filled"] = benchlib.memory_mib()
        backend.client.close()
    started = time.perf_counter()
    assistant = bench_100k.assistant_on(index, settings)
    out["open_s"] = time.perf_counter() - started
    if role != "local":
        out["open_sync"] = assistant.backend.last_sync
    questions, _ = load_questions(QUESTIONS_FILE)
    sample = sorted(random.Random(SEED).sample(range(len(questions)), min(n_questions, len(questions))))
    asked = [questions[i] for i in sample]
    assistant.ask(asked[0]["question"], mode=MODE)  # untimed warm-up
    ask_ms, retrieve_ms, answers = [], [], []
    for n, q in enumerate(asked, 1):
        started = time.perf_counter()
        answer = assistant.ask(q["question"], mode=MODE)
        ask_ms.append((time.perf_counter() - started) * 1000)
        retrieve_ms.append(answer.timings_ms.get("retrieve", 0.0))
        answers.append([answer.answer, answer.abstained])
        print(f"  {role}: {n}/{len(asked)} questions", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    out.update({"ask_ms": summary_ms(ask_ms), "retrieve_ms": summary_ms(retrieve_ms),
                "mem_served": benchlib.memory_mib(), "answers": answers})
    print(json.dumps(out))
    return 0


def scale_report(runs: list[dict[str, Any]], load_before: float) -> str:
    lines = ["# Search back ends at 10k and 100k synthetic chunks: local files and Milvus Lite", "",
             "Written by `python bench/backends.py scale`; see `bench/README.md`.", "",
             *benchlib.machine_lines(load_before), "",
             "The synthetic collections of `bench_100k.py` (real sentences of the five plans, seed "
             f"{SEED}; vectors are means of sentence vectors: **timing only, retrieval quality means "
             "nothing here**). Each figure comes from a fresh process that loads the index build "
             "(`qa.indexing.index.load_build`): *local* answers from it, *Milvus build* fills an empty Milvus Lite "
             "file from it and then answers, *Milvus serve* opens that filled file and answers. "
             "`Assistant.ask`, hybrid, end to end; *retrieve* is its retrieval stage (`timings_ms`). "
             "Milvus Lite runs inside the process, so its memory is in the process's figures; the "
             "Milvus processes hold the index build too (the catalogue: chunks, BM25 statistics, "
             "spellings, and the FAISS vectors, which are loaded with it).", ""]
    rows = []
    for run in runs:
        for role, r in run["runs"].items():
            build = (f"{r['fill_s']:.1f} s fill ({r['fill']['written']} documents)" if "fill_s" in r
                     else f"{r['open_s']:.1f} s open" + (" (up to date: nothing written)"
                                                          if r.get("open_sync", {}).get("written") == 0 else ""))
            rows.append((f"{run['n_chunks']:,}", role, run["n_questions"],
                         f"{r['ask_ms']['p50']:.0f}", f"{r['ask_ms']['p95']:.0f}",
                         f"{r['retrieve_ms']['p50']:.1f}", f"{r['retrieve_ms']['p95']:.1f}",
                         f"{r['load_s']:.1f}", build,
                         f"{r['mem_served']['rss']:.0f}", f"{r['mem_served']['hwm']:.0f}"))
    lines.append(table(["chunks", "process", "questions", "ask p50 ms", "ask p95 ms", "retrieve p50 ms",
                        "retrieve p95 ms", "load build s", "Milvus fill / open", "VmRSS MiB (end)",
                        "VmHWM MiB"], rows))
    lines.append("")
    for run in runs:
        steps = ", ".join(f"{step}: {s:.1f} s" for step, s in run["local_build_s"].items())
        lines.append(f"- {run['n_chunks']:,} chunks: the same answer on local and Milvus serve for "
                     f"{run['same_answers']}/{run['n_questions']} questions; the local index was built in "
                     f"{sum(run['local_build_s'].values()):.1f} s in the parent ({steps}).")
    return "\n".join(lines) + "\n"


def _release_milvus_lite() -> None:
    """Stop this process's Milvus Lite servers now: left to exit, they would close (and
    write to) their files after the temporary folder holding them is gone."""
    from milvus_lite.server_manager import server_manager_instance

    server_manager_instance.release_all()


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    agree = sub.add_parser("agree", help="the same answers on either back end, per question set")
    agree.add_argument("--sets", default="articles,plans")
    agree.add_argument("--split", default="all", choices=("all", "dev", "test"))
    benchlib.add_max_wait(agree)
    size = sub.add_parser("scale", help="Milvus Lite beside the local back end on synthetic collections")
    size.add_argument("--chunks", default="10000,100000", help="sizes, comma-separated")
    size.add_argument("--questions", type=int, default=100)
    benchlib.add_max_wait(size)
    size.add_argument("--output", default="backends_scale.md", help="report file name under bench/results/")
    kid = sub.add_parser("child")  # one measured process of `scale`
    kid.add_argument("role", choices=("local", "milvus-build", "milvus-serve"))
    kid.add_argument("folder", type=Path)
    kid.add_argument("db", type=Path)
    kid.add_argument("questions", type=int)
    args = parser.parse_args(argv)
    if args.command == "child":
        return child(args.role, args.folder, args.db, args.questions)
    load_before = benchlib.wait_until_quiet(args.max_wait)
    with tempfile.TemporaryDirectory(prefix="bench-backends-") as tmp:
        if args.command == "agree":
            runs = [agreement(name.strip(), args.split, Path(tmp)) for name in args.sets.split(",")]
            markdown, name = agreement_report(runs, load_before), "backends.md"
            _release_milvus_lite()
        else:
            sizes = [int(n) for n in args.chunks.split(",")]
            runs = [scale(n, args.questions, Path(tmp)) for n in sizes]
            markdown, name = scale_report(runs, load_before), args.output
    print(markdown)
    print(f"written to {benchlib.write_result(name, markdown)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
