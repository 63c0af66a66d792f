"""The plain data types that travel between the pipeline's stages.

Stages (load -> clean -> chunk -> embed -> index -> retrieve -> answer) only share
these dataclasses; none of them reaches into another stage's internals.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
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
    # Official-document metadata read from the title block, where the text has one:
    # "Số: 245/KH-UBND", "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH", "decision" / "plan" / "news".
    number: str | None = None
    issuer: str | None = None
    kind: str | None = None
    # The page the document was taken from (catalogue ``url``), shown on source cards.
    url: str | None = None
    # Characters of the loaded text that cleaning removed (reported per document at
    # index time, so that a silent loss of content shows).
    removed_chars: int = 0


@dataclass(frozen=True)
class Chunk:
    """A passage of a document: whole sentences, with its span in ``Document.text``.

    ``heading_path`` is the chain of headings the passage sits under
    ("II. MỤC TIÊU › 2. Mục tiêu cụ thể › a) Chính quyền số"); retrieval reads it
    and citations show it.
    """

    chunk_id: int
    doc_id: str
    text: str
    start: int
    end: int
    heading_path: str = ""


@dataclass(frozen=True)
class Hit:
    """A chunk retrieved for a question, with the score that ranked it.

    ``score`` is the fused score: in [0, 1], plus a small bonus when the chunk names
    a year the question names (see ``qa.retrieval.retrieve``).
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
    heading_path: str | None = None
    number: str | None = None
    url: str | None = None
    # True when the answer text cites this source with its [n] marker; the others
    # are related passages, shown apart and without the answer highlight.
    cited: bool = False

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
    # How the question was understood once a follow-up was resolved against the
    # conversation ("Mục tiêu thanh toán điện tử của Đồng Nai năm 2025"); None when
    # it was read as asked.
    understood: str | None = None
    # What kind of reply this is: "answer", "abstain", "greeting", "definition",
    # "summary", "comparison".
    intent: str = "answer"
    # Notices shown above the answer ("Bạn đang lọc Hà Tĩnh; câu hỏi nói về Đồng Nai").
    notices: list[str] = field(default_factory=list)

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


_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def mark_cited(answer_text: str, citations: list[Citation]) -> list[Citation]:
    """The citations, still in rank order, with ``cited`` set on those the answer's
    [n] markers name, so a reader can be shown what supports the answer apart from
    what is only related."""
    named = {int(n) for m in _MARKER.finditer(answer_text) for n in m.group(1).split(",")}
    return [replace(c, cited=c.n in named) for c in citations]
