"""Conversation: a follow-up read against the turns before it, and the province a
question names winning over the chat's filter.

Officials talk to the assistant as to a colleague: "What is Hà Tĩnh's 2025 e-payment
target?", then "and for 2030?"; "muc tieu kinh te so Quang Nam 2025", then "còn Đồng
Nai thì sao?". Read alone, the follow-up names no province or no indicator, so it was
answered from the wrong plan or not at all. Here a turn is read as three slots - the
provinces it names, the years it names, and its topic (the indicator: the words left
once question words, follow-up cues, provinces and years are set aside). A follow-up
takes the previous turn's standalone question and puts its own slots into it; what it
does not say is carried over. A follow-up that asks in words of its own ("which sectors
does it prioritise?") is asked as typed, with the conversation's province put for "it"
or "tỉnh này". A full question with its own topic and province starts fresh. The standalone text is then asked as usual, and shown as ``Answer.understood``
so that a misreading is visible.

How the standalone question is written (each a named rule, with a test in
``tests/test_conversation.py``):

- "stance": a follow-up saying a target ("mục tiêu", "target") or what was achieved
  ("thực tế", "actually achieved") asks the previous question in that stance, the other
  stance's words taken out and its own written in ("Theo mục tiêu, …", "In fact, …");
  stance words are neither topic nor question words.
- "typed without diacritics": a conversation typed without diacritics gets its
  standalone written without them, so that the analysis restores it as typed.
- "insert before the closing words": a carried Vietnamese province or year goes after
  the indicator, before "đạt bao nhiêu", "là gì".
- "frame phrases": "bao nhiêu", "như thế nào" make a follow-up a question of its own.
- "words compared as typed": a word typed with diacritics matches a list word or a
  shared topic word only with the same ones ("thị" is not "thì", "độ" is not "đô").
- "measure words go with the indicator": a follow-up's own "tỷ lệ" replaces the
  previous "tỷ trọng"; "the shared word's window fits": a shorter topic replaces
  words of the previous one only where it fits within it, and only a word or two
  ("a window is a word or two": a longer topic replaces the whole); "the verb stays": an English
  topic ends with the glossary's last phrase in it ("digital economy contribute").
- "it is the document": "when was it issued?" after a question naming a plan is about
  the plan.
- "no follow-up dropped": a follow-up of generic words only ("And the number of the
  plan?") is asked in its own words, not replaced by the previous question.
- "a bare syllable of a collection pair is content": typed without diacritics, "tu"
  of "dien tu" is "tử" (the collection's spelling of the pair), not the question word
  "từ", and goes with the topic.
- "filler words are not measure words": "về" in "còn chỉ tiêu về hạ tầng?" is not
  grown into the topic in place of the previous measure word.
- "the counted thing is carried": "And how many has it resolved?" after "How many
  dossiers …" asks how many dossiers.
- "the head word stays": "What about the commune level?" after "… provincial-level
  work files …" replaces only the level ("commune-level work files").
- "a bare level is the level": "How about the communes?" after "… provincial level"
  replaces only "provincial", as "the commune level" would.
- "a year's possessive is the year": "2024's result" names 2024.
- "a part of the previous topic": "còn cấp xã của Long An?" after "… cấp tỉnh …", or
  "what about Long An's communes?" after "… provincial level", changes the level of
  the previous question for another province; it does not start a new one.
- "an acronym is content": "AI" is no "ai" (who); "ai" asks in words of its own
  ("ai chịu trách nhiệm …"), and a topic put in place of "ai ký …" takes the "ai".
- "a document's number is no term": "Số hiệu quyết định là gì?" after a question about
  a decision asks for that decision's number (or "người ký …" its signer), not what a
  term means, and is read against the turn before like any follow-up.
- "a year counted from the conversation's": "last year", "năm ngoái", "next year" are
  the year before or after the one the follow-up (else the previous question) names,
  written in before the follow-up is read ("What about last year's result?" after a
  2025 question asks about 2024).

Everything about a question's language, provinces and years comes from
:func:`qa.retrieval.query.analyse`; the word lists are ``qa/data/conversation_words.json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from qa.answering import intents
from qa.answering.reader import answer_types, kind_words, says
from qa.retrieval.glossary import english_stopwords, translated_spans
from qa.retrieval.provinces import canonical, describe, in_scope, province_spans
from qa.retrieval.query import QUESTION_WORDS, Query, question_spellings
from qa.text import fold, has_diacritics, is_year, own_years, year_starts
from qa.types import Answer, Citation, Document, Hit

if TYPE_CHECKING:  # the pipeline imports this module
    from qa.pipeline import Assistant

Analyse = Callable[[str], Query]

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*%?")
_QUESTION_WORDS_FOLDED = frozenset(fold(w) for w in QUESTION_WORDS)
#: An elliptical follow-up ("Đồng Nai?", "Đồng Nai 2030", "mục tiêu Đồng Nai?") has at
#: most this many words besides its provinces and years; more, and it is a question.
ELLIPSIS_WORDS = 2


def _words() -> dict[str, Any]:
    return intents.load_data("conversation_words.json")


# ----------------------------------------------------------------- slots

@dataclass(frozen=True)
class Token:
    """A word of a question and the part it plays in it, with its offsets."""

    text: str
    start: int
    end: int
    # "province", "year", "cue", "anaphora", "stance", "generic" or "topic"
    role: str
    # For an anaphora, how to write the province in its place ("{province}'s"), and
    # where the whole phrase ("tỉnh này") starts and ends.
    template: str = ""
    phrase: tuple[int, int] = (0, 0)
    # For a stance word, "target" or "status" (rule "stance", :func:`_stance_edit`).
    stance: str = ""


@dataclass(frozen=True)
class Slots:
    """What a question says, word by word: provinces, years, follow-up cues, words
    pointing back at a province, question words, and its topic."""

    text: str
    lang: str | None  # None when nothing but names and years shows the language
    tokens: tuple[Token, ...]
    provinces: tuple[tuple[int, int, str], ...]

    @property
    def years(self) -> list[Token]:
        return [t for t in self.tokens if t.role == "year"]

    @property
    def topic_words(self) -> list[Token]:
        return [t for t in self.tokens if t.role == "topic"]

    @property
    def anaphora(self) -> list[Token]:
        return [t for t in self.tokens if t.role == "anaphora"]

    @property
    def stances(self) -> set[str]:
        """The stances the question says: "target" ("mục tiêu", "target"), "status"
        ("thực tế", "actually achieved"), both or none."""
        return {t.stance for t in self.tokens if t.role == "stance"}

    @property
    def has_cue(self) -> bool:
        return any(t.role in ("cue", "anaphora") for t in self.tokens)

    @property
    def other_words(self) -> list[Token]:
        return [t for t in self.tokens if t.role not in ("province", "year")]

    def has_frame(self) -> bool:
        """Whether it asks in words of its own ("which sectors does it prioritise?"),
        beyond a topic and cues ("what about fibre?")."""
        # Phrases of several words ("bao nhiêu", "như thế nào") count as one: a word of
        # them alone ("bao", "nhiêu") matched no frame word, and "đã tiếp nhận bao nhiêu
        # hồ sơ?" was put into the previous question as a topic.
        for start, end in _find(tuple(_words()["frame"]["en" if self.lang == "en" else "vi"]), self.text):
            inside = [t for t in self.tokens if start <= t.start and t.end <= end]
            if inside and all(t.role == "generic" for t in inside):
                return True
        return False

    def topic_span(self) -> tuple[int, int] | None:
        """The stretch of the text that holds the topic: of the runs of words between
        provinces, years, cues and anaphora, the one with most topic words, from its
        first topic word to its last."""
        best: list[Token] = []
        run: list[Token] = []
        for token in (*self.tokens, None):
            if token is None or token.role in ("province", "year", "cue", "anaphora", "stance"):
                if len([t for t in run if t.role == "topic"]) > len([t for t in best if t.role == "topic"]):
                    best = run
                run = []
            else:
                run.append(token)
        topic = [t for t in best if t.role == "topic"]
        return (topic[0].start, topic[-1].end) if topic else None


def read_slots(text: str, lang: str | None, spellings: Mapping[str, str] | None = None) -> Slots:
    """The slots of a question (``lang`` as :func:`qa.retrieval.query.analyse` found it;
    ``spellings``: the collection's, for rule "a bare syllable of a collection pair is
    content")."""
    words = _words()
    spans = tuple((s, e, name) for s, e, name in province_spans(text))
    langs = ("vi", "en") if lang is None else ("en" if lang == "en" else "vi",)
    anaphora = [(start, end, template) for code in langs
                for phrase, template in _anaphora_table(code) for start, end in _find((phrase,), text)]
    cues = [span for code in langs for span in _find(tuple(words["cues"][code]), text)]
    generic = [span for code in langs for span in _find(tuple(words["generic"][code]), text)]
    stances = [(start, end, kind) for code in langs for kind, table in words["stance"].items()
               for start, end in _find(tuple(table[code]), text)]
    matches = list(_TOKEN.finditer(text))
    named_years = year_starts(text)  # not "2026" of "Nghị định 45/2026/NĐ-CP"
    paired = _paired_content(text, matches, spellings) if lang != "en" else set()
    tokens: list[Token] = []
    for i, m in enumerate(matches):
        word = m.group(0)
        inside = [a for a in anaphora if a[0] <= m.start() and m.end() <= a[1]]
        stance = [kind for s, e, kind in stances if s <= m.start() and m.end() <= e]
        bare_year = _possessive_year(word)
        if any(s < m.end() and m.start() < e for s, e, _ in spans):
            role = "province"
        elif bare_year and m.start() in named_years:
            # Rule "a year's possessive is the year": "2024's result" names 2024; read as
            # a topic word, "how about 2024's result?" asked "… figure for the 2024's?".
            word, role = bare_year, "year"
            tokens.append(Token(word, m.start(), m.start() + len(word), role))
            continue
        elif inside:
            role = "anaphora"
        elif any(s <= m.start() and m.end() <= e for s, e in cues):
            role = "cue"
        elif stance:
            role = "stance"
        elif (_is_place(word, matches, i, spans) or (_is_question_word(word, lang) and i not in paired)
              or (any(s <= m.start() and m.end() <= e for s, e in generic) and not _acronym(word))) \
                and not _names_level(text, matches, i, lang):
            role = "generic"
        else:
            role = "topic"
        tokens.append(Token(word, m.start(), m.end(), role, inside[0][2] if inside else "",
                            inside[0][:2] if inside else (0, 0), stance[0] if role == "stance" else ""))
    if len({t.stance for t in tokens if t.role == "stance"}) > 1:
        # Both stances ("bao nhiêu chỉ tiêu đã đạt được"): the words name what is counted.
        tokens = [replace(t, role="topic", stance="") if t.role == "stance" else t for t in tokens]
    letters = any(t.role not in ("province", "year") and not t.text.isdigit() for t in tokens)
    return Slots(text, lang if letters else None, tuple(tokens), spans)


def _possessive_year(word: str) -> str:
    """The year a word names, with or without an English possessive ("2024", "2024's"),
    or "" when it names none."""
    bare = re.sub(r"['’]s$", "", word)
    return bare if is_year(bare) else ""


def _names_level(text: str, matches: Sequence[re.Match[str]], i: int, lang: str | None) -> bool:
    """Rule "the head word stays", in the slots: a ``level_names`` word right before a
    head ("provincial" in "and at provincial level?") names the level asked about,
    though elsewhere it only asks ("provincial" is a stop word of the glossary); read
    as a stop word, the follow-up had no topic and was asked as typed."""
    if lang != "en" or i + 1 >= len(matches) or text[matches[i].end(): matches[i + 1].start()] != " ":
        return False
    return (matches[i + 1].group(0).lower() in _words()["heads"]["en"]
            and matches[i].group(0).lower() in _words()["level_names"]["en"])


def _acronym(word: str) -> bool:
    """Rule "an acronym is content": a word written in capitals ("AI", "CNTT") names
    something, even where its letters spell a question word ("ai", who)."""
    return len(word) > 1 and word.isupper()


def _paired_content(text: str, matches: Sequence[re.Match[str]], spellings: Mapping[str, str] | None) -> set[int]:
    """Rule "a bare syllable of a collection pair is content": the words typed without
    diacritics that the collection's spellings restore, paired with the word next to
    them, as a word no question is made of ("dien tu" is "điện tử", so its "tu" is not
    "từ"; "tai khoan" is "tài khoản", not "tại"; "ty trong" is "tỷ trọng", not "trong").
    Read folded as question words, they were cut off the topic: "ty trong thuong mai
    dien tu" left "tu" behind when a follow-up replaced it ("… ve tai khoan thanh toan
    tu dat bao nhieu"). Words are paired left to right as
    :func:`qa.retrieval.query.restore_diacritics` pairs them, the question words' own
    pairs ("bao nhiêu") first."""
    if not spellings:
        return set()
    asked = question_spellings()
    found: set[int] = set()
    i = 0
    while i + 1 < len(matches):
        a, b = matches[i], matches[i + 1]
        key = f"{fold(a.group(0)).lower()}_{fold(b.group(0)).lower()}"
        if text[a.end(): b.start()] != " " or not (key in asked or key in spellings):
            i += 1
            continue
        if key not in asked:
            for j, (m, spelt) in enumerate(zip((a, b), spellings[key].split("_", 1))):
                if m.group(0).isalpha() and not has_diacritics(m.group(0)) and spelt.lower() not in QUESTION_WORDS:
                    found.add(i + j)
        i += 2
    return found


@lru_cache(maxsize=32)
def _phrases(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word alternatives over folded lower-cased text (offsets as in the text)."""
    forms = sorted({fold(c).lower() for c in phrases}, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms)
    return re.compile(rf"(?<![\w'’])(?:{body})(?![\w'’])")


def _find(phrases: tuple[str, ...], text: str) -> list[tuple[int, int]]:
    """Rule "words compared as typed": where the phrases occur in the text, as whole
    words, matched without diacritics but refused where a word typed with diacritics
    has other ones than the phrase's ("thị" in "đô thị" is not the cue "thì", "độ" is
    not "đô"). A word typed without any matches every accented form."""
    found = []
    forms = _typed_forms(phrases)
    for m in _phrases(phrases).finditer(fold(text).lower()):
        typed = text[m.start(): m.end()].lower().split()
        if any(all(not has_diacritics(a) or a == b for a, b in zip(typed, form))
               for form in forms.get(tuple(fold(w) for w in typed), ())):
            found.append(m.span())
    return found


@lru_cache(maxsize=32)
def _typed_forms(phrases: tuple[str, ...]) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """The phrases' words lower-cased, keyed by their folded words."""
    forms: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.lower().split())
        forms.setdefault(tuple(fold(w) for w in words), []).append(words)
    return forms


@lru_cache(maxsize=2)
def _anaphora_table(lang: str) -> list[tuple[str, str]]:
    table = _words()["anaphora"][lang]
    return sorted(table.items(), key=lambda kv: -len(kv[0]))


def _is_place(word: str, matches: list[re.Match[str]], i: int, spans: Sequence[tuple[int, int, str]]) -> bool:
    """"tỉnh" before a province or a determiner ("tỉnh nào", "which province") only
    introduces one; elsewhere ("cấp tỉnh") it is content."""
    places = _words()["places"]
    key = fold(word).lower()
    if key not in {fold(w).lower() for w in places["words"]}:
        return False
    after = matches[i + 1] if i + 1 < len(matches) else None
    before = matches[i - 1] if i > 0 else None
    if after is not None and any(s <= after.start() < e for s, e, _ in spans):
        return True
    if after is not None and fold(after.group(0)).lower() in {fold(w) for w in places["determiners_after"]}:
        return True
    return before is not None and before.group(0).lower() in places["determiners_before"]


def _is_question_word(word: str, lang: str | None) -> bool:
    """A word that asks without naming an indicator (qa.retrieval.query's and qa.retrieval.glossary's
    lists; a Vietnamese word typed without diacritics is matched folded)."""
    lower = word.lower()
    base = re.sub(r"['’]s$", "", lower)
    if lang == "en":
        return lower in english_stopwords() or base in english_stopwords() or not base
    return lower in QUESTION_WORDS or (lower == fold(lower) and lower in _QUESTION_WORDS_FOLDED)


# ----------------------------------------------------------------- resolution

@dataclass(frozen=True)
class Resolution:
    """The question to ask: the follow-up made standalone, or the question as asked."""

    text: str
    query: Query
    understood: str | None  # None when the question stood alone


def previous_turn(history: Sequence[Answer]) -> Answer | None:
    """The latest turn that asked something (greetings are skipped)."""
    for turn in reversed(history):
        if turn.intent != "greeting":
            return turn
    return None


def resolve(text: str, query: Query, history: Sequence[Answer], analyse: Analyse,
            collection: Sequence[str] = (), spellings: Mapping[str, str] | None = None) -> Resolution:
    """Read a question against the conversation so far.

    - A question with its own topic and province, or a comparison of its own, starts
      fresh (only leading and trailing cues such as "còn … thì sao" are dropped).
    - An elliptical follow-up ("and for 2030?", "còn Đồng Nai thì sao?", "what about
      fibre?") is the previous standalone question with its own provinces, years or
      topic put in place; what it does not say is carried over.
    - A follow-up that asks in words of its own ("which sectors does it prioritise?")
      is asked as typed, with the conversation's province put for "it" / "tỉnh này",
      or added, and the year carried when it names none.

    ``collection`` lists the provinces with a plan: an answer from one province's plan
    carries that province to a follow-up of a question that named none. ``spellings``
    are the collection's (rule "a bare syllable of a collection pair is content").
    """
    alone = Resolution(text, query, None)
    before = previous_turn(history)
    if before is None or (intents.definition_term(text, query) is not None
                          and not asks_of_document(text, query)):
        return alone
    prev_text = before.understood or before.question
    counted = counted_years(text, prev_text)
    if counted is not None:
        text, query = counted, analyse(counted)
        alone = Resolution(text, query, text)
    now = read_slots(_display(query), query.lang if _shows_language(query) else None, spellings)
    summary = intents.summary_requested(text, query)
    own_topic = bool(now.topic_words) and not summary
    if own_topic and (query.wants_comparison or query.asks_which_province):
        return _fresh(now, query, analyse)
    if not own_topic and not summary and now.provinces and not now.has_cue \
            and len(now.other_words) > ELLIPSIS_WORDS:
        return alone  # "Mục tiêu của Đồng Nai là gì?": a question of its own
    # The previous question is analysed only past the returns above, which do without it.
    prev_query = analyse(prev_text)
    prev = read_slots(_display(prev_query), prev_query.lang, spellings)
    if own_topic and now.provinces and not _part_of_previous(prev, now):
        return _fresh(now, query, analyse)
    answered = _answered_province(before, prev_query, collection)
    # A question across the provinces names none ("Where does Hà Tĩnh aim to rank?" is no such question).
    cross = (prev_query.wants_comparison or prev_query.asks_which_province) and not prev.provinces
    named_before = [p for _, _, p in prev.provinces] or ([answered] if answered and not cross else [])
    if summary:
        if now.provinces or not (named_before or answered):
            return alone
        standalone = _insert(now.text, now.lang or prev.lang or "vi", named_before or [answered], ())
    elif (own_topic and (now.has_frame() or (now.anaphora and cross))) or _words_of_its_own(now):
        referent = named_before or ([answered] if answered else [])
        standalone = _own_words(now, prev, referent)
    elif cross and now.provinces and not own_topic and _which_place(prev):
        standalone = _answer_for(prev, now)
    else:
        standalone = _substitute(prev, now, named_before if not prev.provinces else [])
    if _typed_without_diacritics(now, prev):
        standalone = fold(standalone)
    if fold(standalone).lower() == fold(text).lower():
        return alone
    return _asked(standalone, now, analyse)


#: The kinds of answer (:func:`qa.answering.reader.answer_types`) that belong to a
#: document, not to a term: its number and who signed it.
DOCUMENT_ATTRIBUTES = frozenset({"docnumber", "signer"})


def asks_of_document(text: str, query: Query) -> bool:
    """Rule "a document's number is no term": a follow-up shaped "X là gì?" that asks
    for a document's number or signer ("Số hiệu quyết định là gì?" after "Quyết định phê
    duyệt chiến lược … của tỉnh được ban hành ngày nào?") asks about the document just
    spoken of, not what a term means. Taken for a definition it was asked alone, without
    the conversation's province, and refused ("… không nêu định nghĩa của “Số hiệu quyết
    định”")."""
    return bool(answer_types(text, query.lang or "vi") & DOCUMENT_ATTRIBUTES)


def counted_years(text: str, previous: str) -> str | None:
    """Rule "a year counted from the conversation's": the follow-up with its
    ``relative_years`` phrases ("last year", "năm ngoái", "next year's") written as the
    year they count to, from the one year the follow-up names, else the one year the
    previous question names; None when it has none or no single year to count from.
    Left as typed, "last year's" was read as a topic ("… 2025 figure for the last
    year's?") and the year of the previous question was asked again. The years named
    are each question's own (``qa.text.own_years``, as the reader and the question's
    analysis read them): "so với năm 2023" names the baseline of a comparison, not the
    year counted from, so "năm ngoái tăng bao nhiêu so với năm 2023?" after a question
    about 2025 asks about 2024, not 2022."""
    words = _words()
    base = sorted(set(own_years(text))) or sorted(set(own_years(previous)))
    if len(base) != 1:
        return None
    edits: list[tuple[int, int, str]] = []
    for code, table in words["relative_years"].items():
        form = words["relative_year_form"][code]
        for phrase, step in sorted(table.items(), key=lambda kv: -len(kv[0])):
            for start, end in _find((phrase,), text):
                if not any(s < end and start < e for s, e, _ in edits):
                    # typed without diacritics ("nam ngoai"), written without them ("nam 2024")
                    written = form if has_diacritics(text[start:end]) else fold(form)
                    edits.append((start, end, written.format(year=base[0] + step)))
    if not edits:
        return None
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _bare(*questions: Slots) -> bool:
    """Whether the questions' words, province names aside, carry no diacritics."""
    own = [t.text for slots in questions for t in slots.tokens if t.role != "province"]
    return bool(own) and not any(has_diacritics(word) for word in own)


def _typed_without_diacritics(now: Slots, prev: Slots) -> bool:
    """Whether a Vietnamese conversation is typed without diacritics: the follow-up's
    words and the previous question's, province names aside, carry none (a follow-up of
    names and years only, "con Dong Nai", goes by the previous question). Its standalone
    question is then written without them too ("... cua Dong Nai nam 2030"), as the
    official typed it: with "của", "năm" or "Đồng Nai" written in, the question would
    no longer read as typed without diacritics, and the analysis would not restore
    its other words ("tru cot" stays unread beside "trụ cột")."""
    lang = now.lang or prev.lang
    if lang == "en" or prev.lang == "en":
        return False
    return _bare(now, prev)


def _words_of_its_own(now: Slots) -> bool:
    """Rule "no follow-up dropped": a follow-up that names no topic, stance, province
    or year yet says more than cues and filler words ("And the number of the plan?":
    "number" and "plan" are generic words) asks something of its own; put into the
    previous question it would vanish, and the previous question would be answered
    again as if it were the follow-up."""
    if now.topic_words or now.stances or now.provinces or now.years:
        return False
    filler = {fold(w).lower() for w in _words()["filler"]["en" if now.lang == "en" else "vi"]}
    return any(t.role == "generic" and fold(t.text).lower() not in filler for t in now.tokens)


def _asked(standalone: str, now: Slots, analyse: Analyse) -> Resolution:
    """The standalone question analysed, answered in the language of the turn."""
    resolved = analyse(standalone)
    if now.lang and resolved.lang != now.lang:
        resolved = replace(resolved, lang=now.lang)
    return Resolution(standalone, resolved, standalone)


def _display(query: Query) -> str:
    """The question with its provinces named the canonical way ("Dong Nai" ->
    "Đồng Nai"), so that a standalone question names them as the plans do. Its other
    words stay as typed: restoring a question's diacritics can misread it ("muc tieu"
    -> "mức tiêu", "tom tat" -> "tom tất"), and a misreading shown as the understood
    question would mislead. (Restored, the dev follow-ups gained one turn: BM25 then
    tells "thanh toán điện tử" from "toàn diện"; not worth a visible misreading.)"""
    text = query.text
    for start, end, name in sorted(province_spans(text), reverse=True):
        text = text[:start] + name + text[end:]
    return text


def _shows_language(query: Query) -> bool:
    """Whether the question has words besides province names and years ("2030?" has not)."""
    return read_slots(query.text, query.lang).lang is not None


def _answered_province(before: Answer, prev_query: Query, collection: Sequence[str]) -> str | None:
    """The province of the plan the previous answer came from, when that question named
    none ("Which province …?" -> "Đồng Nai"): the document carried over."""
    if prev_query.provinces or before.abstained or before.intent not in ("answer", "comparison"):
        return None
    cited = [c for c in before.citations if c.cited] or before.citations[:1]
    province = cited[0].province if cited else None
    return province if province and (not collection or province in collection) else None


def _part_of_previous(prev: Slots, now: Slots) -> bool:
    """Rule "a part of the previous topic": a follow-up naming a province and a topic
    that only changes part of the previous one - a level before its head ("what about
    Long An's communes?" after "… at the provincial level", rule "the head word
    stays"), or, in Vietnamese, a word or two opening with the previous topic's word
    ("còn cấp xã của Long An năm 2024?" after "… cấp tỉnh …": the same head noun, another
    modifier) - is elliptical: asked alone, "Cấp xã của Long An năm 2024?" had lost the
    indicator. A topic of its own that opens otherwise ("còn chữ ký số của Bến Tre?")
    is still a new question."""
    span, old = now.topic_span(), prev.topic_span()
    if span is None or old is None or now.has_frame():
        return False
    if prev.lang == "en" or now.lang == "en":
        return bool(_head_edit(prev, now, span, old))
    new_words = [t for t in now.tokens if span[0] <= t.start and t.end <= span[1]]
    old_words = [t for t in prev.tokens if old[0] <= t.start and t.end <= old[1]]
    if not 0 < len(new_words) <= ELLIPSIS_WORDS or len(new_words) >= len(old_words):
        return False
    typed = not (_typed_without_diacritics(now, prev) or _bare(now) or _bare(prev))
    keys = [t.text.lower() if typed else fold(t.text).lower() for t in old_words]
    first = new_words[0].text.lower() if typed else fold(new_words[0].text).lower()
    return first in keys and keys.index(first) + len(new_words) <= len(old_words)


def _fresh(now: Slots, query: Query, analyse: Analyse) -> Resolution:
    """A question of its own: as asked, or without the cues it opens or ends with
    ("còn chữ ký số của Bến Tre thì sao?"), which no plan holds."""
    start, end = _core(now)
    if not any(t.role == "cue" and (t.end <= start or t.start >= end) for t in now.tokens):
        return Resolution(query.text, query, None)
    standalone = _finish(now, now.text[start:end])
    if now.lang != "en" and _bare(now):  # rule "typed without diacritics", as in resolve
        standalone = fold(standalone)
    return _asked(standalone, now, analyse)


def _core(now: Slots) -> tuple[int, int]:
    """Where the question's words begin and end, leaving out the cues it opens or
    ends with ("còn", "what about", "thì sao")."""
    kept = list(now.tokens)
    while kept and kept[0].role == "cue":
        kept.pop(0)
    while kept and kept[-1].role == "cue":
        kept.pop()
    return (kept[0].start, kept[-1].end) if kept else (0, len(now.text))


def _finish(now: Slots, body: str) -> str:
    """A question's core made a sentence again: capital first, its question mark kept."""
    end = now.text.rstrip()[-1:]
    return body[:1].upper() + body[1:] + (end if end in "?!." and not body.endswith(end) else "")


def _own_words(now: Slots, prev: Slots, referent: Sequence[str]) -> str:
    """A follow-up asked in its own words, with the province put for "it" / "tỉnh
    này" (or added when it has no such word) and the previous year added when it
    names none."""
    start, end = _core(now)
    body = now.text[start:end]
    lang = now.lang or prev.lang or "vi"
    name = _words()["insert"]["en" if lang == "en" else "vi"]["and"].join(referent)
    replaced = False
    phrases = {t.phrase: t.template for t in now.anaphora}
    document = _document_named(prev) if lang == "en" and says("document_events", fold(now.text).lower(), "en") else None
    for (first, last), template in sorted(phrases.items(), reverse=True):
        if name and start <= first and last <= end:
            if document:
                template = _words()["anaphora_document"]["en"].get(now.text[first:last].lower(), template)
            body = body[: first - start] + template.format(province=name, document=document) + body[last - start:]
            replaced = True
    years = [t.text for t in prev.years] if not now.years else []
    return _insert(_counted(now, prev, _finish(now, body)), lang, [] if replaced else list(referent), years)


def _counting(slots: Slots) -> list[tuple[int, int, str]]:
    """Where the question asks "how many" ("how many", "bao nhiêu"), and the words it
    counts: the topic words right after it ("dossiers" in "How many dossiers has …")."""
    lang = "en" if slots.lang == "en" else "vi"
    out = []
    for start, end in _find(tuple(_words()["counting"][lang]), slots.text):
        after = [t for t in slots.tokens if t.start >= end]
        counted = []
        for t in after:
            if t.role != "topic" or slots.text[(counted[-1].end if counted else end): t.start].strip():
                break
            counted.append(t)
        out.append((start, end, slots.text[counted[0].start: counted[-1].end] if counted else ""))
    return out


def _counted(now: Slots, prev: Slots, standalone: str) -> str:
    """Rule "the counted thing is carried": a follow-up asking "how many" in its own
    words without saying of what ("And how many has it resolved?" after "How many
    dossiers has Ca Mau's new administrative-procedure system received online?") counts
    what the previous question counted: "How many dossiers has Cà Mau resolved?".
    Without it the standalone question asked how many of nothing, and the reader found
    no figure to answer with."""
    asked, before = _counting(now), _counting(prev)
    counted = next((what for _, _, what in before if what), "")
    if not asked or asked[0][2] or not counted or (prev.lang == "en") != (now.lang == "en"):
        return standalone
    # Only where nothing is counted: the question ends there or goes on with its verb
    # ("how many has it …"), not with a measure ("bao nhiêu phần trăm", "how much of").
    following = [t for t in now.tokens if t.start >= asked[0][1]]
    frame = {fold(w).lower() for w in _words()["frame"]["en" if now.lang == "en" else "vi"]}
    if following and fold(following[0].text).lower() not in frame:
        return standalone
    phrase = now.text[asked[0][0]: asked[0][1]]
    at = fold(standalone).lower().find(fold(phrase).lower())
    if at < 0:
        return standalone
    end = at + len(phrase)
    return standalone[:end] + " " + counted + standalone[end:]


def _document_named(prev: Slots) -> str | None:
    """Rule "it is the document": the kind of document an English question names
    ("plan" in "Who signed Hung Yen's 2026 digital transformation plan?"), for an "it"
    in a follow-up asking what happened to it ("And when was it issued?" -> "When was
    Hưng Yên's plan issued in 2026?", not "When was Hưng Yên issued …?")."""
    folded = fold(prev.text).lower()
    for word, _kind in kind_words("en"):
        if re.search(rf"\b{re.escape(word)}\b", folded):
            return word
    return None


def _substitute(prev: Slots, now: Slots, carried: Sequence[str]) -> str:
    """The previous question with the follow-up's provinces, years and topic put in
    place of its own, and added where it had none (``carried``: a province the
    previous answer came from, added when neither question names one)."""
    edits: list[tuple[int, int, str]] = []
    lang = prev.lang or "vi"
    joiner = _words()["insert"]["en" if lang == "en" else "vi"]["and"]
    new_provinces = [name for _, _, name in now.provinces]
    if new_provinces and prev.provinces:
        edits += _replace_all([(s, e) for s, e, _ in prev.provinces], new_provinces, joiner)
    new_years = [t.text for t in now.years]
    if new_years and prev.years:
        edits += _replace_all([(t.start, t.end) for t in prev.years], new_years, joiner)
    if now.topic_words:
        edits += _topic_edit(prev, now)
    stance = _new_stance(prev, now)
    if stance and lang != "en":
        keep = {fold(w).lower() for w in _words()["stance_keep"]["vi"]}
        edits += [(t.start, t.end, "") for t in prev.tokens
                  if t.role == "stance" and t.stance != stance and fold(t.text).lower() not in keep]
    text = prev.text
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    if prev.text[:1].isupper():  # a topic put first keeps the question's capital
        text = text[:1].upper() + text[1:]
    insert_provinces = new_provinces if (new_provinces and not prev.provinces) else (
        list(carried) if not new_provinces and not prev.provinces else [])
    insert_years = new_years if (new_years and not prev.years) else []
    text = _insert(_tidy(text), lang, insert_provinces, insert_years)
    return _stance_edit(text, prev, stance) if stance else text


def _new_stance(prev: Slots, now: Slots) -> str | None:
    """Rule "stance": the stance a follow-up asks in ("target" or "status") when it
    says one ("How about Vinh Phuc's 2030 target?", "Kết quả thực tế năm 2022 thì sao?",
    "And how much had it actually achieved?", "Còn mục tiêu thanh toán điện tử?") and
    the previous question is not in that stance already."""
    if len(now.stances) != 1:
        return None
    (stance,) = now.stances
    return None if prev.stances == {stance} else stance


def _stance_edit(text: str, prev: Slots, stance: str) -> str:
    """The previous question (provinces and years already put in) asked in the
    follow-up's stance: the other stance's words taken out (Vietnamese: its phrases,
    removed in :func:`_substitute`; English: the ``stance_rewrite`` patterns, "is X
    targeted to reach" -> "did X reach", "target" -> "figure"), and the stance written
    in with ``stance_insert`` ("Theo mục tiêu, …", "In fact, …"). Without it a
    follow-up's "target" was dropped and the achieved figure answered a target
    question, or a target answered "what was actually achieved"."""
    lang = "en" if prev.lang == "en" else "vi"
    words = _words()
    if lang == "en":
        for pattern, replacement in words["stance_rewrite"]["en"][stance]:
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
        text = _tidy(text)
    first = _TOKEN.search(text)
    starts_with_name = first is not None and (
        any(s <= first.start() < e for s, e, _ in province_spans(text)) or first.group(0).isupper())
    body = text if starts_with_name or first is None else text[:first.start()] + text[first.start()].lower() + text[first.start() + 1:]
    return words["stance_insert"][lang][stance].format(question=body.strip())


def _tidy(text: str) -> str:
    """Spaces closed up where words were taken out."""
    text = re.sub(r"\s+([?!.,;:])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return re.sub(r"^[,;:\s]+", "", text)


def _which_place(slots: Slots) -> list[tuple[int, int]]:
    """Where a question asks "which province" ("tỉnh nào", "which province")."""
    words = _words()["which_place"]["en" if slots.lang == "en" else "vi"]
    return _find(tuple(words), slots.text)


def _answer_for(prev: Slots, now: Slots) -> str:
    """A question across provinces asked of the provinces a follow-up names: "Tỉnh nào
    có mục tiêu kinh tế số cao nhất?" + "còn Hà Tĩnh?" -> "Hà Tĩnh có mục tiêu kinh tế
    số?". One province is asked for its figure (the superlative goes); several are
    compared. Years the follow-up names replace the question's."""
    lang = "en" if prev.lang == "en" else "vi"
    names = [name for _, _, name in now.provinces]
    edits = [(start, end, _words()["insert"][lang]["and"].join(names)) for start, end in _which_place(prev)[:1]]
    if len(names) == 1:
        edits += [(start, end, "") for start, end in _find(tuple(_words()["superlatives"][lang]), prev.text)]
    new_years = [t.text for t in now.years]
    if new_years and prev.years:
        edits += _replace_all([(t.start, t.end) for t in prev.years], new_years, " ")
    text = prev.text
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    text = re.sub(r"\s+([?!.,])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return _insert(text[:1].upper() + text[1:], lang, [], new_years if not prev.years else [])


def _replace_all(spans: list[tuple[int, int]], names: list[str], joiner: str) -> list[tuple[int, int, str]]:
    """Edits putting ``names`` in place of ``spans``: one for one when they are as
    many, else all of them in place of the first."""
    if len(spans) == len(names):
        return [(s, e, n) for (s, e), n in zip(spans, names)]
    return [(spans[0][0], spans[0][1], joiner.join(names) if len(names) < 3
             else ", ".join(names[:-1]) + joiner + names[-1])]


def _topic_edit(prev: Slots, now: Slots) -> list[tuple[int, int, str]]:
    """The follow-up's topic in place of the previous one. A shorter topic that shares
    its first or last word with the previous one replaces only as many words there
    ("còn cấp huyện?" after "hồ sơ công việc cấp tỉnh" keeps "hồ sơ công việc"); a
    lone number replaces the previous topic's number ("and level 3?")."""
    span = now.topic_span()
    old = prev.topic_span()
    if span is None or old is None:
        return []
    if prev.lang == "en":
        head = _head_edit(prev, now, span, old)
        if head:
            return head
        old = _indicator_end(prev, old)
    new_text = now.text[span[0]: span[1]]
    new_words = [t for t in now.tokens if span[0] <= t.start and t.end <= span[1]]
    old_words = [t for t in prev.tokens if old[0] <= t.start and t.end <= old[1]]
    # Rule "words compared as typed": when both questions carry diacritics a shared word
    # is the same word with them ("độ" in "mức độ 4" is not "đô" in "đô thị"); folded, the
    # two were one and "dịch vụ công … mức độ 4" went into the middle of "đô thị thông minh".
    typed = not (_typed_without_diacritics(now, prev) or _bare(now) or _bare(prev))

    def key(t: Token) -> str:
        return t.text.lower() if typed else fold(t.text).lower()

    keys = [key(t) for t in old_words]
    n = len(new_words)
    if n == 1 and new_words[0].text.isdigit():
        numbers = [t for t in old_words if t.text.isdigit()]
        if numbers:
            return [(numbers[0].start, numbers[0].end, new_text)]
    if 0 < n < len(old_words) and n <= ELLIPSIS_WORDS:
        # Rule "a window is a word or two": a longer topic is an indicator of its own and
        # replaces the whole; typed without diacritics, "ho so TTHC truc tuyen" shares
        # "ho" (hồ, not hộ) with "ho gia dinh co cap quang" and left "quang" behind.
        # Rule "the shared word's window fits": the words replaced lie within the previous
        # topic ("số hiệu" shares "số" with the end of "chuyển đổi số", where no two
        # words start with it: it is another word, not "cấp huyện" for "cấp tỉnh").
        first, last = key(new_words[0]), key(new_words[-1])
        if first in keys and keys.index(first) + n <= len(old_words):
            window = old_words[keys.index(first): keys.index(first) + n]
            return [(window[0].start, window[-1].end, new_text)]
        if last in keys and keys.index(last) - n + 1 >= 0:
            j = keys.index(last)
            window = old_words[j - n + 1: j + 1]
            return [(window[0].start, window[-1].end, new_text)]
    if now.lang != "en" and prev.lang != "en":
        # Rule "measure words go with the indicator": the follow-up's own "tỷ lệ" (or a
        # word cut off its topic, "tử" of "điện tử" typed "tu") is part of what it asks,
        # and replaces the previous question's ("tỷ trọng …" -> "tỷ lệ …", not "tỷ tỷ lệ …").
        grown = _grown(now, span, right=True)
        if grown[0] < span[0]:
            old = _grown(prev, old, right=False)
        return [(_subject_start(prev, old[0]), old[1], now.text[grown[0]: grown[1]])]
    return [(old[0], old[1], new_text)]


def _head_edit(prev: Slots, now: Slots, span: tuple[int, int], old: tuple[int, int]) -> list[tuple[int, int, str]]:
    """Rule "the head word stays": an English follow-up naming a new word for a head
    word the previous topic has ("What about the commune level?" after "… Quang Binh's
    provincial-level work files …") replaces only the word before that head, written
    as the previous question writes it ("commune-level work files"), not the whole
    topic ("What share of Quảng Bình's commune in 2022?", which asks nothing). The
    head is the word right after the follow-up's topic, or the second part of its
    hyphenated last word ("district-level"), one of the ``heads`` (a level: in "the
    digital economy share", "share" is no head, and "of retail sales" after it went
    with the e-commerce share it replaced)."""
    topic = [t for t in now.tokens if span[0] <= t.start and t.end <= span[1]]
    after = [t for t in now.tokens if t.start >= span[1]]
    last = topic[-1].text if topic else ""
    heads = _words()["heads"]["en"]
    if "-" in last:
        modifier, head = now.text[span[0]: span[1]].rsplit("-", 1)
    elif after and not now.text[span[1]: after[0].start].strip() and after[0].role == "generic" \
            and after[0].text.lower() in heads:
        modifier, head = now.text[span[0]: span[1]], after[0].text
    elif len(topic) == 1 and _level_named(last):
        # Rule "a bare level is the level": "How about the communes?" after "… at the
        # provincial level" names the level only; put in whole, it asked for "the share
        # of communes level" and the work files were gone.
        modifier, head = _level_named(last), ""
    else:
        return []
    head = head.lower()
    if head and head not in heads:
        return []
    olds = [t for t in prev.tokens if old[0] <= t.start and t.end <= old[1]]
    # The head right after the topic is the topic's ("the provincial level": "level" is
    # a stop word, "provincial" the topic's last word).
    olds += [t for t in prev.tokens if t.start >= old[1]][:1]
    for i, t in enumerate(olds):
        if "-" in t.text and t.text.lower().rsplit("-", 1)[1] in ([head] if head else heads):
            return [(t.start, t.start + len(t.text.rsplit("-", 1)[0]), modifier)]
        if t.text.lower() in ([head] if head else heads) and i > 0 \
                and not prev.text[olds[i - 1].end: t.start].strip():
            return [(olds[i - 1].start, olds[i - 1].end, modifier)]
    return []


def _level_named(word: str) -> str:
    """The level a lone English word names ("communes", "districts", "district"), as a
    ``level_names`` word, or "" when it names none."""
    names = _words()["level_names"]["en"]
    word = word.lower()
    for form in (word, word[:-1] if word.endswith("s") else ""):
        if form and form in names:
            return form
    return ""


def _subject_start(prev: Slots, start: int) -> int:
    """Where the previous topic starts once the word asking for its subject is taken
    with it ("ai" in "ai ký kế hoạch …": a new topic put in its place asks no "who"):
    "ai" is a frame word, yet left before "số hiệu kế hoạch" it asked "who number plan"."""
    before = [t for t in prev.tokens if t.end <= start]
    subject = {fold(w).lower() for w in _words()["asks_subject"]["vi"]}
    if before and not prev.text[before[-1].end: start].strip() and fold(before[-1].text).lower() in subject \
            and not _acronym(before[-1].text):
        return before[-1].start
    return start


def _indicator_end(prev: Slots, old: tuple[int, int]) -> tuple[int, int]:
    """Rule "the verb stays": an English topic is the stretch of the glossary's plan
    vocabulary in it, ending with the last such phrase; the words after it are the
    question's verb ("digital economy contribute" -> "digital economy"), which a
    follow-up's topic does not replace ("What share of GRDP did Ho Chi Minh City's
    e-commerce contribute …?", not "… City's e-commerce in 2024?")."""
    spans = [(s, e) for s, e in translated_spans(prev.text) if s < old[1] and old[0] < e]
    if not spans:
        return old
    # A phrase the topic starts inside is the topic's whole ("medium enterprises" of
    # "small and medium enterprises", whose "small and" are stop words).
    return min(old[0], min(s for s, _ in spans)), max(e for _, e in spans)


def _grown(slots: Slots, span: tuple[int, int], right: bool) -> tuple[int, int]:
    """The span grown over the generic words next to it (only spaces between), short of
    frame words ("bao nhiêu", "là"): "lệ tái sử dụng" -> "tỷ lệ tái sử dụng"."""
    frame = [range(s, e) for s, e in _find(tuple(_words()["frame"]["vi"]), slots.text)]
    # The words a carried province or year is written with ("của", "năm") join, not measure.
    joints = {fold(w).lower() for form in _words()["insert"]["vi"].values() if isinstance(form, str)
              for w in re.findall(r"\w+", form.replace("{province}", "").replace("{year}", ""))}
    # Rule "filler words are not measure words": "về" in "còn chỉ tiêu về hạ tầng?" says
    # what the topic is about; grown into it, it took the previous measure word's place
    # ("… đạt mục tiêu bao nhiêu về hạ tầng", the "phần trăm" gone).
    joints |= {fold(w).lower() for w in _words()["filler"]["vi"]}
    tokens = list(slots.tokens)
    inside = [i for i, t in enumerate(tokens) if span[0] <= t.start and t.end <= span[1]]
    if not inside:
        return span
    first, last = inside[0], inside[-1]

    def grows(i: int, j: int) -> bool:  # token i, next to token j
        t = tokens[i]
        between = slots.text[min(t.end, tokens[j].end): max(t.start, tokens[j].start)]
        return (t.role == "generic" and not between.strip() and not any(t.start in r for r in frame)
                and fold(t.text).lower() not in joints)

    while first > 0 and grows(first - 1, first):
        first -= 1
    while right and last + 1 < len(tokens) and grows(last + 1, last):
        last += 1
    return tokens[first].start, tokens[last].end


def _insert(text: str, lang: str, provinces: Sequence[str], years: Sequence[str]) -> str:
    """The text with a province and year it did not name added before its final
    punctuation ("… của Đồng Nai năm 2030?")."""
    if not provinces and not years:
        return text
    forms = _words()["insert"]["en" if lang == "en" else "vi"]
    body = text.rstrip()
    end = _closing_start(body[:len(body.rstrip("?!.…"))], tuple(forms["before"]))
    added = ""
    if provinces:
        added += forms["province"].format(province=forms["and"].join(provinces))
    if years:
        added += forms["year"].format(year=forms["and"].join(years))
    rest = body[end:]
    return body[:end].rstrip() + added + (" " + rest.lstrip() if rest[:1].isspace() else rest)


def _closing_start(body: str, closings: tuple[str, ...]) -> int:
    """Rule "insert before the closing words": where the words a question closes with
    begin ("đạt bao nhiêu", "là gì", "thì sao"; ``insert`` ``before``), so that a province
    or year added goes after the indicator it belongs to ("Tỷ lệ … của Quảng Bình năm 2023
    đạt bao nhiêu?"), not after the question words; the end of the text when it closes
    with none (English: always)."""
    if not closings:
        return len(body)
    pattern = re.compile(r"(?:^|\s)(?:" + _phrases(closings).pattern + r")\s*$")
    end = len(body)
    while True:
        m = pattern.search(fold(body[:end]).lower())
        if m is None or m.start() == 0:
            return end
        end = m.start()


# ----------------------------------------------------------------- a turn in the pipeline

@dataclass
class Turn:
    """A question made ready for the pipeline: the standalone text and its analysis,
    the filter still to apply, what to show above the answer, and, for greetings,
    definitions and summaries, the reply itself."""

    text: str
    query: Query
    province: str | None
    understood: str | None = None
    notices: list[str] = field(default_factory=list)
    # (answer text, abstained, citations, intent), when the request is answered apart.
    reply: tuple[str, bool, list[Citation], str] | None = None
    hits: list[Hit] = field(default_factory=list)


def prepare(assistant: "Assistant", text: str, history: Sequence[Answer], province: str | None,
            mode: str, k: int, analyse: Analyse) -> Turn:
    """Greeting, follow-up resolution, the named province over the filter, then the
    requests answered apart (definitions, summaries); other questions go on as usual."""
    said = intents.greeting(text)
    if said is not None:
        reply = intents.greeting_reply(said, assistant.provinces(), _examples(assistant, said.lang))
        return Turn(text, replace(analyse(text), lang=said.lang), province, reply=(reply, False, [], "greeting"))
    query = analyse(text)
    resolved = resolve(text, query, history, analyse, assistant.provinces(), assistant.index.spellings)
    turn = Turn(resolved.text, resolved.query, province, resolved.understood)
    turn.province, notice = named_province_wins(resolved.query, province, assistant.provinces())
    if notice:
        turn.notices.append(notice)
    term = intents.definition_term(resolved.text, resolved.query)
    if term is not None:
        turn.query = replace(turn.query, lang=term.lang)
        turn.hits, turn.reply = _define(assistant, term.text, term.lang, mode, k, analyse)
    elif intents.summary_requested(resolved.text, resolved.query):
        turn.reply = _summarise(assistant, resolved.query, turn.province)
    return turn


def named_province_wins(query: Query, province: str | None, collection: Sequence[str]) -> tuple[str | None, str | None]:
    """The filter to apply and the notice to show: a question naming a province of the
    collection other than the filter's is answered for the one it names."""
    if not province:
        return province, None
    chosen = canonical(province) or province
    named = [p for p in query.provinces if in_scope((p,), collection)]
    # The filter stays when the plans the question asks about are all the filter's
    # (a question naming Đà Nẵng under a Quảng Nam filter reads Quảng Nam's plan).
    if not named or set(in_scope(named, collection)) <= set(in_scope((chosen,), collection)):
        return province, None
    texts = _words()["filter_notice"]
    conjunction = " and " if query.lang == "en" else " và "
    names = named[0] if len(named) == 1 else ", ".join(named[:-1]) + conjunction + named[-1]
    return None, texts["en" if query.lang == "en" else "vi"].format(filter=chosen, named=names)


#: Example questions are built from the targets of at most this many provinces' plans
#: (reading every plan of a large collection for a greeting would be slow).
EXAMPLE_PROVINCES = 8


def _examples(assistant: "Assistant", lang: str) -> list[str]:
    """Three example questions built from the targets the collection's plans state."""
    targets: dict[str, list[intents.Target]] = {}
    for province in assistant.provinces():
        found = [t for d in _documents_of(assistant, province) for t in _targets(assistant, d.doc_id)]
        if found:
            targets[province] = found
        if len(targets) >= EXAMPLE_PROVINCES:
            break
    return intents.example_questions(lang, targets)


def _define(assistant: "Assistant", term: str, lang: str, mode: str, k: int, analyse: Analyse
            ) -> tuple[list[Hit], tuple[str, bool, list[Citation], str]]:
    """The plan's defining sentence for the term, searched among the passages that
    best match the term, its other names ("CĐS") and "là"."""
    aliases = intents.term_aliases(term, lang)
    hits = assistant.retriever.search(analyse(" ".join([term, *aliases, "là"])), mode, max(k, 10))
    found = intents.find_definition(hits, aliases)
    text, abstained, citations = intents.definition_reply(
        term, lang, found, hits, assistant.index.documents, k, assistant.settings.max_answer_chars)
    return hits, (text, abstained, citations, "abstain" if abstained else "definition")


def _summarise(assistant: "Assistant", query: Query, province: str | None) -> tuple[str, bool, list[Citation], str]:
    """The summary of the one province the question names (or the filter's, or the
    collection's only one); else a question back naming the provinces there are."""
    collection = assistant.provinces()
    texts = intents.load_data("intents_text.json")["en" if query.lang == "en" else "vi"]
    named = list(query.provinces) or ([canonical(province) or province] if province else [])
    if not named and len(collection) == 1:
        named = list(collection)
    if len(named) != 1:
        return texts["which_province"].format(provinces=", ".join(collection)), True, [], "abstain"
    plans = in_scope(named, collection)  # a merged province's plans are its predecessors'
    if not plans:
        return texts["no_plan"].format(province=named[0]), True, [], "abstain"
    label = ", ".join(p + (f" ({note})" if (note := describe(p, named, query.lang)) else "") for p in plans)
    targets = [t for p in plans for d in _documents_of(assistant, p) for t in _targets(assistant, d.doc_id)]
    year = query.years[0] if len(query.years) == 1 else None
    text, abstained, citations = intents.summary_reply(
        label, query.lang, year, targets, assistant.index.documents, assistant.index.chunks_of)
    return text, abstained, citations, "abstain" if abstained else "summary"


def _documents_of(assistant: "Assistant", province: str) -> Iterator[Document]:
    """The province's indexed plans, in a stable order."""
    return (d for d in sorted(assistant.index.documents.values(), key=lambda d: d.doc_id) if d.province == province)


_TARGETS: dict[tuple[int, str, str], list[intents.Target]] = {}


def _targets(assistant: "Assistant", doc_id: str) -> list[intents.Target]:
    """A document's targets, read once per indexed version of it."""
    doc = assistant.index.documents[doc_id]
    key = (id(assistant.index), doc_id, doc.sha256)
    if key not in _TARGETS:
        _TARGETS[key] = intents.plan_targets(doc)
    return _TARGETS[key]


# ----------------------------------------------------------------- the command line's batches

class Conversations:
    """The history of each conversation of a batch (``"conversation"`` ids), so that
    lines sharing an id are asked as turns in order."""

    def __init__(self) -> None:
        self._history: dict[str, list[Answer]] = {}

    @staticmethod
    def key(line: dict[str, Any]) -> str | None:
        value = line.get("conversation")
        return None if value is None else str(value)

    def history(self, line: dict[str, Any]) -> list[Answer]:
        """The turns before this line in its conversation (none for a line without an id)."""
        key = self.key(line)
        return list(self._history.get(key, ())) if key is not None else []

    def add(self, line: dict[str, Any], answer: Answer) -> None:
        key = self.key(line)
        if key is not None:
            self._history.setdefault(key, []).append(answer)

    def to_json(self, line: dict[str, Any], answer: Answer) -> dict[str, Any]:
        """The answer's JSON with how it was understood (and its conversation id, if any)."""
        out = answer.to_json()
        out["understood"] = answer.understood
        if self.key(line) is not None:
            out["conversation"] = line["conversation"]
        return out
