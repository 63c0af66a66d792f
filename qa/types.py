"""The plain data types that travel between the pipeline's stages.

Stages (load -> clean -> chunk -> embed -> index -> retrieve -> answer) only share
these dataclasses; none of them reaches into another stage's internals.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """A cleaned plan document, ready to be chunked.

    ``text`` is the cleaned text; every character span of a chunk or citation
    refers to it, so a reader's "open the document" shows exactly the cited text.
    """

    doc_id: str
    title: str
    text: str
    province: str | None = None
    date: str | None = None
    source: str | None = None
    path: str | None = None
    sha256: str = ""


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: whole sentences, with its span in ``Document.text``."""

    chunk_id: int
    doc_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """A chunk retrieved for a question, with the score that ranked it.

    ``score`` is the fused score: in [0, 1], plus a small bonus when the chunk names
    a year the question names (see ``qa.retrieve``).
    """

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Citation:
    """A source shown under an answer; ``n`` is the number of its [n] marker."""

    n: int
    doc_id: str
    title: str
    province: str | None
    passage: str
    start: int
    end: int
    score: float
    # Span of the answering sentence inside ``passage`` (for highlighting), if any.
    highlight_start: int | None = None
    highlight_end: int | None = None
    date: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The citation as the CLI's JSON schema defines it (no UI-only fields)."""
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "province": self.province,
            "passage": self.passage,
            "start": self.start,
            "end": self.end,
            "score": round(float(self.score), 6),
        }


@dataclass
class Answer:
    """What the assistant says to a question, with its sources in rank order."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    id: str | None = None
    lang: str = "vi"
    # Every hit retrieval ranked for the question (not only the cited ones); the
    # benchmark reads recall@k and MRR from it. Not part of the JSON schema.
    retrieved: list[Hit] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The answer in the exact JSON schema of ``python -m qa ask --json``."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "timings_ms": {k: round(float(v), 3) for k, v in self.timings_ms.items()},
        }


def as_dict(obj: Any) -> dict[str, Any]:
    """A dataclass as a plain dict (for storage and display)."""
    return asdict(obj)
