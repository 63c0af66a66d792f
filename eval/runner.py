"""Run the question sets through the assistant, set by set and mode by mode.

The runner only asks and times; the figures come from :mod:`eval.metrics` and the
Markdown report from :mod:`eval.report`. The answerer is injected, so tests drive the
real runner with a scripted stand-in while ``python -m eval`` opens the real
:class:`qa.pipeline.Assistant` - the same entry point the CLI and the chat use - once per
set, on that set's own documents and index (see :mod:`eval.sets`).

>>> from eval.runner import load_questions, run_benchmark
>>> questions, problems = load_questions(Path("eval/questions.jsonl"))   # doctest: +SKIP
>>> run = run_benchmark(questions, assistant, modes=("hybrid",))           # doctest: +SKIP
>>> run["modes"]["hybrid"]["overall"]["recall@5"]                          # doctest: +SKIP

**Splits.** Test splits are for reporting, never for choosing; the Markdown report lists
failed questions only for dev (``--json`` always carries them). How each set was split:

- ``articles``: each question was given a split when it was written (eval/questions.jsonl).
- ``plans``: by province, fixed before any question was written. The provinces' file-name
  stems are listed alphabetically; the 2nd, 4th, 6th ... are dev and the 1st, 3rd, 5th ...
  test, so every question about a province has that province's split. Unanswerable
  questions about provinces with no plan in the set give each such province to one split;
  a comparison that names no province may draw on any plan and is a test question.
- ``regulations``: ViRHE4QA's own split: train and val are dev, test is test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from eval import ablation, metrics, report, twins
from eval.sets import (EVAL_DIR, FACTS, SPANS, STANDARD_SETS, EvalSet, SpanFileError, is_span_file, read_regulations,
                       read_span_file, standard_sets, write_contexts)
from qa.errors import QAError
from qa.retrieval.query import detect_language
from qa.text import has_diacritics
from qa.types import Answer

DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
DEFAULT_REPORT = EVAL_DIR / "reports" / "report.md"
MODES = ("bm25", "dense", "hybrid")
DEFAULT_MODES = ("hybrid",)
DEFAULT_SPLIT = "test"
CUSTOM = "custom"  # the set an evaluator brings with --questions (and --documents)
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


def _answers(obj: dict[str, Any]) -> list[str] | None:
    """The gold strings: ``answers`` (a list, or one string), else ``answer`` (the name many
    QA sets use); None when the line gives neither."""
    for name in ("answers", "answer"):
        if name not in obj:
            continue
        value = obj[name]
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(a, str) for a in value):
            return value
        raise ValueError(f"field {name!r} must be a string or a list of strings")
    return None


def infer_lang(question: str) -> str:
    """The group a question without ``lang`` is reported in: English, Vietnamese, or
    Vietnamese typed without diacritics (the assistant's own language detection)."""
    if detect_language(question) == "en":
        return "en"
    return "vi" if has_diacritics(question) else "vi-nodiac"


def parse_question(obj: Any, line: int | None = None) -> dict[str, Any]:
    """A validated question dict, or ``ValueError`` saying which field is wrong.

    Only ``question`` and the gold answers are required, so that an evaluator's own file
    runs as it is: ``answers`` may be one string or be named ``answer``; ``[]`` (or kind
    ``unanswerable``) marks a question the documents do not answer; without ``kind`` a
    question with gold answers is a ``fact``; without ``lang`` the question's language is
    detected (``infer_lang``); without ``id`` the line number names it (``line-N``);
    without ``evidence`` the retrieval and citation figures leave the question out.
    """
    if not isinstance(obj, dict):
        raise ValueError("the line is not a JSON object")
    text = _require_text(obj, "question")
    answers = _answers(obj)
    if "kind" in obj:
        kind = _require_choice(obj, "kind", KINDS)
    elif answers is None:
        raise ValueError("field 'answers' is missing: give the gold strings, or [] for a question "
                         "the documents do not answer")
    else:
        kind = "fact" if answers else metrics.UNANSWERABLE
    answerable = kind != metrics.UNANSWERABLE
    answers = answers if answers is not None else []
    if answerable and not any(a.strip() for a in answers):
        raise ValueError("an answerable question needs at least one non-empty gold answer")
    ident = obj.get("id", f"line-{line}" if line is not None else None)
    if isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    evidence = obj.get("evidence", "")
    if not isinstance(evidence, str):
        raise ValueError("field 'evidence' must be a string")
    question = {
        "id": _require_text({"id": ident}, "id"),
        "question": text,
        "lang": _require_choice(obj, "lang", LANGS) if "lang" in obj else infer_lang(text),
        "kind": kind,
        "answers": answers,
        "evidence": evidence,
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
            question = parse_question(json.loads(line), number)
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
        retrieved_docs=[hit.chunk.doc_id for hit in answer.retrieved],
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
    label: str = "",
) -> list[metrics.Record]:
    """Every question asked in one retrieval mode, with a progress bar on stderr."""
    desc = f"{label} {mode}".strip()
    bar = tqdm(questions, desc=desc, unit="q", file=sys.stderr, disable=not progress)
    return [metrics.Record(q, ask_timed(answerer, q, mode, k, clock)) for q in bar]


def run_benchmark(
    questions: Sequence[dict[str, Any]],
    answerer: Answerer,
    modes: Sequence[str] = MODES,
    *,
    style: str = FACTS,
    k: int = DEFAULT_K,
    progress: bool = False,
    clock: Callable[[], float] = time.perf_counter,
    label: str = "",
    fold_twins: bool = False,
) -> dict[str, Any]:
    """Ask every question in every mode; return the figures as plain, JSON-ready data.

    For a facts set ``modes[m]`` holds ``overall``, ``by_lang`` and ``by_kind`` figures
    (see :func:`eval.metrics.breakdown`); for a span set, ``overall`` only (see
    :func:`eval.metrics.span_summary`). ``failures[m]`` lists the failed questions of
    mode ``m`` and ``seconds[m]`` the wall time its questions took. With ``fold_twins``
    (the questions hold folded twins, :func:`eval.twins.with_twins`) ``twins[m]`` compares
    originals and twins (:func:`eval.twins.compare`).
    """
    figures: dict[str, Any] = {}
    failed: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    twin_figures: dict[str, Any] = {}
    for mode in modes:
        started = clock()
        records = run_mode(questions, answerer, mode, k=k, progress=progress, clock=clock, label=label)
        seconds[mode] = clock() - started
        if style == SPANS:
            figures[mode] = {"overall": metrics.span_summary(records)}
            failed[mode] = metrics.span_failures(records)
        else:
            figures[mode] = metrics.breakdown(records)
            failed[mode] = metrics.failures(records)
        if fold_twins:
            twin_figures[mode] = twins.compare(records, style)
    run = {"n_questions": len(questions), "k": k, "style": style, "modes": figures,
           "failures": failed, "seconds": seconds}
    if fold_twins:
        run["twins"] = twin_figures
    return run


# --------------------------------------------------------------------------- command line


def _comma_list(text: str, allowed: Sequence[str], what: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [m for m in items if m not in allowed]
    if unknown or not items:
        problem = f"unknown {what} {', '.join(map(repr, unknown))}" if unknown else f"no {what} given"
        raise argparse.ArgumentTypeError(f"{problem}: use a comma-separated list of {', '.join(allowed)}")
    return items


def parse_modes(text: str) -> tuple[str, ...]:
    """``"bm25, hybrid"`` -> ``("bm25", "hybrid")``; an unknown mode is a usage error."""
    return _comma_list(text, MODES, "mode")


#: The conversations set (eval/questions_followup.jsonl, over the bundled documents),
#: scored by :mod:`eval.followup` and reported beside the other sets.
FOLLOWUP = "followup"


def parse_sets(text: str) -> tuple[str, ...]:
    """``"plans,regulations"`` -> ``("plans", "regulations")``; an unknown set is a usage error."""
    return _comma_list(text, STANDARD_SETS + (FOLLOWUP,), "set")


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
        description="Benchmark retrieval, answers, citations, abstention and latency of the "
        "assistant on each question set (articles, plans, regulations), side by side.",
    )
    parser.add_argument("--sets", type=parse_sets, default=None,
                        help="comma-separated sets to run (default: every set whose data is present: "
                        + ",".join(STANDARD_SETS + (FOLLOWUP,)) + ")")
    parser.add_argument("--questions", type=Path, default=None,
                        help="your own JSON-lines question file, run instead of the standard sets")
    parser.add_argument("--documents", type=Path, default=None,
                        help="documents folder for --questions (default: the configured one), or for "
                        "the one set chosen with --sets")
    parser.add_argument("--modes", type=parse_modes, default=DEFAULT_MODES,
                        help="comma-separated retrieval modes (default: hybrid; also bm25, dense)")
    parser.add_argument("--split", choices=("test", "dev", "all"), default=None,
                        help="questions to run (default: test; for --questions without splits, all)")
    parser.add_argument("--json", action="store_true",
                        help="print the figures as JSON on stdout (tables go to stderr)")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT,
                        help="Markdown report path; charts are written beside it "
                        "(default: eval/reports/report.md)")
    parser.add_argument("--limit", type=_positive_int, default=None,
                        help="run only the first N questions of each set's split")
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder for --questions (default: the configured one), or for the "
                        "one set chosen with --sets (default: eval/cache/<set>/index)")
    parser.add_argument("--fold-twins", nargs="?", const="folded", default=None, choices=twins.STYLES,
                        help="ask only the Vietnamese questions written with diacritics, each also "
                        "typed without them (folded; 'lower': folded, lower-cased, no final '?'), "
                        "and compare the two (eval/twins.py)")
    return parser


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parsed arguments; exits with status 2 (argparse's usage error) when unusable."""
    return build_parser().parse_args(argv)


def selected_sets(args: argparse.Namespace) -> list[EvalSet]:
    """The sets to run: the evaluator's file alone, else the chosen (or all) standard sets.

    ``--documents`` and ``--index`` re-point a single set; with several they would be
    ambiguous, which is a usage error (``ValueError``).
    """
    if args.questions is not None:
        if args.sets:
            raise ValueError("give either --questions or --sets, not both")
        if is_span_file(args.questions):
            if args.documents is not None:
                raise ValueError(f"{args.questions} brings its own contexts: --documents is not used with it")
            index = args.index if args.index is not None else own_index(args.questions)
            return [EvalSet(CUSTOM, SPANS, index.parent / "documents", args.questions, index)]
        index = args.index if args.index is not None or args.documents is None else own_index(args.documents)
        return [EvalSet(CUSTOM, FACTS, args.documents, args.questions, index)]
    available = standard_sets()
    chosen = [available[name] for name in (args.sets or STANDARD_SETS) if name != FOLLOWUP]
    if args.documents is not None or args.index is not None:
        if len(chosen) != 1:
            raise ValueError("--documents and --index need --questions, or exactly one set in --sets")
        (only,) = chosen
        chosen = [replace(only, documents=args.documents or only.documents, index=args.index or only.index)]
    return chosen


def own_index(source: Path) -> Path:
    """The index folder of an evaluator's documents folder given without ``--index`` (or of
    a reading-comprehension file, whose contexts are written beside it): one per folder or
    file under ``eval/cache/`` (git-ignored), built on first use and reused, never the
    configured index of the chat's documents."""
    digest = hashlib.sha256(str(source.resolve()).encode("utf-8")).hexdigest()[:12]
    return EVAL_DIR / "cache" / f"{CUSTOM}-{digest}" / "index"


def open_assistant(evalset: EvalSet) -> Answerer:
    """The real assistant on one set's documents and index, built with progress bars.

    Imported here so that parsing arguments needs no model.
    """
    from qa.__main__ import _progress_bar  # the CLI's index-building bars
    from qa.config import load_settings
    from qa.pipeline import Assistant

    overrides = {"documents_dir": evalset.documents, "index_dir": evalset.index}
    try:
        settings = load_settings(**overrides)  # None values keep the configured folder
    except ValueError as exc:
        raise SetupError(f"unusable settings: {exc}") from exc
    print(f"[{evalset.name}] opening the index at {settings.index_dir} "
          f"(documents: {settings.documents_dir})", file=sys.stderr)
    return Assistant.open(settings, progress=_progress_bar())


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


def load_set_questions(evalset: EvalSet) -> list[dict[str, Any]]:
    """A set's questions; bad lines are reported on stderr. A span set's contexts are
    (re)written into its documents folder first, so the index sees them."""
    if evalset.style == SPANS:
        try:
            if evalset.name == CUSTOM:
                questions, contexts = read_span_file(evalset.questions)
                for q in questions:
                    q["lang"] = infer_lang(q["question"])
            else:
                questions, contexts = read_regulations(evalset.questions)
        except SpanFileError as exc:
            raise QuestionFileError(str(exc)) from exc
        written = write_contexts(contexts, evalset.documents)
        if written:
            print(f"[{evalset.name}] wrote {written} of {len(contexts)} contexts to {evalset.documents}",
                  file=sys.stderr)
        return questions
    questions, problems = load_questions(evalset.questions)
    for problem in problems:
        print(problem, file=sys.stderr)
    return questions


def _skipped(evalset: EvalSet, reason: str) -> dict[str, Any]:
    print(f"[{evalset.name}] skipped: {reason}", file=sys.stderr)
    return {"status": "skipped", "reason": reason, "style": evalset.style}


def run_set(
    evalset: EvalSet,
    args: argparse.Namespace,
    open_answerer: Callable[[EvalSet], Answerer],
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    """Run one set in every mode: its entry of the run (``status`` ran, skipped or failed).

    Raises :class:`QuestionFileError` when an evaluator's own file cannot be read.
    """
    reason = evalset.missing() if evalset.name != CUSTOM else None
    if reason:
        return _skipped(evalset, reason)
    questions = load_set_questions(evalset)
    if evalset.name == CUSTOM:
        split = resolve_split(questions, args.split)
    else:
        split = args.split or DEFAULT_SPLIT
    selected = select_split(questions, split)
    twin_style = getattr(args, "fold_twins", None)
    fold_twins = twin_style is not None
    if fold_twins:
        selected = [q for q in selected if twins.has_twin(q)]
    if args.limit:
        selected = selected[: args.limit]
    if fold_twins:
        selected = twins.with_twins(selected, twin_style)
    if not selected:
        return _skipped(evalset, f"no usable questions in split {split!r}")
    started = clock()
    try:
        answerer = open_answerer(evalset)
        _warm_up(answerer, selected, args.modes)
    except (QAError, SetupError) as exc:
        print(f"error: [{evalset.name}] cannot open the assistant: {exc}", file=sys.stderr)
        return {"status": "failed", "reason": f"cannot open the assistant: {exc}", "style": evalset.style}
    opened = clock()
    run = run_benchmark(selected, answerer, args.modes, style=evalset.style, progress=True,
                        label=evalset.name, fold_twins=fold_twins)
    finished = clock()
    run.update({
        "status": "ran",
        "split": split,
        "questions_file": str(evalset.questions),
        "documents": str(evalset.documents) if evalset.documents else "(configured)",
        "timing_s": {"open": opened - started, "ask": finished - opened, "wall": finished - started},
    })
    if evalset.style == FACTS:
        run["targets"] = [t.as_dict() for t in report.check_targets(run["modes"])]
    return run


def run_followup_set(args: argparse.Namespace, open_answerer: Callable[[EvalSet], Answerer]) -> dict[str, Any]:
    """The follow-up conversations of the chosen split, asked turn by turn over the
    bundled documents' index (:mod:`eval.followup` scores them)."""
    from eval import followup  # imports this module: loaded only when used

    if not followup.DEFAULT_QUESTIONS.is_file():
        return {"status": "skipped", "reason": f"no conversations at {followup.DEFAULT_QUESTIONS}"}
    split = args.split or DEFAULT_SPLIT
    conversations, problems = followup.load_conversations(followup.DEFAULT_QUESTIONS)
    for problem in problems:
        print(problem, file=sys.stderr)
    chosen = followup.select(conversations, split)
    if args.limit:
        chosen = chosen[: args.limit]
    try:
        answerer = open_answerer(standard_sets()["articles"])
    except (QAError, SetupError) as exc:
        return {"status": "failed", "reason": f"cannot open the assistant: {exc}"}
    run = followup.run_followup(chosen, answerer.ask, "hybrid", DEFAULT_K)
    run.update(status="ran", split=split)
    return run


def main(
    argv: Sequence[str] | None = None,
    open_answerer: Callable[[EvalSet], Answerer] = open_assistant,
) -> int:
    """``python -m eval``: run each set, print the tables (or JSON), write the report. Exit status.

    0 when every set that could run did (absent data is skipped, not an error); 1 when an
    assistant could not be opened for some set; 2 for unusable arguments or an unreadable
    ``--questions`` file.
    """
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        ablation.apply_from_env()  # eval-only: QA_GLOSSARY_DROP=FRACTION:SEED
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        evalsets = selected_sets(args)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    problem = _prepare_report_dir(args.report)
    if problem:
        return _fail(problem, EXIT_USAGE)
    run: dict[str, Any] = {"modes": list(args.modes), "k": DEFAULT_K, "sets": {}}
    for evalset in evalsets:
        try:
            entry = run_set(evalset, args, open_answerer)
        except QuestionFileError as exc:
            return _fail(str(exc), EXIT_USAGE)
        if evalset.name == CUSTOM and entry["status"] == "skipped":
            return _fail(f"{evalset.questions}: {entry['reason']}", EXIT_USAGE)
        run["sets"][evalset.name] = entry
    if args.questions is None and (args.sets is None or FOLLOWUP in args.sets):
        run["followup"] = run_followup_set(args, open_answerer)
    written = report.write_report(run, args.report)
    run["report"] = {"markdown": str(written[0]), "charts": [str(p) for p in written[1:]]}
    tables = report.text_tables(run)
    twin_tables = "\n\n".join(twins.table(name, mode, comparison) for name, entry in run["sets"].items()
                                for mode, comparison in entry.get("twins", {}).items())
    if twin_tables:
        tables += "\n\n" + twin_tables
        with written[0].open("a", encoding="utf-8") as fh:
            fh.write("\n## folded twins\n\n```\n" + twin_tables + "\n```\n")
    if run.get("followup", {}).get("status") == "ran":
        from eval import followup  # imports this module: loaded only when used

        section = followup.table(run["followup"])
        tables += "\n\n" + section
        with written[0].open("a", encoding="utf-8") as fh:
            fh.write("\n## followup\n\n" + section + "\n")
    if args.json:
        print(tables, file=sys.stderr)
        print(json.dumps(run, ensure_ascii=False, indent=2))
    else:
        print(tables)
        print(f"\nReport: {written[0]}")
    entries = [*run["sets"].values(), run.get("followup", {"status": "ran"})]
    failed = any(entry["status"] == "failed" for entry in entries)
    return EXIT_FAILED if failed else EXIT_OK
