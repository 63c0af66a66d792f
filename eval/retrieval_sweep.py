"""Retrieval alone for several hybrid fusions and dense weights, on the dev questions.

    python -m eval.retrieval_sweep [--sets articles,plans,regulations] [--weights 0,0.2,0.5,1]

For each set's answerable dev questions that give evidence, the question is read and
embedded once, then ranked by ``Retriever.search`` (k=10, the province filter the
assistant applies) with each min-max dense weight and with RRF; the table gives R@1,
R@5 and MRR@10 per set and their means. This is how ``Settings.dense_weight`` and
``Settings.fusion`` were chosen (``qa/config.py`` quotes the figures). Test splits are
never read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from eval.fit_reader import dev_questions
from eval.metrics import holds_evidence
from eval.runner import open_assistant, parse_sets
from eval.sets import STANDARD_SETS, standard_sets

DEFAULT_WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0)
DEPTH = 10


def evidence_ranks(assistant, questions: Sequence[dict], settings: Sequence[tuple[str, float]]) -> dict:
    """Per (fusion, weight): the 1-based rank of the first passage holding each
    question's evidence in the top ``DEPTH``, or None."""
    retriever = assistant.retriever
    known = set(retriever.provinces())
    prepared = []
    for q in questions:
        query = assistant.analyse(q["question"])
        scope = tuple(p for p in query.provinces if p in known) or None
        prepared.append((q["evidence"], query, retriever.embed(query), scope))
    kept = retriever.fusion, retriever.dense_weight
    ranks: dict[tuple[str, float], list[int | None]] = {}
    try:
        for fusion, weight in settings:
            retriever.fusion, retriever.dense_weight = fusion, weight
            ranks[(fusion, weight)] = [
                next((i for i, h in enumerate(retriever.search(query, "hybrid", DEPTH, scope, vector), 1)
                      if holds_evidence(h.chunk.text, evidence)), None)
                for evidence, query, vector, scope in prepared
            ]
    finally:
        retriever.fusion, retriever.dense_weight = kept
    return ranks


def figures(ranks: Sequence[int | None]) -> tuple[float, float, float]:
    """R@1, R@5 and MRR@10 of a list of evidence ranks."""
    n = len(ranks) or 1
    return (sum(r == 1 for r in ranks) / n, sum(r is not None and r <= 5 for r in ranks) / n,
            sum(1 / r for r in ranks if r) / n)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval_sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(STANDARD_SETS), help="comma-separated sets (dev split only)")
    parser.add_argument("--weights", default=",".join(map(str, DEFAULT_WEIGHTS)),
                        help="comma-separated min-max dense weights in [0, 1]")
    args = parser.parse_args(argv)
    try:
        weights = [float(w) for w in args.weights.split(",") if w.strip()]
    except ValueError:
        parser.error(f"--weights: numbers between 0 and 1, comma-separated, not {args.weights!r}")
    if not weights or not all(0.0 <= w <= 1.0 for w in weights):
        parser.error("--weights: numbers between 0 and 1")
    settings = [("minmax", w) for w in weights] + [("rrf", 0.5)]
    table: dict[tuple[str, float], dict[str, tuple[float, float, float]]] = {s: {} for s in settings}
    available = standard_sets()
    for name in parse_sets(args.sets):
        if name not in available:
            print(f"[{name}] skipped: its data is absent", file=sys.stderr)
            continue
        assistant = open_assistant(available[name])
        questions = [q for q in dev_questions(available[name])
                     if q.get("kind") != "unanswerable" and str(q.get("evidence", "")).strip()]
        for setting, ranks in evidence_ranks(assistant, questions, settings).items():
            table[setting][name] = figures(ranks)
        print(f"[{name}] {len(questions)} dev questions with evidence", file=sys.stderr)
    names = sorted({n for row in table.values() for n in row})
    print("| fusion | dense weight | " + " | ".join(f"{n} R@1 / R@5 / MRR" for n in names) + " | mean R@5 | mean MRR |")
    print("|---" * (len(names) + 4) + "|")
    for (fusion, weight), row in table.items():
        cells = [" / ".join(f"{x:.3f}" for x in row[n]) for n in names]
        mean_r5 = sum(row[n][1] for n in names) / len(names)
        mean_mrr = sum(row[n][2] for n in names) / len(names)
        print(f"| {fusion} | {weight if fusion == 'minmax' else '—'} | " + " | ".join(cells)
              + f" | {mean_r5:.3f} | {mean_mrr:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
