"""Extractive answers: the clause of the plan that answers, framed in the question's
language, with [n] markers, or an honest abstention.

No generative model can ship here, so the answer quotes the plan. Plans state one
target per clause ("…; tỷ lệ dân số có tài khoản thanh toán điện tử đạt trên 30%; …"),
so candidates are the clauses of the retrieved chunks, scored by how much of the
question's content they hold (terms weighted by idf, so "thanh toán điện tử" counts
more than "tỉnh"), helped by the chunk's retrieval score and by a figure when the
question asks for one. The best clause's coverage is the evidence strength: below
``Settings.abstain_threshold`` the assistant says the plans do not state it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .bm25 import terms
from .provinces import describe
from .query import Query
from .text import Span, clauses, fold, is_heading, is_year, sentences, years
from .types import Citation, Document, Hit

# A figure: "30%", "12,5%", "5-10%", "1.819"; not part of a reference ("749/QĐ-TTg").
_NUMBER = re.compile(r"(?<![\w/])(\d+(?:[.,]\d+)?)(?:\s*-\s*(\d+(?:[.,]\d+)?))?\s*(%)?(?![\w/])")
_NUMBER_WORDS = re.compile(r"\b(hàng chục|hàng trăm|hàng nghìn|hàng ngàn|mười|trăm|nghìn|ngàn|triệu|tỷ"
                           r"|dozens|hundreds|thousands|millions)\b", re.IGNORECASE)


# An agency named in a plan: "Sở TT&TT", "UBND tỉnh", "Bộ Chỉ huy Quân sự", "Cục Thống kê".
_AGENCY = re.compile(r"\b(Sở|UBND|Ủy ban|Uỷ ban|Bộ|Cục|Ban [Cc]hỉ đạo|Công an|Văn phòng)\s+\S")


@dataclass(frozen=True)
class Evidence:
    """The best clause found in one hit, and how well it answers."""

    hit: Hit
    clause: Span  # offsets inside the chunk's text
    sentence: Span
    coverage: float
    score: float
    # The years the sentence is about: those it names, else the last one named
    # before it in its paragraph (which may begin before the chunk does).
    years: frozenset[int] = frozenset()


# ----------------------------------------------------------------- scoring

@lru_cache(maxsize=65536)
def _term_set(text: str) -> frozenset[str]:
    """BM25 terms of a passage's sentence or clause (cached: passages do not change)."""
    return frozenset(terms(text))


Concepts = Sequence[Sequence[Sequence[str]]]


#: Weight of one untranslated English word, against idf-weighted concepts (dev: 0.5
#: costs nothing, 1.0 starts abstaining on answerable questions).
UNTRANSLATED_WEIGHT = 0.5
#: Bonus of a clause naming an agency when the question asks which agency.
AGENCY_BONUS = 0.15
#: Weight of a syllable pair against its syllables' (dev: 1.0 was no better than 0.5).
PAIR_WEIGHT = 0.5


def coverage(concepts: Concepts, text: str, idf: Callable[[str], float], untranslated: Sequence[str] = ()) -> float:
    """Share of the question's content that the text holds, in [0, 1].

    Each concept weighs the idf of its terms (averaged over its alternatives) and
    counts by its best-covered alternative, so "chính quyền số" or "chính phủ số"
    each fully answer "digital government".
    """
    have = _term_set(text)
    total = got = 0.0
    for alternatives in concepts:
        weights = [sum(idf(t) for t in alt) for alt in alternatives]
        useful = [(alt, w) for alt, w in zip(alternatives, weights) if w > 0]
        if not useful:
            continue
        weight = sum(w for _, w in useful) / len(useful)
        total += weight
        got += weight * max(_alternative_share(alt, w, have, idf) for alt, w in useful)
    for word in untranslated:
        total += UNTRANSLATED_WEIGHT
        got += UNTRANSLATED_WEIGHT if word in have else 0.0
    return got / total if total > 0 else 0.0


def _alternative_share(alternative: Sequence[str], weight: float, have: frozenset[str],
                       idf: Callable[[str], float]) -> float:
    """How much of one translation a text holds: all of it, or half the idf share
    of its syllables ("ngân hàng" holds "ngân" but is no "ngân sách")."""
    if all(t in have for t in alternative):
        return 1.0
    return 0.5 * sum(idf(t) for t in alternative if t in have) / weight


def best_evidence(query: Query, hit: Hit, idf: Callable[[str], float], top_score: float,
                  lead_in: str = "") -> Evidence | None:
    """The clause of a hit that best answers the question.

    ``lead_in`` is the text of the chunk's paragraph before the chunk starts (a long
    paragraph is cut into several chunks), read for the years a sentence is about.
    """
    best: Evidence | None = None
    for sentence in sentences(hit.chunk.text):
        sentence_cov = coverage(query.concepts, sentence.text, idf, query.untranslated)
        heading = _is_heading(sentence, hit.chunk.text)
        stated = _years_stated(sentence, lead_in + hit.chunk.text[: sentence.start])
        # A list is answered by the whole sentence; a figure by its own clause.
        for clause in [sentence] if query.wants_list else clauses(sentence):
            clause_cov = coverage(query.concepts, clause.text, idf, query.untranslated)
            cov = 0.75 * clause_cov + 0.25 * sentence_cov
            score = cov + 0.25 * (hit.score / top_score if top_score > 0 else 0.0)
            if query.wants_figure and _has_figure(clause.text):
                score += 0.2 if query.asks_number else 0.1
            if query.wants_list and _is_list(clause.text):
                score += 0.15
            if query.asks_which_agency and _AGENCY.search(clause.text):
                score += AGENCY_BONUS
            if heading:
                score -= 0.05  # the body sentence a heading announces cites better
            if query.years:  # a question about 2030 is answered by a 2030 target
                if stated & set(query.years):
                    score += 0.2
                elif stated:
                    score -= 0.2
            if best is None or score > best.score:
                best = Evidence(hit, clause, sentence, cov, score, stated)
    return best


def _is_heading(sentence: Span, chunk_text: str) -> bool:
    """The sentence is a whole line of its own that reads as a heading."""
    line_start = chunk_text.rfind("\n", 0, sentence.start) + 1
    line_end = chunk_text.find("\n", sentence.end)
    line = chunk_text[line_start: len(chunk_text) if line_end < 0 else line_end].strip()
    return line == sentence.text and is_heading(line)


def _is_list(text: str) -> bool:
    """An enumeration: a colon followed by items, or many commas."""
    after = text.split(":", 1)[1] if ":" in text else ""
    return after.count(",") >= 2 or text.count(",") >= 4


def _has_quantity(text: str) -> bool:
    """A figure, or a quantity in words ("hàng trăm điểm")."""
    return _has_figure(text) or bool(_NUMBER_WORDS.search(text))


def _has_figure(text: str) -> bool:
    return any(not is_year(m.group(1)) for m in _NUMBER.finditer(text))


def idf_function(document_frequency: Callable[[str], int], n_docs: int) -> Callable[[str], float]:
    """Lucene idf of a term; a syllable absent from the collection weighs as a rare
    one (the plans do not speak of it), a syllable pair absent from it weighs nothing
    (pairs cross word boundaries, so most never occur anywhere)."""
    @lru_cache(maxsize=65536)
    def idf(term: str) -> float:
        df = document_frequency(term)
        if df == 0 and "_" in term:
            return 0.0
        weight = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        return weight * (1.0 if "_" not in term else PAIR_WEIGHT)
    return idf


# ----------------------------------------------------------------- answers

def compose(query: Query, hits: list[Hit], documents: dict[str, Document],
            idf: Callable[[str], float], threshold: float, max_chars: int,
            out_of_collection: tuple[str, ...] = ()) -> tuple[str, bool, list[Citation]]:
    """Answer text, whether it abstains, and the citations in rank order."""
    if not hits:
        return _abstain_text(query, None, out_of_collection), True, []
    top = hits[0].score
    found = [best_evidence(query, h, idf, top, lead_in(documents, h)) for h in hits]
    citations = [_citation(n, h, documents, e) for n, (h, e) in enumerate(zip(hits, found), 1)]
    if out_of_collection:
        return _abstain_text(query, None, out_of_collection), True, citations
    ranked = sorted((e for e in found if e is not None), key=lambda e: -e.score)
    best = ranked[0] if ranked else None
    # A question with no content words of its own ("Hà Tĩnh's goals for 2030?") is
    # judged by its province and year alone.
    weak = bool(query.concepts or query.untranslated) and best is not None and best.coverage < threshold
    if (best is None or weak or _year_mismatch(query, best) or _lacks_required(query, best)
            or (query.wants_status and _states_target(best.sentence.text))
            or (query.asks_number and not _has_quantity(best.sentence.text))):
        return _abstain_text(query, best and (hits.index(best.hit) + 1, best), ()), True, citations
    n = hits.index(best.hit) + 1
    return _frame(query, best, documents[best.hit.chunk.doc_id], n, max_chars), False, citations


def _year_mismatch(query: Query, evidence: Evidence) -> bool:
    """The question asks about a year the answering sentence does not state,
    while it states another (a 2025 target is no answer for 2030). A sentence that
    names no year takes the last year named before it in its passage."""
    asked = set(query.years)
    if not asked:
        return False
    if not (query.concepts or query.untranslated):  # "Hà Tĩnh 2040?": only the year can show it
        return not (evidence.years & asked)
    return bool(evidence.years) and not (evidence.years & asked)


def _years_stated(sentence: Span, before: str) -> frozenset[int]:
    """The years a sentence names, else the last year named in the text before it."""
    named = years(sentence.text) or years(before)[-1:]
    return frozenset(named)


def lead_in(documents: dict[str, Document], hit: Hit) -> str:
    """The text of a hit's paragraph before the hit's chunk begins."""
    text = documents[hit.chunk.doc_id].text
    start = text.rfind("\n\n", 0, hit.chunk.start)
    return text[start + 2 if start >= 0 else 0: hit.chunk.start]


_TARGET_WORDS = re.compile(r"\b(muc tieu|chi tieu|phan dau|dinh huong|se|den nam)\b")


def _states_target(sentence: str) -> bool:
    """The sentence states a target (what is to be reached), not what has been."""
    return bool(_TARGET_WORDS.search(fold(sentence).lower()))


def _lacks_required(query: Query, evidence: Evidence) -> bool:
    """The question names an acronym or figure ("PCI", "24/63") its passage lacks."""
    if not query.required_terms:
        return False
    have = _term_set(evidence.hit.chunk.text)  # holds every folded word of the passage
    return any(t not in have for t in query.required_terms)


def _citation(n: int, hit: Hit, documents: dict[str, Document], evidence: Evidence | None) -> Citation:
    doc = documents[hit.chunk.doc_id]
    return Citation(
        n=n, doc_id=doc.doc_id, title=doc.title, province=doc.province, passage=hit.chunk.text,
        start=hit.chunk.start, end=hit.chunk.end, score=hit.score,
        highlight_start=evidence.clause.start if evidence else None,
        highlight_end=evidence.clause.end if evidence else None, date=doc.date,
    )


def _frame(query: Query, evidence: Evidence, doc: Document, n: int, max_chars: int) -> str:
    """"According to the Hà Tĩnh plan (by 2025): “…” [1]." in the question's language."""
    year = _context_year(evidence)
    where = doc.province or doc.title
    note = describe(doc.province, query.provinces, query.lang) if doc.province else None
    if note:  # whose plan it quotes, when the province has merged since: "Quảng Nam (nay thuộc Đà Nẵng)"
        where = f"{where} ({note})"
    if query.lang == "en":
        lead = f"According to the {where} plan" + (f" (by {year})" if year else "") + ": "
    else:
        lead = f"Theo kế hoạch của {where}" if doc.province else f"Theo “{doc.title}”"
        lead += (f", đến năm {year}" if year else "") + ": "
    return _quote(lead, evidence.clause.text, f" [{n}].", max_chars, query)


def _quote(lead: str, clause: str, tail: str, max_chars: int, query: Query) -> str:
    """``lead“clause”tail``, the clause shortened so that the whole fits ``max_chars``.

    Plain concatenation, not ``str.format``: titles and passages are the documents'
    text and may hold braces.
    """
    room = max_chars - len(lead) - len(tail) - 2
    return f"{lead}“{_shorten(clause, room, query.content_terms, query.wants_list)}”{tail}"


def _context_year(evidence: Evidence) -> int | None:
    """The target year the sentence gives before the clause, when the clause has none."""
    if years(evidence.clause.text):
        return None
    before = evidence.sentence.text[: max(0, evidence.clause.start - evidence.sentence.start)]
    found = years(before) or years(evidence.sentence.text)
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
        have = _term_set(window)
        key = (sum(1 for t in content_terms if t in have), int(complete and prefer_complete), -i)
        if key > best_key:
            best, best_key = window, key
    return best


def _balance_quotes(text: str) -> str:
    """Drop a closing or opening quotation mark that lost its partner when the clause
    was cut out of its sentence (the answer adds quotation marks of its own)."""
    if text.endswith("”") and text.count("“") < text.count("”"):
        text = text[:-1].rstrip()
    if text.startswith("“") and text.count("“") > text.count("”"):
        text = text[1:].lstrip()
    return text


def _abstain_text(query: Query, nearest: tuple[int, Evidence] | None, missing: tuple[str, ...]) -> str:
    en = query.lang == "en"
    if missing:
        names = ", ".join(missing)
        return (f"The collection has no plan of {names}, so it cannot say." if en
                else f"Bộ tài liệu không có kế hoạch của {names} nên không thể trả lời.")
    text = ("The plans in the collection do not state this." if en
            else "Các kế hoạch trong bộ tài liệu không nêu thông tin này.")
    if nearest:
        n, evidence = nearest
        quote = _shorten(evidence.clause.text, 140, query.content_terms)
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
    evidence: Evidence


def figure_of(query: Query, evidence: Evidence, province: str, idf: Callable[[str], float]) -> Figure | None:
    """The figure the clause gives for the question's indicator.

    A clause often lists several figures ("cáp quang phủ 100% đơn vị hành chính…,
    60% hộ gia đình"); the one taken is in the segment (between commas, semicolons
    and "và") that holds most of the question's content.
    """
    text = evidence.clause.text
    bounds = [0] + [m.end() for m in re.finditer(r"[,;]\s|\svà\s", text)] + [len(text)]
    best: tuple[float, int, re.Match[str]] | None = None
    for lo, hi in zip(bounds, bounds[1:]):
        numbers = [m for m in _NUMBER.finditer(text, lo, hi) if not is_year(m.group(1))]
        if not numbers:
            continue
        # A segment's content includes its neighbours' at half weight (a figure often
        # sits in the segment after the words that name it).
        here = coverage(query.concepts, text[lo:hi], idf)
        key = here + 0.5 * coverage(query.concepts, text[max(0, lo - 80):lo], idf)
        if best is None or key > best[0]:
            best = (key, lo, numbers[-1] if len(numbers) > 1 and numbers[-1].group(3) else numbers[0])
    if best is None:
        return None
    m = best[2]
    value = float((m.group(2) or m.group(1)).replace(",", "."))
    return Figure(province, value, m.group(0).strip(), evidence)


def province_evidence(query: Query, per_province: dict[str, list[Hit]], documents: dict[str, Document],
                      idf: Callable[[str], float]) -> dict[str, Evidence]:
    """Each province's best clause among its first three hits."""
    found: dict[str, Evidence] = {}
    for province, hits in per_province.items():
        candidates = [best_evidence(query, h, idf, hits[0].score, lead_in(documents, h)) for h in hits[:3]]
        candidates = [e for e in candidates if e is not None]
        if candidates:
            found[province] = max(candidates, key=lambda e: e.score)
    return found


def best_province(query: Query, per_province: dict[str, list[Hit]], documents: dict[str, Document],
                  idf: Callable[[str], float]) -> str | None:
    """The province whose plan answers "which province …?" best: the one whose best
    clause holds most of the question (the chunk's rank breaks ties)."""
    found = province_evidence(query, per_province, documents, idf)
    if not found:
        return None
    return max(found, key=lambda p: (round(found[p].coverage, 6), found[p].hit.score))


def compose_comparison(query: Query, per_province: dict[str, list[Hit]], documents: dict[str, Document],
                       idf: Callable[[str], float], threshold: float, max_chars: int,
                       ) -> tuple[str, bool, list[Citation]] | None:
    """Answer "which province targets the highest …" from each province's best clause.

    Returns None when fewer than two provinces state a comparable figure, so the
    caller answers the question as an ordinary one.
    """
    figures: list[Figure] = []
    for province, evidence in province_evidence(query, per_province, documents, idf).items():
        if evidence.coverage < threshold:
            continue
        fig = figure_of(query, evidence, province, idf)
        if fig:
            figures.append(fig)
    if any(f.text.endswith("%") for f in figures):  # compare like with like
        figures = [f for f in figures if f.text.endswith("%")]
    if len(figures) < 2:
        return None
    figures.sort(key=lambda f: f.value, reverse=not query.wants_lowest)
    figures = figures[:MAX_COMPARED]
    citations = [_citation(n, f.evidence.hit, documents, f.evidence) for n, f in enumerate(figures, 1)]
    if not query.ranks:
        return _frame_comparison(query, figures), False, citations
    tied = [f for f in figures if f.value == figures[0].value]
    names = _join([f.province for f in tied], "và" if query.lang == "vi" else "and")
    others = ", ".join(f"{f.province} {f.text} [{n}]" for n, f in enumerate(figures[len(tied):], len(tied) + 1))
    two = len(figures) == 2  # between two provinces: "higher", not "highest"
    if query.lang == "en":
        word = ("lower" if two else "lowest") if query.wants_lowest else ("higher" if two else "highest")
        lead = f"{names} {'have' if len(tied) > 1 else 'has'} the {word} figure ({figures[0].text}): "
        tail = f" [1]. Others: {others}." if others else " [1]."
    else:
        word = ("thấp hơn" if two else "thấp nhất") if query.wants_lowest else ("cao hơn" if two else "cao nhất")
        lead = f"{names} có mức {word} ({figures[0].text}): "
        tail = f" [1]. Các tỉnh khác: {others}." if others else " [1]."
    if max_chars - len(lead) - len(tail) < 40:  # no room left to quote: drop the others
        tail = " [1]."
    return _quote(lead, figures[0].evidence.clause.text, tail, max_chars, query), False, citations


def _join(names: list[str], conjunction: str) -> str:
    """"A", "A và B", "A, B và C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def _frame_comparison(query: Query, figures: list[Figure]) -> str:
    """"Compared: Đồng Nai 20% [1], Quảng Nam 10% [2]." for "compare A and B"."""
    listed = ", ".join(f"{f.province} {f.text} [{n}]" for n, f in enumerate(figures, 1))
    return f"Compared: {listed}." if query.lang == "en" else f"So sánh: {listed}."
