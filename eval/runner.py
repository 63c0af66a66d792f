"""Run the question set through the assistant, mode by mode, and hand the records on.

The runner only asks and times; the figures come from :mod:`eval.metrics` and the
Markdown report from :mod:`eval.report`. The answerer is injected, so tests drive the
real runner with a scripted stand-in while ``python -m eval`` opens the real
:class:`qa.pipeline.Assistant` - the same entry point the CLI and the chat use.

>>> from eval.runner import load_questions, run_benchmark
>>> questions, problems = load_questions(Path("eval/questions.jsonl"))   # doctest: +SKIP
>>> run = run_benchmark(questions, assistant, modes=("hybrid",))           # doctest: +SKIP
>>> run["modes"]["hybrid"]["overall"]["recall@5"]                          # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from eval import metrics, report
from qa.errors import QAError
from qa.types import Answer

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
DEFAULT_REPORT = EVAL_DIR / "reports" / "report.md"
MODES = ("bm25", "dense", "hybrid")
LANGS = ("vi", "vi-nodiac", "en")
KINDS = ("fact", "list", "compare", "unanswerable")
SPLITS = ("dev", "test")
# How many citations the assistant is asked for; retrieval metrics read ``retrieved``,
# which always holds at least 10 hits whatever k is.
DEFAULT_K = 5

EXIT_OK = 0
EXIT_FAILED = 1  # the assistant could not be opened (missing documents, broken index)
EXIT_USAGE = 2  # unusable arguments or an unreadable questions file


class Answerer(Protocol):
    """Anything that answers like :meth:`qa.pipeline.Assistant.ask`."""

    def ask(self, question: str, mode: str = ..., k: int = ..., id: str | None = None) -> Answer:
        ...


class QuestionFileError(Exception):
    """The questions file cannot be read at all (missing, a folder, not UTF-8)."""


class SetupError(Exception):
    """The configuration is unusable (e.g. a bad ``QA_*`` environment variable)."""


# --------------------------------------------------------------------------- questions


def _require_text(obj: dict[str, Any], name: str, allow_empty: bool = False) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise ValueError(f"field {name!r} must be a non-empty string")
    return value


def _require_choice(obj: dict[str, Any], name: str, choices: Sequence[str]) -> str:
    value = obj.get(name)
    if value not in choices:
        raise ValueError(f"field {name!r} is {value!r}; use one of {', '.join(choices)}")
    return str(value)


def _require_answers(obj: dict[str, Any], answerable: bool) -> list[str]:
    answers = obj.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise ValueError("field 'answers' must be a list of strings")
    if answerable and not any(a.strip() for a in answers):
        raise ValueError("an answerable question needs at least one non-empty gold answer")
    return answers


def parse_question(obj: Any) -> dict[str, Any]:
    """A validated question dict, or ``ValueError`` saying which field is wrong."""
    if not isinstance(obj, dict):
        raise ValueError("the line is not a JSON object")
    kind = _require_choice(obj, "kind", KINDS)
    answerable = kind != metrics.UNANSWERABLE
    question = {
        "id": _require_text(obj, "id"),
        "question": _require_text(obj, "question"),
        "lang": _require_choice(obj, "lang", LANGS),
        "kind": kind,
        "answers": _require_answers(obj, answerable),
        "evidence": _require_text(obj, "evidence", allow_empty=not answerable),
    }
    if "split" in obj:
        question["split"] = _require_choice(obj, "split", SPLITS)
    return question


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise QuestionFileError(f"{path}: no such questions file") from exc
    except IsADirectoryError as exc:
        raise QuestionFileError(f"{path}: is a folder, not a questions file") from exc
    except UnicodeDecodeError as exc:
        raise QuestionFileError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise QuestionFileError(f"{path}: cannot be read ({exc.strerror})") from exc


def load_questions(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The valid questions of a JSON-lines file, and one message per bad line.

    A bad line (invalid JSON, a missing or invalid field, a repeated id) is reported as
    ``"<path>:<line>: <reason>"`` and skipped, so one typo does not cost a whole run.
    Blank lines are ignored. Raises :class:`QuestionFileError` if the file is unreadable.
    """
    questions: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        try:
            question = parse_question(json.loads(line))
            if question["id"] in seen:
                raise ValueError(f"id {question['id']!r} appears on an earlier line")
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: invalid JSON ({exc.msg})")
            continue
        except ValueError as exc:
            problems.append(f"{path}:{number}: {exc}")
            continue
        seen.add(question["id"])
        questions.append(question)
    return questions, problems


def resolve_split(questions: Sequence[dict[str, Any]], split: str | None) -> str:
    """The split to run: as asked, else ``test`` when the file has splits, else ``all``."""
    if split is not None:
        return split
    return "test" if any("split" in q for q in questions) else "all"


def select_split(questions: Sequence[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """The questions of one split (``all`` keeps every question, split or not)."""
    if split == "all":
        return list(questions)
    return [q for q in questions if q.get("split") == split]


# --------------------------------------------------------------------------- asking


def result_from_answer(answer: Answer, latency_ms: float) -> metrics.Result:
    """The few fields of an :class:`Answer` that the metrics read."""
    return metrics.Result(
        answer=answer.answer,
        abstained=answer.abstained,
        cited={c.n: c.passage for c in answer.citations},
        retrieved=[hit.chunk.text for hit in answer.retrieved],
        latency_ms=latency_ms,
    )


def ask_timed(
    answerer: Answerer,
    question: dict[str, Any],
    mode: str,
    k: int,
    clock: Callable[[], float],
) -> metrics.Result:
    """Ask one question and time it; a user error becomes a failed result, not a crash."""
    start = clock()
    try:
        answer = answerer.ask(question["question"], mode=mode, k=k, id=question["id"])
    except QAError as exc:
        elapsed = (clock() - start) * 1000.0
        return metrics.Result(answer="", abstained=False, latency_ms=elapsed, error=str(exc))
    return result_from_answer(answer, (clock() - start) * 1000.0)


def run_mode(
    questions: Sequence[dict[str, Any]],
    answerer: Answerer,
    mode: str,
    *,
    k: int = DEFAULT_K,
    progress: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> list[metrics.Record]:
    """Every question asked in one retrieval mode, with a progress bar on stderr."""
    bar = tqdm(questions, desc=mode, unit="q", file=sys.stderr, disable=not progress)
    return [metrics.Record(q, ask_timed(answerer, q, mode, k, clock)) for q in bar]


def run_benchmark(
    questions: Sequence[dict[str, Any]],
    answerer: Answerer,
    modes: Sequence[str] = MODES,
    *,
    k: int = DEFAULT_K,
    progress: bool = False,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    """Ask every question in every mode; return the figures as plain, JSON-ready data.

    ``modes[m]`` holds ``overall``, ``by_lang`` and ``by_kind`` figures (see
    :func:`eval.metrics.breakdown`), ``failures[m]`` the failed questions of mode ``m``.
    """
    figures: dict[str, Any] = {}
    failed: dict[str, Any] = {}
    for mode in modes:
        records = run_mode(questions, answerer, mode, k=k, progress=progress, clock=clock)
        figures[mode] = metrics.breakdown(records)
        failed[mode] = metrics.failures(records)
    return {"n_questions": len(questions), "k": k, "modes": figures, "failures": failed}


# --------------------------------------------------------------------------- command line


def parse_modes(text: str) -> tuple[str, ...]:
    """``"bm25, hybrid"`` -> ``("bm25", "hybrid")``; an unknown mode is a usage error."""
    modes = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        what = f"unknown mode {', '.join(map(repr, unknown))}" if unknown else "no mode given"
        raise argparse.ArgumentTypeError(f"{what}: use a comma-separated list of {', '.join(MODES)}")
    return modes


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m eval`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m eval",
        description="Benchmark retrieval, answers, citations, abstention and latency "
        "of the assistant on the question set, per retrieval mode.",
    )
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS,
                        help="JSON-lines question file (default: eval/questions.jsonl)")
    parser.add_argument("--modes", type=parse_modes, default=MODES,
                        help="comma-separated retrieval modes (default: bm25,dense,hybrid)")
    parser.add_argument("--split", choices=("test", "dev", "all"), default=None,
                        help="questions to run (default: test when the file has splits, else all)")
    parser.add_argument("--json", action="store_true",
                        help="print the figures as JSON on stdout (tables go to stderr)")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT,
                        help="Markdown report path; the chart PNG is written beside it "
                        "(default: eval/reports/report.md)")
    parser.add_argument("--limit", type=_positive_int, default=None,
                        help="run only the first N questions of the split")
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder to use instead of the configured one")
    return parser


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parsed arguments; exits with status 2 (argparse's usage error) when unusable."""
    return build_parser().parse_args(argv)


def open_assistant(args: argparse.Namespace) -> Answerer:
    """The real assistant, opened once (imported here so parsing needs no model)."""
    from qa.config import load_settings
    from qa.pipeline import Assistant

    overrides = {"index_dir": args.index} if args.index is not None else {}
    try:
        settings = load_settings(**overrides)
    except ValueError as exc:
        raise SetupError(f"unusable settings: {exc}") from exc
    return Assistant.open(settings)


def _warm_up(answerer: Answerer, questions: Sequence[dict[str, Any]], modes: Sequence[str]) -> None:
    """One untimed ask per mode, so lazy model loading does not count as latency."""
    for mode in modes:
        try:
            answerer.ask(questions[0]["question"], mode=mode, k=DEFAULT_K)
        except QAError:
            pass  # the timed run records the same error for that question


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _prepare_report_dir(path: Path) -> str | None:
    """Make the report's folder; the reason it cannot be written, if any."""
    if path.is_dir():
        return f"{path}: is a folder; give a file path such as {path / 'report.md'}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"{path.parent}: cannot create the report folder ({exc.strerror})"
    return None


def _load_selected(args: argparse.Namespace) -> tuple[list[dict[str, Any]], str]:
    """The questions to run and the split they came from; bad lines reported on stderr."""
    questions, problems = load_questions(args.questions)
    for problem in problems:
        print(problem, file=sys.stderr)
    split = resolve_split(questions, args.split)
    selected = select_split(questions, split)
    return (selected[: args.limit] if args.limit else selected), split


def main(
    argv: Sequence[str] | None = None,
    open_answerer: Callable[[argparse.Namespace], Answerer] = open_assistant,
) -> int:
    """``python -m eval``: run, print the tables (or JSON), write the report. Exit status."""
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        questions, split = _load_selected(args)
    except QuestionFileError as exc:
        return _fail(str(exc), EXIT_USAGE)
    if not questions:
        return _fail(f"{args.questions}: no usable questions in split {split!r}", EXIT_USAGE)
    problem = _prepare_report_dir(args.report)
    if problem:
        return _fail(problem, EXIT_USAGE)
    try:
        answerer = open_answerer(args)
        _warm_up(answerer, questions, args.modes)
    except (QAError, SetupError) as exc:
        return _fail(f"cannot open the assistant: {exc}", EXIT_FAILED)
    run = run_benchmark(questions, answerer, args.modes, progress=True)
    run.update({"questions_file": str(args.questions), "split": split})
    run["targets"] = [t.as_dict() for t in report.check_targets(run["modes"])]
    md_path, png_path = report.write_report(run, args.report)
    run["report"] = {"markdown": str(md_path), "chart": str(png_path)}
    tables = report.text_tables(run)
    if args.json:
        print(tables, file=sys.stderr)
        print(json.dumps(run, ensure_ascii=False, indent=2))
    else:
        print(tables)
        print(f"\nReport: {md_path}")
    return EXIT_OK
