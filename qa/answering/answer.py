"""Extractive answers: the unit of the plan that answers, framed in the question's
language, with [n] markers, or an honest abstention.

No generative model can ship here, so the answer quotes the plan. The candidate
units of the retrieved passages (``qa.answering.candidates``: sentences, clauses, list items
with their lead-in) are scored by the reader (``qa.answering.reader``), a logistic model of
named features fitted on dev questions of several collections. The best unit
answers; below the model's threshold the assistant says the plans do not state it
and shows the nearest passage. One rule stays a rule: a question about a province
the collection has no plan of is not answered from another province's plan.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.answering.candidates import Candidate, units, with_body, with_items
from qa.answering.document_metadata import names_document, title_block_answer
from qa.answering.provisions import provision_answer
from qa.indexing.unit_vectors import Semantic
from qa.retrieval.provinces import describe
from qa.retrieval.query import Query, asks_yes_no
from qa.retrieval.retrieve import PASSAGES_PER_PROVINCE
from qa.answering.reader import Reading, figure_numbers, weigh, ReaderModel, Scored, answer_types, asked_document_kind, asked_kinds, coverage, load_model, parse_number, score
from qa.answering.reader import asks_several, asks_target, says, names_agency, question_types, reports_result, term_set
from qa.documents.structure import PATH_SEPARATOR, type_word
from qa.text import Span, years
from qa.types import Chunk, Citation, Document, Hit

#: Weight of a syllable pair against its syllables' in idf (dev: 1.0 was no better than 0.5).
PAIR_WEIGHT = 0.5


#: Largest collection, in chunks, the reader's word weights are worked out in
#: (``idf_function``): a larger one is read as this many chunks holding each term at its
#: share. Dev: 60 and 235 read the standard dev sets alike (60: 2 regulations answers
#: fewer, 3 false refusals fewer); with every floor check's
#: documents in one index (519 chunks) 60 answered two more questions, 235 none.
REFERENCE_CHUNKS = 60


def idf_function(document_frequency: Callable[[str], int], n_docs: int,
                 reference: int = REFERENCE_CHUNKS) -> Callable[[str], float]:
    """Lucene idf of a term in a collection of at most ``reference`` chunks that holds
    each term at its share of this one; a syllable absent from the collection weighs as
    a rare one (the plans do not speak of it), a syllable pair absent from it weighs
    nothing (pairs cross word boundaries, so most never occur anywhere).

    Why a size cap: Lucene idf of an absent or one-chunk syllable is about ln(2N), which
    grows with the collection while a common word's (its share unchanged) stays, so one
    question's weights, and its unit's answerability, moved as plans were added. Read at
    the cap, they move only when a word's share moves. A smaller collection keeps its
    own size: read at the cap, its few chunks' shares would weigh an absent syllable as
    if sixty chunks lacked it."""
    size = min(n_docs, reference)
    share = size / max(n_docs, 1)

    @lru_cache(maxsize=65536)
    def idf(term: str) -> float:
        found = document_frequency(term)
        if found == 0 and "_" in term:
            return 0.0
        df = found * share
        weight = math.log(1 + (size - df + 0.5) / (df + 0.5))
        return weight * (1.0 if "_" not in term else PAIR_WEIGHT)
    return idf


#: Characters an answer's framing takes ("According to the Bà Rịa - Vũng Tàu plan (by 2025): “…” [1].").
FRAME_CHARS = 70


def reading(query: Query, hits: Sequence[Hit], idf: Callable[[str], float], max_chars: int = 300,
            per_province: bool = False, semantic: Semantic | None = None) -> Reading:
    """What the reader's features read for this question (``per_province``: in one
    province's plan, for a comparison; ``asked_kinds``; ``semantic``: the question's vector
    against the index's unit vectors, when it has them)."""
    return Reading(query, idf, hits[0].score if hits else 0.0, asked_kinds(query, per_province),
                   weighted=weigh(query.concepts, idf), room=max(40, max_chars - FRAME_CHARS),
                   document_kind=asked_document_kind(query.text, query.lang), semantic=semantic)


def candidates(hits: Sequence[Hit], documents: dict[str, Document], room: int | None = None,
               query: Query | None = None, max_chars: int = 300, runs: bool = True) -> list[Candidate]:
    """Every candidate unit of the hits, in rank order; with ``room``, only pieces an
    answer can quote whole; with ``query`` too, the room each document's answer frame
    leaves (``quote_room``), which each candidate keeps; with ``runs``, runs of lines
    (``candidates.line_runs``) for a question that asks no kind of answer."""
    out = []
    several = query is not None and asks_several(query)
    # Rule (a figure is one statement): a question asking for a kind of answer (a quantity,
    # a percentage, a date, a signer …: ``asked_kinds``) reads no run of lines. A run of a
    # plan's duties ("2. Sở Tài chính … kinh phí … 3. Công an tỉnh …") held all the words of
    # "How much provincial budget is allocated …?" and outranked the sentence with the 312
    # billion, then was refused (English floor check 1.000 -> 0.990 with runs for every
    # question; regulations dev 0.611 either way).
    runs = runs and not (query is not None and asked_kinds(query))
    for rank, h in enumerate(hits, 1):
        doc = documents[h.chunk.doc_id]
        if query is None or room is None:
            out += units(h, doc.text, rank, room, with_lists=several, runs=runs)
            continue
        out += framed_units(h, doc.text, rank, quote_room(query, doc, max_chars, False),
                            quote_room(query, doc, max_chars), several, runs)
    return out


def framed_units(hit: Hit, document_text: str, rank: int, room: int, room_with_year: int,
                 several: bool, runs: bool = True) -> list[Candidate]:
    """The hit's units as an answer can quote them whole in its frame (``units``).

    Rule (a unit is cut for the frame it gets): the answer's lead notes the year a unit is
    about only when the unit names none itself and its context does (``_context_year``:
    "Theo kế hoạch của Hà Tĩnh, đến năm 2025: “…”"). A unit framed with no year note has
    the note's characters too: a regulation's 270-character sentence, cut to the room left
    after a year note it never gets, lost the end of its clause. A unit longer than that
    room whose frame does note a year is replaced by its pieces cut to the smaller room, as
    before, so that no answer runs past ``max_chars``."""
    if room == room_with_year:
        return units(hit, document_text, rank, room_with_year, with_lists=several, runs=runs)
    kept = [c for c in units(hit, document_text, rank, room, with_lists=several, runs=runs)
            if len(quoted(c)) <= room_with_year or _context_year(c) is None]
    seen = {(c.span.start, c.span.end, c.kind) for c in kept}
    return kept + [c for c in units(hit, document_text, rank, room_with_year, with_lists=several, runs=runs)
                   if (c.span.start, c.span.end, c.kind) not in seen and _context_year(c) is not None]


def read(query: Query, hits: Sequence[Hit], documents: dict[str, Document], idf: Callable[[str], float],
         max_chars: int = 300, model: ReaderModel | None = None, per_province: bool = False,
         semantic: Semantic | None = None) -> list[Scored]:
    """The candidates of the hits, scored by the reader, best first (``per_province``: in
    one province's plan, for a comparison or a look-up)."""
    if not hits:
        return []
    r = reading(query, hits, idf, max_chars, per_province, semantic)
    return score(r, candidates(hits, documents, r.room, query, max_chars), model or load_model())


def quote_of(query: Query, candidate: Candidate, room: int) -> str:
    """What an answer quotes of the unit, cut to ``room`` characters (the unit's own room
    when it has one)."""
    return _shorten(quoted(candidate), candidate.room or room, query.content_terms, query.wants_list)


# ----------------------------------------------------------------- answers

def compose(query: Query, hits: list[Hit], documents: dict[str, Document],
            idf: Callable[[str], float], threshold: float | None, max_chars: int,
            out_of_collection: tuple[str, ...] = (), semantic: Semantic | None = None,
            chunks_of: Callable[[str], list[Chunk]] | None = None, list_chars: int = 0
            ) -> tuple[str, bool, list[Citation]]:
    """Answer text, whether it abstains, and the citations in rank order.

    ``threshold`` overrides the model's own abstention threshold when given; ``semantic``
    is the question's vector against the index's unit vectors (``qa.indexing.unit_vectors``);
    ``chunks_of`` gives a document's passages, for a question naming a provision
    (``qa.answering.provisions``) whose passage was not retrieved.
    """
    if not hits:
        return _abstain_text(query, None, out_of_collection), True, []
    if chunks_of is not None and not out_of_collection:
        named = provision_answer(query.text, hits, documents, chunks_of, lambda d: quote_room(query, d, max_chars))
        if named is not None:
            if all(h.chunk.chunk_id != named.hit.chunk.chunk_id for h in hits):  # its passage, cited first
                hits = [named.hit] + list(hits[:-1])
            n = next(n for n, h in enumerate(hits, 1) if h.chunk.chunk_id == named.hit.chunk.chunk_id)
            citations = [_citation(i, h, documents, None) for i, h in enumerate(hits, 1)]
            citations[n - 1] = _citation(n, hits[n - 1], documents, None, named.span)
            return _frame(query, named, documents[named.hit.chunk.doc_id], n, max_chars), False, citations
    scored = read(query, hits, documents, idf, max_chars, semantic=semantic)
    best_of_hit: dict[int, Scored] = {}
    for s in scored:
        best_of_hit.setdefault(s.candidate.rank, s)
    citations = [_citation(n, h, documents, best_of_hit.get(n)) for n, h in enumerate(hits, 1)]
    if out_of_collection:
        return _abstain_text(query, None, out_of_collection), True, citations
    # A question about a document itself: its own title-block line, when a passage holds it
    # (qa.answering.document_metadata).
    own, other_year = title_block_answer(query, hits, documents, idf, chunks_of)
    if own is not None:
        n = own.rank
        if hits[n - 1].chunk.chunk_id != own.hit.chunk.chunk_id:  # its passage was not retrieved: cited last
            hits = [*hits[:n - 1], own.hit]
        citations[n - 1] = _citation(n, hits[n - 1], documents, None, own.span)
        return _frame(query, own, documents[own.hit.chunk.doc_id], n, max_chars), False, citations
    best = scored[0] if scored else None
    limit = trusted_limit(threshold)
    if best is None or best.probability < limit:
        return _abstain_text(query, best, ()), True, citations
    if other_year and not names_document(query, other_year, quoted(best.candidate)):
        return _abstain_text(query, best, ()), True, citations
    doc = documents[best.candidate.hit.chunk.doc_id]
    chosen = quoted_unit(best.candidate, doc.text, best.candidate.room or quote_room(query, doc, max_chars), query)
    if list_chars > max_chars and asks_for_list(query):
        whole = whole_list(best.candidate, doc.text, quote_room(query, doc, list_chars), query)
        if whole is not None and len(quoted(whole)) > len(quoted(chosen)):
            return _frame(query, whole, doc, best.candidate.rank, list_chars), False, citations
    return _frame(query, chosen, doc, best.candidate.rank, max_chars), False, citations


def asks_for_list(query: Query) -> bool:
    """Whether the answer may quote a whole list (``whole_list``): the question asks for
    several things or for what a rule sets out (``reader.asks_several``: ``Query.wants_list``
    and ``qa/data/question_types.json``'s "several" phrases) or for what someone must do or
    may claim, or how a thing is done ("whole_list": "trách nhiệm", "nhiệm vụ", "yêu cầu",
    "như thế nào", "responsibilities", "how is" …, read here only: the reader's candidates
    and features are unchanged), or asks yes or no (``query.asks_yes_no``: "X có nằm trong
    … không?", answered by the list that decides), and for no kind of answer
    (``reader.asked_kinds``): "bao nhiêu hồ sơ … thủ tục hành chính" asks for a figure, which one unit states, even though
    "thủ tục" is one of the phrases.

    Regulations dev with ``max_list_answer_chars`` 800: "several" alone took 87 questions
    and contained 8 more golds (0.634 -> 0.642); with "whole_list" 223 questions, 12 more
    (0.634 -> 0.647), none lost; no answer of articles, plans or questions_dev_en changes.
    With yes-or-no questions too: regulations dev containment 0.647 -> 0.653, >= 80% 0.684 ->
    0.688; articles dev, plans dev and the floor checks eval/checks/unseen and unseen2
    unchanged (main 0f2a9be, 2026-12-08)."""
    return ((asks_several(query) or says("whole_list", query.folded, query.lang) or asks_yes_no(query.folded))
            and not asked_kinds(query))


def whole_list(c: Candidate, document_text: str, room: int, query: Query) -> Candidate | None:
    """The list the chosen unit ``c`` belongs to, quoted in ``room`` characters, or None when
    ``c`` is no list: a lead-in with its items (``candidates.with_items``), or, for a list
    unit (a lead-in with the items after it, ``candidates.lists``), the same lead-in with
    more of its items. ``compose`` quotes it
    for a question asking for a list (``asks_for_list``). An item chosen alone is not grown
    into its list: on the regulations dev list questions that changed one answer and
    contained no more golds.

    Rule (a list question quotes its whole list): a question that asks for a list or for
    what a rule sets out ("Hồ sơ gồm những gì?", "Có thể xin bảo lưu ở những trường hợp
    nào?", "What are the …?") is answered by a lead-in and all of its items, which the
    answer's usual room (``Settings.max_answer_chars``) cut after the first few. When the
    chosen unit is a list, its answer may quote up to ``Settings.max_list_answer_chars``;
    every other answer keeps the usual room, and the reader still chooses among the units
    the usual room quotes, so the citation points at the same passage and unit.

    Rule (a list runs on past its passage): passages are cut at a length, often inside a
    list, so the list is read from the document's text from the passage's start to the end
    of the line ``room`` characters after the unit (``_read_on``): on the regulations dev list
    questions it took containment from 0.540 to 0.575 ("several" questions only).

    Tried and dropped (dev, 2026-12-08): a piece of a long line chosen for a list question
    (kind "window") quoted to its line's end contained 11 more regulations golds of 223 list
    questions, but quoted plans, articles and questions_dev_en answers past 300 characters
    (their list questions 7 -> 4, 12 -> 10, 3 -> 2 right); only when the rest of the line
    held "…: a; b; c" 4 more, with plans 7 -> 6 and articles 12 -> 10. A heading grown with
    its whole body (``candidates.with_body``) in the larger room (main 6454943): regulations
    dev containment 0.650 -> 0.655, but a plan's task heading with its sub-tasks, agencies and
    deadlines quoted past 300 characters (eval/checks/unseen 0.960 -> 0.947, u037): a plan's
    heading heads sections, not a list, and its usual quote (``quoted_unit``) already names
    the first of them."""
    c = _read_on(c, document_text, room)
    asked = frozenset(query.content_terms)
    grown = with_items(c, document_text, room, asked)
    if grown is not None or c.kind != "list":
        return grown
    longer = [u for u in units(c.hit, document_text, c.rank, room, with_lists=True, runs=False)
              if u.kind == "list" and u.span.start == c.span.start and u.span.end >= c.span.end]
    return max(longer, key=lambda u: u.span.end) if longer else None


def _read_on(c: Candidate, document_text: str, room: int) -> Candidate:
    """``c`` read in its passage run on to the end of the document's line ``room`` characters
    after the unit's end (offsets inside the passage are unchanged: it starts where it did)."""
    chunk = c.hit.chunk
    if document_text[chunk.start:chunk.end] != chunk.text:
        return c  # a passage that is not the document's text there is read as it is
    limit = chunk.start + c.span.end + room
    end = document_text.find("\n", limit)
    end = len(document_text) if end < 0 else end
    if end <= chunk.end:
        return c
    longer = Chunk(chunk.chunk_id, chunk.doc_id, document_text[chunk.start:end], chunk.start, end, chunk.heading_path)
    return dataclasses.replace(c, hit=Hit(longer, c.hit.score))


def quoted_unit(c: Candidate, document_text: str, room: int, query: Query) -> Candidate:
    """The unit an answer choosing ``c`` quotes in ``room`` characters: a lead-in never
    answers alone, it is quoted with its items (``candidates.with_items``, the question's
    terms choosing which when they do not all fit); nor does a heading, quoted with its
    body (``candidates.with_body``); any other unit as it is. The fit labels candidates by
    the same quote (``eval.fit_reader``)."""
    return (with_items(c, document_text, room, frozenset(query.content_terms))
            or with_body(c, document_text, room) or c)


def _citation(n: int, hit: Hit, documents: dict[str, Document], best: Scored | None,
              span: Span | None = None) -> Citation:
    """The hit as a citation, highlighting ``span``, else the best unit the reader read in it."""
    doc = documents[hit.chunk.doc_id]
    span = span or (best.candidate.span if best else None)
    return Citation(
        n=n, doc_id=doc.doc_id, title=doc.title, province=doc.province, passage=hit.chunk.text,
        start=hit.chunk.start, end=hit.chunk.end, score=hit.score,
        highlight_start=span.start if span else None, highlight_end=span.end if span else None,
        date=doc.date, heading_path=hit.chunk.heading_path or None, number=doc.number, url=doc.url,
    )


def quoted(candidate: Candidate) -> str:
    """What the answer quotes of a unit: a list item with the lead-in it belongs to; a
    lead-in with its items on one line."""
    if candidate.kind == "item" and candidate.context:
        return f"{candidate.context} {candidate.text}"
    if candidate.kind == "list":
        return " ".join(candidate.text.split())
    return candidate.text


def _frame(query: Query, candidate: Candidate, doc: Document, n: int, max_chars: int) -> str:
    """"According to the Hà Tĩnh plan (by 2025): “…” [1]." in the question's language."""
    lead = _lead(query, doc, _context_year(candidate))
    article = agent_article(query, candidate)
    if article:
        lead = f"{lead[:-2]}, {article}: "
    return _quote(lead, quoted(candidate), f" [{n}].", max_chars, query)


#: An article heading in a chunk's heading path: "Điều 8. Trách nhiệm của Cục …".
_ARTICLE = re.compile(r"^Điều\s+\d+[a-z]?\s*[.:]\s*\S", re.IGNORECASE)


def agent_article(query: Query, candidate: Candidate) -> str | None:
    """The heading of the article the unit is in, when the question asks who ("Cơ quan nào
    …?", "Which office …?"), the unit names no one and the heading does; else None.

    Rule (who is in the article's title): a regulation names whose duties an article sets
    out in its title ("Điều 8. Trách nhiệm của Cục Kiểm soát thủ tục hành chính") and lists
    them in clauses without a subject ("1. Quản lý, vận hành Cổng Dịch vụ công quốc gia
    …"). Quoted alone, the clause does not answer "Cơ quan nào quản lý, vận hành Cổng Dịch
    vụ công quốc gia?": the answer's lead names the article ("Theo Thông tư số
    08/2026/TT-VPCP, Điều 8. Trách nhiệm của Cục Kiểm soát thủ tục hành chính: “1. Quản
    lý …”"). The quotation is unchanged."""
    if "agent" not in answer_types(query.text, query.lang) or names_agency(quoted(candidate)):
        return None
    article = article_heading(candidate)
    return article if article and names_agency(article) else None


def article_heading(candidate: Candidate) -> str | None:
    """The heading line of the article ("Điều 8. …") the unit is in: the last one before it
    in its passage, else the last in the passage's heading path; None outside any article.
    Not ``Candidate.enclosing_headings``: that reads headings by their shape (``is_heading``:
    short, no closing stop), and an article's title may end with a full stop or run past a
    line ("Điều 8. Trách nhiệm của … ."); here the "Điều N." marker alone decides."""
    text = candidate.hit.chunk.text
    before = [line.strip() for line in text[: candidate.span.start].split("\n")]
    path = (candidate.hit.chunk.heading_path or "").split(PATH_SEPARATOR)
    for line in reversed(before):
        if _ARTICLE.match(line):
            return line
    return next((part.strip() for part in reversed(path) if _ARTICLE.match(part.strip())), None)


def _lead(query: Query, doc: Document, year: int | None) -> str:
    """"According to the Hà Tĩnh plan (by 2025): ", "Theo “Điều 5.”: ": whose words the answer quotes."""
    note = describe(doc.province, query.provinces, query.lang) if doc.province else None
    lead = source_lead(doc, query.lang, note)
    if query.lang == "en":
        return lead + (f" (by {year})" if year else "") + ": "
    return lead + (f", đến năm {year}" if year else "") + ": "


def source_lead(doc: Document, lang: str, note: str | None = None) -> str:
    """Whose words a quotation gives, as every answer opens: "Theo tin về Bạc Liêu" (a news
    page), "Theo quyết định của Quảng Trị" (``kind_word``), "Theo Nghị định số 45/2026/NĐ-CP"
    (``document_name``), else the document's title; ``note`` follows the province ("Quảng Nam
    (nay thuộc Đà Nẵng)") when it has merged since. Answers and definitions share it, so a
    news page is never called a plan in either."""
    where = f"{doc.province} ({note})" if doc.province and note else doc.province or doc.title
    named = None if doc.province else document_name(doc, lang)
    if lang == "en":
        return (f"According to news on {where}" if doc.province and doc.kind == NEWS
                else f"According to the {where} {kind_word(doc, 'en')}" if doc.province
                else f"According to {named}" if named else f"According to “{doc.title}”")
    return (f"Theo tin về {where}" if doc.province and doc.kind == NEWS
            else f"Theo {kind_word(doc, 'vi')} của {where}" if doc.province
            else f"Theo {named}" if named else f"Theo “{doc.title}”")


#: The kind of a news page about a province (``qa.documents.ingest``): its answers say "Theo tin
#: về Bạc Liêu" / "According to news on Bạc Liêu", not that the province's plan says so; a
#: news page reports a plan, its results and officials' words, in its own words.
NEWS = "news"


def kind_word(doc: Document, lang: str) -> str:
    """What a province's document is called in the answer's lead: its type when its title
    block gives one ("quyết định", "quy chế", "nghị quyết"; "decision"), else "kế hoạch" /
    "plan" (a plan, a news page or a portal page about the province's plan).

    Rule (a document is called what it is): a province's decision issuing a regulation is
    quoted as "Theo quyết định của Quảng Trị", not as its plan."""
    name = _kind_name(doc.kind, lang) if doc.kind and doc.kind != "plan" else None
    return name or ("plan" if lang == "en" else "kế hoạch")


def document_name(doc: Document, lang: str) -> str | None:
    """How legal texts cite an official document: its type and number ("Nghị định số
    45/2026/NĐ-CP", "Decree No. 45/2026/NĐ-CP"), when its title block gives both; else None.

    Rule (a document is named by its number): a document of no province (a decree, a
    circular, a ministry's decision) is named this way in the answer's lead, not by its
    title, which runs to a hundred characters in capitals ("NGHỊ ĐỊNH QUY ĐỊNH XỬ PHẠT VI
    PHẠM HÀNH CHÍNH TRONG LĨNH VỰC …") and would leave the quotation little room."""
    name = _kind_name(doc.kind, lang) if doc.number and doc.kind else None
    if name is None:
        return None
    return f"{name.capitalize()} No. {doc.number}" if lang == "en" else f"{name.capitalize()} số {doc.number}"


def _kind_name(kind: str | None, lang: str) -> str | None:
    """A kind of document in words, lower case: "decision" (``question_types.json``'s English
    names), "quyết định" (``official_documents.json``'s type lines); None when it has none."""
    if lang == "en":
        words = question_types()["document_kinds_en"].get(kind)
        return words[0] if words else None
    word = type_word(kind)
    return word.lower() if word else None


def quote_room(query: Query, doc: Document, max_chars: int, year_note: bool = True) -> int:
    """Characters of a unit that an answer quoting this document has room for: ``max_chars``
    less the answer's framing (``_frame``: its lead, with a year note unless ``year_note`` is
    False, the quotation marks, the citation mark " [10]."), at least 40. A collection's own framing, not one figure for
    all: "Theo “Điều 5.”: " leaves a regulation 45 characters more than a merged province's
    plan leaves it."""
    return max(40, max_chars - len(_lead(query, doc, 2025 if year_note else None)) - len(" [10].") - 2)


def _quote(lead: str, clause: str, tail: str, max_chars: int, query: Query) -> str:
    """``lead“clause”tail``, the clause shortened so that the whole fits ``max_chars``.

    Plain concatenation, not ``str.format``: titles and passages are the documents'
    text and may hold braces.
    """
    room = max_chars - len(lead) - len(tail) - 2
    return f"{lead}“{_shorten(clause, room, query.content_terms, query.wants_list)}”{tail}"


def _context_year(candidate: Candidate) -> int | None:
    """The year a unit is about when the unit itself names none (a clause after
    "đến năm 2025, …", an item under "Mục tiêu đến năm 2025:"); none for a line of the
    title block or the signature, which says what the document is, not what it targets by
    a year ("Theo kế hoạch của Lâm Đồng, đến năm 2025: “Người ký: …”" read the last year of a
    2024 report's title as the year its signer was for)."""
    if candidate.in_title_block or years(quoted(candidate)):
        return None
    found = sorted(candidate.stated_years)
    return found[-1] if found else None


def _shorten(text: str, room: int, content_terms: Sequence[str], prefer_complete: bool = False) -> str:
    """The clause, cut to ``room`` characters where it holds most of the question's
    terms: windows start after a comma or colon, and end at a word. Among equal
    windows the earliest wins, or, for a list (``prefer_complete``), one that ends
    where the clause ends, so that no item is cut off."""
    text = _balance_quotes(text.rstrip(" .;,"))
    if len(text) <= room:
        return text
    starts = [0] + [m.end() for m in re.finditer(r"[,:;]\s+", text)]
    best, best_key = text, (-1, 0, 0)
    for i, start in enumerate(starts):
        window = text[start:]
        complete = len(window) <= room
        if not complete:
            cut = window[: room - 1]
            window = (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"
        have = term_set(window)
        key = (sum(1 for t in content_terms if t in have), int(complete and prefer_complete), -i)
        if key > best_key:
            best, best_key = window, key
    return best


def _balance_quotes(text: str) -> str:
    """Drop the quotation marks that lost their partner when the clause was cut out of its
    sentence (the answer adds quotation marks of its own): a closing mark with no opening
    one before it, wherever it is (“… chỉ tiêu “30% … điện tử”. Sở TT&TT …” cut after the
    opening mark), and opening marks left open at the end."""
    if "“" not in text and "”" not in text:
        return text
    kept: list[str] = []
    opened: list[int] = []  # where in ``kept`` the marks still open are
    for ch in text:
        if ch == "”" and not opened:
            continue
        if ch == "“":
            opened.append(len(kept))
        elif ch == "”":
            opened.pop()
        kept.append(ch)
    for at in reversed(opened):
        del kept[at]
    if len(kept) == len(text):
        return text
    return re.sub(r" {2,}", " ", "".join(kept)).strip()


def _abstain_text(query: Query, nearest: Scored | None, missing: tuple[str, ...]) -> str:
    en = query.lang == "en"
    if missing:
        names = ", ".join(missing)
        return (f"The collection has no plan of {names}, so it cannot say." if en
                else f"Bộ tài liệu không có kế hoạch của {names} nên không thể trả lời.")
    text = ("The plans in the collection do not state this." if en
            else "Các kế hoạch trong bộ tài liệu không nêu thông tin này.")
    if nearest:
        n, quote = nearest.candidate.rank, _shorten(nearest.candidate.text, 140, query.content_terms)
        text += (f" Nearest passage found: “{quote}” [{n}]." if en else f" Đoạn gần nhất tìm được: “{quote}” [{n}].")
    return text


# ----------------------------------------------------------------- comparisons

#: A comparison cites the winner and at most this many provinces in all (concise answers).
MAX_COMPARED = 5


@dataclass(frozen=True)
class Figure:
    """A province's figure for the compared indicator, with its evidence."""

    province: str
    value: float
    text: str
    evidence: Scored


#: Where one figure's segment of a clause ends: a comma, a semicolon, "và".
SEGMENT_BOUND = re.compile(r"[,;]\s|\svà\s")
#: The same, and a table cell's bar, for a question that names a year: a row gives each
#: year its own cell ("Năm 2023: 28% | Mục tiêu 2024: 40%"), and ``segment_year_fit`` can
#: only tell the cells apart when each is its own segment. Without a year the row stays
#: one segment, whose last percentage (the plan's column, after the actual) is taken.
YEAR_SEGMENT_BOUND = re.compile(r"[,;|]\s|\svà\s")


def figure_of(query: Query, evidence: Scored, province: str, idf: Callable[[str], float]) -> Figure | None:
    """The figure the clause gives for the question's indicator.

    A clause often lists several figures ("cáp quang phủ 100% đơn vị hành chính…,
    60% hộ gia đình"); the one taken is in the segment (between commas, semicolons
    and "và") that holds most of the question's content, among the segments about the
    year the question names (``segment_year_fit``).
    """
    text = quoted(evidence.candidate)
    figures = figure_numbers(text)
    if asks_rank(query):
        figures = sorted(figures + rank_positions(text), key=lambda m: m.start())
    bounds = [0] + [m.end() for m in re.finditer(YEAR_SEGMENT_BOUND if query.years else SEGMENT_BOUND, text)] + [len(text)]
    best: tuple[tuple[int, float], int, re.Match[str]] | None = None
    weighted = weigh(query.concepts, idf)  # once, not for each segment and its neighbour
    lead = clause_lead(text, figures)
    for before, lo, hi in zip([0] + bounds, bounds, bounds[1:]):
        numbers = [m for m in figures if lo <= m.start() < hi]
        if not numbers:
            continue
        # The words before name this figure only when the segment before holds no figure:
        # otherwise they are that figure's ("15% GRDP, … tối thiểu 10%, tỷ trọng TMĐT trên 10%").
        reach = lo if any(before <= m.start() < lo for m in figures) else max(len(lead), lo - 80)
        # A segment's content includes its neighbours' at half weight (a figure often
        # sits in the segment after the words that name it), and the clause's lead, which
        # names what each of its listed figures measures (``clause_lead``; the neighbour
        # stops at the lead, counted once).
        here = coverage(weighted, f"{lead} {text[lo:hi]}")
        key = (segment_year_fit(query.years, text[lo:hi]), here + 0.5 * coverage(weighted, text[reach:lo]))
        if best is None or key > best[0]:
            best = (key, lo, numbers[-1] if len(numbers) > 1 and numbers[-1].group(3) else numbers[0])
    if best is None:
        return None
    m = best[2]
    value = parse_number(m.group(2) or m.group(1))
    if value is None:
        return None
    return Figure(province, value, m.group(0).strip(), evidence)


#: A position written over the number ranked ("xếp thứ 27/63 tỉnh", "8/63"): the position,
#: then two empty groups, as ``NUMBER``'s value, range end and percent sign.
_RANK_POSITION = re.compile(r"(?<![\w/.,])(\d{1,3})()()/\d{1,3}(?![\w/])")


def rank_positions(text: str) -> list[re.Match[str]]:
    """The positions a text states as "position/total" ("xếp thứ 27/63 tỉnh"), which
    ``figure_numbers`` leaves out (a slash joins a day to its month): for a comparison of
    ranks they are the figures compared, not the "giảm 4 bậc" the same sentence adds."""
    return list(_RANK_POSITION.finditer(text))


def clause_lead(text: str, figures: Sequence[re.Match[str]]) -> str:
    """The words before a clause's first figure, up to the last mark (":", ";", ","),
    which every figure of its list shares
    ("Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng: cấp tỉnh đạt 90%, cấp huyện đạt
    80%, cấp xã đạt 65%"). Why: read with each segment, the shared subject counts for every
    figure alike, so the words that tell the figures apart ("cấp xã") choose among them,
    not the first segment's closeness to the subject."""
    if not figures:
        return ""
    # The words after the last mark before the first figure are that figure's own ("cấp tỉnh").
    return text[: max(text.rfind(mark, 0, figures[0].start()) for mark in ":;,") + 1]


def segment_year_fit(asked: Sequence[int], segment: str) -> int:
    """How a segment of a clause fits the year the question names: 1 when it names that
    year, -1 when it names only others, 0 when it names none or the question none. A plan
    writes a target's milestones in one clause ("năm 2025 chiếm 10% GRDP, năm 2030 chiếm
    15% đến 20% GRDP"), and the 2025 comparison reads the 2025 figure, not the last one."""
    named = years(segment)
    if not asked or not named:
        return 0
    return 1 if any(y in named for y in asked) else -1


def province_evidence(query: Query, per_province: dict[str, list[Hit]], documents: dict[str, Document],
                      idf: Callable[[str], float], semantic: Semantic | None = None) -> dict[str, Scored]:
    """Each province's best unit among its hits (``PASSAGES_PER_PROVINCE`` at most), as
    ``read`` scores them (``per_province``, with the unit vectors when given); the provinces
    share one reading of the question (``Reading.for_top_score``).

    Rule (a province's figure is one statement): no run of lines (``line_runs``) is read
    here; a run holds several statements and their figures, and one chosen for Bà Rịa - Vũng
    Tàu's and Bình Định's 2025 digital-economy targets left the comparison with no figure to
    compare (plans dev p023 refused; compare floor check 0.667 -> 0.625 with runs)."""
    found: dict[str, Scored] = {}
    first: Reading | None = None
    for province, hits in per_province.items():
        hits = hits[:PASSAGES_PER_PROVINCE]
        if not hits:
            continue
        r = first.for_top_score(hits[0].score) if first else reading(query, hits, idf, per_province=True, semantic=semantic)
        first = first or r
        scored = score(r, candidates(hits, documents, r.room, query, runs=False), load_model())
        if scored:
            found[province] = scored[0]
    return found


def best_province(query: Query, per_province: dict[str, list[Hit]], documents: dict[str, Document],
                  idf: Callable[[str], float], semantic: Semantic | None = None) -> str | None:
    """The province whose plan answers "which province …?" best: the one whose best
    unit the reader finds likeliest to answer (the passage's score breaks ties)."""
    found = province_evidence(query, per_province, documents, idf, semantic)
    if not found:
        return None
    return max(found, key=lambda p: (round(found[p].probability, 6), found[p].candidate.hit.score))


def trusted_limit(threshold: float | None) -> float:
    """The probability below which the reader's choice is not trusted: ``threshold``, or
    the one fitted with the reader's weights (``reader_model.json``) when it is None."""
    return load_model().threshold if threshold is None else threshold


def compose_comparison(query: Query, per_province: dict[str, list[Hit]], documents: dict[str, Document],
                       idf: Callable[[str], float], threshold: float | None, max_chars: int, *,
                       found: dict[str, Scored] | None = None, stated: dict[str, Figure] | None = None
                       ) -> tuple[str, bool, list[Citation]] | None:
    """Answer "which province targets the highest …" from each province's best clause.

    Returns None when fewer than two provinces state a comparable figure, so the
    caller answers the question as an ordinary one. ``found`` is
    ``province_evidence`` of the same arguments, and ``stated`` its ``stated_figures`` at
    ``trusted_limit(threshold)``, when the caller has them already.
    """
    if stated is None:
        if found is None:
            found = province_evidence(query, per_province, documents, idf)
        stated = stated_figures(query, found, idf, trusted_limit(threshold))
    figures = list(stated.values())
    # A province named whose figure is only of another unit is not "not stated": no one-figure answer then.
    unstated = unstated_provinces(query, per_province, stated)
    if any(f.text.endswith("%") for f in figures):  # compare like with like
        figures = [f for f in figures if f.text.endswith("%")]
    if len(figures) == 1 and len(stated) == 1 and unstated:
        return _only_one_states(query, figures[0], unstated), False, [
            _citation(1, figures[0].evidence.candidate.hit, documents, figures[0].evidence)]
    if not stated and len(unstated) >= 2:
        return _none_states(query, unstated), True, []
    if len(figures) < 2:
        return None
    # A rank is better the smaller it is: "xếp hạng cao hơn" / "ranks higher" is 2nd before 10th.
    rank = asks_rank(query)
    figures.sort(key=lambda f: f.value, reverse=rank == query.wants_lowest)
    figures = figures[:MAX_COMPARED]
    citations = [_citation(n, f.evidence.candidate.hit, documents, f.evidence) for n, f in enumerate(figures, 1)]
    if not query.ranks:
        return _frame_comparison(query, figures), False, citations
    tied = [f for f in figures if f.value == figures[0].value]
    names = _join([f.province for f in tied], "và" if query.lang == "vi" else "and")
    others = ", ".join(f"{f.province} {f.text} [{n}]" for n, f in enumerate(figures[len(tied):], len(tied) + 1))
    two = len(figures) == 2  # between two provinces: "higher", not "highest"
    if query.lang == "en":
        word = ("lower" if two else "lowest") if query.wants_lowest else ("higher" if two else "highest")
        lead = (f"{names} {'rank' if len(tied) > 1 else 'ranks'} {word} ({figures[0].text}): " if rank else
                f"{names} {'have' if len(tied) > 1 else 'has'} the {word} figure ({figures[0].text}): ")
        tail = f" [1]. Others: {others}." if others else " [1]."
    else:
        word = ("thấp hơn" if two else "thấp nhất") if query.wants_lowest else ("cao hơn" if two else "cao nhất")
        lead = f"{names} {'xếp hạng' if rank else 'có mức'} {word} ({figures[0].text}): "
        tail = f" [1]. Các tỉnh khác: {others}." if others else " [1]."
    if max_chars - len(lead) - len(tail) < 40:  # no room left to quote: drop the others
        tail = " [1]."
    return _quote(lead, quoted(figures[0].evidence.candidate), tail, max_chars, query), False, citations


def compared_by_name(query: Query, per_province: dict[str, list[Hit]]) -> list[str]:
    """The provinces the question itself names for comparison ("A hay B?", "compare A
    and B"): those of ``per_province``'s keys the question names, when it names two or
    more, else none (a "which province …?" over the whole collection has no province it
    must account for; a merged province searched with a named one was not asked about)."""
    if len(query.provinces) < 2:
        return []
    return [p for p in per_province if p in query.provinces]


def stated_figures(query: Query, found: dict[str, Scored], idf: Callable[[str], float],
                   limit: float) -> dict[str, Figure]:
    """Each province's figure for the indicator (``figure_of``), in ``found``'s order, from
    the clause the reader chose for it (``province_evidence``) when the reader trusts it
    (``limit``); a province whose clause gives none has no entry. Read once per question:
    the comparison's sentence, its table and its "not stated" rows all take it."""
    out: dict[str, Figure] = {}
    for province, evidence in found.items():
        if evidence.probability >= limit and not result_for_target(query, evidence):
            figure = figure_of(query, evidence, province, idf)
            if figure:
                out[province] = figure
    return out


def result_for_target(query: Query, evidence: Scored) -> bool:
    """Rule (a figure reached is no year's target): the question asks for a target for the
    years it names, and the clause chosen reports a figure reached or estimated
    (``reader.reports_result``: "ước đạt", "đã đạt", a column of results) about none of those
    years (``Candidate.stated_years``). Such a clause gives no figure to compare. Why: in one
    index of many provinces, "Which province targets a higher digital economy share for 2030,
    Nghe An or Lam Dong?" was answered "Only Đắk Nông states this figure: 7,1%" from Đắk
    Nông's 2024 report ("tỷ trọng kinh tế số ước đạt 7,1% GRDP, thấp hơn mục tiêu 10% của kế
    hoạch"), a share reached, not a 2030 target; neither plan named states one. A clause that
    names an asked year ("… đặt mục tiêu đến năm 2025 đạt 20%, nhưng mới ước đạt 8,2%") still
    gives its figure for that year (``figure_of`` reads the year's segment)."""
    if not (query.years and asks_target(query)):
        return False
    candidate = evidence.candidate
    return reports_result(candidate) and not candidate.stated_years & set(query.years)


def unstated_provinces(query: Query, per_province: dict[str, list[Hit]],
                       stated: dict[str, Figure]) -> list[str]:
    """The provinces the question names (``compared_by_name``) whose plans state no figure
    for the indicator (none in ``stated_figures``: no clause the reader trusts, or none with
    a figure). One rule for the sentence and the table, so that they never disagree."""
    return [p for p in compared_by_name(query, per_province) if p not in stated]


def _none_states(query: Query, unstated: list[str]) -> str:
    """"The plans of A and B do not state this figure." Why: when every province the
    question names lacks the figure, an ordinary answer would quote whichever passage
    came nearest (another indicator's figure); the comparison abstains instead."""
    if query.lang == "en":
        return f"The plans of {_join(unstated, 'and')} do not state this figure."
    return f"Kế hoạch của {_join(unstated, 'và')} không nêu chỉ tiêu này."


def _only_one_states(query: Query, figure: Figure, unstated: list[str]) -> str:
    """"Only A states this figure: 60 [1]. Not stated in the plan of B." Why: with one
    figure there is nothing to rank, and the province without it is said to lack it
    rather than dropped (a reader would take silence for an oversight)."""
    en = query.lang == "en"
    missing = _join(unstated, "and" if en else "và")
    if en:
        return f"Only {figure.province} states this figure: {figure.text} [1]. Not stated in the plan of {missing}."
    return f"Chỉ {figure.province} nêu chỉ tiêu này: {figure.text} [1]. Kế hoạch của {missing} không nêu chỉ tiêu này."


def _join(names: list[str], conjunction: str) -> str:
    """"A", "A và B", "A, B và C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def asks_rank(query: Query) -> bool:
    """The compared figure is a rank ("xếp hạng", "rank"), where 1 is the best."""
    return "rank" in answer_types(query.text, query.lang)


def _frame_comparison(query: Query, figures: list[Figure]) -> str:
    """"Compared: Đồng Nai 20% [1], Quảng Nam 10% [2]." for "compare A and B"."""
    listed = ", ".join(f"{f.province} {f.text} [{n}]" for n, f in enumerate(figures, 1))
    return f"Compared: {listed}." if query.lang == "en" else f"So sánh: {listed}."
