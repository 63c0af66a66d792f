"""Vectors of every chunk's candidate units, embedded at index build for the reader's
``semantic`` feature (``qa.answering.reader``).

The units a chunk offers the reader (its lines, items, sentences and clauses,
``qa.answering.candidates.units``) depend on the chunk and its document only, not on
the question, so they are embedded once, when the index is built, and looked up when a
question is read: embedding them per question would cost 12 to 40 ms a unit on the 2-core
benchmark machine, seconds a question. An item is embedded after its lead-in and a
title-block line after the document's title (``unit_text``). The units a question makes of them
take the vector of the unit they come from: a window (a piece of a unit too long to
quote) its unit's, a list (a lead-in and its items) the mean of its lines'.

Stored in the build folder as ``units.npz``: per unit its chunk, start, end and whether
it is a whole line (``ROW_COLUMNS``), the row of its vector, and the vectors (float16,
one per distinct text, with a 64-bit hash of the text so that the next build reuses them).
A collection of more than ``Settings.unit_vectors_max_chunks`` chunks gets none, nor does
an index built before them: the feature is then neutral.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.answering.candidates import Candidate, units
from qa.types import Chunk, Document, Hit

#: Characters of a unit's text (with its lead-in or title, the unit first) that are embedded:
#: the cost of embedding grows with the length (about 37 ms a unit of 265 characters, 23 ms at
#: 200, on the 2-core machine). Every unit after its context (a clause after its sentence) and
#: 400 characters took the build of the five bundled documents 8.5 -> 24 s (busy machine) for
#: held out 0.714 / 0.723 (``eval.fit_reader``); this, 8.5 -> 14 s busy, 5.2 -> 11.5 s at load
#: 1 (``bench/bench_query.py``), for 0.714 / 0.716. Later (the larger plans dev set, L2 3e-3):
#: 200 characters 0.731 / 0.734 held out, five documents from nothing 13.1 s; 120 characters
#: 0.728 / 0.735, 9.7 s (dev: plans 0.891 -> 0.902, regulations containment 0.566 -> 0.564):
#: the same within noise, for 3.4 s less of the chat's first start.
UNIT_TEXT_CHARS = 120
#: The file in the build folder.
FILE_NAME = "units.npz"
#: Columns of ``UnitVectors.rows``.
ROW_COLUMNS = ("chunk", "start", "end", "whole_line")


def unit_text(unit: Candidate) -> str:
    """What is embedded of a unit: an item after its lead-in, a title-block line after the
    document's title (the start of either, in what room the unit leaves), anything else
    alone (a clause without its sentence, which is a unit too), cut to ``UNIT_TEXT_CHARS``."""
    text = unit.text[:UNIT_TEXT_CHARS]
    room = UNIT_TEXT_CHARS - len(text) - 1
    if unit.context and (unit.kind == "item" or unit.in_title_block) and room > 0:
        return unit.context[:room] + " " + text
    return text


def text_key(text: str) -> int:
    """A 64-bit hash of a text (the first 8 bytes of its SHA-1), to reuse its vector."""
    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "little", signed=True)


def chunk_units(chunk: Chunk, document_text: str) -> list[Candidate]:
    """The units the reader makes of a chunk, whatever the question."""
    return units(Hit(chunk, 0.0), document_text)


@dataclass
class UnitVectors:
    """Every chunk's units and their vectors (module docstring)."""

    rows: np.ndarray  # int32, units × ROW_COLUMNS, sorted by chunk
    which: np.ndarray  # int32, per unit: its row of ``vectors``
    vectors: np.ndarray  # float16, distinct texts × dim, normalised
    keys: np.ndarray  # int64, per row of ``vectors``: ``text_key`` of its text
    _bounds: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        chunks = self.rows[:, 0] if len(self.rows) else np.zeros(0, np.int32)
        n = int(chunks.max()) + 1 if len(chunks) else 0
        self._bounds = np.searchsorted(chunks, np.arange(n + 1))

    def of_chunk(self, chunk_id: int) -> tuple[np.ndarray, np.ndarray]:
        """The chunk's units (rows) and their vectors' rows."""
        if chunk_id + 1 >= len(self._bounds):
            return self.rows[:0], self.which[:0]
        lo, hi = self._bounds[chunk_id], self._bounds[chunk_id + 1]
        return self.rows[lo:hi], self.which[lo:hi]

    def save(self, folder: Path) -> None:
        with open(folder / FILE_NAME, "wb") as fh:
            np.savez(fh, rows=self.rows, which=self.which, vectors=self.vectors, keys=self.keys)

    @classmethod
    def load(cls, folder: Path) -> UnitVectors | None:
        """The build's unit vectors, or None when it has none."""
        path = folder / FILE_NAME
        if not path.exists():
            return None
        with np.load(path) as data:
            return cls(data["rows"], data["which"], data["vectors"], data["keys"])

    def known(self) -> dict[int, np.ndarray]:
        """Each text key with its vector, for the next build to reuse."""
        return dict(zip(self.keys.tolist(), self.vectors))


def build(chunks: Sequence[Chunk], documents: dict[str, Document], embed: Callable[[list[str]], np.ndarray],
          dim: int, donors: Iterable[UnitVectors | None] = (), batch_size: int = 16,
          progress: Callable[[int, int], None] | None = None) -> tuple[UnitVectors, int]:
    """The units of every chunk and their vectors: a donor's for a text it holds, else
    ``embed``'s (passage vectors), one per distinct text; and how many were reused."""
    known: dict[int, np.ndarray] = {}
    for donor in donors:
        if donor is not None:
            known.update(donor.known())
    rows: list[tuple[int, int, int, int]] = []
    texts: dict[int, str] = {}  # key -> text, in order of first use
    unit_keys: list[int] = []
    for chunk in chunks:
        for unit in chunk_units(chunk, documents[chunk.doc_id].text):
            text = unit_text(unit)
            key = text_key(text)
            texts.setdefault(key, text)
            rows.append((chunk.chunk_id, unit.span.start, unit.span.end, int(unit.kind in ("line", "item"))))
            unit_keys.append(key)
    keys = list(texts)
    missing = [k for k in keys if k not in known]
    vectors = np.zeros((len(keys), dim), np.float16)
    position = {k: i for i, k in enumerate(keys)}
    for k in keys:
        if k in known:
            vectors[position[k]] = known[k]
    for start in range(0, len(missing), batch_size):
        if progress is not None:
            progress(start, len(missing))
        batch = missing[start:start + batch_size]
        for k, v in zip(batch, embed([texts[k] for k in batch])):
            vectors[position[k]] = v
    if progress is not None:
        progress(len(missing), len(missing))
    order = np.argsort(np.array([r[0] for r in rows], np.int64), kind="stable")
    table = np.array(rows, np.int32).reshape(-1, len(ROW_COLUMNS))[order]
    which = np.array([position[k] for k in unit_keys], np.int32)[order]
    return UnitVectors(table, which, vectors, np.array(keys, np.int64)), len(keys) - len(missing)


class Semantic:
    """The question's vector against the units of its retrieved chunks: what the reader's
    ``semantic`` feature reads. Each chunk's unit vectors are gathered once per question
    (one object serves all of a question's reading, comparisons included)."""

    def __init__(self, question: np.ndarray, units: UnitVectors) -> None:
        self.question = np.asarray(question, np.float32)
        self.units = units
        self._chunks: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _of_chunk(self, chunk_id: int) -> tuple[np.ndarray, np.ndarray]:
        found = self._chunks.get(chunk_id)
        if found is None:
            rows, which = self.units.of_chunk(chunk_id)
            vectors = self.units.vectors[which].astype(np.float32)
            found = self._chunks[chunk_id] = (rows, vectors)
        return found

    def cosine(self, unit: Candidate) -> float | None:
        """The cosine of the question with the unit: its own vector, else that of the
        smallest unit holding it (a window), else the mean of the whole lines it holds
        (a list); None when the chunk has no units."""
        rows, vectors = self._of_chunk(unit.hit.chunk.chunk_id)
        if not len(rows):
            return None
        start, end = unit.span.start, unit.span.end
        same = np.flatnonzero((rows[:, 1] == start) & (rows[:, 2] == end))
        if len(same):
            vector = vectors[same[0]]
        else:
            holding = np.flatnonzero((rows[:, 1] <= start) & (rows[:, 2] >= end))
            if len(holding):
                vector = vectors[holding[np.argmin(rows[holding, 2] - rows[holding, 1])]]
            else:
                held = np.flatnonzero((rows[:, 1] >= start) & (rows[:, 2] <= end) & (rows[:, 3] == 1))
                if not len(held):
                    return None
                vector = vectors[held].mean(axis=0)
                vector = vector / (np.linalg.norm(vector) or 1.0)
        return float(vector @ self.question)


def semantic(question: np.ndarray | None, units: UnitVectors | None) -> Semantic | None:
    """The question's vector against the units, or None when either is missing (a
    BM25-only search embeds no question; an index may have no unit vectors)."""
    return Semantic(question, units) if question is not None and units is not None else None
