"""Question analysis: language, provinces, years, intent, and the texts to search with.

The four things that break a naive pipeline are decided here, once per question:
- English questions get the Vietnamese plan terms of their phrases (``qa.glossary``);
- questions typed without diacritics get them back from the collection's own
  spellings before being embedded, and match folded BM25 terms;
- the provinces a question names, inside the collection or not, are recognised;
- comparison and list intents are recognised, so the answer takes the right shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .bm25 import terms
from .glossary import glossary_matches, untranslated_words
from .provinces import PROVINCES, find_provinces
from .text import fold, has_diacritics, normalize, words, years

# A syllable that Vietnamese spelling allows, folded (onset, vowel nucleus, coda).
_VI_SYLLABLE = re.compile(
    r"^(?:b|c|ch|d|g|gh|gi|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x)?"
    r"(?:[aeiouy]{1,3})(?:c|ch|m|n|ng|nh|p|t)?$"
)
# Comparisons rank provinces by a figure: they need a superlative or a comparative.
# ("Which province targets 100% in 2021?" is a look-up, answered as usual.)
_COMPARE_EN = re.compile(
    r"\b(highest|lowest|most|least|largest|smallest|biggest|more ambitious|ranks? first|"
    r"higher|lower|greater|larger|smaller|fewer)\b", re.IGNORECASE)
_COMPARE_VI = re.compile(
    r"\b(cao nhat|thap nhat|lon nhat|nho nhat|nhieu nhat|it nhat|cao hon|thap hon|nhieu hon|it hon|lon hon|"
    r"nho hon)\b")
# Asking to compare named provinces, with no superlative ("so sánh Quảng Nam và Đồng Nai").
_COMPARE_NAMED = re.compile(r"\b(so sanh|compare[sd]?|comparison|versus|vs\.?|hay|or)\b", re.IGNORECASE)
_LOWEST = re.compile(r"\b(lowest|least|smallest|fewest|lower|smaller|thap nhat|nho nhat|it nhat|thap hon|it hon|nho hon)\b",
                     re.IGNORECASE)
# Asking for the current state ("hiện có bao nhiêu", "currently"), not a target.
_STATUS_VI = re.compile(r"\b(hien co|hien nay|hien tai|hien dang|da dat duoc|tinh den nay|den nay)\b")
_STATUS_EN = re.compile(r"\b(currently|at present|so far|to date|as of now|right now|already has|already have)\b",
                        re.IGNORECASE)
_LIST_EN = re.compile(r"\b(which|what) (sectors?|fields?|areas?|pillars?|tasks?|solutions?|groups?|priorit\w*)\b"
                      r"|\blist\b|\bname the\b|\bwhat are\b", re.IGNORECASE)
_LIST_VI = re.compile(r"\b(nhung|cac) (linh vuc|tru cot|nhiem vu|giai phap|nhom|noi dung)\b|\bgom nhung\b|\bnhung gi\b"
                      r"|\b(linh vuc|tru cot|nhiem vu|giai phap|noi dung) nao\b")


@dataclass(frozen=True)
class Query:
    """A question, analysed once and read by retrieval and answering."""

    text: str
    lang: str  # "vi" or "en": the language to answer in
    accented: bool
    provinces: tuple[str, ...]
    years: tuple[int, ...]
    dense_text: str
    bm25_terms: list[str] = field(default_factory=list)
    # What an answer should contain: concepts, each a choice of alternatives, each a
    # tuple of folded syllables and syllable pairs. A Vietnamese question's concepts are
    # its own content terms; an English one's are the glossary translations of its
    # phrases, where any one translation ("chính quyền số" or "chính phủ số") will do.
    concepts: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # English content words the glossary does not translate ("blockchain"): an answer
    # should hold them too, but they weigh less (see ``qa.answer.coverage``).
    untranslated: tuple[str, ...] = ()
    wants_comparison: bool = False
    # Asks for the current state, which a target does not answer.
    wants_status: bool = False
    # A comparison that ranks ("the highest"), as opposed to "compare A and B".
    ranks: bool = False
    wants_lowest: bool = False
    wants_list: bool = False

    @property
    def content_terms(self) -> tuple[str, ...]:
        """Every term of every concept, flat and in order."""
        return tuple(dict.fromkeys(t for concept in self.concepts for alt in concept for t in alt))

    # Acronyms and figures the question names ("PCI", "24/63"): an answer must hold them.
    required_terms: tuple[str, ...] = ()


def detect_language(text: str) -> str:
    """"vi" or "en": English when many words cannot be Vietnamese syllables."""
    rest = _without_provinces(text, keep_case=True)
    if has_diacritics(rest):
        return "vi"
    tokens = [t for t in re.findall(r"[A-Za-z][A-Za-z'\-]*", fold(rest))
              if not t.isupper()]  # acronyms (GRDP, ICT) say nothing
    if not tokens:
        return "vi"
    foreign = sum(1 for t in tokens if not _VI_SYLLABLE.match(t.lower()))
    return "en" if foreign / len(tokens) >= 0.3 else "vi"


def _without_provinces(text: str, keep_case: bool = False) -> str:
    """The text with province names blanked out (folded unless ``keep_case``)."""
    out = text if keep_case else fold(text)
    for name in find_provinces(text):
        for spelling in (name, *PROVINCES[name]):
            for form in {spelling, fold(spelling)}:
                out = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", " ", out, flags=re.IGNORECASE)
    return out


def restore_diacritics(text: str, spellings: dict[str, str]) -> str:
    """Put back diacritics on a question typed without them, from the collection's
    own most frequent spellings (pairs of syllables first, then single ones)."""
    tokens = re.findall(r"\w+|\W+", text)
    word_positions = [i for i, t in enumerate(tokens) if re.match(r"\w", t)]
    out = list(tokens)
    i = 0
    while i < len(word_positions):
        a = word_positions[i]
        if i + 1 < len(word_positions):
            b = word_positions[i + 1]
            pair = spellings.get(f"{fold(tokens[a]).lower()}_{fold(tokens[b]).lower()}")
            if pair and tokens[a + 1: b] == [" "]:
                first, second = pair.split("_", 1)
                out[a], out[b] = _same_case(tokens[a], first), _same_case(tokens[b], second)
                i += 2
                continue
        single = spellings.get(fold(tokens[a]).lower())
        if single:
            out[a] = _same_case(tokens[a], single)
        i += 1
    return "".join(out)


def _same_case(original: str, accented: str) -> str:
    if original[:1].isupper():
        return accented[:1].upper() + accented[1:]
    return accented


def analyse(question: str, spellings: dict[str, str]) -> Query:
    """Analyse a (validated) question against the collection's spellings."""
    text = normalize(question).replace("\n", " ").strip()
    lang = detect_language(text)
    accented = has_diacritics(text)
    provinces = tuple(find_provinces(text))
    translations = glossary_matches(text) if lang == "en" else []
    vi_terms = list(dict.fromkeys(v for alternatives in translations for v in alternatives))
    if lang == "vi" and not accented:
        dense_text = _restore_provinces(restore_diacritics(text, spellings), provinces)
    elif vi_terms:
        dense_text = f"{text} ({', '.join(vi_terms)})"
    else:
        dense_text = text
    bm25_terms = terms(text) + [t for v in vi_terms for t in terms(v)]
    loose: tuple[str, ...] = ()
    if lang == "vi":
        asked = _COMPARE_NAMED.sub(" ", _COMPARE_VI.sub(" ", fold(text).lower()))
        concepts = tuple(((t,),) for t in _content_terms(asked, provinces))
    else:
        concepts = tuple(
            tuple(alt for alt in (_content_terms(v, ()) for v in alternatives) if alt) for alternatives in translations
        ) + tuple(((t,),) for t in _content_terms(_numbers_and_acronyms(text), ()))
        concepts = tuple(c for c in concepts if c)
        loose = tuple(w for w in untranslated_words(_without_provinces(text)) if w not in _QUESTION_WORDS)
    folded = fold(text).lower()
    superlative = bool(_COMPARE_EN.search(text) if lang == "en" else _COMPARE_VI.search(folded))
    wants_comparison = (superlative and len(provinces) != 1) or (
        len(provinces) >= 2 and bool(_COMPARE_NAMED.search(folded)))
    return Query(
        text=text, lang=lang, accented=accented, provinces=provinces, years=tuple(sorted(set(years(text)))),
        dense_text=dense_text, bm25_terms=bm25_terms, concepts=concepts, untranslated=loose,
        wants_comparison=wants_comparison, ranks=superlative,
        wants_status=bool(_STATUS_EN.search(text) if lang == "en" else _STATUS_VI.search(folded)),
        wants_lowest=bool(_LOWEST.search(folded)),
        wants_list=bool(_LIST_EN.search(text) if lang == "en" else _LIST_VI.search(folded)),
        required_terms=_required_terms(text, provinces),
    )


def _required_terms(text: str, provinces: tuple[str, ...]) -> tuple[str, ...]:
    """Acronyms (2+ capitals) and figures other than years, folded and lower-cased."""
    rest = _without_provinces(text, keep_case=True) if provinces else text
    found = re.findall(r"(?<![\w/])(?:[A-Z][A-Z0-9&]+|\d+(?:[.,/]\d+)*%?)(?![\w/])", fold(rest))
    return tuple(dict.fromkeys(t.lower() for t in found
                               if not re.fullmatch(r"(19|20)\d\d", t) and t not in ("4G", "5G")))


def _restore_provinces(text: str, provinces: tuple[str, ...]) -> str:
    for name in provinces:
        for spelling in (name, *PROVINCES[name]):
            text = re.sub(rf"(?<!\w){re.escape(fold(spelling))}(?!\w)", name, text, flags=re.IGNORECASE)
    return text


def _numbers_and_acronyms(text: str) -> str:
    return " ".join(re.findall(r"\b(?:\d[\d.,/%]*|[A-Z]{2,}\w*)\b", text))


# Question words and fillers that say nothing about the answer (folded).
_QUESTION_WORDS = set(
    "la gi bao nhieu nao the nao nhu the nhung cac co khong duoc cua va voi ve cho trong tai den nam "
    "hay xin cho biet ra sao muc tieu chi tieu ke hoach dat ty le de nay do theo tu thi "
    "ma se da bi hoac vao toi khi".split()
)


def _content_terms(text: str, provinces: tuple[str, ...]) -> tuple[str, ...]:
    """Folded syllables and pairs of the question, without provinces and question words."""
    stripped = _without_provinces(text) if provinces else fold(text)
    syllables = [fold(w) for w in words(stripped)]
    content = [s not in _QUESTION_WORDS and not re.fullmatch(r"(19|20)\d\d", s) for s in syllables]
    singles = [s for s, keep in zip(syllables, content) if keep]
    pairs = [f"{a}_{b}" for (a, b), ka, kb in zip(zip(syllables, syllables[1:]), content, content[1:]) if ka and kb]
    return tuple(dict.fromkeys(singles + pairs))
