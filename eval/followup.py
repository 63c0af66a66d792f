"""The follow-up benchmark: conversations of two or three turns, asked through the real
:class:`qa.pipeline.Assistant` with each conversation's history.

    python -m eval.followup [--split test|dev|all] [--questions PATH] [--mode hybrid] [--json] [--failures]
                            [--documents DIR]

``eval/questions_followup.jsonl`` holds one turn a line, in the main set's schema
(``id``, ``question``, ``lang``, ``kind``, ``answers``, ``evidence``, ``split``) plus
``conversation`` and ``turn`` (the order of the turns), ``carries`` (what the turn
takes from the turns before it: ``province``, ``year``, ``indicator``; empty for a
first turn or a new topic) and ``expect_provinces`` / ``expect_years`` (what the
standalone question must name: the carried ones, or only the turn's own for a new
topic). The split is by conversation, so no conversation is half dev, half test.

Figures
-------
turn accuracy
    Turns answered right: an answerable turn holds a gold string, is concise and does
    not abstain (:func:`eval.metrics.judge`); an unanswerable one abstains.
resolution accuracy
    Later turns whose standalone question (``Answer.understood``, else the question
    as asked) names exactly the expected provinces and years.
follow-up accuracy
    Later turns (turn 2 on) answered right *and* resolved right. The target is 0.90.
carried-over accuracy / new-topic accuracy
    The same, over the later turns that carry something over, and over those that
    start a new topic and must carry nothing.
conversation accuracy
    Conversations all of whose turns are answered and resolved right.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval import metrics
from eval.runner import EVAL_DIR, SetupError, open_assistant, parse_question
from qa.errors import QAError
from qa.retrieval.provinces import province_spans
from qa.text import years
from qa.types import Answer

DEFAULT_QUESTIONS = EVAL_DIR / "questions_followup.jsonl"
CARRIED = ("province", "year", "indicator")
TARGET = 0.90

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Ask = Callable[..., Answer]


# --------------------------------------------------------------------------- the set

def parse_turn(obj: Any) -> dict[str, Any]:
    """A validated turn: the main set's fields (checked by :func:`eval.runner.parse_question`)
    and the conversation's; ``ValueError`` says which field is wrong."""
    turn = parse_question(obj)
    conversation, number = obj.get("conversation"), obj.get("turn")
    if not isinstance(conversation, str) or not conversation:
        raise ValueError("field 'conversation' must be a non-empty string")
    if not isinstance(number, int) or number < 1:
        raise ValueError("field 'turn' must be a whole number from 1")
    carries = obj.get("carries", [])
    if not isinstance(carries, list) or any(c not in CARRIED for c in carries):
        raise ValueError(f"field 'carries' must list some of {', '.join(CARRIED)}")
    provinces, expected_years = obj.get("expect_provinces"), obj.get("expect_years")
    if provinces is not None and not (isinstance(provinces, list) and all(isinstance(p, str) for p in provinces)):
        raise ValueError("field 'expect_provinces' must be a list of province names")
    if expected_years is not None and not (isinstance(expected_years, list)
                                           and all(isinstance(y, int) for y in expected_years)):
        raise ValueError("field 'expect_years' must be a list of years")
    turn.update(conversation=conversation, turn=number, carries=list(carries),
                expect_provinces=provinces, expect_years=expected_years)
    return turn


def load_conversations(path: Path) -> tuple[list[list[dict[str, Any]]], list[str]]:
    """The conversations of a turns file (each a list of turns in order), and one
    message per bad line or conversation (a conversation with a bad line is left out,
    since its later turns would be asked without it)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SetupError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    turns: dict[str, list[dict[str, Any]]] = {}
    broken: set[str] = set()
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            problems.append(f"{path}:{number}: invalid JSON ({exc})")
            continue
        try:
            turn = parse_turn(obj)
        except ValueError as exc:
            problems.append(f"{path}:{number}: {exc}")
            if isinstance(obj, dict) and isinstance(obj.get("conversation"), str):
                broken.add(obj["conversation"])
            continue
        turns.setdefault(turn["conversation"], []).append(turn)
    conversations = []
    for cid, found in turns.items():
        found.sort(key=lambda t: t["turn"])
        if cid in broken:
            problems.append(f"{path}: conversation {cid!r} left out: one of its lines is bad")
        elif [t["turn"] for t in found] != list(range(1, len(found) + 1)):
            problems.append(f"{path}: conversation {cid!r} left out: its turns are not numbered 1, 2, …")
        elif len({t.get("split") for t in found}) > 1:
            problems.append(f"{path}: conversation {cid!r} left out: its turns are in different splits")
        else:
            conversations.append(found)
    return conversations, problems


def select(conversations: Sequence[list[dict[str, Any]]], split: str) -> list[list[dict[str, Any]]]:
    """The conversations of one split (``all``: every one)."""
    return [c for c in conversations if split == "all" or c[0].get("split") == split]


# --------------------------------------------------------------------------- asking

@dataclass(frozen=True)
class TurnRecord:
    """One turn as asked, and how it fared."""

    turn: dict[str, Any]
    result: metrics.Result
    understood: str | None
    correct: bool
    resolved: bool  # the standalone question names exactly what it should


def answered_right(turn: dict[str, Any], result: metrics.Result) -> bool:
    """Right answer (gold string, concise, no abstention), or abstention when the
    plans do not say."""
    if result.error:
        return False
    verdict = metrics.judge(metrics.Record(turn, result))
    return verdict.accurate if verdict.answerable else verdict.abstained


def resolved_right(turn: dict[str, Any], standalone: str) -> bool:
    """Whether the question asked names exactly the expected provinces and years (a
    turn without expectations counts as resolved)."""
    provinces, expected = turn.get("expect_provinces"), turn.get("expect_years")
    named = {name for _, _, name in province_spans(standalone)}
    if provinces is not None and named != set(provinces):
        return False
    return expected is None or set(years(standalone)) == set(expected)


def ask_conversation(ask: Ask, turns: Sequence[dict[str, Any]], mode: str, k: int,
                     clock: Callable[[], float] = time.perf_counter) -> list[TurnRecord]:
    """Ask a conversation's turns in order, each with the answers before it."""
    history: list[Answer] = []
    records = []
    for turn in turns:
        start = clock()
        try:
            answer = ask(turn["question"], history=list(history), mode=mode, k=k, id=turn["id"])
        except QAError as exc:
            result = metrics.Result(answer="", abstained=False, latency_ms=(clock() - start) * 1000, error=str(exc))
            records.append(TurnRecord(turn, result, None, False, False))
            continue
        history.append(answer)
        result = metrics.Result(answer=answer.answer, abstained=answer.abstained,
                                cited={c.n: c.passage for c in answer.citations},
                                retrieved=[h.chunk.text for h in answer.retrieved],
                                latency_ms=(clock() - start) * 1000)
        standalone = answer.understood or turn["question"]
        records.append(TurnRecord(turn, result, answer.understood, answered_right(turn, result),
                                  resolved_right(turn, standalone)))
    return records


# --------------------------------------------------------------------------- figures

def _share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def figures(conversations: Sequence[Sequence[TurnRecord]]) -> dict[str, Any]:
    """Every figure of the follow-up benchmark, overall and per language."""
    turns = [r for c in conversations for r in c]
    later = [r for r in turns if r.turn["turn"] > 1]
    carried = [r for r in later if r.turn["carries"]]
    fresh = [r for r in later if not r.turn["carries"]]
    out: dict[str, Any] = {
        "n_conversations": len(conversations),
        "n_turns": len(turns),
        "n_followups": len(later),
        "turn_accuracy": _share([r.correct for r in turns]),
        "resolution_accuracy": _share([r.resolved for r in later]),
        "followup_accuracy": _share([r.correct and r.resolved for r in later]),
        "followup_answer_accuracy": _share([r.correct for r in later]),
        "carried_accuracy": _share([r.correct and r.resolved for r in carried]),
        "new_topic_accuracy": _share([r.correct and r.resolved for r in fresh]),
        "conversation_accuracy": _share([all(r.correct and (r.resolved or r.turn["turn"] == 1) for r in c)
                                         for c in conversations]),
        "by_carried": {what: _share([r.correct and r.resolved for r in carried if what in r.turn["carries"]])
                       for what in CARRIED},
    }
    langs = sorted({r.turn["lang"] for r in turns})
    out["by_lang"] = {lang: _share([r.correct and r.resolved for r in later if r.turn["lang"] == lang])
                      for lang in langs}
    return out


def failures(conversations: Sequence[Sequence[TurnRecord]]) -> list[dict[str, Any]]:
    """The turns answered or resolved wrongly, with what was understood and said."""
    out = []
    for conversation in conversations:
        for r in conversation:
            if r.correct and (r.resolved or r.turn["turn"] == 1):
                continue
            out.append({"id": r.turn["id"], "question": r.turn["question"], "understood": r.understood,
                        "expected": r.turn["answers"] or "(abstain)", "got": r.result.error or r.result.answer,
                        "why": [w for w, bad in (("answer", not r.correct), ("resolution", not r.resolved)) if bad]})
    return out


def table(run: dict[str, Any]) -> str:
    """The figures as a small Markdown table."""
    f = run["figures"]

    def show(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    rows = [("turn accuracy", f["turn_accuracy"]), ("resolution accuracy", f["resolution_accuracy"]),
            (f"follow-up accuracy (target ≥ {TARGET:.2f})", f["followup_accuracy"]),
            ("carried-over accuracy", f["carried_accuracy"]), ("new-topic accuracy", f["new_topic_accuracy"]),
            ("conversation accuracy", f["conversation_accuracy"])]
    rows += [(f"follow-up accuracy, carried {w}", v) for w, v in f["by_carried"].items()]
    rows += [(f"follow-up accuracy, {lang}", v) for lang, v in f["by_lang"].items()]
    head = (f"Follow-up benchmark: split {run['split']}, mode {run['mode']}: {f['n_conversations']} conversations, "
            f"{f['n_turns']} turns ({f['n_followups']} follow-ups)\n\n| figure | value |\n|---|---|\n")
    return head + "\n".join(f"| {name} | {show(value)} |" for name, value in rows)


def run_followup(conversations: Sequence[list[dict[str, Any]]], ask: Ask, mode: str = "hybrid",
                 k: int = 5) -> dict[str, Any]:
    """Ask every conversation and return the figures and failures as plain data."""
    records = [ask_conversation(ask, c, mode, k) for c in conversations]
    return {"mode": mode, "k": k, "figures": figures(records), "failures": failures(records)}


# --------------------------------------------------------------------------- command line

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval.followup",
                                     description="Score follow-up questions in conversations through the assistant.")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS,
                        help="JSON-lines turns file (default: eval/questions_followup.jsonl)")
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test",
                        help="conversations to run (default: test)")
    parser.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid")
    parser.add_argument("--json", action="store_true", help="print the figures and failures as JSON")
    parser.add_argument("--failures", action="store_true", help="list the failed turns after the table")
    parser.add_argument("--set", dest="collection", choices=("articles", "plans", "regulations"), default="articles",
                        help="the collection the conversations are about (default: articles, the bundled plans; "
                             "eval/questions_followup_plans.jsonl is about plans)")
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder to use instead of the collection's (eval/cache/<set>/index)")
    parser.add_argument("--documents", type=Path, default=None,
                        help="documents folder the conversations are about instead of the collection's "
                             "(its index, unless --index, is built under eval/cache/ as `python -m eval` does)")
    return parser


def collection_for(args: argparse.Namespace) -> Any:
    """The set the conversations are asked on: ``--set``'s documents and index under
    eval/cache; ``--documents`` re-points it to an evaluator's folder, whose index (unless
    ``--index``) is that folder's own under eval/cache (:func:`eval.runner.own_index`),
    never the collection's, so that a floor check on other documents needs no set of
    its own."""
    from dataclasses import replace

    from eval.runner import own_index
    from eval.sets import standard_sets

    collection = standard_sets()[args.collection]
    if args.documents is not None:
        return replace(collection, documents=args.documents, index=args.index or own_index(args.documents))
    return replace(collection, index=args.index or collection.index)


def _open(args: argparse.Namespace) -> Any:
    """The assistant on the set :func:`collection_for` chooses."""
    return open_assistant(collection_for(args))


def main(argv: Sequence[str] | None = None,
         open_answerer: Callable[[argparse.Namespace], Any] = _open) -> int:
    """``python -m eval.followup``: run, print the table (or JSON). Exit status."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    from eval import ablation
    try:
        ablation.apply_from_env()  # eval-only: QA_GLOSSARY_DROP=FRACTION:SEED
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        conversations, problems = load_conversations(args.questions)
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for problem in problems:
        print(problem, file=sys.stderr)
    chosen = select(conversations, args.split)
    if not chosen:
        print(f"error: {args.questions}: no conversations in split {args.split!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        assistant = open_answerer(args)
    except (QAError, SetupError) as exc:
        print(f"error: cannot open the assistant: {exc}", file=sys.stderr)
        return EXIT_FAILED
    run = run_followup(chosen, assistant.ask, args.mode)
    run.update(split=args.split, questions_file=str(args.questions))
    if args.json:
        print(json.dumps(run, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(table(run))
    if args.failures:
        for failure in run["failures"]:
            print(json.dumps(failure, ensure_ascii=False))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
