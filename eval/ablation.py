"""Glossary ablation: how the assistant fares on English questions whose words the glossary lacks.

The glossary (``qa/data/glossary.tsv``) was grown on the dev questions' wording, so dev
English accuracy overstates what a new province's plan gets: its plan, and the questions
asked of it, always use words the glossary lacks. Dropping a deterministic random
fraction of the glossary's rows before a run stands in for such a plan ("a plan whose
words we have not seen"); the mean over a few seeds is the yardstick.

Eval-only: the product never reads ``QA_GLOSSARY_DROP``; only ``python -m eval`` and
``python -m eval.followup`` apply it, in memory, before the assistant opens. The file on
disk is untouched, so the index manifests (which hash the data files) and the cached
indexes under ``eval/cache`` stay those of the full glossary; the glossary shapes no index
term (BM25 reads only the abbreviations), so an ablated run reuses them unchanged.
"""

from __future__ import annotations

import os
import random
from functools import lru_cache

ENV = "QA_GLOSSARY_DROP"

# The product's own glossary() (set on the first drop), so that drops do not compound.
_FULL = None


def parse_spec(spec: str) -> tuple[float, int]:
    """``"FRACTION:SEED"`` (``"0.3:1"``; the seed defaults to 0) -> (fraction, seed)."""
    fraction_text, _, seed_text = spec.partition(":")
    fraction = float(fraction_text)
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"{ENV}={spec!r}: the fraction must lie in [0, 1]")
    return fraction, int(seed_text or 0)


def dropped_rows(entries: dict[str, tuple[str, ...]], fraction: float, seed: int) -> frozenset[str]:
    """The English phrases a drop of ``fraction`` removes: round(fraction * rows) of them,
    drawn by ``seed`` from the phrases in sorted order, so a spec names one ablation."""
    phrases = sorted(entries)
    return frozenset(random.Random(seed).sample(phrases, round(fraction * len(phrases))))


def drop_glossary(fraction: float, seed: int) -> frozenset[str]:
    """Replace the in-memory glossary by one without a random fraction of its rows, and
    clear every cache built from it. Returns the phrases dropped."""
    from qa.answering import reader
    from qa.retrieval import glossary as g

    global _FULL
    if _FULL is None:
        _FULL = g.glossary
    full = _FULL()
    gone = dropped_rows(full, fraction, seed)
    kept = {en: vi for en, vi in full.items() if en not in gone}
    g.glossary = lru_cache(maxsize=1)(lambda: kept)  # _phrases() looks it up by module global
    g._phrases.cache_clear()
    reader.named_indicators.cache_clear()
    return gone


def restore_glossary() -> None:
    """Put the full glossary back (tests)."""
    from qa.answering import reader
    from qa.retrieval import glossary as g

    if _FULL is not None:
        g.glossary = _FULL
        g._phrases.cache_clear()
        reader.named_indicators.cache_clear()


def apply_from_env() -> frozenset[str]:
    """Apply ``QA_GLOSSARY_DROP=FRACTION:SEED`` when set (nothing is dropped otherwise)."""
    spec = os.environ.get(ENV, "").strip()
    if not spec:
        return frozenset()
    fraction, seed = parse_spec(spec)
    gone = drop_glossary(fraction, seed)
    import sys
    print(f"[ablation] {ENV}={spec}: dropped {len(gone)} glossary rows", file=sys.stderr)
    return gone
