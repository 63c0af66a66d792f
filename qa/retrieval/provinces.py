"""Vietnam's provinces and centrally-run cities, before and after the 2025 reorganisation,
and where a text names them.

Used to tell which province a document is about and which one a question asks about, so
that the same indicator is answered from the right plan. The units, their spellings and
the old -> new mapping are data (``qa/data/provinces.tsv``); so are the ordinary phrases
that look like names (``province_readings.tsv``) and the words that mark a province
(``province_cues.tsv``).

Names are matched as whole names, by these rules (each a function below, with why):
``_accents_agree`` (a text with diacritics must spell the name with its own),
``_reading_allows`` (a name that is also an ordinary phrase needs a cue or capitals),
``_edited_text_allows`` (edited documents capitalise names) and ``_resolve_overlaps``
(an exact spelling beats a folded one, a longer name a shorter one).

Plans written before 1 July 2025 name the old provinces and later ones the new:
a document keeps the province its text names, ``scope`` widens a question about a new
province to its predecessors' plans, and ``describe`` says whose plan is quoted.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from qa.data import DataFileError, alternatives, digest, read_rows
from qa.text import fold

PROVINCES_FILE = "provinces.tsv"
READINGS_FILE = "province_readings.tsv"
CUES_FILE = "province_cues.tsv"
OLD_MARKS_FILE = "old_name_marks.tsv"
_CHANGES = ("kept", "merged", "renamed", "named")


@dataclass(frozen=True)
class Unit:
    """A province or centrally-run city under one name."""

    name: str
    change: str  # kept | merged | renamed | named (see qa/data/provinces.tsv)
    date: str | None  # when the change took effect
    successor: str  # its name after 1 July 2025 (itself when kept)
    spellings: tuple[str, ...]  # the name and its other spellings


@dataclass(frozen=True)
class _Phrase:
    """A province's spelling (label: the province) or an ordinary reading (label: its kind)."""

    keys: tuple[str, ...]  # per syllable: lower case, tone marks normalised (see _syllable_key)
    label: str


class _Lexicon:
    """Phrases by their folded syllables, and how long a phrase each first syllable starts."""

    def __init__(self) -> None:
        self.by_folded: dict[tuple[str, ...], list[_Phrase]] = {}
        self.starts: dict[str, int] = {}

    def add(self, phrase: _Phrase) -> None:
        folded = _folded(phrase.keys)
        self.by_folded.setdefault(folded, []).append(phrase)
        self.starts[folded[0]] = max(self.starts.get(folded[0], 0), len(folded))


@dataclass(frozen=True)
class _Tables:
    units: dict[str, Unit]
    names: _Lexicon
    by_name_key: dict[str, str]  # folded name ("ba ria vung tau") -> canonical name
    readings: _Lexicon
    cues_before: frozenset[tuple[str, ...]]
    cues_after: frozenset[tuple[str, ...]]
    # Words before an ambiguous name that confirm its other reading ("tư tưởng Hồ Chí Minh").
    cues_reading: frozenset[tuple[str, ...]] = frozenset()


# ------------------------------------------------------------------ syllables

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_SYLLABLE = re.compile(r"\w+|['’]s\b")
# What may stand between the syllables of one name: spaces (one line break at most),
# a dash ("Bà Rịa - Vũng Tàu", "Thừa Thiên-Huế") or a dot ("TP.HCM", "TP. Hồ Chí Minh").
_JOIN = re.compile(r"[^\S\n]*\n?[^\S\n]*(?:[-–—.][^\S\n]*\n?[^\S\n]*)?")


def _syllable_key(syllable: str) -> str:
    """The syllable in lower case with its tone mark moved to the end, so that old and
    new tone placement agree ("hoà" = "hòa") while tones still tell words apart
    ("quang" ≠ "quảng")."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tone = "".join(c for c in decomposed if c in _TONES)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES)) + tone


def _syllables(text: str) -> list[str]:
    return _SYLLABLE.findall(text)


def _keys(text: str) -> tuple[str, ...]:
    return tuple(_syllable_key(s) for s in _syllables(text))


def _folded(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(fold(k).lower() for k in keys)


# ------------------------------------------------------------------ data

@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """The three data files, read and validated once."""
    units: dict[str, Unit] = {}
    for line, (name, change, successor, spellings) in read_rows(PROVINCES_FILE, 4):
        kind, _, date = change.partition(" ")
        if kind not in _CHANGES or (kind != "kept") != bool(date):
            raise DataFileError(PROVINCES_FILE, line, f"change {change!r}: write kept, or merged/renamed/named DATE")
        if name in units:
            raise DataFileError(PROVINCES_FILE, line, f"{name!r} is listed twice")
        if kind in ("kept", "named") and successor != name:
            raise DataFileError(PROVINCES_FILE, line, f"a {kind} unit is its own successor, not {successor!r}")
        units[name] = Unit(name, kind, date or None, successor, (name, *alternatives(spellings)))
    for unit in units.values():
        if unit.successor not in units or units[unit.successor].successor != unit.successor:
            raise DataFileError(PROVINCES_FILE, None, f"{unit.name}: successor {unit.successor!r} is not a current unit")

    names = _Lexicon()
    by_name_key: dict[str, str] = {}
    for unit in units.values():
        for spelling in unit.spellings:
            keys = _keys(spelling)
            owner = by_name_key.setdefault(" ".join(_folded(keys)), unit.name)
            if owner != unit.name:
                raise DataFileError(PROVINCES_FILE, None, f"spelling {spelling!r} of {unit.name} also names {owner}")
            names.add(_Phrase(keys, unit.name))

    readings = _Lexicon()
    for line, (phrase, kind, _meaning) in read_rows(READINGS_FILE, 3):
        if kind not in ("word", "name"):
            raise DataFileError(READINGS_FILE, line, f"kind {kind!r}: write word or name")
        readings.add(_Phrase(_keys(phrase), kind))

    cues: dict[str, set[tuple[str, ...]]] = {"before": set(), "after": set(), "reading": set()}
    for line, (cue, position) in read_rows(CUES_FILE, 2):
        if position not in cues:
            raise DataFileError(CUES_FILE, line, f"position {position!r}: write before, after or reading")
        cues[position].add(_keys(cue))
    return _Tables(units, names, by_name_key, readings, frozenset(cues["before"]), frozenset(cues["after"]),
                   frozenset(cues["reading"]))


def data_digest() -> str:
    """A hash of the province data: what shaped the documents' detected provinces."""
    return digest(PROVINCES_FILE, READINGS_FILE, CUES_FILE)


# ------------------------------------------------------------------ matching

@dataclass(frozen=True)
class _Match:
    first: int  # syllable index of the first syllable
    last: int  # syllable index after the last one
    exact: bool  # spelled with the name's own diacritics
    label: str  # canonical province, or the kind of an ordinary reading


class _Text:
    """A text cut into syllables, with what the rules need to know about it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [(m.start(), m.end()) for m in _SYLLABLE.finditer(text)]
        self.raw = [text[a:b] for a, b in self.spans]
        folded = fold(text)  # same length as the text: one pass, not one per syllable
        self.folded = [folded[a:b].lower() for a, b in self.spans]
        self.accented = folded != text
        self._keys: dict[int, str] = {}

    def key(self, i: int) -> str:
        if i not in self._keys:
            self._keys[i] = _syllable_key(self.raw[i])
        return self._keys[i]

    def joined(self, first: int, last: int) -> bool:
        """True when syllables first..last-1 follow each other as in one name."""
        return all(_JOIN.fullmatch(self.text[self.spans[i - 1][1]:self.spans[i][0]])
                   for i in range(first + 1, last))

    def matches(self, lexicon: _Lexicon) -> Iterator[tuple[int, int, _Phrase]]:
        """(first, last, phrase) of every phrase of the lexicon the syllables spell, folded."""
        n = len(self.raw)
        for first, syllable in enumerate(self.folded):
            longest = lexicon.starts.get(syllable)
            if longest is None:
                continue  # most syllables start no name: skip them at once
            for last in range(first + 1, min(first + longest, n) + 1):
                for phrase in lexicon.by_folded.get(tuple(self.folded[first:last]), ()):
                    if self.joined(first, last):
                        yield first, last, phrase

    def spelled(self, first: int, last: int, keys: tuple[str, ...]) -> bool:
        return all(self.key(i) == k for i, k in zip(range(first, last), keys))

    def capitalised(self, first: int, last: int) -> bool:
        return all(s[:1].isupper() for s in self.raw[first:last])

    def title_cased(self, first: int, last: int) -> bool:
        return all(s[:1].isupper() and not (len(s) > 1 and s.isupper()) for s in self.raw[first:last])

    def has_cue(self, first: int, last: int, cues_before: frozenset[tuple[str, ...]],
                cues_after: frozenset[tuple[str, ...]]) -> bool:
        for cue in cues_before:
            start = first - len(cue)
            if start >= 0 and self._is(start, first, cue) and self.joined(start, first + 1):
                return True
        for cue in cues_after:
            end = last + len(cue)
            if end <= len(self.raw) and self._is(last, end, cue) and self.joined(last - 1, end):
                return True
        return False

    def _is(self, first: int, last: int, keys: tuple[str, ...]) -> bool:
        if self.accented:
            return self.spelled(first, last, keys)
        return tuple(self.folded[first:last]) == _folded(keys)


def _accents_agree(text: _Text, first: int, last: int, spelling: _Phrase) -> bool | None:
    """Whether the syllables spell the name, and exactly (True) or folded (False); None if not.

    A text typed with diacritics writes a province with its own: there "cáp quang Nam
    Định" holds Nam Định and not Quảng Nam, since "quang" is not "Quảng". Folding is for
    text typed without diacritics. One exception: in a text with diacritics, a
    capitalised name typed without any ("Compare Hà Tĩnh with Quang Nam") is still a
    name, though a weaker one than an exact spelling (see ``_resolve_overlaps``).
    """
    if text.spelled(first, last, spelling.keys):
        return True
    if not text.accented:
        return False
    span = "".join(text.raw[first:last])
    if fold(span) == span and text.capitalised(first, last):
        return False
    return None


def _reading_allows(text: _Text, match: _Match, readings: list[_Match], tables: _Tables,
                    question: bool = False) -> bool:
    """A name that is also an ordinary phrase is a province only where the phrase is not.

    - A reading that runs past the name and shares syllables with it wins: "Thái Bình
      Dương" is the Pacific (not Thái Bình, not Bình Dương), "cap quang nam" is fibre.
    - A reading of exactly the name's syllables ("cao bằng" = as high as, "hòa bình" =
      peace, "Hồ Chí Minh" the president) leaves it ambiguous: a province cue settles it
      ("tỉnh Cao Bằng", "của hoa binh"), and so, for a common word, do a name's capitals.
    - In a question about the plans, a capitalised name whose other reading is a person
      ("Hồ Chí Minh", "Ho Chi Minh 2025") is the province, unless a word of that reading
      comes just before it ("tư tưởng Hồ Chí Minh", "President Ho Chi Minh"): questions
      ask about places, while edited documents name the person as often as the city.
    - In a question, a name whose other reading is an ordinary word or a person's name
      that opens the question is the province (``_opens_question``).
    """
    for r in readings:
        if r.last <= match.first or r.first >= match.last:
            continue  # no syllable in common
        if (r.first, r.last) == (match.first, match.last):
            cued = text.has_cue(match.first, match.last, tables.cues_before, tables.cues_after)
            capitals = text.title_cased(match.first, match.last)
            person_in_question = (question and r.label == "name" and capitals
                                  and not text.has_cue(match.first, match.last, tables.cues_reading, frozenset()))
            opens = question and _opens_question(text, match)
            if not (cued or (r.label == "word" and capitals) or person_in_question or opens):
                return False
        elif r.first < match.first or r.last > match.last:
            return False
    return True


def _opens_question(text: _Text, match: _Match) -> bool:
    """The name is the first words of a text typed without diacritics: officials type
    questions so, in lower case and subject first ("thai binh dat muc tieu ...", "hai
    duong dvctt toan trinh 2025"), where the ordinary reading ("thái bình" peaceful,
    "hải dương" ocean, "cao bằng" as high as) would not open a question about the plans.
    A text with diacritics capitalises its names, so there the phrase keeps its reading.

    Rule (a name opening a bare question is the place, whatever else it names): so too for
    a name whose other reading is a person's ("huệ", the given name: "hue ty trong kinh te
    so grdp 2025" was read as no province and answered with another province's target):
    a question about the plans opens with the place it asks about, not with a given name."""
    return not text.accented and match.first == 0 and not text.text[:text.spans[0][0]].strip()


def _edited_text_allows(text: _Text, match: _Match, tables: _Tables) -> bool:
    """In an edited document (``case_sensitive``) a province is written with capitals or
    after a cue; lower-case "nam định" there is more likely a phrase than a name. Questions
    are typed in lower case, so this applies to documents only."""
    return text.capitalised(match.first, match.last) or text.has_cue(
        match.first, match.last, tables.cues_before, tables.cues_after)


def _resolve_overlaps(matches: list[_Match]) -> list[_Match]:
    """One province per stretch of text: an exact spelling beats a folded one ("cáp quang
    Nam Định": Nam Định over Quang Nam), then the longer name ("Bà Rịa - Vũng Tàu" over
    "Vũng Tàu"), then the earlier one."""
    taken: list[_Match] = []
    for m in sorted(matches, key=lambda m: (not m.exact, -(m.last - m.first), m.first)):
        if all(m.last <= t.first or m.first >= t.last for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.first)


def province_spans(text: str, *, case_sensitive: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of every province named in ``text``, in order.

    Offsets are into ``text`` itself, so a caller can blank or replace the names.
    ``case_sensitive`` is for edited documents, where names are capitalised (see
    ``_edited_text_allows``); questions are matched in any case, since people type
    "ha tinh" in lower case.
    """
    tables = _tables()
    t = _Text(text)
    readings = [_Match(first, last, True, reading.label) for first, last, reading in t.matches(tables.readings)
                if t.spelled(first, last, reading.keys) or not t.accented]
    found = []
    for first, last, spelling in t.matches(tables.names):
        exact = _accents_agree(t, first, last, spelling)
        if exact is None:
            continue
        match = _Match(first, last, exact, spelling.label)
        if not _reading_allows(t, match, readings, tables, question=not case_sensitive):
            continue
        if case_sensitive and not _edited_text_allows(t, match, tables):
            continue
        found.append(match)
    return [(t.spans[m.first][0], t.spans[m.last - 1][1], m.label) for m in _resolve_overlaps(found)]


def find_provinces(text: str, *, case_sensitive: bool = False) -> Counter[str]:
    """Canonical province names mentioned in ``text``, with how often."""
    return Counter(name for _, _, name in province_spans(text, case_sensitive=case_sensitive))


# ------------------------------------------------------------------ names and the 2025 mapping

_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp)\s+", re.IGNORECASE)


@lru_cache(maxsize=4096)  # called for every label of the collection on every question (``in_scope``)
def canonical(name: str) -> str | None:
    """The canonical name of a province typed any way ("TP. Hồ Chí Minh", "Thành phố Hồ
    Chí Minh", "ba ria vung tau", "Tỉnh Hòa Bình"), or None. Meant for names given as
    names (catalogue entries, filters); to find provinces in running text use
    ``province_spans``."""
    by_name_key = _tables().by_name_key
    key = " ".join(_folded(_keys(name)))
    return by_name_key.get(key) or by_name_key.get(_PREFIX.sub("", key))


def units() -> dict[str, Unit]:
    """Every unit by canonical name: the 63 provinces before 2025 and the new name Huế."""
    return dict(_tables().units)


def former() -> tuple[str, ...]:
    """The 63 provinces and centrally-run cities before 2025 (that issued the 2021-2025
    plans), in the data file's order."""
    return tuple(u.name for u in _tables().units.values() if u.change != "named")


def current() -> tuple[str, ...]:
    """The 34 provinces and centrally-run cities since 1 July 2025."""
    return tuple(sorted({u.successor for u in _tables().units.values()}))


def successor(name: str) -> str | None:
    """The province that ``name`` is part of since 1 July 2025 (itself if it continues);
    None for a name that is not a province."""
    found = canonical(name)
    return _tables().units[found].successor if found else None


def one_territory(names: Iterable[str]) -> bool:
    """Whether ``names`` (two or more) are names of one territory today: a former province
    and the province it became part of ("Quảng Ngãi" and "Kon Tum"), or two names that
    merged into one. Why: officials name a merged province by its old name beside the new
    one ("Quảng Ngãi (Kon Tum cũ)"), which names one place, not two to compare."""
    found = [successor(n) or n for n in names]
    return len(found) >= 2 and len(set(found)) == 1


def predecessors(name: str) -> tuple[str, ...]:
    """The former provinces that became part of ``name`` (a current province), itself
    excluded: predecessors("Đà Nẵng") == ("Quảng Nam",)."""
    found = canonical(name)
    return tuple(sorted(u.name for u in _tables().units.values() if u.successor == found and u.name != found))


def scope(name: str) -> tuple[str, ...]:
    """The provinces whose plans answer a question about ``name``: the province itself
    and its predecessors ("Đà Nẵng" -> Đà Nẵng, Quảng Nam), since a new province's
    plans are, before 2025, its predecessors' plans. An old name finds its own plans
    only (Quảng Nam's plans are not Đà Nẵng's), except that a renamed unit is the same
    unit under both names (Thừa Thiên Huế, Huế), and that a question about a year after
    its merger reaches its successor too (``successors_after_merger``).
    Unknown names stand for themselves."""
    found = canonical(name)
    if found is None:
        return (name,)
    unit = _tables().units[found]
    names = [found, *predecessors(found)]
    if unit.change == "renamed":
        names += [unit.successor, *predecessors(unit.successor)]
    return tuple(dict.fromkeys(names))


def after_merger(unit: Unit, years: Iterable[int]) -> bool:
    """Whether a question about ``unit`` asks only for years after the one its merger
    took effect in (a merged unit, 2025-07-01 -> 2026 and later). Why: officials keep
    using the old name for the territory, and from then on only the successor issues
    plans for it; a year of the merger itself may still be the old unit's own plan."""
    asked = tuple(years)
    if unit.change != "merged" or not unit.date or not asked:
        return False
    return min(asked) > int(unit.date[:4])


@dataclass(frozen=True)
class Holdings:
    """What a collection holds of one province: the years its documents name and their
    dates (ISO, as ``Document.date``; None when unknown)."""

    years: frozenset[int] = frozenset()
    dates: tuple[str | None, ...] = ()


def successors_after_merger(names: Iterable[str], years: Iterable[int],
                            holdings: Callable[[str], Holdings] | None = None,
                            target: bool = False) -> tuple[str, ...]:
    """Rule (an old name for a later year): the successors of the merged provinces among
    ``names`` that a question about ``years`` reaches (``after_merger``), those it names
    itself left out: successors_after_merger(("Long An",), (2026,)) == ("Tây Ninh",): no
    plan of Long An for 2026 exists, Tây Ninh's covers its territory. ``holdings`` (a
    canonical name -> what the collection holds of it) narrows this to a successor with a
    document dated since the merger (a plan of the merged territory, not the old city's
    news), and keeps an old unit to its own plans when they name an asked year: a 2030
    target it set before the merger is its own answer, not its successor's."""
    asked = tuple(years)
    named = {canonical(n) or n for n in names}
    result = []
    for name in names:
        unit = _tables().units.get(canonical(name) or "")
        if unit is None or unit.successor in named:
            continue
        if not (after_merger(unit, asked) or _today_asked(unit, asked, holdings, target)):
            continue
        if holdings is not None:
            if holdings(unit.name).years & set(asked):
                continue
            if not _successor_holds_since(unit, holdings):
                continue
        result.append(unit.successor)
    return tuple(dict.fromkeys(result))


def successors_when_silent(names: Iterable[str], years: Iterable[int],
                           holdings: Callable[[str], Holdings], target: bool = False) -> tuple[str, ...]:
    """Rule (an old name its own documents leave unanswered): the successors of the merged
    provinces among ``names`` that hold a document dated since the merger, when
    ``successors_after_merger`` did not already reach them (the question names no year
    after the merger nor asks a target with no year, and the collection holds the old
    province's own documents), those
    the question names itself left out. The caller asks them only after the old province's
    own documents gave no answer. Why: in one index of many provinces, Vĩnh Phúc's 2022
    plan and news hid Phú Thọ's 2026 plan, which covers the old territory ("Tỉnh Vĩnh Phúc có
    bao nhiêu đơn vị hành chính cấp xã?" was refused); where the old documents answer,
    they still answer alone (a 2030 target set before the merger is the old unit's own).
    ``target``: the question asks for a target (``_today_asked``)."""
    asked = tuple(years)
    named = {canonical(n) or n for n in names}
    result = []
    for name in names:
        unit = _tables().units.get(canonical(name) or "")
        if unit is None or unit.change != "merged" or not unit.date or unit.successor in named:
            continue
        if _successor_holds_since(unit, holdings):
            result.append(unit.successor)
    reached = set(successors_after_merger(names, asked, holdings, target))
    return tuple(s for s in dict.fromkeys(result) if s not in reached)


def _successor_holds_since(unit: Unit, holdings: Callable[[str], Holdings]) -> bool:
    """The collection holds a document of ``unit``'s successor dated since the merger: a
    plan of the merged territory, not the old city's news."""
    since = str(unit.date)
    return any(d and d[:len(since)] >= since for d in holdings(unit.successor).dates)


def _today_asked(unit: Unit, asked: tuple[int, ...], holdings: Callable[[str], Holdings] | None,
                 target: bool = False) -> bool:
    """Rule (an old name asked about no year asks of today's plan): a question naming a
    merged province and no year reaches its successor as a question about a later year does
    (``successors_after_merger`` still asks for a successor's document dated since the
    merger) when the collection holds nothing of the old province, or when the question
    asks for a ``target`` (the caller's ``reader.asks_target``); the old province's own
    documents stay in the search, and the reader chooses. Why: officials keep the old name
    for the territory, and the successor's plan is the current one that covers it ("hoa
    binh xa mai chau thi diem xa so ho tro bao nhieu", the collection holding nothing of
    Hòa Bình); a target asked with no year is today's, which only the successor's plan sets:
    in one index of many provinces, "Vĩnh Phúc đặt mục tiêu tỷ trọng kinh tế số trong GRDP
    là bao nhiêu?" was answered from Vĩnh Phúc's 2022 news (a share reached, 22,87%) though
    Phú Thọ's 2026 plan states the territory's target. Other questions keep the old
    province's own documents alone: reaching the successor for every question naming no
    year answered "Hà Nam's Party resolution" from Ninh Bình's (plans follow-ups dev 0.905
    -> 0.893). A year asked keeps the old unit to its own plans that name it, as before."""
    return (unit.change == "merged" and not asked and holdings is not None
            and (target or not holdings(unit.name).dates))


def _own_documents_answer(name: str, other: str, asked: tuple[int, ...],
                          holdings: Callable[[str], Holdings] | None) -> bool:
    """Rule (a new name's own documents first): whether the plans of ``other``, a province
    merged into ``name``, are left out of a question about ``name`` because the collection
    holds documents of ``name`` itself that name a year asked of them (any, when no
    year is asked). Why: a province that absorbed others in 2025 had plans of its own
    before, and its predecessors' plans stand in for it only where it has none: in one
    index of many provinces, "Gia Lai's 2025 digital-economy share" was answered from
    Bình Định's news ("now part of Gia Lai"), Lâm Đồng's 2024 report lost to Bình Thuận's,
    and a comparison of Lâm Đồng tabulated Đắk Nông. The mirror of
    ``successors_after_merger``'s rule that an old name's own plans naming the year answer
    alone. A renamed unit (Thừa Thiên Huế, Huế) is one unit and keeps both names."""
    found, merged = canonical(name), canonical(other)
    if holdings is None or found is None or merged is None or merged == found:
        return False
    unit = _tables().units[merged]
    if unit.change != "merged" or unit.successor != found:
        return False
    held = holdings(found)
    return bool(held.dates) and (not asked or bool(held.years & set(asked)))


@lru_cache(maxsize=1)
def _old_marks() -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
    """The marks of ``old_name_marks.tsv`` (lower-case syllables), before and after a name."""
    marks: dict[str, set[tuple[str, ...]]] = {"before": set(), "after": set()}
    for line, (mark, position) in read_rows(OLD_MARKS_FILE, 2):
        if position not in marks:
            raise DataFileError(OLD_MARKS_FILE, line, f"position {position!r}: write before or after")
        marks[position].add(tuple(k.lower() for k in _keys(mark)))
    return frozenset(marks["before"]), frozenset(marks["after"])


def _spells_mark(words: tuple[str, ...], mark: tuple[str, ...]) -> bool:
    """Whether ``words`` (lower-case syllables) spell ``mark``: as written where they carry
    diacritics ("cũ", not "cư"), folded where they carry none ("cu")."""
    return len(words) == len(mark) and all(
        w == m if _folded((w,)) != (w,) else w == _folded((m,))[0] for w, m in zip(words, mark))


def old_names_marked(text: str) -> frozenset[str]:
    """The merged provinces that ``text`` names as old ones, by a mark beside the name
    (``old_name_marks.tsv``: "Lâm Đồng (Đắk Nông cũ)", "Tay Ninh's former Long An
    province"), canonical. Why: officials and readers write the old name with the new
    one to say which part of the new province they mean (``_old_name_narrows``)."""
    before, after = _old_marks()
    found = set()
    for start, end, name in province_spans(text):
        unit = _tables().units.get(name)
        if unit is None or unit.change != "merged":
            continue
        following = tuple(k.lower() for k in _keys(text[end:end + 40]))
        preceding = tuple(k.lower() for k in _keys(text[max(0, start - 40):start]))
        if (any(_spells_mark(following[:len(m)], m) for m in after)
                or any(_spells_mark(preceding[max(0, len(preceding) - len(m)):], m) for m in before)):
            found.add(name)
    return frozenset(found)


def _old_name_narrows(name: str, names: Iterable[str], marked: Iterable[str], asked: tuple[int, ...],
                      holdings: Callable[[str], Holdings] | None) -> bool:
    """Rule (an old name beside its new one narrows the question to the old territory):
    whether a question naming ``name`` and, marked as old (``old_names_marked``), a province
    merged into it leaves ``name``'s own documents (and its other predecessors') out,
    because the collection holds the old province's documents naming a year asked. Why:
    "Lâm Đồng (Đắk Nông cũ) có bao nhiêu tổ công nghệ số cộng đồng năm 2024?" asks of the
    old Đắk Nông, whose 2024 report answers it; in one index with Lâm Đồng's own 2024 report,
    Lâm Đồng's figure answered instead. A year is required: a question naming no year
    may ask of today's province, whose current plan only the new name's documents hold."""
    found = canonical(name)
    if holdings is None or found is None or not asked:
        return False
    named = {canonical(n) or n for n in names}
    for old in marked:
        unit = _tables().units.get(canonical(old) or "")
        if (unit is not None and unit.name in named and unit.change == "merged" and unit.successor == found
                and unit.name != found and holdings(unit.name).years & set(asked)):
            return True
    return False


def in_scope(names: Iterable[str], available: Iterable[str], years: Iterable[int] = (),
             holdings: Callable[[str], Holdings] | None = None, marked: Iterable[str] = (),
             target: bool = False) -> tuple[str, ...]:
    """The provinces among ``available`` (as the collection labels its documents, in any
    spelling) that questions about ``names`` (for ``years``) should search: see ``scope``,
    ``_own_documents_answer``, ``_old_name_narrows`` (``marked``: the names the question
    marks as old, ``old_names_marked``) and ``successors_after_merger`` (``holdings``: what
    the collection holds of a province; ``target``: the question asks for a target,
    ``_today_asked``)."""
    names = tuple(names)
    asked = tuple(years)
    marked = tuple(marked)
    wanted = {canonical(s) or s for n in names if not _old_name_narrows(n, names, marked, asked, holdings)
              for s in scope(n) if not _own_documents_answer(n, s, asked, holdings)}
    wanted |= set(successors_after_merger(names, asked, holdings, target))
    return tuple(a for a in available if (canonical(a) or a) in wanted)


def describe(doc_province: str | None, asked: str | Iterable[str] | None = None, lang: str = "vi") -> str | None:
    """What to add after a document's province so that an answer says whose plan it
    quotes: "nay thuộc Đà Nẵng" / "now part of Đà Nẵng" for a province merged since, "nay
    là Huế" / "now Huế" for one renamed. None when the province still exists under its
    name, or when the question asked for it by that name (``asked``: the province or
    provinces the question names, e.g. ``Query.provinces``). A current province's plan
    quoted for a question naming only a province merged into it says that it covers
    it: "nay gồm cả Long An" / "now including Long An" (see ``after_merger``).

    describe("Quảng Nam", ("Đà Nẵng",)) == "nay thuộc Đà Nẵng";
    describe("Quảng Nam", "Đà Nẵng", "en") == "now part of Đà Nẵng";
    describe("Thừa Thiên Huế", None, "en") == "now Huế";
    describe("Tây Ninh", ("Long An",)) == "nay gồm cả Long An".
    """
    found = canonical(doc_province) if doc_province else None
    if found is None:
        return None
    named = (asked,) if isinstance(asked, str) else tuple(asked or ())
    if any(canonical(n) == found for n in named):
        return None
    unit = _tables().units[found]
    absorbed = [n for n in named if canonical(n) in predecessors(found)
                and _tables().units[canonical(n)].change == "merged"]
    if absorbed:
        # The successor's plan quoted for a question in an old name: say that it covers it.
        old = ", ".join(dict.fromkeys(canonical(n) or n for n in absorbed))
        return f"now including {old}" if lang == "en" else f"nay gồm cả {old}"
    if unit.change == "merged":
        return f"now part of {unit.successor}" if lang == "en" else f"nay thuộc {unit.successor}"
    if unit.change == "renamed":
        return f"now {unit.successor}" if lang == "en" else f"nay là {unit.successor}"
    return None
