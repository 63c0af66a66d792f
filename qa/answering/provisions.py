"""Questions that address a provision of a regulation by its reference.

"Khoản 2 Điều 5 Nghị định 45/2026/NĐ-CP quy định gì?", "Điều 7 Thông tư … quy định về nội
dung gì?", "Theo điểm a khoản 2 Điều 4, hành vi nào bị phạt?": a legal question often names
the article, clause and point it is about, and the answer is that provision's own text.
The words of such a question match the document's title block ("Số: 45/2026/NĐ-CP") better
than the clause, which says "2. Phạt tiền …" and never "khoản 2 Điều 5"; ranked by the reader,
the number line won.

Rule (a provision named is the provision quoted): when the question names an article ("Điều
5"), and maybe a clause and a point of it, in a document of the collection (the one whose
number the question names, else the document of the first retrieved passage), the answer
quotes that provision from the passage that holds it (an article alone only when the
question asks what it says, "quy định gì": else the question asks something in it, and the
reader answers): a point with its clause's lead-in, a
clause that leads points with as many of them as fit (``candidates.with_items``), an article
with its title and the first of its lines that fit. When the document has no such provision
the reader answers as before. It sits beside the title-block answers
(``qa.answering.document_metadata``), before the reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.answering.candidates import Candidate, units, with_items
from qa.documents.legal_outline import article_numbered, child
from qa.answering.reader import says
from qa.documents.structure import parse
from qa.text import Span, fold
from qa.types import Chunk, Document, Hit

#: An article, clause and point named in a question, folded: "diem a khoan 2 dieu 4".
_ADDRESSED = re.compile(r"\b(?:diem\s+(?P<point>[a-z])\s+)?(?:khoan\s+(?P<clause>\d{1,2})\s+)?dieu\s+(?P<article>\d{1,3})\b")


#: The same in English: "point a of clause 2 of Article 4", "clause 2, Article 5", "Article 7".
_ADDRESSED_EN = re.compile(r"\b(?:point\s+(?P<point>[a-z])\W+(?:of\s+)?)?(?:clause\s+(?P<clause>\d{1,2})\W+(?:of\s+)?)?"
                           r"article\s+(?P<article>\d{1,3})\b")


def addressed(question: str) -> tuple[str | None, str | None, str] | None:
    """(point, clause, article) the question names ("điểm a khoản 2 Điều 4", "point a of
    clause 2 of Article 4" -> ("a", "2", "4")), or None when it names no article."""
    folded = fold(question).lower().replace("đ", "d")
    m = _ADDRESSED.search(folded) or _ADDRESSED_EN.search(folded)
    return (m.group("point"), m.group("clause"), m.group("article")) if m else None


def asks_content(question: str) -> bool:
    """The question asks what a provision says ("… quy định gì?", "What does Article 7
    provide?": ``question_types.json``, "provision_content")."""
    folded = fold(question).lower()
    return says("provision_content", folded, "vi") or says("provision_content", folded, "en")


def _named_document(question: str, hits: Sequence[Hit], documents: dict[str, Document]) -> Document | None:
    """The retrieved document whose number the question names, else the first hit's."""
    folded = re.sub(r"\s+", "", fold(question).lower())
    for hit in hits:
        doc = documents[hit.chunk.doc_id]
        if doc.number and re.sub(r"\s+", "", fold(doc.number).lower()) in folded:
            return doc
    return documents[hits[0].chunk.doc_id] if hits else None


def provision_answer(question: str, hits: Sequence[Hit], documents: dict[str, Document],
                     chunks_of: Callable[[str], list[Chunk]], room: Callable[[Document], int]) -> Candidate | None:
    """The unit quoting the provision the question names (module docstring), or None;
    ``room`` gives the characters an answer quoting a document has room for."""
    asked = addressed(question)
    if asked is None or not hits:
        return None
    point, clause, article = asked
    if not (point or clause) and not asks_content(question):
        return None  # "Theo Điều 18, các Khoa có trách nhiệm gì?": something in the article, for the reader
    doc = _named_document(question, hits, documents)
    if doc is None:
        return None
    text = doc.text
    blocks = parse(text)
    first = next((h for h in hits if h.chunk.doc_id == doc.doc_id), None)
    target = article_numbered(blocks, first.chunk.start if first else 0, article)
    if target is not None and clause:
        target = child(blocks, target, clause)
    if target is not None and point:
        target = child(blocks, target, point)
    if target is None:
        return None
    at = blocks[target].start
    chunk = next((c for c in chunks_of(doc.doc_id) if c.start <= at < c.end), None)
    if chunk is None:
        return None
    hit = next((h for h in hits if h.chunk.chunk_id == chunk.chunk_id), None) or Hit(chunk, hits[0].score)
    rank = next((n for n, h in enumerate(hits, 1) if h.chunk.chunk_id == chunk.chunk_id), 1)
    unit = next((c for c in units(hit, text, rank) if chunk.start + c.span.start == at and c.kind in ("item", "line")),
                None)
    if unit is None:
        return None
    return with_items(unit, text, room(doc)) or _with_lines(unit, room(doc))


def _with_lines(unit: Candidate, room: int) -> Candidate:
    """An article's title with the lines after it in its passage, as many whole ones as fit
    ("Điều 7. Đánh giá mức độ hài lòng 1. Người dân, doanh nghiệp được đánh giá …"); a point
    or a clause as it is."""
    if not re.match(r"Điều\s+\d", unit.text, re.IGNORECASE):
        return unit
    text = unit.hit.chunk.text
    quote, end = unit.text, unit.span.end
    for m in re.finditer(r"[^\n]+", text[unit.span.end:]):
        line = " ".join(m.group(0).split())
        if re.match(r"(?:Điều|Chương|Mục)\s+[\dIVXLC]", line, re.IGNORECASE):
            break  # the next article or chapter
        if len(quote) + 1 + len(line) > room:
            break
        quote, end = f"{quote} {line}", unit.span.end + m.end()
    return Candidate(unit.hit, unit.rank, Span(quote, unit.span.start, end), "list", "", unit.before, room=room,
                     document_year=unit.document_year)
