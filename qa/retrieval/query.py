"""Question analysis: language, provinces, years, intent, and the texts to search with.

The four things that break a naive pipeline are decided here, once per question:
- English questions get the Vietnamese plan terms of their phrases (``qa.retrieval.glossary``);
- questions typed without diacritics get them back from the collection's own
  spellings before being embedded, and match folded BM25 terms;
- the provinces a question names, inside the collection or not, are recognised;
- comparison and list intents are recognised, so the answer takes the right shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from qa.data import DATA_DIR, DataFileError, read_rows
from qa.indexing.bm25 import terms
from qa.retrieval.acronyms import defined_forms, expansion_terms
from qa.retrieval.glossary import abbreviation_key, abbreviations, translate
from qa.retrieval.provinces import province_spans
from qa.text import DOCUMENT_CODE, bigrams, fold, has_diacritics, is_year, normalize, own_years, words, years

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
# Asking for the current state ("hiện có bao nhiêu", "currently"), not a target; or for what
# was actually reached ("thực tế đạt", "actually achieve", "the actual share"), which a target
# does not say either.
_STATUS_VI = re.compile(r"\b(hien co|hien nay|hien tai|hien dang|da dat duoc|tinh den nay|den nay|thuc te dat|dat thuc te"
                        r"|tren thuc te)\b")
_STATUS_EN = re.compile(r"\b(currently|at present|so far|to date|as of now|right now|already has|already have|actually"
                        r"|actual)\b", re.IGNORECASE)


#: Rule (a verb between "đã" and "được" asks what was reached): "đã lắp đặt được bao nhiêu
#: trạm" asks what has been done, as "đã đạt được" does; one to three words between.
_STATUS_DONE_VI = re.compile(r"\bda(?: \w+){1,3} duoc\b")


@lru_cache(maxsize=1)
def stance_words() -> dict:
    """``stance_words.json``, read once: result marks, target words referenced by a result,
    plan task headings (read by ``qa.answering.reader``) and a question's words asking what
    was reached (``_status_phrases``)."""
    return json.loads((DATA_DIR / "stance_words.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _status_phrases() -> dict[str, re.Pattern[str]]:
    """A question's words asking what was reached (``stance_words.json`` "question_status":
    "nửa đầu năm", "in the first half of"), folded, per language."""
    return {lang: re.compile(r"\b(?:" + "|".join(re.escape(fold(w).lower()) for w in words) + r")\b")
            for lang, words in stance_words()["question_status"].items()}


def wants_status(text: str, folded: str, lang: str, unnamed: str = "") -> bool:
    """The question asks what is now or what was reached, not a target: ``_STATUS_VI`` /
    ``_STATUS_EN``, the period words of ``stance_words.json`` ("nửa đầu năm 2025 …"), or a
    verb between "đã" and "được" (``_STATUS_DONE_VI``), read in the question without the
    provinces it names (``unnamed``: "Đà Nẵng được …" folds to "da nang duoc") and, when it is
    written with diacritics, only where "đã" is written so."""
    if lang == "en":
        return bool(_STATUS_EN.search(text) or _status_phrases()["en"].search(text.lower()))
    if _STATUS_VI.search(folded) or _status_phrases()["vi"].search(folded.lower()):
        return True
    rest = (unnamed or text).lower()
    if has_diacritics(rest):
        return bool(re.search(r"\bđã(?: \w+){1,3} được\b", normalize(rest)))
    return bool(_STATUS_DONE_VI.search(fold(rest).lower()))
# "Which province …?" without a superlative: a look-up across the provinces' plans.
_WHICH_PROVINCE = re.compile(r"\b(which|what) (province|locality|plan)s?\b|\bwhere\b|\b(tinh|dia phuong|noi) nao\b",
                             re.IGNORECASE)
# "Which agency / department …?": the answer names one.
_WHICH_AGENCY = re.compile(r"\b(which|what) (agency|agencies|department|body|bodies|unit|organi[sz]ation)\b"
                           r"|\b(co quan|so|don vi|ban) nao\b|\bai (chu tri|phu trach|chiu trach nhiem)\b",
                           re.IGNORECASE)
_LIST_EN = re.compile(r"\b(which|what) (sectors?|fields?|areas?|pillars?|tasks?|solutions?|groups?|priorit\w*)\b"
                      r"|\blist\b|\bname the\b|\bwhat are\b", re.IGNORECASE)
_LIST_VI = re.compile(r"\b(nhung|cac) (linh vuc|tru cot|nhiem vu|giai phap|nhom|noi dung)\b|\bgom nhung\b|\bnhung gi\b"
                      r"|\b(linh vuc|tru cot|nhiem vu|giai phap|noi dung) nao\b")


# Asks for a figure (the answer should quote one) / asks for a number outright (an
# answer without one does not answer it).
_WANTS_FIGURE = re.compile(
    r"\b(bao nhieu|muc tieu|chi tieu|ty le|ty trong|phan tram|how (much|many)|what (share|percentage|proportion|rate)"
    r"|target|goal|percent|rate|share|figure|level)\b")
_ASKS_NUMBER = re.compile(
    r"\b(bao nhieu|phan tram|may (xa|tinh|linh vuc|nhom)|how (many|much)"
    r"|what ([\w-]+ ){0,3}(share|percentage|proportion|fraction))\b")

#: Question words and fillers that say nothing about the answer, with their diacritics:
#: "đó" (that) is a filler, "đô" (in "đô thị") is not.
QUESTION_WORDS = frozenset(
    "là gì bao nhiêu nào thế như những các có không được của và với về cho trong tại đến năm tiêu "
    "hay xin biết ra sao mục tiêu chỉ kế hoạch đạt tỷ tỉ lệ để này đó theo từ thì mà sẽ đã bị "
    "hoặc vào tới khi đặt ra phần trăm".split()
)
_QUESTION_WORDS_FOLDED = frozenset(fold(w) for w in QUESTION_WORDS)


@dataclass(frozen=True)
class Query:
    """A question, analysed once and read by retrieval and answering."""

    text: str
    lang: str  # "vi" or "en": the language to answer in
    provinces: tuple[str, ...]
    years: tuple[int, ...]
    dense_text: str
    bm25_terms: list[str] = field(default_factory=list)
    # The BM25 terms without the provinces the question names: what a search filtered to
    # those provinces ranks by (``qa.retrieval.retrieve.bm25_terms``).
    bm25_terms_in_scope: list[str] = field(default_factory=list)
    # What an answer should contain: concepts, each a choice of alternatives, each a
    # tuple of folded syllables and syllable pairs. A Vietnamese question's concepts are
    # its own content terms; an English one's are the glossary translations of its
    # phrases, where any one translation ("chính quyền số" or "chính phủ số") will do.
    concepts: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # English content words the glossary does not translate ("blockchain"): an answer
    # should hold them too, but they weigh less (see ``qa.answering.answer.coverage``).
    untranslated: tuple[str, ...] = ()
    # Acronyms and figures the question names ("PCI", "24/63"): an answer must hold them.
    required_terms: tuple[str, ...] = ()
    wants_comparison: bool = False
    # A comparison that ranks ("the highest"), as opposed to "compare A and B".
    ranks: bool = False
    wants_lowest: bool = False
    wants_list: bool = False
    wants_figure: bool = False
    asks_number: bool = False
    # Asks for the current state, which a target does not answer.
    wants_status: bool = False
    asks_which_province: bool = False
    asks_which_agency: bool = False

    @cached_property
    def folded(self) -> str:
        """The question without diacritics, lower-cased: how the question-word lists of
        ``qa/data`` are matched (once per question, not once per unit read)."""
        return fold(self.text).lower()

    @property
    def content_terms(self) -> tuple[str, ...]:
        """Every term of every concept, flat and in order."""
        return tuple(dict.fromkeys(t for concept in self.concepts for alt in concept for t in alt))


@lru_cache(maxsize=1)
def _interrogative_phrases() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The phrases of ``qa/data/interrogatives.txt``, escaped: those that ask anywhere, and
    those that ask only at a question's end ("$")."""
    anywhere, at_end = [], []
    for number, (line,) in read_rows("interrogatives.txt", 1):
        phrase = line.rstrip("$").strip()
        if not phrase or fold(phrase).lower() != phrase:
            raise DataFileError("interrogatives.txt", number, "a phrase folded: lower case, no diacritics")
        (at_end if line.endswith("$") else anywhere).append(re.escape(phrase))
    return tuple(anywhere), tuple(at_end)


def _at_end(phrases: Sequence[str]) -> str:
    return r"\b(?:" + "|".join(phrases) + r")\b(?=[\s?.!]*$)"


@lru_cache(maxsize=1)
def _interrogatives() -> re.Pattern[str]:
    """The pattern of ``qa/data/interrogatives.txt`` (folded phrases; "$": at the end only)."""
    anywhere, at_end = _interrogative_phrases()
    parts = []
    if anywhere:
        parts.append(r"\b(?:" + "|".join(anywhere) + r")\b")
    if at_end:
        parts.append(_at_end(at_end))
    return re.compile("|".join(parts) or r"(?!)")


@lru_cache(maxsize=1)
def _final_interrogatives() -> re.Pattern[str]:
    """The phrases of ``qa/data/interrogatives.txt`` that ask only at a question's end ("$")."""
    at_end = _interrogative_phrases()[1]
    return re.compile(_at_end(at_end) if at_end else r"(?!)")


def asks_yes_no(folded: str) -> bool:
    """Rule ``asks_yes_no``: a folded Vietnamese question that ends with a phrase of
    ``qa/data/interrogatives.txt`` that asks only there ("… có được tính điểm không?", "… hay
    không?", "… phải không?") asks whether what it states holds."""
    return bool(_final_interrogatives().search(folded))


def interrogative_spans(folded: str) -> list[tuple[int, int]]:
    """Rule ``interrogative_spans``: the spans of a folded Vietnamese question's question
    words ("gì", "thế nào", "ở đâu", "bao lâu", a final "hay không"), left out of the
    terms BM25 ranks by (``Query.bm25_terms``); the dense text keeps them.

    Why: BM25 weighs a word by its rarity in the collection, and the words that ask are
    rare in what answers ("gì", "nào" and "hay không" are in few regulation or plan
    passages), so they ranked the passages that happen to hold them (an example question,
    "đơn vị nào") above the one stating the answer. "là" and "như" stay: a definition
    ("Học kỳ là …") and a manner ("như sau") are said with them (leaving out "là gì" lost
    four regulations dev questions from the top 5).
    """
    return [m.span() for m in _interrogatives().finditer(folded)]


def asked_terms(text: str, folded: str) -> list[str]:
    """The BM25 terms of ``text`` without its question words (``interrogative_spans``;
    ``folded`` is the folded text, of the same length, on which they are found).

    The text between question words is read piece by piece, so that no syllable pair is
    made across a left-out word ("chiếm | bao nhiêu | phần trăm" gives no "chiếm phần").
    """
    spans = interrogative_spans(folded) if len(text) == len(folded) else []
    if not spans:
        return terms(text)
    pieces, at = [], 0
    for start, end in spans:
        pieces.append(text[at:start])
        at = end
    pieces.append(text[at:])
    return [t for piece in pieces for t in terms(piece)]


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the text gives a document's number code (``DOCUMENT_CODE``)."""
    return [m.span() for m in DOCUMENT_CODE.finditer(text)]


def detect_language(text: str) -> str:
    """"vi" or "en": English when many words cannot be Vietnamese syllables.

    Rule (a document's number is no word of the question's language): a province's name
    and a document's number code are blanked first. A code keeps its issuer's letters
    as the document writes them ("968/QĐ-UBND"), and its Đ made "When was Ba Ria - Vung
    Tau's decision 968/QĐ-UBND issued?" read as Vietnamese: answered, and refused, in
    Vietnamese with an English question's terms."""
    rest = blank(text, [*province_spans(text), *code_spans(text)])
    if has_diacritics(rest):
        return "vi"
    tokens = [t for t in re.findall(r"[A-Za-z][A-Za-z'\-]*", fold(rest))
              if not is_abbreviation(t)]
    if not tokens:
        return "vi"
    foreign = sum(1 for t in tokens if not _VI_SYLLABLE.match(t.lower()))
    return "en" if foreign / len(tokens) >= 0.3 else "vi"


def is_abbreviation(token: str) -> bool:
    """An abbreviation, which says nothing about a question's language: in capitals (GRDP,
    ICT), or without a vowel, as officials type them in lower case ("kh cds", "tthc",
    "kts", "grdp", the "g" of "5g"). Counted as foreign words they made a terse
    Vietnamese question ("kh cds 2026 nghe an quyet dinh so") read as English. Nor is a
    plan abbreviation typed in lower case with a vowel in it (``abbreviations.tsv``: "dti",
    "ubnd", "ioc", "vneid"): "son la muc tieu dti 2025" was read as English, and answered so."""
    return (token.isupper() or not re.search(r"[aeiouy]", token, re.IGNORECASE)
            or abbreviation_key(token) in abbreviations())


def blank(text: str, spans: list[tuple[int, int, str]] | list[tuple[int, int]]) -> str:
    """The text with the given spans replaced by spaces (offsets stay valid)."""
    chars = list(text)
    for start, end, *_ in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


@lru_cache(maxsize=None)
def question_spellings() -> dict[str, str]:
    """The spellings of question words (``qa/data/question_spellings.tsv``), keyed like the
    collection's spelling table: folded syllables joined by "_"."""
    table = {}
    for number, (spelling,) in read_rows("question_spellings.tsv", 1):
        syllables = spelling.lower().split()
        if len(syllables) not in (1, 2):
            raise DataFileError("question_spellings.tsv", number, "one or two syllables a row")
        table["_".join(fold(s) for s in syllables)] = "_".join(syllables)
    return table


def restore_diacritics(text: str, spellings: dict[str, str],
                       frequency: Callable[[str], int] | None = None) -> str:
    """Put back diacritics on a question typed without them: the question words' own
    spellings (``question_spellings``) before the collection's most frequent ones,
    pairs of syllables first, then single ones. The result has the length of the
    input, so offsets into it stay valid.

    Where two known pairs overlap ("ho so" in "tong so ho so": "số hỗ" or "hồ sơ"; "da
    tiep nhan": "đã tiếp" or "tiếp nhận") the pairs are chosen together
    (``_chosen_pairs``), not greedily from the left: the left pair stole the syllable of
    the right one and spelled both wrong ("số hỗ số", "tiếp nhân").

    Rule (a code is not a word): the letters of a document's number code, typed in
    capitals or not ("09-NQ/TU", "59/kh-ubnd"), are left as typed (``_typed_code_spans``):
    "TU" had become "Tử", and the question was embedded with a code no document holds."""
    words = question_spellings()
    tokens = re.findall(r"\w+|\W+", text)
    starts = [0]
    for token in tokens:
        starts.append(starts[-1] + len(token))
    codes = _typed_code_spans(text)
    word_positions = [i for i, t in enumerate(tokens) if re.match(r"\w", t)
                      and not any(s <= starts[i] < e for s, e in codes)]
    out = list(tokens)
    candidates: dict[int, tuple[str, float]] = {}  # i -> (spelling of words i, i+1; weight)
    for i in range(len(word_positions) - 1):
        a, b = word_positions[i], word_positions[i + 1]
        key = f"{fold(tokens[a]).lower()}_{fold(tokens[b]).lower()}"
        if tokens[a + 1: b] != [" "]:
            continue
        if key in words:
            candidates[i] = (words[key], QUESTION_PAIR_WEIGHT)
        elif key in spellings:
            candidates[i] = (spellings[key], float(max(1, frequency(key))) if frequency else 1.0)
    paired = _chosen_pairs(candidates, len(word_positions))
    spelt: dict[int, str] = {}  # word number -> its spelling, from a chosen pair
    for i in paired:
        spelt[i], spelt[i + 1] = candidates[i][0].split("_", 1)
    for i, a in enumerate(word_positions):
        key = fold(tokens[a]).lower()
        if i not in spelt:
            single = words.get(key) or _spelt_by_neighbour(i, candidates, spelt) or spellings.get(key)
            if not single:
                continue
            spelt[i] = single
        out[a] = _same_case(tokens[a], spelt[i])
    return "".join(out)


def _spelt_by_neighbour(i: int, candidates: Mapping[int, tuple[str, float]], spelt: Mapping[int, str]) -> str | None:
    """Rule (a lone syllable is spelt as its neighbour's pair has it): the spelling of word
    ``i``, left out of the chosen pairs, from a known pair with a neighbour whose chosen
    spelling that pair agrees with (the heavier of the two); None when neither does. "hoc ky
    he": "học kỳ" is chosen, "kỳ hè" agrees with it, so "he" is "hè", not the collection's
    most frequent "hệ" of a syllable read alone."""
    options = []
    left, right = candidates.get(i - 1), candidates.get(i)
    if left and spelt.get(i - 1) == left[0].split("_", 1)[0]:
        options.append((left[1], left[0].split("_", 1)[1]))
    if right and spelt.get(i + 1) == right[0].split("_", 1)[1]:
        options.append((right[1], right[0].split("_", 1)[0]))
    return max(options)[1] if options else None


#: A pair of question words ("bao nhiêu", "ở đâu") outweighs any pair of the collection:
#: plans seldom write question words, so their counts say nothing about a question.
QUESTION_PAIR_WEIGHT = 1e12


def _chosen_pairs(candidates: Mapping[int, tuple[str, float]], n_words: int) -> set[int]:
    """The first words of the pairs to restore: non-overlapping pairs of the most weight
    altogether (each pair weighs its number of chunks in the collection), found by
    dynamic programming over the words; of equal totals, the one that pairs earlier
    words. With equal weights it pairs as many words as it can."""
    best = [0.0] * (n_words + 2)
    take = [False] * (n_words + 1)
    for i in range(n_words - 1, -1, -1):
        best[i] = best[i + 1]
        if i in candidates and candidates[i][1] + best[i + 2] >= best[i]:
            best[i], take[i] = candidates[i][1] + best[i + 2], True
    chosen: set[int] = set()
    i = 0
    while i < n_words:
        if take[i]:
            chosen.add(i)
            i += 2
        else:
            i += 1
    return chosen


def _typed_code_spans(text: str) -> list[tuple[int, int]]:
    """Where the text gives a document's number code, in capitals as the documents write
    it or in lower case as officials type it ("09-NQ/TU", "59/kh-ubnd")."""
    return [m.span() for m in _TYPED_CODE.finditer(text)]


#: ``DOCUMENT_CODE`` in either case: a number, then the issuer's letters after "/" or "-".
_TYPED_CODE = re.compile(DOCUMENT_CODE.pattern, re.IGNORECASE)


def _same_case(original: str, accented: str) -> str:
    if len(accented) != len(original):  # a spelling that would shift offsets is not used
        return original
    if original[:1].isupper():
        return accented[:1].upper() + accented[1:]
    return accented


def analyse(question: str, spellings: dict[str, str], known: Callable[[str], bool] = lambda term: True,
            acronyms: Mapping[str, tuple[str, ...]] | None = None,
            frequency: Callable[[str], int] | None = None) -> Query:
    """Analyse a question (already validated and normalised by the pipeline).

    ``acronyms`` are those the collection defines (``qa.retrieval.acronyms``): the question
    is searched with the other form of each it names.

    ``frequency`` is a BM25 term's number of chunks: it weighs the syllable pairs that
    restore a question typed without diacritics (``restore_diacritics``).

    ``known`` says whether a term occurs in the collection. In an English question an
    acronym it does not hold is not required of an answer, only counted as an
    untranslated word: English says "IT", "Q3" or "SME" where the plans say "CNTT",
    "quý III" or "DN nhỏ và vừa". A Vietnamese question's acronyms are the plans' own.
    """
    text = normalize(question).replace("\n", " ").strip()
    spans = province_spans(text)
    provinces = tuple(dict.fromkeys(name for _, _, name in spans))
    lang = detect_language(text)
    folded = fold(text).lower()
    unnamed = blank(text, spans)  # the question without the provinces it names
    translation = translate(unnamed) if lang == "en" else None
    vi_terms = translation.terms if translation else []
    translated_terms = [t for v in vi_terms for t in terms(v)] + expansion_terms(text, acronyms or {})
    # The text whose words say what is asked: with diacritics (restored if typed
    # without), without province names and comparison words. Rule (a province name
    # written with its diacritics): "Phú Thọ co bao nhieu phuong" is typed without them
    # all the same (a name is capitalised or picked from a list with its marks, the rest
    # typed bare), so only the words outside the names say whether to restore them.
    restored = (restore_diacritics(text, spellings, frequency) if lang == "vi" and not has_diacritics(unnamed)
                else text)
    asked = blank(restored, spans + [m.span() for m in _COMPARE_VI.finditer(folded)]
                   + [m.span() for m in _COMPARE_NAMED.finditer(folded)])
    mentioned = _required_terms(unnamed)
    required = mentioned if lang == "vi" else tuple(t for t in mentioned if known(t) or t[0].isdigit())
    if lang == "vi":
        dense_text = _name_provinces(restored, spans) if restored is not text else text
        concepts = with_synonyms(with_acronyms(tuple(((t,),) for t in _content_terms(asked)), asked, acronyms or {}),
                                 asked)
        translated_terms += synonym_terms(asked)
        untranslated: tuple[str, ...] = ()
    else:
        dense_text = f"{text} ({', '.join(vi_terms)})" if vi_terms else text
        translated = tuple(tuple(alt for alt in (_content_terms(v) for v in alternatives) if alt)
                           for alternatives in translation.matches)
        concepts = tuple(c for c in translated if c) + tuple(((t,),) for t in required)
        untranslated = tuple(dict.fromkeys(
            [w for w in translation.untranslated if w not in _QUESTION_WORDS_FOLDED]
            + [t for t in mentioned if t not in required]))
    superlative = bool(_COMPARE_EN.search(text) if lang == "en" else _COMPARE_VI.search(folded))
    return Query(
        text=text, lang=lang, provinces=provinces, years=tuple(sorted(set(own_years(text)))),
        dense_text=dense_text, bm25_terms=asked_terms(text, folded) + translated_terms,
        bm25_terms_in_scope=asked_terms(unnamed, folded) + translated_terms,
        concepts=concepts, untranslated=untranslated, required_terms=required,
        wants_comparison=(superlative and len(provinces) != 1) or compares_named(provinces, folded),
        ranks=superlative,
        wants_lowest=bool(_LOWEST.search(folded)),
        wants_list=bool(_LIST_EN.search(text) if lang == "en" else _LIST_VI.search(folded)),
        wants_figure=bool(_WANTS_FIGURE.search(folded)),
        asks_number=bool(_ASKS_NUMBER.search(folded)),
        wants_status=wants_status(text, folded, lang, unnamed),
        asks_which_province=not superlative and bool(_WHICH_PROVINCE.search(folded)),
        asks_which_agency=bool(_WHICH_AGENCY.search(folded)),
    )


def with_acronyms(concepts: tuple[tuple[tuple[str, ...], ...], ...], text: str,
                  acronyms: Mapping[str, tuple[str, ...]]) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The question's concepts with each defined full form it names ("chương trình tài
    năng") made one concept that its acronym ("CTTN") answers as well: a passage that
    writes the acronym holds what the question asks."""
    for key, form in defined_forms(text, acronyms):
        own = _content_terms(form)
        kept = tuple(c for c in concepts if not (len(c) == 1 and len(c[0]) == 1 and c[0][0] in own))
        if len(kept) < len(concepts):
            concepts = kept + ((own, (key,)),)
    return concepts


SYNONYMS_FILE = "vi_synonyms.tsv"


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The rows of ``qa/data/vi_synonyms.tsv``: phrases that name one thing in plans."""
    groups = []
    for line, (cell,) in read_rows(SYNONYMS_FILE, 1):
        phrases = tuple(p.strip() for p in cell.split("|") if p.strip())
        if len(phrases) < 2:
            raise DataFileError(SYNONYMS_FILE, line, "a row needs two phrases or more")
        groups.append(phrases)
    return tuple(groups)


@lru_cache(maxsize=1)
def _synonym_patterns() -> tuple[tuple[re.Pattern[str], ...], ...]:
    return tuple(tuple(re.compile(r"(?<!\w)" + re.escape(fold(p).lower()) + r"(?!\w)") for p in group)
                 for group in synonym_groups())


def _named_synonyms(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each synonym row the text names: the phrase it holds (the longest first) and the row."""
    folded = fold(text).lower()
    found = []
    for group, patterns in zip(synonym_groups(), _synonym_patterns()):
        held = [p for p, pattern in zip(group, patterns) if pattern.search(folded)]
        if held:
            found.append((max(held, key=len), group))
    return found


def with_synonyms(concepts: tuple[tuple[tuple[str, ...], ...], ...],
                  text: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Rule (a plan's word said in other words): the question's concepts with each phrase
    of a ``vi_synonyms.tsv`` row it names ("doanh nghiệp vừa và nhỏ", "ngân sách") made
    one concept that any phrase of the row answers ("doanh nghiệp nhỏ và vừa", "kinh phí"),
    as an English phrase's translations do: a passage in the plan's own words holds what
    the question asks in the official's."""
    for phrase, group in _named_synonyms(text):
        own = _content_terms(phrase)
        kept = tuple(c for c in concepts if not (len(c) == 1 and len(c[0]) == 1 and c[0][0] in own))
        if len(kept) < len(concepts):
            concepts = kept + (tuple(alt for alt in (_content_terms(p) for p in group) if alt),)
    return concepts


def synonym_terms(text: str) -> list[str]:
    """The BM25 terms of the other phrases of each synonym row the text names, so that a
    passage in the plan's own words is found (``with_synonyms``)."""
    return [t for phrase, group in _named_synonyms(text) for p in group if p != phrase for t in terms(p)]


def compares_named(provinces: Sequence[str], folded: str) -> bool:
    """The question names two provinces or more and asks to compare them ("so sánh Quảng Nam
    và Đồng Nai", "A hay B") or asks each one's figure ("Tỷ lệ … năm 2024 của Bắc Giang và
    Lâm Đồng là bao nhiêu?", "How many … do A and B have?"): either way every named
    province's figure is read (a figure asked of two provinces answered with one of them
    answered half the question). ``folded`` is the question folded and lower-cased."""
    return len(provinces) >= 2 and bool(_COMPARE_NAMED.search(folded) or _ASKS_NUMBER.search(folded))


def _required_terms(text: str) -> tuple[str, ...]:
    """Acronyms (2+ capitals) and figures other than years, folded and lower-cased."""
    found = re.findall(r"(?<![\w/])(?:[A-Z][A-Z0-9&]+|\d+(?:[.,/]\d+)*%?)(?![\w/])", fold(text))
    return tuple(dict.fromkeys(t.lower() for t in found if not is_year(t) and t not in ("4G", "5G")))


def _name_provinces(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The text with each province written the canonical way ("Dong Nai" -> "Đồng Nai")."""
    for start, end, name in sorted(spans, reverse=True):
        text = text[:start] + name + text[end:]
    return text


def _content_terms(text: str) -> tuple[str, ...]:
    """Folded syllables and syllable pairs of the text's content words.

    Question words are recognised with their diacritics where the text has them, and
    by their folded form only where it has none.
    """
    syllables = words(text)
    content = [not _is_question_word(w) and not is_year(w) for w in syllables]
    folded = [fold(w) for w in syllables]
    singles = [f for f, keep in zip(folded, content) if keep]
    pairs = [pair for pair, a, b in zip(bigrams(folded), content, content[1:]) if a and b]
    return tuple(dict.fromkeys(singles + pairs))


def _is_question_word(word: str) -> bool:
    return word in QUESTION_WORDS if has_diacritics(word) else word in _QUESTION_WORDS_FOLDED
