"""Everyday requests an official makes besides a factual question, answered apart:
a greeting or thanks, "X là gì / what is X", "tóm tắt kế hoạch của Y / summarise Y's
plan", and the table a comparison across provinces is shown as.

Why apart: the extractive pipeline looks for the clause that covers a question's
content, so "xin chào" got five random passages, "chuyển đổi số là gì?" a sentence that
merely mentions the term, and "tóm tắt kế hoạch của Hà Tĩnh" an abstention. Each request
here has its own honest answer: a reply with example questions built from the
collection; the plan's own defining sentence or a plain "the plans do not define it";
the plan's targets, grouped by pillar, every line cited.

Word lists and wording live in ``qa/data/intents_*.json``, written with diacritics and
matched folded, so questions typed without diacritics are recognised too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qa.answering.answer import (Figure, province_evidence, quoted, source_lead, stated_figures, trusted_limit,
                                 unstated_provinces)
from qa.answering.reader import Scored, kind_words
from qa.data import DATA_DIR, DataFileError
from qa.retrieval.glossary import abbreviations, english_stopwords, full_forms, translate
from qa.retrieval.query import QUESTION_WORDS, Query
from qa.text import Span, clauses, fold, is_heading, paragraphs, sentences, years
from qa.types import Chunk, Citation, Document, Hit


#: A summary lists at most this many targets per pillar (in the plan's order), and
#: quotes each in at most this many characters: a summary, not the plan.
MAX_LINES_PER_PILLAR = 6
MAX_LINE_CHARS = 220
#: A greeting names the collection's provinces when they are at most this many.
MAX_NAMED_PROVINCES = 6
#: A term longer than this many words is a question, not a term to define.
MAX_TERM_WORDS = 6


@lru_cache(maxsize=None)
def load_data(name: str) -> dict[str, Any]:
    """A JSON word list of ``qa/data`` (read once); a missing or malformed one stops
    with the file and what is wrong, as the other data files do."""
    try:
        return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(name, None, "missing: the package was installed without its data files") from None
    except ValueError as exc:
        raise DataFileError(name, getattr(exc, "lineno", None), f"not valid JSON ({exc})") from None


def plain(text: str) -> str:
    """Folded, lower-cased, punctuation as spaces, single spaces: the form the
    phrase lists are matched in, so "Xin chào!" and "xin chao" read alike."""
    return " ".join(re.sub(r"[^\w%]+", " ", fold(text).lower()).split())


@lru_cache(maxsize=256)
def phrase_pattern(phrases: tuple[str, ...], plural: bool = False) -> re.Pattern[str]:
    """Whole-word alternatives over ``plain`` text, longest first ("chào bạn" before
    "chào"); ``plural`` lets an English word take an "s"."""
    forms = sorted({plain(p) for p in phrases if plain(p)}, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms)
    return re.compile(rf"(?<!\w)(?:{body}){'s?' if plural else ''}(?!\w)")


def _texts(lang: str) -> dict[str, Any]:
    return load_data("intents_text.json")["en" if lang == "en" else "vi"]


# ----------------------------------------------------------------- greetings

@dataclass(frozen=True)
class Greeting:
    """A message that only greets or thanks, and the language it did so in."""

    kind: str  # "greeting" or "thanks"
    lang: str


def greeting(text: str) -> Greeting | None:
    """The greeting or thanks a message is made of, or None when it asks anything
    ("xin chào, mục tiêu kinh tế số của Hà Tĩnh?" is a question)."""
    data = load_data("intents_patterns.json")
    rest = plain(text)
    found: list[tuple[int, str, str]] = []
    for kind in ("greeting", "thanks"):
        for lang in ("vi", "en"):
            pattern = phrase_pattern(tuple(data[kind][lang]))
            found += [(m.start(), kind, lang) for m in pattern.finditer(rest)]
            rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)
    rest = phrase_pattern(tuple(data["polite"])).sub(" ", rest)
    if not found or rest.strip():
        return None
    found.sort()
    kind = "thanks" if any(k == "thanks" for _, k, _ in found) else "greeting"
    return Greeting(kind, found[0][2])


def greeting_reply(said: Greeting, provinces: Sequence[str], examples: Sequence[str]) -> str:
    """A short reply, then the example questions as a list."""
    texts = _texts(said.lang)
    if 0 < len(provinces) <= MAX_NAMED_PROVINCES:
        names = _join(list(provinces), "và" if said.lang == "vi" else "and")
    else:
        names = texts["provinces"].format(n=len(provinces) or "")
    lead = texts[said.kind].format(provinces=names)
    return lead + "\n" + "\n".join(f"- {e}" for e in examples)


def example_questions(lang: str, targets_by_province: dict[str, list["Target"]]) -> list[str]:
    """Three questions the collection answers: a target one plan states under a pillar
    it names, a summary of the plan with most targets, and a comparison on the pillar
    most plans state targets for (else a definition)."""
    texts = _texts(lang)
    pillars = load_data("intents_pillars.json")["pillars"]
    label = (lambda i: pillars[i]["en"].lower()) if lang == "en" else (lambda i: pillars[i]["vi"].lower())
    ranked = sorted(targets_by_province, key=lambda p: (-len(targets_by_province[p]), p))
    examples: list[str] = []
    stated = [(p, t) for p in ranked for t in targets_by_province[p] if t.stated and t.pillar is not None]
    if stated:
        province, target = stated[0]
        year = max(target.years) if target.years else None
        key = "example_fact" if year else "example_fact_no_year"
        examples.append(texts[key].format(pillar=label(target.pillar), province=province, year=year))
    if ranked:
        summarised = next((p for p in ranked if not stated or p != stated[0][0]), ranked[0])
        examples.append(texts["example_summary"].format(province=summarised))
    shared: dict[int, set[str]] = {}
    for p, t in stated:
        shared.setdefault(t.pillar, set()).add(p)
    common = max(shared, key=lambda i: (len(shared[i]), -i), default=None)
    if common is not None and len(shared[common]) >= 2:
        examples.append(texts["example_compare"].format(pillar=label(common)))
    else:
        examples.append(texts["example_define"])
    return examples


# ----------------------------------------------------------------- definitions

@dataclass(frozen=True)
class Term:
    """What "X là gì / what is X" asks to define, as typed, and the language asked in
    ("What does CĐS mean?" is English about a Vietnamese term)."""

    text: str
    lang: str


def definition_term(text: str, query: Query) -> Term | None:
    """The term "X là gì / what is X / define X" asks about; None when the question
    is about a plan ("What is Hà Tĩnh's 2025 e-payment target?").

    Rule (an abbreviation asked both ways): "X là viết tắt của gì / của đơn vị nào?" asks
    what X stands for, a definition of X (``intents_patterns.json``); "Y gọi tắt / viết tắt
    là gì?" asks the short name of Y, which no sentence "Y là …" gives: its words
    ("gọi tắt", "viết tắt", "gọi chung" in ``not_definition``) make it a question for the
    reader, which finds "Trường: Trường ĐHCNTT" as it finds "(sau đây gọi tắt là Trường)".
    Regulations dev: both forms were refused, 2 questions."""
    if query.provinces or query.years or query.wants_comparison:
        return None
    data = load_data("intents_patterns.json")
    asked = plain(text)
    languages = ("en", "vi") if query.lang == "en" else ("vi", "en")
    found = ((lang, re.match(p, asked)) for lang in languages for p in data["definition"][lang])
    lang, m = next(((lang, m) for lang, m in found if m), ("", None))
    if m is None:
        return None
    term = without_source(re.sub(r"^(?:the|a|an) ", "", m.group("term").strip()), lang)
    if not term or len(term.split()) > MAX_TERM_WORDS:
        return None
    if phrase_pattern(tuple(data["not_definition"]), plural=True).search(term) or re.search(r"\d", term):
        return None
    return Term(_original(text, term) or term, lang)


def without_source(term: str, lang: str) -> str:
    """The term without the document it is asked about ("electronic authentication service
    under the decree", "dich vu xac thuc dien tu theo nghi dinh nay": a ``plain`` form).

    Rule (a term is defined without its source): a legal question names where the term is
    defined ("… under the decree", "… theo Nghị định này", "… trong Thông tư"); the document
    defines the term alone ("3. Dịch vụ xác thực điện tử là …"), so the words naming the
    document (a kind of ``official_documents.json`` or its English name) are no part of it."""
    names = "|".join(re.escape(w) for w, _ in kind_words(lang))
    if lang == "en":
        pattern = rf"\s+(?:under|in|of|according to|per|by)\s+(?:the|this|that)\s+(?:{names})$"
    else:
        pattern = rf"\s+(?:theo|trong|tai|cua|o)\s+(?:{names})(?:\s+(?:nay|do))?$"
    return re.sub(pattern, "", term).strip()


def _original(text: str, folded_term: str) -> str | None:
    """The words of ``text`` that ``folded_term`` (a ``plain`` form) came from."""
    body = r"\W+".join(map(re.escape, folded_term.split()))
    m = re.search(rf"(?<!\w){body}(?!\w)", fold(text).lower())
    return text[m.start(): m.end()] if m else None


def term_aliases(term: str, lang: str) -> list[str]:
    """The ways a plan may write the term, folded: itself, its Vietnamese when asked in
    English, the abbreviation of each ("CĐS" for "chuyển đổi số"), and what an
    abbreviation stands for."""
    names = [term]
    if lang == "en":
        translation = translate(term)
        if len(translation.matches) == 1 and not translation.untranslated:
            names += list(translation.matches[0])
        elif len(translation.matches) > 1 and not translation.untranslated:
            names.append(head_initial(translation.matches))
    out: list[str] = []
    for name in names:
        key = plain(name)
        out.append(key)
        syllables = key.split()
        if len(syllables) >= 2 and not (lang == "en" and name == term):
            out.append("".join(s[0] for s in syllables))
        out += [abbr for abbr, forms in abbreviations().items() if key in {plain(f) for f in forms}]
        out += [plain(form) for form in full_forms(name)]
    return list(dict.fromkeys(o for o in out if o))


def head_initial(matches: Sequence[Sequence[str]]) -> str:
    """The Vietnamese of an English compound term whose words the glossary translates piece
    by piece, in Vietnamese order.

    Rule (head-initial compounds): English puts a compound's head last ("electronic
    authentication service", "electronic identification account"), Vietnamese first ("dịch
    vụ xác thực điện tử", "tài khoản định danh điện tử"): the pieces, each by its first
    translation and without one inside another ("điện tử" inside "xác thực điện tử"), are
    joined in reverse order."""
    pieces = [alternatives[0] for alternatives in matches if alternatives]
    kept = [p for p in pieces if not any(p != q and p in q for q in pieces)]
    return " ".join(reversed(kept))


_DEFINES = r"(?:la|duoc hieu la|duoc dinh nghia la|co nghia la|nghia la|is|are|means|refers to)"


def defining_sentence(text: str, aliases: Sequence[str]) -> bool:
    """The sentence opens by saying what the term is: "CĐS là quá trình …",
    "Chuyển đổi số (CĐS) là …" (a short lead such as "Theo đó," allowed)."""
    body = "|".join(r"\s+".join(map(re.escape, a.split())) for a in sorted(aliases, key=len, reverse=True))
    pattern = rf"^(?:[^,]{{0,25}},\s*)?(?:{body})(?:\s*\([^)]{{1,20}}\))?\s+{_DEFINES}\s+\w"
    return bool(re.match(pattern, " ".join(fold(text).lower().split())))


@dataclass(frozen=True)
class Definition:
    """Where a plan defines the term: the hit and the sentence (offsets in the chunk)."""

    hit: Hit
    sentence: Span
    # Where what the quote must keep ends, in the chunk (a term named in passing: the naming).
    keep_to: int | None = None


#: What may open a glossary entry before its label: a list marker ("1.", "a)", "-", "•", "+").
_ENTRY_MARKER = r"(?:\d+(?:\.\d+)*[.)]|[a-zđ][.)]|[-–•+*])?\s*"
#: A glossary entry: an optional list marker, a short label, a colon, then what it says.
_ENTRY = re.compile(rf"^{_ENTRY_MARKER}(?P<label>[^:;()]{{1,80}}?)\s*:\s*\S")


def squeezed(text: str) -> str:
    """The ``plain`` form without its spaces: how an abbreviation is compared, however it is
    spaced or punctuated ("P.ĐTĐH", "P. ĐTĐH" and "PĐTĐH" are all "pdtdh")."""
    return plain(text).replace(" ", "")


def names_term(label: str, aliases: Sequence[str]) -> bool:
    """The label is the term, one of its other names, or one of them spaced or punctuated
    otherwise (``squeezed``)."""
    key = plain(label)
    return bool(key) and (key in aliases or squeezed(label) in {a.replace(" ", "") for a in aliases})


def glossary_entry(text: str, aliases: Sequence[str]) -> bool:
    """Rule (a glossary entry defines its label): a regulation's terms and abbreviations are
    defined as labelled lines, the label then a colon, with or without "là" ("- Học phần điều
    kiện: là các học phần sinh viên bắt buộc phải học …", "1. Chương trình chuẩn: được xây
    dựng theo quy định hiện hành; …", "P.ĐTĐH: Phòng Đào tạo Đại học"). Only "X là …" was
    read as defining X, so every such term was answered "không nêu định nghĩa". The label
    must be the whole term (``names_term``), so a line merely opening with it is none."""
    m = _ENTRY.match(" ".join(text.split()))
    return m is not None and ". " not in m.group("label") and names_term(m.group("label"), aliases)


#: A plural or definite article before a named term ("các môn học tài năng" names "môn học tài năng").
_ARTICLE = re.compile(r"^(?:the|các|những)\s+", re.IGNORECASE)
#: A term named in passing, after what it stands for: "… theo phương thức trực tuyến (DHTT)",
#: "… (sau đây gọi tắt là Trường)", "… – sau đây gọi chung là các môn học tài năng".
_NAMING = re.compile(r"\w[^()]*?\((?:(?:sau đây )?(?:gọi|viết) (?:tắt|chung) là |viết tắt: ?)?(?P<paren>[^()]{1,40})\)"
                     r"|(?:sau đây |dưới đây )?(?:gọi|viết) (?:tắt|chung) là (?P<called>[^,;.()]{1,60})", re.IGNORECASE)


def naming_sentence(text: str, aliases: Sequence[str]) -> Span | None:
    """Where the sentence names the term after saying what it is, or None.

    Rule (a term named in passing): legal drafting spells a term out once and names it in
    brackets or with "sau đây gọi tắt / gọi chung là" ("Văn bản này quy định về việc dạy và
    học theo phương thức trực tuyến (DHTT) …"; "… các môn được lựa chọn để học riêng có nội
    dung tăng cường … – sau đây gọi chung là các môn học tài năng"), and never defines it
    again: "DHTT là gì?" was refused. The sentence says what the term stands for; it is read
    only when no passage defines the term outright (``find_definition``). The span is the
    naming's end, so a long sentence is quoted up to it (``definition_reply``)."""
    for m in _NAMING.finditer(text):
        named = m.group("paren") if m.group("paren") is not None else m.group("called")
        if named is not None and (names_term(named, aliases) or names_term(_ARTICLE.sub("", named.strip()), aliases)):
            return Span(text[: m.end()], 0, m.end())
    return None


def find_definition(hits: Iterable[Hit], aliases: Sequence[str]) -> Definition | None:
    """The first defining sentence or glossary entry (``glossary_entry``) among the retrieved
    passages, in rank order; else the first sentence naming the term in passing
    (``naming_sentence``), which names the term itself (``aliases[0]``): "chương trình chuẩn
    (CTC)" says what CTC is, not what a "chương trình chuẩn" is, whose initials are an alias."""
    hits = list(hits)
    for hit in hits:
        for sentence in sentences(hit.chunk.text):
            if defining_sentence(sentence.text, aliases) or glossary_entry(sentence.text, aliases):
                return Definition(hit, sentence)
    for hit in hits:
        for sentence in sentences(hit.chunk.text):
            named = naming_sentence(sentence.text, aliases[:1])
            if named is not None:
                return Definition(hit, sentence, sentence.start + named.end)
    return None


def definition_reply(term: str, lang: str, found: Definition | None, hits: Sequence[Hit],
                     documents: dict[str, Document], k: int, max_chars: int) -> tuple[str, bool, list[Citation]]:
    """The defining sentence quoted and cited, or a plain "not defined" with the
    retrieved passages as related ones (never a sentence that does not define it)."""
    texts = _texts(lang)
    if found is None:
        related = [_citation(n, h, documents[h.chunk.doc_id]) for n, h in enumerate(hits[:k], 1)]
        return texts["no_definition"].format(term=term), True, related
    doc = documents[found.hit.chunk.doc_id]
    others = [h for h in hits if h is not found.hit][: max(0, k - 1)]
    citations = [_citation(1, found.hit, doc, found.sentence)]
    citations += [_citation(n, h, documents[h.chunk.doc_id]) for n, h in enumerate(others, 2)]
    lead = source_lead(doc, lang)  # as the reader's answers name it: "Theo tin về Bạc Liêu", "Theo Nghị định số …"
    frame = texts["definition"]
    room = max_chars - len(frame.format(lead=lead, sentence="", n=1))
    sentence = shorten(found.sentence.text.rstrip(" ."), room)
    if found.keep_to is not None and len(found.sentence.text.rstrip(" .")) > room:
        # a term named in passing: the sentence up to its naming, from where that fits
        said = found.hit.chunk.text[found.sentence.start: found.keep_to]
        sentence = said if len(said) <= room else "…" + said[len(said) - room + 2:].split(" ", 1)[-1]
    return frame.format(lead=lead, sentence=sentence, n=1), False, citations


# ----------------------------------------------------------------- summaries

def summary_requested(text: str, query: Query) -> bool:
    """"Tóm tắt kế hoạch của Y", "các mục tiêu của Y", "summarise Y's plan": a request
    for a plan's targets that names no indicator of its own ("các mục tiêu kinh tế số
    của Y" is an ordinary list question)."""
    data = load_data("intents_patterns.json")
    asked = plain(text)
    lang = "en" if query.lang == "en" else "vi"
    cue = phrase_pattern(tuple(data["summary"][lang]))
    if not cue.search(asked):
        return False
    rest = cue.sub(" ", asked)
    for name in query.provinces:
        rest = re.sub(rf"(?<!\w){re.escape(plain(name))}(?:\s+s)?(?!\w)", " ", rest)
    rest = phrase_pattern(tuple(data["summary_words"]), plural=True).sub(" ", rest)
    leftover = [w for w in rest.split() if not re.fullmatch(r"\d{4}", w)]
    return not [w for w in leftover if not _filler(w, lang)]


def _filler(word: str, lang: str) -> bool:
    """A word that asks without naming anything (question words, stop words)."""
    if lang == "en":
        return word in english_stopwords() or word.rstrip("s") in english_stopwords()
    return word in _QUESTION_WORDS_FOLDED or word in ("tinh", "thanh", "pho", "ve", "cho", "toi")


_QUESTION_WORDS_FOLDED = frozenset(fold(w) for w in QUESTION_WORDS)


@dataclass(frozen=True)
class Target:
    """A target a plan states: a clause with a figure, in a sentence that reads as a
    target. ``span`` is in the document's text; ``pillar`` indexes the pillars of
    ``intents_pillars.json`` (None: other); ``stated`` when the plan names the pillar."""

    doc_id: str
    span: Span
    pillar: int | None
    stated: bool
    years: frozenset[int]


# A figure: a percentage, or a whole number above one that counts something
# ("7 lĩnh vực", "1 trong 15 tỉnh"); not a reference ("Nghị quyết 17", "749/QĐ-TTg"),
# a date, "4.0" or the "1" of "bộ phận 1 cửa".
_PERCENT = re.compile(r"(?<![\w/.,])\d+(?:[.,]\d+)?(?:\s*-\s*\d+(?:[.,]\d+)?)?\s*%")
_COUNT = re.compile(r"(?<![\w/.,])(\d{1,4})(?![\w/%]|[.,]\d)\s+(?=[a-z])")
_REFERENCE = re.compile(r"(?:nghi quyet|quyet dinh|thong tu|chi thi|cong van|so|ngay|thang|nam|quy|dieu|khoan|top)\s*$")
# A year a target is to be reached by: "đến năm 2025", "đến 2025", "vào năm 2030".
_BY_YEAR = re.compile(r"(?<!\w)(?:den|vao|truoc|toi|by)\s+(?:nam\s+)?(?:19|20)\d\d(?!\d)")
#: A pillar named this near a sentence's start frames it even without a figure
#: ("Trong đó, về xây dựng chính quyền số, …").
FRAMING_LEAD = 40


def _counts(folded: str) -> list[re.Match[str]]:
    return [m for m in _COUNT.finditer(folded)
            if int(m.group(1)) > 1 and not _REFERENCE.search(folded[: m.start()])
            and not re.fullmatch(r"(19|20)\d\d", m.group(1))]


def has_figure(text: str) -> bool:
    """The text states a quantity a target could set."""
    return bool(_PERCENT.search(text)) or bool(_counts(fold(text).lower()))


def _first_figure(text: str) -> int | None:
    """Where the sentence's first figure starts (None if it has none)."""
    starts = [m.start() for m in _PERCENT.finditer(text)] + [m.start() for m in _counts(fold(text).lower())]
    return min(starts, default=None)


def plan_targets(doc: Document) -> list[Target]:
    """The targets a plan states, in its order, each with its pillar and years.

    A single pillar named before a sentence's first figure ("Về phát triển chính
    quyền số, đến năm 2025, …"), or near the start of a sentence without one, frames
    that sentence and those after it, until a heading or another framing; a sentence
    naming several pillars is an overview: it ends the framing and is no target. A target outside any framing takes the
    pillar whose keywords it holds most."""
    words = load_data("intents_targets.json")
    target_cue = phrase_pattern(tuple(words["target"]))
    status_cue = phrase_pattern(tuple(words["status"]))
    plan_verb = phrase_pattern(tuple(words["plan_verbs"]))
    pillars = load_data("intents_pillars.json")["pillars"]
    names = [phrase_pattern(tuple(p["names"])) for p in pillars]
    found: list[Target] = []
    framing: int | None = None
    for para in paragraphs(doc.text):
        if is_heading(para.text):
            framing = None
            continue
        before = ""
        for sentence in sentences(para.text, offset=para.start):
            first = _first_figure(sentence.text)
            lead = sentence.text[: first if first is not None else FRAMING_LEAD]
            named = {i for i, pattern in enumerate(names) if pattern.search(plain(lead))}
            overview = len({i for i, pattern in enumerate(names) if pattern.search(plain(sentence.text))}) > 1
            if len(named) == 1 and not overview:
                framing = named.pop()
            elif overview:
                framing = None
            stated_years = frozenset(years(sentence.text)) or frozenset(years(before)[-1:])
            before += " " + sentence.text
            if first is None or overview or _reports_status(sentence.text[:first], status_cue, plan_verb):
                continue
            context = plain(before)
            if not (target_cue.search(context) or _BY_YEAR.search(context)):
                continue
            for clause in clauses(sentence):
                if not has_figure(clause.text):
                    continue
                pillar = framing if framing is not None else _by_keywords(clause.text, pillars)
                clause_years = frozenset(years(clause.text)) or stated_years
                found.append(Target(doc.doc_id, clause, pillar, framing is not None, clause_years))
    return found


def _reports_status(lead: str, status_cue: re.Pattern[str], plan_verb: re.Pattern[str]) -> bool:
    """The sentence, up to its first figure, reports what has been done ("Đến nay, đã
    có hơn 20 bộ"), unless the status word introduces the plan itself ("UBND tỉnh đã xác
    định 6 lĩnh vực"). A status word after the figure qualifies the target ("100% hệ
    thống … đã đưa vào vận hành được kết nối")."""
    folded = plain(lead)
    return any(not plan_verb.match(folded, m.end() + 1) for m in status_cue.finditer(folded))


def _by_keywords(text: str, pillars: list[dict[str, Any]]) -> int | None:
    """The pillar whose keywords the text holds most (None when it holds none)."""
    asked = plain(text)
    counts = [len(phrase_pattern(tuple(p["keywords"])).findall(asked)) for p in pillars]
    best = max(range(len(pillars)), key=lambda i: (counts[i], -i))
    return best if counts[best] else None


def summary_reply(province: str, lang: str, year: int | None, targets: Sequence[Target],
                  documents: dict[str, Document], chunks_of: Callable[[str], list[Chunk]]
                  ) -> tuple[str, bool, list[Citation]]:
    """The plan's targets grouped by pillar, one cited line each."""
    texts = _texts(lang)
    if year is not None:
        targets = [t for t in targets if year in t.years] or list(targets)
    if not targets:
        return texts["no_targets"].format(province=province), True, []
    pillars = load_data("intents_pillars.json")
    order = list(range(len(pillars["pillars"]))) + [None]
    citations: dict[tuple[str, int], Citation] = {}
    blocks: list[str] = []
    for pillar in order:
        lines = [t for t in targets if t.pillar == pillar][:MAX_LINES_PER_PILLAR]
        if not lines:
            continue
        label = pillars["other"][lang] if pillar is None else pillars["pillars"][pillar][lang]
        out = [f"**{label}**"]
        for t in lines:
            doc = documents[t.doc_id]
            chunk = _chunk_holding(chunks_of(t.doc_id), t.span)
            key = (t.doc_id, chunk.chunk_id)
            if key not in citations:
                hit = Hit(chunk, 1.0)
                local = Span(t.span.text, t.span.start - chunk.start, t.span.end - chunk.start)
                citations[key] = _citation(len(citations) + 1, hit, doc, local)
            out.append(f"- {shorten(t.span.text.rstrip(' .;,'), MAX_LINE_CHARS)} [{citations[key].n}]")
        blocks.append("\n".join(out))
    lead = (texts["summary_lead_year"] if year is not None else texts["summary_lead"]).format(
        province=province, year=year)
    return lead + "\n\n" + "\n\n".join(blocks), False, list(citations.values())


def _chunk_holding(chunks: list[Chunk], span: Span) -> Chunk:
    """The chunk that holds the span (the first whole one; else the most of it)."""
    whole = [c for c in chunks if c.start <= span.start and span.end <= c.end]
    if whole:
        return whole[0]
    return max(chunks, key=lambda c: min(c.end, span.end) - max(c.start, span.start))


# ----------------------------------------------------------------- comparison tables

def comparison_table(query: Query, result: tuple[str, bool, list[Citation]], per_province: dict[str, list[Hit]],
                     documents: dict[str, Document], idf: Callable[[str], float], max_chars: int, *,
                     found: dict[str, Scored] | None = None, threshold: float | None = None,
                     stated: dict[str, Figure] | None = None) -> tuple[str, bool, list[Citation]]:
    """A comparison's sentence with a Markdown table under it: province, figure as
    written, year, citation.

    The figures are those ``qa.answering.answer.compose_comparison`` chose, in its order (its
    citations list them), taken from ``stated_figures`` as it took them; the sentence keeps its
    ranking and drops the quoted clause, which the table and the cited passage show.
    The table is written without padding, and the sentence's list of the other
    provinces is dropped when the whole would pass ``max_chars``: answers stay short.
    ``found`` is ``province_evidence`` of the same arguments when the caller has it
    (reading every province's clauses again is what a comparison's time went on). A
    province the question names without a figure keeps a "not stated" row
    (``unstated_provinces``, read with the reader's ``threshold`` as the sentence was).
    ``stated`` is the ``stated_figures`` the sentence was written from, when the caller has it.
    """
    text, abstained, citations = result
    if stated is None:
        if found is None:
            found = province_evidence(query, per_province, documents, idf)
        stated = stated_figures(query, found, idf, trusted_limit(threshold))
    figures: list[Figure] = []
    for c in citations:
        figure = stated.get(c.province or "")
        if figure is None:
            return result  # not the figures the sentence was written from: leave it as is
        figures.append(figure)
    header = _texts(query.lang)["table_header"]
    rows = ["|" + "|".join(header) + "|", "|" + "---|" * len(header)]
    rows += [f"|{f.province}|{as_written(f)}|{_figure_year(query, f)}|[{n}]|" for n, f in enumerate(figures, 1)]
    # A province the question names whose plan states no comparable figure keeps its row.
    not_stated = _texts(query.lang)["not_stated"]
    rows += [f"|{p}|{not_stated}|—|—|" for p in unstated_provinces(query, per_province, stated)]
    table = "\n".join(rows)
    sentence = _without_quote(text)
    if len(sentence) + 2 + len(table) > max_chars:
        sentence = _first_sentence(sentence)  # the table lists the others
    return sentence + "\n\n" + table, abstained, citations


def as_written(figure: Figure) -> str:
    """The figure with the word the plan puts before it ("trên 60%", "tối thiểu 10%")."""
    clause = quoted(figure.evidence.candidate)
    at = clause.find(figure.text)
    if at < 0:
        return figure.text
    qualifiers = phrase_pattern(tuple(load_data("intents_targets.json")["qualifiers"]))
    m = re.search(rf"(?:{qualifiers.pattern})\s*$", fold(clause[:at]).lower())
    return clause[m.start(): at] + figure.text if m else figure.text


def _figure_year(query: Query, figure: Figure) -> str:
    stated = figure.evidence.candidate.stated_years
    asked = stated & set(query.years)
    shown = sorted(asked or stated)
    return ", ".join(map(str, shown)) if shown else "—"


def _first_sentence(text: str) -> str:
    """"X có mức cao nhất (20%) [1]. Các tỉnh khác: …" -> "X có mức cao nhất (20%) [1]."."""
    m = re.search(r"\]\.\s", text)
    return text[: m.start() + 2] if m else text


def _without_quote(text: str) -> str:
    """The comparison sentence without its quoted clause ("X có mức cao nhất (20%):
    “…” [1]." -> "X có mức cao nhất (20%) [1].")."""
    start, end = text.find("“"), text.rfind("”")
    if start < 0 or end < start:
        return text
    return text[:start].rstrip(": ") + text[end + 1:]


# ----------------------------------------------------------------- shared

def _citation(n: int, hit: Hit, doc: Document, highlight: Span | None = None) -> Citation:
    return Citation(
        n=n, doc_id=doc.doc_id, title=doc.title, province=doc.province, passage=hit.chunk.text,
        start=hit.chunk.start, end=hit.chunk.end, score=hit.score,
        highlight_start=highlight.start if highlight else None, highlight_end=highlight.end if highlight else None,
        date=doc.date, heading_path=hit.chunk.heading_path or None, number=doc.number, url=doc.url,
    )


def shorten(text: str, room: int) -> str:
    """The text cut at a word to fit ``room`` characters, with "…" when cut."""
    if len(text) <= room:
        return text
    cut = text[: max(1, room - 1)]
    return (cut[: cut.rfind(" ")] if " " in cut else cut).rstrip(" ,;:") + "…"


def _join(names: list[str], conjunction: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conjunction} {names[-1]}"
