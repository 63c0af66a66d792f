"""Questions about a document itself, answered from its title block.

"Kế hoạch chuyển đổi số tỉnh Bình Định năm 2025 là kế hoạch số mấy?", "… ban hành ngày
nào?", "Ai ký kế hoạch …?", "When was Thai Nguyen's digital transformation strategy to 2030
approved?": the answer is what the document says of itself (its "Số: 72/KH-UBND" line, its
"Bình Định, ngày 15 tháng 4 năm 2025" line, the "Người ký: …" line cleaning writes for its
signature block), not a number or date its body quotes of another document ("Căn cứ …",
"Theo đề nghị … Tờ trình số 28/TTr-SKHCN ngày 09/4/2025 …").

``named_document`` finds, among the retrieved passages' documents, the one the question
names: of the kind it names (``qa/data/official_documents.json``, English words of
``qa/data/question_types.json``) or a decision approving or issuing one ("QUYẾT ĐỊNH PHÊ
DUYỆT CHIẾN LƯỢC …"), with every year the question names in its title, and the most of
the question's content in its title. ``title_block_answer`` is then that document's
title-block line holding the asked number, day, signer or issuer, in a retrieved passage (cited
as any passage). It sits outside the reader: when no document matches, or the matching
document's line is not among the passages, the reader answers as before.

A question about a document of the kind and the province the collection holds, but of a
year none of its titles names ("Kế hoạch chuyển đổi số năm 2024 của Gia Lai có số hiệu
là gì?" where Gia Lai's plans are of 2022 and 2025), is about a document the collection
may not hold: ``other_year`` tells the caller to accept the reader's answer only when it
names a document of that kind and year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.answering.candidates import Candidate, head, is_signature_line, units
from qa.answering.reader import kind_words, question_types, says, answer_types, asked_document_kind, asks_deadline, asks_effect, coverage, holds_type, number_kinds
from qa.documents.structure import is_issuer_line
from qa.retrieval.query import Query
from qa.text import fold, years
from qa.types import Chunk, Document, Hit

#: The answer kinds a document's title block gives: its number, its day of issue, its signer,
#: its issuer (``asked_own``).
OWN_KINDS = ("docnumber", "day", "signer", "issuer")

#: Share of the question's content a title (with its province) must hold to be the document
#: the question names, when the question names no year (plans dev: the titles named held 0.535
#: to 1.0, the other plan of the same province retrieved for p059 0.096). The articles are news
#: pages and the regulations have no title blocks, so it was swept (2026-12-07) on the plans
#: dev questions and a second collection with title blocks: the 33 questions written for the
#: check on a decision and a plan of Lào Cai, a PDF plan of Tuyên Quang and a Yên Bái portal
#: page (provinces in none of the sets; not a test split). Failing questions, plans / check:
#: 0 -> 32 / 4, 0.2 -> 31 / 4, 0.3 -> 29 / 4, 0.35 -> 29 / 4, 0.4 -> 29 / 4, 0.5 -> 29 / 5
#: ("Ke hoach chuyen doi so Lao Cai ban hanh ngay nao?": its title holds between 0.4 and 0.5),
#: 0.6 and 0.7 -> 30 / 5. The middle of the plateau is taken.
MIN_TITLE_COVERAGE = 0.35


@dataclass(frozen=True)
class NamedDocument:
    """The document a question names, as read from a retrieved passage's title block."""

    doc_id: str
    kind: str
    title: str


def asked_own(query: Query) -> str | None:
    """The title-block answer the question asks for ("docnumber", "day", "signer", "issuer"), or None;
    never the day of issue for a question asking a deadline (``asks_deadline``).

    Rule (who issued is the issuer): an agent asked with a word of a document's issue or
    signing ("Which agency issued Kon Tum's 2025 plan?", "Cơ quan nào ban hành kế hoạch …?")
    asks for the issuer its title block opens with ("ỦY BAN NHÂN DÂN TỈNH KON TUM"), not
    the first agency the reader finds in its passages.

    Rule (who proposed is not who issued): an agent asked with a word of a document's
    proposal as well (``question_types.json``, "proposal_events": "Cơ quan nào đề nghị ban
    hành Kế hoạch chuyển đổi số tỉnh Bình Định năm 2025?", "Which department proposed …")
    asks for the department the body names ("Theo đề nghị của Sở Khoa học và Công nghệ tại
    Tờ trình số 28/TTr-SKHCN …"), which the reader finds; the title block's issuer ("ỦY BAN
    NHÂN DÂN TỈNH BÌNH ĐỊNH") is the one agency that did not propose it.

    Rule (taking effect is not issue): a day asked with the words of a document taking
    effect or ceasing to ("Nghị định … có hiệu lực từ ngày nào?", "When does the circular
    take effect?": ``question_types.json``, "effect_events") is stated in the document's body
    ("Điều 9. Hiệu lực thi hành" / "1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng
    5 năm 2026"), not by the date its title block gives, which is the day it was issued.

    Rule (a cited document is not the citing one): a number asked with a word of citing
    (``question_types.json`` "citing": "Which national data strategy decision does Lang
    Son's scheme cite?", "… căn cứ quyết định nào?") is that of a document the named one's
    grounds name ("Căn cứ Quyết định số 142/QĐ-TTg …"), never its own ("Số: 1878/QĐ-UBND"),
    which the title block gives: the reader answers it."""
    kinds = answer_types(query.text, query.lang)
    own = next((k for k in OWN_KINDS if k in kinds), None)
    if (own is None and "agent" in kinds and says("document_events", query.folded, query.lang)
            and not says("proposal_events", query.folded, query.lang)):
        return "issuer"
    if own == "day" and (asks_deadline(query) or asks_effect(query)):
        return None
    if own == "docnumber" and says("citing", query.folded, query.lang):
        return None
    return own


def named_kind(query: Query, asked: str) -> str | None:
    """The kind of document the question is about: for a number, the kind whose number it asks
    ("… phê duyệt bằng quyết định số mấy" asks for a decision's); else the first kind it names
    ("Kế hoạch thực hiện Nghị quyết 05-NQ/TU ban hành ngày nào" is about the plan)."""
    if asked == "docnumber":
        return asked_document_kind(query.text, query.lang)
    folded = query.folded
    words = kind_words("en" if query.lang == "en" else "vi")
    names = "|".join(re.escape(w) for w, _ in words)
    first = re.search(rf"\b({names})\b", folded)
    return dict(words)[first.group(1)] if first else None


def _kind_pattern(kind: str) -> str:
    """The Vietnamese words naming a kind of document, folded ("ke hoach" for a plan)."""
    return "|".join(re.escape(w) for w, k in kind_words("vi") if k == kind)


def is_of_kind(doc: Document, title: str, kind: str) -> bool:
    """The document is of the kind, or a document approving or issuing one ("QUYẾT ĐỊNH PHÊ
    DUYỆT CHIẾN LƯỢC …" is how a strategy is approved; "KẾ HOẠCH Thực hiện Nghị quyết …" is
    a plan, not a resolution)."""
    if doc.kind == kind:
        return True
    words = _kind_pattern(kind)
    if not words:
        return False
    events = "|".join(re.escape(w) for w in question_types()["document_events"]["vi"])
    folded = fold(title).lower()
    return bool(re.search(rf"^\S+(?:\s\S+)?\s+(?:ve viec\s+)?(?:{events})\s+(?:{words})\b", folded))


def named_document(query: Query, kind: str, hits: Sequence[Hit], documents: dict[str, Document],
                   idf: Callable[[str], float]) -> tuple[NamedDocument | None, bool]:
    """The retrieved document of ``kind`` the question names (None when none matches), and
    whether a retrieved document of that kind matched all but the year (``other_year``)."""
    wanted = set(query.years)
    best: tuple[tuple[float, ...], NamedDocument] | None = None
    other_year = False
    seen: set[str] = set()
    for rank, hit in enumerate(hits):
        doc = documents[hit.chunk.doc_id]
        if doc.doc_id in seen:
            continue
        seen.add(doc.doc_id)
        _, title = head(doc.text)
        if not title or not is_of_kind(doc, title, kind):
            continue
        in_title = set(years(title))
        by_number = names_number(query.text, doc.number)
        if not wanted <= in_title and not by_number:
            other_year = other_year or bool(in_title)
            continue
        covered = coverage(query.concepts, f"{title} {doc.province or ''}", idf)
        if not wanted and covered < MIN_TITLE_COVERAGE and not by_number:
            continue
        # Named by its number; the question's years all named; fewer years it does not
        # name; more of its content.
        key = (float(by_number), -len(in_title - wanted), covered, -rank)
        if best is None or key > best[0]:
            best = (key, NamedDocument(doc.doc_id, kind, title))
    return (best[1] if best else None), other_year and best is None


def names_number(question: str, number: str | None) -> bool:
    """Rule (a document named by its number): the question gives the document's own
    number ("When was Vinh Phuc's plan 193/KH-UBND issued?", "Quyết định 968/QĐ-UBND ký
    ngày nào?"), spaced or not as its title block writes it ("Số: 86 /KH-UBND"), as a
    whole code ("93/KH-UBND" is not named by "193/KH-UBND"). Such a question names that
    document whatever share of its content the title holds: a number is no word of a
    title, and the title's coverage of "plan 193/KH-UBND" was too low to name it, so the
    reader quoted the dated line and refused it."""
    if not number:
        return False
    code = re.sub(r"\s+", "", number)
    if not code:
        return False
    pattern = r"\s*".join(re.escape(ch) for ch in code)
    return re.search(rf"(?<![\w/]){pattern}(?![\w/])", question, re.IGNORECASE) is not None


def _answers(asked: str, candidate: Candidate, doc: Document) -> bool:
    """A title-block line holding the asked answer: the document's own number, its dated
    line, its signer."""
    text = candidate.text
    if asked == "docnumber":
        return bool(doc.number) and re.sub(r"\s+", "", doc.number) in re.sub(r"\s+", "", text)
    if asked == "day":
        return holds_type("day", text)
    if asked == "issuer":
        return is_issuer_line(text)
    return is_signature_line(text) or holds_type("signer", text)


def title_block_answer(query: Query, hits: Sequence[Hit], documents: dict[str, Document],
                       idf: Callable[[str], float],
                       chunks_of: Callable[[str], list[Chunk]] | None = None) -> tuple[Candidate | None, str | None]:
    """The title-block line of the document the question names that answers it, from the
    first retrieved passage holding one, else (with ``chunks_of``) from the document's own
    passages (``unretrieved_title_block``); None when no document matches or it has no such
    line: the reader answers then. And, when no document matched but one of the named kind
    matched all but the year, that kind (``other_year``: the reader's answer must name a
    document of it and of the year, ``names_document``)."""
    asked = asked_own(query)
    kind = named_kind(query, asked) if asked else None
    if kind is None:
        return None, None
    named, other_year = named_document(query, kind, hits, documents, idf)
    if named is None:
        return None, kind if other_year else None
    doc = documents[named.doc_id]
    lines = [c for rank, hit in enumerate(hits, 1) if hit.chunk.doc_id == named.doc_id
             for c in units(hit, doc.text, rank) if c.in_title_block]
    line = attached_number(asked, kind, doc, lines) or next((c for c in lines if _answers(asked, c, doc)), None)
    if line is not None:
        return line, None
    if chunks_of is None:
        return None, None
    return unretrieved_title_block(asked, doc, hits, chunks_of), None


def attached_number(asked: str, kind: str, doc: Document, lines: Sequence[Candidate]) -> Candidate | None:
    """Rule (the number of the document asked, not of the one issuing it): a question asking
    a plan's number ("Kế hoạch … có số hiệu là gì?") about a decision that issues the plan
    and attaches it, title block and all ("Số: 57/KH-UBND …" after the decision's
    "Số: 412/QĐ-UBND"), is answered by the attachment's number line: the first title-block
    line holding a number of the kind asked, when the document's own number is of another
    kind. None otherwise (the document's own number then answers, as before)."""
    if asked != "docnumber" or not doc.number or kind in number_kinds(doc.number):
        return None
    return next((c for c in lines if kind in number_kinds(c.text)), None)


def unretrieved_title_block(asked: str, doc: Document, hits: Sequence[Hit],
                            chunks_of: Callable[[str], list[Chunk]]) -> Candidate | None:
    """The named document's title-block line answering ``asked``, read from its passages
    when retrieval ranked none of them among the hits, as the hit taking the last rank.

    Rule (a document's metadata is the document's, not the passage's): once the question's
    document is found, whether its title block was among the passages depends on wording
    that says nothing of it. "When was Long An's 2026 plan issued?" retrieved the Tây Ninh
    plan's title block at rank 4, "When did Long An issue its 2026 plan?" the same plan's
    body passages only (its title block at rank 6): the active question was refused. Only
    the passages that open the document are read (a chunk with no title-block unit ends it).
    """
    rank = len(hits)
    for chunk in chunks_of(doc.doc_id):
        hit = Hit(chunk, hits[-1].score)
        found = [c for c in units(hit, doc.text, rank) if c.in_title_block]
        if not found:
            return None
        line = next((c for c in found if _answers(asked, c, doc)), None)
        if line is not None:
            return line
    return None


def names_document(query: Query, kind: str, text: str) -> bool:
    """The text names a document of the kind (by its number code or its kind words) and
    every year the question names."""
    folded = fold(text).lower()
    words = _kind_pattern(kind)
    of_kind = kind in number_kinds(text) or bool(words and re.search(rf"\b(?:{words})\b", folded))
    return of_kind and set(query.years) <= set(years(text))
