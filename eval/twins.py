"""Folded twins: every Vietnamese question asked again as a user types it without
diacritics, so that the no-diacritics gap is measured on every question of a file rather
than on a few hand-written ones.

A twin is its original with tone and vowel marks stripped and "đ" typed "d"
(:func:`qa.text.fold`: case, spacing and punctuation kept), the same gold answers and
evidence: the gold strings are not folded, since an answer quotes the documents, which
keep their diacritics (the metrics compare NFC and casefolded text, not folded text).
Only questions written with diacritics (``lang`` "vi") get a twin; English and questions
already typed without diacritics have none.

``python -m eval ... --fold-twins`` asks each such question and its twin and reports the
right answers of originals against twins, and lists the pairs whose outcome differs.
``--fold-twins lower`` makes the twin as officials type in a hurry: folded, lower-cased,
without the final question mark (the hand-written no-diacritics questions are mostly so).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eval import metrics
from qa.text import fold, has_diacritics

#: The suffix of a twin's id: "q12" -> "q12~fold".
TWIN_SUFFIX = "~fold"
#: The ways a twin is typed: folded as written (case and punctuation kept), or folded,
#: lower-cased and without the final question mark.
STYLES = ("folded", "lower")
#: The lang of a twin (the runner's group for Vietnamese typed without diacritics).
TWIN_LANG = "vi-nodiac"


def has_twin(question: Mapping[str, Any]) -> bool:
    """Whether a question gets a folded twin: Vietnamese written with diacritics."""
    return question.get("lang") == "vi" and has_diacritics(str(question.get("question", "")))


def typed(text: str, style: str = "folded") -> str:
    """The text as a user types it without diacritics (``STYLES``)."""
    folded = fold(text)
    if style == "lower":
        return folded.lower().rstrip().rstrip("?").rstrip()
    return folded


def fold_twin(question: Mapping[str, Any], style: str = "folded") -> dict[str, Any]:
    """The question typed without diacritics (``typed``): ``~fold`` id, lang vi-nodiac,
    everything else (gold answers, evidence, kind, split, doc_id) unchanged."""
    twin = dict(question)
    twin["question"] = typed(str(question["question"]), style)
    twin["id"] = f"{question['id']}{TWIN_SUFFIX}"
    twin["lang"] = TWIN_LANG
    twin["twin_of"] = question["id"]
    return twin


def with_twins(questions: Sequence[dict[str, Any]], style: str = "folded") -> list[dict[str, Any]]:
    """The questions that get a twin, then their twins in the same order."""
    originals = [q for q in questions if has_twin(q)]
    return originals + [fold_twin(q, style) for q in originals]


def is_right(record: metrics.Record, style: str) -> bool:
    """One outcome per question: an answerable question answered right (facts: accurate;
    spans: the gold span contained), an unanswerable one refused."""
    if style == "spans":
        verdict = metrics.judge_span(record)
        return verdict.contained if verdict.answerable else verdict.refused
    verdict = metrics.judge(record)
    return verdict.accurate if verdict.answerable else verdict.abstained


def _pair_entry(original: metrics.Record, twin: metrics.Record) -> dict[str, Any]:
    return {
        "id": original.question.get("id"),
        "question": original.question.get("question"),
        "twin": twin.question.get("question"),
        "expected": list(original.question.get("answers", [])),
        "got": original.result.answer,
        "got_twin": twin.result.answer,
        "abstained": original.result.abstained,
        "abstained_twin": twin.result.abstained,
    }


def compare(records: Sequence[metrics.Record], style: str) -> dict[str, Any]:
    """Originals against twins: how many of each are right and the pairs that differ
    (``lost``: right as written, wrong folded; ``gained``: the reverse)."""
    by_id = {str(r.question.get("id")): r for r in records}
    pairs = [(by_id[str(r.question["twin_of"])], r) for r in records
             if "twin_of" in r.question and str(r.question["twin_of"]) in by_id]
    lost, gained = [], []
    right_original = right_twin = 0
    for original, twin in pairs:
        a, b = is_right(original, style), is_right(twin, style)
        right_original += a
        right_twin += b
        if a and not b:
            lost.append(_pair_entry(original, twin))
        elif b and not a:
            gained.append(_pair_entry(original, twin))
    n = len(pairs)
    return {
        "pairs": n,
        "right_original": metrics._ratio(right_original, n),
        "right_twin": metrics._ratio(right_twin, n),
        "lost": lost,
        "gained": gained,
    }


def table(name: str, mode: str, comparison: Mapping[str, Any]) -> str:
    """The terminal summary of one set's twins: the two rates and every differing pair."""
    def rate(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines = [f"== {name}: {mode} folded twins ==",
             f"pairs {comparison['pairs']}  right original {rate(comparison['right_original'])}  "
             f"right twin {rate(comparison['right_twin'])}  lost {len(comparison['lost'])}  "
             f"gained {len(comparison['gained'])}"]
    for label, entries in (("LOST", comparison["lost"]), ("GAINED", comparison["gained"])):
        for e in entries:
            lines.append(f"{label} {e['id']}: {e['question']}")
            lines.append(f"    twin: {e['twin']}")
            lines.append(f"    expected: {e['expected'][:2]}")
            lines.append(f"    original -> {e['got'][:200]!r}")
            lines.append(f"    twin     -> {e['got_twin'][:200]!r}")
    return "\n".join(lines)
