"""Where a span set's gold sits among the passages read, per dev question.

    python -m eval.gold_ranks [--set regulations] [--limit N] [--json PATH]

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
    print(table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(rows, out, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
