"""Acronyms a collection defines for itself, so that a question may use either form.

Regulations and plans coin their own acronyms and define them once, in brackets after
the full form: "Chương trình tài năng (CTTN)", "khóa luận tốt nghiệp (sau đây gọi tắt là
KLTN)", "Chỉ số chuyển đổi số cấp tỉnh (DTI)". Afterwards they write the acronym only,
while a reader asks in full words ("Quy định đào tạo chương trình tài năng quy định điều
gì?"), or the other way round. The glossary's abbreviations (``qa/data/abbreviations.tsv``)
are the acronyms every plan shares; these are read from the collection itself when the
assistant opens, like the spellings that restore diacritics (``qa.indexing.spellings``), so
they fit whatever is indexed.

A question naming a defined full form is searched with its acronym too, and one naming a
defined acronym with its full form too (``expansion_terms``): BM25 then finds the passages
that use the other form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from qa.indexing.bm25 import terms
from qa.retrieval.glossary import abbreviation_key, abbreviations
from qa.text import fold, spaced_form, spaced_words

#: A definition's bracket: "(CTTN)", "(gọi tắt là KLTN)", "(sau đây viết tắt là “ĐVCM”)".
_DEFINITION = re.compile(r"\(\s*(?:sau đây |dưới đây )?(?:(?:được )?(?:gọi tắt|viết tắt|gọi) là\s+)?[“\"]?"
                         r"([A-ZĐ][A-ZĐ0-9&\-]{1,11})[”\"]?\s*\)")
#: Words of a full form that its acronym may skip ("Thông tin và Truyền thông" is "TT&TT").
_SKIPPED = frozenset({"va", "&", "-", "–"})
#: The most words a full form is looked for in, before its bracket.
MAX_FULL_WORDS = 12


def _letters(acronym: str) -> str:
    return "".join(ch for ch in fold(acronym).lower() if ch.isalpha())


def full_form(before: str, acronym: str) -> str | None:
    """The words just before a bracket whose initials spell the acronym ("… theo hình thức
    Chương trình tài năng" + "CTTN" → "Chương trình tài năng"), or None: the fewest words
    from the bracket back, skipping "và" and dashes, as a definition writes them."""
    letters = _letters(acronym)
    if len(letters) < 2:
        return None
    words = re.findall(r"[\w&\-–]+", before)[-MAX_FULL_WORDS:]
    initials = ""
    for k in range(1, len(words) + 1):
        word = words[-k]
        if fold(word).lower() not in _SKIPPED:
            initials = fold(word)[0].lower() + initials
        if initials == letters:
            return " ".join(words[-k:])
        if len(initials) >= len(letters):
            return None
    return None


def defined_acronyms(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Acronym key (``abbreviation_key``) → the full forms the texts define it with, lower
    case, most used first; the glossary's own abbreviations are left to it."""
    counts: dict[str, dict[str, int]] = {}
    for text in texts:
        for m in _DEFINITION.finditer(text):
            acronym = m.group(1)
            key = abbreviation_key(acronym)
            if key in abbreviations():
                continue
            found = full_form(text[max(0, m.start() - 160): m.start()], acronym)
            if found:
                forms = counts.setdefault(key, {})
                forms[found.lower()] = forms.get(found.lower(), 0) + 1
    return {key: tuple(sorted(forms, key=lambda f: -forms[f])) for key, forms in counts.items()}


def expansion_terms(question: str, acronyms: Mapping[str, tuple[str, ...]]) -> list[str]:
    """BM25 terms to add to a question: the acronym of each defined full form it names, and
    the full forms of each defined acronym it writes in capitals (so that "ban" is no
    "BAN")."""
    if not acronyms:
        return []
    out: list[str] = []
    for token in re.findall(r"[\w&\-]+", question):
        forms = acronyms.get(abbreviation_key(token)) if sum(ch.isupper() for ch in token) >= 2 else None
        for form in forms or ():
            out += terms(form)
    for key, _ in defined_forms(question, acronyms):
        out += terms(key)
    return out


def defined_forms(question: str, acronyms: Mapping[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(acronym key, full form) of each defined full form the question names, as whole words."""
    folded = spaced_words(question)
    return [(key, form) for key, forms in acronyms.items() for form in forms[:1] if spaced_form(form) in folded]
