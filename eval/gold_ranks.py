"""Where a span set's gold sits among the passages read, per dev question.

    python -m eval.gold_ranks [--set regulations] [--limit N] [--json PATH] [--why]

Each answerable dev question of a span set (regulations by default) is asked of the real
assistant, and the gold is looked for in what it retrieved (``Answer.retrieved``, the 10
best passages; the first ``Settings.top_k`` are read): the rank of the first passage of the
gold's own context holding a whole gold span. A gold in none of them is *not retrieved*
when a chunk of its context holds it, *cut* when only the context's whole text does (the
chunking split it), and *not in text* when not even that does (a gold joining several
spans with "#"). The table gives, per place, the questions whose answer contains the gold
and those that fail, and how many of the failing ones have every gold longer than
``QUOTE_ROOM`` (what a 300-character answer leaves for its quote). This is the breakdown
of step 15's "what limits containment" as a command, so that a retrieval or chunking
change can say which group it moved. Test splits are never read.

``--why`` adds, for the failing questions whose gold's chunk was retrieved below the
passages read or not at all ("rank 6-10", "not retrieved"), what that chunk looks like to
retrieval (``why_unread``): its rank by BM25 alone and by dense similarity alone (among
each one's ``Retriever.candidates``), whether the first passage read is of the gold's own
context, whether the chunk carries its heading (a heading path, or the context's opening
line), and how many of the question's words it holds against the first passage read.
Regulations dev at e3798ae: of 72 such golds, BM25 alone ranks the chunk in the first 5
for 10, dense alone for 13, neither among its 50 candidates for 5; the first passage read
is of the gold's context for 16; every chunk carries its heading; and in 52 the gold's
chunk holds fewer of the question's words than the first passage (the question says it
in other words).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

from eval.metrics import answer_text_compared, contains_span
from eval.runner import load_set_questions, open_assistant
from eval.sets import SPANS, standard_sets
from qa.documents.chunking import index_text
from qa.indexing.bm25 import terms

#: Characters an answer of 300 leaves for its quote (step 15's count of long golds).
QUOTE_ROOM = 230
#: The places a gold can be, in the table's order.
PLACES = ("rank 1", "rank 2-5", "rank 6-10", "not retrieved", "cut", "not in text")


def place(rank: int | None, in_a_chunk: bool, in_text: bool) -> str:
    """The group of a gold found at ``rank`` (None: in no passage retrieved); ``in_a_chunk``
    and ``in_text``: whether one chunk of its context, or its context's whole text, holds it."""
    if rank is not None:
        return "rank 1" if rank == 1 else "rank 2-5" if rank <= 5 else "rank 6-10"
    if in_a_chunk:
        return "not retrieved"
    return "cut" if in_text else "not in text"


def locate(assistant: Any, question: dict[str, Any]) -> dict[str, Any]:
    """Ask one question and say where its gold sits and whether the answer contains it."""
    golds = [str(g) for g in question.get("answers") or () if str(g).strip()]
    answer = assistant.ask(question["question"], id=question.get("id"))
    said = answer_text_compared(answer.answer, answer.abstained)
    doc_id = str(question.get("doc_id", ""))
    rank = next((n for n, hit in enumerate(answer.retrieved, 1)
                 if hit.chunk.doc_id == doc_id and any(contains_span(g, hit.chunk.text) for g in golds)), None)
    in_a_chunk = in_text = False
    if rank is None:
        in_a_chunk = any(contains_span(g, c.text) for c in assistant.index.chunks_of(doc_id) for g in golds)
        document = assistant.index.documents.get(doc_id)
        in_text = in_a_chunk or (document is not None and any(contains_span(g, document.text) for g in golds))
    return {
        "id": question.get("id"),
        "place": place(rank, in_a_chunk, in_text),
        "rank": rank,
        "contained": bool(golds) and not answer.abstained and any(contains_span(g, said) for g in golds),
        "refused": answer.abstained,
        "long": bool(golds) and min(len(g) for g in golds) > QUOTE_ROOM,
    }


#: The groups ``--why`` looks into: a gold whose chunk no passage read holds.
UNREAD = ("rank 6-10", "not retrieved")


def why_unread(assistant: Any, question: dict[str, Any]) -> dict[str, Any]:
    """Why a gold's chunk was not read (module docstring, ``--why``): its ranks by BM25
    alone and by dense similarity alone (None: not among the candidates), whether the
    first passage retrieved is of the gold's context, whether the chunk carries its
    heading, and the share of the question's words (syllables, as BM25 folds them) it
    holds against the first passage's."""
    golds = [str(g) for g in question.get("answers") or () if str(g).strip()]
    doc_id = str(question.get("doc_id", ""))
    own = assistant.index.chunks_of(doc_id)
    holding = [c for c in own if any(contains_span(g, c.text) for g in golds)]
    if not holding:
        return {}
    ids = {c.chunk_id for c in holding}
    retriever = assistant.retriever
    query = assistant.analyse(question["question"])
    vector = retriever.embed(query)
    ranks = {}
    for mode in ("bm25", "dense"):
        hits = retriever.search(query, mode, retriever.candidates, None, vector if mode == "dense" else None)
        ranks[mode] = next((n for n, hit in enumerate(hits, 1) if hit.chunk.chunk_id in ids), None)
    first = retriever.search(query, "hybrid", 1, None, vector)
    opening = min(c.start for c in own)
    asked = {t for t in query.bm25_terms if "_" not in t}

    def share(chunk: Any) -> float:
        return len(asked & set(terms(index_text(chunk)))) / len(asked) if asked else 0.0

    gold_share = max(share(c) for c in holding)
    first_share = share(first[0].chunk) if first else 0.0
    return {
        "bm25_rank": ranks["bm25"],
        "dense_rank": ranks["dense"],
        "first_of_context": bool(first) and first[0].chunk.doc_id == doc_id,
        "headed": any(c.heading_path or c.start == opening for c in holding),
        "words_gold": round(gold_share, 3),
        "words_first": round(first_share, 3),
    }


def why_table(rows: Sequence[dict[str, Any]], read: int = 5) -> str:
    """``--why``'s breakdown of the failing unread golds (rows with ``why_unread``'s fields)."""
    found = [r for r in rows if r.get("why")]
    whys = [r["why"] for r in found]

    def within(rank: int | None) -> bool:
        return rank is not None and rank <= read

    counts = [
        ("failing, gold's chunk not read", len(found)),
        (f"BM25 alone ranks it in the first {read}", sum(within(w["bm25_rank"]) for w in whys)),
        (f"dense alone ranks it in the first {read}", sum(within(w["dense_rank"]) for w in whys)),
        ("neither retriever ranks it among its candidates",
         sum(w["bm25_rank"] is None and w["dense_rank"] is None for w in whys)),
        ("first passage read is of the gold's context", sum(w["first_of_context"] for w in whys)),
        ("gold's chunk without its heading", sum(not w["headed"] for w in whys)),
        ("gold's chunk holds fewer of the question's words than the first passage",
         sum(w["words_gold"] < w["words_first"] for w in whys)),
    ]
    return "\n".join(f"{label:74s} {n:4d}" for label, n in counts)


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The breakdown as text: per place, contained, failing, and failing with long golds."""
    counts = Counter((r["place"], r["contained"]) for r in rows)
    long_fails = Counter(r["place"] for r in rows if not r["contained"] and r["long"])
    n = len(rows) or 1
    lines = [f"questions {len(rows)}, containment {sum(r['contained'] for r in rows) / n:.3f}",
             f"{'place':14s} {'contained':>9s} {'failing':>8s} {'of which long':>14s}"]
    for p in PLACES:
        lines.append(f"{p:14s} {counts[(p, True)]:9d} {counts[(p, False)]:8d} {long_fails[p]:14d}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.gold_ranks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="regulations", help="a span set (dev split only)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--json", default=None, help="also write one row per question to this file")
    parser.add_argument("--why", action="store_true",
                        help="also say, for failing golds no passage read holds, what retrieval saw of them")
    args = parser.parse_args(argv)
    available = standard_sets()
    evalset = available.get(args.set)
    if evalset is None or evalset.style != SPANS:
        parser.error(f"--set: a span set ({', '.join(n for n, s in available.items() if s.style == SPANS)})")
    if evalset.missing():
        print(f"[{args.set}] skipped: {evalset.missing()}", file=sys.stderr)
        return 1
    questions = [q for q in load_set_questions(evalset)
                 if q.get("split", "dev") == "dev" and q.get("answers")]
    if args.limit:
        questions = questions[: args.limit]
    assistant = open_assistant(evalset)
    rows = [locate(assistant, q) for q in questions]
    if args.why:
        for question, row in zip(questions, rows):
            if row["place"] in UNREAD and not row["contained"]:
                row["why"] = why_unread(assistant, question)
    print(table(rows))
    if args.why:
        print()
        print(why_table(rows, assistant.settings.top_k))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(rows, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
