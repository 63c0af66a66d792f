"""The benchmark's figures, computed from plain per-question records.

Everything here is pure: no model, no files, no clock. A record pairs a question (the
dict read from ``questions.jsonl``) with a :class:`Result` (what the assistant said), so
every figure can be checked by hand on a few made-up records.

Terms
-----
normalise
    NFC, casefold, every run of whitespace collapsed to one space. Evidence, gold answers,
    passages and answers are all compared in this form, so "Hà  Tĩnh" (decomposed, two
    spaces) matches "hà tĩnh".
holds the evidence
    A passage holds the evidence when the normalised ``evidence`` string of the question is
    a substring of the normalised passage.
answerable
    Every question whose ``kind`` is not ``"unanswerable"``. Retrieval, accuracy and
    citation figures are over answerable questions only.
recall@k
    Fraction of answerable questions with at least one of the top ``k`` retrieved passages
    holding the evidence.
MRR@10
    Mean over answerable questions of ``1 / rank`` of the first retrieved passage holding
    the evidence, counting 0 when none of the top 10 does.
accuracy
    Fraction of answerable questions whose answer contains a gold string, is concise (at
    most :data:`MAX_ANSWER_CHARS` characters, counted on the answer text as shown,
    ``[n]`` markers included) and is not an abstention.
citation accuracy
    Fraction of answerable questions where the citation the answer marks first (the first
    ``[n]`` marker in the text, looked up by its number) holds the evidence. An answer
    without markers, or whose first marker names no citation, scores 0.
abstention precision / recall
    Precision: unanswerable questions among those the assistant abstained on. Recall:
    abstained questions among the unanswerable ones. A ratio with nothing to divide by
    (no abstentions at all, or no unanswerable questions) is ``None`` - "not measured" -
    rather than 1.0: a silent 1.0 would let "never abstains" look like perfect precision.
false-abstention rate
    Abstained questions among the answerable ones.
latency p50 / p95
    Percentiles (linear interpolation) of the wall-clock milliseconds of each ask.

Span sets (reading comprehension, e.g. ViRHE4QA: one gold span copied from one context)
---------------------------------------------------------------------------------------
answer text compared
    What the answer asserts, without the framing the assistant puts around it: the
    quoted parts that carry a citation marker (``“…” [n]``), joined by a space. The lead
    ("Theo “Điều 5…”: ", "According to the … plan: ") is left out, since it may quote a
    document title that happens to hold the span. An answer with no marked quotation is
    compared whole, its ``[n]`` markers removed. An abstention asserts nothing: its text
    compared is empty (the "nearest passage" it shows is not an answer).
tokens
    The normalised text's runs of Unicode word characters: Vietnamese syllables,
    numbers, abbreviations ("ĐHQG-HCM" -> "đhqg", "hcm"); punctuation is dropped.
span containment
    The normalised gold span, without the punctuation at its ends (a span copied with its
    sentence's full stop is still found in a quotation that drops it), is a substring of
    the normalised answer text compared.
containment at 80%
    At least 80% of the gold span's tokens (counted with repetition) occur among the
    answer's tokens: a span found but cut short or re-punctuated still counts.
token F1
    Harmonic mean of token precision (shared tokens / answer tokens) and recall (shared /
    gold tokens), shared tokens counted with repetition (SQuAD's F1); 0 when either side
    has no tokens.
false refusals
    Abstentions, as a share of the questions (every span question has an answer).
recall@5 (span sets)
    Fraction of questions with one of the top 5 retrieved passages taken from the
    question's own context document and holding at least 80% of the gold span's tokens
    (a span longer than a passage, or cut by a passage boundary, can still be found).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_ANSWER_CHARS = 300
RECALL_KS = (1, 3, 5)
MRR_DEPTH = 10
UNANSWERABLE = "unanswerable"

SPAN_CONTAINMENT_SHARE = 0.8
SPAN_RECALL_K = 5

_WHITESPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")
_END_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
# A quotation the answer marks with a citation: “clause” [2]
_MARKED_QUOTE = re.compile(r"“([^”]*)”\s*\[\d+(?:\s*,\s*\d+)*\]")
# "[2]" or "[2, 3]": the first number is the citation the answer marks first.
_MARKER = re.compile(r"\[(\d+)(?:\s*,\s*\d+)*\]")


@dataclass(frozen=True)
class Result:
    """What the assistant returned for one question, reduced to what the metrics read.

    ``cited`` maps each citation number ``n`` to its passage; ``retrieved`` is every
    retrieved passage text in rank order. ``error`` holds the message of a user error the
    assistant raised instead of answering (the question then counts as failed).
    """

    answer: str
    abstained: bool
    cited: Mapping[int, str] = field(default_factory=dict)
    retrieved: Sequence[str] = ()
    latency_ms: float = 0.0
    error: str | None = None
    # The document id of each retrieved passage, in the same order as ``retrieved``.
    retrieved_docs: Sequence[str] = ()


@dataclass(frozen=True)
class Record:
    """One question and the assistant's result for it."""

    question: Mapping[str, Any]
    result: Result


@dataclass(frozen=True)
class Verdict:
    """How one record fares on every per-question rule, before any averaging.

    ``evidence_rank`` is the 1-based rank of the first retrieved passage holding the
    evidence (``None`` when none does, or the question is unanswerable). A question
    without evidence (``has_evidence`` false: an evaluator's file may give none) counts
    in no retrieval or citation figure.
    """

    answerable: bool
    has_evidence: bool
    abstained: bool
    evidence_rank: int | None
    gold_found: bool
    concise: bool
    accurate: bool
    citation_ok: bool


def normalise(text: str) -> str:
    """Text in the one form every comparison uses: NFC, casefolded, single spaces."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return _WHITESPACE.sub(" ", folded).strip()


def holds_evidence(passage: str, evidence: str) -> bool:
    """Whether the passage contains the evidence string (both normalised)."""
    needle = normalise(evidence)
    return bool(needle) and needle in normalise(passage)


def first_marker(answer: str) -> int | None:
    """The number of the first ``[n]`` marker in an answer, if it has one."""
    match = _MARKER.search(answer)
    return int(match.group(1)) if match else None


def is_answerable(question: Mapping[str, Any]) -> bool:
    """Whether the question has an answer in the corpus (its kind is not unanswerable)."""
    return question.get("kind") != UNANSWERABLE


def evidence_rank(retrieved: Sequence[str], evidence: str) -> int | None:
    """1-based rank of the first retrieved passage holding the evidence, or ``None``."""
    for rank, passage in enumerate(retrieved, start=1):
        if holds_evidence(passage, evidence):
            return rank
    return None


def judge(record: Record) -> Verdict:
    """Apply every per-question rule to one record."""
    question, result = record.question, record.result
    answerable = is_answerable(question)
    evidence = str(question.get("evidence", ""))
    answer = normalise(result.answer)
    gold_found = answerable and any(
        normalise(gold) and normalise(gold) in answer for gold in question.get("answers", [])
    )
    concise = len(result.answer.strip()) <= MAX_ANSWER_CHARS
    marked = first_marker(result.answer)
    cited_passage = result.cited.get(marked) if marked is not None else None
    return Verdict(
        answerable=answerable,
        has_evidence=bool(normalise(evidence)),
        abstained=result.abstained,
        evidence_rank=evidence_rank(result.retrieved, evidence) if answerable else None,
        gold_found=gold_found,
        concise=concise,
        accurate=gold_found and concise and not result.abstained,
        citation_ok=answerable and cited_passage is not None and holds_evidence(cited_passage, evidence),
    )


def _ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator``, or ``None`` when there is nothing to divide by."""
    return numerator / denominator if denominator else None


def _mean(values: Sequence[float]) -> float | None:
    return float(sum(values) / len(values)) if values else None


def retrieval_metrics(verdicts: Sequence[Verdict]) -> dict[str, float | None]:
    """recall@1/3/5 and MRR@10 over the answerable questions."""
    ranks = [v.evidence_rank for v in verdicts if v.answerable and v.has_evidence]
    figures: dict[str, float | None] = {
        f"recall@{k}": _ratio(sum(1 for r in ranks if r is not None and r <= k), len(ranks))
        for k in RECALL_KS
    }
    figures[f"mrr@{MRR_DEPTH}"] = _mean(
        [1.0 / r if r is not None and r <= MRR_DEPTH else 0.0 for r in ranks]
    )
    return figures


def answer_metrics(verdicts: Sequence[Verdict]) -> dict[str, float | None]:
    """Accuracy and citation accuracy over the answerable questions."""
    answerable = [v for v in verdicts if v.answerable]
    checkable = [v for v in answerable if v.has_evidence]
    return {
        "accuracy": _ratio(sum(v.accurate for v in answerable), len(answerable)),
        "citation_accuracy": _ratio(sum(v.citation_ok for v in checkable), len(checkable)),
    }


def abstention_metrics(verdicts: Sequence[Verdict]) -> dict[str, float | None]:
    """Precision and recall of abstaining on unanswerable questions, and false abstentions."""
    abstained = [v for v in verdicts if v.abstained]
    unanswerable = [v for v in verdicts if not v.answerable]
    answerable = [v for v in verdicts if v.answerable]
    return {
        "abstention_precision": _ratio(sum(not v.answerable for v in abstained), len(abstained)),
        "abstention_recall": _ratio(sum(v.abstained for v in unanswerable), len(unanswerable)),
        "false_abstention_rate": _ratio(sum(v.abstained for v in answerable), len(answerable)),
    }


def latency_metrics(latencies_ms: Sequence[float]) -> dict[str, float | None]:
    """p50 and p95 of the per-ask wall-clock latency, in milliseconds."""
    if not latencies_ms:
        return {"latency_p50_ms": None, "latency_p95_ms": None}
    p50, p95 = np.percentile(np.asarray(latencies_ms, dtype=float), [50, 95])
    return {"latency_p50_ms": float(p50), "latency_p95_ms": float(p95)}


def summarise(records: Sequence[Record]) -> dict[str, Any]:
    """Every figure for one group of records (one mode, or one language of a mode)."""
    verdicts = [judge(r) for r in records]
    answerable = sum(v.answerable for v in verdicts)
    return {
        "n": len(records),
        "n_answerable": answerable,
        "n_unanswerable": len(records) - answerable,
        "n_with_evidence": sum(v.answerable and v.has_evidence for v in verdicts),
        **retrieval_metrics(verdicts),
        **answer_metrics(verdicts),
        **abstention_metrics(verdicts),
        **latency_metrics([r.result.latency_ms for r in records]),
    }


def _group_by(records: Iterable[Record], key: Callable[[Record], str]) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return groups


def breakdown(records: Sequence[Record]) -> dict[str, Any]:
    """Figures overall, per language and per kind, for the records of one mode."""
    by_lang = _group_by(records, lambda r: str(r.question.get("lang")))
    by_kind = _group_by(records, lambda r: str(r.question.get("kind")))
    return {
        "overall": summarise(records),
        "by_lang": {lang: summarise(group) for lang, group in sorted(by_lang.items())},
        "by_kind": {kind: summarise(group) for kind, group in sorted(by_kind.items())},
    }


def _reasons(verdict: Verdict, result: Result) -> list[str]:
    """Why a record counts as failed, in words a reader of the report understands."""
    if result.error:
        return [f"error: {result.error}"]
    if not verdict.answerable:
        return [] if verdict.abstained else ["did not abstain"]
    reasons = []
    if verdict.abstained:
        reasons.append("abstained")
    elif not verdict.gold_found:
        reasons.append("no gold string in the answer")
    if not verdict.concise:
        reasons.append(f"answer too long ({len(result.answer.strip())} > {MAX_ANSWER_CHARS} chars)")
    if verdict.has_evidence and not verdict.citation_ok and not verdict.abstained:
        reasons.append("first cited passage lacks the evidence")
    return reasons


def failures(records: Sequence[Record]) -> list[dict[str, Any]]:
    """The questions answered wrongly, cited wrongly, or wrongly (not) abstained on."""
    failed = []
    for record in records:
        reasons = _reasons(judge(record), record.result)
        if not reasons:
            continue
        question = record.question
        failed.append(
            {
                "id": question.get("id"),
                "question": question.get("question"),
                "expected": list(question.get("answers", [])) if is_answerable(question) else [],
                "got": record.result.answer,
                "abstained": record.result.abstained,
                "why": reasons,
            }
        )
    return failed


# --------------------------------------------------------------------------- span sets


def tokens(text: str) -> list[str]:
    """The normalised text's tokens: runs of letters and digits, punctuation dropped."""
    return _TOKEN.findall(normalise(text))


def answer_text_compared(answer: str, abstained: bool) -> str:
    """What an answer asserts: its citation-marked quotations, else its text unmarked."""
    if abstained:
        return ""
    quoted = _MARKED_QUOTE.findall(answer)
    if quoted:
        return " ".join(quoted)
    return _WHITESPACE.sub(" ", _MARKER.sub(" ", answer)).strip()


def token_containment(gold: str, text: str) -> float:
    """Share of the gold span's tokens (with repetition) that occur among the text's."""
    gold_tokens = Counter(tokens(gold))
    total = sum(gold_tokens.values())
    if not total:
        return 0.0
    return sum((gold_tokens & Counter(tokens(text))).values()) / total


def token_f1(gold: str, text: str) -> float:
    """SQuAD-style token F1 between a gold span and a text (0 when either is empty)."""
    gold_tokens, text_tokens = Counter(tokens(gold)), Counter(tokens(text))
    shared = sum((gold_tokens & text_tokens).values())
    if not shared:
        return 0.0
    precision = shared / sum(text_tokens.values())
    recall = shared / sum(gold_tokens.values())
    return 2 * precision * recall / (precision + recall)


#: How ViRHE4QA writes a gold answer made of several spans of its context ("Đối với tài
#: liệu hướng dẫn#Chủ tịch Hội đồng thẩm định"): 28 of its 923 train and val golds, each part
#: copied from the context, the joined string in none of them (no context holds a "#").
SPAN_PART_SEPARATOR = "#"


def span_parts(gold: str) -> list[str]:
    """The spans a gold answer is made of: one, or the parts a multi-span gold joins with
    ``SPAN_PART_SEPARATOR``. An answer contains such a gold when it contains every part,
    not the joined string, which the context never holds."""
    parts = [part for part in gold.split(SPAN_PART_SEPARATOR) if part.strip()]
    return parts or [gold]


def contains_span(gold: str, text: str) -> bool:
    """Whether each normalised span of the gold (``span_parts``), end punctuation trimmed,
    is in the normalised text."""
    haystack = normalise(text)
    needles = [_END_PUNCTUATION.sub("", normalise(part)) for part in span_parts(gold)]
    return all(needles) and all(needle in haystack for needle in needles)


@dataclass(frozen=True)
class SpanVerdict:
    """How one span question fares: containment, token overlap, refusal and retrieval.
    A question with no gold span (unanswerable) is right when refused, and counts in no
    span figure."""

    contained: bool
    contained_80: bool
    f1: float
    refused: bool
    span_rank: int | None
    answerable: bool = True


def span_rank(result: Result, doc_id: str, gold: str) -> int | None:
    """1-based rank of the first retrieved passage from the gold context holding >= 80%
    of the gold span's tokens, or ``None``."""
    for rank, (passage, doc) in enumerate(zip(result.retrieved, result.retrieved_docs), start=1):
        if doc == doc_id and token_containment(gold, passage) >= SPAN_CONTAINMENT_SHARE - 1e-12:
            return rank
    return None


def judge_span(record: Record) -> SpanVerdict:
    """Apply every span rule to one record (question fields ``answers`` and ``doc_id``): with
    several gold spans (SQuAD gives several answers) the best one counts, as in SQuAD's own
    evaluation."""
    question, result = record.question, record.result
    golds = [str(g) for g in question.get("answers") or [] if str(g).strip()]
    refused = result.abstained
    if not golds or not is_answerable(question):
        return SpanVerdict(False, False, 0.0, refused, None, answerable=False)
    compared = answer_text_compared(result.answer, result.abstained or bool(result.error))
    ranks = [r for r in (span_rank(result, str(question.get("doc_id", "")), g) for g in golds) if r is not None]
    return SpanVerdict(
        contained=any(contains_span(g, compared) for g in golds),
        contained_80=any(token_containment(g, compared) >= SPAN_CONTAINMENT_SHARE - 1e-12 for g in golds),
        f1=max(token_f1(g, compared) for g in golds),
        refused=refused,
        span_rank=min(ranks) if ranks else None,
    )


def span_summary(records: Sequence[Record]) -> dict[str, Any]:
    """Every span figure for a group of records (one mode of a span set): span figures over
    the answerable questions, abstention over the unanswerable ones (``None`` without any)."""
    verdicts = [judge_span(r) for r in records]
    answerable = [v for v in verdicts if v.answerable]
    unanswerable = [v for v in verdicts if not v.answerable]
    n = len(answerable)
    refused = sum(v.refused for v in verdicts)
    return {
        "n": len(verdicts),
        "span_containment": _ratio(sum(v.contained for v in answerable), n),
        "span_containment_80": _ratio(sum(v.contained_80 for v in answerable), n),
        "token_f1": _mean([v.f1 for v in answerable]),
        "false_refusal_rate": _ratio(sum(v.refused for v in answerable), n),
        "abstention_recall": _ratio(sum(v.refused for v in unanswerable), len(unanswerable)) if unanswerable else None,
        "abstention_precision": _ratio(sum(v.refused for v in unanswerable), refused) if unanswerable else None,
        f"recall@{SPAN_RECALL_K}": _ratio(
            sum(1 for v in answerable if v.span_rank is not None and v.span_rank <= SPAN_RECALL_K), n),
        **latency_metrics([r.result.latency_ms for r in records]),
    }


def span_failures(records: Sequence[Record]) -> list[dict[str, Any]]:
    """The span questions whose answer does not contain the gold span, with why."""
    failed = []
    for record in records:
        verdict = judge_span(record)
        if verdict.contained or (not verdict.answerable and verdict.refused):
            continue
        if not verdict.answerable:
            why = "did not abstain"
        elif record.result.error:
            why = f"error: {record.result.error}"
        elif verdict.refused:
            why = "abstained"
        elif verdict.contained_80:
            why = "most of the span, not all"
        else:
            why = "span not in the answer"
        if verdict.answerable and (verdict.span_rank is None or verdict.span_rank > SPAN_RECALL_K):
            why += "; gold passage not in the top 5"
        failed.append({
            "id": record.question.get("id"),
            "question": record.question.get("question"),
            "expected": list(record.question.get("answers", [])),
            "got": record.result.answer,
            "abstained": record.result.abstained,
            "why": [why],
        })
    return failed
