"""The BM25 terms of the texts the reader reads, kept per text; and which of a question's
terms a text joined from parts holds, worked out from the parts' own terms.

Why. ``context_coverage`` reads each unit with its chunk's heading path and its context,
joined by spaces. A window of a long line has the whole line as its context, so each
window tokenised that line again inside a new joined string: the 16 comparisons of
``bench/bench_100k.py`` tokenised 2,700 such strings of about 700 characters (about 9 ms
a question, more than a third of their reading). The parts' terms are kept anyway (a
unit's own ``coverage`` reads it; every window of a line shares the line), so only what
the joints add is new.

Why it is exact. A text's words are its tokens, then the words its abbreviations stand
for (``qa.indexing.bm25.WordTable.ids``); its terms are those words folded, the pairs of
adjacent ones, and the accented ones. Spaces part tokens, so the words of parts joined by
spaces are the parts' tokens in order, then the parts' expansions in order. The joined
text's terms are then each part's terms *inside* its two runs (``TextTerms.inner``: all
of them but the pair of its last token and its first expansion word, which the join puts
apart), and the pairs across the joints of that sequence of runs. A test checks it
against tokenising the joined text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.indexing.bm25 import terms_in_runs


@dataclass(frozen=True)
class TextTerms:
    """A text's BM25 terms, and what a text it is part of needs of them."""

    #: ``frozenset(qa.indexing.bm25.terms(text))``, built from the same list in the same
    #: order (what the reader's features iterate depends on it).
    terms: frozenset[str]
    #: The terms inside the text's two runs: ``terms`` but for the pair of its last token
    #: and its first expansion word (unless that pair is also formed elsewhere).
    inner: frozenset[str]
    #: The folded first and last word of each run, None for an empty run.
    tokens: tuple[str, str] | None
    expansions: tuple[str, str] | None


@lru_cache(maxsize=65536)
def text_terms(text: str) -> TextTerms:
    """The text's terms (cached: passages do not change)."""
    found, n_own, n_extra = terms_in_runs(text)
    terms = frozenset(found)
    n = n_own + n_extra  # found: n folded words, n - 1 pairs, then the accented words
    inner = terms
    if n_own and n_extra:
        across = n + n_own - 1  # the pair of the last token and the first expansion word
        inner = frozenset(found[:across] + found[across + 1:])
    return TextTerms(terms, inner,
                     (found[0], found[n_own - 1]) if n_own else None,
                     (found[n_own], found[n - 1]) if n_extra else None)


def term_set(text: str) -> frozenset[str]:
    """BM25 terms of a text (cached: passages do not change)."""
    return text_terms(text).terms


def joined_terms(parts: Sequence[str], wanted: frozenset[str]) -> frozenset[str]:
    """``term_set(" ".join(parts)) & wanted``, from the parts' kept terms (see the module
    docstring): no new text is tokenised."""
    kept = [text_terms(p) for p in parts]
    present: set[str] = set()
    for t in kept:
        present.update(t.inner & wanted)
    runs = [t.tokens for t in kept if t.tokens] + [t.expansions for t in kept if t.expansions]
    for (_, last), (first, _) in zip(runs, runs[1:]):
        pair = f"{last}_{first}"
        if pair in wanted:
            present.add(pair)
    return frozenset(present)


__all__ = ["TextTerms", "joined_terms", "term_set", "text_terms"]
