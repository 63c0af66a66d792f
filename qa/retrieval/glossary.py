"""Plan vocabulary: an English -> Vietnamese glossary and the abbreviations plans use.

English questions are matched against Vietnamese plans by adding the Vietnamese
terms of the English phrases they contain: BM25 then finds the passage, and the
answer picks the clause that holds those terms. The vocabulary is that of the
national programme (Decision 749/QĐ-TTg) which every provincial plan follows, not
of any one plan. Both tables are data files (``qa/data/glossary.tsv``,
``qa/data/abbreviations.tsv``), read once and validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.data import DataFileError, alternatives, digest, read_rows
from qa.text import fold

GLOSSARY_FILE = "glossary.tsv"
ABBREVIATIONS_FILE = "abbreviations.tsv"
STOPWORDS_FILE = "english_stopwords.txt"


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English phrase -> its Vietnamese translations, from ``qa/data/glossary.tsv``."""
    entries: dict[str, tuple[str, ...]] = {}
    for line, (english, vietnamese) in read_rows(GLOSSARY_FILE, 2):
        translations = alternatives(vietnamese)
        if english != english.lower() or not re.fullmatch(r"[a-z0-9' \-]+", english):
            raise DataFileError(GLOSSARY_FILE, line, f"{english!r}: write the English phrase in lower-case ASCII")
        if not translations:
            raise DataFileError(GLOSSARY_FILE, line, f"{english!r} has no Vietnamese translation")
        if english in entries:
            raise DataFileError(GLOSSARY_FILE, line, f"{english!r} is listed twice")
        entries[english] = tuple(t.lower() for t in translations)
    return entries


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    """English words that say nothing a plan states (``qa/data/english_stopwords.txt``)."""
    return frozenset(w for _, (line,) in read_rows(STOPWORDS_FILE, 1) for w in line.split())


def base_forms(word: str) -> list[str]:
    """An English word and what it may be an inflection of, itself first: "gives" → give,
    "names" → name, "stating" → state, "aimed" → aim, "planned" → plan, "applies" → apply.
    Some forms are no word ("gives" → "giv"); they are only looked up, never written."""
    out = [word]
    for ending, replacements in (("ies", ("y",)), ("ied", ("y",)), ("es", ("", "e")), ("s", ("",)),
                                 ("ed", ("", "e")), ("ing", ("", "e"))):
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[: -len(ending)]
            out += [stem + r for r in replacements]
            if ending in ("ed", "ing") and len(stem) >= 3 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # planned, setting
    return list(dict.fromkeys(out))


def is_stopword(word: str) -> bool:
    """Rule (a stop word in any inflection): ``word`` is in ``english_stopwords`` or an
    inflection of one of four letters or more ("gives", "names", "lists", "mentions", "stating";
    not "noted" for "not", "thing" for "the"). Why: those
    words say nothing a plan states in any form, and an inflected one was counted as an
    untranslated content word that no Vietnamese unit holds, lowering every unit's coverage."""
    stop = english_stopwords()
    return word in stop or any(len(form) >= 4 and form in stop for form in base_forms(word)[1:])


def compound_key(english: str) -> str:
    """An English phrase without its spaces and hyphens: "cyber security", "cyber-security"
    and "cybersecurity" are one word written three ways, and share one key."""
    return re.sub(r"[\s\-]+", "", english)


@lru_cache(maxsize=1)
def _phrases() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    # Entries that are one compound written apart or together ("cyber security",
    # "cybersecurity") pool their translations: a question typing either way gets all of them.
    pooled: dict[str, list[str]] = {}
    for en, vi in glossary().items():
        pooled.setdefault(compound_key(en), []).extend(vi)
    out = []
    for en in glossary():
        vi = tuple(dict.fromkeys(pooled[compound_key(en)]))
        # hyphen and space interchangeable; plural and verb endings allowed on the last word,
        # except after a word of two letters ("ai" must not take in "aid"); British and
        # American spellings of every word
        words = re.split(r"[\s\-]+", en)
        body = r"[\s\-]?".join(_any_number(w) for w in words[:-1]) + (r"[\s\-]?" if len(words) > 1 else "")
        last = "(?:" + "|".join(inflected(v) for v in spellings(words[-1])) + ")"
        out.append((re.compile(rf"(?<![a-z0-9]){body}{last}(?![a-z0-9])"), vi))
    return out


# British and American spellings of one word, each rule a pair of endings either of which may
# be written: digitise/digitize (and -ised, -ising, -isation), analyse/analyze, centre/center,
# fibre/fiber, labour/labor, licence/license, programme/program.
_SPELLING_PAIRS: tuple[tuple[str, str, str], ...] = (
    (r"(?<=[iy])[sz](?=(?:e|ed|es|ing|ation|ations|er|ers)$)", "s", "z"),
    (r"(?<=[tb])(?:re|er)(?=s?$)", "re", "er"),
    (r"(?<=[a-z]{2})(?:our|or)(?=s?$)", "our", "or"),
    (r"(?<=en)[cs](?=e$)", "c", "s"),
    (r"(?<=gram)(?:me)?$", "me", ""),
)


def spellings(word: str) -> list[str]:
    """Every British and American spelling of an English word, itself first: "digitise" →
    digitize, "centre" → center, "labour" → labor, "programme" → program. Why: officials
    write either, and the glossary should not have to list each word twice. A rule makes a
    spelling that is no English word ("sector" → "sectour") harmlessly, as nobody types it."""
    out = [word]
    for pattern, a, b in _SPELLING_PAIRS:
        for w in list(out):
            for ending in (a, b):
                variant = re.sub(pattern, ending, w, count=1)
                if variant not in out:
                    out.append(variant)
    return out


def _any_spelling(word: str) -> str:
    return "(?:" + "|".join(re.escape(v) for v in spellings(word)) + ")"


def numbers(word: str) -> list[str]:
    """An inner word of a glossary phrase in the singular and the plural, itself first:
    "operations" → operation, "service" → services, "agency" → agencies. Why: English puts
    a noun before another in either number ("intelligent operation(s) centre", "public
    service(s) portal"), and the glossary should not have to list each phrase twice. Only
    the plural ending is added or taken off (an inner word is a noun or an adjective, never
    a verb); a word of three letters or fewer, or ending in -ss, -us or -is, keeps its form."""
    out = [word]
    if len(word) <= 3 or re.search(r"(?:ss|us|is)$", word):
        return out
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    elif re.search(r"[^aeiou]y$", word):
        out.append(word[:-1] + "ies")
    elif re.search(r"(?:ch|sh|x)es$", word):
        out.append(word[:-2])
    elif word.endswith("s"):
        out.append(word[:-1])
    else:
        out.append(word + ("es" if re.search(r"(?:ch|sh|x)$", word) else "s"))
    return out


def _any_number(word: str) -> str:
    """A pattern of an inner word in either number and either spelling (``numbers``, ``spellings``)."""
    return "(?:" + "|".join(re.escape(v) for n in numbers(word) for v in spellings(n)) + ")"


def inflected(word: str) -> str:
    """A pattern of an English word with its plural and verb endings: "agency" → agencies,
    "use" → uses, used, using, "plan" → plans, planned, planning; a word of two letters
    takes only -s ("ai" must not take in "aid")."""
    w = re.escape(word)
    if len(word) <= 2:
        return w + "(?:s)?"
    if re.search(r"[^aeiou]y$", word):  # agency, apply: agencies, applied, applying
        return re.escape(word[:-1]) + "(?:y|ies|ied|ying)"
    forms = [w + "(?:e?s|e?d|ing)?"]
    if word.endswith("e"):  # use, manage: using, managing
        forms.append(re.escape(word[:-1]) + "ing")
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", word):  # plan, submit: planned, submitting
        forms.append(w + re.escape(word[-1]) + "(?:ed|ing)")
    return "(?:" + "|".join(forms) + ")"


@dataclass(frozen=True)
class Translation:
    """What the glossary makes of an English question."""

    # For each English phrase, the Vietnamese terms that translate it (any one will do).
    # A phrase inside a longer matched one ("service" in "online public service") is
    # left out: the longer one says it better.
    matches: tuple[tuple[str, ...], ...]
    # Content words no phrase covers ("blockchain"). They count when judging an answer,
    # at a lower weight, since the glossary cannot know every way of putting a plan's words.
    untranslated: tuple[str, ...]

    @property
    def terms(self) -> list[str]:
        """Every Vietnamese term, flat and without repeats."""
        return list(dict.fromkeys(v for choices in self.matches for v in choices))


def _phrase_matches(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Each occurrence of a glossary phrase in a text lower-cased by ``_lowered``: its
    offsets and Vietnamese."""
    return [(m.start(), m.end(), vi) for pattern, vi in _phrases() for m in pattern.finditer(text)]


def _lowered(english: str) -> str:
    return english.lower().replace("’", "'")


def translated_spans(english: str) -> list[tuple[int, int]]:
    """Where the glossary's phrases occur in an English text (offsets into it)."""
    return sorted({(start, end) for start, end, _ in _phrase_matches(_lowered(english))})


def translate(english: str) -> Translation:
    """The glossary's Vietnamese for an English question (one pass over its phrases)."""
    text = _lowered(english)
    spans = _phrase_matches(text)
    kept = [s for s in spans
            if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0]) for o in spans)]
    by_span: dict[tuple[int, int], list[str]] = {}  # "ranking" matched as "ranking" and "rank"+"ing": one phrase
    for start, end, vi in sorted(kept, key=lambda k: (k[0], k[1])):
        alternatives = by_span.setdefault((start, end), [])
        alternatives.extend(v for v in vi if v not in alternatives)
    matches: list[tuple[str, ...]] = []
    for alternatives in by_span.values():
        if tuple(alternatives) not in matches:
            matches.append(tuple(alternatives))
    names = [m for m in _NAME_WITH_DIGITS.finditer(text) if not _ORDINAL.fullmatch(m.group(0))]
    found: list[tuple[int, str]] = [(m.start(), m.group(0)) for m in names]
    for m in re.finditer(r"[a-z][a-z\-]*[a-z]", text):
        word = m.group(0)
        if any(n.start() <= m.start() < n.end() for n in names):
            continue
        word = word[:-2] if word.endswith("'s") else word
        if len(word) > 2 and not is_stopword(word):
            found.append((m.start(), word))
    untranslated: list[str] = []
    for start, word in sorted(found):
        if not any(a <= start < b for a, b, _ in spans) and word not in untranslated:
            untranslated.append(word)
    return Translation(tuple(matches), tuple(untranslated))


#: Rule (a name with digits is one word): a token of letters and digits mixed ("Tech4life",
#: "3D", "IPv6"), not part of a code ("05-NQ/TU"), is an untranslated word whole, as the
#: index's tokenizer keeps it ("tech4life"), not cut into its letter runs ("tech", "life"),
#: which no Vietnamese unit holds; nor is "3D" left out for being short.
_NAME_WITH_DIGITS = re.compile(r"(?<![\w/\-.])(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]+(?![\w/\-])")
#: "10th", "2nd", "1990s": an ordinal or a decade is no name.
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|s)")


def abbreviation_key(token: str) -> str:
    """The key an abbreviation is known by: lower case, no diacritics, no &, -, . or /
    ("TT&TT", "TTTT", "TT-TT" -> "tttt"; "GD&ĐT" -> "gddt")."""
    return re.sub(r"[&\-./]", "", fold(token).lower())


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Abbreviation key -> full forms, from ``qa/data/abbreviations.tsv``."""
    entries: dict[str, tuple[str, ...]] = {}
    for line, (abbreviation, full) in read_rows(ABBREVIATIONS_FILE, 2):
        key = abbreviation_key(abbreviation)
        if not re.fullmatch(r"\w+", key):
            raise DataFileError(ABBREVIATIONS_FILE, line, f"{abbreviation!r} is not one word")
        if key in entries:
            raise DataFileError(ABBREVIATIONS_FILE, line, f"{abbreviation!r} repeats the key {key!r}")
        if not alternatives(full):
            raise DataFileError(ABBREVIATIONS_FILE, line, f"{abbreviation!r} has no full form")
        entries[key] = tuple(f.lower() for f in alternatives(full))
    return entries


def full_forms(token: str) -> tuple[str, ...]:
    """The full forms of an abbreviation typed any way ("Sở TTTT" -> its "TTTT" ->
    "thông tin và truyền thông"), or () when it is none."""
    return abbreviations().get(abbreviation_key(token), ())


def expand_abbreviations(tokens: list[str]) -> list[str]:
    """What the known abbreviations among tokens stand for, added to a text's terms in
    passages and questions alike so that either side may abbreviate: the full forms, and
    the key where the token spells it otherwise ("tt&tt" -> "tttt"), so that all spellings
    of an abbreviation also share one term."""
    out: list[str] = []
    for token in tokens:
        forms = full_forms(token)
        if forms:
            key = abbreviation_key(token)
            out.extend(([key] if key != fold(token).lower() else []) + list(forms))
    return out


def data_digest() -> str:
    """A hash of the vocabulary files: what shaped the BM25 terms and translations."""
    return digest(GLOSSARY_FILE, ABBREVIATIONS_FILE, STOPWORDS_FILE)
