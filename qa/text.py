"""Vietnamese-aware text primitives shared by every stage: normalising, folding
diacritics, syllable tokens, sentences and clauses.

Vietnamese is written in syllables separated by spaces, so a "word" of BM25 is a
syllable; multi-syllable words ("thanh toán", "điện tử") are caught by syllable
bigrams. Diacritics carry meaning ("số" digital vs "sở" department), so they are
kept, and a folded copy of every token lets questions typed without diacritics
still match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\ufeff]")
# A token: a run of letters/digits, keeping inner '.', ',', '/', '-', '%', '&'
# (so "36,8%", "24/63", "4G/5G", "TT&TT", "data.gov.vn" stay whole).
_TOKEN = re.compile(r"\w+(?:[.,/&\-]\w+)*%?", re.UNICODE)
#: The number and the year of a document's number code, before the code's letters: "968" of
#: "968/QĐ-UBND", "137/2024" of "137/2024/NĐ-CP", "05" of "05-NQ/TU". The one piece every
#: pattern for a document's number is built from (``NUMBER_CODE``, ``DOCUMENT_CODE``,
#: ``qa.answering.reader._DOCNUMBER``, ``qa.answering.candidates._NUMBER_LINE``), so that
#: they agree on what a number is.
CODE_NUMBER = r"\d+(?:/\d{4})?"
#: The first letter of a code after its number: a capital ("QĐ", "NQ", "TTr", "BKHCN"), so
#: that a range or a date ("2021-2025", "14/9/2022") is not a code.
CODE_INITIAL = r"[A-ZĐ]"
#: One word of a code, its letters and "&" ("QĐ", "UBND", "TTr", "KTS&XHS").
_CODE_WORD = rf"{CODE_INITIAL}[A-Za-zĐđ&]*"
#: The code of a document number (group 1), what names its kind: "KH" in "72/KH-UBND",
#: "NQ" in "05-NQ/TU" and in "12/2024/NQ-HĐND", "BKHCN" in "5511/BKHCN-CĐSQG"
#: (``qa.documents.structure.NUMBER_CODES`` names its kind).
NUMBER_CODE = re.compile(rf"\b{CODE_NUMBER}[/-]\s*({CODE_INITIAL}[A-Za-zĐđ]*)")
#: A document's whole number code as a question types it ("968/QĐ-UBND", "137/2024/NĐ-CP",
#: "5473/BTTTT-KTS&XHS", "28/TTr- SKHCN", "86 /KH-UBND"): the number, an optional year, then
#: the issuer's code in capitals, its words joined by "/" or "-". Spaces around a separator
#: are allowed, as people type them; not after "/" or a letter ("24/63/QĐ" is no code's start).
DOCUMENT_CODE = re.compile(rf"(?<![\w/]){CODE_NUMBER}\s*[/-]\s*{_CODE_WORD}(?:[/-]\s*{_CODE_WORD})*")
#: A year, not the year inside a document's number ("Nghị định 45/2026/NĐ-CP", "Nghị quyết
#: 98/2023/QH15": the year it was issued in, which says nothing of the year a question or a
#: sentence is about); a date's year ("14/9/2022") is one.
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-9]\d)\b(?!/[^\W\d_])")


def normalize(text: str) -> str:
    """NFC, no control characters, single spaces (line breaks kept)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _WS.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Text without diacritics ("Hà Tĩnh" -> "Ha Tinh"); same length as the input."""
    if text.isascii():
        return text
    return "".join(_fold_char(c) for c in text)


def spaced_words(text: str) -> str:
    """The text's words folded, lower-cased and parted by single spaces, with a space at
    each end: a phrase is then found as whole words by a substring test
    (``spaced_words(phrase) in spaced_words(text)``)."""
    return " " + " ".join(re.findall(r"\w+", fold(text).lower())) + " "


@lru_cache(maxsize=16384)
def spaced_form(form: str) -> str:
    """``spaced_words`` of a full form, kept: every question reads every full form of the
    collection's acronyms and of the glossary's abbreviations."""
    return spaced_words(form)


def has_diacritics(text: str) -> bool:
    """True when the text carries Vietnamese (or other Latin) diacritics."""
    return fold(text) != text


def words(text: str) -> list[str]:
    """Lower-cased syllable tokens with diacritics kept."""
    return [token.lower() for token in tokens(text)]


def tokens(text: str) -> list[str]:
    """Syllable tokens as written (case kept): what ``words`` lower-cases."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def bigrams(tokens: list[str]) -> list[str]:
    """Adjacent syllable pairs joined by '_' ("thanh_toan")."""
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:])]


def alternation(phrases) -> str:
    """A regex alternation of ``phrases`` taken literally, longest first, so that a phrase
    is never cut short by one it begins with ("thị xã" before "xã")."""
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def years(text: str) -> list[int]:
    """Four-digit years named in the text, in order."""
    return [int(y) for y in _YEAR.findall(text)]


#: A year a figure is measured against ("tăng 20 điểm phần trăm so với năm 2023", "so với
#: cùng kỳ năm 2024", "compared with 2023"): a comparison's baseline.
#: Matched on the folded text, so that a question typed without diacritics reads the same.
_BASELINE_YEAR = re.compile(r"\b(?:so voi\s+(?:cung ky\s+)?(?:nam\s+)?|compared (?:with|to)\s+)((?:19|20)\d\d)\b",
                            re.IGNORECASE)


def own_years(text: str) -> list[int]:
    """Rule (a baseline year is not the year a text is about): the years a text names, in
    order, less those it measures against ("Tỷ lệ hồ sơ thanh toán trực tuyến đạt 46,2%,
    tăng gần 20 điểm phần trăm so với năm 2023" reports a later year's share, not 2023's:
    it names none of its own, and is read in its context's year). A question is read the
    same way: "chi so DTI tang bao nhieu bac so voi nam 2022" asks about no year of its own."""
    baselines = {m.start(1) for m in _BASELINE_YEAR.finditer(fold(text))}
    return [int(m.group(0)) for m in _YEAR.finditer(text) if m.start() not in baselines]


def year_starts(text: str) -> frozenset[int]:
    """Where each year named in the text starts (those ``years`` reads)."""
    return frozenset(m.start() for m in _YEAR.finditer(text))


def is_year(number: str) -> bool:
    """True for a token that is a year (1950-2099) rather than a figure."""
    return bool(_YEAR.fullmatch(number))


def is_heading(paragraph: str) -> bool:
    """A short line with no closing punctuation: a title or a section heading."""
    text = paragraph.strip()
    return len(text) < 120 and not text.endswith((".", "!", "?", "…", ":", ";", ",", ")"))


@dataclass(frozen=True)
class Span:
    """A piece of a text with its character offsets in that text."""

    text: str
    start: int
    end: int


# A sentence ends at . ! ? … (or ": " is not an end) followed by a space and an
# upper-case letter, a digit or an opening quote; or at a line break.
# Upper-case letters, Vietnamese ones included ("À-Ỹ" as a range would take in the
# lower-case letters that Unicode interleaves with them).
_UPPER = "A-Z" + "".join(sorted({c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper()}))
_SENTENCE_END = re.compile(rf"(?<=[.!?…])[\"”»)]?\s+(?=[\"“«(]?[{_UPPER}0-9])|\n+")
# Abbreviations after which a period does not end a sentence.
_NO_BREAK_BEFORE = re.compile(r"(?:\b(?:TP|Tp|ThS|TS|PGS|GS|Th|St|Mr|Mrs|Dr|No|Q|P|vd|VD|v\.v)\.|\b[A-ZĐ]\.)$")


def sentences(text: str, offset: int = 0) -> list[Span]:
    """Split text into sentences, with offsets (plus ``offset``) into the text."""
    spans: list[Span] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[start : m.start()]
        if "\n" not in m.group(0) and _NO_BREAK_BEFORE.search(piece):
            continue
        _append_stripped(spans, text, start, m.start(), offset)
        start = m.end()
    _append_stripped(spans, text, start, len(text), offset)
    return spans


_CLAUSE_END = re.compile(rf";\s*|:\s+(?=[“\"{_UPPER}])")


def clauses(sentence: Span) -> list[Span]:
    """Split a sentence at semicolons, and at colons before a capital or a quotation
    ('Chỉ tiêu “10% …”: Giao Sở …'): plans state one target per clause. A colon
    before a lower-case list ("bao gồm: y tế, giáo dục") does not split."""
    parts: list[Span] = []
    start = 0
    text = sentence.text
    for m in _CLAUSE_END.finditer(text):
        _append_stripped(parts, text, start, m.start(), sentence.start)
        start = m.end()
    _append_stripped(parts, text, start, len(text), sentence.start)
    return parts


def _append_stripped(spans: list[Span], text: str, start: int, end: int, offset: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    begin = start + lead
    spans.append(Span(stripped, begin + offset, begin + len(stripped) + offset))


_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]+)*")


def paragraphs(text: str) -> list[Span]:
    """Paragraphs of a cleaned document (separated by blank lines), with offsets."""
    return [Span(m.group(0), m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
