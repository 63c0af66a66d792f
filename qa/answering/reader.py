"""The reader: which candidate unit answers the question, and how sure it is.

Every candidate (``qa.answering.candidates``) is described by a few named features, each a
number in [0, 1] with a docstring saying what it measures. A logistic model
combines them into the probability that the candidate holds the answer; its
weights are fitted on the dev questions of several collections by
``python -m eval.fit_reader`` and stored, with what measured them, in
``qa/data/reader_model.json``. The best candidate answers; when its probability is
below the model's threshold (chosen on the same dev sets) the assistant abstains.

No weight is set by hand: a feature that does not help on the dev sets gets a
weight near zero, and the fit report says so.
"""

from __future__ import annotations

import json
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

from qa.documents.structure import DOCUMENT_TYPE_ALTERNATION, DOCUMENT_TYPES, NUMBER_CODES
from qa.indexing.unit_vectors import Semantic
from qa.answering.candidates import PHOTO_CREDIT, PHOTO_LABEL, Candidate, is_signature_line
from qa.answering.term_sets import joined_terms, term_set
from qa.indexing.bm25 import terms
from qa.retrieval.glossary import abbreviation_key, abbreviations, english_stopwords, translate, translated_spans
from qa.retrieval.provinces import province_spans
from qa.retrieval.query import Query, asks_yes_no, blank, stance_words
from qa.data import DataFileError, alternatives, read_rows
from qa.text import (CODE_INITIAL, CODE_NUMBER, NUMBER_CODE, Span, alternation, fold, has_diacritics, is_heading,
                     is_year, own_years, sentences, spaced_form, spaced_words, years)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
MODEL_PATH = DATA_DIR / "reader_model.json"
QUESTION_TYPES_PATH = DATA_DIR / "question_types.json"
ADMIN_LEVELS_PATH = DATA_DIR / "admin_levels.json"

Idf = Callable[[str], float]

# ----------------------------------------------------------------- answer types

#: A figure: "30%", "12,5%", "1.819", "125.500"; not part of a reference ("749/QĐ-TTg",
#: "02-NQ/TU").
NUMBER = re.compile(r"(?<![\w/.,])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)(?:\s*-\s*(\d+(?:[.,]\d+)?))?\s*(%)?(?![\w/]|-[A-ZĐ])")
# "năm" is left out: it is "five" and "year"; "tỷ lệ" and "tỷ trọng" (a rate, a share) are
# no "tỷ" (a billion): "Tỷ lệ dân số … có tài khoản" states no quantity; nor is the "một" of
# "một trong những" (one of), "một số" (some) or "một cách" (in a … way).
_NUMBER_WORDS = re.compile(r"\b(hàng chục|hàng trăm|hàng nghìn|hàng ngàn|mười|trăm|nghìn|ngàn|triệu"
                           r"|(?:tỷ|tỉ)(?!\s+(?:lệ|trọng)\b)"
                           r"|một(?!\s+(?:trong|số|cách)\b)|hai|ba|bốn|sáu|bảy|tám|chín"
                           r"|dozens|hundreds|thousands|millions|one|two|three|four|five|six|seven|eight|nine|ten)\b",
                           re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}|\btháng\s+\d{1,2}(?:/|\s+năm\s+)\d{4}"
                   r"|\bquý\s+[IV1-4]+\b|\b(?:19|20)\d{2}\b|\b(?:trước|sau|trong vòng|chậm nhất)\s+\d+\s+(?:ngày|tháng|năm|tuần)",
                   re.IGNORECASE)
#: A percentage: "30%", "12,5 %", "90 phần trăm", "ten per cent", and a table row whose unit
#: cell is "%" (rule: a unit column states the row's figures as percentages): "Đơn vị: % |
#: Mục tiêu 2025: 80" (a table read under its headers), "… toàn trình % 48,5 65" (a row whose
#: cells are parted by spaces). A "%" before a figure only adds rows like these: any other
#: text with "% 4" has a figure before its "%".
_PERCENT = re.compile(r"\d\s*%|%\s+\d|\b(?:đơn vị(?: tính)?|đvt|unit)\s*:?\s*%|\bphần trăm\b|\bper\s?cent\b",
                      re.IGNORECASE)
#: An amount of money: "389,22 tỷ đồng", "1.000 tỷ", "500 triệu đồng", "2,5 triệu USD", "VND 3 billion",
#: and one in words, "hàng chục tỷ đồng", "vài trăm triệu đồng" (a bare "2 triệu" counts people as
#: often as money; "tỷ lệ", "tỷ trọng" are shares).
_MONEY = re.compile(r"(?:\d|\b(?:hàng|vài|mấy)\s+(?:chục|trăm|nghìn|ngàn))\s*"
                    r"(?:tỷ(?!\s*(?:lệ|trọng))|(?:triệu|nghìn|ngàn)\s*(?:đồng|VNĐ|VND|USD))"
                    r"|\d\s*(?:đồng|VNĐ|VND|USD)\b|\b(?:USD|VND|US\$|\$)\s*\d"
                    r"|\d\s*(?:billion|million|trillion)\b", re.IGNORECASE)
#: A day of a month: "15/4/2025", "ngày 15 tháng 4", "15-4-2025".
_DAY = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-](?:19|20)\d{2}\b|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}\b", re.IGNORECASE)
#: The signer of a document, named as such: "Người ký | Đoàn Thanh Sơn", "ký bởi ông Trần Văn A",
#: "Chủ tịch UBND tỉnh Nguyễn Văn Thọ vừa ký ban hành" (not "… ký kết", signing an agreement).
_SIGNER = re.compile(r"\b(?i:người ký|ký(?: ban hành| bởi)?|signed by)\W{0,4}(?:(?i:ông|bà|đồng chí)\s+)?"
                     r"[A-ZĐ][a-zà-ỹđ]+(?:\s+[A-ZĐ][a-zà-ỹđ]+){1,3}"
                     r"|\b[A-ZĐ][a-zà-ỹđ]+(?:\s+[A-ZĐ][a-zà-ỹđ]+){1,3}\s+(?:(?i:đã|vừa)\s+)?(?i:ký)\b(?!\s+(?i:kết))")
_AGENT = re.compile(r"\b(Sở|UBND|Ủy ban|Uỷ ban|Bộ|Cục|Ban|Phòng|Khoa|Trường|Hiệu trưởng|Trung tâm|Công an|Văn phòng"
                    r"|Hội đồng|Chủ tịch|Phó Chủ tịch|Giám đốc|Viện|Tổ|Đoàn|Hội|Tỉnh ủy|Tỉnh uỷ|Thành ủy|HĐND|BCĐ"
                    r"|Thủ tướng|Chính phủ|Bí thư|Trưởng|Người|Giảng viên|Sinh viên|Học viên|Doanh nghiệp)\b")
_PERSON = re.compile(r"(?<![.\n]\s)(?<!^)\b(?:[A-ZĐ][a-zà-ỹđ]+\s){1,3}[A-ZĐ][a-zà-ỹđ]+\b")
#: A rank: "xếp thứ 12", "top 10", "tốp 5", "nhóm 20 tỉnh, thành phố dẫn đầu", "24/63 tỉnh".
_RANK = re.compile(r"\b(thứ|hạng|top|tốp|vị trí)\s*(?:\d+|nhất|nhì|ba)\b|\bxếp (thứ|hạng)\b|\bdẫn đầu\b"
                   r"|\b\d+/\d+\s*(?:tỉnh|địa phương)|\bnhóm\s+\d+\s+(?:tỉnh|địa phương|thành phố)", re.IGNORECASE)
#: A document's number written whole in a passage ("Số: 112/KH-UBND", "193/2025/QH15"): an
#: answer of kind "docnumber", and no agent ("UBND" in it). Not ``qa.text.DOCUMENT_CODE``,
#: which reads a question: a passage's code is typed without spaces, and its tail keeps the
#: digits of a legislature's code ("QH15") and every "/" and "-".
_DOCNUMBER = re.compile(rf"\b{CODE_NUMBER}[/-]{CODE_INITIAL}[A-ZĐa-z0-9&\-/]*")


def parse_number(text: str) -> float | None:
    """A figure written the Vietnamese way: "." groups thousands ("125.500" is
    125500, "1.819" is 1819), "," marks decimals ("6,19" is 6.19). A lone "." before
    one, two or four-plus digits is a decimal point ("12.5" is 12.5)."""
    text = text.strip().rstrip("%").strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        return float(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    return None


@lru_cache(maxsize=1)
def question_types() -> dict:
    """``question_types.json``, read once: its cues, document events and kind words."""
    return json.loads(QUESTION_TYPES_PATH.read_text(encoding="utf-8"))


#: The kinds whose question word followed by a number names what the question is about
#: rather than asking it: "kế hoạch số 1051/KH-UBND", "ban hành ngày 5/4/2022".
NAMED_BY_NUMBER = frozenset({"docnumber", "day"})


@lru_cache(maxsize=1)
def _question_type_cues() -> dict[str, dict[str, re.Pattern[str]]]:
    data = question_types()
    cues: dict[str, dict[str, re.Pattern[str]]] = {}
    for lang in ("vi", "en"):
        # Whole phrases; a document-number cue followed by a number gives the number:
        # "kế hoạch số 1051/KH-UBND" names the plan a question is about ("Ai ký Kế hoạch số
        # 1051/KH-UBND?"), it does not ask for its number ("how many 5G stations" still asks).
        # Rule (a day asked without "nào"): so with a day cue, "ban hành ngày 5/4/2022" names
        # the plan, while "ke hoach cds 2025 ban hanh ngay", as an official types it, asks its day.
        # Longest phrases first, read at every position (a lookahead), so that each phrase
        # standing in the question is found, overlapping ones too (``_cue_spans``).
        cues[lang] = {kind: re.compile(r"(?=((?<!\w)(?:" + alternation(phrases)
                                       + r")(?!\w)" + (r"(?!\s*\d)" if kind in NAMED_BY_NUMBER else "") + "))")
                      for kind, phrases in data[lang].items()}
    return cues


def _cue_spans(pattern: re.Pattern[str], folded: str) -> list[tuple[int, int]]:
    return [(m.start(1), m.end(1)) for m in pattern.finditer(folded)]


def _within_other(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
    """Rule (a question word inside a longer one is the longer one's): "số mấy" asks for a
    document's number, and its "mấy" asks for no quantity; a unit stating any figure
    ("diễn ra từ 8-14/10/2022") is no answer to "theo kế hoạch số mấy?"."""
    return any(start <= span[0] and span[1] <= end and (end - start) > (span[1] - span[0]) for start, end in others)


def answer_types(question: str, lang: str) -> frozenset[str]:
    """The kinds of answer a question asks for ("quantity", "percent", "money", "date", "day", "agent", "signer",
    "rank", "docnumber"), from its question words; empty when it asks for none in particular."""
    folded = fold(question).lower()
    cues = _question_type_cues()["en" if lang == "en" else "vi"]
    spans = {kind: _cue_spans(pattern, folded) for kind, pattern in cues.items()}
    asked = {kind for kind, found in spans.items()
             if any(not _within_other(span, (o for other, its in spans.items() if other != kind for o in its))
                    for span in found)}
    if {"rank", "percent"} <= asked and ranks_by_share(folded, spans["percent"], lang):
        asked.discard("percent")
    if "date" in asked and says("document_events", folded, lang):
        asked.add("day")  # "When was the plan issued?" asks for the day it was issued
    if "quantity" in asked and "percent" not in asked and asks_money(folded, lang, cues["quantity"]):
        asked.add("money")
    elif lang == "en" and "percent" not in asked and names_money_asked(folded):
        asked.add("money")
    if lang == "en" and names_document_asked(folded):
        asked.add("docnumber")
    return frozenset(asked - {NARROWER[k] for k in asked if k in NARROWER})


def ranks_by_share(folded: str, percent_spans: Sequence[tuple[int, int]], lang: str) -> bool:
    """Rule (a rank by a share): a question asking for a rank whose every percentage cue names
    a share (``question_types.json`` "share_topics": "share of", "percentage of") ranks by that
    share and asks for the rank ("What position did Vinh Phuc hold nationally for digital
    economy share of GRDP?" is answered by "Vĩnh Phúc đứng thứ 5 cả nước về tỷ trọng kinh tế
    số", which holds no percentage). Why: in Vietnamese the share is no question word ("đứng thứ
    mấy về tỷ trọng …" asks for the rank alone); English "share of" is both, and read as a
    percentage asked it refused the rank (``form_missing``). A share asked with its own
    question word ("What share … and what rank …") still asks for a percentage."""
    topics = _word_list("share_topics")["en" if lang == "en" else "vi"]
    return all(topics.fullmatch(folded[start:end]) for start, end in percent_spans)


@lru_cache(maxsize=None)
def _word_list(key: str) -> dict[str, re.Pattern[str]]:
    """One of the per-language word lists of ``question_types.json`` ("document_events":
    what happens to a document on one day; "shares"; "several"; "target") as a pattern of
    whole words, per language."""
    return {lang: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
            for lang, words in question_types()[key].items()}


def says(key: str, folded: str, lang: str) -> bool:
    """The folded, lower-cased question holds a word of the list ``key`` (``_word_list``)."""
    return bool(_word_list(key)["en" if lang == "en" else "vi"].search(folded))


@lru_cache(maxsize=1)
def _what_money() -> re.Pattern[str]:
    function = alternation(question_types()["function_words_en"])
    money = alternation(question_types()["money"]["en"])
    return re.compile(rf"\bwhat(?:'s|\s+(?:is|are|was|were|will\s+be))?(?:\s+(?:the|a|an))?"
                      rf"(?:\s+(?!(?:{function})(?![\w']))[\w'\-]+){{0,3}}?\s+(?:{money})"
                      rf"(?=\s*$|\s*[?.,;:!]|\s+(?:{function})(?![\w']))")


def names_money_asked(folded: str) -> bool:
    """Rule (an English question asking for money by name): "What is Gia Lai's budget for
    2025?", "What total funding …", "What was the cost of …" ask for an amount of money
    without "how much": the money word is the noun "what" asks about, at most three content
    words after it (function words, ``question_types.json`` "function_words_en", other than
    an article end the reading, so "what share of the budget" asks for a share), and the
    money word ends the noun ("what funding sources" asks for sources). Why: a
    Vietnamese question says "bao nhiêu" ("Kinh phí … là bao nhiêu?") where an English one
    names the noun, and without the kind a heading ("KINH PHÍ") answers it, and a plan's
    budget for another year is not refused."""
    return _what_money().search(folded) is not None


@lru_cache(maxsize=1)
def _which_document() -> re.Pattern[str]:
    function = alternation(question_types()["function_words_en"])
    kinds = alternation([w for words in question_types()["document_kinds_en"].values() for w in words])
    places = r"(?:province|locality|localities|city|cities)'s?\b|provinces'"
    return re.compile(rf"\bwhich(?:\s+(?!(?:{function})(?![\w'])|{places})[\w'\-]+){{0,4}}?\s+({kinds})"
                      rf"(?=\s*$|\s*[?.,;:!]|\s+(?:{function})(?![\w'])|\s+[a-z]+ed\b)")


def names_document_asked(folded: str) -> bool:
    """Rule (which document, by its kind): an English question whose "which" asks about a
    kind of document ("Which decree on … does the plan cite?", "Which Government resolution
    issued …", "Which city party committee resolution … does the plan implement?") asks for
    that document's number, as "which decision" does: the kind word (``question_types.json``
    "document_kinds_en") is the noun "which" asks about, at most four content words after it
    (a function word, "function_words_en", ends the reading: "which tasks of the plan" asks
    for tasks), and it ends the noun (followed by a function word, a past participle or the
    end: "which plan targets" asks for targets), and no province owns it ("Which province's
    plan has …" asks for a province: ``Query.asks_which_province``). Why: a Vietnamese question puts its
    question word right after the kind ("nghị quyết nào"), an English one puts the issuing
    body between ("Which Politburo resolution"), and without the kind asked the reader took
    another item of the same list of grounds, or refused the one that answers for the dates
    it cites."""
    return _which_document().search(folded) is not None


def asks_money(folded: str, lang: str, quantity: re.Pattern[str]) -> bool:
    """Rule (an amount of money): a quantity question asks for an amount in a currency when
    it names money (``question_types.json``, "money") as what it counts: in Vietnamese
    before its question word ("Tổng kinh phí … là bao nhiêu?", "Ngân sách tỉnh bố trí bao
    nhiêu cho …?") or right after it ("bố trí bao nhiêu vốn ngân sách?"; "bao nhiêu dự án
    dùng vốn ngân sách" counts projects), in English after
    "how much" ("How much funding …", "How much central budget support …"; "how many
    projects use the budget" counts). A count, a rank or a percentage is no answer to it."""
    money = _word_list("money")["en" if lang == "en" else "vi"].search(folded)
    if lang == "en":
        return money is not None and "how much" in folded
    asked = quantity.search(folded)
    if asked is None:
        return False
    # "… bao nhiêu vốn ngân sách trung ương?", "bao nhiêu tiền": the money word is what it counts
    after = asked.end(1) + 1
    counted = _word_list("money")["vi"].match(folded, after) or _word_list("money_counted")["vi"].match(folded, after)
    return (money is not None and money.start() < asked.start()) or counted is not None


def asked_kinds(query: Query, per_province: bool = False) -> frozenset[str]:
    """The kinds of answer a question asks for: those of its question words (``answer_types``),
    and a percentage for a comparison by a share ("Which province targets the highest digital
    economy share by 2030?", "tỉnh nào đặt tỷ trọng … cao hơn"), which names no question
    word but compares percentages. When no plan states two such figures the comparison is
    answered as an ordinary question, and a unit without one (the sentence naming "2025 và
    2030" with no share in it) answers none of it (``form_missing``). A comparison of ranks
    keeps its kind.

    Each province's plan read for the comparison itself (``per_province``) gets only the
    question words' kinds: the comparison compares like with like already (percentages when
    any figure is one), and a percentage asked there lifted whatever percentage a plan silent
    on the topic gives ("giảm hơn 40% thời gian làm thủ tục" entered a comparison of
    digital-economy shares)."""
    kinds = answer_types(query.text, query.lang)
    if (not per_province and query.wants_comparison and "rank" not in kinds
            and says("shares", query.folded, query.lang)):
        kinds = (kinds | {"percent"}) - {NARROWER["percent"]}
    elif asks_share_amount(query, kinds):
        kinds = (kinds | {"percent"}) - {NARROWER["percent"]}
    return kinds


def asks_share_amount(query: Query, kinds: frozenset[str]) -> bool:
    """Rule (how much of a share asks for a percentage): a question asking how much
    ("bao nhiêu", "how much") of a share it names ("tỷ trọng kinh tế số … là bao nhiêu",
    ``shares``) asks for the share, written as a percentage, and counts nothing ("bao nhiêu
    tỉnh có tỷ lệ …" counts provinces: ``counted_noun``). A news lead naming the resolution
    the question cites ("… sơ kết 3 năm thực hiện Nghị quyết số 09-NQ/TU … đến năm 2025")
    holds a figure ("3 năm") but no share, and answers none of it."""
    return (kinds == frozenset({"quantity"}) and says("shares", query.folded, query.lang)
            and not counted_noun(query.text, query.lang))


def asks_several(query: Query) -> bool:
    """The question asks for a list (``Query.wants_list``), for several things or for what a
    rule sets out ("Điều kiện để … là gì?", "Hồ sơ gồm những gì?", "In what cases …?")."""
    return query.wants_list or says("several", query.folded, query.lang)


#: A narrower kind of answer and the broader one it replaces: "Ai ký …?" asks for the
#: signer, and any agency or capitalised name is no answer to it; "bao nhiêu phần trăm" asks
#: for a percentage, and a count or a rank ("tốp 10") is no answer to it.
NARROWER = {"day": "date", "signer": "agent", "percent": "quantity", "money": "quantity"}


#: A document named by its type and number ("Nghị quyết số 01", "Quyết định số 1893"): the
#: number is a reference, no figure (the types: ``official_documents.json``).
_REFERENCE = re.compile(rf"\b(?:{DOCUMENT_TYPE_ALTERNATION})\s+số\s+\d+", re.IGNORECASE)


#: The serial number of a table row, as a row read under its headers writes it: "STT: 2 |
#: Nhiệm vụ: …", "TT: 3 | …", and a row-number header glued to the next one by a PDF's
#: table reader, "STT Nhiệm vụ: 2 Mở rộng Trung tâm IOC …" (the headers of
#: ``qa.documents.clean._ROW_NUMBER_HEADER``).
_ROW_NUMBER_CELL = re.compile(r"(?:^|(?<=\|))\s*(?:[Ss][ốo]\s*)?(?:STT|TT|[Tt]hứ tự)\b[^:|\n]{0,40}:\s*(\d{1,3})(?=[\s|]|$)",
                              re.MULTILINE)


def _row_numbers_blanked(text: str) -> str:
    """Rule (a row's serial number is no figure): the "2" of "STT Nhiệm vụ: 2 Mở rộng Trung
    tâm IOC kết nối camera … | Thời gian: Quý IV/2025" numbers the row, and counts nothing
    the row is about. Why: a task row naming the question's words but stating no count
    ("How many districts will the operations centre connect?", "Thanh Hoa trains how many
    residents?") was read as holding a quantity by its row number, and was quoted over the
    target that states the count ("… IOC tỉnh kết nối với 26/26 huyện"). Offsets kept."""
    return _ROW_NUMBER_CELL.sub(lambda m: m.group(0)[:m.start(1) - m.start(0)] + " " * len(m.group(1)), text)


def figure_numbers(text: str) -> list[re.Match[str]]:
    """The figures a text states, as ``NUMBER`` matches at their offsets in ``text``: not
    years, not the day and month of a date, not the number of a document named by its type,
    not a table row's serial number (``_row_numbers_blanked``)."""
    return [m for m in NUMBER.finditer(_numbers_of_figures(text)) if not is_year(m.group(1))]


def _numbers_of_figures(text: str) -> str:
    """The text with what holds numbers but states no figure blanked, offsets kept: the
    day and month of a date, the number of a document named by its type."""
    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0))
    return _row_numbers_blanked(_REFERENCE.sub(blank, _DAY.sub(blank, text)))


@lru_cache(maxsize=16384)
def holds_type(kind: str, text: str) -> bool:
    """The text holds an answer of the given kind (kept: every window of a line is read
    with the line as its context, and the type features ask about each unit and its
    context for each kind asked)."""
    if kind == "quantity":
        return bool(figure_numbers(text)) or bool(_NUMBER_WORDS.search(text))
    if kind == "percent":
        return bool(_PERCENT.search(text))
    if kind == "money":
        return bool(_MONEY.search(text))
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "day":
        return bool(_DAY.search(text))
    if kind == "signer":
        return bool(_SIGNER.search(text) or _signing_office().search(text))
    if kind == "agent":
        bare = _DOCNUMBER.sub(" ", text)  # "Số: 112/KH-UBND" names a document, not an agent
        return bool(_AGENT.search(bare) or _PERSON.search(_without_provinces(bare)))
    if kind == "rank":
        return bool(_RANK.search(text))
    if kind == "docnumber":
        return bool(_DOCNUMBER.search(text))
    raise ValueError(f"unknown answer kind {kind!r}")


#: The kinds of answer a figure gives, which a figure the question states does not.
_FIGURE_KINDS = frozenset({"quantity", "percent"})


def holds_asked(r: "Reading", kind: str, text: str) -> bool:
    """``holds_type``, not counting the figures the question itself states.

    Rule (a figure the question gives is not its answer): "Tỷ lệ dân số từ 15 tuổi trở
    lên có tài khoản … đạt bao nhiêu?" asks a share; the line "- Tỷ lệ dân số từ 15 tuổi
    trở lên có tài khoản giao" (a page cut off before its figure) repeats the question's
    "15 tuổi" and states none, so it holds no answer of the kind asked. A figure counts as
    the question's when its number and the word after it are (``given_figures``)."""
    if kind not in _FIGURE_KINDS or not r.given_figures:
        return holds_type(kind, text)
    return holds_type(kind, _without_figures(text, r.given_figures))


def given_figures(text: str) -> frozenset[tuple[str, str]]:
    """Each figure of the text with what follows it, its unit as written: ("15", "tuổi"),
    ("80", "%"). A unit's "15%" is not the question's "15 tuổi"."""
    return frozenset(_figure_with_unit(text, m) for m in figure_numbers(text))


def _figure_with_unit(text: str, m: re.Match[str]) -> tuple[str, str]:
    if m.group(3):
        return m.group(1), "%"
    after = re.match(r"\s*(\w+)", text[m.end():])
    return m.group(1), after.group(1).lower() if after else ""


def _without_figures(text: str, figures: frozenset[tuple[str, str]]) -> str:
    """The text with each of the figures blanked where it stands with the same unit."""
    out = list(text)
    for m in figure_numbers(text):
        if _figure_with_unit(text, m) in figures:
            out[m.start(1):m.end(1)] = " " * (m.end(1) - m.start(1))
    return "".join(out)


def names_agency(text: str) -> bool:
    """The text names an agency or office by its kind ("Sở …", "Cục …", "Ủy ban …", "Giám
    đốc …": ``_AGENT``), not merely a capitalised phrase ("Cổng Dịch vụ công quốc gia")."""
    return bool(_AGENT.search(_DOCNUMBER.sub(" ", text)))


@lru_cache(maxsize=65536)
def _without_provinces(text: str) -> str:
    """The text with its province names blanked: "Tuyên Quang", "Hà Tĩnh" are written like
    a person's name, and a plan's title ("Phát triển kinh tế số tỉnh Tuyên Quang năm 2025")
    named no agent for "Cơ quan nào là đầu mối …?"."""
    return blank(text, province_spans(text))


@lru_cache(maxsize=1)
def _signing_office() -> re.Pattern[str]:
    """An office said to sign ("Hiệu trưởng ký quyết định", "Chủ tịch UBND tỉnh đã ký", "the
    Minister signed"), the offices of ``question_types.json`` ("signing_titles"); not
    "… ký kết" (signing an agreement)."""
    titles = alternation(question_types()["signing_titles"])
    return re.compile(rf"\b(?:{titles})\b[^.;:\n]{{0,40}}?\s(?:(?i:đã|vừa)\s+)?(?:(?i:ký)\b(?!\s+(?i:kết))|signed\b)")


@lru_cache(maxsize=2)
def kind_words(lang: str) -> tuple[tuple[str, str], ...]:
    """(folded words, kind) naming each kind of official document, longest first:
    the Vietnamese types of ``official_documents.json`` ("kế hoạch" -> plan), or
    the English words of ``question_types.json`` ("decision")."""
    if lang == "en":
        data = question_types()["document_kinds_en"]
        pairs = [(w, kind) for kind, words in data.items() for w in words]
    else:
        pairs = [(fold(w).lower(), kind) for w, kind in DOCUMENT_TYPES.items()]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def asked_document_kind(question: str, lang: str) -> str | None:
    """The kind of document whose number a question asks for, or None.

    The kind named just before the asking words ("… phê duyệt bằng quyết định số
    mấy" asks for a decision, not the scheme it approves), or after them ("which
    decision", "the number of … plan"); else the first kind the question names
    ("Kế hoạch … có số hiệu là gì?")."""
    if "docnumber" not in answer_types(question, lang):
        return None
    folded = fold(question).lower()
    words = kind_words("en" if lang == "en" else "vi")
    kind_of = dict(words)
    names = "|".join(re.escape(w) for w, _ in words)
    if lang == "en":
        # The kind that ends the noun "which" asks about ("Which national data strategy
        # decision …" asks for a decision's number: ``names_document_asked``).
        asked = _which_document().search(folded) or re.search(rf"\b(?:which|what|number of)\b(?:\W+\w+){{0,6}}?\W+({names})\b", folded)
    else:
        asked = re.search(rf"\b({names})\s+(?:so\b(?!\s*\d)|nao\b)", folded)  # not "kế hoạch số 131/…"
    first = asked or re.search(rf"\b({names})\b", folded)
    return kind_of[first.group(1)] if first else None


def number_kinds(text: str) -> frozenset[str]:
    """The kinds of the document numbers a text holds, by their code ("72/KH-UBND" is
    a plan's); a code that names no kind is a ministry's or agency's letter
    ("5511/BKHCN-CĐSQG")."""
    return frozenset(NUMBER_CODES.get(m.group(1), "letter") for m in NUMBER_CODE.finditer(text))


# ----------------------------------------------------------------- features

#: Weight of one untranslated English word against idf-weighted concepts.
UNTRANSLATED_WEIGHT = 0.5


#: A question's concepts with their idf weights worked out: per concept, its weight
#: and its useful alternatives, each with its terms' idf and their sum.
Weighted = tuple[tuple[float, tuple[tuple[tuple[tuple[str, float], ...], float], ...]], ...]


def weigh(concepts: Sequence[Sequence[Sequence[str]]], idf: Idf) -> Weighted:
    """The concepts' idf weights, once per question (``coverage`` reads them for
    every candidate unit)."""
    weighted = []
    for alternatives in concepts:
        alts = [(tuple((t, idf(t)) for t in alt), sum(idf(t) for t in alt)) for alt in alternatives]
        useful = tuple((alt, w) for alt, w in alts if w > 0)
        if useful:
            weighted.append((sum(w for _, w in useful) / len(useful), useful))
    return tuple(weighted)


def coverage(concepts: Sequence[Sequence[Sequence[str]]] | Weighted, text: str, idf: Idf | None = None,
             untranslated: Sequence[str] = ()) -> float:
    """Share of the question's content that the text holds, in [0, 1].

    Each concept weighs the idf of its terms (averaged over its alternatives) and
    counts by its best-covered alternative, so "chính quyền số" or "chính phủ số"
    each fully answer "digital government"; an alternative half there counts half
    its syllables' share. ``concepts`` may come already weighed (``weigh``), and
    then ``idf`` is not needed.
    """
    weighted = concepts if idf is None else weigh(concepts, idf)  # type: ignore[arg-type]
    return _covered(weighted, term_set(text), untranslated)  # type: ignore[arg-type]


def _covered(weighted: Weighted, have: frozenset[str], untranslated: Sequence[str]) -> float:
    """``coverage`` of a text whose terms are ``have``: it reads only whether each of the
    question's terms is there (``Reading.covered`` relies on that)."""
    total = got = 0.0
    for weight, useful in weighted:
        total += weight
        got += weight * max(_alternative_share(alt, w, have) for alt, w in useful)
    for word in untranslated:
        total += UNTRANSLATED_WEIGHT
        got += UNTRANSLATED_WEIGHT if word in have else 0.0
    return got / total if total > 0 else 0.0


def _alternative_share(alternative: tuple[tuple[str, float], ...], weight: float, have: frozenset[str]) -> float:
    present = [w for t, w in alternative if t in have]
    if len(present) == len(alternative):
        return 1.0
    return 0.5 * sum(present) / weight


@dataclass(frozen=True)
class Reading:
    """What every feature of one question reads, worked out once per question."""

    query: Query
    idf: Idf
    top_score: float
    kinds: frozenset[str]
    # The question's concepts with their idf weights (``weigh``), worked out once.
    weighted: Weighted = ()
    # Characters of the unit the answer can quote (the answer's limit less its framing).
    room: int = 230
    # The kind of document whose number the question asks for (``asked_document_kind``).
    document_kind: str | None = None
    # The question's vector against the index's unit vectors (``semantic``); None without them.
    semantic: Semantic | None = None

    def for_top_score(self, top_score: float) -> "Reading":
        """The same reading of other passages, whose best scores ``top_score``: a
        comparison reads each of a dozen provinces' passages against its own best, and
        what depends only on the question (the asked terms, the phrases, the coverages
        kept per set of terms) is worked out once and shared, not once per province."""
        other = replace(self, top_score=top_score)
        for name in _PER_QUESTION:
            other.__dict__[name] = getattr(self, name)  # (cached_property keeps its value there)
        return other

    @cached_property
    def given_figures(self) -> frozenset[tuple[str, str]]:
        """The figures the question itself states, with their units ("từ 15 tuổi trở lên":
        ("15", "tuổi")): not what it asks (``holds_asked``)."""
        return given_figures(self.query.text)

    @cached_property
    def asked(self) -> frozenset[str]:
        """The question's content terms and untranslated words (what precision counts),
        once per question rather than per unit."""
        return frozenset(self.query.content_terms) | frozenset(self.query.untranslated)

    @cached_property
    def levels(self) -> frozenset[str]:
        """The administrative levels the question names (``levels_named``), read once per
        question for ``level_conflict`` and ``level_unstated``."""
        return levels_named(self.query.text, self.query.lang)

    @cached_property
    def counted(self) -> tuple[tuple[str, ...], ...]:
        """What the question counts (``counted_noun``), once per question."""
        return counted_noun(self.query.text, self.query.lang)

    @cached_property
    def phrases(self) -> frozenset[str]:
        """The question's pairs of adjacent syllables, function words included ("không_được",
        "được_tính"): what ``phrase_overlap`` looks for."""
        asked = self.asked
        return frozenset(t for t in term_set(self.query.text)
                         if "_" in t and any(part in asked for part in t.split("_")))

    @cached_property
    def yes_no_syllables(self) -> tuple[str, ...]:
        """The syllables of a Vietnamese question asking yes or no (``asks_yes_no``), in
        order, for ``yes_no_run`` and ``yes_no_phrases``; () for any other question. Once per
        question, not once per unit read."""
        if self.query.lang == "en" or not asks_yes_no(self.query.folded):
            return ()
        return tuple(_SYLLABLE.findall((self.query.folded if self.typed_bare else self.query.text).lower()))

    @cached_property
    def typed_bare(self) -> bool:
        """Rule (a question typed without diacritics reads units folded): the question's
        words, its province names aside, carry no diacritics (as ``qa.retrieval.query.analyse``
        reads it), so what compares its syllables with a unit's as written
        (``yes_no_run``) compares both folded. As written, "sinh vien co the bi loai khoi lop
        hay khong" held no run of "sinh viên … bị loại khỏi lớp"."""
        text = self.query.text
        return not has_diacritics(blank(text, province_spans(text)))

    @cached_property
    def _missing(self) -> dict[tuple[str, str], float]:
        return {}

    def required_missing(self, text: str, heading_path: str) -> float:
        """Share of the question's required terms that a passage (its text and heading
        path) lacks, kept per passage: every unit of a passage asks. Its terms come from
        the text's and the heading path's kept ones (``joined_terms``): no joined copy of
        the passage is tokenised, and a passage of one line is a unit's context already."""
        found = self._missing.get((text, heading_path))
        if found is None:
            required = self.query.required_terms
            have = joined_terms((text, heading_path), frozenset(required))
            lacking = [t for t in required if t not in have]
            if lacking:
                spelled = spaced_words(f"{text} {heading_path}")
                lacking = [t for t in lacking if not spelled_out(t, spelled)]
            found = self._missing[text, heading_path] = len(lacking) / len(required)
        return found

    @cached_property
    def _coverage_terms(self) -> frozenset[str]:
        """Every term ``coverage`` looks for: the weighed concepts' and the untranslated words."""
        return frozenset(t for _, useful in self.weighted for alt, _ in useful for t, _ in alt) | frozenset(
            self.query.untranslated)

    @cached_property
    def _coverages(self) -> dict[frozenset[str], float]:
        return {}

    def covered(self, text: str) -> float:
        """``coverage`` of the question's weighed concepts in ``text``, kept per set of the
        question's terms present: units of one question share few such sets, and a
        comparison reads hundreds of units (a third of its reading time went here)."""
        return self._covered_terms(term_set(text) & self._coverage_terms)

    def covered_joined(self, parts: Sequence[str]) -> float:
        """``covered(" ".join(parts))``, from the parts' kept terms
        (``qa.answering.term_sets.joined_terms``): a unit read with its context."""
        return self._covered_terms(joined_terms(parts, self._coverage_terms))

    def _covered_terms(self, present: frozenset[str]) -> float:
        found = self._coverages.get(present)
        if found is None:
            found = self._coverages[present] = _covered(self.weighted, present, self.query.untranslated)
        return found


#: What ``Reading.for_top_score`` shares: the cached properties that read only the question.
_PER_QUESTION = ("asked", "levels", "counted", "phrases", "given_figures", "yes_no_syllables", "typed_bare",
                 "_coverage_terms", "_coverages", "_missing")


def _f_coverage(r: Reading, c: Candidate) -> float:
    """Share of the question's content (idf-weighted) that the unit itself holds."""
    return r.covered(c.text)


def _f_phrase_overlap(r: Reading, c: Candidate) -> float:
    """Share of the question's pairs of adjacent syllables, function words included, that
    the unit holds: a question is often worded after the sentence that answers it ("Điểm
    nào không được tính trong ĐTBHK" → "Điểm I, điểm M, điểm BL không được tính trong
    ĐTBHK"), and ``coverage`` reads neither the order of its words nor "không", "được",
    "trong"."""
    return len(r.phrases & term_set(c.text)) / len(r.phrases) if r.phrases else 0.0


#: The longest run ``yes_no_run`` counts, in syllables. On a regulations-only fit of the run
#: for every question (right chosen units of 923 dev questions, 594 without it): cap 4 598, 8
#: 599, 12 600; 8 is taken, a clause of a rule.
PHRASE_RUN_CAP = 8
_SYLLABLE = re.compile(r"\w+")


def _f_yes_no_run(r: Reading, c: Candidate) -> float:
    """For a question asking yes or no (``asks_yes_no``), the longest run of its syllables, in
    its order and function words included, that the unit holds, over ``PHRASE_RUN_CAP``; 0 for
    any other question. ``phrase_overlap`` counts pairs wherever they are, and the unit that
    decides a yes/no question restates its clause in one run ("Đề thi có cho phép truy cập
    internet hoặc mạng cục bộ không?" → "Chỉ được phép truy cập internet hoặc mạng cục bộ theo
    quy định …"). For every question it took +0.225 and regulations containment 0.613 → 0.620,
    but a run of the question's subject won where another slot was asked (legal "… phải gửi
    trong thời hạn bao lâu?" answered with "Thời hạn hoãn chấp hành quyết định phạt tiền
    …": 0.980 → 0.961) and the Vietnamese real-page check lost a right answer to a refusal.
    For yes/no questions only, fitted alone after ``yes_no_phrases``: +0.273; regulations
    containment 0.613 → 0.619, ≥80% 0.660 → 0.665, F1 0.450 → 0.454, false refusals 0.033 →
    0.029; every other dev set, follow-up file and floor check identical."""
    asked = r.yes_no_syllables
    if not asked:
        return 0.0
    text = _SYLLABLE.findall((fold(c.text) if r.typed_bare else c.text).lower())
    at: dict[str, list[int]] = {}
    for j, w in enumerate(text):
        at.setdefault(w, []).append(j)
    best, previous = 0, {}
    for w in asked:
        current = {j + 1: previous.get(j, 0) + 1 for j in at.get(w, ())}
        best = max(best, max(current.values(), default=0))
        previous = current
    return min(best, PHRASE_RUN_CAP) / PHRASE_RUN_CAP if best >= 2 else 0.0


def _f_yes_no_phrases(r: Reading, c: Candidate) -> float:
    """For a question asking whether something holds (``asks_yes_no``: "Các môn học ngoại ngữ
    được miễn có được tính điểm không?"), ``phrase_overlap``; 0 for any other question. A
    yes/no question restates the sentence that decides it, with its own words in its order
    ("Lịch thi có được thông báo đến sinh viên …không?" → "… xếp lịch thi và thông báo lịch
    thi đến SV và các đơn vị liên quan"), more than a question asking for a figure or a list,
    whose answer says what the question does not. Half the regulations dev questions ask so
    (468 of 923), few of the plans' or articles'."""
    return _f_phrase_overlap(r, c) if r.yes_no_syllables else 0.0


def _f_precision(r: Reading, c: Candidate) -> float:
    """Share of the unit's own syllables (idf-weighted) that the question asks about:
    coverage's counterpart, low for a long unit that holds the question's words
    among many others."""
    total = own_weight(c.text, r.idf)
    if not total > 0:
        return 0.0
    own = own_syllables(c.text)
    if r.asked.isdisjoint(own):
        return 0.0  # what the sum below gives, without walking the unit's syllables
    return sum(r.idf(t) for t in own if t in r.asked) / total


@lru_cache(maxsize=65536)
def own_syllables(text: str) -> tuple[str, ...]:
    """The text's terms that precision weighs: syllables, not pairs or figures (cached
    with ``term_set``, in its order, so that sums come out the same)."""
    return tuple(t for t in term_set(text) if "_" not in t and not t[:1].isdigit())


@lru_cache(maxsize=65536)
def own_weight(text: str, idf: Idf) -> float:
    """Precision's denominator, the idf of the text's own syllables summed in their order:
    the same for every question on one collection, so worked out once per text rather
    than for every unit read (a comparison reads ~300, most of them met before)."""
    return sum(idf(t) for t in own_syllables(text))


def _f_context_coverage(r: Reading, c: Candidate) -> float:
    """Share held by the unit read with its context: its sentence or lead-in, the chunk's
    heading path ("Điều 9. Tuyển bổ sung … › 2. …") and what it is read with but does not
    quote (``Candidate.reads``: the title of the document it names as its own, the clauses
    and points it refers to).

    Rule (a unit is read under the headings of its chunk): the heading path names only the
    headings above the chunk's first line, and a chunk that opens with its article ("Điều 5.
    Trách nhiệm của Ban Điều hành cấp Trường" / "1. Đề xuất phương hướng …") read its clauses
    as under no heading, while the same clauses in the article's next chunk read it; the
    headings inside the chunk that the unit sits under (``Candidate.enclosing_headings``)
    are read too. Regulations dev containment 0.594 -> 0.595."""
    under = c.enclosing_headings
    if c.reads:
        return r.covered_joined((c.hit.chunk.heading_path, under, c.context, c.text, c.reads))
    return r.covered_joined((c.hit.chunk.heading_path, under, c.context, c.text))


#: ``semantic`` is in tenths of a cosine: e5 cosines of a question with the units of its
#: passages lie within about 0.15 of each other, and in tenths the feature's weight is of
#: the size of the others' under the fit's shared L2 penalty.
SEMANTIC_SCALE = 10.0
#: The cosine ``semantic`` counts from, which a unit without a vector reads: about the mean
#: cosine of a dev question with the closest unit of its retrieved passages (articles / plans
#: / regulations 0.885 / 0.901 / 0.920; with every unit 0.840 / 0.849 / 0.858), so that the
#: rank score a question without unit vectors gives its chosen unit, which the answerability
#: model reads, is that of a typical question with them.
SEMANTIC_NEUTRAL = 0.90


def _f_semantic(r: Reading, c: Candidate) -> float:
    """How close in meaning the unit is to the question: the cosine of the question's query
    vector and the unit's passage vector (embedded at index build, an item after its lead-in:
    ``qa.indexing.unit_vectors``), in tenths, from ``SEMANTIC_NEUTRAL``. Every other feature
    matches words, and an English question meets the Vietnamese text only through the
    glossary's translation; the multilingual embedding reads a paraphrase and either
    language. The ranker reads differences between a question's units, the answerability
    model the chosen unit's closeness through its rank score. Without unit vectors (an
    index built without them) every unit reads 0, as if at ``SEMANTIC_NEUTRAL``.
    Fit dev right (articles / plans / regulations) 0.865 / 0.850 / 0.568 -> 0.873 / 0.871 /
    0.589; held out mean 0.697 -> 0.714, held out (weights) 0.705 -> 0.716. Embedding every
    unit with its context (a clause after its sentence) and 400 characters of it scored 0.873 /
    0.857 / 0.584, 0.714 / 0.723, but took indexing the five bundled documents 8.5 -> 24 s on
    a busy machine, over the 15 s target; every unit alone 0.698 / 0.706 held out, with the
    chunk's heading path 0.709 / 0.718, read by the answerability model too 0.695 / 0.718.
    Merged with the larger plans dev set (233 questions and its follow-up turns), held out
    0.710 / 0.711 without it -> 0.731 / 0.734 with it (L2 3e-3)."""
    cosine = r.semantic.cosine(c) if r.semantic is not None else None
    return 0.0 if cosine is None else SEMANTIC_SCALE * (cosine - SEMANTIC_NEUTRAL)


def _f_retrieval(r: Reading, c: Candidate) -> float:
    """The passage's fused retrieval score against the best passage's."""
    return c.hit.score / r.top_score if r.top_score > 0 else 0.0


def _f_first_passage(r: Reading, c: Candidate) -> float:
    """The unit is in the passage retrieval ranked first."""
    return 1.0 if c.rank == 1 else 0.0


def asks_effect(query: Query) -> bool:
    """The question asks when a document takes effect or ceases to ("có hiệu lực từ ngày
    nào", "when does it take effect": ``question_types.json``, "effect_events")."""
    return says("effect_events", query.folded, query.lang)


#: A day asked as a deadline, folded: "… trước ngày nào?", "chậm nhất vào ngày nào",
#: "by what date", "deadline".
_DEADLINE_DAY = re.compile(r"\b(?:truoc|cham nhat(?: la| vao)?|han chot(?: la)?|thoi han(?: la)?)\s+ngay\s+nao\b"
                           r"|\bby (?:what|which) (?:date|day)\b|\bno later than\b|\bdeadlines?\b")


def asks_deadline(query: Query) -> bool:
    """The question asks by which day something must be done ("Ủy ban nhân dân các xã phải
    xây dựng kế hoạch … trước ngày nào?"): a deadline the text sets, not the day the
    document was issued, though it names the document ("kế hoạch chuyển đổi số năm 2026")."""
    return bool(_DEADLINE_DAY.search(query.folded))


def _issue_line_for_effect(r: Reading, c: Candidate) -> bool:
    """Rule (taking effect is not issue): the unit is a title-block line and the question
    asks when the document takes effect. The title block dates the document's issue; the
    day it takes effect is in its body ("Điều 9. Hiệu lực thi hành"), so the dated line
    holds no answer of the kind asked (``type_match``, ``own_metadata``).

    Rule (a deadline is not the day of issue): nor when the question asks a deadline
    (``asks_deadline``: "… trước ngày nào?", "by what date must …"): the day a task is due
    is in the body; the title block's dated line ("Ngày ban hành | 05/03/2024") answered "By
    what date must the districts issue their own plans?" once a portal's metadata table was
    read as the page's title block."""
    return c.in_title_block and (asks_effect(r.query) or asks_deadline(r.query))


def _f_type_match(r: Reading, c: Candidate) -> float:
    """The question asks for a kind of answer (a quantity, date, agency, rank or
    document number) and the unit holds one (a title-block line never holds the day a
    document takes effect: ``_issue_line_for_effect``)."""
    if _issue_line_for_effect(r, c):
        return 0.0
    return 1.0 if r.kinds and any(holds_asked(r, k, c.text) for k in r.kinds) else 0.0


def _f_type_missing(r: Reading, c: Candidate) -> float:
    """The question asks for a kind of answer and neither the unit nor its context holds one."""
    if not r.kinds:
        return 0.0
    return 0.0 if any(holds_asked(r, k, c.text) or holds_asked(r, k, c.context) for k in r.kinds) else 1.0


@lru_cache(maxsize=1)
def telling_kinds() -> frozenset[str]:
    """The kinds of answer whose absence tells (``question_types.json``, "telling_kinds")."""
    return frozenset(question_types()["telling_kinds"])


def _f_form_missing(r: Reading, c: Candidate) -> float:
    """The question asks for a percentage, for who signed or for an amount of money
    (``telling_kinds``) and neither the unit nor its context holds one: a share of GRDP
    answered with a rank ("tốp 10"), a signer's question with the line that says the plan
    was issued, a budget's with the line that names the plan's period. The unit answers
    another question. In a unit of several sentences, the one holding most of the question
    must hold it ("100% các sự kiện … được truyền thông số. Phấn đấu tỷ lệ người dân … có
    tài khoản …": the 100% is another target's)."""
    asked = r.kinds & telling_kinds()
    if not asked:
        return 0.0
    parts = sentences(c.text)
    said = max(parts, key=lambda p: r.covered(p.text)).text if len(parts) > 1 else c.text
    # A signer is often named in the sentence after the one about the document ("UBND tỉnh
    # ban hành Kế hoạch số 08/KH-UBND … Phó Chủ tịch … ký ban hành."): the whole unit counts.
    return 0.0 if any(holds_asked(r, k, c.text if k == "signer" else said) or holds_asked(r, k, c.context)
                      or (k == "percent" and len(parts) > 1 and states_share(r, parts))
                      for k in asked) else 1.0


def states_share(r: Reading, parts: Sequence[Span]) -> bool:
    """Rule (a share stated in the next sentence): one of the unit's sentences names a share
    (``shares``: "tỷ lệ", "tỷ trọng") and gives a percentage. A row of a rule names whom it is
    about, then the share ("Đối tượng miễn giảm: Phó trưởng đơn vị thuộc Trường. Tỉ lệ miễn
    giảm: 70%."): the sentence holding most of the question names the person, the next one
    states the share asked. A percentage of another target ("100% các sự kiện … được truyền
    thông số") names no share and still does not count."""
    lang = r.query.lang
    return any(says("shares", fold(p.text).lower(), lang) and holds_asked(r, "percent", p.text) for p in parts)


def said_years(r: Reading, c: Candidate) -> frozenset[int]:
    """Rule (the year of the sentence that answers): the years a unit of several sentences
    is about, for the question, are those of its sentence that holds most of the question,
    else the last one named before that sentence in the unit, else the unit's
    (``Candidate.stated_years``). A news lead "Năm 2024, chỉ số DTI … tăng 9 bậc. Năm 2025,
    tỉnh đặt mục tiêu kinh tế số chiếm 10% GRDP." names 2024, but its share of GRDP is the
    2025 target: no answer for 2024's share (as ``_f_form_missing`` reads the percentage of
    that sentence)."""
    if not r.query.years:
        return c.stated_years
    parts = sentences(c.text)
    if len(parts) < 2:
        return c.stated_years
    said = max(parts, key=lambda p: r.covered(p.text))
    own = own_years(said.text) or own_years(c.text[:said.start])[-1:]
    return frozenset(own) or c.stated_years


def _f_year_match(r: Reading, c: Candidate) -> float:
    """The unit is about a year the question names (``said_years``)."""
    return 1.0 if r.query.years and said_years(r, c) & set(r.query.years) else 0.0


def cited_for_year(r: Reading, c: Candidate) -> bool:
    """Rule (the year names the citing document): a question asking for the number of a
    kind of document ("Which decree … does Ba Ria - Vung Tau's 2024 decision cite?",
    ``Reading.document_kind``) names the year of the document that cites it, not the
    cited one's. A unit holding a number of that kind, in a document whose title block
    names the asked year (``Candidate.document_year``), answers it whatever years its
    dates name ("Căn cứ Nghị định số 47/2020/NĐ-CP ngày 09 tháng 4 năm 2020 …" in the
    decision approving the 2024 plan): its years are no conflict.

    Rule (a plan of several years cites): a question asking what its document cites
    (``question_types.json`` "citing": "căn cứ chỉ thị nào") may name the year of a plan
    whose title names several ("… đến năm 2025 và định hướng đến năm 2030"), and so no one
    year (``document_year`` None): a unit of such a document holding a number of the asked
    kind ("Căn cứ Chỉ thị số 23-CT/TU ngày 16/5/2022 …") answers it too."""
    if not r.document_kind or r.document_kind not in number_kinds(c.text):
        return False
    if c.document_year in r.query.years:
        return True
    return c.document_year is None and says("citing", r.query.folded, r.query.lang)


def _f_year_conflict(r: Reading, c: Candidate) -> float:
    """The unit is about other years than the one the question names (a 2025 target
    is no answer for 2030; ``said_years``), unless it is a document the question's
    year's document cites (``cited_for_year``)."""
    if not r.query.years or cited_for_year(r, c):
        return 0.0
    stated = said_years(r, c)
    return 1.0 if stated and not stated & set(r.query.years) else 0.0


def _f_own_metadata(r: Reading, c: Candidate) -> float:
    """The unit is a line of its document's title block and holds the kind of answer
    asked (the number, the date, the signer): what a document says of itself answers
    "when was the 2023 plan issued" better than a plan it cites (not when it takes
    effect: ``_issue_line_for_effect``)."""
    if _issue_line_for_effect(r, c):
        return 0.0
    return 1.0 if c.in_title_block and r.kinds and any(holds_type(k, c.text) for k in r.kinds) else 0.0


def _f_number_kind_match(r: Reading, c: Candidate) -> float:
    """The question asks for the number of a kind of document ("kế hoạch số mấy",
    "which decision") and the unit holds a number of that kind ("…/KH-UBND")."""
    return 1.0 if r.document_kind and r.document_kind in number_kinds(c.text) else 0.0


def _f_number_kind_other(r: Reading, c: Candidate) -> float:
    """The question asks for the number of a kind of document and every number the
    unit holds is of another kind (a plan's number is no answer for its decision)."""
    held = number_kinds(c.text) if r.document_kind else frozenset()
    return 1.0 if held and r.document_kind not in held else 0.0


def spelled_out(term: str, spaced: str) -> bool:
    """Rule (an abbreviation is there in full): a required term that is a glossary
    abbreviation (``qa/data/abbreviations.tsv``: "CĐS" → "chuyển đổi số") counts as held
    by a passage writing one of its full forms (``spaced``: ``qa.text.spaced_words`` of the passage).
    A paraphrase abbreviates what the plan writes in full ("mục tiêu CĐS năm 2025" for "mục
    tiêu chuyển đổi số"); BM25 already reads both forms as one (``expand_abbreviations``),
    but ``required_missing`` counted the letters only and pulled the right unit under the
    threshold. Figures and acronyms the glossary does not know still need their letters."""
    return any(spaced_form(form) in spaced for form in abbreviations().get(abbreviation_key(term), ()))


def _f_required_missing(r: Reading, c: Candidate) -> float:
    """Share of the acronyms and figures the question names ("PCI", "24/63") that
    the passage lacks (its heading path included)."""
    required = r.query.required_terms
    if not required:
        return 0.0
    return r.required_missing(c.hit.chunk.text, c.hit.chunk.heading_path)


def _f_length(r: Reading, c: Candidate) -> float:
    """The unit's length, up to 400 characters (longer units hold more, say less)."""
    return min(len(c.text), 400) / 400


def _f_overflow(r: Reading, c: Candidate) -> float:
    """Share of the unit (with its lead-in) that does not fit in the answer: the
    quote of a long unit is cut, and may lose what answers."""
    n = len(c.text) + (len(c.context) + 1 if c.kind == "item" else 0)
    return max(0, n - (c.room or r.room)) / n if n else 0.0


def _f_fragment(r: Reading, c: Candidate) -> float:
    """The unit is a fragment of under 25 characters."""
    return 1.0 if len(c.text) < 25 else 0.0


def _f_heading(r: Reading, c: Candidate) -> float:
    """The unit is a heading line (it announces the answer rather than giving it)."""
    return 1.0 if c.kind == "line" and is_heading(c.text) else 0.0


def _f_item(r: Reading, c: Candidate) -> float:
    """The unit is a list item read with its lead-in."""
    return 1.0 if c.kind == "item" else 0.0


def _f_list_unit(r: Reading, c: Candidate) -> float:
    """The unit is a lead-in with the items after it (``candidates.lists``, read for a
    question that ``asks_several``)."""
    return 1.0 if c.kind == "list" else 0.0


def _f_clause(r: Reading, c: Candidate) -> float:
    """The unit is a clause of a longer sentence."""
    return 1.0 if c.kind == "clause" else 0.0


def _f_window(r: Reading, c: Candidate) -> float:
    """The unit is a window cut out of a unit too long to quote whole."""
    return 1.0 if c.kind == "window" else 0.0


def _f_window_mid(r: Reading, c: Candidate) -> float:
    """The unit is a window that starts after a comma, inside a phrase or a list ("…
    1 trong 15 tỉnh, | thành phố trực thuộc trung ương …"), not where a sentence or a
    clause after a semicolon or colon starts: it may have lost its subject or figure."""
    return 1.0 if c.kind == "window" and c.before.rstrip().endswith(",") else 0.0


_TARGET_WORDS = re.compile(r"\b(muc tieu|chi tieu|phan dau|dinh huong|se|den nam)\b")


def _folded_alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(fold(w).lower()) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _result_marks() -> re.Pattern[str]:
    """Words saying a figure was reached, estimated or measured (``stance_words.json``
    "result_marks": "ước đạt", "đã đạt", "vượt chỉ tiêu", …), folded: such a unit states no
    target whatever year it is about."""
    return re.compile(rf"\b(?:{_folded_alternation(stance_words()['result_marks'])})\b")


@lru_cache(maxsize=1)
def _target_referenced() -> re.Pattern[str]:
    """A target word a result is measured against, with no figure after it ("vượt chỉ tiêu
    đề ra", "so với kế hoạch năm"): ``stance_words.json`` "target_referenced" verbs before
    "chỉ tiêu", "mục tiêu" or "kế hoạch", folded."""
    verbs = _folded_alternation(stance_words()["target_referenced"])
    return re.compile(rf"\b(?:{verbs}) (?:chi tieu|muc tieu|ke hoach)\b(?!\s*(?:nam\s*)?\d)")


def says_target(said: str) -> bool:
    """Rule (a target referenced is no target stated): the folded unit, read with its
    context, holds a target word (``_TARGET_WORDS``) other than one a result is measured
    against (``_target_referenced``): "Năm 2023, tỷ lệ … đạt 91%, vượt chỉ tiêu đề ra"
    reports a result and states no target, while "còn cách xa mục tiêu 70%" states one (a
    figure follows). Measured: floor check ``unseen2`` (see ``stance_yield``)."""
    return bool(_TARGET_WORDS.search(_target_referenced().sub(" ", said)))


def says_result(said: str) -> bool:
    """The folded unit, read with its context, says a figure was reached or estimated
    (``_result_marks``)."""
    return bool(_result_marks().search(said))


#: A share the unit gives as planned, folded: "kế hoạch 14%", "kế hoạch năm 2024: 50%",
#: "KH 2024: 8%" (a report's "kế hoạch X, ước thực hiện Y", a row under "Kế hoạch năm
#: 2024"). It states the target beside the result (``_f_status_for_target``). Measured:
#: floor check ``unseen2`` 0.840 → 0.853 (its summary only), ``unseen`` and every dev set
#: identical.
_PLAN_FIGURE = re.compile(r"\b(?:ke hoach|kh)(?: nam)?(?: (?:19|20)\d\d)?\s*:?\s*\d+(?:[.,]\d+)?\s*%")


#: A table row's cell of results, read under its column's header, folded: "Thực hiện 2024:
#: 7,1%", "Kết quả năm 2024: 78%".
_RESULT_CELL = re.compile(r"\b(?:thuc hien|ket qua)(?: nam)? (?:19|20)\d\d\s*:")


def states_target(c: Candidate) -> bool:
    """The unit (read with its sentence or lead-in) states a target to reach, or sits under
    a heading that says its items are targets (``under_target_heading``)."""
    return says_target(_read_with_context(c)) or under_target_heading(c)


def under_target_heading(c: Candidate) -> bool:
    """Rule (a plan's item under a target heading is a target): "a) Tỷ trọng kinh tế số đạt
    10% GRDP của tỉnh." under "I. MỤC TIÊU › 1. Mục tiêu đến năm 2025" says its target only in
    its headings, inside its chunk (``Candidate.enclosing_headings``) or above it (the chunk's
    ``heading_path``), as ``_f_status_for_target`` reads them: asked what was actually reached,
    it answers nothing."""
    return bool(_TARGET_WORDS.search(_folded_headings(c)))


def _folded_headings(c: Candidate) -> str:
    """The headings over the unit, folded and lower-cased: its chunk's heading path and its
    own headings inside the chunk (``Candidate.enclosing_headings``), where
    ``under_target_heading`` and ``under_task_heading`` read what the items under them are."""
    return fold(f"{c.hit.chunk.heading_path}\n{c.enclosing_headings}").lower()


def _read_with_context(c: Candidate) -> str:
    """The unit with its sentence or lead-in, folded and lower-cased, as the stance words
    (``_TARGET_WORDS``, ``_result_marks``) are matched."""
    return fold(c.context + " " + c.text).lower()


def reports_result(c: Candidate) -> bool:
    """Rule (a result reported against its target): the unit, read with its sentence or
    lead-in, says a figure was reached or estimated (``_result_marks``) besides naming a
    target. News of a year's results states both in one sentence ("Nghị quyết đặt mục tiêu
    đến năm 2025 tỷ trọng kinh tế số đạt 20% GRDP, nhưng đến nay mới ước đạt khoảng 8,2%"):
    it answers what was reached, though it names the target too; so does a table row with a
    column of results beside its targets ("Chỉ tiêu: … | Kết quả 2024: 78% | Mục tiêu 2025:
    85%", "Kế hoạch 2024: 8% | Thực hiện 2024: 7,1%": ``_RESULT_CELL``)."""
    said = _read_with_context(c)
    return bool(says_result(said) or _RESULT_CELL.search(said))


@lru_cache(maxsize=1)
def _task_headings() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_folded_alternation(stance_words()['task_headings'])})\b")


def under_task_heading(c: Candidate) -> bool:
    """Rule (a plan's task is no result): the unit sits under a heading over a plan's tasks
    (``stance_words.json`` "task_headings": "II. NHIỆM VỤ, GIẢI PHÁP › 1. …"), read in its
    chunk's heading path and its own headings: "Phủ sóng 4G cho 40 thôn" there is work the
    plan sets, not what was done; asked what was reached ("đã lắp đặt được bao nhiêu trạm"),
    it answers nothing (``target_for_status``), unless it reports a result itself. Measured:
    floor check ``unseen2`` 0.880 → 0.893 (a figure reached, asked without diacritics, had
    been answered with the plan's task); ``unseen`` and every dev set identical."""
    return bool(_task_headings().search(_folded_headings(c)))


def _f_target_for_status(r: Reading, c: Candidate) -> float:
    """The question asks what is now ("hiện có", "currently") and the unit states
    a target to reach or a plan's task (``under_task_heading``), and no figure reached
    (``reports_result``)."""
    return 1.0 if (r.query.wants_status and (states_target(c) or under_task_heading(c))
                   and not reports_result(c)) else 0.0


def asks_target(query: Query) -> bool:
    """The question asks for a target to reach ("Vĩnh Phúc đặt mục tiêu … vào năm 2025?",
    "What share should … reach by 2025?")."""
    return says("target", query.folded, query.lang)


def _f_status_for_target(r: Reading, c: Candidate) -> float:
    """The question asks for a target for a year it names, and the unit, read with its
    context, states no target (no target word, no figure given as planned: "kế hoạch 14%,
    ước thực hiện 11,3%" states both, ``_PLAN_FIGURE``) and either says a figure was reached or estimated ("… ước
    đạt 80%": ``_result_marks``) or is about no year: a figure reached ("tỷ lệ kinh tế số
    trên GRDP … đạt 22,87%") is no answer for the target of 2025 (``target_for_status``
    the other way round)."""
    if not (r.query.years and asks_target(r.query)):
        return 0.0
    said = _read_with_context(c)
    if says_target(said) or _PLAN_FIGURE.search(said):
        return 0.0
    if says_result(said):
        return 1.0
    if c.stated_years:
        return 0.0
    # A plan's item under "II. MỤC TIÊU › 2. Mục tiêu cụ thể" is a target though it says so
    # only in its heading ("- Kinh tế số chiếm 12% GRDP của tỉnh;"), which may open the
    # unit's own chunk rather than lie above it.
    return 0.0 if under_target_heading(c) else 1.0


#: Where a unit's statements part: a semicolon or a sentence's end (``cut_off``). Not a
#: comma: "… 5 nhóm ngành, lĩnh vực trọ" is one statement cut inside its phrase.
_STATEMENT_BOUNDARY = re.compile(r"[;.]\s+")


def cut_off(r: Reading, c: Candidate) -> bool:
    """Rule (a cut-off statement answers nothing): the document's text stops inside the
    unit (``Candidate.cut_off``: an excerpt cut at a length), the unit's last statement,
    the one the cut falls in, is the one holding most of the question (ties go to the
    earlier one), and that statement holds nothing of what is asked: no answer of the kind
    the question asks for (a share, a quantity, a date …: ``holds_asked``, the question's
    own figures not counted), or no enumeration for a question asking for a list. "Tỷ lệ
    dân số từ 15 tuổi trở lên có tài khoản giao" states no share, and "… thúc đẩy kinh tế số
    5 nhóm ngành, lĩnh vực trọ" lists no sector: what answered was cut away. A statement
    that holds its figure before the cut ("… cài đặt … cho 27 cơ quan, đơn") still answers,
    and so does one before the cut ("… đạt 65 -70%; tỷ lệ … đạt tr"); a question asking for
    nothing in particular is left to the model."""
    if not c.cut_off or not (r.kinds or r.query.wants_list):
        return False
    parts = [p for p in _STATEMENT_BOUNDARY.split(c.text) if p.strip()]
    if len(parts) > 1:
        held = [r.covered(p) for p in parts]
        if held.index(max(held)) != len(parts) - 1:
            return False
    cut = parts[-1] if parts else c.text
    if r.kinds and any(holds_asked(r, k, cut) for k in r.kinds):
        return False
    return not (r.query.wants_list and not r.kinds and enumerates(cut))


@dataclass(frozen=True)
class _LevelNouns:
    """The Vietnamese nouns of ``admin_levels.json`` in one writing (with diacritics or
    folded): each noun's level, a pattern of any one noun (longest first: "thị xã" is a
    district, not a "xã") and a pattern of a run of nouns after "cấp" ("cấp tỉnh, huyện và
    xã"), whose first word, the "cấp", is ``cap_chars`` long."""

    level_of: dict[str, str]
    noun: re.Pattern[str]
    run: re.Pattern[str]
    cap_chars: int


def _level_nouns(levels: dict[str, list[str]], others: list[str], written: Callable[[str], str]) -> _LevelNouns:
    """``levels``' nouns as ``written`` spells them, never the first word of one of ``others``."""
    level_of = {written(word): level for level, words in levels.items() for word in words}
    not_level = "|".join(re.escape(written(w)).replace(r"\ ", r"\s+") for w in others) or "(?!)"
    noun = (rf"\b(?!(?:{not_level})\b)(?:"
            + alternation(level_of) + r")\b")
    cap, va, hoac = written("cấp"), written("và"), written("hoặc")
    run = re.compile(rf"\b{cap}\s+{noun}(?:\s*(?:,|/|-|{va}|{hoac})\s*(?:{cap}\s+)?{noun})*")
    return _LevelNouns(level_of, re.compile(noun), run, len(cap))


@lru_cache(maxsize=1)
def _level_patterns() -> tuple[_LevelNouns, _LevelNouns, dict[str, re.Pattern[str]], re.Pattern[str]]:
    """``admin_levels.json`` read for ``levels_named``: its Vietnamese nouns as written and
    folded (never the first word of one of its "not" words: "xã hội"), the English phrases
    per level, and the phrases naming every level."""
    data = json.loads(ADMIN_LEVELS_PATH.read_text(encoding="utf-8"))
    as_written = _level_nouns(data["vi"], data["not"], lambda w: unicodedata.normalize("NFC", w.lower()))
    folded = _level_nouns(data["vi"], data["not"], lambda w: fold(w).lower())
    en = {level: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
          for level, words in data["en"].items()}
    every = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in data["all"]) + r")\b")
    return as_written, folded, en, every


def levels_named(text: str, lang: str = "vi") -> frozenset[str]:
    """The administrative levels a text names ("province", "district", "commune"), from
    ``admin_levels.json``: Vietnamese nouns after "cấp" ("cấp huyện", "cấp tỉnh, huyện và
    xã"), and for an English question its phrases too ("district-level"). A text naming
    every level at once ("các cấp", "từ tỉnh đến xã") names none in particular: empty.
    A text written with diacritics is read as written: folded, "phân cấp quản lý" would
    name a "quận" and "nâng cấp xã hội số" a "xã"; one typed without them is read folded,
    a province name written with its diacritics aside ("Sơn La … cap huyen")."""
    as_written, folded_nouns, en, every = _level_patterns()
    folded = fold(text).lower()
    if every.search(folded):
        return frozenset()
    lower = unicodedata.normalize("NFC", text.lower())
    # Only the words outside province names say how it was typed ("Sơn La … cap huyen").
    typed = has_diacritics(blank(text, province_spans(text)))
    nouns, seen = (as_written, lower) if typed else (folded_nouns, folded)
    named = {nouns.level_of[m.group(0)] for found in nouns.run.finditer(seen)
             for m in nouns.noun.finditer(found.group(0)[nouns.cap_chars:])}
    if lang == "en":
        named |= {level for level, pattern in en.items() if pattern.search(folded)}
    return frozenset(named)


def level_conflict(r: Reading, c: Candidate) -> bool:
    """Rule (another administrative level): the question names the level it asks about
    ("cấp huyện", "commune-level") and the unit, read with its sentence or lead-in, names
    levels, never the one asked: "90% hồ sơ công việc tại cấp tỉnh, 70% … tại cấp xã" is
    no answer for the district level's share. A unit naming the level asked anywhere is
    left to the model: a plan distributes one predicate over its levels ("90% hồ sơ công
    việc tại cấp tỉnh; 80% … tại cấp huyện … được xử lý trên môi trường mạng"), so the
    part holding most of the question need not be the one naming the level. A unit naming
    every level ("các cấp", "từ tỉnh đến xã") or none is left to the model too."""
    asked = r.levels
    if not asked:
        return False
    named = unit_levels(c)
    return bool(named) and not named & asked


#: A span of years a figure covers: "giai đoạn 2026 - 2030", "2021-2025", "từ năm 2026 đến năm 2030".
_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b"
                        r"|\btừ\s+(?:năm\s+)?((?:19|20)\d\d)\s+đến\s+(?:năm\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)


def period_total_for_year(r: Reading, c: Candidate) -> bool:
    """Rule (a period's total is no year's amount): the question asks for an amount of money
    for one year, and the unit states money for a span of years that holds that year ("Tổng
    kinh phí dự kiến giai đoạn 2026 - 2030 khoảng 1.250 tỷ đồng" for "kinh phí năm 2026"),
    naming that year nowhere outside a span. Why: money adds up over the years, so a
    period's total is no one year's budget; a target ("đạt 80% vào năm 2030") is a level,
    read by ``year_conflict``. The refusal still shows the total as its nearest passage."""
    if "money" not in r.kinds or len(r.query.years) != 1 or not holds_type("money", c.text):
        return False
    year = r.query.years[0]
    spans = [(int(m[1] or m[3]), int(m[2] or m[4])) for m in _YEAR_SPAN.finditer(c.text)]  # (first, last year)
    if not any(low < high and low <= year <= high for low, high in spans):
        return False
    return year not in years(_YEAR_SPAN.sub(" ", c.text))  # the years it names outside a span


def unit_levels(c: Candidate) -> frozenset[str]:
    """The administrative levels a unit names, read with its sentence or lead-in."""
    return levels_named(c.text) | (levels_named(c.context) if c.context else frozenset())


def names_every_level(text: str) -> bool:
    """Whether a text names every administrative level at once ("các cấp", "từ tỉnh đến
    xã": ``admin_levels.json``'s "all"), which ``levels_named`` reads as none in particular."""
    return bool(_level_patterns()[3].search(fold(text).lower()))


#: The levels below the province ("district", "commune"): a figure a unit states without
#: naming a level is the province's as a whole, never one of theirs.
LOWER_LEVELS = frozenset({"district", "commune"})


def level_unstated(r: Reading, c: Candidate) -> bool:
    """Rule (a province's figure is no lower level's): the question asks only about levels
    below the province ("cấp huyện", "cấp xã") and the unit, read with its sentence or
    lead-in, names no level at all, not even every level at once ("các cấp"): "Tỷ lệ hồ
    sơ TTHC trực tuyến toàn trình đạt 55%" states the province's share, and the commune
    level's is not stated. A unit naming the level asked, or other levels only
    (``level_conflict``), is read as before."""
    asked = r.levels
    if not asked or not asked <= LOWER_LEVELS:
        return False
    read = [c.text] + ([c.context] if c.context else [])
    return not any(levels_named(t) or names_every_level(t) for t in read)


#: The kinds of answer a document's closing signature block gives: who signed it.
SIGNATURE_KINDS = frozenset({"signer", "agent"})


def signature_unasked(r: Reading, c: Candidate) -> bool:
    """Rule (a signature answers who signed): the unit is the document's closing signature
    block ("Người ký: Nguyễn Khắc Hiếu (KT. CHỦ TỊCH …)") and the question asks for no one,
    but for a figure, a date or a number (its question words), or names a share ("phu tho
    ty le dan so co chu ky so 2026": "chữ ký số", a digital signature, shares the word
    "ký" with the block, not its meaning)."""
    if not is_signature_line(c.text) or r.kinds & SIGNATURE_KINDS:
        return False
    return bool(r.kinds) or says("shares", r.query.folded, r.query.lang)


def asks_lead(query: Query) -> bool:
    """The question asks who leads or is in charge of something (``question_types.json``
    "lead_words": "chủ trì", "chịu trách nhiệm", "đầu mối", "lead agency", "in charge",
    "responsible"), not who signed, issued or proposed a document (its "signer" question
    words, "document_events", "proposal_events")."""
    folded, lang = query.folded, query.lang
    return (says("lead_words", folded, lang) and "signer" not in answer_types(query.text, lang)
            and not says("document_events", folded, lang) and not says("proposal_events", folded, lang))


def issuer_for_lead(r: Reading, c: Candidate) -> bool:
    """Rule (who leads is not who signed): the question asks who leads or is in charge of a
    task (``asks_lead``: "Sở nào chủ trì thực hiện Kế hoạch …?", "Which agency is the lead
    agency for …?", "Which department is responsible for carrying out …?") and the unit is
    a line of the document's title block (its issuer, its number, its portal metadata
    "Người ký | Hà Lan Anh") or names who signed it (the closing "Người ký: …" block, "Chủ
    tịch UBND tỉnh Nguyễn Văn Thọ vừa ký ban hành quyết định …"), or only who issued it
    (``names_only_issuer``: "UBND tỉnh Đồng Tháp cho biết vừa ban hành kế hoạch …"). Why: a plan assigns its
    tasks in its body ("Sở Khoa học và Công nghệ chủ trì, phối hợp …", a task table's "Cơ
    quan chủ trì" column); its title block and signature say who issued and signed it,
    which answers "who issued" or "who signed", never "who leads". On 32 real excerpts of
    dev provinces' pages naming no lead agency, the signer was quoted as the lead agency:
    on 16 such questions (6 unanswerable) abstention recall 0.000 -> 0.667, and 0.833 with
    ``names_only_issuer``; accuracy 0.400 as it was; every dev set, follow-up file and floor
    check identical."""
    if not asks_lead(r.query):
        return False
    return (c.in_title_block or is_signature_line(c.text) or holds_type("signer", c.text)
            or names_only_issuer(c.text))


def asks_coordination(query: Query) -> bool:
    """The question asks who works with the lead agency on a task (``question_types.json``
    "coordination_words": "Cơ quan nào phối hợp …?", "co quan phoi hop …", "Which agencies
    coordinate on …?")."""
    return says("coordination_words", query.folded, query.lang)


def coordination_unstated(r: Reading, c: Candidate) -> bool:
    """Rule (who leads is not who coordinates): the question asks who works with the lead
    agency on a task (``asks_coordination``) and neither the unit nor what it is read with
    says who does (``unit_says`` "coordination_words"): "Nhiệm vụ: Triển khai bệnh án
    điện tử … | Cơ quan chủ trì: Sở Y tế | Thời gian hoàn thành: Tháng 9/2025", a row of a table with no
    "Cơ quan phối hợp" column, or "…; Sở Y tế chủ trì", is no answer to "Which agencies
    coordinate with the Department of Health on …?". Why: such a unit is chosen because it
    holds the task and an agency, and the only agency it names is the lead, which the
    question does not ask for. A comparison reads many plans and is left to the model."""
    q = r.query
    if q.wants_comparison or not asks_coordination(q):
        return False
    return not unit_says(c, "coordination_words")


def asks_lead_role(query: Query) -> bool:
    """The question asks for the lead role itself (``asks_lead`` with a word of
    ``question_types.json`` "lead_role": "Cơ quan nào chủ trì …?", "đầu mối", "Which agency
    leads …?"), not only who is responsible for or in charge of something, which a unit may
    answer by naming who does it ("ĐVCM và ĐVQL lưu trữ hồ sơ …")."""
    return asks_lead(query) and says("lead_role", query.folded, query.lang)


def unit_says(c: Candidate, *keys: str) -> bool:
    """The unit, or what it is read with (its sentence or lead-in), each read on its own,
    holds a word of one of ``question_types.json``'s ``keys`` in either language, folded: a
    unit is read whatever the question's language (an English question reads a Vietnamese
    plan). "coordination_words": who coordinates ("Cơ quan phối hợp: …", "chủ trì, phối hợp
    với …"); "lead_words" and "lead_said": who carries a task ("Viễn thông Kon Tum chủ trì",
    "Cơ quan chủ trì: Sở Y tế", "Cơ quan thực hiện: …", "là cơ quan thường trực")."""
    for text in (c.text, c.context):
        if text:
            folded = fold(text).lower()
            if any(says(key, folded, lang) for key in keys for lang in ("vi", "en")):
                return True
    return False


def lead_unstated(r: Reading, c: Candidate) -> bool:
    """Rule (who leads is said, not guessed): the question asks who leads a task
    (``asks_lead_role``; not a yes/no question, nor one asking which province, nor one asking
    a figure, a date or a rank: "Which province led the country in …?", "the group of how
    many leading provinces") and neither the unit nor what it is read with says who carries one
    (``unit_says`` "lead_words", "lead_said"): "… vận hành Trung tâm giám sát an toàn
    thông tin (SOC) của tỉnh kết nối với hệ thống của Bộ Công an" names an agency, not who runs the centre; "Triển khai hệ
    thống thông tin báo cáo đến 100% các sở, ngành" names the task and no one leading it.
    Why: a plan assigns its tasks in words of leading or carrying out, or in a table's
    agency column; a unit holding the task's words and some agency is chosen for those words
    and would be quoted as the lead. A comparison reads many plans and is left to the model."""
    q = r.query
    if (q.wants_comparison or q.asks_which_province or r.kinds - {"agent"} or asks_yes_no(q.folded)
            or not asks_lead_role(q)):
        return False
    return not unit_says(c, "lead_words", "lead_said")


@lru_cache(maxsize=1)
def _issue_clause() -> re.Pattern[str]:
    """An agency (named as written, capitalised) issuing or approving a document, on folded
    text: "UBND tinh Dong Thap cho biet vua ban hanh ke hoach", "Uy ban nhan dan tinh ban
    hanh Ke hoach"."""
    events = alternation(question_types()["document_events"]["vi"])
    kinds = alternation([w for w, _ in kind_words("vi")])
    return re.compile(rf"{_folded_agent().pattern}[^.;:\n]{{0,60}}?\b(?i:{events})\s+(?i:{kinds})\b")


@lru_cache(maxsize=1)
def _folded_agent() -> re.Pattern[str]:
    """``_AGENT`` on folded text (no diacritics), its group not capturing."""
    return re.compile(fold(_AGENT.pattern.replace(r"\b(", r"\b(?:", 1)))


def names_only_issuer(text: str) -> bool:
    """Rule (an issue names its issuer, not who leads): the text says an agency issued or
    approved a document ("Ngày 3-10, UBND tỉnh Đồng Tháp cho biết vừa ban hành kế hoạch về
    …", "Ủy ban nhân dân tỉnh ban hành Kế hoạch …") and names no other agency and no word of
    leading (``lead_words``). "Theo đề nghị của Sở Khoa học và Công nghệ …, Ủy ban nhân dân
    tỉnh ban hành Kế hoạch …" names the department as well, and is left to the model."""
    folded = fold(text)
    found = list(_issue_clause().finditer(folded))
    if not found or says("lead_words", folded.lower(), "vi"):
        return False
    rest = list(text)
    agent = _folded_agent()
    for m in found:
        # The issuer is the agency nearest the verb: "Sở Nội vụ tham mưu UBND tỉnh ban hành
        # quy chế" issues by the UBND, and names the department as well.
        start = [a.start() for a in agent.finditer(folded, m.start(), m.end())][-1]
        rest[start:m.end()] = " " * (m.end() - start)
    return not names_agency("".join(rest))


#: A token with a "/" and a digit: a document's code ("45/2026/NĐ-CP", "05-NQ/TU",
#: "59/KH-UBND"), whose letters name the kind of document and its issuer, and as well a
#: date or a ratio ("14/9/2022", "24/63"): none names an indicator (``named_indicators``).
#: Broader than ``qa.text.DOCUMENT_CODE`` on purpose: it blanks a question's whole token,
#: the letters of a code typed in lower case or after a digit ("05-nq/tu") too.
_SLASHED_TOKEN = re.compile(r"\S*\d\S*/\S+|\S+/\S*\d\S*")
#: A name written in capitals ("PCI", "VNeID") or a generation or standard, a number and
#: its letters ("5G", "4G"); not a code or a quarter, letters then a number ("Q3", "IT002").
_NAME = re.compile(r"(?<![\w/.&-])(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*|\d+[A-Za-z]+)(?![\w/.&-])")
#: Share of a full form's pairs of adjacent syllables that name it: a plan names an
#: indicator by much of its full form, often without its head word ("xếp hạng … về chuyển
#: đổi số" for "Chỉ số chuyển đổi số (DTI)", 2 pairs of 4), while a neighbouring indicator
#: shares a word ("điện tử" of "định danh điện tử", 1 pair of 3). Pairs, not syllables: a
#: syllable of a form turns up anywhere ("định" of "quyết định").
FULL_FORM_SHARE = 1 / 2

SUBJECT_ABBREVIATIONS = "subject_abbreviations.txt"


@lru_cache(maxsize=1)
def subject_abbreviations() -> frozenset[str]:
    """Rule (the plans' subject names no indicator): the keys of the abbreviations that name
    what every plan is about or who issues it (``qa/data/subject_abbreviations.txt``: "CĐS",
    "UBND"). A passage seldom repeats its plan's subject, so an official's "CĐS" in a question
    ("kế hoạch CĐS", "mục tiêu cds") is no indicator the passage must name. Each must be a
    glossary abbreviation (a typo would silently name nothing)."""
    keys = []
    for line, (name,) in read_rows(SUBJECT_ABBREVIATIONS, 1):
        key = abbreviation_key(name)
        if key not in abbreviations():
            raise DataFileError(SUBJECT_ABBREVIATIONS, line, f"{name!r} is not in abbreviations.tsv")
        keys.append(key)
    return frozenset(keys)


#: A word typed in lower case ("vneid", "tthc", "dti"): an abbreviation when the glossary
#: knows it (``named_indicators``).
_TYPED_NAME = re.compile(r"(?<![\w/.&-])[a-z]{2,}(?![\w/.&-])")


@lru_cache(maxsize=4096)
def named_indicators(question: str, typed: bool = False) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """The names in a question that only their own words can answer, each with the
    syllable pairs of its full forms (``_form_terms``): the glossary's abbreviations
    (``qa/data/abbreviations.tsv``: "PCI", "DTI", "VNeID", "IOC", the acronyms every plan
    shares, each naming one indicator or system) and the generations named by a number
    ("5G", "4G"). An acronym a collection coins for itself ("ĐTTX", "CLC") or one the
    glossary does not know ("UIT") is left out: a passage about that programme or school
    seldom repeats its name. Provinces and document codes ("05-NQ/TU") name no indicator.

    Rule (an abbreviation typed in lower case): with ``typed`` (``indicator_absent`` sets it
    for a Vietnamese question asking a figure, not a document's particulars), a word typed
    in lower case that the glossary knows as an abbreviation names its indicator as the
    capitals do ("ty le nguoi dan dinh danh vneid muc 2 nghe an 2026" names VNeID, as
    "VNeID mức 2" does): officials typing without diacritics seldom type capitals. The
    plans' subject and issuer ("CĐS", "UBND": ``subject_abbreviations``) name none."""
    text = _SLASHED_TOKEN.sub(" ", fold(blank(question, province_spans(question))))
    names = _NAME.findall(text) + (_TYPED_NAME.findall(text) if typed else [])
    found: dict[str, tuple[tuple[str, ...], ...]] = {}
    for name in names:
        key = abbreviation_key(name)
        if key in subject_abbreviations():
            continue
        if key in abbreviations() or any(ch.isdigit() for ch in key):
            found[key] = tuple(_form_terms(form) for form in abbreviations().get(key, ()))
    return tuple(found.items())


def _form_terms(form: str) -> tuple[str, ...]:
    """What names a full form (``FULL_FORM_SHARE``): its pairs of adjacent syllables, or its
    one syllable."""
    found = [t for t in terms(form) if fold(t) == t]
    return tuple(dict.fromkeys([t for t in found if "_" in t] or found))


#: The kinds of answer that are a document's particulars (who signed or acts, its day, its
#: number): a question asking one names the document by its topic ("phu tho ai ky kh cds
#: 2026": "cds" is the plan's subject, "chuyển đổi số", which its signature block does not
#: repeat), so its lower-case words are read as no indicator (``named_indicators``). Nor are
#: an English question's lower-case words ("par", "gis").
PARTICULARS = frozenset({"signer", "agent", "day", "date", "docnumber"})


def indicator_absent(r: Reading, c: Candidate) -> bool:
    """Rule (a neighbouring indicator is no answer): the question names an indicator
    (``named_indicators``: "PCI", "VNeID", "5G") that the unit's whole passage (its text,
    heading path and what the unit is read with) names neither by that name nor by much of a
    full form (``FULL_FORM_SHARE`` of its syllable pairs: "chỉ số năng lực cạnh tranh cấp
    tỉnh"). A plan lacking what is asked is otherwise answered with its closest indicator
    because the rest of the question matches: the DTI ranking for the PCI one, the e-payment
    accounts for "VNeID mức 2", 4G stations for 5G ones. A comparison, or a question asking
    which province, reads many plans and is left to the model."""
    q = r.query
    if q.wants_comparison or q.asks_which_province:
        return False
    named = named_indicators(q.text, typed=q.lang != "en" and not r.kinds & PARTICULARS)
    if not named:
        return False
    have = passage_terms(c, frozenset(t for key, forms in named for t in (key, *(w for f in forms for w in f))))
    return any(key not in have and not any(f and len(set(f) & have) >= FULL_FORM_SHARE * len(set(f)) for f in forms)
               for key, forms in named)


INDICATOR_PHRASES = "indicator_phrases.tsv"


@lru_cache(maxsize=1)
def indicator_phrases() -> tuple[tuple[re.Pattern[str], tuple[tuple[str, ...], ...]], ...]:
    """The indicators of ``indicator_phrases.tsv``, each as the pattern of how a question
    names it (folded, lower case, whole words, an English word also plural) and the syllable
    pairs of every form a passage may state it in (``_form_terms``)."""
    found = []
    for _, (asked, stated) in read_rows(INDICATOR_PHRASES, 2):
        forms = alternatives(asked)
        names = alternation([fold(f).lower() for f in forms])
        pattern = re.compile(rf"(?<![\w-])(?:{names})(?:e?s)?(?![\w-])")
        found.append((pattern, tuple(_form_terms(f) for f in (*forms, *alternatives(stated)))))
    return tuple(found)


def phrased_indicators(question: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The indicators a question names in words (``indicator_phrases.tsv``: "chữ ký số",
    "smartphone", "thanh toán không dùng tiền mặt"), each as its forms' syllable pairs;
    provinces are blanked first ("Hải Dương" is no indicator of any row)."""
    text = fold(blank(question, province_spans(question))).lower()
    return tuple(forms for pattern, forms in indicator_phrases() if pattern.search(text))


def states_form(forms: Sequence[tuple[str, ...]], have: frozenset[str]) -> bool:
    """Rule (most of a form's words state it): a passage states an indicator named in words
    when it holds more than half of one of its forms' syllable pairs (``_form_terms``), not
    half as ``FULL_FORM_SHARE`` reads an abbreviation's full form: most such names are two
    or three pairs long, and one of them is common to the plan ("dữ liệu" of "dữ liệu mở",
    "tài khoản" of "tài khoản thanh toán"): a platform's shared data is no open data, an
    identification account no payment account."""
    return any(f and len(set(f) & have) > FULL_FORM_SHARE * len(set(f)) for f in forms)


def indicator_unnamed(r: Reading, c: Candidate) -> bool:
    """Rule (an indicator named in words is no neighbour's): the question names an indicator
    of the national programme in words (``phrased_indicators``: "chữ ký số", "smartphone",
    "thanh toán không dùng tiền mặt") that the unit's whole passage (its text, heading path
    and what it is read with) states in none of its forms (``states_form``: most of one
    form's syllable pairs). ``indicator_absent`` reads the same for an abbreviation or a "5G"; the
    indicators of a plan's target list share most of their words ("Tỷ lệ dân số trưởng
    thành có tài khoản thanh toán …", "… có chữ ký số …"), so a plan without the one asked
    was answered with its neighbour: the e-payment accounts for smartphones, the SMEs'
    share for cashless payments. A comparison, or a question asking which province, reads
    many plans and is left to the model."""
    q = r.query
    if q.wants_comparison or q.asks_which_province:
        return False
    named = phrased_indicators(q.text)
    if not named:
        return False
    have = passage_terms(c, frozenset(t for forms in named for f in forms for t in f))
    return any(not states_form(forms, have) for forms in named)


def passage_terms(c: Candidate, wanted: frozenset[str]) -> frozenset[str]:
    """Which of ``wanted`` the unit's whole passage holds: its chunk's heading path and
    text, and what the unit is read with (``indicator_absent``, ``indicator_unnamed``)."""
    return joined_terms((c.hit.chunk.heading_path, c.hit.chunk.text, c.context, c.text, c.reads), wanted)


ROW_SUBJECT_COLUMNS = "row_subject_columns.txt"


@lru_cache(maxsize=1)
def _row_subject_cell() -> re.Pattern[str]:
    """A subject cell of a table row read under its headers (``row_subject_columns.txt``):
    its name, a colon, and the cell's text up to the next cell ("|") or the line's end;
    matched on the folded row (offsets kept by ``fold``)."""
    names = [fold(name).lower() for _, (name,) in read_rows(ROW_SUBJECT_COLUMNS, 1)]
    return re.compile(rf"(?:^|(?<=\|)|(?<=: ))\s*(?:stt\s+|tt\s+)?(?:{alternation(names)})\s*:\s*([^|\n]+)",
                      re.MULTILINE)


def row_subject(text: str) -> str | None:
    """The subject cell of a table row (its indicator, task or project: "Chỉ tiêu: Tỷ lệ hồ
    sơ … toàn trình | Năm 2025: 55%" → "Tỷ lệ hồ sơ … toàn trình"), as written; None for a
    unit that is no such row."""
    m = _row_subject_cell().search(fold(text).lower())
    return text[m.start(1):m.end(1)].strip() if m else None


def subject_share(r: Reading, cell: str, rest: str) -> float | None:
    """Share (idf-weighted) of the question's topic that a row's subject cell holds, the
    topic being the question's concepts that the rest of the row does not hold in full
    (its other cells and their names: "Cơ quan chủ trì", "Năm 2025", "Quý IV/2025" answer
    "which agency", "in 2025", "by when", not what the row is about); None when the rest
    of the row holds all of the question."""
    cell_terms, rest_terms = term_set(cell), term_set(rest)
    total = got = 0.0
    for weight, useful in r.weighted:
        if max(_alternative_share(alt, w, rest_terms) for alt, w in useful) >= 1.0:
            continue
        total += weight
        got += weight * max(_alternative_share(alt, w, cell_terms) for alt, w in useful)
    return got / total if total > 0 else None


#: Share of each other a question's topic and a table row's subject cell must hold
#: (``subject_share``, ``cell_asked``) for the row to be about what is asked. A third, not a
#: half, and both ways: a glossary reading of a common word ("area" as "lĩnh vực") leaves a
#: right row near half the question's topic, and a question naming its indicator at length
#: ("hộ gia đình có kết nối Internet băng rộng cáp quang") leaves a third of its words in the
#: row's short name of it ("hộ gia đình có cáp quang"), whose words it holds all the same.
SUBJECT_SHARE = 1 / 3


def cell_asked(r: Reading, cell: str) -> float:
    """Share (idf-weighted) of a subject cell's own syllables that the question asks about:
    ``_f_precision`` of the cell, high when the question names the row's indicator in more
    words than the row does."""
    total = own_weight(cell, r.idf)
    if not total > 0:
        return 0.0
    return sum(r.idf(t) for t in own_syllables(cell) if t in r._coverage_terms) / total


def row_subject_absent(r: Reading, c: Candidate) -> bool:
    """Rule (a neighbouring row is no answer): the unit is a table row whose subject cell
    (``row_subject``: "Chỉ tiêu: …", "Nhiệm vụ: …") and the question's topic hold less than
    ``SUBJECT_SHARE`` of each other (``subject_share``, ``cell_asked``): "Chỉ tiêu: Tỷ lệ hồ
    sơ thủ tục hành chính … | Năm 2025: 55%" is no answer for the 2025 share of households
    with fibre, nor "Nhiệm vụ: Triển khai nền tảng bản đồ số dùng chung | Cơ quan chủ trì: …"
    for who leads the land database. Such a row is chosen because its other cells (a year,
    an agency, a deadline) answer the rest of the question, the same for every row of its
    table. A question with words the glossary does not translate ("rice", "voyage") is left
    to the model: its topic cannot be read in a Vietnamese cell. A comparison, or a question
    asking which province, reads many plans and is left to the model too."""
    q = r.query
    if q.wants_comparison or q.asks_which_province or q.untranslated:
        return False
    cell = row_subject(c.text)
    if cell is None:
        return False
    share = subject_share(r, cell, c.text.replace(cell, " ", 1))
    return share is not None and share < SUBJECT_SHARE and cell_asked(r, cell) < SUBJECT_SHARE


#: An enumeration: a colon or an enumerating word ("gồm", "bao gồm", "including",
#: "such as"), then at least three items parted by commas or semicolons; or three short
#: ones (a few words each), the last after "và" / "and" ("gồm chính quyền số, kinh tế số
#: và xã hội số"): in prose "và" joins words within an item as often as items.
_ENUMERATION = re.compile(r"(?::|\b(?:bao gồm|gồm có|gồm|including|includes?|such as|namely)\b)"
                          r"(?:[^.;,:]+[,;][^.;,]+[,;][^.;,]+"
                          r"|\s*[^.;,:]{1,30}[,;]\s*[^.;,]{1,30}\s(?:và|and)\s[^.;,]{1,30}(?:[.;,]|$))", re.IGNORECASE)


def enumerates(text: str) -> bool:
    """The text lists at least three things after a lead-in ("… gồm: y tế, giáo dục,
    nông nghiệp")."""
    return bool(_ENUMERATION.search(text))


def _f_list_match(r: Reading, c: Candidate) -> float:
    """The question asks for several things ("những lĩnh vực nào", "which sectors")
    and the unit enumerates them, rather than announcing how many there are."""
    return 1.0 if r.query.wants_list and enumerates(c.text) else 0.0


#: Where an enumeration's items start: after a colon or an enumerating word.
_ENUMERATION_START = re.compile(r":|\b(?:bao gồm|gồm có|gồm|including|includes?|such as|namely)\b", re.IGNORECASE)


def _f_list_items(r: Reading, c: Candidate) -> float:
    """For a list question, how many items of its enumeration the unit quotes (parted
    by commas or semicolons after "gồm" or a colon), up to 10: of two windows of one
    enumeration, the one that reaches further down the list answers more of it."""
    start = _ENUMERATION_START.search(c.text) if r.query.wants_list else None
    if start is None:
        return 0.0
    return min(10, len(re.findall(r"[,;]", c.text[start.end():])) + 1) / 10


#: A count of things before a noun ("7 lĩnh vực", "10 nhóm nhiệm vụ", "three pillars"),
#: not a share or a year.
_COUNT = re.compile(r"\b(?:\d{1,2}|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|two|three|four|five|six|seven|eight|nine|ten)"
                    r"\s+(?!%|năm\b|tháng\b|ngày\b)[^\W\d]", re.IGNORECASE)


def _f_list_announced(r: Reading, c: Candidate) -> float:
    """The question asks for several things and the unit only says how many there
    are ("Quảng Nam sẽ ưu tiên 7 lĩnh vực"): the list it announces is elsewhere."""
    return 1.0 if r.query.wants_list and _COUNT.search(c.text) and not enumerates(c.text) else 0.0


#: A word of a question, or a mark between words (which ends a counted noun).
_COUNTED_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
#: How many syllables of a Vietnamese counted noun are read: the head noun of the plans'
#: counts is one or two syllables ("xã", "trụ cột", "chỉ tiêu"); what follows qualifies it.
COUNTED_SYLLABLES = 2


def counted_noun(question: str, lang: str) -> tuple[tuple[str, ...], ...]:
    """What a count question counts, as the ways a unit may write it: each a tuple of folded,
    lower-cased syllables; empty when the question counts nothing.

    Rule "a count names its noun": the noun after the first counting words of
    ``question_types.json`` ("counting") that have one. In Vietnamese the noun comes right
    after them ("có mấy trụ cột" counts "trụ cột", "gồm bao nhieu chi tieu" counts "chi
    tieu"): up to ``COUNTED_SYLLABLES`` syllables, ended early by a mark, a figure or a
    function word ("counted_ends": "bao nhiêu xã đã …" counts "xã"). A question typed
    without diacritics is matched folded ("may" is "mấy"), one with them as written ("máy
    tính" is no "mấy"). In English the noun phrase after "how many" (``_english_counted_phrase``)
    is translated by the glossary as the reader translates it, and its last phrase is the head
    ("how many digital transformation tasks" counts "nhiệm vụ"); every translation counts
    ("targets": "mục tiêu" or "chỉ tiêu"), each to its first ``COUNTED_SYLLABLES`` syllables as
    in Vietnamese ("online public services" counts "dịch vụ": "483 dịch vụ công mức 3, 4").
    No noun is listed anywhere: it is the question's."""
    data = question_types()["counting"]
    if lang == "en":
        lowered = question.lower().replace("’", "'")
        found = sorted(m.end() for phrase in data["en"]
                       for m in re.finditer(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", lowered))
        for end in found:
            matches = translate(_english_counted_phrase(lowered[end:])).matches
            if matches:
                return tuple(dict.fromkeys(tuple(fold(v).lower().split()[:COUNTED_SYLLABLES]) for v in matches[-1]))
        return ()
    written = has_diacritics(question)
    text = question.lower() if written else fold(question).lower()
    ends = {w if written else fold(w) for w in question_types()["counted_ends"]}
    found = sorted(m.end() for phrase in data["vi"]
                   for m in re.finditer(rf"(?<!\w){re.escape(phrase if written else fold(phrase))}(?!\w)", text))
    for end in found:
        noun = []
        for token in _COUNTED_TOKEN.findall(text[end:]):
            if not token.isalpha() or token in ends or len(noun) == COUNTED_SYLLABLES:
                break
            noun.append(fold(token))
        if noun:
            return (tuple(noun),)
    return ()


#: An English word ("level-3" is one), a figure ("3-4", "1,000") or a mark.
_ENGLISH_TOKEN = re.compile(r"[a-z][a-z'\-]*[a-z0-9]|[a-z]|\d[\d.,\-]*|[^\w\s]")


def _english_counted_phrase(rest: str) -> str:
    """The noun phrase that opens ``rest`` (the lower-cased question after "how many"): words
    the glossary translates, after any it does not ("core groups", "consecutive years"), up
    to a mark, a stop word or another word the glossary does not translate ("communes" in
    "communes across Vietnam", "people" in "people will Dong Nai train"); figures inside it
    are kept ("level 3-4 online public services")."""
    covered = translated_spans(rest)
    start = end = None
    for m in _ENGLISH_TOKEN.finditer(rest):
        word = m.group(0)
        if word[0].isdigit():
            continue
        in_glossary = any(a <= m.start() < b for a, b in covered)
        if not word[0].isalpha() or (not in_glossary and (word in english_stopwords() or end is not None)):
            break
        start = m.start() if start is None else start
        end = m.end() if in_glossary else end
    return rest[start:end] if start is not None and end is not None else ""


#: A count as a unit states it, folded: a whole figure ("39", "1.200", "1,000"), not a year
#: ("năm 2025 chỉ tiêu …"), or a number word ("ba", "ten"). Rule (a count is a whole
#: number): a figure with decimals ("0,5127 điểm", "6,8 điểm") is a measure, a score or a
#: share, and counts no things: "bao nhiêu điểm phát wifi" is not answered by a DTI score of
#: "0,5127 điểm" (fresh check, /tmp/fresh_q.jsonl q030).
_COUNT_FOLDED = (r"(?<![\w.,/])(?:(?!(?:19|20)\d\d\b)(?:\d{1,3}(?:[.,]\d{3})+|\d+)(?![.,]\d)"
                 r"|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|one|two|three|four|five|six|seven|eight|nine|ten)")


@lru_cache(maxsize=256)
def counted_pattern(nouns: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """A count directly followed by one of ``nouns`` (``counted_noun``), on folded lower-cased
    text: the whole noun ("39 chi tieu"), or its first syllable closing the phrase ("120 xa,"
    for "xã đạt chuẩn"), not a first syllable going on with other words ("5 nhiem ky" is no
    "nhiệm vụ")."""
    alternatives = []
    for noun in nouns:
        head = re.escape(noun[0])
        rest = r"\s+".join(re.escape(s) for s in noun[1:])
        alternatives.append(rf"{head}(?:\s+{rest}\b|\s*(?=[^\w\s]|$))" if rest else rf"{head}\b")
    return re.compile(rf"{_COUNT_FOLDED}\s+(?:{'|'.join(alternatives)})")


def _f_counted_noun(r: Reading, c: Candidate) -> float:
    """The question counts something ("Kế hoạch có mấy trụ cột?", "how many targets") and the
    unit states a number directly before it ("3 trụ cột", "39 chỉ tiêu"), in any spelling
    (folded): a unit repeating the question's words with another count ("35 nhiệm vụ") or
    none does not answer how many."""
    if not r.counted:
        return 0.0
    return 1.0 if counted_pattern(r.counted).search(fold(c.text).lower()) else 0.0


#: A photo credit or caption mark: "(Ảnh: Hoàng Ngà/TTXVN)", "Ảnh minh họa", "(Photo: …)".
_CAPTION = re.compile(rf"{PHOTO_CREDIT}|{PHOTO_LABEL}|\(ảnh minh h", re.IGNORECASE)


def _f_caption(r: Reading, c: Candidate) -> float:
    """The unit is (part of) a photo caption: news pages restate the body under a
    picture, briefly and without its figures."""
    if not _may_caption(c.hit.chunk.text):
        return 0.0
    line_end = c.hit.chunk.text.find("\n", c.span.end)
    line = c.hit.chunk.text[c.span.start: line_end if line_end >= 0 else len(c.hit.chunk.text)]
    lower = line.lower()  # every mark names "ảnh" or "photo": most lines need no regex
    return 1.0 if ("ảnh" in lower or "photo" in lower) and _CAPTION.search(line) else 0.0


@lru_cache(maxsize=4096)
def _may_caption(chunk_text: str) -> bool:
    """The chunk names "ảnh" or "photo" somewhere (lower-cased): else none of its lines
    does, and ``caption`` need not lower-case each unit's line (a long line, once per unit
    of it). Lower-casing maps each of those letters on its own, so a line's lower-cased
    text holds them only where the chunk's does."""
    lower = chunk_text.lower()
    return "ảnh" in lower or "photo" in lower


SCOPE_STATEMENTS_PATH = DATA_DIR / "scope_statements.json"


@lru_cache(maxsize=1)
def _scope_statements() -> tuple[tuple[re.Pattern[str], dict[str, re.Pattern[str]]], ...]:
    """Per kind of ``scope_statements.json`` (what a document regulates, whom it applies to,
    what it is for): the pattern of a unit stating it, on folded lower-cased words parted by
    single spaces, and per language the pattern of a question asking for it."""
    data = json.loads(SCOPE_STATEMENTS_PATH.read_text(encoding="utf-8"))
    document = "(?:" + alternation({fold(t).lower() for t in DOCUMENT_TYPES} | set(data["self_names"])) + ")"
    kinds = []
    for kind in data["kinds"].values():
        verbs = "|".join(re.escape(v) for v in kind["verbs"])
        phrases = [re.escape(p).replace(re.escape("{document}"), document) for p in kind["phrases"]]
        unit = re.compile(rf"\b{document} nay (?:\w+ ){{0,2}}?(?:{verbs})\b"
                          + "".join(rf"|\b{p}\b" for p in phrases))
        asks = {lang: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
                for lang, words in kind["asks"].items()}
        kinds.append((unit, asks))
    return tuple(kinds)


@lru_cache(maxsize=65536)
def _folded_words(text: str) -> str:
    """``qa.text.spaced_words`` of a unit's text, kept: every question reads the scope
    patterns on every candidate unit."""
    return spaced_words(text)


def _f_scope_unasked(r: Reading, c: Candidate) -> float:
    """The unit is a document's statement of its own scope that the question does not ask
    for (``qa/data/scope_statements.json``): what the document regulates ("1. Văn bản này quy
    định về việc dạy và học theo phương thức trực tuyến …", "Phạm vi điều chỉnh"), whom it
    applies to ("2. Quy chế này áp dụng đối với sinh viên, giảng viên …") or what it is for
    ("Mục đích của quy định này nhằm …"), asked by no word of its kind ("phạm vi", "áp
    dụng", "đối tượng", "mục đích", "scope", "apply" …). Every regulation, decree and plan
    opens so, naming the very subject the question names in few other words, and the line
    outranks the clause that answers ("Phòng Dữ liệu và Công nghệ Thông tin có trách nhiệm
    gì trong việc tổ chức dạy học theo phương thức trực tuyến …?" was answered with the
    first line above); a question asking whom the rules apply to is answered by the
    application line, not the subject line beside it.
    Weight fitted alone (``eval.fit_reader --only scope_unasked``, dev questions of articles,
    plans and regulations): -0.423; fit right answers regulations 0.644 -> 0.646, articles and
    plans unchanged. Dev: regulations containment 0.634 -> 0.636, >=80% 0.672 -> 0.674, token F1
    0.459 -> 0.461, false refusals 0.017 either way (2 answers gained, none lost); articles,
    plans (each language), the 60 extra English questions and the follow-ups unchanged.
    The same line read through a window's or a clause's context, or a unit under a heading
    "Phạm vi điều chỉnh" / "Đối tượng áp dụng" / "Mục đích", gained nothing more (the heading
    cost plans a right answer in the fit)."""
    text = _folded_words(c.text)
    if " nay" not in text and "pham vi" not in text and "doi tuong" not in text:
        return 0.0  # no kind's pattern can match: most units need no regex
    lang = "en" if r.query.lang == "en" else "vi"
    for unit, asks in _scope_statements():
        if unit.search(text) and not asks[lang].search(r.query.folded):
            return 1.0
    return 0.0


#: The features, in the order of the model's weights.
FEATURES: dict[str, Callable[[Reading, Candidate], float]] = {
    "coverage": _f_coverage,
    "precision": _f_precision,
    "phrase_overlap": _f_phrase_overlap,
    "yes_no_phrases": _f_yes_no_phrases,
    "yes_no_run": _f_yes_no_run,
    "context_coverage": _f_context_coverage,
    "semantic": _f_semantic,
    "retrieval": _f_retrieval,
    "first_passage": _f_first_passage,
    "type_match": _f_type_match,
    "type_missing": _f_type_missing,
    "form_missing": _f_form_missing,
    "year_match": _f_year_match,
    "year_conflict": _f_year_conflict,
    "own_metadata": _f_own_metadata,
    "number_kind_match": _f_number_kind_match,
    "number_kind_other": _f_number_kind_other,
    "required_missing": _f_required_missing,
    "length": _f_length,
    "overflow": _f_overflow,
    "fragment": _f_fragment,
    "heading": _f_heading,
    "item": _f_item,
    "list_unit": _f_list_unit,
    "clause": _f_clause,
    "window": _f_window,
    "window_mid": _f_window_mid,
    "target_for_status": _f_target_for_status,
    "status_for_target": _f_status_for_target,
    "list_match": _f_list_match,
    "list_announced": _f_list_announced,
    "list_items": _f_list_items,
    "caption": _f_caption,
    "counted_noun": _f_counted_noun,
    "scope_unasked": _f_scope_unasked,
}


def features(reading: Reading, candidate: Candidate) -> list[float]:
    """The candidate's feature vector, in ``FEATURES`` order."""
    return [f(reading, candidate) for f in FEATURES.values()]


# ----------------------------------------------------------------- the model

#: What the answerability model reads of the unit the ranker chose: its rank score,
#: how far ahead of the runner-up it is, how much less of the question it covers
#: than the best-covering candidate (``coverage_gap``: a vision line chosen for its
#: year while the unit on the asked topic is about another year), and the features
#: that say a unit answers something close to, but not, the question.
ANSWER_FEATURES = ("rank_score", "margin", "coverage_gap", "coverage", "context_coverage", "year_conflict",
                   "required_missing", "type_missing", "target_for_status")


@dataclass(frozen=True)
class ReaderModel:
    """Two fitted linear models and a threshold, with a note of the dev questions
    that measured them.

    The ranker scores each candidate (``rank_weights`` over ``FEATURES``; fitted
    listwise, so only differences between a question's candidates matter). The
    answerability model turns the chosen unit's ``ANSWER_FEATURES`` into the
    probability that the answer is right; below ``threshold`` the assistant abstains.
    """

    rank_weights: dict[str, float]
    answer_weights: dict[str, float]
    answer_bias: float
    threshold: float
    fitted_on: dict[str, object]

    @cached_property
    def _rank_vector(self) -> tuple[float, ...]:
        """``rank_weights`` in ``FEATURES`` order (0 for a feature the model does not weigh)."""
        return tuple(self.rank_weights.get(name, 0.0) for name in FEATURES)

    def rank_score(self, vector: Sequence[float]) -> float:
        return sum(map(operator.mul, self._rank_vector, vector))  # the products of w * x, summed in order

    def probability(self, answer_vector: Sequence[float]) -> float:
        z = self.answer_bias + sum(self.answer_weights.get(n, 0.0) * x for n, x in zip(ANSWER_FEATURES, answer_vector))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


#: Refusal conditions: a chosen unit with one of these features set is no answer,
#: whatever its score, because the feature is about meaning, not evidence strength.
#: Measured on the dev sets (``python -m eval.fit_reader`` applies them before
#: choosing the threshold; README, "Refusal conditions"):
#: - ``year_conflict``: the question names a year and the unit is about other years
#:   (a 2025 target is no answer for 2030). As a rule rather than a weight: right
#:   answers articles 0.774 → 0.774, plans 0.643 → 0.650, regulations 0.510 → 0.516,
#:   false refusals fall on all three (the threshold can be lower).
#: - ``target_for_status``: the question asks what is now ("hiện có", "currently")
#:   and the unit states a target; a target says nothing of the present.
#: - ``topic_other_year`` (a condition on all candidates, ``topic_other_year``): the
#:   units that hold the question's topic are about other years and the chosen one
#:   only shares the year.
#: - ``form_missing``: the question asks for a percentage or a signer and neither the unit
#:   nor its context holds one (a share of GRDP answered with "tốp 5", "who signed"
#:   with the line that says the plan was issued). Dev right answers 0.865 / 0.779 /
#:   0.563 → 0.865 / 0.793 / 0.564, held out 0.850 / 0.686 / 0.510 → 0.850 / 0.714 / 0.510;
#:   read in the sentence that holds most of the question, 0.869 / 0.793 / 0.566 → 0.865 /
#:   0.800 / 0.567, held out 0.850 / 0.714 / 0.512 → 0.850 / 0.721 / 0.514; a signer is
#:   sought in the whole unit (often named in the sentence after the one about the document).
#: - ``status_for_target``: the question asks for a target for a year it names and the unit
#:   states no target and no year: a figure reached ("… đạt 22,87%") is no answer for the
#:   2025 target (``target_for_status`` the other way round). Dev right answers 0.865 / 0.829
#:   / 0.570 → 0.865 / 0.843 / 0.569, held out 0.831 / 0.721 / 0.508 → 0.831 / 0.736 / 0.507
#:   (mean 0.687 → 0.691), held out (weights) 0.696 → 0.701; plans abstention recall
#:   (``python -m eval --split dev``) 0.810 → 0.905, no answer lost on plans.
REFUSAL_CONDITIONS = ("year_conflict", "target_for_status", "topic_other_year", "form_missing", "status_for_target")


def topic_other_year(vectors: Sequence[Sequence[float]], best: int) -> bool:
    """The units that hold all of the question's topic (read with their context,
    ``context_coverage``) are all about other years than the one it names, and the
    chosen unit, which names that year but not the kind of answer asked for (a
    number, a date, a signer), holds less of it: the chosen unit
    shares the year, not the topic (Hà Tĩnh's vision "… toàn diện … vào năm 2030"
    for its e-payment target for 2030, which the plan states only for 2025)."""
    top = max(v[_COVERAGE] for v in vectors)
    chosen = vectors[best]
    return (top >= 1.0 and bool(chosen[_YEAR]) and not chosen[_TYPE] and chosen[_COVERAGE] < top
            and all(v[_CONFLICT] for v in vectors if v[_COVERAGE] >= top))


#: Refusal conditions read over all of a question's candidates, not from one feature of
#: the chosen unit; the others in ``REFUSAL_CONDITIONS`` are features.
QUESTION_CONDITIONS: dict[str, Callable[[Sequence[Sequence[float]], int], bool]] = {
    "topic_other_year": topic_other_year,
}


#: Refusal conditions read from the chosen unit and the question themselves, not from the
#: ranker's features (the fitted model weighs a fixed set of features, and these weigh
#: nothing in the choice): a chosen unit meeting one is no answer, whatever its score.
#: ``python -m eval.fit_reader`` applies them as ``qa.answering.reader.score`` does.
#: - ``cut_off`` (``cut_off``): the document's text stops inside the statement the question
#:   is about, before what it asks. Plans dev (``python -m eval --split dev``): abstention
#:   recall 0.825 → 0.875, false refusals 0.010 → 0.010, no answer lost on any dev set,
#:   follow-up or floor check. Read as any cut statement holding most of the question, it
#:   reached 0.925 but refused 9 answerable plans questions (false refusals 0.052): the
#:   figure asked usually stands before the cut.
#: - ``level_conflict`` (``level_conflict``): the question names an administrative level and
#:   the statement it is about names only others (``admin_levels.json``).
#: - ``indicator_absent`` (``indicator_absent``): the question names an indicator (a glossary
#:   abbreviation, "5G") that the chosen unit's passage names in no form. Abstention recall
#:   articles dev 0.962 → 1.000, floor checks docs_p2 0.846 → 0.923, unseen 0.750 → 0.833,
#:   English 0.467 → 0.533; accuracy and false refusals unchanged on every dev set, follow-up
#:   file and floor check. Read as any acronym or figure of the question absent from the
#:   passage (``Query.required_terms``), it raised false refusals on regulations dev 0.035 →
#:   0.134 (their own acronyms, "ĐTTX", "CLC", which a passage about the programme seldom
#:   repeats) and on plans dev 0.010 → 0.052. Abbreviations typed in lower case ("vneid",
#:   ``named_indicators``): no-diacritics floor check, typed questions, abstention recall
#:   0.706 → 0.765; every dev set, follow-up file and other floor check unchanged.
#: - ``row_subject_absent`` (``row_subject_absent``): the unit is a table row whose subject
#:   cell ("Chỉ tiêu: …", "Nhiệm vụ: …") and the question's topic hold less than a third of
#:   each other. Abstention recall on floor checks English 0.533 → 0.667, pdftable 0.429 →
#:   0.714; accuracy, abstention and false refusals unchanged on every dev set, follow-up
#:   file and other floor check. Read one way only (the cell holds under a third of the
#:   question's topic), it refused a follow-up naming its indicator at length (fu2 0.902 →
#:   0.878).
#: - ``indicator_unnamed`` (``indicator_unnamed``): the question names in words an indicator
#:   of ``indicator_phrases.tsv`` ("chữ ký số", "smartphone") that the unit's passage states
#:   in no form. Abstention recall extra English dev 0.750 → 1.000; floor checks docs_p2
#:   0.923 → 1.000, unseen 0.917 → 1.000, unseen2 0.750 → 0.875, English 0.667 → 0.867,
#:   pdftable 0.714 → 1.000, no diacritics 0.765 → 0.882, un3 0.667 → 1.000, pen and pvi
#:   0.889 → 1.000, un4 0.800 → 0.900; follow-ups plans 0.893 → 0.905, fu2 0.902 → 0.927;
#:   accuracy and false refusals unchanged on every dev set and check. A form stated by
#:   more than half its pairs (``states_form``), not half: en2 0.667 → 0.889, English 0.867
#:   → 0.933, unseen2 0.875 → 1.000, no diacritics (as written) 0.882 → 0.941; one wrong
#:   answer of en2b refused instead (false refusals 0 → 0.038). Read on the unit and
#:   its context only (not the whole passage), it refused three right answers (a table row
#:   naming e-commerce only as "bán hàng qua sàn", the passage naming it) and caught no more.
#: - ``coordination_unstated`` (``coordination_unstated``): the question asks who coordinates
#:   on a task ("phối hợp", "coordinate") and neither the unit nor its context says who does
#:   (a task row without a "Cơ quan phối hợp" column, "…; Sở Y tế chủ trì"). Task-table check
#:   (/tmp/lead_q.jsonl, 60 questions on task tables and lists, 10 unanswerable): abstention
#:   recall 0.600 -> 0.900; no dev question of the plans or articles sets asks it, and the
#:   four regulations dev questions that do are answered as before.
#: - ``lead_unstated`` (``lead_unstated``): the question asks who leads a task ("chủ trì",
#:   "đầu mối", "lead"; not yes/no, not which province, no figure) and neither the unit nor its context says who
#:   leads or carries one (``unit_says``). Task-table check 0.900 -> 1.000 abstention recall;
#:   real-page lead check (chutri) 0.833 -> 1.000. Read for "chịu trách nhiệm" and
#:   "responsible" too, it refused three regulations dev answers naming the doer alone; read
#:   for "leading" and for questions asking a province or a figure, two English floor
#:   questions ("Which province led the country", "how many leading provinces").
#: - ``issuer_for_lead`` (``issuer_for_lead``): the question asks who leads or is in charge
#:   ("chủ trì", "chịu trách nhiệm", "lead agency", "responsible") and the unit is a title-block
#:   line, names who signed or only who issued (``names_only_issuer``). Real-page check (16
#:   lead questions on 32 excerpts of dev provinces, 6 unanswerable): abstention recall 0.000
#:   -> 0.667 (title block, signer), -> 0.833 (issuer only); accuracy 0.400 as it was; every
#:   dev set, follow-up file and floor check identical.
#: - ``period_total_for_year`` (``period_total_for_year``): the question asks money for one
#:   year and the unit gives the total of a span of years holding it ("giai đoạn 2026 - 2030
#:   … 1.250 tỷ đồng" for "kinh phí năm 2026"). Fresh check (/tmp/fresh_q.jsonl, four
#:   documents of provinces in no other set): abstention recall 0.909 -> 1.000, accuracy
#:   0.967 as it was; every dev set, follow-up file and floor check identical.
UNIT_CONDITIONS: dict[str, Callable[["Reading", Candidate], bool]] = {
    "cut_off": cut_off,
    "level_conflict": level_conflict,
    "level_unstated": level_unstated,
    "indicator_absent": indicator_absent,
    "signature_unasked": signature_unasked,
    "issuer_for_lead": issuer_for_lead,
    "coordination_unstated": coordination_unstated,
    "lead_unstated": lead_unstated,
    "row_subject_absent": row_subject_absent,
    "indicator_unnamed": indicator_unnamed,
    "period_total_for_year": period_total_for_year,
}


def unit_refusal(reading: "Reading", candidate: Candidate) -> str | None:
    """The first of ``UNIT_CONDITIONS`` the chosen candidate meets, or ``None``."""
    return next((name for name, condition in UNIT_CONDITIONS.items() if condition(reading, candidate)), None)


def refusal(vectors: Sequence[Sequence[float]], best: int) -> str | None:
    """The first of ``REFUSAL_CONDITIONS`` the chosen candidate meets among the
    question's candidates, or ``None``."""
    named = dict(zip(FEATURES, vectors[best]))
    return next((name for name in REFUSAL_CONDITIONS
                 if (QUESTION_CONDITIONS[name](vectors, best) if name in QUESTION_CONDITIONS else named[name] > 0)),
                None)


def answer_vector(vectors: Sequence[Sequence[float]], rank_scores: Sequence[float], best: int) -> list[float]:
    """The answerability features of candidate ``best`` among a question's candidates."""
    others = [s for i, s in enumerate(rank_scores) if i != best]
    margin = rank_scores[best] - max(others) if others else 1.0
    at = list(FEATURES).index("coverage")
    gap = max(v[at] for v in vectors) - vectors[best][at]
    named = dict(zip(FEATURES, vectors[best]))
    return [rank_scores[best], margin, gap] + [named[n] for n in ANSWER_FEATURES[3:]]


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> ReaderModel:
    """The fitted reader model; a missing or malformed file is a packaging bug."""
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = (set(data["rank_weights"]) - set(FEATURES)) | (set(data["answer_weights"]) - set(ANSWER_FEATURES))
    if unknown:
        raise ValueError(f"{path}: weights for unknown features {sorted(unknown)}; refit the reader")
    return ReaderModel({k: float(v) for k, v in data["rank_weights"].items()},
                       {k: float(v) for k, v in data["answer_weights"].items()}, float(data["answer_bias"]),
                       float(data["threshold"]), dict(data.get("fitted_on", {})))


@dataclass(frozen=True)
class Scored:
    """A candidate with its rank score; ``probability`` (that answering with it is
    right) is set on the best candidate only, 0 on the others and when the best
    meets a refusal condition."""

    candidate: Candidate
    rank_score: float
    probability: float = 0.0


FEATURES_INDEX = {n: i for i, n in enumerate(FEATURES)}
_ANNOUNCED, _ENUMERATES, _ITEMS, _COVERAGE, _YEAR, _CONFLICT, _TYPE, _FORM_MISSING = (
    list(FEATURES).index(n) for n in ("list_announced", "list_match", "list_items", "context_coverage", "year_match",
                                      "year_conflict", "type_match", "form_missing"))


def choose(vectors: Sequence[Sequence[float]], ranks: Sequence[float], best: int) -> int:
    """The candidate that answers, given the ranker's best: an announced list yields
    to an enumeration (``list_announced`` → ``list_match``). A list question answered
    with "Quảng Nam sẽ ưu tiên 7 lĩnh vực" names no sector; when a retrieved unit
    lists them, the unit quoting most of the list (then the best-ranked) answers instead."""
    if vectors[best][_ANNOUNCED] and any(v[_ENUMERATES] for v in vectors):
        return max((i for i, v in enumerate(vectors) if v[_ENUMERATES]), key=lambda i: (vectors[i][_ITEMS], ranks[i]))
    return best


def level_yield(reading: Reading, candidates: Sequence[Candidate], order: Sequence[int], best: int) -> int:
    """Rule (the level asked yields): a chosen unit about another administrative level only
    (``level_conflict``) yields to the best-ranked unit naming the level asked that meets no
    unit condition. A results table gives one indicator's rows by level ("+ Cấp tỉnh | 97%",
    "+ Cấp huyện | 92%", "+ Cấp xã …"), which hold the same words: the ranker cannot tell
    them apart, and the commune row chosen for the province's share was refused when the
    province row stood two places below. The answerability model still reads the unit it
    yields to, its margin negative."""
    asked = reading.levels
    if not asked or not level_conflict(reading, candidates[best]):
        return best
    return _yield_to(reading, candidates, order, best, lambda i: bool(unit_levels(candidates[i]) & asked))


def _yield_to(reading: Reading, candidates: Sequence[Candidate], order: Sequence[int], best: int,
              wanted: Callable[[int], bool], vectors: Sequence[Sequence[float]] | None = None) -> int:
    """The best-ranked unit other than ``best`` whose index is ``wanted`` and that meets no
    unit condition, nor, given its ``vectors``, a refusal condition read from its features
    (``refusal``), else ``best``: where a yield rule (``level_yield``, ``proposal_yield``,
    ``detail_yield``, ``form_yield``, ``stance_yield``, ``year_yield``) sends the answer."""
    for i in order:
        if (i != best and wanted(i) and (vectors is None or refusal(vectors, i) is None)
                and unit_refusal(reading, candidates[i]) is None):
            return i
    return best


def states_proposal(text: str) -> bool:
    """The text states a document's proposal or drafting: a Vietnamese word of
    ``question_types.json`` "proposal_events" on the folded text ("Theo đề nghị của Sở …",
    "Sở … tham mưu", "Tờ trình số …")."""
    return says("proposal_events", fold(text).lower(), "vi")


def proposal_yield(reading: Reading, candidates: Sequence[Candidate], order: Sequence[int], best: int) -> int:
    """Rule (who proposed is said where a proposal is): a question asking for an agent with a
    word of a document's proposal or drafting ("proposal_events": "Ai chủ trì soạn thảo Kế
    hoạch chuyển đổi số tỉnh Bình Định năm 2025?", "Cơ quan nào đề nghị ban hành …?") whose
    chosen unit states no proposal yields to the best-ranked unit that states one and meets
    no unit condition ("Theo đề nghị của Sở Khoa học và Công nghệ tại Tờ trình số 28/TTr-SKHCN,
    Ủy ban nhân dân tỉnh ban hành Kế hoạch …"). Why: a plan's grounds ("- Nghị quyết số
    05-NQ/TU … về Chuyển đổi số tỉnh Bình Định đến năm 2025") repeat its title's words and
    name an agency, and outrank the one sentence saying who proposed it."""
    q = reading.query
    if (q.wants_comparison or "agent" not in reading.kinds or not says("proposal_events", q.folded, q.lang)
            or states_proposal(candidates[best].text)):
        return best
    return _yield_to(reading, candidates, order, best, lambda i: states_proposal(candidates[i].text))


def detail_yield(reading: Reading, candidates: Sequence[Candidate], order: Sequence[int], best: int) -> int:
    """Rule (a refused unit's own lines answer for it): a chosen unit that meets a unit
    condition (``unit_refusal``) yields to the best-ranked unit that reads it as its context
    and meets none. A plan's task ("4. Triển khai Trung tâm giám sát, điều hành thông minh
    (IOC) cấp tỉnh giai đoạn 1.") holds the question's words, and its line "- Cơ quan chủ trì:
    Sở Thông tin và Truyền thông" (``candidates.task_attribute_of``) holds the answer: asked
    "which department leads …", the ranker chose the task, which names no agency
    (``lead_unstated``), and the answer was refused. Measured with
    ``candidates.task_attribute_of``: floor check ``unseen`` one refusal answered (en); every
    dev set (articles, plans, regulations) identical."""
    chosen = candidates[best]
    if unit_refusal(reading, chosen) is None:
        return best
    own = " ".join(chosen.text.split())
    if len(own) < 20:
        return best
    return _yield_to(reading, candidates, order, best,
                     lambda i: candidates[i].kind == "item" and own in " ".join(candidates[i].context.split()))


def form_yield(reading: Reading, vectors: Sequence[Sequence[float]], candidates: Sequence[Candidate],
               order: Sequence[int], best: int) -> int:
    """Rule (the form asked yields): a chosen unit that holds no answer of the form asked
    (``form_missing``: a sum of money, a percentage, a signer), which is refused whatever its
    score, yields to the best-ranked unit that holds one (``type_match``) and meets no refusal
    condition. A plan's title ("Kế hoạch phát triển kinh tế số và xã hội số tỉnh Cao Bằng năm
    2025") repeats every word of "what is the budget of the … plan", and outranked the one
    sentence under "III. KINH PHÍ" that gives it ("Tổng kinh phí thực hiện Kế hoạch là …
    tỷ đồng"), which names none of the question's words but the plan. The answerability
    model still reads the unit it yields to, its margin negative. Measured: floor check
    ``unseen`` one refused budget answered (en; the Vietnamese one yields too but stays under
    the threshold); every dev set identical, abstention recall unchanged on all."""
    if not vectors[best][_FORM_MISSING]:
        return best
    return _yield_to(reading, candidates, order, best, lambda i: bool(vectors[i][_TYPE]), vectors)


#: The refusal conditions that say the chosen unit is in the other stance than the question
#: (a figure reached for a target asked, a target for a figure reached asked).
STANCE_CONDITIONS = ("status_for_target", "target_for_status")


def stance_yield(reading: Reading, vectors: Sequence[Sequence[float]], candidates: Sequence[Candidate],
                 order: Sequence[int], best: int) -> int:
    """Rule (the stance asked yields): a chosen unit in the other stance than the question
    (``status_for_target``: a figure reached, "đạt 91%, vượt chỉ tiêu đề ra", for the target
    asked; ``target_for_status``: a plan's target for what was reached "in the first half of
    2025"), which is refused whatever its score, yields to the best-ranked unit that holds at
    least as much of the question's topic (``context_coverage``) and meets no refusal
    condition: a plan and a news page of one province state the same indicator, one as the
    year's target and one as reached, and the ranker, which weighs no stance, chose the one
    asked about in the other. Measured with ``says_target`` and the question's status words
    (``query.wants_status``): floor check ``unseen2`` 0.853 → 0.867 (a target asked, answered
    with the figure reached, now answered; a rank reached given for the rank aimed at now
    refused); ``unseen`` 0.960, articles, plans, regulations dev, extra English and
    follow-ups identical (articles: one wrong English answer now refused)."""
    if not any(vectors[best][FEATURES_INDEX[n]] for n in STANCE_CONDITIONS):
        return best
    return _yield_to(reading, candidates, order, best, lambda i: vectors[i][_COVERAGE] >= vectors[best][_COVERAGE],
                     vectors)


def year_yield(reading: Reading, vectors: Sequence[Sequence[float]], candidates: Sequence[Candidate],
               order: Sequence[int], best: int) -> int:
    """Rule (the year asked yields): a chosen unit about other years than the one the question
    names (``year_conflict``), which is refused whatever its score, yields to the best-ranked
    unit that states that year (``year_match``), holds the kind of answer asked
    (``type_match``) and meets no refusal condition. A plan's indicator row "Xếp hạng DTI |
    Năm 2025: nhóm 20" holds every word of "Where did the province rank in the 2023 DTI?"
    and outranked the news sentence "Theo kết quả … năm 2023, tỉnh xếp thứ 40/63", which
    answers it. The answerability model still reads the unit it yields to. Measured: floor
    check ``unseen2`` 0.867 → 0.880 (an English DTI rank); ``unseen`` and every dev set
    identical."""
    if not vectors[best][_CONFLICT]:
        return best
    return _yield_to(reading, candidates, order, best, lambda i: bool(vectors[i][_YEAR] and vectors[i][_TYPE]), vectors)


def score(reading: Reading, candidates: Sequence[Candidate], model: ReaderModel) -> list[Scored]:
    """Every candidate with its rank score, best first (earlier rank breaks ties);
    the first carries the probability that answering with it is right."""
    if not candidates:
        return []
    vectors = [features(reading, c) for c in candidates]
    ranks = [model.rank_score(v) for v in vectors]
    order = sorted(range(len(candidates)), key=lambda i: (-ranks[i], candidates[i].rank, candidates[i].span.start))
    best = proposal_yield(reading, candidates, order,
                          level_yield(reading, candidates, order, choose(vectors, ranks, order[0])))
    best = detail_yield(reading, candidates, order, best)
    best = form_yield(reading, vectors, candidates, order, best)
    best = stance_yield(reading, vectors, candidates, order, best)
    best = year_yield(reading, vectors, candidates, order, best)
    order = [best] + [i for i in order if i != best]
    refused = refusal(vectors, best) or unit_refusal(reading, candidates[best])
    p = 0.0 if refused else model.probability(answer_vector(vectors, ranks, best))
    return [Scored(candidates[i], ranks[i], p if i == best else 0.0) for i in order]
